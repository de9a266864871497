"""CRAFT post-processing: score maps -> word boxes and polygons, exactly as the official code.

This reproduces ``craft_utils.getDetBoxes`` / ``getPoly_core`` / ``adjustResultCoordinates`` of
clovaai/CRAFT-pytorch (same boxes, same order, same polygons, including the quirks listed in
``docs/craft.md``), but without whole-image work per component: thresholds, connected components, the
link-only mask and the per-component maxima are computed once for the whole map, and each component is
then processed inside its own window (the official code scans the whole map several times per
component, which makes a dense 4K page take tens of seconds).

Numpy and OpenCV only, so it can be tested on synthetic score maps without any weights.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["Detections", "adjust_coordinates", "get_det_boxes", "poly_for_box", "split_stacked"]

# Official getPoly_core constants.
_NUM_CP = 5
_MAX_LEN_RATIO = 0.7
_EXPAND_RATIO = 1.45
_MAX_R = 2.0
_STEP_R = 0.2
_TOT_SEG = _NUM_CP * 2 + 1
# The official r values, built the same way so float rounding (1.5000000000000002, ...) is identical.
_R_VALUES = tuple(float(r) for r in np.arange(0.5, _MAX_R, _STEP_R))


@dataclass(frozen=True)
class Detections:
    """Result of :func:`get_det_boxes`, in heatmap pixels.

    ``boxes``: (N, 4, 2) float32, clockwise from the corner with the smallest x + y.
    ``polys``: N entries, a (14, 2) float64 polygon or None where the official code builds none.
    ``mapper``: (N,) component label of each box in ``labels`` (ascending: raster order of components).
    ``scores``: (N,) mean region score over each component's pixels (not clipped).
    ``labels``: int32 label image of the connected components; ``n_labels`` includes the background.
    """

    boxes: np.ndarray
    polys: list[np.ndarray | None]
    mapper: np.ndarray
    scores: np.ndarray
    labels: np.ndarray
    n_labels: int

    def __len__(self) -> int:
        return int(self.boxes.shape[0])


def _threshold(score: np.ndarray, threshold: float) -> np.ndarray:
    # cv2.threshold(THRESH_BINARY) keeps values strictly above the threshold cast to the map's dtype.
    return score > np.asarray(threshold, dtype=score.dtype)


def get_det_boxes(
    textmap: np.ndarray,
    linkmap: np.ndarray,
    text_threshold: float,
    link_threshold: float,
    low_text: float,
    poly: bool = False,
    short_words: bool = False,
    steep_words: bool = False,
) -> Detections:
    """Word boxes (and polygons when ``poly``) from the region and affinity maps, as official ``getDetBoxes``.

    With ``short_words`` a component the official rule drops that :func:`_short_words` takes for a short
    word on a kept word's row joins that word: the word's box is the rotated rectangle around both
    components' dilated pixels (each dilated by its own official ``niter``) and the short word's pixels
    are relabelled to the word's label in ``labels``. A kept component that :func:`_high_marks` takes for a
    quote mark at the cap height of a kept word joins that word the same way, and is no box of its own. No
    other box is added or taken away, so the words' order is the official one; without ``short_words`` (or
    with no such component) every box is official.
    """
    if textmap.shape != linkmap.shape or textmap.ndim != 2:
        raise ValueError(f"textmap and linkmap must be 2-D maps of one shape, got {textmap.shape} and {linkmap.shape}")
    text_score = _threshold(textmap, low_text)
    link_score = _threshold(linkmap, link_threshold)
    link_only = link_score & ~text_score
    combined = (text_score | link_score).view(np.uint8)
    n_labels, labels, stats, _ = cv2.connectedComponentsWithStats(combined, connectivity=4)

    # Per-component maximum and mean of the region score, in one pass over the foreground pixels.
    flat_labels = labels.ravel()
    fg = np.flatnonzero(flat_labels)
    fg_labels = flat_labels[fg]
    fg_text = textmap.ravel()[fg]
    comp_max = np.full(n_labels, -np.inf, dtype=textmap.dtype)
    np.maximum.at(comp_max, fg_labels, fg_text)
    areas = stats[:, cv2.CC_STAT_AREA].astype(np.int64)
    comp_mean = np.bincount(fg_labels, weights=fg_text, minlength=n_labels) / np.maximum(areas, 1)

    keep = (areas >= 10) & ~(comp_max < np.asarray(text_threshold, dtype=textmap.dtype))
    keep[0] = False
    mapper = np.flatnonzero(keep)
    joiners: dict[int, list[int]] = {}
    if short_words:
        host = _short_words(stats, comp_max, keep)
        marks = _high_marks(stats, keep)  # kept quote marks at the cap height of a kept word: that word's
        keep[marks >= 0] = False
        mapper = np.flatnonzero(keep)
        host = np.where(marks >= 0, marks, host)
        for j in np.flatnonzero(host >= 0).tolist():
            joiners.setdefault(int(host[j]), []).append(j)

    kernels: dict[int, np.ndarray] = {}
    along: dict[int, np.ndarray] = {}  # host label -> the unit direction of its steep line
    if steep_words:
        pieces = {
            k: np.concatenate([_component_points(labels, stats, j, link_only, kernels) for j in (k, *joiners.get(k, ()))])
            for k in mapper.tolist()
        }
        for line in _steep_chains({k: p for k, p in pieces.items() if _may_be_steep(p)}):
            _, gu, _, _ = _rect_stats(np.concatenate([pieces[k] for k in line]))
            host = min(line)  # the official order of the line's first component
            along[host] = gu
            for j in line:
                if j != host:
                    keep[j] = False
                    joiners.setdefault(host, []).extend([j, *joiners.pop(j, [])])
        mapper = np.flatnonzero(keep)

    boxes = np.empty((len(mapper), 4, 2), dtype=np.float32)
    for i, k in enumerate(mapper.tolist()):
        parts = [_component_points(labels, stats, k, link_only, kernels)]
        parts += [_component_points(labels, stats, j, link_only, kernels) for j in joiners.get(k, ())]
        points = parts[0] if len(parts) == 1 else np.concatenate(parts)
        if k in along:
            box = _along_box(points, along[k])
            start = int(box.sum(axis=1).argmin())
            boxes[i] = np.roll(box, 4 - start, 0)
            continue
        box = cv2.boxPoints(cv2.minAreaRect(points))
        bw, bh = np.linalg.norm(box[0] - box[1]), np.linalg.norm(box[1] - box[2])
        box_ratio = max(bw, bh) / (min(bw, bh) + 1e-5)
        if abs(1 - box_ratio) <= 0.1:
            # Near-square box: the official code falls back to the pixels' axis-aligned extremes.
            left, right = points[:, 0].min(), points[:, 0].max()
            top, bottom = points[:, 1].min(), points[:, 1].max()
            box = np.array([[left, top], [right, top], [right, bottom], [left, bottom]], dtype=np.float32)
        start = int(box.sum(axis=1).argmin())
        boxes[i] = np.roll(box, 4 - start, 0)
    for k, short in joiners.items():  # the short words' pixels are their words' from here on
        for j in short:
            x, y, w, h = (int(v) for v in stats[j, :4])
            window = labels[y : y + h, x : x + w]
            window[window == j] = k

    polys: list[np.ndarray | None]
    if poly:
        polys = [poly_for_box(box, labels, int(k)) for box, k in zip(boxes, mapper, strict=True)]
    else:
        polys = [None] * len(mapper)
    return Detections(
        boxes=boxes, polys=polys, mapper=mapper, scores=comp_mean[mapper], labels=labels, n_labels=int(n_labels)
    )


#: Steep lines (issue 24, A16). On a line drawn 15-75 degrees off level the affinity map links some of a
#: word's glyphs and not others, so the official rule boxes the word in pieces (``Jumble`` +70 as three
#: blobs of two glyphs each); a piece or a one-glyph word (the ``9`` of ``Open 9 to 5``) is near square, and
#: the official rule then boxes it level (its pixels' axis-aligned extremes). Read level, such pieces lose the
#: line's direction before any later step can fit it. With ``steep_words`` the kept components that lie one
#: after another along a steep direction are chained (:func:`_steep_chains`): two components pair when the line
#: through their centres runs at least :data:`STEEP_MIN_DEG` off the map's axes, their heights (the shorter sides
#: of their rectangles) lie within :data:`STEEP_HEIGHT_RATIO` of each other, each one longer than
#: :data:`STEEP_ASPECT` times its height runs within :data:`STEEP_AXIS_DEG` of that line, and the white between them
#: along it is at most :data:`STEEP_REACH` of their mean height; a chain stays one when all its pixels lie in a band
#: at most :data:`STEEP_BAND` of its tallest member's height high. A chain of three components, or of two of
#: which one runs along it, is a steep line and one box along the chain's direction (the recognizer reads it
#: whole and its spaces part the words: the white between two words and between two pieces of one word, along
#: the line, overlap on these pages, -0.12..0.21 and -0.09..0.29 heights). Constants measured on
#: benchmarks/steep_lines.py's pages (docs/benchmarks.md "Steep lines in one box; arched lines found in the ink", A16).
STEEP_MIN_DEG = 10.0
STEEP_HEIGHT_RATIO = 1.6
STEEP_ASPECT = 1.3
STEEP_AXIS_DEG = 12.0
STEEP_REACH = 1.2
STEEP_BAND = 1.4


def _rect_stats(points: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
    """(centre, unit long axis, length, height) of the minimum-area rectangle of ``points`` (N x 2)."""
    (cx, cy), (w, h), a = cv2.minAreaRect(points)
    t = math.radians(a)
    u = np.array([math.cos(t), math.sin(t)])
    if h > w:
        u = np.array([-u[1], u[0]])
        w, h = h, w
    return np.array([cx, cy]), u, float(w), float(h)


def _along_box(points: np.ndarray, u: np.ndarray) -> np.ndarray:
    """The rectangle (4 x 2 float32, clockwise) of ``points`` (N x 2) with its long sides along the unit ``u``."""
    n = np.array([-u[1], u[0]])
    pts = points.astype(np.float64)
    a, b = pts @ u, pts @ n
    a0, a1, b0, b1 = a.min(), a.max() + 1, b.min(), b.max() + 1
    return np.array([a0 * u + b0 * n, a1 * u + b0 * n, a1 * u + b1 * n, a0 * u + b1 * n], dtype=np.float32)


def _may_be_steep(points: np.ndarray) -> bool:
    """Whether a component of heatmap ``points`` (N x 2) may lie on a steep line: near square (no direction of
    its own), or longer than :data:`STEEP_ASPECT` times its height and running at least half
    :data:`STEEP_MIN_DEG` off the axes (a word's box leans off its line: T15's ``maplabels.png`` ``Lane``, drawn
    with ``Church`` 12 degrees off upright, is boxed 9.3 off; a level word is left out of the pairs at once)."""
    _, u, length, height = _rect_stats(points)
    if length < STEEP_ASPECT * max(height, 1.0):
        return True
    return abs((math.degrees(math.atan2(u[1], u[0])) + 45.0) % 90.0 - 45.0) >= STEEP_MIN_DEG / 2


def _steep_chains(points: dict[int, np.ndarray]) -> list[list[int]]:
    """Steep lines among the kept components ``points`` (label -> its dilated heatmap pixels): per line the labels
    of its components (see :data:`STEEP_MIN_DEG`). Raises nothing."""
    ks = list(points)
    if len(ks) < 2:
        return []
    rects = [_rect_stats(points[k]) for k in ks]
    c = np.array([r[0] for r in rects])
    u = np.array([r[1] for r in rects])
    length = np.array([r[2] for r in rects])
    height = np.maximum(np.array([r[3] for r in rects]), 1.0)
    d = c[None, :, :] - c[:, None, :]
    dist = np.linalg.norm(d, axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        du = d / dist[:, :, None]
    ang = np.degrees(np.arctan2(du[..., 1], du[..., 0]))
    off_axes = np.abs((ang + 45.0) % 90.0 - 45.0)
    ratio = np.maximum(height[:, None], height[None, :]) / np.minimum(height[:, None], height[None, :])
    # A component longer than STEEP_ASPECT heights shows its own direction: it must be the pair's.
    cos_axis = math.cos(math.radians(STEEP_AXIS_DEG))
    along_i = np.abs(np.einsum("ijk,ik->ij", du, u)) >= cos_axis
    along_j = np.abs(np.einsum("ijk,jk->ij", du, u)) >= cos_axis
    long_i = (length / height >= STEEP_ASPECT)[:, None]
    long_j = (length / height >= STEEP_ASPECT)[None, :]
    # Half extents along the pair's line (projections of each rectangle onto it).
    half_i = 0.5 * (length[:, None] * np.abs(np.einsum("ijk,ik->ij", du, u))
                    + height[:, None] * np.abs(np.einsum("ijk,ik->ij", du, u[:, ::-1] * [-1, 1])))
    half_j = 0.5 * (length[None, :] * np.abs(np.einsum("ijk,jk->ij", du, u))
                    + height[None, :] * np.abs(np.einsum("ijk,jk->ij", du, u[:, ::-1] * [-1, 1])))
    gap = dist - half_i - half_j
    mean_h = 0.5 * (height[:, None] + height[None, :])
    ok = (
        (off_axes >= STEEP_MIN_DEG) & (ratio <= STEEP_HEIGHT_RATIO) & (~long_i | along_i) & (~long_j | along_j)
        & (gap <= STEEP_REACH * mean_h) & np.triu(np.ones_like(dist, dtype=bool), 1)
    )
    parent = list(range(len(ks)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    members = {i: [i] for i in range(len(ks))}
    pi, pj = np.nonzero(ok)
    for o in np.argsort(gap[pi, pj], kind="stable").tolist():
        a, b = root(int(pi[o])), root(int(pj[o]))
        if a == b:
            continue
        group = members[a] + members[b]
        _, gu, _, gh = _rect_stats(np.concatenate([points[ks[g]] for g in group]))
        g_off = abs((math.degrees(math.atan2(gu[1], gu[0])) + 45.0) % 90.0 - 45.0)
        if gh > STEEP_BAND * float(height[group].max()) or g_off < STEEP_MIN_DEG:
            continue
        parent[b] = a
        members[a] = group
        del members[b]
    lines = []
    for group in members.values():
        elongated = [g for g in group if length[g] / height[g] >= STEEP_ASPECT]
        if len(group) < 2 or (len(group) < 3 and not elongated):
            continue
        lines.append([ks[g] for g in group])
    return lines


#: A short word (``or``, ``5``, a list's ``1.``, the ``1`` of ``1,939.20``) on a page that the 1280 px canvas
#: shrinks (a 300 dpi A4 page is read at 0.36, its heatmap at 0.18: 8.5 pt text has 3 heatmap px of
#: x-height) gives a component under the official 10 px area floor, or one whose region score peaks just
#: under ``text_threshold`` (T9's pages: ``or`` 9 px at 0.95, ``1.`` 9 px at 0.84, ``5.`` 10 px at 0.66, a
#: caption's ``in`` 8 px at 0.69). Such a component is taken when it has at least :data:`SHORT_MIN_AREA`
#: pixels and peaks at :data:`SHORT_MIN_SCORE` or more, and stands on the row of a kept component: the
#: kept one's vertical extent holds its centre, the kept one is :data:`SHORT_ROW_HEIGHTS` times as tall,
#: and the gap between them is at most :data:`SHORT_REACH` times the kept one's height. It joins the
#: nearest such kept component (:func:`get_det_boxes`). Area and score chosen on the first 15 images of
#: ``funsd_train`` and ``icdar2015_val`` and a blank-noise page (``python benchmarks/craft_short.py``,
#: docs/benchmarks.md "Short words that join their row"); the row rule is ``db``'s ``LONE_ROW_HEIGHTS``.
SHORT_MIN_AREA = 4
SHORT_MIN_SCORE = 0.5
SHORT_ROW_HEIGHTS = (0.6, 2.5)
SHORT_REACH = 3.0
#: A mark (a component under :data:`SHORT_MARK_HEIGHT` of the kept one's height, or more than
#: :data:`SHORT_MARK_ASPECT` times as wide as tall: a full stop, a comma, a dash, a piece of a dotted leader or
#: a rule) joins a kept component only within :data:`SHORT_MARK_REACH` of its height (the full stop of
#: ``No.``), never across a word space: on ``funsd_train`` the dashes of ``Written by -- John`` stand 1.2-2.4
#: heights from their words and, joined, pulled two fields into one line (docs/benchmarks.md "Short words
#: that join their row").
SHORT_MARK_HEIGHT = 0.5
SHORT_MARK_ASPECT = 2.0
SHORT_MARK_REACH = 0.5


def _short_words(stats: np.ndarray, comp_max: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """For each component (``stats`` of ``cv2.connectedComponentsWithStats``, label 0 the background; ``comp_max``
    its peak region score), the label of the kept component (``keep``) whose short word it is, else -1.

    A component the official rule dropped is a short word under :data:`SHORT_MIN_AREA` and the row rule
    there (a mark, :data:`SHORT_MARK_HEIGHT`, only within :data:`SHORT_MARK_REACH`); of the kept components
    on its row it belongs to the nearest (smallest gap, the first label on a tie).
    """
    host = np.full(len(keep), -1, dtype=np.int64)
    areas = stats[:, cv2.CC_STAT_AREA]
    cand = np.flatnonzero(~keep & (areas >= SHORT_MIN_AREA) & (comp_max >= SHORT_MIN_SCORE))
    cand = cand[cand > 0]
    kept = np.flatnonzero(keep)
    if not len(cand) or not len(kept):
        return host
    kx, ky, kw, kh = (stats[kept, c].astype(np.float64) for c in range(4))
    lo, hi = SHORT_ROW_HEIGHTS
    for k in cand.tolist():
        x, y, w, h = (float(v) for v in stats[k, :4])
        centre = y + h / 2
        gap = np.maximum(np.maximum(kx - (x + w), x - (kx + kw)), 0)
        mark = (h < SHORT_MARK_HEIGHT * kh) | (w > SHORT_MARK_ASPECT * h)
        reach = np.where(mark, SHORT_MARK_REACH, SHORT_REACH) * kh
        on_row = (ky <= centre) & (centre <= ky + kh) & (kh >= lo * h) & (kh <= hi * h) & (gap <= reach)
        if on_row.any():
            host[k] = kept[np.flatnonzero(on_row)[np.argmin(gap[on_row])]]
    return host


#: A kept component at most :data:`SHORT_MARK_HEIGHT` of a kept neighbour's height, whose foot lies at most
#: :data:`HIGH_MARK_FOOT` of the neighbour's height below its top (it sits wholly in the upper half of the
#: line: an opening or closing quote mark, an apostrophe, a degree sign; a letter or digit reaches the
#: baseline), its centre within the neighbour's vertical extent and at most :data:`SHORT_MARK_REACH` of its
#: height away, is that word's mark, not a word: it joins the word's box (:func:`get_det_boxes` with
#: ``short_words``). T14 ``legal_mono_caps.png`` (``accurate``): the opening ``"`` of ``("LESSOR")`` (a
#: 6 x 4 heatmap px component 2 px left of ``LESSOR``, its foot 0.4 of the word's height down) was a word of
#: its own, read ``II`` as a line of its own (issue 24, L15; ``python benchmarks/lone_marks.py``).
HIGH_MARK_FOOT = 0.5


def _high_marks(stats: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """For each component (``stats`` as in :func:`_short_words`), the label of the kept component whose high
    mark (:data:`HIGH_MARK_FOOT`) it is, else -1. Only kept components are marks, only kept components that
    are no marks themselves are hosts; a mark joins the nearest host (smallest gap)."""
    host = np.full(len(keep), -1, dtype=np.int64)
    kept = np.flatnonzero(keep)
    if len(kept) < 2:
        return host
    kx, ky, kw, kh = (stats[kept, c].astype(np.float64) for c in range(4))
    for i, k in enumerate(kept.tolist()):
        x, y, w, h = kx[i], ky[i], kw[i], kh[i]
        gap = np.maximum(np.maximum(kx - (x + w), x - (kx + kw)), 0)
        ok = ((h < SHORT_MARK_HEIGHT * kh) & (ky <= y + h / 2) & (y + h / 2 <= ky + kh)
              & (y + h - ky <= HIGH_MARK_FOOT * kh) & (gap <= SHORT_MARK_REACH * kh))
        ok[i] = False
        if ok.any():
            host[k] = kept[np.flatnonzero(ok)[np.argmin(gap[ok])]]
    host[np.isin(host, np.flatnonzero(host >= 0))] = -1  # a mark's host is no mark itself
    return host


def _component_points(
    labels: np.ndarray,
    stats: np.ndarray,
    k: int,
    link_only: np.ndarray,
    kernels: dict[int, np.ndarray],

) -> np.ndarray:
    """(N, 2) int32 ``x, y`` heatmap pixels of component ``k`` of ``labels``, less link-only pixels, dilated
    by the official ``niter`` of its ``stats`` row (``kernels``: the dilation kernels by size, filled in)."""
    x, y, w, h, size = (int(v) for v in stats[k])
    # Python ints: the official int32 product can overflow on huge components; ours cannot.
    niter = int(math.sqrt(size * min(w, h) / (w * h)) * 2)
    img_h, img_w = labels.shape
    sx, sy = max(x - niter, 0), max(y - niter, 0)
    ex, ey = min(x + w + niter + 1, img_w), min(y + h + niter + 1, img_h)
    window = labels[sy:ey, sx:ex] == k
    window &= ~link_only[sy:ey, sx:ex]
    segmap = window.view(np.uint8)
    if niter > 0:
        kernel = kernels.get(niter)
        if kernel is None:
            kernel = kernels[niter] = cv2.getStructuringElement(cv2.MORPH_RECT, (1 + niter, 1 + niter))
        segmap = cv2.dilate(segmap, kernel)
    ys, xs = np.nonzero(segmap)
    points = np.empty((len(xs), 2), dtype=np.int32)
    points[:, 0] = xs + sx
    points[:, 1] = ys + sy
    return points


#: Character blobs of a tall box taller than wide by this range (height / width) are upright characters
#: stacked by the affinity map across rows (a form's column of one-character answers), not the
#: characters of vertical text, whose blobs are wider than tall or run together. Measured on the
#: default ``accurate`` model: stacked ``1``/``I``/``C``/``0`` blobs 1.7-2.9, the turned letters of
#: shared/cases/vertical_label.png 0.7-1.1 or one long run (tests/craft/test_stacked.py).
STACKED_BLOB_RATIO = (1.2, 3.5)
#: Region-score levels tried after ``low_text`` when a blob is too tall to be one character: with the
#: fp32 (and 7-bit int8) ``craft_mlt_25k`` maps, the region score between a column's rows (8 px apart at
#: 30 px type) stays above ``low_text`` 0.4 and three answers form one blob 5.5 times taller than wide;
#: at 0.5-0.7 they part (tests/test_read_page.py's one-character answers).
STACKED_SPLIT_LEVELS = (0.5, 0.6, 0.7)


def split_stacked(det: Detections, textmap: np.ndarray, low_text: float) -> Detections:
    """``det`` with each box of upright characters stacked from row to row cut into one box per character.

    CRAFT's affinity links two lone characters of consecutive rows (``1`` above ``I`` in a column of
    answers) as if they were one vertical word; the crop step then turns the tall box and reads "1 I"
    as one word. A box more than 1.5 times taller than wide whose region-score blobs (``textmap >
    low_text`` inside its component, or above the first of :data:`STACKED_SPLIT_LEVELS` that parts a
    blob too tall to be one character) number two or more and are each :data:`STACKED_BLOB_RATIO` taller
    than wide is replaced by one axis-aligned box per blob, grown by the official dilation size of the
    blob (``niter``), scored by the blob's mean region score, without a polygon. Other boxes are kept
    unchanged, in order; a split box's pieces share its ``mapper`` label.
    """
    if not len(det):
        return det
    lo, hi = STACKED_BLOB_RATIO
    img_h, img_w = textmap.shape
    boxes: list[np.ndarray] = []
    polys: list[np.ndarray | None] = []
    mapper: list[int] = []
    scores: list[float] = []
    changed = False
    for box, poly, k, score in zip(det.boxes, det.polys, det.mapper.tolist(), det.scores.tolist(), strict=True):
        x0, y0 = np.floor(box.min(axis=0)).astype(int)
        x1, y1 = np.ceil(box.max(axis=0)).astype(int) + 1
        pieces: list[tuple[np.ndarray, float]] = []
        if y1 - y0 > 1.5 * (x1 - x0):
            x0, y0 = max(x0, 0), max(y0, 0)
            x1, y1 = min(x1, img_w), min(y1, img_h)
            window = textmap[y0:y1, x0:x1]
            own = det.labels[y0:y1, x0:x1] == k
            for level in (low_text, *(t for t in STACKED_SPLIT_LEVELS if t > low_text)):
                chars = (own & (window > level)).astype(np.uint8)
                _, lab, stats, _ = cv2.connectedComponentsWithStats(chars, connectivity=4)
                ids = np.flatnonzero(stats[:, cv2.CC_STAT_AREA] >= 10)
                ids = ids[ids > 0]  # label 0: the background
                ratio = stats[ids, cv2.CC_STAT_HEIGHT] / np.maximum(stats[ids, cv2.CC_STAT_WIDTH], 1)
                if len(ids) >= 2 and np.all((ratio >= lo) & (ratio <= hi)):
                    break
                if not np.any(ratio > hi):
                    break  # no blob too tall to be one character: a higher level cannot make this a stack
            else:
                ids = ids[:0]
            if len(ids) >= 2 and np.all((ratio >= lo) & (ratio <= hi)):
                for blob_id in ids.tolist():
                    bx, by, bw, bh, size = stats[blob_id].tolist()
                    niter = int(math.sqrt(size * min(bw, bh) / (bw * bh)) * 2)
                    left, top = max(x0 + bx - niter, 0), max(y0 + by - niter, 0)
                    right, bottom = min(x0 + bx + bw + niter, img_w), min(y0 + by + bh + niter, img_h)
                    piece = np.array([[left, top], [right, top], [right, bottom], [left, bottom]], dtype=np.float32)
                    blob = window[by : by + bh, bx : bx + bw][lab[by : by + bh, bx : bx + bw] == blob_id]
                    pieces.append((piece, float(blob.mean())))
        if pieces:
            changed = True
            pieces.sort(key=lambda p: float(p[0][0, 1]))
            for (upper, _), (lower, _) in itertools.pairwise(pieces):
                # grown pieces of one stack must not overlap: a crop holding the foot of the character
                # above reads a lone 'I' as '1'; part them halfway through their overlap
                if upper[2, 1] > lower[0, 1]:
                    middle = (upper[2, 1] + lower[0, 1]) / 2
                    upper[2:, 1] = middle
                    lower[:2, 1] = middle
            for piece, piece_score in pieces:
                boxes.append(piece)
                polys.append(None)
                mapper.append(k)
                scores.append(piece_score)
        else:
            boxes.append(box)
            polys.append(poly)
            mapper.append(k)
            scores.append(score)
    if not changed:
        return det
    return Detections(
        boxes=np.stack(boxes).astype(np.float32),
        polys=polys,
        mapper=np.asarray(mapper, dtype=det.mapper.dtype),
        scores=np.asarray(scores, dtype=det.scores.dtype),
        labels=det.labels,
        n_labels=det.n_labels,
    )


def _warp_point(m_inv: np.ndarray, x: float, y: float) -> np.ndarray:
    out = np.matmul(m_inv, (x, y, 1))
    return np.array([out[0] / out[2], out[1] / out[2]])


def poly_for_box(box: np.ndarray, labels: np.ndarray, label: int) -> np.ndarray | None:
    """The official 14-point polygon of component ``label`` inside ``box``, or None where it builds none.

    Reproduces ``getPoly_core`` including its last-segment quirk (the final average goes to segment 10
    whatever segment the column scan ended in). Work is bounded by the box size.
    """
    w = int(np.linalg.norm(box[0] - box[1]) + 1)
    h = int(np.linalg.norm(box[1] - box[2]) + 1)
    if w < 10 or h < 10:
        return None
    target = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(box, target)
    word = cv2.warpPerspective(labels, m, (w, h), flags=cv2.INTER_NEAREST) == label
    try:
        m_inv = np.linalg.inv(m)
    except np.linalg.LinAlgError:
        return None

    # Top and bottom contour of every column with at least two pixels, vectorised over columns.
    counts = word.sum(axis=0)
    cols = np.flatnonzero(counts >= 2)
    tops = word.argmax(axis=0)[cols]
    bottoms = (h - 1 - word[::-1].argmax(axis=0))[cols]
    max_len = int((bottoms - tops + 1).max()) if len(cols) else -1
    if h * _MAX_LEN_RATIO < max_len:
        return None

    # Pivot points per segment: a sequential scan (the segment index lags when columns are empty), over
    # at most w columns, with plain Python numbers.
    seg_w = w / _TOT_SEG
    pivots: list[tuple[int, float] | None] = [None] * _NUM_CP
    sections: list[list[float]] = [[0, 0] for _ in range(_TOT_SEG)]
    seg_height = [0] * _NUM_CP
    seg_num = num_sec = 0
    prev_h = -1
    for x, sy, ey in zip(cols.tolist(), tops.tolist(), bottoms.tolist(), strict=True):
        if (seg_num + 1) * seg_w <= x and seg_num <= _TOT_SEG:
            if num_sec == 0:
                break
            sections[seg_num] = [sections[seg_num][0] / num_sec, sections[seg_num][1] / num_sec]
            num_sec = 0
            seg_num += 1
            prev_h = -1
        cy = (sy + ey) * 0.5
        cur_h = ey - sy + 1
        sections[seg_num] = [sections[seg_num][0] + x, sections[seg_num][1] + cy]
        num_sec += 1
        if seg_num % 2 == 0:
            continue
        if prev_h < cur_h:
            pivots[(seg_num - 1) // 2] = (x, cy)
            seg_height[(seg_num - 1) // 2] = cur_h
            prev_h = cur_h
    if num_sec != 0:
        # Official quirk: always the last section, not the one the scan stopped in.
        sections[-1] = [sections[-1][0] / num_sec, sections[-1][1] / num_sec]
    if any(p is None for p in pivots) or seg_w < max(seg_height) * 0.25:
        return None
    pp: list[tuple[int, float]] = pivots  # type: ignore[assignment]

    half_char_h = float(np.median(seg_height)) * _EXPAND_RATIO / 2
    new_pp: list[list[float]] = []
    for i, (x, cy) in enumerate(pp):
        dx = sections[i * 2 + 2][0] - sections[i * 2][0]
        dy = sections[i * 2 + 2][1] - sections[i * 2][1]
        if dx == 0:
            new_pp.append([x, cy - half_char_h, x, cy + half_char_h])
            continue
        rad = -math.atan2(dy, dx)
        c, s = half_char_h * math.cos(rad), half_char_h * math.sin(rad)
        new_pp.append([x - s, cy - c, x + s, cy + c])

    with np.errstate(divide="ignore", invalid="ignore"):
        grad_s = np.float64(pp[1][1] - pp[0][1]) / (pp[1][0] - pp[0][0]) + np.float64(pp[2][1] - pp[1][1]) / (
            pp[2][0] - pp[1][0]
        )
        grad_e = np.float64(pp[-2][1] - pp[-1][1]) / (pp[-2][0] - pp[-1][0]) + np.float64(pp[-3][1] - pp[-2][1]) / (
            pp[-3][0] - pp[-2][0]
        )

    # Push the end edges outwards until the edge line no longer touches the component (the last r is
    # always accepted, so both edges are always found).
    line_img = np.zeros(word.shape, dtype=np.uint8)
    first, last = np.array(new_pp[0]), np.array(new_pp[-1])
    spp = epp = None
    for r in _R_VALUES:
        dx = 2 * half_char_h * r
        last_try = r + 2 * _STEP_R >= _MAX_R
        if spp is None:
            dy = grad_s * dx
            p = first - np.array([dx, dy, dx, dy])
            if last_try or not _line_touches(line_img, word, p):
                spp = p
        if epp is None:
            dy = grad_e * dx
            p = last + np.array([dx, dy, dx, dy])
            if last_try or not _line_touches(line_img, word, p):
                epp = p
        if spp is not None and epp is not None:
            break
    assert spp is not None and epp is not None  # the last r always accepts

    points = [_warp_point(m_inv, spp[0], spp[1])]
    points += [_warp_point(m_inv, p[0], p[1]) for p in new_pp]
    points += [_warp_point(m_inv, epp[0], epp[1]), _warp_point(m_inv, epp[2], epp[3])]
    points += [_warp_point(m_inv, p[2], p[3]) for p in reversed(new_pp)]
    points.append(_warp_point(m_inv, spp[2], spp[3]))
    return np.array(points)


def _line_touches(buffer: np.ndarray, mask: np.ndarray, p: np.ndarray) -> bool:
    buffer.fill(0)
    cv2.line(buffer, (int(p[0]), int(p[1])), (int(p[2]), int(p[3])), 1, thickness=1)
    return bool(np.any(mask & buffer.view(bool)))


def adjust_coordinates(
    points: np.ndarray | Sequence[np.ndarray | None], ratio_w: float, ratio_h: float, ratio_net: float = 2
) -> list[np.ndarray | None] | np.ndarray:
    """Scale heatmap coordinates to image pixels, as official ``adjustResultCoordinates``.

    An (N, 4, 2) float32 box array stays float32 (the product is computed in float64, as numpy does for
    the official in-place multiply). A list of polygons may hold None entries, which are kept (the
    official code raises on numpy >= 1.24 for such lists; this returns what numpy < 1.24 gave).
    """
    scale = np.array([ratio_w * ratio_net, ratio_h * ratio_net], dtype=np.float64)
    if isinstance(points, np.ndarray):
        return (points.astype(np.float64) * scale).astype(points.dtype)
    return [
        None if p is None else (np.asarray(p, dtype=np.float64) * scale).astype(np.asarray(p).dtype) for p in points
    ]
