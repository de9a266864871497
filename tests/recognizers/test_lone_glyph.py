"""A lone glyph in a tall narrow box is never turned (issue 24: the ``I`` of ``Class I`` read as ``一``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug.crops import CropOptions, crop_regions, is_lone_glyph
from ocrplug.model import Region

FONTS = [Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"), Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")]


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    if not path.exists():
        pytest.skip(f"{path} not found (fonts-dejavu-core)")
    return ImageFont.truetype(str(path), size)


def _ink_box(text: str, font: ImageFont.FreeTypeFont, turn: bool = False) -> tuple[np.ndarray, tuple]:
    """A page with ``text`` on it (turned by 90 degrees when ``turn``) and the box of its ink, padded a little."""
    pad = 1 + font.size // 16
    img = Image.new("L", (60 + font.size * (len(text) + 2), 60 + 2 * font.size), 255)
    ImageDraw.Draw(img).text((30, 30), text, font=font, fill=0)
    if turn:
        img = img.rotate(90, expand=True, fillcolor=255)
    page = np.asarray(img)
    ys, xs = np.nonzero(page < 128)
    box = (xs.min() - pad, ys.min() - pad, xs.max() + 1 + pad, ys.max() + 1 + pad)
    return np.stack([page] * 3, axis=-1), box


@pytest.mark.parametrize("font", FONTS, ids=["sans", "serif"])
@pytest.mark.parametrize("size", [14, 24, 40, 64])
@pytest.mark.parametrize("glyph", ["I", "l", "1", "|", "i", "!"])
def test_a_lone_thin_glyph_is_one_glyph_and_stays_upright(glyph: str, size: int, font: Path) -> None:
    page, (x0, y0, x1, y1) = _ink_box(glyph, _font(font, size))
    assert is_lone_glyph(page[y0:y1, x0:x1])

    def turned_wins(images: list[np.ndarray]) -> list[float]:  # a reader that prefers every turned crop
        return [1.0 if im.shape[1] > im.shape[0] else 0.5 for im in images]

    # The region is the glyph's column, at least twice as tall as wide (a candidate for turning).
    x1 = max(x1, x0 + 1)
    y1 = max(y1, y0 + 2 * (x1 - x0))
    region = Region.from_box(x0, y0, x1, y1, level="line")
    crop = crop_regions(page, [region], CropOptions(margin=0.0), scorer=turned_wins)[0]
    assert crop.rotation == 0


@pytest.mark.parametrize("text", ["LABEL", "2026", "Draft", "CONFIDENTIAL", "ii", "1 I"])
def test_turned_text_of_two_or_more_characters_is_not_one_glyph(text: str) -> None:
    page, (x0, y0, x1, y1) = _ink_box(text, _font(FONTS[0], 24), turn=True)
    assert not is_lone_glyph(page[y0:y1, x0:x1])
    region = Region.from_box(x0, y0, x1, y1, level="line")
    if y1 - y0 > 1.5 * (x1 - x0):  # tall enough to be vertical text: turned as before
        assert crop_regions(page, [region], CropOptions(margin=0.0))[0].rotation == 90


def test_a_crop_without_ink_is_not_one_glyph() -> None:
    assert not is_lone_glyph(np.full((40, 10), 250, np.uint8))
