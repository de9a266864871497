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


def reading_order(regions: Sequence[Region], line_overlap: float = 0.5) -> list[Region]:
    """Sort regions top-to-bottom, then left-to-right within a text row, renumbering ``order``.

    Rotated text is handled by working in the frame of the dominant text angle: centres are rotated
    by minus that angle before grouping into rows. Two regions share a row when their centres differ
    by less than ``line_overlap`` times the smaller height (in that frame).
    """
    if not regions:
        return []
    quads = np.asarray([r.quad for r in regions], dtype=np.float64)  # (n, 4, 2)
    top = (quads[:, 1] - quads[:, 0]) + (quads[:, 2] - quads[:, 3])
    angle = _circular_median(np.arctan2(top[:, 1], top[:, 0]))
    c, s = math.cos(-angle), math.sin(-angle)
    rot = np.array([[c, -s], [s, c]])
    centres = quads.mean(axis=1) @ rot.T
    heights = np.maximum(
        (np.linalg.norm(quads[:, 3] - quads[:, 0], axis=1) + np.linalg.norm(quads[:, 2] - quads[:, 1], axis=1)) / 2,
        1.0,
    )
    by_y = np.argsort(centres[:, 1], kind="stable")
    rows: list[list[int]] = []
    row_y: list[float] = []
    row_h: list[float] = []
    for i in by_y:
        y, h = centres[i, 1], heights[i]
        if rows and abs(y - row_y[-1]) < line_overlap * min(h, row_h[-1]):
            rows[-1].append(int(i))
            n = len(rows[-1])
            row_y[-1] = row_y[-1] + (y - row_y[-1]) / n
            row_h[-1] = min(row_h[-1], h)
        else:
            rows.append([int(i)])
            row_y.append(float(y))
            row_h.append(float(h))
    ordered: list[Region] = []
    for row in rows:
        for i in sorted(row, key=lambda k: centres[k, 0]):
            ordered.append(regions[i])
    return [r if r.order == k else r.with_(order=k) for k, r in enumerate(ordered)]
