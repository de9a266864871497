"""Two-column price lists against tables: the layout's column-or-table decision (issue 24 item 2, T11 fault 8).

usage: python benchmarks/price_lists.py [--pages 48] [--seed 11] [--body-share 0.8] [--width 0.15]
       python benchmarks/price_lists.py --cache DIR [--shared ../shared] [--systems fast,swift]
           [--sets funsd_train,icdar2015_val] [--limit 40]

Generated mode: draws pages (Liberation / DejaVu, Sans and Serif, 16-30 px, columns placed at random)
of three kinds and lays out their text boxes (each cell a line of word boxes, taken from the fonts'
own boxes: the layout alone is measured, no detector or recognizer) with ``layout._repeated_lists`` on
and off: **menus** (two columns of 1-3 sections, each a heading over 2-5 rows of a dish and its price,
right-aligned; to be read column one, then column two), **statements** (``Date Description | Ref Debit
Credit Balance``, a header over 6-12 rows) and **timetables** (a stop and 3-6 trips a row, a header of
stop and trip numbers), both to be read row by row, as the project's tables are (docs/benchmarks.md
"Tables read row by row"). Printed: pages read in the expected order, per kind, rule on and off.

Cache mode: the cached pages of ``benchmarks/accuracy_table.py`` (``DIR/<system>/<set>/*.json``) laid
out again with the rule on and off (exact for ``fast`` and ``swift``, whose lines the layout does not
make), scored by ``ocrplug.evaluation.score_page`` (page CER against the set's reference); pages whose
text moves are listed.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from PIL import ImageFont

import ocrplug.layout as layout
from ocrplug.evaluation import load_dataset, score_page
from ocrplug.model import Page, Region

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from table_grid_pairing import lines_of  # noqa: E402  (the page's lines, blocks flattened)

FONTS = [
    "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
]
DISHES = ["Bruschetta", "Minestrone soup", "Burrata, tomatoes", "Lasagne al forno", "Risotto ai funghi",
          "Sea bass, capers", "Margherita", "Diavola", "Quattro formaggi", "Tiramisu", "Panna cotta",
          "Espresso", "Green salad", "Garlic bread", "Chicken wings", "Fish and chips", "Apple pie", "Tea"]
HEADINGS = ["Starters", "Mains", "Pizza", "Desserts", "Drinks", "Sides", "Salads", "Pasta"]
STOPS = ["Central", "Market Sq", "Hospital", "North Park", "Station", "Harbour", "Mill Lane", "Airport"]


def _cell(text: str, x: float, y: float, font: ImageFont.FreeTypeFont, *, right: bool = False) -> Region:
    """A line of word boxes for ``text`` drawn at (x, y) (its right end at x when ``right``)."""
    space = font.getlength(" ")
    if right:
        x -= font.getlength(text)
    words, pos = [], x
    for token in text.split():
        x0, y0, x1, y1 = font.getbbox(token)
        words.append(Region(quad=((pos + x0, y + y0), (pos + x1, y + y0), (pos + x1, y + y1), (pos + x0, y + y1)),
                            level="word", text=token))
        pos += font.getlength(token) + space
    xs = [c[0] for w in words for c in w.quad]
    ys = [c[1] for w in words for c in w.quad]
    quad = ((min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys)))
    return Region(quad=quad, level="line", text=text, children=tuple(words))


def menu(
    rng: random.Random, font: ImageFont.FreeTypeFont, size: int, sections: int | None = None, gutter: float | None = None
) -> tuple[list[Region], list[str]]:
    """A two-column menu's cells and their reading order; ``sections`` per column (default 1-3 at random),
    ``gutter`` between the columns in text heights (default 2-6 at random)."""
    width = rng.uniform(0.35, 0.45) * 1240
    gutter = (gutter if gutter is not None else rng.uniform(2, 6)) * size
    left = rng.uniform(40, 1240 - 2 * width - gutter - 40) if 1240 - 2 * width - gutter > 80 else 40
    regions = [_cell("TRATTORIA LUNA", 1240 / 2 - 120, 30, font), _cell("Dinner Menu", 1240 / 2 - 60, 30 + 1.6 * size, font)]
    expected = ["TRATTORIA LUNA", "Dinner Menu"]
    sections = sections if sections is not None else rng.randint(1, 3)
    heads = rng.sample(HEADINGS, 2 * sections)
    for col in range(2):
        x, y = left + col * (width + gutter), 30 + 5 * size
        for s in range(sections):
            head = heads[col * sections + s]
            regions.append(_cell(head, x, y, font))
            expected.append(head)
            y += 1.8 * size
            for _ in range(rng.randint(2, 5)):
                dish, price = rng.choice(DISHES), f"{rng.randint(2, 30)}{rng.choice(['', '.50', '.90'])}"
                regions += [_cell(dish, x, y, font), _cell(price, x + width, y, font, right=True)]
                expected += [dish, price]
                y += 1.6 * size
            y += 1.2 * size
    return regions, expected


def statement(rng: random.Random, font: ImageFont.FreeTypeFont, size: int) -> tuple[list[Region], list[str]]:
    cols = [("Date", 60, False), ("Description", 60 + 7 * size, False), ("Ref", 60 + 22 * size, False),
            ("Debit", 60 + 30 * size, True), ("Credit", 60 + 36 * size, True), ("Balance", 60 + 43 * size, True)]
    regions, expected, y = [], [], 60.0
    for name, x, right in cols:
        regions.append(_cell(name, x + (4 * size if right else 0), y, font, right=right))
        expected.append(name)
    for k in range(rng.randint(6, 12)):
        y += 1.7 * size
        row = [f"{k + 1:02d}/03", rng.choice(DISHES), f"R{rng.randint(100, 999)}",
               f"{rng.randint(1, 99)}.00" if k % 2 else "", "" if k % 2 else f"{rng.randint(1, 99)}.50",
               f"{rng.randint(100, 999)}.00"]
        for (_, x, right), text in zip(cols, row, strict=True):
            if text:
                regions.append(_cell(text, x + (4 * size if right else 0), y, font, right=right))
                expected.append(text)
    return regions, expected


def timetable(rng: random.Random, font: ImageFont.FreeTypeFont, size: int) -> tuple[list[Region], list[str]]:
    trips = rng.randint(3, 6)
    regions, expected, y = [], [], 60.0
    header = ["Stop", *(f"T{t + 1}" for t in range(trips))]
    xs = [60.0, *(60 + 9 * size + 5 * size * t for t in range(trips))]
    for x, text in zip(xs, header, strict=True):
        regions.append(_cell(text, x, y, font))
        expected.append(text)
    for stop in rng.sample(STOPS, rng.randint(4, 8)):
        y += 1.7 * size
        row = [stop, *(f"{rng.randint(6, 22):02d}:{rng.choice(['00', '15', '30', '45'])}" for _ in range(trips))]
        for x, text in zip(xs, row, strict=True):
            regions.append(_cell(text, x, y, font))
            expected.append(text)
    return regions, expected


def _read(regions: list[Region]) -> list[str]:
    return [ln.text or "" for b in layout.layout_regions(regions) for ln in b.children]


def generated(pages: int, seed: int) -> None:
    rng = random.Random(seed)
    original = layout._repeated_lists
    for kind, make in (("menu", menu), ("statement", statement), ("timetable", timetable)):
        right = {"on": 0, "off": 0}
        for _ in range(pages):
            size = rng.randint(16, 30)
            font = ImageFont.truetype(rng.choice(FONTS), size)
            regions, expected = make(rng, font, size)
            for state in ("on", "off"):
                layout._repeated_lists = original if state == "on" else (lambda *a: False)
                right[state] += " ".join(_read(regions)) == " ".join(expected)
            layout._repeated_lists = original
        print(f"{kind}: read in order {right['on']}/{pages} with the rule, {right['off']}/{pages} without", flush=True)


def cached(args: argparse.Namespace) -> None:
    original = layout._repeated_lists
    for system in args.systems.split(","):
        for dataset in args.sets.split(","):
            folder = args.cache / system / dataset
            if not folder.is_dir():
                continue
            gts = load_dataset(args.shared / "eval" / dataset, args.limit)
            levels = tuple(lv for lv in ("word", "line") if any(g.has_geometry(lv) for g in gts))
            totals = {"on": [0, 0], "off": [0, 0]}
            moved = []
            for gt in gts:
                path = folder / f"{Path(gt.name).stem}.json"
                data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"page": None}
                if not data["page"]:
                    continue
                page = Page.from_dict(data["page"])
                edits = {}
                for state in ("on", "off"):
                    layout._repeated_lists = original if state == "on" else (lambda *a: False)
                    laid = page.with_(regions=tuple(layout.layout_regions(lines_of(page.regions))))
                    text = score_page(gt, laid, levels=levels, recognition=True).text
                    if text is None:
                        continue
                    totals[state][0] += text.char_edits
                    totals[state][1] += text.char_ref
                    edits[state] = text.char_edits
                layout._repeated_lists = original
                if edits and edits["on"] != edits["off"]:
                    moved.append(f"    {path.stem}: edits {edits['off']} -> {edits['on']}")
            cer = {s: e / max(r, 1) for s, (e, r) in totals.items()}
            print(f"{system}/{dataset}: page CER without {cer['off']:.4f}, with {cer['on']:.4f}", flush=True)
            for m in moved:
                print(m, flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=48)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--systems", default="fast,swift")
    ap.add_argument("--sets", default="funsd_train,icdar2015_val")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--body-share", type=float, help="layout._LIST_BODY_SHARE for this run")
    ap.add_argument("--width", type=float, help="layout._LIST_WIDTH for this run")
    args = ap.parse_args()
    if args.body_share is not None:
        layout._LIST_BODY_SHARE = args.body_share
    if args.width is not None:
        layout._LIST_WIDTH = args.width
    if args.cache is None:
        generated(args.pages, args.seed)
    else:
        cached(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
