"""Machine-readable zones are read by their layout (T16: a passport's ``JOHN`` read ``J0HN`` at 0.996).

Unit tests of :func:`ocrplug.mrz.mrz_line` on ICAO Doc 9303's specimen lines (part 4 and 5, the
``UTO``/``ERIKSSON`` examples) and a drawn passport through the default pipeline.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.model import Region
from ocrplug.mrz import check_digit, mrz_line, read_mrz
from ocrplug.presets import preset_config


def test_check_digits_of_the_specimen() -> None:
    assert check_digit("L898902C3") == 6 and check_digit("740812") == 2 and check_digit("120415") == 9
    assert check_digit("D23145890") == 7


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("P<UT0ERIKSS0N<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"),
        ("P<GBRSMITH<<J0HN<PETER<<<<<<<<<<<<<<<<<<<<<", "P<GBRSMITH<<JOHN<PETER<<<<<<<<<<<<<<<<<<<<<"),  # one filler short
        ("L898902C36UT074O8122F12O4159ZE184226B<<<<<1O", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"),
        ("L8989O2C36UTO7408122F1204159ZE184226B<<<<<10", "L898902C36UTO7408122F1204159ZE184226B<<<<<10"),
        ("I<UT0D231458907<<<<<<<<<<<<<<<", "I<UTOD231458907<<<<<<<<<<<<<<<"),
        ("74O8122F12O4159UT0<<<<<<<<<<<6", "7408122F1204159UTO<<<<<<<<<<<6"),
        ("ERIKSS0N<<ANNA<MARIA<<<<<<<<<<", "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"),
        ("P«UTOERIKSSON««ANNA«MARIA«««««««««««««««««««", "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"),
    ],
)
def test_mrz_lines_are_read_by_their_fields(read: str, meant: str) -> None:
    assert mrz_line(read) == meant


@pytest.mark.parametrize(
    "text",
    [
        "AB12<<34CD<<EFGH<<IJKL0000<<1111<<222",  # MRZ characters, no dates where a data line has them
        "The quick brown fox jumps over the lazy dog.",
        "https://example.org/a/b/c/d/e/f/g/h/i",
        "P<GBRSMITH<<JOHN",  # too short for any format
        "SEE PAGE 10 << BACK",
    ],
)
def test_other_lines_are_left_alone(text: str) -> None:
    assert mrz_line(text) is None


def test_read_mrz_mends_a_line_and_its_words() -> None:
    word = Region.from_box(0, 0, 500, 20, text="P<GBRSMITH<<J0HN<PETER<<<<<<<<<<<<<<<<<<<<<<", confidence=0.99)
    line = Region.from_box(0, 0, 500, 20, level="line", text=word.text, confidence=0.99, children=(word,))
    other = Region.from_box(0, 30, 200, 50, level="line", text="J0HN Smith 2O24", children=())
    mended, kept = read_mrz([line, other])
    assert mended.text == "P<GBRSMITH<<JOHN<PETER<<<<<<<<<<<<<<<<<<<<<<" == mended.children[0].text
    assert kept is other


def _passport(font_path: str, surname: str, given: str, number: str) -> tuple[np.ndarray, list[str]]:
    """A 1300 x 520 px passport data page: a title, two fields and the two TD3 lines (46 px mono)."""
    names = f"P<GBR{surname}<<{given.replace(' ', '<')}"
    line1 = names + "<" * (44 - len(names))
    core = f"{number}{check_digit(number)}GBR8503127M3104035"
    line2 = core + "<" * 14 + "0" + str(check_digit(core + "<" * 14 + "0"))
    page = Image.new("RGB", (1300, 520), "white")
    draw = ImageDraw.Draw(page)
    label = ImageFont.truetype("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", 28)
    mono = ImageFont.truetype(font_path, 46)
    draw.text((60, 40), "PASSPORT", font=label, fill="black")
    draw.text((60, 100), f"Surname {surname}", font=label, fill="black")
    draw.text((60, 150), f"Given names {given}", font=label, fill="black")
    draw.text((20, 330), line1, font=mono, fill="black")
    draw.text((20, 410), line2, font=mono, fill="black")
    return np.asarray(page), [line1, line2]


@pytest.mark.parametrize(
    ("font_path", "surname", "given", "number"),
    [
        ("/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf", "SMITH", "JOHN PETER", "123456789"),
        ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", "OSBORNE", "ROSA SOPHIE", "504218337"),
    ],
)
def test_a_drawn_passport_reads_its_names_with_letters(font_path: str, surname: str, given: str, number: str) -> None:
    image, lines = _passport(font_path, surname, given, number)
    text = Pipeline.from_dict(dict(preset_config("fast"), renderers=[])).run(image).pages[0].text
    read = [t.replace(" ", "") for t in text.splitlines() if "<<" in t]
    assert len(read) == 2, text
    # The name field holds letters only; the dates digits only.
    assert read[0].startswith(lines[0][:5 + len(surname) + 2 + len(given.split()[0])]), read[0]
    assert read[1][13:19] == "850312" and read[1][21:27] == "310403", read[1]


def test_a_td1_names_line_with_several_misread_letters() -> None:
    assert mrz_line("R0SA<S0PHIE<<J0HNS0N<0TT0<<<<") == "ROSA<SOPHIE<<JOHNSON<OTTO<<<<"
    assert mrz_line("ISAAC<<NEWTON<<<<<<<<<<<<<<<<<") == "ISAAC<<NEWTON<<<<<<<<<<<<<<<<<"
