"""Crop rectification: rotated quads come out upright, margins, orientation choice, maps back to the page."""

from __future__ import annotations

import numpy as np
import pytest

from ocrplug.crops import Crop, CropOptions, choose_orientation, crop_regions, quad_of_region, rotate_crop
from ocrplug.geometry import order_quad
from ocrplug.model import Region

from .conftest import paste_rotated


def _patch(h: int = 30, w: int = 120) -> np.ndarray:
    """A patch with an asymmetric pattern: a dark block on the left and a stripe at the top, apart (two
    shapes, as text is: one shape alone is a lone glyph and never turned, ``crops.is_lone_glyph``)."""
    patch = np.full((h, w, 3), 255, np.uint8)
    patch[h // 5 + 2 :, : w // 4] = 0
    patch[: h // 5, :] = 90
    return patch


@pytest.mark.parametrize("degrees", [0, 25, -40, 180])
def test_rotated_quad_in_reading_order_comes_out_upright(degrees):
    canvas = np.full((400, 400, 3), 255, np.uint8)
    patch = _patch()
    quad = paste_rotated(canvas, patch, (200, 200), degrees)
    (crop,) = crop_regions(canvas, [Region(quad=quad, level="line")], CropOptions(margin=0.0))
    assert abs(crop.width - 120) <= 1 and abs(crop.height - 30) <= 1
    inner = crop.image[3:-3, 3:-3].astype(float)
    expected = patch[3:-3, 3:-3].astype(float)
    h, w = min(inner.shape[0], expected.shape[0]), min(inner.shape[1], expected.shape[1])
    assert np.mean(np.abs(inner[:h, :w] - expected[:h, :w])) < 12
    # The crop's corners map back onto the quad's corners.
    back = crop.map_points([(0, 0), (crop.width, 0), (crop.width, crop.height), (0, crop.height)])
    assert np.allclose(back, quad, atol=1.5)


def test_margin_adds_page_context_on_every_side():
    canvas = np.zeros((200, 300, 3), np.uint8)
    region = Region.from_box(100, 80, 200, 100, level="line")  # 100 x 20
    (crop,) = crop_regions(canvas, [region], CropOptions(margin=0.25))
    assert (crop.width, crop.height) == (110, 30)
    assert np.allclose(crop.map_points([(5, 5)]), [(100, 80)])


def test_max_height_scales_crops_down_keeping_the_map():
    canvas = np.zeros((400, 400, 3), np.uint8)
    region = Region.from_box(0, 0, 300, 100, level="line")
    (crop,) = crop_regions(canvas, [region], CropOptions(margin=0.0, max_height=50))
    assert (crop.width, crop.height) == (150, 50)
    assert np.allclose(crop.map_box(0, 0, 150, 50), region.quad)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_rotate_crop_keeps_the_page_map(k):
    canvas = np.random.default_rng(0).integers(0, 255, (100, 100, 3), dtype=np.uint8)
    (crop,) = crop_regions(canvas, [Region.from_box(10, 20, 70, 40, level="line")], CropOptions(margin=0.0))
    turned = rotate_crop(crop, 90 * k)
    assert turned.rotation == 90 * k
    assert turned.image.shape[:2] == (crop.image.shape[:2] if k == 2 else crop.image.shape[1::-1])
    # Pixel centres of the turned crop map to the page pixels they show.
    for y, x in [(0, 0), (turned.height - 1, 0), (2, turned.width - 3)]:
        px, py = turned.map_points([(x + 0.5, y + 0.5)])[0]
        assert np.array_equal(turned.image[y, x], canvas[int(py), int(px)])


def test_polygon_uses_min_area_rect_in_the_quads_direction():
    # A slanted band described by a 6-point polygon; the quad gives the reading direction.
    poly = [(10, 50), (60, 25), (110, 0), (120, 20), (70, 45), (20, 70)]
    quad = order_quad([(10, 50), (110, 0), (120, 20), (20, 70)])
    region = Region(quad=quad, polygon=poly, level="line")
    rect = quad_of_region(region)
    top = rect[1] - rect[0]
    assert top[0] > 0 and top[1] < 0  # runs up and to the right, like the text
    assert np.linalg.norm(top) > 2 * np.linalg.norm(rect[3] - rect[0])


def test_vertical_crop_turns_and_scorer_picks_the_sense():
    canvas = np.full((300, 200, 3), 255, np.uint8)
    corners = paste_rotated(canvas, _patch(), (100, 150), -90)  # text running top to bottom
    region = Region(quad=order_quad(corners), level="line")
    (default,) = crop_regions(canvas, [region])
    assert default.rotation == 90 and default.width > default.height

    def dark_on_left(images):  # stands in for a recognizer: "readable" = dark block on the left
        return [float(255 - img[:, : img.shape[1] // 4].mean()) for img in images]

    (chosen,) = crop_regions(canvas, [region], scorer=dark_on_left)
    assert chosen.width > chosen.height
    assert chosen.image[:, : chosen.width // 5].mean() < 100 < 150 < chosen.image[:, -chosen.width // 5 :].mean()
    canvas2 = np.full((300, 200, 3), 255, np.uint8)
    corners2 = paste_rotated(canvas2, _patch(), (100, 150), 90)  # bottom to top
    (chosen2,) = crop_regions(canvas2, [Region(quad=order_quad(corners2), level="line")], scorer=dark_on_left)
    assert chosen2.rotation != chosen.rotation
    assert chosen2.image[:, : chosen2.width // 5].mean() < 100 < 150 < chosen2.image[:, -chosen2.width // 5 :].mean()
    # A tall single word (like "I") is not turned.
    (word,) = crop_regions(canvas, [Region.from_box(10, 10, 30, 50, level="word")])
    assert word.rotation == 0


def test_try_all_scores_upside_down():
    canvas = np.full((200, 200, 3), 255, np.uint8)
    corners = paste_rotated(canvas, _patch(), (100, 100), 180)
    region = Region(quad=order_quad(corners), level="line")
    calls: list[int] = []

    def dark_on_left(images):
        calls.append(len(images))
        return [float(255 - img[:, : img.shape[1] // 4].mean()) for img in images]

    (crop,) = crop_regions(canvas, [region], CropOptions(orientation="try-all"), scorer=dark_on_left)
    assert crop.rotation == 180 and calls == [2]
    (trusting,) = crop_regions(canvas, [region], CropOptions(orientation="quad"), scorer=dark_on_left)
    assert trusting.rotation == 0


def test_scorer_must_score_every_candidate():
    crop = Crop(image=np.zeros((2, 2, 3), np.uint8), to_page=np.eye(3))
    with pytest.raises(ValueError, match="1 scores for 2 crops"):
        choose_orientation([[crop, crop]], lambda images: [1.0])
