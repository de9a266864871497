"""Paper ground truth on hand-checkable boxes: Gaussian region map and triangle-centre affinity boxes."""

from __future__ import annotations

import numpy as np
import pytest
from ocrplug_craft.training.gt import affinity_quads, gaussian_template, render_score_map, score_maps


def _square(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.float32([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def test_template_peak_and_edge_value() -> None:
    t = gaussian_template(64, 0.3)
    assert t.shape == (64, 64)
    # Pixel centres 31.5/32.5 straddle the centre 32: the peak is a hair below 1.
    assert t.max() == pytest.approx(1.0, abs=1e-3)
    # Edge midpoint (x = 0.5 from the edge): distance 31.5 of a half-size 32 -> 0.3 ** (31.5 / 32) ** 2.
    assert t[32, 0] == pytest.approx(0.3 ** ((31.5 / 32) ** 2 + (0.5 / 32) ** 2), rel=1e-4)
    assert np.allclose(t, t.T) and np.allclose(t, t[::-1, ::-1])
    with pytest.raises(ValueError):
        gaussian_template(64, 1.5)


def test_axis_aligned_box_is_a_clipped_gaussian() -> None:
    m = render_score_map((15, 15), _square(0, 0, 11, 11)[None], edge_value=0.3)
    # Pixel 5 is the centre of an 11-pixel box: value ~1; pixel 0 sits at normalised distance 5/5.5.
    assert m[5, 5] == pytest.approx(1.0, abs=2e-3)
    assert m[5, 0] == pytest.approx(0.3 ** ((5 / 5.5) ** 2), abs=0.01)
    assert np.allclose(m[:11, :11], m[:11, :11].T, atol=1e-5)
    assert np.allclose(m[:11, :11], m[:11, :11][::-1, ::-1], atol=1e-5)
    assert not m[11:, :].any() and not m[:, 11:].any()  # nothing outside the box
    # Monotone from the centre outwards along the middle row.
    row = m[5, 5:11]
    assert np.all(np.diff(row) < 0)


def test_perspective_box_peaks_at_the_diagonals_intersection() -> None:
    quad = np.float32([[10, 10], [50, 14], [46, 40], [12, 36]])
    m = render_score_map((60, 60), quad[None])
    # The projective centre of the quad is where its diagonals cross.
    p, r = quad[0], quad[2] - quad[0]
    q, s = quad[1], quad[3] - quad[1]
    cross = lambda u, v: u[0] * v[1] - u[1] * v[0]  # noqa: E731
    t = cross(q - p, s) / cross(r, s)
    cx, cy = p + t * r
    y, x = np.unravel_index(np.argmax(m), m.shape)
    assert abs(x + 0.5 - cx) <= 1.0 and abs(y + 0.5 - cy) <= 1.0
    assert m.max() == pytest.approx(1.0, abs=0.02)
    # A point outside the quad but inside its bounding box stays 0.
    assert m[11, 48] == 0.0


def test_overlapping_boxes_keep_the_maximum_and_degenerate_ones_are_skipped() -> None:
    a = _square(0, 0, 10, 10)
    b = _square(5, 0, 15, 10)
    both = render_score_map((10, 20), np.stack([a, b]))
    only_a = render_score_map((10, 20), a[None])
    only_b = render_score_map((10, 20), b[None])
    assert np.array_equal(both, np.maximum(only_a, only_b))
    flat = np.float32([[0, 0], [5, 0], [10, 0], [15, 0]])
    assert not render_score_map((10, 20), flat[None]).any()


def test_affinity_boxes_join_triangle_centres_within_words_only() -> None:
    chars = np.stack([_square(0, 0, 10, 12), _square(10, 0, 20, 12), _square(30, 0, 40, 12)])
    # Chars 0 and 1 form a word; char 2 is another word: one affinity box only.
    boxes = affinity_quads(chars, np.array([0, 0, 1]))
    assert boxes.shape == (1, 4, 2)
    # Upper triangle of char 0: (0,0), (10,0), centre (5,6) -> centre (5, 2); lower: (0,12),(10,12),(5,6) -> (5, 10).
    expected = np.float32([[5, 2], [15, 2], [15, 10], [5, 10]])
    assert np.allclose(boxes[0], expected, atol=1e-5)
    assert affinity_quads(chars[:1], np.array([0])).shape == (0, 4, 2)


def test_score_maps_are_at_half_resolution() -> None:
    chars = np.stack([_square(4, 4, 24, 28), _square(24, 4, 44, 28)])
    region, affinity = score_maps((64, 96), chars, np.array([0, 0]))
    assert region.shape == affinity.shape == (32, 48)
    # Character centres at (14, 16) and (34, 16) input pixels -> (7, 8) and (17, 8) on the map.
    assert region[8, 7] > 0.95 and region[8, 17] > 0.95
    # The affinity peaks between the two characters, where the region score dips.
    assert affinity[8, 12] > 0.9 and region[8, 12] < affinity[8, 12]
    assert affinity[8, 3] == 0.0
