"""Issue 24 (lone characters): a lone ``-`` (a dash meaning "none") in a table cell or a form's answer.

The detectors' maps give a short flat bar no text score (db's probability stays under 0.02 over a 3 px
dash beside a ``3`` at 1.00), so every preset lost it; cropped alone, the bar was read as ``1`` or ``一``.
The pages are drawn here with PIL in three faces at 150-300 dpi: a table whose cells hold dashes and
digits, a form answer ``Total: -``, and the marks that must not turn into dashes: a hyphen inside a word, an
underline of a blank to fill, the rules of a table and a minus sign before a number.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug.pipeline import Pipeline

FONTS = {
    "dejavu_cond": Path("/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf"),
    "freemono": Path("/usr/share/fonts/truetype/freefont/FreeMono.ttf"),
    "liberation_narrow": Path("/usr/share/fonts/truetype/liberation/LiberationSansNarrow-Regular.ttf"),
}
if not all(p.exists() for p in FONTS.values()):
    pytest.skip("fonts-dejavu-core, fonts-freefont-ttf or fonts-liberation is not installed", allow_module_level=True)

#: (face, dpi, table rules drawn)
PAGES = [("dejavu_cond", 200, False), ("freemono", 150, True), ("liberation_narrow", 300, False)]
#: The table's rows: the header, then cells holding a digit or a dash.
TABLE = [["Item", "Qty", "Net", "Tax"], ["Bolt", "-", "4", "-"], ["Nail", "9", "-", "2"], ["Hook", "-", "-", "5"]]


@dataclass(frozen=True)
class DashPage:
    name: str
    image: np.ndarray
    dashes: list[tuple[float, float, float, float]]  # each dash's ink box (page pixels)
    underline: tuple[float, float, float, float]


def _page(face: str, dpi: int, rules: bool) -> DashPage:
    scale = dpi / 200
    font = ImageFont.truetype(str(FONTS[face]), round(11 * dpi / 72))
    img = Image.new("L", (round(1000 * scale), round(760 * scale)), 255)
    draw = ImageDraw.Draw(img)
    cols = [round(v * scale) for v in (90, 400, 580, 760)]
    row_h = round(70 * scale)
    dashes = []
    for r, row in enumerate(TABLE):
        y = round(80 * scale) + r * row_h
        for x, cell in zip(cols, row, strict=True):
            draw.text((x, y), cell, font=font, fill=0)
            if cell == "-":
                dashes.append(draw.textbbox((x, y), cell, font=font))
    if rules:
        top, bottom = round(60 * scale), round(60 * scale) + len(TABLE) * row_h
        for r in range(len(TABLE) + 1):
            draw.line([(cols[0] - 20, top + r * row_h), (round(920 * scale), top + r * row_h)], fill=0, width=2)
        for x in [cols[0] - 20, *[c - 30 for c in cols[1:]], round(920 * scale)]:
            draw.line([(x, top), (x, bottom)], fill=0, width=2)
    y = round(400 * scale)
    draw.text((cols[0], y), "A well-known part costs -5 or so.", font=font, fill=0)
    y += round(60 * scale)
    label = "Total: "
    draw.text((cols[0], y), label + "-", font=font, fill=0)
    x_dash = cols[0] + draw.textlength(label, font=font)
    dashes.append(draw.textbbox((x_dash, y), "-", font=font))
    y += round(60 * scale)
    draw.text((cols[0], y), "Name:", font=font, fill=0)
    x0 = cols[0] + round(draw.textlength("Name: ", font=font))
    base = y + round(font.getmetrics()[0])
    underline = (x0, base, x0 + round(260 * scale), base + 2)
    draw.rectangle(underline, fill=0)
    return DashPage(f"{face}_{dpi}{'_rules' if rules else ''}", np.array(img.convert("RGB")), dashes, underline)


@pytest.fixture(scope="module")
def pages() -> list[DashPage]:
    return [_page(*spec) for spec in PAGES]


def _read_at(box: tuple[float, float, float, float], words: list[tuple[str, tuple]]) -> str:
    """The words whose centre lies in ``box`` grown by its row's height (four times its own) on every side."""
    left, top, right, bottom = box
    grow = 4 * (bottom - top)
    return " ".join(
        text
        for text, (x0, y0, x1, y1) in words
        if left - grow <= (x0 + x1) / 2 <= right + grow and top - grow <= (y0 + y1) / 2 <= bottom + grow
    )


def _ink_box(page: DashPage, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The ink's own box inside a glyph's PIL text box (which spans the whole line height)."""
    x0, y0, x1, y1 = (int(v) for v in box)
    ys, xs = np.nonzero(page.image[y0:y1, x0:x1, 0] < 128)
    return (x0 + xs.min(), y0 + ys.min(), x0 + xs.max() + 1, y0 + ys.max() + 1)


@pytest.fixture(scope="module", params=["fast", "accurate", "swift"])
def readings(request: pytest.FixtureRequest, pages: list[DashPage]) -> tuple[str, list]:
    if request.param == "swift":
        pytest.importorskip("tesserocr")
    pipe = Pipeline.from_preset(request.param, ["renderers=[]"])
    out = []
    for page in pages:
        result = pipe.run(page.image).pages[0]
        out.append((page, [(w.text or "", w.bbox) for w in result.words]))
    return request.param, out


def test_every_preset_reads_every_lone_dash(readings: tuple) -> None:
    preset, per_page = readings
    wrong = [
        (page.name, i, _read_at(_ink_box(page, d), words))
        for page, words in per_page
        for i, d in enumerate(page.dashes)
        if _read_at(_ink_box(page, d), words) != "-"
    ]
    assert not wrong, (preset, wrong)


def test_no_dash_is_made_of_hyphens_underlines_rules_or_minus_signs(readings: tuple) -> None:
    preset, per_page = readings
    for page, words in per_page:
        texts = [t for t, _ in words]
        assert "well-known" in texts, (preset, page.name, texts)
        # One dash read per dash drawn: the underline and the table rules give none.
        assert texts.count("-") == len(page.dashes), (preset, page.name, texts)
        # (swift's Tesseract reads a "." at the underline's left end, as before lone dashes: not a dash.)
        assert "-" not in _read_at(page.underline, words).split(), (preset, page.name)


def test_the_dashes_are_found_in_the_ink_beside_the_boxes(pages: list[DashPage]) -> None:
    """find_lone_dashes on the page's own words: each drawn dash once, nothing else (not the hyphen held
    in its word, not the underline, not the rules); a row-high box around the dash's ink."""
    from ocrplug.crops import find_lone_dashes

    page = pages[0]
    gray = cv2.cvtColor(page.image, cv2.COLOR_RGB2GRAY)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    # Word boxes: the ink dilated along the rows, less the dashes themselves and the underline.
    blobs = cv2.dilate(ink, np.ones((1, 9), np.uint8))
    count, _, stats, _ = cv2.connectedComponentsWithStats(blobs)
    boxes = []
    for x, y, w, h, _area in stats[1:count]:
        if h >= 10:  # words (a dash or the underline alone is flat)
            boxes.append([[x - 2, y - 4], [x + w + 2, y - 4], [x + w + 2, y + h + 4], [x - 2, y + h + 4]])
    found = find_lone_dashes(gray, np.array(boxes, dtype=np.float64))
    inks = [_ink_box(page, d) for d in page.dashes]
    assert len(found) == len(inks)
    for ink_box in inks:
        cx, cy = (ink_box[0] + ink_box[2]) / 2, (ink_box[1] + ink_box[3]) / 2
        hits = [d for d in found if d.box[0, 0] <= cx <= d.box[1, 0] and d.box[0, 1] <= cy <= d.box[2, 1]]
        assert len(hits) == 1 and not hits[0].replaces
        assert hits[0].box[2, 1] - hits[0].box[0, 1] >= 5 * (ink_box[3] - ink_box[1])


def test_nothing_is_found_on_a_page_of_specks() -> None:
    """Specks on a blank page, next to one real word box: no dash."""
    from ocrplug.crops import find_lone_dashes

    rng = np.random.default_rng(3)
    page = np.full((600, 800), 255, np.uint8)
    for _ in range(300):
        x, y = int(rng.integers(0, 800)), int(rng.integers(0, 600))
        cv2.circle(page, (x, y), int(rng.choice([0, 1, 2])), int(rng.integers(0, 150)), -1)
    cv2.putText(page, "Word", (100, 300), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    box = np.array([[[95, 272], [180, 272], [180, 308], [95, 308]]], dtype=np.float64)
    found = find_lone_dashes(page, box)
    assert all(d.replaces == () for d in found)
    # Any find must be a bar of ink (specks are round): none on this page.
    assert found == []


def test_a_flat_bar_crop_is_known_from_a_digit_or_an_equals_sign() -> None:
    from ocrplug_ppocr.recognizer import _is_flat_bar

    bar = np.full((40, 30, 3), 255, np.uint8)
    bar[19:21, 8:22] = 0
    assert _is_flat_bar(bar)
    one = np.full((40, 30, 3), 255, np.uint8)
    one[8:32, 14:17] = 0
    assert not _is_flat_bar(one)
    equals = bar.copy()
    equals[25:27, 8:22] = 0
    assert not _is_flat_bar(equals)


def test_a_dashed_rule_is_no_row_of_lone_dashes() -> None:
    """A receipt's ``- - - - -`` separator under a text row (SROIE receipt 450 gave 25 one-dash lines),
    beside a cell holding a lone dash a column away: only the cell's dash is found."""
    from ocrplug.crops import find_lone_dashes

    page = np.full((200, 900), 255, np.uint8)
    cv2.putText(page, "Total", (20, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    cv2.rectangle(page, (400, 47), (414, 49), 0, -1)  # the cell's lone dash, a column right of "Total"
    for x in range(20, 860, 32):  # the separator: 14 px dashes 18 px apart, on a row with a word box
        cv2.rectangle(page, (x, 127), (x + 14, 129), 0, -1)
    boxes = np.array(
        [[[15, 35], [120, 35], [120, 68], [15, 68]], [[860, 112], [890, 112], [890, 145], [860, 145]]],
        dtype=np.float64,
    )
    found = find_lone_dashes(page, boxes)
    centres = [np.asarray(d.box).mean(axis=0) for d in found]
    assert len(found) == 1 and 395 < centres[0][0] < 420 and centres[0][1] < 80, centres
