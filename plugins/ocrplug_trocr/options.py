"""Option models of the ``trocr`` plugin (kept apart so listing plugins imports nothing heavy)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ocrplug.api import CropReaderOptions

__all__ = ["TrOCRRecognizerOptions"]


class TrOCRRecognizerOptions(CropReaderOptions):
    """Options of the ``trocr`` recognizer. ``margin`` and ``orientation`` come from the host's ``CropReaderOptions``."""

    model: str = Field(
        "microsoft/trocr-small-printed",
        description="Hub id (e.g. microsoft/trocr-base-handwritten) or local directory made with save_pretrained.",
    )
    onnx: str | None = Field(
        None,
        description="Directory written by `ocrplug trocr export-onnx`; when set, runs on ONNX Runtime "
        "(greedy decoding) instead of torch, and 'model' is not loaded.",
    )
    device: Literal["cpu", "cuda", "auto"] = Field("auto", description="Where to run: cpu, cuda, or auto.")
    dtype: Literal["float32", "float16", "bfloat16"] = Field(
        "float32", description="Torch weights/compute type (float16 needs cuda)."
    )
    batch_size: int = Field(8, ge=1, le=512, description="Crops per model call (batches sorted by crop width).")
    num_beams: int = Field(1, ge=1, le=32, description="Beam search width (1: greedy; the ONNX path is greedy).")
    max_length: int = Field(64, ge=2, le=1024, description="Longest output in tokens, start token included.")
    threads: int = Field(0, ge=0, le=256, description="CPU threads for torch / ONNX Runtime (0: library default).")
