"""Hook implementations of the built-in ``render`` plugin: text, json, overlay, hocr, alto, page, pdf.

Each renderer module is imported only when its options or factory are needed; the options models are
light (pydantic only), the heavy libraries (OpenCV, pikepdf) are imported inside the renderers.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from ocrplug.api import ComponentSpec, hookimpl

# (name, module, options class, renderer class, extra or None, description)
_RENDERERS: tuple[tuple[str, str, str, str, str | None, str], ...] = (
    ("text", "text", "TextOptions", "TextRenderer", None, "plain text in reading order, one .txt per document"),
    ("json", "json", "JsonOptions", "JsonRenderer", None,
     "the full page model (Document.to_dict) as JSON, one .json per document"),
    ("overlay", "overlay", "OverlayOptions", "OverlayRenderer", None,
     "page images with the regions drawn (PNG or JPEG per page)"),
    ("hocr", "hocr", "HocrOptions", "HocrRenderer", None, "hOCR 1.2 (XHTML), one .hocr per document"),
    ("alto", "alto", "AltoOptions", "AltoRenderer", None, "ALTO XML v4.4, one .alto.xml per document"),
    ("page", "page", "PageXmlOptions", "PageXmlRenderer", None, "PAGE XML 2019, one .page.xml per page"),
    ("pdf", "pdf", "PdfOptions", "PdfRenderer", "render",
     "searchable PDF: page images with an invisible text layer, one .pdf per document"),
)


def _factory(module: str, cls: str) -> Callable[[Any], Any]:
    def build(options: Any) -> Any:
        renderer = getattr(importlib.import_module(f"ocrplug_render.{module}"), cls)
        return renderer(options)

    build.__name__ = f"build_{module}_renderer"
    return build


@hookimpl
def ocrplug_register_renderers() -> list[ComponentSpec]:
    """The renderers of this plugin."""
    specs = []
    for name, module, options, cls, extra, description in _RENDERERS:
        mod = importlib.import_module(f"ocrplug_render.{module}")
        specs.append(ComponentSpec(name=name, role="renderer", factory=_factory(module, cls),
                                   options=getattr(mod, options), description=description, extra=extra))
    return specs
