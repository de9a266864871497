"""Issue 24 item 2 (E15): a steep line is written at its ink's angle, not its box's lean.

``accurate`` (craft's word boxes) wrote the one-word line ``Parking`` drawn at +50 degrees
(``benchmarks/steep_lines.py``) at 45.8: craft's box of a word leans with its ascenders and descenders
(``P``, ``k`` at one end, ``g`` at the other), and a line of one word has no other word to set its
direction. :func:`ocrplug.levelling.fit_steep_lines` turns each steep line's box to its ink's direction
after layout. Figures in docs/benchmarks.md ("Mirrored pages and steep lines' angles from their ink").
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.geometry import quad_angle
from ocrplug.levelling import fit_steep_lines, ink_angle, written_angle_deg
from ocrplug.model import Region
from ocrplug.presets import preset_config

FONTS = Path("/usr/share/fonts/truetype/")


def _written(line: Region) -> float:
    """The angle a renderer writes for ``line`` (degrees counter-clockwise, -180..180)."""
    w = written_angle_deg(-math.degrees(quad_angle(line.quad)), quad=line.quad)
    return w - 360.0 if w > 180.0 else w


def _draw(text: str, font: str, size: int, deg: float, canvas: int = 800) -> tuple[np.ndarray, np.ndarray]:
    """A white ``canvas``-px square page with ``text`` drawn level and turned ``deg`` counter-clockwise about
    the page's centre; the page (grey uint8) and the text's turned box (4 x 2, starting at its top-left)."""
    face = ImageFont.truetype(str(FONTS / font), size)
    left, top, right, bottom = face.getbbox(text)
    mask = Image.new("L", (right - left + 8, bottom - top + 8), 0)
    ImageDraw.Draw(mask).text((4 - left, 4 - top), text, font=face, fill=255)
    turned = mask.rotate(deg, expand=True, resample=Image.BICUBIC)
    page = Image.new("L", (canvas, canvas), 255)
    x, y = (canvas - turned.width) // 2, (canvas - turned.height) // 2
    page.paste(Image.new("L", turned.size, 0), (x, y), turned)
    w, h = mask.size
    rad = math.radians(deg)
    along, down = np.array([math.cos(rad), -math.sin(rad)]), np.array([math.sin(rad), math.cos(rad)])
    c = np.array([x + turned.width / 2, y + turned.height / 2])
    box = np.array([c + sx * w / 2 * along + sy * h / 2 * down for sx, sy in ((-1, -1), (1, -1), (1, 1), (-1, 1))])
    return np.asarray(page), box


def _leaning(box: np.ndarray, lean: float) -> Region:
    """A block of one line whose box is ``box`` turned ``lean`` degrees (counter-clockwise) about its centre."""
    c = box.mean(axis=0)
    r = math.radians(-lean)  # y down
    rot = np.array([[math.cos(r), -math.sin(r)], [math.sin(r), math.cos(r)]])
    quad = tuple(tuple(float(v) for v in (p - c) @ rot.T + c) for p in box)
    line = Region(quad=quad, level="line", text="x")  # type: ignore[arg-type]
    return Region(quad=line.quad, level="block", children=(line,))


@pytest.mark.parametrize(("text", "font", "deg", "lean"), [
    ("Parking", "noto/NotoSans-Regular.ttf", 50.0, -4.2),
    ("Tickets", "dejavu/DejaVuSerif.ttf", -55.0, 3.5),
    ("SALE", "liberation/LiberationSans-Bold.ttf", 25.0, 5.0),
    ("Family fun day", "freefont/FreeSans.ttf", -60.0, -4.2),
    ("jumping", "dejavu/DejaVuSans.ttf", 70.0, -6.0),
])
def test_a_steep_lines_box_leaning_off_its_text_is_turned_to_its_ink(text: str, font: str, deg: float, lean: float) -> None:
    gray, box = _draw(text, font, 52, deg)
    block = _leaning(box, lean)
    assert abs(_written(block.children[0]) - deg) > 3.0  # the box's lean, as craft's
    (fitted,) = fit_steep_lines(gray, [block])
    assert _written(fitted.children[0]) == pytest.approx(deg, abs=1.0)
    assert fitted.quad == fitted.children[0].quad  # a block of one line takes its box


def test_level_lines_and_photos_are_left_as_they_are() -> None:
    gray, box = _draw("Parking", "noto/NotoSans-Regular.ttf", 52, 6.0)
    level = _leaning(box, -4.0)  # 2 degrees: not steep
    assert fit_steep_lines(gray, [level]) == [level]
    gray, box = _draw("Parking", "noto/NotoSans-Regular.ttf", 52, 50.0)
    steep = _leaning(box, -4.0)
    noise = np.random.default_rng(0).integers(0, 256, gray.shape, dtype=np.uint8)  # no page of text on paper
    photo = np.where(gray < 128, gray, noise).astype(np.uint8)
    assert fit_steep_lines(photo, [steep]) == [steep]


def test_no_ink_in_the_box_tells_no_angle() -> None:
    gray = np.full((200, 200), 255, np.uint8)
    assert ink_angle(gray < 128, ((20.0, 100.0), (150.0, 30.0), (160.0, 50.0), (30.0, 120.0))) is None


def test_accurate_writes_a_one_word_steep_line_at_its_drawn_angle() -> None:
    # benchmarks/steep_lines.py's steep03: ``Parking`` (Noto Sans 52 px) at +50 degrees, written at 45.8 by main.
    gray, _box = _draw("Parking", "noto/NotoSans-Regular.ttf", 52, 50.0)
    page = Image.fromarray(gray)
    ImageDraw.Draw(page).text((400, 60), "Village Summer Fair", font=ImageFont.truetype(str(FONTS / "dejavu/DejaVuSans.ttf"), 40),
                              fill=0, anchor="mm")
    result = Pipeline.from_dict(preset_config("accurate")).run(np.asarray(page.convert("RGB")))
    lines = {ln.text: _written(ln) for ln in result.pages[0].lines}
    assert lines.get("Parking") == pytest.approx(50.0, abs=3.0), lines
