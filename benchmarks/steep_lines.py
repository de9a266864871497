"""Lines at 15-60 degrees on a level page: read right, and their angle stated right, per preset.

usage: python benchmarks/steep_lines.py [--presets fast,swift,accurate] [--pages 8] [--angles 15:60:5]
                                        [--work DIR] [--reuse] [--verbose]

Issue 24 item 2 (T11's ``poster.png``: ``accurate`` read ``FREE ENTRY`` at 30 degrees as ``FREE`` and
``EENTRY`` and wrote ``games`` at 45 degrees with a 90-degree angle). Each page (200 dpi, 8 x 8 inches,
8-bit grey, PIL drawn) holds a level heading and footer (so that the page's own frame is level, as a
poster's is) and four lines of one to four words in a 2 x 2 grid, each drawn level in its own font and
size (36-60 px) and turned about its centre by an angle of +-15 .. +-60 degrees (counter-clockwise
positive; both signs, every 5 degrees, in turn; ``--angles LO:HI:STEP`` another range, e.g. 15:75:5), as ``/work/t11/gen_pages.py``'s ``paste_rotated`` does.
Fonts cycle through DejaVu Sans / Serif, Liberation Sans / Serif, FreeSans and Noto Sans (bold and
regular). Every page runs through each preset in this process with the ``json`` renderer.

A steep line is *read right* when the page's lines whose centres lie inside its turned box (grown by
a fifth of its height) are one line whose text is the truth (spaces and case as drawn). Its angle is
*stated right* when that one line's written angle (:func:`ocrplug.levelling.written_angle_deg` of its
quad, as hOCR ``textangle`` / ALTO ``ROTATION`` write it) is within 3 degrees of the truth. Printed per
preset: lines read right, angles right, both, and the failures (``--verbose``: every steep line).
Generated pages only; not an evaluation set.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drawn_angles import faces, json_lines, written_deg

FONTS = faces(
    "DejaVuSans", "LiberationSerif-Regular", "FreeSans", "NotoSans-Bold",
    "DejaVuSerif", "LiberationSans-Bold", "NotoSans-Regular", "DejaVuSans-Bold",
)
PHRASES = [
    "FREE ENTRY", "Live music", "Cake stall and games", "Grand Opening", "SALE", "Today only",
    "Open 9 to 5", "Fresh bread daily", "Jumble sale", "Quiz night", "Pay here", "New season",
    "Half price", "Keep left please", "Parking", "Summer sale now on", "Tickets", "Big prizes",
    "Dog show", "Family fun day",
]
DPI = 200
SIZE = 1600
TOLERANCE = 3.0  # degrees


def angles(lo: int = 15, hi: int = 60, step: int = 5) -> list[float]:
    """+-``lo`` .. +-``hi`` degrees every ``step`` (default +-15 .. +-60 every 5), alternating signs."""
    out: list[float] = []
    for a in range(lo, hi + 1, step):
        out += [float(a), -float(a)]
    return out


def paste_rotated(page: Image.Image, text: str, font: ImageFont.FreeTypeFont, centre: tuple[float, float],
                  degrees: float) -> np.ndarray:
    """Draw ``text`` level, turned ``degrees`` counter-clockwise about ``centre``; its turned box (4 x 2)."""
    left, top, right, bottom = font.getbbox(text)
    pad = 4
    mask = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
    ImageDraw.Draw(mask).text((pad - left, pad - top), text, font=font, fill=255)
    turned = mask.rotate(degrees, expand=True, resample=Image.BICUBIC)
    x, y = round(centre[0] - turned.width / 2), round(centre[1] - turned.height / 2)
    page.paste(Image.new("L", turned.size, 0), (x, y), turned)
    w, h = mask.size
    rad = math.radians(degrees)
    along, down = np.array([math.cos(rad), -math.sin(rad)]), np.array([math.sin(rad), math.cos(rad)])
    c = np.array([x + turned.width / 2, y + turned.height / 2])
    return np.array([c + sx * w / 2 * along + sy * h / 2 * down for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))])


def draw_pages(count: int, work: Path, degrees: tuple[int, int, int] = (15, 60, 5)) -> list[dict]:
    """Draw ``count`` pages under ``work``; per page its name and steep lines (text, degrees, box);
    ``degrees``: the angles' range (lo, hi, step) for :func:`angles`."""
    rng = random.Random(24)
    todo = angles(*degrees)
    heading = ImageFont.truetype(FONTS[0], 56)
    small = ImageFont.truetype(FONTS[0], 32)
    out = []
    k = 0
    for p in range(count):
        page = Image.new("L", (SIZE, SIZE), 255)
        d = ImageDraw.Draw(page)
        d.text((SIZE // 2, 90), "Village Summer Fair", font=heading, fill=0, anchor="mm")
        d.text((SIZE // 2, SIZE - 80), "Saturday 14 June, Mill Lane", font=small, fill=0, anchor="mm")
        lines = []
        for cell in range(4):
            deg = todo[k % len(todo)]
            text = PHRASES[k % len(PHRASES)]
            font = ImageFont.truetype(FONTS[k % len(FONTS)], rng.choice([36, 44, 52, 60]))
            k += 1
            cx = SIZE / 4 + (cell % 2) * SIZE / 2 + rng.uniform(-40, 40)
            cy = 200 + (SIZE - 400) / 4 + (cell // 2) * (SIZE - 400) / 2 + rng.uniform(-40, 40)
            box = paste_rotated(page, text, font, (cx, cy), deg)
            lines.append({"text": text, "degrees": deg, "box": box.tolist(), "font": Path(font.path).stem})
        name = f"steep{p:02d}"
        page.save(work / f"{name}.png", dpi=(DPI, DPI))
        out.append({"name": name, "lines": lines})
    return out


def _inside(point: np.ndarray, box: np.ndarray, grow: float) -> bool:
    """Whether ``point`` lies in the turned rectangle ``box`` (4 x 2, clockwise) grown by ``grow`` px."""
    along = box[1] - box[0]
    down = box[3] - box[0]
    rel = point - box[0]
    u = float(rel @ along) / float(along @ along)
    v = float(rel @ down) / float(down @ down)
    gu, gv = grow / np.linalg.norm(along), grow / np.linalg.norm(down)
    return -gu <= u <= 1 + gu and -gv <= v <= 1 + gv


def score_page(found: list[dict], truth: list[dict]) -> list[dict]:
    """Per steep line: how it was read (texts of the page's json lines ``found`` inside its box) and the
    written angle."""
    rows = []
    for t in truth:
        box = np.asarray(t["box"], dtype=np.float64)
        height = float(np.linalg.norm(box[3] - box[0]))
        inside = [ln for ln in found if _inside(np.asarray(ln["quad"], dtype=np.float64).mean(axis=0), box, height / 5)]
        texts = [ln.get("text") or "" for ln in inside]
        written = [written_deg(ln["quad"]) for ln in inside]
        read = len(inside) == 1 and texts[0] == t["text"]
        angle = len(inside) == 1 and abs(written[0] - t["degrees"]) <= TOLERANCE
        rows.append({**t, "texts": texts, "written": written, "read": read, "angle": angle})
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,swift,accurate")
    ap.add_argument("--pages", type=int, default=8, help="pages of four steep lines each")
    ap.add_argument("--angles", default="15:60:5", help="LO:HI:STEP degrees (both signs)")
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--reuse", action="store_true", help="score the json already under --work instead of running again")
    ap.add_argument("--verbose", action="store_true", help="print every steep line")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ocrplug-steep-"))
    work.mkdir(parents=True, exist_ok=True)
    lo, hi, step = (int(v) for v in args.angles.split(":"))
    todo = draw_pages(args.pages, work, (lo, hi, step))
    print(f"{len(todo)} pages, {4 * len(todo)} steep lines under {work}")
    for preset in args.presets.split(","):
        t0 = time.perf_counter()
        rows = []
        pages = {page["name"]: page for page in todo}
        for name, found in json_lines(preset, list(pages), work, args.reuse):
            page = pages[name]
            for row in score_page(found, page["lines"]):
                rows.append(row)
                if args.verbose or not (row["read"] and row["angle"]):
                    got = " | ".join(f"{t!r} {w:.1f}" for t, w in zip(row["texts"], row["written"], strict=True))
                    print(f"  {preset} {page['name']} {row['degrees']:+5.0f} {row['font'][:18]:18s} "
                          f"{row['text']!r}: {got or '-'}")
        n = len(rows)
        read = sum(r["read"] for r in rows)
        angle = sum(r["angle"] for r in rows)
        both = sum(r["read"] and r["angle"] for r in rows)
        print(f"{preset}: {n} steep lines, read right {read}/{n}, angle within {TOLERANCE:g} deg {angle}/{n}, "
              f"both {both}/{n} ({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
