"""A heading over columns is read before them (issue 24, N15): ``ocrplug.layout._head_cut``.

T14's ``science_2col.png`` (a 1700 px page: a centred title and author line over a narrow first column of
two paragraphs parted by a centred equation, then two columns) was read by every preset as the first column
whole, then the title, the author line, the equation and the second column: the title lies clear of the first
column's lines, so the XY-cut's first cut was the gutter beside them. Word boxes here are laid out as a
recognizer gives them (word children of detector lines), at that page's positions; the generated variants
are ``benchmarks/column_variants.py --kind titled`` (docs/benchmarks.md "Headings over columns").
"""

from __future__ import annotations

import pytest

from ocrplug.layout import layout_regions
from ocrplug.model import Region


def _line(x0: float, x1: float, y: float, name: str, h: float = 34, words: int = 5) -> Region:
    """A detector line from ``x0`` to ``x1`` of ``words`` words (10 px spaces); its first word reads ``name``."""
    step = (x1 - x0 + 10) / words
    kids = tuple(
        Region.from_box(x0 + k * step, y, x0 + (k + 1) * step - 10, y + h, text=name if k == 0 else "w", level="word")
        for k in range(words)
    )
    return Region.from_box(x0, y, x1, y + h, level="line", text=" ".join(k.text or "" for k in kids), children=kids)


def _first_words(regions: list[Region]) -> list[str]:
    return [(ln.text or "").split()[0] for b in layout_regions(regions) for ln in b.children]


def _column(x0: float, widths: list[float], y: float, name: str) -> list[Region]:
    return [_line(x0, x0 + w, y + 44 * i, f"{name}{i}") for i, w in enumerate(widths)]


@pytest.mark.parametrize("number", [True, False])
def test_a_centred_title_and_a_display_line_over_narrow_columns_come_in_reading_order(number: bool) -> None:
    # Without the equation's number at the right margin (``accurate`` missed it) the page's words end at x
    # 1250: the equation (752-948) no longer crosses their centre line (675), but it crosses the second
    # column's start (900), alone on its row between wide row gaps.
    regions = [_line(573, 1126, 60, "Title", h=45), _line(694, 1005, 125, "Author", words=4)]
    regions += _column(100, [356, 356, 341, 357, 356, 327, 336], 225, "P")  # first paragraph
    regions += [_line(752, 948, 560, "Eq", words=4)] + ([_line(1520, 1553, 560, "(1)", words=1)] if number else [])
    regions += _column(100, [334, 325, 310, 320, 300, 315, 319], 640, "Q")  # second paragraph
    regions += _column(100, [350, 377, 350, 260], 990, "L") + _column(900, [350, 343, 294, 180], 990, "R")
    order = _first_words(regions)
    assert order[:2] == ["Title", "Author"]
    body = [w for w in order[2:] if w != "(1)"]
    assert body == [f"P{i}" for i in range(7)] + ["Eq"] + [f"Q{i}" for i in range(7)] + [
        f"L{i}" for i in range(4)
    ] + [f"R{i}" for i in range(4)]


def test_a_column_that_starts_higher_than_the_first_is_still_read_after_it() -> None:
    # Two columns of 10 lines; the second starts 3 rows higher (the first has a picture above its text) with
    # a paragraph's space where the first column starts: its lines start on its edge, so none is a heading.
    regions = _column(100, [600] * 10, 300, "L")
    regions += _column(760, [600] * 3, 168 - 20, "A") + _column(760, [600] * 7, 300, "R")
    order = _first_words(regions)
    assert order == [f"L{i}" for i in range(10)] + [f"A{i}" for i in range(3)] + [f"R{i}" for i in range(7)]


def test_the_middle_column_of_three_is_no_heading() -> None:
    # Three columns; the first starts two paragraph spaces lower: the middle column's top lines cross the
    # page's centre line but start on their column's edge.
    regions = _column(100, [400] * 8, 300, "L") + _column(560, [400] * 2, 150, "M")
    regions += _column(560, [400] * 8, 300, "N") + _column(1020, [400] * 10, 150, "R")
    order = _first_words(regions)
    assert order[:8] == [f"L{i}" for i in range(8)]
