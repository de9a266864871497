"""A table whose cells are short (dashes meaning "none") with prose under its first column only is read
row by row; two columns of prose, one longer than the other, are still read column after column
(ocrplug.layout, issue 24)."""

from __future__ import annotations

from ocrplug.layout import layout_regions
from ocrplug.model import Region


def _word(x0: float, y: float, x1: float, text: str) -> Region:
    return Region.from_box(x0, y, x1, y + 20, text=text, level="word")


def _lines(regions: list[Region]) -> list[str]:
    return [ln.text or "" for b in layout_regions(regions) for ln in b.children]


def _read(regions: list[Region]) -> str:
    """The page's words in reading order, one space apart."""
    return " ".join(_lines(regions))


def test_a_dash_table_over_prose_is_read_row_by_row() -> None:
    # Four columns (a name, then three cells that are often a lone dash), prose under the first column:
    # over the table's rows every row pairs across each gutter, though the first column's side holds
    # the prose too (8 rows there, 4 beside it).
    table = [["Part", "Qty", "Net", "Tax"], ["Nut", "-", "3", "-"], ["Pin", "8", "-", "1"], ["Cap", "-", "-", "6"]]
    regions = []
    for i, row in enumerate(table):
        for k, cell in enumerate(row):
            x0 = 20 if k == 0 else 200 + 300 * k
            regions.append(_word(x0, 40 * i, x0 + (8 if cell == "-" else 40), cell))
    prose = [["A", "cat", "sat", "by", "a", "mat."], ["I", "am", "5", "and", "I", "go."], ["Total:", "-"]]
    for i, words in enumerate(prose):
        for k, w in enumerate(words):
            regions.append(_word(10 + 70 * k, 200 + 40 * i, 70 + 70 * k, w))
    regions.append(_word(10, 320, 80, "Answer:"))
    regions.append(_word(90, 320, 100, "4"))
    assert _read(regions[::-1]) == (
        "Part Qty Net Tax Nut - 3 - Pin 8 - 1 Cap - - 6 A cat sat by a mat. I am 5 and I go. Total: - Answer: 4"
    )


def test_two_prose_columns_of_unequal_length_stay_column_after_column() -> None:
    regions = []
    for i in range(8):
        regions += [_word(36 * k, 30 * i, 36 * k + 30, f"L{i}" if k == 0 else "w") for k in range(5)]
        if i < 4:
            regions += [_word(220 + 36 * k, 30 * i, 256 + 36 * k, f"R{i}" if k == 0 else "w") for k in range(5)]
    out = _lines(regions[::-1])
    assert out == [f"L{i} w w w w" for i in range(8)] + [f"R{i} w w w w" for i in range(4)]


def _cells(y: float, cells: list[tuple[float, str]]) -> list[Region]:
    """Words of one row: each cell (left edge, text) laid out word by word, 8 px apart (0.4 heights)."""
    out = []
    for x, text in cells:
        for w in text.split():
            out.append(_word(x, y, x + 10 * len(w), w))
            x += 10 * len(w) + 8
    return out


def test_a_statement_whose_amounts_hold_more_than_three_words_a_row_is_read_row_by_row() -> None:
    # T9 fault 1: with a 4-word header (Ref Debit Credit Balance) over 3-word rows the amounts' side held
    # 3.04 words a row, was taken for prose and the page read descriptions, then all the amounts.
    header = [(20, "Date"), (130, "Description"), (520, "Ref"), (650, "Debit"), (780, "Credit"), (900, "Balance")]
    rows = [header]
    for k in range(8):
        amount = (650, f"{k + 1}.50") if k % 3 else (780, f"{k + 7}.25")
        rows.append([(20, f"0{k + 1}.10"), (130, f"Card payment SHOP{k}"), (520, f"71{k}"), amount, (900, f"9{k}.00")])
    regions = _cells(0, [(20, "NORDSTADT SAVINGS BANK")])
    for i, row in enumerate(rows):
        regions += _cells(60 + 30 * i, row)
    regions += _cells(60 + 30 * len(rows) + 30, [(20, "Please check this statement and report any error")])
    expected = ["NORDSTADT SAVINGS BANK", "Date Description Ref Debit Credit Balance"] + [
        f"0{k + 1}.10 Card payment SHOP{k} 71{k} " + (f"{k + 1}.50" if k % 3 else f"{k + 7}.25") + f" 9{k}.00"
        for k in range(8)
    ] + ["Please check this statement and report any error"]
    assert _read(regions[::-1]) == " ".join(expected)


def test_a_timetable_with_many_cells_a_row_is_read_row_by_row() -> None:
    # T9 fault 3: every side of a cut between two trip columns holds 5 to 10 words a row, one a cell;
    # read as prose columns, some trips came column by column.
    trips = [f"{400 + k}" for k in range(10)]
    stops = ["Central Station", "Market Square", "Royal Hospital", "Park Road", "Hill Top", "Airport"]
    table = [["Stop", *trips]] + [[stop, *[f"{6 + k}:{10 + 7 * s:02d}" for k in range(10)]] for s, stop in enumerate(stops)]
    regions = _cells(0, [(20, "Route 42 Weekday Timetable")])
    for i, row in enumerate(table):
        regions += _cells(60 + 40 * i, [(20, row[0])] + [(220 + 90 * k, cell) for k, cell in enumerate(row[1:])])
    assert _read(regions[::-1]) == " ".join(["Route 42 Weekday Timetable", *(" ".join(row) for row in table)])


def test_two_columns_of_form_fields_that_do_not_pair_row_for_row_stay_column_after_column() -> None:
    # Labels with short values on both sides of the gutter (few words a cell), but the right-hand
    # fields sit on every other row of the left-hand ones: two field columns, not one table.
    left = [(f"Length {k}", f"{80 + k} mm") for k in range(8)]
    right = [(f"Weight {k}", f"{970 + k} mg") for k in range(4)]
    regions = []
    for i, (label, value) in enumerate(left):
        regions += _cells(30 * i, [(20, label), (220, value)])
    for i, (label, value) in enumerate(right):
        regions += _cells(60 * i, [(420, label), (620, value)])
    assert _read(regions[::-1]) == " ".join(f"{a} {b}" for a, b in [*left, *right])


def test_a_rows_dash_cells_boxed_tight_are_read_in_their_place() -> None:
    # T10's rota through the tesseract recognizer: each cell a line whose one word is boxed tight around
    # its ink, so a "-" cell's word is 3 px tall on a 30 px row (and sits below the row's centre). The
    # dashes were a row of their own, read after the row's other cells: "E E L N N 36 - -".
    cells = ["E", "E", "L", "-", "N", "N", "-", "36"]
    regions = [Region.from_box(134, 530, 228, 560, text="Alice", level="word"),
               Region.from_box(236, 531, 378, 560, text="Moreno", level="word")]
    for k, cell in enumerate(cells):
        x0 = 586 + 130 * k
        y0, y1 = (545, 548) if cell == "-" else (528, 558)
        word = Region.from_box(x0, y0, x0 + 30, y1, text=cell, level="word")
        regions.append(Region.from_box(x0 - 2, 519, x0 + 34, 573, text=cell, level="line", children=(word,)))
    assert _read(regions) == "Alice Moreno E E L - N N - 36"
    # A stop alone on the row (a box 0.15 of the row's height at its baseline) stays in its row too,
    # and a dash alone between two rows joins neither of them.
    stop = [Region.from_box(400, 554, 404, 558, text=".", level="word")]
    assert _read(regions[:2] + stop) == "Alice Moreno ."
    rows = [Region.from_box(20, 0, 120, 30, text="Upper", level="word"), Region.from_box(20, 60, 120, 90, text="Lower", level="word"),
            Region.from_box(60, 43, 70, 46, text="-", level="word")]
    assert _lines(rows) == ["Upper", "-", "Lower"]
