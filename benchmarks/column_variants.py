"""Columns with narrow gutters and tables of one-line cells, generated variants: read in the right order (issue 24).

usage: python benchmarks/column_variants.py --out DIR [--presets fast,swift] [--pages 24] [--seed 14]
       python benchmarks/column_variants.py --relayout DIR [--presets fast,swift] [--head-outset 0.5,1,off]
       (both: [--kind columns|titled]; a --relayout takes the --kind, --pages and --seed of its --out)

V13's pages (``/work/v13/read2``: 3 justified columns of 30 px type with 12-18 px gutters, read across the
columns by ``fast`` and ``swift``; ``read``: ragged columns whose first two joined; ``read5``: a ruled 3x9
table of one-line cells with 12 px padding, cut into columns) drawn in many variants with PIL: 2-4 columns,
gutters 10-30 px, type 16-36 px (Liberation Serif or DejaVu Sans), lines justified (the words spread to the
column's width) or ragged, line pitch 1.5-1.8 times the type size, 10-14 lines a column; and ruled tables of
3-4 columns and 6-9 rows whose cells each hold one line of words (padding 8-16 px, row pitch 2.1-2.3 times
the type size), which must be read row by row. Words are drawn from a short list (as V13's), so the scorer
is word order (``--kind titled``: :func:`titled_page`'s headings over columns instead; ``--head-outset``
scores the relayout at each value of ``layout._HEAD_OUTSET``): the share of the truth's words matched in
order (``difflib.SequenceMatcher``), a page is read right at 0.98 or more.

``--out DIR`` writes ``NAME.png``, ``NAME.truth.txt`` and each preset's ``PRESET/NAME.json`` (``{"page":
Page.to_dict, "layout_input": [Region.to_dict, ...]}``: the regions ``layout_regions`` was given, before it
widened the word boxes) and scores them. ``--relayout DIR`` lays that input out again without OCR, with the
layout of the tree it runs from, to compare trees on one OCR run (exact for every preset: the layout after
recognition does not change what was read; ``accurate``'s craft words are joined into lines before
recognition by ``lines_for_recognition``, which a relayout does not redo).
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import random
import re
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins"), str(ROOT / "benchmarks")]

FONTS = [
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
]
WORDS = (
    "river stone garden window market silver basket yellow orange planet winter summer forest bridge castle "
    "candle letter number simple travel a of to in"
).split()


def _fill(draw: ImageDraw.ImageDraw, f: ImageFont.FreeTypeFont, width: float, rng: random.Random) -> list[str]:
    line: list[str] = []
    while True:
        w = rng.choice(WORDS)
        if draw.textlength(" ".join([*line, w]), font=f) > width:
            return line if len(line) > 1 else [*line, rng.choice(WORDS[-4:])]
        line.append(w)


def _column_rows(
    draw: ImageDraw.ImageDraw, f: ImageFont.FreeTypeFont, at: tuple[int, int, int], rows: int, pitch: int,
    justified: bool, rng: random.Random, truth: list[str],
) -> int:
    """Draw ``rows`` lines of prose in a column (``at``: its left x, first line's top y, width, px), justified
    or ragged, appending each line to ``truth``; returns the y below the last line."""
    x0, y, cw = at
    for _ in range(rows):
        line = _fill(draw, f, cw, rng)
        if justified:
            gap = (cw - sum(draw.textlength(w, font=f) for w in line)) / (len(line) - 1)
            x = float(x0)
            for w in line:
                draw.text((x, y), w, font=f, fill=0)
                x += draw.textlength(w, font=f) + gap
        else:
            draw.text((x0, y), " ".join(line), font=f, fill=0)
        truth.append(" ".join(line))
        y += pitch
    return y


def column_page(rng: random.Random) -> tuple[Image.Image, list[str], str]:
    """Columns of prose: ``(image, truth lines in reading order, description)``."""
    ncol, gutter, size = rng.choice((2, 3, 3, 4)), rng.randint(10, 30), rng.randint(16, 36)
    justified, path = rng.random() < 0.6, rng.choice(FONTS)
    f = ImageFont.truetype(path, size)
    pitch, rows, margin = round(size * rng.uniform(1.5, 1.8)), rng.randint(10, 14), 60
    width = max(1400, ncol * size * 14)
    cw = (width - 2 * margin - (ncol - 1) * gutter) // ncol
    img = Image.new("L", (width, rows * pitch + 2 * margin), 255)
    draw = ImageDraw.Draw(img)
    truth: list[str] = []
    for c in range(ncol):
        _column_rows(draw, f, (margin + c * (cw + gutter), margin, cw), rows, pitch, justified, rng, truth)
    kind = f"{ncol} columns, gutter {gutter} px, {size} px {'justified' if justified else 'ragged'}"
    return img, truth, kind


def table_page(rng: random.Random) -> tuple[Image.Image, list[str], str]:
    """A ruled table of one-line cells (read row by row)."""
    ncol, nrow, pad, size = rng.choice((3, 4)), rng.randint(6, 9), rng.randint(8, 16), rng.randint(20, 30)
    f = ImageFont.truetype(rng.choice(FONTS), size)
    pitch, margin = round(size * rng.uniform(2.1, 2.3)), 60
    width = max(1400, ncol * size * 16)
    cw = (width - 2 * margin) // ncol
    xs = [margin + c * cw for c in range(ncol + 1)]
    img = Image.new("L", (width, nrow * pitch + 2 * margin), 255)
    draw = ImageDraw.Draw(img)
    truth, y = [], margin
    for _ in range(nrow):
        cells = []
        for c in range(ncol):
            line = _fill(draw, f, cw - 2 * pad, rng)
            draw.text((xs[c] + pad, y), " ".join(line), font=f, fill=0)
            cells.append(" ".join(line))
        draw.line((xs[0], y - pitch // 4, xs[-1], y - pitch // 4), fill=0, width=2)
        truth.append(" ".join(cells))
        y += pitch
    draw.line((xs[0], y - pitch // 4, xs[-1], y - pitch // 4), fill=0, width=2)
    for x in xs:
        draw.line((x, margin - pitch // 4, x, y - pitch // 4), fill=0, width=2)
    return img, truth, f"table {ncol}x{nrow}, padding {pad} px, {size} px"


def _centred(draw: ImageDraw.ImageDraw, text: str, f: ImageFont.FreeTypeFont, cx: float, y: int) -> None:
    draw.text((cx - draw.textlength(text, font=f) / 2, y), text, font=f, fill=0)


def titled_page(rng: random.Random) -> tuple[Image.Image, list[str], str]:
    """A centred title (and an author line) over columns that need not fill the page (T14's ``science_2col``).

    The title (2-7 words, 1.3-2 times the body's size) and an author line (half the pages) are centred on the
    page; under them either 2-3 columns of 6-9 lines (each line 13-17 type sizes wide, 4-6 words, filling
    30-100 % of its column's share of the page, ragged or justified), or T14's paper: a narrow first column whose paragraphs a centred display line
    (an equation, its number at the right margin on half of them) parts, then 2 columns of 4 lines. Truth
    order: title, author, then each column top to bottom (the display line between its paragraphs).
    """
    size, path = rng.randint(18, 30), rng.choice(FONTS)
    f = ImageFont.truetype(path, size)
    big = ImageFont.truetype(path, round(size * rng.uniform(1.3, 2.0)))
    pitch, margin = round(size * rng.uniform(1.4, 1.8)), rng.randint(60, 120)
    paper = rng.random() < 0.4
    if paper:
        ncol, share, justified, rows = 2, rng.uniform(0.3, 0.7), False, 4
    else:
        ncol, share, justified, rows = rng.choice((2, 3)), rng.uniform(0.3, 1.0), rng.random() < 0.4, rng.randint(6, 9)
    gutter = rng.randint(30, 60)
    measure = round(size * rng.uniform(13, 17))  # a column's width: 4-6 words of prose (shorter lines pair like a table's)
    width = 2 * margin + ncol * round(measure / share) + (ncol - 1) * gutter
    img = Image.new("L", (width, 2400), 255)
    draw = ImageDraw.Draw(img)
    cx, truth = width / 2, []
    title = " ".join(rng.choice(WORDS[:-4]).capitalize() for _ in range(rng.randint(2, 7)))
    _centred(draw, title, big, cx, margin)
    truth.append(title)
    y = margin + round(big.size * 1.6)
    author = rng.random() < 0.5
    if author:
        line = " ".join(rng.choice(WORDS[:-4]).capitalize() for _ in range(rng.randint(2, 5)))
        _centred(draw, line, f, cx, y)
        truth.append(line)
        y += pitch
    y += round(pitch * rng.uniform(1.0, 2.0))

    def column(x0: int, cw: int, y: int, rows: int, justified: bool) -> int:
        return _column_rows(draw, f, (x0, y, cw), rows, pitch, justified, rng, truth)

    if paper:
        cw = measure
        y = column(margin, cw, y, rng.randint(4, 7), False) + pitch // 2
        display = " ".join(rng.choice(WORDS[:-4]) for _ in range(rng.randint(2, 4)))
        _centred(draw, display, f, cx, y)
        number = rng.random() < 0.5
        if number:
            draw.text((width - margin - draw.textlength("(1)", font=f), y), "(1)", font=f, fill=0)
        truth.append(display + (" (1)" if number else ""))
        y = column(margin, cw, y + round(pitch * 1.5), rng.randint(4, 7), False) + pitch
    slot = (width - 2 * margin - (ncol - 1) * gutter) // ncol
    for c in range(ncol):
        column(margin + c * (slot + gutter), round(slot * share), y, rows, justified)
    y += rows * pitch
    kind = (f"title {len(title.split())} words{' + author' if author else ''}, "
            f"{'paper: narrow column, display, ' if paper else ''}{ncol} columns at {share:.2f} of their width")
    return img.crop((0, 0, width, y + margin)), truth, kind


def make_pages(seed: int, n: int, kind: str = "columns") -> list[tuple[str, Image.Image, list[str], str]]:
    """``n`` pages, each seeded from ``seed`` and its index: ``columns``, three column pages to one table;
    ``titled``, :func:`titled_page`."""
    out = []
    for k in range(n):
        rng = random.Random(seed * 1000 + k)
        if kind == "titled":
            img, truth, desc = titled_page(rng)
        else:
            img, truth, desc = table_page(rng) if k % 4 == 3 else column_page(rng)
        out.append((f"{'t' if kind == 'titled' else 'v'}{k:02d}", img, truth, desc))
    return out


def order_score(truth: str, text: str) -> float:
    """Share of the truth's words matched in order by the text's words."""
    t, g = re.findall(r"\S+", truth), re.findall(r"\S+", text)
    sm = difflib.SequenceMatcher(None, t, g, autojunk=False)
    return sum(b.size for b in sm.get_matching_blocks()) / max(1, len(t))


def record_layout_inputs() -> list[list[dict]]:
    """Keep the layout's input of each page the pipeline reads from now on (the recognized lines and words as
    dicts, before the layout widens word boxes), so a page can be laid out again exactly as in the run: the
    list returned grows by one entry a page."""
    from ocrplug import layout, processing
    from ocrplug.model import Region

    seen: list[list[dict]] = []
    laid_out = processing.layout_regions

    def recording(regions: list[Region], options: layout.LayoutOptions | None = None) -> list[Region]:
        seen.append([r.to_dict() for r in regions])
        return laid_out(regions, options)

    processing.layout_regions = recording
    return seen


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="write pages and each preset's page JSON here, and score")
    ap.add_argument("--relayout", type=Path, help="lay out again the page JSONs of an --out folder, and score")
    ap.add_argument("--presets", default="fast,swift")
    ap.add_argument("--pages", type=int, default=24)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--kind", choices=("columns", "titled"), default="columns",
                    help="columns: column pages and ruled tables; titled: a centred title over columns")
    ap.add_argument("--head-outset", default="",
                    help="with --relayout: comma-separated values of layout._HEAD_OUTSET to score, 'off' for no "
                    "heading cut (main's order before N15)")
    args = ap.parse_args(argv)
    from ocrplug import layout, processing
    from ocrplug.model import Page, Region
    from ocrplug.pipeline import Pipeline

    seen = record_layout_inputs()
    pages = make_pages(args.seed, args.pages, args.kind)
    folder = args.out or args.relayout
    if folder is None:
        ap.error("--out or --relayout")
    folder.mkdir(parents=True, exist_ok=True)
    for name, img, truth, _ in pages:
        if args.out:
            img.save(folder / f"{name}.png")
            (folder / f"{name}.truth.txt").write_text("\n".join(truth) + "\n", encoding="utf-8")
    head_cut = layout._head_cut
    for setting, preset in itertools.product(args.head_outset.split(",") if args.relayout else [""],
                                             args.presets.split(",")):
        if setting == "off":
            layout._head_cut = lambda *a, **k: None
        elif setting:
            layout._head_cut, layout._HEAD_OUTSET = head_cut, float(setting)
        if args.out:
            pipeline = Pipeline.from_preset(preset, ["renderers=[]"])
        right = {"columns": [0, 0], "table": [0, 0]}  # titled pages count as column pages
        for name, _, truth, kind in pages:
            path = folder / preset / f"{name}.json"
            if args.out:
                seen.clear()
                page = pipeline.run(folder / f"{name}.png").pages[0]
                path.parent.mkdir(exist_ok=True)
                path.write_text(json.dumps({"page": page.to_dict(), "layout_input": seen[-1]}), encoding="utf-8")
                text = page.text
            else:
                if not path.is_file():
                    continue
                data = json.loads(path.read_text(encoding="utf-8"))
                regions = [Region.from_dict(r) for r in data["layout_input"]]
                found = processing.without_empty_lines(layout.layout_regions(regions))
                text = Page.from_dict(data["page"]).with_(regions=tuple(found)).text
            score = order_score("\n".join(truth), text)
            tally = right["table" if kind.startswith("table") else "columns"]
            tally[0] += score >= 0.98
            tally[1] += 1
            print(f"{preset} {name} ({kind}): word order {score:.3f}", flush=True)
        print(f"{preset}{' _HEAD_OUTSET ' + setting if setting else ''}: column pages read right {right['columns'][0]} of {right['columns'][1]}, "
              f"tables read row by row {right['table'][0]} of {right['table'][1]}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
