"""Geometry helpers shared by detectors, recognizers, renderers and evaluation.

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
    "reading_order",
    "scale_quad",
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


def scale_quad(quad: Quad, sx: float, sy: float | None = None) -> Quad:
    """Scale a quad's coordinates (e.g. from a resized image back to page pixels)."""
    sy = sx if sy is None else sy
    return tuple((x * sx, y * sy) for x, y in quad)  # type: ignore[return-value]


def _circular_median(angles: np.ndarray) -> float:
    return float(np.arctan2(np.median(np.sin(angles)), np.median(np.cos(angles))))


def reading_order(regions: Sequence[Region], line_overlap: float = 0.5, column_gap: float = 1.2) -> list[Region]:
    """Sort regions in reading order and renumber ``order``: columns first, then rows, then left to right.

    Works in the frame of the dominant text angle (centres rotated by minus that angle), so rotated
    pages read correctly. The layout is split recursively at its widest whitespace gap (XY-cut): a
    horizontal gap separates bands (a title above two columns), a vertical gap of at least
    ``column_gap`` times the median text height separates columns, which are then read one after the
    other. Inside a block without such gaps, regions whose centres differ by less than
    ``line_overlap`` times the smaller height share a row, and rows read left to right.
    """
    if not regions:
        return []
    quads = np.asarray([r.quad for r in regions], dtype=np.float64)  # (n, 4, 2)
    top = (quads[:, 1] - quads[:, 0]) + (quads[:, 2] - quads[:, 3])
    angle = _circular_median(np.arctan2(top[:, 1], top[:, 0]))
    c, s = math.cos(-angle), math.sin(-angle)
    rot = np.array([[c, -s], [s, c]])
    pts = quads @ rot.T
    boxes = np.concatenate([pts.min(axis=1), pts.max(axis=1)], axis=1)  # x0, y0, x1, y1 in the text frame
    heights = np.maximum(
        (np.linalg.norm(quads[:, 3] - quads[:, 0], axis=1) + np.linalg.norm(quads[:, 2] - quads[:, 1], axis=1)) / 2,
        1.0,
    )
    min_col_gap = column_gap * float(np.median(heights))
    order = _xy_cut(np.arange(len(regions)), boxes, heights, min_col_gap, line_overlap)
    ordered = [regions[i] for i in order]
    return [r if r.order == k else r.with_(order=k) for k, r in enumerate(ordered)]


_MIN_COLUMN_SHARE = 0.25


def _gaps(lo: np.ndarray, hi: np.ndarray) -> list[tuple[float, float]]:
    """Whitespace gaps ``(start, width)`` in the union of the intervals [lo, hi]."""
    idx = np.argsort(lo, kind="stable")
    reach = np.maximum.accumulate(hi[idx])
    starts = lo[idx][1:]
    widths = starts - reach[:-1]
    return [(float(reach[k]), float(widths[k])) for k in np.nonzero(widths > 0)[0]]


def _xy_cut(
    idx: np.ndarray, boxes: np.ndarray, heights: np.ndarray, min_col_gap: float, line_overlap: float
) -> list[int]:
    if len(idx) <= 1:
        return [int(i) for i in idx]
    b = boxes[idx]
    y_gaps = _gaps(b[:, 1], b[:, 3])
    left, right = float(b[:, 0].min()), float(b[:, 2].max())
    min_side = _MIN_COLUMN_SHARE * (right - left)
    # A column gutter is wide and has real columns on both sides; a narrow strip of prices or values
    # beside labels (receipts, forms, tables) is read row by row instead.
    x_gaps = [
        g for g in _gaps(b[:, 0], b[:, 2]) if g[1] >= min_col_gap and g[0] - left >= min_side and right - (g[0] + g[1]) >= min_side
    ]
    best_y = max((w for _, w in y_gaps), default=0.0)
    best_x = max((w for _, w in x_gaps), default=0.0)
    if best_y <= 0 and best_x <= 0:
        return _rows(idx, boxes, heights, line_overlap)
    # Cut along the axis with the widest gap (relative to text height), at every gap nearly as wide,
    # so that deep recursions stay rare (a paragraph of rows splits at once).
    axis, gaps, best = (0, x_gaps, best_x) if best_x > best_y else (1, y_gaps, best_y)
    cuts = sorted(start + width / 2 for start, width in gaps if width >= 0.5 * best)
    centres = (b[:, axis] + b[:, axis + 2]) / 2
    band = np.searchsorted(np.asarray(cuts), centres)
    out: list[int] = []
    for k in range(len(cuts) + 1):
        members = idx[band == k]
        if len(members) == len(idx):  # no progress (should not happen): fall back to rows
            return _rows(idx, boxes, heights, line_overlap)
        out.extend(_xy_cut(members, boxes, heights, min_col_gap, line_overlap))
    return out


def _rows(idx: np.ndarray, boxes: np.ndarray, heights: np.ndarray, line_overlap: float) -> list[int]:
    """Group into rows by centre height, then read each row left to right."""
    cy = (boxes[:, 1] + boxes[:, 3]) / 2
    cx = (boxes[:, 0] + boxes[:, 2]) / 2
    rows: list[list[int]] = []
    row_y: list[float] = []
    row_h: list[float] = []
    for i in idx[np.argsort(cy[idx], kind="stable")]:
        y, h = cy[i], heights[i]
        if rows and abs(y - row_y[-1]) < line_overlap * min(h, row_h[-1]):
            rows[-1].append(int(i))
            row_y[-1] += (y - row_y[-1]) / len(rows[-1])
            row_h[-1] = min(row_h[-1], h)
        else:
            rows.append([int(i)])
            row_y.append(float(y))
            row_h.append(float(h))
    return [i for row in rows for i in sorted(row, key=lambda k: cx[k])]
