"""Vertical text: pieces of a turned line joined into one line before recognition.

Word detectors cut a line of vertical text (a margin label running up the page) into pieces of which
only the long ones look vertical; read alone, a short piece is upright text to the crop step.
:func:`_vertical_chains` joins the pieces that continue a clearly vertical piece (or, without one, a
run of touching pieces together clearly taller than wide) along its axis into one ``line`` that the
crop step turns, and leaves columns of level words (a receipt's quantities) alone. It is called by
:func:`ocrplug.layout.lines_for_recognition`. Boxes are in page pixels, in the page's text frame; the
constants below say where they were checked.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np

from ocrplug.geometry import (
    _LINE_END_PAD,
    _box,
    _frame,
    _frame_angle,
    _lengthen,
    _text_angle,
    _union_quad,
)
from ocrplug.model import Region
from ocrplug.words import _line_words, _mean_score

__all__ = ["split_glyph_stacks"]

# Vertical text is cut by word detectors into pieces of which only the long ones look vertical: in a
# margin label "Page 12 of 40" running up the page, craft boxes "12", "of", "40" about as tall as wide,
# and db's lone-character look boxes the last "3" of "Ref 7 No 3" apart from its line. Read alone, such
# a piece is upright text to the crop step ("zr", "ff", "ω"). A chain starts at a clearly vertical
# region (in the page's frame at least ``_CHAIN_ANCHOR`` times taller than wide: a word of two or more
# letters read turned; craft's box of a lone upright character is at most about 1.8 times taller than
# wide, db's less) and takes in each region that continues it along its axis: its width (the text's
# height) within ``_CHAIN_WIDTH`` of the member it continues and within ``_CHAIN_WIDTH`` squared of the
# anchor's (craft boxes ``Sheet`` 37 px across and the last ``9`` of ``Sheet 3 of 9`` 24 px, ``of`` and
# ``3`` 28 px: URW Bookman, 300 dpi; the anchor's width alone cut the ``9`` off), its centre off the axis by at most ``_CHAIN_AXIS`` of
# the wider width, and the gap to a member along the axis at most ``_CHAIN_GAP`` of the narrower width
# (word spaces are a quarter to half of the text height; a column of one-character answers in a form
# has gaps of about a whole width between its rows, or, in craft's padded boxes, widths that differ
# from glyph to glyph, and its lone ``I`` is a fraction as wide as an ``x``). Checked on the generated
# vertical labels of tests/test_vertical_labels.py and the one-character-answer forms of
# tests/test_read_page.py and tests/test_vertical_labels.py (db and craft).
_CHAIN_ANCHOR = 2.0
_CHAIN_WIDTH = 1.5
_CHAIN_AXIS = 0.25
_CHAIN_GAP = 0.6
# Row partners (see :func:`_vertical_chains`): centres within this share of the smaller height.
_CHAIN_ROW = 0.25
# ... and heights within this ratio (craft pads a lone glyph's box to up to 2.3 times its label's height;
# a turned word's piece that is at least 2.5 times as tall is a word).
_CHAIN_ROW_HEIGHT = 2.5
# Chains without a tall anchor: gaps at most _SQUARE_GAP of the narrower width or at most _SQUARE_SPREAD
# times the widest gap the chain already has (one label's word spaces differ: 5 and 6 px between craft's
# boxes of ``File No 48``, Noto Sans 200 dpi, 27 px wide; 3 to 8 px in ``Form 7 Rev 2``), at least
# _SQUARE_PIECES pieces, the whole at least _SQUARE_EXTENT times as tall as its pieces' median width. A
# stack of lone glyphs so joined is undone by :func:`split_glyph_stacks`, which sees the ink.
_SQUARE_GAP = 0.2
_SQUARE_SPREAD = 2.0
_SQUARE_PIECES = 3
_SQUARE_EXTENT = 3.0
_SQUARE_SHAPE = 0.7


def _vertical_chains(regions: Sequence[Region]) -> tuple[list[Region], list[Region]]:
    """(lines of vertical text joined from pieces, the other regions as given); see the comment above.

    Each joined line (``level="line"``, ``text=None``, ``attributes["grouped"] = True``) is the union of
    its pieces' quads (page pixels) in the frame of the chain's own axis (the line through its end pieces'
    centres), lengthened for reading like a grouped line, with the
    pieces' words (a piece without word children is a word itself) as its children, so that
    :func:`adopt_words` hands the detector's boxes back. Only loose words and lines without a turn
    already decided take part; blocks pass through.
    """
    idx = [k for k, r in enumerate(regions) if r.level != "block" and not r.attributes.get("rotation")]
    if len(idx) < 2:
        return [], list(regions)
    rot = _frame(_text_angle(np.asarray([r.quad for r in regions], dtype=np.float64)))
    boxes = np.stack([_box(regions[k], rot) for k in idx])
    width = np.maximum(boxes[:, 2] - boxes[:, 0], 1e-6)
    height = boxes[:, 3] - boxes[:, 1]
    axis = (boxes[:, 0] + boxes[:, 2]) / 2
    centre_y = (boxes[:, 1] + boxes[:, 3]) / 2
    def grow(root: int, gap_share: float, chain: dict[int, int], spread: float = 0.0) -> None:
        chain[root] = root
        ref = width[root]  # the anchor's: a chain drifts at most _CHAIN_WIDTH squared from it
        frontier = [root]
        widest = -math.inf  # the widest gap joined so far (with ``spread``: later gaps up to spread x it)
        while frontier:
            a = frontier.pop()
            gap = np.maximum(boxes[:, 1] - boxes[a, 3], boxes[a, 1] - boxes[:, 3])
            reach = spread * widest if spread and widest > -math.inf else -math.inf
            fits = (
                (np.maximum(width, width[a]) <= _CHAIN_WIDTH * np.minimum(width, width[a]))
                & (np.maximum(width, ref) <= _CHAIN_WIDTH**2 * np.minimum(width, ref))
                & (np.abs(axis - axis[a]) <= _CHAIN_AXIS * np.maximum(width, width[a]))
                & (gap <= np.maximum(gap_share * np.minimum(width, width[a]), reach))
            )
            for b in (int(b) for b in np.nonzero(fits)[0]):
                if b not in chain:
                    chain[b] = root
                    frontier.append(b)
                    widest = max(widest, float(gap[b]))

    chain: dict[int, int] = {}  # member -> its chain's anchor
    for root in (int(a) for a in np.nonzero(height >= _CHAIN_ANCHOR * width)[0]):
        if root not in chain:
            grow(root, _CHAIN_GAP, chain)
    # Without a tall anchor (craft boxes every word of ``Page 12 of 40`` at 11 pt, 300 dpi, about square):
    # at least _SQUARE_PIECES pieces touching along one axis (word spaces inside craft's padded boxes),
    # together at least _SQUARE_EXTENT times as tall as wide.
    # Each piece at least _SQUARE_SHAPE times as tall as wide (a level word of three or more letters is
    # wider; a turned ``of`` is 56 x 44 px), none in a chain above.
    square: dict[int, int] = {k: -1 for k in [*np.nonzero(height < _SQUARE_SHAPE * width)[0].tolist(), *chain]}
    for root in range(len(idx)):
        if root not in square:
            grow(root, _SQUARE_GAP, square, _SQUARE_SPREAD)
    groups: dict[int, list[int]] = {}
    for k, root in chain.items():
        groups.setdefault(root, []).append(k)
    for root in {r for r in square.values() if r >= 0}:
        members = [k for k, r in square.items() if r == root]
        extent = float(boxes[members, 3].max() - boxes[members, 1].min())
        if len(members) >= _SQUARE_PIECES and extent >= _SQUARE_EXTENT * float(np.median(width[members])):
            groups[-1 - root] = members
        elif (
            len(members) == 2
            and all(regions[idx[k]].level == "word" for k in members)
            and extent >= _CHAIN_ANCHOR * float(width[members].max())
            and _meeting(boxes[members])
        ):
            # A turned word cut in two (craft's stacked-character split parts ``Friday`` into ``Frid`` and
            # ``ay``, parted at one shared edge): two loose words that meet there, together as tall as an
            # anchor. The two lone characters of a form's answer column so cut sit on rows of labels
            # (level_column); a detector's lines that overlap (db's big ``2`` over ``SPEED`` on a road
            # sign, icdar2015_val img_104) are not such a split.
            groups[-1 - root] = members
    # Row partners in the page's frame: a region off the piece's axis whose centre lies on the piece's
    # row (within _CHAIN_ROW of the smaller height), of about its height -- the item name beside a
    # receipt's quantity, the label beside a form's answer -- and not itself a piece of a column joined
    # above (a second margin label across the page: ``Form 7 Rev 2``'s ``7`` beside ``File No 48``'s
    # ``File`` made the latter a column of level words).
    in_columns = {idx[k] for m in groups.values() if len(m) >= 2 for k in m}
    every = np.stack([_box(r, rot) for r in regions])
    every_cy, every_h = (every[:, 1] + every[:, 3]) / 2, every[:, 3] - every[:, 1]
    free = np.array([k not in in_columns for k in range(len(regions))])
    partnered = np.zeros(len(idx), dtype=bool)
    for m in range(len(idx)):
        off_axis = (every[:, 2] < boxes[m, 0]) | (every[:, 0] > boxes[m, 2])
        near = np.abs(every_cy - centre_y[m]) <= _CHAIN_ROW * np.minimum(every_h, height[m])
        alike = np.maximum(every_h, height[m]) <= _CHAIN_ROW_HEIGHT * np.minimum(every_h, height[m])
        partnered[m] = bool((off_axis & near & alike & free).any())
    # A column of at least three pieces that each sit on a row of other text, or whose pieces other than
    # its tall anchors (at least two) do, is a column of level words (a receipt's quantities, a form's
    # answers, in craft's boxes padded until they touch and up to twice as tall as wide), however its
    # boxes stack; a turned label's pieces meet the body's rows only here and there (a two-piece label's
    # tall anchor spans several rows: its centre on one says little).
    def level_column(members: list[int]) -> bool:
        rest = [k for k in members if height[k] < _CHAIN_ANCHOR * width[k]]
        return (len(members) >= 3 and bool(partnered[members].all())) or (len(rest) >= 2 and bool(partnered[rest].all()))

    groups = {r: m for r, m in groups.items() if not level_column(m)}
    joined: list[Region] = []
    used: set[int] = set()
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda k: float(boxes[k, 1]))
        pieces = [regions[idx[k]] for k in members]
        used.update(idx[k] for k in members)
        words = [w for p in pieces for w in (_line_words(p) or [p])]
        kids = tuple(w.with_(level="word", order=k, children=()) for k, w in enumerate(words))
        # In the frame of the chain's own axis (the line through its end pieces' centres): the page's
        # frame may lean a few degrees where few regions decide it, and a piece's box leans too
        # (craft's box of "Page"), and the crop would lean with either.
        ends = [np.asarray(p.quad, dtype=np.float64).mean(axis=0) for p in (pieces[0], pieces[-1])]
        down = ends[1] - ends[0]
        theta = math.atan2(float(down[1]), float(down[0])) - math.pi / 2 if down.any() else _frame_angle(rot)
        quad = _union_quad(pieces, _frame(theta))
        joined.append(Region(
            quad=_lengthen(quad, _LINE_END_PAD),
            level="line",
            score=_mean_score(pieces),
            children=kids,
            attributes={"grouped": True},
        ))
    return joined, [r for k, r in enumerate(regions) if k not in used]


def _meeting(boxes: np.ndarray) -> bool:
    """Whether two boxes (2 x 4: x0, y0, x1, y1, page pixels) meet at one edge down the page, within a
    pixel (the shared edge of :func:`ocrplug_craft.postprocess.split_stacked`'s pieces), neither apart
    nor overlapping."""
    upper, lower = sorted(boxes.tolist(), key=lambda b: b[1])
    return abs(lower[1] - upper[3]) <= 1.0


# A stack of level one-glyph lines (a list's numbering ``1`` .. ``9``, a receipt's quantities without
# their items) that a detector boxes as one tall region is not vertical text, though the crop step would
# turn it and read ``1 2 3 4 5 6 7 8 9`` as one turned line. Along a tall region, the blank rows of its
# ink split it into runs: the letters and words of a turned line (gaps of a letter space, at most a word
# space: a quarter to a third of an em, under half of the text height the runs span across the region)
# or the glyph rows of a stack (gaps of line spacing: at 1.2 times the font size a digit's 0.72 em
# height leaves 0.48 em, four fifths of a digit's width or more). A tall region whose
# runs are all at least ``_STACK_GAP`` of their median width apart is a stack and is split into one
# level region per run. A region at least ``_STACK_TALL`` times taller than wide is examined (the crop
# step's ``vertical_ratio`` for lines). Checked on the generated columns of tests/test_vertical_edges.py
# (DejaVu, Noto, URW fonts, 200-300 dpi, line spacing 1.2-2.0) and the labels of
# tests/test_vertical_labels.py. A stack has at least ``_STACK_ROWS`` runs, none shorter than
# ``_STACK_ROW_HEIGHT`` of their median height: the dot and stem of a lone ``i``, ``j`` or ``!`` and the
# two dots of a ``:`` are one glyph, not rows.
_STACK_GAP = 0.65
_STACK_TALL = 1.5
_STACK_ROWS = 3
_STACK_ROW_HEIGHT = 0.5


def _ink_runs(gray: np.ndarray) -> tuple[list[tuple[int, int]], list[int]]:
    """(row runs ``[start, end)`` of a gray crop's ink, each run's ink width in columns); ink is the
    darker side of Otsu's threshold, or the lighter when that is the smaller share (light text)."""
    import cv2

    _, mask = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if mask.mean() > 0.5:
        mask = 1 - mask
    rows = mask.any(axis=1)
    runs: list[tuple[int, int]] = []
    start = None
    for y, on in enumerate([*rows.tolist(), False]):
        if on and start is None:
            start = y
        elif not on and start is not None:
            runs.append((start, y))
            start = None
    widths = []
    for a, b in runs:
        cols = np.nonzero(mask[a:b].any(axis=0))[0]
        widths.append(int(cols[-1] - cols[0] + 1))
    return runs, widths


def _gray(image: np.ndarray) -> np.ndarray:
    """A page image (H x W, or H x W x C uint8) as one gray channel (H x W)."""
    if image.ndim == 3:
        import cv2

        return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY) if image.shape[2] == 3 else image[:, :, 0]
    return image


def _stack_rows(
    gray: np.ndarray, region: Region, rows: int = _STACK_ROWS
) -> tuple[int, int, int, int, list[tuple[int, int]]] | None:
    """The one rule for a glyph stack (see ``_STACK_GAP``): for a tall ``region`` (page pixels of the
    gray page ``gray``) that is a stack of at least ``rows`` level glyph rows, its pixel box
    ``(x0, y0, x1, y1)`` clipped to the page and its ink row runs ``[start, end)`` relative to ``y0``;
    ``None`` for any other region (also a block, a region with a decided turn, or one under 2 pixels
    wide)."""
    if region.level == "block" or region.attributes.get("rotation"):
        return None
    pts = np.asarray(region.quad, dtype=np.float64)
    x0, y0 = np.floor(pts.min(axis=0)).astype(int)
    x1, y1 = np.ceil(pts.max(axis=0)).astype(int)
    x0, y0 = max(int(x0), 0), max(int(y0), 0)
    x1, y1 = min(int(x1), gray.shape[1]), min(int(y1), gray.shape[0])
    if x1 - x0 < 2 or y1 - y0 < _STACK_TALL * (x1 - x0):
        return None
    runs, widths = _ink_runs(np.ascontiguousarray(gray[y0:y1, x0:x1]))
    if len(runs) < max(rows, 2):
        return None
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(runs)]
    heights = [b - a for a, b in runs]
    if (
        min(heights) < _STACK_ROW_HEIGHT * float(np.median(heights))
        or min(gaps) < _STACK_GAP * float(np.median(widths))
    ):
        return None
    return x0, y0, x1, y1, runs


def split_glyph_stacks(image: np.ndarray, regions: Sequence[Region], rows: int = _STACK_ROWS) -> list[Region]:
    """``regions`` (page pixels of ``image``, H x W or H x W x C uint8) with each tall region that is a
    stack of at least ``rows`` level glyph rows split into one region per row (see ``_STACK_GAP``); the
    others as given. Recognition splits stacks of ``_STACK_ROWS`` rows or more; page orientation, which
    only asks which regions can be turned lines, splits pairs of rows too (:mod:`ocrplug.orientation`).

    Each part keeps the region's level and score and the region's horizontal extent; vertically it spans
    its ink rows and up to half the gap to the next row (at most the region's own edges). A line joined
    from pieces (``attributes["grouped"]``: by :func:`_vertical_chains` or from a row of loose words, in
    :func:`ocrplug.layout.lines_for_recognition`) that is such a stack gives its pieces back instead
    (read one by one). Other regions with children, a decided turn or ``level="block"`` pass through.
    """
    gray = _gray(image)
    out: list[Region] = []
    for region in regions:
        grouped = bool(region.attributes.get("grouped"))
        found = None if region.children and not grouped else _stack_rows(gray, region, rows)
        if found is None:
            out.append(region)
            continue
        if region.children:  # a joined line: the detector's boxes again
            out.extend(child.with_(order=0) for child in region.children)
            continue
        x0, y0, x1, y1, runs = found
        gaps = [b[0] - a[1] for a, b in itertools.pairwise(runs)]
        for k, (a, b) in enumerate(runs):
            top = y0 + (a - gaps[k - 1] // 2 if k else 0)
            bottom = y0 + (b + gaps[k] // 2 if k < len(gaps) else y1 - y0)
            quad = ((float(x0), float(top)), (float(x1), float(top)), (float(x1), float(bottom)),
                    (float(x0), float(bottom)))
            out.append(region.with_(quad=quad, polygon=None))
    return out
