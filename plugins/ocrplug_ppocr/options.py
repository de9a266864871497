"""Option models of the ``ppocr`` plugin (kept apart so listing plugins imports nothing heavy)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from ocrplug.api import CropReaderOptions

__all__ = ["CHARSET_NAMES", "PPOCRRecognizerOptions"]

#: The named character sets of the ``charset`` option; any other value is the allowed characters themselves.
CHARSET_NAMES = ("all", "latin")


class PPOCRRecognizerOptions(CropReaderOptions):
    """Options of the ``ppocr`` recognizer. ``margin`` and ``orientation`` come from the host's ``CropReaderOptions``."""

    model: str | None = Field(
        None,
        description="Path of a PP-OCR recognition ONNX model; default: the one shipped in the rapidocr wheel.",
    )
    dict_path: str | None = Field(
        None,
        description="Character dictionary (one character per line); default: the list stored in the "
        "model's ONNX metadata ('character').",
    )
    batch_size: int | None = Field(
        None,
        ge=1,
        le=256,
        description="Crops per ONNX Runtime call (sorted by width); default: 1 on CPU (on 2 cores 29 % less CPU, "
        "half the peak memory and a lower CER than 8: docs/benchmarks.md), 8 with the CUDA execution provider.",
    )
    min_ratio: float = Field(
        3.0,
        ge=0.0,
        le=200.0,
        description="Every batch is padded to at least this width/height (0: to the batch's widest crop). "
        "3 (chosen on funsd_train word crops with benchmarks/ppocr_min_ratio.py: CER 0.0459 -> 0.0416, "
        "1-3 character words 0.129 -> 0.103; lines unchanged) gives a lone 'I' or 'x' room to be read as a "
        "letter rather than a '1'; 6.67 = 320/48, PaddleOCR's training shape, read words 2-3x slower.",
    )
    precision: Literal["fp32", "int8"] = Field(
        "fp32",
        description="'int8': the model's MatMul weights quantized to int8 (ONNX Runtime dynamic quantization), "
        "made once and cached next to other derived models ($OCRPLUG_HOME/weights/onnx).",
    )
    max_ratio: float = Field(
        40.0,
        ge=4.0,
        le=200.0,
        description="Widest piece read at once, as width/height; wider crops are read in overlapping chunks.",
    )
    space_prob: float = Field(
        0.1,
        ge=0.0,
        le=1.0,
        description="Split a word where the model's space class reaches this probability between two characters.",
    )
    space_gap: float = Field(
        0.45,
        ge=0.0,
        le=10.0,
        description="Split a word where the ink gap between two characters exceeds this share of the text "
        "height (0: off).",
    )
    min_confidence: float = Field(
        0.0,
        ge=0.0,
        le=1.0,
        description="A crop read with a lower mean character probability gets empty text (noise read as "
        "text: barcodes, logos, stains); 0 keeps every reading. RapidOCR uses 0.5 (its text_score); here 0.5 "
        "cost handwriting more than it saved on receipts, so the default keeps everything.",
    )
    charset: str = Field(
        "all",
        min_length=1,
        description="Characters the decoder may emit: 'all' (the model's whole table: PP-OCRv6 reads ~18.7k "
        "characters of many scripts), 'latin' (Latin letters of U+0000-U+024F, digits, punctuation and common "
        "typographic signs: English and other Latin-script text, no CJK look-alikes), or the allowed "
        "characters themselves as one string. Names are lower case: 'Latin' or 'ALL' is refused (it would "
        "allow only those letters); to allow just such letters, give them in another order.",
    )
    device: Literal["cpu", "cuda", "auto"] = Field(
        "cpu", description="ONNX Runtime device: cpu, cuda, or auto (cuda when available)."
    )
    threads: int = Field(
        0,
        ge=0,
        le=256,
        description="ONNX Runtime intra-op threads (0: the worker's share of the cores inside "
        "a --jobs / OCRmyPDF worker, else ONNX Runtime's default).",
    )

    @field_validator("charset")
    @classmethod
    def _named_charset_case(cls, value: str) -> str:
        # `charset: Latin` meant the Latin set, and as a character list it reads text with 5 letters only.
        if value not in CHARSET_NAMES and value.strip().lower() in CHARSET_NAMES:
            name = value.strip().lower()
            raise ValueError(
                f"{value!r} is the character set name {name!r} in another case; names are lower case: "
                f"write charset: {name} (to allow only the characters {sorted(set(value))}, give them in another order)"
            )
        return value
