"""Region geometry of issue 24: quads in reading direction after a turned crop, vertical lines lengthened
along their text, unturned lone characters, word boxes that hold their end letters."""

from __future__ import annotations

import numpy as np
import pytest

from ocrplug.crops import Crop, choose_orientation, rotate_crop, with_rotation
from ocrplug.geometry import quad_angle
from ocrplug.layout import LayoutOptions, layout_regions, lines_for_recognition
from ocrplug.model import Region

TALL = Region.from_box(40, 100, 80, 400, level="line", text="LABEL")  # corners in page order


def _crop(rotation: int) -> Crop:
    return rotate_crop(Crop(image=np.zeros((300, 40, 3), np.uint8), to_page=np.eye(3)), rotation)


@pytest.mark.parametrize(("rotation", "first", "degrees"), [(90, (80, 100), -90), (270, (40, 400), 90), (180, (80, 400), 180)])
def test_turned_crop_gives_a_quad_from_the_texts_own_top_left(rotation: int, first: tuple, degrees: int) -> None:
    region = with_rotation(TALL, _crop(rotation))
    assert region.quad[0] == pytest.approx(first)
    assert region.attributes["rotation"] == rotation
    # quad_angle is clockwise on screen: text read bottom to top (turned counter-clockwise) is -90.
    assert np.degrees(quad_angle(region.quad)) == pytest.approx(-degrees) or abs(degrees) == 180
    assert sorted(region.quad) == sorted(TALL.quad)  # same corners, rolled
    assert with_rotation(TALL, _crop(0)) is TALL


def test_lone_tall_character_is_read_unturned_when_that_reads_as_well() -> None:
    upright = Crop(image=np.zeros((30, 14, 3), np.uint8), to_page=np.eye(3))
    cands = [rotate_crop(upright, 90), rotate_crop(upright, 270), upright]
    scores = {90: 0.99, 270: 0.40, 0: 0.97}
    chosen = choose_orientation([cands], lambda imgs: [scores[c.rotation] for c in cands][: len(imgs)])
    assert chosen[0].rotation == 0
    scores = {90: 0.99, 270: 0.40, 0: 0.50}  # a real vertical word reads far better turned
    chosen = choose_orientation([cands], lambda imgs: [scores[c.rotation] for c in cands][: len(imgs)])
    assert chosen[0].rotation == 90


def test_vertical_word_is_lengthened_along_its_text_not_sideways() -> None:
    word = Region.from_box(40, 100, 70, 400, level="word", score=0.9)  # a vertical word, 30 x 300
    body = [Region.from_box(200, 100 + 60 * k, 600, 130 + 60 * k, level="word", score=0.9) for k in range(3)]
    lines = lines_for_recognition([word, *body], LayoutOptions())
    tall = next(ln for ln in lines if ln.bbox[0] < 100)
    x0, y0, x1, y1 = tall.bbox
    # Not padded sideways by 0.3 x its 300 px "height" until it looks square (210 px wide before);
    # the few pixels it gains come from the page frame the centres' projection profile picks here.
    assert x1 - x0 < 80
    assert y0 < 100 and y1 > 400


def test_recognizer_word_boxes_widen_to_hold_end_letters_and_stay_apart() -> None:
    # A detector line (page pixels 100..500) whose recognizer cut its words a little inside the ink.
    words = (
        Region.from_box(104, 50, 200, 80, level="word", text="Quarterly"),
        Region.from_box(230, 50, 330, 80, level="word", text="Maintenance"),
        Region.from_box(340, 50, 496, 80, level="word", text="Report", score=0.8),  # a detector's box
    )
    line = Region.from_box(100, 48, 500, 82, level="line", text="Quarterly Maintenance Report", children=words)
    (block,) = layout_regions([line], LayoutOptions())
    got = [w.bbox for w in block.children[0].children]
    assert got[0][0] == pytest.approx(100) and got[0][2] > 200  # first letter inside, line end as limit
    assert got[1][0] < 230 and got[1][2] > 330
    assert got[0][2] < got[1][0] and got[1][2] < 340  # half of each gap stays free
    assert got[2] == pytest.approx(words[2].bbox)  # the detector's box is kept
    (plain,) = layout_regions([line], LayoutOptions(word_end_pad=0))
    assert [w.bbox for w in plain.children[0].children] == [w.bbox for w in words]


@pytest.mark.parametrize(("rotation", "textangle"), [(90, 270), (270, 90), (180, 180)])
def test_ocrmypdf_tree_states_a_turned_line_as_90_180_or_270(rotation: int, textangle: int) -> None:
    engine = pytest.importorskip("ocrplug.integrations.ocrmypdf", exc_type=ImportError)
    from ocrplug.model import Page

    line = with_rotation(TALL, _crop(rotation))
    tree = engine.page_to_ocr_tree(Page(index=0, width=200, height=500, source="x", regions=(line,)), 72, 0)
    assert tree.lines[0].textangle == pytest.approx(textangle)


def test_ocrmypdf_tree_writes_angles_under_the_noise_floor_as_0() -> None:
    engine = pytest.importorskip("ocrplug.integrations.ocrmypdf", exc_type=ImportError)
    from ocrplug.layout import LEVEL_ANGLE_DEG
    from ocrplug.model import Page

    a = np.radians(LEVEL_ANGLE_DEG * 0.8)  # a long level line whose quad is off by quad jitter
    quad = ((100, 100), (100 + 600 * np.cos(a), 100 - 600 * np.sin(a)),
            (100 + 600 * np.cos(a), 130 - 600 * np.sin(a)), (100, 130))
    line = Region(quad=quad, level="line", text="a long level line")
    tree = engine.page_to_ocr_tree(Page(index=0, width=800, height=300, source="x", regions=(line,)), 72, 0)
    assert tree.lines[0].textangle == 0


def test_word_ends_taken_from_the_ink_are_not_padded() -> None:
    from ocrplug.layout import INK_ENDS

    # The recognizer moved the first word's left end and the second word's right end out to the ink.
    words = (
        Region.from_box(104, 50, 200, 80, level="word", text="Quarterly", attributes={INK_ENDS: [True, False]}),
        Region.from_box(230, 50, 330, 80, level="word", text="Maintenance", attributes={INK_ENDS: [False, True]}),
    )
    line = Region.from_box(100, 48, 400, 82, level="line", text="Quarterly Maintenance", children=words)
    (block,) = layout_regions([line], LayoutOptions())
    first, second = (w.bbox for w in block.children[0].children)
    assert first[0] == pytest.approx(104) and first[2] > 200  # the inked end stays, the other is padded
    assert second[0] < 230 and second[2] == pytest.approx(330)
