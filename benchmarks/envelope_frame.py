"""Envelopes: far-apart regions must not set the page's frame (issue 24 item 2, T11's ``envelope.png``).

usage: python benchmarks/envelope_frame.py [--presets fast,accurate] [--skews 0,2] [--pages 10] [--work DIR] [--reuse]
                                           [--verbose]

T11's envelope (``fast``): the price ``1,20`` in its stamp box at the far right was joined to the return
address's ``A. Lindqvist`` because the text frame's profile search (:func:`ocrplug.geometry._text_angle`)
found 2.8 degrees at which a few far-apart regions share rows, though every level region's box said 0.
Each page here (1600 x 900 px, 200 dpi, grey, PIL drawn) holds a three-line return address at the top
left (DejaVu Sans 24 px; two texts in turn), a price in a box at the far right whose centre lies on the
line from the address's first line's centre at 2.0 .. 3.6 degrees (``SLOPES``, in turn), an addressee
block (five lines, Liberation Serif 44 px, in the middle; two in turn), a postmark turned 20 degrees and
a side text turned 90 degrees (three heights in turn), as T11's page has them; then the whole page is
turned by each of ``--skews`` degrees
(counter-clockwise, white fill) as a skewed scan is. Every page runs through each preset with the
``json`` renderer. Per page: *joins*, the json lines holding words of two drawn lines (the price read
on the address's row), and the *frame error*, the median over the level lines' json quads of
``|quad angle - skew|`` (degrees). Printed per preset: pages, joins, pages with a frame error over 0.5
degrees and the largest. Generated pages only; not an evaluation set.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocrplug.geometry import quad_angle

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drawn_angles import faces, json_lines
from steep_lines import paste_rotated

SANS, SANSB, SERIF = faces("DejaVuSans", "DejaVuSans-Bold", "LiberationSerif-Regular")
RETURN = [["A. Lindqvist", "Storgatan 4", "411 38 Goteborg"], ["B. Nordin", "Kungsgatan 12", "111 43 Stockholm"]]
ADDRESS = [["Ms Helen Carter", "Flat 2", "18 Willow Road", "Bristol", "BS6 7QF"],
           ["Mr Tom Hughes", "Unit 7", "42 Station Street", "Leeds", "LS1 4DY"]]
PRICES = ["1,20", "0,95", "2,40"]
SLOPES = [2.0, 2.4, 2.8, 3.2, 3.6]  # degrees from the return address's first line to the price


def draw(k: int, skew: float) -> tuple[Image.Image, list[str]]:
    """Variant ``k`` turned ``skew`` degrees, and its drawn lines (the level ones first, the turned two last)."""
    img = Image.new("L", (1600, 900), 245)
    d = ImageDraw.Draw(img)
    ret, addr, price = RETURN[k % 2], ADDRESS[(k // 2) % 2], PRICES[k % 3]
    small = ImageFont.truetype(SANS, 24)
    for i, text in enumerate(ret):
        d.text((60, 50 + 32 * i), text, font=small, fill=0)
    y = 420
    for text in addr:
        d.text((640, y), text, font=ImageFont.truetype(SERIF, 44), fill=0)
        y += 60
    slope = SLOPES[k % len(SLOPES)]
    x0, y0 = 60 + small.getlength(ret[0]) / 2, 64
    px = 1480
    py = y0 + (px - x0) * math.tan(math.radians(slope))
    d.rectangle([px - 80, py - 95, px + 80, py + 95], outline=0, width=3)
    d.text((px, py), price, font=ImageFont.truetype(SANSB, 40), fill=0, anchor="mm")
    d.ellipse([1050, 20, 1370, 340], outline=70, width=4)
    paste_rotated(img, "GOTEBORG 05.11.26", ImageFont.truetype(SANSB, 22), (1210, 180), 20)
    paste_rotated(img, "PRIORITAIRE", ImageFont.truetype(SANSB, 40), (40, 580 + 20 * (k % 3)), 90)
    if skew:
        img = img.rotate(skew, resample=Image.BICUBIC, expand=True, fillcolor=245)
    return img, [*ret, *addr, price, "GOTEBORG 05.11.26", "PRIORITAIRE"]


def score(lines: list[dict], drawn: list[str], skew: float, level: int) -> tuple[int, float, list[str]]:
    """Joins (json ``lines`` holding words of two drawn lines), frame error (degrees) and the lines' texts;
    the first ``level`` drawn lines are level on the page (their frame error counts)."""
    owner = {w: i for i, text in enumerate(drawn) for w in text.split()}
    joins, errors, texts = 0, [], []
    for ln in lines:
        text = ln.get("text") or ""
        texts.append(text)
        from_lines = {owner[w] for w in text.split() if w in owner}
        joins += len(from_lines) > 1
        if from_lines and max(from_lines) < level:
            errors.append(abs(-math.degrees(quad_angle(tuple(map(tuple, ln["quad"])))) - skew))
    return joins, float(np.median(errors)) if errors else math.nan, texts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,accurate")
    ap.add_argument("--skews", default="0,2")
    ap.add_argument("--pages", type=int, default=10, help="variants per skew")
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--reuse", action="store_true")
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ocrplug-envelope-"))
    work.mkdir(parents=True, exist_ok=True)
    todo = []
    for skew in (float(s) for s in args.skews.split(",")):
        for k in range(args.pages):
            img, lines = draw(k, skew)
            name = f"env{k}_{skew:+.0f}"
            img.save(work / f"{name}.png", dpi=(200, 200))
            todo.append((name, skew, lines, 9))  # 3 return lines, 5 address lines, the price are level
    for preset in args.presets.split(","):
        t0 = time.perf_counter()
        joins, off, worst = 0, 0, 0.0
        pages = {name: (skew, lines, level) for name, skew, lines, level in todo}
        for name, found in json_lines(preset, list(pages), work, args.reuse):
            skew, lines, level = pages[name]
            j, err, texts = score(found, lines, skew, level)
            joins += j
            off += err > 0.5
            worst = max(worst, err)
            if args.verbose or j or err > 0.5:
                print(f"  {preset} {name}: joins {j}, frame error {err:.2f}  {' | '.join(texts)}")
        print(f"{preset}: {len(todo)} pages, joins {joins}, frame error > 0.5 deg {off}, largest {worst:.2f} "
              f"({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
