"""Page orientation without models: a fake reader that is confident only on upright 'lines' and counts calls."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from ocrplug.crops import CropOptions, crop_regions
from ocrplug.geometry import order_quad
from ocrplug.model import PageImage, Region
from ocrplug.orientation import (
    CONFIDENT_MIN,
    CONFIDENT_READING,
    WINDOW,
    detect_orientation,
    map_regions,
    read_both_senses,
    rotate_image,
    sample_lines,
    to_original,
    to_upright,
    window_region,
)


def _upright_page(length: int = 300) -> tuple[np.ndarray, list[Region]]:
    """White page with 5 'lines' of ``length`` px, 20 px high: 'glyphs' that each fade from black to
    light grey left to right (reading direction), so any window of a line shows which way it runs."""
    img = np.full((300, 40 + length + 60, 3), 255, np.uint8)
    glyph = np.linspace(0, 200, 20).astype(np.uint8)
    regions = []
    for k in range(5):
        y = 30 + 50 * k
        img[y : y + 20, 40 : 40 + length] = np.tile(glyph, length // 20 + 1)[:length][None, :, None]
        regions.append(Region.from_box(40, y, 40 + length, y + 20, level="line"))
    return img, regions


class FakeReader:
    """Reads 'abcdef' with ``upright`` confidence when a crop's glyphs fade left to right, else 0.2.

    Counts its calls and keeps the width (pixels) of every crop it was given.
    """

    def __init__(self, upright: float = 0.95, text: str = "abcdef") -> None:
        self.upright = upright
        self.text = text
        self.calls = 0
        self.widths: list[int] = []

    def __call__(self, page: PageImage, regions: Sequence[Region]) -> list[Region]:
        self.calls += 1
        crops = crop_regions(page, regions, CropOptions(margin=0.0, orientation="quad"))
        out = []
        for r, c in zip(regions, crops, strict=True):
            self.widths.append(c.image.shape[1])
            profile = c.image.astype(np.float64).mean(axis=(0, 2))
            rising = np.sign(np.diff(profile)).sum() > 0
            out.append(r.with_(text=self.text, confidence=self.upright if rising else 0.2))
        return out


def _turned(turn: int, length: int = 300) -> tuple[PageImage, list[Region]]:
    """The test page turned clockwise by ``turn``, with the regions a detector would find on it."""
    img, regions = _upright_page(length)
    h, w = img.shape[:2]
    # What a detector would return on the turned page: the same boxes, geometric corner order.
    found = map_regions(regions, lambda p: to_upright(p, turn, w, h), reorder=True)
    return PageImage(image=rotate_image(img, turn), index=0, source="t"), found


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
@pytest.mark.parametrize("cascade", [True, False])
@pytest.mark.parametrize("window", [WINDOW, None])
def test_detects_the_angle_that_makes_the_page_upright(turn: int, window: float | None, cascade: bool) -> None:
    page, found = _turned(turn)
    result = detect_orientation(page, found, FakeReader(), window=window, cascade=cascade)
    assert result.angle == (360 - turn) % 360
    assert result.scores[result.angle] > 0.5


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_cascade_reads_the_second_frame_only_when_the_first_is_not_confident(turn: int) -> None:
    # First frames: 0 for text running across the page, 90 for text running down it.
    page, found = _turned(turn)
    reader = FakeReader()
    result = detect_orientation(page, found, reader)
    first_is_right = turn in (0, 270)
    assert reader.calls == (1 if first_is_right else 2)
    assert len(result.scores) == reader.calls
    # Readings right side up but below CONFIDENT_READING: both frames are always read, and still compared.
    unsure = FakeReader(upright=CONFIDENT_READING - 0.1)
    assert detect_orientation(page, found, unsure).angle == (360 - turn) % 360
    # ... and a page of level text that neither frame read confidently once more mirrored (not mirrored here).
    assert unsure.calls == (3 if turn in (0, 180) else 2)
    unmirrored = FakeReader(upright=CONFIDENT_READING - 0.1)
    assert detect_orientation(page, found, unmirrored, mirror=False).mirrored is False
    assert unmirrored.calls == 2
    # Without the cascade both frames are read even when the first is confident.
    both = FakeReader()
    detect_orientation(page, found, both, cascade=False)
    assert both.calls == 2


def test_windows_of_digits_alone_never_settle_the_page() -> None:
    # "0 1 6 8 9" read as digits upside down too: numbers only make both frames be read (tester's finding).
    page, found = _turned(0)
    digits = FakeReader(text="60 8190")
    assert detect_orientation(page, found, digits).angle == 0
    assert digits.calls == 2
    words = FakeReader(text="Total 60")
    detect_orientation(page, found, words)
    assert words.calls == 1


def test_cascade_needs_enough_readings() -> None:
    # Fewer than CONFIDENT_MIN lines: one confident reading does not settle the page alone.
    page, found = _turned(0)
    reader = FakeReader()
    assert detect_orientation(page, found[: CONFIDENT_MIN - 1], reader).angle == 0
    assert reader.calls == 2


@pytest.mark.parametrize("turn", [0, 90])
def test_a_long_line_is_read_through_a_window(turn: int) -> None:
    page, found = _turned(turn, length=1500)
    reader = FakeReader()
    assert detect_orientation(page, found, reader).angle == (360 - turn) % 360
    # 20 px high lines: each crop is WINDOW line heights long, whatever the line's 1500 px.
    assert reader.widths and all(abs(w - WINDOW * 20) <= 2 for w in reader.widths)
    whole = FakeReader()
    detect_orientation(page, found, whole, window=None)
    assert all(w >= 1499 for w in whole.widths)


def test_window_region_keeps_short_regions_and_the_corner_order() -> None:
    word = Region.from_box(10, 10, 60, 30, level="word", children=(Region.from_box(10, 10, 30, 30),))
    assert window_region(word, 4.0).quad == word.quad and window_region(word, 4.0).children == ()
    # A line running down the page (corners from its own top-left, i.e. turned 90 degrees clockwise).
    down = Region(quad=((30, 0), (30, 400), (10, 400), (10, 0)), level="line")
    assert window_region(down, 4.0).quad == ((30, 160), (30, 240), (10, 240), (10, 160))
    across = Region(quad=((0, 0), (20, 0), (20, 400), (0, 400)), level="line")  # top edge is the short one
    assert window_region(across, 4.0).quad == ((0, 160), (20, 160), (20, 240), (0, 240))


def test_nothing_to_read_is_upright() -> None:
    page = PageImage(image=np.full((10, 10, 3), 255, np.uint8), index=0, source="t")
    assert detect_orientation(page, [], FakeReader()).angle == 0


@pytest.mark.parametrize("angle", [0, 90, 180, 270])
def test_quads_mapped_back_keep_the_text_corner_first(angle: int) -> None:
    # A quad in the upright frame, mapped back, still starts at the text's top-left corner, which lies
    # where that corner of the page went when the page was turned.
    w, h = 400, 300
    quad = order_quad([(40, 30), (340, 30), (340, 50), (40, 50)])
    turned_w, turned_h = (h, w) if angle in (90, 270) else (w, h)
    back = map_regions([Region(quad=quad)], lambda p: to_original(p, angle, w, h), reorder=False)[0]
    assert np.allclose(to_upright(np.asarray(back.quad), angle, w, h), quad)
    assert 0 <= min(x for x, _ in back.quad) and max(x for x, _ in back.quad) <= w
    assert (turned_w, turned_h) == rotate_image(np.zeros((h, w, 3), np.uint8), angle).shape[1::-1]


@pytest.mark.parametrize("turn", [0, 90])
def test_the_sample_leaves_out_regions_across_the_text_axis(turn: int) -> None:
    # A big region running across the text (like FUNSD's form ID up the margin) is the largest on the
    # page, but the recognizer would turn it itself: it is not sampled, and the axis still comes out right.
    img, regions = _upright_page()
    margin_id = Region.from_box(5, 20, 30, 290, level="word")  # 25 x 270, taller than any line is long
    h, w = img.shape[:2]
    found = map_regions([*regions, margin_id], lambda p: to_upright(p, turn, w, h), reorder=True)
    picked, vertical = sample_lines(found)
    assert vertical == (turn == 90)
    assert len(picked) == len(regions)
    assert all(r.quad != found[-1].quad for r in picked)
    page = PageImage(image=rotate_image(img, turn), index=0, source="t")
    reader = FakeReader()
    assert detect_orientation(page, found, reader).angle == (360 - turn) % 360
    assert len(reader.widths) == len(regions) * reader.calls  # only the lines were read, in each frame


@pytest.mark.parametrize("turn", [90, 270])
def test_near_square_regions_do_not_outvote_the_axis(turn: int) -> None:
    """A turned page of few words: 'J.' beside 'Smith' (or 'B' and '4' beside two words) is near-square;
    only the words that run one way show the axis (before: a tie of 1 tall to 1 square read as 0/180)."""
    img, regions = _upright_page()
    words = regions[:2] + [Region.from_box(40, 280, 62, 298, level="word")] * 2  # two lines, two squares
    h, w = img.shape[:2]
    turned = map_regions(words, lambda p: to_upright(p, turn, w, h), reorder=True)
    picked, vertical = sample_lines(turned)
    assert len(picked) == 4  # the squares are sampled too (they run across neither axis)
    assert vertical
    page = PageImage(image=rotate_image(img, turn), index=0, source="t")
    assert detect_orientation(page, turned, FakeReader()).angle == (360 - turn) % 360


def _shelf(flipped: set[int]) -> tuple[PageImage, list[Region]]:
    """The upright test page with the lines in ``flipped`` turned 180 degrees in place (upside down)."""
    img, regions = _upright_page()
    for k in flipped:
        (x0, y0), _, (x1, y1), _ = regions[k].quad
        img[int(y0) : int(y1), int(x0) : int(x1)] = img[int(y0) : int(y1), int(x0) : int(x1)][::-1, ::-1]
    return PageImage(image=img, index=0, source="t"), regions


def test_each_level_line_of_a_turned_page_keeps_its_better_read_sense() -> None:
    # Issue 24 item 2: spines of both senses on one shelf; the page's sense read two of them upside down.
    page, regions = _shelf({1, 3})
    read = FakeReader()
    first = read(page, regions)
    out = read_both_senses(page, regions, first, read)
    assert read.calls == 2  # one extra call for all the lines
    assert [r.attributes.get("rotation") for r in out] == [None, 180, None, 180, None]
    assert [r.confidence for r in out] == [0.95] * 5
    # A flipped line's quad starts at its own text's top-left: the page box's bottom-right corner.
    x0, x1, y1 = 40, 340, 100
    assert out[1].quad[0] == pytest.approx((x1, y1)) and out[1].quad[1] == pytest.approx((x0, y1))
    assert out[0].quad == regions[0].quad


def test_a_line_whose_two_readings_are_close_keeps_the_page_sense() -> None:
    page, regions = _shelf({2})
    read = FakeReader(upright=0.22)  # upside down reads 0.2: within the margin
    out = read_both_senses(page, regions, read(page, regions), read, margin=0.05)
    assert not any(r.attributes.get("rotation") for r in out)
    out = read_both_senses(page, regions, read(page, regions), read, margin=0.0)
    assert [bool(r.attributes.get("rotation")) for r in out] == [False, False, True, False, False]


def test_lines_already_turned_by_their_crop_or_empty_are_not_read_again() -> None:
    page, regions = _shelf({0, 1})
    read = FakeReader()
    first = read(page, regions)
    first[0] = first[0].with_(attributes={"rotation": 90})
    first[1] = first[1].with_(text="")
    out = read_both_senses(page, regions, first, read)
    assert out[:2] == first[:2]
    assert read.widths[5:] == read.widths[2:5]  # only lines 2-4 were read again


class ListedReader:
    """Reads each region (keyed by its box's top-left corner) with the confidences listed for its two senses."""

    def __init__(self, conf: dict[tuple[int, int], tuple[float, float]]) -> None:
        self.conf = conf

    def __call__(self, page: PageImage, regions: Sequence[Region]) -> list[Region]:
        out = []
        for r in regions:
            q = np.asarray(r.quad)
            upside_down = q[0][0] > q[2][0]  # corners rolled by two: the text's top-left is on the right
            as_read, turned = self.conf[round(float(q[:, 0].min())), round(float(q[:, 1].min()))]
            out.append(r.with_(text="ab" if upside_down else "abcd", confidence=turned if upside_down else as_read))
        return out


def test_a_spine_title_and_author_on_one_row_turn_together() -> None:
    # T10's shelf: "VOSS" reads "SSOA" upside down slightly more confidently than as read, but its title
    # (on the same row of the upright frame) reads far better in the page's sense: the row keeps both.
    # Another spine's title reads far better upside down: its author turns with it.
    page = PageImage(image=np.full((200, 600, 3), 255, np.uint8), index=0, source="t")
    regions = [
        Region.from_box(10, 20, 300, 60, level="line"),  # title
        Region.from_box(400, 28, 480, 52, level="line"),  # author, same row
        Region.from_box(10, 120, 300, 160, level="line"),  # another spine's title, upside down
        Region.from_box(400, 128, 480, 152, level="line"),  # its author
    ]
    read = ListedReader({(10, 20): (0.99, 0.70), (400, 28): (0.90, 0.95),
                         (10, 120): (0.70, 0.99), (400, 128): (0.90, 0.88)})
    out = read_both_senses(page, regions, read(page, regions), read)
    assert [r.attributes.get("rotation") for r in out] == [None, None, 180, 180]
    assert [r.confidence for r in out] == [0.99, 0.90, 0.99, 0.88]


class ShapeReader(FakeReader):
    """Confident only where a crop's top half is darker than its bottom half and fades left to right: tells
    the page as given (top dark, rising) from turned by 180 (bottom dark) and from mirrored (falling)."""

    def __call__(self, page: PageImage, regions: Sequence[Region]) -> list[Region]:
        self.calls += 1
        crops = crop_regions(page, regions, CropOptions(margin=0.0, orientation="quad"))
        out = []
        for r, c in zip(regions, crops, strict=True):
            img = c.image.astype(np.float64).mean(axis=2)
            top, bottom = img[: img.shape[0] // 2], img[img.shape[0] // 2 :]
            rising = np.sign(np.diff(top.mean(axis=0))).sum() > 0
            ok = rising and top.mean() < bottom.mean()
            out.append(r.with_(text=self.text, confidence=self.upright if ok else 0.6))
        return out


def _shaped_page(mirrored: bool) -> tuple[PageImage, list[Region]]:
    """Five 300 x 20 px 'lines' whose top half fades black to grey left to right (bottom half light grey);
    ``mirrored``: the page mirrored left to right."""
    img, regions = _upright_page()
    for r in regions:
        x0, y0, x1, y1 = (int(v) for v in r.bbox)
        img[y0 + 10 : y1, x0:x1] = 230
    if mirrored:
        img = np.ascontiguousarray(img[:, ::-1])
        w = img.shape[1]
        regions = map_regions(regions, lambda p: np.stack([w - p[:, 0], p[:, 1]], axis=1), reorder=True)
    return PageImage(image=img, index=0, source="m"), regions


def test_a_mirrored_page_is_found_mirrored_and_a_page_as_given_is_not() -> None:
    # T14's mirrored_lr.png: read in 0 and 180 as garbage of middling confidence (0.65 / 0.56), mirrored 0.997.
    page, found = _shaped_page(mirrored=True)
    reader = ShapeReader()
    result = detect_orientation(page, found, reader)
    assert (result.angle, result.mirrored) == (0, True)
    assert reader.calls == 3
    # Without the mirror read it is called upright, as on main.
    assert detect_orientation(page, found, ShapeReader(), mirror=False).mirrored is False
    # The page as given settles in its first frame: no mirror read.
    page, found = _shaped_page(mirrored=False)
    reader = ShapeReader()
    result = detect_orientation(page, found, reader)
    assert (result.angle, result.mirrored, reader.calls) == (0, False, 1)
    # Turned by 180: its second frame reads confidently, no mirror read either.
    upside = PageImage(image=rotate_image(page.image, 180), index=0, source="u")
    h, w = page.image.shape[:2]
    turned = map_regions(found, lambda p: to_upright(p, 180, w, h), reorder=True)
    reader = ShapeReader()
    result = detect_orientation(upside, turned, reader)
    assert (result.angle, result.mirrored, reader.calls) == (180, False, 2)
