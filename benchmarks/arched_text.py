"""Words on an arc: found, read in order along the arc, or reported, per preset.

usage: python benchmarks/arched_text.py [--presets fast,swift,accurate] [--pages 12] [--work DIR] [--reuse]
                                        [--verbose]

Issue 24 (A16; T15's ``arched.png``: "ST MARY'S PRIMARY SCHOOL" on a 600 px arc, 60 px bold, which ``fast``
and ``swift`` dropped with no warning). Each page (200 dpi, 1400 x 1000 px, 8-bit grey, PIL drawn) holds one
phrase of 2-4 words drawn glyph by glyph on a circle -- each glyph turned to the circle's tangent at its
place, its baseline on the circle -- above a level line of text (so that the page has ordinary text too).
Glyphs 36-64 px high, the arc bowing up (its centre below, the tops outward: a school badge) or down (its
centre above, the tops inward), both in turn; the phrase turns through 20, 40, .. 200 degrees (+-10 %: the
radius follows from the phrase's length), two pages per turn. Fonts cycle through DejaVu Sans / Serif, Liberation Sans, FreeSans and Noto Sans (bold and
regular). Every page runs through each preset in this process with the ``json`` and ``text`` renderers.

An arc is *read in order* when the page's text holds the phrase's words one after another, in order, on one
line (spaces as drawn, case as drawn); *found* when every one of its words is somewhere in the page's text;
*warned* when the page carries a warning that names text on an arc. A page whose arc turns more than
``ocrplug.arcs._ARC_MAX_TURN_DEG`` should be read in order or warned. Generated pages only; not an
evaluation set.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drawn_angles import faces

from ocrplug.pipeline import Pipeline
from ocrplug.presets import preset_config

FONTS = faces("DejaVuSans-Bold", "LiberationSans-Bold", "NotoSans-Bold", "DejaVuSerif", "FreeSans", "NotoSans-Regular")
PHRASES = [
    "ST MARY'S PRIMARY SCHOOL", "Happy Birthday", "GRAND OPENING SALE", "Village Bakery", "Welcome Home",
    "RIVERSIDE FOOTBALL CLUB", "Fresh Coffee", "Est. 1921", "Summer Fair Today", "OPEN ALL YEAR",
    "Seaside Camp", "Hill Road Garage",
]
TURNS = [20, 40, 60, 80, 100, 120, 140, 160, 180, 200]
SIZES = [36, 44, 52, 64]
W, H = 1400, 1000
DPI = 200


def draw_arc(page: Image.Image, text: str, font: ImageFont.FreeTypeFont, centre: tuple[float, float],
             radius: float, up: bool) -> float:
    """Draw ``text`` glyph by glyph on the circle (``centre``, ``radius``: its baseline), centred on the top
    of the circle (``up``: the arc bows up, tops outward) or its bottom (tops inward); the turn in degrees."""
    ascent, _ = font.getmetrics()
    total = font.getlength(text)
    pos = -total / 2
    for ch in text:
        adv = font.getlength(ch)
        mid = pos + adv / 2
        pos += adv
        if ch == " ":
            continue
        phi = mid / radius  # radians along the arc from its middle (left to right)
        if up:  # top of the circle, reading clockwise on screen
            px, py = centre[0] + radius * math.sin(phi), centre[1] - radius * math.cos(phi)
            turn = -math.degrees(phi)
        else:  # bottom of the circle, reading counter-clockwise on screen
            px, py = centre[0] + radius * math.sin(phi), centre[1] + radius * math.cos(phi)
            turn = math.degrees(phi)
        size = int(font.size * 2.2)
        glyph = Image.new("L", (size, size), 0)
        # The glyph's baseline middle at the image centre.
        ImageDraw.Draw(glyph).text((size / 2 - adv / 2, size / 2 - ascent), ch, font=font, fill=255)
        turned = glyph.rotate(turn, resample=Image.BICUBIC, center=(size / 2, size / 2))
        page.paste(Image.new("L", turned.size, 0), (round(px - size / 2), round(py - size / 2)), turned)
    return math.degrees(total / radius)


def draw_pages(count: int, work: Path) -> list[dict]:
    """Draw ``count`` pages under ``work``; per page its name, phrase, radius, sense and turn (degrees)."""
    rng = random.Random(24)
    small = ImageFont.truetype(faces("DejaVuSerif")[0], 40)
    out = []
    for p in range(count):
        text = PHRASES[p % len(PHRASES)]
        font = ImageFont.truetype(FONTS[p % len(FONTS)], SIZES[p % len(SIZES)])
        turn = TURNS[(p // 2) % len(TURNS)] * rng.uniform(0.9, 1.1)
        radius = max(math.degrees(font.getlength(text) / turn), 2.5 * font.size)
        up = p % 2 == 0
        page = Image.new("L", (W, H), 255)
        d = ImageDraw.Draw(page)
        if up:
            centre = (W / 2, 120 + radius)
            d.text((W / 2, min(H - 80, 250 + 1.1 * font.size)), "Learning together", font=small, fill=0, anchor="mm")
        else:
            centre = (W / 2, H - 120 - radius)
            d.text((W / 2, 80), "Learning together", font=small, fill=0, anchor="mm")
        turn = draw_arc(page, text, font, centre, radius, up)
        name = f"arc{p:02d}"
        page.save(work / f"{name}.png", dpi=(DPI, DPI))
        out.append({"name": name, "text": text, "radius": round(radius), "up": up, "turn": round(turn, 1),
                    "size": font.size, "font": Path(font.path).stem})
    return out


def score(text: str, warnings: list[str], truth: dict) -> dict:
    """Whether the page's ``text`` reads the phrase in order on one line, holds all its words, and whether a
    warning names text on an arc."""
    words = truth["text"].split()
    lines = [ln.split() for ln in text.splitlines()]
    in_order = any(
        ln[i : i + len(words)] == words for ln in lines for i in range(len(ln) - len(words) + 1)
    )
    bag = text.split()
    found = all(w in bag for w in words)
    warned = any("arc" in w for w in warnings)
    return {"in_order": in_order, "found": found, "warned": warned}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,swift,accurate")
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--reuse", action="store_true", help="score the outputs already under --work")
    ap.add_argument("--verbose", action="store_true", help="print every page")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ocrplug-arcs-"))
    work.mkdir(parents=True, exist_ok=True)
    todo = draw_pages(args.pages, work)
    print(f"{len(todo)} pages under {work}")
    for preset in args.presets.split(","):
        t0 = time.perf_counter()
        out = work / preset
        pipeline = Pipeline.from_dict(dict(preset_config(preset), renderers=[{"name": "json"}, {"name": "text"}]))
        rows = []
        for t in todo:
            if not (args.reuse and (out / f"{t['name']}.json").is_file()):
                pipeline.run(work / f"{t['name']}.png", out)
            doc = json.loads((out / f"{t['name']}.json").read_text())
            text = (out / f"{t['name']}.txt").read_text()
            row = {**t, **score(text, doc["pages"][0].get("warnings", []), t)}
            rows.append(row)
            if args.verbose or not row["in_order"]:
                got = " / ".join(ln for ln in text.splitlines() if ln.strip())
                print(f"  {preset} {t['name']} r {t['radius']:4d} {'up  ' if t['up'] else 'down'} turn "
                      f"{t['turn']:5.1f} {t['size']} {t['font'][:16]:16s} {t['text']!r}: in order {row['in_order']}, "
                      f"found {row['found']}, warned {row['warned']}: {got!r}")
        n = len(rows)
        print(f"{preset}: {n} arcs, read in order {sum(r['in_order'] for r in rows)}/{n}, all words found "
              f"{sum(r['found'] for r in rows)}/{n}, neither in order nor warned "
              f"{sum(not r['in_order'] and not r['warned'] for r in rows)}/{n} ({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
