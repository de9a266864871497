"""Weak supervision: the paper's confidence, even splitting, and watershed char boxes on score maps."""

from __future__ import annotations

import numpy as np
import pytest
from ocrplug_craft.training.gt import render_score_map
from ocrplug_craft.training.weak import (
    estimate_word_chars,
    even_split,
    pseudo_label_word,
    word_confidence,
)


@pytest.mark.parametrize(
    ("length", "found", "expected"),
    [(5, 5, 1.0), (5, 4, 0.8), (5, 6, 0.8), (5, 2, 0.4), (4, 12, 0.0), (0, 3, 0.0), (10, 0, 0.0)],
)
def test_word_confidence_formula(length: int, found: int, expected: float) -> None:
    assert word_confidence(length, found) == pytest.approx(expected)


def test_even_split_of_a_slanted_word() -> None:
    quad = np.float32([[0, 0], [30, 6], [30, 16], [0, 10]])
    parts = even_split(quad, 3)
    assert parts.shape == (3, 4, 2)
    assert np.allclose(parts[0, 1], [10, 2]) and np.allclose(parts[2, 2], [30, 16])
    assert np.allclose(parts[1, 0], parts[0, 1]) and np.allclose(parts[1, 3], parts[0, 2])


def _chars(xs: list[tuple[float, float]], y0: float = 4, y1: float = 20) -> np.ndarray:
    return np.float32([[[a, y0], [b, y0], [b, y1], [a, y1]] for a, b in xs])


def test_watershed_splits_touching_characters() -> None:
    boxes_in = [(2, 12), (12, 22), (22, 32), (36, 46)]  # three touching, one apart
    region = render_score_map((24, 50), _chars(boxes_in))
    boxes = estimate_word_chars(region)
    assert len(boxes) == 4
    centres = (boxes[:, 0] + boxes[:, 2]) / 2
    assert np.allclose(centres, [7, 17, 27, 41], atol=1.5)
    assert estimate_word_chars(np.zeros((10, 10), np.float32)).shape == (0, 4)


def test_pseudo_label_word_confident_and_fallback() -> None:
    # A page-level region map at half resolution (map_scale 0.5), word "abc" at page x 20..80, y 10..40.
    page_chars = np.float32([[[20 + 20 * i, 10], [40 + 20 * i, 10], [40 + 20 * i, 40], [20 + 20 * i, 40]] for i in range(3)])
    region = render_score_map((40, 60), page_chars * 0.5)
    word = np.float32([[18, 8], [82, 8], [82, 42], [18, 42]])
    est = pseudo_label_word(region, word, "abc", 0.5)
    assert est.found == 3 and est.confidence == pytest.approx(1.0)
    centres = est.quads.mean(axis=1)
    assert np.allclose(centres[:, 0], [30, 50, 70], atol=3)
    # The transcription says 8 characters but 3 are found: confidence 3/8 < 0.5 -> even split at 0.5.
    est = pseudo_label_word(region, word, "abcdefgh", 0.5)
    assert est.confidence == 0.5 and len(est.quads) == 8
    assert np.allclose(est.quads[0, 0], word[0]) and np.allclose(est.quads[-1, 2], word[2])


def test_weak_supervision_end_to_end_on_a_tiny_word_annotated_set(tmp_path) -> None:
    """Pseudo-label a shared/eval-format folder with a (random) net, crop it, and train one mixed step."""
    import json

    import cv2

    torch = pytest.importorskip("torch")
    from ocrplug_craft.training.dataset import WeakDataset
    from ocrplug_craft.training.synth import available_fonts, generate_page, sample_seed
    from ocrplug_craft.training.train import TrainConfig, WeakConfig, train
    from ocrplug_craft.training.weak import pseudo_label_dataset

    if not available_fonts():
        pytest.skip("no fonts")
    page = generate_page(np.random.default_rng(sample_seed(1, 1)), 96, 96)
    (tmp_path / "images").mkdir()
    (tmp_path / "annotations").mkdir()
    cv2.imwrite(str(tmp_path / "images" / "p.png"), cv2.cvtColor(page.image, cv2.COLOR_RGB2BGR))
    words = [{"text": t, "quad": q.round().astype(int).tolist(), "ignore": False} for t, q in zip(page.words, page.word_quads, strict=True)]
    words.append({"text": "", "quad": [[0, 0], [5, 0], [5, 5], [0, 5]], "ignore": True})
    (tmp_path / "annotations" / "p.json").write_text(json.dumps({"image": "p.png", "width": 96, "height": 96, "words": words}))

    from ocrplug_craft.net import CRAFT

    torch.manual_seed(0)
    pages = pseudo_label_dataset(CRAFT(width=0.125), tmp_path)
    assert len(pages) == 1
    p = pages[0]
    n_text = len(page.words)
    assert len(p.word_quads) == n_text and len(p.ignore_quads) == 1
    # A random net finds no characters: every word falls back to the even split at confidence 0.5.
    assert np.allclose(p.word_confidence, 0.5)
    assert len(p.char_quads) == sum(len("".join(w.split())) for w in page.words)
    image, region, affinity, conf = WeakDataset(pages, seed=0, size=64, scale_range=(1.0, 1.0)).crop(0)
    assert image.shape == (64, 64, 3) and region.shape == affinity.shape == conf.shape == (32, 32)
    assert set(np.unique(conf)) <= {0.0, 0.5, 1.0}

    cfg = TrainConfig(
        output_dir=tmp_path / "run", width=0.125, crop_size=64, batch_size=2, steps=1, threads=1, workers=0,
        val_samples=0, val_every=0, val_size=64, progress=False,
        weak=WeakConfig(dataset=tmp_path, fraction=0.5),
    )
    assert train(cfg)["steps"] == 1
    events = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    labels = next(e for e in events if e.get("event") == "pseudo_labels")
    assert labels["words"] == n_text and labels["even_split_share"] == 1.0
