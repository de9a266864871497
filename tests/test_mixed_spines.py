"""Issue 24 item 2 (T10 fault 1): book spines of both senses on one shelf are each read their own way up.

A page whose vertical lines mostly read top to bottom is turned by 270 degrees as a whole
(:func:`ocrplug.orientation.detect_orientation`); a spine reading bottom to top was then read upside
down in that frame, as garbage ("Kitchen Chemistry" -> "Kitssn cstry"), and written with the page's
``textangle 270``. Each level line of a turned page is now read both ways
(:func:`ocrplug.orientation.read_both_senses`). The shelves are generated here (DejaVu Sans Bold).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.presets import preset_config

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
# (title, author, sense): "d" reads top to bottom, "u" bottom to top; left to right on the shelf.
SPINES = [
    ("HARBOUR LIGHTS", "DUNMORE", "d"),
    ("Copper Kettles", "ABEL", "u"),
    ("THE QUIET FERRY", "LANGE", "d"),
    ("Marsh Songs", "TEMPLE", "u"),
    ("WINTER GARDEN", "FOLEY", "d"),
]


def _font(size: int) -> ImageFont.FreeTypeFont:
    if not FONT.exists():
        pytest.skip("fonts-dejavu-core is not installed")
    return ImageFont.truetype(str(FONT), size)


def _turned(text: str, font: ImageFont.FreeTypeFont, sense: str) -> Image.Image:
    _, _, right, bottom = font.getbbox(text)
    strip = Image.new("RGB", (right + 10, bottom + 10), "white")
    ImageDraw.Draw(strip).text((5, 5), text, font=font, fill="black")
    return strip.rotate(-90 if sense == "d" else 90, expand=True, fillcolor="white")


def shelf(spines: list[tuple[str, str, str]]) -> np.ndarray:
    """A shelf of framed spines, 140 px wide, 1000 px tall: a 44 px title from the reading start, a 30 px
    author at the reading end."""
    img = Image.new("RGB", (1500, 1150), "white")
    draw = ImageDraw.Draw(img)
    title_font, author_font = _font(44), _font(30)
    for k, (title, author, sense) in enumerate(spines):
        x = 100 + 270 * k
        draw.rectangle((x, 60, x + 140, 1060), outline="black", width=3)
        t, a = _turned(title, title_font, sense), _turned(author, author_font, sense)
        if sense == "d":
            img.paste(t, (x + (140 - t.width) // 2, 90))
            img.paste(a, (x + (140 - a.width) // 2, 1030 - a.height))
        else:
            img.paste(t, (x + (140 - t.width) // 2, 1030 - t.height))
            img.paste(a, (x + (140 - a.width) // 2, 90))
    return np.asarray(img)


def _run(image: np.ndarray, tmp_path: Path, renderers: list[str]) -> object:
    config = dict(preset_config("fast"), output={"dir": str(tmp_path)})
    config["renderers"] = [{"name": r} for r in renderers]
    return Pipeline.from_dict(config).run(image).pages[0]


def _sense(line: object) -> str:
    # The quad starts at the text's own top-left: its top edge runs down the page for "d".
    (_, y0), (_, y1) = line.quad[0], line.quad[1]
    return "d" if y1 > y0 else "u"


def test_spines_of_both_senses_are_each_read_their_own_way_up(tmp_path: Path) -> None:
    page = _run(shelf(SPINES), tmp_path, ["hocr", "alto", "page"])
    assert page.orientation == 270, page.orientation  # most spines read top to bottom
    lines = {ln.text: ln for ln in page.lines}
    for title, author, sense in SPINES:
        for text in (title, author):
            assert text in lines, (text, sorted(lines))
            assert _sense(lines[text]) == sense, (text, lines[text].quad)
    ups = 2 * sum(s == "u" for *_, s in SPINES)
    downs = 2 * len(SPINES) - ups
    hocr = next(tmp_path.glob("*.hocr")).read_text()
    assert sorted(re.findall(r"textangle ([-0-9.]+)", hocr)) == ["270"] * downs + ["90"] * ups
    alto = next(tmp_path.glob("*.alto.xml")).read_text()
    assert 'ROTATION="90.00"' in alto and 'ROTATION="270.00"' in alto
    page_xml = next(tmp_path.glob("*.page.xml")).read_text()
    assert 'orientation="90.00"' in page_xml and 'orientation="-90.00"' in page_xml
    if importlib.util.find_spec("ocrmypdf") is not None:  # the OCRmyPDF engine's tree too
        from ocrplug.integrations import ocrmypdf as engine

        angles = sorted(round(ln.textangle) for ln in engine.page_to_ocr_tree(page, 72, 0).lines)
        assert angles == [90] * ups + [270] * downs, angles


def test_a_shelf_of_one_sense_keeps_the_page_sense_for_every_line(tmp_path: Path) -> None:
    spines = [(t, a, "d") for t, a, _ in SPINES]
    page = _run(shelf(spines), tmp_path, [])
    assert page.orientation == 270
    lines = {ln.text: ln for ln in page.lines}
    for title, author, _ in spines:
        for text in (title, author):
            assert text in lines and _sense(lines[text]) == "d", (text, sorted(lines))
