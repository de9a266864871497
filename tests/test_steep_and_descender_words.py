"""Issue 24 item 2 (T11): steep words keep their direction; lone level words with descenders are level.

``accurate`` (craft's word boxes) wrote ``games`` of T11's poster, drawn at 45 degrees, as ``ndme`` with
hOCR ``textangle 90``: craft's box of it starts on its short side (a detector's corner order at about 45
degrees), and the levelling rule for one-glyph boxes (no longer than high: no direction up to 45 degrees)
turned it into an upright 49 x 158 px box, read turned. And it wrote ``Signature`` on T11's form with
``textangle -1.43``: the ``g``'s descender leans craft's box of a word alone on its row, which no rule
levelled (longer than a short word's 3 heights). ``ocrplug.levelling``: ``_TURNED_ASPECT``,
``_DESCENDER_DRIFT``; figures in docs/benchmarks.md ("Steep words keep their direction; level words with
descenders").
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.geometry import quad_angle
from ocrplug.levelling import written_angle_deg
from ocrplug.model import Region
from ocrplug.presets import preset_config
from tests.test_level_words import _angles, _tilted

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/")
NOTO = Path("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf")


def _written(line: Region) -> float:
    """The angle a renderer writes for ``line`` (degrees counter-clockwise, 0 for level)."""
    return written_angle_deg(-math.degrees(quad_angle(line.quad)), quad=line.quad)


def _level_page() -> list[Region]:
    return [_tilted(600, 80 + 60 * k, 1000, 36, 0.0, f"body{k}") for k in range(3)]


def test_a_steep_word_boxed_from_its_short_side_keeps_its_direction() -> None:
    # craft's box of ``games`` at 45 degrees on T11's poster: 49 x 158 px, its first edge (the short side)
    # running at 43.7 degrees down the page. It is a steep word, not a tilted glyph: not levelled.
    angles = _angles([*_level_page(), _tilted(715, 886, 49, 158, 43.7, "games")])
    assert angles["games"] == pytest.approx(43.7, abs=0.01), angles


def test_a_glyph_box_about_as_high_as_long_past_ten_degrees_is_still_levelled() -> None:
    # db's box of a lone ``y`` (32 x 46 px) leaning 11.3 degrees with its tail: no direction of its own.
    angles = _angles([*_level_page(), _tilted(1000, 400, 32, 46, 11.31, "y")])
    assert abs(angles["y"]) < 1e-6, angles


def test_an_italic_glyph_box_is_still_levelled() -> None:
    # A lone italic ``l`` boxed along its slant (16 degrees: the steepest installed italic leans 16.3): a
    # glyph standing in its row, not a steep word, though three times as high as long.
    # Its first edge is the short one (20 px), 16 degrees off level.
    angles = _angles([*_level_page(), _tilted(1000, 400, 20, 60, 16.0, "l")])
    assert abs(angles["l"]) < 1e-6, angles


def test_a_word_standing_at_60_degrees_boxed_from_its_short_side_keeps_its_direction() -> None:
    # craft's box of ``Dog`` in a line at 60 degrees: 50 x 90 px (1.8 times as high as long), its first
    # edge (the short side) 30 degrees off level.
    angles = _angles([*_level_page(), _tilted(1000, 400, 50, 90, 30.0, "Dog")])
    assert angles["Dog"] == pytest.approx(30.0, abs=0.01), angles


@pytest.mark.parametrize("text", ["Signature", "Mortgage", "Energy"])
def test_a_lone_word_with_a_descender_leaning_with_its_box_is_level(text: str) -> None:
    # ``Signature`` alone before its rule: 118 x 28 px, craft's box leaning 1.43 degrees (its far end 0.1 of
    # its height off), longer than a short word's 3 heights; ``Energy`` 4 heights at 4 degrees (0.28).
    width, deg = {"Signature": (118, -1.43), "Mortgage": (118, -2.1), "Energy": (112, -4.0)}[text]
    angles = _angles([*_level_page(), _tilted(130, 400, width, 28, deg, text)])
    assert abs(angles[text]) < 1e-6, angles


def test_lone_words_without_a_descender_or_tilted_past_a_descenders_reach_keep_their_tilt() -> None:
    # The same box read ``Minimum`` (no descender), and ``Energy`` tilted 6 degrees (its far end 0.44 of its
    # height off: more than a descender moves it), keep their angles.
    regions = [*_level_page(), _tilted(130, 400, 118, 28, -1.43, "Minimum"), _tilted(130, 500, 112, 28, -6.0, "Energy")]
    angles = _angles(regions)
    assert angles["Minimum"] == pytest.approx(-1.43, abs=0.01) and angles["Energy"] == pytest.approx(-6.0, abs=0.01)


def test_a_line_of_words_with_a_descender_is_not_a_word() -> None:
    # Several words are no lone word (a pasted line keeps its skew): ``Pay by 2 June`` at -1.43 degrees.
    angles = _angles([*_level_page(), _tilted(130, 400, 118, 28, -1.43, "Pay by 2 June")])
    assert angles["Pay by 2 June"] == pytest.approx(-1.43, abs=0.01)


@pytest.fixture(scope="module")
def accurate(tmp_path_factory: pytest.TempPathFactory) -> Pipeline:
    out = tmp_path_factory.mktemp("accurate")
    return Pipeline.from_dict(dict(preset_config("accurate"), output={"dir": str(out)}, renderers=[]))


def _font(path: Path, px: int) -> ImageFont.FreeTypeFont:
    if not path.exists():
        pytest.skip(f"{path} is not installed")
    return ImageFont.truetype(str(path), px)


def test_accurate_writes_lone_labels_with_descenders_level(accurate: Pipeline) -> None:
    # benchmarks/descender_words.py's labels that ``accurate`` wrote at -2.1 .. -4.1 degrees (300 dpi).
    img = Image.new("L", (2550, 1300), 255)
    d = ImageDraw.Draw(img)
    body = _font(DEJAVU / "DejaVuSans.ttf", 42)
    for k, line in enumerate(["Please complete every section of this form in black ink and sign below",
                              "Return the signed copy to the office within fourteen days of receipt",
                              "Incomplete forms will be returned to the sender without further action"]):
        d.text((150, 120 + 70 * k), line, font=body, fill=0)
    labels = [("Energy", DEJAVU / "DejaVuSerif.ttf", 67), ("Category", NOTO, 58), ("Mortgage", DEJAVU / "DejaVuSans.ttf", 50)]
    for k, (text, path, px) in enumerate(labels):
        y = 480 + 220 * k
        d.text((150 + 500 * k, y), text, font=_font(path, px), fill=0)
        d.line([(850 + 500 * k, y + px), (1250 + 500 * k, y + px)], fill=0, width=2)
    page = accurate.run(np.asarray(img)).pages[0]
    got = {ln.text: _written(ln) for ln in page.lines}
    assert {"Energy", "Category", "Mortgage"} <= set(got), got
    assert all(got[t] == 0.0 for t, _, _ in labels), got


def test_accurate_reads_words_at_45_degrees_along_their_direction(accurate: Pipeline) -> None:
    # T11's poster line ``Cake stall and games`` (DejaVu Sans 44 px, turned 45 degrees counter-clockwise)
    # between a level heading and footer: ``stall`` and ``games`` were read turned (``ndme``, 90 degrees).
    img = Image.new("L", (1200, 1400), 255)
    d = ImageDraw.Draw(img)
    d.text((600, 90), "SUMMER FAIR", font=_font(DEJAVU / "DejaVuSans-Bold.ttf", 90), fill=0, anchor="mm")
    d.text((600, 190), "Saturday 14 June, 10 am - 4 pm", font=_font(DEJAVU / "DejaVuSans.ttf", 40), fill=0, anchor="mm")
    d.text((600, 1320), "Village Hall, Mill Lane", font=_font(DEJAVU / "DejaVuSans.ttf", 36), fill=0, anchor="mm")
    font = _font(DEJAVU / "DejaVuSans.ttf", 44)
    left, top, right, bottom = font.getbbox("Cake stall and games")
    mask = Image.new("L", (right - left + 8, bottom - top + 8), 0)
    ImageDraw.Draw(mask).text((4 - left, 4 - top), "Cake stall and games", font=font, fill=255)
    turned = mask.rotate(45, expand=True, resample=Image.BICUBIC)
    img.paste(Image.new("L", turned.size, 0), (600 - turned.width // 2, 1000 - turned.height // 2), turned)
    page = accurate.run(np.asarray(img)).pages[0]
    words = {w.text: w for ln in page.lines for w in ln.children if w.level == "word"}
    lines = {w.text: ln for ln in page.lines for w in ln.children if w.level == "word"}
    assert {"Cake", "stall", "and", "games"} <= set(words), sorted(words)
    # Not 90 (read turned): 45 give or take craft's box of the word (``games`` leans 4 degrees more with its g).
    for text in ("stall", "games"):
        assert _written(lines[text]) == pytest.approx(45.0, abs=5.0), (text, _written(lines[text]))


def test_accurate_joins_a_steep_lines_words_in_its_own_direction(accurate: Pipeline, tmp_path: Path) -> None:
    # benchmarks/steep_lines.py's first page (four lines at 15-60 degrees between a level heading and footer):
    # laid out in the page's frame, a steep line's words sat on different rows and were never joined, and words
    # of two lines turned opposite ways shared a row (T11 poster: ``EENTRY Live``). Laid out in their own
    # direction, each line is one line of its own words.
    from benchmarks.drawn_angles import json_lines
    from benchmarks.steep_lines import draw_pages, score_page

    page = draw_pages(1, tmp_path)[0]
    ((_name, found),) = json_lines("accurate", [page["name"]], tmp_path)
    rows = score_page(found, page["lines"])
    assert sum(r["read"] for r in rows) >= 3, [(r["text"], r["degrees"], r["texts"]) for r in rows]
