"""craft's steep-word rule (``steep_words``, issue 24, A16): the components of a line drawn 10-80 degrees off
level are one box along the line, where the official rule boxes each near-square piece level."""

from __future__ import annotations

import math

import numpy as np
from ocrplug_craft.postprocess import get_det_boxes


def _blobs(angle_deg: float, count: int = 6, step: float = 9.0) -> tuple[np.ndarray, np.ndarray]:
    """A region map (heatmap pixels) of ``count`` glyph blobs (discs of radius 3.5 at 0.95) ``step`` px apart
    along a line ``angle_deg`` counter-clockwise off level, no affinity between them (each its own
    component, near square: the pieces of ``Jumble`` at +70)."""
    text = np.zeros((120, 120), np.float32)
    yy, xx = np.mgrid[0:120, 0:120]
    a = math.radians(angle_deg)
    for i in range(count):
        cx = 60 + (i - (count - 1) / 2) * step * math.cos(a)
        cy = 60 - (i - (count - 1) / 2) * step * math.sin(a)
        text[(xx - cx) ** 2 + (yy - cy) ** 2 <= 3.5**2] = 0.95
    return text, np.zeros_like(text)


def _long_side_deg(box: np.ndarray) -> float:
    """The direction (degrees counter-clockwise, 0..180) of ``box``'s longer side."""
    e1, e2 = box[1] - box[0], box[2] - box[1]
    e = e1 if np.linalg.norm(e1) >= np.linalg.norm(e2) else e2
    return math.degrees(math.atan2(-e[1], e[0])) % 180.0


def test_official_rule_boxes_each_piece_of_a_steep_line_level() -> None:
    det = get_det_boxes(*_blobs(70.0), 0.7, 0.4, 0.4)
    assert len(det) == 6
    for box in det.boxes:  # near square: the pixels' axis-aligned extremes
        assert box[0][1] == box[1][1] and box[0][0] == box[3][0], box


def test_steep_pieces_are_one_box_along_their_line() -> None:
    for angle in (15.0, 30.0, 45.0, 70.0, 110.0, 150.0):
        det = get_det_boxes(*_blobs(angle), 0.7, 0.4, 0.4, steep_words=True)
        assert len(det) == 1, (angle, det.boxes)
        assert abs(_long_side_deg(det.boxes[0]) - angle) <= 3.0, (angle, det.boxes[0])
        # the box holds every blob: its pixels are relabelled to the box's component
        assert len(np.unique(det.labels[det.labels > 0])) == 1


def test_level_and_upright_rows_keep_their_official_boxes() -> None:
    for angle in (0.0, 5.0, 90.0):
        text, link = _blobs(angle)
        official = get_det_boxes(text, link, 0.7, 0.4, 0.4)
        steep = get_det_boxes(text, link, 0.7, 0.4, 0.4, steep_words=True)
        assert np.array_equal(official.boxes, steep.boxes), angle


def test_two_glyphs_alone_are_no_line() -> None:
    """Two near-square blobs on a diagonal (two rows' single letters) show no direction: left as they are."""
    text, link = _blobs(40.0, count=2)
    assert np.array_equal(get_det_boxes(text, link, 0.7, 0.4, 0.4, steep_words=True).boxes,
                          get_det_boxes(text, link, 0.7, 0.4, 0.4).boxes)
