"""Comb fields: one box per letter, read as the words they hold (issue 24 items 1/3, T11 fault 1).

A form's comb (``Postcode [C][F][1][0][ ][3][A][T][ ]...``) is a row of equal boxes side by side sharing
their walls, each holding one glyph or none. Read as print, its walls became text (``|``, ``1``, ``I``), a
cell holding a letter became a ticked checkbox (:mod:`ocrplug.checkboxes` saw a square frame with ink in
it: a detector's box cut the comb's frame to about one cell) and its letters came out spaced (``M O R G A
N``: the words cannot be searched). This module makes the one decision about combs, for every detector,
recognizer, preset and door, before recognition (:meth:`ocrplug.processing.PageProcessor.recognize`):

* :func:`find_combs` finds them from the page's ink: an ink component (a frame) whose holes are at least
  :data:`MIN_CELLS` cells of one row (:data:`CELL_OVERLAP`),
  rectangular (:data:`CELL_FILL`), of one size (:data:`CELL_EQUAL`), about square
  (:data:`CELL_ASPECT`), next to one another (:data:`WALL_MAX`) and filling the frame, nothing else
  in it (a table's grid has holes in several rows: it is no comb).
* :func:`take_combs` takes the detected regions off the combs (a region beside one, the field's label,
  keeps its part off it) and gives the combs' words apart from them: each run of adjacent cells holding
  ink is one word (an empty cell ends a word: ``CF10 3AT``), a line region of its own marked
  :data:`COMB_ATTR`, and the mask of the combs' walls, which the caller paints over in the image read,
  so no reader and no later step (checkboxes, raised marks, word boxes fitted to ink) sees them; the
  comb words skip the checkbox step altogether.
* :func:`pack_comb_words` moves each word's glyphs together in the image read (a reader given them a cell
  apart read ``CFi10``, ``77841``, ``OKAFOＲ``).
* :func:`join_comb_words` puts each comb word's reading back in its cells' box as one word (its spaces
  dropped, full-width forms made plain).

Numpy and OpenCV only. Figures: docs/benchmarks.md "Comb fields" (``benchmarks/combs.py``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

import cv2
import numpy as np

from ocrplug.crops import paper_ink
from ocrplug.model import Region

__all__ = [
    "COMB_ATTR", "PACK_GAP", "Comb", "cut_between", "find_combs", "join_comb_words", "map_leaves", "pack_comb_words",
    "take_combs",
]

#: The attribute of a comb word's line region while it is read (dropped by :func:`join_comb_words`).
COMB_ATTR = "comb"
#: A comb has at least this many cells (two boxes side by side are as often a pair of checkboxes).
MIN_CELLS = 3
#: A cell's inside is at least this many page pixels tall (smaller, a box holds no legible glyph).
MIN_CELL = 8
#: The cells are one row: left to right, each overlaps the next by at most this share of a cell's width
#: (a comb turned by 5 degrees: 0.1; a table's grid, whose cells stand one above another, overlaps whole).
CELL_OVERLAP = 0.3
#: A cell's hole covers at least this share of its bounding box (a rectangle; a 3 degree skew keeps
#: about 0.9 of it, a letter touching a wall takes a little).
CELL_FILL = 0.75
#: The cells' widths and heights are within this share of their medians.
CELL_EQUAL = 0.25
#: A cell's width over its height is in this range (a glyph's box; a table's header cells are wider).
CELL_ASPECT = (0.35, 1.6)
#: Neighbouring cells are apart (the wall between them) by at most this share of a cell's width, and the
#: first and last cells as near the frame's ends.
WALL_MAX = 0.35
#: Ink inside a cell (other than its frame) covering at least this share of the cell is a glyph (less is
#: a speck of the scan).
CELL_INK = 0.01


@dataclass(frozen=True)
class Comb:
    """A comb found on a page: its frame's ``box`` and its ``cells``' insides (x0, y0, x1, y1, page pixels,
    left to right), which of them hold a glyph (``filled``), and ``walls``: the frame's ink outside the
    cells (a bool mask of ``box``'s size)."""

    box: tuple[int, int, int, int]
    cells: tuple[tuple[int, int, int, int], ...]
    filled: tuple[bool, ...]
    walls: np.ndarray
    #: Each cell's glyph: the box of the ink inside it (page pixels), None for an empty cell.
    glyphs: tuple[tuple[int, int, int, int] | None, ...] = ()

    def runs(self) -> list[list[int]]:
        """The runs of adjacent filled cells (their indices, left to right): one word each."""
        out: list[list[int]] = []
        run: list[int] = []
        for k, full in enumerate([*self.filled, False]):
            if full:
                run.append(k)
            elif run:
                out.append(run)
                run = []
        return out

    def words(self) -> list[tuple[int, int, int, int]]:
        """The boxes (page pixels) of the runs of adjacent filled cells: one word each."""
        return [
            (min(self.cells[k][0] for k in run), min(self.cells[k][1] for k in run),
             max(self.cells[k][2] for k in run), max(self.cells[k][3] for k in run))
            for run in self.runs()
        ]


def _cells(frame: np.ndarray) -> list[tuple[int, int, int, int]] | None:
    """The cells (x0, y0, x1, y1 inside the frame's box, exclusive ends) of ``frame`` (a component's bool
    mask, cropped to its box) when it is a comb, else None."""
    h, w = frame.shape
    _, _, stats, _ = cv2.connectedComponentsWithStats((~frame).astype(np.uint8), connectivity=4)
    holes = [
        (int(x), int(y), int(bw), int(bh), int(a))
        for x, y, bw, bh, a in stats[1:]
        if x > 0 and y > 0 and x + bw < w and y + bh < h
    ]
    if len(holes) < MIN_CELLS:
        return None
    cells = sorted(hole for hole in holes if hole[3] >= MIN_CELL and hole[4] >= CELL_FILL * hole[2] * hole[3])
    # Nothing else in the frame but its cells (small holes are the walls' own pinholes).
    if len(cells) < MIN_CELLS or sum(c[4] for c in cells) < 0.95 * sum(hole[4] for hole in holes):
        return None
    widths = np.array([c[2] for c in cells], dtype=np.float64)
    heights = np.array([c[3] for c in cells], dtype=np.float64)
    mw, mh = float(np.median(widths)), float(np.median(heights))
    if mh < MIN_CELL or not CELL_ASPECT[0] <= mw / mh <= CELL_ASPECT[1]:
        return None
    if np.any(np.abs(widths - mw) > CELL_EQUAL * mw) or np.any(np.abs(heights - mh) > CELL_EQUAL * mh):
        return None
    ends = [cells[0][0], *[b[0] - (a[0] + a[2]) for a, b in pairwise(cells)], w - (cells[-1][0] + cells[-1][2])]
    if max(ends) > WALL_MAX * mw or min(ends[1:-1]) < -CELL_OVERLAP * mw:
        return None
    return [(x, y, x + bw, y + bh) for x, y, bw, bh, _ in cells]


def _ink_box(ink: np.ndarray, x: int, y: int) -> tuple[int, int, int, int]:
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    return (x + int(cols[0]), y + int(rows[0]), x + int(cols[-1]) + 1, y + int(rows[-1]) + 1)


def find_combs(gray: np.ndarray) -> list[Comb]:
    """The combs on the page ``gray`` (H x W uint8, dark print on light paper), top to bottom, left to right.

    The page's ink (:func:`ocrplug.crops.paper_ink`; a photo or a dark scan has no combs: none are
    looked for) is split into 8-connected components; a component at least twice as wide as tall and
    thin (its ink at most half its box) is a comb's frame when its holes (4-connected paper inside it)
    are cells as the module doc says. A cell holds a glyph when the other ink inside it covers
    :data:`CELL_INK` of it. Raises nothing.
    """
    ink = paper_ink(gray)
    if ink is None:
        return []
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    out: list[Comb] = []
    for c in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[c])
        if h < MIN_CELL + 2 or w < 2 * h or area > 0.5 * w * h:
            continue
        frame = labels[y:y + h, x:x + w] == c
        cells = _cells(frame)
        if cells is None:
            continue
        inside = np.zeros_like(frame)
        for x0, y0, x1, y1 in cells:
            inside[y0:y1, x0:x1] = True
        other = ink[y:y + h, x:x + w].astype(bool) & ~frame
        filled = tuple(bool(other[y0:y1, x0:x1].mean() >= CELL_INK) for x0, y0, x1, y1 in cells)
        glyphs = tuple(_ink_box(other[y0:y1, x0:x1], x + x0, y + y0) if full else None
                       for (x0, y0, x1, y1), full in zip(cells, filled, strict=True))
        out.append(Comb((x, y, x + w, y + h), tuple((x + a, y + b, x + c_, y + d) for a, b, c_, d in cells),
                        filled, frame & ~inside, glyphs))
    return sorted(out, key=lambda comb: (comb.box[1], comb.box[0]))


def cut_between(region: Region, xa: float, xb: float) -> Region:
    """The part of ``region`` (nearly level) between page columns ``xa`` and ``xb``: a quad whose left and
    right sides lie on those columns, along its top and bottom edges (no polygon), its word children those
    whose centre lies in it. Shared by the comb and checkbox steps (:mod:`ocrplug.checkboxes` cuts a
    region between its frames the same way). Raises nothing (a region of zero width is taken as 1e-6 px)."""
    q = np.asarray(region.quad, dtype=np.float64)
    rx0, _, rx1, _ = region.bbox
    span = max(rx1 - rx0, 1e-6)
    ta, tb = (xa - rx0) / span, (xb - rx0) / span
    tl, tr = q[0] + ta * (q[1] - q[0]), q[0] + tb * (q[1] - q[0])
    bl, br = q[3] + ta * (q[2] - q[3]), q[3] + tb * (q[2] - q[3])
    kids = tuple(k for k in region.children if xa <= (k.bbox[0] + k.bbox[2]) / 2 <= xb)
    return region.with_(quad=(tuple(tl), tuple(tr), tuple(br), tuple(bl)), polygon=None, children=kids)


def map_leaves(regions: Sequence[Region], leaf: Callable[[Region], Sequence[Region]]) -> list[Region]:
    """The region tree ``regions`` with each leaf (a line or word; a block without children) replaced by
    ``leaf(region)`` (none, itself, or its pieces), in order; a block is opened and kept with its new
    children, or dropped when none is left. The one walk of the region tree the comb and checkbox steps
    share (``leaf`` may keep state of its own, called leaf by leaf in reading order). Raises what ``leaf``
    raises."""
    out: list[Region] = []
    for r in regions:
        if r.level == "block" and r.children:
            kids = map_leaves(r.children, leaf)
            if kids:
                out.append(r.with_(children=tuple(kids)))
        else:
            out += leaf(r)
    return out


def _off_combs(regions: Sequence[Region], combs: Sequence[Comb]) -> list[Region]:
    def off(region: Region) -> list[Region]:
        rx0, ry0, rx1, ry1 = region.bbox
        rh = max(ry1 - ry0, 1.0)
        spans = [(rx0, rx1)]
        for comb in combs:
            cx0, cy0, cx1, cy1 = comb.box
            # A region on the comb's row (half of the shorter's height shared) loses the comb's columns.
            if min(ry1, cy1) - max(ry0, cy0) < 0.5 * min(rh, cy1 - cy0) or rx1 <= cx0 or rx0 >= cx1:
                continue
            spans = [part for a, b in spans for part in ((a, min(b, cx0 - 1.0)), (max(a, cx1 + 1.0), b))]
        # What is left of it must be a glyph wide at least (the label beside the comb).
        spans = [(a, b) for a, b in spans if b - a >= 0.3 * rh]
        if spans == [(rx0, rx1)]:
            return [region]
        return [cut_between(region, a, b) for a, b in spans]

    return map_leaves(regions, off)


#: In the image read, a comb word's glyphs stand this share of their tallest one apart (packed from the
#: word's first cell on): a reader read them a cell apart as ``CFi10``, ``77841`` (Tesseract), ``OKAFOＲ``
#: (PP-OCR). Ordinary letter spacing is under a tenth of a capital's height; a little more keeps ``rn``
#: from reading ``m``.
PACK_GAP = 0.15


def take_combs(gray: np.ndarray, regions: Sequence[Region]) -> tuple[list[Region], list[Region], np.ndarray | None]:
    """The detected ``regions`` off the page's combs, the combs' words, and the combs' walls.

    ``gray``: the page (H x W uint8); ``regions``: detected regions (page pixels; lines, words, blocks,
    whose children are looked at). With no comb on the page (:func:`find_combs`) the regions are returned
    as given, no words and no mask. Otherwise every region on a comb's row that reaches into its columns
    is cut to its parts beside the comb (a part narrower than 0.3 of the region's height is dropped; a
    region inside the comb goes whole), and each comb word (:meth:`Comb.runs`) is a level ``line`` region
    (its cells' box, score 1) whose :data:`COMB_ATTR` holds its box and its glyphs' boxes (for
    :func:`pack_comb_words`). The mask (H x W bool) is the combs' walls: paint them over in the image read
    (the caller's). Raises nothing.
    """
    combs = find_combs(gray)
    if not combs:
        return list(regions), [], None
    walls = np.zeros(gray.shape, dtype=bool)
    words: list[Region] = []
    for comb in combs:
        x0, y0, x1, y1 = comb.box
        walls[y0:y1, x0:x1] |= comb.walls
        for run, box in zip(comb.runs(), comb.words(), strict=True):
            mark = {"box": box, "glyphs": tuple(comb.glyphs[k] for k in run)}
            words.append(Region.from_box(*box, level="line", score=1.0, attributes={COMB_ATTR: mark}))
    return _off_combs(regions, combs), words, walls


def pack_comb_words(array: np.ndarray, words: Sequence[Region]) -> tuple[np.ndarray, list[Region]]:
    """The page ``array`` (H x W or H x W x C, its walls already painted over) with each comb word's glyphs
    moved together, and the words' regions to read there.

    ``words``: :func:`take_combs`'s words. Each word's box is painted in its paper colour (the median of its
    pixels) and its glyphs (their ink boxes, as they were) are put back left to right from its first
    glyph's place, :data:`PACK_GAP` of the tallest apart, at their own heights; its region to read is the
    packed glyphs' box padded by that gap (within the word's box), :data:`COMB_ATTR` kept (so
    :func:`join_comb_words` puts the word back in its cells). The page is copied when there is a word;
    raises nothing.
    """
    if not words:
        return array, []
    out = array.copy()
    packed: list[Region] = []
    for word in words:
        mark = word.attributes[COMB_ATTR]
        bx0, by0, bx1, by1 = mark["box"]
        glyphs = [g for g in mark["glyphs"] if g is not None]
        tall = max(g[3] - g[1] for g in glyphs)
        gap = max(1, round(PACK_GAP * tall))
        patches = [array[gy0:gy1, gx0:gx1].copy() for gx0, gy0, gx1, gy1 in glyphs]
        region = out[by0:by1, bx0:bx1]
        region[...] = np.median(region.reshape(-1, *region.shape[2:]), axis=0).astype(out.dtype)
        x = glyphs[0][0]
        for (gx0, gy0, gx1, gy1), patch in zip(glyphs, patches, strict=True):
            out[gy0:gy1, x:x + gx1 - gx0] = patch
            x += gx1 - gx0 + gap
        top, bottom = min(g[1] for g in glyphs), max(g[3] for g in glyphs)
        packed.append(word.with_(quad=Region.from_box(
            max(glyphs[0][0] - gap, bx0), max(top - gap, by0), min(x, bx1), min(bottom + gap, by1)).quad))
    return out, packed


def join_comb_words(units: Sequence[Region], lines: Sequence[Region]) -> list[Region]:
    """``lines`` (the recognized ``units``, one each, in order) with each comb word's line (its unit marked
    :data:`COMB_ATTR`) back in its cells' box and written as one word: its text without spaces (a comb's
    letters stand a cell apart) in NFKC form (a full-width ``Ｒ`` read in a cell is ``R``), one word child
    of that box, the mark dropped. Raises nothing."""
    out: list[Region] = []
    for unit, line in zip(units, lines, strict=True):
        mark = unit.attributes.get(COMB_ATTR)
        if not mark:
            out.append(line)
            continue
        # A letter alone in its cell comes back in its full-width form at times (PP-OCR: ``Ｒ``, ``Ｖ``).
        text = "".join(unicodedata.normalize("NFKC", line.text or "").split())
        attrs = {k: v for k, v in line.attributes.items() if k != COMB_ATTR}
        quad = Region.from_box(*mark["box"]).quad
        word = Region(quad=quad, level="word", text=text, confidence=line.confidence, score=line.score)
        out.append(line.with_(quad=quad, polygon=None, text=text, attributes=attrs, children=(word,) if text else ()))
    return out
