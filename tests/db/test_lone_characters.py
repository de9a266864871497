"""The lone-character score rule of ``db`` post-processing (issue 24: page numbers ``1`` and ``7`` dropped)."""

from __future__ import annotations

import numpy as np
from ocrplug_db.detector import DbOptions
from ocrplug_db.postprocess import DbParams, boxes_from_prob


def _seven(prob: np.ndarray, x: int, y: int, value: float = 0.8) -> None:
    """A thin ``7``: a bar and a slanted stem, most of its rotated rectangle empty."""
    prob[y : y + 4, x : x + 12] = value
    for k in range(18):
        cx = x + 10 - k // 2
        prob[y + 4 + k, cx - 2 : cx + 2] = value


def _page() -> np.ndarray:
    prob = np.zeros((240, 320), np.float32)
    prob[40:62, 20:160] = 0.95  # a text line
    _seven(prob, 260, 40)  # its page number, on the line's row
    _seven(prob, 260, 160)  # the same shape alone on an empty row: a speck, not text
    return prob


def _centres(boxes: list) -> list[tuple[int, int]]:
    return sorted((round(float(b.quad[:, 0].mean())), round(float(b.quad[:, 1].mean()))) for b in boxes)


def test_a_thin_character_fails_the_rectangle_score() -> None:
    boxes = boxes_from_prob(_page(), DbParams(lone_aspect=0.0))
    assert len(boxes) == 1  # DB's own rule: only the line


def test_lone_character_beside_a_line_is_kept_with_its_own_score() -> None:
    boxes = boxes_from_prob(_page(), DbParams(lone_aspect=2.5))
    centres = _centres(boxes)
    assert len(boxes) == 2, centres
    assert any(abs(x - 265) < 8 and abs(y - 51) < 8 for x, y in centres)  # the number, not the speck
    number = next(b for b in boxes if b.quad[:, 0].mean() > 200)
    assert 0.6 <= number.score <= 0.8 + 1e-6  # the kernel's own mean, never above its probability


def test_long_kernels_and_strong_boxes_are_scored_as_in_db() -> None:
    prob = _page()
    prob[120:130, 20:160] = 0.5  # a weak long kernel stays weak: the rule is for short kernels only
    plain = {round(b.score, 4) for b in boxes_from_prob(prob, DbParams(lone_aspect=0.0))}
    ruled = {round(b.score, 4) for b in boxes_from_prob(prob, DbParams(lone_aspect=2.5))}
    assert plain <= ruled and len(ruled - plain) == 1


def test_blank_page_gets_no_box_from_the_rule() -> None:
    rng = np.random.default_rng(0)
    prob = (rng.random((200, 200)) ** 8).astype(np.float32)  # sparse specks of probability
    for x, y in ((30, 30), (120, 90)):
        _seven(prob, x, y)
    assert len(boxes_from_prob(prob, DbParams(lone_aspect=2.5))) == len(boxes_from_prob(prob, DbParams()))


def test_detector_option_defaults_on_and_validates() -> None:
    assert DbOptions().lone_aspect > 0
    assert DbOptions(lone_aspect=0).lone_aspect == 0


def _one(prob: np.ndarray, x: int, y: int, value: float = 0.8) -> None:
    """A tall thin ``1`` (flag, stem, foot): its kernel is over 2.5 times taller than wide."""
    prob[y : y + 26, x + 3 : x + 6] = value  # the stem
    prob[y : y + 3, x : x + 3] = value  # the flag
    prob[y + 24 : y + 26, x - 1 : x + 8] = value  # the foot


def test_a_tall_thin_lone_character_is_kept_however_narrow() -> None:
    prob = np.zeros((240, 320), np.float32)
    prob[40:66, 20:160] = 0.95  # a text line
    _one(prob, 260, 40)  # its answer, on the line's row
    _one(prob, 260, 160)  # the same shape alone on an empty row: a speck, not text
    boxes = boxes_from_prob(prob, DbParams(lone_aspect=2.5))
    centres = _centres(boxes)
    assert len(boxes) == 2, centres
    assert any(abs(x - 263) < 8 and abs(y - 53) < 8 for x, y in centres)
