"""Issue 24 (T11's faults 6 and 10): each block holds lines of one text direction.

A poster's steep lines (+30, -41 and +44 degrees) fell in one XY-cut leaf and became one block, written
at their median angle (ALTO ``ROTATION`` / PAGE ``orientation`` 30.19 for all three); a postmark stamped
at 20 degrees beside a level return address was a line of the address's block, and the text output
joined it to a level row (``GOTEBORG 05.11.26 411 38 Goteborg``). The layout tests run on hand-built
db-like regions (lines with word children): a level address with a stamp at 12-60 degrees either way
at several places and sizes, and a poster of steep lines at several angles.
"""

from __future__ import annotations

import math

import pytest

from ocrplug.geometry import quad_angle
from ocrplug.layout import layout_regions, text_rows
from ocrplug.model import Region
from tests.test_tilted_block import _row

ADDRESS = ["A. Lindqvist", "Storgatan 4", "411 38 Goteborg"]


def _angle_deg(region: Region) -> float:
    return math.degrees(quad_angle(region.quad))


def _apart_deg(a: float, b: float) -> float:
    return abs((a - b + 180.0) % 360.0 - 180.0)


def _check_one_direction(blocks: list[Region]) -> None:
    for block in blocks:
        angles = [_angle_deg(ln) for ln in block.children]
        assert max(_apart_deg(a, angles[0]) for a in angles) <= 10.0, [ln.text for ln in block.children]
        # The block's quad runs along its lines (text_rows reads a block's direction from it).
        assert _apart_deg(_angle_deg(block), angles[0]) <= 10.0, [ln.text for ln in block.children]


def _text(blocks: list[Region]) -> list[str]:
    return [" ".join(ln.text or "" for ln in row) for para in text_rows(blocks) for row in para]


# T11's envelope.png as fast read it (db lines, page pixels): the return address, the stamp's value
# ``1,20`` and the postmark at 20.4 degrees, which main put in the address's block.
ENVELOPE = [
    ("A. Lindqvist", ((57, 50), (204, 50), (204, 79), (57, 79))),
    ("1,20", ((1428, 111), (1534, 111), (1534, 158), (1428, 158))),
    ("Storgatan 4", ((58, 84), (204, 84), (204, 110), (58, 110))),
    ("GOTEBORG 05.11.26", ((1084, 212), (1327, 122), (1337, 147), (1093, 237))),
    ("411 38 Goteborg", ((58, 114), (264, 114), (264, 143), (58, 143))),
    ("Ms Helen Carter", ((636, 426), (937, 426), (937, 465), (636, 465))),
    ("Flat 2", ((634, 482), (746, 482), (746, 527), (634, 527))),
    ("18 Willow Road", ((638, 544), (929, 546), (929, 585), (638, 584))),
    ("Bristol", ((635, 603), (766, 603), (766, 647), (635, 647))),
    ("BS6 7QF", ((635, 664), (808, 664), (808, 708), (635, 708))),
]


@pytest.mark.parametrize("scale", [0.5, 1.0, 2.0])
@pytest.mark.parametrize("shift", [(0.0, 0.0), (120.0, 40.0)])
def test_envelope_postmark_is_not_in_the_address_block(scale: float, shift: tuple[float, float]) -> None:
    regions = [
        Region(quad=tuple((x * scale + shift[0], y * scale + shift[1]) for x, y in quad), level="line", text=text)
        for text, quad in ENVELOPE
    ]
    blocks = layout_regions(regions)
    _check_one_direction(blocks)
    assert "GOTEBORG 05.11.26" in _text(blocks), _text(blocks)


@pytest.mark.parametrize("stamp_deg", [-35.0, -20.0, -12.0, 12.0, 20.0, 35.0])
@pytest.mark.parametrize(("dx", "dy", "height"), [(1090.0, 225.0, 26.0), (1000.0, 200.0, 26.0), (1150.0, 250.0, 30.0)])
def test_stamp_beside_a_level_address_is_not_on_a_level_row(
    stamp_deg: float, dx: float, dy: float, height: float
) -> None:
    regions = [ln for k, text in enumerate(ADDRESS) for ln in _row(text, 57.0, 65.0 + 32.0 * k, 28.0, 0.0, as_lines=True)]
    regions += _row("1,20", 1428.0, 135.0, 47.0, 0.0, as_lines=True)
    stamp = _row("GOTEBORG 05.11.26", dx, dy, height, -math.radians(stamp_deg), as_lines=True)
    blocks = layout_regions([*regions, *stamp])
    _check_one_direction(blocks)
    rows = _text(blocks)
    assert "GOTEBORG 05.11.26" in rows, rows
    assert all(r in rows for r in [*ADDRESS, "1,20"]), rows


@pytest.mark.parametrize("angles", [(30.0, -41.0, 44.0), (25.0, -25.0, 15.0), (-50.0, 35.0, -20.0)])
def test_steep_poster_lines_are_blocks_of_their_own(angles: tuple[float, float, float]) -> None:
    texts = ["FREE ENTRY", "Live music", "Cake stall and games"]
    spots = [(120.0, 700.0), (720.0, 520.0), (420.0, 1150.0)]
    regions = [ln for (x, y), text, a in zip(spots, texts, angles, strict=True)
               for ln in _row(text, x, y, 50.0, -math.radians(a), as_lines=True)]
    regions += _row("SUMMER FAIR", 250.0, 90.0, 80.0, 0.0, as_lines=True)
    regions += _row("Village Hall, Mill Lane", 400.0, 1320.0, 40.0, 0.0, as_lines=True)
    blocks = layout_regions(regions)
    _check_one_direction(blocks)
    assert all(t in _text(blocks) for t in texts), _text(blocks)


def test_a_level_block_is_kept_whole() -> None:
    regions = [ln for k, text in enumerate(ADDRESS) for ln in _row(text, 60.0, 60.0 + 32.0 * k, 26.0, 0.0, as_lines=True)]
    blocks = layout_regions(regions)
    assert [[ln.text for ln in b.children] for b in blocks] == [ADDRESS]
