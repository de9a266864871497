"""The ``page`` renderer: PAGE XML (2019-07-15 schema), the format of Transkribus and eScriptorium.

PAGE holds one page per file, so a one-page document gives ``<stem>.page.xml`` and a longer one
``<stem>_p<NNNN>.page.xml`` per page. ``TextRegion`` > ``TextLine`` > ``Word``, each with ``Coords``
as a polygon (the model's polygon or quad, so rotated text keeps its shape), ``TextEquiv`` with
``conf``, a ``Baseline`` when the recognizer gave one and a ``ReadingOrder``.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from pydantic import Field

from ocrplug.api import (
    LEVEL_ANGLE_DEG,
    ConfigError,
    DocumentInfo,
    Options,
    Page,
    PageImage,
    Point,
    SessionRenderer,
    is_rtl,
    written_angle_deg,
)
from ocrplug.api import __version__ as ocrplug_version
from ocrplug_render.common import (
    PerPageFilesSession,
    baseline_points,
    median_angle_deg,
    page_layout,
    union_quad,
    utc_timestamp,
    xml_safe,
)

__all__ = ["PAGE_NS", "PageXmlOptions", "PageXmlRenderer", "render_page_xml"]

PAGE_NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
PAGE_SCHEMA = f"{PAGE_NS}/pagecontent.xsd"


class PageXmlOptions(Options):
    """Options of the ``page`` renderer."""

    image_filename: str = Field(
        "{name}",
        description="value of Page/@imageFilename; placeholders: {name} (file name of the input), "
        "{stem} (document stem), {page} (1-based page number, 4 digits)",
    )
    min_angle: float = Field(
        LEVEL_ANGLE_DEG, ge=0, le=45, description="write the orientation of regions rotated by more than this many degrees"
    )
    suffix: str = Field(".page.xml", description="file name suffix of the outputs")


def _points(pts: Sequence[Point], width: int, height: int) -> str:
    # PAGE points are non-negative integers inside the image.
    arr = np.clip(np.rint(np.asarray(pts, dtype=np.float64)), 0, [max(width - 1, 0), max(height - 1, 0)])
    return " ".join(f"{int(x)},{int(y)}" for x, y in arr)


def _text_equiv(parent: ET.Element, text: str | None, conf: float | None) -> None:
    if text is None:
        return
    attrs = {"conf": f"{conf:.4f}".rstrip("0").rstrip(".") or "0"} if conf is not None else {}
    te = ET.SubElement(parent, "TextEquiv", attrs)
    ET.SubElement(te, "Unicode").text = xml_safe(text)


def render_page_xml(page: Page, info: DocumentInfo, options: PageXmlOptions | None = None) -> ET.Element:
    """The ``PcGts`` root element of one page, with the PAGE namespace."""
    opts = options or PageXmlOptions()
    W, H = page.width, page.height
    now = utc_timestamp()
    try:
        image_name = opts.image_filename.format(name=Path(page.source).name, stem=info.stem, page=f"{page.index + 1:04d}")
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigError(f"page renderer option image_filename {opts.image_filename!r}: {exc}") from exc
    root = ET.Element("PcGts", {
        "xmlns": PAGE_NS,
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsi:schemaLocation": f"{PAGE_NS} {PAGE_SCHEMA}",
        "pcGtsId": f"pc_p{page.index + 1}",  # an xsd:ID; the stem may not be a valid one
    })
    meta = ET.SubElement(root, "Metadata")
    ET.SubElement(meta, "Creator").text = f"ocrplug {ocrplug_version}"
    ET.SubElement(meta, "Created").text = now
    ET.SubElement(meta, "LastChange").text = now
    pg = ET.SubElement(root, "Page", {"imageFilename": xml_safe(image_name), "imageWidth": str(W), "imageHeight": str(H)})
    blocks = page_layout(page)
    if blocks:
        ro = ET.SubElement(pg, "ReadingOrder")
        group = ET.SubElement(ro, "OrderedGroup", {"id": "ro_1"})
        for k in range(len(blocks)):
            ET.SubElement(group, "RegionRefIndexed", {"index": str(k), "regionRef": f"r{k + 1}"})
    for k, block in enumerate(blocks, start=1):
        rattrs = {"id": f"r{k}"}
        angle = written_angle_deg(
            median_angle_deg([ln.quad for ln in block.lines]), opts.min_angle,
            # level: the longest line's drift over its length; a turn: one line's box jitter (a block's
            # median over several lines has less)
            max((ln.quad for ln in block.lines), key=lambda q: math.dist(q[0], q[1])),
            turn_jitter=len(block.lines) == 1,
        )
        if angle:
            # PAGE: the clockwise rotation that would straighten the region, i.e. the text's
            # counter-clockwise angle, in the schema's range (-179.999, 180].
            rattrs["orientation"] = f"{180.0 - (180.0 - angle) % 360.0:.2f}"
        if is_rtl(block.text):
            rattrs["readingDirection"] = "right-to-left"
        region = ET.SubElement(pg, "TextRegion", rattrs)
        outline = block.region.outline if block.region is not None else union_quad([ln.quad for ln in block.lines])
        ET.SubElement(region, "Coords", {"points": _points(outline, W, H)})
        for j, line in enumerate(block.lines, start=1):
            lid = f"r{k}_l{j}"
            tl = ET.SubElement(region, "TextLine", {"id": lid})
            ET.SubElement(tl, "Coords", {"points": _points(line.polygon or line.quad, W, H)})
            base = baseline_points(line.region, line.bbox)
            if base is not None:
                ET.SubElement(tl, "Baseline", {"points": _points(base, W, H)})
            for i, word in enumerate(line.words, start=1):
                wel = ET.SubElement(tl, "Word", {"id": f"{lid}_w{i}"})
                ET.SubElement(wel, "Coords", {"points": _points(word.polygon or word.quad, W, H)})
                _text_equiv(wel, word.text, word.confidence)
            has_text = line.region is None or line.region.text is not None or bool(line.words)
            _text_equiv(tl, line.text if has_text else None, line.confidence)
        if any(ln.text for ln in block.lines):
            _text_equiv(region, block.text, None)
    return root


class PageXmlSession(PerPageFilesSession):
    """Writes one PAGE XML file per page as pages arrive."""

    options: PageXmlOptions


    def path_for(self, page: Page) -> Path:
        """``<stem>.page.xml`` for a one-page document, else ``<stem>_p<NNNN>.page.xml``."""
        name = self.info.stem if self.info.page_count == 1 else f"{self.info.stem}_p{page.index + 1:04d}"
        return Path(self.info.out_dir) / f"{name}{self.options.suffix}"

    def add_page(self, page: Page, image: PageImage | None) -> None:
        """Serialize and write one page atomically."""
        root = render_page_xml(page, self.info, self.options)
        ET.indent(root, space=" ")
        text = '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
        path = self.path_for(page)
        with self.page_file(path) as tmp:
            tmp.write_text(text, encoding="utf-8")


class PageXmlRenderer(SessionRenderer):
    """PAGE XML 2019, one file per page."""

    options_model = PageXmlOptions
    session_class = PageXmlSession
    options: PageXmlOptions

    def planned_outputs(self, info: DocumentInfo) -> list[Path]:
        """The PAGE files ``open(info)`` writes (pages 1..page_count)."""
        session = PageXmlSession(info, self.options)
        return [session.path_for(Page(index=i, width=1, height=1, source=info.source)) for i in range(info.page_count)]
