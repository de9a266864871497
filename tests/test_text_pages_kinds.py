"""Which PDF pages already hold text (``input.text_pages``, issue 24, V15, from V14's findings 3, 4, 6, 8, 10,
11): a small scan with a stamp is read; a slide over a full-page picture holds text; an upside-down page
and Type3 text are read under ``text-layer``; hidden (white on white) words are not taken."""

from __future__ import annotations

import io
import logging
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

pikepdf = pytest.importorskip("pikepdf", reason="pikepdf not installed (ocrplug[pdf])")

LINES = ["Invoice 4021 for the garden council", "Payment due within thirty days of receipt",
         "Questions about this order call the office"]


def _helvetica(pdf: object, page: object) -> None:
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    page.add_resource(font, pikepdf.Name.Font, pikepdf.Name.FS)


def _page(path: Path, ops: str, size: tuple[float, float] = (612, 792), image: Image.Image | None = None,
          rotate: int = 0) -> Path:
    """A one-page PDF of ``size`` points drawing ``ops`` (Helvetica as ``/FS``; ``image`` as ``/Im0``)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=size)
    page = pdf.pages[0]
    _helvetica(pdf, page)
    if image is not None:
        buf = io.BytesIO()
        image.convert("RGB").save(buf, format="JPEG", quality=90)
        stream = pikepdf.Stream(pdf, buf.getvalue(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                                Width=image.width, Height=image.height, ColorSpace=pikepdf.Name.DeviceRGB,
                                BitsPerComponent=8, Filter=pikepdf.Name.DCTDecode)
        page.add_resource(stream, pikepdf.Name.XObject, pikepdf.Name.Im0)
    if rotate:
        page.Rotate = rotate
    page.contents_add(pdf.make_stream(ops.encode()))
    pdf.save(path)
    return path


def _lines_ops(x: float, y: float, size: float = 12, lines: list[str] = LINES) -> str:
    return f"BT /FS {size} Tf {size * 1.2:g} TL {x} {y} Td " + " T* ".join(f"({line}) Tj" for line in lines) + " ET"


def _scan_of(printed: Path, path: Path, dpi: int, stamp_ops: str) -> Path:
    """``printed`` rendered at ``dpi`` as an image-only PDF (the scan holds the ink), ``stamp_ops`` added as text."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", "-singlefile", str(printed),
                    str(path.with_suffix(""))], check=True)
    Image.open(path.with_suffix(".png")).save(path, resolution=dpi)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        _helvetica(pdf, pdf.pages[0])
        pdf.pages[0].contents_add(pdf.make_stream(stamp_ops.encode()))
        pdf.save(path)
    return path


def _source(path: Path, mode: str) -> list[object]:
    from ocrplug_inputs.pdf import Pdf2ImageOptions, Pdf2ImageRasterizer

    from ocrplug.api import PageRange

    rasterizer = Pdf2ImageRasterizer(Pdf2ImageOptions())
    rasterizer.text_pages = mode
    return list(rasterizer.iter_pages(path, PageRange(None), 100))


@pytest.mark.parametrize("mode", ["skip", "text-layer"])
def test_a_small_scan_with_a_bates_stamp_is_read(tmp_path: Path, mode: str) -> None:
    # A6 (298 x 420 pt), five printed lines scanned at 200 dpi, the stamp ACME-000123 added as text: 0.46
    # characters per square inch, above the 0.3 that made it a text page; its ink is the scan's.
    from ocrplug_inputs.pdf import text_layer

    printed = _page(tmp_path / "printed.pdf", _lines_ops(20, 380, 9, LINES + LINES[:2]), size=(298, 420))
    scan = _scan_of(printed, tmp_path / "a6.pdf", 200, "BT /FS 8 Tf 200 12 Td (ACME-000123) Tj ET")
    assert text_layer(scan, 0, None).density > 0.3
    (page,) = _source(scan, mode)
    assert page.text_source == "ocr" and page.text_layer == ()


@pytest.mark.parametrize(("mode", "expected"), [("skip", "skipped"), ("text-layer", "text-layer")])
def test_a_slide_over_a_full_page_picture_holds_text(tmp_path: Path, mode: str, expected: str) -> None:
    # 720 x 540 pt, a 400 x 300 px gradient stretched over the page, a white 40 pt title (0.27 characters per
    # square inch under a full-page image: it was taken for a scan with a stamp and rasterized).
    ramp = np.linspace(40, 160, 400, dtype=np.uint8)
    picture = Image.fromarray(np.dstack([np.tile(ramp, (300, 1))] * 3))
    slide = _page(tmp_path / "slide.pdf", "q 720 0 0 540 0 0 cm /Im0 Do Q BT 1 g /FS 40 Tf 60 400 Td "
                  "(Quarterly results 2026) Tj ET", size=(720, 540), image=picture)
    (page,) = _source(slide, mode)
    assert page.text_source == expected
    if mode == "text-layer":
        assert [w.text for line in page.text_layer for w in line.children] == ["Quarterly", "results", "2026"]


@pytest.mark.parametrize("how", ["rotate", "matrix"])
def test_an_upside_down_page_is_read_not_taken_reversed(tmp_path: Path, how: str) -> None:
    # /Rotate 180, or text drawn with a 180-degree text matrix: pdftotext gives the lines last first.
    if how == "rotate":
        path = _page(tmp_path / "rot.pdf", _lines_ops(72, 700), rotate=180)
    else:
        path = _page(tmp_path / "upside.pdf", "BT /FS 12 Tf -1 0 0 -1 540 100 Tm (" + LINES[0] + ") Tj "
                     "-1 0 0 -1 540 114.4 Tm (" + LINES[1] + ") Tj ET")
    (page,) = _source(path, "text-layer")
    assert page.text_source == "ocr" and page.text_layer == ()
    (page,) = _source(path, "skip")
    assert page.text_source == "skipped"  # kept as it is: nothing is read from it


def test_white_on_white_words_are_not_taken(tmp_path: Path) -> None:
    path = _page(tmp_path / "tricks.pdf", _lines_ops(72, 700, lines=LINES[:1])
                 + " q BT 1 1 1 rg /FS 12 Tf 72 650 Td (hidden white keywords spam) Tj ET Q"
                 + " " + _lines_ops(72, 600, lines=LINES[1:2]))
    (page,) = _source(path, "text-layer")
    assert page.text_source == "text-layer"
    assert [line.text for line in page.text_layer] == LINES[:2]


def _type3(path: Path) -> Path:
    """A page of two words in a Type3 font whose glyphs are 500-unit squares in a 750-unit bounding box."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(300, 200))
    procs = {name: pdf.make_stream(b"750 0 0 0 500 500 d1 0 0 500 500 re f") for name in ("a", "b")}
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type3, FontBBox=[0, 0, 750, 750],
        FontMatrix=[0.001, 0, 0, 0.001, 0, 0], CharProcs=pikepdf.Dictionary({f"/{k}": v for k, v in procs.items()}),
        Encoding=pikepdf.Dictionary(Type=pikepdf.Name.Encoding, Differences=[97, pikepdf.Name.a, pikepdf.Name.b]),
        FirstChar=97, LastChar=98, Widths=[750, 750], Resources=pikepdf.Dictionary(),
    )
    pdf.pages[0].add_resource(pdf.make_indirect(font), pikepdf.Name.Font, pikepdf.Name.T3)
    pdf.pages[0].contents_add(pdf.make_stream(b"BT /T3 16 Tf 20 180 Td (abba baab) Tj 0 -30 Td (abab) Tj ET"))
    pdf.save(path)
    return path


def test_type3_text_is_read_under_text_layer(tmp_path: Path) -> None:
    path = _type3(tmp_path / "type3.pdf")
    (page,) = _source(path, "text-layer")
    assert page.text_source == "ocr" and page.text_layer == ()
    (page,) = _source(path, "skip")
    assert page.text_source == "skipped"


def test_layer_boxes_stay_on_the_page() -> None:
    from ocrplug_inputs.pdf import TextLayer

    layer = TextLayer(((("abba", 10.0, -4.0, 60.0, 30.0), ("baab", 70.0, -4.0, 120.0, 30.0)),), 300.0, 200.0)
    (line,) = layer.regions(2.0)
    for region in (line, *line.children):
        assert np.asarray(region.quad).min() >= 0
    assert line.children[0].bbox[1] == 0


def test_text_layer_of_a_pdf_denying_extraction_is_warned_about(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    plain = _page(tmp_path / "plain.pdf", _lines_ops(72, 700))
    with pikepdf.open(plain) as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(
            owner="boss", user="", allow=pikepdf.Permissions(extract=False)))
    with caplog.at_level(logging.WARNING):
        (page,) = _source(tmp_path / "locked.pdf", "text-layer")
    assert page.text_source == "text-layer"
    assert any("deny extracting" in r.message for r in caplog.records)
