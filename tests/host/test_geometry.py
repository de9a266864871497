"""Geometry helpers: quad ordering (reading order lives in ocrplug.layout, tests/host/test_layout.py)."""

from __future__ import annotations

from ocrplug.geometry import order_quad
from ocrplug.model import Region


def _box(x0: float, y0: float, x1: float, y1: float, name: str) -> Region:
    return Region.from_box(x0, y0, x1, y1, text=name)


def _names(regions: list[Region]) -> list[str]:
    return [r.text or "" for r in regions]


def test_order_quad_starts_top_left_clockwise() -> None:
    assert order_quad([(10, 10), (0, 10), (10, 0), (0, 0)]) == ((0, 0), (10, 0), (10, 10), (0, 10))
