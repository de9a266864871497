"""Detector + recognizer end to end through Pipeline.from_dict."""

from __future__ import annotations

import numpy as np
import pytest

from .conftest import draw_line

LINES = ["Pipelines read pages", "line by line with words", "and confidences 2026"]


def _page() -> np.ndarray:
    canvas = np.full((330, 900, 3), 255, np.uint8)
    for k, text in enumerate(LINES):
        patch = draw_line(text, 34)
        canvas[30 + 100 * k : 30 + 100 * k + patch.shape[0], 40 : 40 + patch.shape[1]] = patch
    return canvas


@pytest.mark.parametrize("recognizer", ["tesseract", "ppocr"])
def test_tesseract_layout_then_recognizer(recognizer):
    if recognizer == "ppocr":
        pytest.importorskip("onnxruntime")
        pytest.importorskip("rapidocr")
    from ocrplug.manager import PluginHost
    from ocrplug.pipeline import Pipeline

    host = PluginHost(extra_plugins=["ocrplug_inputs.plugin", "ocrplug_tesseract.plugin", "ocrplug_ppocr.plugin"])

    config = {
        "detector": {"name": "tesseract-layout"},
        "recognizer": {"name": recognizer, "options": {"threads": 1}},
    }
    doc = Pipeline.from_dict(config, host=host).run(_page())
    (page,) = doc.pages
    assert [line.text for line in page.lines] == LINES
    assert [w.text for w in page.words] == " ".join(LINES).split()
    assert all(0.5 < (w.confidence or 0) <= 1 for w in page.words)
    assert all(0 <= (line.score or 0) <= 1 for line in page.lines)
