"""Scene-like synthetic samples: determinism, ground truth over the drawn text, negatives, dataset mix."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from ocrplug_craft.training.dataset import SynthDataset
from ocrplug_craft.training.scene import clutter_background, generate_scene
from ocrplug_craft.training.synth import sample_seed


def test_scene_bookkeeping_matches_the_words(fonts) -> None:
    scenes = [generate_scene(np.random.default_rng(sample_seed(21, i)), 256, 256, fonts) for i in range(12)]
    assert sum(len(s.words) for s in scenes) > 20
    for s in scenes:
        assert s.char_quads.shape == (len(s.char_word), 4, 2) and s.word_quads.shape == (len(s.words), 4, 2)
        counts = np.bincount(s.char_word, minlength=len(s.words))
        assert counts.tolist() == [len("".join(w.split())) for w in s.words]
        assert np.all(np.diff(s.char_word) >= 0)
        # Corners clockwise on screen (y down) after the warp: positive shoelace area.
        x, y = s.char_quads[..., 0], s.char_quads[..., 1]
        assert np.all(0.5 * np.sum(x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y, axis=1) > 0)


def _interior_std(grey: np.ndarray, quads: np.ndarray) -> np.ndarray:
    out = []
    for q in quads:
        mask = np.zeros(grey.shape, np.uint8)
        cv2.fillPoly(mask, [np.round(q).astype(np.int32)], 1)
        values = grey[mask.astype(bool)]
        out.append(values.std() if values.size >= 4 else 0.0)
    return np.asarray(out)


def test_text_is_drawn_where_the_ground_truth_says(fonts, monkeypatch: pytest.MonkeyPatch) -> None:
    """Warped character quads sit on ink. With black ink on white plates over a white background (colours
    fixed so that every glyph is visible; the geometry is what is checked) the pixels inside each quad
    vary; the same quads turned 180 degrees about the image centre mostly land on blank white."""
    from ocrplug_craft.training import scene

    monkeypatch.setattr(scene, "clutter_background", lambda rng, w, h: np.full((h, w, 3), 255.0, np.float32))
    monkeypatch.setattr(scene, "_colour", lambda rng: np.full(3, 255.0, np.float32))
    monkeypatch.setattr(scene, "_contrasting", lambda rng, against, min_diff: np.zeros(3, np.float32))
    inside, moved = [], []
    for i in range(12):
        s = scene.generate_scene(np.random.default_rng(sample_seed(9, i)), 256, 256, fonts, text_probability=1.0, degrade=False)
        if len(s.char_quads) == 0:
            continue
        grey = s.image.astype(np.float32).mean(axis=2)
        inside.append(_interior_std(grey, s.char_quads))
        moved.append(_interior_std(grey, np.float32([256, 256]) - s.char_quads))
    inside_all, moved_all = np.concatenate(inside), np.concatenate(moved)
    assert len(inside_all) > 100
    assert np.mean(inside_all > 8.0) > 0.9, "character boxes without ink"
    assert np.median(inside_all) > 3 * np.median(moved_all)


def test_some_scenes_have_no_text_and_clutter_is_not_flat(fonts) -> None:
    scenes = [generate_scene(np.random.default_rng(sample_seed(4, i)), 128, 128, fonts) for i in range(60)]
    empty = sum(len(s.words) == 0 for s in scenes)
    assert 1 <= empty <= 30
    bg = clutter_background(np.random.default_rng(0), 128, 96)
    assert bg.shape == (96, 128, 3) and bg.dtype == np.float32
    assert bg.std() > 5.0


def test_no_fonts_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no usable TrueType font"):
        generate_scene(np.random.default_rng(0), 64, 64, fonts=[])


def test_dataset_scene_fraction_mixes_and_leaves_pages_untouched(fonts) -> None:
    pages = SynthDataset(5, 128, fonts=fonts)
    mixed = SynthDataset(5, 128, fonts=fonts, scene_fraction=0.5)
    scene_items = [i for i in range(40) if mixed.is_scene(i)]
    assert 8 <= len(scene_items) <= 32
    page_item = next(i for i in range(40) if not mixed.is_scene(i))
    # Items that stay pages are exactly the pages of a scene-free run (old configs reproduce).
    assert np.array_equal(mixed.sample(page_item).image, pages.sample(page_item).image)
    assert not np.array_equal(mixed.sample(scene_items[0]).image, pages.sample(scene_items[0]).image)
    with pytest.raises(ValueError, match="scene_fraction"):
        SynthDataset(5, 128, fonts=fonts, scene_fraction=1.5)
