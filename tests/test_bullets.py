"""Issue 24 item 1 (T9 fault 7): a list item's round bullet is written ``•`` in its item's line, in every preset.

Before, the readers guessed at the disc: ``fast`` wrote ``●`` (on T9's slide; ``•`` on others), ``swift``
``0``, ``e``, ``●``, ``db`` + ``tesseract`` (README's Python example) separate lines ``O``, ``(O}``, ``[Ss``
before each item, ``accurate`` nothing (CRAFT finds no region there). Now the host finds the disc from its
own ink (``ocrplug.checkboxes``, beside the checkboxes) and writes it ``•`` at the start of its item's line;
letters and marks that are no bullet stay the reader's. Pages: ``benchmarks/bullets.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import load_benchmark

bullets = load_benchmark("bullets")

FACES = ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSans-Bold.ttf",
         "liberation/LiberationSans-Regular.ttf", "liberation/LiberationSerif-Regular.ttf",
         "liberation/LiberationMono-Regular.ttf", "freefont/FreeSerif.ttf", "freefont/FreeSans.ttf")


def _fonts() -> list[Path]:
    root = Path("/usr/share/fonts/truetype")
    faces = [root / f for f in FACES if (root / f).exists()]
    assert len(faces) >= 6
    return faces


def _taken(gray: np.ndarray, box: tuple) -> list[str]:
    from ocrplug.checkboxes import take_checkboxes

    _, taken = take_checkboxes(gray, [bullets._region(box)])
    return [t.state for t in taken]


@pytest.mark.parametrize("preset", ["fast", "swift", "accurate", "dbtess"])
def test_every_preset_writes_the_bullets_in_their_items_lines(preset: str) -> None:
    image, want = bullets.slide_page()
    lines = [ln.text for ln in bullets.pipeline(preset).run(image).pages[0].lines]
    assert lines == want


def test_round_bullets_are_found_in_and_beside_their_lines_region() -> None:
    from PIL import ImageFont

    for face in _fonts():
        for px in (24, 32, 48):
            font = ImageFont.truetype(str(face), px)
            for first in ("\u2022", "disc"):
                gray, whole, rest = bullets.draw_line(font, first, px)
                assert _taken(gray, whole) == ["bullet"], (face.name, px, first)
                assert _taken(gray, rest) == ["bullet"], (face.name, px, first)  # CRAFT's region: the text only


def test_letters_marks_and_inline_bullets_are_no_bullets() -> None:
    from PIL import ImageFont

    wrong = []
    for face in _fonts():
        for px in (16, 24, 32, 48):
            font = ImageFont.truetype(str(face), px)
            for first in "oO0e.iQ@\u25cb\u25a0-\u2610":  # (a small square bullet \u25aa may be taken: a bullet)
                if not bullets._has(font, first):
                    continue
                gray, whole, _ = bullets.draw_line(font, first, px)
                wrong += [(face.name, px, first) for state in _taken(gray, whole) if state == "bullet"]
            gray, whole, _ = bullets.draw_line(font, "\u2022", px, inline=True)  # ``Home • About``
            wrong += [(face.name, px, "inline") for state in _taken(gray, whole) if state == "bullet"]
    assert not wrong


def test_a_filled_checkbox_at_a_lines_start_stays_a_checkbox() -> None:
    from PIL import Image, ImageDraw

    from ocrplug.checkboxes import take_checkboxes
    from ocrplug.model import Region

    img = Image.new("L", (600, 80), 255)
    d = ImageDraw.Draw(img)
    d.rectangle((20, 25, 44, 49), outline=0, width=2)
    d.rectangle((25, 30, 39, 44), fill=0)  # filled inside, a white ring between fill and frame
    d.ellipse((60, 30, 74, 44), fill=0)  # a disc right of it: not at the line's start
    _, taken = take_checkboxes(np.asarray(img), [Region.from_box(14, 20, 90, 54, level="line")])
    assert [t.state for t in taken] == ["ticked"]
