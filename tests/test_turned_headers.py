"""A ruled table whose column headers are turned by 90 degrees (issue 24 items 2/3; T10's rota, faults 3/4a).

A reader reads the header row -- the level ``Name`` cell, then each turned header left to right -- before
the body rows. Before, the turned headers were read after the whole table (every preset), and ``accurate``
joined craft's boxes of ``Monday`` .. ``Thursday`` into one level line (read ``111``) and read ``Friday``,
which craft had cut in two, as ``Frida`` + ``ay``. The pages come from benchmarks/rotated_headers.py.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ocrplug.layout import layout_regions, lines_for_recognition
from ocrplug.model import Region
from tests.conftest import load_benchmark

rotated_headers = load_benchmark("rotated_headers")


def _word(x0: float, y0: float, x1: float, y1: float, text: str | None = None) -> Region:
    return Region.from_box(x0, y0, x1, y1, text=text, level="word")


def _level(x0: float, y0: float, x1: float, y1: float, text: str) -> Region:
    """A detector line of one word (db's boxes of a table's cells)."""
    return Region.from_box(x0, y0, x1, y1, level="line", text=text, children=(_word(x0, y0, x1, y1, text),))


def _turned(x0: float, y0: float, x1: float, y1: float, text: str) -> Region:
    """A line read from a crop turned by 270 degrees (text running up the page): its quad starts at the
    text's own top-left, the box's bottom-left corner."""
    quad = ((x0, y1), (x0, y0), (x1, y0), (x1, y1))
    word = Region(quad=quad, level="word", text=text)
    return Region(quad=quad, level="line", text=text, attributes={"rotation": 270}, children=(word,))


def _table() -> tuple[list[Region], list[str]]:
    """Title, a header row (``Name`` level, three turned headers, bottom-aligned), three body rows close
    enough under it to be one block with ``Name``, a footer."""
    heads = ["Monday", "Tuesday", "Wednesday"]
    regions = [_level(20, 10, 300, 40, "Title")]
    regions.append(_level(20, 170, 80, 190, "Name"))
    for k, head in enumerate(heads):
        regions.append(_turned(120 + 60 * k, 100 - 10 * k, 140 + 60 * k, 190, head))
    rows = []
    for r in range(3):
        y = 205 + 35 * r
        rows.append([f"name{r}", *(f"c{r}{k}" for k in range(3))])
        regions.append(_level(20, y, 80, y + 20, rows[-1][0]))
        regions += [_level(125 + 60 * k, y, 135 + 60 * k, y + 20, rows[-1][k + 1]) for k in range(3)]
    regions.append(_level(20, 330, 300, 350, "Footer"))
    return regions, ["Title", "Name", *heads, *(c for row in rows for c in row), "Footer"]


def _read(blocks: list[Region]) -> list[str]:
    return [w.text or "" for b in blocks for ln in b.children for w in (ln.children or (ln,))]


def test_turned_headers_are_read_on_their_header_row_before_the_body() -> None:
    regions, truth = _table()
    assert _read(layout_regions(regions)) == truth


def test_a_turned_header_row_right_of_level_text_keeps_each_row_whole() -> None:
    # A level cell right of the turned headers on the header row ("Total") comes after them.
    regions, truth = _table()
    regions.append(_level(310, 170, 360, 190, "Total"))
    read = _read(layout_regions(regions))
    assert read[: 6] == ["Title", "Name", "Monday", "Tuesday", "Wednesday", "Total"]
    assert read[6:] == truth[5:]


def test_a_turned_label_in_the_left_margin_is_not_pulled_into_the_text() -> None:
    # A margin label beside a paragraph's lines, left of all of them, is read before them as before.
    lines = [_level(100, 100 + 30 * k, 400, 120 + 30 * k, f"line{k}") for k in range(4)]
    label = _turned(40, 100, 60, 210, "margin")
    assert _read(layout_regions([*lines, label])) == ["margin", *(f"line{k}" for k in range(4))]


def test_a_turned_stamp_across_lines_is_not_read_inside_them() -> None:
    # A turned block that lines cross (a stamp over a paragraph) does not cut the paragraph.
    lines = [_level(100, 100 + 30 * k, 400, 120 + 30 * k, f"line{k}") for k in range(4)]
    stamp = _turned(240, 90, 260, 210, "stamp")
    read = _read(layout_regions([*lines, stamp]))
    assert read[:4] == [f"line{k}" for k in range(4)]


def test_turned_words_side_by_side_are_never_joined_into_a_level_line() -> None:
    # craft's loose boxes of turned headers: each 3.4 times taller than wide, 90 px apart (T10's rota).
    words = [_word(584 + 130 * k, 320, 630 + 130 * k, 476) for k in range(4)]
    units = lines_for_recognition(words)
    assert len(units) == 4
    assert all(len(u.children) == 1 for u in units)


def test_level_words_of_a_row_are_still_joined() -> None:
    words = [_word(100 + 70 * k, 100, 160 + 70 * k, 130) for k in range(4)]
    assert len(lines_for_recognition(words)) == 1


def test_a_turned_word_cut_in_two_is_joined_again() -> None:
    # craft's stacked-character split of ``Friday`` (T10's rota): ``ay`` above ``Frid``, meeting halfway,
    # between turned headers and over a level ``Name`` row.
    words = [
        _word(977, 291, 1016, 475),  # Thursday
        _word(1105, 345, 1158, 398),  # ay
        _word(1099, 398, 1152, 483),  # Frid
        _word(1236, 299, 1277, 475),  # Saturday
        _word(140, 435, 252, 472),  # Name
    ]
    units = lines_for_recognition(words)
    pieces = [u for u in units if len(u.children) == 2]
    assert len(pieces) == 1
    box = np.asarray(pieces[0].quad)
    assert box[:, 1].min() <= 345 and box[:, 1].max() >= 483


def test_two_stacked_answers_beside_their_labels_stay_apart() -> None:
    # One-character answers of a form cut apart by craft's stacked-character split: each on a label's row.
    words = [
        _word(60, 30, 200, 60), _word(330, 28, 348, 62),
        _word(60, 68, 200, 98), _word(330, 62, 348, 96),
    ]
    units = lines_for_recognition(words)
    assert not any(
        len(u.children) == 2 and {c.quad for c in u.children} == {words[1].quad, words[3].quad} for u in units
    )


@pytest.mark.parametrize("variant", [0, 1])
def test_fast_reads_a_drawn_rota_header_row_in_place(variant: int, tmp_path: Path) -> None:
    from ocrplug import Pipeline
    from ocrplug.presets import preset_config

    img, truth = rotated_headers.table_page(rotated_headers.VARIANTS[variant], seed=variant)
    path = tmp_path / "table.png"
    img.save(path)
    pipe = Pipeline.from_dict(dict(preset_config("fast"), renderers=[], output={"dir": str(tmp_path / "out")}))
    read = pipe.run(path).pages[0].text.split()
    head = ["Name", *_headers(variant), rotated_headers.NAMES[0].split()[0]]
    # The header row is read whole, in place: Name, the turned headers left to right, then the first row.
    start = read.index("Name")
    assert read[start : start + len(head)] == head, read
    assert rotated_headers.in_order(truth, read) >= len(truth) - 3


def _headers(variant: int) -> list[str]:
    _face, _bold, _pt, _turn, kind, cols, _rows, total = rotated_headers.VARIANTS[variant]
    return rotated_headers.HEADERS[kind][:cols] + (["Total"] if total else [])


def test_two_overlapping_detector_lines_are_not_joined_as_a_split_word() -> None:
    # db's lines of a road sign (icdar2015_val img_104): a big ``2`` over ``SPEED``, overlapping.
    lines = [
        Region(quad=((38, 421), (149, 363), (192, 444), (80, 502)), level="line"),
        Region(quad=((31, 115), (157, 104), (183, 426), (57, 436)), level="line"),
    ]
    assert len(lines_for_recognition(lines)) == 2
