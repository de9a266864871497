"""Narrow column gutters and split titles (issue 24, N13): ``ocrplug.layout`` finds a gutter narrower
than ``column_gap`` by its length and its aligned edge, and never a detector line's own word space.

Word boxes are laid out as a recognizer gives them (``Region`` word children of detector lines); the
pages these stand for are ``benchmarks/multi_column.py``'s narrow-gutter pages (docs/benchmarks.md
"Narrow gutters and split titles") and T11's shelf label.
"""

from __future__ import annotations

import random

from ocrplug.layout import layout_regions
from ocrplug.model import Region


def _word(x0: float, y: float, x1: float, h: float, text: str) -> Region:
    return Region.from_box(x0, y, x1, y + h, text=text, level="word")


def _line(words: list[tuple[float, float, str]], y: float, h: float) -> Region:
    kids = tuple(_word(x0, y, x1, h, t) for x0, x1, t in words)
    return Region.from_box(words[0][0], y, words[-1][1], y + h, level="line",
                           text=" ".join(t for *_, t in words), children=kids)


def _justified(x0: float, x1: float, name: str, rng: random.Random) -> list[tuple[float, float, str]]:
    """A justified line from ``x0`` to ``x1``: 5-7 words of 40-110 px, spaces stretched to fill it."""
    widths = [rng.uniform(40, 110) for _ in range(rng.randint(5, 7))]
    space = (x1 - x0 - sum(widths)) / (len(widths) - 1)
    out, x = [], x0
    for k, w in enumerate(widths):
        out.append((x, x + w, name if k == 0 else "w"))
        x += w + space
    return out


def _lines(blocks: list[Region]) -> list[str]:
    return [(ln.text or "").split()[0] for b in blocks for ln in b.children]


def test_two_justified_columns_with_a_gutter_a_quarter_line_high_read_column_by_column() -> None:
    # 40 px lines, a 10 px gutter (0.25 line heights; column_gap is 0.6) and word spaces of 10-40 px:
    # the gutter is no wider than the word spaces, but it is clear on every row and both its edges are
    # straight. db joins the two columns' lines on some rows (one detector line across the gutter).
    rng = random.Random(13)
    regions = []
    for i in range(12):
        y = 50 * i
        left, right = _justified(0, 600, f"L{i}", rng), _justified(610, 1210, f"R{i}", rng)
        if i % 4 == 1:
            regions.append(_line(left + right, y, 40))
        else:
            regions += [_line(left, y, 40), _line(right, y, 40)]
    order = _lines(layout_regions(regions))
    assert order == [f"L{i}" for i in range(12)] + [f"R{i}" for i in range(12)]


def test_word_spaces_lined_up_over_many_rows_without_a_straight_edge_are_no_gutter() -> None:
    # One column of prose whose word spaces near x 300 overlap on every row in a 2 px strip (300-302),
    # the words beside it ending and starting at scattered x: no gutter, the rows read whole.
    regions = []
    for i in range(10):
        end, start = 300 - 7 * (i % 4), 302 + 6 * ((i + 1) % 4)
        words = [(0, 120, f"A{i}"), (134, end, "w"), (start, 480, "w"), (494, 640, "w")]
        regions.append(_line(words, 50 * i, 40))
    blocks = layout_regions(regions)
    assert [ln.text for b in blocks for ln in b.children] == [f"A{i} w w w" for i in range(10)]


def test_a_tall_title_is_not_cut_at_its_word_space() -> None:
    # T11's shelf label: the 44 px title ``Oat Drink Barista 1 L`` (one detector line) has an 18 px space
    # after ``Drink``; under it lines of 25 px on both sides make 0.6 median line heights 16 px, so the space
    # was a gutter and the title was read as ``Oat Drink`` ... ``Barista 1 L`` after the left column.
    title = _line([(32, 114, "Oat"), (128, 246, "Drink"), (264, 424, "Barista"), (440, 460, "1"), (480, 500, "L")],
                  30, 45)
    art = _line([(28, 70, "Art."), (78, 159, "208815")], 91, 24)
    price = _line([(379, 873, "1.89")], 128, 254)
    unit = _line([(32, 80, "1.89"), (85, 126, "per"), (130, 145, "1"), (150, 164, "L")], 380, 27)
    count = _line([(831, 848, "6")], 399, 24)
    blocks = layout_regions([count, unit, price, art, title])
    assert [ln.text for b in blocks for ln in b.children] == ["Oat Drink Barista 1 L", "Art. 208815", "1.89",
                                                              "1.89 per 1 L", "6"]


def test_justified_columns_whose_every_line_the_detector_joined_across_the_gutters_read_column_by_column() -> None:
    # V13's j3_g12 (issue 24, N14): three justified columns of 30 px type, 12 px gutters, 48 px pitch (row
    # gaps 18 px, over column_gap line heights); db drew each row as ONE line across the page. Both edges
    # of each gutter are straight: a river, not the lines' word spaces, though every row's line crosses it.
    rng = random.Random(14)
    regions = []
    for i in range(14):
        cols = [_justified(60 + c * 572, 620 + c * 572, f"{'ABC'[c]}{i}", rng) for c in range(3)]
        regions.append(_line(cols[0] + cols[1] + cols[2], 48 * i, 30))
    blocks = layout_regions(regions)
    assert _lines(blocks) == [f"{c}{i}" for c in "ABC" for i in range(14)]


def test_ragged_columns_with_row_gaps_wider_than_the_gutter_read_column_by_column() -> None:
    # V13's cols3_g14: ragged columns (straight left edges only), a 14 px gutter, 30 px type on a 50 px
    # pitch (row gaps 20 px, wider than column_gap line heights); db joined the first two columns' lines on
    # some rows. The rows' leading no longer outweighs the river: it was read row by row across columns 1-2.
    rng = random.Random(3)
    regions = []
    for i in range(12):
        rows = []
        for c in range(2):
            x, words = 60 + c * 560, []
            end = 60 + c * 560 + rng.uniform(430, 540)
            k = 0
            while x < end:
                w = rng.uniform(50, 100)
                words.append((x, x + w, f"{'AB'[c]}{i}" if k == 0 else "w"))
                x += w + 9
                k += 1
            rows.append(words)
        if i % 3 == 0:
            regions.append(_line(rows[0] + rows[1], 50 * i, 30))
        else:
            regions += [_line(rows[0], 50 * i, 30), _line(rows[1], 50 * i, 30)]
    assert _lines(layout_regions(regions)) == [f"{c}{i}" for c in "AB" for i in range(12)]


