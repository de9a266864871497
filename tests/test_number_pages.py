"""Issue 24, o7: a page whose only text is numbers, one per line in one column, is not turned.

Before, the orientation step turned such pages by 90 degrees (``fast``, ``accurate``, ``swift``): a lone
``1``, ``3`` or ``7`` is taller than wide, and so is a detector box of two or three stacked numbers, so
these short regions voted for text running down the page; and digits never settle the reading cascade,
so 90 and 270 were compared with each other only. The pages come from benchmarks/orientation.py's
generator (:func:`number_pages`: a column ``1`` .. ``20``, a receipt-like column of prices, a list beside
a short label, a short list).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.model import PageImage, Region
from ocrplug.orientation import detect_orientation, rotate_image, sample_lines
from ocrplug.presets import preset_config

ROOT = Path(__file__).resolve().parents[1]
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _bench():
    spec = importlib.util.spec_from_file_location("orientation_bench", ROOT / "benchmarks" / "orientation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def pages() -> dict[str, np.ndarray]:
    try:
        return _bench().number_pages()
    except OSError as exc:  # a font not installed
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def pipelines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pipeline]:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("rapidocr")
    out = tmp_path_factory.mktemp("numbers")
    return {
        name: Pipeline.from_dict(dict(preset_config(name), output={"dir": str(out / name)}, renderers=[]))
        for name in ("fast", "accurate", "swift")
    }


@pytest.mark.parametrize("name", ["column", "prices", "labelled", "short"])
@pytest.mark.parametrize("preset", ["fast", "accurate", "swift"])
def test_an_upright_page_of_numbers_is_not_turned(
    pipelines: dict[str, Pipeline], pages: dict[str, np.ndarray], preset: str, name: str
) -> None:
    page = pipelines[preset].run(pages[name]).pages[0]
    assert page.orientation == 0, page.text


@pytest.mark.parametrize("name", ["column", "prices"])
@pytest.mark.parametrize("preset", ["fast", "accurate"])
def test_a_page_of_numbers_upside_down_is_turned_180(
    pipelines: dict[str, Pipeline], pages: dict[str, np.ndarray], preset: str, name: str
) -> None:
    page = pipelines[preset].run(rotate_image(pages[name], 180)).pages[0]
    assert page.orientation == 180, page.text


class SameReader:
    """Reads every crop as ``7`` with confidence 0.99, whatever the frame: only the axis decides."""

    def __call__(self, page: PageImage, regions: Sequence[Region]) -> list[Region]:
        return [r.with_(text="7", confidence=0.99) for r in regions]


def test_lone_glyphs_and_stacked_rows_do_not_vote_for_a_turn() -> None:
    # No model: digits drawn one per line, boxed as a detector does (each alone, ``3`` over ``4`` as one
    # tall box). A lone digit is taller than wide, and so is the pair: before, they voted the page turned.
    if not DEJAVU.exists():
        pytest.skip(f"{DEJAVU} is not installed")
    face = ImageFont.truetype(str(DEJAVU), 31)
    img = Image.new("L", (400, 700), 255)
    draw = ImageDraw.Draw(img)
    regions = []
    for k, text in enumerate(["1", "2", "3", "4", "5", "6", "7"]):
        x0, y0, x1, y1 = draw.textbbox((60, 40 + 80 * k), text, font=face)
        draw.text((60, 40 + 80 * k), text, font=face, fill=0)
        regions.append(Region.from_box(x0 - 1, y0 - 1, x1 + 1, y1 + 1, level="line"))
    pair = Region.from_box(regions[2].bbox[0], regions[2].bbox[1], regions[3].bbox[2], regions[3].bbox[3], level="line")
    found = [*regions[:2], pair, *regions[4:]]
    image = np.asarray(img.convert("RGB"))
    assert sample_lines(found)[1]  # by shape alone the text runs down the page
    page = PageImage(image=image, index=0, source="t")
    assert detect_orientation(page, found, SameReader()).angle == 0
    assert not sample_lines(found, 8, image)[1]


def test_a_photo_of_turned_signs_is_still_turned() -> None:
    """The vote's ink tests (lone glyphs, glyph stacks) are for text on paper: on a photo of signs turned
    90 degrees (ICDAR 2015 test image 20) they took the turned words for lone glyphs and the page was read
    unturned (8 of its 10 words lost); a photo's regions vote by their shapes alone."""
    import cv2

    from tests.conftest import shared_path

    image = cv2.imread(str(shared_path("eval", "icdar2015", "images", "img_20.jpg")))
    pipeline = Pipeline.from_dict(dict(preset_config("fast"), renderers=[]))
    page = pipeline.run(cv2.cvtColor(image, cv2.COLOR_BGR2RGB)).pages[0]
    assert page.orientation == 90, [line.text for line in page.lines]
    assert "CLASSROOMS" in [word for line in page.lines for word in (line.text or "").split()]
