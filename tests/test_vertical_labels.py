"""Issue 24 (last faults): a margin label of short words and digits running up or down the page is one
turned line, read whole, with every preset (`fast`, `accurate`, `swift`).

``accurate`` (craft + ppocr) cut ``Page 12 of 40`` running down the page into ``Page`` and upright
misreads (``zr``, ``ff``, ``0``): craft boxes ``12``, ``of``, ``40`` about as tall as wide, so only
``Page`` was read turned; ``fast`` (db + ppocr) read the last ``3`` of ``Ref 7 No 3``, boxed apart by
db's lone-character look, upright as ``ω``. The pages are generated here (DejaVu Sans).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.geometry import quad_angle
from ocrplug.presets import preset_config

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
BODY = ["Invoice 4711 ACME Ltd", "Delivery of 12 widgets", "Total amount 345.67 EUR", "Payment due 2026-12-31"]
LABELS = ["Page 12 of 40", "Ref 7 No 3", "CONFIDENTIAL DRAFT 2026"]


def _font(size: int) -> ImageFont.FreeTypeFont:
    if not FONT.exists():
        pytest.skip("fonts-dejavu-core is not installed")
    return ImageFont.truetype(str(FONT), size)


def labelled_page(label: str, turn: int) -> np.ndarray:
    """Four body lines and ``label`` (28 px type) turned ``turn`` degrees counter-clockwise in the margin:
    90 reads bottom to top at the left edge, 270 top to bottom at the right edge."""
    img = Image.new("RGB", (1000, 700), "white")
    draw = ImageDraw.Draw(img)
    body = _font(30)
    for i, text in enumerate(BODY):
        draw.text((200, 120 + 70 * i), text, font=body, fill="black")
    font = _font(28)
    _, _, right, bottom = font.getbbox(label)
    strip = Image.new("RGB", (right + 20, bottom + 20), "white")
    ImageDraw.Draw(strip).text((10, 10), label, font=font, fill="black")
    strip = strip.rotate(turn, expand=True, fillcolor="white")
    img.paste(strip, (40 if turn == 90 else 1000 - 40 - strip.width, 100))
    return np.asarray(img)


@pytest.fixture(scope="module", params=["fast", "accurate", "swift"])
def pipeline(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    out = tmp_path_factory.mktemp(request.param)
    return Pipeline.from_dict(dict(preset_config(request.param), output={"dir": str(out)}, renderers=[]))


@pytest.mark.parametrize("turn", [90, 270])
@pytest.mark.parametrize("label", LABELS)
def test_a_vertical_label_with_digits_is_one_turned_line(pipeline: Pipeline, label: str, turn: int) -> None:
    page = pipeline.run(labelled_page(label, turn)).pages[0]
    others = [ln for ln in page.lines if ln.text not in BODY]
    assert [ln.text for ln in others] == [label], [(ln.text, ln.bbox) for ln in page.lines]
    line = others[0]
    assert [w.text for w in line.words] == label.split()
    # Its quad starts at the text's own top-left: the text direction is up (90) or down (270) the page.
    expected = -math.pi / 2 if turn == 90 else math.pi / 2
    assert quad_angle(line.quad) == pytest.approx(expected, abs=math.radians(2))
    assert all(quad_angle(w.quad) == pytest.approx(expected, abs=math.radians(2)) for w in line.words)
    x0, _, x1, _ = line.bbox
    assert (x1 < 200) if turn == 90 else (x0 > 800)  # in the margin, not joined to the body


def answers_column(size: int, pitch: int) -> np.ndarray:
    """Labels with one-character answers in a column far right of them (a stack of lone glyphs)."""
    img = Image.new("RGB", (1800, 60 + pitch * 6), "white")
    draw = ImageDraw.Draw(img)
    font = _font(size)
    for i, (label, value) in enumerate([("Quantity", "1"), ("Class", "I"), ("Mark", "x"), ("Grade", "C"),
                                        ("Copies", "4"), ("Errors", "0")]):
        draw.text((90, 30 + pitch * i), label, font=font, fill="black")
        draw.text((1100, 30 + pitch * i), value, font=font, fill="black")
    return np.asarray(img)


@pytest.mark.parametrize(("size", "pitch"), [(30, 38), (30, 50)])
def test_a_column_of_one_character_answers_is_not_joined_into_a_vertical_line(
    pipeline: Pipeline, size: int, pitch: int
) -> None:
    # craft boxes lone characters padded until they touch the next row's; none of them is a vertical
    # word, so they stay one line per row, upright. (At 40 px type, 60 px apart, craft itself boxes
    # five of the answers as one tall region, on main too: a detector fault, not this grouping's.)
    page = pipeline.run(answers_column(size, pitch)).pages[0]
    right = [ln for ln in page.lines if ln.bbox[0] > 1000]
    assert len(right) == 6, [(ln.text, ln.bbox) for ln in right]
    assert all(abs(quad_angle(ln.quad)) < math.radians(1) for ln in right), [ln.text for ln in right]
    assert all("rotation" not in ln.attributes for ln in right)
