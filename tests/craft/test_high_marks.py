"""craft's high marks (issue 24, L15: T14's ``legal_mono_caps.png``, whose opening ``"`` of ``("LESSOR")`` was a
word of its own and read ``II`` as a line of its own): with ``short_words`` a kept component wholly in the
upper half of a kept word's row beside it joins that word; a short word reaching the baseline does not."""

from __future__ import annotations

import numpy as np
from ocrplug_craft.postprocess import get_det_boxes


def _boxes(text: np.ndarray, short_words: bool) -> list[tuple[int, int, int, int]]:
    det = get_det_boxes(text, np.zeros_like(text), 0.7, 0.4, 0.4, short_words=short_words)
    return sorted(tuple(int(v) for v in (*b.min(axis=0), *b.max(axis=0))) for b in det.boxes)


def test_a_quote_mark_at_cap_height_joins_its_word() -> None:
    text = np.zeros((60, 120), np.float32)
    text[20:30, 30:60] = 0.95  # the word, 10 heatmap px tall
    text[20:24, 22:28] = 0.9  # an opening quote: 4 px tall, its foot 0.4 of the word's height down, 2 px left
    assert len(_boxes(text, short_words=False)) == 2  # the official output boxes it alone
    got = _boxes(text, short_words=True)
    assert len(got) == 1, got
    assert got[0][0] <= 22 and got[0][2] >= 59, got  # the word's box now holds the mark


def test_a_short_word_or_a_comma_at_the_baseline_keeps_its_box() -> None:
    text = np.zeros((60, 120), np.float32)
    text[20:30, 30:60] = 0.95
    text[25:30, 63:67] = 0.9  # a short word (``a``): x-height, standing on the baseline
    text[27:32, 20:24] = 0.9  # a low mark left of the word
    assert _boxes(text, short_words=True) == _boxes(text, short_words=False)
    assert len(_boxes(text, short_words=True)) == 3
