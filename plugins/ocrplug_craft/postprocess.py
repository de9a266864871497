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

from ocrplug.api import paper_ink

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
) -> Detections:
    """Word boxes (and polygons when ``poly``) from the region and affinity maps, as official ``getDetBoxes``."""
    if textmap.shape != linkmap.shape or textmap.ndim != 2:
        raise ValueError(f"textmap and linkmap must be 2-D maps of one shape, got {textmap.shape} and {linkmap.shape}")
    img_h, img_w = textmap.shape
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

    boxes = np.empty((len(mapper), 4, 2), dtype=np.float32)
    kernels: dict[int, np.ndarray] = {}
    for i, k in enumerate(mapper.tolist()):
        x, y, w, h, size = (int(v) for v in stats[k])
        # Python ints: the official int32 product can overflow on huge components; ours cannot.
        niter = int(math.sqrt(size * min(w, h) / (w * h)) * 2)
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

    polys: list[np.ndarray | None]
    if poly:
        polys = [poly_for_box(box, labels, int(k)) for box, k in zip(boxes, mapper, strict=True)]
    else:
        polys = [None] * len(mapper)
    return Detections(
        boxes=boxes, polys=polys, mapper=mapper, scores=comp_mean[mapper], labels=labels, n_labels=int(n_labels)
    )


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


def _root(group: np.ndarray, i: int) -> int:
    while group[i] != i:
        i = group[i]
    return int(i)


def find_lone_glyphs(gray: np.ndarray, boxes: np.ndarray) -> list[np.ndarray]:
    """Boxes (4 x 2, page pixels, clockwise from top-left) of lone glyphs beside the found words.

    ``gray``: the page (H x W uint8); ``boxes``: the word boxes found (N x 4 x 2, page pixels). Only
    text on paper is looked at (:func:`ocrplug.api.paper_ink`; photos and dark scans return nothing). Ink is
    the pixels darker than the page's Otsu threshold, less straight runs longer than 2.5 median word
    heights (ruling lines: a table cell's frame, so an answer in a ruled cell stands alone); a candidate
    is one 8-connected component that no found box holds (its centre outside every box), at least
    ``_MIN_GLYPH_PX`` tall and at most :data:`LONE_GLYPH_WIDTH` times as wide as tall (one glyph, not a
    word), around which (:data:`LONE_GLYPH_CLEAR` of its height on every side) there is no other ink but
    marks under :data:`_DOT_SHARE` of its own, whose centre lies in the vertical extent of a found,
    nearly level word whose box it is :data:`LONE_GLYPH_HEIGHTS` as tall as (the row evidence of
    docs/db.md "Lone characters": on the blank-noise page nothing is found, so nothing is added). A
    stroke that touches a ruling line, or a thin one (``_THIN_ASPECT`` times taller than wide) with
    another stroke straight above or below it (within 1.5 times its height), is a piece of a rule and is
    left out. The box is the glyph's (with its dot) grown by a tenth of its height on every side.
    """
    if not len(boxes):
        return []
    h_img, w_img = gray.shape
    page_ink = paper_ink(gray)
    if page_ink is None:  # a photo or a dark scan, not text on paper: its "ink" is half the scene
        return []
    ink = page_ink * np.uint8(255)
    lo_b, hi_b = boxes.min(axis=1), boxes.max(axis=1)
    bh = hi_b[:, 1] - lo_b[:, 1]
    # Ruling lines (a table cell's) are taken out of the ink first: runs longer than RULE_HEIGHTS word heights.
    run = max(round(_RULE_HEIGHTS * float(np.median(bh))), _MIN_GLYPH_PX)
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1)))
    rules |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, run)))
    ink = ink & ~rules
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    # Candidates: one component, or the pieces of one glyph stacked in a column (``%``, ``÷``, ``;``).
    cand = [[c] for c in (np.flatnonzero((h >= _MIN_GLYPH_PX) & (w <= LONE_GLYPH_WIDTH * h)) + 1).tolist()]
    cand += [g for g in _stacked_pieces(stats, lo_b, hi_b) if _glyph_shaped(_union(stats, g))]
    if not cand:
        return []
    # Every stroke taller than wide (a thin candidate's possible continuations), by centre.
    tall_id = np.flatnonzero((h >= _MIN_GLYPH_PX // 2) & (h >= 1.5 * w)) + 1
    tall_x = stats[tall_id, cv2.CC_STAT_LEFT] + stats[tall_id, cv2.CC_STAT_WIDTH] / 2
    tall_y = stats[tall_id, cv2.CC_STAT_TOP] + stats[tall_id, cv2.CC_STAT_HEIGHT] / 2
    # Nearly level words only: the top edge within _LEVEL_DEG of the page's horizontal (a short word
    # with a descender, ``Page:``, gets a box tilted by a few degrees).
    top = boxes[:, 1] - boxes[:, 0]
    tilt = np.degrees(np.abs(np.arctan2(top[:, 1], top[:, 0])))
    level = np.minimum(tilt, 180 - tilt) <= _LEVEL_DEG
    lo_h, hi_h = LONE_GLYPH_HEIGHTS
    out = []
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
        gcy = (gy0 + gy1) / 2
        row = level & (lo_b[:, 1] <= gcy) & (gcy <= hi_b[:, 1]) & (gh >= lo_h * bh) & (gh <= hi_h * bh)
        if not row.any():
            continue
        grow = 0.1 * gh
        box = np.array([[gx0 - grow, gy0 - grow], [gx1 + grow, gy0 - grow], [gx1 + grow, gy1 + grow],
                        [gx0 - grow, gy1 + grow]], dtype=np.float32)
        out.append(np.clip(box, 0, [w_img, h_img]))
        taken.update(members)
        taken.update(others[above_below].tolist())
    return out
