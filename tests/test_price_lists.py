"""Issue 24 (T11's fault 8): a two-column menu is read column one, then column two; tables stay rows.

T11's restaurant menu (a heading and dish / price rows in each of two columns) was read row by row
across both columns in all presets (``Minestrone soup 7 Diavola 11.50``): the cut between the columns
looked like a table's (a dish and its price on each side, rows paired). The pages are
``benchmarks/price_lists.py``'s (text boxes from the fonts, laid out by ``ocrplug.layout``): menus in
four fonts and three sizes, and the statements and timetables that must still be read row by row.
"""

from __future__ import annotations

import random

import pytest
from PIL import ImageFont

from ocrplug.layout import layout_regions
from tests.conftest import load_benchmark

price_lists = load_benchmark("price_lists")


def _read(regions: list) -> list[str]:
    return [ln.text or "" for b in layout_regions(regions) for ln in b.children]


@pytest.mark.parametrize("font_path", price_lists.FONTS)
@pytest.mark.parametrize("size", [18, 24, 30])
@pytest.mark.parametrize("sections", [1, 2])
def test_two_column_menu_is_read_column_by_column(font_path: str, size: int, sections: int) -> None:
    rng = random.Random(size * 10 + sections)
    regions, expected = price_lists.menu(rng, ImageFont.truetype(font_path, size), size, sections, gutter=4.0)
    assert _read(regions) == expected


@pytest.mark.parametrize("font_path", price_lists.FONTS)
@pytest.mark.parametrize("kind", ["statement", "timetable"])
def test_tables_are_still_read_row_by_row(font_path: str, kind: str) -> None:
    rng = random.Random(7)
    for size in (16, 22, 30):
        regions, expected = getattr(price_lists, kind)(rng, ImageFont.truetype(font_path, size), size)
        assert _read(regions) == expected
