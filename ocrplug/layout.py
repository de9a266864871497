"""The host's layout step: words -> lines -> blocks, and the reading order of a page.

Every page goes through :func:`layout_page` after recognition, whatever its detector returned (loose
words, lines with or without word children, Tesseract's blocks). The result is one shape that
``Page.text``, every renderer and ``ocrplug eval`` read: top-level ``block`` regions whose children
are ``line`` regions whose children are ``word`` regions, all in reading order (``order`` renumbered).

How the order is found (``reading_order: auto``), in the frame of the page's dominant text angle:

1. Units. Each detector line is cut into its words (the recognizer's word boxes; without them the
   line is one unit); loose words are units of their own.
2. Columns and bands: a recursive XY-cut over the units (as in Nagy & Seth's X-Y tree and the
   whitespace cuts of Tesseract's column finder and kraken's reading order): the widest whitespace
   gap of the projection profile of the unit boxes splits the page, horizontally into bands or
   vertically into columns. Because units are words, a detector line that crosses a column gutter
   is split there (db joins lines across a narrow gutter; its words do not cover the gutter).
   A vertical gap is a column gutter only when it is at least ``column_gap`` line heights wide,
   both sides span at least a quarter of the width and hold two rows or more (a single line is never
   cut), and the rows do not pair up across it: when
   most rows of the side with fewer words per row (a receipt's prices, a form's values) share a
   baseline with a row on the other side, the page is a table and is read row by row instead.
   When only row gaps are left (a picture's caption bridges the gutter, so no cut is clean), a
   gutter that few units cover and that units bridge over at most 15% of the height still
   separates the columns; the bridging units go to the side of their centre. Its width is the strip
   the other units leave clear (word spaces of a few lines that happen to line up are no gutter); when
   that is too narrow, the widest strip that units bridge over at most 15% of the height, between prose
   columns only (a letter-spaced caption's pieces or a hyphen that end inside the gutter bridge it too).
   A narrower clear gap is a gutter when it is a long aligned river between prose columns (at least
   six rows beside it, one side's edge straight: :func:`_is_river`); a gap inside one detector line is
   its word space unless ``column_gap`` times that line's height wide (:func:`_inside_a_line`), or a
   river with both edges straight (justified columns whose rows db joined across the gutter). A gutter
   outweighs row gaps of one leading when the rows are tight or a river's edges are both straight.
   A heading over columns (a title centred over narrow columns, clear of the first column's lines; a
   display line between two paragraphs of the first column) is cut off above them first (:func:`_head_cut`).
   Bands of a grid of blocks (a label sheet: at least 3 bands at one pitch sharing a gutter, cells
   alike of two rows or more, :func:`_grid_cells`) are read cell by cell, each label whole.
3. Lines: inside each leaf block, units of one detector line stay one line; loose words on one row
   whose gap is under ``word_gap`` line heights join into a line. Lines are read in rows (centres
   within ``line_overlap`` of the smaller height), each row left to right.
4. Paragraphs: a leaf's lines are split into blocks where the vertical gap exceeds
   ``paragraph_gap`` line heights.

``reading_order: rows`` skips the column cut (every page a single column of rows); ``columns`` cuts
at every wide gutter even where rows pair up; ``detector`` keeps the detector's order and blocks
(Tesseract's own page analysis, for instance) and only fills in missing lines, words and blocks.
With ``auto``, a detector that already returned blocks (``tesseract-layout``) keeps its order.

Coordinates change in three ways only. A line that was split gets the union of its words' quads
(axis-aligned in the text frame) and its words' joined text. A line or word whose quad is off the
page's text direction by little (its far end within half its height, at most 10 degrees) is levelled
-- its quad turned about its centre to the text frame (:mod:`ocrplug.levelling`) -- where the page shows the tilt is box jitter (a
level, longer region on its row, or a box too short to measure an angle): a short word such as ``City:``
beside a level field gets no false tilt, while a scene word tilted like its neighbours, or alone, keeps it
(the same decision levels a detector line before recognition, :func:`lines_for_recognition`, so it is
cropped level). Word boxes are widened along their line by ``word_end_pad`` to hold their end letters.
Lines turned against the page (vertical text: quads starting at the text's own top-left, see
:func:`ocrplug.crops.with_rotation`) are laid out in their own frame and form blocks of their own,
placed by :func:`_place` (a left-margin label before the column pieces beside it, a right-margin
label after them). A paragraph tilted against the rest of the page (beside level labels) is laid out
in its own frame too (:func:`_direction_groups`) and placed the same way. Pieces of vertical text that a
word detector cut apart are joined into turned lines before recognition (:func:`lines_for_recognition`,
:mod:`ocrplug.vertical`); the text-frame helpers shared with those modules are in :mod:`ocrplug.geometry`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ocrplug.geometry import (
    _LINE_END_PAD,
    _box,
    _frame,
    _frame_angle,
    _heights,
    _lengthen,
    _near_groups,
    _steep_lines,
    _text_angle,
    _union_quad,
    quad_angle,
)
from ocrplug.levelling import (
    _READ_LEVEL_TAG,
    _TURNED_ASPECT,
    LEVEL_ANGLE_DEG,
    _deviation,
    _level,
    _level_jitter,
    _within_slack,
)
from ocrplug.model import Page, Quad, Region
from ocrplug.raised_marks import is_raised
from ocrplug.vertical import _CHAIN_ANCHOR, _vertical_chains, split_glyph_stacks
from ocrplug.words import _TOKEN, _line_words, _mean_score, is_rtl, synthesize_words

__all__ = [
    "INK_ENDS",
    "LEVEL_ANGLE_DEG",
    "LayoutOptions",
    "ReadingOrder",
    "adopt_words",
    "is_laid_out",
    "is_rtl",
    "layout_page",
    "layout_regions",
    "lines_for_recognition",
    "order_regions",
    "synthesize_words",
    "text_rows",
]

ReadingOrder = Literal["auto", "rows", "columns", "detector"]

# A column must span at least this share of the width of what is being cut: a narrow strip of prices
# or values beside labels is read row by row with them.
_MIN_COLUMN_SHARE = 0.25
# A vertical gap whose sides pair up row by row for more than this share of the sparser side's rows
# is a table (receipt, form), not a column gutter.
_ROW_PAIRING = 0.5
# The sparser side of a table has few words per row (a price, a value); columns of prose have many.
# A grid (a statement's amounts, a timetable) has few words per cell on both sides (see _is_table_cut).
_TABLE_WORDS_PER_ROW = 3.0
# Share of each side's rows that must pair up across a cut for a grid of short cells to be a table.
_GRID_PAIRING = 0.9
# Rows each side must hold over the vertical span both share for the table test to look at that span
# only (fewer: a lone line beside the other side's run is judged with the whole sides).
_MIN_SHARED_ROWS = 2


class LayoutOptions(BaseModel):
    """Options of the layout step (the ``layout:`` section of a pipeline config)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reading_order: ReadingOrder = Field(
        "auto",
        description="auto: columns, then rows, keeping table rows together (a detector's own blocks are "
        "kept); rows: no column cut; columns: cut at every wide gutter; detector: keep the detector's order.",
    )
    column_gap: float = Field(0.6, gt=0, le=100, description="Narrowest column gutter, in median line heights.")
    line_overlap: float = Field(
        0.5,
        gt=0,
        le=1,
        description="Two lines share a row when their centres differ by less than this share of the smaller height.",
    )
    word_gap: float = Field(
        1.5,
        ge=0,
        le=100,
        description="Loose words on one row join into a line when their gap is under this many line heights "
        "(1.5: receipt and form cells a word apart stay apart; measured on SROIE, docs/benchmarks.md).",
    )
    paragraph_gap: float = Field(
        1.0,
        ge=0,
        le=100,
        description="Lines of a column split into paragraphs (blocks) where the "
        "vertical gap exceeds this many line heights (0: never).",
    )
    read_lines: bool = Field(
        True,
        description="Loose words (a word detector such as craft) are joined into lines before recognition "
        "and each line is read whole; false: each word is read alone.",
    )
    empty_checkboxes: Literal["write", "drop"] = Field(
        "write",
        description="A form's empty checkbox (a drawn square, found from its ink) is written as \u2610 "
        "(write) or left out (drop); a ticked one is always written \u2611 (ocrplug.checkboxes; chosen on "
        "funsd_train, docs/benchmarks.md \"Checkboxes\").",
    )
    word_end_pad: float = Field(
        0.15,
        ge=0,
        le=2,
        description="Word boxes a recognizer cut from a line (no detector score) are widened along the line "
        "by up to this many line heights at each end "
        "(never past the line's box, never by more than a quarter of the gap to the next word), so they "
        "hold their first and last letters (recognizer word boxes cut from time steps end inside them); "
        "0: boxes as given. Chosen on funsd_train and icdar2015_val (best mean word H-mean, "
        "benchmarks/word_pad_tune.py; docs/eval.md).",
    )


# --------------------------------------------------------------------------------------------------
# Units


@dataclass
class _Unit:
    """One word-sized piece of the page in the text frame: ``box`` = (x0, y0, x1, y1)."""

    region: Region  # a word (or a whole line / unknown-level region when it has no words)
    source: int  # index of the detector line it came from; -1 for a loose word
    box: np.ndarray


def _flatten(regions: Sequence[Region]) -> tuple[list[Region], list[Region]]:
    """Detector lines (blocks flattened) and loose words, in the order given."""
    lines: list[Region] = []
    loose: list[Region] = []
    for region in regions:
        if region.level == "block":
            if region.children:
                sub_lines, sub_loose = _flatten(region.children)
                lines += sub_lines
                loose += sub_loose
            else:
                lines.append(region.with_(level="line"))
        elif region.level == "line":
            lines.append(region)
        else:
            loose.append(region)
    return lines, loose


# --------------------------------------------------------------------------------------------------
# Ordering


def _gaps(lo: np.ndarray, hi: np.ndarray) -> list[tuple[float, float]]:
    """Whitespace gaps ``(start, width)`` in the union of the intervals [lo, hi]."""
    idx = np.argsort(lo, kind="stable")
    reach = np.maximum.accumulate(hi[idx])
    starts = lo[idx][1:]
    widths = starts - reach[:-1]
    return [(float(reach[k]), float(widths[k])) for k in np.nonzero(widths > 0)[0]]


def _row_groups(boxes: np.ndarray, line_overlap: float) -> list[list[int]]:
    """Indices grouped into rows by centre height (top to bottom); each row sorted left to right.

    A box joins the row above when the centres lie within ``line_overlap`` of the smaller height. A
    mark (a box under :data:`_MARK_SHARE` of the boxes' median height: a lone ``-`` or ``.`` cell, which
    a recognizer boxes tight around its ink, 3 px tall on a 30 px row) joins within ``line_overlap`` of
    the row's text height instead, and does not move the row's centre or height; a row that so far holds
    only marks takes its centre and height from the first text box that joins it. Before, a table row's
    ``-`` cells were a row of their own and read after the row's other cells (T10's rota with the
    ``tesseract`` recognizer: ``E E L N N 36 - -`` for ``E E L - N N - 36``; issue 24).
    """
    if len(boxes) == 0:
        return []
    cy = (boxes[:, 1] + boxes[:, 3]) / 2
    h = _heights(boxes)
    is_mark = h < _MARK_SHARE * float(np.median(h))
    rows: list[list[int]] = []
    row_y: list[float] = []  # mean centre of the row's text boxes (of its first mark while it has no text)
    row_h: list[float] = []  # smallest height of the row's text boxes (idem)
    row_text: list[int] = []  # how many text boxes (not marks) the row holds
    for i in np.argsort(cy, kind="stable"):
        if rows:
            dy = abs(cy[i] - row_y[-1])
            if is_mark[i]:
                joins = dy < line_overlap * max(h[i], row_h[-1]) if row_text[-1] else dy < line_overlap * min(h[i], row_h[-1])
            else:
                joins = dy < line_overlap * (h[i] if not row_text[-1] else min(h[i], row_h[-1]))
            if joins:
                rows[-1].append(int(i))
                if not is_mark[i]:
                    if not row_text[-1]:  # the row held only marks so far: this box is its text
                        row_y[-1], row_h[-1] = float(cy[i]), float(h[i])
                    row_text[-1] += 1
                    row_y[-1] += (cy[i] - row_y[-1]) / row_text[-1]
                    row_h[-1] = min(row_h[-1], float(h[i]))
                continue
        rows.append([int(i)])
        row_y.append(float(cy[i]))
        row_h.append(float(h[i]))
        row_text.append(0 if is_mark[i] else 1)
    return [sorted(row, key=lambda k: boxes[k, 0]) for row in rows]


#: A box under this share of the boxes' median height is a mark (a dash, a stop) for :func:`_row_groups`:
#: a lone ``-`` is 0.1 of a cap height, ``.`` 0.15, ``,`` 0.25; small print beside body text (0.6-0.8) is
#: not. Chosen between those; T10's rota (``tesseract`` recognizer), guards in docs/benchmarks.md.
_MARK_SHARE = 0.3


def _words_per_row(boxes: np.ndarray, line_overlap: float) -> float:
    return len(boxes) / max(len(_row_groups(boxes, line_overlap)), 1)


def _is_column_cut(boxes: np.ndarray, left: np.ndarray, opts: LayoutOptions) -> bool:
    """Whether a vertical cut (``left``: units on its left) separates columns: each side holds at least
    two rows (a single line is never cut into columns), and with ``auto`` the sides are not a table."""
    for side in (left, ~left):
        if len(_row_groups(boxes[side], opts.line_overlap)) < 2:
            return False
    if opts.reading_order != "auto":
        return True
    return _repeated_lists(boxes, left, opts) or not _is_table_cut(
        boxes, left, opts.line_overlap, opts.word_gap, opts.column_gap
    )


# A two-column price list (:func:`_repeated_lists`): each side's rows under a heading hold the same
# number of cells (at least 2: a dish and its price), in at least _LIST_BODY_SHARE of them, and the two
# sides are alike in width (within _LIST_WIDTH of the wider). Measured by benchmarks/price_lists.py
# (generated menus and price lists) and, for tables read row by row, on its statements / timetables and
# funsd_train (docs/benchmarks.md "Lines of different directions kept apart; a two-column menu's order").
_LIST_BODY_SHARE = 0.8
_LIST_WIDTH = 0.15


def _row_cells(b: np.ndarray, row: list[int], word_gap: float) -> list[tuple[float, float]]:
    """The cells ``(x0, x1)`` of one row's units (``row``: indices left to right), split as :func:`_cells`."""
    r = b[row]
    h = _heights(r)
    reach = np.maximum.accumulate(r[:, 2])
    starts = [0, *(k for k in range(1, len(r)) if r[k, 0] - reach[k - 1] > word_gap * min(h[k], h[k - 1]))]
    ends = [*starts[1:], len(r)]
    return [(float(r[a:e, 0].min()), float(r[a:e, 2].max())) for a, e in zip(starts, ends, strict=True)]


def _repeated_lists(boxes: np.ndarray, left: np.ndarray, opts: LayoutOptions) -> bool:
    """Whether a vertical cut parts two lists of one make (a menu's two columns), read one after the other.

    ``boxes``: (n, 4) unit boxes in the text frame (pixels); ``left``: the units on the cut's left. Row by
    row such a cut looks like a table's (:func:`_is_table_cut`: a dish and its price on each side, rows
    paired across), and T11's two-column menu was read across (``Minestrone soup 7 Diavola 11.50``). A
    list of its own is told by a heading per column: on both sides the top row is one cell starting at
    the side's left edge (``Starters``, ``Pizza``) while the other rows, bar headings, hold one number of
    cells, at least 2, the same on both sides; and the sides are alike in width. A table's header names
    each of its columns (``Date Description`` over ``Ref Debit Credit Balance``, a timetable's stops and
    trips), so its top row on a side holds as many cells as the rows under it.
    """
    shape = []
    for side in (left, ~left):
        b = boxes[side]
        rows = [_row_cells(b, row, opts.word_gap) for row in _row_groups(b, opts.line_overlap)]
        h = float(np.median(_heights(b)))
        x0 = float(b[:, 0].min())
        if len(rows) < 3 or len(rows[0]) != 1 or rows[0][0][0] - x0 > h:
            return False
        body = [len(r) for r in rows[1:] if len(r) > 1 or r[0][0] - x0 > h]  # headings: one cell at the edge
        counts = np.bincount(body) if body else np.zeros(1, dtype=np.int64)
        cells = int(np.argmax(counts))
        if cells < 2 or counts[cells] < _LIST_BODY_SHARE * len(body):
            return False
        shape.append((cells, float(b[:, 2].max()) - x0))
    (c0, w0), (c1, w1) = shape
    return c0 == c1 and abs(w0 - w1) <= _LIST_WIDTH * max(w0, w1)


def _cells(boxes: np.ndarray, row: list[int], word_gap: float) -> int:
    """How many cells one row's units (``row``: indices, left to right) make: a new cell starts where
    the blank before a unit is over ``word_gap`` times the smaller height of it and its left neighbour
    (the rule that joins loose words into a line, so a cell is what would be read as one line)."""
    b = boxes[row]
    h = _heights(b)
    reach = np.maximum.accumulate(b[:, 2])
    return 1 + int(np.sum(b[1:, 0] - reach[:-1] > word_gap * np.minimum(h[1:], h[:-1])))


def _per_cell(boxes: np.ndarray, rows: list[list[int]], word_gap: float) -> float:
    """Mean units per cell over ``rows`` (row groups of ``boxes``; cells as :func:`_cells` splits them)."""
    return len(boxes) / max(sum(_cells(boxes, row, word_gap) for row in rows), 1)


def _words_per_cell(boxes: np.ndarray, opts: LayoutOptions) -> float:
    """Mean units per cell of ``boxes`` (n, 4): a line of prose is one cell of many words, a table's cell 1-3."""
    return _per_cell(boxes, _row_groups(boxes, opts.line_overlap), opts.word_gap)


def _paired_share(sides: list[np.ndarray], rows: list[list[list[int]]], k: int, line_overlap: float) -> float:
    """Share of side ``k``'s rows whose centre lies within ``line_overlap`` of the smaller height of a
    unit of the other side (the two share a baseline)."""
    other = sides[1 - k]
    ocy = (other[:, 1] + other[:, 3]) / 2
    oh = _heights(other)
    paired = 0
    for row in rows[k]:
        b = sides[k][row]
        cy = float(((b[:, 1] + b[:, 3]) / 2).mean())
        h = float(_heights(b).min())
        if np.any(np.abs(ocy - cy) < line_overlap * np.minimum(oh, h)):
            paired += 1
    return paired / max(len(rows[k]), 1)


def _is_table_cut(
    boxes: np.ndarray, left: np.ndarray, line_overlap: float, word_gap: float, column_gap: float = 0.6
) -> bool:
    """Whether the rows on both sides of a vertical cut pair up (a table, read row by row).

    ``boxes``: (n, 4) unit boxes (x0, y0, x1, y1) in the text frame, pixels; ``left``: (n,) booleans,
    the units on the cut's left; ``word_gap``: the blank, in line heights, over which a row's words are
    two cells (``LayoutOptions.word_gap``, see :func:`_cells`). Two ways make a table:

    - a strip of values: the side with fewer words per row holds at most ``_TABLE_WORDS_PER_ROW`` of
      them (a receipt's prices, a form's values) and more than ``_ROW_PAIRING`` of its rows share a
      baseline with a row of the other side;
    - a grid: both sides hold at most ``_TABLE_WORDS_PER_ROW`` words per *cell* and at least
      ``_GRID_PAIRING`` of each side's rows pair up. A cut between two columns of a table leaves
      several cells on each side's rows (a statement's Ref, Debit, Credit, Balance: 3 to 4 words a
      row, 1 a cell; a timetable's trips: 5 to 10 words a row, 1 a cell), which per row look like
      prose; a line of a prose column is one cell of many words, and two columns of form fields
      (label and value on each side) do not pair row for row on both sides. A side whose cells hold
      more words passes when it is a spaced grid (:func:`_spaced_grid`, ``column_gap``: as
      ``LayoutOptions.column_gap``): a timetable's times in tall word boxes (``fast``) lie less than
      ``word_gap`` line heights apart and join into one cell a row (issue 24, C16).

    Density and pairing are judged over the rows of the vertical span both
    sides share (unit centres within it), so prose above or below a table on one side only (a note
    under the first column) neither thins that side's rows nor leaves them unpaired; when that span holds
    under ``_MIN_SHARED_ROWS`` rows on a side, the whole sides are judged.
    """
    sides = [boxes[left], boxes[~left]]
    top = max(float(b[:, 1].min()) for b in sides)
    bottom = min(float(b[:, 3].max()) for b in sides)
    shared = [b[((b[:, 1] + b[:, 3]) / 2 >= top) & ((b[:, 1] + b[:, 3]) / 2 <= bottom)] for b in sides]
    if all(len(_row_groups(b, line_overlap)) >= _MIN_SHARED_ROWS for b in shared):
        sides = shared
    rows = [_row_groups(b, line_overlap) for b in sides]
    density = [len(b) / max(len(r), 1) for b, r in zip(sides, rows, strict=True)]
    sparse = int(np.argmin(density))
    if density[sparse] <= _TABLE_WORDS_PER_ROW and _paired_share(sides, rows, sparse, line_overlap) > _ROW_PAIRING:
        return True
    per_cell = [_per_cell(b, r, word_gap) for b, r in zip(sides, rows, strict=True)]
    return all(
        c <= _TABLE_WORDS_PER_ROW or _spaced_grid(b, r, line_overlap, column_gap)
        for b, r, c in zip(sides, rows, per_cell, strict=True)
    ) and all(
        _paired_share(sides, rows, k, line_overlap) >= _GRID_PAIRING for k in (0, 1)
    )


def _spaced_grid(b: np.ndarray, rows: list[list[int]], line_overlap: float, column_gap: float) -> bool:
    """Whether units ``b`` (n, 4), rows ``rows`` (their :func:`_row_groups`), are a grid of short cells that
    the word-gap rule joins into long ones: they stand in columns of their own (:func:`_is_grid`, within
    ``_RIVER_ALIGN`` median line heights) and the median blank between neighbours on a row is at least
    ``column_gap`` median line heights (a table's column spacing, not a word space). T15's timetable with
    ``fast``: 15 px digits in 27 px word boxes 30 px apart, whose row of times made one cell of 5 to 11 words.
    """
    h = float(np.median(_heights(b)))
    blanks = [float(g) for row in rows for g in b[row[1:], 0] - b[row[:-1], 2]]
    if not blanks or float(np.median(blanks)) < column_gap * h:
        return False
    return _is_grid(b, _RIVER_ALIGN * h, line_overlap)


# A gutter may be bridged by units (a picture's caption or stray marks, a drop cap) over at most this
# share of the height of what is being cut.
_GUTTER_BRIDGE = 0.15


def _covered(lo: np.ndarray, hi: np.ndarray) -> float:
    """Total length of the union of the intervals [lo, hi]."""
    if not len(lo):
        return 0.0
    idx = np.argsort(lo, kind="stable")
    lo, hi = lo[idx], np.maximum.accumulate(hi[idx])
    starts = np.maximum(lo, np.concatenate([[lo[0]], hi[:-1]]))
    return float(np.maximum(hi - starts, 0).sum())


def _crossed_gutters(b: np.ndarray, min_col_gap: float, opts: LayoutOptions) -> list[tuple[float, float]]:
    """Column gutters ``(start, width)`` that units bridge over at most ``_GUTTER_BRIDGE`` of the height.

    Candidates are the x ranges where few units lie (at most a fifth of the rows); each is kept when
    the units overlapping it cover little of the height (their centres then put them on one side).
    """
    if len(b) < 8:
        return []
    left, right = float(b[:, 0].min()), float(b[:, 2].max())
    top, bottom = float(b[:, 1].min()), float(b[:, 3].max())
    x0 = np.floor(b[:, 0] - left).astype(int)
    x1 = np.ceil(b[:, 2] - left).astype(int)
    cover = np.zeros(math.ceil(right - left) + 2, dtype=np.int64)
    np.add.at(cover, x0, 1)
    np.add.at(cover, x1, -1)
    cover = np.cumsum(cover)[:-1]
    rows = max(1, len(_row_groups(b, opts.line_overlap)))
    low = (cover <= max(2, rows // 5)).astype(np.int8)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], low, [0]])))
    min_side = _MIN_COLUMN_SHARE * (right - left)
    centres = (b[:, 0] + b[:, 2]) / 2
    out = []
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        g = (left + float(start), float(end - start))
        if g[0] - left < min_side or right - (g[0] + g[1]) < min_side:
            continue
        mid = g[0] + g[1] / 2
        bridge = (b[:, 0] < mid) & (b[:, 2] > mid)  # units across the gutter's centre line
        if _covered(b[bridge, 1], b[bridge, 3]) > _GUTTER_BRIDGE * (bottom - top):
            continue
        # The gutter is what the other units leave clear about that line, not the run where few units
        # lie: word spaces of a few rows, staggered, make such a run as wide as a gutter around a
        # clear strip of 2-3 px (issue 24, T9 fault 5).
        clear_lo = float(b[~bridge & (b[:, 2] <= mid), 2].max(initial=left))
        clear_hi = float(b[~bridge & (b[:, 0] >= mid), 0].min(initial=right))
        widened = clear_hi - clear_lo < min_col_gap
        if widened:
            # Units that bridge the gutter need not cross its centre line: a caption set across it in
            # letter-spaced capitals (a word a letter or two, their spaces lined up with the gutter) or
            # a column's hyphen reaching into it. The gutter is then the widest strip of the run that
            # units bridge over at most _GUTTER_BRIDGE of the height (issue 24, UNLV 8087 / 8071).
            strip = _bridged_strip(b, g, (clear_lo, clear_hi), _GUTTER_BRIDGE * (bottom - top))
            if strip[1] - strip[0] >= min_col_gap and _both_sides_long(b, (strip[0] + strip[1]) / 2, bottom - top):
                clear_lo, clear_hi = strip
            elif clear_hi <= clear_lo or not _is_river(
                b[~bridge], centres[~bridge] < mid, (clear_lo, clear_hi - clear_lo), opts
            ):
                # Narrower: a gutter only as a long aligned river of the units that do not bridge it
                # (a newspaper's narrow gutter that one of db's lines across it, read as a word, bridges).
                continue
        g = (clear_lo, clear_hi - clear_lo)
        left_side = centres < g[0] + g[1] / 2
        # Only prose columns (several words a row on both sides): a form's sparse fields are never
        # split by a gutter that something bridges. A widened strip also needs several words a cell
        # (lines of prose, not a grid of numbers a few pixels apart: funsd_train 0000999294's table).
        dense = all(
            _words_per_row(b[side], opts.line_overlap) > _TABLE_WORDS_PER_ROW
            and (not widened or _words_per_cell(b[side], opts) > _TABLE_WORDS_PER_ROW)
            for side in (left_side, ~left_side)
        )
        if dense and _is_column_cut(b, left_side, opts):
            out.append(g)
    return out


# A strip widened past units that reach into it (:func:`_bridged_strip`) is a gutter only between two columns
# that each run down at least _WIDENED_SIDE_SHARE of the height being cut: a caption or a hyphen narrows a
# real gutter between long columns, while gaps that faded print leaves in a few rows of a form's field
# (FUNSD 87594142_87594144, ``fast``: ``TELA HONE NUN | ER OF NDIVIDUAL`` over 4 of the block's rows, 0.40
# of its height) line up into a strip of the same width with nothing beside it below.
_WIDENED_SIDE_SHARE = 0.5


def _both_sides_long(b: np.ndarray, mid: float, height: float) -> bool:
    """Whether the units wholly left and wholly right of the x line ``mid`` each cover (union of their y
    intervals) at least ``_WIDENED_SIDE_SHARE`` of ``height`` pixels; ``b``: (n, 4) unit boxes, text frame."""
    sides = (b[:, 2] <= mid, b[:, 0] >= mid)
    return all(_covered(b[s, 1], b[s, 3]) >= _WIDENED_SIDE_SHARE * height for s in sides)


def _bridged_strip(
    b: np.ndarray, run: tuple[float, float], clear: tuple[float, float], limit: float
) -> tuple[float, float]:
    """The widest strip ``(x0, x1)`` about a gutter's centre line that units bridge over at most ``limit``.

    ``b``: (n, 4) unit boxes (x0, y0, x1, y1), text frame, pixels; ``run``: ``(start, width)``, the x range
    where few units lie (the strip stays inside it); ``clear``: the strip left clear by the units that do not
    cross the centre line (it is returned when no wider strip qualifies); ``limit``: the most height, in
    pixels, that the units overlapping the strip may cover together (their y intervals' union, the units
    across the centre line included). Each edge is tried at the clear strip's, at every unit edge between it and the run's end,
    and at the run's end; n is the units near one gutter, so the pairs are few.
    """
    start, end = run[0], run[0] + run[1]
    los = sorted({clear[0], min(start, clear[0]), *(float(x) for x in b[:, 2] if start < x < clear[0])}, reverse=True)
    his = sorted({clear[1], max(end, clear[1]), *(float(x) for x in b[:, 0] if clear[1] < x < end)})
    best = clear
    for lo in los:
        for hi in his:
            if hi - lo <= best[1] - best[0]:
                continue
            over = (b[:, 0] < hi) & (b[:, 2] > lo)
            if _covered(b[over, 1], b[over, 3]) > limit:
                break  # a wider strip on this side overlaps these units too
            best = (lo, hi)
    return best


# A narrow gutter (a newspaper's, under ``column_gap`` line heights, often narrower than the word spaces
# that a recognizer's tight word boxes leave) is told from word spaces by its length and its edge, not its
# width (:func:`_is_river`): it is clear over at least _RIVER_ROWS rows that hold words on both sides, and
# in at least _RIVER_EDGE of those rows the words beside it start (or end) within _RIVER_ALIGN line heights
# of one x -- a column's aligned edge. Word spaces that happen to line up over that many rows start their
# next words a word space apart. Measured on benchmarks/multi_column.py's pages (docs/benchmarks.md
# "Narrow gutters and split titles").
_RIVER_ROWS = 6
_RIVER_ALIGN = 0.1
_RIVER_EDGE = 0.5
# Row gaps of one leading (text set on one line pitch: the gaps vary with ascenders and descenders) lie
# within _LEADING_SPREAD times their median; a river outweighs them in the XY-cut, a wider row gap (an
# article's end, a heading's space) is cut first. The widest row gap of benchmarks/column_variants.py's
# pages (``fast``) is 1.02-1.26 times the median; 1.5 is a margin over that, under a blank line's gap
# (about twice a row gap). docs/benchmarks.md "Narrow justified gutters, joined columns and tables of
# one-line cells" (issue 24, N14).
_LEADING_SPREAD = 1.5
# A river with both edges straight is a gutter even where the rows' detector lines cross it only when at least
# _JUSTIFIED_GUTTER median line heights wide: justified columns' gutters are 0.34-1.16 (benchmarks/
# column_variants.py's pages with ``fast``, V13's with ``swift``), the 1 px strip between a typewritten
# paragraph's words on a character grid 0.06 (funsd_train 00093726, ``fast``: cut into columns without it).
_JUSTIFIED_GUTTER = 0.2
# ... but only where the rows are tight (median row gap at most _LEADING_TIGHT median unit heights: 0.23-0.68
# on benchmarks/column_variants.py's column pages with ``fast``'s word boxes, 0.71 on V13's cols3_g14,
# 0.81-1.19 on the variants' ruled tables of one-line cells) or the river's both edges are straight
# (justified columns). ``swift``'s ink-tight word boxes make every page's rows look wide (0.90-1.08 on V13's
# column pages): its ragged columns keep main's order.
_LEADING_TIGHT = 0.75


def _is_river(
    b: np.ndarray, left: np.ndarray, gap: tuple[float, float], opts: LayoutOptions, both_edges: bool = False
) -> bool:
    """Whether a clear x gap narrower than ``column_gap`` is a column gutter (a long aligned river).

    ``b``: (n, 4) unit boxes (x0, y0, x1, y1) in the text frame, pixels; ``left``: (n,) booleans, the units
    left of the gap; ``gap``: ``(start, width)`` in pixels, clear of every unit. True when both sides are prose
    (more than ``_TABLE_WORDS_PER_ROW`` words a row), at least ``_RIVER_ROWS`` rows hold units on both sides,
    and in at least ``_RIVER_EDGE`` of those rows the first unit right of the gap starts, or the last unit
    left of it ends, within ``_RIVER_ALIGN`` median line heights of that side's median edge; with
    ``both_edges``, when both sides' edges are so straight and the gap is at least ``_JUSTIFIED_GUTTER``
    median line heights wide (justified columns: a gutter that the detector's
    lines cross, joined across it, while a typewriter's word spaces lined up over many rows have one
    straight edge at most, the next words' starts on its character grid; issue 24, N14).
    """
    tol = _RIVER_ALIGN * float(np.median(_heights(b)))
    for side in (left, ~left):
        if _words_per_row(b[side], opts.line_overlap) <= _TABLE_WORDS_PER_ROW or _is_grid(b[side], tol, opts.line_overlap):
            return False
    lo, hi = gap[0], gap[0] + gap[1]
    starts, ends = [], []
    for row in _row_groups(b, opts.line_overlap):
        r = b[row]
        if np.any(r[:, 2] <= lo) and np.any(r[:, 0] >= hi):
            ends.append(float(r[r[:, 2] <= lo, 2].max()))
            starts.append(float(r[r[:, 0] >= hi, 0].min()))
    if len(starts) < _RIVER_ROWS:
        return False
    straight = [np.mean(np.abs(np.asarray(e) - np.median(e)) <= tol) >= _RIVER_EDGE for e in (starts, ends)]
    if both_edges:
        return all(straight) and gap[1] >= _JUSTIFIED_GUTTER * tol / _RIVER_ALIGN
    return any(straight)


def _is_grid(b: np.ndarray, tol: float, line_overlap: float) -> bool:
    """Whether units ``b`` (n, 4) stand in columns of their own: most units that do not start a row start
    within ``tol`` pixels of a unit's start in at least half of the rows (a table of numbers, whose cells a
    few pixels apart join into long cells; a prose line's words start where its words' lengths put them).
    A grid's own gaps line up like a narrow gutter: funsd_train 0000999294's table, 7 px between halves.
    ``line_overlap``: as ``LayoutOptions.line_overlap`` (rows of :func:`_row_groups`)."""
    rows = _row_groups(b, line_overlap)
    row_of = np.empty(len(b), dtype=np.int64)
    for k, row in enumerate(rows):
        row_of[row] = k
    inner = np.asarray([i for row in rows for i in row[1:]], dtype=np.int64)
    if len(inner) == 0:
        return False
    near = np.abs(b[inner, 0][:, None] - b[:, 0][None, :]) <= tol
    counts = np.asarray([len(np.unique(row_of[m])) for m in near])
    return bool(np.median(counts) >= 0.5 * len(rows))


def _lines_across(b: np.ndarray, src: np.ndarray | None, gap: tuple[float, float]) -> int:
    """How many detector lines (``src``: each unit's, -1 loose; None: none known) have units on both sides of
    the clear x gap ``gap`` (start, width): a river that most rows' own lines cross is their word spaces
    (typewriter text, whose words start on a character grid: funsd_train 00093726), not a gutter."""
    if src is None:
        return 0
    lo, hi = gap[0], gap[0] + gap[1]
    left = set(src[(src >= 0) & (b[:, 2] <= lo)].tolist())
    return len(left & set(src[(src >= 0) & (b[:, 0] >= hi)].tolist()))


def _inside_a_line(b: np.ndarray, src: np.ndarray | None, gap: tuple[float, float], column_gap: float) -> bool:
    """Whether a clear x gap is a word space of a detector line that crosses it.

    ``src``: (n,) the detector line of each unit of ``b`` (-1: a loose word) or None (no lines known). A gap
    that the units of one detector line lie on both sides of is that line's word space when it is narrower
    than ``column_gap`` times the line's height (the median height of its units): T11's shelf label read
    its 44 px title ``Oat Drink Barista 1 L`` as two columns at an 18 px space that the page's smaller lines
    made wider than ``column_gap`` median heights (issue 24, D12's diagnosis, session 12).
    """
    if src is None:
        return False
    lo, hi = gap[0], gap[0] + gap[1]
    h = _heights(b)
    for k in np.unique(src[(src >= 0) & (b[:, 2] <= lo)]):
        own = src == k
        if np.any(own & (b[:, 0] >= hi)) and gap[1] < column_gap * float(np.median(h[own])):
            return True
    return False


# A heading over columns (:func:`_head_cut`) is parted from what follows by a row gap wider than
# _LEADING_SPREAD times the median row gap (a title's or a display line's space, not a row of the leading),
# and is off its column: it starts more than _HEAD_OUTSET median line heights left of the column's rows
# (a column's lines start on its edge, within a few pixels; a display line or a title centred over narrow
# columns starts a gutter or more left of it). Swept on benchmarks/column_variants.py --kind titled and the
# accuracy table's cached pages (docs/benchmarks.md "Headings over columns").
_HEAD_OUTSET = 1.0


def _head_cut(b: np.ndarray, cuts: np.ndarray, y_gaps: list[tuple[float, float]], opts: LayoutOptions) -> float | None:
    """Where to cut a heading over columns off before the columns (a y position), or None.

    ``b``: (n, 4) unit boxes (x0, y0, x1, y1) in the text frame, pixels; ``cuts``: the x positions of the
    column cut about to be made; ``y_gaps``: every clear row gap ``(start, width)`` of ``b``. The XY-cut reads
    its first column whole before the next; a title centred over two narrow columns, clear of the first
    column's lines (T14's ``science_2col``: a 1700 px page whose columns fill a quarter of it each), fell to
    the second column's side of the gutter and was read after the whole first column (issue 24, N15). A head
    is a row with no unit in the first column whose cell (:func:`_row_cells`) is off its own column: it
    starts more than ``_HEAD_OUTSET`` median line heights left of the median start of its column's rows
    (it reaches into the gutter) and crosses the centre line of ``b`` -- or, when it is the row's only cell
    and row gaps wider than ``_LEADING_SPREAD`` times the median part it from the rows above and below, its
    column's start (a display line, when the page's text ends short of the right margin: ``accurate`` missed
    the equation's number ``(1)``) -- or it lies above every unit of the first column and starts so or
    crosses the centre line (a title, an author line). The cut is the first row gap under the head that is
    wider than ``_LEADING_SPREAD`` times the median row gap and has units of the first column below it
    (otherwise the orders agree). A column's own lines start on its edge: never a head. Without the spacing
    and one-cell conditions a display line crossing its column's start moved 4 of 572 cached pages of the
    accuracy table (a magazine column's line beside a caption, scene words).
    """
    if not len(y_gaps) or not len(cuts):
        return None
    band = np.searchsorted(cuts, (b[:, 0] + b[:, 2]) / 2)
    first = band == 0
    h = float(np.median(_heights(b)))
    centre = (float(b[:, 0].min()) + float(b[:, 2].max())) / 2
    first_top = float(b[first, 1].min())
    wide = _LEADING_SPREAD * float(np.median([w for _, w in y_gaps]))
    cy = (b[:, 1] + b[:, 3]) / 2
    starts: dict[int, float] = {}
    for k in np.unique(band[~first]):
        piece = b[band == k]
        starts[int(k)] = float(np.median([piece[row, 0].min() for row in _row_groups(piece, opts.line_overlap)]))
    for row in _row_groups(b, opts.line_overlap):
        if np.any(first[row]):
            continue
        above = float(b[row, 3].max()) <= first_top
        column_start = starts[int(band[row[0]])]
        top, bottom = float(b[row, 1].min()), float(b[row, 3].max())
        spaced = sum(
            width > wide and (abs(start + width - top) < 1 or abs(start - bottom) < 1) for start, width in y_gaps
        ) == 2
        row_cells = _row_cells(b, row, opts.word_gap)
        display = spaced and len(row_cells) == 1
        cells = [
            (x0 < column_start - _HEAD_OUTSET * h, x0 < centre < x1 or (display and x1 > column_start))
            for x0, x1 in row_cells
        ]
        if not any((out or across) if above else (out and across) for out, across in cells):
            continue
        for start, width in sorted(y_gaps):
            mid = start + width / 2
            if start >= bottom - 1e-6 and width > wide and np.any(first & (cy > mid)):
                return mid
        return None
    return None


def _xy_cut(
    idx: np.ndarray, boxes: np.ndarray, min_col_gap: float, opts: LayoutOptions, sources: np.ndarray | None = None
) -> list[np.ndarray]:
    """Leaf blocks (arrays of unit indices) in reading order.

    ``boxes``: (n, 4) unit boxes in the text frame, pixels; ``idx``: the units to cut; ``min_col_gap``: the
    narrowest column gutter in pixels (``column_gap`` median line heights); ``sources``: (n,) each unit's
    detector line (-1: loose), or None. A clear x gap at least ``min_col_gap`` wide is a gutter unless a
    detector line's word space (:func:`_inside_a_line`); a narrower one when it is a long aligned river
    (:func:`_is_river`), weighed then as ``min_col_gap`` wide against the row gaps.
    """
    if len(idx) <= 1:
        return [idx]
    b = boxes[idx]
    src = sources[idx] if sources is not None else None
    y_gaps = _gaps(b[:, 1], b[:, 3])
    all_y_gaps = list(y_gaps)
    x_gaps: list[tuple[float, float]] = []
    weights: list[float] = []
    if opts.reading_order != "rows":
        left, right = float(b[:, 0].min()), float(b[:, 2].max())
        min_side = _MIN_COLUMN_SHARE * (right - left)
        centres = (b[:, 0] + b[:, 2]) / 2
        for g in _gaps(b[:, 0], b[:, 2]):
            if g[0] - left < min_side or right - (g[0] + g[1]) < min_side:
                continue
            on_left = centres < g[0] + g[1] / 2
            if g[1] >= min_col_gap:
                if not _is_column_cut(b, on_left, opts) or (
                    _inside_a_line(b, src, g, opts.column_gap) and not _is_river(b, on_left, g, opts, both_edges=True)
                ):
                    continue
            elif not (_is_river(b, on_left, g, opts) and _is_column_cut(b, on_left, opts)) or (
                _lines_across(b, src, g) > _RIVER_EDGE * len(_row_groups(b, opts.line_overlap))
                and not _is_river(b, on_left, g, opts, both_edges=True)
            ):
                continue
            x_gaps.append(g)
            weights.append(max(g[1], min_col_gap))
    if x_gaps and y_gaps and (
        float(np.median([w for _, w in y_gaps])) <= _LEADING_TIGHT * float(np.median(_heights(b)))
        or any(_is_river(b, centres < s + w / 2, (s, w), opts, both_edges=True) for s, w in x_gaps)
    ):
        # A gutter outweighs the rows' leading (columns set on one leading leave row gaps as wide as
        # ``column_gap`` line heights, or as the gutter, across the page: cut there first, the columns
        # were read across); only a row gap clearly wider than the leading (an article's end) is cut
        # before it. Rows set wider apart than _LEADING_TIGHT line heights are a table's (a ruled table of
        # one-line cells, its cells' left edges straight) unless a river has both edges straight.
        lead = _LEADING_SPREAD * float(np.median([w for _, w in y_gaps]))
        leading = max((w for _, w in y_gaps if w <= lead), default=0.0)
        weights = [max(w, leading * (1 + 1e-6)) for w in weights]
        y_gaps = [(s, w) for s, w in y_gaps if w > max(weights)]
    best_y = max((w for _, w in y_gaps), default=0.0)
    best_x = max(weights, default=0.0)
    if opts.reading_order != "rows" and best_x <= 0 and best_y < min_col_gap:
        # Only row gaps are left, but a picture or a stray mark may bridge the gutter of two columns:
        # look again for a gutter that at most a few units cross (they go to the side of their centre).
        x_gaps = _crossed_gutters(b, min_col_gap, opts)
        weights = [w for _, w in x_gaps]
        best_x = max(weights, default=0.0)
    if best_y <= 0 and best_x <= 0:
        return [idx]
    # Cut along the axis with the widest gap, at every gap nearly as wide, so recursions stay shallow.
    if best_x > best_y:
        axis, gaps = 0, [(s, w, v) for (s, w), v in zip(x_gaps, weights, strict=True)]
    else:
        axis, gaps = 1, [(s, w, w) for s, w in y_gaps]
    best = max(best_x, best_y)
    cuts = np.asarray(sorted(start + width / 2 for start, width, weight in gaps if weight >= 0.5 * best))
    if axis == 0 and opts.reading_order == "auto":
        head = _head_cut(b, cuts, all_y_gaps, opts)
        if head is not None:  # a title or a display line over the columns: cut it off above them first
            axis, cuts = 1, np.asarray([head])
    band = np.searchsorted(cuts, (b[:, axis] + b[:, axis + 2]) / 2)
    pieces = [idx[band == k] for k in range(len(cuts) + 1)]
    pieces = [m for m in pieces if len(m)]
    if len(pieces) == 1:
        return [idx]
    if axis == 1 and opts.reading_order != "rows":
        # Bands of a grid of blocks (a label sheet): each band is read cell by cell, left to right.
        pieces = [cell for piece in _grid_cells(pieces, boxes, min_col_gap, opts) for cell in piece]
    out: list[np.ndarray] = []
    for members in pieces:
        out.extend(_xy_cut(members, boxes, min_col_gap, opts, sources))
    return out


# A grid of blocks (a label sheet) is found in at least _GRID_MIN_BANDS bands (rows of labels) whose
# tops lie at one pitch, each within _GRID_PITCH of the median pitch (a sheet's labels are cut at one
# pitch: at most 1.7 % off on benchmarks/label_grids.py's sheets, three presets; the forms of funsd_train whose bands
# share a gutter are 2 bands, or 3 at pitches 45 and 88 px). A cell is at least _GRID_CELL_WIDTH of the
# widest cell's width: a sheet repeats one label, a table's fields (a date beside a description) differ.
_GRID_MIN_BANDS = 3
_GRID_PITCH = 0.1
_GRID_CELL_WIDTH = 0.5


def _grid_cells(
    bands: list[np.ndarray], boxes: np.ndarray, min_col_gap: float, opts: LayoutOptions
) -> list[list[np.ndarray]]:
    """Each band (unit indices, top to bottom) as its cells, left to right, where bands form a grid.

    A grid (a sheet of address labels, cards) is a run of at least ``_GRID_MIN_BANDS`` consecutive
    bands that share at least one vertical gutter (a whitespace gap of at least ``min_col_gap`` in the
    run's x profile), every band holding units in two cells or more and every cell two rows or more
    (a block of lines, not a table row), every cell at least ``_GRID_CELL_WIDTH`` of the widest cell's
    width (cells alike) and the bands' tops at one pitch (within ``_GRID_PITCH`` of the median).
    Read row by row, the three labels of a row became one table row per text line; read as a grid,
    each label is read whole, labels left to right, rows of labels top to bottom. Bands outside a
    grid come back whole (``[band]``), to be cut as before.
    """
    out: list[list[np.ndarray]] = [[band] for band in bands]
    start = 0
    while start < len(bands):
        stop = start + 1  # the run sharing gutters is bands[start:stop]
        while stop < len(bands) and _shared_gutters(bands[start : stop + 1], boxes, min_col_gap):
            stop += 1
        # Its longest stretches of bands that are each cells of blocks (a title or a footer line under
        # one column shares the gutter but is no row of cells).
        cuts = np.asarray(_shared_gutters(bands[start:stop], boxes, min_col_gap))
        ok = [_band_cells(band, boxes, cuts, opts) is not None for band in bands[start:stop]] if len(cuts) else []
        k = 0
        while k < len(ok):
            if not ok[k]:
                k += 1
                continue
            end = k
            while end < len(ok) and ok[end]:
                end += 1
            cells = _run_cells(bands[start + k : start + end], boxes, min_col_gap, opts)
            if cells is not None:
                out[start + k : start + end] = cells
            k = end
        start = stop
    return out


def _shared_gutters(bands: list[np.ndarray], boxes: np.ndarray, min_col_gap: float) -> list[float]:
    """Centres of the gutters (x gaps of at least ``min_col_gap``) of the bands' units together."""
    b = boxes[np.concatenate(bands)]
    return [start + width / 2 for start, width in _gaps(b[:, 0], b[:, 2]) if width >= min_col_gap]


def _band_cells(band: np.ndarray, boxes: np.ndarray, cuts: np.ndarray, opts: LayoutOptions) -> list[np.ndarray] | None:
    """The band's units cut at ``cuts`` (x), left to right, when they make two cells or more of two
    rows or more each; else None."""
    b = boxes[band]
    col = np.searchsorted(cuts, (b[:, 0] + b[:, 2]) / 2)
    cells = [band[col == k] for k in range(len(cuts) + 1) if np.any(col == k)]
    if len(cells) < 2 or any(len(_row_groups(boxes[c], opts.line_overlap)) < 2 for c in cells):
        return None
    return cells


def _run_cells(
    bands: list[np.ndarray], boxes: np.ndarray, min_col_gap: float, opts: LayoutOptions
) -> list[list[np.ndarray]] | None:
    """The cells of each band of a run cut at the run's shared gutters, or None when it is no grid."""
    if len(bands) < _GRID_MIN_BANDS:
        return None
    cuts = np.asarray(_shared_gutters(bands, boxes, min_col_gap))
    if not len(cuts):
        return None
    cells: list[list[np.ndarray]] = []
    for band in bands:
        row = _band_cells(band, boxes, cuts, opts)
        if row is None:
            return None
        cells.append(row)
    widths = [float(boxes[c][:, 2].max() - boxes[c][:, 0].min()) for row in cells for c in row]
    if min(widths) < _GRID_CELL_WIDTH * max(widths):
        return None
    pitch = np.diff([float(boxes[band][:, 1].min()) for band in bands])
    if np.abs(pitch - np.median(pitch)).max() > _GRID_PITCH * np.median(pitch):
        return None
    return cells


def _stacks(leaves: list[np.ndarray], boxes: np.ndarray) -> list[np.ndarray]:
    """Consecutive leaves stacked one under the other (mostly overlapping in x) joined into one run.

    The XY-cut also cuts between the rows of a paragraph; the runs are the column pieces whose lines
    are then grouped into lines and paragraphs.
    """
    runs: list[list[np.ndarray]] = []
    prev: np.ndarray | None = None
    for leaf in leaves:
        b = boxes[leaf]
        box = np.array([b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()])
        if prev is not None:
            overlap = min(prev[2], box[2]) - max(prev[0], box[0])
            narrower = max(min(prev[2] - prev[0], box[2] - box[0]), 1.0)
            if box[1] >= prev[3] - 0.5 * (box[3] - box[1]) and overlap > 0.5 * narrower:
                runs[-1].append(leaf)
                prev = np.array([min(prev[0], box[0]), prev[1], max(prev[2], box[2]), box[3]])
                continue
        runs.append([leaf])
        prev = box
    return [np.concatenate(run) for run in runs]


# --------------------------------------------------------------------------------------------------
# Building lines and blocks


def _mean_conf(regions: Sequence[Region]) -> float | None:
    values = [r.confidence for r in regions if r.confidence is not None]
    return float(sum(values) / len(values)) if values else None


def _join(words: Sequence[Region]) -> str | None:
    if all(w.text is None for w in words):
        return None
    return " ".join(w.text for w in words if w.text)


# A word box cut from a recognizer's time steps (PP-OCR's CTC columns are a sixth of the text height
# apart) can end inside its first or last letter ("Quarterly", "Actions", "Order" on the sample's
# overlay): ``LayoutOptions.word_end_pad``. Words stay apart by half their gap (pdftotext breaks words
# at gaps over a tenth of the font size).


#: Attribute ``[left, right]`` (booleans) of a word whose box ends a recognizer took from the ink of its
#: crop (the ``ppocr`` recognizer's words cut from a line: an end that cut a glyph moved out to the
#: glyph's end): such an end holds its letter already, and ``word_end_pad`` leaves it as found.
INK_ENDS = "ink_ends"


def _widen_words(line: Region, rot: np.ndarray, end_pad: float) -> Region:
    """``line`` with its recognizer-cut words (no detector ``score``) widened along the text to hold their
    end letters (see above); a detector's word boxes are kept as found."""
    slots = [k for k, c in enumerate(line.children) if c.level == "word"]
    if not slots or _deviation(line.quad, rot)[0] > 1e-3:  # tilted or turned lines keep their words
        return line
    lb = _box(line, rot)
    pad = end_pad * float(lb[3] - lb[1])
    words = [line.children[k] for k in slots]
    boxes = [_box(w, rot) for w in words]
    order = sorted(range(len(words)), key=lambda i: float(boxes[i][0]))
    kids = list(line.children)
    for pos, i in enumerate(order):
        if words[i].score is not None:  # a detector's box (it has a detector score): kept as found
            continue
        inked = words[i].attributes.get(INK_ENDS) or (False, False)
        x0, y0, x1, y1 = (float(v) for v in boxes[i])
        prev_end = float(boxes[order[pos - 1]][2]) if pos > 0 else None
        next_start = float(boxes[order[pos + 1]][0]) if pos + 1 < len(order) else None
        # Limits: the line's ends, or a quarter of the gap to the neighbour (half the gap stays free).
        lo = min(float(lb[0]), x0) if prev_end is None else x0 - max(x0 - prev_end, 0.0) / 4
        hi = max(float(lb[2]), x1) if next_start is None else x1 + max(next_start - x1, 0.0) / 4
        # Whole pixels outwards where the limits allow, as renderers round boxes.
        left = x0 if inked[0] else max(math.floor(x0 - pad + 1e-6), lo)
        right = x1 if inked[1] else min(math.ceil(x1 + pad - 1e-6), hi)
        if left >= x0 and right <= x1:
            continue
        corners = np.array([[left, y0], [right, y0], [right, y1], [left, y1]]) @ rot
        quad = tuple((float(x), float(y)) for x, y in corners)
        kids[slots[i]] = words[i].with_(quad=quad)  # type: ignore[arg-type]
    return line.with_(children=tuple(kids))


def _make_line(units: list[_Unit], lines: list[Region], rot: np.ndarray) -> Region:
    source = units[0].source
    words = [u.region for u in units]
    if source >= 0:
        original = lines[source]
        whole = len(units) == len(_line_words(original)) or (not _line_words(original) and len(units) == 1)
        if whole:
            kids = tuple(w.with_(level="word", order=k) for k, w in enumerate(_line_words(original)))
            return original.with_(children=kids)
        return Region(
            quad=_union_quad(words, rot),
            level="line",
            score=original.score,
            text=_join(words),
            confidence=_mean_conf(words),
            children=tuple(w.with_(order=k) for k, w in enumerate(words)),
            attributes={"split": True},
        )
    if len(words) == 1 and words[0].level == "line":
        return words[0]
    return Region(
        quad=words[0].quad if len(words) == 1 else _union_quad(words, rot),
        level="line",
        score=_mean_score(words),
        text=_join(words),
        confidence=_mean_conf(words),
        children=tuple(w.with_(level="word", order=k, children=()) for k, w in enumerate(words)),
    )


def _leaf_lines(units: list[_Unit], lines: list[Region], rot: np.ndarray, opts: LayoutOptions) -> list[Region]:
    """The lines of one leaf block in reading order (rows top to bottom, each left to right)."""
    # Pieces: consecutive units of one detector line, or loose words chained along a row.
    boxes = np.stack([u.box for u in units])
    turned = (boxes[:, 3] - boxes[:, 1]) >= _CHAIN_ANCHOR * (boxes[:, 2] - boxes[:, 0])
    pieces: list[list[int]] = []
    for row in _row_groups(boxes, opts.line_overlap):
        current: list[int] = []
        for i in row:
            if current:
                prev = units[current[-1]]
                u = units[i]
                same_line = u.source >= 0 and u.source == prev.source
                h = min(_heights(boxes[[current[-1], i]]))
                a, b = boxes[current[-1]], boxes[i]
                hs = _heights(boxes[[current[-1], i]])
                # Loose words join when close along the row, of like height, and overlapping across it
                # by half the smaller height (a tall mark or a word of the next row never joins). Two
                # words each at least _CHAIN_ANCHOR times taller than wide are turned words side by side
                # (a table's rotated column headers, book spines), never one level line: their box
                # heights are text lengths, under which the gap between two columns looked like a word
                # space (T10's rota with ``accurate``: ``Monday`` .. ``Thursday`` read ``111``).
                near = (
                    u.source < 0
                    and prev.source < 0
                    and not (turned[i] and turned[current[-1]])
                    and b[0] - a[2] < opts.word_gap * h
                    and hs.max() <= 2 * hs.min()
                    and min(a[3], b[3]) - max(a[1], b[1]) >= 0.5 * h
                )
                if same_line or near:
                    current.append(i)
                    continue
                pieces.append(current)
            current = [i]
        if current:
            pieces.append(current)
    # A detector line whose words landed on two rows (a slanted line) is still one line: merge pieces
    # of the same source line, keeping the first piece's place.
    merged: list[list[int]] = []
    seen: dict[int, int] = {}
    for piece in pieces:
        src = units[piece[0]].source
        if src >= 0 and all(units[i].source == src for i in piece) and src in seen:
            merged[seen[src]].extend(piece)
            continue
        if src >= 0:
            seen[src] = len(merged)
        merged.append(piece)
    out = []
    for piece in merged:
        piece.sort(key=lambda i: boxes[i, 0])
        out.append(_make_line([units[i] for i in piece], lines, rot))
    return out


def _paragraphs(lines: list[Region], rot: np.ndarray, gap: float) -> list[list[Region]]:
    """A leaf's lines (in reading order: rows top to bottom) split into paragraphs where the blank
    between two rows exceeds ``gap`` times the smaller row height (``paragraph_gap``; 0: never).

    Rows, not lines, are compared: a line whose centre lies in the band of the row before it is on
    that row. Measured from the last line alone, a row ending in a lone answer (``Quantity:  1``, a
    table row's ``x``) looked far from the next row: the gap ran from the digit's baseline, against
    the digit's (or an x-height letter's) height, so evenly spaced form rows split into a block each
    or not depending on their last character.
    """
    if not lines:
        return []
    boxes = np.stack([_box(ln, rot) for ln in lines])
    rows: list[list[int]] = [[0]]
    bands = [boxes[0, [1, 3]].copy()]
    for i in range(1, len(lines)):
        if bands[-1][0] <= (boxes[i, 1] + boxes[i, 3]) / 2 <= bands[-1][1]:
            rows[-1].append(i)
            bands[-1] = np.array([min(bands[-1][0], boxes[i, 1]), max(bands[-1][1], boxes[i, 3])])
        else:
            rows.append([i])
            bands.append(boxes[i, [1, 3]].copy())
    groups = [list(rows[0])]
    for k in range(1, len(rows)):
        (a0, a1), (b0, b1) = bands[k - 1], bands[k]
        h = max(min(a1 - a0, b1 - b0), 1.0)
        if gap > 0 and b0 - a1 > gap * h:
            groups.append(list(rows[k]))
        else:
            groups[-1].extend(rows[k])
    return [[lines[i] for i in g] for g in groups]


def _block(lines: list[Region], rot: np.ndarray, order: int) -> Region:
    return Region(
        quad=_union_quad(lines, rot),
        level="block",
        text=None,
        confidence=_mean_conf(lines),
        order=order,
        children=tuple(ln.with_(order=k) for k, ln in enumerate(lines)),
    )


def order_regions(regions: Sequence[Region], options: LayoutOptions | None = None) -> list[Region]:
    """Regions of one level (words or lines, no children needed) in reading order, ``order`` renumbered.

    The same XY-cut and row grouping as :func:`layout_regions`, for callers that only need an order
    (e.g. the evaluation's ground-truth words).
    """
    if not regions:
        return []
    opts = options or LayoutOptions()
    quads = np.asarray([r.quad for r in regions], dtype=np.float64)
    rot = _frame(_text_angle(quads))
    boxes = np.stack([_box(r, rot) for r in regions])
    min_gap = opts.column_gap * float(np.median(_heights(boxes)))
    out: list[Region] = []
    for leaf in _xy_cut(np.arange(len(regions)), boxes, min_gap, opts):
        for row in _row_groups(boxes[leaf], opts.line_overlap):
            out.extend(regions[int(leaf[i])] for i in row)
    return [r.with_(order=k) for k, r in enumerate(out)]


def layout_regions(regions: Sequence[Region], options: LayoutOptions | None = None) -> list[Region]:
    """Blocks of lines of words, in reading order, from any list of recognized (or detected) regions.

    ``regions``: the detector's output (after recognition): loose words, lines with or without word
    children, blocks of lines. Returns top-level ``block`` regions (see the module docstring).
    """
    opts = options or LayoutOptions()
    if not regions:
        return []
    keep_detector = opts.reading_order == "detector" or (
        opts.reading_order == "auto" and any(r.level == "block" for r in regions)
    )
    if keep_detector:
        return _detector_blocks(regions, opts)
    lines, loose = _flatten(regions)
    all_quads = np.asarray([r.quad for r in [*lines, *loose]], dtype=np.float64)
    rot = _frame(_text_angle(all_quads))
    # Turned lines (vertical text, read from a turned crop: their quads start at the text's own top-left)
    # are blocks of their own, so each block has one text direction (ALTO ROTATION, PAGE orientation).
    # Only a line whose crop was turned to be read counts: a scene line tilted past 45 degrees (a slanted
    # sign) stays with the page's lines (laid out in a turned frame, its words became lines of their own).
    turned = [ln for ln in lines if ln.attributes.get("rotation") and _deviation(ln.quad, rot)[0] > math.pi / 4]
    if turned:
        lines = [ln for ln in lines if not any(ln is t for t in turned)]
    # Steep loose words (a poster's words at 15-60 degrees, which a word detector boxes one by one) are
    # laid out in their own direction: in the page's frame their boxes' rows paired words of other lines.
    steep_groups = _steep_groups(loose, rot)
    if steep_groups:
        taken = {id(w) for _, g in steep_groups for w in g}
        loose = [w for w in loose if id(w) not in taken]
    # A block of lines tilted against the rest of the page (a pasted or stamped paragraph beside level
    # labels) is laid out in its own frame; each direction group's runs (column pieces) are placed by
    # :func:`_place`. Pages of one direction (nearly all) are one group in the page's frame.
    runs: list[list[Region]] = []
    base = rot
    for k, (frame, g_lines, g_loose) in enumerate(_direction_groups(lines, loose, rot, opts)):
        # Near-level lines and words whose tilt the group shows to be jitter are levelled (see _jitter).
        levelled = _level_jitter([*g_lines, *g_loose], frame)
        group = _level_runs(levelled[: len(g_lines)], levelled[len(g_lines) :], frame, opts)
        if k == 0:
            runs, base = group, frame
        else:
            runs = _place(runs, [b for run in group for b in run], base)
    for angle, group in steep_groups:
        frame = _frame(angle)
        for run in _level_runs([], group, frame, opts):
            for block in run:
                runs = _place(runs, [block], base) if runs else [[block]]
    # Each direction's turned lines are laid out in their own frame (their words joined into lines in
    # reading order: the three words of a margin label read bottom to top become one line).
    by_turn: dict[int, list[Region]] = {}
    for line in turned:
        turn = round((quad_angle(line.quad) - _frame_angle(rot)) / (math.pi / 2)) % 4
        by_turn.setdefault(turn, []).append(line)
    for _turn, turn_lines in sorted(by_turn.items()):
        # The group's own direction, not the page's turned by a right angle: a steep line (a sign at 60
        # degrees, read from a turned crop) keeps its words on one row in it. Lines far apart (a poster's
        # steep lines at -55 and -60 degrees) each keep their own (geometry._near_groups).
        quads = np.asarray([ln.quad for ln in turn_lines], dtype=np.float64)
        for near in _near_groups(quads):
            group_lines = [turn_lines[k] for k in near]
            frame = _frame(_text_angle(quads[near]))
            pieces = [w for ln in group_lines for w in (_line_words(ln) or [ln])]
            for run in _level_runs([], pieces, frame, opts):
                for block in run:  # each turned block is placed on its own (a margin label)
                    runs = _place(runs, [block], base)
    blocks = [b for run in runs for b in run]
    if opts.word_end_pad > 0:
        blocks = [
            b.with_(children=tuple(
                _widen_words(ln, _frame(quad_angle(ln.quad)), opts.word_end_pad) if ln.level == "line" else ln
                for ln in b.children
            ))
            for b in blocks
        ]
    return [b.with_(order=k) for k, b in enumerate(blocks)]


def _long_angle(quad: Quad, page: float) -> float:
    """The direction (radians, y down) of ``quad``'s long side, the sense nearer the page's ``page`` angle."""
    q = np.asarray(quad, dtype=np.float64)
    along = (q[1] - q[0]) + (q[2] - q[3])
    side = (q[3] - q[0]) + (q[2] - q[1])
    v = along if np.linalg.norm(along) >= np.linalg.norm(side) else side
    a = math.atan2(v[1], v[0])
    if abs((a - page + math.pi) % (2 * math.pi) - math.pi) > math.pi / 2:
        a = (a + 2 * math.pi) % (2 * math.pi) - math.pi
    return a


def _steep_groups(loose: list[Region], rot: np.ndarray) -> list[tuple[float, list[Region]]]:
    """Loose words (word detector boxes no line holds) that run steeply across the page, grouped by line,
    each with its line's direction (radians, y down).

    A word counts when its long side runs more than ``_TILT_MAX_DEG`` (10 degrees) off the page's frame
    (``rot``, 2 x 2) and off its right angles, and the long side is at least ``levelling._TURNED_ASPECT``
    (1.5) times the short one (a glyph-sized box has no direction of its own: the same limit the levelling
    uses to tell a steep word from a tilted glyph, measured there on ``benchmarks/steep_lines.py``). The
    words, sorted by angle, are split into direction groups where neighbouring angles differ by more than
    ``_TILT_MAX_DEG``, and each direction group into lines (:func:`ocrplug.geometry._steep_lines`: words
    end to end along their own direction; two lines 5 degrees apart fall in one direction group), each
    line with the mean of its words' directions. Each line is laid out in its own frame by
    :func:`layout_regions`. Issue 24 item 2 (A12, T11's poster: in the page's frame a steep line's words
    sat on different rows; E13: in one frame per direction group two lines 5 degrees apart were both
    stated at their mean).
    """
    page = _frame_angle(rot)
    tol = math.radians(_TILT_MAX_DEG)
    found = []
    for w in loose:
        q = np.asarray(w.quad, dtype=np.float64)
        a_len = np.linalg.norm((q[1] - q[0]) + (q[2] - q[3]))
        s_len = np.linalg.norm((q[3] - q[0]) + (q[2] - q[1]))
        if max(a_len, s_len) < _TURNED_ASPECT * max(min(a_len, s_len), 1e-9):
            continue
        off = (_long_angle(w.quad, page) - page + math.pi) % (2 * math.pi) - math.pi
        if tol < abs(off) < math.pi / 2 - tol:
            found.append((off, w))
    found.sort(key=lambda t: t[0])
    groups: list[list[Region]] = []
    last = None
    for off, w in found:
        if last is None or off - last > tol:
            groups.append([])
        groups[-1].append(w)
        last = off
    out: list[tuple[float, list[Region]]] = []
    for group in groups:
        angles = np.array([_long_angle(w.quad, page) for w in group])
        quads = np.asarray([w.quad for w in group], dtype=np.float64)
        for idx, angle in _steep_lines(quads, angles):
            out.append((angle, [group[k] for k in idx]))
    return out


def _place(runs: list[list[Region]], blocks: list[Region], rot: np.ndarray) -> list[list[Region]]:
    """``runs`` (column pieces: lists of blocks, in reading order) with ``blocks`` placed as a run of their own.

    Boxes are taken in the frame ``rot`` (the first direction group's). The runs *beside* the new run
    are those with a block whose extent down the page overlaps its own. When it lies wholly left of all of them
    (a label in the left margin, a tilted paragraph left of level labels) it is read before the first
    of them; wholly right of all of them (a right-margin label), after the last of them. Otherwise (no
    run beside it, or it lies among them: in a gutter) it is read before the first block it lies above
    or left of (on the same rows), else last.
    """
    if not blocks:
        return runs
    box = _boxes_union([_box(b, rot) for b in blocks])
    boxes = [_boxes_union([_box(b, rot) for b in run]) for run in runs]
    beside = [
        k for k, run in enumerate(runs)
        if any(min(box[3], b[3]) > max(box[1], b[1]) for b in (_box(o, rot) for o in run))
    ]
    if beside and box[2] <= min(boxes[k][0] for k in beside):
        return [*runs[: beside[0]], list(blocks), *runs[beside[0] :]]
    if beside and box[0] >= max(boxes[k][2] for k in beside):
        return [*runs[: beside[-1] + 1], list(blocks), *runs[beside[-1] + 1 :]]
    for k, run in enumerate(runs):
        for j, other in enumerate(run):
            ox0, oy0, _, oy1 = _box(other, rot)
            if box[3] <= oy0 or (box[2] <= ox0 and min(box[3], oy1) > max(box[1], oy0)):
                # The run is cut there: its blocks before and after the new one stay in order.
                return [*runs[:k], *([run[:j]] if j else []), list(blocks), run[j:], *runs[k + 1 :]]
            cut = _cell_cut(other, box, rot)
            if cut == 0:  # a cell of the block's first row, left of all its lines there
                return [*runs[:k], *([run[:j]] if j else []), list(blocks), run[j:], *runs[k + 1 :]]
            if cut is not None:
                # A cell inside the block (a table's turned column header): the block is cut there.
                head, tail = (_block(list(other.children[:cut]), rot, 0), _block(list(other.children[cut:]), rot, 0))
                return [*runs[:k], [*run[:j], head], list(blocks), [tail, *run[j + 1 :]], *runs[k + 1 :]]
    return [*runs, list(blocks)]


def _cell_cut(block: Region, box: np.ndarray, rot: np.ndarray) -> int | None:
    """Where ``box`` (a turned block's box in the frame ``rot``) is read inside ``block``: the index of
    the first of its lines that lies below the box or right of it on its rows (0: the box comes before
    the whole block), when the box heads a column of the block: the block starts left of the box and
    reaches below it, a line below the box lies under it, and none of its lines overlaps it (a table's
    header row: ``Name`` level, the weekday headers turned beside it, the body rows below). ``None``
    otherwise: a label in a gutter or margin (the block lies on one side of it), a stamp over a
    paragraph (lines cross it), a block wholly above or below it.
    """
    lines = [ln for ln in block.children if ln.level == "line"]
    if len(lines) < 2 or len(lines) != len(block.children):
        return None
    bx0, by0, bx1, by1 = _box(block, rot)
    if not (bx0 < box[0] < bx1 and by0 < box[3] < by1):
        return None
    cut = None
    column = False  # a line below the box, under it (the column it heads)
    for j, line in enumerate(lines):
        x0, y0, x1, y1 = _box(line, rot)
        on_rows = min(box[3], y1) > max(box[1], y0)
        across = min(box[2], x1) > max(box[0], x0)
        if on_rows and across:
            return None  # a line crosses the box
        column = column or (y0 >= box[3] and across)
        if cut is None and (y0 >= box[3] or (on_rows and x0 >= box[2])):
            cut = j
    return cut if column else None


def _boxes_union(boxes: Sequence[np.ndarray]) -> np.ndarray:
    b = np.stack(boxes)
    return np.array([b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max()])


def _level_runs(
    lines: list[Region], loose: list[Region], rot: np.ndarray, opts: LayoutOptions
) -> list[list[Region]]:
    """Blocks of the lines and loose words that run in the direction of ``rot``, in reading order,
    grouped by run (a column piece of stacked XY-cut leaves, :func:`_stacks`); ``order`` is set later."""
    units: list[_Unit] = []
    for k, line in enumerate(lines):
        words = _line_words(line)
        for w in words or [line]:
            units.append(_Unit(w, k, _box(w, rot)))
    units += [_Unit(w, -1, _box(w, rot)) for w in loose]
    if not units:
        return []
    boxes = np.stack([u.box for u in units])
    min_gap = opts.column_gap * float(np.median(_heights(boxes)))
    runs: list[list[Region]] = []
    sources = np.asarray([u.source for u in units])
    for leaf in _stacks(_xy_cut(np.arange(len(units)), boxes, min_gap, opts, sources), boxes):
        leaf_lines = _leaf_lines([units[int(i)] for i in leaf], lines, rot, opts)
        paras = _paragraphs(leaf_lines, rot, opts.paragraph_gap)
        runs.append([_block(part, frame, 0) for para in paras for part, frame in _by_direction(para, rot)])
    return [run for run in runs if run]


def _by_direction(lines: list[Region], rot: np.ndarray) -> list[tuple[list[Region], np.ndarray]]:
    """A paragraph's ``lines`` (reading order) split by text direction: ``[(lines, frame), ...]``.

    Each block has one text direction (ALTO ``ROTATION``, PAGE ``orientation``, :func:`text_rows`'
    block angle). Steep lines of a poster (+30, -41 and +44 degrees: T11's ``poster.png``) or a postmark
    stamped at 20 degrees beside a level address (``envelope.png``) fell in one XY-cut leaf with the
    level text and were one block written at their median angle. A line joins the group before it when
    that group's first line runs within ``_TILT_MAX_DEG`` of its own direction (signed, modulo a full
    turn: upside-down text is another direction), else starts a group: the reading order of the lines is
    kept (a handwritten ``2nd`` at 16 degrees inside a typed sentence of funsd_train stays where it is
    read, a block between the sentence's pieces). Smaller
    differences are left to :func:`_direction_groups` (tilted paragraphs, 1.25-10 degrees) and to the
    quad-angle noise of one direction (a curved scene line's pieces). A group that runs in the direction
    of ``rot`` (within the same tolerance) keeps ``rot``; another gets its lines' own frame
    (:func:`ocrplug.geometry._text_angle`), so its block's quad runs along its text (a lone steep line's block had a level quad, and
    :func:`text_rows` joined it to a level row beside it). On the fast / swift / accurate pages of funsd_train and icdar2015_val
    (docs/benchmarks.md "Lines of different directions kept apart; a two-column menu's order") 450 of 53668 line pairs in one
    block differed by more than 10 degrees: 152 on icdar2015_val's scene pages, 298 on five funsd_train
    forms (stamps, handwritten marks and dates at 12-18 degrees beside typed lines).
    """
    tol = math.radians(_TILT_MAX_DEG)

    def apart(a: float, b: float) -> bool:
        return abs((a - b + math.pi) % (2 * math.pi) - math.pi) > tol

    page = _frame_angle(rot)
    groups: list[tuple[float, list[Region]]] = []
    for line in lines:
        angle = quad_angle(line.quad) if line.level == "line" else page
        if groups and not apart(groups[-1][0], angle):
            groups[-1][1].append(line)
        else:
            groups.append((angle, [line]))
    return [
        (members, rot if not apart(first, page) else _frame(_text_angle(np.asarray([m.quad for m in members]))))
        for first, members in groups
    ]


# Direction groups (:func:`_direction_groups`). A row's direction is measured when the row is at least
# _TILT_MIN_LENGTH of its heights long: a detector line by its quad's angle, loose words (craft boxes
# them axis-aligned whatever the tilt) by the line fitted through the centres of a chain of at least
# _TILT_MIN_WORDS words. Over 6 heights a centre a tenth of a height off (a word with descenders)
# moves a chain's angle by about 1 degree, the quad-angle noise of level lines (LEVEL_ANGLE_DEG).
# Measured rows whose angles, sorted, differ by more than _TILT_SPLIT_DEG fall into separate
# directions; a direction's rows make a group of their own when there are at least two, each within
# _TILT_STACK_GAP of its height below the previous one, no measured row of another direction
# has its centre inside their box, and either other text shares their rows, all of it clear left or
# right of the box (a block beside labels), or nothing does and the rows lie between level rows
# (_between_level_rows: a paragraph between a level heading and footer, _TILT_BETWEEN_*). Rows at most _TILT_MAX_DEG off the page frame take part (a steeper
# scene line keeps its old handling). Checked on tests/test_tilted_block.py's generated pages (2-5
# degrees) and tests/test_tilted_between_level_text.py's (3-4 degrees), and, for no change, on
# funsd_train / icdar2015_val (docs/benchmarks.md "Tilted blocks and margin labels", "A tilted
# paragraph between level lines").
_TILT_MIN_LENGTH = 6.0
_TILT_MIN_WORDS = 3
_TILT_SPLIT_DEG = 1.25
_TILT_STACK_GAP = 2.0
_TILT_MAX_DEG = 10.0
_TILT_BETWEEN_DEG = 2 * LEVEL_ANGLE_DEG
_TILT_BETWEEN_ROWS = 2


def _between_level_rows(own: np.ndarray, others: np.ndarray) -> bool:
    """Whether rows at angles ``own`` (radians, against the image axes) make a tilted block between level
    text: a paragraph with level lines only above and below it (a heading, a footer).

    One frame reads such a block's rows as rows (nothing shares them), but its lines then follow the
    page's one frame: craft's axis-aligned word boxes gave a 3.5 degree paragraph level quads (hOCR
    ``textangle`` 0, the text layer off the ink) and db's level heading a block turned by the tilted
    lines' mean. It is a block of its own when at least ``_TILT_BETWEEN_ROWS`` measured rows lie outside
    it, all of them level (each within ``LEVEL_ANGLE_DEG`` of the image axes, their mean within half
    that: the rest of the page shows its direction, not a scan skewed 1.5 degrees whose rows jitter
    apart into 0.9 and 2.3 degrees), and its rows' mean angle is more than
    ``_TILT_BETWEEN_DEG`` (twice the quad-angle noise of level lines) off level: a level line's craft
    chain reads up to about 1 degree off by its descenders, so two neighbouring rows of a level page
    reading 1.5 degrees stay with it. db's quads of a paragraph turned 3 degrees read 2.3-2.6 degrees
    (tests/test_tilted_between_level_text.py).
    """

    def off_level(a: np.ndarray) -> np.ndarray:
        return np.abs((a + math.pi / 2) % math.pi - math.pi / 2)

    if len(own) < 2 or len(others) < _TILT_BETWEEN_ROWS:
        return False
    level = math.radians(LEVEL_ANGLE_DEG)
    if np.any(off_level(others) > level) or off_level(np.array([np.mean(others)]))[0] > level / 2:
        return False
    return bool(off_level(np.array([np.mean(own)]))[0] > math.radians(_TILT_BETWEEN_DEG))


def _word_chains(boxes: np.ndarray, opts: LayoutOptions) -> list[list[int]]:
    """Loose words (boxes in the page frame) chained along rows: each word to its nearest right
    neighbour closer than ``word_gap`` heights, of like height, overlapping across the row by half the
    smaller height (the rule that joins loose words into lines); left to right."""
    h = _heights(boxes)
    pairs = []
    for i in range(len(boxes)):
        hs = np.minimum(h, h[i])
        gap = boxes[:, 0] - boxes[i, 2]
        ok = (
            (boxes[:, 0] > (boxes[i, 0] + boxes[i, 2]) / 2)
            & (gap > -0.25 * hs)
            & (gap < opts.word_gap * hs)
            & (np.maximum(h, h[i]) <= 2 * hs)
            & (np.minimum(boxes[:, 3], boxes[i, 3]) - np.maximum(boxes[:, 1], boxes[i, 1]) >= 0.5 * hs)
        )
        pairs += [(float(gap[j]), i, int(j)) for j in np.nonzero(ok)[0]]
    nxt: dict[int, int] = {}
    prv: dict[int, int] = {}
    for _, i, j in sorted(pairs):
        if i not in nxt and j not in prv:
            nxt[i], prv[j] = j, i
    chains = []
    for start in range(len(boxes)):
        if start in prv:
            continue
        chain = [start]
        while chain[-1] in nxt:
            chain.append(nxt[chain[-1]])
        chains.append(chain)
    return chains


def _direction_groups(
    lines: list[Region], loose: list[Region], rot: np.ndarray, opts: LayoutOptions
) -> list[tuple[np.ndarray, list[Region], list[Region]]]:
    """The level regions split by text direction: ``[(frame, lines, loose), ...]``, the rest first.

    A paragraph tilted against the rest of the page (3.5 degrees beside level labels) read in the
    page's one frame had its rows paired with the labels' rows (a table, read row by row) or cut apart.
    See the constants above for how directions are measured and grouped. The rest (regions of no
    group) keeps a frame from :func:`_text_angle`; a group's frame is the mean angle of its rows. A
    page of one direction is returned as one group, ``[(rot, lines, loose)]``.
    """
    regions = [*lines, *loose]
    if len(regions) < 4:
        return [(rot, lines, loose)]
    page = _frame_angle(rot)

    def off_page(angle: float, period: float) -> float:  # signed, against the page's frame
        return (angle - page + period / 2) % period - period / 2

    rows: list[tuple[float, list[int]]] = []  # (angle off the page's frame, member indices into regions)
    for k, line in enumerate(lines):
        dev, length, height = _deviation(line.quad, rot)
        if dev <= math.radians(_TILT_MAX_DEG) and length >= _TILT_MIN_LENGTH * max(height, 1e-9):
            rows.append((off_page(quad_angle(line.quad), 2 * math.pi), [k]))
    if len(loose) >= _TILT_MIN_WORDS:
        boxes = np.stack([_box(w, rot) for w in loose])
        centres = np.asarray([w.quad for w in loose], dtype=np.float64).mean(axis=1)
        for chain in _word_chains(boxes, opts):
            b = boxes[chain]
            if len(chain) < _TILT_MIN_WORDS or b[-1, 2] - b[0, 0] < _TILT_MIN_LENGTH * float(np.median(_heights(b))):
                continue
            c = centres[chain]
            slope = np.polyfit(c[:, 0], c[:, 1], 1)[0] if np.ptp(c[:, 0]) > 0 else 0.0
            angle = off_page(math.atan(float(slope)), math.pi)
            if abs(angle) <= math.radians(_TILT_MAX_DEG):
                rows.append((angle, [len(lines) + i for i in chain]))
    if len(rows) < 2:
        return [(rot, lines, loose)]
    rows.sort(key=lambda r: r[0])
    angles = np.array([a for a, _ in rows])
    cuts = np.nonzero(np.diff(angles) > math.radians(_TILT_SPLIT_DEG))[0]
    measured = {i: d for d, (_, members) in enumerate(rows) for i in members}
    direction = np.searchsorted(cuts, np.arange(len(rows)), side="left")  # row -> its direction
    owner: dict[int, int] = {}  # region -> the group that took it
    groups: list[tuple[float, list[int]]] = []
    for d in range(len(cuts) + 1):
        own = [r for r in range(len(rows)) if direction[r] == d]
        if len(own) < 2:
            continue
        angle = page + float(np.mean(angles[own]))
        frame = _frame(angle)
        boxes = np.stack([_box(r, frame) for r in regions])
        row_boxes = sorted((_boxes_union(boxes[rows[r][1]]) for r in own), key=lambda b: float(b[1]))
        stacked = all(
            b[1] - a[3] <= _TILT_STACK_GAP * min(a[3] - a[1], b[3] - b[1]) and min(a[2], b[2]) > max(a[0], b[0])
            for a, b in itertools.pairwise(row_boxes)
        )
        if not stacked:
            continue
        box = _boxes_union(row_boxes)
        cx, cy = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
        inside = (cx >= box[0]) & (cx <= box[2]) & (cy >= box[1]) & (cy <= box[3])
        members = {i for r in own for i in rows[r][1]}
        if any(inside[i] and direction[measured[i]] != d for i in measured):
            continue  # a row of another direction runs through it: not a block of its own
        taken = [i for i in range(len(regions)) if i not in owner and (i in members or (inside[i] and i not in measured))]
        # A block beside other text needs a frame of its own (one frame pairs its rows with the
        # others'): all that shares its rows must lie clear left or right of it. With text only above
        # or below it, one frame cuts its rows right but not its lines' direction: it is a block of its
        # own only between level rows (:func:`_between_level_rows`).
        rows_shared = [
            i for i in range(len(regions))
            if i not in taken and min(boxes[i, 3], box[3]) > max(boxes[i, 1], box[1])
        ]
        if rows_shared:
            if any(boxes[i, 2] > box[0] and boxes[i, 0] < box[2] for i in rows_shared):
                continue
        elif not _between_level_rows(page + angles[own], page + angles[direction != d]):
            continue
        owner.update((i, len(groups)) for i in taken)
        groups.append((angle, taken))
    if not groups:
        return [(rot, lines, loose)]

    def split(idx: Sequence[int]) -> tuple[list[Region], list[Region]]:
        return [lines[i] for i in idx if i < len(lines)], [loose[i - len(lines)] for i in idx if i >= len(lines)]

    rest = [i for i in range(len(regions)) if i not in owner]
    rest_angle, unmeasured = 0.0, False
    if rest:
        rest_angle = _text_angle(np.asarray([regions[i].quad for i in rest], dtype=np.float64))
        level = _frame(0.0)
        if not any(i in measured for i in rest) and all(_within_slack(regions[i].quad, level) for i in rest):
            # No row of the rest is long enough to show its direction (short labels beside a tilted
            # paragraph: db boxes ``City: Oslo`` 1.6 degrees off), and each of its boxes is level but
            # for jitter (far end within _LEVEL_SLACK of its height): the image's axes are its frame
            # and its boxes are levelled to them.
            rest_angle, unmeasured = 0.0, True
        # A group runs in a direction of its own only against the rest of the page: one that runs like
        # the rest (a level page's long lines, its short words the rest) goes back to it.
        def apart(angle: float) -> bool:
            return abs((angle - rest_angle + math.pi) % (2 * math.pi) - math.pi) > math.radians(_TILT_SPLIT_DEG)

        for _angle, idx in [g for g in groups if not apart(g[0])]:
            rest += idx
            unmeasured = False
        groups = [g for g in groups if apart(g[0])]
    if not groups or (len(groups) == 1 and not rest):
        return [(rot, lines, loose)]
    out = []
    if rest:
        rest.sort()
        r_lines, r_loose = split(rest)
        if unmeasured:
            rest_frame = _frame(0.0)
            r_lines = [_level(r, rest_frame) for r in r_lines]
            r_loose = [_level(r, rest_frame) for r in r_loose]
        else:
            rest_frame = _frame(_text_angle(np.asarray([regions[i].quad for i in rest], dtype=np.float64)))
        out.append((rest_frame, r_lines, r_loose))
    out += [(_frame(angle), *split(idx)) for angle, idx in groups]
    return out


def lines_for_recognition(
    regions: Sequence[Region], options: LayoutOptions | None = None, image: np.ndarray | None = None
) -> list[Region]:
    """The regions to recognize: loose words joined into lines, everything else as given.

    A word detector (craft without its refiner) finds words; a line recognizer (ppocr, TrOCR,
    Tesseract in line mode) reads a whole line better than its words one by one, because it sees the
    context (a period between "318" and "40" that no word box holds, spacing, the text height) and it
    is called far fewer times. The loose words are grouped exactly as the layout step groups them
    (column cut, then words of one row closer than ``word_gap`` line heights: see the module doc), so a
    line never crosses a column gutter. Each new line (``level="line"``, ``text=None``) is the union of
    its words' quads (page pixels, axis-aligned in the text frame) with the detector's words as its
    children (``attributes["grouped"] = True``). Detector lines and blocks pass through, first. With
    ``read_lines`` false, or without loose words, the regions are returned as given, but for levelling:
    a detector line or word whose tilt the page shows to be box jitter comes levelled (the layout
    step's decision, :func:`_level_for_reading`), so that it is cropped level.

    With the page's ``image`` (H x W or H x W x C uint8; the regions' pixels), a stack of level glyph
    rows is read row by row, whether the detector boxed it as one tall region (split into its rows,
    also with ``read_lines`` false) or it is a line joined here (its pieces come back): one rule,
    :func:`ocrplug.vertical.split_glyph_stacks`, on the detector's regions and on the joined lines.
    """
    opts = options or LayoutOptions()
    if image is not None:
        regions = split_glyph_stacks(image, regions)
    regions = _level_for_reading(regions, opts)
    if not opts.read_lines or not regions:
        return list(regions)
    chains, rest = _vertical_chains(regions)
    loose = [r for r in rest if r.level not in ("line", "block")]
    kept = [r for r in rest if r.level in ("line", "block")]
    if not loose and not chains:
        return list(regions)
    grouped = [
        line.with_(quad=_lengthen(line.quad, _LINE_END_PAD), attributes={**line.attributes, "grouped": True}, text=None)
        # The detector's word boxes as found (adopt_words hands them back), not widened for display.
        for block in (layout_regions(loose, opts.model_copy(update={"word_end_pad": 0.0})) if loose else [])
        for line in block.children
    ]
    joined = [*chains, *grouped]
    return [*kept, *(joined if image is None else split_glyph_stacks(image, joined))]


def _level_for_reading(regions: Sequence[Region], opts: LayoutOptions) -> list[Region]:
    """``regions`` with the detector lines and words whose tilt the page shows to be box jitter levelled
    before they are cropped: the layout step's decision (:func:`ocrplug.levelling._jitter` per text
    direction group, :func:`_direction_groups`), taken on the detector's quads.

    A short line of a level page boxed 2.4 degrees off (``Hill Top`` beside a table's left rule) was
    cropped along that tilt, so the rule crossed the crop's edge diagonally and was read as ``|``; the
    layout step levelled the quad only after recognition (issue 24). Only regions longer than high are
    levelled here (one taller than long may be a vertical line, read from a turned crop); blocks, and
    pages whose detector order is kept (where the layout step levels nothing), are returned as given.
    Loose words are levelled only with ``read_lines`` off: with it on they are joined into lines that
    the layout step levels (:func:`lines_for_recognition`); levelling them first in the whole page's
    context moved `accurate`'s word joins on icdar2015_val (H-mean 0.762 -> 0.757).
    """
    if opts.reading_order == "detector" or not regions or any(r.level == "block" for r in regions):
        return list(regions)
    tagged = [r.with_(attributes={**r.attributes, _READ_LEVEL_TAG: i}) for i, r in enumerate(regions)]
    lines, loose = _flatten(tagged)
    rot = _frame(_text_angle(np.asarray([r.quad for r in [*lines, *loose]], dtype=np.float64)))
    out = list(regions)
    for frame, g_lines, g_loose in _direction_groups(lines, loose, rot, opts):
        for region in _level_jitter([*g_lines, *g_loose], frame):
            i = region.attributes[_READ_LEVEL_TAG]
            _dev, length, height = _deviation(regions[i].quad, frame)
            if region.quad != regions[i].quad and length > height and (regions[i].level == "line" or not opts.read_lines):
                out[i] = regions[i].with_(quad=region.quad, children=region.children)
    return out


def adopt_words(detected: Region, recognized: Region) -> Region:
    """A recognized line of :func:`lines_for_recognition`, back in the page's terms (any other region is returned as it is).

    Its quad becomes the union of the detector's words again (without the ends added for reading).
    When the recognizer returned word children with text, they keep their text and, where they match
    the detector's words, take the detector's boxes (a detector box is tighter than a box cut from the
    line crop): a recognizer word and a detector word match when they overlap along the line by half
    the narrower one; a recognizer word that matches one or several detector words ("318.40" over
    "318" and "40") gets their union; several recognizer words over one detector word, or a word over
    none (a trailing period), keep the recognizer's boxes. When
    its children are the detector's untouched words (no text) or none: if the line's text has as many
    tokens as the detector found words, each word takes its token; otherwise the children are dropped
    (the layout step then cuts word boxes from the line, :func:`synthesize_words`).
    """
    if not detected.attributes.get("grouped"):
        return recognized
    # The marker is this module's own: it does not leave the recognition step.
    recognized = recognized.with_(attributes={k: v for k, v in recognized.attributes.items() if k != "grouped"})
    originals = [c for c in detected.children if c.level == "word"]
    if originals:  # the line's own quad: its words' union, without the ends added for reading
        # In the frame of the recognized line's own direction: a line whose crop was turned (vertical
        # text, :func:`ocrplug.crops.with_rotation`) keeps its quad starting at the text's top-left.
        recognized = recognized.with_(quad=_union_quad(originals, _frame(quad_angle(recognized.quad))))
    words = [c for c in recognized.children if c.level == "word"]
    if words and any(w.text is not None for w in words):
        return recognized.with_(children=_matched_words(words, originals)) if originals else recognized
    tokens = _TOKEN.findall(recognized.text or "")
    if tokens and len(tokens) == len(originals):
        kids = tuple(
            w.with_(text=t, confidence=recognized.confidence, order=k)
            for k, (w, t) in enumerate(zip(originals, tokens, strict=True))
        )
        return recognized.with_(children=kids)
    return recognized.with_(children=())


def _matched_words(read: Sequence[Region], found: Sequence[Region]) -> tuple[Region, ...]:
    """The recognizer's words of one line with the detector's boxes where they match (see :func:`adopt_words`)."""
    # The recognizer's words run in the text's reading direction (a turned crop's too); the detector's
    # words of vertical text are in page order, so the frame is taken from the recognizer's.
    quads = np.asarray([w.quad for w in read], dtype=np.float64)
    rot = _frame(_text_angle(quads))
    rb = [_box(w, rot) for w in read]
    fb = [_box(w, rot) for w in found]
    n = len(read)
    parent = list(range(n + len(found)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(rb):
        for j, b in enumerate(fb):
            overlap = min(a[2], b[2]) - max(a[0], b[0])
            if overlap > 0.5 * max(min(a[2] - a[0], b[2] - b[0]), 1e-6):
                parent[root(i)] = root(n + j)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for i in range(n):
        groups.setdefault(root(i), ([], []))[0].append(i)
    for j in range(len(found)):
        if root(n + j) in groups:
            groups[root(n + j)][1].append(j)
    out: list[Region] = []
    for rs, ds in sorted(groups.values(), key=lambda g: min(rb[i][0] for i in g[0])):
        if len(rs) == 1 and ds:
            out.append(read[rs[0]].with_(quad=_union_quad([found[j] for j in ds], rot)))
        else:
            out.extend(read[i] for i in rs)
    return tuple(w.with_(order=k) for k, w in enumerate(out))


def _detector_blocks(regions: Sequence[Region], opts: LayoutOptions) -> list[Region]:
    """Keep the detector's order; wrap loose lines/words into blocks so the shape is uniform."""
    quads = np.asarray([r.quad for r in regions], dtype=np.float64)
    rot = _frame(_text_angle(quads))
    blocks: list[Region] = []
    pending: list[Region] = []

    def flush() -> None:
        if not pending:
            return
        # Everything keeps the detector's order; consecutive loose words on one row form a line.
        built: list[Region] = []
        group: list[Region] = []
        for item in pending:
            if item.level == "word":
                if group:
                    a, b = _box(group[-1], rot), _box(item, rot)
                    h = min(a[3] - a[1], b[3] - b[1])
                    if not (abs((a[1] + a[3]) / 2 - (b[1] + b[3]) / 2) < opts.line_overlap * h and b[0] > a[0]):
                        built.append(_make_line([_Unit(w, -1, _box(w, rot)) for w in group], [], rot))
                        group = []
                group.append(item)
                continue
            if group:
                built.append(_make_line([_Unit(w, -1, _box(w, rot)) for w in group], [], rot))
                group = []
            built.append(item.with_(children=tuple(w.with_(order=k) for k, w in enumerate(_line_words(item)))))
        if group:
            built.append(_make_line([_Unit(w, -1, _box(w, rot)) for w in group], [], rot))
        for para in _paragraphs(built, rot, opts.paragraph_gap):
            blocks.append(_block(para, rot, len(blocks)))
        pending.clear()

    for region in regions:
        if region.level == "block":
            flush()
            lines, _ = _flatten([region])
            kids = [
                ln.with_(order=k, children=tuple(w.with_(order=j) for j, w in enumerate(_line_words(ln))))
                for k, ln in enumerate(lines)
            ]
            blocks.append(
                region.with_(order=len(blocks), children=tuple(kids))
                if kids
                else _block([region.with_(level="line")], rot, len(blocks))
            )
        else:
            pending.append(region)
    flush()
    return blocks


def is_laid_out(page: Page) -> bool:
    """Whether a page already has the layout step's shape (blocks of lines of words, nothing loose)."""
    return all(
        b.level == "block"
        and all(ln.level == "line" and all(w.level == "word" for w in ln.children) for ln in b.children)
        for b in page.regions
    )


def layout_page(page: Page, options: LayoutOptions | None = None) -> Page:
    """The page with its regions replaced by :func:`layout_regions`'s blocks (other fields kept)."""
    return page.with_(regions=tuple(layout_regions(page.regions, options)))


def text_rows(blocks: Sequence[Region], line_overlap: float = 0.5) -> list[list[list[Region]]]:
    """A laid-out page's lines as a reader's text rows: ``[paragraph][row][line]``, in reading order.

    ``blocks``: top-level ``block`` regions of ``line`` regions (:func:`layout_regions`, or a page that
    :func:`is_laid_out`). The layout keeps pieces of one row apart when a wide gap parts them (``word_gap``:
    a form's label and its far-right answer, the cells of a table row are lines of their own, and a
    row of a form may be a block of its own); a plain-text reader wants such a row on one line, as
    ``pdftotext`` and Tesseract's text output give it. Consecutive lines in reading order share a row
    when their blocks run in one direction (block angles within :data:`LEVEL_ANGLE_DEG`: a tilted
    paragraph or a turned margin label never joins level text) and so do the two lines (within
    ``_TILT_MAX_DEG``, :func:`_one_direction`: a stamped postmark never joins a level row), their centres across the text
    direction differ by less than ``line_overlap`` of the smaller height (the layout's row rule,
    ``LayoutOptions.line_overlap``) and they do not overlap along it. Lines of one block that share a
    row always join; two blocks join (no paragraph break between them) only where each of them is one
    row, so the columns of a two-column page (blocks of many rows) stay one after the other.
    """
    paragraphs: list[list[list[Region]]] = []
    prev_rows_block = False  # whether the last block taken was a single row
    prev: tuple[Region, float] | None = None  # the last line taken and its block's angle
    for block in blocks:
        lines = [ln for ln in block.children if ln.level == "line"] or [block]
        angle = quad_angle(block.quad)
        rot = _frame(angle)
        rows: list[list[Region]] = [[lines[0]]]
        for line in lines[1:]:
            if _same_row(rows[-1][-1], line, rot, line_overlap):
                rows[-1].append(line)
            else:
                rows.append([line])
        one_row = len(rows) == 1
        if (
            paragraphs
            and prev is not None
            and prev_rows_block
            and one_row
            and abs((angle - prev[1] + math.pi) % (2 * math.pi) - math.pi) <= math.radians(LEVEL_ANGLE_DEG)
            and _one_direction(prev[0], lines[0])
            and _same_row(prev[0], lines[0], rot, line_overlap)
        ):
            paragraphs[-1][-1].extend(rows[0])
        else:
            paragraphs.append(rows)
        prev_rows_block = one_row
        prev = (lines[-1], angle)
    return paragraphs


def _one_direction(a: Region, b: Region) -> bool:
    """Whether lines ``a`` and ``b`` run within ``_TILT_MAX_DEG`` of one direction (the tolerance of
    :func:`_by_direction`). Two blocks' quads may run alike where their lines do not: a postmark at 20
    degrees and a stamp's level value ``1,20`` beside it, laid out in one direction group's frame (their
    mean, 10 degrees), were joined into one text row (issue 24, T11's ``envelope.png``)."""
    return abs((quad_angle(a.quad) - quad_angle(b.quad) + math.pi) % (2 * math.pi) - math.pi) <= math.radians(
        _TILT_MAX_DEG
    )


def _same_row(a: Region, b: Region, rot: np.ndarray, line_overlap: float) -> bool:
    """Whether lines ``a`` and ``b`` lie on one row of the frame ``rot``: centres across the row within
    ``line_overlap`` of the smaller height (or one is a raised mark on the other's row,
    :func:`ocrplug.raised_marks.is_raised`: a footnote's marker), and no overlap along it. Along the row a line spans its words
    where it has them (their boxes hold the ink read): a detector's box of a short line reaches past its
    ink (T9's list number ``6.``: DB's kernel takes in the gap after the digit, and its box reached 13 px
    into the item's line; issue 24, F10)."""
    ba, bb = _box(a, rot), _box(b, rot)
    h = min(max(ba[3] - ba[1], 1.0), max(bb[3] - bb[1], 1.0))
    centres = abs((ba[1] + ba[3]) - (bb[1] + bb[3])) / 2
    ea, eb = _along(a, rot, ba), _along(b, rot, bb)
    apart = eb[0] >= ea[1] - 0.25 * h or ea[0] >= eb[1] - 0.25 * h
    # A raised mark (a footnote's marker before its note) sits above the row's centre line.
    raised = is_raised(ba, bb) or is_raised(bb, ba)
    return bool((centres < line_overlap * h or raised) and apart)


def _along(line: Region, rot: np.ndarray, box: np.ndarray) -> tuple[float, float]:
    """The extent of ``line`` along the row of the frame ``rot``: its words' (page pixels), else its ``box``'s."""
    words = [_box(w, rot) for w in line.children if w.level == "word"]
    if not words:
        return float(box[0]), float(box[2])
    return float(min(w[0] for w in words)), float(max(w[2] for w in words))
