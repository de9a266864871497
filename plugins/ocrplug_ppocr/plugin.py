"""Hook implementations of the built-in ``ppocr`` plugin: the PP-OCR CRNN recognizer on ONNX Runtime.

Module imports stay light; onnxruntime and the model are loaded by the factory.
"""

from __future__ import annotations

from ocrplug.api import CascadeOptions, CascadeRecognizer, ComponentSpec, Options, hookimpl

from .options import PPOCRRecognizerOptions


def _build(options: Options) -> object:
    from .recognizer import PPOCRRecognizer

    assert isinstance(options, PPOCRRecognizerOptions)
    return PPOCRRecognizer(options)


@hookimpl
def ocrplug_register_recognizers() -> list[ComponentSpec]:
    """The ``ppocr`` recognizer (PP-OCR recognition model from the rapidocr wheel, run directly)."""
    return [
        ComponentSpec(
            name="ppocr",
            role="recognizer",
            factory=_build,
            options=PPOCRRecognizerOptions,
            description="PP-OCR CRNN/SVTR recognition ONNX model (shipped in rapidocr), CTC greedy, batched by width.",
            extra="ppocr",
        ),
        # The host's composite (ocrplug.cascade); offered here because its default pair ends in ppocr.
        ComponentSpec(
            name="cascade",
            role="recognizer",
            factory=CascadeRecognizer,
            options=CascadeOptions,
            description="A cheap recognizer reads every region, a stronger one re-reads those it reads "
            "with low confidence (default: tesseract, then ppocr).",
        ),
    ]
