"""The ``alto`` renderer: ALTO XML v4 (validates against the ALTO 4.4 schema), one file per document.

``Page`` > ``PrintSpace`` > ``TextBlock`` > ``TextLine`` > ``String`` / ``SP``, positions in the
declared ``MeasurementUnit`` (pixel, mm10 = 1/10 mm, inch1200 = 1/1200 inch), ``WC`` word
confidences in [0, 1], ``ROTATION`` on rotated blocks and a ``Shape``/``Polygon`` where an outline is
not an axis-aligned rectangle. Pages are serialized one at a time.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import Field

from ocrplug.api import (
    LEVEL_ANGLE_DEG,
    DocumentInfo,
    Options,
    Page,
    PageImage,
    Point,
    RenderSession,
    is_rtl,
    written_angle_deg,
)
from ocrplug.api import __version__ as ocrplug_version
from ocrplug_render.common import (
    DocumentFileRenderer,
    StreamedFile,
    baseline_points,
    bbox_of,
    median_angle_deg,
    output_path,
    page_layout,
    quad_angle_deg,
    utc_timestamp,
    xml_safe,
)

__all__ = ["ALTO_NS", "AltoOptions", "AltoRenderer", "render_alto_page"]

ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"
ALTO_SCHEMA = "http://www.loc.gov/alto/v4/alto-4-4.xsd"


class AltoOptions(Options):
    """Options of the ``alto`` renderer."""

    measurement_unit: Literal["pixel", "mm10", "inch1200"] = Field(
        "pixel", description="unit of all positions: pixel, mm10 (1/10 mm) or inch1200 (1/1200 inch)"
    )
    dpi: float = Field(
        300.0, gt=0, description="resolution assumed for mm10/inch1200 when a page does not state its dpi"
    )
    min_angle: float = Field(
        LEVEL_ANGLE_DEG, ge=0, le=45, description="write ROTATION and Shape polygons for text rotated by more than this many degrees"
    )
    lang: str | None = Field(None, description="xsd:language tag written on each TextBlock (e.g. 'en'); null to omit")
    suffix: str = Field(".alto.xml", description="file name suffix of the output, after the document stem")


class _Units:
    """Converts page pixels to the declared measurement unit and formats numbers."""

    def __init__(self, unit: str, dpi: float, dpi_y: float | None = None) -> None:
        self.unit = unit
        # Each axis has its own resolution (a 204 x 98 dpi fax): x uses ``dpi``, y uses ``dpi_y``.
        self.factor = {"pixel": 1.0, "mm10": 254.0 / dpi, "inch1200": 1200.0 / dpi}[unit]
        dy = dpi_y or dpi
        self.factor_y = {"pixel": 1.0, "mm10": 254.0 / dy, "inch1200": 1200.0 / dy}[unit]

    def num(self, value: float, vertical: bool = False) -> str:
        v = max(value, 0.0) * (self.factor_y if vertical else self.factor)
        if self.unit == "pixel":
            return str(round(v))
        return f"{v:.2f}".rstrip("0").rstrip(".")

    def box(self, box: tuple[float, float, float, float]) -> dict[str, str]:
        x0, y0, x1, y1 = box
        if self.unit == "pixel":
            # Round the edges, not the size, so neighbouring boxes do not drift apart.
            left, top, right, bottom = (round(max(v, 0.0)) for v in box)
            return {"HPOS": str(left), "VPOS": str(top), "WIDTH": str(max(right - left, 0)),
                    "HEIGHT": str(max(bottom - top, 0))}
        return {
            "HPOS": self.num(x0),
            "VPOS": self.num(y0, vertical=True),
            "WIDTH": self.num(max(x1 - x0, 0.0)),
            "HEIGHT": self.num(max(y1 - y0, 0.0), vertical=True),
        }

    def points(self, pts: Sequence[Point]) -> str:
        return " ".join(f"{self.num(x)},{self.num(y, vertical=True)}" for x, y in pts)


def _shape(parent: ET.Element, pts: Sequence[Point], units: _Units) -> None:
    shape = ET.SubElement(parent, "Shape")
    ET.SubElement(shape, "Polygon", {"POINTS": units.points(pts)})


def _needs_shape(pts: Sequence[Point], min_angle: float) -> bool:
    """Whether an outline is not (close to) an axis-aligned rectangle."""
    if len(pts) != 4:
        return True
    quad = tuple(pts)
    return written_angle_deg(quad_angle_deg(quad), min_angle, quad, turn_jitter=False) != 0.0  # type: ignore[arg-type]


def render_alto_page(page: Page, options: AltoOptions | None = None) -> ET.Element:
    """The ``Page`` element of one page (namespace-less; the document root declares ALTO's)."""
    opts = options or AltoOptions()
    res = page.resolution or (opts.dpi, opts.dpi)
    units = _Units(opts.measurement_unit, res[0], res[1])
    n = page.index + 1
    W, H = float(page.width), float(page.height)
    clip = np.array([W, H])

    def bounds(outlines: Sequence[Sequence[Point]]) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = bbox_of(outlines)
        return (min(max(x0, 0), W), min(max(y0, 0), H), min(max(x1, 0), W), min(max(y1, 0), H))

    def clipped(pts: Sequence[Point]) -> list[Point]:
        arr = np.clip(np.asarray(pts, dtype=np.float64), 0, clip)
        return [(float(x), float(y)) for x, y in arr]

    el = ET.Element("Page", {
        "ID": f"page_{n}", "PHYSICAL_IMG_NR": str(n), "WIDTH": units.num(W), "HEIGHT": units.num(H, vertical=True),
    })
    space = ET.SubElement(el, "PrintSpace", {"HPOS": "0", "VPOS": "0", "WIDTH": units.num(W), "HEIGHT": units.num(H, vertical=True)})
    counts = {"block": 0, "line": 0, "word": 0, "sp": 0}

    def next_id(kind: str) -> str:
        counts[kind] += 1
        return f"p{n}_{kind}_{counts[kind]}"

    for block in page_layout(page):
        attrs = {"ID": next_id("block"), **units.box(bounds([ln.quad for ln in block.lines]
                                                            + ([block.region.outline] if block.region else [])))}
        angle = written_angle_deg(
            median_angle_deg([ln.quad for ln in block.lines]), opts.min_angle,
            # level: the longest line's drift over its length; a turn: one line's box jitter (a block's
            # median over several lines has less)
            max((ln.quad for ln in block.lines), key=lambda q: math.dist(q[0], q[1])),
            turn_jitter=len(block.lines) == 1,
        )
        if angle:
            attrs["ROTATION"] = f"{angle:.2f}"
        if opts.lang:
            attrs["LANG"] = opts.lang
        if is_rtl(block.text):
            attrs["BASEDIRECTION"] = "rtl"
        tb = ET.SubElement(space, "TextBlock", attrs)
        if block.region is not None and _needs_shape(block.region.outline, opts.min_angle):
            _shape(tb, clipped(block.region.outline), units)
        for line in block.lines:
            outline = line.polygon or line.quad
            lbox = bounds([outline, *(w.quad for w in line.words)])
            lattrs = {"ID": next_id("line"), **units.box(lbox)}
            base = baseline_points(line.region, lbox)
            if base is not None:
                lattrs["BASELINE"] = units.points(clipped(base))
            tl = ET.SubElement(tb, "TextLine", lattrs)
            if _needs_shape(outline, opts.min_angle):
                _shape(tl, clipped(outline), units)
            words = line.words
            if not words:
                # ALTO needs at least one String per line; a region without text gets an empty one.
                ET.SubElement(tl, "String", {"ID": next_id("word"), "CONTENT": xml_safe(line.text), **units.box(lbox)})
                continue
            prev: tuple[float, float, float, float] | None = None
            for word in words:
                woutline = word.polygon or word.quad
                wbox = bounds([word.quad, woutline])
                if prev is not None:
                    # The space lies between the two words on screen: after the previous one for
                    # left-to-right text, before it (to its left) for right-to-left text.
                    if wbox[0] >= prev[2] or wbox[2] > prev[0]:
                        left, right = prev[2], max(wbox[0], prev[2])
                    else:
                        left, right = wbox[2], prev[0]
                    ET.SubElement(tl, "SP", {"WIDTH": units.num(right - left), "HPOS": units.num(left),
                                             "VPOS": units.num(lbox[1], vertical=True)})
                wattrs = {"ID": next_id("word"), "CONTENT": xml_safe(word.text or ""), **units.box(wbox)}
                if word.confidence is not None:
                    wattrs["WC"] = f"{word.confidence:.3f}".rstrip("0").rstrip(".") or "0"
                st = ET.SubElement(tl, "String", wattrs)
                if _needs_shape(woutline, opts.min_angle):
                    _shape(st, clipped(woutline), units)
                prev = wbox
    return el


def _header(info: DocumentInfo, options: AltoOptions) -> str:
    desc = ET.Element("Description")
    ET.SubElement(desc, "MeasurementUnit").text = options.measurement_unit
    src = ET.SubElement(desc, "sourceImageInformation")
    ET.SubElement(src, "fileName").text = xml_safe(info.source)
    proc = ET.SubElement(desc, "Processing", {"ID": "ocrplug_processing"})
    ET.SubElement(proc, "processingCategory").text = "contentGeneration"
    ET.SubElement(proc, "processingDateTime").text = utc_timestamp()
    soft = ET.SubElement(proc, "processingSoftware")
    ET.SubElement(soft, "softwareName").text = "ocrplug"
    ET.SubElement(soft, "softwareVersion").text = ocrplug_version
    ET.indent(desc, space=" ", level=1)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<alto xmlns="{ALTO_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'xsi:schemaLocation="{ALTO_NS} {ALTO_SCHEMA}">\n'
        " " + ET.tostring(desc, encoding="unicode") + "\n"
        " <Layout>\n"
    )


class AltoSession(RenderSession):
    """Streams ``Page`` elements into a temporary file."""

    def __init__(self, info: DocumentInfo, options: AltoOptions) -> None:
        """Open the temporary file and write the ALTO header and description."""
        self.options = options
        self.file = StreamedFile(output_path(info, options.suffix))
        self.file.write(_header(info, options))

    def add_page(self, page: Page, image: PageImage | None) -> None:
        """Serialize one page."""
        element = render_alto_page(page, self.options)
        ET.indent(element, space=" ", level=2)
        self.file.write("  " + ET.tostring(element, encoding="unicode") + "\n")

    def close(self) -> list[Path]:
        """Close the document and rename the file into place."""
        self.file.write(" </Layout>\n</alto>\n")
        return [self.file.commit()]

    def abort(self) -> None:
        """Drop the partial file."""
        self.file.discard()


class AltoRenderer(DocumentFileRenderer):
    """ALTO XML v4, one file per document."""

    options_model = AltoOptions
    session_class = AltoSession
