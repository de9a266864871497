"""`ocrplug craft info`, `ocrplug craft export-onnx` and the ONNX Runtime backend's agreement with torch."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
from ocrplug_craft.backends import OnnxBackend, TorchBackend, export_onnx
from ocrplug_craft.detector import CraftOptions
from ocrplug_craft.net import CRAFT
from ocrplug_craft.preprocess import normalize
from ocrplug_craft.weights import file_sha256

from ocrplug.cli import main
from tests.craft import vectors

pytest.importorskip("onnxruntime")
torch.set_num_threads(2)


def test_info_reports_missing_weights_and_where_to_get_them(tmp_path, monkeypatch, capsys, no_wheel) -> None:
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path))
    assert main(["craft", "info", "--json"]) == 5
    report = json.loads(capsys.readouterr().out)
    assert report["cache_dir"] == str(tmp_path / "weights")
    assert report["weights"]["status"] == "missing"
    assert "craft_mlt_25k.pth" in report["weights"]["error"]
    assert {"craft_mlt_25k", "craft_ic15_20k", "craft_refiner_CTW1500"} <= set(report["known"])


def test_info_prints_the_hash_of_the_weights_that_would_be_used(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path))
    (tmp_path / "weights").mkdir()
    path = tmp_path / "weights" / "craft_ic15_20k.pth"
    torch.save(CRAFT(width=0.125).state_dict(), path)
    assert main(["craft", "info", "--weights", "craft_ic15_20k"]) == 0
    out = capsys.readouterr().out
    assert str(path) in out and file_sha256(path) in out


def test_a_file_in_the_cache_must_have_the_pinned_hash(tmp_path, monkeypatch, capsys, no_wheel) -> None:
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path))
    (tmp_path / "weights").mkdir()
    torch.save(CRAFT(width=0.125).state_dict(), tmp_path / "weights" / "craft_mlt_25k.pth")
    assert main(["craft", "info", "--json"]) == 5
    report = json.loads(capsys.readouterr().out)
    assert report["weights"]["status"] == "hash mismatch" and report["weights"]["origin"] == "cache"
    assert "4a5efbfb48b4081100544e75e1e2b57f8de3d84f213004b14b85fd4b3748db17" in report["weights"]["error"]


def test_export_onnx_cli_and_backend_agree_with_torch(tmp_path) -> None:
    craft, refiner = vectors.lite_networks()
    torch.save(craft.state_dict(), tmp_path / "c.pth")
    torch.save(refiner.state_dict(), tmp_path / "r.pth")
    out = tmp_path / "craft.onnx"
    code = main(
        [
            *("craft", "export-onnx", str(out), "--weights", str(tmp_path / "c.pth")),
            *("--refiner", "--refiner-weights", str(tmp_path / "r.pth")),
        ]
    )
    assert code == 0 and out.is_file()
    onnx_backend = OnnxBackend(out)
    assert onnx_backend.has_refiner
    torch_backend = TorchBackend(craft, refiner, "cpu", channels_last=False)
    # Dynamic sizes: two shapes through the same exported model, batch of two.
    rng = np.random.default_rng(0)
    for h, w in ((96, 160), (128, 64)):
        batch = np.stack([normalize(rng.integers(0, 255, (h, w, 3), dtype=np.uint8)) for _ in range(2)])
        a, b = torch_backend.run(batch), onnx_backend.run(batch)
        for name in ("score_text", "score_link", "refined_link"):
            x, y = getattr(a, name), getattr(b, name)
            assert x.shape == y.shape == (2, h // 2, w // 2)
            assert np.abs(x - y).max() <= 1e-4 * float(x.max() - x.min())


@pytest.mark.slow
def test_onnx_backend_matches_official_maps_with_official_weights(tmp_path) -> None:
    craft, refiner = vectors.networks()
    path = export_onnx(craft, refiner, tmp_path / "craft_ref.onnx")
    npz = "net_strip_411x157_c1280.npz"
    stored = vectors.load_npz(npz)
    maps = OnnxBackend(path).run(normalize(stored["resized_uint8"])[None])
    for name in ("score_text", "score_link", "refined_link"):
        ref = stored[name]
        assert np.abs(getattr(maps, name)[0] - ref).max() <= 1e-4 * float(ref.max() - ref.min())


def test_detector_with_onnx_backend_matches_torch_backend(plugin_host, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path))
    torch.save(vectors.lite_networks()[0].state_dict(), tmp_path / "c.pth")
    spec = plugin_host.components("detector")["craft"]
    base = dict(weights=str(tmp_path / "c.pth"), device="cpu", link_threshold=1.0, precision="fp32")
    import cv2

    from ocrplug.model import PageImage

    image = cv2.cvtColor(cv2.imread(str(vectors.vector_path("img_small_300x200.png"))), cv2.COLOR_BGR2RGB)
    page = PageImage(image, 0, "x")
    ours = spec.build(CraftOptions(**base, canvas_size=320)).detect(page)
    via_onnx = spec.build(CraftOptions(**base, canvas_size=320, backend="onnx")).detect(page)
    assert list((tmp_path / "weights" / "onnx").glob("craft-*.onnx")), "exported once into the cache"
    assert len(ours) == len(via_onnx) > 0
    for a, b in zip(ours, via_onnx, strict=True):
        assert np.allclose(a.quad, b.quad, atol=1.0)


def test_torch_backend_fused_channels_last_matches_official_maps() -> None:
    craft, refiner = vectors.networks()
    stored = vectors.load_npz("net_page_480x640_c512.npz")
    backend = TorchBackend(craft, refiner, "cpu")  # BN fused into the convolutions, channels-last
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in backend.craft.modules())
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in craft.modules()), "the given module is unchanged"
    maps = backend.run(normalize(stored["resized_uint8"])[None])
    for name in ("score_text", "score_link", "refined_link"):
        ref = stored[name]
        assert np.abs(getattr(maps, name)[0] - ref).max() <= 1e-4 * float(ref.max() - ref.min())
