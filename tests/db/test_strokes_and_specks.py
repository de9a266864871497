"""db post-processing, issue 24 (T4's faults): thin upright strokes on a text row are kept by their shape,
isolated specks are dropped (``speck_isolation``). Synthetic probability maps, map pixels."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from ocrplug_db.detector import DbOptions
from ocrplug_db.postprocess import DbParams, boxes_from_prob
from PIL import Image, ImageDraw, ImageFont

from ocrplug.manager import PluginHost
from ocrplug.model import PageImage

ON = DbParams(lone_aspect=2.5, speck_isolation=20.0)


def _line(prob: np.ndarray, y: int, x0: int = 20, x1: int = 300, height: int = 26) -> None:
    prob[y : y + height, x0:x1] = 0.95


def _centres(boxes: list) -> list[tuple[int, int]]:
    return sorted((round(float(b.quad[:, 0].mean())), round(float(b.quad[:, 1].mean()))) for b in boxes)


def _near(boxes: list, x: float, y: float, tol: float = 8) -> bool:
    return any(abs(cx - x) <= tol and abs(cy - y) <= tol for cx, cy in _centres(boxes))


@pytest.mark.parametrize(("width", "height", "value", "line"),
                         [(2, 13, 0.39, 26), (4, 25, 0.58, 26), (5, 11, 0.59, 20), (3, 20, 0.45, 30)])
def test_a_faint_thin_stroke_on_a_text_row_is_kept(width: int, height: int, value: float, line: int) -> None:
    # the kernels T4's pages gave: a 300-dpi sans l (2 x 13 px at 0.39), a lone I (4 x 25, 0.58), toc_leaders'
    # 1 at max_side 1024 (5 x 11, 0.59); all under box_thresh 0.6, the l under DB's 3 px size floor
    prob = np.zeros((300, 600), np.float32)
    _line(prob, 40, height=line)
    top = 40 + (line - height) // 2
    prob[top : top + height, 450 : 450 + width] = value  # the answer, far right on the row
    prob[200 : 200 + height, 450 : 450 + width] = value  # the same stroke on an empty row: no text
    boxes = boxes_from_prob(prob, ON)
    assert _near(boxes, 450 + width / 2, top + height / 2), _centres(boxes)
    assert not _near(boxes, 450 + width / 2, 200 + height / 2, 20), _centres(boxes)
    assert len(boxes) == 2
    stroke = next(b for b in boxes if b.quad[:, 0].mean() > 400)
    assert np.ptp(stroke.quad[:, 1]) >= line  # the faint stroke's box spans its row, not its kernel alone
    assert np.ptp(stroke.quad[:, 0]) <= width + 6
    # DB's rule alone (and main before): the stroke is dropped
    assert len(boxes_from_prob(prob, DbParams())) == 1


def test_a_faint_round_blob_on_a_text_row_is_not_a_stroke() -> None:
    prob = np.zeros((300, 600), np.float32)
    _line(prob, 40)
    prob[45:57, 450:462] = 0.45  # a round faint blob, glyph-sized: a speck's probability
    prob[45:70, 500:514] = 0.45  # a faint blob twice as tall as wide: no thin stroke either
    assert len(boxes_from_prob(prob, ON)) == 1


def test_long_faint_rules_beside_text_are_not_strokes() -> None:
    prob = np.zeros((400, 600), np.float32)
    _line(prob, 40)
    prob[10:300, 400:403] = 0.45  # a table's vertical rule crossing the row: far taller than the line
    assert len(boxes_from_prob(prob, ON)) == 1


def test_isolated_specks_are_dropped_and_punctuation_beside_text_is_kept() -> None:
    prob = np.zeros((800, 800), np.float32)
    _line(prob, 40, 20, 300)
    prob[52:58, 304:310] = 0.95  # a full stop just after the line (its own kernel)
    prob[120:128, 400:407] = 0.95  # a colon's dots beside a word on the next row
    prob[136:144, 400:407] = 0.95
    _line(prob, 118, 200, 390)
    specks = [(500, 400), (650, 600), (120, 700)]  # confident 8 x 9 px blobs far from any text
    for x, y in specks:
        prob[y : y + 9, x : x + 8] = 0.95
    plain = boxes_from_prob(prob, DbParams(lone_aspect=2.5))
    ruled = boxes_from_prob(prob, ON)
    assert all(_near(plain, x + 4, y + 4.5) for x, y in specks)  # DB keeps them
    assert not any(_near(ruled, x + 4, y + 4.5) for x, y in specks), _centres(ruled)
    assert _near(ruled, 307, 55) and _near(ruled, 403.5, 124) and _near(ruled, 403.5, 140), _centres(ruled)
    assert len(ruled) == len(plain) - len(specks)


def test_a_run_of_small_glyphs_far_from_text_is_kept() -> None:
    prob = np.zeros((800, 800), np.float32)
    _line(prob, 40)
    for x in (380, 392, 404):  # "- 7 -" at a page's foot: three small kernels side by side
        prob[600:610, x : x + 7] = 0.95
    assert len(boxes_from_prob(prob, ON)) == 4


def test_an_isolated_glyph_larger_than_a_speck_is_kept() -> None:
    prob = np.zeros((800, 800), np.float32)
    _line(prob, 40)
    prob[600:624, 380:396] = 0.95  # a page number far below the text: 24 px kernel, not a speck
    prob[300:309, 600:606] = 0.95  # a speck
    boxes = boxes_from_prob(prob, ON)
    assert _near(boxes, 388, 612) and not _near(boxes, 603, 304.5)


def test_a_page_of_scattered_specks_alone_gives_no_box() -> None:
    rng = np.random.default_rng(3)
    prob = np.zeros((1100, 850), np.float32)
    for gy in range(8):  # one speck in each cell of an 8 x 6 grid, placed at random inside it
        for gx in range(6):
            x, y = gx * 140 + int(rng.integers(10, 100)), gy * 135 + int(rng.integers(10, 100))
            prob[y : y + int(rng.integers(4, 10)), x : x + int(rng.integers(4, 10))] = float(rng.uniform(0.7, 1.0))
    assert len(boxes_from_prob(prob, DbParams(lone_aspect=2.5))) > 0
    assert boxes_from_prob(prob, ON) == []


def test_detector_defaults_turn_both_rules_on_and_validate() -> None:
    assert DbOptions().speck_isolation > 0 and DbOptions().lone_aspect > 0
    assert DbOptions(speck_isolation=0).speck_isolation == 0
    with pytest.raises(ValueError, match="speck_isolation"):
        DbOptions(speck_isolation=-1)


@pytest.mark.parametrize(("x", "size"), [(380, (9, 8)), (560, (7, 7)), (760, (9, 5))])
def test_a_small_kernel_far_right_on_a_label_row_is_an_answer_not_a_speck(x: int, size: tuple[int, int]) -> None:
    # A one-character answer far right of its label (``Rate: %`` at 10 pt, 300 dpi, max_side 1024: the
    # answer's kernel 7-9 px, 25-60 of its heights from the label's): on the label's row, not a speck.
    prob = np.zeros((800, 900), np.float32)
    _line(prob, 100, 40, 150, height=12)  # the label's kernel
    h, w = size
    prob[106 - h // 2 : 106 - h // 2 + h, x : x + w] = 0.95
    prob[500:509, 600:608] = 0.95  # a speck on no text row
    boxes = boxes_from_prob(prob, ON)
    assert _near(boxes, x + w / 2, 106 - h // 2 + h / 2), _centres(boxes)
    assert not _near(boxes, 604, 504.5), _centres(boxes)


def test_a_dot_on_a_text_row_much_smaller_than_the_text_is_still_a_speck() -> None:
    prob = np.zeros((800, 900), np.float32)
    _line(prob, 100, 40, 300, height=26)
    prob[110:114, 700:704] = 0.95  # a 4 px dust dot level with the line, 100 heights away
    assert not _near(boxes_from_prob(prob, ON), 702, 112)


@pytest.mark.parametrize("font", ["/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf",
                                  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"])
def test_lone_answers_of_a_300_dpi_label_page_are_found_at_max_side_1024(font: str) -> None:
    # T5's page through ``swift`` (db at max_side 1024): every far answer was dropped as a speck.
    if importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec("rapidocr") is None:
        pytest.skip("the db extra (onnxruntime, rapidocr) is not installed: pip install 'ocrplug[db]'")
    if not Path(font).is_file():
        pytest.skip(f"font not installed: {font}")
    face = ImageFont.truetype(font, 42)  # 10 pt at 300 dpi
    img = Image.new("RGB", (2550, 1500), "white")
    draw = ImageDraw.Draw(img)
    answers = [("Rate", "%"), ("Grade", "X"), ("Room", "7"), ("Code", "0"), ("Mark", "x")]
    for k, (label, answer) in enumerate(answers):
        y = 150 + 240 * k
        draw.text((180, y), label, fill="black", font=face)
        draw.text((int((0.35 + 0.12 * k) * 2550), y), answer, fill="black", font=face)
    spec = PluginHost().components("detector")["db"]
    detector = spec.build(spec.options(threads=1, max_side=1024))
    regions = detector.detect(PageImage(image=np.asarray(img), index=0, source="test"))
    assert len(regions) == 2 * len(answers)
