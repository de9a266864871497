"""Weak supervision: the paper's confidence, even splitting, and watershed char boxes on score maps."""

from __future__ import annotations

import numpy as np
import pytest
from ocrplug_craft.training.gt import render_score_map
from ocrplug_craft.training.weak import (
    estimate_word_chars,
    even_split,
    pseudo_label_word,
    word_confidence,
)


@pytest.mark.parametrize(
    ("length", "found", "expected"),
    [(5, 5, 1.0), (5, 4, 0.8), (5, 6, 0.8), (5, 2, 0.4), (4, 12, 0.0), (0, 3, 0.0), (10, 0, 0.0)],
)
def test_word_confidence_formula(length: int, found: int, expected: float) -> None:
    assert word_confidence(length, found) == pytest.approx(expected)


def test_even_split_of_a_slanted_word() -> None:
    quad = np.float32([[0, 0], [30, 6], [30, 16], [0, 10]])
    parts = even_split(quad, 3)
    assert parts.shape == (3, 4, 2)
    assert np.allclose(parts[0, 1], [10, 2]) and np.allclose(parts[2, 2], [30, 16])
    assert np.allclose(parts[1, 0], parts[0, 1]) and np.allclose(parts[1, 3], parts[0, 2])


def _chars(xs: list[tuple[float, float]], y0: float = 4, y1: float = 20) -> np.ndarray:
    return np.float32([[[a, y0], [b, y0], [b, y1], [a, y1]] for a, b in xs])


def test_watershed_splits_touching_characters() -> None:
    boxes_in = [(2, 12), (12, 22), (22, 32), (36, 46)]  # three touching, one apart
    region = render_score_map((24, 50), _chars(boxes_in))
    boxes = estimate_word_chars(region)
    assert len(boxes) == 4
    centres = (boxes[:, 0] + boxes[:, 2]) / 2
    assert np.allclose(centres, [7, 17, 27, 41], atol=1.5)
    assert estimate_word_chars(np.zeros((10, 10), np.float32)).shape == (0, 4)


def test_pseudo_label_word_confident_and_fallback() -> None:
    # A page-level region map at half resolution (map_scale 0.5), word "abc" at page x 20..80, y 10..40.
    page_chars = np.float32([[[20 + 20 * i, 10], [40 + 20 * i, 10], [40 + 20 * i, 40], [20 + 20 * i, 40]] for i in range(3)])
    region = render_score_map((40, 60), page_chars * 0.5)
    word = np.float32([[18, 8], [82, 8], [82, 42], [18, 42]])
    est = pseudo_label_word(region, word, "abc", 0.5)
    assert est.found == 3 and est.confidence == pytest.approx(1.0)
    centres = est.quads.mean(axis=1)
    assert np.allclose(centres[:, 0], [30, 50, 70], atol=3)
    # The transcription says 8 characters but 3 are found: confidence 3/8 < 0.5 -> even split at 0.5.
    est = pseudo_label_word(region, word, "abcdefgh", 0.5)
    assert est.confidence == 0.5 and len(est.quads) == 8
    assert np.allclose(est.quads[0, 0], word[0]) and np.allclose(est.quads[-1, 2], word[2])
