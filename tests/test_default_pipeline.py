"""The default pipeline runs offline with no weights to fetch and reads a rendered page."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.config import DEFAULT_CONFIG

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sample.pdf"
LINES = ["The quick brown fox jumps", "over the lazy dog near", "the river bank today"]


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    if not FONT.exists():
        pytest.skip("fonts-dejavu-core is not installed")
    img = Image.new("RGB", (1000, 400), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 40)
    for i, line in enumerate(LINES):
        draw.text((40, 40 + 110 * i), line, font=font, fill="black")
    return np.asarray(img)


def test_default_pipeline_reads_a_rendered_page(page: np.ndarray, tmp_path: Path) -> None:
    config = dict(DEFAULT_CONFIG, output={"dir": str(tmp_path)})
    doc = Pipeline.from_dict(config).run(page)
    words = {w.text for w in doc.pages[0].words}
    expected = {w for line in LINES for w in line.split()}
    assert len(expected & words) >= len(expected) - 1, words
    text = (tmp_path / "page.txt").read_text()
    assert "quick brown fox" in text and text.index("quick") < text.index("lazy") < text.index("river")


def test_default_pipeline_reads_word_detector_lines_whole(tmp_path: Path) -> None:
    # The default detector (craft) finds words; read line by line, the period of "318.40" and the
    # sentence-final periods (outside every word box) are read, and the words keep their own boxes.
    config = dict(DEFAULT_CONFIG, output={"dir": str(tmp_path)})
    page = Pipeline.from_dict(config).run(SAMPLE).pages[0]
    assert "Invoice 2041 total 318.40 EUR" in page.text
    assert "Order spare filters for the east station." in page.text
    words = [w.text for w in page.words]
    assert "318.40" in words and "station." in words
    line = next(ln for ln in page.lines if "318.40" in (ln.text or ""))
    assert len(line.children) == 5 and all(w.bbox[2] <= line.bbox[2] + 1 for w in line.children)
    # Read word by word (read_lines off), the default detector loses the period between "318" and "40".
    words_only = dict(config, layout={"read_lines": False})
    assert "318.40" not in Pipeline.from_dict(words_only).run(SAMPLE).text
