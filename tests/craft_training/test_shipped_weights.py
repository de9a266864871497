"""The shipped craft-lite-synth weights: found by name with no download, hash-checked, and they find words."""

from __future__ import annotations

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")


def test_index_lists_the_shipped_file_under_25_mb_with_its_hash() -> None:
    from ocrplug_craft.weights import file_sha256, resolve_weights, shipped_dir

    index = json.loads((shipped_dir() / "index.json").read_text())
    names = {e["name"] for e in index}
    assert {"craft-lite-synth", "craft-lite-funsd"} <= names
    # The FUNSD-trained weights must carry the dataset's terms where users see them.
    funsd = next(e for e in index if e["name"] == "craft-lite-funsd")
    assert "non-commercial" in funsd["description"]
    for entry in index:
        path = shipped_dir() / entry["filename"]
        assert path.stat().st_size < 25 * 1024 * 1024
        assert file_sha256(path) == entry["sha256"]
    resolved = resolve_weights("craft-lite-synth", "craft")
    assert resolved.verify() == resolved.expected_sha256


def test_shipped_model_detects_words_on_held_out_synthetic_pages(plugin_host) -> None:
    from ocrplug_craft.training.evaluate import DetectionScore, match_boxes
    from ocrplug_craft.training.synth import available_fonts, generate_page, sample_seed

    from ocrplug.model import PageImage

    if not available_fonts():
        pytest.skip("no Debian fonts-* TrueType fonts installed")
    spec = plugin_host.components("detector")["craft"]
    detector = spec.build(spec.options(weights="craft-lite-synth", threads=1))
    total = DetectionScore(0, 0, 0)
    for i in range(3):
        # A seed no training run uses (training: seed + index; validation: seed + 1_000_003).
        page = generate_page(np.random.default_rng(sample_seed(424242, i)), 448, 448)
        regions = detector.detect(PageImage(image=page.image, index=0, source=f"synthetic-{i}"))
        total = total + match_boxes(np.asarray([r.quad for r in regions], np.float32), page.word_quads)
    # A random network finds nothing; the shipped one finds a good share of the words.
    assert total.hmean > 0.3, total


def test_shipped_model_stays_silent_on_clutter_without_text(plugin_host) -> None:
    """Scene-like clutter (foliage noise, railings, shapes; no text): the shipped model reports (almost)
    nothing. The document-only model of the first release fired 91 times on these six images."""
    from ocrplug_craft.training.scene import clutter_background

    from ocrplug.model import PageImage

    spec = plugin_host.components("detector")["craft"]
    detector = spec.build(spec.options(weights="craft-lite-synth", threads=1))
    found = []
    for i in range(6):
        image = np.clip(clutter_background(np.random.default_rng(10_000 + i), 448, 448), 0, 255).astype(np.uint8)
        found.append(len(detector.detect(PageImage(image=image, index=0, source=f"clutter-{i}"))))
    assert sum(found) <= 2, found
