"""A curved line's polygon (Region.polygon) in every renderer's output: overlay, PAGE, ALTO, hOCR, JSON."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET

import numpy as np
from ocrplug_render.alto import ALTO_NS, AltoOptions, AltoRenderer
from ocrplug_render.hocr import HocrRenderer, parse_title, read_hocr
from ocrplug_render.json import JsonRenderer
from ocrplug_render.overlay import OverlayOptions, draw_overlay
from ocrplug_render.page import PAGE_NS, PageXmlRenderer

from ocrplug.model import Document, Page, Region

from .conftest import schema_path
from .samples import render


def _arc_line() -> Region:
    """A line on an arc (centre (320, 420), radii 240 and 270: text 30 px high) with two words."""
    angles = np.linspace(math.radians(-150), math.radians(-30), 12)
    outer = [(320 + 270 * math.cos(a), 420 + 270 * math.sin(a)) for a in angles]
    inner = [(320 + 240 * math.cos(a), 420 + 240 * math.sin(a)) for a in angles[::-1]]
    polygon = tuple(outer + inner)
    quad = ((86.0, 150.0), (554.0, 150.0), (554.0, 300.0), (86.0, 300.0))
    words = (
        Region(quad=((90, 200), (300, 150), (300, 180), (100, 230)), level="word", text="curved", confidence=0.9),
        Region(quad=((340, 150), (550, 200), (540, 230), (340, 180)), level="word", text="line", confidence=0.8,
               order=1),
    )
    return Region(quad=quad, polygon=polygon, level="line", text="curved line", confidence=0.85, children=words)


def _document() -> Document:
    block = Region(quad=((80, 140), (560, 140), (560, 310), (80, 310)), level="block", children=(_arc_line(),))
    return Document(source="arc.png", pages=(Page(index=0, width=640, height=480, regions=(block,), source="arc.png"),))


def _int_points(text: str, sep: str = ",") -> list[tuple[int, int]]:
    return [tuple(int(float(v)) for v in p.split(sep)) for p in text.split()]  # type: ignore[misc]


def _rounded(polygon) -> list[tuple[int, int]]:
    return [(round(x), round(y)) for x, y in polygon]


def test_overlay_draws_the_arc_not_the_quad() -> None:
    line = _arc_line()
    out = draw_overlay(Page(index=0, width=640, height=480, regions=(line,), source="arc.png"), np.full((480, 640, 3), 255, np.uint8),
                       OverlayOptions(line_color="red", levels=["line"]))
    red = (out == (255, 0, 0)).all(axis=2)
    top = (320 + 270 * math.cos(math.radians(-90)), 420 + 270 * math.sin(math.radians(-90)))  # (320, 150)
    left_end = line.polygon[0]
    for x, y in (top, left_end):
        assert red[round(y) - 1 : round(y) + 2, round(x) - 1 : round(x) + 2].any()
    # The quad's bottom-left corner (86, 300) is far from the arc: no outline there.
    assert not red[295:305, 80:92].any()


def test_page_xml_line_coords_are_the_polygon_and_validate(info) -> None:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(schema_path("pagecontent-2019-07-15.xsd"))))
    (path,) = render(PageXmlRenderer(), _document(), info)
    doc = etree.parse(str(path))
    schema.assertValid(doc)
    coords = doc.find(".//p:TextLine/p:Coords", namespaces={"p": PAGE_NS}).get("points")
    assert _int_points(coords) == _rounded(_arc_line().polygon)


def test_alto_line_shape_is_the_polygon_and_validates(info) -> None:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(schema_path("alto-4-4-local.xsd"))))
    (path,) = render(AltoRenderer(AltoOptions(measurement_unit="pixel")), _document(), info)
    doc = etree.parse(str(path))
    schema.assertValid(doc)
    ns = {"a": ALTO_NS}
    points = doc.find(".//a:TextLine/a:Shape/a:Polygon", namespaces=ns).get("POINTS")
    assert _int_points(points) == _rounded(_arc_line().polygon)
    line = doc.find(".//a:TextLine", namespaces=ns)
    # The line's box holds the whole arc.
    assert int(line.get("VPOS")) <= 150 and int(line.get("VPOS")) + int(line.get("HEIGHT")) >= 300


def test_hocr_line_has_bbox_and_poly_and_reads_back(info) -> None:
    (path,) = render(HocrRenderer(), _document(), info)
    root = ET.parse(path).getroot()
    ns = "{http://www.w3.org/1999/xhtml}"
    caps = next(m.get("content") for m in root.iter(f"{ns}meta") if m.get("name") == "ocr-capabilities")
    assert "ocrp_poly" in caps.split()
    line = next(s for s in root.iter(f"{ns}span") if s.get("class") == "ocr_line")
    props = parse_title(line.get("title"))
    assert len(props["bbox"]) == 4
    poly = [int(v) for v in props["poly"]]
    assert list(zip(poly[0::2], poly[1::2], strict=True)) == _rounded(_arc_line().polygon)
    back = read_hocr(path)
    (read_line,) = [r for r in back.pages[0].regions[0].walk() if r[0].level == "line"]
    assert _rounded(read_line[0].polygon) == _rounded(_arc_line().polygon)


def test_json_keeps_the_polygon(info) -> None:
    (path,) = render(JsonRenderer(), _document(), info)
    data = json.loads(path.read_text())
    line = data["pages"][0]["regions"][0]["children"][0]
    assert [tuple(p) for p in line["polygon"]] == list(_arc_line().polygon)
