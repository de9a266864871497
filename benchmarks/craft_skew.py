"""Skewed pages on a preset (issue 24, k8): the angle written for each word, and one-digit table cells.

usage: python benchmarks/craft_skew.py [--preset accurate] [--angles 1.0,2.0,2.7,-2.0] [--dpis 150,300]

Draws (Liberation Sans bold / italic prose, DejaVu Sans tables; no shared data) four lines of prose on an 8.5 x 5.5 inch page and a ruled table whose
quantity column holds ``1``, ``6`` and ``12``, turns each by every angle (PIL, counter-clockwise) and prints
per page the median, min and max of the words' angles (degrees, counter-clockwise, from their quads) and,
for the tables, which of the Qty cells were read. tests/craft/test_skewed_pages.py reads the same pages.
"""

from __future__ import annotations

import argparse
import math
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# The prose of a fresh user's skewed page (issue 24): bold and italic Liberation Sans lines, whose CRAFT
# boxes stay level (DejaVu Sans at 2 degrees gets enough tilted boxes for the median to be right).
LIBERATION = Path("/usr/share/fonts/truetype/liberation")
PROSE_FONTS = [LIBERATION / "LiberationSans-Bold.ttf", LIBERATION / "LiberationSans-Italic.ttf"]

PROSE = ["Quarterly results: revenue rose 8.4% to $3.2 million", "Costs fell to $2,750,000 in Q3 2026",
         "Shipments: 1,450 units of 25 kg each", "Questions? investors@lakeside.example"]
TABLE = [["Ref", "Item", "Qty", "Amount"], ["A-17", "Drill press", "1", "$149.99"],
         ["B-220", "Saw blades", "6", "$35.40"], ["C-9", "Gloves large", "12", "$22.80"]]


def prose_page(dpi: int, deg: float) -> np.ndarray:
    """Four lines of 12 / 11 pt prose (bold, italic; DejaVu Sans without Liberation) on a 8.5 x 5.5 inch
    page turned ``deg`` counter-clockwise."""
    img = Image.new("L", (round(8.5 * dpi), round(5.5 * dpi)), 255)
    draw = ImageDraw.Draw(img)
    paths = PROSE_FONTS if all(p.exists() for p in PROSE_FONTS) else [SANS, SANS]
    fonts = [ImageFont.truetype(str(p), round(pt * dpi / 72)) for p, pt in zip(paths, (12, 11), strict=True)]
    for i, line in enumerate(PROSE):
        draw.text((0.7 * dpi, (0.8 + 0.45 * i) * dpi), line, font=fonts[i % 2], fill=0)
    return np.asarray(img.rotate(deg, resample=Image.BICUBIC, fillcolor=255))


def table_page(dpi: int, deg: float) -> np.ndarray:
    """A ruled four-row table (one-digit quantities) on a 8.5 x 3 inch page turned ``deg``."""
    img = Image.new("L", (round(8.5 * dpi), round(3 * dpi)), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(SANS), round(10 * dpi / 72))
    cols, top, rh = [0.5, 2.0, 4.5, 6.2, 8.0], 0.5, 0.4
    for r in range(len(TABLE) + 1):
        draw.line([(cols[0] * dpi, (top + r * rh) * dpi), (cols[-1] * dpi, (top + r * rh) * dpi)], fill=0, width=1)
    for c in cols:
        draw.line([(c * dpi, top * dpi), (c * dpi, (top + len(TABLE) * rh) * dpi)], fill=0, width=1)
    for r, row in enumerate(TABLE):
        for c, cell in enumerate(row):
            draw.text(((cols[c] + 0.08) * dpi, (top + r * rh + 0.08) * dpi), cell, font=font, fill=0)
    return np.asarray(img.rotate(deg, resample=Image.BICUBIC, fillcolor=255))




def main() -> None:
    """Print one line per page: preset, kind, dpi, angle, word angles, cells read, seconds."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="accurate")
    ap.add_argument("--angles", default="1.0,2.0,2.7,-2.0")
    ap.add_argument("--table-angles", default="0,-1.5,-3.0,3.0")
    ap.add_argument("--dpis", default="150,300")
    args = ap.parse_args()
    from ocrplug.pipeline import Pipeline

    pipe = Pipeline.from_preset(args.preset, ["renderers=[]"])
    for dpi in (int(d) for d in args.dpis.split(",")):
        for kind, make, angles in (("prose", prose_page, args.angles), ("table", table_page, args.table_angles)):
            for deg in (float(a) for a in angles.split(",")):
                start = time.perf_counter()
                page = pipe.run(make(dpi, deg)).pages[0]
                seconds = time.perf_counter() - start
                angles_read = []
                for w in page.words:
                    q = np.asarray(w.quad)
                    along = (q[1] - q[0]) + (q[2] - q[3])
                    angles_read.append(-math.degrees(math.atan2(along[1], along[0])))
                words = [w.text for w in page.words]
                cells = " ".join(c for c in ("1", "6", "12") if c in words) if kind == "table" else "-"
                print(f"{args.preset} {kind} {dpi} dpi {deg:+.1f}: words {len(words)} angle median "
                      f"{np.median(angles_read):+.2f} [{min(angles_read):+.2f}, {max(angles_read):+.2f}] "
                      f"qty cells read: {cells}  {seconds:.1f}s", flush=True)


if __name__ == "__main__":
    main()
