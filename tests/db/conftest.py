"""Shared by the db tests that run the ``fast`` preset's detector on drawn pages."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def fast_detector():
    """The ``fast`` preset's ``db`` detector (built once a test module)."""
    from ocrplug.pipeline import Pipeline

    return Pipeline.from_preset("fast", ["renderers=[]"]).detector


def held(regions: list, box: tuple[int, int, int, int]) -> bool:
    """Whether a region's bounding box holds the centre of ``box`` (x0, y0, x1, y1, page pixels)."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(r.bbox[0] <= cx <= r.bbox[2] and r.bbox[1] <= cy <= r.bbox[3] for r in regions)
