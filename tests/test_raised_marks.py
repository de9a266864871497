"""Superscripts and footnote markers read with their lines, once (issue 24, F10; T9 fault 6).

T9's footnotes page with ``fast``: the superscript of ``day¹`` was lost (the line's box cut it at its top),
the superscript ``4`` of ``return⁴`` was read twice (DB boxed it alone: a stray line ``4``), the 7 pt
footnote marker ``1`` was never detected, the list number ``6.`` and the page number ``- 2 -`` were lost.
Drawn pages: :mod:`ocrplug.raised_marks` on ink drawn with PIL, the text rows of the layout, and the
whole ``fast`` pipeline on benchmarks/short_marks.py's terms page (T9's page, redrawn).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug.layout import text_rows
from ocrplug.model import PageImage, Region
from ocrplug.raised_marks import attach_raised_marks, is_raised
from tests.conftest import load_benchmark

SERIF = Path("/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf")


def _font(px: int) -> ImageFont.FreeTypeFont:
    if not SERIF.exists():
        pytest.skip("Liberation Serif not installed")
    return ImageFont.truetype(str(SERIF), px)


def _ink_box(gray: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> tuple[int, int, int, int]:
    ys, xs = np.nonzero(gray[y0:y1, x0:x1] < 128)
    return x0 + int(xs.min()), y0 + int(ys.min()), x0 + int(xs.max()) + 1, y0 + int(ys.max()) + 1


def _sentence() -> tuple[np.ndarray, tuple[int, int, int, int], tuple[int, int, int, int]]:
    """``Damage is assessed at return`` at 46 px with a raised 29 px ``4`` after it (T9's 11 pt / 7 pt at
    300 dpi): the page, the body's ink box and the superscript's ink box."""
    im = Image.new("L", (1400, 300), 255)
    d = ImageDraw.Draw(im)
    d.text((100, 150), "Damage is assessed at return", font=_font(46), fill=0, anchor="ls")
    x = 100 + d.textlength("Damage is assessed at return", font=_font(46))
    d.text((x + 3, 150 - 20), "4", font=_font(29), fill=0, anchor="ls")
    d.text((x + 20, 150), ".", font=_font(46), fill=0, anchor="ls")
    gray = np.asarray(im)
    body = _ink_box(gray, 90, 100, int(x) + 1, 170)
    sup = _ink_box(gray, int(x) + 1, 90, int(x) + 19, 160)
    return gray, body, sup


def _line(x0: float, y0: float, x1: float, y1: float) -> Region:
    return Region.from_box(x0, y0, x1, y1, level="line", score=0.9)


def test_a_superscript_boxed_alone_joins_its_line() -> None:
    gray, body, sup = _sentence()
    line = _line(body[0] - 4, body[1] - 4, sup[2] + 14, body[3] + 8)  # DB's line box: reaches into the 4
    mark = _line(sup[0] - 2, sup[1] - 2, sup[2] + 2, sup[3] + 2)
    out = attach_raised_marks(gray, [line, mark])
    assert len(out) == 1  # read once, in its line
    x0, y0, x1, _ = out[0].bbox
    assert x0 <= sup[0] and y0 <= sup[1] and x1 >= sup[2]


def test_a_superscript_the_box_cuts_is_taken_in() -> None:
    gray, body, sup = _sentence()
    line = _line(body[0] - 4, sup[1] + 4, sup[2] + 14, body[3] + 8)  # its top 4 px below the 4's top
    out = attach_raised_marks(gray, [line])
    assert len(out) == 1
    assert out[0].bbox[1] <= sup[1]


def _note(marker_px: int = 29) -> tuple[np.ndarray, tuple[int, int, int, int], tuple[int, int, int, int]]:
    """A footnote: a raised marker ``1`` (T9's 7 pt at 300 dpi) before an 8.5 pt note."""
    im = Image.new("L", (1200, 260), 255)
    d = ImageDraw.Draw(im)
    d.text((100, 150 - 15), "1", font=_font(marker_px), fill=0, anchor="ls")
    d.text((128, 150), "Late returns are charged at 40 pounds per hour.", font=_font(35), fill=0, anchor="ls")
    gray = np.asarray(im)
    return gray, _ink_box(gray, 120, 80, 1150, 180), _ink_box(gray, 90, 80, 118, 180)


def test_a_missed_footnote_marker_becomes_a_region_on_its_row() -> None:
    gray, note, marker = _note()
    line = _line(note[0] - 3, note[1] - 4, note[2] + 3, note[3] + 5)
    out = attach_raised_marks(gray, [line])
    assert len(out) == 2
    added = out[1].bbox
    assert added[0] <= marker[0] and added[1] <= marker[1] and added[2] >= marker[2] and added[3] >= marker[3]
    # the layout's text rows put the marker on its note's row (before: a line of its own, under the row's
    # centre rule: the marker's centre sits 0.52 of its height above the note's)
    block = Region.from_box(*out[1].bbox[:2], *out[0].bbox[2:], level="block", children=(
        out[1].with_(text="1", order=0), out[0].with_(text="Late returns are charged at 40 pounds per hour.", order=1)))
    rows = text_rows([block])
    assert [[ln.text for ln in row] for row in rows[0]] == [["1", "Late returns are charged at 40 pounds per hour."]]


def test_a_full_size_glyph_before_a_line_is_no_marker() -> None:
    im = Image.new("L", (1200, 260), 255)
    d = ImageDraw.Draw(im)
    d.text((100, 150), "5", font=_font(46), fill=0, anchor="ls")  # a list number at the body's size, missed
    d.text((160, 150), "Damage is assessed at return.", font=_font(46), fill=0, anchor="ls")
    gray = np.asarray(im)
    body = _ink_box(gray, 150, 80, 1150, 180)
    out = attach_raised_marks(gray, [_line(body[0] - 3, body[1] - 4, body[2] + 3, body[3] + 8)])
    assert len(out) == 1 and out[0].bbox[0] >= 150


def test_a_photo_is_left_alone() -> None:
    rng = np.random.default_rng(5)
    gray = rng.integers(0, 256, (300, 600), dtype=np.uint8)
    regions = [_line(50, 100, 400, 150), _line(420, 95, 440, 115)]
    out = attach_raised_marks(gray, regions)
    # the separate raised region still joins (geometry alone); no ink is looked at on a photo
    assert len(out) == 1 and out[0].bbox == (50.0, 95.0, 440.0, 150.0)


def test_a_small_last_line_of_a_stack_beside_a_large_word_is_no_mark() -> None:
    # ICDAR 2015 img_29: a sign's stack ``Only / $50 notes / available / here`` set beside a large ``Atm``;
    # DB boxes each line alone, and the last line stands raised on ``Atm``'s row (before: merged into it,
    # the ``Atm`` line grew over ``here`` and neither word box matched its word)
    im = Image.new("L", (900, 400), 255)
    d = ImageDraw.Draw(im)
    d.text((100, 300), "Atm", font=_font(80), fill=0, anchor="ls")
    x = 100 + d.textlength("Atm", font=_font(80)) + 30
    words = ["Only", "$50 notes", "available", "here"]
    for k, word in enumerate(words):
        d.text((x, 170 + 30 * k), word, font=_font(30), fill=0, anchor="ls")
    gray = np.asarray(im)
    atm = _ink_box(gray, 90, 200, int(x) - 10, 330)
    rows = [_ink_box(gray, int(x) - 5, 170 + 30 * k - 26, 880, 170 + 30 * k + 4) for k in range(len(words))]
    line = _line(atm[0] - 4, atm[1] - 6, atm[2] + 4, atm[3] + 6)
    stack = [_line(b[0] - 2, b[1] - 2, b[2] + 2, b[3] + 2) for b in rows]
    assert is_raised(stack[-1].bbox, line.bbox)  # ``here`` alone would pass for a superscript of ``Atm``
    out = attach_raised_marks(gray, [line, *stack])
    assert [r.bbox for r in out] == [line.bbox, *(r.bbox for r in stack)]


def test_a_list_number_whose_box_reaches_into_its_item_shares_its_row() -> None:
    # T9's 6.: DB's box of the number reached 13 px into the item's line; its word holds only the ink
    number = _line(214, 781, 302, 826).with_(text="6.", order=0, children=(
        Region.from_box(216, 786, 262, 822, level="word", text="6.", order=0),))
    item = _line(289, 784, 1185, 827).with_(text="Cancellations within 48 hours are not refunded.", order=1, children=(
        Region.from_box(292, 786, 560, 826, level="word", text="Cancellations", order=0),))
    block = Region.from_box(214, 781, 1185, 827, level="block", children=(number, item))
    assert [[ln.text for ln in row] for row in text_rows([block])[0]] == [
        ["6.", "Cancellations within 48 hours are not refunded."]]


@pytest.fixture(scope="module")
def fast_terms(tmp_path_factory: pytest.TempPathFactory) -> str:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("rapidocr")
    from ocrplug_render.text import page_text

    from ocrplug import Pipeline
    from ocrplug.presets import preset_config

    try:
        im, _, _ = load_benchmark("short_marks").terms_page()
    except OSError as exc:  # a font not installed
        pytest.skip(str(exc))
    out = tmp_path_factory.mktemp("terms")
    pipe = Pipeline.from_dict(dict(preset_config("fast"), renderers=[], output={"dir": str(out)}))
    page = pipe.process_page(PageImage(image=np.asarray(im.convert("RGB")), index=0, source="terms.png"))
    return page_text(page)


def _plain(text: str) -> list[str]:
    return [ln.translate(str.maketrans("¹²³⁴", "1234")).strip() for ln in text.splitlines() if ln.strip()]


def test_fast_reads_superscripts_once_in_their_lines(fast_terms: str) -> None:
    lines = _plain(fast_terms)
    assert "1. Return the van by 6 pm on the last day1." in lines, fast_terms
    assert "5. Damage is assessed by our staff at return4." in lines, fast_terms
    assert not any(ln in {"1", "2", "3", "4"} for ln in lines), fast_terms  # no digit read alone


def test_fast_keeps_list_numbers_markers_and_the_page_number(fast_terms: str) -> None:
    lines = _plain(fast_terms)
    for k, start in enumerate(["Return", "A", "Fuel", "Drivers", "Damage", "Cancellations"], 1):
        assert any(ln.startswith(f"{k}. {start}") for ln in lines), (k, fast_terms)
    for k, start in enumerate(["Late", "Returned", "The", "See"], 1):
        assert any(ln.startswith(f"{k} {start}") for ln in lines), (k, fast_terms)
    assert lines[-1].replace(" ", "") in {"-2-", "2"}, fast_terms
