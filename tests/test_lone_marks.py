"""Marks of a line and list bullets are no lone glyphs (issue 24, L15: T14's ``legal_mono_caps.png``, whose
commas after ``ASSIGN`` and ``CONSENT`` were found alone and read ``1``, and ``lists.png``, whose bullets were
found alone and read ``●`` beside the bullet step's ``•``): :func:`ocrplug.api.find_lone_glyphs` leaves out a
mark in its row's lower or upper band and a solid disc left of its row's words, and still finds a lone
``x`` or ``1`` right of its label."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug.api import find_lone_glyphs

MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _font(path: str, px: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, px)
    except OSError:
        pytest.skip(f"{path} is not installed")


def _quad(box: tuple[float, float, float, float], pad: float = 2) -> list[list[float]]:
    x0, y0, x1, y1 = box
    return [[x0 - pad, y0 - pad], [x1 + pad, y0 - pad], [x1 + pad, y1 + pad], [x0 - pad, y1 + pad]]


def _line(d: ImageDraw.ImageDraw, font: ImageFont.FreeTypeFont, y: int, words: list[str]) -> list:
    """Draws ``words`` on a row at ``y``; returns the boxes of their letters (punctuation outside the boxes, as
    a detector that boxed the letters only)."""
    quads, x = [], 40
    for word in words:
        d.text((x, y), word, font=font, fill=0)
        letters = word.strip(',."')
        start = word.index(letters[0]) if letters else 0
        lx = x + d.textlength(word[:start], font=font)
        box = d.textbbox((lx, y), letters, font=font)
        quads.append(_quad(box))
        x = round(x + d.textlength(word + " ", font=font))
    return quads


def _page(lines: list[list[str]], path: str = MONO, px: int = 32) -> tuple[np.ndarray, np.ndarray]:
    img = Image.new("L", (1200, 80 + 48 * len(lines)), 255)
    d = ImageDraw.Draw(img)
    quads = [q for i, words in enumerate(lines) for q in _line(d, _font(path, px), 40 + 48 * i, words)]
    return np.asarray(img), np.array(quads, dtype=np.float64)


def test_a_comma_after_a_capitals_word_is_no_lone_glyph() -> None:
    gray, words = _page([["THE", "LESSEE", "SHALL", "NOT", "ASSIGN,", "SUBLET", "OR", "PART"],
                         ["WITHOUT", "PRIOR", "WRITTEN", "CONSENT,"], ["SUCH", "CONSENT", "NOT", "TO", "BE"]])
    assert find_lone_glyphs(gray, words) == []


def test_a_quote_mark_at_cap_height_is_no_lone_glyph() -> None:
    gray, words = _page([["LIMITED", "(THE", '"LESSOR")', "AND", "J.", "R.", "PATEL"],
                         ["THE", "LESSOR", "HEREBY", "LETS", "THE", "PREMISES"], ["UNIT", "7,", "CANAL", "WHARF"]])
    assert find_lone_glyphs(gray, words) == []


def test_a_bullet_left_of_its_item_is_left_to_the_bullet_step() -> None:
    img = Image.new("L", (900, 300), 255)
    d = ImageDraw.Draw(img)
    font = _font(SANS, 28)
    quads = []
    for i, item in enumerate(["Passport, tickets and a copy", "Chargers for the phone", "Rain jacket and boots"]):
        y = 40 + 60 * i
        d.ellipse((60, y + 12, 70, y + 22), fill=0)  # a 10 px disc, a third of the text's height
        box = d.textbbox((100, y), item, font=font)
        d.text((100, y), item, font=font, fill=0)
        quads.append(_quad(box))
    assert find_lone_glyphs(np.asarray(img), np.array(quads, dtype=np.float64)) == []


@pytest.mark.parametrize("answer", ["x", "1", "c", "y", "0"])
def test_a_lone_answer_right_of_a_capitals_label_is_still_found(answer: str) -> None:
    img = Image.new("L", (900, 260), 255)
    d = ImageDraw.Draw(img)
    font = _font(SANS, 28)
    quads, target = [], None
    for i, label in enumerate(["QUANTITY:", "CLASS:", "MARK:"]):
        y = 40 + 64 * i
        box = d.textbbox((40, y), label, font=font)
        d.text((40, y), label, font=font, fill=0)
        quads.append(_quad(box))
        if i == 1:
            d.text((600, y), answer, font=font, fill=0)
            target = d.textbbox((600, y), answer, font=font)
    cx, cy = (target[0] + target[2]) / 2, (target[1] + target[3]) / 2
    found = find_lone_glyphs(np.asarray(img), np.array(quads, dtype=np.float64))
    assert any(b[:, 0].min() <= cx <= b[:, 0].max() and b[:, 1].min() <= cy <= b[:, 1].max() for b in found)
