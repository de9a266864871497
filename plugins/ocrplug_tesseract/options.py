"""Option models of the ``tesseract`` plugin (kept apart so listing plugins imports nothing heavy)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ocrplug.api import CropReaderOptions, Options

__all__ = ["TesseractLayoutOptions", "TesseractRecognizerOptions"]


class TesseractLayoutOptions(Options):
    """Options of the ``tesseract-layout`` detector."""

    psm: int = Field(3, ge=1, le=13, description="Page segmentation mode for the page (3: automatic, 11: sparse text).")
    lang: str = Field("eng", description="Tesseract language(s) used while segmenting, e.g. 'eng+deu'.")
    oem: int = Field(3, ge=0, le=3, description="OCR engine mode: 0 legacy, 1 LSTM, 2 both, 3 default.")
    level: Literal["line", "word", "block"] = Field(
        "line",
        description="Top-level regions returned: 'line' (lines with their words as children), 'word' "
        "(words only) or 'block' (blocks with lines and words as children).",
    )
    min_size: float = Field(
        3.0, ge=0.0, description="Drop words and lines whose height or width (page pixels) is below this."
    )
    max_side: int = Field(
        0, ge=0, description="Downscale pages whose longer side exceeds this many pixels first (0: never)."
    )
    min_score: float = Field(0.0, ge=0.0, le=1.0, description="Drop words whose Tesseract confidence is below this.")
    config: str = Field("", description="Extra Tesseract flags: '-c name=value' variables and '--dpi N'.")
    backend: Literal["auto", "tesserocr", "pytesseract"] = Field(
        "auto", description="In-process tesserocr (default when installed) or the pytesseract program."
    )
    tessdata: str | None = Field(
        None, description="Folder with *.traineddata; default $TESSDATA_PREFIX or the system tessdata."
    )


class TesseractRecognizerOptions(CropReaderOptions):
    """Options of the ``tesseract`` recognizer. ``margin`` and ``orientation`` come from the host's ``CropReaderOptions``."""

    # Chosen on FUNSD training-split ground-truth line crops (benchmarks/recog_tesseract.py --gt
    # funsd_train, 300 lines): CER 0.091 at 0, 0.107 at 0.05, 0.119 at 0.1; plain tesserocr psm 7 0.114.
    # Tesseract adds its own blank border (prepare_crop); context from the page only lets neighbours in.
    margin: float = Field(
        0.0, ge=0.0, le=2.0,
        description="Context kept around each region on every side, as a fraction of its text height "
        "(0 for Tesseract: measured best on FUNSD training line crops, docs/recognizers.md).",
    )
    lang: str = Field("eng", description="Tesseract language(s), several joined by '+', e.g. 'eng+deu'.")
    psm: int | None = Field(
        None,
        ge=0,
        le=13,
        description="Page segmentation mode; default from the region level: 7 (single line) for lines and "
        "for words (more accurate than 8, single word, with Tesseract 5), 6 (uniform block) for blocks.",
    )
    oem: int = Field(3, ge=0, le=3, description="OCR engine mode: 0 legacy, 1 LSTM, 2 both, 3 default.")
    config: str = Field("", description="Extra Tesseract flags: '-c name=value' variables and '--dpi N'.")
    whitelist: str = Field("", description="Only these characters may be recognized (empty: all).")
    # Upscaling blurs; only really small crops gain from it (ICDAR 2015 words: CER 0.34 at 24, 0.37 at 40).
    min_height: int = Field(24, ge=8, le=400, description="Crops lower than this (pixels) are upscaled before reading.")
    max_height: int = Field(
        160, ge=16, le=2000, description="Single-line crops higher than this (pixels) are downscaled."
    )
    threads: int = Field(1, ge=1, le=64, description="Tesseract instances reading crops in parallel.")
    backend: Literal["auto", "tesserocr", "pytesseract"] = Field(
        "auto", description="In-process tesserocr (default when installed) or the pytesseract program."
    )
    tessdata: str | None = Field(
        None, description="Folder with *.traineddata; default $TESSDATA_PREFIX or the system tessdata."
    )
