"""The confidence cascade: which lines go to the second reader, what is kept, and bad configs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ocrplug.cascade import CascadeOptions, CascadeRecognizer
from ocrplug.errors import ConfigError
from ocrplug.model import PageImage, Region

from .conftest import draw_line

pytest.importorskip("tesserocr")


def _page() -> tuple[PageImage, list[Region]]:
    """A white page with a clean printed line and a blank strip (read as nothing by both readers)."""
    line = draw_line("Invoice number 4711", height=32)
    h, w = line.shape[:2]
    canvas = np.full((h + 80, w + 40, 3), 255, np.uint8)
    canvas[10 : 10 + h, 20 : 20 + w] = line
    regions = [
        Region.from_box(20, 10, 20 + w, 10 + h, level="line"),
        Region.from_box(20, h + 30, 20 + w, h + 70, level="line"),
    ]
    return PageImage(canvas, 0, "cascade-test"), regions


@pytest.fixture(scope="module")
def built() -> dict[float, CascadeRecognizer]:
    return {t: CascadeRecognizer(CascadeOptions(threshold=t)) for t in (0.0, 1.0)}


def test_threshold_zero_keeps_every_confident_first_reading(built) -> None:
    page, regions = _page()
    out = built[0.0].recognize(page, regions)
    assert len(out) == 2
    assert out[0].attributes["reader"] == "tesseract" and "first_confidence" not in out[0].attributes
    assert "4711" in out[0].text
    # A line the first reader reads as nothing always goes to the second (which reads nothing too).
    assert out[1].text == "" and "first_confidence" in out[1].attributes


def test_threshold_one_sends_every_line_to_the_second_reader(built) -> None:
    page, regions = _page()
    out = built[1.0].recognize(page, regions)
    assert out[0].attributes["reader"] == "ppocr"
    assert out[0].attributes["first_confidence"] < 1.0
    assert "Invoice" in out[0].text and "4711" in out[0].text


def test_the_reader_is_written_per_line_in_the_json(tmp_path: Path) -> None:
    import json

    import cv2

    from ocrplug.cli import main

    page, _ = _page()
    image = tmp_path / "line.png"
    cv2.imwrite(str(image), page.image[:, :, ::-1])
    out = tmp_path / "out"
    args = ["run", "--no-progress", "-o", str(out), str(image), "--set", "recognizer.name=cascade",
            "--set", "recognizer.options.threshold=1.0", "--set", "input.orientation=none"]
    assert main(args) == 0
    data = json.loads((out / "line.json").read_text(encoding="utf-8"))
    readers = []

    def walk(node: dict) -> None:
        if node.get("level") == "line":
            readers.append(node.get("attributes", {}).get("reader"))
        for child in node.get("children", []):
            walk(child)

    for p in data["pages"]:
        for region in p["regions"]:
            walk(region)
    assert readers and set(readers) == {"ppocr"}


def test_unknown_reader_and_bad_options_name_the_key() -> None:
    with pytest.raises(ConfigError, match=r"recognizer\.options\.second"):
        CascadeRecognizer(CascadeOptions(second="no-such-reader"))
    with pytest.raises(ConfigError, match=r"recognizer\.options\.first\.options"):
        CascadeRecognizer(CascadeOptions(first={"name": "tesseract", "options": {"psm": 99}}))


def test_a_cascade_cannot_nest_a_cascade_and_threshold_is_bounded() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="another cascade"):
        CascadeOptions(first="cascade")
    with pytest.raises(ValidationError):
        CascadeOptions(threshold=1.5)
