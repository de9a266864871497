"""hOCR, ALTO and PAGE XML: read by real consumers (HTML parser, lxml + XSD, OCRmyPDF), escaping, Unicode."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from ocrplug_render.alto import ALTO_NS, AltoOptions, AltoRenderer
from ocrplug_render.common import iter_words, page_layout
from ocrplug_render.hocr import HocrOptions, HocrRenderer, parse_title, read_hocr
from ocrplug_render.page import PAGE_NS, PageXmlOptions, PageXmlRenderer

from ocrplug.components import DocumentInfo
from ocrplug.model import Document, Page, Region

from .conftest import schema_path
from .samples import ACCENTED, CJK, RTL, SPECIAL, render, rotated_quad, sample_document, sample_page

ALL_TEXT = ["Hello", "wörld", *ACCENTED.split(), *CJK.split(), *SPECIAL.split(), *RTL.split(), "loose", "words"]


def _rotated_page(index: int = 1) -> Page:
    line = Region(quad=rotated_quad(300, 300, 200, 30, 20), level="line", text="rot ated", confidence=0.5,
                  attributes={"baseline": [[210, 330], [390, 260]]})
    return Page(index=index, width=640, height=480, source="sample.png", dpi=300.0, regions=(line,))


def _mixed_document() -> Document:
    return Document(source="sample.png", pages=(sample_page(0), _rotated_page(1)))


# ---------------------------------------------------------------------------------------------- hOCR


class _Collect(HTMLParser):
    """Records (class, title, text) of every hOCR element, the way hOCR tools walk the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[dict] = []
        self.meta: dict[str, str] = {}
        self._stack: list[dict | None] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "meta" and "name" in a:
            self.meta[a["name"]] = a.get("content", "")
            return
        entry = {"class": a.get("class", ""), "title": a.get("title", ""), "text": "", "dir": a.get("dir")}
        if entry["class"].startswith("ocr"):
            self.elements.append(entry)
            self._stack.append(entry)
        else:
            self._stack.append(None)

    def handle_endtag(self, tag):
        if self._stack:
            self._stack.pop()

    def handle_data(self, data):
        for entry in reversed(self._stack):
            if entry is not None:
                entry["text"] += data
                break


def test_hocr_parses_with_html_parser_and_boxes_lie_inside_pages(info) -> None:
    path = render(HocrRenderer(HocrOptions(lang="en")), _mixed_document(), info)[0]
    assert path == info.out_dir / "sample.hocr"
    raw = path.read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(raw)
    assert parser.meta["ocr-system"].startswith("ocrplug")
    assert {"ocr_page", "ocr_carea", "ocr_par", "ocr_line", "ocrx_word"} <= set(parser.meta["ocr-capabilities"].split())
    classes = [e["class"] for e in parser.elements]
    assert classes.count("ocr_page") == 2
    page_box = None
    for e in parser.elements:
        props = parse_title(e["title"])
        assert "bbox" in props, e
        x0, y0, x1, y1 = props["bbox"]
        assert x0 < x1 and y0 < y1
        if e["class"] == "ocr_page":
            page_box = props["bbox"]
            assert page_box == [0, 0, 640, 480]
            continue
        assert 0 <= x0 and 0 <= y0 and x1 <= page_box[2] and y1 <= page_box[3], e
        if e["class"] == "ocrx_word":
            assert 0 <= props["x_wconf"] <= 100
    words = [e["text"] for e in parser.elements if e["class"] == "ocrx_word"]
    assert words == [*ALL_TEXT, "rot", "ated"]  # Unicode and XML specials come back exactly
    lines = [e for e in parser.elements if e["class"] == "ocr_line"]
    rotated = parse_title(lines[-1]["title"])
    assert rotated["textangle"] == pytest.approx(20, abs=0.01)
    assert "baseline" in rotated
    assert any(e["dir"] == "rtl" for e in parser.elements)
    assert "a&lt;b" in raw and "&amp;" in raw


def test_hocr_is_well_formed_xhtml(info) -> None:
    path = render(HocrRenderer(), _mixed_document(), info)[0]
    root = ET.parse(path).getroot()  # XHTML: any XML parser reads it too
    assert root.tag == "{http://www.w3.org/1999/xhtml}html"


def test_hocr_round_trip_keeps_words_and_boxes(info) -> None:
    doc = sample_document(2)
    back = read_hocr(render(HocrRenderer(), doc, info)[0])
    assert len(back.pages) == 2
    for original, read in zip(doc.pages, back.pages, strict=True):
        assert (read.width, read.height, read.index, read.dpi) == (original.width, original.height, original.index, 300)
        got = [(w.text, tuple(round(v) for v in w.bbox)) for w in read.words]
        want = [(w.text or "", tuple(round(v) for v in w.bbox)) for _, _, w in iter_words(page_layout(original))]
        assert got == want
        assert [w.confidence for w in read.words][:2] == [0.95, 0.95]
        assert read.text.split("\n")[:2] == ["Hello wörld", ACCENTED]


def test_hocr_reader_reads_tesseract_style_files(tmp_path: Path) -> None:
    hocr = tmp_path / "t.hocr"
    hocr.write_text(
        "<html><body><div class='ocr_page' id='page_1' title='image \"a.png\"; bbox 0 0 100 50; ppageno 0'>"
        "<div class='ocr_carea' title='bbox 1 1 90 40'><p class='ocr_par' title='bbox 1 1 90 40'>"
        "<span class='ocr_line' title='bbox 1 1 90 20; baseline 0 -3'>"
        "<span class='ocrx_word' title='bbox 1 1 40 20; x_wconf 91'><strong>Big</strong></span> "
        "<span class='ocrx_word' title='bbox 45 1 90 20; x_wconf 80'>text</span></span></p></div></div>"
        "</body></html>",
        encoding="utf-8",
    )
    doc = read_hocr(hocr)
    page = doc.pages[0]
    assert (page.width, page.height, page.source) == (100, 50, "a.png")
    assert [w.text for w in page.words] == ["Big", "text"]
    assert page.words[0].confidence == pytest.approx(0.91)
    assert page.lines[0].attributes["baseline"] == [0, -3]


def test_hocr_through_ocrmypdf_hocrtransform(tmp_path: Path) -> None:
    if importlib.util.find_spec("ocrmypdf") is None:
        pytest.skip("ocrmypdf is not installed (optional consumer: pip install ocrmypdf)")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    info = DocumentInfo(source="sample.png", page_count=1, out_dir=tmp_path, stem="sample")
    hocr = render(HocrRenderer(), sample_document(1), info)[0]
    out = tmp_path / "ocrmypdf.pdf"
    # OCRmyPDF's own hOCR -> PDF command (one page per hOCR file).
    subprocess.run([sys.executable, "-m", "ocrmypdf.hocrtransform", str(hocr), str(out)], check=True,
                   capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", str(out), "-"], check=True, capture_output=True, text=True).stdout
    for word in ["Hello", "wörld", "coûte", "déjà", "loose", "words", "a<b", *RTL.split()]:
        assert word in text, word


# ---------------------------------------------------------------------------------------------- ALTO


def _alto_schema():
    from lxml import etree

    return etree.XMLSchema(etree.parse(str(schema_path("alto-4-4-local.xsd"))))


@pytest.mark.parametrize("unit", ["pixel", "mm10", "inch1200"])
def test_alto_validates_against_the_alto_4_schema(info, unit) -> None:
    from lxml import etree

    schema = _alto_schema()
    path = render(AltoRenderer(AltoOptions(measurement_unit=unit, lang="en")), _mixed_document(), info)[0]
    assert path == info.out_dir / "sample.alto.xml"
    doc = etree.parse(str(path))
    schema.assertValid(doc)
    ns = {"a": ALTO_NS}
    assert doc.findtext(".//a:MeasurementUnit", namespaces=ns) == unit
    strings = doc.findall(".//a:String", namespaces=ns)
    assert [s.get("CONTENT") for s in strings] == [*ALL_TEXT, "", "rot", "ated"]  # "" = textless region
    hello = strings[0]
    factor = {"pixel": 1, "mm10": 254 / 300, "inch1200": 4}[unit]
    assert float(hello.get("HPOS")) == pytest.approx(30 * factor, abs=0.01)
    assert float(hello.get("WIDTH")) == pytest.approx(50 * factor, abs=0.01)
    assert float(hello.get("WC")) == pytest.approx(0.95)
    assert len(doc.findall(".//a:TextLine[1]/a:SP", namespaces=ns)) >= 1
    rotated = doc.findall(".//a:Page", namespaces=ns)[1].find(".//a:TextBlock", namespaces=ns)
    assert float(rotated.get("ROTATION")) == pytest.approx(20, abs=0.01)
    assert rotated.find(".//a:TextLine/a:Shape/a:Polygon", namespaces=ns) is not None
    assert rotated.find(".//a:TextLine", namespaces=ns).get("BASELINE")


def test_alto_schema_rejects_broken_output(info) -> None:
    """The validation test can fail: a String without CONTENT is refused by the schema."""
    from lxml import etree

    schema = _alto_schema()
    doc = etree.parse(str(render(AltoRenderer(), sample_document(1), info)[0]))
    del doc.find(f".//{{{ALTO_NS}}}String").attrib["CONTENT"]
    assert not schema.validate(doc)


def test_alto_space_between_rtl_words(info) -> None:
    from lxml import etree

    doc = etree.parse(str(render(AltoRenderer(), sample_document(1), info)[0]))
    line = next(tl for tl in doc.iter(f"{{{ALTO_NS}}}TextLine")
                if RTL.split()[0] in [s.get("CONTENT") for s in tl.iter(f"{{{ALTO_NS}}}String")])
    first, sp, second = list(line)
    # Right-to-left: the first word is on the right, the space between the two words.
    assert int(first.get("HPOS")) > int(second.get("HPOS"))
    assert int(second.get("HPOS")) + int(second.get("WIDTH")) <= int(sp.get("HPOS")) + 1
    assert int(sp.get("HPOS")) + int(sp.get("WIDTH")) <= int(first.get("HPOS")) + 1


# ---------------------------------------------------------------------------------------------- PAGE


def test_page_xml_validates_and_keeps_polygons(info) -> None:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(schema_path("pagecontent-2019-07-15.xsd"))))
    paths = render(PageXmlRenderer(), _mixed_document(), info)
    assert [p.name for p in paths] == ["sample_p0001.page.xml", "sample_p0002.page.xml"]
    ns = {"p": PAGE_NS}
    for path in paths:
        schema.assertValid(etree.parse(str(path)))
    first = etree.parse(str(paths[0]))
    words = first.findall(".//p:Word", namespaces=ns)
    assert [w.findtext("p:TextEquiv/p:Unicode", namespaces=ns) for w in words] == ALL_TEXT
    assert words[0].find("p:Coords", namespaces=ns).get("points") == "30,30 80,30 80,50 30,50"
    assert words[0].find("p:TextEquiv", namespaces=ns).get("conf") == "0.95"
    refs = [r.get("regionRef") for r in first.findall(".//p:RegionRefIndexed", namespaces=ns)]
    assert refs == [r.get("id") for r in first.findall(".//p:TextRegion", namespaces=ns)]
    rotated = etree.parse(str(paths[1]))
    line = rotated.find(".//p:TextLine", namespaces=ns)
    pts = [tuple(map(int, p.split(","))) for p in line.find("p:Coords", namespaces=ns).get("points").split()]
    want = [tuple(round(v) for v in p) for p in rotated_quad(300, 300, 200, 30, 20)]
    assert all(abs(a - b) <= 1 for p, q in zip(pts, want, strict=True) for a, b in zip(p, q, strict=True))
    assert line.find("p:Baseline", namespaces=ns).get("points") == "210,330 390,260"
    assert float(rotated.find(".//p:TextRegion", namespaces=ns).get("orientation")) == pytest.approx(20, abs=0.01)


def test_page_xml_single_page_name_and_image_filename(info) -> None:
    one = DocumentInfo(source="scan.png", page_count=1, out_dir=info.out_dir, stem="scan")
    opts = PageXmlOptions(image_filename="{stem}_{page}.png")
    path = render(PageXmlRenderer(opts), sample_document(1), one)[0]
    assert path.name == "scan.page.xml"
    root = ET.parse(path).getroot()
    assert root.find(f"{{{PAGE_NS}}}Page").get("imageFilename") == "scan_0001.png"


def test_page_xml_schema_rejects_broken_output(info) -> None:
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(schema_path("pagecontent-2019-07-15.xsd"))))
    doc = etree.parse(str(render(PageXmlRenderer(), sample_document(1), info)[0]))
    doc.find(f".//{{{PAGE_NS}}}Coords").set("points", "-5,3 1")
    assert not schema.validate(doc)


# ---------------------------------------------------------------------------------------------- all


@pytest.mark.parametrize("renderer", [HocrRenderer(), AltoRenderer(), PageXmlRenderer()])
def test_control_characters_never_break_the_xml(info, renderer) -> None:
    word = Region.from_box(10, 10, 60, 30, level="word", text="bad\x0c\x00char <&>", confidence=0.5)
    doc = Document(source="x.png", pages=(Page(index=0, width=100, height=50, source="x.png", regions=(word,)),))
    paths = render(renderer, doc, info)
    for path in paths:
        text = path.read_text(encoding="utf-8")
        ET.fromstring(text.encode("utf-8"))  # well-formed
        assert "badchar &lt;&amp;&gt;" in text


@pytest.mark.parametrize("renderer", [HocrRenderer(), AltoRenderer()])
def test_streamed_xml_abort_leaves_nothing(info, renderer) -> None:
    session = renderer.open(info)
    session.add_page(sample_page(0), None)
    session.abort()
    assert list(info.out_dir.iterdir()) == []
