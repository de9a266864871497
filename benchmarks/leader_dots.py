"""Dotted fill-in lines, contents leaders and song sheets: words read right and junk words, rules off -> on.

Issue 24 (S16): ``fast`` read T15's ``dotted_form.png`` ``Address: .. .22 Elm Grove`` (leader dots read as
stops) and its ``songsheet.png`` note heads as ``C``, ``Q 0 0 2 2``, ``2``. This draws pages of the kinds:

- ``form``: label and handwritten-style answer on a dotted fill-in line (dots 1-3 px, pitch 5-12 px,
  the answer 0-40 px after the line's start, 6 fonts at 100-150 dpi); answers hold real stops that must
  stay (``.22 calibre``, ``3.50``, ``J. R. R. Tolkien``, ``wait...``, ``No. 7``);
- ``toc``: contents lines ``Title ........ 12`` with leaders of ``.`` characters, in several fonts;
- ``song``: staves (5 rules, pitch 10-20 px) with note heads and stems, lyrics under each staff, a
  chord name above some notes; and ``table``: ruled tables of 4-6 equally spaced rows (must stay read).

and reads each page with the preset twice: the rules off (``before``: :func:`ocrplug.leaders.drop_leader_dots`
and :func:`ocrplug.fills.off_staves` replaced by no-ops) and on (``after``). Prints per kind the truth
words read right (bags of words, case kept; a truth word made of stops only is left out), the junk
words (read words in no truth bag) and the stops-only words read, then each page whose reading changed.

With ``--sweep`` nothing is read: the leader dots found on the form and contents pages against the dots
drawn (and the text components taken for leader dots) for candidate constants of :mod:`ocrplug.leaders`,
and the staves found on the song and table pages.

    PYTHONPATH=.:plugins python benchmarks/leader_dots.py [--preset fast] [--kinds form,toc,song,table] [--sweep]
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter

import numpy as np
from drawn_pages import canvas, font
from PIL import ImageDraw

LABELS = ["Full name:", "Address:", "Telephone:", "Date:", "Calibre:", "Price:", "Author:", "Note:", "Ref:"]
ANSWERS = ["Oliver Bennett", "22 Elm Grove, Bristol", "0117 496 0812", "17/08/1991", ".22 calibre rifle",
           "3.50 each", "J. R. R. Tolkien", "wait... and see", "No. 7 Mill Lane", "Dr. A. Smith"]
FORM_FONTS = [("libsans", "comic", 12), ("dejavu", "p052i", 11), ("notoserif", "comic", 12),
              ("nimbussans", "sansi", 13), ("libserif", "gothic", 12), ("c059", "comic", 14)]
TOC = ["Introduction", "Avian genus named in his honour", "Species of birds", "Chronological catalogue",
       "Index of names", "A note on sources", "Maps and plates"]
LYRICS = ["Down by the roll- ing riv- er", "where the wil- lows bend so low", "sing a song of sail- ing",
          "home a- gain at last to- night"]


#: ``--sweep``: a second drawing of each page's leader dots alone (set while a page is drawn).
MASK: list = []


def dotted(d: ImageDraw.ImageDraw, x0: float, x1: float, y: float, size: int, pitch: float) -> None:
    """A dotted fill-in line of square dots ``size`` px, ``pitch`` px apart, from ``x0`` to ``x1`` on ``y``."""
    x = x0
    while x + size <= x1:
        for g in (d, *MASK):
            g.ellipse((x, y - size, x + size, y), fill=0) if size > 1 else g.point((x, y), fill=0)
        x += pitch


def form_page(k: int, rng: random.Random) -> tuple[np.ndarray, int, list[str]]:
    lab_f, ans_f, pt = FORM_FONTS[k % len(FORM_FONTS)]
    dpi = (100, 120, 150)[k % 3]
    img, d = canvas(dpi, 8.5, 7)
    lf, af = font(lab_f, pt, dpi), font(ans_f, pt + 2, dpi)
    truth = []
    y = dpi * 0.8
    size, pitch = 1 + k % 3, 5 + (k * 3) % 8
    for i in range(6):
        label = LABELS[(k + i) % len(LABELS)]
        answer = ANSWERS[(k * 2 + i) % len(ANSWERS)]
        x = dpi * 0.6
        d.text((x, y), label, font=lf, fill=0, anchor="ls")
        x0 = x + d.textlength(label, font=lf) + dpi * 0.12
        dotted(d, x0, img.width - dpi * 0.5, y + 2, size, pitch)
        d.text((x0 + rng.randint(0, 40), y - 2), answer, font=af, fill=40, anchor="ls")
        truth.append(f"{label} {answer}")
        y += dpi * 0.9
    return np.asarray(img.convert("RGB")), dpi, truth


def toc_page(k: int, rng: random.Random) -> tuple[np.ndarray, int, list[str]]:
    name, pt = FORM_FONTS[k % len(FORM_FONTS)][0], 11 + k % 4
    dpi = (100, 150)[k % 2]
    img, d = canvas(dpi, 7, 6)
    f = font(name, pt, dpi)
    truth = ["Contents"]
    d.text((dpi * 0.6, dpi * 0.7), "Contents", font=f, fill=0, anchor="ls")
    y, page = dpi * 1.2, 1 + k
    for title in TOC:
        d.text((dpi * 0.6, y), title, font=f, fill=0, anchor="ls")
        num = str(page)
        right = img.width - dpi * 0.6
        d.text((right, y), num, font=f, fill=0, anchor="rs")
        x = dpi * 0.6 + d.textlength(title, font=f) + 6
        stop = right - d.textlength(num, font=f) - 6
        dots = "." * int((stop - x) / d.textlength(". ", font=f))
        for g in (d, *MASK):
            g.text((x, y), " ".join(dots), font=f, fill=0, anchor="ls") if dots else None
        truth.append(f"{title} {num}")
        y += dpi * 0.55
        page += rng.randint(2, 14)
    return np.asarray(img.convert("RGB")), dpi, truth


def song_page(k: int, rng: random.Random) -> tuple[np.ndarray, int, list[str]]:
    dpi = 100
    img, d = canvas(dpi, 14, 7)
    name, pt = ("libsans", "libserif", "dejavu", "notoserif")[k % 4], 16 + 2 * (k % 3)
    f, title_f = font(name, pt, dpi), font("libserif", 28, dpi)
    pitch = 10 + (k * 3) % 11
    truth = ["The Rolling River"]
    d.text((img.width / 2, 70), "The Rolling River", font=title_f, fill=0, anchor="ms")
    top = 150
    for s in range(2):
        lines = [top + i * pitch for i in range(5)]
        for ly in lines:
            d.line((60, ly, img.width - 60, ly), fill=0, width=1 + k % 2)
        words = LYRICS[(k + s) % len(LYRICS)].split()
        step = (img.width - 260) / len(words)
        for i, w in enumerate(words):
            x = 150 + i * step
            hy = lines[4] - rng.randint(0, 8) * pitch / 2
            d.ellipse((x - pitch * 0.65, hy - pitch * 0.45, x + pitch * 0.65, hy + pitch * 0.45), fill=0)
            d.line((x + pitch * 0.6, hy, x + pitch * 0.6, hy - 3.5 * pitch), fill=0, width=2)
            d.text((x - pitch * 0.6, lines[4] + 2.2 * pitch + pt), w, font=f, fill=0, anchor="ls")
            if k % 2 and i % 3 == 0:
                chord = ("G", "C", "D7", "Am")[i % 4]
                d.text((x, lines[0] - 4.5 * pitch), chord, font=f, fill=0, anchor="ls")
                truth.append(chord)
        truth.append(" ".join(words))
        top += 260
    return np.asarray(img.convert("RGB")), dpi, truth


def table_page(k: int, rng: random.Random) -> tuple[np.ndarray, int, list[str]]:
    dpi = 100 + 25 * (k % 3)
    img, d = canvas(dpi, 8, 5)
    f = font(("libsans", "dejavu", "libserif", "nimbussans")[k % 4], 10 + k % 3, dpi)
    rows = 4 + k % 3
    pitch = f.size * (1.3 + 0.2 * (k % 3))
    truth = []
    y0 = dpi * 0.6
    for r in range(rows + 1):
        d.line((dpi * 0.5, y0 + r * pitch, img.width - dpi * 0.5, y0 + r * pitch), fill=0, width=1)
    for r in range(rows):
        cells = [f"Item {r + 1}", ("apples", "pears", "plums", "figs", "dates", "limes")[r], f"{rng.randint(1, 99)}.50"]
        for c, cell in enumerate(cells):
            d.text((dpi * 0.6 + c * dpi * 2.2, y0 + (r + 0.5) * pitch), cell, font=f, fill=0, anchor="lm")
        truth.append(" ".join(cells))
    return np.asarray(img.convert("RGB")), dpi, truth


KINDS = {"form": (form_page, 12), "toc": (toc_page, 6), "song": (song_page, 8), "table": (table_page, 6)}


def stops_only(w: str) -> bool:
    return bool(w) and not w.strip(".·…")


def sweep() -> int:
    """No reading: the leader dots :func:`ocrplug.leaders.leader_dots` finds on the form and contents pages
    against the dots drawn, and the staves :func:`ocrplug.fills.staves` finds on every kind, per candidate
    constants (the text height: the font's pixel size times 1.2, about a line box's short side)."""
    import itertools

    import cv2
    from PIL import Image

    import ocrplug.leaders as leaders
    from ocrplug.crops import paper_ink
    from ocrplug.fills import staves

    pages = []
    for kind in ("form", "toc"):
        make, n = KINDS[kind]
        for k in range(n):
            arr, dpi, _ = make(k, random.Random(k))
            mask = Image.new("L", (arr.shape[1], arr.shape[0]), 255)
            MASK[:] = [ImageDraw.Draw(mask)]
            arr, dpi, _ = make(k, random.Random(k))
            MASK.clear()
            pt = FORM_FONTS[k % len(FORM_FONTS)][2] if kind == "form" else 11 + k % 4
            ink = paper_ink(cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY))
            pages.append((f"{kind}{k}", ink, np.asarray(mask) < 128, pt * dpi / 72 * 1.2))
    print("| DOT_SIZE | DOT_PITCH | LEADER_DOTS | PITCH_EVEN | drawn leader dots | found | text components taken |")
    print("|---|---|---|---|---|---|---|")
    for size, pitch, least, even in itertools.product((0.2, 0.3, 0.4), (0.8, 1.2, 1.6), (4, 5, 6), (0.2, 0.35, 0.5)):
        leaders.DOT_SIZE, leaders.DOT_PITCH, leaders.LEADER_DOTS, leaders.PITCH_EVEN = size, pitch, least, even
        drawn = found = wrong = 0
        for _, ink, mask, height in pages:
            stats, _, leader = leaders.leader_dots(ink, height)
            cx = (stats[:, 0] + stats[:, 2] // 2).clip(0, ink.shape[1] - 1)
            cy = (stats[:, 1] + stats[:, 3] // 2).clip(0, ink.shape[0] - 1)
            on_mask = mask[cy, cx]
            on_mask[0] = False
            drawn += int(on_mask.sum())
            found += int((leader & on_mask).sum())
            wrong += int((leader & ~on_mask).sum())
        print(f"| {size} | {pitch} | {least} | {even} | {drawn} | {found} | {wrong} |", flush=True)
    for kind in ("song", "table"):
        make, n = KINDS[kind]
        got = [len(staves(paper_ink(cv2.cvtColor(make(k, random.Random(k))[0], cv2.COLOR_RGB2GRAY)))) for k in range(n)]
        print(f"staves found on the {kind} pages: {got}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preset", default="fast")
    ap.add_argument("--kinds", default="form,toc,song,table")
    ap.add_argument("--sweep", action="store_true", help="no reading: leader dots and staves found, per candidate")
    args = ap.parse_args()
    if args.sweep:
        return sweep()

    import ocrplug.processing as processing
    from ocrplug.model import PageImage
    from ocrplug.pipeline import Pipeline

    pipeline = Pipeline.from_preset(args.preset)
    pipeline.build()
    rules = (processing.drop_leader_dots, processing.off_staves)
    print(f"preset {args.preset}")
    print("| kind | pages | truth words | right before | right after | junk before | junk after | stops-only before | after |")
    print("|---|---|---|---|---|---|---|---|---|")
    for kind in args.kinds.split(","):
        make, n = KINDS[kind]
        tot = Counter()
        for k in range(n):
            arr, dpi, truth = make(k, random.Random(k))
            bag = Counter(w for t in truth for w in t.split() if not stops_only(w))
            texts = []
            for on in (False, True):
                processing.drop_leader_dots = rules[0] if on else (lambda gray, lines: list(lines))
                processing.off_staves = rules[1] if on else (lambda gray, units: list(units))
                page = pipeline.process_page(PageImage(image=arr, index=0, source=f"{kind}{k}", dpi=dpi))
                words = page.text.split()
                got = Counter(words)
                tag = "after" if on else "before"
                tot["truth"] += sum(bag.values()) if on else 0
                tot[f"right {tag}"] += sum((got & bag).values())
                tot[f"junk {tag}"] += sum((got - bag).values())
                tot[f"stops {tag}"] += sum(1 for w in words if stops_only(w))
                texts.append(page.text)
            if texts[0] != texts[1]:
                print(f"{kind}{k}: {' | '.join(texts[0].split(chr(10)))!r}\n  -> {' | '.join(texts[1].split(chr(10)))!r}",
                      file=sys.stderr)
        print(f"| {kind} | {n} | {tot['truth']} | {tot['right before']} | {tot['right after']} | {tot['junk before']} | "
              f"{tot['junk after']} | {tot['stops before']} | {tot['stops after']} |", flush=True)
    processing.drop_leader_dots, processing.off_staves = rules
    return 0


if __name__ == "__main__":
    sys.exit(main())
