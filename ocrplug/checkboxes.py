"""Checkboxes on paper, read from their own ink (issue 24, c9).

A form's drawn square (``[ ] Yes   [x] No``) is found by the detectors as a word of its own (CRAFT, the
lone-glyph look) or inside a line with its word (DB at ``swift``'s 1024 px: ``□ Yes``), and a recognizer
guesses at it: PP-OCR read an empty square ``□`` and a ticked one ``冈``, the cascade ``ć`` or ``口``, and
once put the ticked box's guess at the end of its row. FUNSD's ground truth writes checkboxes as ``☐``
(U+2610) and ``☑`` (U+2611). Before recognition, :func:`take_checkboxes` finds every box frame in the
detected regions from the page's ink, classifies it (empty, or ticked: a tick, a cross or a fill inside
the frame), cuts it out of the region it shared with words, and keeps it from the recognizer; after
recognition, :func:`place_checkboxes` writes it as :data:`TICKED` (or, for an empty box, :data:`EMPTY`
or nothing, ``layout.empty_checkboxes``) in its row's line, in its place along the row. One host place,
for every detector and recognizer. Numpy and OpenCV only. Figures: docs/benchmarks.md "Checkboxes".

A list item's solid round bullet is the same kind of mark (issue 24 item 1, T9 fault 7): the readers read
it ``●``, ``0``, ``e``, ``O`` (on a line of its own) or not at all. The same step finds it from its ink
(:func:`is_bullet_disc`: a solid disc at a line's start, about as tall as its text's x-height, clear of
ink to its left) in a region or just left of one, takes it out, and :func:`place_checkboxes` writes it
:data:`BULLET` at the start of its item's line. Figures: docs/benchmarks.md "Bullets, final stops, specks".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from ocrplug.combs import cut_between, map_leaves
from ocrplug.crops import PAPER_SPREAD, paper_ink
from ocrplug.discs import BULLET_MIN_SIDE, BULLET_REACH, is_bullet_disc
from ocrplug.geometry import _box, _frame, _union_quad, quad_angle
from ocrplug.lone_glyphs import BOX_FRAME_ASPECT, BOX_FRAME_SIDES, frame_sides, is_box_frame
from ocrplug.model import Region

__all__ = ["BOX_SIGNS", "BULLET", "BULLET_ATTR", "CHECKBOX_ATTR", "DASH", "DASH_ATTR", "EMPTY", "TICK", "TICKED", "TICK_ATTR",
           "EmptyCheckboxes", "TakenBox", "checkbox_state", "is_bullet_disc", "is_dash", "is_mark",
           "is_tick", "place_checkboxes", "take_checkboxes", "without_icon_boxes"]

#: An empty checkbox is written as this character (U+2610 BALLOT BOX, as FUNSD's ground truth writes it).
EMPTY = "\u2610"
#: A ticked checkbox (a tick, a cross or a fill inside the frame) is written as this (U+2611).
TICKED = "\u2611"
#: What happens to an empty checkbox: ``write`` it as :data:`EMPTY`, or ``drop`` it (no text).
EmptyCheckboxes = Literal["write", "drop"]
#: The attribute a checkbox word carries: ``"empty"`` or ``"ticked"``.
CHECKBOX_ATTR = "checkbox"
#: A list item's solid round bullet is written as this character (U+2022 BULLET) in every preset.
BULLET = "\u2022"
#: The attribute a bullet word carries (value ``True``).
BULLET_ATTR = "bullet"
#: A bare tick (no box round it) is written as this character (U+2713 CHECK MARK) in every preset: the
#: readers read it ``J``, ``」``, ``L`` (``fast``) or ``√`` (``swift``, ``accurate``).
TICK = "\u2713"
#: The attribute a bare tick's word carries (value ``True``).
TICK_ATTR = "tick"
#: A dash the detector boxed alone (a region whose whole ink is a short solid bar, :func:`is_dash`) is
#: written as this character (U+002D HYPHEN-MINUS) in every preset: PP-OCR read a bold title's dash cropped
#: alone ``■`` (T10's ``rota.png`` in ``accurate``: ``Ward 6 Staff Rota ■ Week 14``; c12).
DASH = "-"
#: The attribute a lone dash's word carries (value ``True``).
DASH_ATTR = "dash"
# The attribute tying the pieces of a region cut around its checkboxes to one another (this module's
# own: it does not leave the recognition step).
_PIECE_ATTR = "checkbox_piece"

# Gray levels between a frame's ink and its paper at least (print on paper; lone_glyphs._MIN_CONTRAST).
_MIN_CONTRAST = 128
# The region's box is looked at grown by this share of its height (a detector's box can cut a side off).
_GROW = 0.3
# Frames shorter than this (page pixels) are too small to tell from a letter's bowl or a speck.
_MIN_SIDE = 6
#: A frame in a region of several glyphs (a line ``□ Yes``) is between these shares of the region's
#: height tall (a frame as tall as a capital; a table cell's frame is taller than its text).
FRAME_HEIGHTS = (0.2, 1.35)
#: A box frame has no other ink on its rows within this share of its side left or right of it: funsd_train's
#: ground-truth boxes stand 0.25-1.2 of their side from their label (55 of 60 frames found; five big boxes
#: 0.12-0.22 from theirs are lost), the scanned ``O`` and ``D`` of 8-10 px found as frames (``PROGRESS``,
#: ``DATE:``, ``ON``, ``LOCATION:``, ``INDICATE``) 0.1-0.22 from their next letter.
FRAME_APART = 0.25
# Ink inside or beside the frame under this share of the frame's ink is specks (lone_glyphs._SPECK_SHARE).
_SPECK_SHARE = 0.1
#: A frame whose own ink reaches into its inner half is ticked only when its ring is closed: every side's
#: outermost band (:data:`TICK_RING` of the side, at least 1 px) holds ink along :data:`TICK_RING_SIDES` of
#: it (a letter with four straight-ish sides and ink inside, ``B``, ``8``, ``#``, ``N``, fails a side there;
#: a bold serif ``H`` at 16 px covers 12 of its 13 top columns, its serifs meeting but for one).
TICK_RING = 0.12
TICK_RING_SIDES = 0.95
#: A frame whose ring is broken (a thin scanned line with gaps, a typed ``X`` whose strokes touch it) is
#: ticked too when its ring holds ink along :data:`TICK_RING_BROKEN` of every side and its ink inside the
#: outer :data:`TICK_INNER_BAND` of its size is a mark, not a fill (:func:`is_mark`: a cross or a tick;
#: a bold ``H``'s bar, a blotted letter's bowl are not). Chosen on funsd_train's components and the
#: installed faces' letters (``benchmarks/broken_boxes.py``, docs/benchmarks.md, issue 24 k13).
TICK_RING_BROKEN = 0.7
#: A ring all but closed (every side's outermost band inked along :data:`TICK_RING_NEAR` of it: a scan's
#: pinhole in a thin frame) is ticked by any ink of its own inside its lines that covers
#: :data:`TICK_NEAR_INK` of that inside (after specks), mark or not: a faint typed ``X`` broken by the
#: scan into a ``K``-like pair of strokes (funsd_train 91856041's ``[X] # OF BOOTHS``); an empty
#: frame with a gap stays no box. Chosen with ``python benchmarks/broken_boxes.py --closed
#: 0.95,0.9,0.85,0.8 --inked 0.05,0.1,0.2`` (docs/benchmarks.md, issue 24 b16): at 0.85 a bold ``H``
#: (FreeMono, Noto Serif, 40 px) passes for a box; an inside share of 0.2 loses 91856041's box.
TICK_RING_NEAR = 0.9
TICK_NEAR_INK = 0.1
TICK_INNER_BAND = 0.15
#: The ink inside such a frame is also read with the frame's own lines stripped (:func:`_inside_frame`):
#: from each side, the outer rows or columns inked along at least :data:`FRAME_LINE` of them, at most
#: :data:`FRAME_LINE_DEPTH` of the size deep (a 3 px frame of a 10 px box). A typed ``x`` that touches the
#: frame near its corner starts inside :data:`TICK_INNER_BAND` and was cut to no cross (funsd_train's
#: ``0060036622`` ``[x] Contribution``; issue 24, K14).
FRAME_LINE = 0.5
FRAME_LINE_DEPTH = 0.3
#: A frame wider than square (:data:`~ocrplug.lone_glyphs.BOX_FRAME_ASPECT`) up to this many times its
#: height is a ticked box when it holds a mark (:func:`is_mark`; never an empty one: a table cell, a
#: field's box): funsd_train's typed ``X`` in 1.5:1 and 1.8:1 frames (``00851879``, ``81619511``), chosen
#: with ``benchmarks/broken_boxes.py --wide`` (docs/benchmarks.md, issue 24 K14).
WIDE_FRAME_ASPECT = 2.2
#: A frame whose inner half is more than :data:`TICK_SOLID` ink is a filled box only when its shorter side
#: is at least :data:`SOLID_MIN_SIDE` px (smaller, it is a letter blotted solid by the scan: funsd_train's
#: ``e`` of ``Chemicals`` and ``B`` of ``BY:``, 6-7 px; its ticked frames hold ink on 0.08-0.56 of it).
TICK_SOLID = 0.7
SOLID_MIN_SIDE = 12
#: A component whose bounding box is more than this share ink is a blob (a black square, a redaction bar, a
#: logo's block), never a box: a filled box shows its frame apart from its fill (funsd_train's ticked frames
#: hold ink on at most 0.56 of their inner half). Found by the suite: a fake detector's one region on a page
#: holding only a 50 x 40 px black rectangle was written ``☑``. Not tuned: no validation page has a blob
#: near it (a blob and a solidly filled box differ by the white ring between frame and fill).
BLOB_SHARE = 0.9
#: A frame with a mark touching it is at least this many pixels a side (funsd_train's scans blot letters
#: of 6-7 px into closed rings with ink inside; its ticked frames measure 8-19 px).
TICK_MIN_SIDE = 8
# The tips of a mark past the frame: outer rows or columns with ink along under this share of them, all
# of it within this share of their ends, are peeled off (at most _TIP_PEEL of the size deep a side, at
# least 1 px: a 2 px cross stands 1 px past a 14 px frame; the stems of a handwritten ``#`` stand 3 px
# past its inner square at 20 px) before the ring is looked at.
_TIP_SHARE = 0.5
_TIP_DEPTH = 0.25
_TIP_PEEL = 0.1
# Words of a region cut around a frame stand at least this share of the frame's side away from it.
_CUT_GAP = 0.15
#: A frame no detected region holds (:func:`_page_frames`) is looked for on the row of a region, its side
#: between these multiples of that region's height: T10's quiz has 60 px boxes beside text 30-35 px tall,
#: ``benchmarks/tick_boxes.py`` 80 px boxes beside 24 px text (4.4 line heights).
PAGE_FRAME_HEIGHTS = (0.5, 5.0)
#: Such a frame whose own ink crosses its inner half along this share of a row or column (wall to wall)
#: is cells of a grid, not a ticked box (funsd_train 91315069_91315070: two stacked cells written ``☑``).
#: Not tuned: a tick or cross touching the frame runs slantwise.
PAGE_FRAME_WALL = 0.9
#: A mark apart from such a frame (:func:`is_mark`, :func:`is_tick`): its sides at least 0.5 of each other
#: (a tick's width 0.75 of its height); ends and corners its outer 0.25; a fill over 0.9 ink; a tick's
#: left end begins 0.2-0.7 of its height down, its right end reaches its top 0.175 and ends above 0.5, its
#: foot left of 0.65 of its width, its left end centred 0.35 of its height lower than its right end; a
#: cross's end columns are inked along under 0.7 of its height. Chosen on the 362 installed faces at 16,
#: 24 and 40 px (``benchmarks/tick_boxes.py --parts glyphs``) and T10's drawn tick (foot at 0.6).
MARK_BAND = 0.25
MARK_ASPECT = 0.5
MARK_FILL = 0.9
MARK_TICK_TOP = 0.35
MARK_TICK_RISE = 0.35
MARK_TICK_ASPECT = 0.75
MARK_TICK_START = (0.2, 0.7)
MARK_TICK_RIGHT = 0.5
MARK_TICK_FOOT = 0.65
MARK_CROSS_SIDE = 0.7
#: A cross of any face (serifs on its ends, ``✗``'s short arm: c12) is also told by a ring: an ellipse
#: round the mark's middle at one of :data:`MARK_CROSS_RING` of its width and height crosses its ink in
#: four runs, one in each quadrant, each at least :data:`MARK_CROSS_AXIS` degrees off the axes (a ``+``
#: is on them), opposite runs within :data:`MARK_CROSS_OPPOSITE` degrees of a straight line through the
#: middle; its end bands (:data:`MARK_BAND` of its width) hold ink on under :data:`MARK_CROSS_STEM` of
#: their middle rows (all but the outer :data:`MARK_CROSS_MID` of its height: ``K k H N`` have a stem
#: there), and its top and bottom :data:`MARK_CROSS_BAR` of its height ink no bar across its middle
#: third of columns (``Z z``). Chosen on the 362 installed faces at 16, 24 and 40 px (c12's sweep,
#: ``benchmarks/tick_boxes.py --parts glyphs`` the figures): ``x`` 67 -> 290 of 342 marks, ``X`` 79 -> 311,
#: ``✗`` 0 -> 32 of 36; letters taken for a mark 152 -> 188 of 24,763 (the ring's own 45: ``k`` 9, ``g`` 5;
#: with the old end-column rule instead 167, without the bar rule 87, a stem as any ink there: ``✗`` 10).
MARK_CROSS_RING = (0.3, 0.35, 0.4)
MARK_CROSS_AXIS = 15.0
MARK_CROSS_OPPOSITE = 35.0
MARK_CROSS_MID = 0.4
MARK_CROSS_STEM = 0.5
MARK_CROSS_BAR = 0.15
# Regions tilted more than this (degrees) against the page's axes are not looked at (scene text).
_LEVEL_DEG = 10.0


def _tips(line: np.ndarray) -> bool:
    """Whether an outer row or column ``line`` (bool) holds only tips: ink along under :data:`_TIP_SHARE` of
    it, all within :data:`_TIP_DEPTH` of its ends (a corner's; a letter's bowl bulges in the middle)."""
    ink = np.flatnonzero(line)
    n = len(line)
    return bool(len(ink) < _TIP_SHARE * n and np.all((ink < _TIP_DEPTH * n) | (ink >= n - _TIP_DEPTH * n)))


def _peeled(mask: np.ndarray) -> np.ndarray:
    """``mask`` less its outer rows and columns of tips (:func:`_tips`), up to ``_TIP_PEEL`` of its size
    (at least 1 px) a side: the tips of a cross drawn corner to corner stand past the frame."""
    h, w = mask.shape
    t, b, left, r = 0, h, 0, w
    for _ in range(max(1, round(_TIP_PEEL * h))):
        if b - t > _MIN_SIDE and _tips(mask[t, left:r]):
            t += 1
        if b - t > _MIN_SIDE and _tips(mask[b - 1, left:r]):
            b -= 1
    for _ in range(max(1, round(_TIP_PEEL * w))):
        if r - left > _MIN_SIDE and _tips(mask[t:b, left]):
            left += 1
        if r - left > _MIN_SIDE and _tips(mask[t:b, r - 1]):
            r -= 1
    return mask[t:b, left:r]


def checkbox_state(
    mask: np.ndarray, inside_ink: float = 0.0, inside: np.ndarray | None = None
) -> Literal["empty", "ticked"] | None:
    """What the ink component ``mask`` (h x w bool, cut to its bounding box) is: an ``"empty"`` box
    frame, a ``"ticked"`` one, or None (no frame: a glyph, a rule, a blob).

    ``inside_ink``: the ink of other components lying inside the frame, as a share of the frame's own (a
    cross or tick drawn apart from the frame). A frame is about square (:data:`~ocrplug.lone_glyphs.BOX_FRAME_ASPECT`)
    with ink along all four sides; it is empty when nothing of it lies in its inner half
    (:func:`~ocrplug.lone_glyphs.is_box_frame`) and the ink inside is specks (under a tenth of its own),
    ticked when the ink inside is more and, given as ``inside``, is a mark (:func:`is_mark`: an outline
    icon's drawing, a plus, bars, a ring, a dot, or a boxed letter is none, and the frame is then no box),
    or when its own ink fills its inside (a mark touching the frame) and its ring is closed
    (:data:`TICK_RING`, :func:`~ocrplug.lone_glyphs.frame_sides`), or all but closed
    (:data:`TICK_RING_NEAR`) round ink of its own inside its lines (:data:`TICK_NEAR_INK`).

    ``inside``: that ink (bool, cut to its bounding box), or None. A frame wider than square, up to
    :data:`WIDE_FRAME_ASPECT`, is only ever ``"ticked"`` (:func:`_wide_ticked`).
    """
    h, w = mask.shape
    if min(h, w) < _MIN_SIDE:
        return None
    if max(h, w) > BOX_FRAME_ASPECT * min(h, w):
        return "ticked" if _wide_ticked(mask, inside_ink, inside) else None
    if is_box_frame(mask):
        if inside_ink < _SPECK_SHARE:
            return "empty"
        # Ink apart from the frame ticks it when it is a mark (a tick, a cross, a fill): an outline icon's
        # drawing (a plus, bars, a ring, a dot) or a boxed letter is none (issue 24, K15).
        return "ticked" if inside is None or is_mark(inside) else None
    mask = _peeled(mask)
    h, w = mask.shape
    if min(h, w) < TICK_MIN_SIDE or max(h, w) > BOX_FRAME_ASPECT * min(h, w) or mask.mean() > BLOB_SHARE:
        return None
    # A closed ring in the outermost band (or a broken one round a mark), and the sides of is_box_frame
    # in its wider band too.
    ring = frame_sides(mask, TICK_RING)
    if ring < TICK_RING_SIDES and not (ring >= TICK_RING_BROKEN and _marked_inside(mask)) and not (
            ring >= TICK_RING_NEAR and _inked_inside(mask)):
        return None
    if frame_sides(mask) < BOX_FRAME_SIDES:
        return None
    # A solid square is a filled box only when it is big enough to tell from a letter blotted solid
    # (a scan's 6-7 px ``e`` or ``B``: funsd_train's ticked frames hold ink on at most 0.56 of their inner half).
    solid = mask[h // 4 : h - h // 4, w // 4 : w - w // 4].mean() > TICK_SOLID
    return "ticked" if not solid or min(h, w) >= SOLID_MIN_SIDE else None


def _inked_inside(mask: np.ndarray) -> bool:
    """Whether the ink of ``mask`` (h x w bool, a frame and what touches it) inside its own lines
    (:func:`_inside_frame`, specks dropped) covers at least :data:`TICK_NEAR_INK` of that inside."""
    inner = _inside_frame(mask)
    return bool(inner.size and inner.mean() >= TICK_NEAR_INK)


def _marked_inside(mask: np.ndarray) -> bool:
    """Whether the ink of ``mask`` (h x w bool, a frame and the mark touching it) inside its outer
    :data:`TICK_INNER_BAND` of the size (at least 1 px), or inside its own lines (:func:`_inside_frame`),
    cut to its bounding box, is a mark (:func:`is_mark`) other than a fill."""
    h, w = mask.shape
    by, bx = max(1, round(TICK_INNER_BAND * h)), max(1, round(TICK_INNER_BAND * w))
    for inner in (mask[by:h - by, bx:w - bx], _inside_frame(mask)):
        ys, xs = np.nonzero(inner)
        if not len(ys):
            continue
        inner = inner[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
        if inner.mean() <= MARK_FILL and is_mark(inner):
            return True
    return False


def _inside_frame(mask: np.ndarray) -> np.ndarray:
    """``mask`` (h x w bool, a frame and what touches it) less its frame's lines: on each side, up to the
    innermost of its outer :data:`FRAME_LINE_DEPTH` of rows (columns) inked along at least :data:`FRAME_LINE`
    of them (a mark's tips past the frame stand outside it), less the ink components under
    :data:`_SPECK_SHARE` of what is left (the frame's corners along the cut). An empty (0 x 0) array when
    a side has no such line (no frame) or nothing is left."""
    h, w = mask.shape
    t, b = _line_ends(mask.mean(axis=1) >= FRAME_LINE, max(1, int(FRAME_LINE_DEPTH * h)))
    if t >= b:
        return np.zeros((0, 0), dtype=bool)
    band = mask[t:b]
    left, right = _line_ends(band.mean(axis=0) >= FRAME_LINE, max(1, int(FRAME_LINE_DEPTH * w)))
    if left >= right:
        return np.zeros((0, 0), dtype=bool)
    inner = band[:, left:right]
    # The frame's corners and ragged edges left along the cut: specks beside the mark.
    count, labels, stats, _ = cv2.connectedComponentsWithStats(inner.astype(np.uint8), connectivity=8)
    if count < 3:
        return inner
    areas = stats[1:, cv2.CC_STAT_AREA]
    return np.isin(labels, 1 + np.flatnonzero(areas >= _SPECK_SHARE * areas.sum()))


def _line_ends(dense: np.ndarray, depth: int) -> tuple[int, int]:
    """Where the inside starts and ends along ``dense`` (bool per row or column: inked along
    :data:`FRAME_LINE` of it): past the first run of dense ones from each end that begins within ``depth``
    of it; ``(0, 0)`` when an end has none."""
    n = len(dense)
    start = next((k for k in range(min(depth, n)) if dense[k]), None)
    stop = next((k for k in range(n - 1, max(n - 1 - depth, -1), -1) if dense[k]), None)
    if start is None or stop is None:
        return 0, 0
    while start < n and dense[start]:
        start += 1
    while stop >= 0 and dense[stop]:
        stop -= 1
    return start, stop + 1


def _wide_ticked(mask: np.ndarray, inside_ink: float, inside: np.ndarray | None) -> bool:
    """Whether ``mask`` (h x w bool, an ink component cut to its bounding box) is a frame wider than square
    (:data:`~ocrplug.lone_glyphs.BOX_FRAME_ASPECT` to :data:`WIDE_FRAME_ASPECT` times as wide as tall, at
    least :data:`TICK_MIN_SIDE` px tall) holding a mark: its ring (tips peeled) inked along
    :data:`TICK_RING_BROKEN` of every side in its outer :data:`TICK_RING` and
    :data:`~ocrplug.lone_glyphs.BOX_FRAME_SIDES` in the wider band, and either the ink ``inside`` it apart
    from it (``inside_ink`` of its own at least a speck's share) or its own ink within its lines
    (:func:`_inside_frame`) a mark (:func:`is_mark`, not a fill)."""
    mask = _peeled(mask)
    h, w = mask.shape
    if h < TICK_MIN_SIDE or not BOX_FRAME_ASPECT * h < w <= WIDE_FRAME_ASPECT * h or mask.mean() > BLOB_SHARE:
        return False
    if frame_sides(mask, TICK_RING) < TICK_RING_BROKEN or frame_sides(mask) < BOX_FRAME_SIDES:
        return False
    if inside is not None and inside_ink >= _SPECK_SHARE and inside.size and is_mark(inside):
        return inside.mean() <= MARK_FILL
    inner = _inside_frame(mask)
    ys, xs = np.nonzero(inner)
    if not len(ys):
        return False
    inner = inner[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    return bool(inner.mean() <= MARK_FILL and is_mark(inner))


def is_mark(mask: np.ndarray) -> bool:
    """Whether ``mask`` (h x w bool, the ink inside a box frame cut to its bounding box) is a checkbox's
    mark, not a letter: at least :data:`MARK_ASPECT` as wide as tall and as tall as wide (``! l i I``
    are not), and a fill (more than :data:`MARK_FILL` of it ink: a bold 16 px ``B`` is 0.7-0.8), or with no hole (``A B D O P R a
    b d e o 0 4 6 8 9`` have one) a tick (:func:`is_tick`) or a cross (ink in its four corners and its middle, none in the middle third of its top and
    bottom half-bands, each end's column inked along under :data:`MARK_CROSS_SIDE` of its height: ``x``,
    ``X``; ``H K M N`` have a stem there, ``S Z`` a bar between the arms), or a cross by its ring
    (:data:`MARK_CROSS_RING`: a serif ``x``, ``✗``). Ends and corners: the outer :data:`MARK_BAND` of
    the width or size."""
    h, w = mask.shape
    if min(h, w) < 3 or min(h, w) < MARK_ASPECT * max(h, w):
        return False
    if mask.mean() > MARK_FILL:
        return True
    ground = np.pad(~mask, 1, constant_values=True).astype(np.uint8)
    if cv2.connectedComponents(ground, connectivity=4)[0] != 2:  # a hole: ink (0) and more than one ground
        return False
    if is_tick(mask):
        return True
    band = max(1, round(MARK_BAND * w))
    left, right = mask[:, :band].any(axis=1), mask[:, w - band:].any(axis=1)
    q, r = max(1, round(MARK_BAND * h)), max(1, round(MARK_BAND * w))
    corners = mask[:q, :r].any() and mask[:q, -r:].any() and mask[-q:, :r].any() and mask[-q:, -r:].any()
    middle = mask[h // 3 : h - h // 3, w // 3 : w - w // 3].any()
    # Between its arms: no ink in the middle third of its top and bottom bands (``S``, ``Z``, ``I`` have).
    t = max(1, round(MARK_BAND * h / 2))
    between = not mask[:t, w // 3 : w - w // 3].any() and not mask[-t:, w // 3 : w - w // 3].any()
    if corners and middle and between and left.mean() < MARK_CROSS_SIDE and right.mean() < MARK_CROSS_SIDE:
        return True
    return _ringed_cross(mask)


def _ring_runs(mask: np.ndarray, r: float, n: int = 720) -> list[float]:
    """The angles (degrees, counter-clockwise from the right, 0-360) of the middles of the ink runs that
    an ellipse round the middle of ``mask`` (h x w bool), its half-axes ``r`` of its width and height,
    crosses (``n`` points along it); [] when it crosses none or only ink."""
    h, w = mask.shape
    t = np.arange(n) * 2 * np.pi / n
    ys = np.clip(np.round((h - 1) / 2 - r * h * np.sin(t)).astype(int), 0, h - 1)
    xs = np.clip(np.round((w - 1) / 2 + r * w * np.cos(t)).astype(int), 0, w - 1)
    on = mask[ys, xs]
    if on.all() or not on.any():
        return []
    start = int(np.argmin(on))  # from a point off the ink, so no run wraps round
    on = np.roll(on, -start)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], on.astype(np.int8), [0]])))
    return [float(np.degrees(((a + b - 1) / 2 + start) * 2 * np.pi / n) % 360) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _ringed_cross(mask: np.ndarray) -> bool:
    """Whether ``mask`` (h x w bool, no hole) is a cross by its ring (:data:`MARK_CROSS_RING`): two
    strokes crossing in its middle, their four arms each in a quadrant, off the axes, opposite arms in
    line, no stem down either end band's middle rows (:data:`MARK_CROSS_STEM`), no bar along its top or
    bottom (:data:`MARK_CROSS_BAR`)."""
    h, w = mask.shape
    band, mid, bar = max(1, round(MARK_BAND * w)), int(MARK_CROSS_MID * h), max(1, round(MARK_CROSS_BAR * h))
    middle = mask[mid:h - mid]
    if middle[:, :band].any(axis=1).mean() >= MARK_CROSS_STEM or middle[:, w - band:].any(axis=1).mean() >= MARK_CROSS_STEM:
        return False
    if mask[:bar, w // 3:w - w // 3].any(axis=0).all() or mask[-bar:, w // 3:w - w // 3].any(axis=0).all():
        return False
    for r in MARK_CROSS_RING:
        arms = sorted(_ring_runs(mask, r))
        if len(arms) != 4 or sorted(int(a // 90) for a in arms) != [0, 1, 2, 3]:
            continue
        if min(min(a % 90, 90 - a % 90) for a in arms) < MARK_CROSS_AXIS:
            continue
        if max(abs((arms[2] - arms[0]) % 360 - 180), abs((arms[3] - arms[1]) % 360 - 180)) <= MARK_CROSS_OPPOSITE:
            return True
    return False


def is_tick(mask: np.ndarray) -> bool:
    """Whether ``mask`` (h x w bool, ink cut to its bounding box) is a tick (``✓``, a drawn tick), not a
    letter: at least :data:`MARK_TICK_ASPECT` as wide as tall, no hole, its left end's ink (the outer
    :data:`MARK_BAND` of its width) beginning :data:`MARK_TICK_START` of its height down, its right end's
    reaching the top half of :data:`MARK_TICK_TOP` and ending above :data:`MARK_TICK_RIGHT`, its foot
    (the ink of its bottom half-band) left of :data:`MARK_TICK_FOOT` of its width (T10's drawn tick: 0.6), and its left end's ink
    centred :data:`MARK_TICK_RISE` of its height lower than its right end's (an italic ``J``'s hook begins
    lower, ``f`` is narrow, ``r`` and ``y`` have ink at their top left, ``v`` a foot in its middle).
    The 362 installed faces at 16, 24, 40 px: every ``✓`` and ``✔`` they hold but two is a tick, and 152
    of their 24,763 letters, digits and signs (italic ``J``, ``F``, ``r`` mostly) pass for a mark
    (:func:`is_mark`; ``benchmarks/tick_boxes.py --parts glyphs``)."""
    h, w = mask.shape
    if min(h, w) < 3 or w < MARK_TICK_ASPECT * h:
        return False
    ground = np.pad(~mask, 1, constant_values=True).astype(np.uint8)
    if cv2.connectedComponents(ground, connectivity=4)[0] != 2:  # a hole: ink (0) and more than one ground
        return False
    band = max(1, round(MARK_BAND * w))
    ly = np.flatnonzero(mask[:, :band].any(axis=1)) / h
    ry = np.flatnonzero(mask[:, w - band:].any(axis=1)) / h
    foot = np.flatnonzero(mask[-max(1, round(MARK_BAND * h / 2)):].any(axis=0)) / w
    lo, hi = MARK_TICK_START
    return bool(lo <= ly.min() <= hi and ry.min() <= MARK_TICK_TOP / 2 and ry.max() <= MARK_TICK_RIGHT
                and foot.max() <= MARK_TICK_FOOT and ly.mean() - ry.mean() >= MARK_TICK_RISE)


@dataclass(frozen=True)
class TakenBox:
    """A checkbox taken out of the detected regions: its ``region`` (a word, page pixels, text not yet
    written), its ``state`` (``"empty"`` or ``"ticked"``; ``"bullet"``, ``"tick"``, ``"dash"`` for a bare mark) and ``piece``, the id of the region it was cut
    from when that region held words as well (-1 when it was a region of its own)."""

    region: Region
    state: Literal["empty", "ticked", "bullet", "tick", "dash"]
    piece: int = -1


def _level(region: Region) -> bool:
    a = abs(np.degrees(quad_angle(region.quad))) % 180
    return min(a, 180 - a) <= _LEVEL_DEG


def _grown_ink(gray: np.ndarray, region: Region) -> tuple[int, int, np.ndarray] | None:
    """``(x0, y0, ink)``: the Otsu ink mask (uint8, 255 = ink) of ``region``'s box grown by :data:`_GROW` of
    its height on each side (clipped to the page ``gray``, H x W uint8) and the page position of its
    top-left pixel; None when that crop is empty, under 4 px on a side or of contrast under
    :data:`_MIN_CONTRAST` (no print on paper)."""
    h_img, w_img = gray.shape
    rx0, ry0, rx1, ry1 = region.bbox
    pad = _GROW * (ry1 - ry0)
    x0, y0 = max(int(np.floor(rx0 - pad)), 0), max(int(np.floor(ry0 - pad)), 0)
    x1, y1 = min(int(np.ceil(rx1 + pad)), w_img), min(int(np.ceil(ry1 + pad)), h_img)
    crop = gray[y0:y1, x0:x1]
    if crop.size == 0 or min(crop.shape) < 4 or int(crop.max()) - int(crop.min()) < _MIN_CONTRAST:
        return None
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return x0, y0, ink


def _frames(gray: np.ndarray, region: Region) -> tuple[list[tuple[int, int, int, int, str]], list[tuple[int, int]]] | None:
    """The checkbox frames in ``region`` ((x0, y0, x1, y1, state), page pixels, left to right) and the
    column ranges (x0, x1) of the rest of its ink; None when the region is no print on paper."""
    rx0, ry0, rx1, ry1 = region.bbox
    rh = ry1 - ry0
    if rh < _MIN_SIDE:
        return None
    grown = _grown_ink(gray, region)
    if grown is None:
        return None
    x0, y0, ink = grown
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    # The region's own components: those with ink in its (ungrown) box.
    ix0, iy0 = max(int(rx0) - x0, 0), max(int(ry0) - y0, 0)
    ix1, iy1 = max(int(np.ceil(rx1)) - x0, ix0 + 1), max(int(np.ceil(ry1)) - y0, iy0 + 1)
    mine = np.unique(labels[iy0:iy1, ix0:ix1])
    mine = mine[mine != 0]
    if not len(mine):
        return [], []
    cx = stats[:, cv2.CC_STAT_LEFT] + stats[:, cv2.CC_STAT_WIDTH] / 2
    cy = stats[:, cv2.CC_STAT_TOP] + stats[:, cv2.CC_STAT_HEIGHT] / 2
    lo_h, hi_h = FRAME_HEIGHTS
    frames: list[tuple[int, int, int, int, str]] = []
    used: set[int] = set()
    for c in mine.tolist():
        bx, by, bw, bh, area = (int(v) for v in stats[c])
        if bh < _MIN_SIDE or max(bw, bh) > WIDE_FRAME_ASPECT * min(bw, bh):
            continue
        # A frame is the region itself (a word box around it) or one glyph-high piece of a line.
        if not (lo_h * rh <= bh <= hi_h * rh):
            continue
        inside = (bx < cx) & (cx < bx + bw) & (by < cy) & (cy < by + bh)
        inside[0] = inside[c] = False
        inner = np.flatnonzero(inside)
        state = checkbox_state(labels[by:by + bh, bx:bx + bw] == c, float(stats[inner, cv2.CC_STAT_AREA].sum()) / area,
                               _inside_mask(labels, stats, inner))
        if state is None:
            continue
        # A box stands apart from the ink beside it on its rows; a scanned ``O`` or ``D`` of 8-10 px, as
        # square as a box, has the next letter of its word within a pixel or two.
        gap = int(np.ceil(FRAME_APART * max(bw, bh)))
        rows = labels[by:by + bh]
        beside = np.concatenate([rows[:, max(bx - gap, 0):bx], rows[:, bx + bw:bx + bw + gap]], axis=1)
        if np.any((beside != 0) & (beside != c) & ~np.isin(beside, inner)):
            continue
        frames.append((bx + x0, by + y0, bx + bw + x0, by + bh + y0, state))
        used.update([c, *inner.tolist()])
    if not frames:
        return [], []
    # The rest of the region's ink bigger than specks, as column ranges (the words beside the frames).
    smallest = min(f[2] - f[0] for f in frames) * min(f[3] - f[1] for f in frames)
    rest = [
        (int(stats[c, 0]) + x0, int(stats[c, 0] + stats[c, 2]) + x0)
        for c in mine.tolist()
        if c not in used and stats[c, cv2.CC_STAT_AREA] >= _SPECK_SHARE * 0.5 * smallest
    ]
    return sorted(frames), rest


#: A bullet is between these shares of its item's text height tall (the tallest of the first glyphs
#: right of it, a capital or an ascender): a stop or an i's dot is smaller, a lone ``●`` glyph no taller.
BULLET_HEIGHTS = (0.22, 1.0)
#: Its centre stands between these shares of the text height above the text's baseline (the median
#: bottom of those glyphs): about the x-height's middle; a stop sits on the baseline, an i's dot above the x-height.
BULLET_RAISE = (0.15, 0.75)
#: It starts a line: no ink on its row within :data:`BULLET_CLEAR` text heights left of it (an inline
#: separator ``Home • About`` has a word there), and its text begins between :data:`BULLET_GAP` and
#: :data:`~ocrplug.discs.BULLET_REACH` text heights right of it (a blotted ``o`` touches the next letter of
#: its word).
BULLET_CLEAR = 1.0
BULLET_GAP = 0.6
# The text right of a bullet that sets its height and baseline: its glyphs within this many region heights.
_BULLET_TEXT = 4.0


def _paper_here(crop: np.ndarray, ink: np.ndarray) -> bool:
    """Whether ``crop`` is print on paper (as :func:`ocrplug.crops.paper_ink` asks of a page, here of the
    neighbourhood: a slide's white body under a coloured title band): at most half of it ink, its ground
    spanning less than :data:`~ocrplug.crops.PAPER_SPREAD` grey levels from its 5th to 95th percentile."""
    ground = crop[ink == 0]
    if ink.mean() > 0.5 or ground.size == 0:
        return False
    low, high = np.percentile(ground, (5, 95))
    return bool(high - low < PAPER_SPREAD)


def _bullet(gray: np.ndarray, region: Region) -> tuple[tuple[int, int, int, int], bool, list[tuple[int, int]]] | None:
    """The bullet at the start of ``region`` or just left of it: its box (page pixels), whether it lies
    in the region, and the column ranges of the region's other ink (as :func:`_frames`); None when none."""
    h_img, w_img = gray.shape
    rx0, ry0, rx1, ry1 = region.bbox
    rh = ry1 - ry0
    if rh < BULLET_MIN_SIDE:
        return None
    x0 = max(int(np.floor(rx0 - (BULLET_REACH + BULLET_CLEAR + 1) * rh)), 0)
    x1 = min(int(np.ceil(max(rx1, rx0 + _BULLET_TEXT * rh))), w_img)
    y0, y1 = max(int(np.floor(ry0 - 0.5 * rh)), 0), min(int(np.ceil(ry1 + 0.5 * rh)), h_img)
    crop = gray[y0:y1, x0:x1]
    if crop.size == 0 or min(crop.shape) < 4 or int(crop.max()) - int(crop.min()) < _MIN_CONTRAST:
        return None
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if not _paper_here(crop, ink):
        return None
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    bx, by, bw, bh = (stats[:, k].astype(np.int64) for k in range(4))
    # Region coordinates in the crop.
    ix0, iy0, ix1, iy1 = rx0 - x0, ry0 - y0, rx1 - x0, ry1 - y0
    in_region = (bx < ix1) & (bx + bw > ix0) & (by < iy1) & (by + bh > iy0)
    in_region[0] = False
    mid = (iy0 + iy1) / 2
    for c in np.argsort(bx).tolist():
        if c == 0 or bx[c] > ix0 + rh or bx[c] + bw[c] < ix0 - BULLET_REACH * rh:
            continue
        if not by[c] <= mid <= by[c] + bh[c] or not is_bullet_disc(labels[by[c]:by[c] + bh[c], bx[c]:bx[c] + bw[c]] == c):
            continue
        cy = by[c] + bh[c] / 2
        row = (by <= cy) & (by + bh >= cy)
        row[0] = row[c] = False
        right = row & (bx >= bx[c] + bw[c]) & (bx < bx[c] + bw[c] + _BULLET_TEXT * max(rh, bh[c]))
        if not right.any():
            continue
        first = int(np.flatnonzero(right)[np.argmin(bx[right])])
        text = right & (bx < bx[first] + _BULLET_TEXT * max(rh, bh[c]))
        height = float(bh[text].max())
        baseline = float(np.median(by[text] + bh[text]))
        gap = bx[first] - (bx[c] + bw[c])
        # The blank beside it on its rows, whatever the ink there belongs to (a letter's descender joined
        # to an underline starts far left).
        rows = labels[by[c]:by[c] + bh[c]]
        ahead = rows[:, bx[c] + bw[c]:bx[c] + bw[c] + int(np.ceil(BULLET_GAP * height))]
        behind = rows[:, max(int(bx[c] - BULLET_CLEAR * height), 0):bx[c]]
        if (np.any((ahead != 0) & (ahead != c)) or np.any((behind != 0) & (behind != c))
                or bx[c] - BULLET_CLEAR * height < 0 < x0
                or not BULLET_GAP * height <= gap <= BULLET_REACH * height
                or not BULLET_HEIGHTS[0] * height <= bh[c] <= BULLET_HEIGHTS[1] * height
                or not BULLET_RAISE[0] * height <= baseline - cy <= BULLET_RAISE[1] * height):
            continue
        inside = bool(in_region[c])
        if not inside and not in_region[first]:
            continue  # the text right of it is another region's
        box = (int(bx[c]) + x0, int(by[c]) + y0, int(bx[c] + bw[c]) + x0, int(by[c] + bh[c]) + y0)
        speck = _SPECK_SHARE * 0.5 * int(bw[c]) * int(bh[c])
        rest = [(int(bx[k]) + x0, int(bx[k] + bw[k]) + x0) for k in np.flatnonzero(in_region).tolist()
                if k != c and stats[k, cv2.CC_STAT_AREA] >= speck]
        return box, inside, rest
    return None


def _lone_ink(gray: np.ndarray, region: Region) -> tuple[int, int, int, int, np.ndarray] | None:
    """The one ink component that is ``region``'s whole ink: its box (page pixels) and mask (h x w bool),
    or None. Otsu over the region's box grown by :data:`_GROW` of its height (print on paper); the
    biggest component, the others specks (together under :data:`_SPECK_SHARE` of its ink), spanning at
    least half the region's width (a line of words over a long underline has the underline for its
    biggest component, its letters smaller than a tenth of it), not touching the grown box's edge (a
    word cut by the region)."""
    rx0, _, rx1, _ = region.bbox
    grown = _grown_ink(gray, region)
    if grown is None:
        return None
    x0, y0, ink = grown
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < 2:
        return None
    big = int(np.argmax(stats[1:, cv2.CC_STAT_AREA])) + 1
    bx, by, bw, bh, area = (int(v) for v in stats[big])
    if bw < 0.5 * (rx1 - rx0) or stats[1:, cv2.CC_STAT_AREA].sum() - area >= _SPECK_SHARE * area:
        return None
    if bx == 0 or by == 0 or bx + bw == ink.shape[1] or by + bh == ink.shape[0]:
        return None
    return bx + x0, by + y0, bx + bw + x0, by + bh + y0, labels[by:by + bh, bx:bx + bw] == big


def _lone_mark(gray: np.ndarray, region: Region) -> tuple[tuple[int, int, int, int], Literal["tick", "dash"]] | None:
    """The bare mark that is ``region``'s whole ink (:func:`_lone_ink`): its box (page pixels) and kind, or
    None. A ``"tick"`` is at least :data:`TICK_MIN_SIDE` px tall and half the region's height, shaped as a
    tick (:func:`is_tick`); a ``"dash"`` a solid bar (:func:`is_dash`) at most :data:`DASH_HEIGHT` of the
    region's height."""
    lone = _lone_ink(gray, region)
    if lone is None:
        return None
    *box, mask = lone
    bh, rh = mask.shape[0], region.bbox[3] - region.bbox[1]
    if bh >= TICK_MIN_SIDE and bh >= 0.5 * rh and is_tick(mask):
        return (box[0], box[1], box[2], box[3]), "tick"
    if bh <= DASH_HEIGHT * rh and is_dash(mask):
        return (box[0], box[1], box[2], box[3]), "dash"
    return None


#: A dash is a solid bar: between :data:`DASH_ASPECT` times as wide as tall (a bold hyphen 2:1, an en dash
#: 3.4:1; ``■``, ``.`` are square, an underline longer), at least :data:`DASH_MIN_HEIGHT` px tall, more than
#: :data:`MARK_FILL` of its box ink, and at most :data:`DASH_HEIGHT` of its region's height (the
#: detector's box round a glyph: T10's dash 14 x 7 px in a 16 px region; a region as tall as its ink is a
#: rule's or a bar's of a chart). Not tuned beyond T10's page and the shapes named.
DASH_ASPECT = (1.5, 5.0)
DASH_MIN_HEIGHT = 2
DASH_HEIGHT = 0.6


def is_dash(mask: np.ndarray) -> bool:
    """Whether ``mask`` (h x w bool, ink cut to its bounding box) is a dash: a solid bar
    (:data:`DASH_ASPECT`, :data:`DASH_MIN_HEIGHT`, :data:`MARK_FILL`)."""
    h, w = mask.shape
    return bool(h >= DASH_MIN_HEIGHT and DASH_ASPECT[0] * h <= w <= DASH_ASPECT[1] * h and mask.mean() > MARK_FILL)


def take_checkboxes(gray: np.ndarray, regions: Sequence[Region]) -> tuple[list[Region], list[TakenBox]]:
    """The detected ``regions`` less their checkboxes and list bullets, and the marks taken out.

    ``gray``: the page (H x W uint8, dark print on light paper); ``regions``: detected regions (page
    pixels; lines, words, blocks). Only text on paper is looked at (:func:`ocrplug.crops.paper_ink`: a
    photo's windows and signs are no checkboxes); light print on a plain dark ground (a dark-mode form,
    :func:`_light_print`) is read inverted, as print on paper. In every nearly level region (a line's words are looked at in the
    line), the ink components (Otsu over the region's box grown by 0.3 of its height, at least 128 grey
    levels between paper and ink) that are checkbox frames (:func:`checkbox_state`) as tall as
    :data:`FRAME_HEIGHTS` of the region, with no other ink on their rows within :data:`FRAME_APART` of
    their side beside them, are taken out: a region that holds nothing else but specks is
    taken whole; one that holds words beside its frames (``□ Yes``) is cut into the pieces between the
    frames (each piece the region's quad between the columns of its ink, same level and score, its
    word children those whose centre lies in it), which stay in the frames' place. Returns the regions
    to read (in the order given, pieces in place of their region) and the boxes, whose ``piece`` ties
    them to their region's pieces (:func:`place_checkboxes` puts them back together).

    Bullets (state ``"bullet"``) are looked for in every nearly level or about square region where the
    neighbourhood is print on paper (:func:`_paper_here`; also on a page that as a whole is not, a
    slide's body under coloured bands): a solid disc (:func:`is_bullet_disc`) at the region's start or
    up to :data:`BULLET_REACH` text heights left of it, :data:`BULLET_HEIGHTS` of its item's text tall,
    its centre :data:`BULLET_RAISE` above the text's baseline, no ink :data:`BULLET_CLEAR` left of it,
    its text :data:`BULLET_GAP` to :data:`BULLET_REACH` right of it. A region holding it and text is cut
    as around a checkbox, one that is the disc alone is taken whole, and a region that is its item's text
    alone (the disc left of it) is kept as it is; a disc is taken once.
    """
    # A photo or a dark scan is no form on paper (as for lone glyphs): its bullets are looked for where
    # their own neighbourhood is print on paper (a slide's body under its coloured bands).
    ink = paper_ink(gray)
    if ink is not None and _light_print(gray, ink):
        gray = cv2.bitwise_not(gray)  # light print on a dark ground (dark mode): read as print on paper
    kept, taken = _take(gray, regions, ink is not None)
    if ink is None:
        return kept, taken
    # Frames the detectors boxed no region on (an empty square, a tick drawn inside it: T10's quiz).
    boxes, marks = _page_frames(ink, kept, [t.region.bbox for t in taken if t.state not in ("tick", "dash")])
    if marks:
        kept = _without(kept, marks)
    # A tick the detector boxed alone inside a frame found here is that box's mark.
    inside = [t for t in taken if t.state in ("tick", "dash") and any(
        b[0] <= t.region.bbox[0] and t.region.bbox[2] <= b[2] and b[1] <= t.region.bbox[1] and t.region.bbox[3] <= b[3]
        for b in boxes)]
    taken = [t for t in taken if t not in inside]
    taken += [TakenBox(Region.from_box(*b, level="word"), state) for *b, state in boxes]
    # Bare ticks the detectors boxed no region on (DB at ``fast`` misses 7 of 12 drawn beside text: c12).
    ticks = _page_ticks(ink, kept, [t.region.bbox for t in taken])
    return kept, taken + [TakenBox(Region.from_box(*b, level="word"), "tick") for b in ticks]


def _light_print(gray: np.ndarray, ink: np.ndarray) -> bool:
    """Whether the page ``gray`` (H x W uint8) is light print on a dark ground (a dark-mode screen, a
    negative): its ``ink`` (H x W, nonzero = ink, :func:`ocrplug.crops.paper_ink`, which takes the light
    side of Otsu's threshold for ink when more than half the page is dark) is lighter on average than the
    rest. The checkbox step reads such a page inverted, so its frames, marks and bullets are found as on
    paper (b16: T13's ``phone_dark.png``; every crop's Otsu ink there had been the dark ground).
    Raises nothing (an all-ink or ink-free mask is no light print)."""
    on = ink != 0
    if not on.any() or on.all():
        return False
    return bool(gray[on].mean() > gray[~on].mean())


def _inside_mask(labels: np.ndarray, stats: np.ndarray, inner: np.ndarray) -> np.ndarray | None:
    """The ink of the components ``inner`` (indices into ``cv2`` ``labels`` and ``stats``) cut to their
    bounding box (bool); None when there are none."""
    if not len(inner):
        return None
    x0, y0 = int(stats[inner, 0].min()), int(stats[inner, 1].min())
    x1, y1 = int((stats[inner, 0] + stats[inner, 2]).max()), int((stats[inner, 1] + stats[inner, 3]).max())
    return np.isin(labels[y0:y1, x0:x1], inner)


def _leaves(regions: Sequence[Region]) -> list[Region]:
    """The regions that are read (lines and words; blocks opened)."""
    out: list[Region] = []
    for r in regions:
        out += _leaves(r.children) if r.level == "block" and r.children else [r]
    return out


def _without(regions: Sequence[Region], drop: set[int]) -> list[Region]:
    """``regions`` less those whose ``id`` is in ``drop`` (in blocks too; a block left empty goes)."""
    return map_leaves(regions, lambda r: [] if id(r) in drop else [r])


#: A bare tick no detected region holds (:func:`_page_ticks`) is looked for on the row of a region (their
#: rows overlapping by at least :data:`PAGE_TICK_OVERLAP` of the shorter's height), its longer side
#: between :data:`PAGE_TICK_HEIGHTS` of that region's height: ``benchmarks/tick_boxes.py``'s bare ticks are
#: 19-43 px of ink beside 18-38 px lines of ink (0.73-1.61 line heights), overlapping them 0.41-1.0 of the
#: shorter (a ``✓`` of DejaVu Sans drawn from a 60 px top stands above its line). Not tuned further.
PAGE_TICK_HEIGHTS = (0.6, 3.0)
PAGE_TICK_OVERLAP = 0.33


def _page_ticks(
    ink: np.ndarray, regions: Sequence[Region], taken: Sequence[tuple[float, float, float, float]]
) -> list[tuple[int, int, int, int]]:
    """Bare ticks in the page's ``ink`` (H x W, 1 = ink, :func:`ocrplug.crops.paper_ink`) that no detected
    region holds ((x0, y0, x1, y1), page pixels): an ink component at least :data:`TICK_MIN_SIDE` px tall,
    shaped as a tick (:func:`is_tick`), on the row of a nearly level region (:data:`PAGE_TICK_OVERLAP`)
    :data:`PAGE_TICK_HEIGHTS` of whose height its longer side is, touching no region
    (``regions``' leaves) nor the boxes ``taken``, with no other ink on its rows within
    :data:`FRAME_APART` of its side beside it (a letter the detector missed has its word's next letter
    there; a tick inside a box its frame)."""
    leaves = [r for r in _leaves(regions) if _level(r)]
    if not leaves:
        return []
    boxes = np.asarray([r.bbox for r in _leaves(regions)], dtype=np.float64)
    level = np.asarray([r.bbox for r in leaves], dtype=np.float64)
    heights = level[:, 3] - level[:, 1]
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    sx, sy, sw, sh = (stats[:, k].astype(np.int64) for k in range(4))
    lo_h, hi_h = PAGE_TICK_HEIGHTS
    cand = (sh >= TICK_MIN_SIDE) & (sw >= MARK_TICK_ASPECT * sh)
    cand[0] = False
    out: list[tuple[int, int, int, int]] = []
    for c in np.flatnonzero(cand).tolist():
        bx, by, bw, bh = int(sx[c]), int(sy[c]), int(sw[c]), int(sh[c])
        side = max(bw, bh)
        over = np.minimum(level[:, 3], by + bh) - np.maximum(level[:, 1], by)
        row = (over >= PAGE_TICK_OVERLAP * np.minimum(heights, bh)) & (lo_h * heights <= side) & (side <= hi_h * heights)
        if not row.any():
            continue
        if np.any((boxes[:, 0] < bx + bw) & (bx < boxes[:, 2]) & (boxes[:, 1] < by + bh) & (by < boxes[:, 3])):
            continue
        if any(bx < t[2] and t[0] < bx + bw and by < t[3] and t[1] < by + bh for t in taken):
            continue
        if not is_tick(labels[by:by + bh, bx:bx + bw] == c):
            continue
        gap = int(np.ceil(FRAME_APART * side))
        near = labels[by:by + bh]
        beside = np.concatenate([near[:, max(bx - gap, 0):bx], near[:, bx + bw:bx + bw + gap]], axis=1)
        if np.any((beside != 0) & (beside != c)):
            continue
        out.append((bx, by, bx + bw, by + bh))
    return out


def _page_frames(
    ink: np.ndarray, regions: Sequence[Region], taken: Sequence[tuple[float, float, float, float]]
) -> tuple[list[tuple[int, int, int, int, str]], set[int]]:
    """Checkbox frames in the page's ``ink`` (H x W, 1 = ink, :func:`ocrplug.crops.paper_ink`) that no
    detected region holds: the detectors box no region on an empty square, nor on one with a tick drawn
    inside it (T10's quiz: 60 px boxes beside 32 px text). Returns the frames ((x0, y0, x1, y1, state),
    page pixels) and the ``id`` of the regions lying inside them that are pieces of their mark (a tick's
    tip boxed alone and read ``v``).

    A frame here is an ink component classified a box (:func:`checkbox_state`, its inside ink the
    components centred in it), at least :data:`TICK_MIN_SIDE` px a side, with no other ink on its rows
    within :data:`FRAME_APART` of its side beside it, on the row of a detected region (its vertical
    centre within the frame's rows) whose height is :data:`PAGE_FRAME_HEIGHTS` of the frame's side,
    touching no region (``regions``' leaves) but ones lying inside it; when ticked by ink apart from the
    frame, that ink is a mark (:func:`is_mark`: a letter written in a box, an answer box's ``C``, is
    text, and the box is left alone). Frames overlapping the boxes ``taken`` are skipped.
    """
    leaves = _leaves(regions)
    if not leaves:
        return [], set()
    boxes = np.asarray([r.bbox for r in leaves], dtype=np.float64)
    level = np.asarray([_level(r) for r in leaves], dtype=bool)
    heights = boxes[:, 3] - boxes[:, 1]
    mids = (boxes[:, 1] + boxes[:, 3]) / 2
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    sx, sy, sw, sh, sa = (stats[:, k].astype(np.int64) for k in range(5))
    cx, cy = sx + sw / 2, sy + sh / 2
    lo_h, hi_h = PAGE_FRAME_HEIGHTS
    cand = (np.minimum(sw, sh) >= TICK_MIN_SIDE) & (np.maximum(sw, sh) <= WIDE_FRAME_ASPECT * np.minimum(sw, sh))
    cand[0] = False
    frames: list[tuple[int, int, int, int, str]] = []
    marks: set[int] = set()
    for c in np.flatnonzero(cand).tolist():
        bx, by, bw, bh = int(sx[c]), int(sy[c]), int(sw[c]), int(sh[c])
        side = max(bw, bh)
        if any(bx < t[2] and t[0] < bx + bw and by < t[3] and t[1] < by + bh for t in taken):
            continue
        row = level & (by <= mids) & (mids <= by + bh) & (lo_h * heights <= side) & (side <= hi_h * heights)
        touch = (boxes[:, 0] < bx + bw) & (bx < boxes[:, 2]) & (boxes[:, 1] < by + bh) & (by < boxes[:, 3])
        within = touch & (boxes[:, 0] >= bx - 1) & (boxes[:, 2] <= bx + bw + 1) & (boxes[:, 1] >= by - 1) & (boxes[:, 3] <= by + bh + 1)
        if not np.any(row & ~touch) or np.any(touch & ~within):
            continue
        inside = (bx < cx) & (cx < bx + bw) & (by < cy) & (cy < by + bh)
        inside[0] = inside[c] = False
        inner = np.flatnonzero(inside)
        own = labels[by:by + bh, bx:bx + bw] == c
        state = checkbox_state(own, float(sa[inner].sum()) / max(int(sa[c]), 1), _inside_mask(labels, stats, inner))
        if state is None:
            continue
        if state == "ticked" and not is_box_frame(own) and (
                (own[bh // 4 : bh - bh // 4].mean(axis=1) >= PAGE_FRAME_WALL).any()
                or (own[:, bw // 4 : bw - bw // 4].mean(axis=0) >= PAGE_FRAME_WALL).any()):
            continue  # ink inside it from wall to wall: two cells of a grid (funsd_train 91315069), no tick
        gap = int(np.ceil(FRAME_APART * side))
        near = labels[by:by + bh]
        beside = np.concatenate([near[:, max(bx - gap, 0):bx], near[:, bx + bw:bx + bw + gap]], axis=1)
        if np.any((beside != 0) & (beside != c) & ~np.isin(beside, inner)):
            continue
        # Regions inside the frame are its mark's (a tick's tip boxed alone, read ``v``): a word written
        # in a box (an answer box's letter) is no mark, and the frame was left alone above.
        ids = np.flatnonzero(within).tolist()
        frames.append((bx, by, bx + bw, by + bh, state))
        marks.update(id(leaves[k]) for k in ids)
    return frames, marks


def _take(gray: np.ndarray, regions: Sequence[Region], paper: bool) -> tuple[list[Region], list[TakenBox]]:
    """:func:`take_checkboxes` on ``regions`` (blocks opened by :func:`ocrplug.combs.map_leaves`); ``paper``:
    whether the page is print on paper (checkboxes are looked for). The pieces cut from one region share an
    id (counted over the whole tree); a bullet found beside one region and inside another is taken once."""
    count = [0]
    seen: set[tuple[int, int, int, int]] = set()
    taken: list[TakenBox] = []

    def leaf(region: Region) -> list[Region]:
        level, again = _level(region), False
        found = _frames(gray, region) if level and paper else None
        # A region of a lone disc has no direction (its quad's angle is any): it is looked at too.
        x0, y0, x1, y1 = region.bbox
        if (not found or not found[0]) and (level or max(x1 - x0, y1 - y0) <= 1.5 * max(min(x1 - x0, y1 - y0), 1)):
            bullet = _bullet(gray, region)
            if bullet is not None:
                box, inside, rest = bullet
                new = box not in seen
                seen.add(box)
                if not inside:  # the region is its item's text; the bullet joins its line afterwards
                    if new:
                        taken.append(TakenBox(Region.from_box(*box, level="word"), "bullet"))
                    return [region]
                if not new and not rest:  # the bullet's own region, the bullet already taken
                    return []
                found, again = ([(*box, "bullet")], rest), not new
        # A tick's region, about square, has no direction either (DB's quad on it may stand on its side).
        if (not found or not found[0]) and paper and (level or max(x1 - x0, y1 - y0) <= 1.5 * max(min(x1 - x0, y1 - y0), 1)):
            mark = _lone_mark(gray, region)
            if mark is not None:  # a bare tick or a dash the detector boxed alone: written, not read
                taken.append(TakenBox(Region.from_box(*mark[0], level="word"), mark[1]))
                return []
        if not found or not found[0]:
            return [region]
        frames, rest = found
        if not rest:  # the region is its checkbox (or several, side by side)
            for fx0, fy0, fx1, fy1, state in frames:
                taken.append(TakenBox(Region.from_box(fx0, fy0, fx1, fy1, level="word"), state))  # type: ignore[arg-type]
            return []
        # Cut the region between its frames: each piece spans the columns of the ink between two frames.
        rx0, _, rx1, _ = region.bbox
        edges = [rx0 - 1.0, *[v for f in frames for v in (f[0], f[2])], rx1 + 1.0]
        cut: list[Region] = []
        for k in range(0, len(edges), 2):
            lo, hi = edges[k], edges[k + 1]
            cols = [(a, b) for a, b in rest if lo <= (a + b) / 2 <= hi]
            if not cols:
                continue
            # Towards a frame the piece ends a little past its ink; at the region's own ends it keeps them
            # (the detector's margin: a reader given a crop tight on ``Off`` read ``Of``).
            side = min(f[3] - f[1] for f in frames)
            xa = rx0 if k == 0 else max(min(a for a, _ in cols) - _CUT_GAP * side, lo + 1)
            xb = rx1 if k == len(edges) - 2 else min(max(b for _, b in cols) + _CUT_GAP * side, hi - 1)
            piece = cut_between(region, xa, xb)
            cut.append(piece.with_(attributes={**region.attributes, _PIECE_ATTR: count[0]}))
        for fx0, fy0, fx1, fy1, state in frames if not again else []:
            box = Region.from_box(fx0, fy0, fx1, fy1, level="word")
            taken.append(TakenBox(box, state, count[0] if cut else -1))  # type: ignore[arg-type]
        count[0] += 1
        return cut

    return map_leaves(regions, leaf), taken


def _words_of(line: Region) -> list[Region]:
    words = [c for c in line.children if c.level == "word"]
    if words:
        return words
    return [line.with_(level="word", children=(), attributes={})] if line.text else []


def _joined(parts: Sequence[Region], rot: np.ndarray, like: Region) -> Region:
    """One line of the words of ``parts`` (lines or words), in order along the frame ``rot``."""
    words = [w for p in parts for w in (_words_of(p) if p.level == "line" else [p])]
    words.sort(key=lambda w: float(_box(w, rot)[0]))
    texts = [w.text for w in words if w.text]
    confs = [w.confidence for w in words if w.confidence is not None]
    attrs = {k: v for k, v in like.attributes.items() if k != _PIECE_ATTR}
    return like.with_(
        quad=_union_quad(words or parts, rot), polygon=None, level="line",  # no words: the parts' outline
        text=" ".join(texts) if texts else None,
        confidence=float(np.mean(confs)) if confs else like.confidence,
        children=tuple(w.with_(order=k) for k, w in enumerate(words)), attributes=attrs,
    )


def _covers(word: tuple[float, float, float, float], box: tuple[float, float, float, float]) -> bool:
    """Whether the box ``word`` holds more than half of ``box`` (both (x0, y0, x1, y1), page pixels)."""
    w = min(word[2], box[2]) - max(word[0], box[0])
    h = min(word[3], box[3]) - max(word[1], box[1])
    return w > 0 and h > 0 and w * h > 0.5 * (box[2] - box[0]) * (box[3] - box[1])


def place_checkboxes(
    regions: Sequence[Region], taken: Sequence[TakenBox], empty: EmptyCheckboxes = "write", word_gap: float = 1.5
) -> list[Region]:
    """The recognized ``regions`` with the checkboxes ``taken`` written back in their rows.

    Each box becomes a word whose text is :data:`TICKED` or :data:`EMPTY` (empty boxes are left out when
    ``empty`` is ``"drop"``), ``attributes["checkbox"]`` its state, confidence None (no reader read it);
    each bullet a word :data:`BULLET` with ``attributes["bullet"]`` True, each bare tick a word :data:`TICK`
    with ``attributes["tick"]`` True, each lone dash a word :data:`DASH` with ``attributes["dash"]`` True
    (left out when a recognized word holds more than half of it: its row's reader read it).
    A box cut from a region goes back with that region's pieces into one line, its words in order along
    it; a box that was a region of its own joins the recognized line on its row whose near end lies
    within ``word_gap`` line heights of it (the layout's ``word_gap``: ``☐ Yes``), else stays a word of
    its own, which the layout step places in its row. The pieces' and lines' text is their words' joined
    by spaces. Returns the regions in the order given (joined lines in their first piece's place).
    """
    kept = [t for t in taken if t.state != "empty" or empty == "write"]
    boxes = [
        t.region.with_(text=BULLET, attributes={BULLET_ATTR: True}) if t.state == "bullet"
        else t.region.with_(text=TICK, attributes={TICK_ATTR: True}) if t.state == "tick"
        else t.region.with_(text=DASH, attributes={DASH_ATTR: True}) if t.state == "dash"
        else t.region.with_(text=TICKED if t.state == "ticked" else EMPTY, attributes={CHECKBOX_ATTR: t.state})
        for t in kept
    ]
    pieces = [t.piece for t in kept]
    out: list[Region | None] = list(regions)
    # Pieces of one cut region, with their boxes, back into one line.
    by_piece: dict[int, list[int]] = {}
    for i, r in enumerate(out):
        if r is not None and _PIECE_ATTR in r.attributes:
            by_piece.setdefault(int(r.attributes[_PIECE_ATTR]), []).append(i)
    for pid, idx in by_piece.items():
        parts: list[Region] = [out[i] for i in idx if out[i] is not None]  # type: ignore[misc]
        mine = [b for b, p in zip(boxes, pieces, strict=True) if p == pid]
        rot = _frame(quad_angle(parts[0].quad))
        out[idx[0]] = _joined([*parts, *mine], rot, parts[0])
        for i in idx[1:]:
            out[i] = None
    loose = [b for b, p in zip(boxes, pieces, strict=True) if p < 0 or p not in by_piece]
    # A dash taken alone may have been read with its row after all (the reader's line crop joins the words
    # either side of it and holds its ink: T10's ``Rota - Week`` in ``accurate``): written once.
    read = [w.bbox for r in out if r is not None for w in ([r] if r.level == "word" else _words_of(r))]
    loose = [b for b in loose if DASH_ATTR not in b.attributes or not any(_covers(w, b.bbox) for w in read)]
    extra: list[Region] = []
    for box in loose:
        best, best_gap = -1, float("inf")
        for i, r in enumerate(out):
            if r is None or r.level != "line":
                continue
            rot = _frame(quad_angle(r.quad))
            lb, bb = _box(r, rot), _box(box, rot)
            lh = max(lb[3] - lb[1], 1.0)
            centre = ((bb[1] + bb[3]) - (lb[1] + lb[3])) / 2
            if abs(centre) > 0.5 * min(lh, bb[3] - bb[1]):
                continue
            gap = max(lb[0] - bb[2], bb[0] - lb[2])
            if gap < word_gap * lh and gap < best_gap:
                best, best_gap = i, gap
        if best < 0:
            extra.append(box)
            continue
        line = out[best]
        assert line is not None
        out[best] = _joined([line, box], _frame(quad_angle(line.quad)), line)
    return [r for r in out if r is not None] + extra


#: The signs a recognizer reads a drawn square as, and this step writes (PP-OCR read T13's outline icons
#: ``□`` and T14's hazard diamond ``☑``).
BOX_SIGNS = frozenset("\u2610\u2611\u2612\u25a1")
#: A box sign with nothing beside it on its row (within ``word_gap`` line heights) whose row under it, at
#: most this many of its sides below it, holds a line centred under it (its centre within the box's
#: columns) is an icon over its caption (a phone's tab bar: T13's ``phone_dark.png``), not a check box: a
#: form's box stands beside its label. Chosen with ``benchmarks/icon_boxes.py`` (docs/benchmarks.md,
#: issue 24 K15): captions stand 0.1-0.6 of the icon's side under it there.
ICON_CAPTION_GAP = 1.0


def _turned(region: Region) -> bool:
    """Whether ``region``'s quad is turned more than ``_LEVEL_DEG`` off both page axes (a square word's quad
    may stand on its side: 90 degrees is level here)."""
    a = abs(np.degrees(quad_angle(region.quad))) % 90
    return min(a, 90 - a) > _LEVEL_DEG


def without_icon_boxes(regions: Sequence[Region], word_gap: float = 1.5) -> list[Region]:
    """The recognized ``regions`` (lines and words, page pixels, after :func:`place_checkboxes`) less the
    box-sign words (:data:`BOX_SIGNS`, a recognizer's or this step's) that are no check box:

    * a word whose quad is turned more than 10 degrees off the page's axes: a square turned on its
      corner, a hazard pictogram's diamond (T14's ``chem_label.png``: PP-OCR read it ``☑`` at 0.57; the
      step that finds check boxes looks at level regions only, so a recognizer wrote it);
    * an icon over its caption: no other word on its row within ``word_gap`` of the taller one's height
      beside it, a line under it (its top at most :data:`ICON_CAPTION_GAP` of the box's height below the
      box's bottom) whose centre lies within the box's columns (T13's ``phone_dark.png`` tab bar: ``□ □ □``
      over ``Chats Calls Settings``).

    A line left with no word is dropped; one left with words has its text and box remade from them.
    Returns the regions in the order given."""
    leaves = [(r, _words_of(r) if r.level == "line" else [r]) for r in regions]
    text = [w.bbox for _, ws in leaves for w in ws if (w.text or "").strip() and (w.text or "").strip() not in BOX_SIGNS]
    lines = [r.bbox for r, ws in leaves if any((w.text or "").strip() not in BOX_SIGNS for w in ws)]

    def icon(word: Region) -> bool:
        if _turned(word):
            return True
        x0, y0, x1, y1 = word.bbox
        h, cy = y1 - y0, (y0 + y1) / 2
        for t in text:
            th = t[3] - t[1]
            if abs((t[1] + t[3]) / 2 - cy) <= 0.5 * max(th, h) and max(t[0] - x1, x0 - t[2]) < word_gap * max(th, h):
                return False  # a label beside it: a form's box
        return any(cy <= t[1] <= y1 + ICON_CAPTION_GAP * h and x0 <= (t[0] + t[2]) / 2 <= x1 for t in lines)

    out: list[Region] = []
    for region, words in leaves:
        drop = [w for w in words if (w.text or "").strip() in BOX_SIGNS and icon(w)]
        if not drop:
            out.append(region)
        elif len(drop) < len(words) and region.level == "line":
            kept = [w for w in words if not any(w is d for d in drop)]
            out.append(_joined(kept, _frame(quad_angle(region.quad)), region))
    return out
