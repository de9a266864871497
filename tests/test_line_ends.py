"""Issue 24 (T9 fault 8): a fax's final stops are read and its specks are no stops.

On T9's 204 x 98 dpi fax ``db``'s line boxes ended before a final ``.`` or a pixel past it (a stop is 2
rows tall there, 4 px on the square-pixel copy), so PP-OCR read ``am.`` as ``am`` and ``questions.`` as
``questions``; a 1 px speck between two groups of a phone number was read as a stop (``1632.960``). Now
a region's end is moved out to stand clear of its last glyph before reading, and specks that stand clear
of other ink are painted over (``ocrplug.words.reach_line_ends``). Pages: ``benchmarks/line_ends.py``.
"""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from tests.conftest import load_benchmark

line_ends = load_benchmark("line_ends")
FONT = "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"


def _line() -> tuple[np.ndarray, tuple[int, int, int, int], tuple[int, int, int, int]]:
    """A 300 dpi line ``Call us at 7 am.`` with a 1 px speck in a word space: the page, the ink box of
    ``Call us at 7 am`` (without the stop) and the stop's box."""
    font = ImageFont.truetype(FONT, 42)
    img = Image.new("L", (900, 120), 255)
    d = ImageDraw.Draw(img)
    d.text((40, 30), "Call us at 7 am.", font=font, fill=0)
    inv = np.asarray(img) < 128
    words = Image.new("L", img.size, 255)
    ImageDraw.Draw(words).text((40, 30), "Call us at 7 am", font=font, fill=0)
    ys, xs = np.nonzero(np.asarray(words) < 128)
    body = (int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)
    sx, sy = np.nonzero(inv[:, body[2]:].T)
    stop = (body[2] + int(sx.min()), int(sy.min()), body[2] + int(sx.max()) + 1, int(sy.max()) + 1)
    gray = np.asarray(img).copy()
    gap_x = 40 + round(font.getlength("Call us")) + 6
    gray[body[3] - 8, gap_x] = 0  # a speck in the space after ``us``
    return gray, body, stop


def test_a_lines_end_is_moved_out_past_its_final_stop() -> None:
    from ocrplug.model import Region
    from ocrplug.words import END_MARGIN, reach_line_ends

    gray, body, stop = _line()
    h = body[3] - body[1] + 10
    region = Region.from_box(body[0] - 4, body[1] - 5, body[2] + 4, body[3] + 5, level="line")  # ends before the stop
    (moved,), specks = reach_line_ends(gray, [region])
    x1 = moved.bbox[2]
    assert x1 >= stop[2] + END_MARGIN * h - 1
    assert moved.bbox[0] == region.bbox[0]  # its first glyph is a letter: that end stays
    assert specks is not None and specks.sum() == 1  # the speck, not the stop nor the i's dots


def test_a_region_clear_of_its_glyphs_is_left_as_it_is() -> None:
    from ocrplug.model import Region
    from ocrplug.words import reach_line_ends

    gray, body, stop = _line()
    h = body[3] - body[1]
    region = Region.from_box(body[0] - h, body[1] - 5, stop[2] + h, body[3] + 5, level="line")
    (same,), _ = reach_line_ends(gray, [region])
    assert same.quad == region.quad


def _read(preset: str, face: str, folder: object) -> tuple[list[str], list[str]]:
    from ocrplug import Pipeline

    image, words = line_ends.fax_page(face, 1)
    path = folder / "fax.tif"
    image.save(path, dpi=(204, 98), compression="group4")
    doc = Pipeline.from_preset(preset).run(str(path))
    return [w.text for ln in doc.pages[0].lines for w in ln.words if w.text], words


@pytest.mark.parametrize("preset", ["fast", "swift"])
def test_a_fax_keeps_its_final_stops(preset: str, tmp_path: object) -> None:
    # Liberation Mono: a stop stands in the middle of its cell, apart from the letter before it (T9's fax).
    read, words = _read(preset, "LiberationMono-Regular.ttf", tmp_path)
    stops = [w for w in words if w.endswith(".")]
    assert line_ends.score(read, words)["stops"] == len(stops), [w for w in read if w.rstrip(".,:") + "." in stops]


@pytest.mark.parametrize("preset", ["fast", "swift"])
def test_a_speck_between_two_groups_of_a_number_is_no_stop(preset: str, tmp_path: object) -> None:
    read, words = _read(preset, "LiberationSans-Regular.ttf", tmp_path)
    assert line_ends.score(read, words)["apart"] == 3, [w for w in read if w[:1].isdigit()]
