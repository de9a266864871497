"""The ppocr recognizer: CTC decoding, and the PP-OCR model shipped in rapidocr on drawn text."""

from __future__ import annotations

import numpy as np
import pytest

from ocrplug.errors import ConfigError, WeightsError
from ocrplug.geometry import order_quad
from ocrplug.model import PageImage, Region

from .conftest import draw_line, paste_rotated


def _onehot(seq: list[int], classes: int = 5, p: float = 0.9) -> np.ndarray:
    probs = np.full((len(seq), classes), (1 - p) / (classes - 1), np.float32)
    probs[np.arange(len(seq)), seq] = p
    return probs


def test_ctc_greedy_collapses_repeats_and_drops_blanks():
    from ocrplug_ppocr.recognizer import ctc_greedy

    table = ["", "a", "b", "c", " "]
    probs = np.stack([_onehot([1, 1, 0, 1, 2, 2, 4, 3, 0]), _onehot([0, 0, 3, 3, 3, 0, 0, 0, 0])])
    first, second = ctc_greedy(probs, table)
    assert first.text == "aab c" and first.steps == (0, 3, 4, 6, 7)
    assert second.text == "c" and abs(second.confidence - 0.9) < 1e-6
    (cut,) = ctc_greedy(probs[:1], table, lengths=[4])
    assert cut.text == "aa"
    (empty,) = ctc_greedy(_onehot([0, 0, 0])[None], table)
    assert empty.text == "" and empty.confidence == 0.0


def test_dictionary_must_match_the_model(tmp_path):
    from ocrplug_ppocr.recognizer import load_characters

    assert load_characters({"character": "a\nb"}, None, 4) == ["", "a", "b", " "]
    with pytest.raises(WeightsError, match="outputs 5 classes"):
        load_characters({"character": "a\nb"}, None, 5)
    path = tmp_path / "dict.txt"
    path.write_text("x\ny\nz\n", encoding="utf-8")
    assert load_characters({}, str(path), 5)[1:4] == ["x", "y", "z"]
    with pytest.raises(WeightsError, match="dict_path"):
        load_characters({}, None, 5)


@pytest.fixture(scope="module")
def ppocr():
    pytest.importorskip("onnxruntime")
    pytest.importorskip("rapidocr")
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer

    return PPOCRRecognizer(PPOCRRecognizerOptions(threads=1))


def _page(canvas: np.ndarray) -> PageImage:
    return PageImage(image=canvas, index=0, source="synthetic")


def test_reads_lines_and_words_with_boxes(ppocr):
    canvas = np.full((260, 700, 3), 255, np.uint8)
    texts = ["Invoice total 42.50", "shipped to Berlin"]
    quads = [paste_rotated(canvas, draw_line(t), (350, 70 + 110 * k), 0) for k, t in enumerate(texts)]
    word = paste_rotated(canvas, draw_line("Hello", 20), (600, 220), 0)
    regions = [Region(quad=q, level="line") for q in quads] + [Region(quad=word, level="word")]
    out = ppocr.recognize(_page(canvas), regions)
    assert [r.text for r in out] == [*texts, "Hello"]
    assert all(0.8 < r.confidence <= 1 for r in out)
    first = out[0]
    assert [w.text for w in first.children] == ["Invoice", "total", "42.50"]
    lefts = [w.bbox[0] for w in first.children]
    assert lefts == sorted(lefts)
    x0, x1 = quads[0][:, 0].min(), quads[0][:, 0].max()
    assert all(x0 - 5 <= w.bbox[0] < w.bbox[2] <= x1 + 5 for w in first.children)
    assert out[2].children == ()


def test_batch_size_does_not_change_results(ppocr):
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer

    canvas = np.full((60 * 6, 900, 3), 255, np.uint8)
    texts = ["a", "two words", "a somewhat longer line of text", "short", "mid length line", "x y z"]
    regions = [
        Region(quad=paste_rotated(canvas, draw_line(t, 24), (450, 30 + 60 * k), 0), level="line")
        for k, t in enumerate(texts)
    ]
    one = PPOCRRecognizer(PPOCRRecognizerOptions(threads=1, batch_size=1)).recognize(_page(canvas), regions)
    many = ppocr.recognize(_page(canvas), regions)
    # Padding inside a batch can shift a borderline space (the model mixes context across the line),
    # so compare readings loosely: nearly all identical, and right either way.
    assert sum(a.text == b.text for a, b in zip(one, many, strict=True)) >= 5
    for result in (one, many):
        assert sum(r.text == t for r, t in zip(result, texts, strict=True)) >= 5


def test_vertical_line_is_turned_and_blank_reads_empty(ppocr):
    canvas = np.full((600, 300, 3), 255, np.uint8)
    corners = paste_rotated(canvas, draw_line("Vertical text"), (150, 300), 90)
    blank = Region.from_box(5, 5, 120, 40, level="line")
    out = ppocr.recognize(_page(canvas), [Region(quad=order_quad(corners), level="line"), blank])
    assert out[0].text == "Vertical text" and out[0].attributes["rotation"] in (90, 270)
    assert (out[1].text, out[1].confidence) == ("", 0.0)


def test_missing_model_file_is_a_config_error(tmp_path):
    pytest.importorskip("onnxruntime")
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer

    with pytest.raises(ConfigError, match="ppocr option 'model'"):
        PPOCRRecognizer(PPOCRRecognizerOptions(model=str(tmp_path / "nope.onnx")))
