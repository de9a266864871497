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
from ocrplug.layout import lines_for_recognition
from ocrplug.model import Region
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


# Issue 24, T4's fault: at 11 pt and 300 dpi craft boxes every word (or pair of glyphs) of a turned
# ``Page 12 of 40`` about square (64 x 70 px), so no piece was the tall anchor a chain started from, and
# ``accurate`` read ``40``, ``df``, ``12``, ``g``, ``Pa`` upright. Pieces touching along one axis that are
# together clearly taller than wide are a line too (``vertical._SQUARE_*``); a column whose pieces sit on
# rows of other text (a receipt's quantities) is not, anchor or none (``vertical._CHAIN_ROW``).
FONTS = {
    "dserif": Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"),
    "freesans": Path("/usr/share/fonts/truetype/freefont/FreeSans.ttf"),
    "freeserif": Path("/usr/share/fonts/truetype/freefont/FreeSerif.ttf"),
    "mono": Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"),
}


def _face(name: str, pt: float, dpi: int) -> ImageFont.FreeTypeFont:
    if not FONTS[name].exists():
        pytest.skip(f"{FONTS[name]} is not installed")
    return ImageFont.truetype(str(FONTS[name]), round(pt * dpi / 72))


def printed_label_page(label: str, turn: int, font: str, pt: float, dpi: int, at: float) -> np.ndarray:
    """A 6 x 4.5 inch page at ``dpi``: three body lines and ``label`` turned ``turn`` degrees in a margin,
    its top ``at`` inches down the page (the same ``font`` and size for both)."""
    face = _face(font, pt, dpi)
    img = Image.new("RGB", (6 * dpi, int(4.5 * dpi)), "white")
    draw = ImageDraw.Draw(img)
    for i, text in enumerate(BODY[:3]):
        draw.text((dpi, int((1.0 + 0.4 * i) * dpi)), text, font=face, fill="black")
    _, _, right, bottom = face.getbbox(label)
    strip = Image.new("RGB", (right + 4, bottom + 4), "white")
    ImageDraw.Draw(strip).text((2, 0), label, font=face, fill="black")
    strip = strip.rotate(turn, expand=True, fillcolor="white")
    img.paste(strip, (int(0.25 * dpi) if turn == 90 else int(5.5 * dpi), int(at * dpi)))
    return np.asarray(img)


@pytest.mark.parametrize(("label", "turn", "font", "pt", "dpi", "at"), [
    ("Page 12 of 40", 90, "dserif", 11, 300, 0.8),
    ("Page 12 of 40", 270, "dserif", 11, 300, 0.5),
    ("Sheet 3 of 9", 90, "freeserif", 12, 250, 1.1),
    ("Page 12 of 40", 90, "freesans", 10, 300, 0.9),
])
def test_a_vertical_label_of_square_pieces_is_one_turned_line(
    pipeline: Pipeline, label: str, turn: int, font: str, pt: float, dpi: int, at: float
) -> None:
    page = pipeline.run(printed_label_page(label, turn, font, pt, dpi, at)).pages[0]
    others = [ln for ln in page.lines if ln.text not in BODY]
    assert [ln.text for ln in others] == [label], [(ln.text, ln.bbox) for ln in page.lines]
    expected = -math.pi / 2 if turn == 90 else math.pi / 2
    assert quad_angle(others[0].quad) == pytest.approx(expected, abs=math.radians(2))


def receipt_column_page(font: str, pt: float, dpi: int, leading: float) -> np.ndarray:
    """Item names with one-digit quantities in a column far right, ``leading`` times the font size apart."""
    face = _face(font, pt, dpi)
    step = round(leading * pt * dpi / 72)
    img = Image.new("RGB", (int(3.4 * dpi), step * 11), "white")
    draw = ImageDraw.Draw(img)
    for k, item in enumerate(["Pen", "Stapler", "Folder", "Ink", "Paper", "Tape", "Clips", "Glue", "Pins"]):
        y = step + k * step
        draw.text((int(0.2 * dpi), y), item, font=face, fill="black")
        draw.text((int(2.7 * dpi), y), str((3 * k + 1) % 10), font=face, fill="black")
    return np.asarray(img)


@pytest.mark.parametrize(("font", "pt", "dpi", "leading"), [
    ("freeserif", 11, 200, 1.4), ("dserif", 11, 300, 1.2), ("mono", 9, 250, 1.3),
])
def test_a_receipt_quantity_column_stays_one_upright_line_per_row(
    pipeline: Pipeline, font: str, pt: float, dpi: int, leading: float
) -> None:
    page = pipeline.run(receipt_column_page(font, pt, dpi, leading)).pages[0]
    column = [ln for ln in page.lines if ln.bbox[0] > 2.5 * dpi]
    assert len(column) == 9, [(ln.text, ln.bbox) for ln in column]
    assert all(abs(quad_angle(ln.quad)) < math.radians(1) and "rotation" not in ln.attributes for ln in column), \
        [(ln.text, round(math.degrees(quad_angle(ln.quad)), 2)) for ln in column]


def _word(x0: float, y0: float, x1: float, y1: float) -> Region:
    return Region(quad=((x0, y0), (x1, y0), (x1, y1), (x0, y1)), level="word")


def _body() -> list[Region]:
    return [_word(300 + 160 * k, 300 + 120 * r, 440 + 160 * k, 340 + 120 * r) for r in range(3) for k in range(4)]


def test_square_pieces_touching_along_an_axis_are_joined() -> None:
    # T4's accurate boxes of "Page 12 of 40" at 300 dpi (page frame, px): no piece twice as tall as wide.
    pieces = [_word(70, 233, 132, 304), _word(73, 304, 132, 371), _word(76, 368, 121, 433), _word(79, 436, 138, 506),
              _word(73, 506, 132, 571)]
    lines = lines_for_recognition([*pieces, *_body()])
    turned = [ln for ln in lines if ln.bbox[2] < 200]
    assert len(turned) == 1 and len(turned[0].children) == 5, [ln.bbox for ln in turned]


def test_a_list_of_lone_numbers_one_above_another_is_not_joined() -> None:
    # ``1`` .. ``9`` alone in a column, db-like boxes (20 x 28 px, 42 px apart): gaps of 0.7 widths.
    digits = [_word(100, 40 + 42 * k, 120, 68 + 42 * k) for k in range(9)]
    lines = lines_for_recognition([*digits, *_body()])
    assert len([ln for ln in lines if ln.bbox[2] < 200]) == 9


def test_touching_glyph_boxes_each_on_a_row_of_other_text_are_not_joined() -> None:
    # craft's padded boxes of a receipt's quantities (28 x 57 px) touch, each centred on its item's row.
    digits = [_word(535, 185 + 55 * k, 563, 240 + 55 * k) for k in range(4)]
    items = [_word(39, 200 + 55 * k, 121, 225 + 55 * k) for k in range(4)]
    lines = lines_for_recognition([*digits, *items])
    assert len([ln for ln in lines if ln.bbox[0] > 500]) == 4
