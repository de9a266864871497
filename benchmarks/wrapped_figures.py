"""Columns wrapped around a figure whose letter-spaced caption bridges the gutter (issue 24): order per preset.

usage: python benchmarks/wrapped_figures.py [--presets fast,swift,accurate] [--pages 6] [--seed 24]
           [--out DIR] [--layout-only]

The kind of UNLV ``8087_054.3B`` (``tesseract_testing``, a test set: only diagnosed there), drawn with
PIL in variants: two (or three) columns of justified prose; a figure (a grey box) set over the gutter
between the first two columns, the columns beside it narrowed around it; under the figure a caption in
letter-spaced capitals (tracking 0.15-0.45 of the font size, 3-6 lines, centred on the gutter or offset
by up to a fifth of the figure's width), the columns going on beside it and then full width below.
Fonts (serif and sans), sizes (9-11 pt), gutters (0.15-0.3 in), dpi (200, 300), the figure's height (6-12
lines) and the lines above and below it (8-14 each) vary by seed. No cut through the whole page is clean there (the caption bridges the gutter) and the
columns' lines share one baseline pitch, so the page is cut at the bridged gutter
(``ocrplug.layout._crossed_gutters``) or read row by row across the columns.

Truth: the first column top to bottom, the caption, the second column, (the third). Per page and preset
it prints the **column runs** (body lines found in the page text, matched by ``difflib`` ratio >= 0.8,
taken in the order read: how often the column changes, plus one; as many as there are columns when read
column by column, about one a line when read across), the page CER (``char_error_rate``, against the
truth in that order; the caption's words may go to either side of the gutter, so a few hundredths of it
are the caption's place). A page is read column by column when
its runs equal its columns. ``--layout-only`` lays out the pages' own drawn word boxes
(``layout_regions``, no OCR: each drawn word a unit, the caption's letter-spaced words split at their
wide letter spaces as a recognizer does) and prints the same runs: the layout alone, in seconds.
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import random
import sys
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins"), str(ROOT / "benchmarks")]

from drawn_pages import font  # noqa: E402

WORDS = (
    "the harbour was quiet in early morning and boats lay still against stone wall gulls waited on roofs "
    "of sheds for first fishermen to come down hill nobody spoke much at that hour because work was known "
    "all them by seven boat had cast off others followed one into grey light market opened nine when carts "
    "rolled from farms along valley road apples pears late plums were piled trestles beside sacks flour salt "
    "baker next village sold bread back green van with dented door children ran between stalls told more "
    "than once mind eggs town council met tuesdays long room above old customs house its members argued "
    "about price coal state pier new school roof minutes kept ledger bound red cloth served forty years"
).split()
CAPTION = (
    "the terra cotta roofs of the old town damaged during the winter storms are mostly restored now "
    "the new sea wall took six summers to finish"
).upper().split()
FACES = ["p052", "nimbusroman", "c059", "libserif", "nimbussans", "libsans"]


@dataclass
class Word:
    """A drawn word: box in page pixels (x0, y0, x1, y1), its text, the column (-1: the caption)."""

    box: tuple[float, float, float, float]
    text: str
    col: int


@dataclass
class Spec:
    name: str
    cols: int
    face: str
    pt: float
    dpi: int
    gutter: int  # px
    track: float  # the caption's letter spacing, share of its font's pixel size
    offset: float  # the caption's centre off the gutter's, share of the figure's width
    cap_lines: int
    fig_lines: int
    above: int  # lines of the columns above the figure
    below: int  # and below the caption


def make_spec(index: int, seed: int) -> Spec:
    rng = random.Random(seed * 1000 + index)
    dpi = rng.choice([200, 300])
    cols = 3 if index % 3 == 2 else 2
    face = FACES[index % len(FACES)]
    pt = rng.choice([9.0, 9.5, 10.0, 11.0])
    gutter = round(rng.uniform(0.15, 0.3) * dpi)
    track = rng.uniform(0.15, 0.45)
    offset = rng.uniform(-0.2, 0.2) if index % 2 else 0.0
    name = f"w{index:02d}_{cols}col_{face}_{pt:g}pt_{dpi}_g{gutter}_t{track:.2f}_o{offset:+.2f}"
    return Spec(name, cols, face, pt, dpi, gutter, track, offset, rng.randint(3, 6), rng.randint(6, 12),
                rng.randint(8, 14), rng.randint(8, 14))


def _fill(draw: ImageDraw.ImageDraw | None, words: list[str], f, x0: float, x1: float, y: float, col: int,
          out: list[Word], justify: bool = True) -> None:
    """One line of ``words`` between x0 and x1 at y (justified unless ``justify`` is false)."""
    widths = [f.getlength(w) for w in words]
    space = f.getlength(" ")
    if justify and len(words) > 1:
        space = (x1 - x0 - sum(widths)) / (len(words) - 1)
    x = x0
    for w, wd in zip(words, widths, strict=True):
        top, bottom = 0, sum(f.getmetrics())  # a detector's box: the line's ascent to its descent
        if draw is not None:
            draw.text((x, y), w, font=f, fill=0)
        out.append(Word((x, y + top, x + wd, y + bottom), w, col))
        x += wd + space


def _take(rng: random.Random, f, width: float) -> list[str]:
    """Words of a line that fit ``width`` at a normal space."""
    line: list[str] = []
    while True:
        w = rng.choice(WORDS)
        if line and f.getlength(" ".join([*line, w])) > width:
            return line
        line.append(w)


def _tracked(draw: ImageDraw.ImageDraw, text: str, f, x: float, y: float, track: float) -> list[tuple[float, float, float, float, str]]:
    """Draw ``text`` letter by letter, ``track`` px between letters (three times that between words);
    the letters' boxes and letters."""
    out = []
    for ch in text:
        if ch == " ":
            x += f.getlength(" ") + 2 * track
            continue
        bb = f.getbbox(ch)
        draw.text((x, y), ch, font=f, fill=0)
        out.append((x + bb[0], y, x + bb[2], y + sum(f.getmetrics()), ch))
        x += f.getlength(ch) + track
    return out


def make_page(spec: Spec, seed: int) -> tuple[Image.Image, list[Word], list[list[str]]]:
    """The page, its drawn word boxes (the caption's as recognizers cut letter-spaced words: at letter
    spaces wider than a third of the font size) and the truth lines per column (-1 key last: caption)."""
    rng = random.Random(seed * 7919 + zlib.crc32(spec.name.encode()))
    dpi = spec.dpi
    f = font(spec.face, spec.pt, dpi)
    cf = font(spec.face, spec.pt * 0.8, dpi)
    px = spec.pt * dpi / 72
    pitch = round(px * 1.18)
    margin = round(0.6 * dpi)
    w_px = round(8.5 * dpi)
    inner = w_px - 2 * margin
    colw = (inner - (spec.cols - 1) * spec.gutter) / spec.cols
    xs = [margin + k * (colw + spec.gutter) for k in range(spec.cols)]
    top_lines, bottom_lines = spec.above, spec.below
    fig_w = colw * 0.9
    gx = xs[0] + colw + spec.gutter / 2  # the gutter's centre between the first two columns
    fig = (gx - fig_w / 2, gx + fig_w / 2)
    cap_y = margin + (top_lines + spec.fig_lines) * pitch
    n_rows = top_lines + spec.fig_lines + spec.cap_lines + 1 + bottom_lines
    h_px = margin * 2 + n_rows * pitch
    img = Image.new("L", (w_px, h_px), 255)
    draw = ImageDraw.Draw(img)
    words: list[Word] = []
    truth: dict[int, list[str]] = {}
    for k in range(spec.cols):
        for r in range(n_rows):
            y = margin + r * pitch
            x0, x1 = xs[k], xs[k] + colw
            beside = top_lines <= r < n_rows - bottom_lines
            if beside and k == 0:
                x1 = fig[0] - spec.gutter
            if beside and k == 1:
                x0 = fig[1] + spec.gutter
            line = _take(rng, f, x1 - x0)
            _fill(draw, line, f, x0, x1, y, k, words, justify=r != n_rows - 1)
            truth.setdefault(k, []).append(" ".join(line))
    fy0, fy1 = margin + top_lines * pitch + pitch // 3, cap_y - pitch // 3
    draw.rectangle([fig[0], fy0, fig[1], fy1], fill=150)
    # The caption: letter-spaced capitals centred under the figure (offset by spec.offset of its width).
    track = spec.track * spec.pt * 0.8 * dpi / 72
    cap_words = list(CAPTION)
    centre = gx + spec.offset * fig_w
    for r in range(spec.cap_lines):
        line: list[str] = []
        while cap_words:
            trial = " ".join([*line, cap_words[0]])
            if line and cf.getlength(trial) + track * len(trial) > fig_w * 0.95:
                break
            line.append(cap_words.pop(0))
        if not line:
            break
        text = " ".join(line)
        width = cf.getlength(text) + track * (len(text) - 1) + 2 * track * text.count(" ")
        letters = _tracked(draw, text, cf, centre - width / 2, cap_y + r * pitch, track)
        # A recognizer cuts letter-spaced capitals at the wider letter spaces: one unit per run of letters
        # closer than a third of the font size (UNLV 8087: ``RE S TO RED NO W.``).
        run: list[tuple[float, float, float, float, str]] = []
        for box in [*letters, None]:
            if run and (box is None or box[0] - run[-1][2] > cf.size / 3):
                words.append(Word((run[0][0], min(b[1] for b in run), run[-1][2], max(b[3] for b in run)),
                                  "".join(b[4] for b in run), -1))
                run = []
            if box is not None:
                run.append(box)
        truth.setdefault(-1, []).append(text)
    order = [0, -1, *range(1, spec.cols)]
    return img, words, [truth[k] for k in order]


def column_runs(text: str, truth: list[list[str]]) -> int:
    """How many runs of one column the body lines found in ``text`` make, in the order read (caption out)."""
    lines = [ln.strip().lower() for ln in text.splitlines() if ln.strip()]
    body = [(k, t.lower()) for k, col in enumerate(truth) if k != 1 for t in col]
    seq: list[tuple[int, int]] = []
    for k, t in body:
        best, where = 0.0, -1
        for i, ln in enumerate(lines):
            r = difflib.SequenceMatcher(None, ln, t).ratio()
            if r > best:
                best, where = r, i
        if best >= 0.8:
            seq.append((where, k))
    cols = [k for _, k in sorted(seq)]
    return 1 + sum(a != b for a, b in itertools.pairwise(cols))


def _layout_text(words: list[Word]) -> str:
    from ocrplug.layout import layout_regions
    from ocrplug.model import Region

    regions = [Region.from_box(*w.box, text=w.text, level="word") for w in words]
    return "\n".join(ln.text or "" for b in layout_regions(regions) for ln in b.children)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,swift,accurate")
    ap.add_argument("--pages", type=int, default=6)
    ap.add_argument("--seed", type=int, default=24)
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--layout-only", action="store_true")
    args = ap.parse_args()
    from ocrplug.evaluation.metrics import char_error_rate

    pages = []
    for i in range(args.pages):
        spec = make_spec(i, args.seed)
        pages.append((spec, *make_page(spec, args.seed)))
    out = args.out or Path(tempfile.mkdtemp(prefix="wrapped_figures_"))
    out.mkdir(parents=True, exist_ok=True)
    if args.layout_only:
        ok = 0
        for spec, _img, words, truth in pages:
            runs = column_runs(_layout_text(words), truth)
            ok += runs == spec.cols
            print(f"{spec.name:52s} layout   runs {runs:3d} (columns {spec.cols})")
        print(f"layout: {ok}/{len(pages)} pages read column by column")
        return
    from ocrplug.pipeline import Pipeline

    for preset in args.presets.split(","):
        pipe = Pipeline.from_preset(preset, ["renderers=[]"])
        ok, cers = 0, []
        for spec, img, _words, truth in pages:
            png = out / f"{spec.name}.png"
            img.save(png, dpi=(spec.dpi, spec.dpi))
            ref = "\n".join(t for col in truth for t in col)
            (out / f"{spec.name}.truth.txt").write_text(ref + "\n")
            text = pipe.run(png).pages[0].text
            (out / preset).mkdir(exist_ok=True)
            (out / preset / f"{spec.name}.txt").write_text(text)
            runs = column_runs(text, truth)
            cer = char_error_rate(text, ref)
            ok += runs == spec.cols
            cers.append(cer)
            print(f"{spec.name:52s} {preset:8s} runs {runs:3d} (columns {spec.cols}) page CER {cer:.3f}", flush=True)
        print(f"{preset}: {ok}/{len(pages)} pages read column by column, mean page CER {sum(cers) / len(cers):.3f}",
              flush=True)


if __name__ == "__main__":
    main()
