"""int8 PP-OCR recognition for ONNX Runtime: dynamic quantization of the MatMul weights, made once and cached.

ONNX Runtime's ``quantize_dynamic`` stores the weights of the chosen operators as int8 (per tensor,
symmetric) and quantizes their activations at run time, so no calibration data is needed. Only
``MatMul``/``Gemm`` are quantized (:data:`INT8_OP_TYPES`): on PP-OCRv6_rec_small that keeps CER within
0.002 of fp32 on ICDAR 2015 words and FUNSD words and lines, and runs a model call 1.1-1.5x faster, while
quantizing ``Conv`` too (``ConvInteger``) raised CER by 0.04-0.13 and ran 3-8 times slower than fp32 on
x86-64 (docs/benchmarks.md, "PP-OCR int8 and padding"). The weights are reduced to 7 bits
(``reduce_range``, :data:`REDUCE_RANGE`), as int8 CRAFT and DBNet need on CPUs without VNNI, where ONNX
Runtime's u8s8 kernels add pairs of products in 16 bits and 8-bit weights can saturate them: on FUNSD's
training line crops CER 0.0539 with 7-bit weights, 0.0537 with 8-bit, 0.0533 in fp32 (one run each,
``benchmarks/cascade.py --choose --second-options '{"precision": "int8"}'``, docs/benchmarks.md).

The quantized model is cached under :func:`ocrplug.runtime.cache_home` ``/weights/onnx``, named after the
source model's SHA-256 and the recipe, written atomically; when that folder cannot be written it is
quantized into a temporary folder for this process only (about a second) and a warning says why, and a
cached file that does not load is quantized again (:func:`ocrplug.runtime.load_derived_model`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ocrplug.api import WeightsError, quiet_quantization_hints, require

__all__ = ["INT8_OP_TYPES", "REDUCE_RANGE", "int8_cache_path", "load_int8_model", "quantize_int8"]

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Operator types whose weights are quantized (see the module docstring for why not ``Conv``).
INT8_OP_TYPES = ("MatMul", "Gemm")
#: Weights quantized to 7 bits (``reduce_range``): see the module docstring.
REDUCE_RANGE = True
#: Part of the cache file name: a change of recipe must not reuse an old file (``v1``: 8-bit weights).
_RECIPE = "int8-dyn-matmul-s7-v2"


def int8_cache_path(source_sha256: str, stem: str) -> Path:
    """Where the int8 model of the source model with this SHA-256 (file stem ``stem``) is cached."""
    from ocrplug.api import cache_home

    return cache_home() / "weights" / "onnx" / f"{stem}-{source_sha256[:16]}-{_RECIPE}.onnx"


def quantize_int8(source: str | Path, output: str | Path) -> Path:
    """Write the int8 version of the PP-OCR recognition model ``source`` to ``output`` (atomically).

    The model's metadata (the ``character`` list) is kept. Raises :class:`WeightsError` naming
    ``source`` when ONNX Runtime cannot quantize it, and :class:`OSError` when ``output`` cannot be
    written.
    """
    require("onnx", "ppocr", "ppocr")  # onnxruntime's quantization tools read the graph with it
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from ocrplug.api import atomic_path

    output = Path(output)
    with atomic_path(output) as tmp, quiet_quantization_hints():
        try:
            quantize_dynamic(
                str(source), str(tmp), op_types_to_quantize=list(INT8_OP_TYPES),
                weight_type=QuantType.QInt8,
                reduce_range=REDUCE_RANGE,
            )
        except OSError:  # the output cannot be written (full disk): the caller falls back to a temporary folder
            raise
        except Exception as exc:  # onnx / onnxruntime raise their own types for graphs they cannot read
            raise WeightsError(f"cannot quantize the ppocr model {source} to int8: {exc}") from exc
    return output


def load_int8_model(source: str | Path, load: Callable[[Path], T]) -> T:
    """``load(path)`` of the int8 version of ``source``: the cached file, made now if missing.

    Through :func:`ocrplug.runtime.load_derived_model`: a cached file that does not load is logged and
    quantized again; when the cache folder cannot be written the model is quantized into a temporary
    folder for this process only (``load`` must read it whole). Raises :class:`WeightsError` naming
    ``source`` when it cannot be quantized, or naming the cached file when it still does not load.
    """
    from ocrplug.api import file_sha256, load_derived_model

    source = Path(source)
    path = int8_cache_path(file_sha256(source), source.stem)
    return load_derived_model(path, lambda output: quantize_int8(source, output), load, "int8 ppocr model")
