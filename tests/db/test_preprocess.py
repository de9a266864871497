"""DB pre-processing: resolution choice, tiling plan, batch layout (no model)."""

from __future__ import annotations

import numpy as np
import pytest
from ocrplug_db.preprocess import pad_size, plan_tiles, resize_page, target_size, to_batch


def test_min_limit_enlarges_small_pages_and_max_side_caps_large_ones() -> None:
    assert target_size(368, 500, 736, "min", 2000) == (736, 1000)
    assert target_size(1000, 800, 736, "min", 2000) == (1000, 800)
    assert target_size(7016, 4961, 736, "min", 2000) == (2000, 1414)
    # An elongated strip: enlarged for its short side, then capped by max_side (enlarged images keep that cap).
    assert target_size(100, 3000, 736, "min", 2560) == (85, 2560)

def test_elongated_pages_are_capped_by_pixels_and_ordinary_pages_as_before() -> None:
    # Pages up to 4:1 keep the longer-side cap (A4, letter, a 4:1 strip).
    assert target_size(3508, 2480, 736, "min", 2000) == (2000, 1414)
    assert target_size(1000, 4000, 736, "min", 2000, 4.0) == (500, 2000)
    # 8:1: the longer side may grow with the aspect (2000 * 8 / 4); 40:1: at most max_side ** 2 pixels.
    assert target_size(1000, 8000, 736, "min", 2000, 4.0) == (500, 4000)
    h, w = target_size(2052, 48735, 736, "min", 2000, 4.0)  # 20000 x 842 pt at 175 dpi
    assert h * w <= 2000**2 * 1.01 and h >= 400  # 48 pt text stays ~23 px high (was 5 px)
    # Continuous at the 4:1 threshold: no jump in scale.
    a, b = target_size(1000, 4000, 736, "min", 2000), target_size(1000, 4040, 736, "min", 2000)
    assert abs(a[0] - b[0]) <= 1


def test_max_limit_shrinks_only_large_pages() -> None:
    assert target_size(2000, 1000, 960, "max", 4000) == (960, 480)
    assert target_size(500, 300, 960, "max", 4000) == (500, 300)


def test_pad_size_is_the_next_multiple_of_32() -> None:
    assert [pad_size(n) for n in (1, 32, 33, 736, 1414)] == [32, 32, 64, 736, 1440]


@pytest.mark.parametrize(
    ("h", "w", "tile", "overlap"), [(1000, 700, 256, 64), (2000, 1414, 1024, 128), (300, 5000, 512, 0)]
)
def test_tile_cores_cover_the_page_exactly_once(h: int, w: int, tile: int, overlap: int) -> None:
    tiles = plan_tiles(h, w, tile, overlap)
    hits = np.zeros((h, w), np.int32)
    for t in tiles:
        assert t.y1 - t.y0 == min(tile, h) and t.x1 - t.x0 == min(tile, w)  # all batchable together
        assert t.y0 <= t.keep_y0 < t.keep_y1 <= t.y1 and t.x0 <= t.keep_x0 < t.keep_x1 <= t.x1
        # Inner edges of a core keep at least overlap/2 of context.
        if t.keep_y0 > 0:
            assert t.keep_y0 - t.y0 >= overlap // 2
        if t.keep_x1 < w:
            assert t.x1 - t.keep_x1 >= overlap // 2
        hits[t.keep_y0 : t.keep_y1, t.keep_x0 : t.keep_x1] += 1
    assert (hits == 1).all()


def test_small_page_is_one_tile_and_bad_overlap_is_refused() -> None:
    assert len(plan_tiles(200, 300, 512, 64)) == 1
    with pytest.raises(ValueError, match="overlap"):
        plan_tiles(2000, 2000, 256, 128)


def test_batch_is_bgr_normalised_and_zero_padded() -> None:
    img = np.zeros((40, 50, 3), np.uint8)
    img[..., 0] = 255  # red
    batch = to_batch([img, img[:20, :30]], 64, 64)
    assert batch.shape == (2, 3, 64, 64) and batch.dtype == np.float32
    # BGR order: red lands in the last plane, at +1; blue and green at -1.
    assert batch[0, 2, :40, :50] == pytest.approx(1.0)
    assert batch[0, 0, :40, :50] == pytest.approx(-1.0)
    assert (batch[0, :, 40:, :] == 0).all() and (batch[1, :, 20:, :] == 0).all() and (batch[1, :, :, 30:] == 0).all()
    with pytest.raises(ValueError, match="does not fit"):
        to_batch([img], 32, 64)


def test_resize_keeps_the_image_when_the_size_is_unchanged() -> None:
    img = np.zeros((10, 20, 3), np.uint8)
    assert resize_page(img, (10, 20)) is img
    assert resize_page(img, (5, 10)).shape == (5, 10, 3)


def test_max_scale_caps_the_enlargement_of_small_images() -> None:
    # A 16 x 25 px word crop: limit_type 'min' alone would make it 736 x 1150 (46x).
    assert target_size(16, 25, 736, "min", 2000) == (736, 1150)
    assert target_size(16, 25, 736, "min", 2000, max_scale=4.0) == (64, 100)
    # Pages that need less than max_scale are unchanged; 'max' never enlarges.
    assert target_size(368, 500, 736, "min", 2000, max_scale=4.0) == (736, 1000)
    assert target_size(500, 300, 960, "max", 4000, max_scale=4.0) == (500, 300)


def test_margin_is_the_background_colour_and_at_most_half_the_shorter_side() -> None:
    from ocrplug_db.preprocess import add_margin

    page = np.full((20, 60, 3), (200, 190, 180), np.uint8)
    page[5:15, 0:60] = 10  # dark text touching the left and right edges
    out, m = add_margin(page, 16)
    assert m == 10 and out.shape == (40, 80, 3)  # half of 20
    assert (out[:m] == (200, 190, 180)).all() and (out[:, :m] == (200, 190, 180)).all()
    assert (out[m : m + 20, m : m + 60] == page).all()
    same, none = add_margin(page, 0)
    assert none == 0 and same is page


def test_an_upright_strip_longer_than_max_side_is_not_enlarged_before_its_cap() -> None:
    # A 20000 x 150 line of 60 px text turned upright (issue 24, L14): 'min' enlarged its 150 px side 4 times,
    # then the plain max_side cap gave 32 x 1024 (swift's max_side): 3 px text, no region. Never enlarged,
    # it gets the elongated cap (at most max_side ** 2 pixels): 89 x 11824, its text 35 px.
    h, w = target_size(20000, 150, 736, "min", 1024, 4.0)
    assert h * w <= 1024**2 * 1.01 and w >= 80, (h, w)
    # Not elongated, or shrunk less than 4 times by the plain cap: enlarged and capped as before.
    assert target_size(3000, 1000, 736, "min", 1024, 4.0) == (1024, 341)
    assert target_size(100, 400, 736, "min", 2000, 4.0) == (400, 1600)
    assert target_size(100, 3000, 736, "min", 2560) == (85, 2560)
