"""Rectified crops of curved text lines: a piecewise warp along the line's polygon.

A detector that outlines a curved line (``craft`` with its link refiner, ``db`` with ``box_type: poly``)
puts the outline in :attr:`Region.polygon`. Reading such a line through its bounding rectangle gives the
recognizer a bent line with the background between its arcs; this module straightens it instead.

Method: the polygon is split into its top and bottom edges (:func:`polygon_edges`), each edge is
resampled to ``N`` points at equal arc-length steps, and the crop pixel ``(x, y)`` takes the page point
``T(u) + v * (B(u) - T(u))`` with ``u = x / width`` and ``v = y / height`` inside the text (linear
extrapolation in the margin), where ``T`` and ``B`` are the edges as piecewise linear curves. The warp is
thus piecewise bilinear between consecutive pairs of fiducial points: the sampling of ABCNet's BezierAlign
(Liu et al., "ABCNet: Real-time Scene Text Spotting with Adaptive Bezier-Curve Network", CVPR 2020,
section 3.2) with polylines instead of Bezier curves, and the same fiducial layout as the thin-plate-spline
rectification of ASTER (Shi et al., "ASTER: An Attentional Scene Text Recognizer with Flexible
Rectification", TPAMI 2019, section 3.1: K control points on the top edge and K on the bottom edge). The
map from crop to page is explicit (no inverse to solve), so boxes found in the crop map back to the page
exactly (:meth:`CurveMap.map_points`).

Only lines that are really curved are rectified (:func:`curve_of_region`): a region without a polygon, or
whose outline's centre line stays within :data:`STRAIGHT_TOLERANCE` text heights of a straight line, keeps
the ordinary perspective crop of :mod:`ocrplug.crops`, unchanged. Everything here is numpy/OpenCV.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from ocrplug.model import Region

__all__ = [
    "ARCHED_TAG",
    "STRAIGHT_TOLERANCE",
    "CurveMap",
    "Rectified",
    "arched_lines",
    "curve_of_region",
    "polygon_edges",
    "rectify_region",
]

#: A polygon whose centre line departs from the chord between its ends by at most this many text heights
#: is treated as straight (the ordinary quad crop is used). An unclipped ``db`` outline of a straight line
#: wobbles by a few hundredths of its height; the arcs and waves of the synthetic set bend by 0.3 and more.
STRAIGHT_TOLERANCE = 0.2

# Contour resampling step, in text heights: fine enough to place the corners within an eighth of a height.
_STEP = 1 / 8


@dataclass(frozen=True)
class CurveMap:
    """The map from a rectified crop's pixel coordinates to page pixels.

    ``top`` / ``bottom``: (N, 2) float64 page points (N >= 2), the text's top and bottom edges resampled
    at equal arc-length steps in reading order; pair ``k`` lies at ``u = k / (N - 1)``. ``width`` /
    ``height``: the text's size in crop pixels; ``pad``: the margin in crop pixels on every side (the
    text occupies ``[pad, pad + width] x [pad, pad + height]`` of the crop).
    """

    top: np.ndarray
    bottom: np.ndarray
    width: float
    height: float
    pad: float

    def map_points(self, points: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
        """Page pixel coordinates (n, 2) of ``(n, 2)`` crop pixel coordinates (extrapolated outside the text)."""
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        u = (pts[:, 0] - self.pad) / self.width
        v = (pts[:, 1] - self.pad) / self.height
        return _surface(self.top, self.bottom, u, v)


@dataclass(frozen=True)
class Rectified:
    """A rectified crop before neighbour-ink clean-up (see :func:`ocrplug.crops.erase_neighbour_ink`).

    ``image``: the crop (the page's channels, uint8). ``inner``: the text's box in it (left, top, right,
    bottom, crop pixels). ``probe``: a gray view of the same warp with ``extra`` more rows above and below.
    ``curve``: the map back to the page.
    """

    image: np.ndarray
    inner: tuple[float, float, float, float]
    probe: np.ndarray
    extra: int
    curve: CurveMap


def _surface(top: np.ndarray, bottom: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``T(u) + v (B(u) - T(u))`` for piecewise linear ``T``, ``B`` (linear extrapolation past the ends)."""
    n = len(top)
    t = np.asarray(u, dtype=np.float64) * (n - 1)
    k = np.clip(np.floor(t), 0, n - 2).astype(np.int64)
    f = (t - k)[:, None]
    top_u = top[k] + f * (top[k + 1] - top[k])
    bottom_u = bottom[k] + f * (bottom[k + 1] - bottom[k])
    return top_u + np.asarray(v, dtype=np.float64)[:, None] * (bottom_u - top_u)


def _resample(points: np.ndarray, count: int, closed: bool = False) -> np.ndarray:
    """``count`` points at equal arc-length steps along a polyline (or a closed contour)."""
    pts = np.vstack([points, points[:1]]) if closed else points
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    arc = np.concatenate([[0.0], np.cumsum(seg)])
    total = arc[-1]
    at = np.linspace(0.0, total, count, endpoint=not closed)
    return np.stack([np.interp(at, arc, pts[:, 0]), np.interp(at, arc, pts[:, 1])], axis=1)


def _length(points: np.ndarray) -> float:
    return float(np.linalg.norm(np.diff(points, axis=0), axis=1).sum())


def _clockwise(points: np.ndarray) -> np.ndarray:
    # Positive shoelace sum with y down is clockwise on screen.
    area = np.sum(points[:, 0] * np.roll(points[:, 1], -1) - np.roll(points[:, 0], -1) * points[:, 1])
    return points if area > 0 else points[::-1]


def _band_height(points: np.ndarray) -> float:
    """Height of a band of area A and perimeter P: the smaller root of h^2 - (P/2) h + A = 0 (A = L h, P = 2 (L + h))."""
    closed = np.vstack([points, points[:1]])
    area = 0.5 * abs(float(np.sum(closed[:-1, 0] * closed[1:, 1] - closed[1:, 0] * closed[:-1, 1])))
    perimeter = _length(closed)
    disc = perimeter * perimeter / 4 - 4 * area
    return (perimeter / 2 - math.sqrt(disc)) / 2 if disc > 0 else math.sqrt(area)


def _end_index(dense: np.ndarray, near: int, outward: np.ndarray, reach: int, tol: float) -> int:
    """The middle of the contour's end cap around index ``near``: of the points within ``reach`` steps, those
    within ``tol`` pixels of the farthest one along ``outward``, averaged by index."""
    m = len(dense)
    offsets = np.arange(-reach, reach + 1)
    proj = dense[(near + offsets) % m] @ outward
    cap = offsets[proj >= proj.max() - tol]
    return round(float(near + cap.mean())) % m


def polygon_edges(
    polygon: np.ndarray | Sequence[Sequence[float]], direction: np.ndarray | Sequence[float]
) -> tuple[np.ndarray, np.ndarray] | None:
    """Split a text line's outline into its top and bottom edges, both in reading order.

    ``polygon``: (k, 2) page pixels (k >= 4, any winding). ``direction``: the reading direction (any
    length), e.g. the region quad's top edge. The outline is resampled densely; its two ends are the
    points farthest back and forth along ``direction``, each moved to the middle of its end cap as seen
    along the line's own direction there; the corners lie half a text height (estimated from the area and
    perimeter) from those middles along the contour. Going clockwise from the start end reaches the top
    edge first. Returns ``(top, bottom)``, each (N, 2) float64 at equal arc-length steps with
    ``N = clamp(2 * length / height + 1, 4, 64)``, or None for a degenerate outline (no area, ends too
    close to split).
    """
    pts = np.asarray(polygon, dtype=np.float64).reshape(-1, 2)
    d = np.asarray(direction, dtype=np.float64)
    if len(pts) < 4 or not np.all(np.isfinite(pts)) or np.linalg.norm(d) == 0:
        return None
    pts = _clockwise(pts)
    height = _band_height(pts)
    if not height > 0:
        return None
    perimeter = _length(np.vstack([pts, pts[:1]]))
    m = int(np.clip(math.ceil(perimeter / (height * _STEP)), 32, 4096))
    dense = _resample(pts, m, closed=True)
    step = perimeter / m
    d = d / np.linalg.norm(d)
    proj = dense @ d
    start, end = int(np.argmin(proj)), int(np.argmax(proj))
    reach = max(1, round(1.5 * height / step))
    tol = 0.15 * height
    # The line's own direction near each end (the edges' direction one to two heights in, which an end cap
    # met at a corner cannot bend) finds the middle of each cap.
    for _ in range(2):
        chains = _chains(dense, start, end, 0)
        if chains is None:
            return None
        t0 = _end_direction(chains, height, at_start=True)
        t1 = _end_direction(chains, height, at_start=False)
        start = _end_index(dense, start, -t0 if t0 is not None else -d, reach, tol)
        end = _end_index(dense, end, t1 if t1 is not None else d, reach, tol)
    corner = max(1, round(0.5 * height / step))
    first = _split(dense, start, end, corner, 2)
    if first is None:
        return None
    length = (_length(first[0]) + _length(first[1])) / 2
    count = int(np.clip(round(2 * length / height) + 1, 4, 64))
    return _split(dense, start, end, corner, count)


def _chains(dense: np.ndarray, start: int, end: int, corner: int) -> tuple[np.ndarray, np.ndarray] | None:
    """Top (start -> end clockwise) and bottom (end -> start, reversed) chains of the contour, ``corner``
    steps short of each end, both in reading order; None when a chain would be empty."""
    m = len(dense)
    forward = (end - start) % m
    backward = (start - end) % m
    if forward <= 2 * corner or backward <= 2 * corner:
        return None
    top = dense[(start + np.arange(corner, forward - corner + 1)) % m]
    bottom = dense[(end + np.arange(corner, backward - corner + 1)) % m][::-1]
    if len(top) < 2 or len(bottom) < 2 or _length(top) == 0 or _length(bottom) == 0:
        return None
    return top, bottom


def _split(dense: np.ndarray, start: int, end: int, corner: int, count: int) -> tuple[np.ndarray, np.ndarray] | None:
    """:func:`_chains` resampled to ``count`` points each."""
    chains = _chains(dense, start, end, corner)
    return None if chains is None else (_resample(chains[0], count), _resample(chains[1], count))


def _end_direction(chains: tuple[np.ndarray, np.ndarray], height: float, at_start: bool) -> np.ndarray | None:
    """Unit reading direction near one end: the mean direction of both chains from one to two text heights
    in from that end; None when the line is too short for that."""
    total = np.zeros(2)
    for chain in chains:
        pts = chain if at_start else chain[::-1]
        arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(pts, axis=0), axis=1))])
        if arc[-1] < 3 * height:
            return None
        a = np.array([np.interp(height, arc, pts[:, i]) for i in range(2)])
        b = np.array([np.interp(2 * height, arc, pts[:, i]) for i in range(2)])
        v = (b - a) if at_start else (a - b)
        norm = np.linalg.norm(v)
        if norm == 0:
            return None
        total += v / norm
    norm = np.linalg.norm(total)
    return total / norm if norm > 0 else None


def curve_of_region(region: Region) -> tuple[np.ndarray, np.ndarray] | None:
    """The top and bottom edges (see :func:`polygon_edges`) of a region that needs rectifying, else None.

    None for a region without a polygon (or one of 4 points or fewer), an outline that cannot be split,
    and a straight one: its centre line stays within :data:`STRAIGHT_TOLERANCE` text heights of the chord
    between its ends. The reading direction is the region quad's (top edge, then bottom edge).
    """
    if not region.polygon or len(region.polygon) <= 4:
        return None
    quad = np.asarray(region.quad, dtype=np.float64)
    edges = polygon_edges(region.polygon, (quad[1] - quad[0]) + (quad[2] - quad[3]))
    if edges is None:
        return None
    top, bottom = edges
    mid = (top + bottom) / 2
    height = float(np.mean(np.linalg.norm(bottom - top, axis=1)))
    chord = mid[-1] - mid[0]
    norm = float(np.linalg.norm(chord))
    if height <= 0 or norm == 0:
        return None
    rel = mid - mid[0]
    off = np.abs(rel[:, 0] * chord[1] - rel[:, 1] * chord[0]) / norm
    return edges if float(off.max()) > STRAIGHT_TOLERANCE * height else None


def rectify_region(
    image: np.ndarray,
    region: Region,
    margin: float,
    max_height: int,
    probe: float,
    gray: Callable[[np.ndarray], np.ndarray],
) -> Rectified | None:
    """The rectified crop of a curved ``region`` of ``image`` (H x W or H x W x C, uint8), or None when the
    region is not curved (:func:`curve_of_region`; the caller then uses its quad crop). ``gray``: turns
    the page into one 8-bit channel (H x W) for the probe view (called only for a curved region).

    ``margin``: context on every side as a fraction of the text height (as :attr:`CropOptions.margin`);
    ``max_height``: crops taller than this many pixels are scaled down (0: never); ``probe``: extra rows of
    the gray probe view above and below, as a fraction of the text height. Crop pixels whose page point
    falls outside the page take the median colour of the rest (no smeared edge pixels).
    """
    edges = curve_of_region(region)
    if edges is None:
        return None
    top, bottom = edges
    width = max((_length(top) + _length(bottom)) / 2, 1.0)
    height = max(float(np.mean(np.linalg.norm(bottom - top, axis=1))), 1.0)
    pad = margin * min(width, height)
    out_w, out_h = round(width + 2 * pad), round(height + 2 * pad)
    scale = 1.0
    if max_height and out_h > max_height and out_h <= out_w * 4:
        scale = max_height / out_h
    out_w, out_h = max(round(out_w * scale), 1), max(round(out_h * scale), 1)
    curve = CurveMap(top=top, bottom=bottom, width=width * scale, height=height * scale, pad=pad * scale)
    extra = max(1, round(probe * curve.height))
    xs, ys = np.meshgrid(np.arange(out_w, dtype=np.float64), np.arange(-extra, out_h + extra, dtype=np.float64))
    page_pts = curve.map_points(np.stack([xs.ravel(), ys.ravel()], axis=1))
    map_x = page_pts[:, 0].reshape(xs.shape).astype(np.float32)
    map_y = page_pts[:, 1].reshape(xs.shape).astype(np.float32)
    rows = slice(extra, extra + out_h)
    crop = cv2.remap(image, map_x[rows], map_y[rows], cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    h, w = image.shape[:2]
    inside = (map_x[rows] >= 0) & (map_x[rows] <= w - 1) & (map_y[rows] >= 0) & (map_y[rows] <= h - 1)
    if inside.any() and not inside.all():
        crop[~inside] = np.median(crop[inside], axis=0).astype(crop.dtype)
    view = cv2.remap(gray(image), map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    p = curve.pad
    return Rectified(image=crop, inner=(p, p, out_w - p, out_h - p), probe=view, extra=extra, curve=curve)


# Text on an arc that the detector missed (issue 24, A16: T15's ``arched.png``, "ST MARY'S PRIMARY SCHOOL" on
# a 600 px arc, 60 px bold). ``db``'s quad boxes score a kernel over its rotated rectangle, and an arched
# line's rectangle is mostly white: the kernel fails ``box_thresh`` and the line is dropped with no word.
# :func:`arched_lines` looks for it in the page's ink instead: ink components that no region covers
# (less than ``_ARC_COVERED`` of their pixels in any region's box), glyph-sized (their longer side
# ``_ARC_MIN_SIZE`` px or more, at most ``_ARC_MAX_ASPECT`` times their shorter side), link when their
# centres lie within ``_ARC_LINK`` times their mean longer side and their sizes within ``_ARC_SIZE_RATIO``
# of each other (a word's space included); a group of ``_ARC_MIN_GLYPHS`` or more whose centres lie on a
# circle (Kasa's algebraic fit; residual at most ``_ARC_RESIDUAL`` of the median size) and bend off their
# chord by ``_ARC_MIN_BEND`` sizes or more is a curved line. Where it turns through at most
# ``_ARC_MAX_TURN_DEG`` it is read as one line along the arc (an outline polygon for
# :func:`rectify_region`), left to right; a group that turns further is reported and not read. Measured by
# benchmarks/arched_text.py (docs/benchmarks.md "Steep lines in one box; arched lines found in the ink", A16).
_ARC_COVERED = 0.2
_ARC_MIN_SIZE = 8
_ARC_MAX_ASPECT = 4.0
_ARC_LINK = 2.0
_ARC_SIZE_RATIO = 2.5
_ARC_MIN_GLYPHS = 6
_ARC_RESIDUAL = 0.25
_ARC_MIN_BEND = 0.5
_ARC_MAX_TURN_DEG = 150.0

#: The attribute an arched line found in the ink carries (its turn in degrees).
ARCHED_TAG = "arched_turn_deg"


def _circle(points: np.ndarray) -> tuple[np.ndarray, float, float] | None:
    """(centre, radius, RMS residual) of the least-squares circle through ``points`` (N x 2; Kasa's fit:
    ``x^2 + y^2 + D x + E y + F = 0`` solved linearly), or None when the points are collinear."""
    x, y = points[:, 0], points[:, 1]
    a = np.stack([x, y, np.ones_like(x)], axis=1)
    b = -(x * x + y * y)
    sol, *_ = np.linalg.lstsq(a, b, rcond=None)
    centre = -sol[:2] / 2
    r2 = float(centre @ centre - sol[2])
    if not r2 > 0 or not np.all(np.isfinite(centre)):
        return None
    radius = math.sqrt(r2)
    resid = float(np.sqrt(np.mean((np.linalg.norm(points - centre, axis=1) - radius) ** 2)))
    return centre, radius, resid


def arched_lines(gray: np.ndarray, regions: Sequence[Region]) -> tuple[list[Region], list[str]]:
    """Curved lines of text in ``gray`` (H x W uint8, a page of text on paper) that ``regions`` (the
    detector's, page pixels) miss: one ``line`` region per gentle arc, with an outline ``polygon`` along it
    (read rectified, :func:`rectify_region`) and a quad along its chord, and a message per arc that turns too
    far to be read (see ``_ARC_MAX_TURN_DEG``). Empty on a page that is no text on paper
    (:func:`ocrplug.crops.paper_ink`) or whose ink all lies in ``regions``. Raises nothing."""
    from ocrplug.crops import paper_ink  # crops imports this module

    ink = paper_ink(gray)
    if ink is None:
        return [], []
    covered = np.zeros(ink.shape, dtype=np.uint8)
    for r in regions:
        outline = r.polygon if r.polygon and len(r.polygon) > 4 else r.quad
        cv2.fillPoly(covered, [np.round(np.asarray(outline, dtype=np.float64)).astype(np.int32)], 1)
    n, labels, stats, centres = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= _ARC_MIN_GLYPHS:
        return [], []
    inside = np.bincount(labels.ravel(), weights=covered.ravel(), minlength=n)
    area = stats[:, cv2.CC_STAT_AREA].astype(np.float64)
    w, h = stats[:, cv2.CC_STAT_WIDTH].astype(np.float64), stats[:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    size = np.maximum(w, h)
    cand = np.flatnonzero(
        (inside < _ARC_COVERED * area) & (size >= _ARC_MIN_SIZE) & (size <= _ARC_MAX_ASPECT * np.minimum(w, h))
        & (size <= 0.25 * min(gray.shape))
    )
    cand = cand[cand > 0]
    if len(cand) < _ARC_MIN_GLYPHS:
        return [], []
    c, s = centres[cand], size[cand]
    parent = np.arange(len(cand))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    for start in range(0, len(cand), 512):  # pairs in blocks of rows: memory stays small on busy pages
        rows = slice(start, start + 512)
        dist = np.linalg.norm(c[rows, None] - c[None], axis=2)
        ratio = np.maximum(s[rows, None], s[None]) / np.minimum(s[rows, None], s[None])
        link = (dist <= _ARC_LINK * 0.5 * (s[rows, None] + s[None])) & (ratio <= _ARC_SIZE_RATIO)
        for i, j in zip(*np.nonzero(link), strict=True):
            a, b = root(int(i) + start), root(int(j))
            if a != b:
                parent[b] = a
    roots = np.array([root(i) for i in range(len(cand))])
    lines: list[Region] = []
    notes: list[str] = []
    for g in np.unique(roots):
        members = np.flatnonzero(roots == g)
        if len(members) < _ARC_MIN_GLYPHS:
            continue
        pts = c[members]
        med = float(np.median(s[members]))
        fit = _circle(pts)
        if fit is None:
            continue
        centre, radius, resid = fit
        if resid > _ARC_RESIDUAL * med or radius < 2 * med:
            continue
        angles = np.arctan2(pts[:, 1] - centre[1], pts[:, 0] - centre[0])
        ref = math.atan2(*(pts.mean(axis=0) - centre)[::-1])
        rel = np.remainder(angles - ref + math.pi, 2 * math.pi) - math.pi
        turn = math.degrees(float(rel.max() - rel.min()))
        ends = pts[[int(rel.argmin()), int(rel.argmax())]]
        chord = ends[1] - ends[0]
        norm = float(np.linalg.norm(chord))
        if norm == 0:
            continue
        off = np.abs((pts - ends[0]) @ np.array([-chord[1], chord[0]])) / norm
        if float(off.max()) < _ARC_MIN_BEND * med:
            continue  # a straight run of glyphs: not this step's
        x0, y0 = pts.min(axis=0)
        if turn > _ARC_MAX_TURN_DEG:
            notes.append(f"text on an arc ({len(members)} glyphs near x {x0:.0f}, y {y0:.0f}) turns through "
                         f"{turn:.0f} degrees, more than {_ARC_MAX_TURN_DEG:.0f}: not read")
            continue
        # Reading left to right: from the end with the smaller x; the glyphs' tops face away from the centre
        # when the arc bows up (centre below its middle), towards it when it bows down.
        sense = 1.0 if ends[0][0] <= ends[1][0] else -1.0
        lo, hi = (rel.min(), rel.max()) if sense > 0 else (rel.max(), rel.min())
        ys, xs = np.nonzero(np.isin(labels, cand[members]))
        radial = np.hypot(xs + 0.5 - centre[0], ys + 0.5 - centre[1]) - radius
        inner, outer = float(np.percentile(radial, 1)), float(np.percentile(radial, 99))
        pad = 0.1 * (outer - inner)
        inner, outer = inner - pad, outer + pad
        grow = (0.5 * med) / radius * (1 if hi > lo else -1)
        steps = np.linspace(lo - grow, hi + grow, max(8, int(abs(hi - lo) * radius / med) + 2))
        up = float(np.mean(pts[:, 1])) < centre[1]
        top_r, bottom_r = (radius + outer, radius + inner) if up else (radius + inner, radius + outer)
        unit = np.stack([np.cos(steps + ref), np.sin(steps + ref)], axis=1)
        top = centre + unit * top_r
        bottom = centre + unit * bottom_r
        outline = np.vstack([top, bottom[::-1]])
        along = (top[-1] + bottom[-1] - top[0] - bottom[0]) / 2
        along /= np.linalg.norm(along)
        across = np.array([-along[1], along[0]])
        rel_o = outline - outline.mean(axis=0)
        a_, b_ = rel_o @ along, rel_o @ across
        m = outline.mean(axis=0)
        quad = [m + a_.min() * along + b_.min() * across, m + a_.max() * along + b_.min() * across,
                m + a_.max() * along + b_.max() * across, m + a_.min() * along + b_.max() * across]
        lines.append(Region(
            quad=tuple((float(p[0]), float(p[1])) for p in quad),  # type: ignore[arg-type]
            level="line",
            polygon=tuple((float(p[0]), float(p[1])) for p in outline),
            attributes={ARCHED_TAG: round(turn, 1)},
        ))
    return lines, notes
