"""Geometry helpers shared by detectors, recognizers, renderers and evaluation.

All coordinates are page pixels, origin top-left, x right, y down; quads are clockwise on screen.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TypeVar

import numpy as np

from ocrplug.model import Quad

__all__ = [
    "order_quad",
    "quad_angle",
    "quad_height",
    "quad_width",
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
