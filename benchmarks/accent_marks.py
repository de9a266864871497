"""Marks above the x-height that Tesseract's ``eng`` model does not write (issue 24, R15).

usage: python benchmarks/accent_marks.py [--fonts notosans,...] [--sizes 14,20,28,40] [--dot-size 1.6,...]
       [--read]

Tesseract's ``eng`` model has no ``á î Ü`` ...: ``swift``'s first reader writes ``Tomas`` for ``Tomás``,
``fraiche`` for ``fraîche``, ``Umit`` for ``Ümit`` with word confidence 0.92-0.97, over the cascade's
threshold, so PP-OCR (which writes them) never saw those lines (T13's ``phone_dark``, V13's ``carons``).
This draws lines (PIL, ``--fonts`` of ``drawn_pages.FONTS`` at ``--sizes`` pixels per em, nothing random)
of words with accents (``accent``) and of plain English with ``i j``, quotes, ``%`` and capitals
(``plain``), and prints, per ``--dot-size`` (:data:`ocrplug.cascade.DOT_SIZE`), how many lines
:func:`ocrplug.cascade.unwritten_marks` sends on: ``accent`` lines read as ``eng`` writes them (marks
stripped: they must go) and read right (they need not), ``plain`` lines read right (they need not go).
``--read`` runs the ``swift`` preset on each line's page, with the cascade's ``marks`` on and off, and
prints the words read right (bag per line) and the lines PP-OCR re-read. No shared data.
"""

from __future__ import annotations

import argparse
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "plugins"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from drawn_pages import FONTS  # noqa: E402

from ocrplug.model import Region  # noqa: E402

ACCENT_LINES = [
    "Tomás Ruiz sent the slides",
    "La crème fraîche est prête",
    "Ümit Çelik wohnt in Köln",
    "Mañana el niño está aquí",
    "Señor Pérez llegó tarde",
    "Zoë and Noël met at the café",
    "São João é à noite",
    "Koľko to stojí",
    "Dvořák píše Ánně",
    "Über die Brücke fährt er",
]
PLAIN_LINES = [
    "It's the boy's book, don't lose it",
    "The quick brown fox jumps over the lazy dog",
    "Invoice 2041: 15% off, 3° north",
    "JIMMY'S jelly jars in July",
    "Main St. \"Quoted\" item",
    "fifty fine finishes in jade",
    "Ill. fig. 12 in Vol. ii",
    "Reminder: cleaning Thursday 3 PM",
]


def plain(text: str) -> str:
    """``text`` with its combining marks dropped (NFD), as Tesseract's ``eng`` writes it: ``Tomás`` ``Tomas``."""
    return unicodedata.normalize("NFC", "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)))


def draw(text: str, font_path: str, px: int) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A white RGB page with ``text`` on one line (the font's own spaces), and each word's ink box."""
    font = ImageFont.truetype(font_path, px)
    img = Image.new("RGB", (80 + int(len(text) * px * 0.8), 4 * px), "white")
    d = ImageDraw.Draw(img)
    x, boxes, space = 30.0, [], d.textlength(" ", font=font)
    for word in text.split():
        d.text((x, 1.5 * px), word, font=font, fill="black")
        boxes.append(d.textbbox((x, 1.5 * px), word, font=font))
        x += d.textlength(word, font=font) + space
    return np.asarray(img), boxes


def line_region(boxes: list, words: list[str]) -> Region:
    """A line region over ``boxes`` (4 px around their union), read as ``words``."""
    children = tuple(Region.from_box(*b, level="word", text=t, confidence=0.95, order=k)
                     for k, (b, t) in enumerate(zip(boxes, words, strict=True)))
    x0, y0 = min(b[0] for b in boxes) - 4, min(b[1] for b in boxes) - 4
    x1, y1 = max(b[2] for b in boxes) + 4, max(b[3] for b in boxes) + 4
    return Region.from_box(x0, y0, x1, y1, level="line", text=" ".join(words), confidence=0.95, children=children)


def measure(fonts: list[str], sizes: list[int], dot_sizes: list[float]) -> None:
    """Lines sent on by :func:`unwritten_marks`, per dot size and kind."""
    from ocrplug.cascade import unwritten_marks
    from ocrplug.model import PageImage

    for ds in dot_sizes:
        sent: Counter = Counter()
        total: Counter = Counter()
        cpu = 0.0
        missed: list[str] = []
        wrong: list[str] = []
        for name in fonts:
            for px in sizes:
                for kind, lines in (("accent", ACCENT_LINES), ("plain", PLAIN_LINES)):
                    for text in lines:
                        image, boxes = draw(text, FONTS[name], px)
                        page = PageImage(image, 0, "marks")
                        readings = [("stripped", plain(text)), ("right", text)] if kind == "accent" else [("right", text)]
                        for how, reading in readings:
                            region = line_region(boxes, reading.split())
                            t0 = time.process_time()
                            n = unwritten_marks(page, region, dot_size=ds)
                            cpu += time.process_time() - t0
                            key = f"{kind} read {how}"
                            total[key] += 1
                            sent[key] += n > 0
                            if how == "stripped" and n == 0:
                                missed.append(f"{name}/{px}: {text}")
                            if how == "right" and n > 0:
                                wrong.append(f"{name}/{px}: {reading} ({n})")
        print(f"dot_size {ds}: " + ", ".join(f"{k} {sent[k]}/{total[k]} sent" for k in sorted(total))
              + f"; {1000 * cpu / sum(total.values()):.2f} CPU ms a line")
        for m in missed:
            print("   kept (stripped):", m)
        for m in wrong:
            print("   sent (right):", m)


def page_of(font_path: str, px: int) -> tuple[np.ndarray, list[str]]:
    """A white RGB page with every ``accent`` and ``plain`` line, one under another, and their words."""
    font = ImageFont.truetype(font_path, px)
    texts = ACCENT_LINES + PLAIN_LINES
    img = Image.new("RGB", (80 + int(max(map(len, texts)) * px * 0.7), int((len(texts) + 2) * px * 1.8)), "white")
    d = ImageDraw.Draw(img)
    for k, text in enumerate(texts):
        d.text((40, (k + 1) * px * 1.8), text, font=font, fill="black")
    return np.asarray(img), [w for t in texts for w in t.split()]


def read(fonts: list[str], sizes: list[int]) -> None:
    """The swift preset on one page per font and size, the cascade's ``marks`` off and on: words read
    right (bag per page; words with a mark above and the others apart) and lines PP-OCR re-read."""
    from ocrplug.pipeline import Pipeline

    for marks in ("false", "true"):
        pipe = Pipeline.from_preset("swift", ["renderers=[]", f"recognizer.options.marks={marks}"])
        right, total, again, lines = Counter(), Counter(), 0, 0
        for name in fonts:
            for px in sizes:
                image, want = page_of(FONTS[name], px)
                result = pipe.run(image).pages[0]
                got = Counter(w.text or "" for w in result.words)
                for kind, words in (("marked", [w for w in want if plain(w) != w]), ("other", [w for w in want if plain(w) == w])):
                    right[kind] += sum((Counter(words) & got).values())
                    total[kind] += len(words)
                again += sum("first_confidence" in ln.attributes for ln in result.lines)
                lines += len(result.lines)
        print(f"marks {marks}: " + ", ".join(f"{k} words right {right[k]}/{total[k]}" for k in sorted(total))
              + f"; lines re-read by PP-OCR {again}/{lines}", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fonts", default="notosans,notoserif,nimbusroman,nimbussansb,p052i,bookman,gothic,libsans,comic,nimbusmono")
    parser.add_argument("--sizes", default="14,20,28,40")
    parser.add_argument("--dot-size", default="1.6")
    parser.add_argument("--read", action="store_true")
    args = parser.parse_args()
    fonts = args.fonts.split(",")
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.read:
        read(fonts, sizes)
    else:
        measure(fonts, sizes, [float(v) for v in args.dot_size.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
