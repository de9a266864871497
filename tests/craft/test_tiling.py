"""Very elongated pages (a 4,700 x 28 px text line) are detected in overlapping tiles, not squeezed."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from ocrplug_craft.detector import CraftOptions, _merge_tiles
from PIL import Image, ImageDraw, ImageFont

from ocrplug.model import PageImage, Region

WORDS = "Invoice 4711 ACME Ltd total 345.67 EUR due 2026-12-31 ref 815 item widget blue crate 42 north depot".split()


def _box(x0: float, x1: float) -> Region:
    return Region.from_box(x0, 0, x1, 20, level="word", score=0.9)


def test_merging_tiles_keeps_each_word_once() -> None:
    found = [
        (_box(100, 160), False),  # a word whole in tile 1 ...
        (_box(101, 161), False),  # ... and again, whole, in tile 2 (overlap zone)
        (_box(300, 330), True),  # cut by tile 1's right edge ...
        (_box(300, 380), False),  # ... whole in tile 2
        (_box(900, 1000), True),  # cut, and nothing whole covers it (text longer than a tile): kept
        (_box(10, 40), False),
    ]
    kept = sorted(r.bbox[0] for r in _merge_tiles(found))
    assert kept == [10, 100, 300, 900]
    assert sorted(r.bbox[2] for r in _merge_tiles(found))[2] == 380  # the whole copy, not the cut one


def _line_image() -> np.ndarray:
    try:
        font = ImageFont.truetype("DejaVuSans.ttf", 20)
    except OSError:
        pytest.skip("DejaVu fonts not installed (fonts-dejavu-core)")
    text = " ".join(WORDS * 3)
    width = int(font.getlength(text)) + 40
    image = Image.new("RGB", (width, 28), "white")
    ImageDraw.Draw(image).text((20, 2), text, fill="black", font=font)
    return np.asarray(image)


def test_a_very_wide_line_is_tiled_and_every_word_found_once(plugin_host) -> None:
    from ocrplug_craft.weights import resolve_weights

    from ocrplug.errors import WeightsError

    try:
        resolved = resolve_weights("craft_mlt_25k", "craft")
    except WeightsError:
        resolved = None
    if resolved is None:
        pytest.skip("the official craft_mlt_25k weights are not installed (pip install 'ocrplug[craft]')")
    image = _line_image()
    assert image.shape[1] / image.shape[0] > 60
    spec = plugin_host.components("detector")["craft"]
    page = PageImage(image=image, index=0, source="wide.png")
    tiled = spec.build(CraftOptions(precision="fp32", device="cpu")).detect(page)
    squeezed = spec.build(CraftOptions(precision="fp32", device="cpu", tile_aspect=0)).detect(page)
    # Squeezed to the 1280 px canvas the 20 px text is 5 px high: (almost) nothing is found.
    assert len(squeezed) < len(WORDS)
    # Tiled at mag_ratio: about one box per word (CRAFT may join a close pair), none found twice.
    assert len(tiled) >= 0.8 * 3 * len(WORDS)
    boxes = sorted(r.bbox for r in tiled)
    for a, b in itertools.pairwise(boxes):
        overlap = min(a[2], b[2]) - max(a[0], b[0])
        assert overlap < 0.5 * min(a[2] - a[0], b[2] - b[0]), (a, b)
    assert all(0 <= r.bbox[0] and r.bbox[2] <= image.shape[1] + 1 for r in tiled)
