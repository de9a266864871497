"""Issue 24 (last faults): lone capitalised words on a level page are level.

A label such as ``Quantity`` or ``Mark`` whose only row neighbour is a one-character answer far right of
it got a 0.8-2.2 degree tilt (hOCR ``textangle -1`` to ``-2.2``): db's box of a word that starts with a
capital leans with the letters' tops, and levelling asked for a longer level neighbour on the row, which
a one-glyph answer is not. The row's direction is the line through the two centres (``layout._jitter``).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.geometry import quad_angle
from ocrplug.layout import LEVEL_ANGLE_DEG, layout_regions
from ocrplug.model import Region
from ocrplug.presets import preset_config

FONTS = {
    "sans": Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "serif": Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
}
ROWS = [("Quantity", "1"), ("Class", "I"), ("Mark", "x"), ("Grade", "C"), ("Copies", "4"), ("Errors", "0")]


def label_page(font: str, dpi: int, answer_at: float) -> np.ndarray:
    """An A4-wide strip at ``dpi``: 10 pt labels, each with a one-character answer at ``answer_at`` of the width."""
    if not FONTS[font].exists():
        pytest.skip("fonts-dejavu-core is not installed")
    s = dpi / 150
    width = int(1240 * s)
    img = Image.new("RGB", (width, int(400 * s)), "white")
    draw = ImageDraw.Draw(img)
    face = ImageFont.truetype(str(FONTS[font]), int(20 * s))
    for i, (label, value) in enumerate(ROWS):
        y = int((30 + 40 * i) * s)
        draw.text((int(60 * s), y), label, font=face, fill="black")
        draw.text((int(width * answer_at), y), value, font=face, fill="black")
    return np.asarray(img)


@pytest.fixture(scope="module", params=["fast", "accurate"])
def pipeline(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    out = tmp_path_factory.mktemp(request.param)
    return Pipeline.from_dict(dict(preset_config(request.param), output={"dir": str(out)}, renderers=[]))


@pytest.mark.parametrize(("font", "dpi", "answer_at"), [("sans", 150, 0.6), ("sans", 300, 0.85), ("serif", 150, 0.4),
                                                        ("serif", 300, 0.6), ("sans", 200, 0.85)])
def test_labels_beside_one_character_answers_are_level(pipeline: Pipeline, font: str, dpi: int, answer_at: float) -> None:
    page = pipeline.run(label_page(font, dpi, answer_at)).pages[0]
    assert {ln.text for ln in page.lines} >= {"Quantity", "Class", "Mark", "Grade", "Copies", "Errors"}
    tilted = [(ln.text, round(math.degrees(quad_angle(ln.quad)), 2)) for ln in page.lines
              if abs(math.degrees(quad_angle(ln.quad))) >= LEVEL_ANGLE_DEG]
    assert not tilted


def _tilted(cx: float, cy: float, w: float, h: float, deg: float, text: str) -> Region:
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    corners = [(cx + c * x - s * y, cy + s * x + c * y) for x, y in ((-w / 2, -h / 2), (w / 2, -h / 2),
                                                                    (w / 2, h / 2), (-w / 2, h / 2))]
    return Region(quad=tuple(corners), level="line", text=text)  # type: ignore[arg-type]


def _angles(regions: list[Region]) -> dict[str, float]:
    return {ln.text or "": math.degrees(quad_angle(ln.quad)) for b in layout_regions(regions) for ln in b.children}


def test_a_far_one_glyph_neighbour_on_a_level_row_levels_the_word() -> None:
    # A form: a paragraph of level lines, then labels whose boxes lean 1.6 degrees, each with a
    # one-glyph answer 960 px (32 heights) to its right on a level row.
    body = [_tilted(600, 40 + 40 * k, 1000, 30, 0.0, f"body{k}") for k in range(3)]
    rows = [_tilted(140, 240 + 50 * k, 160, 30, 1.6, f"Label{k}") for k in range(4)]
    rows += [_tilted(1100, 240 + 50 * k, 18, 28, 0.0, str(k)) for k in range(4)]
    angles = _angles([*body, *rows])
    assert all(abs(angles[f"Label{k}"]) < 1e-6 for k in range(4)), angles


def test_a_word_tilted_with_its_row_keeps_its_tilt() -> None:
    # A scene row tilted 3 degrees: the word's neighbour far along the row lies on the tilted line, and
    # a neighbour that is itself tilted says nothing about the page's frame.
    level = [_tilted(400, 400 + 60 * k, 600, 30, 0.0, f"body{k}") for k in range(3)]
    a = math.radians(3.0)
    sign = [_tilted(100, 100, 150, 30, 3.0, "SALE"), _tilted(100 + 600 * math.cos(a), 100 + 600 * math.sin(a), 18, 28,
                                                              0.0, "7")]
    leaning = [_tilted(100, 700, 150, 30, 3.0, "OPEN"), _tilted(700, 700, 150, 30, 3.0, "LATE")]
    angles = _angles([*level, *sign, *leaning])
    assert angles["SALE"] == pytest.approx(3.0, abs=0.01)
    assert angles["OPEN"] == pytest.approx(3.0, abs=0.01) and angles["LATE"] == pytest.approx(3.0, abs=0.01)
