"""Raised marks: superscripts and footnote markers kept with the lines they belong to (issue 24, F10).

A superscript (``day¹``, ``return⁴``) or a footnote marker set small and raised is a glyph of its own to a
line detector: DB (``fast``, ``swift``) gives a 7 pt raised digit beside 11 pt text a region of its own
(T9's ``4``: read twice, once in its word's line, whose box reaches into its lower half, and once as a line
``4`` between two rows), or no probability at all while the line's box cuts it at its top edge (T9's
``day¹``: read ``day.``), or none at all before a footnote (a 7 pt ``1`` under a rule: map 0.13-0.22).
Before recognition (:meth:`ocrplug.processing.PageProcessor.recognize`) :func:`attach_raised_marks`
puts them with their lines: a small raised region after a line's start joins that line's region, raised
ink that a line's box cuts at its top or that stands right after its end is taken into the box, and
raised ink before a line's start that no region holds becomes a region of its own (a footnote's marker,
read as its own cell of the row). Numpy and OpenCV only; text on paper only (:func:`ocrplug.crops.paper_ink`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np

from ocrplug.crops import paper_ink
from ocrplug.geometry import _frame, _union_quad, quad_angle
from ocrplug.model import Region

__all__ = [
    "RAISED_BOTTOM", "RAISED_GAP", "RAISED_HEIGHTS", "RAISED_ROW", "RAISED_TOP", "STACK_GAP", "attach_raised_marks", "is_raised",
]

#: A raised mark is this share of its line's box height tall (min, max): T9's 7 pt superscripts beside
#: 11 pt text are 0.35 of the line box (19 of 55 px), its 7 pt footnote markers beside 8.5 pt notes 0.5;
#: benchmarks/list_marks.py's 6-8 pt markers beside 8.5 pt notes 0.35-0.5 at 150-300 dpi. A full-height
#: glyph (an ``l`` whose top the box cut) is taller, a quote or an accent shorter.
RAISED_HEIGHTS = (0.3, 0.75)
#: Its top lies at most this many line heights below the line box's top (a superscript's top stands at or
#: above the capitals; a glyph of a smaller line beside it sits lower).
RAISED_TOP = 0.25
#: Its bottom lies at most this many line heights below the line box's top (above the baseline: a
#: word processor raises a superscript's baseline by a third of the body size, T9's page by 0.6) and at
#: least :data:`RAISED_ROW` below it (it touches the line's row, not the line above).
RAISED_BOTTOM = 0.6
RAISED_ROW = 0.1
#: Beside a line, a mark stands at most this many line heights from its end (a superscript, 1-4 px
#: after its word) or from its start (a footnote's marker: 0.4-0.45 of the note's box on T9's page and
#: benchmarks/list_marks.py's).
RAISED_GAP = 0.6
#: A region of case 1 with another region straight above or below it, at most this many of its own heights
#: away and beside its line rather than over it, is a line of a stack (a sign's small last line), never a
#: mark (:func:`_stacked`; ICDAR 2015 img_29's ``here`` under ``available``: the two boxes overlap by 5 px).
STACK_GAP = 1.0
# One glyph (or a separate region of a few): at most this many times as wide as tall.
_GLYPH_WIDTH = 1.5
_REGION_WIDTH = 3.0
# A mark at least this many times taller than wide is a thin stroke; one with other ink straight above or
# below it (within 1.5 times its height) is a piece of a broken rule, as for ocrplug.lone_glyphs' glyphs
# (a 1 x 21 px piece of a letterhead's rule on funsd_train 0001129658 was taken into its heading).
_THIN_ASPECT = 2.0
# Lines tilted more than this (degrees) are left alone (the rule works in the page's axes).
_LEVEL_DEG = 2.0
# Marks shorter than this (page pixels) are not told from specks.
_MIN_MARK_PX = 6
#: A mark found in the ink stands at least this many grey levels off the paper around it (medians), as
#: :func:`ocrplug.lone_glyphs.find_lone_glyphs`' glyphs do (printed ink 190-249 levels off its paper): on
#: ``funsd_train`` the step otherwise took two grains of a shaded form field for marks (a line ``MC-7``
#: grown over one, a marker region added on another; benchmarks/list_marks.py ``--sets``).
LONE_GLYPH_CONTRAST = 128


def _bounds(region: Region) -> np.ndarray:
    pts = np.asarray(region.quad, dtype=np.float64)
    return np.array([pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max()])


def _raised(top: np.ndarray, bottom: np.ndarray, line: np.ndarray) -> np.ndarray:
    """Whether marks spanning ``top``..``bottom`` (page pixels) are raised on ``line``'s row (x0, y0, x1, y1)."""
    h = line[3] - line[1]
    height = bottom - top
    return (
        (height >= RAISED_HEIGHTS[0] * h)
        & (height <= RAISED_HEIGHTS[1] * h)
        & (top <= line[1] + RAISED_TOP * h)
        & (bottom <= line[1] + RAISED_BOTTOM * h)
        & (bottom >= line[1] + RAISED_ROW * h)
    )


def is_raised(mark: Sequence[float], line: Sequence[float]) -> bool:
    """Whether a box ``mark`` is a raised mark on the row of the box ``line`` (both ``(x0, y0, x1, y1)`` in
    one frame, y down): :data:`RAISED_HEIGHTS` of its height tall, its top at most :data:`RAISED_TOP` and
    its bottom :data:`RAISED_ROW` to :data:`RAISED_BOTTOM` line heights below the line's top."""
    box = np.asarray(line, dtype=np.float64)
    return bool(_raised(np.array([float(mark[1])]), np.array([float(mark[3])]), box)[0])


def _grown(region: Region, box: Sequence[float]) -> Region:
    """``region`` with its quad grown (in its own frame) to hold ``box`` (x0, y0, x1, y1, page pixels)."""
    rot = _frame(quad_angle(region.quad))
    return region.with_(quad=_union_quad([region, Region.from_box(*box, level="word")], rot))


def attach_raised_marks(gray: np.ndarray, regions: Sequence[Region], held: Sequence[Region] = ()) -> list[Region]:
    """``regions`` (a page's detected regions, page pixels) with raised marks put with their lines.

    ``gray``: the page (H x W uint8). Only ``line`` regions within 2 degrees of level take marks. A mark
    is raised on a line's row when it is :data:`RAISED_HEIGHTS` of the line box's height tall, its top at
    most :data:`RAISED_TOP` and its bottom :data:`RAISED_ROW` to :data:`RAISED_BOTTOM` line heights below
    the box's top. Three cases, in this order:

    1. a ``line`` region that is such a mark (at most 3 times as wide as tall), starting at least a line
       height after the line's start and at most :data:`RAISED_GAP` heights after its end, is merged into
       the line (its quad grown to hold it; the mark's region is gone): a superscript DB boxed alone;
    2. on text on paper (:func:`~ocrplug.crops.paper_ink`), an ink component (8-connected, at most 1.5
       times as wide as tall, 6 px or taller) that is such a mark, overlaps no other region and either
       reaches above the line's box over it or starts at most :data:`RAISED_GAP` heights after its end
       (its centre outside every region) is taken into the line's box: a superscript the box cut or missed
       (a component :data:`LONE_GLYPH_CONTRAST` grey levels off its paper: printed, not a grain of a shaded
       field; a thin one with ink straight above or below it is a piece of a broken rule, not a mark);
    3. such a component ending at most :data:`RAISED_GAP` heights before the line's start, its centre
       outside every region, becomes a ``line`` region of its own (score 0, the component's box grown by
       a tenth of its height): a footnote's marker the detector missed.

    Regions of other levels (a word detector's words) pass through unchanged and count as holding ink, and
    so do the ``held`` regions (the checkboxes taken out before recognition,
    :func:`ocrplug.checkboxes.take_checkboxes`: a frame is no mark), which are not returned; with no level
    line, the regions are returned as given. Raises nothing.
    """
    out, _, gone, added = _attach(gray, [*regions, *(r.with_(level="word") for r in held)])
    return [r for i, r in enumerate(out[: len(regions)]) if i not in gone] + added


def _attach(gray: np.ndarray, regions: Sequence[Region]) -> tuple[list[Region], set[int], set[int], list[Region]]:
    """:func:`attach_raised_marks`'s work: ``(regions with lines grown, indices grown, indices merged into a
    line, regions added)`` (benchmarks/list_marks.py ``--sets`` counts them)."""
    regions = list(regions)
    before = [r.quad for r in regions]
    lines = [
        i for i, r in enumerate(regions)
        if r.level == "line" and abs(math.remainder(math.degrees(quad_angle(r.quad)), 180.0)) <= _LEVEL_DEG
    ]
    if not lines:
        return regions, set(), set(), []
    boxes = np.stack([_bounds(r) for r in regions])
    heights = boxes[:, 3] - boxes[:, 1]
    gone: set[int] = set()
    # 1. Small raised regions after a line's start: a superscript boxed alone.
    for s in lines:
        sb = boxes[s]
        if sb[2] - sb[0] > _REGION_WIDTH * heights[s]:
            continue
        for k in lines:
            lb = boxes[k]
            h = heights[k]
            if k == s or k in gone or s in gone or h <= heights[s]:
                continue
            if not _raised(sb[1:2], sb[3:4], lb)[0]:
                continue
            if _stacked(boxes, s, k, gone):
                continue
            if lb[0] + h <= sb[0] <= lb[2] + RAISED_GAP * h:
                regions[k] = _grown(regions[k], sb)
                boxes[k] = _bounds(regions[k])
                gone.add(s)
                break
    ink = paper_ink(gray)
    added: list[Region] = []
    if ink is not None:
        added = _ink_marks(gray, ink, regions, boxes, [k for k in lines if k not in gone], gone)
    grown = {i for i, r in enumerate(regions) if r.quad != before[i]}
    return regions, grown, gone, added


def _stacked(boxes: np.ndarray, s: int, k: int, gone: set[int]) -> bool:
    """Whether region ``s`` is a line of a stack of lines beside line ``k`` (``boxes``: x0, y0, x1, y1 page
    pixels per region; ``gone`` regions skipped): another region stands straight above or below it (sharing
    at most :data:`STACK_GAP` of ``s``'s height of white between them, overlapping ``s`` across by half the
    narrower one's width, its centre off ``s``'s rows) and lies beside ``k``, not over or under it (at most
    half its own width within ``k``'s x-span). A sign's small last line ``here`` under ``available`` beside
    a large ``Atm`` (ICDAR 2015 img_29) is such a line, not a superscript of ``Atm``; a superscript's line
    above or below in its paragraph runs over its own line."""
    sb, kb = boxes[s], boxes[k]
    sh, sw = sb[3] - sb[1], sb[2] - sb[0]
    for t, tb in enumerate(boxes):
        if t in (s, k) or t in gone:
            continue
        tw = tb[2] - tb[0]
        across = min(sb[2], tb[2]) - max(sb[0], tb[0])
        gap = max(tb[1] - sb[3], sb[1] - tb[3])
        off_rows = not sb[1] <= (tb[1] + tb[3]) / 2 <= sb[3]
        beside = min(kb[2], tb[2]) - max(kb[0], tb[0]) <= 0.5 * tw
        if across >= 0.5 * min(sw, tw) and gap <= STACK_GAP * sh and off_rows and beside:
            return True
    return False


def _printed(gray: np.ndarray, ink: np.ndarray, labels: np.ndarray, label: int, box: tuple[int, int, int, int]) -> bool:
    """Whether the ink component ``label`` (``box``: x0, y0, x1, y1 page pixels) stands :data:`LONE_GLYPH_CONTRAST`
    grey levels off the paper around it (medians; the paper within its height around it): a printed glyph,
    not a grain of a shaded form field's halftone."""
    x0, y0, x1, y1 = box
    pad = y1 - y0
    win = (slice(max(y0 - pad, 0), y1 + pad), slice(max(x0 - pad, 0), x1 + pad))
    paper = gray[win][ink[win] == 0]
    own = gray[y0:y1, x0:x1][labels[y0:y1, x0:x1] == label]
    if not paper.size or not own.size:
        return False
    return abs(float(np.median(paper)) - float(np.median(own))) >= LONE_GLYPH_CONTRAST


def _ink_marks(
    gray: np.ndarray, ink: np.ndarray, regions: list[Region], boxes: np.ndarray, lines: list[int], gone: set[int]
) -> list[Region]:
    """Cases 2 and 3 of :func:`attach_raised_marks` (``regions`` and ``boxes`` updated in place for case 2)."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    x0, y0, w, h = (stats[1:, i].astype(np.float64) for i in range(4))
    glyph = (h >= _MIN_MARK_PX) & (w <= _GLYPH_WIDTH * h)
    if not glyph.any():
        return []
    ids = np.flatnonzero(glyph) + 1
    # Every component's centre: a thin mark with ink straight above or below it is a piece of a broken rule.
    all_cx, all_cy = x0 + w / 2, y0 + h / 2
    x0, y0, w, h = x0[glyph], y0[glyph], w[glyph], h[glyph]
    x1, y1 = x0 + w, y0 + h
    cx, cy = x0 + w / 2, y0 + h / 2
    live = [i for i in range(len(regions)) if i not in gone]
    held = np.zeros(len(x0), bool)
    for i in live:
        b = boxes[i]
        held |= (b[0] <= cx) & (cx <= b[2]) & (b[1] <= cy) & (cy <= b[3])
    taken = np.zeros(len(x0), bool)
    added: list[Region] = []
    for k in lines:
        lb = boxes[k]
        lh = lb[3] - lb[1]
        near = ~taken & (x1 >= lb[0] - RAISED_GAP * lh) & (x0 <= lb[2] + RAISED_GAP * lh)
        near &= (y1 >= lb[1] - lh) & (y0 <= lb[1] + lh)
        if not near.any():
            continue
        idx = np.flatnonzero(near)
        idx = idx[_raised(y0[idx], y1[idx], lb)]
        for j in idx.tolist():
            # No other region may touch the mark: the line above's glyphs are that line's.
            others = [i for i in live if i != k]
            ob = boxes[others] if others else np.zeros((0, 4))
            if np.any((ob[:, 0] < x1[j]) & (x0[j] < ob[:, 2]) & (ob[:, 1] < y1[j]) & (y0[j] < ob[:, 3])):
                continue
            if not _printed(gray, ink, labels, ids[j], (int(x0[j]), int(y0[j]), int(x1[j]), int(y1[j]))):
                continue
            if h[j] >= _THIN_ASPECT * w[j]:
                column = (np.abs(all_cx - cx[j]) <= w[j]) & (np.abs(all_cy - cy[j]) <= 1.5 * h[j])
                column[ids[j] - 1] = False
                if column.any():
                    continue
            over = (lb[0] <= cx[j] <= lb[2]) and y0[j] < lb[1]
            after = (not held[j]) and lb[2] <= x0[j] <= lb[2] + RAISED_GAP * lh
            before = (not held[j]) and lb[0] - RAISED_GAP * lh <= x1[j] <= lb[0]
            if over or after:
                regions[k] = _grown(regions[k], (x0[j], y0[j] - 0.1 * h[j], x1[j] + 0.1 * h[j], y1[j]))
                boxes[k] = _bounds(regions[k])
                lb = boxes[k]
                taken[j] = True
            elif before:
                pad = 0.1 * h[j]
                added.append(Region.from_box(x0[j] - pad, y0[j] - pad, x1[j] + pad, y1[j] + pad, level="line", score=0.0))
                taken[j] = True
    return added
