"""Lone glyphs with no word on their row (issue 24, G12: T11's crossword clue numbers and chess files, T10's
quiz page number, ``T  F`` header and chart axis ``0``): :func:`ocrplug.api.find_lone_glyphs` finds a glyph
alone on its row in a ruled cell, below or above every word, under or over an aligned word of a column, or
beside another such glyph on its row; a glyph with none of that evidence is still left out."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug.api import find_lone_glyphs

SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _font(px: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(SANS, px)
    except OSError:
        pytest.skip("DejaVu Sans is not installed")


def _quad(box: tuple[float, float, float, float], pad: float = 3) -> np.ndarray:
    x0, y0, x1, y1 = box
    return np.array([[x0 - pad, y0 - pad], [x1 + pad, y0 - pad], [x1 + pad, y1 + pad], [x0 - pad, y1 + pad]])


def _page(draw_more) -> tuple[np.ndarray, np.ndarray, list[tuple[float, float, float, float]]]:
    """A 1000 x 700 page with three lines of 24 px words on its right half (found, their boxes returned),
    and what ``draw_more(draw)`` draws: the glyphs it returns are the ones to find (their ink boxes)."""
    img = Image.new("L", (1000, 700), 255)
    d = ImageDraw.Draw(img)
    words = []
    for i, line in enumerate(["ACROSS clues here", "Pet that purrs (3)", "Loyal friend (3)"]):
        x = 560
        for word in line.split():
            box = d.textbbox((x, 60 + 40 * i), word, font=_font(24))
            d.text((x, 60 + 40 * i), word, font=_font(24), fill=0)
            words.append(_quad(box))
            x = box[2] + 12
    glyphs = draw_more(d)
    return np.asarray(img), np.array(words, dtype=np.float64), glyphs


def _found(gray: np.ndarray, words: np.ndarray, glyph: tuple[float, float, float, float]) -> bool:
    cx, cy = (glyph[0] + glyph[2]) / 2, (glyph[1] + glyph[3]) / 2
    return any(b[:, 0].min() <= cx <= b[:, 0].max() and b[:, 1].min() <= cy <= b[:, 1].max()
               for b in find_lone_glyphs(gray, words))


def _text(d: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, px: int, anchor: str = "la") -> tuple:
    d.text(xy, text, font=_font(px), fill=0, anchor=anchor)
    return d.textbbox(xy, text, font=_font(px), anchor=anchor)


def test_a_clue_number_in_a_grid_cell_corner_is_found() -> None:
    # T11's crossword: 15 px DejaVu Sans numbers in the corners of 70 px cells (2 px rules), rows of the grid
    # with no word on them; the numbers of the grid's lower rows were lost by every preset.
    def grid(d):
        for r in range(4):
            for c in range(5):
                d.rectangle([60 + 70 * c, 200 + 70 * r, 130 + 70 * c, 270 + 70 * r], outline=0, width=2)
        d.rectangle([60, 270, 200, 340], fill=0)  # black cells above the 7
        return [_text(d, (64, 342), "7", 15), _text(d, (204, 482), "8", 15)]

    gray, words, glyphs = _page(grid)
    assert all(_found(gray, words, g) for g in glyphs)


def test_a_page_number_alone_below_the_text_is_found() -> None:
    gray, words, glyphs = _page(lambda d: [_text(d, (700, 640), "4", 22)])
    assert _found(gray, words, glyphs[0])


def test_an_axis_zero_under_its_column_of_ticks_is_found() -> None:
    # T10's chart: the ticks right-aligned left of the axis, the 0 alone on its row (found by no detector)
    def axis(d):
        d.line((300, 200, 300, 600), fill=0, width=3)
        d.line((300, 600, 900, 600), fill=0, width=3)
        for v, y in ((30, 300), (20, 400), (10, 500)):
            words_here.append(_quad(_text(d, (280, y), str(v), 24, anchor="rm")))
        caption.append(_quad(_text(d, (400, 650), "Figure 2.", 24)))
        return [_text(d, (280, 600), "0", 24, anchor="rm")]

    words_here: list[np.ndarray] = []
    caption: list[np.ndarray] = []
    gray, words, glyphs = _page(axis)
    words = np.concatenate([words, np.array(caption)])  # a caption below: the 0 is on no edge row
    assert _found(gray, np.concatenate([words, np.array(words_here)]), glyphs[0])
    assert not _found(gray, words, glyphs[0])  # without the column of ticks found, no evidence


def test_a_row_of_single_letters_is_found() -> None:
    # T10's quiz header "T   F" over the tick boxes; T11's chess files a..h under the board
    gray, words, glyphs = _page(lambda d: [_text(d, (100 + 80 * i, 420), ch, 22) for i, ch in enumerate("abcdefgh")])
    assert all(_found(gray, words, g) for g in glyphs)


def test_a_glyph_with_no_evidence_is_still_left_out() -> None:
    # alone on its row between text rows, in no cell, under no aligned word, with no other glyph on its row
    gray, words, glyphs = _page(lambda d: [_text(d, (250, 200), "7", 20), _text(d, (400, 300), "x", 20)])
    words = np.concatenate([words, [_quad((100, 500, 200, 524)), _quad((300, 560, 420, 584))]])
    assert not any(_found(gray, words, g) for g in glyphs)


def _label(frame: bool) -> tuple[np.ndarray, np.ndarray, tuple[float, float, float, float]]:
    """T11's shelf label (900 x 450, DejaVu Sans, bold where T11's is): a 200 px bold price makes the page
    12-13 % ink; a lone bold 30 px ``6`` in the bottom-right corner, 25 px above the image's foot, inside
    the label's 4 px frame when ``frame``. Returns the page, the word boxes and the ``6``'s ink box."""
    img = Image.new("L", (900, 450), 255)
    d = ImageDraw.Draw(img)
    if frame:
        d.rectangle([5, 5, 894, 444], outline=0, width=4)
    try:
        bold = {px: ImageFont.truetype(SANS.replace("DejaVuSans", "DejaVuSans-Bold"), px) for px in (30, 40, 200)}
    except OSError:
        pytest.skip("DejaVu Sans Bold is not installed")
    words = []
    for (x, y), text, f in (((30, 30), "Oat Drink Barista 1 L", bold[40]), ((30, 90), "Art. 208815", _font(22)),
                            ((30, 380), "1.89 per 1 L", _font(22))):
        for word in text.split():
            d.text((x, y), word, font=f, fill=0)
            box = d.textbbox((x, y), word, font=f)
            words.append(_quad(box))
            x = box[2] + f.size // 3
    d.text((850, 140), "1.89", font=bold[200], fill=0, anchor="ra")
    words.append(_quad(d.textbbox((850, 140), "1.89", font=bold[200], anchor="ra")))
    d.text((850, 395), "6", font=bold[30], fill=0, anchor="ra")
    six = d.textbbox((850, 395), "6", font=bold[30], anchor="ra")
    return np.asarray(img), np.array(words, dtype=np.float64), six


def test_a_lone_glyph_in_a_framed_label_of_display_type_is_found() -> None:
    # T11 shelf_label: 12.15 % ink (over PAPER_INK 0.12: no ink look ran) and the 6 under every word, 28 px
    # above the image's edge (under LONE_EDGE_HEIGHTS of its height: a scan's edge mark) but inside the
    # label's frame: swift and accurate lost it (issue 24, L13).
    gray, words, six = _label(frame=True)
    assert 0.12 < (gray < 128).mean() < 0.18
    assert _found(gray, words, six)


def test_a_mark_at_an_unframed_image_edge_is_left_out_even_on_a_row() -> None:
    # A scan's edge marks (a binder hole beside a row of text, funsd_train 00093726, 01073843): with no frame
    # between it and the image's edge, a mark under LONE_EDGE_HEIGHTS of its height from it is no glyph,
    # though a word stands on its row.
    img = Image.new("L", (900, 600), 255)
    d = ImageDraw.Draw(img)
    words = []
    for i, line in enumerate(["Date received by the office", "Name of the sender here", "Total amount due"]):
        x = 120
        for word in line.split():
            box = _text(d, (x, 100 + 60 * i), word, 24)
            words.append(_quad(box))
            x = box[2] + 10
    d.ellipse([12, 218, 34, 240], fill=0)  # a hole on the third row, 12 px from the edge
    hole = (12, 218, 34, 240)
    far = _text(d, (70, 160), "7", 24)  # a lone 7 on the second row, 3 heights in: still found
    gray, boxes = np.asarray(img), np.array(words, dtype=np.float64)
    assert not _found(gray, boxes, hole)
    assert _found(gray, boxes, far)


def test_fast_finds_the_clue_numbers_its_map_misses() -> None:
    # T11's crossword with fast: its 2000 px map gave 3 5 6 7 8 no box (issue 24, L13). A drawn grid of
    # benchmarks/lone_cells.py (Liberation Serif 8 pt at 150 dpi) whose numbers fast's map partly misses.
    pytest.importorskip("onnxruntime")
    from ocrplug_db.detector import DbDetector, DbOptions

    from ocrplug.model import PageImage
    from ocrplug.presets import preset_config
    from tests.conftest import load_benchmark

    try:
        page = next(p for p in load_benchmark("lone_cells").make_pages({"grid"}) if p.name == "grid_libserif_8pt_150")
    except OSError:
        pytest.skip("the benchmark's fonts are not installed")
    options = preset_config("fast")["detector"].get("options", {})
    regions = DbDetector(DbOptions(**options)).detect(PageImage(image=page.image, index=0, source="grid"))
    quads = [np.asarray(r.quad, dtype=np.float64) for r in regions]

    def found(box: tuple[float, float, float, float]) -> bool:
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        return any(q[:, 0].min() <= cx <= q[:, 0].max() and q[:, 1].min() <= cy <= q[:, 1].max() for q in quads)

    assert all(found(g.box) for g in page.glyphs), [g.text for g in page.glyphs if not found(g.box)]


def _board(shade: int) -> tuple[np.ndarray, np.ndarray, list[tuple[float, float, float, float]]]:
    """T11's chess page as drawn (900 x 900): a board of 8 x 8 cells of 90 px, every other one flat grey
    ``shade`` (a third of the page), its files ``a``..``h`` (28 px) under it and a caption below; the word
    boxes are those ``accurate`` found there (the caption and the files ``b d g h``)."""
    img = Image.new("L", (900, 900), 255)
    d = ImageDraw.Draw(img)
    for r in range(8):
        for c in range(8):
            if (r + c) % 2:
                d.rectangle([90 + 90 * c, 60 + 90 * r, 179 + 90 * c, 149 + 90 * r], fill=shade)
    d.rectangle([90, 60, 810, 780], outline=0, width=3)
    files = [_text(d, (135 + 90 * c, 810), ch, 28, anchor="mm") for c, ch in enumerate("abcdefgh")]
    words = [_quad(_text(d, (450, 870), "White to play and win", 28, anchor="mm"))]
    words += [_quad(files[c]) for c in (1, 3, 6, 7)]
    return np.asarray(img), np.array(words, dtype=np.float64), [files[c] for c in (0, 2, 4, 5)]


def test_files_under_a_board_of_flat_grey_squares_are_found() -> None:
    # T11 chess.png: the grey squares (level 170, 32 % of the page) spread the ground over paper's, so the ink
    # look never ran and accurate lost a c e f (issue 24, L14). Its ground is two flat tints: ink is off both.
    for shade in (170, 140, 200):
        gray, words, missed = _board(shade)
        assert all(_found(gray, words, g) for g in missed), shade


def test_a_photo_like_ground_is_still_no_paper() -> None:
    # A ground of many levels (a photo's) is neither paper nor flat tints: nothing is looked for.
    gray, words, _ = _board(170)
    rng = np.random.default_rng(24)
    noisy = np.clip(gray.astype(np.int16) + rng.integers(-40, 41, gray.shape), 0, 255).astype(np.uint8)
    assert not find_lone_glyphs(noisy, words)
