"""A short ``db`` region over no ink of a paper page is dropped (issue 24, L14: T13's thermal receipt, where the
map's blob in the word space between ``APPLES`` and ``1.2KG``, an 11 x 6 px box kept at 0.61 by the
lone-character rule, was read ``1``)."""

from __future__ import annotations

import numpy as np
import pytest
from ocrplug_db.detector import BLANK_ASPECT, _short_and_blank
from PIL import Image, ImageDraw, ImageFont

from ocrplug.api import Region, paper_ink


def _receipt() -> tuple[np.ndarray, tuple[int, int, int, int], tuple[int, int, int, int]]:
    """A receipt line ``APPLES 1.2KG`` (DejaVu Sans Mono 16 px) on grainy paper (levels 225-255), the box of
    the space between the words and the box of the ``1``."""
    try:
        mono = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 16)
    except OSError:
        pytest.skip("DejaVu Sans Mono is not installed")
    rng = np.random.default_rng(14)
    img = Image.fromarray(rng.integers(225, 256, (120, 300)).astype(np.uint8))
    d = ImageDraw.Draw(img)
    for x, y, text in ((20, 20, "MILK 1L"), (20, 50, "APPLES"), (20 + 7 * 10, 50, "1.2KG"), (20, 80, "TOTAL")):
        d.text((x, y), text, font=mono, fill=40)
    apples = d.textbbox((20, 50), "APPLES", font=mono)
    one = d.textbbox((90, 50), "1", font=mono)
    space = (apples[2] + 1, one[1] + 3, one[0] - 1, one[3] - 3)
    return np.asarray(img), space, one


def _region(box: tuple[int, int, int, int]) -> Region:
    x0, y0, x1, y1 = box
    return Region(quad=np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float64), level="line")


def test_a_short_region_over_a_word_space_is_blank_and_one_over_a_glyph_is_not() -> None:
    gray, space, one = _receipt()
    ink = paper_ink(gray)
    assert ink is not None
    assert _short_and_blank(_region(space), ink)
    assert not _short_and_blank(_region(one), ink)
    # A long region (a line of faint text lighter than the page's threshold) is never dropped by this rule,
    # and nothing is on a page that is no text on paper.
    x0, y0, _, y1 = space
    assert not _short_and_blank(_region((x0, y0, x0 + round(BLANK_ASPECT * (y1 - y0)) + 4, y1)), np.zeros_like(ink))
    assert not _short_and_blank(_region(space), None)
