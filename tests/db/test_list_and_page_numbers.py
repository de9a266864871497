"""db post-processing, issue 24 (F10, T9 fault 6): a list number whose kernel takes in the gap after its
``.`` and a page number alone on the page's last row are kept. Synthetic probability maps, map pixels,
shaped as the kernels T9's footnotes page gave (``fast``, ``max_side`` 2000)."""

from __future__ import annotations

import numpy as np
from ocrplug_db.detector import DbOptions
from ocrplug_db.postprocess import DbParams, boxes_from_prob

DEFAULT = DbParams(lone_aspect=DbOptions().lone_aspect, speck_isolation=DbOptions().speck_isolation)


def _centres(boxes: list) -> list[tuple[int, int]]:
    return sorted((round(float(b.quad[:, 0].mean())), round(float(b.quad[:, 1].mean()))) for b in boxes)


def _near(boxes: list, x: float, y: float, tol: float = 8) -> bool:
    return any(abs(cx - x) <= tol and abs(cy - y) <= tol for cx, cy in _centres(boxes))


def _tailed(prob: np.ndarray, x: int, y: int, width: int = 37, height: int = 13) -> None:
    """T9's ``6.``: the glyphs at 0.95 over the first half, then a tail of probability fading from 0.6 to 0.3
    over the gap after the ``.`` (its rectangle scores 0.58, its own pixels more)."""
    core = width // 2
    prob[y : y + height, x : x + core] = 0.95
    tail = np.linspace(0.6, 0.31, width - core, dtype=np.float32)
    prob[y + 3 : y + height - 3, x + core : x + width] = tail


def _lines(prob: np.ndarray, ys: list[int], x0: int = 60, x1: int = 500, height: int = 14) -> None:
    for y in ys:
        prob[y : y + height, x0:x1] = 0.95


def test_a_list_number_with_the_gap_in_its_kernel_is_kept() -> None:
    prob = np.zeros((300, 600), np.float32)
    _lines(prob, [40], x0=80)
    _tailed(prob, 20, 40)  # the number, on the item's row, its kernel 37 x 13 (aspect 2.85)
    boxes = boxes_from_prob(prob, DEFAULT)
    assert _near(boxes, 38, 46, 12), _centres(boxes)
    # lone_aspect 2.5 (before): the kernel was no candidate, DB's rectangle score dropped it
    before = boxes_from_prob(prob, DbParams(lone_aspect=2.5, speck_isolation=20.0))
    assert not _near(before, 38, 46, 12), _centres(before)


def _page_number(prob: np.ndarray, x: int, y: int) -> None:
    """T9's ``- 2 -``: a 25 x 10 kernel, the digit sure, the dashes faint (rectangle 0.57)."""
    prob[y + 3 : y + 7, x : x + 25] = 0.45
    prob[y : y + 10, x + 9 : x + 16] = 0.97


def test_a_page_number_alone_on_the_last_row_is_kept_on_paper() -> None:
    prob = np.zeros((400, 600), np.float32)
    _lines(prob, [40, 70, 100, 130])
    _page_number(prob, 290, 360)
    on = boxes_from_prob(prob, DbParams(lone_aspect=3.5, speck_isolation=20.0, alone_rows=True))
    assert _near(on, 302, 365, 10), _centres(on)
    off = boxes_from_prob(prob, DbParams(lone_aspect=3.5, speck_isolation=20.0))
    assert not _near(off, 302, 365, 10), _centres(off)


def test_the_same_kernel_between_rows_stays_out() -> None:
    # between two blocks of text it is no page number (no row evidence either): DB's rule
    prob = np.zeros((400, 600), np.float32)
    _lines(prob, [40, 70, 300, 330])
    _page_number(prob, 290, 180)
    boxes = boxes_from_prob(prob, DbParams(lone_aspect=3.5, speck_isolation=20.0, alone_rows=True))
    assert not _near(boxes, 302, 185, 10), _centres(boxes)
    assert len(boxes) == 4


def test_a_small_page_number_at_the_foot_is_no_speck() -> None:
    # swift's map (max_side 1024) of T9's page: a 12 x 5 kernel scoring 0.71, far below the notes
    prob = np.zeros((500, 400), np.float32)
    _lines(prob, [40, 55, 70, 85], x0=30, x1=300, height=6)
    prob[460:465, 180:192] = 0.9
    on = boxes_from_prob(prob, DbParams(lone_aspect=3.5, speck_isolation=20.0, alone_rows=True))
    assert _near(on, 186, 462, 8), _centres(on)
    off = boxes_from_prob(prob, DbParams(lone_aspect=3.5, speck_isolation=20.0))
    assert not _near(off, 186, 462, 8), _centres(off)  # the speck rule drops it


def test_a_blank_page_of_specks_gets_no_page_number() -> None:
    rng = np.random.default_rng(3)
    prob = np.zeros((400, 400), np.float32)
    for _ in range(30):
        y, x = int(rng.integers(10, 380)), int(rng.integers(10, 380))
        prob[y : y + 5, x : x + 6] = 0.9
    boxes = boxes_from_prob(prob, DbParams(lone_aspect=3.5, speck_isolation=20.0, alone_rows=True))
    assert len(boxes) == len(boxes_from_prob(prob, DbParams(lone_aspect=3.5, speck_isolation=20.0)))
