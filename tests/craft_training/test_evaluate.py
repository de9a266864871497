"""Validation helpers: word boxes from score maps and the IoU-matched H-mean."""

from __future__ import annotations

import numpy as np
import pytest
from ocrplug_craft.training.evaluate import DetectionScore, boxes_from_maps, match_boxes
from ocrplug_craft.training.gt import score_maps


def _chars(x0: float, n: int, w: float = 10, gap: float = 4, y0: float = 10, h: float = 16) -> np.ndarray:
    """``n`` glyph boxes ``w`` wide separated by ``gap`` pixels (real glyphs rarely touch)."""
    step = w + gap
    return np.float32([[[x0 + i * step, y0], [x0 + i * step + w, y0], [x0 + i * step + w, y0 + h], [x0 + i * step, y0 + h]] for i in range(n)])


def test_two_words_from_perfect_maps_are_found() -> None:
    chars = np.concatenate([_chars(10, 4), _chars(90, 3)])
    words = np.array([0] * 4 + [1] * 3)
    region, affinity = score_maps((48, 160), chars, words)
    dets = boxes_from_maps(region, affinity) * 2.0
    gt = np.float32([[[10, 10], [62, 10], [62, 26], [10, 26]], [[90, 10], [128, 10], [128, 26], [90, 26]]])
    assert len(dets) == 2
    score = match_boxes(dets, gt)
    assert (score.matched, score.detections, score.ground_truth) == (2, 2, 2) and score.hmean == 1.0
    # Without the affinity map, characters are separate components: no word matches.
    dets_chars = boxes_from_maps(region, np.zeros_like(affinity)) * 2.0
    assert len(dets_chars) == 7 and match_boxes(dets_chars, gt).matched == 0


def test_match_boxes_is_one_to_one_and_pools_counts() -> None:
    gt = np.float32([[[0, 0], [10, 0], [10, 10], [0, 10]]])
    dets = np.float32([[[0, 0], [10, 0], [10, 10], [0, 10]], [[1, 0], [10, 0], [10, 10], [1, 10]]])
    s = match_boxes(dets, gt)
    assert (s.matched, s.detections, s.ground_truth) == (1, 2, 1)
    assert s.precision == 0.5 and s.recall == 1.0 and s.hmean == pytest.approx(2 / 3)
    total = s + DetectionScore(0, 0, 1)
    assert total.recall == 0.5
    assert match_boxes(np.zeros((0, 4, 2)), gt).hmean == 0.0
