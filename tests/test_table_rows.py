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
