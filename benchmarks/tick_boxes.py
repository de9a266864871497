"""Tick boxes drawn on generated pages (issue 24 item 1, c11; T10's quiz pages, fault 1).

usage: python benchmarks/tick_boxes.py [--presets fast,swift,accurate] [--pages 4]
    [--parts boxes,letters,bare,scanned,glyphs] [--seed 11] [--show] [--dark]

* ``boxes``: ``--pages`` pages (1700 x 2200 px, 200 dpi letter) of eight quiz rows each: a question in one
  of seven faces at 24-40 px, then two drawn squares of 20-80 px with 1-4 px frames, one of them marked
  (in rows of their own both empty): a tick of two strokes inside the frame, a ``✓`` of DejaVu Sans (bold)
  or FreeSerif inside it, a ``✓`` bigger than the box crossing its frame (T10's quiz), a cross of two
  strokes, an ``x`` or ``✗``, in black or blue. Per preset: boxes found (a ``☑`` or ``☐`` word centred
  on the box, grown by a quarter of its side) and written right (the state drawn).
* ``letters``: one page of things that are no checkbox: answer boxes (70-80 px) holding a letter ``A``-``D``
  (Comic Neue and DejaVu), a row of ``O o D 0 □ ☐`` in text, a 3 x 2 table of words, a bulleted list.
  Per preset: checkbox words written there (false), answer letters read right.
* ``bare``: one page of rows ending in a bare tick (``✓`` of three faces at 28-60 px, or two strokes):
  what each tick is read as (the words centred on it).
* ``scanned`` (not in the default parts; k13): ``--pages`` pages like funsd_train's forms at about 100 dpi,
  rows of labels beside 10-24 px boxes with 1-2 px frames broken by 0-3 gaps of 1-2 px, a typed ``X`` of six
  faces touching the frame in 60% of them, blurred and thresholded: boxes found / written right as above.
* ``glyphs`` (no pipeline): every installed face at 16, 24 and 40 px, the letters, digits and ``#&@%?!``
  it holds (a glyph drawn as the face's missing-glyph box is skipped): how many are taken for a box's
  mark (``ocrplug.checkboxes.is_mark``) or a tick (``is_tick``), and how many of its ``x X ✓ ✔ ✗ ✘`` are.

``--dark`` (b16) reads every page with its colours inverted (light print on a dark ground, a dark-mode
form): the same boxes, letters and ticks should read as on the light page.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

FONTS = "/usr/share/fonts/"
FACES = ("truetype/dejavu/DejaVuSans.ttf", "truetype/dejavu/DejaVuSerif.ttf", "truetype/liberation/LiberationSans-Regular.ttf",
         "truetype/liberation/LiberationSerif-Regular.ttf", "truetype/noto/NotoSans-Regular.ttf",
         "opentype/urw-base35/NimbusRoman-Regular.otf", "opentype/comic-neue/ComicNeue-Regular.otf")
TICK_FACES = ("truetype/dejavu/DejaVuSans.ttf", "truetype/dejavu/DejaVuSans-Bold.ttf", "truetype/freefont/FreeSerif.ttf")
MARKS = ("tick", "tick_glyph", "tick_over", "cross", "x_glyph", "none")
QUESTIONS = ("The Sun is a star.", "Sound travels faster than light.", "Ice floats on water.", "Spiders are insects.",
             "Whales are fish.", "Copper conducts heat.", "Bats can see in the dark.", "Salt dissolves in water.")
EMPTY, TICKED = "\u2610", "\u2611"
BLUE = (20, 30, 140)


def _font(path: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONTS + path, px)


@dataclass
class Page:
    name: str
    image: Image.Image
    #: (x0, y0, x1, y1, state) of each drawn box, state ``"ticked"`` or ``"empty"``.
    boxes: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    #: (x0, y0, x1, y1, text) of things whose reading is looked at (answer letters, bare ticks).
    spots: list[tuple[int, int, int, int, str]] = field(default_factory=list)
    #: Areas where no checkbox may be written.
    clear: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: (x0, y0, x1, y1) of each question's text (a detector's line on it).
    lines: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: The mark drawn in each box of ``boxes`` (``none`` for an empty box; a glyph's mark names its character).
    marks: list[str] = field(default_factory=list)


def _mark(d: ImageDraw.ImageDraw, x: int, y: int, s: int, kind: str, colour: object, rng: random.Random) -> str:
    """Draw mark ``kind`` in (or over) the box of side ``s`` at (x, y); returns what was drawn."""
    w = max(2, round(s / 12))
    if kind == "tick":
        d.line((x + 0.2 * s, y + 0.4 * s, x + 0.43 * s, y + 0.67 * s), fill=colour, width=w)
        d.line((x + 0.43 * s, y + 0.67 * s, x + 0.8 * s, y + 0.1 * s), fill=colour, width=w)
    elif kind == "cross":
        m = 0.2 * s
        d.line((x + m, y + m, x + s - m, y + s - m), fill=colour, width=w)
        d.line((x + m, y + s - m, x + s - m, y + m), fill=colour, width=w)
    elif kind in ("tick_glyph", "x_glyph", "tick_over"):
        ch = "\u2713" if kind != "x_glyph" else rng.choice(("x", "\u2717"))
        face = rng.choice(TICK_FACES) if ch != "x" else rng.choice(FACES)
        f = _font(face, max(8, round(s * (1.05 if kind == "tick_over" else 0.7))))
        b = f.getbbox(ch)
        gw, gh = b[2] - b[0], b[3] - b[1]
        if kind == "tick_over":  # T10's quiz: the tick's right arm stands out past the box's top
            gx, gy = x + 0.12 * s - b[0], y + s * 0.88 - gh - b[1]
        else:
            gx, gy = x + (s - gw) / 2 - b[0], y + (s - gh) / 2 - b[1]
        d.text((gx, gy), ch, font=f, fill=colour)
        return f"{kind} {ch}"
    return kind


def box_pages(n: int, seed: int) -> list[Page]:
    rng = random.Random(seed)
    pages = []
    for p in range(n):
        img = Image.new("RGB", (1700, 2200), "white")
        d = ImageDraw.Draw(img)
        page = Page(f"boxes{p}", img)
        y = 150
        for r in range(8):
            size = rng.choice((24, 28, 32, 36, 40))
            side = rng.choice((20, 28, 36, 44, 52, 60, 70, 80))
            width = rng.randint(1, 4)
            kind = MARKS[(p * 8 + r) % len(MARKS)]
            colour = rng.choice(("black", BLUE))
            f = _font(rng.choice(FACES), size)
            d.text((150, y), f"{r + 1}. {QUESTIONS[r]}", font=f, fill="black")
            page.lines.append(tuple(round(v) for v in d.textbbox((150, y), f"{r + 1}. {QUESTIONS[r]}", font=f)))
            mid = y + size * 0.6
            pick = rng.randint(0, 1)
            x = 1150 + rng.randint(0, 80)
            for k in range(2):
                bx, by = x + k * (side + 90), round(mid - side / 2)
                d.rectangle((bx, by, bx + side, by + side), outline="black", width=width)
                ticked = kind != "none" and k == pick
                page.marks.append(_mark(d, bx, by, side, kind, colour, rng) if ticked else "none")
                page.boxes.append((bx, by, bx + side, by + side, "ticked" if ticked else "empty"))
            y += max(side, size) + 100
        pages.append(page)
    return pages


LABELS = ("REFRIGERATOR", "PREMIUMS ONLY", "Contribution", "DESSICATOR", "FREEZER", "OFFICIAL", "Yes", "No",
          "STORE IN DARK", "OTHER")


def scanned_pages(n: int, seed: int) -> list[Page]:
    """``n`` pages like funsd_train's forms at about 100 dpi (k13): rows of a 14-20 px label beside a box of
    10-24 px, 1-2 px frame with 0-3 gaps of 1-2 px (a scanned thin line), a typed ``X`` (six faces, 1.0-1.25
    of the box, centred: it touches the frame) or nothing in it, a label 0.3-1 of the box's side right of it;
    two boxes a row, the page then blurred a little and thresholded as a scan is (Otsu) and saved as grey."""
    import numpy as np

    rng = random.Random(seed)
    faces = ("truetype/dejavu/DejaVuSans.ttf", "truetype/dejavu/DejaVuSans-Bold.ttf",
             "truetype/liberation/LiberationSans-Regular.ttf", "truetype/liberation/LiberationSerif-Regular.ttf",
             "truetype/liberation/LiberationMono-Regular.ttf", "truetype/freefont/FreeSerif.ttf")
    pages = []
    for p in range(n):
        img = Image.new("L", (850, 1100), 255)
        d = ImageDraw.Draw(img)
        page = Page(f"scanned{p}", img)
        y = 60
        while y < 1000:
            size = rng.choice((14, 16, 18, 20))
            f = _font(rng.choice(FACES[:4]), size)
            x = 60
            for _ in range(2):
                side = rng.choice((10, 12, 14, 16, 18, 20, 24))
                width = 1 if side < 16 else rng.randint(1, 2)
                by = round(y + size * 0.55 - side / 2)
                d.rectangle((x, by, x + side, by + side), outline=0, width=width)
                for _ in range(rng.randint(0, 3)):  # gaps in the frame
                    g, t, k = rng.randint(1, 2), rng.randint(2, max(2, side - 4)), rng.randint(0, 3)
                    gx, gy = (x + t, by) if k == 0 else (x + t, by + side - width + 1) if k == 1 else \
                        (x, by + t) if k == 2 else (x + side - width + 1, by + t)
                    d.rectangle((gx, gy, gx + (g if k < 2 else width) - 1, gy + (width if k < 2 else g) - 1), fill=255)
                ticked = rng.random() < 0.6
                if ticked:
                    fx = _font(rng.choice(faces), max(8, round(side * rng.uniform(1.0, 1.25))))
                    b = fx.getbbox("X")
                    d.text((x + (side - b[2] + b[0]) / 2 - b[0], by + (side - b[3] + b[1]) / 2 - b[1]), "X", font=fx, fill=0)
                page.marks.append("x_glyph X" if ticked else "none")
                page.boxes.append((x, by, x + side, by + side, "ticked" if ticked else "empty"))
                lx = x + side + max(4, round(side * rng.uniform(0.3, 1.0)))
                label = rng.choice(LABELS)
                d.text((lx, y), label, font=f, fill=0)
                x = lx + round(d.textlength(label, font=f)) + rng.randint(60, 160)
            y += rng.randint(40, 60)
        a = np.asarray(img.filter(ImageFilter.GaussianBlur(0.5)))
        page.image = Image.fromarray(np.where(a < 150, 20, 235).astype(np.uint8)).convert("RGB")
        pages.append(page)
    return pages


def letter_page() -> Page:
    img = Image.new("RGB", (1700, 2200), "white")
    d = ImageDraw.Draw(img)
    page = Page("letters", img)
    y = 150
    hand, sans = "opentype/comic-neue/ComicNeue-Regular.otf", "truetype/dejavu/DejaVuSans.ttf"
    for k, (q, a, face) in enumerate((("Which planet is the largest?", "C", hand), ("Which gas do plants take in?", "A", hand),
                                       ("How many legs does a spider have?", "D", sans), ("Which organ pumps blood?", "B", hand),
                                       ("What is frozen water called?", "A", sans))):
        d.text((150, y), f"{k + 1}. {q}", font=_font(sans, 32), fill="black")
        page.lines.append(tuple(round(v) for v in d.textbbox((150, y), f"{k + 1}. {q}", font=_font(sans, 32))))
        side = 70 + 5 * (k % 3)
        d.rectangle((1300, y - 12, 1300 + side, y - 12 + side), outline="black", width=3)
        f = _font(face, 52)
        b = f.getbbox(a)
        d.text((1300 + (side - b[2] + b[0]) / 2 - b[0], y - 12 + (side - b[3] + b[1]) / 2 - b[1]), a, font=f, fill=BLUE)
        page.spots.append((1300, y - 12, 1300 + side, y - 12 + side, a))
        page.clear.append((1290, y - 22, 1310 + side, y + side))
        y += 110
    f = _font(sans, 34)
    d.text((150, y), "Codes: O o D 0 \u25a1 \u2610 and DOOR", font=f, fill="black")
    page.clear.append((140, y - 10, 1000, y + 50))
    y += 110
    for r in range(3):  # a table: cells of words
        for c in range(2):
            d.rectangle((150 + 300 * c, y, 450 + 300 * c, y + 70), outline="black", width=2)
            d.text((170 + 300 * c, y + 18), ("Name", "Age", "Dana", "12", "Lee", "13")[2 * r + c], font=_font(sans, 30), fill="black")
        y += 70
    page.clear.append((140, y - 220, 760, y + 10))
    y += 80
    for item in ("Bring a pencil", "Write your name", "Hand it in"):
        d.text((150, y), "\u2022 " + item, font=_font(sans, 32), fill="black")
        page.clear.append((140, y - 10, 700, y + 50))
        y += 70
    return page


def bare_page(seed: int) -> Page:
    rng = random.Random(seed)
    img = Image.new("RGB", (1700, 2200), "white")
    d = ImageDraw.Draw(img)
    page = Page("bare", img)
    y = 150
    for r in range(12):
        size = rng.choice((24, 28, 32, 36, 40))
        d.text((150, y), f"{r + 1}. {QUESTIONS[r % 8]}", font=_font(rng.choice(FACES), size), fill="black")
        s = rng.choice((28, 36, 44, 52, 60))
        x, top = 1200 + rng.randint(0, 100), round(y + size * 0.6 - s / 2)
        if r % 4 == 3:
            _mark(d, x, top, s, "tick", rng.choice(("black", BLUE)), rng)
        else:
            f = _font(TICK_FACES[r % 3], s)
            b = f.getbbox("\u2713")
            d.text((x - b[0], top - b[1]), "\u2713", font=f, fill=rng.choice(("black", BLUE)))
        page.spots.append((x, top, x + s, top + s, "\u2713"))
        y += max(s, size) + 90
    return page


def _on(word: tuple[str, tuple[float, float, float, float]], box: tuple[int, int, int, int], grow: float) -> bool:
    _, (a, b, c, e) = word
    x0, y0, x1, y1 = box
    return x0 - grow <= (a + c) / 2 <= x1 + grow and y0 - grow <= (b + e) / 2 <= y1 + grow


def _glyph(font: ImageFont.FreeTypeFont, px: int, ch: str) -> object:
    import numpy as np

    img = Image.new("L", (3 * px, 3 * px), 255)
    ImageDraw.Draw(img).text((px, px // 2), ch, font=font, fill=0)
    ink = np.asarray(img) < 128
    if not ink.any():
        return None
    ys, xs = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return ink[ys[0]:ys[-1] + 1, xs[0]:xs[-1] + 1]


def glyphs() -> None:
    import glob

    import numpy as np

    from ocrplug.checkboxes import is_mark, is_tick

    faces = sorted(glob.glob(FONTS + "truetype/**/*.ttf", recursive=True) + glob.glob(FONTS + "opentype/**/*.otf", recursive=True))
    letters = 0
    as_mark: Counter[str] = Counter()
    as_tick: Counter[str] = Counter()
    marks: dict[str, list[int]] = {}
    for path in faces:
        for px in (16, 24, 40):
            try:
                font = ImageFont.truetype(path, px)
            except OSError:
                continue
            missing = _glyph(font, px, "\U0010fffd")
            for ch in "ABCDEFGHIJKLMNOPQRSTUVWYZabcdefghijklmnopqrstuvwyz0123456789#&@%?!xX\u2713\u2714\u2717\u2718":
                g = _glyph(font, px, ch)
                if g is None or (missing is not None and g.shape == missing.shape and np.array_equal(g, missing)):
                    continue
                if ch in "xX\u2713\u2714\u2717\u2718":
                    marks.setdefault(ch, [0, 0, 0])
                    marks[ch][0] += is_mark(g)
                    marks[ch][1] += is_tick(g)
                    marks[ch][2] += 1
                    continue
                letters += 1
                as_mark[ch] += is_mark(g)
                as_tick[ch] += is_tick(g)
    print(f"glyphs: {len(faces)} faces, {letters} letters/digits/signs: {sum(as_mark.values())} taken for a mark "
          f"{dict(as_mark.most_common(12))}, {sum(as_tick.values())} for a tick {dict(as_tick.most_common(12))}")
    print("    marks (is_mark / is_tick / of): " + ", ".join(f"{k} {a}/{b}/{c}" for k, (a, b, c) in marks.items()))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--presets", default="fast,swift,accurate")
    ap.add_argument("--pages", type=int, default=4)
    ap.add_argument("--parts", default="boxes,letters,bare")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--show", action="store_true", help="print each box missed or written wrong")
    ap.add_argument("--dark", action="store_true", help="invert every page (light print on a dark ground)")
    args = ap.parse_args()
    from ocrplug.pipeline import Pipeline

    parts = args.parts.split(",")
    if "glyphs" in parts:
        glyphs()
    pages = (box_pages(args.pages, args.seed) if "boxes" in parts else []) + ([letter_page()] if "letters" in parts else [])
    pages += [bare_page(args.seed)] if "bare" in parts else []
    pages += scanned_pages(args.pages, args.seed) if "scanned" in parts else []
    for preset in [p for p in args.presets.split(",") if p and set(parts) - {"glyphs"}]:
        pipe = Pipeline.from_preset(preset, ["renderers=[]", "layout.empty_checkboxes=write"])
        found: Counter[str] = Counter()
        right: Counter[str] = Counter()
        total: Counter[str] = Counter()
        kinds: Counter[str] = Counter()
        false = letters = letters_right = 0
        bare: Counter[str] = Counter()
        for page in pages:
            image = ImageOps.invert(page.image.convert("RGB")) if args.dark else page.image
            result = pipe.run(image).pages[0]
            words = [(w.text or "", w.bbox) for w in result.words]
            boxed = [w for w in words if w[0] in (EMPTY, TICKED)]
            for (x0, y0, x1, y1, state), mark in zip(page.boxes, page.marks or ["none"] * len(page.boxes), strict=True):
                want = TICKED if state == "ticked" else EMPTY
                on = [w[0] for w in boxed if _on(w, (x0, y0, x1, y1), 0.25 * (x1 - x0))]
                total[state] += 1
                found[state] += bool(on)
                right[state] += on == [want]
                if on != [want] and args.show:
                    print(f"    {preset} {page.name} box {x1 - x0} px at {x0},{y0} {state} ({mark}): {on}")
            for w in boxed:
                if not any(_on(w, b[:4], 0.25 * (b[2] - b[0])) for b in page.boxes):
                    false += 1
                    kinds[w[0]] += 1
                    if args.show:
                        print(f"    {preset} {page.name} false {w[0]} at {[round(v) for v in w[1]]}")
            for x0, y0, x1, y1, text in page.spots:
                on = " ".join(w[0] for w in words if _on(w, (x0, y0, x1, y1), 0.1 * (x1 - x0)))
                if text == "\u2713":
                    bare[on or "(nothing)"] += 1
                else:
                    letters += 1
                    letters_right += on == text
        print(f"{preset:8s} boxes found/right: ticked {found['ticked']}/{right['ticked']} of {total['ticked']}, "
              f"empty {found['empty']}/{right['empty']} of {total['empty']}; false checkboxes {false} {dict(kinds)}; "
              f"answer letters read right {letters_right}/{letters}; bare ticks read {dict(bare.most_common())}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
