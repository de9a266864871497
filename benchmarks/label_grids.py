"""Label sheets and coincidental word-space gutters (issue 24, T9 faults 4 and 5): reading order per preset.

usage: python benchmarks/label_grids.py [--presets fast,accurate,swift] [--pages NAME,...] [--work DIR]

Draws deterministic pages with PIL and reads each with every preset (``Pipeline.from_preset``, as
``ocrplug run`` does), PNG pages and their PDF copies (``img2pdf``, lossless; the PDF is rasterized
by the ``inputs`` plugin at ``input.dpi`` 300, so a 150 or 200 dpi page comes back at 2 or 1.5 times
its scale and a 300 dpi page at about the same):

* ``labels_2x7_300``, ``labels_3x8_300``, ``labels_3x10_200``: address label sheets (2 x 7, 3 x 8 and
  3 x 10 labels of 4 or 3 lines, Noto Sans / Nimbus Sans / DejaVu Serif), faint label outlines.
  Truth: label by label, rows of labels top to bottom, each row left to right.
* ``gaps_150``, ``gaps_200``, ``gaps_300``: a title and four blocks of 3 prose lines (Nimbus Sans 10 pt)
  in which one word space of each line lies at about the same x, the three staggered by 0.8-0.95 of a
  space, so the block shows a vertical strip of white only 0.05-0.2 of a space wide in advance widths
  (printed per page; its ink is a few px wider), then a paragraph. Truth: line by line.

Per page and preset it prints the WER of the text (``Page.text`` tokens against the truth's, word
edit distance over truth words), ``lines``: the share of truth lines that come out as one line of
the result, whole (a block cut at a false gutter splits every line in two), and ``order``: the share
of consecutive truth lines that come out as consecutive lines (labels read row by row interleave
the lines of three labels). With ``--pitch`` it also prints, for every run of bands that share a gutter
and are cells of blocks (``ocrplug.layout._run_cells``, before its pitch test), the largest offset of a
band's pitch from the median pitch, as a share of it: the measure behind ``_GRID_PITCH``.
``--annotations DIR ...`` (no OCR) prints the same for the ground-truth words of each page of a set
(``DIR/annotations/*.json``, e.g. ``funsd_train``) laid out by ``ocrplug.layout.order_regions``.
"""

from __future__ import annotations

import argparse
import itertools
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONTS = {
    "notosans": "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "nimbussans": "/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf",
    "dejavuserif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
}
FIRST = ["Alice", "Bruno", "Clara", "Dmitri", "Elena", "Felix", "Greta", "Hamid", "Ines", "Jonas", "Keiko",
         "Lars", "Mira", "Nils", "Oskar", "Petra", "Rafael", "Sofia", "Tomas", "Ursula", "Viktor", "Wanda",
         "Yusuf", "Zora", "Anton", "Berit", "Carlos", "Dora", "Emil", "Frida"]
LAST = ["Andersen", "Becker", "Costa", "Dubois", "Eriksen", "Fischer", "Garnier", "Horvat", "Ivanova", "Jensen",
        "Kowalski", "Lindqvist", "Moreau", "Novak", "Olsen", "Peretti", "Quintana", "Rossi", "Schmidt", "Torres",
        "Ulrich", "Varga", "Weber", "Yilmaz", "Zeller", "Almeida", "Bauer", "Castro", "Dahl", "Engel"]
STREETS = ["Birch Lane", "Harbour Road", "Elm Close", "Market Square", "Rose Terrace", "Quarry Hill",
           "Willow Walk", "Castle Street", "Meadow View", "North Parade"]
TOWNS = [("Carlisle", "CA1 2AB"), ("Lincoln", "LN2 5QR"), ("Durham", "DH1 3EF"), ("Truro", "TR1 4GH"),
         ("Ripon", "HG4 1JK"), ("Wells", "BA5 2LM"), ("Ely", "CB7 4NP")]
SENTENCES = [
    "Your account was opened on the first working day of the month",
    "Interest is paid on the balance at the end of each quarter",
    "Please tell us at once if your address or name has changed",
    "Cheques paid in may take up to six working days to clear",
    "Our branch is closed on public holidays and on the last Sunday",
    "Standing orders are paid in the morning before card payments",
    "A fee is charged for every cash withdrawal made outside the area",
    "You can see this statement in the app as soon as it is ready",
    "The overdraft limit agreed with you is shown on the next page",
    "Call the number on the back of your card if it is lost or stolen",
    "Payments made after six in the evening are dated the next day",
    "We send a paper copy each month unless you ask us not to",
    "Savings of up to two thousand pounds earn the higher rate",
    "The rates below apply from the date shown and may change",
    "Any charges for the period are taken on the fifth of next month",
    "Transfers between your own accounts are free of any charge",
    "Keep this letter with your other papers for at least one year",
    "The card reader in the branch can print a list of payments",
    "Foreign payments are converted at the rate on the day they clear",
    "If you have any question about this page please call us",
    "Our opening hours are nine to five on weekdays and nine to noon",
    "Help with money worries is free and you can ask at any branch",
    "A new card is sent to you three weeks before the old one ends",
    "Your salary was paid in on the last working day of the month",
]
PARAGRAPH = [
    "This page lists the terms that apply to your current account from the start of next year.",
    "Nothing else changes and you need not do anything unless you want to close the account.",
    "If you would like a copy in large print or braille please ask at your branch.",
]


def _font(name: str, pt: float, dpi: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONTS[name], round(pt * dpi / 72))


def _labels(rows: int, cols: int, dpi: int, face: str, pt: float, lines_per: int) -> tuple[Image.Image, list[str]]:
    """An A4 sheet of ``rows`` x ``cols`` address labels (Avery-like pitch), truth row-major."""
    w, h = round(8.27 * dpi), round(11.69 * dpi)
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    f = _font(face, pt, dpi)
    mx, my = round(0.28 * dpi), round(0.5 * dpi)
    lw, lh = (w - 2 * mx) // cols, (h - 2 * my) // rows
    pitch = round(pt * dpi / 72 * 1.35)
    truth: list[str] = []
    for r in range(rows):
        for c in range(cols):
            i = r * cols + c
            town, code = TOWNS[i % len(TOWNS)]
            lines = [f"{FIRST[i % len(FIRST)]} {LAST[(i * 7) % len(LAST)]}",
                     f"{3 + (i * 11) % 97} {STREETS[i % len(STREETS)]}", town, code]
            if lines_per == 3:
                lines = [lines[0], lines[1], f"{town} {code}"]
            x0, y0 = mx + c * lw, my + r * lh
            d.rounded_rectangle((x0 + 6, y0 + 6, x0 + lw - 6, y0 + lh - 6), radius=round(0.1 * dpi),
                                outline=215, width=2)
            ty = y0 + (lh - pitch * lines_per) // 2
            for k, text in enumerate(lines):
                d.text((x0 + round(0.25 * dpi), ty + k * pitch), text, font=f, fill=0)
            truth += lines
    return img, truth


def _splits(sentence: str, f: ImageFont.FreeTypeFont) -> list[float]:
    """Advance widths of the first words of ``sentence``, for every split between words."""
    words = sentence.split()
    return [f.getlength(" ".join(words[:j])) for j in range(1, len(words))]


def _block(pool: list[str], f: ImageFont.FreeTypeFont, start: float, space: float) -> tuple[list[str], float]:
    """Three sentences of ``pool`` with a word space each that starts between ``x`` and ``x + 0.95``
    spaces, one within 0.1 space of ``x`` and one at least 0.8 past it (``x`` from ``start`` on): their
    spaces share a strip of 0.05-0.2 of a space, while the run of x where at most two of the three
    lines have ink is nearly two spaces wide (T9's statement: 3 px shared, a 28 px run)."""
    x = start
    while True:
        near = [(s, w) for s in pool for w in _splits(s, f) if x <= w <= x + 0.1 * space]
        far = [(s, w) for s in pool for w in _splits(s, f) if x + 0.8 * space <= w <= x + 0.95 * space]
        mid = [(s, w) for s in pool for w in _splits(s, f) if x + 0.1 * space < w < x + 0.8 * space]
        for (s1, w1), (s2, w2) in ((a, b) for a in near for b in far if a[0] != b[0]):
            rest = [(s, w) for s, w in mid + near + far if s not in (s1, s2)]
            if rest:
                s3, w3 = rest[0]
                ends = [w1, w2, w3]
                return [s1, s3, s2], min(ends) + space - max(ends)
        x += 0.02 * space


def _gaps(dpi: int) -> tuple[Image.Image, list[str], list[float]]:
    """Blocks of three prose lines, one word space of each line about the same x; truth line by line."""
    w, h = round(8.27 * dpi), round(6.0 * dpi)
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    f = _font("nimbussans", 10, dpi)
    ft = _font("nimbussans", 14, dpi)
    x0, y = round(0.7 * dpi), round(0.5 * dpi)
    title = "Notes to your statement"
    d.text((x0, y), title, font=ft, fill=0)
    truth, strips = [title], []
    y += round(0.45 * dpi)
    space = f.getlength(" ")
    pitch = round(10 * dpi / 72 * 1.3)
    pool = list(SENTENCES)
    start = 1.6 * dpi  # near the middle of the lines: both sides wider than a quarter, 3+ words a line
    for _ in range(4):
        block, strip = _block(pool, f, start, space)
        for s in block:
            pool.remove(s)
            d.text((x0, y), s, font=f, fill=0)
            truth.append(s)
            y += pitch
        strips.append(strip)
        y += round(0.6 * pitch)
        start += 0.25 * dpi
    y += round(0.4 * pitch)
    for s in PARAGRAPH:
        d.text((x0, y), s, font=f, fill=0)
        truth.append(s)
        y += pitch
    return img, truth, strips


def pages(work: Path) -> dict[str, tuple[Path, list[str], str]]:
    """Draw the pages into ``work``; name -> (path, truth lines, note)."""
    out: dict[str, tuple[Path, list[str], str]] = {}
    specs = {
        "labels_2x7_300": (7, 2, 300, "notosans", 12, 4),
        "labels_3x8_300": (8, 3, 300, "nimbussans", 10, 4),
        "labels_3x10_200": (10, 3, 200, "dejavuserif", 8, 3),
    }
    for name, (rows, cols, dpi, face, pt, per) in specs.items():
        img, truth = _labels(rows, cols, dpi, face, pt, per)
        img.save(work / f"{name}.png", dpi=(dpi, dpi))
        out[name] = (work / f"{name}.png", truth, "")
    for dpi in (150, 200, 300):
        img, truth, strips = _gaps(dpi)
        name = f"gaps_{dpi}"
        img.save(work / f"{name}.png", dpi=(dpi, dpi))
        out[name] = (work / f"{name}.png", truth, "strips " + " ".join(f"{s:.1f}" for s in strips) + " px")
    img2pdf = Path(sys.executable).with_name("img2pdf")
    for name in ["labels_3x8_300", "gaps_150", "gaps_200", "gaps_300"]:
        png, truth, note = out[name]
        pdf = work / f"{name}.pdf"
        subprocess.run([str(img2pdf), str(png), "-o", str(pdf)], check=True)
        out[f"{name}.pdf"] = (pdf, truth, note)
    return out


def wer(truth: list[str], text: str) -> float:
    """Word edit distance of ``text`` against the truth lines' words, over the truth's word count."""
    ref = " ".join(truth).split()
    hyp = text.split()
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, t in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != t))
        prev = cur
    return prev[-1] / max(len(ref), 1)


def whole_lines(truth: list[str], text: str) -> float:
    """Share of truth lines that are one line of ``text`` (spaces normalized)."""
    got = {" ".join(ln.split()) for ln in text.splitlines()}
    return sum(" ".join(t.split()) in got for t in truth) / max(len(truth), 1)


def spy_pitch(found: list[str]) -> None:
    """Record the pitch offset of every run ``ocrplug.layout._run_cells`` judges (see ``--pitch``)."""
    import numpy as np

    import ocrplug.layout as layout

    judge = layout._run_cells

    def run_cells(bands, boxes, min_col_gap, opts):  # type: ignore[no-untyped-def]
        if len(bands) >= 2:
            pitch = np.diff([float(boxes[band][:, 1].min()) for band in bands])
            off = float(np.abs(pitch - np.median(pitch)).max() / np.median(pitch))
            found.append(f"{len(bands)} bands, pitch {float(np.median(pitch)):.0f} px, off {off:.3f}")
        return judge(bands, boxes, min_col_gap, opts)

    layout._run_cells = run_cells


def annotations(dirs: list[str]) -> None:
    """Runs of cells in the ground-truth words of each annotated page (``--annotations``)."""
    import json

    from ocrplug.layout import order_regions
    from ocrplug.model import Region

    found: list[str] = []
    spy_pitch(found)
    for d in dirs:
        n = 0
        for f in sorted(Path(d, "annotations").glob("*.json")):
            words = [w for w in json.loads(f.read_text())["words"] if w["text"].strip()]
            order_regions([Region(quad=w["quad"], level="word", text=w["text"]) for w in words])
            n += 1
            for line in found:
                print(f"{Path(d).name} {f.stem}: {line}")
            found.clear()
        print(f"{Path(d).name}: {n} pages")


def in_order(truth: list[str], text: str) -> float:
    """Share of consecutive truth lines (pairs) that are consecutive lines of ``text``."""
    got = [" ".join(ln.split()) for ln in text.splitlines() if ln.strip()]
    pairs = set(itertools.pairwise(got))
    want = [(" ".join(a.split()), " ".join(b.split())) for a, b in itertools.pairwise(truth)]
    return sum(p in pairs for p in want) / max(len(want), 1)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,accurate,swift")
    ap.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    ap.add_argument("--work", default="")
    ap.add_argument("--pitch", action="store_true", help="print the pitch offset of runs of cells")
    ap.add_argument("--annotations", nargs="*", default=None, help="set folders: runs of cells of their truth")
    args = ap.parse_args()
    if args.annotations is not None:
        annotations(args.annotations)
        return
    from ocrplug.pipeline import Pipeline

    found: list[str] = []
    if args.pitch:
        spy_pitch(found)

    work = Path(args.work or tempfile.mkdtemp(prefix="label_grids_"))
    work.mkdir(parents=True, exist_ok=True)
    drawn = pages(work)
    names = [n for n in drawn if not args.pages or n in args.pages.split(",")]
    totals: dict[str, list[float]] = {}
    for preset in args.presets.split(","):
        pipe = Pipeline.from_preset(preset)
        for name in names:
            path, truth, note = drawn[name]
            page = next(iter(pipe.iter_pages(str(path))))
            (work / f"{name}.{preset}.txt").write_text(page.text)
            w, lines, order = wer(truth, page.text), whole_lines(truth, page.text), in_order(truth, page.text)
            totals.setdefault(preset, []).extend([w, lines, order])
            print(f"{preset:9s} {name:22s} WER {w:.3f}  lines {lines:.3f}  order {order:.3f}  {note}", flush=True)
            for line in found:
                print(f"{'':32s} grid run: {line}")
            found.clear()
        t, n = totals[preset], len(names)
        print(f"{preset:9s} {'mean':22s} WER {sum(t[::3]) / n:.3f}  lines {sum(t[1::3]) / n:.3f}  "
              f"order {sum(t[2::3]) / n:.3f}", flush=True)
    print(f"pages and outputs in {work}")


if __name__ == "__main__":
    main()
