"""The default pipeline runs offline with no weights to fetch and reads a rendered page."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.config import DEFAULT_CONFIG

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
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
