"""The shared runtime helpers: hashes, packaged model files, device choice, ONNX Runtime sessions."""

from __future__ import annotations

import hashlib
import sys

import pytest

from ocrplug.errors import ConfigError, WeightsError
from ocrplug.runtime import (
    file_sha256,
    onnx_providers,
    onnx_session,
    package_file,
    select_torch_device,
    verify_sha256,
)


def test_file_hash_and_a_mismatch_names_file_hashes_and_remedy(tmp_path) -> None:
    path = tmp_path / "w.bin"
    path.write_bytes(b"weights")
    expected = hashlib.sha256(b"weights").hexdigest()
    assert file_sha256(path) == expected == verify_sha256(path, expected.upper(), "weights", "x")
    with pytest.raises(WeightsError) as err:
        verify_sha256(path, "0" * 64, "DB model", "reinstall rapidocr")
    assert str(path) in str(err.value) and expected in str(err.value) and "reinstall rapidocr" in str(err.value)
    path.write_bytes(b"other weights")  # a changed file is hashed again (size/mtime key)
    assert file_sha256(path) == hashlib.sha256(b"other weights").hexdigest()


def test_package_file_finds_data_in_an_installed_package_without_importing_it(tmp_path, monkeypatch) -> None:
    package = tmp_path / "fake_models_pkg"
    (package / "models").mkdir(parents=True)
    (package / "__init__.py").write_text("raise RuntimeError('must not be imported')\n")
    (package / "models" / "a_rec_v1.onnx").write_bytes(b"1")
    (package / "models" / "a_rec_v2.onnx").write_bytes(b"2")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert package_file("fake_models_pkg", "models/a_rec_v1.onnx") == package / "models" / "a_rec_v1.onnx"
    assert package_file("fake_models_pkg", "models/*rec*.onnx") == package / "models" / "a_rec_v2.onnx"
    assert package_file("fake_models_pkg", "models/none.onnx") is None
    assert package_file("no_such_package_here", "x") is None
    assert "fake_models_pkg" not in sys.modules


def test_device_options_are_checked_with_the_option_named() -> None:
    pytest.importorskip("torch")
    assert select_torch_device("cpu") == "cpu"
    with pytest.raises(ConfigError, match="trocr option 'device': 'gpu' is not a device"):
        select_torch_device("gpu", "trocr option 'device'")
    import torch

    if not torch.cuda.is_available():
        assert select_torch_device("auto") == "cpu"
        with pytest.raises(ConfigError, match="no CUDA device"):
            select_torch_device("cuda:0")


def test_onnx_sessions_refuse_missing_files_and_unknown_devices(tmp_path) -> None:
    ort = pytest.importorskip("onnxruntime")
    with pytest.raises(WeightsError, match=r"ppocr model not found: .*nope\.onnx"):
        onnx_session(tmp_path / "nope.onnx", what="ppocr model")
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"not a graph")
    with pytest.raises(WeightsError, match=r"cannot load craft model .*bad\.onnx"):
        onnx_session(bad, what="craft model")
    with pytest.raises(ConfigError, match="ppocr option 'device'"):
        onnx_providers("tpu", "ppocr option 'device'")
    if "CUDAExecutionProvider" not in ort.get_available_providers():
        assert onnx_providers("auto") == ["CPUExecutionProvider"]
        with pytest.raises(ConfigError, match="onnxruntime-gpu"):
            onnx_providers("cuda")
