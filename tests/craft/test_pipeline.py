"""The `craft` detector through the pipeline, as a user configures it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch

from ocrplug.errors import OcrplugError, WeightsError
from ocrplug.pipeline import Pipeline
from tests.craft import vectors


def test_pipeline_with_craft_and_refiner_gives_lines_with_words(tmp_path) -> None:
    craft, refiner = vectors.lite_networks()
    torch.save({f"module.{k}": v for k, v in craft.state_dict().items()}, tmp_path / "c.pth")
    torch.save(refiner.state_dict(), tmp_path / "r.pth")
    options = {
        "weights": str(tmp_path / "c.pth"),
        "refiner": True,
        "refiner_weights": str(tmp_path / "r.pth"),
        "link_threshold": 1.0,
        "canvas_size": 224,
        "device": "cpu",
    }
    pipeline = Pipeline.from_dict({"detector": {"name": "craft", "options": options}, "recognizer": None})
    image = cv2.cvtColor(cv2.imread(str(vectors.vector_path("img_small_300x200.png"))), cv2.COLOR_BGR2RGB)
    document = pipeline.run(image)
    page = document.pages[0]
    assert (page.width, page.height) == (300, 200)
    # The host layout puts the refiner's lines (with craft's words inside) into blocks.
    assert page.lines and all(r.level == "block" for r in page.regions)
    assert page.words and all(w.level == "word" for line in page.lines for w in line.children)
    assert document.to_dict()["pages"][0]["regions"][0]["children"][0]["level"] == "line"


def test_pipeline_reports_missing_weights_and_unknown_options(tmp_path, monkeypatch, no_wheel) -> None:
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path))
    # Components are built where pages are processed; missing weights stop the run with their error
    # (no page could succeed), which names the file to put in place.
    with pytest.raises(WeightsError, match=r"craft_mlt_25k\.pth"):
        Pipeline.from_dict({"detector": {"name": "craft"}, "recognizer": None}).run(np.zeros((40, 60, 3), np.uint8))
    with pytest.raises(OcrplugError, match="text_treshold"):
        Pipeline.from_dict({"detector": {"name": "craft", "options": {"text_treshold": 0.5}}})
