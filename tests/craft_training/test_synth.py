"""The synthetic document generator: determinism, character/word bookkeeping, ink under the boxes."""

from __future__ import annotations

import numpy as np
import pytest
from ocrplug_craft.training.scene import generate_scene
from ocrplug_craft.training.synth import available_fonts, generate_page, sample_seed


@pytest.mark.parametrize(("generate", "seed", "width", "height"), [(generate_page, 7, 160, 128), (generate_scene, 3, 192, 160)],
                         ids=["page", "scene"])
def test_same_seed_same_sample_other_seed_other_sample(fonts, generate, seed: int, width: int, height: int) -> None:
    """Both generators (document pages and scene-like images) are pure functions of their seed."""
    a = generate(np.random.default_rng(sample_seed(seed, 0)), width, height, fonts)
    b = generate(np.random.default_rng(sample_seed(seed, 0)), width, height, fonts)
    c = generate(np.random.default_rng(sample_seed(seed, 1)), width, height, fonts)
    assert a.image.shape == (height, width, 3) and a.image.dtype == np.uint8
    assert np.array_equal(a.image, b.image) and np.array_equal(a.char_quads, b.char_quads) and a.words == b.words
    assert not np.array_equal(a.image, c.image)


def test_sample_seeds_differ() -> None:
    assert sample_seed(7, 0) != sample_seed(7, 1) != sample_seed(8, 0)


def test_every_character_of_every_word_has_a_quad_inside_its_word(fonts) -> None:
    pages = [generate_page(np.random.default_rng(sample_seed(11, i)), 256, 256, fonts) for i in range(6)]
    assert sum(len(p.words) for p in pages) > 20
    for p in pages:
        assert p.char_quads.shape == (len(p.char_word), 4, 2)
        assert p.word_quads.shape == (len(p.words), 4, 2)
        counts = np.bincount(p.char_word, minlength=len(p.words))
        assert counts.tolist() == [len("".join(w.split())) for w in p.words]
        # Characters are listed word by word (the affinity GT relies on it).
        assert np.all(np.diff(p.char_word) >= 0)
        for q, w in zip(p.char_quads, p.char_word, strict=True):
            wq = p.word_quads[w]
            assert q[:, 0].min() >= wq[:, 0].min() - 1.5 and q[:, 0].max() <= wq[:, 0].max() + 1.5
            assert q[:, 1].min() >= wq[:, 1].min() - 1.5 and q[:, 1].max() <= wq[:, 1].max() + 1.5
        # Corners clockwise on screen (y down): positive shoelace area.
        x, y = p.char_quads[..., 0], p.char_quads[..., 1]
        area = 0.5 * np.sum(x * np.roll(y, -1, axis=1) - np.roll(x, -1, axis=1) * y, axis=1)
        assert np.all(area > 0)


def test_character_boxes_cover_ink(fonts) -> None:
    checked = 0
    for i in range(8):
        p = generate_page(np.random.default_rng(sample_seed(5, i)), 256, 256, fonts, degrade=False)
        grey = p.image.mean(axis=2)
        background = np.median(grey)
        inside = np.zeros(grey.shape, bool)
        import cv2

        mask = np.zeros(grey.shape, np.uint8)
        cv2.fillPoly(mask, [np.round(q).astype(np.int32) for q in p.char_quads], 1)
        inside = mask.astype(bool)
        if inside.sum() < 50:
            continue
        # Ink differs from the paper inside character boxes far more than elsewhere.
        contrast_in = np.abs(grey[inside] - background).mean()
        contrast_out = np.abs(grey[~inside] - background).mean()
        assert contrast_in > 2 * contrast_out
        checked += 1
    assert checked >= 4


def test_no_fonts_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no usable TrueType font"):
        generate_page(np.random.default_rng(0), 64, 64, fonts=[])


@pytest.fixture(scope="module")
def hand_fonts():
    found = [f for f in available_fonts() if f.hand]
    if not found:
        pytest.skip("no handwriting-like fonts installed (fonts-humor-sans, fonts-breip, fonts-comic-neue)")
    return found


def test_handwriting_faces_are_flagged_and_picked_only_when_asked(fonts, hand_fonts) -> None:
    from ocrplug_craft.training.synth import _pick_font

    assert not any(f.hand for f in available_fonts(handwriting=False))
    every = available_fonts()
    assert {f.path for f in hand_fonts} <= {f.path for f in every}
    assert any("Humor-Sans" in f.path for f in hand_fonts)
    rng = np.random.default_rng(0)
    assert not any(_pick_font(rng, every).hand for _ in range(200))
    assert all(_pick_font(rng, every, hand=True).hand for _ in range(50))


def test_handwriting_faces_draw_with_exact_boxes(hand_fonts) -> None:
    """Pages drawn in handwriting faces only: word bookkeeping holds and ink lies under the char boxes."""
    import cv2

    checked = 0
    for i in range(6):
        p = generate_page(np.random.default_rng(sample_seed(13, i)), 256, 256, hand_fonts, degrade=False)
        counts = np.bincount(p.char_word, minlength=len(p.words))
        assert counts.tolist() == [len("".join(w.split())) for w in p.words]
        grey = p.image.mean(axis=2)
        mask = np.zeros(grey.shape, np.uint8)
        cv2.fillPoly(mask, [np.round(q).astype(np.int32) for q in p.char_quads], 1)
        inside = mask.astype(bool)
        if inside.sum() < 50:
            continue
        background = np.median(grey)
        assert np.abs(grey[inside] - background).mean() > 2 * np.abs(grey[~inside] - background).mean()
        checked += 1
    assert checked >= 3


def test_handwriting_is_used_when_available_and_absent_faces_change_nothing(fonts, hand_fonts) -> None:
    printed = [f for f in fonts if not f.hand]
    both = printed + hand_fonts
    pages = [(generate_page(np.random.default_rng(sample_seed(17, i)), 192, 192, printed),
              generate_page(np.random.default_rng(sample_seed(17, i)), 192, 192, both)) for i in range(10)]
    # Some pages change (a form's values or a note are now handwritten) ...
    assert any(not np.array_equal(a.image, b.image) for a, b in pages)
    # ... and printed-only generation is what it always was: same seed, same page.
    again = generate_page(np.random.default_rng(sample_seed(17, 0)), 192, 192, printed)
    assert np.array_equal(again.image, pages[0][0].image)
