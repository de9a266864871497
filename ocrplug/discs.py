"""The solid disc of a list item's bullet (``•``, ``●``): one shape test for the bullet step
(:mod:`ocrplug.checkboxes`) and the lone-glyph look (:mod:`ocrplug.lone_glyphs`), which leaves such discs
to that step. Shape constants measured in issue 24 (docs/benchmarks.md "Bullets, final stops, specks"; docs/eval.md)."""

from __future__ import annotations

import cv2
import numpy as np

__all__ = ["BULLET_ASPECT", "BULLET_FILL", "BULLET_MIN_SIDE", "BULLET_REACH", "BULLET_SOLIDITY", "is_bullet_disc"]

#: A list item's bullet is a solid disc: its bounding box about square (longer side at most
#: :data:`BULLET_ASPECT` times the shorter), at least :data:`BULLET_MIN_SIDE` px a side, between
#: :data:`BULLET_FILL` of it ink (a disc fills pi/4 = 0.785 of its box; pixels at 5-8 px make it 0.7-0.9),
#: with no hole (``o``, ``O``, ``0``, ``e``, a ring, a checkbox frame have one; a solid square ``■`` fills
#: its box whole).
BULLET_ASPECT = 1.25
BULLET_MIN_SIDE = 4
BULLET_FILL = (0.6, 0.92)
#: And convex: its ink at least this share of its convex hull's pixels (the hull's area on pixel centres,
#: plus half its perimeter and one: the pixels it covers). A drawn disc, and a face's ``•`` and ``●``,
#: hold 0.9-1.0; ``funsd_train``'s blotted ``x`` marks and ``m`` at 100 dpi less.
BULLET_SOLIDITY = 0.9
#: A bullet's text begins at most this many text heights right of it (the bullet step's reach,
#: :mod:`ocrplug.checkboxes`; the lone-glyph look leaves a disc with a word of its row that near to it).
BULLET_REACH = 3.0


def is_bullet_disc(mask: np.ndarray) -> bool:
    """Whether the ink component ``mask`` (h x w bool, cut to its bounding box) is a solid disc: about
    square (:data:`BULLET_ASPECT`), at least :data:`BULLET_MIN_SIDE` px, :data:`BULLET_FILL` of its box
    ink, no hole (its background, 4-connected, in one piece with the box's outside)."""
    h, w = mask.shape
    if min(h, w) < BULLET_MIN_SIDE or max(h, w) > BULLET_ASPECT * min(h, w):
        return False
    if not BULLET_FILL[0] <= float(mask.mean()) <= BULLET_FILL[1]:
        return False
    ground = np.pad(~mask, 1, constant_values=True).astype(np.uint8)
    count, _ = cv2.connectedComponents(ground, connectivity=4)
    if count != 2:  # the label 0 (ink) and the one background: a hole
        return False
    # Convex: a scan's blotted ``x`` or ``m`` of 6-9 px is as solid, but notched.
    points = cv2.findNonZero(mask.astype(np.uint8))
    hull = cv2.convexHull(points)
    return float(mask.sum()) >= BULLET_SOLIDITY * max(cv2.contourArea(hull) + 0.5 * cv2.arcLength(hull, True) + 1.0, 1.0)
