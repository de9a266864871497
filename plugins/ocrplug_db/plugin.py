"""Hook implementations of the built-in ``db`` plugin: the DBNet (PP-OCR) text detector."""

from __future__ import annotations

from ocrplug.api import ComponentSpec, hookimpl
from ocrplug_db.detector import DbOptions


def _build(options: DbOptions) -> object:
    # Imported here so that listing plugins never loads onnxruntime.
    from ocrplug_db.detector import DbDetector

    return DbDetector(options)


@hookimpl
def ocrplug_register_detectors() -> list[ComponentSpec]:
    """The ``db`` detector: PP-OCR's Differentiable Binarization network on onnxruntime, line level."""
    return [
        ComponentSpec(
            name="db",
            role="detector",
            factory=_build,
            options=DbOptions,
            description="DBNet (PP-OCR detection model from the rapidocr wheel) on onnxruntime: fast line "
            "detection for documents; rotated rectangles or polygons.",
            extra="db",
        )
    ]
