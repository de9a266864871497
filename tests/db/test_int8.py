"""``db`` ``precision: int8``: the statically quantized model, its cache, its ranges and its errors."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from ocrplug.errors import WeightsError
from ocrplug.model import PageImage
from tests.db.test_detector import recall, render_page

needs_model = pytest.mark.skipif(
    importlib.util.find_spec("onnxruntime") is None
    or importlib.util.find_spec("rapidocr") is None
    or importlib.util.find_spec("onnx") is None,
    reason="the db extra (onnxruntime, rapidocr) and onnx are not installed: pip install 'ocrplug[db]'",
)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the module: the int8 model is made once (a few CPU seconds)."""
    return tmp_path_factory.mktemp("ocrplug-home")


@pytest.fixture
def in_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("OCRPLUG_HOME", str(home))
    return home


def _detector(precision: str):
    from ocrplug_db.detector import DbDetector, DbOptions

    return DbDetector(DbOptions(precision=precision, threads=1))


@needs_model
def test_int8_boxes_agree_with_fp32_on_a_rendered_page(in_home: Path, caplog: pytest.LogCaptureFixture) -> None:
    from ocrplug_db.loading import DEFAULT_MODEL_SHA256, default_model_path
    from ocrplug_db.quantize import INT8_RECIPE, int8_cache_path

    image, gt = render_page()
    page = PageImage(image=image, index=0, source="test")
    caplog.set_level("WARNING")
    fp32 = _detector("fp32").detect(page)
    int8 = _detector("int8").detect(page)
    # Every line the fp32 model finds, the int8 model finds at IoU >= 0.7, and it finds the page's lines.
    assert len(int8) == len(fp32)
    assert recall([r.quad for r in fp32], int8, threshold=0.7) == 1.0
    assert recall(gt, int8) >= 0.83
    cached = int8_cache_path(DEFAULT_MODEL_SHA256, default_model_path().stem)
    assert cached.is_file() and cached.parent.parent.parent == in_home
    assert not caplog.records, [r.getMessage() for r in caplog.records]  # no onnxruntime hint on the root logger
    assert INT8_RECIPE in cached.name and DEFAULT_MODEL_SHA256[:16] in cached.name


def test_cache_name_holds_the_model_hash_and_the_recipe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ocrplug_db.quantize import int8_cache_path

    monkeypatch.setenv("OCRPLUG_HOME", str(tmp_path))
    a = int8_cache_path("a" * 64, "det")
    assert a.parent == tmp_path / "weights" / "onnx"
    assert a != int8_cache_path("b" * 64, "det")
    assert a != int8_cache_path("a" * 64, "det", recipe="u8s8-pc")


def test_shipped_ranges_are_for_the_default_model_only() -> None:
    from ocrplug_db.loading import DEFAULT_MODEL_SHA256
    from ocrplug_db.quantize import shipped_calibration

    path = shipped_calibration(DEFAULT_MODEL_SHA256)
    assert path is not None and json.loads(path.read_text(encoding="utf-8"))["data"]
    assert shipped_calibration("0" * 64) is None


@needs_model
def test_a_model_without_shipped_ranges_is_refused_naming_it(in_home: Path, tmp_path: Path) -> None:
    import onnx
    from ocrplug_db.detector import DbDetector, DbOptions
    from ocrplug_db.loading import default_model_path

    model = onnx.load(str(default_model_path()))
    model.doc_string = "the same graph, another file: no shipped ranges for its SHA-256"
    other = tmp_path / "my-det.onnx"
    onnx.save(model, str(other))
    with pytest.raises(WeightsError, match=r"my-det\.onnx.*fp32"):
        DbDetector(DbOptions(model=str(other), precision="int8"))


@needs_model
def test_a_calibration_cache_that_does_not_fit_is_refused(tmp_path: Path) -> None:
    from ocrplug_db.loading import default_model_path
    from ocrplug_db.quantize import quantize_int8

    cache = tmp_path / "ranges.json"
    cache.write_text(json.dumps({"CLS": "TensorsData", "data": {"elsewhere": {}}}), encoding="utf-8")
    with pytest.raises(WeightsError, match="does not fit this DB model"):
        quantize_int8(default_model_path(), tmp_path / "out.onnx", calibration_cache=cache)
    with pytest.raises(WeightsError, match="needs calibration pages"):
        quantize_int8(default_model_path(), tmp_path / "out.onnx", calibration_cache=tmp_path / "missing.json")
    assert not (tmp_path / "out.onnx").exists()


def test_bad_precision_is_refused_naming_the_option() -> None:
    from ocrplug_db.detector import DbOptions

    with pytest.raises(ValidationError, match="precision"):
        DbOptions(precision="int4")


@needs_model
def test_a_corrupt_cached_model_is_made_again(in_home: Path) -> None:
    from ocrplug_db.loading import DEFAULT_MODEL_SHA256, default_model_path
    from ocrplug_db.quantize import int8_cache_path

    cached = int8_cache_path(DEFAULT_MODEL_SHA256, default_model_path().stem)
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(b"not an onnx model")
    image, _ = render_page(lines=["A corrupt cache is rebuilt"])
    regions = _detector("int8").detect(PageImage(image=image, index=0, source="test"))
    assert len(regions) == 1
    assert cached.stat().st_size > 1_000_000
    assert np.isfinite(regions[0].score)


@needs_model
@pytest.mark.parametrize("full_at", ["onnx.save", "quantize_static"])
def test_a_full_cache_disk_falls_back_to_a_temporary_model_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, full_at: str
) -> None:
    # A full disk under $OCRPLUG_HOME used to leave a 100 KB `.part.onnx.opset.onnx` behind (onnx.save
    # failing) or, failing inside quantize_static, to end the run with WeightsError (exit 5) instead of
    # quantizing for the process only as an unwritable cache folder does.
    import errno
    import logging

    import onnx
    import onnxruntime.quantization as ortq

    home = tmp_path / "home"
    monkeypatch.setenv("OCRPLUG_HOME", str(home))

    def in_home(path: object) -> bool:
        return str(path).startswith(str(home))

    if full_at == "onnx.save":
        real_save = onnx.save

        def save(model, path, *args, **kwargs):
            if in_home(path):
                Path(path).write_bytes(b"x" * 1000)  # the part written before the disk filled
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_save(model, path, *args, **kwargs)

        monkeypatch.setattr(onnx, "save", save)
    else:
        real_quantize = ortq.quantize_static

        def quantize(model_input, model_output, *args, **kwargs):
            if in_home(model_output):
                raise OSError(errno.ENOSPC, "No space left on device")
            return real_quantize(model_input, model_output, *args, **kwargs)

        monkeypatch.setattr(ortq, "quantize_static", quantize)
    with caplog.at_level(logging.WARNING):
        detector = _detector("int8")
    assert any("cannot cache the int8 DB model" in r.getMessage() for r in caplog.records)
    assert not [p for p in home.rglob("*") if p.is_file()]  # no part file left in the cache folder
    image, _ = render_page(lines=["A full disk is no error"])
    assert len(detector.detect(PageImage(image=image, index=0, source="test"))) == 1
