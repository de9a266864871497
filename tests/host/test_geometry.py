"""Geometry helpers: quad ordering and reading order (rows, columns, rotation)."""

from __future__ import annotations

import math

import numpy as np

from ocrplug.geometry import order_quad, quad_angle, reading_order
from ocrplug.model import Region


def _box(x0: float, y0: float, x1: float, y1: float, name: str) -> Region:
    return Region.from_box(x0, y0, x1, y1, text=name)


def _names(regions: list[Region]) -> list[str]:
    return [r.text or "" for r in regions]


def test_order_quad_starts_top_left_clockwise() -> None:
    assert order_quad([(10, 10), (0, 10), (10, 0), (0, 0)]) == ((0, 0), (10, 0), (10, 10), (0, 10))


def test_rows_left_to_right_despite_jitter() -> None:
    regions = [_box(100, 12, 150, 30, "b"), _box(0, 10, 50, 28, "a"), _box(0, 50, 40, 70, "c"), _box(60, 52, 90, 69, "d")]
    out = reading_order(regions)
    assert _names(out) == ["a", "b", "c", "d"]
    assert [r.order for r in out] == [0, 1, 2, 3]


def test_two_columns_under_a_title_read_column_by_column() -> None:
    regions = [_box(0, 0, 400, 30, "title")]
    for i in range(4):
        y = 60 + 30 * i
        regions.append(_box(0, y, 180, y + 20, f"L{i}"))
        regions.append(_box(220, y, 400, y + 20, f"R{i}"))
    out = reading_order(regions[::-1])
    assert _names(out) == ["title", "L0", "L1", "L2", "L3", "R0", "R1", "R2", "R3"]


def test_words_of_a_line_with_normal_spaces_stay_in_one_row() -> None:
    words = [_box(x, 0, x + 40, 20, str(k)) for k, x in enumerate(range(0, 500, 50))]
    assert _names(reading_order(words[::-1])) == [str(k) for k in range(10)]


def test_rotated_page_reads_in_text_frame() -> None:
    angle = math.radians(30)
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    regions = []
    for row in range(3):
        for col in range(3):
            x0, y0 = col * 60, row * 40
            corners = np.array([(x0, y0), (x0 + 50, y0), (x0 + 50, y0 + 20), (x0, y0 + 20)]) @ rot.T + 300
            regions.append(Region(quad=tuple(map(tuple, corners)), text=f"{row}{col}"))
    out = reading_order(regions[::-1])
    assert _names(out) == [f"{r}{c}" for r in range(3) for c in range(3)]
    assert abs(quad_angle(out[0].quad) - angle) < 1e-6


def test_receipt_with_price_strip_reads_row_by_row() -> None:
    regions = []
    for i in range(5):
        y = 30 * i
        regions.append(_box(0, y, 150 + 10 * i, y + 20, f"item{i}"))
        regions.append(_box(340, y, 400, y + 20, f"price{i}"))
    out = reading_order(regions[::-1])
    assert _names(out) == [n for i in range(5) for n in (f"item{i}", f"price{i}")]
