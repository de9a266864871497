"""Layout normalization shared by the renderers: any region tree becomes blocks of lines of words."""

from __future__ import annotations

import numpy as np
import pytest
from ocrplug_render.common import line_words, page_layout, xml_safe

from ocrplug.layout import LayoutOptions, is_rtl, layout_page
from ocrplug.model import Page, Region

from .samples import rotated_quad, words_line


def _page(*regions: Region) -> Page:
    return Page(index=0, width=1000, height=1000, source="x", regions=regions)


def test_block_keeps_its_lines_and_loose_words_become_lines() -> None:
    block = Region.from_box(0, 0, 500, 100, level="block",
                            children=(words_line(["a", "b"], 10, 10), words_line(["c"], 10, 40)))
    loose = (Region.from_box(10, 200, 40, 220, text="d"), Region.from_box(50, 202, 80, 222, text="e"),
             Region.from_box(10, 240, 40, 260, text="f"))
    blocks = page_layout(_page(block, *loose))
    assert [[ln.text for ln in b.lines] for b in blocks] == [["a b", "c"], ["d e", "f"]]
    # The block keeps its place and bounds; the loose words get a block of their own from the layout.
    assert blocks[0].region is not None and blocks[0].region.quad == block.quad
    assert blocks[1].region is not None and blocks[1].region.level == "block"


def test_rotated_loose_words_group_along_their_direction() -> None:
    # Three words along a 30-degree line, then one word far below.
    words = []
    for k in range(3):
        cx = 200 + k * 60 * np.cos(np.radians(30))
        cy = 300 - k * 60 * np.sin(np.radians(30))
        words.append(Region(quad=rotated_quad(cx, cy, 50, 20, 30), text=f"w{k}"))
    words.append(Region.from_box(100, 600, 150, 620, text="below"))
    blocks = page_layout(layout_page(_page(*words), LayoutOptions(paragraph_gap=0)))
    assert [ln.text for b in blocks for ln in b.lines] == ["w0 w1 w2", "below"]


def test_paragraph_gap_splits_top_level_lines() -> None:
    lines = (words_line(["one"], 10, 10), words_line(["two"], 10, 35), words_line(["three"], 10, 200))
    assert [b.text for b in page_layout(_page(*lines))] == ["one\ntwo", "three"]
    assert [b.text for b in page_layout(layout_page(_page(*lines), LayoutOptions(paragraph_gap=0)))] == ["one\ntwo\nthree"]


def test_line_words_cut_in_proportion_along_the_quad() -> None:
    line = Region(quad=((0, 0), (100, 0), (100, 10), (0, 10)), level="line", text="ab cdefg", confidence=0.5)
    words = line_words(line)
    assert [w.text for w in words] == ["ab", "cdefg"]
    assert words[0].bbox == pytest.approx((0, 0, 25, 10))
    assert words[1].bbox == pytest.approx((37.5, 0, 100, 10))
    assert all(w.confidence == 0.5 and w.attributes["synthetic"] for w in words)
    rtl = line_words(line.with_(text="אב גדהוז"))
    assert rtl[0].bbox == pytest.approx((75, 0, 100, 10))  # the first word is on the right
    assert line_words(line.with_(text=None)) == [] and line_words(line.with_(text="  ")) == []


def test_textless_regions_and_helpers() -> None:
    bare = Region.from_box(5, 5, 50, 20, level="line")
    blocks = page_layout(_page(bare))
    assert blocks[0].lines[0].text == "" and blocks[0].lines[0].words == []
    assert is_rtl("مرحبا") and is_rtl("123 שלום") and not is_rtl("abc שלום")
    assert xml_safe("a\x00b\x0cc\td") == "abc\td"
