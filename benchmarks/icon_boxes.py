"""Icons and hazard diamonds taken for check boxes (issue 24, K15; T13's phone_dark, T14's chem_label).

usage: python benchmarks/icon_boxes.py [--presets fast,swift] [--pages 2] [--seed 15] [--show]

Generated pages (PIL drawn), per page:

* a tab bar (light or dark ground, as T13's ``phone_dark.png``): 3-4 outline icons of 18-40 px with
  1-3 px lines in a UI colour, each a square frame empty or holding a drawing (a plus, three bars, a
  ring, a dot, a letter), its caption centred 4-10 px under it; text lines above;
* two hazard diamonds (a square turned 30-45 degrees, 90-220 px, 4-10 px red or black frame) holding a
  pictogram (a filled triangle, ``!``, a ring, a bar), beside text lines (as T14's ``chem_label.png``);
* a form's rows of real check boxes (14-30 px, 1-2 px frames) with their label right of them, half
  ticked (a drawn cross or tick), as control.

Per preset: box signs (``☐ ☑ ☒ □``) written on an icon or a diamond (false), box signs on the form's
boxes found / written right (``☑`` for ticked, ``☐`` or ``□`` for empty). ``--show`` prints each.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tick_boxes import _font

FACES = ("truetype/dejavu/DejaVuSans.ttf", "truetype/liberation/LiberationSans-Regular.ttf",
         "truetype/noto/NotoSans-Regular.ttf", "truetype/dejavu/DejaVuSerif.ttf")
SIGNS = ("\u2610", "\u2611", "\u2612", "\u25a1")
EMPTY_SIGNS = ("\u2610", "\u25a1")
TICKED = "\u2611"
CAPTIONS = ("Chats", "Calls", "Settings", "Home", "Search", "Profile", "Photos", "Mail", "Music", "Files")
LINES = ("Keep away from heat and open flames.", "Store in a cool, well ventilated place.",
         "Wear protective gloves and eye protection.", "Reminder: meeting Thursday at 3 PM",
         "Please tick the boxes that apply to you.", "Net volume 2.5 L  Batch 24-0917-B")
LABELS = ("Yes", "No", "Married", "Single", "Approved", "Rejected", "Other", "Pending review")


@dataclass
class Page:
    name: str
    image: Image.Image
    #: (x0, y0, x1, y1, kind) of things that are no check box: ``icon``, ``diamond``.
    nots: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    #: (x0, y0, x1, y1, state) of real check boxes.
    boxes: list[tuple[int, int, int, int, str]] = field(default_factory=list)


def _icon(d: ImageDraw.ImageDraw, x: int, y: int, s: int, lw: int, colour: tuple[int, int, int], inner: str,
          font: ImageFont.FreeTypeFont) -> None:
    d.rectangle((x, y, x + s - 1, y + s - 1), outline=colour, width=lw)
    m, c = max(s // 4, 2 * lw), s // 2  # the drawing stands apart from the frame
    if inner == "plus":
        d.line((x + c, y + m, x + c, y + s - m), fill=colour, width=lw)
        d.line((x + m, y + c, x + s - m, y + c), fill=colour, width=lw)
    elif inner == "bars":
        for k in (0, 1, 2):
            yy = y + m + k * (s - 2 * m) // 2
            d.line((x + m, yy, x + s - m, yy), fill=colour, width=lw)
    elif inner == "ring":
        d.ellipse((x + m, y + m, x + s - m, y + s - m), outline=colour, width=lw)
    elif inner == "dot":
        d.ellipse((x + c - s // 6, y + c - s // 6, x + c + s // 6, y + c + s // 6), fill=colour)
    elif inner == "letter":
        d.text((x + c, y + c), "i", font=font, fill=colour, anchor="mm")


def _diamond(img: Image.Image, cx: int, cy: int, side: int, turn: float, lw: int, colour: tuple[int, int, int],
             picto: str, ink: tuple[int, int, int]) -> tuple[int, int, int, int]:
    d = ImageDraw.Draw(img)
    a = math.radians(45.0 + turn)  # a level square's corners stand at 45 degrees
    r = side / math.sqrt(2)
    pts = [(cx + r * math.cos(a + k * math.pi / 2), cy + r * math.sin(a + k * math.pi / 2)) for k in range(4)]
    d.polygon(pts, outline=colour, width=lw)
    q = side // 4
    if picto == "triangle":
        d.polygon([(cx, cy - q), (cx - q * 0.6, cy + q), (cx + q * 0.6, cy + q)], fill=ink)
    elif picto == "bang":
        d.rectangle((cx - q // 6, cy - q, cx + q // 6, cy + q // 3), fill=ink)
        d.ellipse((cx - q // 5, cy + q // 2, cx + q // 5, cy + q // 2 + 2 * (q // 5)), fill=ink)
    elif picto == "ring":
        d.ellipse((cx - q, cy - q, cx + q, cy + q), outline=ink, width=max(2, q // 5))
    elif picto == "bar":
        d.rectangle((cx - q, cy - q // 4, cx + q, cy + q // 4), fill=ink)
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return int(min(xs)), int(min(ys)), int(max(xs)) + 1, int(max(ys)) + 1


def pages(n: int, seed: int) -> list[Page]:
    rng = random.Random(seed)
    out: list[Page] = []
    for k in range(n):
        dark = k % 2 == 1
        ground, ink = ((28, 28, 30), (235, 235, 235)) if dark else ((255, 255, 255), (20, 20, 20))
        img = Image.new("RGB", (1200, 1100), ground)
        d = ImageDraw.Draw(img)
        page = Page(f"icons{k}{'_dark' if dark else ''}", img)
        face = FACES[k % len(FACES)]
        body = _font(face, rng.randint(20, 26))
        y = 40
        for line in rng.sample(LINES, 3):
            d.text((60, y), line, font=body, fill=ink)
            y += 44
        # Two hazard diamonds right of text lines.
        for j in range(2):
            side = rng.randint(90, 220)
            cx, cy = 300 + j * 500, 260 + side // 2 + 30
            colour = rng.choice([(210, 0, 0), (0, 0, 0)]) if not dark else (230, 40, 40)
            box = _diamond(img, cx, cy, side, rng.choice([45.0, 45.0, 30.0, 40.0]), rng.randint(4, 10), colour,
                           rng.choice(["triangle", "bang", "ring", "bar"]), ink)
            page.nots.append((*box, "diamond"))
            d.text((box[2] + 20, cy - 12), rng.choice(LINES)[:24], font=body, fill=ink)
        # A form's rows of real check boxes, labels right of them.
        y = 600
        for _ in range(4):
            x = 60
            for _ in range(2):
                s, lw = rng.randint(14, 30), rng.randint(1, 2)
                d.rectangle((x, y, x + s - 1, y + s - 1), outline=ink, width=lw)
                state = rng.choice(["ticked", "empty"])
                if state == "ticked":
                    m = max(2, s // 5)
                    d.line((x + m, y + m, x + s - m, y + s - m), fill=ink, width=max(2, s // 8))
                    d.line((x + m, y + s - m, x + s - m, y + m), fill=ink, width=max(2, s // 8))
                page.boxes.append((x, y, x + s, y + s, state))
                label = rng.choice(LABELS)
                d.text((x + s + max(6, s // 2), y + s // 2), label, font=body, fill=ink, anchor="lm")
                x += 520
            y += 60
        # A tab bar of outline icons with captions under them.
        bar_y = 900
        if dark:
            d.rectangle((0, bar_y - 20, 1200, 1100), fill=(36, 36, 40))
        count = rng.choice([3, 4])
        cap = _font(face, rng.randint(14, 20))
        colour = rng.choice([(30, 130, 230), (120, 120, 120), ink])
        for j in range(count):
            s, lw = rng.randint(18, 40), rng.randint(1, 3)
            cx = int((j + 0.5) * 1200 / count)
            x, yy = cx - s // 2, bar_y
            _icon(d, x, yy, s, lw, colour, rng.choice(["none", "none", "plus", "bars", "ring", "dot", "letter"]), cap)
            d.text((cx, yy + s + rng.randint(4, 10)), rng.choice(CAPTIONS), font=cap, fill=colour, anchor="mt")
            page.nots.append((x, yy, x + s, yy + s, "icon"))
        out.append(page)
    return out


def _on(box: tuple[float, float, float, float], area: tuple[int, int, int, int], grow: float) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return area[0] - grow <= cx <= area[2] + grow and area[1] - grow <= cy <= area[3] + grow


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--presets", default="fast,swift")
    ap.add_argument("--pages", type=int, default=2)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--save", default="", help="folder to save the pages in (PNG)")
    args = ap.parse_args()
    from ocrplug.pipeline import Pipeline

    drawn = pages(args.pages, args.seed)
    if args.save:
        for p in drawn:
            p.image.save(f"{args.save}/{p.name}.png")
    for preset in [p for p in args.presets.split(",") if p]:
        pipe = Pipeline.from_preset(preset, ["renderers=[]", "layout.empty_checkboxes=write"])
        false: Counter[str] = Counter()
        nots: Counter[str] = Counter()
        found = right = total = 0
        for page in drawn:
            result = pipe.run(page.image).pages[0]
            signs = [(w.text or "", w.bbox) for w in result.words if (w.text or "").strip() in SIGNS]
            for x0, y0, x1, y1, kind in page.nots:
                nots[kind] += 1
                # Grown by at most 8 px: a big diamond's quarter would reach the form's boxes under it.
                on = [s for s, b in signs if _on(b, (x0, y0, x1, y1), min(0.25 * (x1 - x0), 8))]
                false[kind] += bool(on)
                if on and args.show:
                    print(f"    {preset} {page.name} {kind} {x1 - x0} px at {x0},{y0}: {on}")
            for x0, y0, x1, y1, state in page.boxes:
                on = [s for s, b in signs if _on(b, (x0, y0, x1, y1), 0.25 * (x1 - x0))]
                total += 1
                found += bool(on)
                ok = len(on) == 1 and (on[0] == TICKED if state == "ticked" else on[0] in EMPTY_SIGNS)
                right += ok
                if not ok and args.show:
                    print(f"    {preset} {page.name} box {x1 - x0} px at {x0},{y0} {state}: {on}")
        print(f"{preset:8s} false box signs: icons {false['icon']}/{nots['icon']}, diamonds {false['diamond']}/"
              f"{nots['diamond']}; form boxes found/right {found}/{right} of {total}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
