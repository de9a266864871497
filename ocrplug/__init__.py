"""ocrplug: a pluggy host for OCR pipelines (detectors, recognizers, renderers, rasterizers).

This package exports what users of the Python API need (:class:`Pipeline`, the data model, the errors).
Plugins import from :mod:`ocrplug.api`, the one list of host names a plugin may use; every other module
under ``ocrplug/`` is internal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ocrplug.commands import CliCommand
from ocrplug.components import (
    ComponentSpec,
    Detector,
    DocumentInfo,
    Options,
    PageRange,
    Rasterizer,
    Recognizer,
    Renderer,
    RenderSession,
    require,
)
from ocrplug.errors import (
    ConfigError,
    InputError,
    MissingExtraError,
    OcrplugError,
    OutputError,
    PageError,
    PluginError,
    WeightsError,
)
from ocrplug.hookspecs import hookimpl
from ocrplug.model import SCHEMA_VERSION, Document, Page, PageFailure, PageImage, Region
from ocrplug.runtime import disable_onnxruntime_telemetry

disable_onnxruntime_telemetry()  # before any plugin imports onnxruntime

if TYPE_CHECKING:
    from ocrplug.pipeline import Pipeline

__version__ = "0.1.0"

__all__ = [
    "SCHEMA_VERSION",
    "CliCommand",
    "ComponentSpec",
    "ConfigError",
    "Detector",
    "Document",
    "DocumentInfo",
    "InputError",
    "MissingExtraError",
    "OcrplugError",
    "Options",
    "OutputError",
    "Page",
    "PageError",
    "PageFailure",
    "PageImage",
    "PageRange",
    "Pipeline",
    "PluginError",
    "Rasterizer",
    "Recognizer",
    "Region",
    "RenderSession",
    "Renderer",
    "WeightsError",
    "__version__",
    "hookimpl",
    "require",
]


def __getattr__(name: str) -> Any:
    # The pipeline pulls in YAML and the plugin manager; import it on first use.
    if name == "Pipeline":
        from ocrplug.pipeline import Pipeline

        return Pipeline
    raise AttributeError(f"module 'ocrplug' has no attribute {name!r}")
