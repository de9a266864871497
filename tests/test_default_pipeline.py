"""The default pipeline runs offline with no weights to fetch and reads a rendered page."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.config import DEFAULT_CONFIG
from ocrplug.presets import preset_config

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


def test_default_pipeline_reads_the_sample_with_its_spaces(tmp_path: Path) -> None:
    page = Pipeline.from_dict(dict(DEFAULT_CONFIG, output={"dir": str(tmp_path)})).run(SAMPLE).pages[0]
    assert "Invoice 2041 total 318.40 EUR" in page.text
    assert "Order spare filters for the east station." in page.text


def test_accurate_preset_reads_word_detector_lines_whole(tmp_path: Path) -> None:
    # The accurate preset's detector (craft) finds words; read line by line, the period of "318.40" and
    # the sentence-final periods (outside every word box) are read, and the words keep their own boxes.
    config = dict(preset_config("accurate"), output={"dir": str(tmp_path)})
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


@pytest.mark.parametrize(
    ("size", "text"),
    [
        ((3000, 40), "very long line " * 90),
        ((5500, 60), "Reading everything carefully, they kept going along the long winding way. " * 4),
    ],
)
def test_default_pipeline_reads_one_long_line_as_one_line(size: tuple[int, int], text: str, tmp_path: Path) -> None:
    # A single wide line (CRAFT boxes descender words a few degrees turned) is one line, left to right,
    # and no coordinate of the result leaves the page.
    if not FONT.exists():
        pytest.skip("fonts-dejavu-core is not installed")
    img = Image.new("RGB", size, "white")
    font = ImageFont.truetype(str(FONT), 30)
    ImageDraw.Draw(img).text((0, 2 if size[1] == 40 else 10), text, font=font, fill="black")
    # The words drawn whole inside the image (the text runs past its right edge).
    tokens = text.split()
    inside = [t for k, t in enumerate(tokens) if font.getlength(" ".join(tokens[: k + 1])) <= size[0]]
    page = Pipeline.from_dict(dict(DEFAULT_CONFIG, output={"dir": str(tmp_path)})).run(np.asarray(img)).pages[0]
    assert len(page.lines) == 1
    words = page.text.split()
    assert words[:4] == inside[:4]
    same = sum(a == b for a, b in zip(words, inside, strict=False))
    assert same >= 0.9 * len(inside), (words, inside)
    for region in [*page.lines, *page.words]:
        q = np.asarray(region.quad)
        assert (q >= 0).all() and (q[:, 0] <= size[0]).all() and (q[:, 1] <= size[1]).all()


def test_text_touching_the_page_edges_keeps_every_box_inside_the_page(tmp_path: Path) -> None:
    if not FONT.exists():
        pytest.skip("fonts-dejavu-core is not installed")
    img = Image.new("RGB", (1200, 800), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 30)
    draw.text((0, -4), "Topleft word", font=font, fill="black")
    draw.text((0, 770), "Bottom left.", font=font, fill="black")
    draw.text((1000, 770), "Corner.", font=font, fill="black")
    page = Pipeline.from_dict(dict(DEFAULT_CONFIG, output={"dir": str(tmp_path)})).run(np.asarray(img)).pages[0]
    assert "Bottom left." in page.text
    for region in [*page.regions, *page.lines, *page.words]:
        q = np.asarray(region.quad)
        assert (q >= 0).all() and (q[:, 0] <= 1200).all() and (q[:, 1] <= 800).all(), region
