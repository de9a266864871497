"""The default pipeline on real page layouts: turned pages, columns, spaces (issue 14)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Document, Pipeline
from ocrplug.orientation import rotate_image, to_original, to_upright

from .conftest import shared_path

ROOT = Path(__file__).resolve().parent.parent
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
CASE_LINES = ["Invoice 4711 ACME Ltd", "Delivery of 12 widgets", "Total amount 345.67 EUR", "Payment due 2026-12-31"]


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("rapidocr")
    return Pipeline.from_dict({"detector": "db", "recognizer": {"name": "ppocr", "options": {"threads": 1}}}).build()


def _ink_under(image: np.ndarray, bbox: tuple[float, float, float, float]) -> float:
    x0, y0, x1, y1 = (round(v) for v in bbox)
    patch = image[max(y0, 0) : y1, max(x0, 0) : x1]
    return float((patch.min(axis=2) < 128).mean()) if patch.size else 0.0


@pytest.mark.parametrize("extra", [0, 180])
@pytest.mark.parametrize("case", ["page_rot90.png", "page_rot180.png"])
def test_turned_pages_read_upright_in_original_coordinates(pipeline: Pipeline, case: str, extra: int) -> None:
    # The two shared cases, and each turned a further 180 degrees (giving 270 and 0).
    image = rotate_image(np.asarray(Image.open(shared_path("cases", case)).convert("RGB")), extra)
    page = pipeline.run(image).pages[0]
    assert page.text.splitlines() == CASE_LINES
    assert page.orientation == ({"page_rot90.png": 90, "page_rot180.png": 180}[case] + extra) % 360
    assert (page.width, page.height) == (image.shape[1], image.shape[0])
    # Word boxes are in the frame of the image as given: each lies over ink there.
    for word in page.words:
        assert _ink_under(image, word.bbox) > 0.02, word.text
    # The JSON result carries the angle.
    back = Document.from_json(Document(source="x", pages=(page,)).to_json())
    assert back.pages[0].orientation == page.orientation


def test_orientation_none_reads_the_page_as_given(pipeline: Pipeline) -> None:
    image = np.asarray(Image.open(shared_path("cases", "page_rot180.png")).convert("RGB"))
    config = {"detector": "db", "recognizer": {"name": "ppocr", "options": {"threads": 1}}}
    page = Pipeline.from_dict({**config, "input": {"orientation": "none"}}).run(image).pages[0]
    assert page.orientation == 0
    assert "Invoice 4711" not in page.text


@pytest.mark.parametrize("angle", [0, 90, 180, 270])
def test_frame_maps_are_inverse(angle: int) -> None:
    pts = np.array([[0.0, 0.0], [10.5, 3.0], [99.0, 49.0]])
    up = to_upright(pts, angle, 100, 50)
    assert np.allclose(to_original(up, angle, 100, 50), pts)
    turned = rotate_image(np.zeros((50, 100, 3), np.uint8), angle)
    assert up.max(axis=0)[0] <= turned.shape[1] and up.max(axis=0)[1] <= turned.shape[0]


def test_sample_pdf_reads_with_its_spaces(pipeline: Pipeline) -> None:
    text = pipeline.run(ROOT / "examples" / "sample.pdf").text
    assert "filters for" in text
    assert "Invoice 2041 total 318.40 EUR" in text
    assert "four bar" in text


def test_two_column_page_reads_column_by_column(pipeline: Pipeline) -> None:
    if not FONT.exists():
        pytest.skip("fonts-dejavu-core is not installed")
    left = ["the pump was checked", "on a monday and it", "held steady all day", "at four bar again"]
    right = ["replace the worn seal", "of the east valve", "before the first", "frost of the winter"]
    img = Image.new("RGB", (1000, 420), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 30)
    draw.text((40, 20), "Station report for the north", font=font, fill="black")
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        draw.text((40, 110 + 70 * i), a, font=font, fill="black")
        draw.text((520, 110 + 70 * i), b, font=font, fill="black")
    page = pipeline.run(np.asarray(img)).pages[0]
    assert page.text.splitlines() == ["Station report for the north", *left, *right]
    assert len(page.regions) >= 2  # the columns are blocks of their own


def test_searchable_pdf_of_a_turned_page_puts_words_over_their_ink(tmp_path: Path) -> None:
    import re
    import shutil
    import subprocess

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    case = shared_path("cases", "page_rot180.png")
    image = np.asarray(Image.open(case).convert("RGB"))
    config = {"detector": "db", "recognizer": {"name": "ppocr", "options": {"threads": 1}}, "renderers": ["pdf"]}
    Pipeline.from_dict({**config, "output": {"dir": str(tmp_path)}}).run(case)
    pdf = tmp_path / "page_rot180.pdf"
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    assert page is not None
    scale = image.shape[1] / float(page.group(1))
    words = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', html)
    found = {text: [float(v) * scale for v in box] for *box, text in words}
    assert {"Invoice", "4711", "widgets", "345.67"} <= set(found)
    for text in ("Invoice", "widgets", "345.67"):
        assert _ink_under(image, tuple(found[text])) > 0.05, text  # type: ignore[arg-type]
    # Upside down: the first line of the text is at the bottom of the original image.
    assert found["Invoice"][1] > found["widgets"][1]
