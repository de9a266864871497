"""The ppocr options ``precision`` (int8 model made once and cached) and ``min_ratio`` (batch padding)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from ocrplug.config import load_config
from ocrplug.errors import ConfigError
from ocrplug.model import PageImage, Region

from .conftest import draw_line, paste_rotated

TEXTS = ["Invoice total 42.50", "shipped to Berlin"]


def _lines_page() -> tuple[PageImage, list[Region]]:
    canvas = np.full((260, 700, 3), 255, np.uint8)
    quads = [paste_rotated(canvas, draw_line(t), (350, 70 + 110 * k), 0) for k, t in enumerate(TEXTS)]
    word = paste_rotated(canvas, draw_line("Hello", 20), (600, 220), 0)
    regions = [Region(quad=q, level="line") for q in quads] + [Region(quad=word, level="word")]
    return PageImage(image=canvas, index=0, source="synthetic"), regions


def _recognizer(**options):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    pytest.importorskip("rapidocr")
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer

    return PPOCRRecognizer(PPOCRRecognizerOptions(threads=1, **options))


def test_precision_and_min_ratio_are_validated_with_the_key_named():
    with pytest.raises(ConfigError, match=r"recognizer\.options\.precision"):
        load_config(None, ["recognizer.name=ppocr", "recognizer.options.precision=int4"])
    with pytest.raises(ConfigError, match=r"recognizer\.options\.min_ratio"):
        load_config(None, ["recognizer.name=ppocr", "recognizer.options.min_ratio=-1"])
    loaded = load_config(None, ["recognizer.name=ppocr", "recognizer.options.precision=int8"])
    assert loaded.config.recognizer.options["precision"] == "int8"


def test_int8_model_is_made_once_cached_and_reads_lines(tmp_path, monkeypatch):
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path))
    rec = _recognizer(precision="int8")
    cached = list((tmp_path / "weights" / "onnx").glob("*int8*.onnx"))
    assert len(cached) == 1 and cached[0].name.startswith(rec.model_path.stem)
    # The quantized graph really holds int8 MatMuls (ONNX Runtime's dynamic-quantization kernel).
    import onnx

    ops = {node.op_type for node in onnx.load(str(cached[0])).graph.node}
    assert "DynamicQuantizeMatMul" in ops or "MatMulInteger" in ops
    assert cached[0].stat().st_size < rec.model_path.stat().st_size * 0.8
    # 7-bit weights (reduce_range: no 16-bit saturation in u8s8 kernels on CPUs without VNNI), and the
    # recipe is part of the cached file's name, so an 8-bit model cached before is never reused.
    from onnx import numpy_helper

    weights = [numpy_helper.to_array(t) for t in onnx.load(str(cached[0])).graph.initializer if t.data_type == 3]
    assert weights and max(int(abs(w.astype(np.int16)).max()) for w in weights) <= 64
    assert "-s7-" in cached[0].name

    page, regions = _lines_page()
    out = rec.recognize(page, regions)
    assert [r.text for r in out] == [*TEXTS, "Hello"]
    assert [w.text for w in out[0].children] == ["Invoice", "total", "42.50"]

    # A second build loads the cached file and does not quantize again.
    import ocrplug_ppocr.quantize as quantize

    def no_second_quantization(*args, **kwargs):
        raise AssertionError("quantized again although the cache holds the model")

    monkeypatch.setattr(quantize, "quantize_int8", no_second_quantization)
    again = _recognizer(precision="int8")
    assert [r.text for r in again.recognize(page, regions)] == [*TEXTS, "Hello"]


def test_unwritable_cache_falls_back_to_a_temporary_model_with_a_warning(tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setenv("OCRPLUG_HOME", str(blocker))
    with caplog.at_level(logging.WARNING):
        rec = _recognizer(precision="int8")
    assert any("cannot cache the int8 ppocr model" in r.getMessage() for r in caplog.records)
    assert blocker.is_file()
    page, regions = _lines_page()
    assert [r.text for r in rec.recognize(page, regions)] == [*TEXTS, "Hello"]


def test_a_full_cache_disk_falls_back_to_a_temporary_model_with_a_warning(tmp_path, monkeypatch, caplog):
    # ONNX Runtime's OSError (ENOSPC) while writing into the cache folder used to be wrapped as a
    # WeightsError ("cannot quantize the ppocr model ...", exit 5) instead of quantizing for the process only.
    import errno

    pytest.importorskip("onnxruntime")
    import onnxruntime.quantization as ortq

    home = tmp_path / "home"
    monkeypatch.setenv("OCRPLUG_HOME", str(home))
    real = ortq.quantize_dynamic

    def quantize(model_input, model_output, *args, **kwargs):
        if str(model_output).startswith(str(home)):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(model_input, model_output, *args, **kwargs)

    monkeypatch.setattr(ortq, "quantize_dynamic", quantize)
    with caplog.at_level(logging.WARNING):
        rec = _recognizer(precision="int8")
    assert any("cannot cache the int8 ppocr model" in r.getMessage() for r in caplog.records)
    assert not [p for p in home.rglob("*") if p.is_file()]
    page, regions = _lines_page()
    assert [r.text for r in rec.recognize(page, regions)] == [*TEXTS, "Hello"]


def test_a_corrupt_cached_int8_model_is_quantized_again(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path))
    pytest.importorskip("rapidocr")
    from ocrplug_ppocr.quantize import int8_cache_path
    from ocrplug_ppocr.recognizer import default_model_path

    from ocrplug.runtime import file_sha256

    source = default_model_path()
    cached = int8_cache_path(file_sha256(source), source.stem)
    cached.parent.mkdir(parents=True)
    cached.write_text("garbage\n")
    with caplog.at_level(logging.WARNING):
        rec = _recognizer(precision="int8")
    assert any(str(cached) in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    assert cached.stat().st_size > 100_000  # the quantized model, written over the garbage
    page, regions = _lines_page()
    assert [r.text for r in rec.recognize(page, regions)] == [*TEXTS, "Hello"]


def test_a_cached_int8_model_that_stays_corrupt_is_an_error_saying_what_to_do(tmp_path, monkeypatch):
    from ocrplug.errors import WeightsError

    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path))
    import ocrplug_ppocr.quantize as quantize

    pytest.importorskip("rapidocr")
    from ocrplug_ppocr.recognizer import default_model_path

    from ocrplug.runtime import file_sha256

    source = default_model_path()
    cached = quantize.int8_cache_path(file_sha256(source), source.stem)
    cached.parent.mkdir(parents=True)
    cached.write_text("garbage\n")
    monkeypatch.setattr(quantize, "quantize_int8", lambda src, output: Path(output).write_text("bad\n"))
    with pytest.raises(WeightsError, match="delete the file") as err:
        _recognizer(precision="int8")
    assert str(cached) in str(err.value)


def test_padding_to_the_batch_width_reads_short_words(tmp_path):
    page, regions = _lines_page()
    out = _recognizer(min_ratio=0, batch_size=4).recognize(page, regions)
    assert [r.text for r in out] == [*TEXTS, "Hello"]


def test_a_model_that_cannot_be_quantized_is_a_weights_error_naming_it(tmp_path, monkeypatch):
    from ocrplug.errors import WeightsError

    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path / "home"))
    broken = tmp_path / "broken_rec.onnx"
    broken.write_bytes(b"not an onnx graph")
    with pytest.raises(WeightsError, match=r"broken_rec\.onnx"):
        _recognizer(model=str(broken), precision="int8")
    assert not list((tmp_path / "home").rglob("*.onnx"))  # no half-written cache file left behind
