"""Issue 24 item 2: a page turned by a small skew is written at its angle, line by line, heading included.

A fresh user's two-column page (10 pt body at 300 dpi, a heading, a footer) turned -2.5 degrees came out
with ``fast`` with its body at -2.51 but its heading at -3.09 and its footer at -2.31: ``db``'s box is the
minimum-area rectangle of the line's kernel in the probability map, and it leans with the glyphs at the
line's ends (the descender of ``Meeting``), at ``max_side`` 1024 (``swift``) body lines too. The ``db``
detector now turns each box long enough to measure to the direction of its ink
(:func:`ocrplug.words.ink_directions`). The pages are drawn as benchmarks/small_skew.py draws them.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.geometry import quad_angle
from ocrplug.levelling import written_angle_deg
from ocrplug.model import PageImage, Region
from ocrplug.presets import preset_config
from ocrplug.words import ink_directions

FONT = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
HEADING = "Minutes of the March Meeting"
WORDS = "the survey found eleven broken windows near north gate and two open doors".split()
DPI = 300


def skewed_page(degrees: float) -> np.ndarray:
    """A two-column page (heading, 2 x 6 body lines, footer) turned ``degrees`` counter-clockwise, RGB."""
    if not FONT.exists():
        pytest.skip("fonts-noto-core is not installed")
    rng = random.Random(3)
    img = Image.new("L", (round(8.5 * DPI), round(4 * DPI)), 255)
    draw = ImageDraw.Draw(img)
    body = ImageFont.truetype(str(FONT), round(10 * DPI / 72))
    draw.text((210, 210), HEADING, font=ImageFont.truetype(str(FONT), round(16 * DPI / 72)), fill=0)
    col = (img.width - 540) // 2
    for c in range(2):
        for i in range(6):
            words: list[str] = []
            while body.getlength(" ".join([*words, w := rng.choice(WORDS)])) <= col:
                words.append(w)
            draw.text((210 + c * (col + 120), 360 + 62 * i), " ".join(words), font=body, fill=0)
    draw.text((210, img.height - 210), "Page 3 of 12", font=body, fill=0)
    turned = img.rotate(degrees, expand=True, fillcolor=255, resample=Image.BICUBIC)
    return np.asarray(turned.convert("RGB"))


@pytest.fixture(scope="module", params=["fast", "swift"])
def detector(request: pytest.FixtureRequest) -> object:
    return Pipeline.from_preset(request.param, ["renderers=[]"]).detector


@pytest.mark.parametrize("degrees", [-2.5, 1.5])
def test_db_boxes_run_along_their_ink(detector: object, degrees: float) -> None:
    image = skewed_page(degrees)
    regions = detector.detect(PageImage(image=image, index=0, source="skew"))  # type: ignore[attr-defined]
    assert len(regions) == 14
    for region in regions:
        assert -math.degrees(quad_angle(region.quad)) == pytest.approx(degrees, abs=0.3)


def test_ink_directions_measure_long_boxes_on_paper_only() -> None:
    image = skewed_page(-1.5)
    gray = image[..., 0]
    h, w = gray.shape
    # A level box across the body rows (7 times as long as high) is measured; a square box and a photo are not.
    top, bottom = 0.3 * h, 0.6 * h
    whole = np.array([[[0, top], [w, top], [w, bottom], [0, bottom]]], dtype=np.float64)
    square = np.array([[[0, top], [bottom - top, top], [bottom - top, bottom], [0, bottom]]], dtype=np.float64)
    assert -math.degrees(ink_directions(gray, whole)[0]) == pytest.approx(-1.5, abs=0.1)
    assert np.isnan(ink_directions(gray, square)[0])
    noise = np.random.default_rng(0).integers(0, 256, gray.shape, dtype=np.uint8)
    assert np.isnan(ink_directions(noise, whole)[0])


@pytest.fixture(scope="module")
def fast(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    out = tmp_path_factory.mktemp("fast")
    return Pipeline.from_dict(dict(preset_config("fast"), output={"dir": str(out)}, renderers=[]))


@pytest.mark.parametrize("degrees", [-2.5, 0.5])
def test_every_line_of_a_skewed_page_is_written_at_its_angle(fast: Pipeline, degrees: float) -> None:
    """Every line, heading and footer included, within 0.3 degrees of the page's turn; a line turned less
    than its level tolerance (``level_tolerance_deg``: ``LEVEL_ANGLE_DEG``, less for a long line) is
    written level."""
    page = fast.run(skewed_page(degrees)).pages[0]
    assert page.lines[0].text == HEADING
    assert page.lines[-1].text == "Page 3 of 12"
    for line in page.lines:
        angle = -math.degrees(quad_angle(line.quad))
        # What the renderers write (level within the line's level tolerance: at most LEVEL_ANGLE_DEG,
        # less for a long line), for the line as found and as it lies on the page.
        want = written_angle_deg(degrees, quad=line.quad)
        written = written_angle_deg(angle, quad=line.quad)
        assert written == pytest.approx(want, abs=0.3), (line.text, angle)


def _row_boxes(degrees: float, image: np.ndarray) -> np.ndarray:
    """Boxes around the body rows of :func:`skewed_page` drawn at ``degrees`` (counter-clockwise), as if a
    detector had found them: the rows' centres found from the ink, each box 1800 x 48 px."""
    gray = image[..., 0]
    h, w = gray.shape
    a = -math.radians(degrees)  # y down
    u, n = np.array([math.cos(a), math.sin(a)]), np.array([-math.sin(a), math.cos(a)])
    ys, xs = np.nonzero(gray < 128)
    across = (np.stack([xs, ys], axis=1) - (w / 2, h / 2)) @ n
    counts = np.bincount(np.round(across - across.min()).astype(int))
    rows = [k for k in range(2, len(counts) - 2) if counts[k] == counts[k - 2 : k + 3].max() and counts[k] > 0.5 * counts.max()]
    centres = [np.array([w / 2, h / 2]) + (k + across.min()) * n for k in rows]
    return np.array([[c - 900 * u - 24 * n, c + 900 * u - 24 * n, c + 900 * u + 24 * n, c - 900 * u + 24 * n] for c in centres])


@pytest.mark.parametrize(("degrees", "turned"), [(-2.5, True), (0.0, False)])
def test_db_turns_its_boxes_to_the_ink_on_skewed_pages_only(degrees: float, turned: bool) -> None:
    """Boxes leaning 0.7 degrees off their rows: turned to the ink on a skewed page; on a level page (a
    form scanned straight) the ink's own noise would only add to the boxes', and they stay as found."""
    from ocrplug_db.detector import _turned_to_ink

    image = skewed_page(degrees)
    boxes = _row_boxes(degrees + 0.7, image)
    assert len(boxes) >= 3
    regions = [Region(quad=tuple(map(tuple, b)), level="line") for b in boxes]
    out = _turned_to_ink(PageImage(image=image, index=0, source="skew"), regions)
    for before, after in zip(regions, out, strict=True):
        if turned:
            assert -math.degrees(quad_angle(after.quad)) == pytest.approx(degrees, abs=0.1)
        else:
            assert after is before
