"""The plugin API: everything a plugin may import from the host, and nothing else.

A plugin (built-in or third-party) imports host names only from this module::

    from ocrplug.api import ComponentSpec, Detector, Options, PageImage, Region, hookimpl

Every other ``ocrplug`` module (the run loop, executors, sources, writing, the manifest, config
resolution, the CLI) is internal and may change without notice; ``tests/host/test_boundaries.py``
fails when a built-in plugin imports anything else. The names come in groups:

- hooks and components: :func:`hookimpl`, :class:`ComponentSpec`, :class:`Options`, the role bases
  (:class:`Rasterizer`, :class:`Detector`, :class:`Recognizer` and :class:`CropRecognizer` with
  :class:`CropReaderOptions`, :class:`Renderer`, :class:`SessionRenderer` and :class:`RenderSession`), :class:`DocumentInfo`, :class:`PageRange`,
  :func:`require`, :class:`CliCommand`;
- data: :class:`PageImage` (in), :class:`Region`, :class:`Page`, :class:`PageFailure`,
  :class:`Document` (out), ``Point`` / ``Quad`` (page pixels, origin top-left), ``SCHEMA_VERSION``;
- errors: the exception tree of :mod:`ocrplug.errors` and :class:`ExitCode` (plugin sub-commands
  return one);
- helpers: crops (:func:`crop_regions`, :class:`CropOptions`, ...), layout helpers, runtime helpers
  (devices, ONNX Runtime sessions, hashes, files shipped in wheels), thread limits, atomic writes.

The list is sorted and explicit (the pattern of pluggy's ``__init__.py``). No host module imports this
one, so importing it cannot start an import circle. The helpers that pull in OpenCV or the config
machinery are imported on first use (``_LAZY``), so loading plugins for ``ocrplug --help`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ocrplug import __version__
from ocrplug.commands import CliCommand
from ocrplug.components import (
    ComponentSpec,
    CropOptions,
    CropReaderOptions,
    Detector,
    DocumentInfo,
    Options,
    PageRange,
    Rasterizer,
    Recognizer,
    Renderer,
    RenderSession,
    SessionRenderer,
    require,
)
from ocrplug.errors import (
    ConfigError,
    ExitCode,
    InputError,
    MissingExtraError,
    OcrplugError,
    OutputError,
    PageError,
    PageReadError,
    PluginError,
    WeightsError,
)
from ocrplug.hookspecs import hookimpl
from ocrplug.model import SCHEMA_VERSION, Document, Page, PageFailure, PageImage, Point, Quad, Region

if TYPE_CHECKING:
    from ocrplug.cascade import CascadeOptions, CascadeRecognizer
    from ocrplug.config import LOW_DPI, load_yaml
    from ocrplug.crops import (
        Crop,
        LoneDash,
        add_background_margin,
        crop_regions,
        find_lone_dashes,
        paper_ink,
        to_gray,
        with_rotation,
    )
    from ocrplug.geometry import turn_jitter_deg
    from ocrplug.io.atomic import atomic_path, atomic_write, temporary_dir, write_bytes_atomic, write_text_atomic
    from ocrplug.layout import (
        INK_ENDS,
        LEVEL_ANGLE_DEG,
        LayoutOptions,
        is_laid_out,
        is_rtl,
        layout_page,
        synthesize_words,
        text_rows,
    )
    from ocrplug.levelling import LEVEL_DRIFT, level_tolerance_deg, written_angle_deg
    from ocrplug.lone_glyphs import find_lone_glyphs
    from ocrplug.pixels import pixels_to_uint8
    from ocrplug.recognition import CropRecognizer
    from ocrplug.runtime import (
        cache_home,
        file_sha256,
        load_derived_model,
        onnx_providers,
        onnx_session,
        package_file,
        quiet_quantization_hints,
        select_torch_device,
        torch_bf16_supported,
        verify_sha256,
    )
    from ocrplug.stamps import ColourViews, colour_views
    from ocrplug.threads import default_threads, safe_torch_threads
    from ocrplug.words import ink_directions

__all__ = [
    "INK_ENDS",
    "LEVEL_ANGLE_DEG",
    "LEVEL_DRIFT",
    "LOW_DPI",
    "SCHEMA_VERSION",
    "CascadeOptions",
    "CascadeRecognizer",
    "CliCommand",
    "ColourViews",
    "ComponentSpec",
    "ConfigError",
    "Crop",
    "CropOptions",
    "CropReaderOptions",
    "CropRecognizer",
    "Detector",
    "Document",
    "DocumentInfo",
    "ExitCode",
    "InputError",
    "LayoutOptions",
    "LoneDash",
    "MissingExtraError",
    "OcrplugError",
    "Options",
    "OutputError",
    "Page",
    "PageError",
    "PageFailure",
    "PageImage",
    "PageRange",
    "PageReadError",
    "PluginError",
    "Point",
    "Quad",
    "Rasterizer",
    "Recognizer",
    "Region",
    "RenderSession",
    "Renderer",
    "SessionRenderer",
    "WeightsError",
    "__version__",
    "add_background_margin",
    "atomic_path",
    "atomic_write",
    "cache_home",
    "colour_views",
    "crop_regions",
    "default_threads",
    "file_sha256",
    "find_lone_dashes",
    "find_lone_glyphs",
    "hookimpl",
    "ink_directions",
    "is_laid_out",
    "is_rtl",
    "layout_page",
    "level_tolerance_deg",
    "load_derived_model",
    "load_yaml",
    "onnx_providers",
    "onnx_session",
    "package_file",
    "paper_ink",
    "pixels_to_uint8",
    "quiet_quantization_hints",
    "require",
    "safe_torch_threads",
    "select_torch_device",
    "synthesize_words",
    "temporary_dir",
    "text_rows",
    "to_gray",
    "torch_bf16_supported",
    "turn_jitter_deg",
    "verify_sha256",
    "with_rotation",
    "write_bytes_atomic",
    "write_text_atomic",
    "written_angle_deg",
]

# Name -> host module, imported on first access (PEP 562): crops need OpenCV, config pulls in the
# plugin manager and YAML; neither is needed to register a plugin.
_LAZY: dict[str, str] = {
    "CropRecognizer": "ocrplug.recognition",
    **dict.fromkeys(("CascadeOptions", "CascadeRecognizer"), "ocrplug.cascade"),
    **dict.fromkeys(
        ("Crop", "LoneDash", "add_background_margin", "crop_regions", "find_lone_dashes", "paper_ink", "to_gray", "with_rotation"),
        "ocrplug.crops",
    ),
    "turn_jitter_deg": "ocrplug.geometry",
    "find_lone_glyphs": "ocrplug.lone_glyphs",
    "pixels_to_uint8": "ocrplug.pixels",
    **dict.fromkeys(("ColourViews", "colour_views"), "ocrplug.stamps"),
    **dict.fromkeys(("LEVEL_DRIFT", "level_tolerance_deg", "written_angle_deg"), "ocrplug.levelling"),
    **dict.fromkeys(("INK_ENDS", "LEVEL_ANGLE_DEG", "LayoutOptions", "is_laid_out", "is_rtl", "layout_page", "synthesize_words", "text_rows"), "ocrplug.layout"),
    **dict.fromkeys(
        ("atomic_path", "atomic_write", "temporary_dir", "write_bytes_atomic", "write_text_atomic"), "ocrplug.io.atomic"
    ),
    **dict.fromkeys(
        (
            "cache_home", "file_sha256", "load_derived_model", "onnx_providers", "onnx_session", "package_file",
            "quiet_quantization_hints", "select_torch_device", "torch_bf16_supported", "verify_sha256",
        ),
        "ocrplug.runtime",
    ),
    **dict.fromkeys(("default_threads", "safe_torch_threads"), "ocrplug.threads"),
    **dict.fromkeys(("LOW_DPI", "load_yaml"), "ocrplug.config"),
    "ink_directions": "ocrplug.words",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'ocrplug.api' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
