"""int8 DBNet for ONNX Runtime: static quantization with activation ranges calibrated on real pages.

The detection model is quantized with ONNX Runtime's ``quantize_static`` in the QDQ format: weights int8
per output channel reduced to 7 bits (``reduce_range``), activations uint8 with MinMax ranges
(:data:`INT8_RECIPE`), the recipe int8 CRAFT needed on CPUs without VNNI (AVX2 only). There ONNX
Runtime's u8s8 kernels add pairs of uint8 x int8 products in 16 bits (``vpmaddubsw``), which saturates
with 8-bit weights (255 * 127 * 2 > 32767); with 7-bit weights it cannot. Source: ONNX Runtime 1.32's
``quantize_static`` docstring ("Choosing parameters for CPU inference") and its quantization guide,
https://onnxruntime.ai/docs/performance/model-optimizations/quantization.html; measured on this model with
``benchmarks/db_int8.py`` (docs/benchmarks.md, issue 25's second stop): on a CPU without VNNI it saves no
CPU over fp32 (this small, mostly depthwise network gains nothing from the integer kernels) and moves a
sixth of the line boxes, so no preset uses it.

PP-OCRv6's detection model is stored at ONNX opset 11, whose ``DequantizeLinear`` has no ``axis``
(per-channel weights): it is converted to opset 13 first (:func:`onnx.version_converter.convert_version`).

The activation ranges (ONNX Runtime's calibration cache, a small JSON file) of the model rapidocr 3.10
ships were computed on FUNSD's *training* split and ICDAR 2015's *validation* split (never a test set) by
``benchmarks/db_int8.py --calibrate`` and ship with the plugin (:data:`SHIPPED_CALIBRATION`, keyed by the
model's SHA-256), so ``precision: int8`` needs no data set on the user's machine. The int8 model is made
once and cached under :func:`ocrplug.runtime.cache_home` ``/weights/onnx``, its name holding the source
model's SHA-256 and the recipe (:func:`int8_cache_path`): a new model or recipe never reuses an old file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ocrplug.api import WeightsError, quiet_quantization_hints

__all__ = [
    "INT8_RECIPE",
    "RECIPES",
    "SHIPPED_CALIBRATION",
    "Recipe",
    "int8_cache_path",
    "quantize_int8",
    "shipped_calibration",
]

log = logging.getLogger(__name__)

#: Calibration caches shipped in this package, by the SHA-256 of the detection model they fit.
SHIPPED_CALIBRATION = {
    "090f04abcd9d9a7498bc4ebf677e4cb9bdce1fe4197ddb7e529f1ef44e1ff94f": "PP-OCRv6_det_small.int8-calibration.json",
}
#: Opset the model is converted to before quantization (per-channel ``DequantizeLinear`` needs 13).
QDQ_OPSET = 13


@dataclass(frozen=True)
class Recipe:
    """``quantize_static`` settings (QDQ format, MinMax ranges, uint8 activations, int8 weights) of one variant.

    ``reduce_range`` quantizes weights to 7 bits; ``per_channel`` gives each output channel its own
    scale; ``keep_fp32`` names operator types that stay in float32.
    """

    per_channel: bool
    reduce_range: bool
    keep_fp32: tuple[str, ...] = ()


#: The variants ``benchmarks/db_int8.py`` measures (names as in ``ocrplug_craft.quantize``: ``s7`` 7-bit
#: weights, ``-pc`` per output channel, ``-head`` the two up-sampling ``ConvTranspose`` of the head in float32).
RECIPES = {
    "u8s7-pc": Recipe(per_channel=True, reduce_range=True),
    "u8s8-pc": Recipe(per_channel=True, reduce_range=False),
    "u8s7-pc-head": Recipe(per_channel=True, reduce_range=True, keep_fp32=("ConvTranspose",)),
}
#: The variant ``precision: int8`` uses (part of the cached file's name).
INT8_RECIPE = "u8s7-pc"


def shipped_calibration(model_sha256: str) -> Path | None:
    """The shipped calibration cache of the detection model with this SHA-256, or None."""
    name = SHIPPED_CALIBRATION.get(model_sha256)
    path = None if name is None else Path(__file__).resolve().parent / name
    return path if path is not None and path.is_file() else None


def int8_cache_path(source_sha256: str, stem: str, recipe: str = INT8_RECIPE) -> Path:
    """Where the int8 model of the detection model with this SHA-256 (file stem ``stem``) is cached."""
    from ocrplug.api import cache_home

    return cache_home() / "weights" / "onnx" / f"{stem}-{source_sha256[:16]}-int8-{recipe}.onnx"


class _Batches:
    """An ONNX Runtime ``CalibrationDataReader`` over ready network inputs (N x 3 x H x W float32)."""

    def __init__(self, input_name: str, batches: Iterable[np.ndarray]) -> None:
        self._items: Iterator[np.ndarray] = iter(list(batches))
        self.input_name = input_name

    def get_next(self) -> dict[str, np.ndarray] | None:
        batch = next(self._items, None)
        return None if batch is None else {self.input_name: batch}


def quantize_int8(
    source: str | Path,
    output: str | Path,
    *,
    calibration_cache: str | Path | None = None,
    batches: Iterable[np.ndarray] = (),
    recipe: str = INT8_RECIPE,
) -> Path:
    """Write the int8 (QDQ) version of the DB detection model ``source`` to ``output`` (atomically).

    Activation ranges come from ``calibration_cache`` when that file exists (no inference); otherwise
    they are computed on ``batches`` (network inputs, pre-processed as detection does) and, when
    ``calibration_cache`` is given, saved there. ``recipe`` names a variant of :data:`RECIPES`. Raises
    :class:`WeightsError` naming the file when there are neither ranges nor batches, when the cache does
    not fit the model, or when ONNX Runtime cannot quantize it; :class:`KeyError` for an unknown recipe;
    :class:`OSError` when ``output`` cannot be written (nothing is left beside it).
    """
    settings = RECIPES[recipe]
    import onnx
    from onnx import version_converter
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

    from ocrplug.api import atomic_path

    cache = None if calibration_cache is None else Path(calibration_cache)
    batches = list(batches)
    if (cache is None or not cache.is_file()) and not batches:
        raise WeightsError(f"int8 quantization of the DB model {source} needs calibration pages or a calibration cache")
    try:
        model = onnx.load(str(source))
        if model.opset_import[0].version < QDQ_OPSET:
            model = version_converter.convert_version(model, QDQ_OPSET)
    except Exception as exc:  # onnx raises its own types for files it cannot read or convert
        raise WeightsError(f"cannot read the DB model {source} for int8 quantization: {exc}") from exc
    excluded = [n.name for n in model.graph.node if n.op_type in settings.keep_fp32]
    if cache is not None and cache.is_file():
        _check_cache_fits(cache, model)
    output = Path(output)
    with atomic_path(output) as tmp, quiet_quantization_hints():
        converted = tmp.with_name(tmp.name + ".opset.onnx")
        try:
            onnx.save(model, str(converted))
            quantize_static(
                str(converted),
                str(tmp),
                _Batches(model.graph.input[0].name, batches) if batches else None,
                quant_format=QuantFormat.QDQ,
                per_channel=settings.per_channel,
                reduce_range=settings.reduce_range,
                activation_type=QuantType.QUInt8,
                weight_type=QuantType.QInt8,
                calibrate_method=CalibrationMethod.MinMax,
                nodes_to_exclude=excluded or None,
                calibration_cache_path=None if cache is None else str(cache),
            )
        except OSError:  # the output cannot be written (full disk): the caller falls back to a temporary folder
            raise
        except Exception as exc:  # onnxruntime raises its own types for graphs it cannot quantize
            raise WeightsError(f"cannot quantize the DB model {source} to int8: {exc}") from exc
        finally:
            converted.unlink(missing_ok=True)
    return output


def _check_cache_fits(cache: Path, model: Any) -> None:
    """Refuse a calibration cache that lacks ranges for the inputs of the model's convolutions."""
    try:
        raw = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WeightsError(f"calibration cache {cache} is not readable JSON: {exc}") from exc
    data = raw.get("data") if isinstance(raw, dict) else None
    names = set(data) if isinstance(data, dict) else set()
    conv_inputs = {n.input[0] for n in model.graph.node if n.op_type == "Conv"}
    missing = sorted(conv_inputs - names)
    if not names or missing:
        raise WeightsError(
            f"calibration cache {cache} does not fit this DB model (no range for {missing[:3]}); "
            "calibrate it with benchmarks/db_int8.py --calibrate"
        )


def load_int8_model(source: Path, source_sha256: str, load: Any) -> Any:
    """``load(path)`` of the int8 version of the DB model ``source`` (SHA-256 ``source_sha256``, checked
    by the caller): the cached file, made now from the shipped ranges if missing
    (:func:`ocrplug.runtime.load_derived_model`: a cached file that does not load is made again).

    Raises :class:`WeightsError` naming ``source`` when no activation ranges ship for this model (only
    the default model's do), or what quantizing and loading raise.
    """
    from ocrplug.api import load_derived_model

    ranges = shipped_calibration(source_sha256)
    if ranges is None:
        raise WeightsError(
            f"db precision 'int8' needs activation ranges for the model {source} (SHA-256 {source_sha256[:16]}...); "
            "only those of the default model (rapidocr's PP-OCRv6_det_small.onnx) ship with ocrplug: "
            "use precision 'fp32' with this model"
        )
    path = int8_cache_path(source_sha256, source.stem)
    return load_derived_model(
        path, lambda output: quantize_int8(source, output, calibration_cache=ranges), load, "int8 DB model"
    )
