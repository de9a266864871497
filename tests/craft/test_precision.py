"""precision: bf16 / int8 / auto, and `ocrplug craft quantize`, on small networks (no real weights needed)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch
from ocrplug_craft.detector import CraftOptions, auto_precision
from ocrplug_craft.preprocess import normalize

from ocrplug.cli import main
from ocrplug.errors import ConfigError, WeightsError
from ocrplug.model import PageImage
from tests.craft import vectors

torch.set_num_threads(2)


def test_auto_precision_picks_the_fast_path_per_device_and_backend(monkeypatch) -> None:
    import ocrplug.api as api

    assert auto_precision("cuda:0", "torch", False) == "fp16"
    assert auto_precision("cpu", "onnx", True) == "int8"
    assert auto_precision("cpu", "onnx", False) == "fp32"
    # Plugins read the host through ocrplug.api (which caches what it resolved lazily): patch it there.
    monkeypatch.setattr(api, "torch_bf16_supported", lambda: True, raising=False)
    assert auto_precision("cpu", "torch", False) == "bf16"
    monkeypatch.setattr(api, "torch_bf16_supported", lambda: False, raising=False)
    assert auto_precision("cpu", "torch", False) == "fp32"


def test_precision_and_backend_combinations_are_checked(plugin_host, tmp_path) -> None:
    spec = plugin_host.components("detector")["craft"]
    with pytest.raises(ConfigError, match="'int8' runs on ONNX Runtime"):
        spec.build(CraftOptions(precision="int8"))
    with pytest.raises(ConfigError, match="'bf16' runs on torch"):
        spec.build(CraftOptions(precision="bf16", backend="onnx"))
    with pytest.raises(ConfigError, match="'fp16' is only supported on CUDA"):
        torch.save(vectors.lite_networks()[0].state_dict(), tmp_path / "c.pth")
        spec.build(CraftOptions(weights=str(tmp_path / "c.pth"), precision="fp16", device="cpu"))


def test_bf16_maps_stay_close_to_fp32(plugin_host, tmp_path) -> None:
    torch.save(vectors.lite_networks()[0].state_dict(), tmp_path / "c.pth")
    spec = plugin_host.components("detector")["craft"]
    image = cv2.cvtColor(cv2.imread(str(vectors.vector_path("img_small_300x200.png"))), cv2.COLOR_BGR2RGB)
    batch = normalize(image[:192, :288])[None]
    maps = {
        p: spec.build(CraftOptions(weights=str(tmp_path / "c.pth"), precision=p, device="cpu")).backend.run(batch)
        for p in ("fp32", "bf16")
    }
    ref = maps["fp32"].score_text
    assert maps["bf16"].score_text.dtype == np.float32
    assert np.abs(maps["bf16"].score_text - ref).max() <= 0.05 * float(ref.max() - ref.min())


def test_int8_needs_ranges_then_quantize_makes_a_model_that_detects(plugin_host, tmp_path, monkeypatch) -> None:
    pytest.importorskip("onnxruntime")
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path / "home"))
    weights = tmp_path / "c.pth"
    torch.save(vectors.lite_networks()[0].state_dict(), weights)
    spec = plugin_host.components("detector")["craft"]
    options = dict(weights=str(weights), backend="onnx", precision="int8", device="cpu", canvas_size=320)
    with pytest.raises(WeightsError, match="ocrplug craft quantize --weights"):
        spec.build(CraftOptions(**options))
    # Calibrate on two small pages; the model lands where precision: int8 looks for it.
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("img_small_300x200.png", "img_page_480x640.png"):
        (pages / name).write_bytes(vectors.vector_path(name).read_bytes())
    ranges = tmp_path / "ranges.json"
    args = ["craft", "quantize", "--weights", str(weights), "--calibration", str(pages), "--canvas-size", "320"]
    assert main([*args, "--save-calibration", str(ranges)]) == 0
    assert ranges.is_file() and ranges.stat().st_size < 100_000
    int8 = spec.build(CraftOptions(**options))
    fp32 = spec.build(CraftOptions(**{**options, "precision": "fp32"}))
    image = cv2.cvtColor(cv2.imread(str(pages / "img_small_300x200.png")), cv2.COLOR_BGR2RGB)
    batch = normalize(image[:192, :288])[None]
    a, b = fp32.backend.run(batch).score_text, int8.backend.run(batch).score_text
    # Quantized, not equal, but the same maps up to a small share of their range.
    assert not np.array_equal(a, b)
    assert np.abs(a - b).mean() <= 0.05 * float(a.max() - a.min())
    assert isinstance(int8.detect(PageImage(image, 0, "x")), list)
