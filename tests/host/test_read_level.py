"""Issue 24 (items 3 and 6): a line whose tilt the page shows to be box jitter is cropped level.

``swift`` read the row ``Hill Top`` of T9's timetable as ``| Hill Top``: db boxed the short line 2.4 degrees
off on a level page, the crop was warped along that tilt, so the table's left rule crossed the crop's edge
diagonally and :func:`ocrplug.crops.erase_neighbour_ink` could not tell it as a rule. The layout step
levelled the quad, but only after recognition; :func:`ocrplug.layout.lines_for_recognition` now takes the
same decision (:mod:`ocrplug.levelling`) before the crops are made.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import cv2
import numpy as np
import pytest

from ocrplug import Detector, Pipeline
from ocrplug.crops import Crop, to_gray
from ocrplug.layout import LayoutOptions, lines_for_recognition
from ocrplug.model import PageImage, Region
from ocrplug.recognition import CropRecognizer
from tests.conftest import load_benchmark

drawn_pages = load_benchmark("drawn_pages")

RULE_X = 100  # the table's left rule: columns 100 and 101
STOPS = ["Central Station", "Market Square", "Royal Hospital", "Park Road", "University", "Hill Top", "Airport"]
TIMES = ["06:15", "06:51", "07:27", "08:00"]


def _turned(quad: Sequence[tuple[float, float]], degrees: float) -> tuple[tuple[float, float], ...]:
    """``quad`` turned by ``degrees`` (clockwise on screen, y down) about its centre."""
    q = np.asarray(quad, dtype=np.float64)
    c = q.mean(axis=0)
    a = math.radians(degrees)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return tuple((float(x), float(y)) for x, y in (q - c) @ rot.T + c)


def _table() -> tuple[np.ndarray, list[Region], int]:
    """A ruled timetable at 200 dpi (DejaVu Sans 10 pt): stop names right of a 2 px left rule, times right
    of them; the detector's level boxes but for ``Hill Top``, boxed 2.4 degrees off (T9's db box). Returns
    the page, the regions and the index of ``Hill Top``'s."""
    img, d = drawn_pages.canvas(200, 6.0, 3.4)
    f = drawn_pages.font("dejavu", 10, 200)
    regions: list[Region] = []
    hill = -1
    for r, stop in enumerate(STOPS):
        top = 60 + 68 * r
        for k, text in enumerate([stop, *TIMES]):
            x = RULE_X + 6 if k == 0 else 420 + 150 * k
            d.text((x, top + 18), text, font=f, fill=0)
            x0, y0, x1, y1 = d.textbbox((x, top + 18), text, font=f)
            box = Region.from_box(x0 - 5, y0 - 7, x1 + 6, y1 + 7, level="line", score=0.9)
            if text == "Hill Top":
                hill = len(regions)
                box = box.with_(quad=_turned(box.quad, 2.4))
            regions.append(box)
        d.line([(RULE_X, top), (1150, top)], fill=0, width=2)
    d.line([(RULE_X, 60), (RULE_X, 60 + 68 * len(STOPS))], fill=0, width=2)
    return np.asarray(img.convert("RGB")), regions, hill


class _Found(Detector):
    def __init__(self, regions: list[Region]) -> None:
        self.regions = regions

    def detect(self, page: PageImage) -> list[Region]:
        return list(self.regions)


class _Crops(CropRecognizer):
    """Keeps every crop it is given; reads every region as ``x``."""

    def __init__(self) -> None:
        self.crops: list[tuple[Crop, Region]] = []

    def read_crops(self, crops: Sequence[Crop], regions: Sequence[Region]) -> list[Region]:
        self.crops += list(zip(crops, regions, strict=True))
        return [r.with_(text="x", confidence=1.0) for r in regions]


def _ink_left_of(crop: Crop, x: float) -> int:
    """Dark pixels of ``crop`` that lie left of page column ``x``."""
    ys, xs = np.nonzero(to_gray(crop.image) < 128)
    if not len(xs):
        return 0
    page = cv2.perspectiveTransform(np.stack([xs + 0.5, ys + 0.5], axis=1)[None].astype(np.float64), crop.to_page)[0]
    return int((page[:, 0] < x).sum())


def test_a_jittered_short_line_of_a_level_page_is_levelled_before_recognition() -> None:
    _, regions, hill = _table()
    given = lines_for_recognition(regions, LayoutOptions())
    assert len(given) == len(regions)
    q = np.asarray(given[hill].quad)
    assert abs(q[1, 1] - q[0, 1]) < 0.01 and abs(q[2, 1] - q[3, 1]) < 0.01  # level
    assert np.allclose(q.mean(axis=0), np.asarray(regions[hill].quad).mean(axis=0))  # about its centre
    # The level lines pass through as given.
    assert all(given[i] is regions[i] for i in range(len(regions)) if i != hill)


def test_a_tilted_page_and_a_tall_region_keep_their_tilt() -> None:
    _, regions, hill = _table()
    # Every line tilted alike (a photographed sign): a true tilt, not jitter.
    tilted = [r.with_(quad=_turned(r.quad, 2.4)) for i, r in enumerate(regions) if i != hill]
    assert lines_for_recognition(tilted, LayoutOptions()) == tilted
    # A region taller than long (a vertical line, read from a turned crop) is not levelled before it is read.
    tall = Region(quad=_turned(Region.from_box(20, 60, 44, 400).quad, 2.0), level="line")
    out = lines_for_recognition([*regions[:hill], tall], LayoutOptions())
    assert out[-1] is tall


def test_the_crop_of_a_jittered_line_beside_a_rule_holds_no_rule() -> None:
    image, regions, hill = _table()
    rec = _Crops()
    pipe = Pipeline(detector=_Found(regions), recognizer=rec, input={"orientation": "none"})
    pipe.run(image)
    centre = np.asarray(regions[hill].quad).mean(axis=0)
    crop = next(c for c, r in rec.crops if np.allclose(np.asarray(r.quad).mean(axis=0), centre))
    # The rule (columns 100-101) is erased from the level crop; the text starts at column 106.
    assert _ink_left_of(crop, RULE_X + 4) == 0


def test_swift_reads_the_jittered_row_beside_the_rule_without_a_bar() -> None:
    pytest.importorskip("tesserocr")
    from ocrplug.presets import preset_config

    image, regions, _ = _table()
    pipe = Pipeline(detector=_Found(regions), recognizer=preset_config("swift")["recognizer"],
                    input={"orientation": "none"}, renderers=[])
    rows = [ln.text for ln in pipe.run(image).pages[0].lines if "Top" in (ln.text or "")]
    assert rows == ["Hill Top"]  # '|Hill Top' when cropped along the box's tilt


def test_loose_words_are_levelled_when_read_alone_and_joined_as_found() -> None:
    _, regions, hill = _table()
    words = [r.with_(level="word") for r in regions]
    alone = lines_for_recognition(words, LayoutOptions(read_lines=False))
    q = np.asarray(alone[hill].quad)
    assert abs(q[1, 1] - q[0, 1]) < 0.01  # read on its own: cropped level
    # Joined into lines (read_lines on), they are levelled by the joining layout itself, not before it:
    # the joined line is level all the same.
    joined = lines_for_recognition(words, LayoutOptions())
    centre = np.asarray(words[hill].quad).mean(axis=0)
    line = next(ln for ln in joined if ln.bbox[0] <= centre[0] <= ln.bbox[2] and ln.bbox[1] <= centre[1] <= ln.bbox[3])
    q = np.asarray(line.quad)
    assert abs(q[1, 1] - q[0, 1]) < 0.01


def _page_turned(regions: list[Region], degrees: float, about: tuple[float, float] = (600.0, 340.0)) -> list[Region]:
    """``regions`` turned together by ``degrees`` (clockwise on screen, y down) about the point ``about``."""
    a = math.radians(degrees)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    c = np.asarray(about)
    return [r.with_(quad=tuple((float(x), float(y)) for x, y in (np.asarray(r.quad) - c) @ rot.T + c)) for r in regions]


def test_a_jittered_line_of_a_tilted_page_is_read_as_boxed_and_laid_out_level() -> None:
    # ICDAR 2015 img_47 / img_31 (issue 24, S13): on a photographed page whose frame is tilted, a line's crop
    # is warped either way; turned to the frame it read `wALE` for `GALE`, `An` + `t` for `Ant`.
    from ocrplug.geometry import _frame
    from ocrplug.levelling import _level_jitter

    _, regions, hill = _table()
    tilted = _page_turned(regions, -6.0)  # the whole table photographed 6 degrees off; Hill Top 2.4 more
    given = lines_for_recognition(tilted, LayoutOptions())
    assert given[hill].quad == tilted[hill].quad  # cropped as boxed (before: turned to the frame, -6 degrees)
    # Once read, the layout step levels it to the frame as before (its box is written along the page).
    read = [r.with_(text="Hill Top" if i == hill else "x") for i, r in enumerate(tilted)]
    laid = _level_jitter(read, _frame(math.radians(-6.0)))
    q = np.asarray(laid[hill].quad)
    assert abs(math.degrees(math.atan2(q[1, 1] - q[0, 1], q[1, 0] - q[0, 0])) + 6.0) < 0.01
