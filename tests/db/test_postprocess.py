"""DB post-processing on synthetic probability maps (no model): boxes, scores, filters, unclipping."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from ocrplug_db.postprocess import DbParams, boxes_from_prob, order_quads, rect_corners, unclip_polygon
from shapely.geometry import Polygon

from ocrplug.geometry import order_quad


def _map_with(*rects: tuple[tuple[float, float], tuple[float, float], float, float], shape=(200, 300)) -> np.ndarray:
    """A probability map with filled rotated rectangles ((cx, cy), (w, h), angle, value)."""
    prob = np.zeros(shape, np.float32)
    for centre, size, angle, value in rects:
        pts = cv2.boxPoints((centre, size, angle))
        cv2.fillPoly(prob, [np.round(pts).astype(np.int32)], float(value))
    return prob


def _size(quad: np.ndarray) -> tuple[float, float]:
    return float(np.linalg.norm(quad[1] - quad[0])), float(np.linalg.norm(quad[3] - quad[0]))


def test_one_kernel_gives_one_box_grown_by_the_unclip_distance() -> None:
    prob = _map_with(((150, 100), (120, 20), 0, 0.9))
    boxes = boxes_from_prob(prob, DbParams(unclip_ratio=1.5))
    assert len(boxes) == 1
    box = boxes[0]
    assert box.score == pytest.approx(0.9, abs=0.02)
    w, h = _size(box.quad)
    # The kernel spans 121 x 21 pixels; DB measures it between the outer pixel centres (120 x 20) and
    # grows it by d = area * r / perimeter on every side.
    kw, kh = 120.0, 20.0
    d = kw * kh * 1.5 / (2 * (kw + kh))
    assert w == pytest.approx(kw + 2 * d, abs=1.5)
    assert h == pytest.approx(kh + 2 * d, abs=1.5)
    assert box.quad.mean(axis=0) == pytest.approx([150.5, 100.5], abs=1.0)
    # Clockwise on screen from the top-left corner.
    assert box.quad[0][0] < box.quad[1][0] and box.quad[1][1] < box.quad[2][1]


def test_closed_form_unclip_matches_pyclipper_round_joins() -> None:
    prob = _map_with(((150, 100), (150, 24), 17, 0.95))
    (quad,) = [b.quad for b in boxes_from_prob(prob, DbParams(unclip_ratio=2.0))]
    contours, _ = cv2.findContours((prob > 0.3).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    rect = cv2.minAreaRect(contours[0])
    kernel = cv2.boxPoints(rect).astype(np.float64) + 0.5
    grown = unclip_polygon(kernel, 2.0)
    assert grown is not None
    expected = order_quad(cv2.boxPoints(cv2.minAreaRect(grown.astype(np.float32))))
    assert np.abs(quad - np.asarray(expected)).max() < 0.5


def test_rotated_kernel_keeps_its_angle() -> None:
    prob = _map_with(((150, 100), (160, 22), -20, 0.9))
    (box,) = boxes_from_prob(prob, DbParams())
    top = box.quad[1] - box.quad[0]
    angle = np.degrees(np.arctan2(top[1], top[0]))
    assert angle == pytest.approx(-20, abs=1.5)


def test_weak_kernels_are_dropped_by_box_thresh_in_both_score_modes() -> None:
    prob = _map_with(((80, 50), (100, 20), 0, 0.9), ((150, 150), (100, 20), 0, 0.45))
    for mode in ("fast", "slow"):
        boxes = boxes_from_prob(prob, DbParams(box_thresh=0.6, score_mode=mode))
        assert len(boxes) == 1 and boxes[0].quad.mean(axis=0)[1] < 100, mode
        both = boxes_from_prob(prob, DbParams(box_thresh=0.4, score_mode=mode))
        assert len(both) == 2, mode
        assert sorted(b.score for b in both) == pytest.approx([0.45, 0.9], abs=0.03)


def test_fast_score_counts_the_rectangle_slow_score_only_the_kernel() -> None:
    # An L-shaped kernel: its rotated rectangle holds much background, its own pixels do not.
    prob = np.zeros((120, 120), np.float32)
    prob[20:30, 20:100] = 0.9
    prob[20:100, 20:30] = 0.9
    fast = boxes_from_prob(prob, DbParams(box_thresh=0.0, score_mode="fast"))
    slow = boxes_from_prob(prob, DbParams(box_thresh=0.0, score_mode="slow"))
    assert slow[0].score == pytest.approx(0.9, abs=1e-3)
    assert fast[0].score < 0.4


def test_specks_and_thin_rules_are_dropped() -> None:
    prob = np.zeros((100, 200), np.float32)
    prob[10:12, 10:12] = 1.0  # 2 x 2 speck
    prob[50:52, 20:180] = 1.0  # 2-pixel rule
    prob[70:82, 40:120] = 1.0  # text kernel
    boxes = boxes_from_prob(prob, DbParams(min_size=3))
    assert len(boxes) == 1 and boxes[0].quad.mean(axis=0)[1] == pytest.approx(76, abs=1)


def test_max_candidates_keeps_the_largest_kernels() -> None:
    prob = np.zeros((100, 400), np.float32)
    for k, width in enumerate([10, 60, 20, 80, 30]):
        prob[40:52, 10 + 75 * k : 10 + 75 * k + width] = 0.9
    boxes = boxes_from_prob(prob, DbParams(max_candidates=2))
    widths = sorted(round(_size(b.quad)[0]) for b in boxes)
    assert len(boxes) == 2 and widths[0] > 60


def test_dilation_joins_kernels_one_pixel_apart() -> None:
    prob = np.zeros((60, 200), np.float32)
    prob[20:34, 20:90] = 0.9
    prob[20:34, 91:170] = 0.9
    assert len(boxes_from_prob(prob, DbParams(use_dilation=False))) == 2
    assert len(boxes_from_prob(prob, DbParams(use_dilation=True))) == 1


def test_poly_mode_follows_a_curved_line() -> None:
    prob = np.zeros((220, 320), np.float32)
    cv2.ellipse(prob, (160, 200), (130, 130), 0, 200, 340, 0.9, thickness=16)
    (box,) = boxes_from_prob(prob, DbParams(box_type="poly"))
    assert box.polygon is not None and len(box.polygon) > 8
    nxt = np.roll(box.polygon, -1, axis=0)
    assert (box.polygon[:, 0] * nxt[:, 1] - nxt[:, 0] * box.polygon[:, 1]).sum() > 0  # clockwise on screen
    # The outline hugs the arc: far less area than the rotated rectangle around it.
    assert cv2.contourArea(box.polygon.astype(np.float32)) < 0.7 * cv2.contourArea(box.quad.astype(np.float32))
    # ... and still covers the whole kernel.
    kernel_pts = np.argwhere(prob > 0.3)[:, ::-1].astype(np.float32) + 0.5
    inside = [
        cv2.pointPolygonTest(box.polygon.astype(np.float32), (float(x), float(y)), False) for x, y in kernel_pts[::50]
    ]
    assert min(inside) >= 0


def test_empty_and_flat_maps_give_nothing() -> None:
    assert boxes_from_prob(np.zeros((64, 64), np.float32), DbParams()) == []
    assert boxes_from_prob(np.full((64, 64), 0.2, np.float32), DbParams()) == []
    with pytest.raises(ValueError, match="2-D"):
        boxes_from_prob(np.zeros((1, 64, 64), np.float32), DbParams())


def test_rect_corners_and_order_match_opencv_and_the_geometry_helper() -> None:
    rng = np.random.default_rng(0)
    rects = [
        ((rng.uniform(0, 500), rng.uniform(0, 500)), (rng.uniform(5, 200), rng.uniform(5, 50)), rng.uniform(-90, 90))
        for _ in range(50)
    ]
    ours = rect_corners(
        np.array([r[0] for r in rects]), np.array([r[1] for r in rects]), np.array([r[2] for r in rects])
    )
    for mine, rect in zip(ours, rects, strict=True):
        theirs = cv2.boxPoints(rect)
        assert np.abs(np.sort(mine, axis=0) - np.sort(theirs, axis=0)).max() < 1e-3
    ordered = order_quads(ours)
    for mine, raw in zip(ordered, ours, strict=True):
        assert np.allclose(mine, np.asarray(order_quad(raw)))


def test_boxes_agree_with_rapidocr_reference_post_processing() -> None:
    """Same boxes and scores as rapidocr's DB post-processing, up to its integer rounding."""
    utils = pytest.importorskip("rapidocr.ch_ppocr_det.utils", reason="rapidocr not installed (extra 'db')")
    rng = np.random.default_rng(3)
    prob = np.zeros((320, 480), np.float32)
    for _ in range(12):
        centre = (float(rng.uniform(40, 440)), float(rng.uniform(30, 290)))
        size = (float(rng.uniform(30, 150)), float(rng.uniform(8, 24)))
        pts = cv2.boxPoints((centre, size, float(rng.uniform(-30, 30))))
        cv2.fillPoly(prob, [np.round(pts).astype(np.int32)], float(rng.uniform(0.5, 1.0)))
    prob = cv2.GaussianBlur(prob, (5, 5), 1.0)
    reference = utils.DBPostProcess(thresh=0.3, box_thresh=0.6, unclip_ratio=1.5, score_mode="fast")
    ref_boxes, ref_scores = reference(prob[None, None], prob.shape)
    ours = boxes_from_prob(prob, DbParams(thresh=0.3, box_thresh=0.6, unclip_ratio=1.5))
    assert len(ours) == len(ref_boxes) > 3
    ref_centres = ref_boxes.reshape(-1, 4, 2).mean(axis=1)
    for box in ours:
        k = int(np.argmin(np.linalg.norm(ref_centres - box.quad.mean(axis=0), axis=1)))
        ref = np.asarray(order_quad(ref_boxes[k]))
        # Both clip to the map (rapidocr inside its post-processing, we when scaling to the page). The
        # rest is rounding: our half-pixel centre offset (0.5), rapidocr's integer pyclipper input and
        # integer output (up to 1 each way) against our sub-pixel arithmetic.
        mine = np.clip(box.quad, 0, [prob.shape[1], prob.shape[0]])
        assert np.abs(mine - ref).max() <= 2.5
        assert Polygon(mine).intersection(Polygon(ref)).area / Polygon(mine).union(Polygon(ref)).area > 0.9
        # rapidocr truncates the rectangle's corners to rasterise it, we round them: the masks differ by
        # at most a one-pixel rim of the (blurred) kernel edge.
        assert box.score == pytest.approx(ref_scores[k], abs=0.05)
