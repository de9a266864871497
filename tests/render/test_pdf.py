"""The searchable PDF: pdftotext reads our words in order and -bbox puts them on our boxes."""

from __future__ import annotations

import re
import shutil
import subprocess
import tracemalloc
from html import unescape
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from ocrplug_render import pdf as pdf_module
from ocrplug_render.pdf import PdfOptions, PdfRenderer

from ocrplug.components import DocumentInfo
from ocrplug.errors import PluginError
from ocrplug.model import Document, Page, PageImage, Region

from .samples import ACCENTED, CJK, RTL, SPECIAL, render, rotated_quad, sample_document, sample_image, words_line

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(["pdftotext", *args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def bbox_words(path: Path, dpi: float, first: int | None = None) -> list[tuple[str, tuple[float, ...]]]:
    """Words and their boxes in page pixels, as pdftotext -bbox reports them."""
    args = ["-bbox"] + (["-f", str(first), "-l", str(first)] if first else [])
    scale = dpi / 72
    return [(unescape(m.group(5)), tuple(float(m.group(i)) * scale for i in range(1, 5)))
            for m in WORD.finditer(pdftotext(path, *args))]


def test_pdftotext_reads_words_in_order_with_unicode(info) -> None:
    path = render(PdfRenderer(), sample_document(2), info)[0]
    assert path == info.out_dir / "sample.pdf"
    text = pdftotext(path)
    pages = text.split("\f")
    assert len([p for p in pages if p.strip()]) == 2
    lines = [ln for ln in pages[0].splitlines() if ln.strip()]
    assert lines[:4] == ["Hello wörld", ACCENTED, CJK, SPECIAL]
    assert lines[-1] == "loose words"
    # Right-to-left words come back in logical order (poppler wraps the line in bidi marks).
    assert RTL in pages[0].replace("\u202b", "").replace("\u202c", "")


def test_pdftotext_bbox_lands_on_our_boxes(info) -> None:
    doc = sample_document(1)
    path = render(PdfRenderer(), doc, info)[0]
    got = bbox_words(path, 300)
    expected = {w.text: w.bbox for w in doc.pages[0].words if w.text}
    checked = 0
    for text, box in got:
        if text in expected:
            assert np.allclose(box, expected[text], atol=2.0), (text, box, expected[text])
            checked += 1
    assert checked == len(expected) == 16


def test_rotated_words_are_found_where_they_are(info) -> None:
    regions = []
    for k, angle in enumerate((90, -90, 3)):
        line = Region(quad=rotated_quad(150 + 150 * k, 240, 200, 30, angle), level="line", text=f"w{k}a w{k}b")
        regions.append(line)
    page = Page(index=0, width=640, height=480, source="r.png", dpi=150.0, regions=tuple(regions))
    path = render(PdfRenderer(), Document(source="r.png", pages=(page,)), info)[0]
    got = dict(bbox_words(path, 150))
    assert set(got) == {"w0a", "w0b", "w1a", "w1b", "w2a", "w2b"}
    from ocrplug_render.common import line_words

    for line in regions[:2]:  # turned by a right angle: each word's box is its own
        for word in line_words(line):
            assert np.allclose(got[word.text], word.bbox, atol=3.0), (word.text, got[word.text], word.bbox)
    # A small skew (3 degrees) is written level (issue 24): each word keeps its extent along the line;
    # the box is as high as the line (30 px), centred where the line starts (not the skewed word's box).
    q = regions[2].quad
    start_y = (q[0][1] + q[3][1]) / 2
    for word in line_words(regions[2]):
        x0, y0, x1, y1 = got[word.text]
        wx0, _, wx1, _ = word.bbox
        assert abs(x0 - wx0) < 3 and abs(x1 - wx1) < 3, (word.text, got[word.text], word.bbox)
        assert abs((y0 + y1) / 2 - start_y) < 2 and abs((y1 - y0) - 30) < 2, (word.text, got[word.text])


def test_skewed_page_extracts_whole_lines_in_order(info) -> None:
    """Long lines skewed by 2 degrees, 40 px apart: pdftotext gives each line whole, in order (issue 24)."""
    texts = [f"line{k} composition quarterly actions ordering wonderful extraction" for k in range(8)]
    regions = []
    for k, text in enumerate(texts):
        tokens = text.split()
        quad = rotated_quad(800, 100 + 40 * k, 1400, 26, 2.0)
        line = Region(quad=quad, level="line", text=text, order=k)
        from ocrplug_render.common import line_words

        regions.append(line.with_(children=tuple(line_words(line))))
        assert len(regions[-1].children) == len(tokens)
    page = Page(index=0, width=1700, height=500, source="s.png", dpi=300.0, regions=tuple(regions))
    path = render(PdfRenderer(), Document(source="s.png", pages=(page,)), info)[0]
    lines = [" ".join(ln.split()) for ln in pdftotext(path).splitlines() if ln.strip()]
    assert lines == texts


def test_pdf_structure_font_and_page_size(info) -> None:
    path = render(PdfRenderer(PdfOptions(jpeg_quality=60)), sample_document(1), info)[0]
    with pikepdf.open(path) as pdf:
        page = pdf.pages[0]
        assert [float(v) for v in page.MediaBox] == [0, 0, pytest.approx(640 * 72 / 300), pytest.approx(480 * 72 / 300)]
        font = page.Resources.Font.F1
        assert font.Subtype == "/Type0" and "/ToUnicode" in font
        assert "/FontFile2" in font.DescendantFonts[0].FontDescriptor  # embedded glyphless font
        image = next(iter(page.Resources.XObject.values()))
        assert image.Filter == "/DCTDecode" and (image.Width, image.Height) == (640, 480)
        ops = [op for _, op in pikepdf.parse_content_stream(page)]
        assert pikepdf.Operator("Tr") in ops
        tr = [operands for operands, op in pikepdf.parse_content_stream(page) if op == pikepdf.Operator("Tr")]
        assert tr == [[3]]  # invisible text
        assert str(pdf.docinfo.Creator).startswith("ocrplug")


def test_lossless_grayscale_and_quality_options(info) -> None:
    page = Page(index=0, width=64, height=48, source="g.png", dpi=72.0,
                regions=(words_line(["x"], 5, 5, h=10),))
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (48, 64, 3), dtype=np.uint8)
    image = PageImage(image=pixels, index=0, source="g.png", dpi=72.0)

    def one(opts: PdfOptions, stem: str) -> Path:
        session = PdfRenderer(opts).open(DocumentInfo(source="g.png", page_count=1, out_dir=info.out_dir, stem=stem))
        session.add_page(page, image)
        return session.close()[0]

    lossless = one(PdfOptions(image_format="lossless"), "lossless")
    with pikepdf.open(lossless) as pdf:
        xobj = next(iter(pdf.pages[0].Resources.XObject.values()))
        decoded = np.asarray(pikepdf.PdfImage(xobj).as_pil_image())
        assert np.array_equal(decoded, pixels)
    gray = one(PdfOptions(grayscale=True), "gray")
    with pikepdf.open(gray) as pdf:
        assert next(iter(pdf.pages[0].Resources.XObject.values())).ColorSpace == "/DeviceGray"
    small, big = one(PdfOptions(jpeg_quality=10), "q10"), one(PdfOptions(jpeg_quality=95), "q95")
    assert small.stat().st_size < big.stat().st_size


@pytest.mark.slow
def test_fifty_pages_are_streamed(info, monkeypatch) -> None:
    # Small chunks exercise the join of intermediate files as a long document would.
    monkeypatch.setattr(pdf_module, "_CHUNK", 16)
    big = DocumentInfo(source="long.pdf", page_count=50, out_dir=info.out_dir, stem="long")
    session = PdfRenderer(PdfOptions(dpi=100)).open(big)
    tracemalloc.start()
    try:
        sizes = []
        for i in range(50):
            page = Page(index=i, width=800, height=1000, source="long.pdf", dpi=100.0,
                        regions=(words_line([f"page{i + 1}", "text"], 100, 100, h=30, char_w=15),))
            rng = np.random.default_rng(i)  # noisy images: JPEGs that do not compress to nothing
            image = PageImage(image=rng.integers(0, 256, (1000, 800, 3), dtype=np.uint8), index=i, source="long.pdf")
            session.add_page(page, image)
            del image
            # Nothing of the page image stays with the session once add_page returns.
            held = vars(session).values()
            assert not any(isinstance(v, (np.ndarray, bytes, PageImage, pikepdf.Pdf)) for v in held)
            sizes.append(tracemalloc.get_traced_memory()[0])
        # Memory held after 50 pages is no more than after 10 (plus noise): nothing accumulates.
        assert sizes[-1] - sizes[9] < 2_000_000, sizes
    finally:
        tracemalloc.stop()
    assert not (info.out_dir / "long.pdf").exists()  # not before close
    assert len(list(session.workdir.iterdir())) == 3 + 2  # 3 joined chunks of 16 pages + 2 pages, on disk
    path = session.close()[0]
    assert not session.workdir.exists()
    assert [p.name for p in info.out_dir.iterdir()] == ["long.pdf"]
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 50
    text = pdftotext(path)
    assert [t.split()[0] for t in text.split("\f") if t.strip()] == [f"page{i + 1}" for i in range(50)]
    assert bbox_words(path, 100, first=37)[0][0] == "page37"


def test_abort_and_missing_image(info) -> None:
    session = PdfRenderer().open(info)
    page = sample_document(1).pages[0]
    session.add_page(page, sample_image(page))
    session.abort()
    assert list(info.out_dir.iterdir()) == []
    with pytest.raises(PluginError, match="without its image"):
        PdfRenderer().open(info).add_page(page, None)


def test_empty_and_textless_pages(info) -> None:
    bare = Page(index=0, width=100, height=80, source="b.png", regions=(Region.from_box(5, 5, 50, 20, level="line"),))
    path = render(PdfRenderer(), Document(source="b.png", pages=(bare,)), info)[0]
    with pikepdf.open(path) as pdf:
        assert len(pdf.pages) == 1
    assert pdftotext(path).strip() == ""


def test_document_without_pages_writes_no_pdf(info) -> None:
    session = PdfRenderer().open(info)
    assert session.close() == []
    assert list(info.out_dir.iterdir()) == []
