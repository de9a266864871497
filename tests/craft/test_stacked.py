"""Stacked lone characters linked across rows are cut apart (issue 24: ``accurate`` read ``C``/``1``/``0`` as one box)."""

from __future__ import annotations

import itertools

import numpy as np
from ocrplug_craft.postprocess import get_det_boxes, split_stacked


def _maps(blobs: list[tuple[int, int, int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """Region map with one blob per ``(x, y, w, h)`` and an affinity link between consecutive blobs."""
    text = np.zeros((200, 200), np.float32)
    link = np.zeros_like(text)
    for x, y, w, h in blobs:
        text[y : y + h, x : x + w] = 0.9
    for (x, y, w, h), (_, y2, _, _) in itertools.pairwise(blobs):
        link[y + h - 2 : y2 + 2, x + w // 2 - 2 : x + w // 2 + 2] = 0.8
    return text, link


def test_upright_characters_stacked_over_rows_become_one_box_each() -> None:
    blobs = [(40, 20 + 26 * k, 9, 19) for k in range(4)]  # 1, I, C, 0 in a column of answers
    text, link = _maps(blobs)
    det = get_det_boxes(text, link, 0.7, 0.4, 0.4)
    assert len(det) == 1  # the affinity joined them
    split = split_stacked(det, text, 0.4)
    assert len(split) == 4
    tops = [float(b[:, 1].min()) for b in split.boxes]
    assert tops == sorted(tops)
    for box, (_x, y, _w, h) in zip(split.boxes, blobs, strict=True):
        assert box[:, 1].min() <= y and box[:, 1].max() >= y + h - 1  # each holds its own character
        assert box[:, 1].max() < y + h + 8  # and not the next one
    assert np.all(split.scores > 0.8) and split.polys == [None] * 4


def test_vertical_text_stays_one_word() -> None:
    # A word turned by 90 degrees: its letters' blobs are wider than tall (or run together).
    text, link = _maps([(100, 20 + 13 * k, 15, 10) for k in range(6)])
    det = get_det_boxes(text, link, 0.7, 0.4, 0.4)
    assert len(det) == 1
    assert split_stacked(det, text, 0.4) is det
    text, link = _maps([(100, 20, 15, 80), (100, 104, 15, 12)])  # letters that ran together
    det = get_det_boxes(text, link, 0.7, 0.4, 0.4)
    assert split_stacked(det, text, 0.4) is det


def test_level_words_are_untouched() -> None:
    text = np.zeros((100, 200), np.float32)
    link = np.zeros_like(text)
    for k in range(5):
        text[40:58, 20 + 14 * k : 30 + 14 * k] = 0.9
    link[45:52, 25:90] = 0.8
    det = get_det_boxes(text, link, 0.7, 0.4, 0.4)
    assert split_stacked(det, text, 0.4) is det
