"""Page orientation without models: a fake reader that is confident only on upright 'lines'."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from ocrplug.crops import CropOptions, crop_regions
from ocrplug.geometry import order_quad
from ocrplug.model import PageImage, Region
from ocrplug.orientation import detect_orientation, map_regions, rotate_image, to_original, to_upright


def _upright_page() -> tuple[np.ndarray, list[Region]]:
    """White page with 5 'lines': a dark head at the left end (where reading starts) and a lighter tail."""
    img = np.full((300, 400, 3), 255, np.uint8)
    regions = []
    for k in range(5):
        y = 30 + 50 * k
        img[y : y + 20, 40:80] = 0  # head
        img[y + 8 : y + 12, 80:340] = 90  # tail
        regions.append(Region.from_box(40, y, 340, y + 20, level="line"))
    return img, regions


def _fake_read(page: PageImage, regions: Sequence[Region]) -> list[Region]:
    """Confidence 0.9 when a crop's darkest end is on the left (upright), 0.2 otherwise."""
    crops = crop_regions(page, regions, CropOptions(margin=0.0, orientation="quad"))
    out = []
    for r, c in zip(regions, crops, strict=True):
        w = c.image.shape[1]
        left, right = c.image[:, : w // 5].mean(), c.image[:, -w // 5 :].mean()
        out.append(r.with_(text="abcdef", confidence=0.9 if left < right else 0.2))
    return out


@pytest.mark.parametrize("turn", [0, 90, 180, 270])
def test_detects_the_angle_that_makes_the_page_upright(turn: int) -> None:
    img, regions = _upright_page()
    h, w = img.shape[:2]
    turned = rotate_image(img, turn)
    # What a detector would return on the turned page: the same boxes, geometric corner order.
    found = map_regions(regions, lambda p: to_upright(p, turn, w, h), reorder=True)
    page = PageImage(image=turned, index=0, source="t")
    result = detect_orientation(page, found, _fake_read)
    assert result.angle == (360 - turn) % 360
    assert result.scores[result.angle] > 0.5


def test_nothing_to_read_is_upright() -> None:
    page = PageImage(image=np.full((10, 10, 3), 255, np.uint8), index=0, source="t")
    assert detect_orientation(page, [], _fake_read).angle == 0


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
