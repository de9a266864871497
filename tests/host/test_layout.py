"""The host layout step: words -> lines -> blocks and the reading order (ocrplug.layout)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ocrplug.config import validate_config
from ocrplug.errors import ConfigError
from ocrplug.layout import LayoutOptions, is_laid_out, layout_page, layout_regions, order_regions
from ocrplug.model import Document, Page, Region


def _box(x0: float, y0: float, x1: float, y1: float, name: str, level: str = "word") -> Region:
    return Region.from_box(x0, y0, x1, y1, text=name, level=level)  # type: ignore[arg-type]


def _names(regions: list[Region]) -> list[str]:
    return [r.text or "" for r in regions]


def _line(words: list[tuple[float, float, str]], y: float, h: float = 20) -> Region:
    """A detector line over several words (x0, x1, text), with the recognizer's word children."""
    kids = tuple(_box(x0, y, x1, y + h, t) for x0, x1, t in words)
    x0, x1 = words[0][0], words[-1][1]
    return Region.from_box(x0, y, x1, y + h, level="line", text=" ".join(t for *_, t in words), children=kids)


def _prose(x0: float, name: str, n: int = 5) -> list[tuple[float, float, str]]:
    """``n`` words of a prose column starting at ``x0`` (each 30 px wide, 6 px apart), the first named."""
    return [(x0 + 36 * k, x0 + 36 * k + 30, name if k == 0 else "w") for k in range(n)]


def _page(regions: list[Region]) -> Page:
    return Page(index=0, width=1000, height=1000, source="t", regions=tuple(regions))


def _lines(blocks: list[Region]) -> list[str]:
    return [ln.text or "" for b in blocks for ln in b.children]


def test_rows_left_to_right_despite_jitter() -> None:
    regions = [
        _box(70, 12, 120, 30, "b"),
        _box(0, 10, 50, 28, "a"),
        _box(0, 50, 40, 70, "c"),
        _box(60, 52, 90, 69, "d"),
    ]
    out = order_regions(regions)
    assert _names(out) == ["a", "b", "c", "d"]
    assert [r.order for r in out] == [0, 1, 2, 3]
    # Loose words on one row become one line each row.
    assert _lines(layout_regions(regions)) == ["a b", "c d"]


def test_two_columns_under_a_title_read_column_by_column() -> None:
    regions = [_box(0, 0, 400, 30, "title", "line")]
    for i in range(4):
        y = 60 + 30 * i
        regions.append(_line(_prose(0, f"L{i}"), y))
        regions.append(_line(_prose(220, f"R{i}"), y))
    blocks = layout_regions(regions[::-1])
    assert _lines(blocks) == ["title"] + [f"L{i} w w w w" for i in range(4)] + [f"R{i} w w w w" for i in range(4)]


def test_a_detector_line_across_the_gutter_is_split_at_it() -> None:
    # db joins the two columns' lines into one line each; its words leave the gutter empty.
    regions = [_line(_prose(0, f"L{i}") + _prose(220, f"R{i}"), 30 * i) for i in range(6)]
    blocks = layout_regions(regions)
    assert _lines(blocks) == [f"L{i} w w w w" for i in range(6)] + [f"R{i} w w w w" for i in range(6)]
    split = blocks[0].children[0]
    assert split.attributes.get("split") is True
    assert split.bbox == (0, 0, 174, 20)


def test_receipt_with_price_strip_reads_row_by_row() -> None:
    regions = []
    for i in range(5):
        y = 30 * i
        regions.append(_line([(0, 60, f"item{i}"), (70, 150 + 10 * i, "x")], y))
        regions.append(_line([(220, 400, f"price{i}")], y))
    out = _lines(layout_regions(regions[::-1]))
    assert out == [n for i in range(5) for n in (f"item{i} x", f"price{i}")]
    # Forcing columns reads the price column after the items.
    forced = _lines(layout_regions(regions, LayoutOptions(reading_order="columns")))
    assert forced[:5] == [f"item{i} x" for i in range(5)]


def test_rows_mode_never_cuts_columns() -> None:
    regions = []
    for i in range(4):
        regions.append(_line([(0, 80, f"L{i}"), (100, 180, "l")], 30 * i))
        regions.append(_line([(220, 300, f"R{i}"), (320, 400, "r")], 30 * i))
    out = _lines(layout_regions(regions, LayoutOptions(reading_order="rows")))
    assert out == [n for i in range(4) for n in (f"L{i} l", f"R{i} r")]


def test_rotated_page_reads_in_text_frame() -> None:
    angle = math.radians(30)
    rot = np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    regions = []
    for row in range(3):
        for col in range(3):
            x0, y0 = col * 60, row * 40
            corners = np.array([(x0, y0), (x0 + 50, y0), (x0 + 50, y0 + 20), (x0, y0 + 20)]) @ rot.T + 300
            regions.append(Region(quad=tuple(map(tuple, corners)), text=f"{row}{col}"))
    assert _names(order_regions(regions[::-1])) == [f"{r}{c}" for r in range(3) for c in range(3)]
    assert _lines(layout_regions(regions[::-1])) == ["00 01 02", "10 11 12", "20 21 22"]


def test_detector_order_keeps_blocks_and_fills_words() -> None:
    line = Region.from_box(0, 0, 200, 20, level="line", text="hello big world")
    block = Region.from_box(0, 0, 200, 20, level="block", children=(line,))
    later = _box(0, 100, 50, 120, "first?")
    out = layout_regions([block, later], LayoutOptions(reading_order="detector"))
    assert [b.level for b in out] == ["block", "block"]
    assert _lines(out) == ["hello big world", "first?"]
    words = out[0].children[0].children
    assert [w.text for w in words] == ["hello", "big", "world"]
    assert all(w.attributes.get("synthetic") for w in words)


def test_paragraphs_split_at_wide_vertical_gaps() -> None:
    regions = [_box(0, 0, 100, 20, "a", "line"), _box(0, 25, 100, 45, "b", "line"), _box(0, 120, 100, 140, "c", "line")]
    blocks = layout_regions(regions)
    assert [[ln.text for ln in b.children] for b in blocks] == [["a", "b"], ["c"]]
    assert [[ln.text for ln in b.children] for b in layout_regions(regions, LayoutOptions(paragraph_gap=0))] == [
        ["a", "b", "c"]
    ]


def test_page_text_and_json_round_trip_keep_the_layout() -> None:
    regions = [_box(70, 12, 120, 30, "b"), _box(0, 10, 50, 28, "a"), _box(0, 50, 40, 70, "c")]
    page = _page(regions)
    assert not is_laid_out(page)
    # Issue 22: Page.text reads the layout, it does not lay a hand-built page out (one layout call).
    assert page.text == "b\na\nc"
    assert layout_page(page).text == "a b\nc"
    laid = layout_page(page).with_(orientation=180)
    assert is_laid_out(laid)
    doc = Document(source="t", pages=(laid,))
    back = Document.from_json(doc.to_json())
    assert back == doc
    assert back.pages[0].orientation == 180
    assert back.pages[0].text == "a b\nc"


def test_layout_config_is_validated_with_key_paths() -> None:
    cfg = validate_config({"layout": {"reading_order": "rows"}, "input": {"orientation": "none"}}, "job.yaml")
    assert cfg.layout.reading_order == "rows"
    assert cfg.input.orientation == "none"
    with pytest.raises(ConfigError, match="layout"):
        validate_config({"layout": {"reading_ordr": "rows"}}, "job.yaml")
    with pytest.raises(ConfigError, match="orientation"):
        validate_config({"input": {"orientation": "sideways"}}, "job.yaml")


def test_a_single_line_with_wide_word_gaps_is_never_cut_into_columns() -> None:
    # Tight word boxes (as Tesseract gives) with gaps wider than column_gap line heights.
    line = _line([(0, 100, "Invoice"), (130, 200, "4711"), (400, 500, "total"), (530, 640, "345.67")], 0)
    assert _lines(layout_regions([line])) == ["Invoice 4711 total 345.67"]
    assert _lines(layout_regions([line], LayoutOptions(reading_order="columns"))) == ["Invoice 4711 total 345.67"]


def test_loose_words_join_only_with_words_of_their_own_line() -> None:
    # A tall mark beside a row (a ruling, a stamp) and the next row's words never join the row's line.
    words = [_box(0, 0, 50, 20, "a"), _box(60, 0, 110, 20, "b"), _box(120, -60, 130, 80, "|"), _box(0, 30, 50, 50, "c")]
    out = _lines(layout_regions(words))
    assert "a b" in out and "c" in out and "|" in out


def _tilted(x0: float, y0: float, w: float, h: float, deg: float, name: str) -> Region:
    """A word box of ``w`` x ``h`` whose quad is turned by ``deg`` about its centre."""
    c = np.array([x0 + w / 2, y0 + h / 2])
    a = math.radians(deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]]) @ rot.T + c
    return Region(quad=tuple(map(tuple, corners)), level="word", text=name)  # type: ignore[arg-type]


def test_a_long_line_of_slightly_tilted_word_boxes_stays_one_line() -> None:
    # CRAFT boxes words with descenders ("long", "very") a few degrees turned; their median tilt must
    # not become the page's text angle, which would cut a 3000 px line into rows.
    words = [_tilted(75 * k, 5, 60, 30, 3.0 if k % 3 else 0.0, f"w{k}") for k in range(40)]
    lines = _lines(layout_regions(words))
    assert lines == [" ".join(f"w{k}" for k in range(40))]


def test_a_skewed_page_still_reads_row_by_row() -> None:
    # Every box and every row turned by 4 degrees (a skewed scan): rows stay rows.
    a = math.radians(4.0)
    words = []
    for row in range(5):
        for k in range(6):
            x, y = 80 * k, 60 * row
            xr, yr = x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)
            words.append(_tilted(xr + 100, yr + 50, 60, 25, 4.0, f"r{row}w{k}"))
    lines = _lines(layout_regions(words))
    assert lines == [" ".join(f"r{row}w{k}" for k in range(6)) for row in range(5)]


@pytest.mark.parametrize("seed", range(12))
def test_a_short_paragraph_of_ragged_level_lines_reads_top_to_bottom(seed: int) -> None:
    # A few level detector lines of unequal length (dense small print, 30-40 px rows): the centre of a
    # short last line and of a longer line two rows up align at a few degrees, which alone made the
    # centres' profile 1.5x sharper there and tilted the page's frame: the lines were read 1, 3, 2, 4.
    rng = np.random.default_rng(seed)
    h = float(rng.uniform(28, 40))
    pitch = h * float(rng.uniform(1.0, 1.3))
    n = int(rng.integers(3, 7))
    right = [float(rng.uniform(1500, 1990)) for _ in range(n - 1)] + [float(rng.uniform(300, 900))]
    lines = [
        Region.from_box(116 + float(rng.uniform(0, 3)), 120 + k * pitch, right[k], 120 + k * pitch + h,
                        level="line", text=f"line{k}")
        for k in range(n)
    ]
    shuffled = [lines[i] for i in rng.permutation(n)]
    blocks = layout_regions(shuffled)
    assert _lines(blocks) == [f"line{k}" for k in range(n)]
    for block in blocks:
        (x0, y0), (x1, y1) = block.quad[0], block.quad[1]
        assert abs(y1 - y0) < 0.02 * (x1 - x0), f"block tilted: {block.quad}"


def test_the_centre_profile_of_ragged_lines_at_the_reported_size_keeps_the_page_level() -> None:
    # T5's page: NotoSans 7 pt at 300 dpi, db lines as found (read 1, 3, 2, 4 before).
    lines = [
        Region.from_box(116, 125, 1930, 159, level="line", text="one"),
        Region.from_box(117, 197, 1862, 231, level="line", text="three"),
        Region.from_box(118, 162, 1977, 194, level="line", text="two"),
        Region.from_box(117, 233, 799, 266, level="line", text="four"),
    ]
    assert _lines(layout_regions(lines)) == ["one", "two", "three", "four"]


@pytest.mark.parametrize("answer", ["1", "x"])
def test_paragraph_gap_is_measured_between_rows_not_from_a_lone_answer(answer: str) -> None:
    # Issue 24 (L6): evenly spaced form rows, each a label and a far-right one-character answer. The gap
    # to the next row was measured from the answer's box (a digit ends at the baseline, an ``x`` is
    # x-height tall) against the answer's height, so rows ending in one split into a block each while
    # the others did not. Rows are 30 px tall, 24 px apart (0.8 row heights, under paragraph_gap 1.0).
    top = 8 if answer == "x" else 2  # a digit: cap height over the baseline; an x: x-height
    regions = []
    for k, label in enumerate(["Quantity:", "Class:", "Mark:"]):
        y = 54 * k
        regions += [
            Region.from_box(40, y, 160, y + 30, level="line", text=label),
            Region.from_box(600, y + top, 612, y + 22, level="line", text=answer),
        ]
    blocks = layout_regions(regions)
    assert [_names(list(b.children)) for b in blocks] == [["Quantity:", answer, "Class:", answer, "Mark:", answer]]
    # Rows 1.5 row heights apart are paragraphs of their own, whatever ends them.
    wide = [*regions[:2], Region.from_box(40, 75, 160, 105, level="line", text="Class:")]
    assert [_names(list(b.children)) for b in layout_regions(wide)] == [["Quantity:", answer], ["Class:"]]


def _label_sheet(rows: int, cols: int, pitch_x: float = 780, pitch_y: float = 405) -> tuple[list[Region], list[str]]:
    """A sheet of 4-line address labels as db finds it: one detector line per label line (words as
    children), labels ``pitch_x`` x ``pitch_y`` px apart, each label's text about 330 px wide (T9's
    ``labels.png``, 300 dpi: 42 px tall lines 62 px apart). Returns the regions and the truth lines,
    label by label, rows of labels top to bottom and each row left to right."""
    regions, truth = [], []
    for r in range(rows):
        for c in range(cols):
            x, y = 110 + c * pitch_x, 200 + r * pitch_y
            k = r * cols + c
            lines = [
                [(x, x + 110, f"Name{k}"), (x + 125, x + 260, "Smith")],
                [(x, x + 40, f"{k + 10}"), (x + 55, x + 160, "Station"), (x + 175, x + 330, "Road")],
                [(x, x + 150, f"Town{k}")],
                [(x, x + 60, "BS1"), (x + 75, x + 150, "4DJ")],
            ]
            for j, words in enumerate(lines):
                regions.append(_line(words, y + 62 * j, h=42))
                truth.append(" ".join(t for *_, t in words))
    return regions, truth


@pytest.mark.parametrize("order", ["auto", "columns"])
@pytest.mark.parametrize(("rows", "cols"), [(8, 3), (7, 2), (3, 3)])
def test_a_label_sheet_is_read_label_by_label(rows: int, cols: int, order: str) -> None:
    # Issue 24 (T9 fault 4): the three labels of a row were read as one table row per text line
    # ("Anna Smith Ben Jones Chloe Patel"), whatever reading_order: each column of labels spans under
    # a quarter of the width, and the rows of the labels pair up across the gutters like a table's.
    regions, truth = _label_sheet(rows, cols)
    blocks = layout_regions(regions[::-1], LayoutOptions(reading_order=order))
    # Each label is a block of its own, its lines in order.
    labels = [truth[k : k + 4] for k in range(0, len(truth), 4)]
    assert sorted(_names(list(b.children)) for b in blocks) == sorted(labels)
    if order == "auto":  # labels left to right, rows of labels top to bottom
        assert _lines(blocks) == truth


def test_a_table_whose_rows_come_in_groups_is_still_read_row_by_row() -> None:
    # A statement whose rows are grouped (a blank row between weeks): the bands share the table's
    # gutters and hold several rows, but a date column and a description column are no repeated cells.
    regions = []
    for g in range(3):
        for j in range(3):
            y = g * 200 + j * 48
            regions.append(_line([(150, 285, f"0{g}.{j}.26")], y, h=35))
            regions.append(_line([(420, 520, "Card"), (530, 660, "payment"), (670, 900, f"SHOP{g}{j}")], y, h=35))
    out = _lines(layout_regions(regions))
    assert out == [n for g in range(3) for j in range(3) for n in (f"0{g}.{j}.26", f"Card payment SHOP{g}{j}")]


def test_word_spaces_lined_up_in_a_few_lines_are_no_gutter() -> None:
    # Issue 24 (T9 fault 5): the bank statement's address block as read from its PDF (ppocr's word
    # boxes, 300 dpi). One word space of each line lies near x 550; the spaces overlap in a strip only
    # 3 px wide (549-552), but the run where at most two of the three lines have a word was 28 px
    # (536-564), as wide as a gutter, and nothing crosses x 550: the block was cut into two columns.
    rows = [
        (263, 306, [(152, 341, "Statement"), (355, 388, "of"), (398, 549, "Account"), (564, 623, "No."),
                    (639, 729, "4471"), (744, 834, "0932"), (851, 894, "18")]),
        (320, 358, [(153, 269, "Period"), (285, 492, "01.10.2026"), (506, 539, "to"), (554, 761, "31.10.2026")]),
        (373, 418, [(153, 219, "Mrs"), (235, 339, "Helen"), (355, 475, "Carter,"), (494, 536, "12"),
                    (552, 610, "Mill"), (628, 725, "Lane,"), (745, 854, "Leeds"), (871, 940, "LS6"),
                    (955, 1034, "2QT")]),
    ]
    regions = [_line(words, y0, h=y1 - y0) for y0, y1, words in rows]
    assert _lines(layout_regions(regions)) == [
        "Statement of Account No. 4471 0932 18",
        "Period 01.10.2026 to 31.10.2026",
        "Mrs Helen Carter, 12 Mill Lane, Leeds LS6 2QT",
    ]


def test_a_gutter_bridged_by_a_caption_still_separates_two_columns() -> None:
    # The bridged-gutter rule (a picture's caption across the gutter) keeps working with the gutter
    # measured as the strip the other units leave clear (40 px here). Rows 20 px tall, 28 px apart.
    regions = []
    for i in range(10):
        y = 28 * i
        regions.append(_line(_prose(0, f"L{i}"), y))
        regions.append(_line(_prose(214, f"R{i}"), y))
    regions.append(_line([(100, 300, "caption")], 280))
    regions += [_line(_prose(0, f"L{i}"), 28 * i) for i in range(11, 14)]
    regions += [_line(_prose(214, f"R{i}"), 28 * i) for i in range(11, 14)]
    out = _lines(layout_regions(regions))
    left = [ln for ln in out if ln.startswith("L")]
    assert out[: len(left)] == left and len(left) == 13


def _wrapped_columns(caption: list[list[tuple[float, float, str]]]) -> list[Region]:
    """Two prose columns (0-174 and 214-388, rows 20 px tall at a 21 px pitch: no row gap to cut at)
    of 12 rows, then rows narrowed to 0-66 and 322-388 beside ``caption`` (one list of pieces a row, set
    across the gutter), then 12 full rows: a magazine page's columns wrapped around a figure's caption."""
    regions: list[Region] = []
    for i in range(24 + len(caption)):
        y = 21 * i
        beside = 12 <= i < 12 + len(caption)
        regions.append(_line(_prose(0, f"l{i}", 2 if beside else 5), y))
        regions.append(_line(_prose(322 if beside else 214, f"r{i}", 2 if beside else 5), y))
        if beside:
            regions.append(_line(caption[i - 12], y))
    return regions


def _left_column_first(lines: list[str], rows: int) -> bool:
    left = [k for k, ln in enumerate(lines) if ln.startswith("l")]
    right = [k for k, ln in enumerate(lines) if ln.startswith("r")]
    return len(left) == rows and max(left) < min(right)


def test_a_letter_spaced_caption_across_the_gutter_leaves_it_a_gutter() -> None:
    # Issue 24 (UNLV 8087_054.3B, fast since L10 and accurate since G9): a caption in letter-spaced
    # capitals under a picture, centred on the gutter; its pieces (``RE S TO RED``) end and start a few
    # px either side of the gutter's centre line, so the strip they leave clear there (192-197) is under
    # `column_gap`, and the page was read row by row across both columns. Only ``TERRA-COTTA`` crosses
    # the centre line; the four caption rows are 80 px of the 587 px page (at most 15% may bridge).
    caption = [
        [(110, 140, "THE"), (150, 258, "TERRA-COTTA")],
        [(130, 190, "ROOF"), (199, 207, "S"), (222, 240, "OF")],
        [(110, 192, "DAMAGED"), (205, 290, "DURING")],
        [(120, 140, "RE"), (146, 154, "S"), (160, 191, "TO"), (197, 225, "RED"), (236, 252, "NO"), (258, 280, "W.")],
    ]
    lines = _lines(layout_regions(_wrapped_columns(caption)))
    assert _left_column_first(lines, 28), lines


def test_a_hyphen_reaching_into_a_narrow_gutter_leaves_it_a_gutter() -> None:
    # Issue 24 (UNLV 8071_093.3B, accurate since G9): justified columns whose gutter (40 px) two lines'
    # ends reach into (a hyphen to x 190, a line starting at x 198): the strip left clear is 8 px, under
    # `column_gap` (12 px here); the lines reaching in cover 40 px of the 503 px page.
    regions = []
    for i in range(24):
        y = 21 * i
        left = _prose(0, f"l{i}")
        if i == 3:
            left.append((180, 190, "-"))
        right = _prose(214, f"r{i}")
        if i == 20:
            right[0] = (198, 244, f"r{i}")
        regions += [_line(left, y), _line(right, y)]
    lines = _lines(layout_regions(regions))
    assert _left_column_first(lines, 24), lines


def test_a_grid_of_numbers_is_no_gutter_for_a_cell_reaching_into_its_gap() -> None:
    # funsd_train 0000999294 (swift): a table of numbers (rows 12 px tall: a gutter is 7.2 px), its cells
    # 24 px apart in some rows and 6 px in others (no clean cut between them), 12 px between its halves
    # but one row's cell reaching to 7 px of the right half, label sub-rows under the first rows on the
    # left only (its rows do not all pair: no grid to the table test). A strip widened past a unit that
    # ends inside it is taken only between prose columns (several words a cell); the rows stay whole.
    regions = []
    y = 0
    for i in range(10):
        cells = []
        for k in range(10):
            x0 = 60 * k + (6 if k >= 5 else 0)
            cells.append((x0, x0 + (59 if (i, k) == (7, 4) else 54 if i % 2 else 36), f"c{i}.{k}"))
        regions.append(_line(cells, y, h=12))
        y += 14
        if i < 5:
            regions.append(_line([(0, 40, f"(sub{i})")], y, h=12))
            y += 14
    lines = _lines(layout_regions(regions))
    assert [ln for ln in lines if ln.startswith("c")] == [" ".join(f"c{i}.{k}" for k in range(10)) for i in range(10)]


def test_gaps_lined_up_over_a_few_rows_of_a_form_are_no_gutter() -> None:
    # Issue 24 (FUNSD 87594142_87594144, ``fast``, the table of record's page CER 0.155 -> 0.162): faded
    # print leaves 3-10 px gaps in four rows of a form's field (``TELA HONE NUN | ER OF NDIVIDUAL``) that
    # line up into a strip under ``column_gap``, widened past a row that reaches into it; nothing lies beside
    # it in the block's other rows (the right side covers 0.39 of its height). The rows are read across.
    regions = []
    for i in range(24):
        y = 13 * i
        regions.append(_line(_prose(0, f"l{i}"), y, h=12))
        if i < 5:
            regions.append(_line(_prose(180 if i == 2 else 184, f"r{i}"), y, h=12))
    lines = _lines(layout_regions(regions))
    for i in range(5):
        assert lines.index(f"r{i} w w w w") == lines.index(f"l{i} w w w w") + 1, lines
