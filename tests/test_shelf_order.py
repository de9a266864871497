"""Issue 24 (T10 fault 4b): a shelf's spines are listed left to right, a page scanned sideways keeps its order.

A shelf whose titles read top to bottom is turned by 270 degrees as a whole, and the upright frame's
rows top to bottom are the spines right to left: ``THE SILENT HARBOR``, the leftmost spine, came last.
:func:`ocrplug.orientation.shelf_order` tells a shelf (rows of level lines standing apart, a title and
an author a row, or spines of both senses) from a page fed in sideways (its lines follow each other).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.model import Region
from ocrplug.orientation import shelf_order, shelf_rows
from ocrplug.presets import preset_config
from tests.test_mixed_spines import SPINES, shelf

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _block(*lines: tuple[float, float, float, float, str]) -> Region:
    kids = [Region.from_box(x0, y0, x1, y1, level="line").with_(text=t) for x0, y0, x1, y1, t in lines]
    return Region.from_box(
        min(x for x, *_ in lines), min(y for _, y, *_ in lines), max(lines[i][2] for i in range(len(lines))),
        max(lines[i][3] for i in range(len(lines))), level="block",
    ).with_(children=tuple(kids))


def _flipped(block: Region) -> Region:
    # A line read upside down keeps its quad from the text's own top-left: it runs right to left.
    kids = tuple(ln.with_(quad=tuple(ln.quad[(k + 2) % 4] for k in range(4))) for ln in block.children)
    return block.with_(children=kids)


def _spine_rows(n: int, pitch: float, height: float = 40.0) -> list[Region]:
    # Upright frame of a turned shelf: spine k is a row, title at the left end, author at the right.
    return [_block((100, 100 + k * pitch, 700, 100 + k * pitch + height, f"TITLE {k}"),
                   (900, 105 + k * pitch, 1100, 95 + k * pitch + height, f"AUTHOR {k}")) for k in range(n)]


def _titles(blocks: list[Region]) -> list[str]:
    return [b.children[0].text for b in blocks]


def test_a_shelf_turned_by_270_is_listed_left_to_right_and_by_90_as_it_is() -> None:
    blocks = _spine_rows(4, pitch=200)  # 160 px between 40 px rows: 4 line heights
    # Page 1300 x 1200 (original); turned 270, the upright frame's top row is the rightmost spine.
    assert _titles(shelf_order(blocks, 270, 1300, 1200)) == ["TITLE 3", "TITLE 2", "TITLE 1", "TITLE 0"]
    assert _titles(shelf_order(blocks, 90, 1300, 1200)) == ["TITLE 0", "TITLE 1", "TITLE 2", "TITLE 3"]
    assert [b.order for b in shelf_order(blocks, 270, 1300, 1200)] == [0, 1, 2, 3]
    assert _titles(shelf_order(blocks, 0, 1300, 1200)) == _titles(blocks)  # not turned: nothing to do


def test_rows_that_follow_each_other_or_hold_one_line_are_a_page_not_a_shelf() -> None:
    close = _spine_rows(4, pitch=90)  # 50 px between 40 px rows: a form's rows, not spines
    assert shelf_rows(close) is None
    lonely = [_block((100, 100 + k * 200, 700, 140 + k * 200, f"ITEM {k}")) for k in range(4)]
    assert shelf_rows(lonely) is None  # a list or a slide: one line a row
    paragraph = [_block(*[(100, 100 + k * 50, 1100, 140 + k * 50, f"line {k}") for k in range(6)])]
    assert shelf_rows(paragraph) is None  # one block of several rows


def test_spines_of_both_senses_are_a_shelf_however_close() -> None:
    blocks = _spine_rows(4, pitch=90)
    blocks[1] = _flipped(blocks[1])
    assert shelf_rows(blocks) == [[0], [1], [2], [3]]
    assert _titles(shelf_order(blocks, 270, 1300, 1200)) == ["TITLE 3", "TITLE 2", "TITLE 1", "TITLE 0"]


def test_a_lone_glyph_box_keeps_its_place() -> None:
    blocks = _spine_rows(3, pitch=200)
    blocks.insert(1, _block((1150, 250, 1180, 280, "F")))  # near square: no direction
    assert _titles(shelf_order(blocks, 270, 1300, 1200)) == ["TITLE 2", "F", "TITLE 1", "TITLE 0"]


_PIPE: list[Pipeline] = []


def _pipeline() -> Pipeline:
    if not _PIPE:
        _PIPE.append(Pipeline.from_dict(dict(preset_config("fast"), renderers=[])))
    return _PIPE[0]


def _run(image: np.ndarray) -> object:
    return _pipeline().run(image).pages[0]


def _order(text: str, wanted: list[str]) -> list[int]:
    return [text.find(w) for w in wanted]


@pytest.mark.parametrize("senses", ["ddddd", "dudud"])
def test_generated_shelves_read_left_to_right(senses: str) -> None:
    spines = [(t, a, s) for (t, a, _), s in zip(SPINES, senses, strict=True)]
    page = _run(shelf(spines))
    assert page.orientation == 270, page.orientation
    where = _order(page.text, [t for t, _, _ in spines])
    assert -1 not in where and where == sorted(where), page.text


PROSE = [
    "The harbour was quiet in the early morning",
    "and the boats lay still against the stone wall",
    "while the gulls waited on the roofs of the sheds",
    "for the first of the fishermen to come down the hill",
    "with their nets and their baskets over their arms.",
]


def _sideways(turn: int, pitch: float) -> np.ndarray:
    if not FONT.exists():
        pytest.skip("fonts-dejavu-core is not installed")
    font = ImageFont.truetype(str(FONT), 34)
    img = Image.new("RGB", (1400, 1000), "white")
    draw = ImageDraw.Draw(img)
    for k, line in enumerate(PROSE):
        draw.text((80, 80 + round(k * pitch * 34)), line, font=font, fill="black")
    return np.asarray(img.rotate(turn, expand=True, fillcolor="white"))  # counter-clockwise: ``turn`` undoes it


@pytest.mark.parametrize(("turn", "pitch"), [(270, 1.2), (90, 1.2), (270, 3.0)])
def test_a_page_scanned_sideways_keeps_its_order(turn: int, pitch: float) -> None:
    page = _run(_sideways(turn, pitch))
    assert page.orientation == turn, page.orientation
    words = re.findall(r"[a-z]+", page.text.lower())
    where = [words.index(w) if w in words else -1 for w in ("harbour", "boats", "gulls", "fishermen", "baskets")]
    assert -1 not in where and where == sorted(where), page.text
