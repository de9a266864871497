"""Every offline detector finds the lines of a rendered page and the words/lines of a real image
(recall at IoU 0.5 under the ICDAR 2015 matching of `ocrplug eval`, asserted with a margin)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug.evaluation import GtRegion, load_annotation, score_detection
from ocrplug.manager import PluginHost
from ocrplug.model import PageImage

from .conftest import shared_path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
LINES = [
    "Invoice number 4471 dated March",
    "Payment is due within thirty days",
    "Please quote the number above",
    "Thank you for your business",
]


@pytest.fixture(scope="module")
def host() -> PluginHost:
    return PluginHost()


@pytest.fixture(scope="module")
def rendered() -> tuple[PageImage, list[GtRegion]]:
    if not FONT.exists():
        pytest.skip("fonts-dejavu-core is not installed")
    img = Image.new("RGB", (1100, 620), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(str(FONT), 38)
    gt = []
    for i, text in enumerate(LINES):
        x, y = 60 + 25 * i, 60 + 140 * i
        draw.text((x, y), text, font=font, fill="black")
        x0, y0, x1, y1 = draw.textbbox((x, y), text, font=font)
        gt.append(GtRegion(quad=((x0, y0), (x1, y0), (x1, y1), (x0, y1)), text=text))
    return PageImage(image=np.asarray(img), index=0, source="rendered"), gt


def _detector(host: PluginHost, name: str, **options):
    spec = host.components("detector")[name]
    return spec.build(spec.options(**options))


@pytest.mark.parametrize("name", ["db", "tesseract-layout"])
def test_detector_finds_the_lines_of_a_rendered_page(host: PluginHost, rendered, name: str) -> None:
    page, gt = rendered
    lines = [r for r in _detector(host, name).detect(page) if r.level == "line"]
    scores = score_detection(gt, lines, level="line")
    assert scores.recall >= 0.99 and scores.precision >= 0.75, scores.to_dict()


REAL = [
    # (detector, options, set, image stem, level, minimum recall): floors sit ~30% under measured values.
    ("db", {}, "sroie", "000", "line", 0.80),  # measured 1.0 (44 of 44)
    ("tesseract-layout", {"level": "word"}, "funsd", "82092117", "word", 0.15),  # measured 0.215
]


@pytest.mark.parametrize("name,options,dataset,stem,level,floor", REAL, ids=[r[0] for r in REAL])
def test_detector_on_a_real_image(host: PluginHost, name, options, dataset, stem, level, floor) -> None:
    folder = shared_path("eval", dataset)
    truth = load_annotation(folder / "annotations" / f"{stem}.json", folder / "images")
    with Image.open(truth.image_path) as img:
        page = PageImage(image=np.asarray(img.convert("RGB")), index=0, source=str(truth.image_path))
    found = _detector(host, name, **options).detect(page)
    regions = [r for reg in found for r, _ in reg.walk() if r.level == level]
    gt = list(truth.words if level == "word" else truth.lines)
    scores = score_detection(gt, regions, level=level)
    assert scores.recall >= floor, scores.to_dict()
