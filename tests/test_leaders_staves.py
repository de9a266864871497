"""Issue 24 (S16): dotted leaders are no stops, notes on a music staff are no text.

``fast`` read T15's ``dotted_form.png`` ``Address: .. .22 Elm Grove`` (the dotted fill-in line read as
stops) and its ``songsheet.png`` note heads as ``C``, ``Q 0 0 2 2``, ``2``. :func:`ocrplug.leaders.drop_leader_dots`
takes the stops that stand for leader dots from the read words; :func:`ocrplug.fills.off_staves` keeps
the regions over a staff of five rules from being read. Real stops (``.22``, ``wait...``, ``J. R. R.``)
and a ruled table's rows stay.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.fills import off_staves, staves
from ocrplug.leaders import drop_leader_dots, leader_dots
from ocrplug.model import Region
from ocrplug.presets import preset_config

SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _font(size: int) -> ImageFont.FreeTypeFont:
    if not SANS.exists():
        pytest.skip("fonts-dejavu-core is not installed")
    return ImageFont.truetype(str(SANS), size)


def _dots(draw: ImageDraw.ImageDraw, x0: int, x1: int, y: int, size: int = 2, pitch: int = 8) -> None:
    for x in range(x0, x1 - size, pitch):
        draw.rectangle((x, y - size + 1, x + size - 1, y), fill=0)


def _line(words: list[tuple[str, tuple[float, float, float, float]]]) -> Region:
    kids = tuple(Region.from_box(*box, level="word", text=t, order=i) for i, (t, box) in enumerate(words))
    x0 = min(b[0] for _, b in words)
    x1 = max(b[2] for _, b in words)
    return Region.from_box(x0, words[0][1][1], x1, words[0][1][3], level="line", text=" ".join(t for t, _ in words),
                           children=kids)


def test_stops_read_for_leader_dots_go_and_real_stops_stay() -> None:
    img = Image.new("L", (900, 200), 255)
    d = ImageDraw.Draw(img)
    f = _font(24)
    d.text((20, 60), "Address:", font=f, fill=0, anchor="ls")
    _dots(d, 140, 880, 62)
    d.text((200, 58), "22 Elm", font=f, fill=0, anchor="ls")
    # A second line: a real decimal point and an ellipsis, no leader under them.
    d.text((20, 150), ".22 calibre wait...", font=f, fill=0, anchor="ls")
    gray = np.asarray(img)
    x22 = d.textbbox((200, 58), "22", font=f, anchor="ls")
    elm = d.textbbox((200, 58), "22 Elm", font=f, anchor="ls")
    first = _line([("Address:", (18, 38, 130, 68)), ("..", (140, 40, 196, 68)), (".22", (172, 38, x22[2] + 1, 68)),
                   ("Elm", (x22[2] + 6, 38, elm[2] + 1, 68))])
    b = d.textbbox((20, 150), ".22 calibre wait...", font=f, anchor="ls")
    second = _line([(".22", (b[0] - 1, b[1] - 2, b[0] + 40, b[3] + 2)), ("calibre", (b[0] + 45, b[1] - 2, b[0] + 130, b[3] + 2)),
                    ("wait...", (b[0] + 135, b[1] - 2, b[2] + 1, b[3] + 2))])
    out = drop_leader_dots(gray, [first, second])
    assert out[0].text == "Address: 22 Elm"
    assert [w.text for w in out[0].children] == ["Address:", "22", "Elm"]
    assert out[1] is second
    # The word's box shrinks to the ink it keeps (the digits, not the dots before them).
    assert min(p[0] for p in out[0].children[1].quad) >= x22[0] - 1


def test_an_ellipsis_and_initials_are_no_leader() -> None:
    img = Image.new("L", (700, 120), 255)
    d = ImageDraw.Draw(img)
    d.text((20, 70), "by J. R. R. Tolkien and so on . . .", font=_font(24), fill=0, anchor="ls")
    _, dot, leader = leader_dots((np.asarray(img) < 128).astype(np.uint8), 28.0)
    assert dot.sum() >= 6 and not leader.any()


def _staff_page(table: bool = False, lines: int = 5) -> tuple[np.ndarray, list[Region], list[Region]]:
    """A staff of ``lines`` rules (pitch 16) with note heads (``table``: text rows between the rules, pitch
    34, instead) and lyrics under it; the regions on the staff and those off it."""
    img = Image.new("L", (1200, 400), 255)
    d = ImageDraw.Draw(img)
    f = _font(24)
    pitch = 34 if table else 16
    top = 100
    for i in range(lines):
        d.line((60, top + i * pitch, 1140, top + i * pitch), fill=0, width=2)
    on = []
    for k in range(6):
        x = 150 + 160 * k
        if table:
            y = top + pitch * (k % 4) + pitch // 2
            d.text((x, y), "apples", font=f, fill=0, anchor="lm")
            on.append(Region.from_box(x - 4, y - 14, x + 86, y + 14, level="line"))
        else:
            y = top + 4 * pitch - k * pitch / 2
            d.ellipse((x - 10, y - 7, x + 10, y + 7), fill=0)
            d.line((x + 9, y, x + 9, y - 56), fill=0, width=2)
            on.append(Region.from_box(x - 13, y - 10, x + 13, y + 10, level="line"))
    low = top + (lines - 1) * pitch + 60
    d.text((150, low), "Down by the river", font=f, fill=0, anchor="ls")
    off = [Region.from_box(146, low - 24, 360, low + 8, level="line"), Region.from_box(500, 10, 800, 50, level="line")]
    d.text((505, 40), "The Rolling River", font=f, fill=0, anchor="ls")
    return np.asarray(img), on, off


def test_regions_on_a_staff_are_dropped_and_lyrics_stay() -> None:
    gray, on, off = _staff_page()
    found = staves((gray < 128).astype(np.uint8))
    assert len(found) == 1 and found[0][4] == pytest.approx(16, abs=1)
    assert off_staves(gray, [*on, *off]) == off


@pytest.mark.parametrize(("table", "lines"), [(True, 5), (False, 8), (False, 4)])
def test_a_table_and_ruled_paper_are_no_staff(table: bool, lines: int) -> None:
    gray, on, off = _staff_page(table, lines)
    assert off_staves(gray, [*on, *off]) == [*on, *off]


def test_the_fast_preset_reads_a_song_sheet_and_a_dotted_form_clean() -> None:
    img = Image.new("RGB", (1300, 700), "white")
    d = ImageDraw.Draw(img)
    f = _font(26)
    d.text((450, 60), "The Rolling River", font=f, fill="black", anchor="ls")
    top = 130
    for i in range(5):
        d.line((60, top + 16 * i, 1240, top + 16 * i), fill="black", width=2)
    for k, word in enumerate(["Down", "by", "the", "roll-", "ing", "riv-", "er"]):
        x = 150 + 160 * k
        y = top + 64 - 8 * (k % 5)
        d.ellipse((x - 10, y - 7, x + 10, y + 7), fill="black")
        d.line((x + 9, y, x + 9, y - 56), fill="black", width=2)
        d.text((x - 10, top + 130), word, font=f, fill="black", anchor="ls")
    for k, (label, answer) in enumerate([("Address:", "22 Elm Grove"), ("Telephone:", "0117 496 0812")]):
        y = 420 + 100 * k
        d.text((60, y), label, font=f, fill="black", anchor="ls")
        x0 = 70 + int(d.textlength(label, font=f))
        _dots(d, x0, 1240, y + 3)
        d.text((x0 + 20, y - 2), answer, font=f, fill=(20, 30, 140), anchor="ls")
    page = Pipeline.from_dict(dict(preset_config("fast"), renderers=[])).run(np.asarray(img)).pages[0]
    words = page.text.split()
    assert "." not in "".join(w for w in words if not any(c.isalnum() for c in w)), page.text
    assert not any(w.startswith(".") for w in words), page.text
    assert {"Down", "river", "roll-", "22", "Elm", "Grove", "0117", "0812"} - set(words) <= {"river"}, page.text
    # Nothing but the title, lyrics and the form: no note head read as a letter.
    truth = {"The", "Rolling", "River", "Down", "by", "the", "roll-", "ing", "riv-", "er", "Address:", "22", "Elm",
             "Grove", "Telephone:", "0117", "496", "0812"}
    assert set(words) <= truth, sorted(set(words) - truth)
