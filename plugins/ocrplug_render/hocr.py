"""The ``hocr`` renderer (hOCR 1.2, XHTML) and :func:`read_hocr`, a reader back into the page model.

One ``.hocr`` file per document: ``ocr_page`` > ``ocr_carea`` > ``ocr_par`` > ``ocr_line`` >
``ocrx_word``, each with its ``bbox``; words carry ``x_wconf`` (0-100), lines ``baseline`` when the
recognizer gave one and ``textangle`` when the text is rotated. A line or word with a polygon (a curved
line) also carries ``poly x1 y1 x2 y2 ...`` (hOCR 1.2's polygonal bounds, capability ``ocrp_poly``; the
``bbox`` stays, as the specification asks). Pages are serialized one at a time.
"""

from __future__ import annotations

import html
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pydantic import Field

from ocrplug.api import (
    LEVEL_ANGLE_DEG,
    Document,
    DocumentInfo,
    InputError,
    Options,
    Page,
    PageImage,
    Point,
    Region,
    RenderSession,
    is_rtl,
    written_angle_deg,
)
from ocrplug.api import __version__ as ocrplug_version
from ocrplug_render.common import (
    DocumentFileRenderer,
    LayoutLine,
    StreamedFile,
    baseline_points,
    int_box,
    output_path,
    page_layout,
    quad_angle_deg,
    xml_safe,
)

__all__ = ["HocrOptions", "HocrRenderer", "read_hocr", "render_hocr_page"]

CAPABILITIES = "ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf ocrp_lang ocrp_dir ocrp_poly"


class HocrOptions(Options):
    """Options of the ``hocr`` renderer."""

    lang: str | None = Field(
        None, description="language tag written as the document's lang (e.g. 'en', 'deu'); null to omit"
    )
    min_angle: float = Field(
        LEVEL_ANGLE_DEG, ge=0, le=45, description="write textangle on lines rotated by more than this many degrees"
    )
    suffix: str = Field(".hocr", description="file name suffix of the output, after the document stem")


def _title(**props: Any) -> str:
    parts: list[str] = []
    for key, value in props.items():
        if value is None:
            continue
        if key == "image":
            # Quoted; the file name must not break out of the quotes.
            parts.append(f'image "{str(value).replace(chr(34), "")}"')
        elif isinstance(value, (tuple, list)):
            parts.append(f"{key} " + " ".join(_num(v) for v in value))
        else:
            parts.append(f"{key} {_num(value)}")
    return "; ".join(parts)


def _num(value: Any) -> str:
    if isinstance(value, float):
        text = f"{value:.3f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return str(value)


def _baseline(line: LayoutLine, box: tuple[int, int, int, int]) -> tuple[float, float] | None:
    """hOCR ``baseline slope offset`` (relative to the line's bottom-left corner) if the model has one."""
    pts = baseline_points(line.region, box)
    if pts is None:
        return None
    (bx0, by0), (bx1, by1) = pts
    slope = (by1 - by0) / (bx1 - bx0) if bx1 != bx0 else 0.0
    return float(slope), float(by0 + slope * (box[0] - bx0) - box[3])


def _x_size(line: LayoutLine) -> float:
    """hOCR ``x_size`` of a line in page pixels: its text's size across its own direction, the mean of
    the quad's two sides that cross the text (TL -> BL, TR -> BR). The page box's height would be the
    line's length for a line turned 90 degrees, and the length times the sine of the skew added for a
    skewed one."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = line.quad
    return round((math.hypot(x3 - x0, y3 - y0) + math.hypot(x2 - x1, y2 - y1)) / 2, 1)


def _poly(points: Sequence[Point] | None, width: int, height: int) -> tuple[int, ...] | None:
    """hOCR ``poly`` values (integer page pixels, clipped to the page) of a polygon, or None without one."""
    if not points:
        return None
    out: list[int] = []
    for x, y in points:
        out += [min(max(round(x), 0), width), min(max(round(y), 0), height)]
    return tuple(out)


def render_hocr_page(page: Page, options: HocrOptions | None = None) -> ET.Element:
    """The ``ocr_page`` element of one page."""
    opts = options or HocrOptions()
    n = page.index + 1
    W, H = page.width, page.height
    res = page.resolution
    dpi = (round(res[0]), round(res[1])) if res else None
    root = ET.Element("div", {
        "class": "ocr_page",
        "id": f"page_{n}",
        "title": _title(image=page.source, bbox=(0, 0, W, H), ppageno=page.index,
                        scan_res=dpi),
    })
    counters = {"block": 0, "par": 0, "line": 0, "word": 0}

    def next_id(kind: str) -> str:
        counters[kind] += 1
        return f"{kind}_{n}_{counters[kind]}"

    for block in page_layout(page):
        bbox = int_box(block.bbox, W, H)
        carea = ET.SubElement(root, "div", {"class": "ocr_carea", "id": next_id("block"), "title": _title(bbox=bbox)})
        par_attrs = {"class": "ocr_par", "id": next_id("par"), "title": _title(bbox=bbox)}
        if is_rtl(block.text):
            par_attrs["dir"] = "rtl"
        par = ET.SubElement(carea, "p", par_attrs)
        for line in block.lines:
            lbox = int_box(line.bbox, W, H)
            angle = written_angle_deg(quad_angle_deg(line.quad), opts.min_angle, line.quad)
            props: dict[str, Any] = {"bbox": lbox, "poly": _poly(line.polygon, W, H), "baseline": _baseline(line, lbox)}
            if angle:
                props["textangle"] = round(angle, 2)
            props["x_size"] = _x_size(line)
            attrs = {"class": "ocr_line", "id": next_id("line"), "title": _title(**props)}
            if is_rtl(line.text) and "dir" not in par_attrs:
                attrs["dir"] = "rtl"
            span = ET.SubElement(par, "span", attrs)
            if not line.words:
                # A region without words (detector-only pipeline, or empty text): keep its box.
                span.text = xml_safe(line.text)
                continue
            for k, word in enumerate(line.words):
                if k:
                    span[-1].tail = " "
                wbox = int_box(word.bbox, W, H)
                conf = word.confidence
                wattrs = {
                    "class": "ocrx_word",
                    "id": next_id("word"),
                    "title": _title(bbox=wbox, poly=_poly(word.polygon, W, H),
                                    x_wconf=round(conf * 100) if conf is not None else None),
                }
                w = ET.SubElement(span, "span", wattrs)
                w.text = xml_safe(word.text or "")
    return root


def _header(lang: str | None) -> str:
    lang_attr = f' xml:lang="{html.escape(lang)}" lang="{html.escape(lang)}"' if lang else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n'
        '    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml"{lang_attr}>\n'
        " <head>\n"
        "  <title></title>\n"
        '  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>\n'
        f'  <meta name="ocr-system" content="ocrplug {ocrplug_version}"/>\n'
        f'  <meta name="ocr-capabilities" content="{CAPABILITIES}"/>\n'
        f'  <meta name="ocr-number-of-pages" content="{{pages}}"/>\n'
        " </head>\n"
        " <body>\n"
    )


class HocrSession(RenderSession):
    """Streams ``ocr_page`` elements into a temporary file."""

    def __init__(self, info: DocumentInfo, options: HocrOptions) -> None:
        """Open the temporary file and write the XHTML head."""
        self.options = options
        self.file = StreamedFile(output_path(info, options.suffix))
        self.file.write(_header(options.lang).replace("{pages}", str(info.page_count)))

    def add_page(self, page: Page, image: PageImage | None) -> None:
        """Serialize one page."""
        element = render_hocr_page(page, self.options)
        ET.indent(element, space=" ", level=2)
        # Words are inline: indentation inside a line would add spaces to the text, so strip it.
        for line in element.iter("span"):
            if line.get("class") == "ocr_line":
                for k, word in enumerate(line):
                    word.tail = " " if k < len(line) - 1 else None
                line.text = line.text if not len(line) else None
        self.file.write("  " + ET.tostring(element, encoding="unicode", short_empty_elements=False) + "\n")

    def close(self) -> list[Path]:
        """Close the body and rename the file into place."""
        self.file.write(" </body>\n</html>\n")
        return [self.file.commit()]

    def abort(self) -> None:
        """Drop the partial file."""
        self.file.discard()


class HocrRenderer(DocumentFileRenderer):
    """hOCR 1.2, one file per document."""

    options_model = HocrOptions
    session_class = HocrSession


# --------------------------------------------------------------------------------------------------
# Reading hOCR back

_LINE_CLASSES = {"ocr_line", "ocrx_line", "ocr_caption", "ocr_header", "ocr_textfloat", "ocr_separator"}
_BLOCK_CLASSES = {"ocr_par", "ocr_carea"}
_PROP = re.compile(r"\s*(\w+)\s+([^;]*)")


def parse_title(title: str) -> dict[str, Any]:
    """The properties of an hOCR ``title`` attribute (``bbox``, ``x_wconf``, ``image``...)."""
    props: dict[str, Any] = {}
    for part in title.split(";"):
        match = _PROP.match(part)
        if not match:
            continue
        key, value = match.group(1), match.group(2).strip()
        if key in ("image", "ppageno_name"):
            props[key] = value.strip('"')
            continue
        try:
            nums = [float(v) for v in value.split()]
        except ValueError:
            props[key] = value
            continue
        props[key] = nums[0] if len(nums) == 1 else nums
    return props


class _Node:
    def __init__(self, kind: str, props: dict[str, Any], tag: str) -> None:
        self.kind = kind
        self.props = props
        self.tag = tag
        self.children: list[_Node] = []
        self.text: list[str] = []


class _HocrParser(HTMLParser):
    """Builds a light tree of the hOCR elements we map to the page model."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pages: list[_Node] = []
        self.stack: list[tuple[str, _Node | None]] = []

    def _current(self) -> _Node | None:
        for _, node in reversed(self.stack):
            if node is not None:
                return node
        return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        classes = set(a.get("class", "").split())
        kind = None
        if "ocr_page" in classes:
            kind = "page"
        elif "ocrx_word" in classes:
            kind = "word"
        elif classes & _LINE_CLASSES:
            kind = "line"
        elif classes & _BLOCK_CLASSES:
            kind = "par" if "ocr_par" in classes else "carea"
        node = _Node(kind, parse_title(a.get("title", "")), tag) if kind else None
        if node is not None:
            parent = self._current()
            if kind == "page" or parent is None:
                if kind == "page":
                    self.pages.append(node)
            else:
                parent.children.append(node)
        if tag not in ("meta", "br", "img", "link", "input", "hr"):  # void elements have no end tag
            self.stack.append((tag, node))

    def handle_endtag(self, tag: str) -> None:
        # Pop to the matching tag (tolerates unclosed inline elements).
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        node = self._current()
        if node is not None and node.kind == "word":
            node.text.append(data)


def _box_quad(props: dict[str, Any]) -> tuple[tuple[float, float], ...] | None:
    bbox = props.get("bbox")
    if not isinstance(bbox, list) or len(bbox) != 4:
        return None
    x0, y0, x1, y1 = bbox
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def _poly_points(props: dict[str, Any]) -> tuple[tuple[float, float], ...] | None:
    poly = props.get("poly")
    if not isinstance(poly, list) or len(poly) < 6 or len(poly) % 2:
        return None
    return tuple(zip(poly[0::2], poly[1::2], strict=True))


def _to_region(node: _Node, order: int) -> Region | None:
    quad = _box_quad(node.props)
    if quad is None:
        return None
    polygon = _poly_points(node.props)
    if node.kind == "word":
        conf = node.props.get("x_wconf")
        text = "".join(node.text).strip()
        return Region(quad=quad, level="word", text=text, polygon=polygon,
                      confidence=min(max(float(conf) / 100, 0.0), 1.0) if conf is not None else None, order=order)
    children = _regions(node.children)
    if node.kind == "line":
        attrs: dict[str, Any] = {}
        if isinstance(node.props.get("baseline"), list):
            attrs["baseline"] = node.props["baseline"]
        text = " ".join(c.text for c in children if c.text) if children else None
        return Region(quad=quad, level="line", text=text, order=order, children=children, attributes=attrs,
                      polygon=polygon)
    # carea holding pars: the model has one block level, so the pars become the blocks.
    if node.kind == "carea" and any(c.kind == "par" for c in node.children):
        return None
    return Region(quad=quad, level="block", order=order, children=children)


def _regions(nodes: list[_Node]) -> tuple[Region, ...]:
    out: list[Region] = []
    for node in nodes:
        if node.kind == "carea" and any(c.kind == "par" for c in node.children):
            for sub in _regions(node.children):
                out.append(sub.with_(order=len(out)))
            continue
        region = _to_region(node, len(out))
        if region is not None:
            out.append(region)
    return tuple(out)


def read_hocr(path: str | Path) -> Document:
    """Read an hOCR file (ours, Tesseract's, ...) into a :class:`~ocrplug.model.Document`.

    ``ocr_par`` (or ``ocr_carea`` without paragraphs) becomes a block, ``ocr_line`` and its kin a
    line, ``ocrx_word`` a word with ``x_wconf / 100`` as confidence. Boxes are axis-aligned.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read hOCR file {path}: {exc}") from exc
    parser = _HocrParser()
    parser.feed(text)
    parser.close()
    pages: list[Page] = []
    for k, node in enumerate(parser.pages):
        bbox = node.props.get("bbox")
        if not isinstance(bbox, list) or len(bbox) != 4:
            raise InputError(f"hOCR file {path}: ocr_page {k + 1} has no bbox")
        res = node.props.get("scan_res")
        dpi = float(res[0] if isinstance(res, list) else res) if res is not None else None
        dpi_y = float(res[1]) if isinstance(res, list) and len(res) > 1 and float(res[1]) != dpi else None
        index = int(node.props.get("ppageno", k))
        pages.append(Page(index=index, width=int(bbox[2]), height=int(bbox[3]),
                          source=str(node.props.get("image", path.name)), dpi=dpi, dpi_y=dpi_y,
                          regions=_regions(node.children)))
    return Document(source=str(path), pages=tuple(pages))
