"""``db``: a lone glyph taller than its row's text, and a glyph at a vertical line's end (issue 24, T10 faults 3, 4).

T10's quiz: a handwritten ``A`` in a box right of a printed question (its kernel 27 map px beside the
row's 13 px band, centred below it) was dropped; a check mark in a box beside a statement is as tall and
must stay unboxed (PP-OCR reads it as junk). T10's shelf read upright: the caption's last ``F`` boxed apart
from its vertical line and read alone. Unit cases on drawn probability maps, and the detector on drawn pages
(benchmarks/boxed_answers.py's generator, a turned caption).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from ocrplug_db.postprocess import DbParams, boxes_from_prob, join_column_ends

from tests.db.conftest import held

PARAMS = DbParams(lone_aspect=3.5, speck_isolation=20.0, alone_rows=True)


def _a(prob: np.ndarray, x: int, y: int, value: float) -> None:
    """A capital ``A``'s kernel (DB fills a glyph's kernel: 27 px tall, 7 px wide at the top, 21 at the foot): half its
    rectangle is empty, so its rectangle's mean fails ``box_thresh`` and its own mean is ``value``."""
    for k in range(27):
        prob[y + k, x + 7 - k * 7 // 26 : x + 14 + k * 7 // 26] = value


def _row_page(value: float) -> np.ndarray:
    prob = np.zeros((200, 400), np.float32)
    prob[40:53, 20:240] = 0.95  # a printed question: its kernel is its x-height band
    _a(prob, 320, 36, value)  # the answer: twice as tall, reaching below the band
    return prob


def _boxed_near(boxes: list, x: float, y: float) -> bool:
    return any(b.quad[:, 0].min() <= x <= b.quad[:, 0].max() and b.quad[:, 1].min() <= y <= b.quad[:, 1].max()
               for b in boxes)


def test_a_tall_letter_beside_a_shorter_line_is_kept() -> None:
    prob = _row_page(0.9)
    assert not _boxed_near(boxes_from_prob(prob, DbParams(lone_aspect=3.5)), -1, -1)
    boxes = boxes_from_prob(prob, PARAMS)
    assert len(boxes) == 2
    assert _boxed_near(boxes, 330, 50)


def test_a_tick_scored_lower_beside_a_shorter_line_is_not() -> None:
    boxes = boxes_from_prob(_row_page(0.7), PARAMS)  # its own mean under LONE_TALL_SCORE
    assert len(boxes) == 1


def test_a_tall_glyph_alone_on_its_row_stays_dropped() -> None:
    prob = _row_page(0.9)
    prob[40:53, 20:240] = 0.0
    prob[140:153, 20:240] = 0.95  # the only line is on another row
    assert not _boxed_near(boxes_from_prob(prob, PARAMS), 330, 50)


def _quad(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64)


def test_a_glyph_at_a_vertical_lines_end_joins_it() -> None:
    quads = np.stack([_quad(100, 138, 152, 556), _quad(108, 112, 142, 141), _quad(300, 100, 500, 140)])
    out, scores = join_column_ends(quads, np.array([0.9, 0.8, 0.7]))
    assert len(out) == 2
    assert np.allclose(out[0], _quad(100, 112, 152, 556)) and np.allclose(out[1], quads[2])
    assert list(scores) == [0.9, 0.7]


@pytest.mark.parametrize(
    "piece",
    [
        (108, 60, 142, 89),  # a word space and more above the line: a word of its own
        (160, 112, 194, 141),  # beside the column, not on it
        (60, 112, 200, 141),  # a level word wider than the column
    ],
)
def test_other_boxes_near_a_vertical_line_stay_apart(piece: tuple[int, int, int, int]) -> None:
    quads = np.stack([_quad(100, 138, 152, 556), _quad(*piece)])
    out, _ = join_column_ends(quads, np.array([0.9, 0.8]))
    assert len(out) == 2 and np.allclose(out, quads)


def test_level_lines_are_never_joined() -> None:
    quads = np.stack([_quad(20, 40, 400, 70), _quad(20, 75, 60, 105), _quad(405, 40, 440, 70)])
    out, _ = join_column_ends(quads, np.ones(3))
    assert np.allclose(out, quads)


# --- the detector on drawn pages ---------------------------------------------------------------------

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))


@pytest.fixture(scope="module")
def detector(fast_detector):
    return fast_detector


def test_boxed_handwritten_answers_are_found_and_ticks_are_not() -> None:
    from boxed_answers import make_pages

    from ocrplug.model import PageImage
    from ocrplug.pipeline import Pipeline

    # Comic Neue Bold 52 px answers beside DejaVu Sans 40 px questions: main boxed 5 of the 6 answers.
    # The map's own lone rules (fast's db without its ink look) box every answer and no tick ...
    page = next(p for p in make_pages() if p.name == "DejaVuSans_ComicNeue-Bold_40_1.3")
    pipeline = Pipeline.from_preset("fast", ["renderers=[]", "detector.options.lone_glyphs=false"])
    regions = pipeline.detector.detect(PageImage(image=page.image, index=0, source=page.name, dpi=200))
    assert all(held(regions, a) for a in page.answers), [held(regions, a) for a in page.answers]
    assert not any(held(regions, t) for t in page.ticks)
    # ... and the whole fast pipeline, whose ink look also boxes the ticks (L13), writes each ticked box as
    # ticked and each other box as empty, with no junk read from a tick.
    text = Pipeline.from_preset("fast", ["renderers=[]"]).run(page.image).text
    words = text.split()
    boxes = [w for w in words if w in ("\u2610", "\u2611")]
    left = min(t[0] for t in page.ticks)  # the tick is in the left or the right of its row's two boxes
    expected = [b for t in page.ticks for b in (("\u2611", "\u2610") if t[0] == left else ("\u2610", "\u2611"))]
    assert boxes == expected, text
    assert [w for w in words if len(w) == 1 and w.isupper()] == list("ACDBAD"), text


def test_a_turned_captions_last_letter_stays_in_its_line(detector) -> None:
    from turned_captions import make_pages

    from ocrplug.model import PageImage

    # DejaVu Serif 44 px (benchmarks/turned_captions.py): with the join off the caption was boxed in 2 pieces,
    # its last letter apart. (DejaVu Sans 44 px is the one drawn caption of 12 still split at COLUMN_GAP 0: its
    # last letter stands off the line; 0.25 took it in but also joined a bar chart's labels to their bars.)
    name, image, caption, last = next(p for p in make_pages() if p[0] == "DejaVuSerif_44")
    regions = detector.detect(PageImage(image=image, index=0, source=name, dpi=200))
    on = [r.bbox for r in regions if r.bbox[1] < caption[3] and r.bbox[3] > caption[1]
          and r.bbox[0] < caption[2] and r.bbox[2] > caption[0]]
    assert len(on) == 1, on
    assert on[0][1] <= (last[1] + last[3]) / 2 <= on[0][3]
