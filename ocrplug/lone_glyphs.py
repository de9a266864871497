"""Lone glyphs found in a page's ink, beside the text a detector found (issue 24).

A detector's map can miss a one-character answer standing alone right of its label or in a table cell:
CRAFT's region score stays near 0 on an isolated stroke (a lone ``I``, ``l``, ``1``), and DB's map at a
small input (the ``swift`` preset's ``max_side`` 1024) gives a 13 px glyph no probability. Both detectors
look for such glyphs in the page's ink with :func:`find_lone_glyphs` (``craft``'s and ``db``'s
``lone_glyphs`` option), with the words or lines they found as the row evidence. Numpy and OpenCV only.
Moved here from ``ocrplug_craft.postprocess`` (issue 24, r7) so both plugins share one rule.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocrplug.crops import paper_ink
from ocrplug.discs import BULLET_REACH, is_bullet_disc
from ocrplug.geometry import text_angle
from ocrplug.words import FIT_PAPER_INK

__all__ = ["BOX_FRAME_ASPECT", "BOX_FRAME_SIDES", "LONE_GLYPH_CLEAR", "LONE_GLYPH_HEIGHTS", "LONE_GLYPH_WIDTH",
           "LONE_PAPER_INK", "MARK_HIGH", "MARK_LOW", "MARK_REACH", "TINT_COUNT", "TINT_SHARE", "TINT_SPREAD",
           "find_lone_glyphs", "frame_sides", "is_box_frame", "tint_ink", "tint_levels"]


#: A lone glyph missed by the region score (a lone ``I``, ``l``, ``1``, ``|``, ``i`` or ``!``: CRAFT's region
#: score stays near 0 on an isolated stroke, 0.02 for a 30 px DejaVu Sans ``I``; a lone ``0``, ``7``, ``x``
#: or ``y`` right of its label or in a table cell is sometimes missed too) is looked for in the page's ink,
#: beside the words found: one ink component at most :data:`LONE_GLYPH_WIDTH` times as wide as tall,
#: :data:`LONE_GLYPH_HEIGHTS` of the height of a word box on its row (an ``x`` is about 0.4 of a label's
#: box, an ``l`` about 0.8), with no other ink within :data:`LONE_GLYPH_CLEAR` times its height but marks
#: much smaller than it (the dot of an ``i``). Chosen on the generated pages of benchmarks/lone_answers.py
#: and checked with benchmarks/craft_lone.py (docs/benchmarks.md "Lone answers (issue 24, last faults)").
LONE_GLYPH_WIDTH = 1.2
LONE_GLYPH_HEIGHTS = (0.3, 1.3)
LONE_GLYPH_CLEAR = 0.5
# A glyph at least this many times taller than wide is a thin stroke: it could be a piece of a broken
# rule, so strokes straight above or below it (within 1.5 times its height) rule it out.
_THIN_ASPECT = 2.0
# The dot of an ``i`` or ``!`` is at most this share of the stem's ink.
_DOT_SHARE = 0.4
# Ink beside a glyph (not above or below it) under this share of its own is a speck; more, another glyph's.
_SPECK_SHARE = 0.1
# Glyphs shorter than this (page pixels) are too small to tell from specks.
_MIN_GLYPH_PX = 8
# Gray levels between a glyph's ink and the paper around it (medians) below which it is no print on
# paper: on the funsd_train forms the lone glyphs found stand 190-249 levels off their paper, the blobs
# of photos that pass the page's ink gate 72-170 (docs/benchmarks.md "Lone answers").
_MIN_CONTRAST = 128
# Word boxes tilted more than this (degrees) give no row evidence (scene text, turned labels).
_LEVEL_DEG = 10.0
# Straight ink runs longer than this many median word heights are ruling lines, not glyphs.
_RULE_HEIGHTS = 2.5
#: The ink look runs on a page with at most this share of ink whose ground is as plain as paper's
#: (:func:`ocrplug.crops.paper_ink`): the word box fit's bound for display type
#: (:data:`ocrplug.words.FIT_PAPER_INK`, 0.18, between the ``funsd_train`` forms' 12-13.5 % and the
#: ``icdar2015_val`` photos' 22 % or more), not :data:`ocrplug.crops.PAPER_INK` (0.12): T11's
#: ``shelf_label`` is 12.15 % ink (its 200 px price), and its lone ``6`` was never looked for (issue 24,
#: L13; ``python benchmarks/lone_glyph_diff.py``, docs/benchmarks.md "Lone glyphs in ``fast``, display
#: type and coloured panels (issue 24 item 1, L13)").
LONE_PAPER_INK = FIT_PAPER_INK
#: A page that is no text on paper by :func:`ocrplug.crops.paper_ink` (its ground spread over grey levels or
#: its dark side over :data:`LONE_PAPER_INK`) is still looked at when its ground is a few flat tints: at most
#: :data:`TINT_COUNT` grey levels, each within :data:`TINT_SPREAD` levels of which lies at least
#: :data:`TINT_SHARE` of the page, together all of the page but :data:`LONE_PAPER_INK` (a chess board's grey
#: squares, a form's grey panels: T11 ``chess.png``, 67 % white and 32 % grey, lost ``a c e f`` with
#: ``accurate``; issue 24, L14). Its ink is every pixel off those tints. A photo's ground spreads over many
#: levels (no ``icdar2015_val`` image of the guards' 40 passes; ``python benchmarks/lone_glyph_diff.py``).
TINT_COUNT = 3
TINT_SPREAD = 4
TINT_SHARE = 0.05


#: A glyph alone on its row (no found word there) is found when the page has at least
#: :data:`LONE_PAGE_WORDS` level words, it is :data:`LONE_GLYPH_HEIGHTS` as tall as their median box,
#: and either it stands in a ruled cell (ruling lines on its four sides within :data:`LONE_CELL_REACH` times
#: its height: a crossword's clue number in its cell's corner, a table's lone digit) or it lies below or above
#: every level word (a page number). Chosen on the generated pages of benchmarks/lone_cells.py and
#: checked with benchmarks/db_lone.py ``--glyphs`` and benchmarks/craft_lone.py (docs/benchmarks.md
#: "Lone glyphs in cells and on empty rows (issue 24, G12)").
LONE_PAGE_WORDS = 3
LONE_CELL_REACH = 8.0
#: ... and stands at least this many times its height from the image's edges: a scan's edge marks (a
#: binder hole, noise along the top) lie on no row and below or above every word too (the first version
#: added 4 such boxes on funsd_train's first 40 forms with ``swift``'s lines, each 0.3-1.8 heights in).
#: Since issue 24 L13 a glyph on a word's row keeps it from the left and right edges too on a page of
#: :data:`LONE_PAGE_WORDS` level words or more (binder holes beside a row: ``fast``'s words gave 5 such
#: false boxes 0.3-1.3 heights in on funsd_train's first 40 forms, and one with ``swift``'s; a crop of a
#: line or two keeps its glyphs), every margin counted to the nearest edge with no drawn frame between
#: (T11 ``shelf_label``'s ``6`` stands 1.2 heights above the image's foot, inside the label's frame).
LONE_EDGE_HEIGHTS = 2.0
#: ... or another such glyph stands on its row (its centre within half the shorter one's height across the
#: rows), at most this many times taller or shorter than it: a row of single letters or digits.
LONE_ROW_MATES = 1.5


#: Pieces of one glyph (the rings and bar of a monospaced ``%``, the dots and bar of ``÷``) are at most this
#: many ink components whose column ranges overlap, each at most :data:`_PIECE_GAP` times the tallest one's
#: height above or below the next: a glyph of several pieces is found as one (its pieces alone are
#: too small, or too close to each other to stand clear).
_MAX_PIECES = 3
_PIECE_GAP = 0.5
# More free components than this on a page (a scan's noise): no look for glyphs of several pieces.
_MAX_FREE = 2000


#: Ink of a found word beside a candidate glyph, at least this many times the glyph's height away (a word
#: space: FreeSerif's is 0.3-0.45 of a capital's height, letters of one word stand 0.05-0.1 apart), is that
#: word's, not the glyph's neighbour: a lone ``A`` starting ``A note to all of us:`` stands alone though
#: ``note`` is within :data:`LONE_GLYPH_CLEAR` of it (T6, note_freeserif_300, issue 24).
_WORD_SPACE = 0.2


#: A drawn box frame (a form's checkbox, ``[ ] Yes   [x] No``) is no glyph: the lone-glyph look finds it
#: like one, and the host's checkbox step (:mod:`ocrplug.checkboxes`, issue 24 c9) writes it ``\u2610`` or
#: ``\u2611`` instead of a recognizer's guess. A candidate is a box frame when it is about square (the
#: longer side at most :data:`BOX_FRAME_ASPECT` times the shorter), each of its four sides is a straight run
#: of ink along at least :data:`BOX_FRAME_SIDES` of its length (the band of the outer fifth of its size),
#: and nothing of it lies in its inner half. Round and half-round letters fail the sides (a ``D`` has one
#: straight side, ``O``, ``o``, ``0`` none), ``B``, ``H``, ``8`` and ``#`` the empty inside: no letter of
#: ``O o D 0 Q C G U B H N p q 8 #`` in the 321 installed faces at 8-40 px is a frame, every drawn square of
#: 8-24 px with a 1-2 px frame is (tests/test_swift_lone.py, tests/test_checkboxes.py). 0.88 (was 0.9,
#: issue 24 c9): a funsd_train box whose side has a pixel's bump (its bounding box a column wider than the
#: frame, 8 of 9 columns under the top side) is a frame, 54 of its 88 empty boxes against 35 at 0.9;
#: at 0.85 four letters were (an oblique ``o`` at 16 px, FreeSans ``D`` at 40 px).
BOX_FRAME_ASPECT = 1.3
BOX_FRAME_SIDES = 0.88


def frame_sides(mask: np.ndarray, band: float = 0.2) -> float:
    """The least share of its length along which a side of ``mask`` (h x w bool, cut to its bounding box)
    holds ink within the outer ``band`` of the size (at least 1 px): 1.0 for a drawn square's frame."""
    h, w = mask.shape
    band_y, band_x = max(1, round(band * h)), max(1, round(band * w))
    return float(min(
        mask[:band_y].any(axis=0).mean(),
        mask[h - band_y:].any(axis=0).mean(),
        mask[:, :band_x].any(axis=1).mean(),
        mask[:, w - band_x:].any(axis=1).mean(),
    ))


def is_box_frame(mask: np.ndarray) -> bool:
    """Whether ``mask`` (h x w bool, the ink of one glyph candidate cut to its bounding box) is a drawn
    box frame, not a glyph: about square, four straight sides and an empty inside (:data:`BOX_FRAME_SIDES`)."""
    h, w = mask.shape
    if min(h, w) < 4 or max(h, w) > BOX_FRAME_ASPECT * min(h, w):
        return False
    inside = mask[h // 4 : h - h // 4, w // 4 : w - w // 4]
    return bool(frame_sides(mask) >= BOX_FRAME_SIDES and not inside.any())


def tint_ink(gray: np.ndarray, most_ink: float = LONE_PAPER_INK) -> np.ndarray | None:
    """The ink of a page whose ground is a few flat tints (:data:`TINT_COUNT`), or ``None``.

    ``gray``: the page (H x W uint8). The tints are found greedily: the grey level with the most pixels
    within :data:`TINT_SPREAD` levels of it, then the next among the rest, while such a band holds at least
    :data:`TINT_SHARE` of the page. The page qualifies when the bands together hold all of it but
    ``most_ink``; its ink (H x W uint8, 1 = ink) is then every pixel in no band: dark print on white and on
    grey alike (light print on a dark tint is ground). Raises nothing.
    """
    if gray.size == 0:
        return None
    hist, ground = tint_levels(gray)
    if hist[ground].sum() < 1.0 - most_ink:
        return None
    return (~ground[gray]).astype(np.uint8)


def tint_levels(gray: np.ndarray, spread: int = TINT_SPREAD) -> tuple[np.ndarray, np.ndarray]:
    """``(hist, ground)``: the share of ``gray`` (H x W uint8, not empty) at each of the 256 grey levels, and
    which levels lie in the :data:`TINT_COUNT` bands of ``2 * spread + 1`` levels that :func:`tint_ink` takes
    for the ground (greedily the fullest, each holding :data:`TINT_SHARE` or more)."""
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64) / gray.size
    band = np.convolve(hist, np.ones(2 * spread + 1), mode="same")
    ground = np.zeros(256, dtype=bool)
    for _ in range(TINT_COUNT):
        free = np.where(ground, 0.0, band)
        level = int(np.argmax(free))
        if free[level] < TINT_SHARE:
            break
        ground[max(level - spread, 0):level + spread + 1] = True
    return hist, ground


def _found_beside(others: np.ndarray, lo_b: np.ndarray, hi_b: np.ndarray, x0: int, x1: int, h: int) -> np.ndarray:
    """Which of the components ``others`` (``cv2`` stats rows) have their centre in a found word box and
    lie left or right of the columns ``[x0, x1)`` with a word space (:data:`_WORD_SPACE` times ``h``) between."""
    if not len(others):
        return np.zeros(0, dtype=bool)
    ox0 = others[:, cv2.CC_STAT_LEFT]
    ox1 = ox0 + others[:, cv2.CC_STAT_WIDTH]
    ocx = ox0 + others[:, cv2.CC_STAT_WIDTH] / 2
    ocy = others[:, cv2.CC_STAT_TOP] + others[:, cv2.CC_STAT_HEIGHT] / 2
    found = (
        (lo_b[None, :, 0] <= ocx[:, None])
        & (ocx[:, None] <= hi_b[None, :, 0])
        & (lo_b[None, :, 1] <= ocy[:, None])
        & (ocy[:, None] <= hi_b[None, :, 1])
    ).any(axis=1)
    space = _WORD_SPACE * h
    return found & ((ox0 >= x1 + space) | (ox1 <= x0 - space))


def _union(stats: np.ndarray, members: list[int]) -> tuple[int, int, int, int, int]:
    """Left, top, width, height and ink area of the components ``members`` together (page pixels)."""
    part = stats[members]
    x0, y0 = int(part[:, 0].min()), int(part[:, 1].min())
    x1, y1 = int((part[:, 0] + part[:, 2]).max()), int((part[:, 1] + part[:, 3]).max())
    return x0, y0, x1 - x0, y1 - y0, int(part[:, cv2.CC_STAT_AREA].sum())


def _glyph_shaped(box: tuple[int, int, int, int, int]) -> bool:
    return box[3] >= _MIN_GLYPH_PX and box[2] <= LONE_GLYPH_WIDTH * box[3]


def _stacked_pieces(stats: np.ndarray, lo_b: np.ndarray, hi_b: np.ndarray) -> list[list[int]]:
    """Groups of 2 to :data:`_MAX_PIECES` components (labels into ``stats``) that no word box holds and
    that stack into one glyph: each joins one whose column range overlaps its own and whose rows lie
    within :data:`_PIECE_GAP` times the taller one's height (8-connected ink components, page pixels)."""
    x, y, w, h = (stats[1:, i].astype(np.int64) for i in range(4))
    cx, cy = x + w / 2, y + h / 2
    held = np.zeros(len(x), dtype=bool)
    for lo, hi in zip(lo_b, hi_b, strict=True):
        held |= (lo[0] <= cx) & (cx <= hi[0]) & (lo[1] <= cy) & (cy <= hi[1])
    free = np.flatnonzero(~held & (h >= 2))
    if len(free) < 2 or len(free) > _MAX_FREE:
        return []
    fx0, fx1, fy0, fy1, fh = x[free], x[free] + w[free], y[free], y[free] + h[free], h[free]
    cols = (fx0[:, None] < fx1[None, :]) & (fx0[None, :] < fx1[:, None])
    gap = np.maximum(fy0[:, None] - fy1[None, :], fy0[None, :] - fy1[:, None])
    near = cols & (gap <= _PIECE_GAP * np.maximum(fh[:, None], fh[None, :]))
    np.fill_diagonal(near, False)
    group = np.arange(len(free))
    for i, j in zip(*np.nonzero(near), strict=True):  # union of the pairs: the root label is the smallest
        a, b = group[i], group[j]
        while group[a] != a:
            a = group[a]
        while group[b] != b:
            b = group[b]
        group[max(a, b)] = min(a, b)
    roots = np.array([_root(group, i) for i in range(len(free))])
    out = []
    for r in np.unique(roots):
        members = free[roots == r] + 1
        if 2 <= len(members) <= _MAX_PIECES:
            out.append(members.tolist())
    return out


#: The segments of a seven-segment display's digit (an LCD meter's ``8``: seven bars a few pixels apart) are
#: one glyph: up to :data:`_MAX_SEGMENTS` solid bars (at least :data:`_SEGMENT_ASPECT` times longer than
#: thick, :data:`_SEGMENT_FILL` of their box inked) that no word box holds, each within :data:`_SEGMENT_GAP`
#: times the longer bar's length of the next (box to box). T15 ``meter7seg.png``: the ``8`` of ``0472918``
#: (110 px, segments 4-6 px apart, the digits 30 px or more) had no kernel above ``box_thresh`` and 7
#: components; ``python benchmarks/segment_digits.py`` (issue 24, D16).
_MAX_SEGMENTS = 7
_SEGMENT_ASPECT = 2.5
_SEGMENT_FILL = 0.6
_SEGMENT_GAP = 0.25


def _segment_groups(stats: np.ndarray, lo_b: np.ndarray, hi_b: np.ndarray) -> list[list[int]]:
    """Groups of 2 to :data:`_MAX_SEGMENTS` components (labels into ``stats``) that are the bars of one
    seven-segment digit (:data:`_SEGMENT_GAP`); 8-connected ink components, page pixels."""
    x, y, w, h, area = (stats[1:, i].astype(np.int64) for i in range(5))
    cx, cy = x + w / 2, y + h / 2
    held = np.zeros(len(x), dtype=bool)
    for lo, hi in zip(lo_b, hi_b, strict=True):
        held |= (lo[0] <= cx) & (cx <= hi[0]) & (lo[1] <= cy) & (cy <= hi[1])
    long, short = np.maximum(w, h), np.minimum(w, h)
    bar = ~held & (long >= _MIN_GLYPH_PX // 2) & (long >= _SEGMENT_ASPECT * short) & (area >= _SEGMENT_FILL * w * h)
    free = np.flatnonzero(bar)
    if len(free) < 2 or len(free) > _MAX_FREE:
        return []
    fx0, fx1, fy0, fy1, fl = x[free], x[free] + w[free], y[free], y[free] + h[free], long[free]
    gap = np.maximum(np.maximum(fx0[:, None] - fx1[None, :], fx0[None, :] - fx1[:, None]),
                     np.maximum(fy0[:, None] - fy1[None, :], fy0[None, :] - fy1[:, None]))
    near = gap <= _SEGMENT_GAP * np.maximum(fl[:, None], fl[None, :])
    np.fill_diagonal(near, False)
    group = np.arange(len(free))
    for i, j in zip(*np.nonzero(near), strict=True):
        a, b = _root(group, i), _root(group, j)
        group[max(a, b)] = min(a, b)
    roots = np.array([_root(group, i) for i in range(len(free))])
    out = []
    for r in np.unique(roots):
        members = free[roots == r] + 1
        if 2 <= len(members) <= _MAX_SEGMENTS:
            out.append(members.tolist())
    return out


def _root(group: np.ndarray, i: int) -> int:
    while group[i] != i:
        i = group[i]
    return int(i)


#: A straight run of ink longer than the rule length that lies in one ink component shaped like a big glyph
#: (at least :data:`_SIDE_GLYPH_WIDTH` and at most :data:`LONE_GLYPH_WIDTH` times as wide as tall, its ink
#: :data:`_SIDE_GLYPH_FILL` of its box) is that glyph's side, not a ruling line: the upright sides of an LCD's
#: ``8`` (T15 ``meter7seg.png``: 111 px, 3.4 times the page's median word box) were taken out as rules and the
#: ``8`` never looked at. The component is at most :data:`LONE_GLYPH_HEIGHTS` (its upper bound) times the
#: tallest found box high: a crossword's grid, its frame and black squares one component filling 0.3-0.8 of
#: its box, is far taller (tests/test_lone_cells.py). A box frame's ink fills under 0.3 of its box (an
#: outline), a solid block (a code's square, a redaction bar) over 0.8, a stroke of a rule is narrow: each
#: stays a rule (issue 24, D16;
#: ``python benchmarks/segment_digits.py``).
_SIDE_GLYPH_WIDTH = 0.3
_SIDE_GLYPH_FILL = (0.3, 0.8)


def _glyph_sides_kept(ink: np.ndarray, rules: np.ndarray, run: int, tallest: float) -> np.ndarray:
    """``rules`` (H x W uint8, 255 = ruling-line ink) less the runs inside big glyph-shaped components of ``ink``
    (H x W uint8, 255 = ink) at least ``run`` and at most ``tallest`` px tall (:data:`_SIDE_GLYPH_FILL`)."""
    if not rules.any():
        return rules
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h, area = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT], stats[1:, cv2.CC_STAT_AREA]
    lo, hi = _SIDE_GLYPH_FILL
    glyph = ((h >= run) & (h <= tallest) & (w >= _SIDE_GLYPH_WIDTH * h) & (w <= LONE_GLYPH_WIDTH * h)
             & (area >= lo * w * h) & (area <= hi * w * h))
    if not glyph.any():
        return rules
    out = rules.copy()
    for i in np.flatnonzero(glyph) + 1:
        # A pixel around the box too: an opening by an even-length line shifts its runs by one pixel.
        x0, y0 = max(int(stats[i, 0]) - 1, 0), max(int(stats[i, 1]) - 1, 0)
        x1, y1 = int(stats[i, 0] + stats[i, 2]) + 1, int(stats[i, 1] + stats[i, 3]) + 1
        part = labels[y0:y1, x0:x1]
        out[y0:y1, x0:x1][(part == i) | (part == 0)] = 0
    return out


#: A candidate of solid rectangles (each component's ink at least :data:`CODE_MODULE_FILL` of its box: a
#: module or a bar of modules) with ink over :data:`CODE_INK_SHARE` of the pixels within :data:`CODE_REACH`
#: times its longer side around it (outside the found boxes; ruling lines counted: a code's finder bars) is a
#: piece of a 2D code (DataMatrix, QR), not a glyph: T15 ``address_label.png``'s code gave two lone modules on
#: its top row, read ``■ ■`` at the end of the addressee's line (every preset; issue 24, D16;
#: ``python benchmarks/code_blocks.py``).
CODE_MODULE_FILL = 0.85
CODE_REACH = 3.0
CODE_INK_SHARE = 0.15


def _code_module(stats: np.ndarray, members: list[int], ink: np.ndarray, found: np.ndarray) -> bool:
    """Whether the candidate of components ``members`` (labels into ``stats``, ``cv2`` stats rows of the page's
    ink components, page pixels) is made of a 2D code's modules (:data:`CODE_MODULE_FILL`); ``ink`` and
    ``found`` (the found boxes' pixels): H x W uint8, non-zero = set."""
    part = stats[members]
    if np.any(part[:, cv2.CC_STAT_AREA] < CODE_MODULE_FILL * part[:, cv2.CC_STAT_WIDTH] * part[:, cv2.CC_STAT_HEIGHT]):
        return False
    x, y, w, h, area = _union(stats, members)
    reach = round(CODE_REACH * max(w, h))
    y0, x0 = max(y - reach, 0), max(x - reach, 0)
    near = (ink[y0:y + h + reach, x0:x + w + reach] > 0) & (found[y0:y + h + reach, x0:x + w + reach] == 0)
    return bool(near.size and near.sum() - area >= CODE_INK_SHARE * near.size)


def _in_cell(rules: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> bool:
    """Whether the box ``[x0, x1) x [y0, y1)`` (page pixels) stands in a ruled cell: ruling-line ink
    (``rules``, H x W uint8) on each of its four sides within :data:`LONE_CELL_REACH` times its height,
    across its own rows (left, right) or columns (above, below)."""
    h_img, w_img = rules.shape
    reach = max(round(LONE_CELL_REACH * (y1 - y0)), 1)
    return bool(
        rules[y0:y1, max(x0 - reach, 0):x0].any() and rules[y0:y1, x1:min(x1 + reach, w_img)].any()
        and rules[max(y0 - reach, 0):y0, x0:x1].any() and rules[y1:min(y1 + reach, h_img), x0:x1].any()
    )


def _edge_margin(rules: np.ndarray, x0: int, y0: int, x1: int, y1: int, across: bool = True) -> float:
    """The distance (page pixels) from the box ``[x0, x1) x [y0, y1)`` to the nearest image edge that no ruling
    line (``rules``, H x W uint8) stands between it and the box, across the box's rows or columns: a glyph
    inside a drawn frame (a shelf label's border, T11 ``shelf_label``'s ``6`` 28 px above the image's foot,
    inside its 4 px frame) is no scan's edge mark (:data:`LONE_EDGE_HEIGHTS`); ``inf`` when a frame stands
    on all four sides. ``across`` False: the left and right edges only."""
    h_img, w_img = rules.shape
    sides = [(x0, rules[y0:y1, :x0]), (w_img - x1, rules[y0:y1, x1:])]
    if across:
        sides += [(y0, rules[:y0, x0:x1]), (h_img - y1, rules[y1:, x0:x1])]
    return float(min((d for d, band in sides if not band.any()), default=np.inf))


def _in_column(lo_b: np.ndarray, hi_b: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> bool:
    """Whether a word box (corners ``lo_b``, ``hi_b``: N x 2, page pixels) stands above or below the box
    ``[x0, x1) x [y0, y1)`` within :data:`LONE_CELL_REACH` times its height, :data:`LONE_GLYPH_HEIGHTS` as
    tall as it, with its left or its right edge within half its height of the box's: a column of numbers
    (an axis's ticks, a table's column) or of list labels, aligned left or right."""
    if not len(lo_b):
        return False
    h = y1 - y0
    reach, slack = LONE_CELL_REACH * h, 0.5 * h
    gap = np.maximum(lo_b[:, 1] - y1, y0 - hi_b[:, 1])
    ratio = h / np.maximum(hi_b[:, 1] - lo_b[:, 1], 1e-6)
    aligned = (np.abs(lo_b[:, 0] - x0) <= slack) | (np.abs(hi_b[:, 0] - x1) <= slack)
    lo_h, hi_h = LONE_GLYPH_HEIGHTS
    return bool(np.any((gap >= 0) & (gap <= reach) & aligned & (ratio >= lo_h) & (ratio <= hi_h)))


#: A candidate on a word's row whose ink lies wholly in the lower part of the nearest such word's box (its
#: top at least :data:`MARK_LOW` of the box's height below the box's top: a comma or full stop at the
#: baseline) or wholly in its upper part (its foot at most :data:`MARK_HIGH` of the height below the top: a
#: quote mark or an apostrophe at cap height) is punctuation of that line, not a lone glyph: a letter or
#: digit spans the line's middle (an ``x`` beside a capitals label starts 0.2-0.45 of the box down). T14
#: ``legal_mono_caps.png``: the commas of ``ASSIGN,`` and ``CONSENT,`` (tops 0.69 down) were read ``1``
#: (issue 24, L15; ``python benchmarks/lone_marks.py``, docs/benchmarks.md "Marks of a line are not lone
#: glyphs (issue 24, L15)").
MARK_LOW = 0.5
MARK_HIGH = 0.5
#: ... and its centre lies within this many times that word's height of the word's box (a mark hugs its word:
#: the commas' centres stand 0.15 of ``ASSIGN``'s height right of its box): a clue number in a grid's corner
#: far left of a clue on its row is no mark of that clue (benchmarks/lone_cells.py's grid pages).
MARK_REACH = 0.5


def _line_mark(row_across: np.ndarray, glyph_across: np.ndarray, gx: float, row_x: np.ndarray) -> bool:
    """Whether a glyph (``glyph_across``: its ink's two corners' offsets across the rows, page pixels; ``gx``:
    its centre's x) lies wholly in the lower or upper band of the nearest row word (``row_across``: N x 4
    corner offsets across the rows; ``row_x``: N x 4 corner x) by :data:`MARK_LOW` / :data:`MARK_HIGH`, its
    centre within :data:`MARK_REACH` of that word's height from the word's box."""
    gap = np.maximum(row_x.min(axis=1) - gx, gx - row_x.max(axis=1))
    i = int(np.argmin(gap))
    near = row_across[i]
    top, height = float(near.min()), max(float(near.max() - near.min()), 1e-6)
    if gap[i] > MARK_REACH * height:  # far along the row: no mark of that word (a clue number in a grid)
        return False
    g_top, g_foot = (float(glyph_across.min()) - top) / height, (float(glyph_across.max()) - top) / height
    return g_top >= MARK_LOW or g_foot <= MARK_HIGH


def _bullet_of_row(mask: np.ndarray, pieces: int, right: float, row_x0: np.ndarray, row_h: np.ndarray) -> bool:
    """Whether a candidate (``mask``: its one ink component cut to its box, bool; ``pieces``: its component
    count; ``right``: its right edge, page x) is a list's bullet: a solid disc
    (:func:`ocrplug.discs.is_bullet_disc`) with a word of its row (``row_x0``: their left x; ``row_h``:
    their heights, px) starting right of it within :data:`ocrplug.discs.BULLET_REACH` of that word's
    height (the bullet step's own reach)."""
    if pieces != 1 or not is_bullet_disc(mask):
        return False
    gap = row_x0 - right
    return bool(np.any((gap >= 0) & (gap <= BULLET_REACH * row_h)))


def find_lone_glyphs(gray: np.ndarray, boxes: np.ndarray, angle: float | None = None) -> list[np.ndarray]:
    """Boxes (4 x 2, page pixels, clockwise from top-left) of lone glyphs beside the found words.

    ``gray``: the page (H x W uint8); ``boxes``: the word boxes found (N x 4 x 2, page pixels); ``angle``:
    the page's text direction (radians, y down; None: :func:`ocrplug.geometry.text_angle` of ``boxes``, the
    layout's own frame). Rows and word tilts are taken in that frame: on a page skewed 3 degrees a lone ``6``
    two words right of its row's last word box is on that row (in the page's axes its centre lies 13 px
    below it, issue 24 k8). Only
    text on paper is looked at (:func:`ocrplug.crops.paper_ink` with at most :data:`LONE_PAPER_INK` of ink;
    photos and dark scans return nothing). A glyph alone on its row stands :data:`LONE_EDGE_HEIGHTS` of its
    height from the image's edges, one on a word's row from its left and right edges (on a page of
    :data:`LONE_PAGE_WORDS` level words), edges with a drawn frame between not counted. Ink is
    the pixels darker than the page's Otsu threshold, less straight runs longer than 2.5 median word
    heights (ruling lines: a table cell's frame, so an answer in a ruled cell stands alone); a candidate
    is one 8-connected component that no found box holds (its centre outside every box), at least
    ``_MIN_GLYPH_PX`` tall and at most :data:`LONE_GLYPH_WIDTH` times as wide as tall (one glyph, not a
    word), around which (:data:`LONE_GLYPH_CLEAR` of its height on every side) there is no other ink but
    marks under :data:`_DOT_SHARE` of its own, whose centre lies in the vertical extent of a found,
    nearly level word whose box it is :data:`LONE_GLYPH_HEIGHTS` as tall as (the row evidence of
    docs/db.md "Lone characters": on the blank-noise page nothing is found, so nothing is added), or,
    with no word on its row, that is :data:`LONE_GLYPH_HEIGHTS` as tall as the page's median level word
    (:data:`LONE_PAGE_WORDS` of them at least), in a
    ruled cell, below or above every level word, in a column of aligned words (:data:`LONE_CELL_REACH`), or
    with another such glyph on its row (:data:`LONE_ROW_MATES`; issue 24, G12). A
    stroke that touches a ruling line, or a thin one (``_THIN_ASPECT`` times taller than wide) with
    another stroke straight above or below it (within 1.5 times its height), is a piece of a rule and is
    left out. The box is the glyph's (with its dot) grown by a tenth of its height on every side.
    """
    if not len(boxes):
        return []
    h_img, w_img = gray.shape
    page_ink = paper_ink(gray, LONE_PAPER_INK)
    if page_ink is None:  # flat tinted grounds (a board's grey squares), or a photo, a dark scan: no paper
        page_ink = tint_ink(gray)
    if page_ink is None:  # a photo or a dark scan, not text on paper: its "ink" is half the scene
        return []
    ink = page_ink * np.uint8(255)
    lo_b, hi_b = boxes.min(axis=1), boxes.max(axis=1)
    bh = hi_b[:, 1] - lo_b[:, 1]
    # Ruling lines (a table cell's) are taken out of the ink first: runs longer than RULE_HEIGHTS word heights.
    run = max(round(_RULE_HEIGHTS * float(np.median(bh))), _MIN_GLYPH_PX)
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1)))
    rules |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, run)))
    rules = _glyph_sides_kept(ink, rules, run, LONE_GLYPH_HEIGHTS[1] * float(bh.max()))
    ink = ink & ~rules
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    # Candidates: one component, or the pieces of one glyph stacked in a column (``%``, ``÷``, ``;``).
    cand = [[c] for c in (np.flatnonzero((h >= _MIN_GLYPH_PX) & (w <= LONE_GLYPH_WIDTH * h)) + 1).tolist()]
    cand += [g for g in _stacked_pieces(stats, lo_b, hi_b) if _glyph_shaped(_union(stats, g))]
    cand += [g for g in _segment_groups(stats, lo_b, hi_b) if _glyph_shaped(_union(stats, g))]
    if not cand:
        return []
    # Every stroke taller than wide (a thin candidate's possible continuations), by centre.
    tall_id = np.flatnonzero((h >= _MIN_GLYPH_PX // 2) & (h >= 1.5 * w)) + 1
    tall_x = stats[tall_id, cv2.CC_STAT_LEFT] + stats[tall_id, cv2.CC_STAT_WIDTH] / 2
    tall_y = stats[tall_id, cv2.CC_STAT_TOP] + stats[tall_id, cv2.CC_STAT_HEIGHT] / 2
    # Nearly level words only: the top edge within _LEVEL_DEG of the page's text direction (a short word
    # with a descender, ``Page:``, gets a box tilted by a few degrees). Rows are taken across that direction.
    if angle is None:
        angle = text_angle(boxes)
    top = boxes[:, 1] - boxes[:, 0]
    tilt = np.degrees(np.abs((np.arctan2(top[:, 1], top[:, 0]) - angle + np.pi) % (2 * np.pi) - np.pi))
    level = np.minimum(tilt, 180 - tilt) <= _LEVEL_DEG
    across = np.array([-np.sin(angle), np.cos(angle)])
    box_across = boxes @ across  # (N, 4): the corners' offsets across the rows
    lo_r, hi_r = box_across.min(axis=1), box_across.max(axis=1)
    bh_r = hi_r - lo_r
    lo_h, hi_h = LONE_GLYPH_HEIGHTS
    # Evidence for a glyph alone on its row: the page's text height (the median level word box) and the
    # extent of its level rows (a page number below or above every one of them), or a ruled cell around it.
    text_h = float(np.median(bh_r[level])) if level.sum() >= LONE_PAGE_WORDS else 0.0
    edge_lo = float(lo_r[level].min()) if level.any() else -np.inf
    edge_hi = float(hi_r[level].max()) if level.any() else np.inf
    found_mask = np.zeros_like(ink)  # the found boxes' pixels: a 2D code's ink around a candidate is counted outside them
    cv2.fillPoly(found_mask, list(np.round(boxes).astype(np.int32)), 255)
    out = []
    pending: list[tuple[np.ndarray, float, float, list[int]]] = []  # glyphs alone on their rows, so far
    taken: set[int] = set()  # components of glyphs found (a stem with its dot is not found again as pieces)
    for members in cand:
        if taken.intersection(members):
            continue
        cx0, cy0, cw, ch, carea = _union(stats, members)
        cx, cy = cx0 + cw / 2, cy0 + ch / 2
        held = (lo_b[:, 0] <= cx) & (cx <= hi_b[:, 0]) & (lo_b[:, 1] <= cy) & (cy <= hi_b[:, 1])
        if held.any():
            continue
        # A stroke that touches a ruling line, or a thin one that continues in strokes straight above or
        # below it, is a piece of a (broken) rule: a table's frame, not a glyph.
        tx0, ty0, tx1, ty1 = max(cx0 - 2, 0), max(cy0 - 2, 0), min(cx0 + cw + 2, w_img), min(cy0 + ch + 2, h_img)
        if rules[ty0:ty1, tx0:tx1].any():
            continue
        if ch >= _THIN_ASPECT * cw:
            col = (np.abs(tall_x - cx) <= cw) & ~np.isin(tall_id, members) & (np.abs(tall_y - cy) <= 1.5 * ch)
            if col.any():
                continue
        pad = round(LONE_GLYPH_CLEAR * ch)
        ax0, ay0 = max(cx0 - pad, 0), max(cy0 - pad, 0)
        ax1, ay1 = min(cx0 + cw + pad, w_img), min(cy0 + ch + pad, h_img)
        others = np.unique(labels[ay0:ay1, ax0:ax1])
        others = others[(others != 0) & ~np.isin(others, members)]
        others = others[~_found_beside(stats[others], lo_b, hi_b, cx0, cx0 + cw, ch)]
        if np.any(stats[others, cv2.CC_STAT_AREA] > _DOT_SHARE * carea):
            continue
        # Marks above or below the stem (a dot) join the glyph; specks beside it are left out, but a
        # mark beside it bigger than a speck (a stroke of the next letter) makes it part of something else.
        above_below = (stats[others, cv2.CC_STAT_LEFT] + stats[others, cv2.CC_STAT_WIDTH] > cx0) & (
            stats[others, cv2.CC_STAT_LEFT] < cx0 + cw
        )
        if np.any(~above_below & (stats[others, cv2.CC_STAT_AREA] > _SPECK_SHARE * carea)):
            continue
        if _code_module(stats, members, page_ink, found_mask):
            continue
        gx0, gy0, gx1, gy1 = cx0, cy0, cx0 + cw, cy0 + ch
        for o in others[above_below].tolist():
            ox, oy, ow, oh = (int(v) for v in stats[o, :4])
            gx0, gy0, gx1, gy1 = min(gx0, ox), min(gy0, oy), max(gx1, ox + ow), max(gy1, oy + oh)
        gh = gy1 - gy0
        # Dark ink on light paper: a glyph printed on a form stands out from the paper around it by
        # most of the gray range; a blob in a photo (a window, a shadow) much less.
        near = gray[max(cy0 - ch, 0):cy0 + 2 * ch, max(cx0 - ch, 0):cx0 + cw + ch]
        near_ink = ink[max(cy0 - ch, 0):cy0 + 2 * ch, max(cx0 - ch, 0):cx0 + cw + ch] > 0
        own = gray[cy0:cy0 + ch, cx0:cx0 + cw][np.isin(labels[cy0:cy0 + ch, cx0:cx0 + cw], members)]
        if (~near_ink).any() and abs(float(np.median(near[~near_ink])) - float(np.median(own))) < _MIN_CONTRAST:
            continue
        g_across = float(np.array([(gx0 + gx1) / 2, (gy0 + gy1) / 2]) @ across)
        row = level & (lo_r <= g_across) & (g_across <= hi_r) & (gh >= lo_h * bh_r) & (gh <= hi_h * bh_r)
        grow = 0.1 * gh
        box = np.clip(np.array([[gx0 - grow, gy0 - grow], [gx1 + grow, gy0 - grow], [gx1 + grow, gy1 + grow],
                                [gx0 - grow, gy1 + grow]], dtype=np.float32), 0, [w_img, h_img])
        mine = [*members, *others[above_below].tolist()]
        margin = _edge_margin(rules, gx0, gy0, gx1, gy1)
        # A solid disc left of its row's words (any height: a bullet is 0.22-1.0 of its item's text) is a list's
        # bullet: the host's bullet step writes it (ocrplug.checkboxes), and a glyph box on it was read a second
        # time (T14 ``lists.png``, ``accurate``: ``● • Passport``; issue 24, L15).
        band = level & (lo_r <= g_across) & (g_across <= hi_r)
        # A mark in the height band of its row's line beside one of its words (a comma or full stop on the
        # baseline, a quote mark or apostrophe at cap height) is that line's punctuation: a glyph spans the
        # row's middle. Any height: the words of a row of small marks (``"quarterly",``) are 3 times taller.
        if band.any() and _line_mark(boxes[band] @ across, np.array([[gx0, gy0], [gx1, gy1]]) @ across,
                                     0.5 * (gx0 + gx1), boxes[band, :, 0]):
            continue
        if band.any() and _bullet_of_row(labels[cy0:cy0 + ch, cx0:cx0 + cw] == members[0], len(members), cx0 + cw,
                                         lo_b[band, 0], bh[band]):
            continue
        if row.any():
            # On a page of text (LONE_PAGE_WORDS level words), a mark near the left or right edge is a scan's
            # edge mark (a binder hole on a row of text), not a glyph; on a crop (fewer words) it stays.
            if text_h and _edge_margin(rules, gx0, gy0, gx1, gy1, across=False) < LONE_EDGE_HEIGHTS * gh:
                continue
        elif not (text_h and lo_h * text_h <= gh <= hi_h * text_h and margin >= LONE_EDGE_HEIGHTS * gh):
            continue
        if not row.any():
            if not (_in_cell(rules, gx0, gy0, gx1, gy1) or g_across > edge_hi or g_across < edge_lo
                    or _in_column(lo_b[level], hi_b[level], gx0, gy0, gx1, gy1)):
                pending.append((box, g_across, gh, mine))  # found if another such glyph shares its row
                continue
        out.append(box)
        taken.update(mine)
    # A row of lone glyphs with no word on it (``T  F`` over a column of tick boxes, a chess board's files
    # ``a``..``h``): each is found when another one of like height (LONE_ROW_MATES) stands on its row.
    for i, (box, g_across, gh, mine) in enumerate(pending):
        if taken.intersection(mine):
            continue
        mates = [j for j, (_, a, h, _) in enumerate(pending) if j != i and abs(a - g_across) <= 0.5 * min(h, gh)
                 and max(h, gh) <= LONE_ROW_MATES * min(h, gh)]
        if mates:
            out.append(box)
            taken.update(mine)
    return out
