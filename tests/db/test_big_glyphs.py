"""A big lone glyph the map fades on is looked for again on a shrunk page (issue 24, D16: T15's price tag,
whose 300 px ``4`` had no region with ``fast`` and ``swift`` and was read ``£ 99``)."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from ocrplug_db.detector import _big_glyphs

from ocrplug.api import PageImage, Region
from tests.db.conftest import held

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


@pytest.fixture(scope="module")
def detector(fast_detector):
    return fast_detector


@pytest.mark.parametrize("name", ["tag02_nimbussansb_250", "alone03_narrowb_300", "alone05_libsansb_400"])
def test_a_big_digit_on_a_sparse_page_gets_a_region(detector, name: str) -> None:
    try:
        from big_glyphs import make_pages
        pages = {p.name: p for p in make_pages({"tag", "alone"})}
    except OSError:
        pytest.skip("the drawn pages' fonts are not installed")
    page = pages[name]
    regions = detector.detect(PageImage(image=page.image, index=0, source=name))
    for _, box in page.glyphs:
        assert held(regions, box), f"{name}: no region on the big glyph {box}"
    # Every drawn text keeps its region, and no region lies off the drawn text.
    for box in page.texts:
        assert held(regions, box)


def test_only_big_solid_glyph_shapes_are_looked_at_again() -> None:
    ink = np.zeros((600, 900), np.uint8)
    ink[100:400, 100:300] = 1  # a solid block shaped like a glyph (the look finds nothing there if no text)
    ink[100:400, 500:800] = 0
    ink[100:102, 500:800] = ink[398:400, 500:800] = ink[100:400, 500:502] = ink[100:400, 798:800] = 1  # a frame
    ink[450:470, 100:400] = 1  # a text line, found
    line = Region(quad=np.array([[100, 450], [400, 450], [400, 470], [100, 470]], float), level="line")
    assert _big_glyphs(ink, [line], 1.0, 150) == [(100, 100, 300, 400)]
    assert _big_glyphs(ink, [line], 0.4, 150) == []  # 120 px at the input: the map sees it at its size
    assert _big_glyphs(ink, [line], 1.0, 0) == []  # option off
    assert _big_glyphs(None, [line], 1.0, 150) == []  # no paper page
