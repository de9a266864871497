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
    "STRAIGHT_TOLERANCE",
    "CurveMap",
    "Rectified",
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
