"""ocrplug as an OCRmyPDF OCR engine: ``ocrmypdf --ocr-engine ocrplug in.pdf out.pdf``.

OCRmyPDF (https://ocrmypdf.readthedocs.io) rasterizes each page, asks its OCR engine for the page's
text and positions, and grafts an invisible text layer onto the page. This package is an OCRmyPDF
plugin whose engine runs an ocrplug :class:`~ocrplug.pipeline.Pipeline` (detector, recognizer) on each
page image and answers with OCRmyPDF 17's OCR element tree (``OcrEngine.generate_ocr``), which
OCRmyPDF's own fpdf2 renderer turns into the text layer. Modules: :mod:`.options` (the
``--ocrplug-*`` flags and the ocrplug config they select), :mod:`.tree` (page model -> element tree),
:mod:`.engine` (the ``OcrEngine``, one pipeline per worker); the hooks live here.

Two ways to load it (see ``docs/ocrmypdf.md``):

- Installed (``pip install -e '.[ocrmypdf]'`` in the checkout): OCRmyPDF loads every plugin of its ``ocrmypdf``
  entry-point group, so this package's :data:`installed` hooks are always present but stay passive
  until the user chooses ``--ocr-engine ocrplug``; Tesseract remains OCRmyPDF's ``auto`` engine.
- Named: ``ocrmypdf --plugin ocrplug.integrations.ocrmypdf`` registers this package itself, and then
  ocrplug is also the ``auto`` engine (as OCRmyPDF-EasyOCR does when it is named).

Models are built once per OCRmyPDF worker process (on its first page), never per page. Each worker's
components get ``cpu_count // jobs`` threads (at least 1): as their ``threads`` option when they have
one, else through ``OCRPLUG_WORKER_THREADS`` (ONNX Runtime components, the share ocrplug's own
``--jobs`` workers use) and ``OMP_NUM_THREADS`` (torch), so the engine adds no parallelism of its own.
``--rotate-pages`` is answered by ocrplug's own page orientation (``--ocrplug-orientation tesseract``:
Tesseract's OSD). ``--ocrplug-output hocr`` answers with hOCR from ocrplug's ``hocr`` renderer instead
(the same text layer; see ``docs/benchmarks.md``).
"""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from pydantic import BaseModel, ValidationError

from ocrplug.errors import MissingExtraError, OcrplugError

try:
    from ocrmypdf import hookimpl
    from ocrmypdf.exceptions import BadArgsError
except ImportError as _exc:  # pragma: no cover - exercised only without the extra
    raise MissingExtraError("ocrmypdf integration", "ocrmypdf", "ocrmypdf") from _exc

from ocrplug.integrations.ocrmypdf.engine import OcrplugEngine
from ocrplug.integrations.ocrmypdf.options import (
    ENGINE_NAME,
    OcrplugOptions,
    add_arguments,
    pipeline_config,
    plugin_options,
    selected,
)
from ocrplug.integrations.ocrmypdf.tree import page_to_ocr_tree, sidecar_text, tree_text

__all__ = [
    "ENGINE_NAME",
    "OcrplugEngine",
    "OcrplugOptions",
    "add_options",
    "check_options",
    "get_ocr_engine",
    "installed",
    "page_to_ocr_tree",
    "pipeline_config",
    "register_options",
    "sidecar_text",
    "tree_text",
]


def _check_options(options: Any, claim_auto: bool) -> None:
    if not selected(options, claim_auto):
        return
    if getattr(options, "pdf_renderer", "auto") == "sandwich":
        raise BadArgsError("--pdf-renderer sandwich is not supported by the ocrplug engine; use the default (auto)")
    try:
        # Validates the job and every component's options (no model is loaded yet).
        from ocrplug.config import validate_config
        from ocrplug.processing import PageProcessor

        opts = plugin_options(options)
        source = opts.config or "<ocrplug default pipeline>"
        # The job is layered already (pipeline_config): a stage it leaves out is off, not the default's.
        PageProcessor(validate_config(pipeline_config(opts, list(getattr(options, "languages", None) or ())), source),
                      source=source)
    except OcrplugError as exc:
        raise BadArgsError(f"ocrplug: {exc}") from exc
    except ValidationError as exc:  # an --ocrplug-* value out of range (e.g. --ocrplug-threads 0)
        errors = "; ".join(f"--ocrplug-{'-'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise BadArgsError(f"ocrplug: {errors}") from exc


def _engine(options: Any, claim_auto: bool) -> OcrplugEngine | None:
    if not selected(options, claim_auto):
        return None
    return OcrplugEngine(plugin_options(options).output if options is not None else "tree")


# Hooks of the package itself, registered by `ocrmypdf --plugin ocrplug.integrations.ocrmypdf`: naming
# the plugin also makes ocrplug the `auto` engine.


@hookimpl
def add_options(parser: ArgumentParser) -> None:
    """Add the ``--ocrplug-*`` flags and the ``ocrplug`` choice of ``--ocr-engine``."""
    add_arguments(parser)


@hookimpl
def register_options() -> dict[str, type[BaseModel]]:
    """The ``ocrplug`` option namespace."""
    return {ENGINE_NAME: OcrplugOptions}


@hookimpl
def check_options(options: Any) -> None:
    """Validate the ocrplug job and component options up front (OCRmyPDF exit code 1 on error)."""
    _check_options(options, claim_auto=True)


@hookimpl(tryfirst=True)
def get_ocr_engine(options: Any) -> OcrplugEngine | None:
    """The ocrplug engine for ``--ocr-engine ocrplug`` or ``auto``; None otherwise."""
    return _engine(options, claim_auto=True)


class _InstalledPlugin:
    """The hooks OCRmyPDF loads from the ``ocrmypdf`` entry point of an installed ocrplug.

    Passive unless ``--ocr-engine ocrplug`` is given, so installing ocrplug does not change what
    plain ``ocrmypdf`` runs do. When the package is also named with ``--plugin``, this object leaves
    the plugin manager in ``initialize``, so flags and the option namespace are registered once.
    """

    @hookimpl
    def initialize(self, plugin_manager: Any) -> None:
        """Step aside when ``--plugin ocrplug.integrations.ocrmypdf`` registered the package too."""
        if plugin_manager.is_registered(sys.modules[__name__]):
            plugin_manager.unregister(self)

    @hookimpl
    def add_options(self, parser: ArgumentParser) -> None:
        """Add the ``--ocrplug-*`` flags and the ``ocrplug`` choice of ``--ocr-engine``."""
        add_arguments(parser)

    @hookimpl
    def register_options(self) -> dict[str, type[BaseModel]]:
        """The ``ocrplug`` option namespace."""
        return {ENGINE_NAME: OcrplugOptions}

    @hookimpl
    def check_options(self, options: Any) -> None:
        """Validate the ocrplug job when ``--ocr-engine ocrplug`` is chosen."""
        _check_options(options, claim_auto=False)

    @hookimpl(tryfirst=True)
    def get_ocr_engine(self, options: Any) -> OcrplugEngine | None:
        """The ocrplug engine for ``--ocr-engine ocrplug`` only."""
        return _engine(options, claim_auto=False)


installed = _InstalledPlugin()
"""Target of ocrplug's ``ocrmypdf`` entry point (``ocrplug.integrations.ocrmypdf:installed``)."""
