"""Ruled tables with turned column headers: are the headers read, and read where they stand?

A duty rota, a timetable or a results sheet often turns its column headers by 90 degrees so that long
names fit narrow columns (T10's ``rota.png``, issue 24 items 2/3). A reader reads such a header row left
to right -- the level ``Name`` cell, then each turned header -- before the body rows. This draws ruled
tables with a title, a level first-column header, ``--cols`` turned headers (weekdays, months, subjects),
body rows of one-letter or number cells and a footer line, over fonts, sizes, both turns (90: text runs
up the page, 270: down) and column counts, and reports per preset the words found (bag) and the words in
order (longest common subsequence with the truth, read left to right, top to bottom; the turned headers
on the header row). Pages are drawn with PIL at 200 dpi; nothing is downloaded.

Usage: ``PYTHONPATH=.:plugins python benchmarks/rotated_headers.py --presets fast,accurate [--pages 8]``
(results in docs/benchmarks.md "Turned column headers").
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drawn_pages import canvas, font

DPI = 200
HEADERS = {
    "week": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "months": ["January", "February", "March", "April", "May", "June", "July", "August"],
    "subjects": ["Maths", "English", "History", "Physics", "Biology", "Chemistry", "Geography", "Music"],
}
NAMES = ["Alice Moreno", "Ben Okoro", "Chen Wei", "Dita Novak", "Emil Sato", "Farah Ali", "Gus Lind"]
#: (font key, bold header font key, points, turn, headers, columns, rows, a last level column "Total")
VARIANTS = [
    ("dejavu", "dejavub", 12, 90, "week", 7, 6, True),
    ("libsans", "libsansb", 11, 270, "months", 6, 5, False),
    ("notoserif", "notoserifb", 12, 90, "subjects", 5, 4, True),
    ("nimbussans", "nimbussansb", 10, 90, "week", 5, 5, False),
    ("p052", "p052b", 13, 270, "subjects", 7, 4, True),
    ("libsans", "libsansb", 14, 90, "months", 4, 3, False),
    ("dejavu", "dejavub", 10, 270, "week", 6, 6, False),
    ("c059", "c059b", 12, 90, "months", 8, 4, True),
]


def _turned(text: str, face: str, pt: float, turn: int) -> Image.Image:
    """``text`` drawn black on white and turned by ``turn`` degrees counter-clockwise (grey, ``L``)."""
    f = font(face, pt, DPI)
    x0, y0, x1, y1 = f.getbbox(text)
    img = Image.new("L", (x1 - x0 + 4, y1 - y0 + 4), 255)
    ImageDraw.Draw(img).text((2 - x0, 2 - y0), text, font=f, fill=0)
    return img.rotate(turn, expand=True, fillcolor=255)


def table_page(variant: tuple, seed: int) -> tuple[Image.Image, list[str]]:
    """One ruled table page and its truth words in reading order (the turned headers on the header row)."""
    face, bold, pt, turn, kind, cols, rows, total = variant
    rng = random.Random(seed)
    img, draw = canvas(DPI, 8.5, 6.5)
    em = round(pt * DPI / 72)
    body, head, title_f = font(face, pt, DPI), font(bold, pt, DPI), font(bold, pt * 1.5, DPI)
    headers = HEADERS[kind][:cols] + (["Total"] if total else [])
    title = f"Staff Rota - Week {rng.randint(2, 52)}"
    draw.text((80, 60), title, font=title_f, fill=0)
    turned = [_turned(h, bold, pt, turn) for h in headers]
    head_h = max(t.height for t in turned) + em
    name_w = max(draw.textlength(n, font=body) for n in NAMES) + em
    col_w = max(t.width for t in turned) + round(1.8 * em)
    row_h = round(2.2 * em)
    x0, y0 = 80, 60 + round(3 * em)
    xs = [x0, x0 + round(name_w)] + [x0 + round(name_w) + col_w * (k + 1) for k in range(len(headers))]
    ys = [y0, y0 + head_h] + [y0 + head_h + row_h * (k + 1) for k in range(rows)]
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill=0, width=2)
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill=0, width=2)
    words = [*title.split(), "Name"]
    draw.text((x0 + em // 2, ys[1] - round(1.4 * em)), "Name", font=head, fill=0)
    for k, t in enumerate(turned):  # bottom-aligned in their cells, as a spreadsheet sets them
        cx = (xs[k + 1] + xs[k + 2]) // 2
        img.paste(t, (cx - t.width // 2, ys[1] - em // 2 - t.height))
    words += headers
    for r in range(rows):
        name = NAMES[r % len(NAMES)]
        cells = [rng.choice("ELN-") for _ in range(cols)] + ([str(rng.randint(20, 48))] if total else [])
        cy = ys[r + 1] + (row_h - em) // 2
        draw.text((x0 + em // 2, cy), name, font=body, fill=0)
        for k, c in enumerate(cells):
            cx = (xs[k + 1] + xs[k + 2]) / 2
            draw.text((cx - draw.textlength(c, font=body) / 2, cy), c, font=body, fill=0)
        words += name.split() + cells
    foot = "E = early  L = late  N = night"
    draw.text((80, ys[-1] + em), foot, font=body, fill=0)
    return img, words + foot.split()


def in_order(truth: list[str], read: list[str]) -> int:
    """Length of the longest common subsequence of two word lists (words read in the truth's order)."""
    prev = [0] * (len(read) + 1)
    for t in truth:
        cur = [0]
        for j, r in enumerate(read):
            cur.append(prev[j] + 1 if t == r else max(prev[j + 1], cur[j]))
        prev = cur
    return prev[-1]


def bag(truth: list[str], read: list[str]) -> int:
    """Truth words found among the words read, each occurrence counted once."""
    got = Counter(read)
    return sum(min(n, got[w]) for w, n in Counter(truth).items())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,accurate,swift")
    ap.add_argument("--pages", type=int, default=len(VARIANTS), help="how many of the variants to draw")
    ap.add_argument("--out", default=None, help="folder for the pages (default: a temporary one)")
    args = ap.parse_args()
    from ocrplug import Pipeline
    from ocrplug.presets import preset_config

    folder = Path(args.out or tempfile.mkdtemp(prefix="rotated_headers_"))
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for k, variant in enumerate(VARIANTS[: args.pages]):
        img, words = table_page(variant, seed=k)
        path = folder / f"table{k}_{variant[0]}_{variant[2]}pt_{variant[3]}.png"
        img.save(path, dpi=(DPI, DPI))
        pages.append((path, words))
    print("| page | preset | words found | words in order |")
    print("|---|---|---|---|")
    for preset in args.presets.split(","):
        pipe = Pipeline.from_dict(dict(preset_config(preset), renderers=[], output={"dir": str(folder / preset)}))
        found = ordered = total = 0
        for path, words in pages:
            read = pipe.run(path).pages[0].text.split()
            f, o = bag(words, read), in_order(words, read)
            found, ordered, total = found + f, ordered + o, total + len(words)
            print(f"| {path.stem} | {preset} | {f}/{len(words)} | {o}/{len(words)} |", flush=True)
        print(f"| all | {preset} | {found}/{total} | {ordered}/{total} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
