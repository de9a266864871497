"""Hook implementations of the built-in ``trocr`` plugin: the TrOCR recognizer and ``ocrplug trocr``.

Module imports stay light; torch, transformers and onnxruntime are loaded by the factory / command.
"""

from __future__ import annotations

from ocrplug.api import CliCommand, ComponentSpec, Options, hookimpl

from .cli import configure, run
from .options import TrOCRRecognizerOptions


def _build(options: Options) -> object:
    from .recognizer import TrOCRRecognizer

    assert isinstance(options, TrOCRRecognizerOptions)
    return TrOCRRecognizer(options)


@hookimpl
def ocrplug_register_recognizers() -> list[ComponentSpec]:
    """The ``trocr`` recognizer (transformers VisionEncoderDecoderModel, or its ONNX export)."""
    return [
        ComponentSpec(
            name="trocr",
            role="recognizer",
            factory=_build,
            options=TrOCRRecognizerOptions,
            description="TrOCR (transformers VisionEncoderDecoderModel) on rectified crops, batched; ONNX Runtime path.",
            extra="trocr",
        )
    ]


@hookimpl
def ocrplug_cli_commands() -> list[CliCommand]:
    """``ocrplug trocr export-onnx MODEL OUT_DIR``."""
    return [CliCommand(name="trocr", help="TrOCR tools (export-onnx)", configure=configure, run=run)]
