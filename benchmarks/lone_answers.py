"""Pages of one-character answers (issue 24, last faults): a deterministic generator and how each preset reads them.

usage: python benchmarks/lone_answers.py [--presets fast,accurate,swift] [--set KEY=VALUE ...]

:func:`make_pages` draws small pages (PIL, DejaVu Sans and Serif from ``fonts-dejavu-core``): labels
(``Quantity``, ``Class``, ``Mark``, ``Page``, ``Qty``) with a one-character answer (``0``, ``1``, ``7``,
``I``, ``l``, ``x``, ``y``) far right of the label, and the same answers in the cells of a ruled table,
at type sizes of 10-12 pt scanned at 150-300 dpi (21-50 px); and two label pages in Liberation Sans
and Serif (``fonts-liberation``) with ``X`` and ``%`` among the answers. Nothing is random: the same pages every
run. tests/test_lone_answers.py asserts that each preset reads every answer; this script prints, per
preset and page, each answer and what was read on its place (a word whose centre lies in the answer's
box grown by half its height), and the count read right.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONTS = Path("/usr/share/fonts/truetype/dejavu")
SANS, SERIF = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSerif.ttf"
LIBERATION = Path("/usr/share/fonts/truetype/liberation")
LIB_SANS, LIB_SERIF = LIBERATION / "LiberationSans-Regular.ttf", LIBERATION / "LiberationSerif-Regular.ttf"
LABELS = ("Quantity", "Class", "Mark", "Page", "Qty", "Copies", "Grade")
ANSWERS = ("0", "1", "7", "I", "l", "x", "y")
#: The Liberation pages' labels (ascenders, capitals and x-height letters side by side) and answers
#: (capital ``X`` and ``%`` as well: a lone capital beside a word with ascenders, issue 24).
LIB_LABELS = ("Field", "Batch", "Hold", "Dept", "Kind", "Axis", "Width", "Grid", "Rate")
LIB_ANSWERS = ("X", "%", "0", "1", "7", "I", "x", "y", "l")


@dataclass(frozen=True)
class Answer:
    """One drawn answer: its text and its ink box (left, top, right, bottom; page pixels)."""

    text: str
    box: tuple[int, int, int, int]


@dataclass(frozen=True)
class LonePage:
    """A generated page: its name, the RGB image (H x W x 3 uint8) and the answers drawn on it."""

    name: str
    image: np.ndarray
    answers: tuple[Answer, ...]


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    if not path.exists():
        raise FileNotFoundError(f"{path} not found (install fonts-dejavu-core)")
    return ImageFont.truetype(str(path), size)


def _labels_page(name: str, font_path: Path, px: int, gap: float, labels: tuple[str, ...] = LABELS,
                 values: tuple[str, ...] = ANSWERS) -> LonePage:
    """Labels in a column, each answer ``gap`` text heights right of the longest label; rows 2.2 heights apart."""
    font = _font(font_path, px)
    width = round(px * (8 + gap + 4))
    step = round(2.2 * px)
    img = Image.new("RGB", (width, step * len(values) + 2 * px), "white")
    draw = ImageDraw.Draw(img)
    x_answer = round(px * (6 + gap))
    answers = []
    for i, (label, value) in enumerate(zip(labels, values, strict=False)):
        y = px + step * i
        draw.text((px, y), f"{label}:", font=font, fill="black")
        draw.text((x_answer, y), value, font=font, fill="black")
        answers.append(Answer(value, tuple(int(v) for v in draw.textbbox((x_answer, y), value, font=font))))
    return LonePage(name, np.asarray(img), tuple(answers))


def _table_page(name: str, font_path: Path, px: int) -> LonePage:
    """A ruled table (1-2 px rules): a header row ``Item | Qty | Mark`` and one one-character answer per cell."""
    font = _font(font_path, px)
    rule = max(1, px // 20)
    cols = (0, round(7 * px), round(11 * px), round(15 * px))
    row_h = round(1.9 * px)
    rows = len(ANSWERS) // 2 + 2
    x0, y0 = px, px
    img = Image.new("RGB", (cols[-1] + 2 * px, row_h * rows + 2 * px), "white")
    draw = ImageDraw.Draw(img)
    for r in range(rows + 1):
        draw.line([(x0, y0 + r * row_h), (x0 + cols[-1], y0 + r * row_h)], fill="black", width=rule)
    for c in cols:
        draw.line([(x0 + c, y0), (x0 + c, y0 + rows * row_h)], fill="black", width=rule)
    names = ("Item", "Qty", "Mark")
    for c, text in enumerate(names):
        draw.text((x0 + cols[c] + px // 2, y0 + (row_h - px) // 2), text, font=font, fill="black")
    answers = []
    items = ("Bolt", "Nut", "Washer", "Pin")
    for r in range(1, rows):
        draw.text((x0 + px // 2, y0 + r * row_h + (row_h - px) // 2), items[(r - 1) % len(items)], font=font,
                  fill="black")
        for c in (1, 2):
            k = (2 * (r - 1) + (c - 1)) % len(ANSWERS)
            value = ANSWERS[k]
            x = x0 + (cols[c] + cols[c + 1]) // 2 - px // 4
            y = y0 + r * row_h + (row_h - px) // 2
            draw.text((x, y), value, font=font, fill="black")
            answers.append(Answer(value, tuple(int(v) for v in draw.textbbox((x, y), value, font=font))))
    return LonePage(name, np.asarray(img), tuple(answers))


def make_pages() -> list[LonePage]:
    """The generated pages, in a fixed order: label pages (DejaVu Sans 150 and 300 dpi, DejaVu Serif 200 dpi),
    ruled tables (DejaVu Sans 200 dpi, Serif 150 dpi), and, where fonts-liberation is installed, label
    pages with the answers ``X`` and ``%`` too (Liberation Serif 12 pt at 200 dpi, Liberation Sans 10 pt
    at 250 dpi). Raises FileNotFoundError when the DejaVu fonts are missing."""
    pages = [
        _labels_page("labels_sans_150dpi", SANS, 25, 12),
        _labels_page("labels_sans_300dpi", SANS, 48, 10),
        _labels_page("labels_serif_200dpi", SERIF, 33, 14),
        _table_page("table_sans_200dpi", SANS, 33),
        _table_page("table_serif_150dpi", SERIF, 25),
    ]
    if LIB_SANS.exists() and LIB_SERIF.exists():
        pages += [
            _labels_page("labels_libserif_200dpi", LIB_SERIF, 33, 13, LIB_LABELS, LIB_ANSWERS),
            _labels_page("labels_libsans_250dpi", LIB_SANS, 35, 11, LIB_LABELS, LIB_ANSWERS),
        ]
    return pages


def read_answers(page: LonePage, words: list[tuple[str, tuple[float, float, float, float]]]) -> list[str]:
    """What was read on each answer's place: the words (``(text, bbox)``) whose centre lies in the answer's
    box grown by half its height on every side, joined by spaces ("" when none)."""
    out = []
    for answer in page.answers:
        left, top, right, bottom = answer.box
        grow = (bottom - top) / 2
        found = [
            text
            for text, (x0, y0, x1, y1) in words
            if left - grow <= (x0 + x1) / 2 <= right + grow and top - grow <= (y0 + y1) / 2 <= bottom + grow
        ]
        out.append(" ".join(found))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,accurate,swift")
    ap.add_argument("--set", action="append", default=[], help="config override KEY=VALUE (every preset)")
    args = ap.parse_args()
    from ocrplug.pipeline import Pipeline

    pages = make_pages()
    for preset in args.presets.split(","):
        pipe = Pipeline.from_preset(preset, ["renderers=[]", *args.set])
        right = total = 0
        for page in pages:
            result = pipe.run(page.image).pages[0]
            words = [(w.text or "", w.bbox) for w in result.words]
            read = read_answers(page, words)
            ok = [r == a.text for r, a in zip(read, page.answers, strict=True)]
            right += sum(ok)
            total += len(ok)
            shown = " ".join(f"{a.text}:{r or '-'}" + ("" if k else "!") for a, r, k in
                             zip(page.answers, read, ok, strict=True))
            print(f"{preset:8s} {page.name:22s} {shown}", flush=True)
        print(f"{preset}: {right}/{total} answers read right", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
