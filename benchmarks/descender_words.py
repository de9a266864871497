"""Short level words with descenders, alone on their rows of a level page: written level, per preset.

usage: python benchmarks/descender_words.py [--presets fast,swift,accurate] [--pages 6] [--work DIR] [--reuse]
                                            [--verbose]

Issue 24 item 2 (T11's ``comb_form.png``: ``accurate`` wrote ``Signature`` with hOCR ``textangle -1.43``): a
descender (``g j p q y``) at one end of a short word moves that end of the detector's box down, and a
word alone on its row (a form's ``Signature`` before its rule) has no row neighbour to show it is level.
Each page (300 dpi, 8.5 x 6 inches, PIL drawn, level) holds three body lines (so that the page shows
its level frame) and eight label words with descenders (``Signature``, ``Mortgage``, ...), each alone on its
row, 10-16 pt, in one of DejaVu Sans / Serif, Liberation Sans / Serif, FreeSans, Noto Sans (in turn).
Every page runs through each preset in this process with the ``json`` renderer. For each label the
line of the json whose text is the label: its written angle (:func:`ocrplug.levelling.written_angle_deg`
of its quad, as hOCR ``textangle`` / ALTO ``ROTATION`` write it; 0 is right). Printed per preset: labels
read alone, written level, and for each other its length and the drift of its far end (``length *
tan(angle)``) in its heights: what a rule that levels it must allow.
Generated pages only; not an evaluation set.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drawn_angles import faces, json_lines, written_deg

FONTS = faces(
    "DejaVuSans", "LiberationSerif-Regular", "FreeSans", "NotoSans-Regular", "DejaVuSerif", "LiberationSans-Regular"
)
LABELS = [
    "Signature", "Mortgage", "Employer", "Display", "Shipping", "Jogging", "Equipment", "Property",
    "Yearly", "Apology", "Category", "Typing", "Quietly", "Paying", "Spring", "Energy",
]
BODY = [
    "Please complete every section of this form in black ink and sign below",
    "Return the signed copy to the office within fourteen days of receipt",
    "Incomplete forms will be returned to the sender without further action",
]
DPI = 300


def draw_pages(count: int, work: Path) -> list[dict]:
    """Draw ``count`` pages under ``work``: per page its name and labels."""
    out = []
    k = 0
    for p in range(count):
        img = Image.new("L", (round(8.5 * DPI), round(6 * DPI)), 255)
        d = ImageDraw.Draw(img)
        body = ImageFont.truetype(FONTS[p % len(FONTS)], round(10 * DPI / 72))
        y = 120
        for line in BODY:
            d.text((150, y), line, font=body, fill=0)
            y += 70
        y += 60
        labels = []
        for _ in range(8):
            pt = (10, 12, 14, 16)[k % 4]
            font = ImageFont.truetype(FONTS[(k // 4 + p) % len(FONTS)], round(pt * DPI / 72))
            text = LABELS[k % len(LABELS)]
            x = 150 + (k % 3) * 500
            d.text((x, y), text, font=font, fill=0)
            d.line([(x + 700, y + round(pt * DPI / 72)), (x + 1100, y + round(pt * DPI / 72))], fill=0, width=2)
            labels.append({"text": text, "pt": pt, "font": Path(font.path).stem})
            y += round(pt * DPI / 72 * 2.6)
            k += 1
        name = f"desc{p:02d}"
        img.save(work / f"{name}.png", dpi=(DPI, DPI))
        out.append({"name": name, "labels": labels})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,swift,accurate")
    ap.add_argument("--pages", type=int, default=6)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--reuse", action="store_true", help="score the json already under --work instead of running again")
    ap.add_argument("--verbose", action="store_true", help="print every label")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ocrplug-descenders-"))
    work.mkdir(parents=True, exist_ok=True)
    todo = draw_pages(args.pages, work)
    print(f"{len(todo)} pages, {sum(len(p['labels']) for p in todo)} labels under {work}")
    for preset in args.presets.split(","):
        t0 = time.perf_counter()
        found = level = total = 0
        pages = {page["name"]: page for page in todo}
        for name, lines in json_lines(preset, list(pages), work, args.reuse):
            page = pages[name]
            for label in page["labels"]:
                total += 1
                match = [ln for ln in lines if (ln.get("text") or "").strip() == label["text"]]
                if not match:
                    print(f"  {preset} {page['name']} {label['text']!r} {label['font']} {label['pt']} pt: not read alone")
                    continue
                found += 1
                q = tuple(map(tuple, match[0]["quad"]))
                written = written_deg(q)
                level += written == 0.0
                if args.verbose or written != 0.0:
                    corners = [complex(*c) for c in q]
                    length = (abs(corners[1] - corners[0]) + abs(corners[2] - corners[3])) / 2
                    height = (abs(corners[3] - corners[0]) + abs(corners[2] - corners[1])) / 2
                    drift = length * math.tan(math.radians(abs(written))) / max(height, 1e-9)
                    print(f"  {preset} {page['name']} {label['text']!r} {label['font']} {label['pt']} pt: "
                          f"written {written:.2f} ({length / max(height, 1e-9):.2f} heights long, far end "
                          f"{drift:.3f} heights off)")
        print(f"{preset}: {total} labels, read alone {found}, written level {level}/{found} "
              f"({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
