"""Regions that hold no glyphs: one solid fill (a chart's bar, a block of colour) or no ink at all.

A detector boxes a chart's filled bar as text (DBNet's probability map lights up on any dark, solid
shape) and a recognizer then reads a glyph into it: PP-OCR read a bar as ``1`` and another as ``à``,
Tesseract as ``|`` (issue 24, T10's ``chart.png``). No glyph is a filled shape both of whose sides are
as wide as the page's text is tall: a stroke of ``1 l I |`` or a dash is as thick as a stroke, a tenth of
a line or so. :func:`glyphless` decides it for the host before any recognizer reads (so every recognizer
and every door agree), from the region's own pixels:

- the crop of the region's box holds less than :data:`FLAT_RANGE` grey levels between its 1st and 99th
  percentile (the floor :func:`ocrplug.crops.erase_neighbour_ink` takes for a crop without ink): no ink
  at all, or a box inside one fill;
- or its ink (the dark side of the crop's Otsu threshold) is, for at least :data:`SOLID_SHARE` of it,
  in fills: what an opening with a square :data:`SOLID_THICK` times the page's text height on a side
  keeps (the text height is the median short side of the page's regions; a glyph's strokes and an
  axis line vanish), each piece without holes (paper it encloses, more than :data:`HOLE_SHARE` of its
  area: a label printed inside a bar is inner structure, and such a region is read).

Constants chosen with ``python benchmarks/solid_fills.py`` (generated pages of bars and of lone
``1 l I | -`` glyphs and dashes in several fonts and sizes; ``funsd_train``), figures in
docs/benchmarks.md ("Solid fills").
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from ocrplug.geometry import quad_height, quad_width
from ocrplug.model import Region

__all__ = ["FLAT_RANGE", "HOLE_SHARE", "MIN_UNITS", "SOLID_SHARE", "SOLID_THICK", "fill_share", "glyphless", "text_height"]

#: A crop whose grey levels span less than this (1st to 99th percentile) holds no ink to read: the
#: floor ``ocrplug.crops`` takes for a crop without ink (``_MIN_CONTRAST``).
FLAT_RANGE = 24
#: A fill encloses paper of at most this share of its own area (else it has inner structure).
HOLE_SHARE = 0.002
#: The side of the opening's square, in text heights: no glyph's stroke is so thick.
SOLID_THICK = 1.0
#: Share of a crop's ink in solid thick fills at or above which the crop holds no glyphs.
SOLID_SHARE = 0.8
#: The host judges a page's regions only when it has at least this many: the text height is their
#: median, which one bar or box among two regions would set itself (not tuned: the fewest for a median).
MIN_UNITS = 3


def text_height(regions: Sequence[Region]) -> float:
    """The page's text height in pixels: the median short side of ``regions``' quads (0 when none)."""
    sides = [min(quad_width(r.quad), quad_height(r.quad)) for r in regions]
    return float(np.median(sides)) if sides else 0.0


def _box(gray: np.ndarray, region: Region) -> tuple[int, int, int, int] | None:
    q = np.asarray(region.quad, dtype=np.float64)
    h, w = gray.shape[:2]
    x0, y0 = max(int(np.floor(q[:, 0].min())), 0), max(int(np.floor(q[:, 1].min())), 0)
    x1, y1 = min(int(np.ceil(q[:, 0].max())), w), min(int(np.ceil(q[:, 1].max())), h)
    return (x0, y0, x1, y1) if x1 > x0 and y1 > y0 else None


def fill_share(gray: np.ndarray, region: Region, height: float) -> float:
    """The share of the ink of ``region``'s crop (page ``gray``, H x W uint8; page pixels) in solid fills.

    1.0 for a flat crop (less than :data:`FLAT_RANGE` grey levels from its 1st to its 99th percentile)
    and for one without ink; 0.0 for a region outside the page, for ``height`` <= 0 (the page's text
    height, :func:`text_height`) and for a crop thinner than a fill's square. Fills: the pieces of the
    ink (the dark side of the crop's Otsu threshold) that an opening with a square of ``SOLID_THICK *
    height`` pixels keeps, each without a hole of more than :data:`HOLE_SHARE` of its area. Raises nothing.
    """
    box = _box(gray, region)
    if box is None:
        return 0.0
    x0, y0, x1, y1 = box
    crop = gray[y0:y1, x0:x1]
    low, high = np.percentile(crop, (1, 99))
    if high - low < FLAT_RANGE:
        return 1.0
    if height <= 0:
        return 0.0
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    total = int(ink.sum())
    side = max(3, round(SOLID_THICK * height))
    if not total:
        return 1.0
    if min(crop.shape) < side:
        return 0.0
    # The fills' cores: what a square as wide as the page's text is tall can sweep (strokes vanish).
    core = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((side, side), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(core, connectivity=8)
    solid = 0
    for k in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[k])
        part = (labels[y:y + h, x:x + w] == k).astype(np.uint8)
        # A hole, paper enclosed by the fill (a label printed inside a bar), is inner structure.
        filled = part.copy()
        contours, _ = cv2.findContours(part, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        cv2.drawContours(filled, contours, -1, 1, thickness=cv2.FILLED)
        if int(filled.sum()) - area <= HOLE_SHARE * area:
            solid += area
    return solid / total


def glyphless(gray: np.ndarray, region: Region, height: float) -> bool:
    """Whether ``region`` (page pixels) of the page ``gray`` (H x W uint8) holds no glyph to read.

    ``height``: the page's text height in pixels (:func:`text_height`). True when at least
    :data:`SOLID_SHARE` of the crop's ink is in solid fills (:func:`fill_share`; a flat crop counts
    as all fill); a region outside the page is False (left to the recognizer). Raises nothing.
    """
    return fill_share(gray, region, height) >= SOLID_SHARE
