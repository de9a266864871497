"""Geometry helpers shared by detectors, recognizers, renderers and evaluation, and the text-frame helpers
of the layout step (:mod:`ocrplug.layout`, :mod:`ocrplug.levelling`, :mod:`ocrplug.vertical`).

All coordinates are page pixels, origin top-left, x right, y down; quads are clockwise on screen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from ocrplug.model import Quad, Region

__all__ = [
    "order_quad",
    "quad_angle",
    "quad_height",
    "quad_width",
    "scale_quad",
    "text_angle",
    "turn_jitter_deg",
]

T = TypeVar("T")


def order_quad(points: Sequence[Sequence[float]] | np.ndarray) -> Quad:
    """Order 4 corners clockwise on screen (y down), starting at the corner with the smallest x + y.

    Works for any convex quadrilateral, rotated or not; the input order does not matter.
    """
    pts = np.asarray(points, dtype=np.float64).reshape(4, 2)
    centre = pts.mean(axis=0)
    # atan2 with y down: increasing angle is clockwise on screen.
    angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
    pts = pts[np.argsort(angles, kind="stable")]
    start = int(np.argmin(pts.sum(axis=1)))
    pts = np.roll(pts, -start, axis=0)
    return tuple((float(x), float(y)) for x, y in pts)  # type: ignore[return-value]


def quad_width(quad: Quad) -> float:
    """Mean length of the top and bottom edges."""
    q = np.asarray(quad)
    return float((np.linalg.norm(q[1] - q[0]) + np.linalg.norm(q[2] - q[3])) / 2)


def quad_height(quad: Quad) -> float:
    """Mean length of the left and right edges."""
    q = np.asarray(quad)
    return float((np.linalg.norm(q[3] - q[0]) + np.linalg.norm(q[2] - q[1])) / 2)


def quad_angle(quad: Quad) -> float:
    """Angle of the text direction (top edge, TL -> TR) in radians; 0 for upright text, y down."""
    q = np.asarray(quad)
    d = (q[1] - q[0]) + (q[2] - q[3])
    return float(math.atan2(d[1], d[0]))


# A turned line's box is off its right-angle turn by box jitter: its two ends sit up to this share of
# the text height apart across the line, so the box leans by ``atan(TURN_JITTER * height / length)``
# (less the longer the line). Measured with ``python benchmarks/turned_jitter.py`` (6 margin labels in 4
# fonts at 200 / 300 dpi, turned exactly 90 and 270 and 10 degrees off; lines that hold the whole
# label): exact turns lean at most 0.080 heights (fast), 0.130 (accurate), 0.192 (swift, ``Page 12 of
# 40`` 1.64 degrees off); labels tilted 10 degrees at least 0.377 (accurate's chain axis, measured 5.31
# degrees off), 0.520 (fast), 0.531 (swift). 0.28 lies midway.
TURN_JITTER = 0.28


def turn_jitter_deg(length: float, height: float) -> float:
    """Degrees a turned line's box (``length`` along the text, ``height`` across it, pixels) leans off
    its right-angle turn by box jitter alone: ``atan(TURN_JITTER * height / length)``, 90 for a line
    without length. Renderers write a turned line within this of 90 / 270 degrees as exactly that turn."""
    if length <= 0:
        return 90.0
    return math.degrees(math.atan2(TURN_JITTER * max(height, 0.0), length))


def text_angle(quads: np.ndarray | Sequence[Quad]) -> float:
    """The dominant text direction of a page's word or line quads (``(N, 4, 2)`` page pixels), in
    radians, y down (0: level rows; a page skewed 2 degrees counter-clockwise gives about -0.035): the
    layout step's own frame (:func:`_text_angle`), so that a step testing rows on a skewed page (the
    lone-glyph look, :mod:`ocrplug.lone_glyphs`) uses the rows the layout will make. 0 for no quads."""
    q = np.asarray(quads, dtype=np.float64).reshape(-1, 4, 2)
    return _text_angle(q) if len(q) else 0.0


def scale_quad(quad: Quad, sx: float, sy: float | None = None) -> Quad:
    """Scale a quad's coordinates (e.g. from a resized image back to page pixels)."""
    sy = sx if sy is None else sy
    return tuple((x * sx, y * sy) for x, y in quad)  # type: ignore[return-value]


# --------------------------------------------------------------------------------------------------
# The page's text frame (shared by ocrplug.layout, ocrplug.levelling and ocrplug.vertical): its angle,
# the rotation into it, region boxes and unions in it, and lines lengthened for reading.


def _text_angle(quads: np.ndarray) -> float:
    """The page's dominant text direction (radians, image frame: y down), from ``(N, 4, 2)`` quads.

    First the median direction of the quads' top and bottom edges; then, within 6 degrees of it, the
    direction whose projection profile of the region centres is sharpest (the sum of squared bin
    counts, bins an eighth of the median height: Postl's projection-profile skew estimate, as in
    Hull's survey of skew detection, 1998), when it is at least 1.5x sharper than at the median. A single region's own edges can tilt by a few degrees
    (CRAFT boxes words with descenders slightly rotated), enough to break a 3000 px line into rows;
    the rows of centres do not tilt. An angle that puts in one bin two regions overlapping along the
    row (two rows, not one: :func:`_stacked_in_a_bin`) is never taken, nor one further from the image axes
    than the median at which no two regions sharing a bin lie within ``_ROW_GAP_MAX`` heights of each
    other along the row (:func:`_row_gap`: far-apart regions, an envelope's price and return address,
    line up by chance; a skewed page's words sit a space apart on their rows). Issue 24 item 2 (E13).
    """
    top = (quads[:, 1] - quads[:, 0]) + (quads[:, 2] - quads[:, 3])
    angles = np.arctan2(top[:, 1], top[:, 0])
    theta = float(np.arctan2(np.median(np.sin(angles)), np.median(np.cos(angles))))
    if len(quads) < 3:
        return theta
    centres = quads.mean(axis=1)
    side = (quads[:, 3] - quads[:, 0]) + (quads[:, 2] - quads[:, 1])
    step = max(float(np.median(np.linalg.norm(side, axis=1))) / 8, 0.5)
    def sharpness(a: float) -> float:
        proj = centres @ np.array([-math.sin(a), math.cos(a)])
        bins = np.floor((proj - proj.min()) / step).astype(np.int64)
        if a != theta and _stacked_in_a_bin(quads, bins, a):
            return -1.0
        counts = np.bincount(bins)
        return float((counts.astype(np.float64) ** 2).sum())

    at_median = sharpness(theta)
    best, best_score = theta, at_median
    # The grid around the median, and the image axes themselves when within it (the grid passes them by up
    # to an eighth of a degree: over 6.5 inches that moves a lone answer a bin off its label).
    candidates = [theta + float(d) for d in np.radians(np.arange(-6.0, 6.01, 0.25))]
    axis = theta - _signed_off_axes(theta)
    if abs(axis - theta) <= math.radians(6.0):
        candidates.append(axis)
    for angle in candidates:
        score = sharpness(angle)
        # Of equally sharp angles the one nearest the image axes: a few regions (three labels with lone
        # answers far right) line up as well with the answer one row up at 3.5 degrees as with their own
        # at 0.1, and a scan is far more often level than skewed (benchmarks/sparse_frame.py).
        if score > best_score or (score == best_score and abs(_signed_off_axes(angle)) < abs(_signed_off_axes(best))):
            best, best_score = angle, score
    # The edges' median stands unless the profile is clearly sharper elsewhere: where the boxes are
    # right (most pages), a quarter degree off can close a narrow column gutter over a tall page.
    # An angle further from the image axes than the boxes' own needs a row of neighbours (far-apart regions
    # line up by chance); one nearer them (a sparse form's labels and far answers on level rows) does not.
    away = abs(_signed_off_axes(best)) > abs(_signed_off_axes(theta))
    if best_score >= _PROFILE_GAIN * at_median and not (away and _row_gap(quads, best, step) > _ROW_GAP_MAX):
        return _row_fit(quads, best, 0.0)  # a quarter-degree step of the search: the rows say where in it
    return _row_fit(quads, theta, _ROW_FIT_MIN_DEG)


def _row_gap(quads: np.ndarray, angle: float, step: float) -> float:
    """The smallest gap along the rows at ``angle`` (radians, y down) between two regions whose centres
    share a profile bin (``step`` px across the rows, as :func:`_text_angle` bins them), in median region
    heights; infinite when no two share a bin. ``quads``: ``(N, 4, 2)`` page pixels."""
    centres = quads.mean(axis=1)
    proj = centres @ np.array([-math.sin(angle), math.cos(angle)])
    bins = np.floor((proj - proj.min()) / step).astype(np.int64)
    along = quads @ np.array([math.cos(angle), math.sin(angle)])
    lo, hi = along.min(axis=1), along.max(axis=1)
    o = np.lexsort((lo, bins))
    same = bins[o][1:] == bins[o][:-1]
    if not same.any():
        return math.inf
    side = (quads[:, 3] - quads[:, 0]) + (quads[:, 2] - quads[:, 1])
    height = max(float(np.median(np.linalg.norm(side, axis=1))) / 2, 1e-9)
    gaps = lo[o][1:] - hi[o][:-1]
    return float(gaps[same].min()) / height


def _signed_off_axes(angle: float) -> float:
    """How far ``angle`` (radians) lies from the nearest right angle, signed, radians."""
    quarter = math.pi / 2
    return (angle + quarter / 2) % quarter - quarter / 2


# Rows of region centres (:func:`_row_fit`). The centres are fitted only where they lie on rows: the
# residuals' standard deviation at most _ROW_FIT_RESIDUAL of the median region height (scene words at
# several angles, a form's labels and answers a little apart, make no rows; the page keeps its angle). The
# fit corrects the angle by at most _ROW_FIT_MAX_DEG (CRAFT boxes the words of pages skewed up to about 3
# degrees level), and the quads' own median only by at least _ROW_FIT_MIN_DEG (the profile search's step:
# less is box noise, and where the median is right it stands exactly). Measured with benchmarks/craft_skew.py
# (docs/benchmarks.md "Skewed pages on accurate (issue 24, k8)").
_ROW_FIT_RESIDUAL = 0.15
_ROW_FIT_MAX_DEG = 3.0
_ROW_FIT_MIN_DEG = 0.25


def _row_fit(quads: np.ndarray, angle: float, min_deg: float) -> float:
    """``angle`` (radians, y down) corrected by the slope of the rows of region centres around it.

    CRAFT boxes the words of a page skewed by up to about 3 degrees level (the official minimum-area
    rectangle of a word 8 heatmap pixels high), so the quads' median says 0 and the profile search,
    in quarter degrees over bins a quarter height wide, lands anywhere on a plateau half a degree wide
    (1.5 for 2.0 degrees). The centres themselves lie on the rows: grouped into rows across ``angle``
    (a gap over half the median height parts two), the slope that all rows of two or more regions share
    (pooled least squares of the offset across the row on the position along it) is the rows' direction.
    Taken when at least two regions share a row, the fit's residuals are small
    (``_ROW_FIT_RESIDUAL``) and the correction lies within [``min_deg``, ``_ROW_FIT_MAX_DEG``] (``min_deg``:
    ``_ROW_FIT_MIN_DEG`` for the quads' own median, 0 for an angle of the profile search's grid);
    fitted twice (the rows at the corrected angle). ``quads``: ``(N, 4, 2)`` page pixels.
    """
    if len(quads) < 3:
        return angle
    centres = quads.mean(axis=1)
    side = (quads[:, 3] - quads[:, 0]) + (quads[:, 2] - quads[:, 1])
    height = float(np.median(np.linalg.norm(side, axis=1))) / 2
    if height <= 0:
        return angle
    fitted = angle
    for _ in range(2):
        c, s = math.cos(fitted), math.sin(fitted)
        along = centres @ np.array([c, s])
        across = centres @ np.array([-s, c])
        order = np.argsort(across)
        row = np.zeros(len(quads), dtype=np.int64)
        row[order] = np.concatenate([[0], np.cumsum(np.diff(across[order]) > height / 2)])
        counts = np.bincount(row)
        shared = counts[row] >= 2
        if shared.sum() < 3:
            return fitted
        rows, n_rows = row[shared], len(counts)
        u = along[shared] - (np.bincount(rows, weights=along[shared], minlength=n_rows) / np.maximum(counts, 1))[rows]
        v = across[shared] - (np.bincount(rows, weights=across[shared], minlength=n_rows) / np.maximum(counts, 1))[rows]
        suu = float((u * u).sum())
        if suu <= 0:
            return fitted
        slope = float((u * v).sum()) / suu
        residual = v - slope * u
        dof = max(int(shared.sum()) - int((counts >= 2).sum()) - 1, 1)
        if math.sqrt(float((residual**2).sum()) / dof) > _ROW_FIT_RESIDUAL * height:
            return fitted
        fitted += math.atan(slope)
    delta = abs(math.degrees(fitted - angle))
    return fitted if min_deg <= delta <= _ROW_FIT_MAX_DEG else angle


# How much sharper (sum of squared bin counts) the centres' profile must be at another angle than at
# the quads' median angle for :func:`_text_angle` to take it.
_PROFILE_GAIN = 1.5

# The profile search's angle stands only where it puts two regions of a row within this many median region
# heights of each other (:func:`_row_gap`): a skewed page's words are a space apart along their rows; three
# pairs of an envelope's regions 14.8 heights and more apart (T11's price box beside its return address)
# made the profile 1.55x sharper at 2.8 degrees though every level box said 0. Measured with
# benchmarks/craft_skew.py (the supporting pairs of the prose pages skewed 1-2.7 degrees on ``accurate``
# overlap: gap -0.21 .. -0.10) and benchmarks/envelope_frame.py (docs/benchmarks.md, "Far-apart regions
# and steep lines' angles").
_ROW_GAP_MAX = 4.0


def _stacked_in_a_bin(quads: np.ndarray, bins: np.ndarray, angle: float) -> bool:
    """Whether two regions whose centres share a profile bin (``bins``, one per quad) overlap along
    the row direction ``angle`` (radians) by over half the shorter one's length.

    Regions of one row lie side by side; two that overlap along it are on different rows, brought
    into one bin only by a wrong angle: a page of a few long detector lines of unequal length (the
    centre of a short last line and of a longer line two rows up align at about 4 degrees), where
    such a coincidence alone makes the profile 1.5x sharper.
    """
    along = quads @ np.array([math.cos(angle), math.sin(angle)])
    lo, hi = along.min(axis=1), along.max(axis=1)
    o = np.lexsort((lo, bins))
    same = bins[o][1:] == bins[o][:-1]
    overlap = np.minimum(hi[o][1:], hi[o][:-1]) - np.maximum(lo[o][1:], lo[o][:-1])
    shorter = np.minimum((hi - lo)[o][1:], (hi - lo)[o][:-1])
    return bool((same & (overlap > 0.5 * shorter)).any())


def _frame(angle: float) -> np.ndarray:
    c, s = math.cos(-angle), math.sin(-angle)
    return np.array([[c, -s], [s, c]])


def _box(region: Region, rot: np.ndarray) -> np.ndarray:
    pts = np.asarray(region.quad, dtype=np.float64) @ rot.T
    return np.concatenate([pts.min(axis=0), pts.max(axis=0)])


def _heights(boxes: np.ndarray) -> np.ndarray:
    return np.maximum(boxes[:, 3] - boxes[:, 1], 1.0)


def _union_quad(regions: Sequence[Region], rot: np.ndarray) -> Quad:
    """The quad around several regions, axis-aligned in the text frame, in page pixels."""
    pts = np.concatenate([np.asarray(r.outline, dtype=np.float64) for r in regions]) @ rot.T
    x0, y0 = pts.min(axis=0)
    x1, y1 = pts.max(axis=0)
    corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]) @ rot  # back to the page frame
    return tuple((float(x), float(y)) for x, y in corners)  # type: ignore[return-value]


def _frame_angle(rot: np.ndarray) -> float:
    """The text angle (radians, y down) whose frame :func:`_frame` gave ``rot``."""
    return -math.atan2(float(rot[1, 0]), float(rot[0, 0]))


# A line read whole is lengthened by this share of its height at both ends: a trailing period or comma
# lies outside every CRAFT word box. Measured on examples/sample.pdf, tesseract_testing and SROIE
# (docs/benchmarks.md, "Word detectors read line by line": 0.3 vs 0 and 0.6).
_LINE_END_PAD = 0.3


# A grouped line taller than this many times its length is vertical text: the recognizer's crop step
# turns it by 90 degrees (``CropOptions.vertical_ratio``, 1.5 for lines), so it is lengthened along
# its long side. Padding it sideways by its (long) height made a vertical word look square, and it was
# then read unturned ("20", "HAH", "121" for the margin label of shared/cases/vertical_label.png).
_VERTICAL_RATIO = 1.5


def _lengthen(quad: Quad, pad: float) -> Quad:
    """``quad`` (corners tl, tr, br, bl) made longer by ``pad`` x its height at both ends of its text direction.

    The text direction is the top edge, or the left edge for a quad more than ``_VERTICAL_RATIO``
    times taller than long (vertical text; its "height" is then its width).
    """
    q = np.asarray(quad, dtype=np.float64)
    along = (q[1] - q[0]) + (q[2] - q[3])
    side = (q[3] - q[0]) + (q[2] - q[1])
    length = float(np.linalg.norm(along))
    height = float(np.linalg.norm(side))
    if length == 0 or pad <= 0:
        return quad
    if height > _VERTICAL_RATIO * length:
        d = side / height * pad * length / 2
        out = q + np.array([-d, -d, d, d])
    else:
        d = along / length * pad * height / 2
        out = q + np.array([-d, d, d, -d])
    return tuple((float(x), float(y)) for x, y in out)  # type: ignore[return-value]


# Words of one steep line (:func:`_steep_lines`): a word joins another when its centre lies within
# _STEEP_ACROSS of the other's height across the other's direction and their ends are at most
# _STEEP_GAP heights apart along it (word spaces are about a third of a height; the lines of
# benchmarks/steep_lines.py lie 600 px and more apart).
_STEEP_ACROSS = 0.5
_STEEP_GAP = 2.0
# A steep line's two words of one size (heights within _STEEP_SIZE_RATIO of each other: one font, the heights
# moved only by ascenders, descenders and the detector's padding) give the line's direction by their centres
# (:func:`_centre_line`): craft's box of a word leans with a descender or a capital at one end (``Quiz``,
# ``Pay``: 5-10 degrees apart within one line), which turns the box about its centre and leaves the centre
# where it was. Words of different sizes (a scene sign's large and small words, ``CHAT CHAK``: 25 and 38 px)
# need not share a centre line: they keep their own directions' mean. So do lines of three or more words
# (the guard's ``BY MARC JACOBS``, turned 1.4 degrees by its centres, was re-read letter by letter). benchmarks/steep_lines.py's lines of
# two or more words: heights at most 1.26 apart (``Grand Opening``, 53 / 67 px); the guard's ICDAR 2015
# scene lines of several sizes 1.47 and more (docs/benchmarks.md, "Steep lines' angles from their words'
# centres ...", E14).
_STEEP_SIZE_RATIO = 1.36


def _root(parent: list[int], k: int) -> int:
    """The representative of ``k`` in the union-find forest ``parent`` (path halving; shared by the
    steep-line and near-line groupings)."""
    while parent[k] != k:
        parent[k] = parent[parent[k]]
        k = parent[k]
    return k


def _steep_lines(quads: np.ndarray, angles: np.ndarray) -> list[tuple[list[int], float]]:
    """The lines among steep words of one direction group, each with its direction.

    ``quads``: ``(N, 4, 2)`` page pixels; ``angles``: ``(N,)`` each word's long-side direction (radians,
    y down, in one sense). Words are joined end to end (``_STEEP_ACROSS``, ``_STEEP_GAP``; transitively).
    A line of two words of one size (heights within ``_STEEP_SIZE_RATIO``) runs through their centres
    (:func:`_centre_line`): a word's box leans with a descender or a capital about its centre, and the mean
    of two words' directions carries half of one word's lean. Any other line takes the mean of its words'
    directions. (The centres' line for every line, E13's first try, moved ICDAR 2015 scene signs of large
    and small words off their words' own boxes: ``CHAT CHAK`` at -17.6 instead of -14.6 degrees was re-read
    letter by letter; for three words of one size, E14's, ``BY MARC JACOBS`` at -24.9 instead of -23.5
    was read ``B Y M ARC JACOBS``; docs/benchmarks.md "Far-apart regions and steep lines' angles", "Steep
    lines' angles from their words' centres ...".) Returns ``(indices into quads, angle)`` per line, in
    order of their first word.
    """
    n = len(quads)
    centres = quads.mean(axis=1)
    long_side = np.maximum(
        np.linalg.norm((quads[:, 1] - quads[:, 0]) + (quads[:, 2] - quads[:, 3]), axis=1),
        np.linalg.norm((quads[:, 3] - quads[:, 0]) + (quads[:, 2] - quads[:, 1]), axis=1),
    ) / 2
    short_side = np.minimum(
        np.linalg.norm((quads[:, 1] - quads[:, 0]) + (quads[:, 2] - quads[:, 3]), axis=1),
        np.linalg.norm((quads[:, 3] - quads[:, 0]) + (quads[:, 2] - quads[:, 1]), axis=1),
    ) / 2
    parent = list(range(n))

    for i in range(n):
        along = np.array([math.cos(angles[i]), math.sin(angles[i])])
        across = np.array([-along[1], along[0]])
        for j in range(n):
            if i == j:
                continue
            d = centres[j] - centres[i]
            gap = abs(float(d @ along)) - (long_side[i] + long_side[j]) / 2
            if abs(float(d @ across)) <= _STEEP_ACROSS * short_side[i] and gap <= _STEEP_GAP * max(
                short_side[i], short_side[j]
            ):
                parent[_root(parent, j)] = _root(parent, i)
    lines: dict[int, list[int]] = {}
    for k in range(n):
        lines.setdefault(_root(parent, k), []).append(k)
    out = []
    for idx in lines.values():
        mean = complex(np.mean(np.exp(1j * angles[idx])))
        angle = math.atan2(mean.imag, mean.real)
        sizes = short_side[idx]
        if len(idx) == 2 and sizes.max() <= _STEEP_SIZE_RATIO * sizes.min():
            angle = _centre_line(centres[idx], angle)
        out.append((idx, angle))
    return out


def _centre_line(centres: np.ndarray, angle: float) -> float:
    """The direction (radians, y down, the sense of ``angle``) of the least-squares line through ``centres``
    (``(N, 2)`` page pixels, N >= 2), fitted across ``angle`` (the words' own mean direction): the
    offset across it regressed on the position along it. ``angle`` when the centres do not spread along it."""
    c, s = math.cos(angle), math.sin(angle)
    u = centres @ np.array([c, s])
    v = centres @ np.array([-s, c])
    u, v = u - u.mean(), v - v.mean()
    suu = float((u * u).sum())
    if suu <= 0:
        return angle
    return angle + math.atan(float((u * v).sum()) / suu)


def _near_groups(quads: np.ndarray, gap: float = _STEEP_GAP) -> list[list[int]]:
    """Turned lines that lie near one another, grouped (transitively), in order of their first member.

    ``quads``: ``(N, 4, 2)`` page pixels, each starting at its text's top-left (a line read from a turned
    crop). Two lines are near when, in the first one's own direction, the white between their boxes is at
    most ``gap`` times the smaller one's height both along the text and across it: the words of one margin
    label (a detector line per word) and the lines of one turned paragraph are near; steep lines of a
    poster, each at its own angle, lie many heights apart. ``gap``: ``_STEEP_GAP`` (word spaces are about a
    third of a height, line gaps under one). Each group is laid out in its own frame
    (:func:`ocrplug.layout.layout_regions`): in one frame per right-angle turn, db's lines at -55 and
    -60 degrees (quad angles 55.0 and 61.2, ``benchmarks/steep_lines.py``'s ``steep04``) were both written
    at 58.1. Issue 24 item 2 (E14).
    """
    n = len(quads)
    parent = list(range(n))

    along = (quads[:, 1] - quads[:, 0]) + (quads[:, 2] - quads[:, 3])
    side = (quads[:, 3] - quads[:, 0]) + (quads[:, 2] - quads[:, 1])
    height = np.linalg.norm(side, axis=1) / 2
    for i in range(n):
        a = math.atan2(float(along[i, 1]), float(along[i, 0]))
        axes = np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
        pts = quads @ axes.T  # (N, 4, 2): along, across in i's direction
        lo, hi = pts.min(axis=1), pts.max(axis=1)
        for j in range(i + 1, n):
            white = np.maximum(lo[j] - hi[i], lo[i] - hi[j])  # (2,): along, across; negative where they overlap
            if float(white.max()) <= gap * min(float(height[i]), float(height[j])):
                parent[_root(parent, j)] = _root(parent, i)
    groups: dict[int, list[int]] = {}
    for k in range(n):
        groups.setdefault(_root(parent, k), []).append(k)
    return list(groups.values())
