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


def _identity_model(path) -> None:
    """Write a one-node ONNX model (Identity, float input of shape [2]) to ``path``, atomically."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper

    from ocrplug.io.atomic import atomic_path

    graph = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["y"])],
        "identity",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    with atomic_path(path) as tmp:
        onnx.save(model, str(tmp))


def _derived(path, make=_identity_model):
    """load_derived_model of a tiny ONNX model; returns the session and how many times it was made."""
    pytest.importorskip("onnxruntime")
    from ocrplug.runtime import load_derived_model

    made = []

    def counting_make(output):
        made.append(output)
        make(output)

    session = load_derived_model(path, counting_make, lambda p: onnx_session(p, what="tiny model"), "tiny model")
    return session, made


def test_a_derived_model_is_made_once_then_loaded_from_the_cache(tmp_path) -> None:
    path = tmp_path / "cache" / "tiny.onnx"
    session, made = _derived(path)
    assert made == [path] and path.is_file() and session.get_inputs()[0].name == "x"
    _, made = _derived(path)
    assert made == []


def test_a_corrupt_cached_model_is_rebuilt_with_a_warning_naming_it(tmp_path, caplog) -> None:
    path = tmp_path / "tiny.onnx"
    path.write_text("garbage\n")
    with caplog.at_level("WARNING", logger="ocrplug.runtime"):
        session, made = _derived(path)
    assert made == [path] and session.get_outputs()[0].name == "y"
    assert any(str(path) in r.getMessage() and "does not load" in r.getMessage() for r in caplog.records)
    assert path.read_bytes() != b"garbage\n"
    assert [p.name for p in tmp_path.iterdir()] == ["tiny.onnx"]  # no temporary left beside it


def test_an_unwritable_cache_folder_makes_the_model_for_this_process_only(tmp_path, caplog) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    path = blocker / "weights" / "tiny.onnx"
    with caplog.at_level("WARNING", logger="ocrplug.runtime"):
        session, made = _derived(path)
    assert session.get_inputs()[0].name == "x" and len(made) == 2 and made[1].name == "tiny.onnx"
    assert not made[1].exists()  # the temporary folder is gone once the session holds the model
    assert any("for this process only" in r.getMessage() for r in caplog.records)
    assert blocker.read_text() == "a file where the cache folder should be"


def test_a_model_that_still_does_not_load_after_rebuilding_says_what_to_do(tmp_path) -> None:
    path = tmp_path / "tiny.onnx"
    path.write_text("garbage\n")

    def make_garbage(output):
        output.write_text("still garbage\n")

    with pytest.raises(WeightsError, match="delete the file") as err:
        _derived(path, make_garbage)
    assert str(path) in str(err.value) and "export-onnx" not in str(err.value)


def test_a_source_that_cannot_be_derived_raises_its_own_error_and_leaves_no_file(tmp_path) -> None:
    path = tmp_path / "tiny.onnx"

    def refuse(output):
        raise WeightsError("cannot quantize source.onnx")

    with pytest.raises(WeightsError, match=r"cannot quantize source\.onnx"):
        _derived(path, refuse)
    assert not path.exists()
