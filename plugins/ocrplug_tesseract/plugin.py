"""Hook implementations of the built-in ``tesseract`` plugin: a layout detector and a recognizer.

Module imports stay light (pydantic option models only); Tesseract is loaded by the factories.
"""

from __future__ import annotations

from ocrplug.api import ComponentSpec, Options, hookimpl

from .options import TesseractLayoutOptions, TesseractRecognizerOptions


def _build_layout(options: Options) -> object:
    from .layout import TesseractLayout

    assert isinstance(options, TesseractLayoutOptions)
    return TesseractLayout(options)


def _build_recognizer(options: Options) -> object:
    from .recognizer import TesseractRecognizer

    assert isinstance(options, TesseractRecognizerOptions)
    return TesseractRecognizer(options)


@hookimpl
def ocrplug_register_detectors() -> list[ComponentSpec]:
    """The ``tesseract-layout`` detector (Tesseract's page segmentation: lines with word children)."""
    return [
        ComponentSpec(
            name="tesseract-layout",
            role="detector",
            factory=_build_layout,
            options=TesseractLayoutOptions,
            description="Tesseract's own page layout analysis: lines (with words), scored by Tesseract confidence.",
            extra="tesserocr",
        )
    ]


@hookimpl
def ocrplug_register_recognizers() -> list[ComponentSpec]:
    """The ``tesseract`` recognizer (in-process Tesseract on rectified crops)."""
    return [
        ComponentSpec(
            name="tesseract",
            role="recognizer",
            factory=_build_recognizer,
            options=TesseractRecognizerOptions,
            description="Tesseract on rectified region crops, in-process (tesserocr) with word boxes.",
            extra="tesserocr",
        )
    ]
