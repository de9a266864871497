"""DB post-processing: probability map -> scored, unclipped text boxes (numpy/OpenCV only, no model).

Follows the procedure of "Real-time Scene Text Detection with Differentiable Binarization" (Liao et
al., 2020) as PP-OCR applies it: threshold the probability map, take the connected text kernels, score
each by its mean probability, drop weak ones, and grow ("unclip") the shrunk kernel back to the full
text extent by ``d = area * unclip_ratio / perimeter``.

Whole-map work is done once per map (thresholding, one contour pass, and in ``slow`` mode one labelling
and one weighted histogram for every kernel's mean), and the per-box arithmetic is vectorised over all
candidates (size filters, the closed-form unclipping of rectangles, corner ordering). The loops left
are OpenCV calls on one contour or one box's window crop each. All coordinates
returned are continuous map coordinates (pixel ``i`` spans ``[i, i + 1)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

__all__ = [
    "DbBox",
    "DbParams",
    "binarize",
    "boxes_from_prob",
    "mean_inside",
    "order_quads",
    "rect_corners",
    "unclip_polygon",
]

ScoreMode = Literal["fast", "slow"]
BoxType = Literal["quad", "poly"]


@dataclass(frozen=True)
class DbParams:
    """Post-processing settings, in probability units and map pixels.

    ``min_size`` is the shortest side (map pixels) a kernel must have before unclipping; the final box
    must be ``min_size + 2`` wide as in DB (the page-pixel filter is applied by the detector).
    ``lone_aspect`` (0: off, as in DB): a kernel whose rectangle is at most this many times longer than
    high (a lone character or a short number) is scored by the larger of its rectangle's mean and the
    mean over its own pixels, see :func:`boxes_from_prob`; with it on, a thin upright stroke on a text
    row is kept by its shape (:data:`STROKE_ASPECT`). ``speck_isolation`` (0: off, as in DB): a kept
    kernel no longer than :data:`SPECK_SIDE` with no other kept kernel within this many times its height
    is a speck and dropped. ``alone_rows`` (False: off, as in DB; the detector sets it on text on paper):
    with ``lone_aspect``, a short kernel alone on the page's first or last row at the page's text height
    (a page number) is re-scored as one on a text row is, and is no speck.
    """

    thresh: float = 0.3
    box_thresh: float = 0.6
    unclip_ratio: float = 1.5
    max_candidates: int = 1000
    use_dilation: bool = False
    score_mode: ScoreMode = "fast"
    box_type: BoxType = "quad"
    min_size: float = 3.0
    lone_aspect: float = 0.0
    speck_isolation: float = 0.0
    alone_rows: bool = False


@dataclass(frozen=True)
class DbBox:
    """One detected text box in map coordinates.

    ``quad``: 4 x 2 corners, clockwise on screen from the corner with the smallest ``x + y``.
    ``polygon``: the unclipped outline (k x 2, clockwise) in ``poly`` mode, else None.
    ``score``: mean text probability of the kernel (rectangle or outline, per ``score_mode``).
    """

    quad: np.ndarray
    polygon: np.ndarray | None
    score: float


def binarize(prob: np.ndarray, thresh: float, use_dilation: bool) -> np.ndarray:
    """Binary text-kernel mask (uint8 0/1) of a probability map; dilation joins kernels 1 px apart."""
    mask = (prob > thresh).astype(np.uint8)
    if use_dilation:
        mask = cv2.dilate(mask, np.ones((2, 2), np.uint8))
    return mask


def rect_corners(centres: np.ndarray, sizes: np.ndarray, angles_deg: np.ndarray) -> np.ndarray:
    """Corners (n x 4 x 2) of rotated rectangles given as OpenCV ``minAreaRect`` tuples, vectorised.

    Same convention as ``cv2.boxPoints``: the width runs along ``(cos a, sin a)``, the height along
    ``(-sin a, cos a)``.
    """
    theta = np.deg2rad(angles_deg)
    c, s = np.cos(theta), np.sin(theta)
    u = np.stack([c, s], axis=-1) * (sizes[:, :1] / 2)
    v = np.stack([-s, c], axis=-1) * (sizes[:, 1:2] / 2)
    signs = np.array([[-1, 1], [1, 1], [1, -1], [-1, -1]], dtype=np.float64)  # 4 corners
    return centres[:, None, :] + signs[None, :, :1] * u[:, None, :] + signs[None, :, 1:] * v[:, None, :]


def order_quads(quads: np.ndarray) -> np.ndarray:
    """Order each quad's corners clockwise on screen from the corner with the smallest ``x + y``.

    The vectorised counterpart of :func:`ocrplug.geometry.order_quad` for an ``n x 4 x 2`` array.
    """
    if len(quads) == 0:
        return quads.reshape(0, 4, 2)
    centre = quads.mean(axis=1, keepdims=True)
    # With y pointing down, increasing atan2 angle runs clockwise on screen.
    angles = np.arctan2(quads[..., 1] - centre[..., 1], quads[..., 0] - centre[..., 0])
    idx = np.argsort(angles, axis=1, kind="stable")
    ordered = np.take_along_axis(quads, idx[..., None], axis=1)
    start = np.argmin(ordered.sum(axis=2), axis=1)
    roll = (start[:, None] + np.arange(4)[None, :]) % 4
    return np.take_along_axis(ordered, roll[..., None], axis=1)


def _polygon_area_perimeter(polys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Area and perimeter of n polygons with the same vertex count (n x k x 2), vectorised."""
    nxt = np.roll(polys, -1, axis=1)
    cross = polys[..., 0] * nxt[..., 1] - nxt[..., 0] * polys[..., 1]
    area = np.abs(cross.sum(axis=1)) / 2
    perimeter = np.linalg.norm(nxt - polys, axis=2).sum(axis=1)
    return area, perimeter


def unclip_polygon(points: np.ndarray, ratio: float) -> np.ndarray | None:
    """Grow a polygon outwards by ``area * ratio / perimeter`` (pyclipper, round joins).

    Returns the grown outline (k x 2 float) or None when the polygon is degenerate or the offset splits
    it into several pieces.
    """
    import pyclipper

    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    area, perimeter = _polygon_area_perimeter(pts[None])
    if perimeter[0] <= 0 or area[0] <= 0:
        return None
    distance = area[0] * ratio / perimeter[0]
    offset = pyclipper.PyclipperOffset()
    # pyclipper works on integers: scale up so sub-pixel kernels keep their shape.
    scale = 16.0
    offset.AddPath(np.round(pts * scale).astype(np.int64).tolist(), pyclipper.JT_ROUND, pyclipper.ET_CLOSEDPOLYGON)
    grown = offset.Execute(distance * scale)
    if len(grown) != 1:
        return None
    return np.asarray(grown[0], dtype=np.float64) / scale


def _windows(polygons: list[np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
    """Integer bounding windows ``(x0, y0, x1, y1)`` of polygons, clipped to the map, all at once."""
    h, w = shape[:2]
    lo = np.array([p.min(axis=0) for p in polygons])
    hi = np.array([p.max(axis=0) for p in polygons])
    x0 = np.clip(np.floor(lo[:, 0]), 0, w - 1).astype(np.int64)
    y0 = np.clip(np.floor(lo[:, 1]), 0, h - 1).astype(np.int64)
    x1 = np.maximum(np.clip(np.ceil(hi[:, 0]), 0, w).astype(np.int64), x0 + 1)
    y1 = np.maximum(np.clip(np.ceil(hi[:, 1]), 0, h).astype(np.int64), y0 + 1)
    return np.stack([x0, y0, x1, y1], axis=1)


def mean_inside(prob: np.ndarray, polygons: list[np.ndarray]) -> np.ndarray:
    """Mean probability inside each polygon (continuous coordinates), each on its own window crop."""
    if not polygons:
        return np.zeros(0)
    windows = _windows(polygons, prob.shape)
    scores = np.zeros(len(polygons))
    for k, (poly, (x0, y0, x1, y1)) in enumerate(zip(polygons, windows.tolist(), strict=True)):
        mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
        # Back to pixel-index coordinates for the rasteriser.
        cv2.fillPoly(mask, [np.round(poly - (x0 + 0.5, y0 + 0.5)).astype(np.int32)], 1)
        scores[k] = cv2.mean(prob[y0:y1, x0:x1], mask)[0]
    return scores


def _clockwise(poly: np.ndarray) -> np.ndarray:
    """The polygon with clockwise-on-screen vertex order (positive shoelace sum with y down)."""
    nxt = np.roll(poly, -1, axis=0)
    if float((poly[:, 0] * nxt[:, 1] - nxt[:, 0] * poly[:, 1]).sum()) < 0:
        return poly[::-1].copy()
    return poly


def boxes_from_prob(prob: np.ndarray, params: DbParams) -> list[DbBox]:
    """Text boxes of one probability map (H x W float in [0, 1]), in map coordinates, unsorted."""
    if prob.ndim != 2:
        raise ValueError(f"expected a 2-D probability map, got shape {prob.shape}")
    prob = np.ascontiguousarray(prob, dtype=np.float32)
    mask = binarize(prob, params.thresh, params.use_dilation)
    # One external contour per 8-connected kernel (border following, far cheaper than labelling).
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return []
    # Cheap vectorised pre-filter before any per-kernel work: a kernel whose bounding box is thinner
    # than min_size is a speck or a thin rule, and its rotated box would fail the same test.
    bounds = np.array([cv2.boundingRect(c) for c in contours]).reshape(-1, 4)
    # Thin upright strokes (a lone ``l`` whose kernel is 2 px wide) go on to the lone-character rule.
    idx = np.flatnonzero((np.minimum(bounds[:, 2], bounds[:, 3]) >= params.min_size)
                         | (_stroke_shaped(bounds[:, 2], bounds[:, 3], params.min_size) & (params.lone_aspect > 0)))
    if len(idx) > params.max_candidates:
        # Keep the largest kernels: specks go first.
        areas = np.array([cv2.contourArea(contours[i]) for i in idx])
        idx = np.sort(idx[np.argsort(-areas, kind="stable")[: params.max_candidates]])
    if len(idx) == 0:
        return []
    kept = [contours[i].reshape(-1, 2) for i in idx]

    outline_scores = None
    if params.score_mode == "slow":
        # Mean probability over each kernel's own pixels (its exact outline), all kernels at once:
        # label the mask, sum per label, and find each contour's label at its first point.
        count, labels = cv2.connectedComponents(mask, connectivity=8, ltype=cv2.CV_32S)
        sums = np.bincount(labels.ravel(), weights=prob.ravel(), minlength=count)
        sizes = np.bincount(labels.ravel(), minlength=count)
        first = np.array([c[0] for c in kept])
        ids = labels[first[:, 1], first[:, 0]]
        outline_scores = sums[ids] / np.maximum(sizes[ids], 1)

    if params.box_type == "quad":
        return _quad_boxes(prob, kept, outline_scores, params)
    return _poly_boxes(prob, kept, outline_scores, params)


#: A kernel at least this many times taller (on the page) than wide is a thin upright stroke: a lone
#: ``I``, ``l``, ``1``, ``!``. On the row of a text line (:data:`LONE_ROW_HEIGHTS`) it is kept by its
#: shape, whatever its mean probability: the 300-dpi sans ``l`` of T4's label pages has a 2 x 13 px
#: kernel at 0.39 (the stroke's probability peaks at 0.45), a lone ``I`` 0.58, ``toc_leaders.png``'s ``1``
#: at ``max_side`` 1024 0.59, all under ``box_thresh``, while a speck's kernel is round. On
#: ``funsd_train`` / ``icdar2015_val`` (40 images each) no kernel failing ``box_thresh`` on a text row
#: was more than 1.8 times taller than wide (benchmarks/db_lone.py).
STROKE_ASPECT = 2.0
#: The narrowest stroke kernel kept (map pixels; DB's ``min_size`` floor is 3): a stroke must also be
#: at least three times ``min_size`` tall.
STROKE_MIN_WIDTH = 2
#: The longest side (map pixels, before unclipping) of a kernel the speck rule (``speck_isolation``)
#: may drop: the specks and dust that ``db`` keeps on T4's specks page and the blank-noise page
#: (benchmarks/read_page.py) have kernels of 3-9 px, the isolated text kernels of ``funsd_train`` /
#: ``icdar2015_val`` (40 images each) 22 px or more (benchmarks/db_lone.py).
SPECK_SIDE = 12.0
#: Small kernels closer than this many times a small kernel's height to it are a run of glyphs, not
#: specks (the specks T4's page kept lay 26 or more heights from each other).
SPECK_GROUP = 3.0
#: A small kernel on the page's first or last row, as high as the page's text, is no speck once the page
#: has at least this many larger kept kernels (text to measure against; the blank-noise and specks pages
#: have none), with ``DbParams.alone_rows``.
SPECK_TEXT_BOXES = 3


def _stroke_shaped(width: np.ndarray, height: np.ndarray, min_size: float) -> np.ndarray:
    """Whether kernels of these page-axis extents (map pixels) are thin upright strokes."""
    return (width >= STROKE_MIN_WIDTH) & (height >= STROKE_ASPECT * width) & (height >= 3 * min_size)


#: A lone kernel is re-scored only beside a text line: a kept box whose vertical extent holds the
#: kernel's centre and whose height is between these multiples of the kernel's (map pixels, before
#: unclipping). On ``funsd_train`` / ``icdar2015_val`` the re-scored kernels without such a neighbour
#: were specks, stamps and dust, and on the blank-noise page every one was (benchmarks/db_lone.py).
LONE_ROW_HEIGHTS = (0.6, 2.5)
#: A lone kernel taller than its row's text (a handwritten capital answer in a box right of a printed
#: question) is re-scored beside a row down to this many times its height (not ``LONE_ROW_HEIGHTS[0]``)
#: when it holds the row's band (the band's centre within its extent): DB's kernel of a printed line
#: spans its x-height band, so T10's boxed ``A`` (Comic Neue 52 px beside DejaVu Sans 32 px) has a 27 map px
#: kernel centred below a 13 px row, 0.48 (0.59 over its rectangle, 0.86 over its own pixels). Such a glyph
#: is never kept by its shape (a tall stroke beside small text may be a rule's piece).
#: ``python benchmarks/boxed_answers.py`` (24 drawn quiz pages, 144 boxed answers, 96 ticks in boxes):
#: answers boxed 113 with the rule off, 118 at 0.4 and 119 at 0.3 (with :data:`LONE_TALL_SCORE`), ticks
#: boxed 4 either way; ``python benchmarks/db_lone.py --tall`` (funsd_train / icdar2015_val, 40 images
#: each, blank-noise and specks pages): 2 boxes added with ``fast``'s maps, 1 with ``swift``'s, each on a GT
#: word, 0.3 and 0.4 alike; 0.4 is taken (docs/benchmarks.md "Boxed answers, captions' last letters").
LONE_TALL_ROW = 0.4
#: Such a taller glyph is kept only when its kernel's own mean reaches this: a check mark drawn in a box
#: beside a statement is as tall (T10's ticks: 0.68-0.74 over their own pixels) and its box is read as
#: junk (``\u300d``, ``\u4e2a``, ``L``). On benchmarks/boxed_answers.py's pages 0.7, 0.75, 0.8 and 0.85 box
#: 121, 118, 118 and 118 answers and 27, 26, 15 and 4 ticks (4 with the rule off).
LONE_TALL_SCORE = 0.85
#: With ``DbParams.alone_rows`` (the detector sets it on text on paper) a short kernel alone on the page's
#: first or last row (no kept box's vertical extent holds its centre and every kept box lies below, or
#: every one above it: a page number ``- 2 -`` centred at a page's foot) is re-scored too when its
#: height is text's: the page's median kept box is :data:`LONE_ROW_HEIGHTS` times as high as it. T9's
#: ``- 2 -`` (8.5 pt, 300 dpi, ``max_side`` 2000) scores 0.57 over its rectangle and 0.67 over its own
#: pixels. On ``funsd_train`` / ``icdar2015_val`` (40 images each) the rule adds no box on a form and none
#: on the blank-noise and specks pages; on the scene photos of ``icdar2015_val`` (no paper: the detector
#: leaves it off there) it would add 3 with ``fast``'s maps (1 false) and 4 with ``swift``'s (3 false);
#: a kernel alone on any row instead: 11 with ``fast``'s, 4 on GT words (benchmarks/db_lone.py
#: ``--alone``; docs/benchmarks.md "List numbers, page numbers and superscripts (issue 24, F10)").


def _lone_scores(prob: np.ndarray, contours: list[np.ndarray], corners: np.ndarray, sizes: np.ndarray,
                 scores: np.ndarray, params: DbParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rectangle scores, raised to the kernel's own mean for lone characters that fail ``box_thresh``;
    which kernels are kept by their shape (thin upright strokes on a text row, :data:`STROKE_ASPECT`);
    and for those, the vertical extent (top, bottom; map pixels, n x 2, NaN for the others) of the
    nearest kept box on their row.

    A thin glyph (``1``, ``I``, ``7``) fills little of its rotated rectangle, and DB's ramp of
    probability at the kernel's edge weighs most in a small rectangle: a lone ``1`` of a table of
    contents scores 0.60 and a ``7`` 0.54 over the rectangle, 0.73 and 0.69 over their own pixels, while
    the specks of a noisy page stay at 0.30-0.45 over theirs (default model, docs/db.md "Lone
    characters"). A candidate is a kernel at most ``lone_aspect`` times longer than high that fails
    ``box_thresh``, on the row of a kept box (:data:`LONE_ROW_HEIGHTS`); each costs one window. A
    candidate at least :data:`STROKE_ASPECT` times taller than wide is kept whatever its mean (its score
    is then its own mean, which may be under ``box_thresh``).
    """
    top, bottom = corners[..., 1].min(axis=1), corners[..., 1].max(axis=1)
    # Short along the row: a tall narrow kernel (a lone ``I``, ``l``, ``i``, ``!``) is one glyph however
    # thin, so only the kernel's width on the page counts against ``lone_aspect``.
    across = corners[..., 0].max(axis=1) - corners[..., 0].min(axis=1)
    weak = (across <= params.lone_aspect * (bottom - top)) & (scores < params.box_thresh)
    strong = scores >= params.box_thresh
    sure = np.zeros(len(scores), bool)
    rows = np.full((len(scores), 2), np.nan)
    if not weak.any() or not strong.any():
        return scores, sure, rows
    lo, hi = LONE_ROW_HEIGHTS
    st, sb = top[strong], bottom[strong]
    sl, sr = corners[strong][..., 0].min(axis=1), corners[strong][..., 0].max(axis=1)
    left, right = corners[..., 0].min(axis=1), corners[..., 0].max(axis=1)
    text_height = float(np.median(sb - st))
    cand, alone, taller = [], [], []
    for i in np.flatnonzero(weak):
        centre, height = (top[i] + bottom[i]) / 2, max(bottom[i] - top[i], 1e-6)
        ratio = (sb - st) / height
        crossing = (st <= centre) & (centre <= sb)
        # A glyph taller than its row's text holds the row's band (the band's centre within its extent).
        tall = (ratio >= LONE_TALL_ROW) & (ratio < lo) & (top[i] <= (st + sb) / 2) & ((st + sb) / 2 <= bottom[i])
        on_row = (crossing & (ratio >= lo) & (ratio <= hi)) | tall
        if np.any(on_row):
            cand.append(i)
            gap = np.where(on_row, np.maximum(np.maximum(sl - right[i], left[i] - sr), 0), np.inf)
            k = int(np.argmin(gap))
            rows[i] = (st[k], sb[k])
            if not np.any(on_row & ~tall):
                taller.append(len(cand) - 1)
        elif (params.alone_rows and not crossing.any() and lo <= text_height / height <= hi
              and (centre > sb.max() or centre < st.min())):
            cand.append(i)
            alone.append(len(cand) - 1)
    if not cand:
        return scores, sure, rows
    own = mean_inside(prob, [contours[i].astype(np.float64) + 0.5 for i in cand])
    out = scores.copy()
    out[cand] = np.maximum(scores[cand], own)
    for j in taller:  # beside shorter text only: its own mean must be a letter's (a tick's is lower)
        out[cand[j]] = own[j] if own[j] >= LONE_TALL_SCORE else scores[cand[j]]
    # The rectangle runs through the outer pixels' centres: one pixel less than the kernel's extent.
    sure[cand] = _stroke_shaped(across[cand] + 1, bottom[cand] - top[cand] + 1, params.min_size)
    # A stroke's shape is evidence on a text row of its height only (a tall stroke beside small text may be a rule).
    sure[[cand[j] for j in alone + taller]] = False
    rows[~sure] = np.nan
    return out, sure, rows


def _specks(
    corners: np.ndarray, kept: np.ndarray, isolation: float, shape: tuple[int, ...], alone_rows: bool = False
) -> np.ndarray:
    """Which kept kernels (rotated rectangles, n x 4 x 2 map pixels, on a map of ``shape``) are specks: no
    longer than :data:`SPECK_SIDE`, their height or more from the map's edge (a word cut by the frame
    goes on beyond it),
    with no larger kept kernel within ``isolation`` times their height and no other small one within
    :data:`SPECK_GROUP` times it (the gap between page-axis boxes) and not on the row of a larger one
    (:data:`LONE_ROW_HEIGHTS`, as for lone characters): scattered specks fall, a run of small glyphs
    (``1 2 3``, ``- 7 -``) stands, and so does a one-character answer far right of its label (``Rate: %``
    at 10 pt, 300 dpi, ``max_side`` 1024: a 7-9 px kernel 25-60 heights from ``Rate:``), and so does a
    kernel below (or above) every larger one, as high as they are (median, :data:`LONE_ROW_HEIGHTS`), on a
    page with :data:`SPECK_TEXT_BOXES` or more of them, with ``alone_rows``: a page number (:data:`LONE_ROW_HEIGHTS`)."""
    lo, hi = corners.min(axis=1), corners.max(axis=1)
    extent = hi - lo
    margin = extent[:, 1]  # one kernel height from every edge
    inner = (lo.min(axis=1) > margin) & (hi[:, 0] < shape[1] - margin) & (hi[:, 1] < shape[0] - margin)
    small = kept & (extent.max(axis=1) <= SPECK_SIDE) & inner
    large = kept & ~small
    out = np.zeros(len(corners), bool)
    row_lo, row_hi = LONE_ROW_HEIGHTS
    # The page's first or last row, text-high (alone_rows): a page number, not a speck (swift's map of T9's
    # ``- 2 -`` at max_side 1024: a 12 x 5 px kernel scoring 0.71, 60 of its heights below the notes).
    edge = np.zeros(len(corners), bool)
    if alone_rows and large.sum() >= SPECK_TEXT_BOXES:
        centre = (lo[:, 1] + hi[:, 1]) / 2
        ratio = float(np.median(extent[large, 1])) / np.maximum(extent[:, 1], 1.0)
        edge = ((centre > hi[large, 1].max()) | (centre < lo[large, 1].min())) & (ratio >= row_lo) & (ratio <= row_hi)
    for i in np.flatnonzero(small):
        gap = np.maximum(np.maximum(lo - hi[i], lo[i] - hi), 0)
        distance = np.hypot(gap[:, 0], gap[:, 1]) / max(extent[i, 1], 1.0)
        distance[i] = np.inf
        centre, ratio = (lo[i, 1] + hi[i, 1]) / 2, extent[:, 1] / max(extent[i, 1], 1.0)
        on_row = large & (lo[:, 1] <= centre) & (centre <= hi[:, 1]) & (ratio >= row_lo) & (ratio <= row_hi)
        out[i] = not (
            np.any(large & (distance <= isolation)) or np.any(small & (distance <= SPECK_GROUP)) or np.any(on_row)
            or edge[i]
        )
    return out


def _quad_boxes(
    prob: np.ndarray, contours: list[np.ndarray], outline_scores: np.ndarray | None, params: DbParams
) -> list[DbBox]:
    rects = [cv2.minAreaRect(c) for c in contours]
    # Pixel indices -> continuous coordinates (pixel centres at +0.5).
    centres = np.array([r[0] for r in rects], dtype=np.float64) + 0.5
    sizes = np.array([r[1] for r in rects], dtype=np.float64)
    angles = np.array([r[2] for r in rects], dtype=np.float64)
    keep = sizes.min(axis=1) >= params.min_size
    if params.lone_aspect > 0:
        bounds = np.array([cv2.boundingRect(c.reshape(-1, 1, 2)) for c in contours]).reshape(-1, 4)
        keep |= _stroke_shaped(bounds[:, 2], bounds[:, 3], params.min_size)
    centres, sizes, angles = centres[keep], sizes[keep], angles[keep]
    if len(centres) == 0:
        return []
    corners = rect_corners(centres, sizes, angles)
    sure = np.zeros(len(centres), bool)
    if outline_scores is None:
        scores = mean_inside(prob, list(corners))
        if params.lone_aspect > 0:
            kept = [c for c, k in zip(contours, keep, strict=True) if k]
            scores, sure, rows = _lone_scores(prob, kept, corners, sizes, scores, params)
            if sure.any():
                # A faint stroke's kernel covers the middle of the glyph only (a 300-dpi ``l``: 13 of its
                # 33 px): its box spans its row's kernel from top to bottom, upright, at its own width.
                # (The rectangles run through the outer pixels' centres: half a pixel more each side.)
                x0, x1 = corners[sure][..., 0].min(axis=1) - 0.5, corners[sure][..., 0].max(axis=1) + 0.5
                y0 = np.minimum(corners[sure][..., 1].min(axis=1), rows[sure, 0])
                y1 = np.maximum(corners[sure][..., 1].max(axis=1), rows[sure, 1])
                centres[sure] = np.stack([(x0 + x1) / 2, (y0 + y1) / 2], axis=1)
                sizes[sure] = np.stack([x1 - x0, y1 - y0], axis=1)
                angles[sure] = 0.0
    else:
        scores = outline_scores[keep]
    # Kernels under DB's size floor were let through for the stroke rule only.
    strong = ((scores >= params.box_thresh) & (sizes.min(axis=1) >= params.min_size)) | sure
    if params.speck_isolation > 0:
        strong &= ~_specks(corners, strong, params.speck_isolation, prob.shape, params.alone_rows)
    sure = sure[strong]
    centres, sizes, angles, scores = centres[strong], sizes[strong], angles[strong], scores[strong]
    if len(centres) == 0:
        return []
    # Unclipping a rectangle by d with round joins and taking the minimum-area rectangle of the result
    # (what DB does through pyclipper) gives the same rectangle grown by d on every side: do it in closed
    # form for all boxes at once.
    area = sizes[:, 0] * sizes[:, 1]
    perimeter = 2 * (sizes[:, 0] + sizes[:, 1])
    distance = area * params.unclip_ratio / np.maximum(perimeter, 1e-6)
    grown = sizes + 2 * distance[:, None]
    # A kept stroke may stay under DB's final size floor (a 2 px kernel grows to 4-5 px), not under min_size.
    big = (grown.min(axis=1) >= params.min_size + 2) | (sure & (grown.min(axis=1) >= params.min_size))
    quads = order_quads(rect_corners(centres[big], grown[big], angles[big]))
    quads, kept_scores = join_column_ends(quads, scores[big])
    return [DbBox(quad=q, polygon=None, score=float(s)) for q, s in zip(quads, kept_scores, strict=True)]


#: A vertical line (a box at least this many times taller than wide, upright on the map) ...
COLUMN_ASPECT = 3.0
#: ... takes a glyph-sized box at one of its ends (at most :data:`COLUMN_PIECE_LENGTH` times as tall as
#: wide, its width 0.5-1.2 of the line's, the two overlapping across by half the piece's width or more)
#: when the gap between them along the column is at most this many times the line's width. DB's map,
#: trained on level text, bridges a level line's word spaces but not always a turned one's: T10's
#: ``spines.png`` read upright (turned 270 degrees) boxes the caption ``Shelf 4 - Fiction A to F`` as a
#: vertical line and its last ``F`` apart (the boxes overlap by 3 px), which was then read alone, out of
#: its line. ``python benchmarks/turned_captions.py`` (12 drawn shelf pages turned upright): captions
#: keeping their last letter 9 with the join off, 11 at 0, 12 at 0.25 and 0.5; ``python
#: benchmarks/db_lone.py --columns`` (funsd_train / icdar2015_val, 40 images each): no box joined at 0.25,
#: 0.5 or 1.0. 0.25 held every drawn caption but joined a bar chart's value and category labels to their
#: bars (a bar is a box 3+ times taller than wide too; its labels stand 0.1-0.2 bar widths off it in
#: ``tests/test_solid_fills.py``'s charts), and the bar and its label were then dropped together as a
#: solid fill: 0 (the boxes touch or overlap, as a line's own pieces do) keeps 11 of 12 captions and every
#: label set off its bar (docs/db.md "A glyph at a vertical line's end", docs/benchmarks.md "Boxed
#: answers, captions' last letters" and "Session 11's merges together").
COLUMN_GAP = 0.0
COLUMN_PIECE_LENGTH = 1.5


def join_column_ends(quads: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Boxes (n x 4 x 2 map pixels, corners as :func:`order_quads`) and scores with each glyph-sized box at a
    vertical line's end joined to that line (:data:`COLUMN_ASPECT`, :data:`COLUMN_GAP`): the line's box
    becomes the upright rectangle around both, the piece's box is dropped. Other boxes are returned as they
    are, in their order; the line keeps its score."""
    if len(quads) < 2:
        return quads, scores
    lo, hi = quads.min(axis=1), quads.max(axis=1)
    ext = hi - lo
    sides = np.linalg.norm(quads - np.roll(quads, -1, axis=1), axis=2)
    # Upright: the rotated rectangle's own sides are its page-axis extents (within a pixel).
    upright = np.abs(np.maximum(sides[:, 0], sides[:, 1]) - ext.max(axis=1)) <= 1.0
    column = upright & (ext[:, 1] >= COLUMN_ASPECT * ext[:, 0])
    piece = ~column & (ext[:, 1] <= COLUMN_PIECE_LENGTH * ext[:, 0])
    if not column.any() or not piece.any():
        return quads, scores
    lo, hi = lo.copy(), hi.copy()
    dropped = np.zeros(len(quads), bool)
    grown = np.zeros(len(quads), bool)
    for c in np.flatnonzero(column):
        width = ext[c, 0]
        for p in np.flatnonzero(piece & ~dropped):
            across = min(hi[c, 0], hi[p, 0]) - max(lo[c, 0], lo[p, 0])
            gap = max(lo[c, 1] - hi[p, 1], lo[p, 1] - hi[c, 1])
            if (0.5 * width <= ext[p, 0] <= 1.2 * width and across >= 0.5 * ext[p, 0]
                    and gap <= COLUMN_GAP * width and not (lo[p, 1] >= lo[c, 1] and hi[p, 1] <= hi[c, 1])):
                lo[c], hi[c] = np.minimum(lo[c], lo[p]), np.maximum(hi[c], hi[p])
                dropped[p], grown[c] = True, True
    if not dropped.any():
        return quads, scores
    out = quads.copy()
    for c in np.flatnonzero(grown):
        (x0, y0), (x1, y1) = lo[c], hi[c]
        out[c] = [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]
    return out[~dropped], scores[~dropped]


def _poly_boxes(
    prob: np.ndarray, contours: list[np.ndarray], outline_scores: np.ndarray | None, params: DbParams
) -> list[DbBox]:
    out: list[DbBox] = []
    for k, contour in enumerate(contours):
        epsilon = 0.002 * cv2.arcLength(contour.reshape(-1, 1, 2), True)
        approx = cv2.approxPolyDP(contour.reshape(-1, 1, 2), epsilon, True).reshape(-1, 2).astype(np.float64) + 0.5
        if len(approx) < 4:
            continue
        score = float(mean_inside(prob, [approx])[0]) if outline_scores is None else float(outline_scores[k])
        if score < params.box_thresh:
            continue
        grown = unclip_polygon(approx, params.unclip_ratio)
        if grown is None or len(grown) < 3:
            continue
        (cx, cy), (w, h), angle = cv2.minAreaRect(grown.astype(np.float32))
        if min(w, h) < params.min_size + 2:
            continue
        quad = order_quads(rect_corners(np.array([[cx, cy]]), np.array([[w, h]]), np.array([angle])))[0]
        out.append(DbBox(quad=quad, polygon=_clockwise(grown), score=score))
    return out
