"""Pre-processing reproduces the official resize, padding and normalisation."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from ocrplug_craft.preprocess import normalize, resize_aspect_ratio

from tests.craft import vectors

CASES = [
    ("net_strip_411x157_c1280.npz", "img_strip_411x157.png"),
    ("net_page_480x640_c512.npz", "img_page_480x640.png"),
    ("net_small_300x200_c1280.npz", "img_small_300x200.png"),
    ("net_page_480x640_c1280.npz", "img_page_480x640.png"),
]


def _image(name: str) -> np.ndarray:
    return cv2.cvtColor(cv2.imread(str(vectors.vector_path(name)), cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


@pytest.mark.parametrize(("npz", "png"), CASES)
def test_canvas_ratio_and_input_match_official(npz: str, png: str) -> None:
    stored = vectors.load_npz(npz)
    image = _image(png)
    assert tuple(stored["image_hw"]) == image.shape[:2]
    canvas = resize_aspect_ratio(image, int(stored["canvas_size"]), float(stored["mag_ratio"]))
    assert np.array_equal(canvas.image, stored["resized_uint8"])
    assert canvas.ratio == float(stored["ratio"])
    assert canvas.target_hw == tuple(stored["target_hw"])
    assert canvas.heatmap_hw[::-1] == tuple(stored["size_heatmap"])
    x = normalize(canvas.image)
    if "x" in stored:
        assert np.abs(x - stored["x"][0]).max() <= 1e-5
    if "x_sub4" in stored:
        assert np.abs(x[:, ::4, ::4] - stored["x_sub4"][0]).max() <= 1e-5


def test_target_width_replaces_mag_ratio_and_canvas_still_caps() -> None:
    image = np.full((100, 400, 3), 255, np.uint8)
    canvas = resize_aspect_ratio(image, canvas_size=1280, mag_ratio=1.5, target_width=500)
    assert canvas.target_hw == (125, 500) and canvas.image.shape == (128, 512, 3)
    capped = resize_aspect_ratio(image, canvas_size=320, mag_ratio=1.5, target_width=500)
    assert capped.target_hw == (80, 320) and capped.ratio == 0.8
