"""Lone glyphs: an LCD digit's straight sides are no ruling lines, and a 2D code's modules are no glyphs
(issue 24, D16: T15's ``meter7seg.png`` lost the ``8`` of ``0472918``; ``address_label.png`` read its
DataMatrix code's top modules ``■ ■`` at the end of the addressee's line)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from ocrplug.api import find_lone_glyphs, to_gray

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))


def _quad(box: tuple[float, float, float, float]) -> list[list[float]]:
    x0, y0, x1, y1 = box
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


def _holds(boxes: list[np.ndarray], box: tuple[float, float, float, float]) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(b[:, 0].min() <= cx <= b[:, 0].max() and b[:, 1].min() <= cy <= b[:, 1].max() for b in boxes)


@pytest.mark.parametrize("height", [100, 120, 140])
def test_an_lcd_digit_right_of_its_found_line_is_found(height: int) -> None:
    from segment_digits import DIGITS, _segments

    img = Image.new("L", (1100, 520), 205)
    d = ImageDraw.Draw(img)
    d.rectangle([40, 100, 1000, 100 + height + 80], fill=175, outline=0, width=3)
    w, t = round(height * 0.55), round(height * 0.11)
    pitch = round(w + height * 0.3)
    for k, ch in enumerate("04729"):
        for s in DIGITS[ch]:
            d.polygon(_segments(80 + k * pitch, 140, w, height, t, 0, 0.0)[s], fill=25)
    x8 = 80 + 5 * pitch
    for s in DIGITS["8"]:
        d.polygon(_segments(x8, 140, w, height, t, 0, 0.0)[s], fill=25)
    gray = np.asarray(img.filter(ImageFilter.GaussianBlur(0.8)))
    # The found lines: the reading up to its 9, and three lines of 30 px print (the rule length's measure).
    boxes = np.array([_quad((70, 130, 80 + 5 * pitch - round(height * 0.3) + 8, 150 + height)),
                      _quad((40, 30, 640, 60)), _quad((40, 340, 280, 372)), _quad((40, 400, 480, 432))], float)
    found = find_lone_glyphs(gray, boxes)
    assert _holds(found, (x8, 140, x8 + w, 140 + height)), "the 8 right of its line was not found"


def test_a_2d_codes_modules_are_no_lone_glyphs_and_a_lone_answer_still_is() -> None:
    try:
        from code_blocks import FACES, LINES, make_pages
        from drawn_pages import font
    except OSError:
        pytest.skip("the drawn pages' fonts are not installed")
    on_code = 0
    for i, (_, image, code, _) in enumerate(make_pages()):
        if i not in (6, 8, 10):  # the DataMatrix-like codes of 12-16 px modules: 13 lone modules before
            continue
        d = ImageDraw.Draw(Image.new("L", (10, 10)))
        y, boxes = 60, []
        for k, line in enumerate(LINES):
            f = font(FACES[i % 4], [18, 22, 28][i % 3] if k else 14, 96)
            boxes.append(_quad(d.textbbox((40, y), line, font=f)))
            y += round(f.size * 1.6)
        found = find_lone_glyphs(to_gray(image), np.array(boxes, float))
        x0, y0, x1, y1 = code
        on_code += sum(x0 <= b[:, 0].mean() <= x1 and y0 <= b[:, 1].mean() <= y1 for b in found)
    assert on_code == 0
    # A lone solid stroke (an ``I`` answer) right of its label on plain paper is still a glyph.
    img = Image.new("L", (900, 200), 255)
    d = ImageDraw.Draw(img)
    f = font("libsans", 20, 96)
    d.text((40, 80), "Class:", font=f, fill=0)
    label = d.textbbox((40, 80), "Class:", font=f)
    d.rectangle([500, label[1], 504, label[3]], fill=0)
    found = find_lone_glyphs(np.asarray(img), np.array([_quad(label)], float))
    assert _holds(found, (500, label[1], 505, label[3]))
