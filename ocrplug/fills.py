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

from ocrplug.crops import paper_ink
from ocrplug.geometry import quad_height, quad_width
from ocrplug.model import Region

__all__ = [
    "FLAT_RANGE", "HOLE_SHARE", "MIN_UNITS", "SOLID_SHARE", "SOLID_THICK", "STAFF_APART", "STAFF_EVEN", "STAFF_LENGTH",
    "STAFF_LINES", "STAFF_PITCH", "STAFF_TOUCH", "fill_share", "glyphless", "off_staves", "staves", "text_height",
]

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


#: A staff's line is a horizontal rule at least this share of the page's width long.
STAFF_LENGTH = 0.125
#: A staff: exactly this many rules, one above the other over one span ...
STAFF_LINES = 5
#: ... their four gaps each within this share of their mean (the staff's pitch) ...
STAFF_EVEN = 0.15
#: ... no other rule over the span within this many pitches above or below (ruled paper and a table's
#: rows go on evenly) ...
STAFF_APART = 1.5
#: ... and the pitch under this many times the height of the page's text off the staves (a table's rows
#: are taller than its text; a staff's spaces hold note heads, not the page's letters).
STAFF_PITCH = 0.8
#: ... and at least this share of the regions over it touch its lines (note heads do; a table's text
#: keeps clear of its rules but for a descender or two).
STAFF_TOUCH = 0.5


def _long_rules(ink: np.ndarray) -> np.ndarray:
    """The ink of the page's long horizontal rules (H x W uint8, 1 = rule): what an opening with a row of
    :data:`STAFF_LENGTH` of the page's width keeps."""
    length = max(int(STAFF_LENGTH * ink.shape[1]), 20)
    return cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))


def _rules(long: np.ndarray) -> list[tuple[float, int, int, float]]:
    """The rules of a :func:`_long_rules` mask: ``(y, x0, x1, thickness)`` each (page pixels), top to bottom."""
    rows = np.flatnonzero(long.any(axis=1))
    out: list[tuple[float, int, int, float]] = []
    if not len(rows):
        return out
    for run in np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1):
        cols = np.flatnonzero(long[run[0] : run[-1] + 1].any(axis=0))
        out.append((float(run.mean()), int(cols.min()), int(cols.max()) + 1, float(len(run))))
    return out


def staves(ink: np.ndarray) -> list[tuple[float, float, float, float, float]]:
    """The page's music staves: ``(x0, x1, top, bottom, pitch)`` each (page pixels).

    ``ink``: H x W uint8 mask (1 = ink). A staff is :data:`STAFF_LINES` long horizontal rules (each at
    least :data:`STAFF_LENGTH` of the width) over one span (each pair overlapping by at least 0.8 of the
    shorter), gaps even within :data:`STAFF_EVEN`, and no further rule overlapping the span within
    :data:`STAFF_APART` pitches of it. The text-height test (:data:`STAFF_PITCH`) is the caller's
    (:func:`off_staves`). Raises nothing.
    """
    rules = _rules(_long_rules(ink))
    out = []

    def over(a: tuple[float, int, int, float], b: tuple[float, int, int, float]) -> bool:
        return min(a[2], b[2]) - max(a[1], b[1]) >= 0.8 * min(a[2] - a[1], b[2] - b[1])

    for i in range(len(rules) - STAFF_LINES + 1):
        group = rules[i : i + STAFF_LINES]
        if not all(over(group[0], r) for r in group[1:]):
            continue
        gaps = np.diff([r[0] for r in group])
        pitch = float(gaps.mean())
        if pitch <= 0 or np.any(np.abs(gaps - pitch) > STAFF_EVEN * pitch) or max(r[3] for r in group) > 0.5 * pitch:
            continue
        top, bottom = group[0][0], group[-1][0]
        others = [r for r in rules[:i] + rules[i + STAFF_LINES :] if over(group[0], r)]
        if any(top - STAFF_APART * pitch < r[0] < bottom + STAFF_APART * pitch for r in others):
            continue
        out.append((float(max(r[1] for r in group)), float(min(r[2] for r in group)), top, bottom, pitch))
    return out


def off_staves(gray: np.ndarray, regions: Sequence[Region]) -> list[Region]:
    """``regions`` (page pixels) without those on a music staff (:func:`staves`): a region whose centre
    lies over the staff's span, between half a pitch above its top line and half a pitch below its bottom
    line, whose ink touches a staff line (ink that is no rule in the rows next to a rule's: a note head
    sits on a line or fills a space), when at least :data:`STAFF_TOUCH` of the regions over that staff
    touch it (a table's text keeps clear of its rules) and the staff's pitch is under
    :data:`STAFF_PITCH` times the text height of the regions on no staff (:func:`text_height`; with none,
    any pitch). Note heads and stems read as ``Q 0 0 2 2`` (issue 24, S16: T15's ``songsheet.png``);
    lyrics and chord names off the lines stay. ``gray``: the page (H x W uint8); a page with no ink or no
    staff keeps every region. Raises nothing.
    """
    if not regions:
        return list(regions)
    ink = paper_ink(gray)
    if ink is None:
        return list(regions)
    found = staves(ink)
    if not found:
        return list(regions)
    long = _long_rules(ink)
    near = cv2.dilate(long, np.ones((3, 1), np.uint8))
    touch = (ink > 0) & (long == 0) & (near > 0)
    centres = [np.asarray(r.quad, dtype=np.float64).mean(axis=0) for r in regions]
    on = [
        [x0 <= c[0] <= x1 and top - pitch / 2 <= c[1] <= bottom + pitch / 2 for (x0, x1, top, bottom, pitch) in found]
        for c in centres
    ]
    off = [r for r, hits in zip(regions, on, strict=True) if not any(hits)]
    height = text_height(off)
    touching = []
    for r, hits in zip(regions, on, strict=True):
        box = _box(gray, r) if any(hits) else None
        touching.append(box is not None and bool(touch[box[1] : box[3], box[0] : box[2]].any()))
    drop = [False] * len(regions)
    for s, (*_, pitch) in enumerate(found):
        mine = [i for i, hits in enumerate(on) if hits[s]]
        if not mine or (off and pitch >= STAFF_PITCH * height):
            continue
        if sum(touching[i] for i in mine) < STAFF_TOUCH * len(mine):
            continue  # a table's rows: its text keeps clear of the rules
        for i in mine:
            drop[i] = drop[i] or touching[i]
    return [r for r, d in zip(regions, drop, strict=True) if not d]
