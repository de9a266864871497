"""List bullets written as bullets (issue 24 item 1, T9 fault 7): drawn lines in every installed face, and pages per preset.

usage: python benchmarks/bullets.py [--parts shapes,pages] [--presets fast,swift,accurate,dbtess] [--faces N]

* ``shapes``: one line ``<first> Item text 42`` per character ``<first>`` (the bullets ``•`` ``●`` and a
  drawn disc, and what must stay text: ``o O 0 e . · i ☑ ☐ ○ ◦ ■ ▪ - – * Q @``) in every installed face
  (``/usr/share/fonts``, TrueType and OpenType; a face without the character is skipped) at 16, 24, 32 and
  48 px, on a white page; the line's region is its ink's box grown by 0.15 of its height (as a detector
  gives it), or the box of ``Item text 42`` alone (the bullet left of the region, as CRAFT leaves it). Also
  inline ``Home • About`` (a separator, no bullet). Per character: how many lines
  :func:`ocrplug.checkboxes.take_checkboxes` takes a bullet from (bullets: all; the rest: none).
* ``pages``: a drawn page of bullet lists (a drawn disc, the faces' ``•`` and ``●``, ``■``, ``▪``, ``-``,
  ``–`` and ``o`` starting items, DejaVu Sans and Liberation Serif at 150 and 300 dpi) read by each preset
  (``dbtess``: ``db`` + ``tesseract``, README's Python example): every line's text as read, and the count
  of lines whose first word is the expected one.
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocrplug.model import Region

#: The character a bullet is written as (``ocrplug.checkboxes.BULLET``; given here so that ``pages`` runs a
#: tree from before bullets on ``PYTHONPATH`` too).
BULLET = "\u2022"

BULLETS = ("\u2022", "\u25cf", "disc")
TEXT = tuple("oO0e.\u00b7i\u2611\u2610\u25cb\u25e6\u25a0\u25aa-\u2013*Q@")
SIZES = (16, 24, 32, 48)


def faces(limit: int | None = None) -> list[Path]:
    """The installed TrueType/OpenType faces, sorted (the first ``limit``)."""
    found = sorted(p for p in Path("/usr/share/fonts").rglob("*") if p.suffix.lower() in (".ttf", ".otf"))
    return found[:limit] if limit else found


def _has(font: ImageFont.FreeTypeFont, char: str) -> bool:
    """Whether ``font`` draws ``char`` (not its missing-glyph box: the mask differs from U+E000's)."""
    a, b = font.getmask(char), font.getmask("\ue000")
    return a.size != b.size or bytes(a) != bytes(b)


def draw_line(font: ImageFont.FreeTypeFont, first: str, px: int, inline: bool = False) -> tuple[np.ndarray, tuple, tuple]:
    """A white page with one line starting with ``first`` (``disc``: a drawn disc 0.45 of the cap height
    at the x-height's middle); the boxes (x0, y0, x1, y1) of the whole line's ink and of its text after
    ``first``."""
    img = Image.new("L", (40 * px, 4 * px), 255)
    d = ImageDraw.Draw(img)
    x, y = 2 * px, px
    if inline:
        d.text((x, y), f"Home {first} About", font=font, fill=0)
        box = img.point(lambda v: 255 - v).getbbox()
        return np.asarray(img), box, box
    cap = font.getbbox("H")
    if first == "disc":
        h = cap[3] - cap[1]
        r = 0.45 * h / 2
        cx, cy = x + r, y + cap[3] - 0.35 * h
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=0)
        start = int(cx + r + 0.8 * h)
    else:
        d.text((x, y), first, font=font, fill=0)
        start = x + int(font.getlength(first + "  "))
    d.text((start, y), "Item text 42", font=font, fill=0)
    inv = img.point(lambda v: 255 - v)
    whole = inv.getbbox()
    rest = inv.crop((start - 1, 0, img.width, img.height)).getbbox()
    rest = (rest[0] + start - 1, rest[1], rest[2] + start - 1, rest[3])
    return np.asarray(img), whole, rest


def _region(box: tuple) -> Region:
    x0, y0, x1, y1 = box
    pad = 0.15 * (y1 - y0)
    return Region.from_box(x0 - pad, y0 - pad, x1 + pad, y1 + pad, level="line")


def shapes(limit: int | None, chars: str | None = None) -> None:
    from ocrplug.checkboxes import take_checkboxes

    found: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses: list[str] = []
    for face in faces(limit):
        for px in SIZES:
            try:
                font = ImageFont.truetype(str(face), px)
            except OSError:
                continue
            if not _has(font, "H"):
                continue
            for first in (*BULLETS, *TEXT, "inline"):
                if chars and first not in chars and not (first in ("disc", "inline") and first in chars.split(",")):
                    continue
                if first not in ("disc", "inline") and not _has(font, first):
                    continue
                for side in ("in", "left") if first != "inline" else ("in",):
                    gray, whole, rest = draw_line(font, "\u2022" if first == "inline" else first, px, first == "inline")
                    region = _region(whole if side == "in" else rest)
                    _, taken = take_checkboxes(gray, [region])
                    key = f"{first}/{side}"
                    total[key] += 1
                    hit = any(t.state == "bullet" for t in taken)
                    found[key] += hit
                    want = first in BULLETS
                    if hit != want and side == "in":
                        misses.append(f"{first} {face.name} {px}px")
    for key in sorted(total, key=lambda k: (k.split("/")[0] not in BULLETS, k)):
        print(f"{key:10s} bullets {found[key]:4d} / {total[key]:4d}")
    print("wrong (line's own region), per character and size:",
          *sorted(Counter(" ".join(m.split()[::2]) for m in misses).items()), sep="\n  ")


#: What starts each item of :func:`bullet_page` (``disc``: a drawn disc).
ITEMS = ("disc", "\u2022", "\u25cf", "\u25a0", "\u25aa", "-", "\u2013", "o")
PAGE_FACES = ("dejavu/DejaVuSans.ttf", "liberation/LiberationSerif-Regular.ttf")


def bullet_page(face: str, dpi: int) -> tuple[np.ndarray, list[str]]:
    """A page of lines ``<first> Item text 42`` for each of :data:`ITEMS`, 12 pt in ``face`` at ``dpi``, and
    the first word each should be read with (``•`` for a round bullet, ``o`` for ``o``, the reader's
    choice for the rest: empty)."""
    px = round(12 * dpi / 72)
    font = ImageFont.truetype(str(Path("/usr/share/fonts/truetype") / face), px)
    img = Image.new("L", (round(6.5 * dpi), round(1.6 * px * (len(ITEMS) + 2))), 255)
    want = []
    for k, first in enumerate(ITEMS):
        line, _, _ = draw_line(font, first, px)
        # The line's own band (its text stands at ``px`` from the top of the line image), 1.6 px a line.
        line = Image.fromarray(line).crop((0, round(0.7 * px), min(img.width, line.shape[1]), round(0.7 * px) + round(1.6 * px)))
        img.paste(line, (0, round(1.6 * px * k) + px // 2))
        want.append(BULLET if first in ("disc", "\u2022", "\u25cf") else first if first in "o" else "")
    return np.asarray(img.convert("RGB")), want


SLIDE_ITEMS = ("Revenue up by a tenth", "Operating costs steady", "Two new depots opened", "Staff numbers unchanged")


def slide_page() -> tuple[np.ndarray, list[str]]:
    """A slide (1280 x 720, RGB): a coloured title band, four items each led by a drawn blue disc (0.55 of
    the cap height, at the x-height's middle), DejaVu Sans 36 px, and a coloured footer band; and its lines
    as they should be read (``• Revenue up by a tenth``)."""
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 36)
    bold = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", 56)
    img = Image.new("RGB", (1280, 720), "white")
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, 1280, 140), fill=(0, 82, 147))
    d.text((60, 40), "Quarter in Review", font=bold, fill="white")
    cap = font.getbbox("H")
    h = cap[3] - cap[1]
    lines = ["Quarter in Review"]
    for k, text in enumerate(SLIDE_ITEMS):
        y = 200 + 90 * k
        r = 0.55 * h / 2
        cx, cy = 80 + r, y + cap[3] - 0.4 * h
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(0, 82, 147))
        d.text((120, y), text, font=font, fill=(30, 30, 30))
        lines.append(f"{BULLET} {text}")
    d.rectangle((0, 650, 1280, 720), fill=(230, 120, 20))
    d.text((60, 668), "Internal use only", font=ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 26),
           fill="white")
    lines.append("Internal use only")
    return np.asarray(img), lines


def pipeline(name: str) -> object:
    """The preset ``name``'s pipeline, or ``dbtess``: ``db`` + ``tesseract`` (README's Python example)."""
    from ocrplug import Pipeline

    if name == "dbtess":
        return Pipeline(detector="db", recognizer={"name": "tesseract", "options": {"lang": "eng"}})
    return Pipeline.from_preset(name)


def pages(presets: list[str]) -> None:
    for name in presets:
        pipe = pipeline(name)
        image, want = slide_page()
        lines = [ln.text or "" for ln in pipe.run(image).pages[0].lines]
        print(f"{name:8s} slide: {sum(a == b for a, b in zip(lines, want, strict=False))}/{len(want)} lines right: " + " | ".join(lines))
        for face in PAGE_FACES:
            for dpi in (150, 300):
                image, want = bullet_page(face, dpi)
                doc = pipe.run(image)
                lines = [ln.text or "" for ln in doc.pages[0].lines]
                print(f"{name:8s} {Path(face).stem:24s} {dpi} dpi: " + " | ".join(lines))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parts", default="shapes,pages")
    ap.add_argument("--presets", default="fast,swift,accurate,dbtess")
    ap.add_argument("--faces", type=int, default=None, help="only the first N faces")
    ap.add_argument("--chars", default=None, help="only these first characters (shapes)")
    args = ap.parse_args()
    parts = args.parts.split(",")
    if "shapes" in parts:
        shapes(args.faces, args.chars)
    if "pages" in parts:
        pages(args.presets.split(","))


if __name__ == "__main__":
    main()
