"""``input.text_pages`` (issue 24, U14): PDF pages that already hold text are skipped or read from their
own text layer, page by page in a mixed PDF; scans (with a stamp as text at most) are read as before."""

from __future__ import annotations

import json
import pickle
import subprocess
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ocrplug import Pipeline
from ocrplug.errors import ConfigError

pikepdf = pytest.importorskip("pikepdf", reason="pikepdf not installed (ocrplug[pdf])")
fpdf = pytest.importorskip("fpdf", reason="fpdf2 not installed (it makes the born-digital pages)")

FAKES = {"plugins": ["tests.fakes.fault_plugin"], "detector": "fake-box", "recognizer": "fake-echo"}
LINES = ["Invoice 4021 for the garden council", "Payment due within thirty days of receipt",
         "Questions about this order call the office"]


def _born_digital(path: Path) -> None:
    pdf = fpdf.FPDF(format="letter", unit="pt")
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for n, line in enumerate(LINES):
        pdf.text(72, 100 + 18 * n, line)
    pdf.output(str(path))


def _scan(path: Path, stamp: str = "", invisible: list[str] | None = None) -> None:
    """A 100 dpi letter-size image-only page (:data:`LINES` printed, rendered by pdftoppm: the scan holds the
    ink), with ``stamp`` added as visible text and ``invisible`` lines as an invisible (render mode 3) text
    layer where the scan shows its lines, as an earlier OCR writes it."""
    printed = path.with_name(path.stem + "-printed.pdf")
    _page_with(printed, "BT /FS 12 Tf 14 TL 72 680 Td " + " T* ".join(f"({line}) Tj" for line in LINES) + " ET")
    subprocess.run(["pdftoppm", "-r", "100", "-gray", "-png", "-singlefile", str(printed), str(path.with_suffix(""))],
                   check=True)
    img = Image.open(path.with_suffix(".png"))
    img.save(path, resolution=100)
    if not (stamp or invisible):
        return
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        _add_text(pdf, pdf.pages[0], (f"BT /FS 9 Tf 500 20 Td ({stamp}) Tj ET " if stamp else "") + (
            "BT 3 Tr /FS 12 Tf 14 TL 72 680 Td " + " T* ".join(f"({line}) Tj" for line in invisible) + " ET"
            if invisible else ""))
        pdf.save(path)


def _add_text(pdf: object, page: object, ops: str) -> None:
    """Append content ``ops`` to ``page``, with Helvetica as font ``/FS``."""
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    page.add_resource(font, pikepdf.Name.Font, pikepdf.Name.FS)
    page.contents_add(pdf.make_stream(ops.encode()))


def _page_with(path: Path, ops: str, size: tuple[float, float] = (612, 792)) -> None:
    """A one-page PDF of ``size`` points drawing content ``ops`` (Helvetica as ``/FS``)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=size)
    _add_text(pdf, pdf.pages[0], ops)
    pdf.save(path)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Page 1 born-digital, 2 a scan, 3 a scan with a page number as text, 4 a scan with an invisible OCR layer."""
    folder = tmp_path_factory.mktemp("text-pages")
    _born_digital(folder / "bd.pdf")
    _scan(folder / "scan.pdf")
    _scan(folder / "stamp.pdf", stamp="12")
    _scan(folder / "ocred.pdf", invisible=LINES)
    out = pikepdf.Pdf.new()
    for name in ("bd", "scan", "stamp", "ocred"):
        with pikepdf.open(folder / f"{name}.pdf") as src:
            out.pages.extend(src.pages)
    out.save(folder / "mixed.pdf")
    return folder / "mixed.pdf"


def _run(mixed: Path, out: Path, mode: str | None, renderers: list[str] | None = None):
    config = dict(FAKES, input={"dpi": 150} | ({"text_pages": mode} if mode else {}))
    if renderers:
        config |= {"renderers": renderers, "output": {"dir": str(out)}}
    return Pipeline.from_dict(config).run(mixed)


def test_default_reads_every_page(mixed: Path, tmp_path: Path) -> None:
    doc = _run(mixed, tmp_path, None, ["json"])
    assert [p.text for p in doc.pages] == ["page0", "page1", "page2", "page3"]
    assert {p.text_source for p in doc.pages} == {"ocr"}
    assert all("text_source" not in p for p in json.loads((tmp_path / "mixed.json").read_text())["pages"])


def test_text_layer_takes_words_and_boxes_from_the_layer(mixed: Path, tmp_path: Path) -> None:
    doc = _run(mixed, tmp_path, "text-layer", ["json", "hocr"])
    sources = [p.text_source for p in doc.pages]
    # The scan and the scan with only a page number are read; the invisible OCR layer counts as text.
    assert sources == ["text-layer", "ocr", "ocr", "text-layer"]
    assert doc.pages[0].text == "\n".join(LINES) and doc.pages[1].text == "page1" and doc.pages[2].text == "page2"
    assert doc.pages[3].text == "\n".join(LINES)
    # Each word's box (page pixels at 150 dpi) covers that word's ink on the rendered page.
    gray = np.asarray(Image.open(_render(mixed, 1, tmp_path)).convert("L"))
    first = doc.pages[0].words[0]
    x0, y0, x1, y1 = (round(v) for v in first.bbox)
    assert first.text == "Invoice" and first.confidence == 1.0
    ys, xs = (gray[: 400, : 400] < 128).nonzero()
    assert x0 <= xs.min() + 2 and y0 <= ys.min() + 2 and (gray[y0:y1, x0:x1] < 128).sum() > 50
    assert abs(x0 - 72 * 150 / 72) < 4
    data = json.loads((tmp_path / "mixed.json").read_text())["pages"]
    assert [p.get("text_source") for p in data] == ["text-layer", None, None, "text-layer"]
    assert "Invoice" in (tmp_path / "mixed.hocr").read_text()


def _render(pdf: Path, page: int, folder: Path) -> Path:
    subprocess.run(["pdftoppm", "-r", "150", "-f", str(page), "-l", str(page), "-png", "-singlefile", str(pdf),
                    str(folder / "p")], check=True)
    return folder / "p.png"


def test_skip_leaves_the_page_as_it_is(mixed: Path, tmp_path: Path) -> None:
    doc = _run(mixed, tmp_path, "skip", ["json", "text", "pdf"])
    assert [p.text_source for p in doc.pages] == ["skipped", "ocr", "ocr", "skipped"]
    assert doc.pages[0].regions == () and doc.pages[3].regions == () and doc.pages[1].text == "page1"
    data = json.loads((tmp_path / "mixed.json").read_text())["pages"]
    assert data[0]["text_source"] == "skipped" and data[0]["regions"] == []
    # The searchable PDF keeps the born-digital page as it is: its own font and text, once.
    with pikepdf.open(tmp_path / "mixed.pdf") as out:
        assert len(out.pages) == 4
        assert "/Helvetica" in str(out.pages[0].Resources.Font)
        assert "/Im0" not in str(out.pages[0].Resources.get("/XObject", {}))
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(tmp_path / "mixed.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert first.split() == " ".join(LINES).split()
    page2 = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(tmp_path / "mixed.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert page2.split() == ["page1"]


def test_text_layer_pages_travel_to_workers(mixed: Path) -> None:
    # The page work stays small and picklable: the layer's regions go with the page image.
    from ocrplug_inputs.pdf import Pdf2ImageOptions, Pdf2ImageRasterizer

    from ocrplug.api import PageRange

    rasterizer = Pdf2ImageRasterizer(Pdf2ImageOptions())
    rasterizer.text_pages = "text-layer"
    images = list(rasterizer.iter_pages(mixed, PageRange("1-2"), 72))
    back = pickle.loads(pickle.dumps(images))
    assert [b.text_source for b in back] == ["text-layer", "ocr"] and back[1].text_layer == ()
    assert back[0].text_layer == images[0].text_layer and len(back[0].text_layer) == len(LINES)
    assert back[0].text_layer[0].children[0].text == "Invoice"


def test_a_turned_page_is_read_not_taken_from_its_layer(mixed: Path, tmp_path: Path) -> None:
    # pdftotext gives a /Rotate page's words in the shown frame, standing: boxes without a direction
    # cannot be upright word quads, so that page is read (under skip it is still skipped).
    from ocrplug_inputs.pdf import Pdf2ImageOptions, Pdf2ImageRasterizer

    from ocrplug.api import PageRange

    with pikepdf.open(mixed) as pdf:
        del pdf.pages[1:]
        pdf.pages[0].Rotate = 90
        pdf.save(tmp_path / "turned.pdf")
    rasterizer = Pdf2ImageRasterizer(Pdf2ImageOptions())
    for mode, expected in (("text-layer", "ocr"), ("skip", "skipped")):
        rasterizer.text_pages = mode
        (image,) = rasterizer.iter_pages(tmp_path / "turned.pdf", PageRange(None), 72)
        assert image.text_source == expected and image.text_layer == ()


def test_a_born_digital_page_with_a_few_words_holds_text(tmp_path: Path) -> None:
    # A page of two short lines (OCRmyPDF's tagged.pdf page 2: "Page 2 Heading / Body text.", 0.22
    # characters per square inch) is no scan: any text layer makes it a page with text. A stamp under a
    # full-page image holding the ink (a scan) is read (test_text_layer_takes_words_...).
    from ocrplug_inputs.pdf import Pdf2ImageOptions, Pdf2ImageRasterizer, text_layer

    from ocrplug.api import PageRange

    pdf = fpdf.FPDF(format="letter", unit="pt")
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.text(72, 90, "Page 2 Heading")
    pdf.text(72, 120, "Body text.")
    pdf.output(str(tmp_path / "sparse.pdf"))
    assert 0 < text_layer(tmp_path / "sparse.pdf", 0, None).density < 0.3
    rasterizer = Pdf2ImageRasterizer(Pdf2ImageOptions())
    rasterizer.text_pages = "text-layer"
    (image,) = rasterizer.iter_pages(tmp_path / "sparse.pdf", PageRange(None), 72)
    assert image.text_source == "text-layer"
    assert [w.text for line in image.text_layer for w in line.children] == ["Page", "2", "Heading", "Body", "text."]


def test_text_pages_is_checked() -> None:
    with pytest.raises(ConfigError, match="text_pages"):
        Pipeline.from_dict({"input": {"text_pages": "redo"}})
