"""int8 CRAFT for ONNX Runtime: static quantization with activation ranges calibrated on real pages.

The exported fp32 model (:func:`ocrplug_craft.backends.export_onnx`) is quantized with ONNX Runtime's
``quantize_static`` in the QDQ format (the format its CPU kernels are optimised for): weights int8 per
output channel reduced to 7 bits (``reduce_range``), activations uint8 with MinMax ranges, the score
head (``conv_cls``) left in float32 (:data:`INT8_RECIPE`). The convolutions then run as integer kernels
on every x86 CPU. The 7 bits are for
CPUs without VNNI (AVX2 only): there ONNX Runtime's u8s8 kernels add pairs of uint8 x int8 products in
16 bits (``vpmaddubsw``), which saturates with 8-bit weights (255 * 127 * 2 > 32767) and lost 18 % of
the official boxes; with 7-bit weights (|w| <= 64) it cannot, and the integer results are those a VNNI
CPU computes. Source: ONNX Runtime 1.32's ``quantize_static`` docstring ("Choosing parameters for CPU
inference": u8 activations, s8 weights and ``reduce_range=True`` on x86 without VNNI) and its quantization
guide, https://onnxruntime.ai/docs/performance/model-optimizations/quantization.html; measured with
``benchmarks/craft_int8.py`` (docs/benchmarks.md, "int8 CRAFT without VNNI").

Calibration (the activation ranges) needs representative pages, run through the same pre-processing as
detection (:func:`ocrplug_craft.preprocess.resize_aspect_ratio`). The ranges are a small JSON file (ONNX
Runtime's calibration cache): the ranges of ``craft_mlt_25k`` computed on FUNSD's *training* split ship
with the plugin (:data:`SHIPPED_CALIBRATION`), so ``precision: int8`` needs no data set on the user's
machine; other weights are calibrated with ``ocrplug craft quantize --calibration DIR``.
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
from ocrplug_craft.preprocess import resize_aspect_ratio, to_batch

__all__ = ["INT8_RECIPE", "RECIPES", "SHIPPED_CALIBRATION", "Recipe", "calibration_pages", "quantize_int8",
           "shipped_calibration"]

log = logging.getLogger(__name__)

#: Calibration caches shipped in ``ocrplug_craft/weights/``, by the SHA-256 of the CRAFT weights.
SHIPPED_CALIBRATION = {
    "4a5efbfb48b4081100544e75e1e2b57f8de3d84f213004b14b85fd4b3748db17": "craft_mlt_25k.int8-calibration.json",
}


@dataclass(frozen=True)
class Recipe:
    """ONNX Runtime ``quantize_static`` settings (QDQ format, MinMax ranges) of one int8 variant.

    ``activations`` / ``weights`` name :class:`onnxruntime.quantization.QuantType` members;
    ``reduce_range`` quantizes weights to 7 bits; ``per_channel`` gives each output channel its own scale;
    nodes whose name starts with one of ``keep_fp32`` stay in float32.
    """

    activations: str
    weights: str
    per_channel: bool
    reduce_range: bool
    keep_fp32: tuple[str, ...] = ()


#: The int8 variants measured by ``benchmarks/craft_int8.py`` (names: activation/weight types, ``7`` for
#: 7-bit weights, ``-pc`` per output channel).
RECIPES = {
    "u8s8-pc": Recipe("QUInt8", "QInt8", per_channel=True, reduce_range=False),
    "u8s7-pc": Recipe("QUInt8", "QInt8", per_channel=True, reduce_range=True),
    "u8s8": Recipe("QUInt8", "QInt8", per_channel=False, reduce_range=False),
    "u8s7": Recipe("QUInt8", "QInt8", per_channel=False, reduce_range=True),
    "s8s8-pc": Recipe("QInt8", "QInt8", per_channel=True, reduce_range=False),
    "u8u8-pc": Recipe("QUInt8", "QUInt8", per_channel=True, reduce_range=False),
    # The same with the score head (conv_cls, half resolution, a few % of the work) in float32.
    "u8s7-pc-head": Recipe("QUInt8", "QInt8", per_channel=True, reduce_range=True, keep_fp32=("/craft/conv_cls/",)),
}
#: The variant ``precision: int8`` uses (part of the cached model's file name, see ``int8_cache_path``):
#: on a CPU without VNNI the only one measured that keeps >= 0.95 of fp32's boxes on funsd_train pages (where
#: it was chosen) and of the official boxes on the test pages, at int8 speed (docs/benchmarks.md).
INT8_RECIPE = "u8s7-pc-head"
_IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}


def shipped_calibration(weights_sha256: str) -> Path | None:
    """The shipped calibration cache of the weights with this SHA-256, or None."""
    from ocrplug_craft.weights import shipped_dir

    name = SHIPPED_CALIBRATION.get(weights_sha256)
    path = None if name is None else shipped_dir() / name
    return path if path is not None and path.is_file() else None


def calibration_pages(folder: str | Path, limit: int) -> list[Path]:
    """The first ``limit`` images (sorted by name) of ``folder`` or of its ``images/`` sub-folder.

    Raises :class:`WeightsError` naming the folder when it holds no image.
    """
    folder = Path(folder).expanduser()
    base = folder / "images" if (folder / "images").is_dir() else folder
    found = sorted(p for p in base.glob("*") if p.suffix.lower() in _IMAGE_SUFFIXES) if base.is_dir() else []
    if not found:
        raise WeightsError(f"calibration: no images (.png, .jpg, .tif) in {base}")
    return found[:limit]


class _Reader:
    """An ONNX Runtime ``CalibrationDataReader`` over pages, one normalised canvas per call."""

    def __init__(self, pages: Iterable[Path], canvas_size: int, mag_ratio: float) -> None:
        self._items: Iterator[Path] = iter(list(pages))
        self.canvas_size, self.mag_ratio = canvas_size, mag_ratio

    def get_next(self) -> dict[str, np.ndarray] | None:
        import cv2

        path = next(self._items, None)
        if path is None:
            return None
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
        if image is None:
            raise WeightsError(f"calibration: cannot read image {path}")
        canvas = resize_aspect_ratio(cv2.cvtColor(image, cv2.COLOR_BGR2RGB), self.canvas_size, self.mag_ratio)
        log.info("calibrating on %s (%dx%d)", path.name, canvas.image.shape[1], canvas.image.shape[0])
        return {"input": to_batch([canvas.image])}


def quantize_int8(
    fp32_model: str | Path,
    output: str | Path,
    *,
    calibration_cache: str | Path | None = None,
    pages: Iterable[Path] = (),
    canvas_size: int = 1280,
    mag_ratio: float = 1.5,
    keep_fp32_prefix: str | None = None,
    recipe: str | None = None,
) -> Path:
    """Write the int8 (QDQ) version of the exported CRAFT model ``fp32_model`` to ``output``.

    The activation ranges come from ``calibration_cache`` when that file exists (no inference at all);
    otherwise they are computed on ``pages`` (image files, pre-processed with ``canvas_size`` and
    ``mag_ratio`` as in detection) and, when ``calibration_cache`` is given, saved there. Nodes whose name
    starts with ``keep_fp32_prefix`` stay in float32 (the link refiner of an export with ``--refiner``:
    ``"/refiner/"``; CRAFT's ranges, tensor for tensor the same as in the export without it, then fit). Raises
    :class:`WeightsError` when neither is available or the cache does not fit the model. ``recipe`` names
    the variant of :data:`RECIPES` (default :data:`INT8_RECIPE`). The output is written atomically.
    """
    settings = RECIPES[recipe or INT8_RECIPE]
    import onnx
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static

    from ocrplug.api import atomic_path

    cache = None if calibration_cache is None else Path(calibration_cache)
    pages = list(pages)
    if (cache is None or not cache.is_file()) and not pages:
        raise WeightsError(
            "int8 quantization needs calibration pages (`ocrplug craft quantize --calibration DIR`) or a "
            "calibration cache file"
        )
    model = onnx.load(str(fp32_model), load_external_data=False)
    prefixes = settings.keep_fp32 + ((keep_fp32_prefix,) if keep_fp32_prefix else ())
    excluded = [n.name for n in model.graph.node if prefixes and n.name.startswith(prefixes)]
    if cache is not None and cache.is_file():
        _check_cache_fits(cache, model, set(excluded))
    output = Path(output)
    with atomic_path(output) as tmp, quiet_quantization_hints():
        quantize_static(
            str(fp32_model),
            str(tmp),
            _Reader(pages, canvas_size, mag_ratio) if pages else None,
            quant_format=QuantFormat.QDQ,
            per_channel=settings.per_channel,
            reduce_range=settings.reduce_range,
            activation_type=QuantType[settings.activations],
            weight_type=QuantType[settings.weights],
            calibrate_method=CalibrationMethod.MinMax,
            nodes_to_exclude=excluded or None,
            # (No CalibMaxIntermediateOutputs: onnxruntime 1.32 drops the collected ranges when it is set;
            # the calibration graph outputs only per-tensor minima and maxima anyway.)
            calibration_cache_path=None if cache is None else str(cache),
        )
    return output


def _check_cache_fits(cache: Path, model: Any, excluded: set[str] = frozenset()) -> None:  # type: ignore[assignment]
    """Refuse a calibration cache that lacks ranges for the model's activations (another export).

    Convolutions named in ``excluded`` stay in float32 and need no range."""
    try:
        raw = json.loads(cache.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise WeightsError(f"calibration cache {cache} is not readable JSON: {exc}") from exc
    names = set(_range_names(raw))
    conv_inputs = {n.input[0] for n in model.graph.node if n.op_type == "Conv" and n.name not in excluded}
    missing = sorted(conv_inputs - names)
    if not names or missing:
        raise WeightsError(
            f"calibration cache {cache} does not fit this ONNX model (no range for {missing[:3]}); "
            "calibrate it again with `ocrplug craft quantize --calibration DIR`"
        )


def _range_names(raw: Any) -> Iterator[str]:
    """Tensor names in an ONNX Runtime calibration cache (its layout has a ``data`` mapping of ranges)."""
    if isinstance(raw, dict):
        data = raw.get("data", raw.get("tensors", raw))
        if isinstance(data, dict):
            yield from (k for k in data if isinstance(k, str))
