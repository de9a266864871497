"""Issue 24 (c9): checkboxes read as what they are, from their own ink, in every preset.

A ticked box was read ``冈`` (fast, accurate) or ``ć``, ``□``, ``口`` (swift), an empty one ``□`` or dropped;
``swift`` once wrote a ticked box's guess at the end of its row. Now every box frame is classified from
its ink before recognition (``ocrplug.checkboxes``) and written ``☑`` (ticked) or ``☐`` (empty, the
``layout.empty_checkboxes`` default ``write``) in its place in its row; letters never become boxes.
Pages: ``benchmarks/swift_lone.py``'s checkbox forms (``Married: [ ] Yes [x] No``, 12-16 px squares).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.conftest import load_benchmark

swift_lone = load_benchmark("swift_lone")

EMPTY, TICKED = "\u2610", "\u2611"
#: The rows of every checkbox page in reading order (every other box ticked; the answers' ``O o 0`` are one
#: shape at these sizes and read alike).
ROWS = (f"Married: {EMPTY} Yes {TICKED} No", f"Smoker: {TICKED} Yes {EMPTY} No", f"Owner: {EMPTY} On {TICKED} Off",
        f"Grade: {TICKED} 0 {EMPTY} D", f"Code: {EMPTY} 0 {TICKED} 0")
FACES = ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSerif.ttf", "dejavu/DejaVuSans-Bold.ttf", "dejavu/DejaVuSansMono.ttf",
         "liberation/LiberationSans-Regular.ttf", "liberation/LiberationSerif-Regular.ttf",
         "liberation/LiberationMono-Regular.ttf", "freefont/FreeSerif.ttf", "freefont/FreeMonoBold.ttf")


def _components(image: np.ndarray) -> list[tuple[np.ndarray, float]]:
    """Each ink component of ``image`` (gray uint8) cut to its box, with the ink inside it of others (share)."""
    import cv2

    _, ink = cv2.threshold(image, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    cx, cy = stats[:, 0] + stats[:, 2] / 2, stats[:, 1] + stats[:, 3] / 2
    out = []
    for k in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[k])
        inside = (x < cx) & (cx < x + w) & (y < cy) & (cy < y + h)
        inside[0] = inside[k] = False
        out.append((labels[y:y + h, x:x + w] == k, float(stats[inside, cv2.CC_STAT_AREA].sum()) / area))
    return out


def _drawn_box(side: int, width: int, mark: str) -> np.ndarray:
    from PIL import Image, ImageDraw

    img = Image.new("L", (side + 12, side + 12), 255)
    d = ImageDraw.Draw(img)
    d.rectangle((6, 6, 6 + side, 6 + side), outline=0, width=width)
    if mark == "cross":  # corner to corner, touching the frame (its tips stand past it)
        d.line((6, 6, 6 + side, 6 + side), fill=0, width=2)
        d.line((6, 6 + side, 6 + side, 6), fill=0, width=2)
    elif mark == "tick":
        d.line((8, 6 + side // 2, 6 + side // 2, 4 + side), fill=0, width=2)
        d.line((6 + side // 2, 4 + side, 6 + side, 6), fill=0, width=2)
    elif mark == "apart":  # a thin cross inside, a pixel off the frame
        a, b = 6 + width + 1, 6 + side - width - 1
        d.line((a, a, b, b), fill=0, width=1)
        d.line((a, b, b, a), fill=0, width=1)
    return np.asarray(img)


def test_a_drawn_box_is_empty_or_ticked_from_its_own_ink() -> None:
    from ocrplug.checkboxes import checkbox_state

    for side in (10, 12, 14, 16, 20, 24):
        for width in (1, 2):
            for mark, want in (("none", "empty"), ("cross", "ticked"), ("tick", "ticked"), ("apart", "ticked")):
                comps = _components(_drawn_box(side, width, mark))
                frame = max(comps, key=lambda c: c[0].size)
                assert checkbox_state(*frame) == want, (side, width, mark)


def test_a_crossed_box_with_gaps_in_its_frame_is_ticked_and_an_empty_one_is_not() -> None:
    # funsd_train's scanned thin frames break in places (a gap of a pixel or two in a side) where a typed
    # ``X`` touches them: the ring was no longer closed and the box was read ``x``, ``#``, ``区`` (issue 24, k13).
    from PIL import Image, ImageDraw

    from ocrplug.checkboxes import checkbox_state

    for side in (20, 24, 32):
        for width in (1, 2):
            for mark in ("cross", "none"):
                img = Image.new("L", (side + 12, side + 12), 255)
                d = ImageDraw.Draw(img)
                d.rectangle((6, 6, 6 + side, 6 + side), outline=0, width=width)
                if mark == "cross":
                    d.line((6, 6, 6 + side, 6 + side), fill=0, width=width)
                    d.line((6, 6 + side, 6 + side, 6), fill=0, width=width)
                # two 2 px gaps, in the top and the left side
                d.rectangle((6 + side // 3, 6, 7 + side // 3, 5 + width), fill=255)
                d.rectangle((6, 6 + side // 2, 5 + width, 7 + side // 2), fill=255)
                frame = max(_components(np.asarray(img)), key=lambda c: c[0].size)
                got = checkbox_state(*frame)
                assert got == ("ticked" if mark == "cross" else None), (side, width, mark, got)


def test_a_solid_black_square_is_no_checkbox() -> None:
    # The suite's Spark fakes: a page holding only a 50 x 40 px black rectangle was written '☑' (a filled
    # box). A blob has no frame apart from its fill; a box filled inside its frame is still ticked.
    from ocrplug.checkboxes import checkbox_state

    for h, w in ((40, 50), (12, 12), (20, 20), (60, 60)):
        assert checkbox_state(np.ones((h, w), dtype=bool)) is None, (h, w)
    filled = np.zeros((20, 20), dtype=bool)
    filled[0, :] = filled[-1, :] = filled[:, 0] = filled[:, -1] = True
    filled[3:17, 3:17] = True  # a fill inside the frame, a white ring between
    assert checkbox_state(filled) == "ticked"


def test_no_letter_is_a_checkbox() -> None:
    from PIL import Image, ImageDraw, ImageFont

    from ocrplug.checkboxes import checkbox_state

    fonts = Path("/usr/share/fonts/truetype")
    faces = [f for f in FACES if (fonts / f).exists()]
    assert len(faces) >= 6
    boxes = []
    for face in faces:
        for px in (8, 10, 12, 14, 16, 20, 24, 40):
            font = ImageFont.truetype(str(fonts / face), px)
            for char in "OoD0QCGUBHNpq8#":
                img = Image.new("L", (3 * px, 3 * px), 255)
                ImageDraw.Draw(img).text((px, px // 2), char, font=font, fill=0)
                boxes += [(face, px, char) for mask, inside in _components(np.asarray(img)) if checkbox_state(mask, inside)]
    assert not boxes


@pytest.fixture(scope="module")
def pages() -> dict[str, object]:
    return {p.name: p for p in swift_lone.checkbox_pages()}


def _line_with_box(page: object) -> tuple[list[object], object]:
    """The page's words as detected regions, the first row's ``[ ] Yes`` as one line region (DB at 1024 px)."""
    from ocrplug.model import Region

    (x0, y0, _, y1), ticked = page.checkboxes[0]
    yes = page.words[1]
    assert yes.text == "Yes" and not ticked
    line = Region.from_box(x0 - 4, min(y0, yes.box[1]) - 4, yes.box[2] + 4, max(y1, yes.box[3]) + 4, level="line")
    return [Region.from_box(*w.box, level="word") for w in page.words if w is not yes], line


def test_a_box_is_cut_off_its_line_and_written_back_in_place(pages: dict[str, object]) -> None:
    from ocrplug.checkboxes import place_checkboxes, take_checkboxes
    from ocrplug.crops import to_gray

    page = pages["checkbox_12px_dejavusans_150dpi"]
    words, line = _line_with_box(page)
    kept, taken = take_checkboxes(to_gray(page.image), [*words, line])
    assert kept[: len(words)] == words  # no word is taken: O, D, 0 and o among them
    (piece,) = kept[len(words):]  # the line without its box: it starts right of the frame
    assert piece.bbox[0] > page.checkboxes[0][0][2] and piece.bbox[2] == pytest.approx(line.bbox[2])
    # The line's box is cut off it; the page's other boxes, which no region given holds, are found from
    # the page's ink (issue 24 c11), each in its state.
    mine = [t for t in taken if t.piece >= 0]
    assert [t.state for t in mine] == ["empty"]
    others = sorted((round(t.region.bbox[0]), round(t.region.bbox[1]), t.state) for t in taken if t.piece < 0)
    want = sorted((round(b[0]), round(b[1]), "ticked" if ticked else "empty") for b, ticked in page.checkboxes[1:])
    assert len(others) == len(want) and all(
        abs(a[0] - b[0]) <= 2 and abs(a[1] - b[1]) <= 2 and a[2] == b[2] for a, b in zip(others, want, strict=True))
    taken = mine
    read = [*words, piece.with_(text="Yes")]
    for empty, text in (("write", f"{EMPTY} Yes"), ("drop", "Yes")):
        (joined,) = place_checkboxes(read, taken, empty)[len(words):]
        assert joined.level == "line" and joined.text == text
        assert [w.text for w in joined.children] == text.split()


def test_boxes_that_are_regions_of_their_own_join_their_row(pages: dict[str, object]) -> None:
    from ocrplug.checkboxes import CHECKBOX_ATTR, place_checkboxes, take_checkboxes
    from ocrplug.crops import to_gray
    from ocrplug.model import Region

    page = pages["checkbox_13px_freeserif_200dpi"]
    words = [Region.from_box(*w.box, level="word") for w in page.words]
    # Every square as a detector boxes it: one pixel short of its left side (CRAFT's boxes of two of them).
    squares = [Region.from_box(x0 + 1, y0, x1, y1, level="word") for (x0, y0, x1, y1), _ in page.checkboxes]
    kept, taken = take_checkboxes(to_gray(page.image), [*words, *squares])
    assert kept == words
    assert [t.state == "ticked" for t in taken] == [ticked for _, ticked in page.checkboxes]
    yes = page.words[1]
    line = Region.from_box(*yes.box, level="line", text="Yes", children=(Region.from_box(*yes.box, text="Yes"),))
    out = place_checkboxes([line], taken[:1], "write")
    assert out[0].text == f"{EMPTY} Yes" and out[0].children[0].attributes[CHECKBOX_ATTR] == "empty"
    assert [r.text for r in out[1:]] == []  # the box joined its row's line, nothing else came back


def test_the_default_writes_empty_boxes() -> None:
    from ocrplug.layout import LayoutOptions

    assert LayoutOptions().empty_checkboxes == "write"


def _rows(result: object) -> list[str]:
    from ocrplug.layout import text_rows

    return [" ".join(ln.text or "" for ln in row) for para in text_rows(result.regions) for row in para]


def _alike(text: str) -> str:
    return text.replace("o", "0").replace("O", "0")


@pytest.mark.parametrize(
    ("preset", "name"),
    [("fast", "checkbox_16px_dejavusans_200dpi"), ("swift", "checkbox_12px_dejavusans_150dpi"),
     ("accurate", "checkbox_13px_freeserif_200dpi")],
)
def test_every_preset_writes_the_boxes_in_their_rows(preset: str, name: str, pages: dict[str, object]) -> None:
    """fast: DB lines ``[ ] Yes``; swift: the same at 1024 px (the cascade read ``ć``/``□``); accurate: CRAFT
    words and the lone-glyph look (``冈``, ``□``, or nothing)."""
    pytest.importorskip("onnxruntime")
    if preset == "swift":
        pytest.importorskip("tesserocr")
    from ocrplug.pipeline import Pipeline

    result = Pipeline.from_preset(preset, ["renderers=[]"]).run(pages[name].image).pages[0]
    assert [_alike(r) for r in _rows(result)] == [_alike(r) for r in ROWS]
    dropped = Pipeline.from_preset(preset, ["renderers=[]", "layout.empty_checkboxes=drop"]).run(pages[name].image)
    assert [_alike(r) for r in _rows(dropped.pages[0])] == [_alike(" ".join(r.replace(EMPTY, "").split())) for r in ROWS]


tick_boxes = load_benchmark("tick_boxes")


def _gray(page: object) -> np.ndarray:
    return np.asarray(page.image.convert("L"))


def test_boxes_no_region_holds_are_found_with_their_marks() -> None:
    # T10's quiz (issue 24 c11): DB boxes the question lines but no region on a 60 px square, empty or
    # with a tick drawn inside it, so no box was written. Squares of 20-80 px, 1-4 px frames, ticks,
    # crosses and a tick crossing the frame, beside the question lines only.
    from ocrplug.checkboxes import take_checkboxes
    from ocrplug.model import Region

    for page in tick_boxes.box_pages(3, 11):
        regions = [Region.from_box(*b, level="line") for b in page.lines]
        kept, taken = take_checkboxes(_gray(page), regions)
        assert len(kept) == len(regions)
        got = {(round(t.region.bbox[0]), round(t.region.bbox[1])): t.state for t in taken}
        assert set(got) <= {(b[0], b[1]) for b in page.boxes}
        # Every box is found and classified right, but for a serif ``x`` or a ``✗`` (its serifs or its
        # short arm fail the cross's shape): that box is left alone (not written), never written wrong.
        wrong = [(b, m) for b, m in zip(page.boxes, page.marks, strict=True) if got.get((b[0], b[1])) != b[4]
                 and not (m.startswith("x_glyph") and (b[0], b[1]) not in got)]
        assert not wrong, (page.name, wrong)


def test_a_piece_of_a_tick_boxed_alone_goes_with_its_box() -> None:
    # fast on T10's quiz boxed the tip of a tick inside its box and read it 'v'.
    from ocrplug.checkboxes import take_checkboxes
    from ocrplug.model import Region

    page = tick_boxes.box_pages(1, 11)[0]
    x0, y0, x1, _, _ = next(b for b in page.boxes if b[4] == "ticked" and b[2] - b[0] >= 40)
    side = x1 - x0
    tip = Region.from_box(x0 + 0.55 * side, y0 + 0.2 * side, x0 + 0.8 * side, y0 + 0.45 * side, level="line")
    regions = [Region.from_box(*b, level="line") for b in page.lines]
    kept, taken = take_checkboxes(_gray(page), [*regions, tip])
    assert tip not in kept and len(kept) == len(regions)
    assert any(abs(t.region.bbox[0] - x0) <= 2 and t.state == "ticked" for t in taken)


def test_a_letter_written_in_a_box_is_no_tick() -> None:
    # Answer boxes (T10's quiz Part A): the letter is read, whether a region holds it or the detector
    # missed it; a table's cells, a bulleted list and the signs in text give no box either.
    from ocrplug.checkboxes import is_mark, take_checkboxes
    from ocrplug.model import Region

    page = tick_boxes.letter_page()
    letters = [Region.from_box(x0 + 10, y0 + 8, x1 - 10, y1 - 8, level="line") for x0, y0, x1, y1, _ in page.spots]
    lines = [Region.from_box(*b, level="line") for b in page.lines]
    for regions in ([*lines, *letters], lines):
        _, taken = take_checkboxes(_gray(page), regions)
        assert not [t for t in taken if t.state != "bullet"]
    from PIL import Image, ImageDraw, ImageFont

    for face in tick_boxes.FACES:
        font = ImageFont.truetype(tick_boxes.FONTS + face, 48)
        for char in "ABCDEHKMNOPRSUVWZabcdeo0123456789":
            img = Image.new("L", (96, 96), 255)
            ImageDraw.Draw(img).text((20, 10), char, font=font, fill=0)
            ink = np.asarray(img) < 128
            ys, xs = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
            assert not is_mark(ink[ys[0]:ys[-1] + 1, xs[0]:xs[-1] + 1]), (face, char)


def test_a_bare_tick_is_written_as_a_tick() -> None:
    # T10's quiz: a bare tick was read 'J' (fast) or '√' (swift, accurate). A region whose whole ink is a
    # tick is taken out and written '✓'; a region on a word or a lone letter is read as before.
    from PIL import Image, ImageDraw, ImageFont

    from ocrplug.checkboxes import TICK, place_checkboxes, take_checkboxes
    from ocrplug.model import Region

    page = tick_boxes.bare_page(11)
    gray = _gray(page)
    regions = []
    for x0, y0, x1, y1, _ in page.spots:  # a detector's box: the tick's ink and a few pixels round it
        ys, xs = np.nonzero(gray[y0 - 8:y1 + 8, x0 - 8:x1 + 8] < 128)
        regions.append(Region.from_box(x0 - 11 + xs.min(), y0 - 11 + ys.min(), x0 - 5 + xs.max(), y0 - 5 + ys.max(), level="line"))
    kept, taken = take_checkboxes(gray, regions)
    assert not kept and [t.state for t in taken] == ["tick"] * len(regions)
    assert {w.text for w in place_checkboxes([], taken)} == {TICK}
    img = Image.new("L", (900, 120), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(tick_boxes.FONTS + "truetype/dejavu/DejaVuSans.ttf", 48)
    spots = []
    for k, word in enumerate(("J", "v", "r", "Jv", "7")):
        d.text((40 + 170 * k, 30), word, font=font, fill=0)
        spots.append(Region.from_box(*d.textbbox((40 + 170 * k, 30), word, font=font), level="line"))
    kept, taken = take_checkboxes(np.asarray(img), spots)
    assert not taken and len(kept) == len(spots)


def test_a_tick_boxed_alone_inside_its_box_is_the_box_s_mark() -> None:
    from ocrplug.checkboxes import take_checkboxes
    from ocrplug.model import Region

    page = tick_boxes.box_pages(1, 11)[0]
    (x0, y0, x1, y1, _), _ = next((b, m) for b, m in zip(page.boxes, page.marks, strict=True) if m == "tick")
    gray = _gray(page)
    ys, xs = np.nonzero(gray[y0 + 6:y1 - 6, x0 + 6:x1 - 6] < 128)  # the tick's ink, inside the frame
    tick = Region.from_box(x0 + 6 + xs.min(), y0 + 6 + ys.min(), x0 + 7 + xs.max(), y0 + 7 + ys.max(), level="line")
    regions = [Region.from_box(*b, level="line") for b in page.lines]
    _, taken = take_checkboxes(gray, [*regions, tick])
    near = [t.state for t in taken if t.region.bbox[0] >= x0 - 2 and t.region.bbox[2] <= x1 + 2 and abs(t.region.bbox[1] - y0) < x1 - x0]
    assert near == ["ticked"]


def test_t10s_drawn_tick_inside_its_box_is_ticked() -> None:
    # T10's quiz_inside.png: a 60 px box, a 5 px tick of two strokes inside it (its foot at 0.6 of its
    # width), beside a question DB boxes; the box next to it is empty.
    from PIL import Image, ImageDraw, ImageFont

    from ocrplug.checkboxes import take_checkboxes
    from ocrplug.model import Region

    img = Image.new("RGB", (900, 160), "white")
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(tick_boxes.FONTS + "truetype/dejavu/DejaVuSans.ttf", 32)
    d.text((20, 50), "7. The Sun is a star.", font=font, fill="black")
    line = Region.from_box(*d.textbbox((20, 50), "7. The Sun is a star.", font=font), level="line")
    for x in (500, 650):
        d.rectangle((x, 44, x + 60, 104), outline="black", width=3)
    d.line((512, 74, 526, 90), fill=(20, 30, 140), width=5)
    d.line((526, 90, 548, 56), fill=(20, 30, 140), width=5)
    _, taken = take_checkboxes(np.asarray(img.convert("L")), [line])
    assert sorted((round(t.region.bbox[0]), t.state) for t in taken) == [(500, "ticked"), (650, "empty")]


def test_two_stacked_cells_are_no_ticked_box() -> None:
    # funsd_train 91315069_91315070: two cells of a grid, one ink component about square with a divider
    # across its middle, no region on them, were written '☑'.
    from PIL import Image, ImageDraw, ImageFont

    from ocrplug.checkboxes import take_checkboxes
    from ocrplug.model import Region

    img = Image.new("L", (600, 200), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(tick_boxes.FONTS + "truetype/dejavu/DejaVuSans.ttf", 20)
    d.text((20, 62), "OCT 3", font=font, fill=0)
    d.text((20, 92), "OCT 31", font=font, fill=0)
    d.rectangle((150, 55, 200, 115), outline=0, width=2)
    d.line((150, 85, 200, 85), fill=0, width=2)
    lines = [Region.from_box(*d.textbbox((20, y), t, font=font), level="line") for y, t in ((62, "OCT 3"), (92, "OCT 31"))]
    _, taken = take_checkboxes(np.asarray(img), lines)
    assert not taken


def test_a_serif_x_or_ballot_x_in_a_box_ticks_it() -> None:
    # Issue 24 (c12): a box crossed with a serif face's ``x`` or a ``✗`` was left out (the cross's shape
    # wanted clean corners: serifs and ``✗``'s short arm failed it) and the letter read. Now a cross is
    # also told by the four arms a ring round its middle crosses; the box is written ticked.
    from PIL import Image, ImageDraw, ImageFont

    from ocrplug.checkboxes import is_mark, take_checkboxes
    from ocrplug.model import Region

    marks = [("truetype/dejavu/DejaVuSerif.ttf", "x"), ("truetype/liberation/LiberationSerif-Regular.ttf", "x"),
             ("opentype/urw-base35/NimbusRoman-Regular.otf", "x"), ("truetype/dejavu/DejaVuSans.ttf", "\u2717"),
             ("truetype/freefont/FreeSerif.ttf", "\u2717")]
    for side in (48, 72):  # (a 25 px FreeSerif ``✗`` in a 36 px box still fails the stem rule: 32 of 36 faces' pass)
        img = Image.new("L", (1400, 160), 255)
        d = ImageDraw.Draw(img)
        font = ImageFont.truetype(tick_boxes.FONTS + "truetype/dejavu/DejaVuSans.ttf", 32)
        d.text((20, 50), "Tick one box.", font=font, fill=0)
        line = Region.from_box(*d.textbbox((20, 50), "Tick one box.", font=font), level="line")
        for k, (face, ch) in enumerate(marks):
            x, y = 400 + 180 * k, 70 - side // 2
            d.rectangle((x, y, x + side, y + side), outline=0, width=3)
            f = ImageFont.truetype(tick_boxes.FONTS + face, round(0.7 * side))
            b = f.getbbox(ch)
            d.text((x + (side - b[2] + b[0]) / 2 - b[0], y + (side - b[3] + b[1]) / 2 - b[1]), ch, font=f, fill=0)
            glyph = np.asarray(img)[y + 5:y + side - 4, x + 5:x + side - 4] < 128
            ys, xs = np.flatnonzero(glyph.any(axis=1)), np.flatnonzero(glyph.any(axis=0))
            assert is_mark(glyph[ys[0]:ys[-1] + 1, xs[0]:xs[-1] + 1]), (side, face, ch)
        _, taken = take_checkboxes(np.asarray(img), [line])
        assert [t.state for t in sorted(taken, key=lambda t: t.region.bbox[0])] == ["ticked"] * len(marks), side


def test_a_dash_boxed_alone_is_written_as_a_dash() -> None:
    # T10's rota.png in accurate: CRAFT boxed a bold title's dash alone (a 14 x 7 px bar in a 16 px box)
    # and PP-OCR read the crop '■'. A region whose whole ink is a short solid bar is written '-'; a
    # square, a long rule and a tick are not.
    from PIL import Image, ImageDraw

    from ocrplug.checkboxes import DASH, place_checkboxes, take_checkboxes
    from ocrplug.model import Region

    img = Image.new("L", (600, 100), 255)
    d = ImageDraw.Draw(img)
    d.rectangle((20, 48, 33, 54), fill=0)  # the dash: 14 x 7 px
    d.rectangle((120, 40, 135, 55), fill=0)  # a solid square
    d.rectangle((220, 50, 420, 52), fill=0)  # a rule
    regions = [Region.from_box(19, 43, 35, 59, level="line"), Region.from_box(118, 38, 138, 58, level="line"),
               Region.from_box(215, 40, 425, 62, level="line")]
    kept, taken = take_checkboxes(np.asarray(img), regions)
    assert [t.state for t in taken] == ["dash"] and kept == regions[1:]
    assert [w.text for w in place_checkboxes([], taken)] == [DASH]


def test_a_bare_tick_no_region_holds_is_found_on_its_row() -> None:
    # Issue 24 (c12): DB at fast boxed 5 of benchmarks/tick_boxes.py's 12 bare ticks; the other 7 got no
    # region and no reading. A tick-shaped ink component on a text line's row that no region touches,
    # clear of other ink beside it, is taken as a tick; the letter page (answer letters, O o D 0, a
    # table, a list) gives none (test_a_letter_written_in_a_box_is_no_tick).
    from ocrplug.checkboxes import take_checkboxes
    from ocrplug.model import Region

    page = tick_boxes.bare_page(11)
    gray = _gray(page)
    lines = []
    for _, y0, _, y1, _ in page.spots:  # the question on the tick's row: ink left of x=1100 there
        rows = gray[y0 - 30:y1 + 30, :1100] < 128
        ys, xs = np.nonzero(rows)
        mid = (y0 + y1) / 2 - (y0 - 30)
        keep = np.abs(ys - mid) < 40
        lines.append(Region.from_box(xs[keep].min(), y0 - 30 + ys[keep].min(), xs[keep].max() + 1, y0 - 29 + ys[keep].max(), level="line"))
    kept, taken = take_checkboxes(gray, lines)
    assert len(kept) == len(lines)
    got = sorted(t.region.bbox[1] for t in taken if t.state == "tick")
    assert len(got) == len(page.spots) and [t.state for t in taken] == ["tick"] * len(taken)


def _frame_and_inside(image: np.ndarray) -> tuple[np.ndarray, float, np.ndarray | None]:
    """The biggest ink component of ``image`` (gray uint8) cut to its box, the ink of the others centred in
    it (share of its own) and that ink cut to its box (None when there is none), as ``ocrplug.checkboxes``
    passes them to ``checkbox_state``."""
    import cv2

    ink = (image < 128).astype(np.uint8)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h, area = (int(v) for v in stats[k])
    cx, cy = stats[:, 0] + stats[:, 2] / 2, stats[:, 1] + stats[:, 3] / 2
    inside = (x < cx) & (cx < x + w) & (y < cy) & (cy < y + h)
    inside[0] = inside[k] = False
    inner = np.flatnonzero(inside)
    mask = None
    if len(inner):
        x0, y0 = stats[inner, 0].min(), stats[inner, 1].min()
        x1, y1 = (stats[inner, 0] + stats[inner, 2]).max(), (stats[inner, 1] + stats[inner, 3]).max()
        mask = np.isin(labels[y0:y1, x0:x1], inner)
    return labels[y:y + h, x:x + w] == k, float(stats[inside, cv2.CC_STAT_AREA].sum()) / area, mask


def test_a_typed_x_touching_a_broken_frame_near_its_corner_is_ticked() -> None:
    # funsd_train 0060036622's ``[x] Contribution``: a thin scanned frame with a gap, a typed ``x`` touching
    # it at a corner. The ink inside the frame's outer band was cut through the ``x`` (no cross to
    # ``is_mark``); with the frame's lines stripped instead it is whole (issue 24, K14). Before: 65 of the
    # 173 boxes here ticked.
    from PIL import Image, ImageDraw, ImageFont

    from ocrplug.checkboxes import checkbox_state

    fonts = Path("/usr/share/fonts/truetype")
    faces = [f for f in FACES if (fonts / f).exists() and "Bold" not in f]
    ticked = total = 0
    for face in faces:
        for side in (14, 16, 18, 20, 24):
            for scale in (0.7, 0.9, 1.1):
                for corner in ("bl", "tl", "br", "tr"):
                    img = Image.new("L", (side + 12, side + 12), 255)
                    d = ImageDraw.Draw(img)
                    d.rectangle((6, 6, 6 + side, 6 + side), outline=0, width=1)
                    d.rectangle((6 + side // 2, 6, 7 + side // 2, 6), fill=255)  # a 2 px gap in the top side
                    font = ImageFont.truetype(str(fonts / face), round(side * scale))
                    left, top, right, bottom = d.textbbox((0, 0), "x", font=font)
                    x = 7 - left if corner[1] == "l" else 5 + side - right
                    y = 7 - top if corner[0] == "t" else 5 + side - bottom
                    d.text((x, y), "x", font=font, fill=0)
                    mask, share, _ = _frame_and_inside(np.asarray(img))
                    if share:  # the x apart from the frame: not this case
                        continue
                    total += 1
                    ticked += checkbox_state(mask, share) == "ticked"
    assert total >= 150 and ticked >= 0.8 * total, (ticked, total)


def test_a_wide_frame_holding_a_typed_x_is_ticked_and_one_holding_a_letter_or_nothing_is_not() -> None:
    # funsd_train's typed ``X`` in 1.5:1 and 1.8:1 frames (00851879, 81619511) were no box at all: a frame
    # was at most 1.3:1. A wide frame is only ever a ticked box (an empty one is a cell or a field box).
    from PIL import Image, ImageDraw, ImageFont

    from ocrplug.checkboxes import checkbox_state

    fonts = Path("/usr/share/fonts/truetype")
    font_face = fonts / "dejavu/DejaVuSans.ttf"
    for height in (14, 16, 20, 24):
        for aspect in (1.5, 1.8, 2.1):
            width = round(aspect * height)
            for mark, want in (("X", "ticked"), ("", None), ("O", None), ("0", None),
                               ("D", None), ("8", None), ("-", None)):
                img = Image.new("L", (width + 2 * height, 3 * height), 255)
                d = ImageDraw.Draw(img)
                d.rectangle((height, height, height + width - 1, 2 * height - 1), outline=0, width=2)
                if mark:
                    font = ImageFont.truetype(str(font_face), round(0.8 * height))
                    left, top, right, bottom = d.textbbox((0, 0), mark, font=font)
                    d.text((height + (width - right - left) / 2, 1.5 * height - (top + bottom) / 2), mark, font=font, fill=0)
                got = checkbox_state(*_frame_and_inside(np.asarray(img)))
                assert got == want, (height, aspect, mark, got)


icon_boxes = load_benchmark("icon_boxes")


def _quad_word(cx: float, cy: float, side: float, degrees: float, text: str) -> object:
    import math

    from ocrplug.model import Region

    a, r = math.radians(degrees), side / 2
    corners = [(-r, -r), (r, -r), (r, r), (-r, r)]
    quad = tuple((cx + x * math.cos(a) - y * math.sin(a), cy + x * math.sin(a) + y * math.cos(a)) for x, y in corners)
    return Region(quad=quad, level="word", text=text)


def _line_of(*words: object) -> object:
    from ocrplug.model import Region

    x0 = min(w.bbox[0] for w in words)
    y0 = min(w.bbox[1] for w in words)
    x1 = max(w.bbox[2] for w in words)
    y1 = max(w.bbox[3] for w in words)
    return Region.from_box(x0, y0, x1, y1, level="line", text=" ".join(w.text for w in words), children=tuple(words))


def test_box_signs_on_icons_over_captions_and_on_turned_squares_are_dropped() -> None:
    # T13's phone_dark: a tab bar's outline icons read '□ □ □' over 'Chats Calls Settings'; T14's
    # chem_label: a hazard diamond (a square on its corner) read '☑' by PP-OCR. A form's box beside its
    # label stays, and so does a square word whose quad stands on its side (90 degrees: level).
    from ocrplug.checkboxes import without_icon_boxes
    from ocrplug.model import Region

    for page in icon_boxes.pages(4, 15):
        regions: list[object] = []
        for x0, y0, x1, y1, kind in page.nots:
            cx, cy, side = (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0
            if kind == "diamond":
                regions.append(_line_of(_quad_word(cx, cy, side / 1.42, 41.0, TICKED)))
            else:
                regions.append(_line_of(_quad_word(cx, cy, side, 0.0, "\u25a1")))
                caption = Region.from_box(cx - 30, y1 + 6, cx + 26, y1 + 24, level="word", text="Chats")
                regions.append(_line_of(caption))
        form = []
        for x0, y0, x1, y1, state in page.boxes:
            side = x1 - x0
            box = _quad_word((x0 + x1) / 2, (y0 + y1) / 2, side, 90.0 if state == "empty" else 0.0,
                             TICKED if state == "ticked" else EMPTY)
            label = Region.from_box(x1 + 8, y0, x1 + 90, y1, level="word", text="Yes")
            form.append(_line_of(box, label))
        out = without_icon_boxes([*regions, *form])
        texts = [r.text for r in out]
        assert texts == ["Chats"] * sum(k == "icon" for *_, k in page.nots) + [r.text for r in form], page.name
        # A line holding a box sign and a word beside it loses nothing; one holding an icon and its
        # caption on one row is a label beside it, kept.
        icon = next(b for b in page.nots if b[4] == "icon")
        side = icon[2] - icon[0]
        row = _line_of(_quad_word((icon[0] + icon[2]) / 2, (icon[1] + icon[3]) / 2, side, 0.0, EMPTY),
                       Region.from_box(icon[2] + 6, icon[1], icon[2] + 80, icon[3], level="word", text="Home"))
        assert [r.text for r in without_icon_boxes([row])] == [f"{EMPTY} Home"]


def test_an_outline_icon_holding_a_drawing_is_no_ticked_box() -> None:
    # A phone's or a web page's outline icon (a square frame round a plus, bars, a ring, a dot, a letter)
    # was written '☑': ink apart from a frame ticked it whatever it was (issue 24, K15). A cross or a tick
    # drawn apart from the frame still ticks it.
    from PIL import Image, ImageDraw, ImageFont

    from ocrplug.checkboxes import checkbox_state

    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 16)
    for side in (18, 24, 30, 40):
        for width in (1, 2, 3) if side >= 24 else (1, 2):  # 3 px bars in an 18 px frame run into a fill
            for inner in ("plus", "bars", "ring", "dot", "letter"):
                img = Image.new("RGB", (side + 12, side + 12), (255, 255, 255))
                icon_boxes._icon(ImageDraw.Draw(img), 6, 6, side, width, (0, 0, 0), inner, font)
                got = checkbox_state(*_frame_and_inside(np.asarray(img.convert("L"))))
                # None (no box); a small letter's ink under a tenth of the frame's is specks ("empty").
                assert got != "ticked", (side, width, inner, got)
            apart = _drawn_box(side, width, "apart")
            assert checkbox_state(*_frame_and_inside(apart)) == "ticked", (side, width)


def test_boxes_on_a_dark_mode_page_read_as_on_the_light_page(pages: dict[str, object]) -> None:
    # b16 (issue 24): light boxes and labels on a dark ground (a dark-mode form, T13's phone_dark) were
    # never taken: every crop's Otsu ink was the dark ground. The page inverted reads as the light one:
    # every square a detector boxed alone, each in its state, and the words left as they are.
    from ocrplug.checkboxes import take_checkboxes
    from ocrplug.crops import to_gray
    from ocrplug.model import Region

    for name in ("checkbox_13px_freeserif_200dpi", "checkbox_12px_dejavusans_150dpi"):
        page = pages[name]
        words = [Region.from_box(*w.box, level="word") for w in page.words]
        squares = [Region.from_box(x0 + 1, y0, x1, y1, level="word") for (x0, y0, x1, y1), _ in page.checkboxes]
        gray = to_gray(page.image)
        light = take_checkboxes(gray, [*words, *squares])
        dark = take_checkboxes(255 - gray, [*words, *squares])
        assert dark[0] == light[0] == words, name
        assert [t.state for t in dark[1]] == [t.state for t in light[1]], name
        assert [t.state == "ticked" for t in dark[1]] == [ticked for _, ticked in page.checkboxes], name


def test_a_frame_with_a_pinhole_round_a_scanned_x_broken_into_strokes_is_ticked() -> None:
    # b16 (issue 24): a scanned thin frame with one pixel missing (its ring inked along 0.91-0.94 of every
    # side, under the closed ring's 0.95) round a faint typed ``X`` that the scan broke into a stem and
    # two arms (no cross to ``is_mark``: funsd_train 91856041's ``[X] # OF BOOTHS``) was no box; the same
    # frame empty stays empty.
    from ocrplug.checkboxes import checkbox_state, is_mark

    for side in (11, 12, 14, 16):
        frame = np.zeros((side, side), dtype=bool)
        frame[0, :] = frame[-1, :] = frame[:, 0] = frame[:, -1] = True
        frame[0, side // 2 + 2] = False
        marked = frame.copy()
        stem = side // 3
        marked[1:-1, stem] = True
        for i in range(1, side // 2):
            marked[side // 2 - i, stem + i] = marked[side // 2 + i - 1, stem + i] = True
        inner = marked[1:-1, 1:-1]
        ys, xs = np.nonzero(inner)
        assert not is_mark(inner[ys.min():ys.max() + 1, xs.min():xs.max() + 1])
        assert checkbox_state(marked) == "ticked", side
        assert checkbox_state(frame) == "empty", side
