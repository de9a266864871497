"""Issue 24, V6: vertical text edge faults a fresh user's pages still showed (benchmarks/newuser_pages.py).

1. ``accurate``: craft boxes ``File No 48`` (Noto Sans, 200 dpi, turned 270) in three about-square
   pieces; the gap before ``48`` (6 px) was past ``_SQUARE_GAP`` of the 27 px width, and ``Form 7 Rev 2``
   in the other margin counted as a row of other text beside ``File``: ``48`` was read ``8``, upright.
2. ``accurate``: in ``Sheet 3 of 9`` (URW Bookman, 300 dpi, turned 90) the ``9``'s box is 24 px across
   against the anchor ``Sheet``'s 37 px (past ``_CHAIN_WIDTH``): the ``9`` was read apart, upright.
3. ``swift``: ``File No 48``'s db box leans 1.02 degrees: hOCR ``textangle 271.02``.
4. A column of lone numbers ``1`` .. ``9`` (line spacing 1.2 - 2.0) boxed or joined as one tall region
   was read as one turned line ``1 2 3 4 5 6 7 8 9``.
Pages are generated here with PIL.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.geometry import quad_angle
from ocrplug.model import Region
from ocrplug.presets import preset_config
from ocrplug.vertical import _vertical_chains

NOTO = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")
BOOKMAN = Path("/usr/share/fonts/opentype/urw-base35/URWBookman-Light.otf")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SERIF = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
BODY = ["The committee met on Tuesday to review", "the annual budget and the plans for the",
        "new library building near the station.", "Members agreed to publish the minutes",
        "before the end of the month."]


def _face(path: Path, pt: float, dpi: int) -> ImageFont.FreeTypeFont:
    if not path.exists():
        pytest.skip(f"{path} is not installed")
    return ImageFont.truetype(str(path), round(pt * dpi / 72))


def _turned(text: str, face: ImageFont.FreeTypeFont, turn: int) -> Image.Image:
    _, _, right, bottom = face.getbbox(text)
    strip = Image.new("L", (right + 8, bottom + 8), 255)
    ImageDraw.Draw(strip).text((4, 4), text, font=face, fill=0)
    return strip.rotate(turn, expand=True, fillcolor=255)


def margin_labels_page(path: Path, pt: float, dpi: int, left: str, right: str) -> np.ndarray:
    """An 8.5 x 5 inch page: body lines, ``left`` turned 90 in the left margin, ``right`` turned 270 in the right
    (as benchmarks/newuser_pages.py draws its ``vertical_*`` pages)."""
    face = _face(path, pt, dpi)
    img = Image.new("L", (round(8.5 * dpi), 5 * dpi), 255)
    draw = ImageDraw.Draw(img)
    img.paste(_turned(left, face, 90), (round(0.3 * dpi), round(0.6 * dpi)))
    step = round(round(pt * dpi / 72) * 1.5)
    for k, text in enumerate(BODY):
        draw.text((round(1.2 * dpi), round(0.8 * dpi) + k * step), text, font=face, fill=0)
    im = _turned(right, face, 270)
    img.paste(im, (img.width - round(0.3 * dpi) - im.width, round(0.7 * dpi)))
    return np.asarray(img.convert("RGB"))


@pytest.fixture(scope="module")
def pipelines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Pipeline]:
    out = tmp_path_factory.mktemp("edges")
    return {
        name: Pipeline.from_dict(dict(preset_config(name), output={"dir": str(out / name)}, renderers=[]))
        for name in ("fast", "accurate", "swift")
    }


@pytest.mark.parametrize("preset", ["accurate", "swift"])
@pytest.mark.parametrize(("path", "pt", "dpi", "left", "right"), [
    (NOTO, 11, 200, "Form 7 Rev 2", "File No 48"),
    (BOOKMAN, 9, 300, "Sheet 3 of 9", "Case 61 B"),
])
def test_two_margin_labels_are_each_one_turned_line(
    pipelines: dict[str, Pipeline], preset: str, path: Path, pt: float, dpi: int, left: str, right: str
) -> None:
    page = pipelines[preset].run(margin_labels_page(path, pt, dpi, left, right)).pages[0]
    others = sorted((ln for ln in page.lines if ln.text not in BODY), key=lambda ln: ln.bbox[0])
    assert [ln.text for ln in others] == [left, right], [(ln.text, ln.bbox) for ln in page.lines]
    assert quad_angle(others[0].quad) == pytest.approx(-math.pi / 2, abs=math.radians(2))
    assert quad_angle(others[1].quad) == pytest.approx(math.pi / 2, abs=math.radians(2))


def test_a_turned_label_whose_box_leans_by_jitter_gets_its_exact_turn_in_hocr(tmp_path: Path) -> None:
    # swift's db box of ``File No 48`` leaned 1.02 degrees: ``textangle 271.02``, past LEVEL_ANGLE_DEG.
    pipe = Pipeline.from_dict(dict(preset_config("swift"), output={"dir": str(tmp_path)}, renderers=[{"name": "hocr"}]))
    pipe.run(margin_labels_page(NOTO, 11, 200, "Form 7 Rev 2", "File No 48"), out_dir=tmp_path)
    raw = "".join(p.read_text() for p in tmp_path.rglob("*.hocr"))
    assert sorted(float(v) for v in re.findall(r"textangle ([-0-9.]+)", raw)) == [90.0, 270.0]


@pytest.mark.parametrize(("off", "length", "height", "written"), [
    (1.02, 140, 27, 270.0),  # swift's File No 48 (db box, Noto Sans 200 dpi)
    (-1.21, 215, 44, 90.0),  # accurate's Sheet 3 of (craft pieces joined, Bookman 300 dpi)
    (10.0, 140, 27, None),  # really tilted: keeps its angle
    (3.0, 300, 30, None),
])
def test_the_turn_snap_is_the_box_jitter_of_the_lines_length(off: float, length: float, height: float,
                                                              written: float | None) -> None:
    from ocrplug.levelling import written_angle_deg

    base = 270.0 if written == 270.0 else 90.0
    a = math.radians(base + off)
    u = np.array([math.cos(a), -math.sin(a)]) * length  # text direction, y down
    v = np.array([math.sin(a), math.cos(a)]) * height
    quad = tuple(tuple(float(c) for c in p) for p in (np.zeros(2), u, u + v, v))
    got = written_angle_deg(base + off, 1.0, quad)
    assert got == pytest.approx(written if written is not None else base + off)


def _word(x0: float, y0: float, x1: float, y1: float) -> Region:
    return Region(quad=((x0, y0), (x1, y0), (x1, y1), (x0, y1)), level="word")


def test_a_second_margin_label_is_no_row_of_text_beside_a_label() -> None:
    # craft's boxes on vertical_notosans_200 (newuser_pages): Form 7 Rev 2 at the left edge, File No 48
    # at the right, the body's words between (one per row here).
    left = [_word(74, 122, 101, 143), _word(74, 146, 101, 202), _word(74, 205, 98, 226), _word(74, 234, 101, 311)]
    right = [_word(1599, 143, 1626, 194), _word(1599, 199, 1626, 244), _word(1599, 250, 1626, 290)]
    body = [_word(239, 166, 839, 202), _word(236, 212, 823, 250), _word(239, 257, 778, 295),
            _word(242, 305, 826, 341), _word(239, 351, 664, 382)]
    joined, _ = _vertical_chains([*left, *right, *body])
    assert sorted(len(j.children) for j in joined) == [3, 4]


def test_a_short_last_piece_continues_its_neighbour_not_only_the_anchor() -> None:
    # craft's boxes of Sheet 3 of 9 (Bookman 300 dpi): the 9 is 24 px across, Sheet 37, of and 3 28.
    pieces = [_word(100, 187, 124, 211), _word(96, 215, 124, 255), _word(96, 263, 124, 291), _word(94, 297, 131, 404)]
    body = [_word(359, 235 + 57 * k, 1100, 277 + 57 * k) for k in range(5)]
    joined, _ = _vertical_chains([*pieces, *body])
    assert [len(j.children) for j in joined] == [4]


def numbers_page(path: Path, pt: float, dpi: int, leading: float) -> np.ndarray:
    """``1`` .. ``9`` one above another at ``leading`` times the font size, two sentences below them."""
    face = _face(path, pt, dpi)
    step = round(leading * pt * dpi / 72)
    img = Image.new("L", (5 * dpi, step * 12 + round(1.2 * dpi)), 255)
    draw = ImageDraw.Draw(img)
    for k in range(9):
        draw.text((round(0.5 * dpi), step + k * step), str(k + 1), font=face, fill=0)
    draw.text((round(0.5 * dpi), step * 11), "Please count the boxes listed above", font=face, fill=0)
    draw.text((round(0.5 * dpi), step * 11 + round(0.4 * dpi)), "and sign the delivery note below.", font=face, fill=0)
    return np.asarray(img.convert("RGB"))


@pytest.mark.parametrize("preset", ["fast", "accurate"])
@pytest.mark.parametrize(("path", "pt", "dpi", "leading"), [
    (DEJAVU, 11, 200, 1.2), (SERIF, 11, 300, 1.5), (NOTO, 10, 250, 2.0),
])
def test_a_column_of_lone_numbers_stays_level_lines(
    pipelines: dict[str, Pipeline], preset: str, path: Path, pt: float, dpi: int, leading: float
) -> None:
    page = pipelines[preset].run(numbers_page(path, pt, dpi, leading)).pages[0]
    column = [ln for ln in page.lines if ln.bbox[2] < 0.8 * dpi]
    assert [ln.text for ln in column] == [str(k) for k in range(1, 10)], [(ln.text, ln.bbox) for ln in page.lines]
    assert all(abs(quad_angle(ln.quad)) < math.radians(1) for ln in column)


def test_a_tall_region_of_glyph_rows_is_split_and_a_turned_word_is_not() -> None:
    from ocrplug.vertical import split_glyph_stacks  # new with this fix

    face = _face(DEJAVU, 11, 200)
    img = Image.new("L", (300, 500), 255)
    draw = ImageDraw.Draw(img)
    for k in range(5):
        draw.text((20, 20 + 37 * k), str(k + 4), font=face, fill=0)
    img.paste(_turned("Ref 7 No 3", face, 90), (150, 20))
    gray = np.asarray(img)
    stack = _word(15, 15, 55, 210)
    turned = Region(quad=((150, 20), (190, 20), (190, 230), (150, 230)), level="line")
    parts = split_glyph_stacks(gray, [stack, turned])
    assert len(parts) == 6 and parts[-1] is turned
    tops = [p.bbox[1] for p in parts[:5]]
    assert tops == sorted(tops) and all(p.bbox[3] - p.bbox[1] < 48 for p in parts[:5])  # one 37 px row each


@pytest.mark.parametrize("glyph", ["i", "j", "!", ":", ";"])
def test_a_lone_glyph_of_two_parts_is_not_split(glyph: str) -> None:
    from ocrplug.vertical import split_glyph_stacks

    face = _face(DEJAVU, 40, 72)
    img = Image.new("L", (60, 90), 255)
    ImageDraw.Draw(img).text((20, 15), glyph, font=face, fill=0)
    region = _word(*Image.eval(img, lambda v: 255 - v).getbbox())
    assert region.bbox[3] - region.bbox[1] >= 1.5 * (region.bbox[2] - region.bbox[0])
    assert split_glyph_stacks(np.asarray(img), [region]) == [region]
