"""The ``pdf`` renderer's output for PDFs whose pages already hold text (``input.text_pages``, issue 24, V15):
kept pages share what they share in the source (a font written once), and the document's form, bookmarks,
page labels and title come along; an encrypted source is named in a warning."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from ocrplug import Pipeline

pikepdf = pytest.importorskip("pikepdf", reason="pikepdf not installed (ocrplug[pdf])")
fpdf = pytest.importorskip("fpdf", reason="fpdf2 not installed (it makes the born-digital pages)")

FAKES = {"plugins": ["tests.fakes.fault_plugin"], "detector": "fake-box", "recognizer": "fake-echo"}


def _document(path: Path, pages: int = 6) -> None:
    """A born-digital PDF of ``pages`` pages sharing one font, with a title, page labels, a bookmark to
    its last page and a one-field form on its first."""
    pdf = fpdf.FPDF(format="letter", unit="pt")
    pdf.set_font("Helvetica", size=12)
    for n in range(pages):
        pdf.add_page()
        pdf.text(72, 100, f"Section {n + 1} of the yearly garden council report")
    pdf.output(str(path))
    with pikepdf.open(path, allow_overwriting_input=True) as doc:
        doc.docinfo["/Title"] = "Garden Council Report"
        doc.Root.PageLabels = pikepdf.Dictionary(Nums=[0, pikepdf.Dictionary(S=pikepdf.Name.r)])
        with doc.open_outline() as outline:
            outline.root.append(pikepdf.OutlineItem("Last section", pages - 1))
        widget = doc.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx, T=pikepdf.String("name"),
            V=pikepdf.String("Alice"), DA=pikepdf.String("/Helv 10 Tf 0 g"), Rect=[72, 600, 272, 620], P=doc.pages[0].obj,
        ))
        doc.pages[0].Annots = doc.make_indirect(pikepdf.Array([widget]))
        doc.Root.AcroForm = doc.make_indirect(pikepdf.Dictionary(Fields=[widget]))
        doc.save(path)


def _run(source: Path, out: Path, mode: str, **input_keys: object) -> Path:
    Pipeline.from_dict(dict(FAKES, input={"dpi": 72, "text_pages": mode, **input_keys}, renderers=["pdf"],
                            output={"dir": str(out)})).run(source)
    return out / f"{source.stem}.pdf"


def _fonts(pdf: object) -> list[object]:
    return [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"]


@pytest.mark.parametrize("mode", ["skip", "text-layer"])
def test_kept_pages_share_their_font_once(tmp_path: Path, mode: str) -> None:
    _document(tmp_path / "report.pdf")
    out = _run(tmp_path / "report.pdf", tmp_path / "out", mode)
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 6
        # One Helvetica for six pages, as in the source (each page copied on its own gave six).
        assert [str(f.BaseFont) for f in _fonts(pdf)] == ["/Helvetica"]
    assert out.stat().st_size < 2 * (tmp_path / "report.pdf").stat().st_size


def test_kept_document_keeps_form_bookmarks_labels_and_title(tmp_path: Path) -> None:
    _document(tmp_path / "report.pdf")
    out = _run(tmp_path / "report.pdf", tmp_path / "out", "skip")
    with pikepdf.open(out) as pdf:
        assert str(pdf.docinfo["/Title"]) == "Garden Council Report"
        assert pdf.Root.PageLabels.Nums[1].S == "/r"
        (field,) = pdf.Root.AcroForm.Fields
        assert str(field.V) == "Alice" and field.objgen == pdf.pages[0].Annots[0].objgen  # still the page's widget
        with pdf.open_outline() as outline:
            (item,) = outline.root
            assert item.title == "Last section"
            assert item.destination[0].objgen == pdf.pages[5].objgen


def test_a_partial_output_names_what_it_leaves_out(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _document(tmp_path / "report.pdf")
    with caplog.at_level(logging.WARNING):
        out = _run(tmp_path / "report.pdf", tmp_path / "out", "skip", pages="2,4")
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 2 and "/AcroForm" not in pdf.Root and "/Outlines" not in pdf.Root
        assert str(pdf.docinfo["/Title"]) == "Garden Council Report"
    assert any("leaves out" in r.message and "AcroForm" in r.message and "Outlines" in r.message
               and "PageLabels" in r.message for r in caplog.records)


def test_encrypted_source_is_warned_about(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _document(tmp_path / "plain.pdf", pages=1)
    with pikepdf.open(tmp_path / "plain.pdf") as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(
            owner="boss", user="", allow=pikepdf.Permissions(extract=False)))
    with caplog.at_level(logging.WARNING):
        _run(tmp_path / "locked.pdf", tmp_path / "out", "skip")
    assert any("locked.pdf is encrypted" in r.message and "extract" in r.message and "without encryption" in r.message
               for r in caplog.records)


def test_kept_and_read_pages_stay_in_order_across_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Page files are joined into chunks as they pile up (here every 2); kept pages are copied from the source
    # at close: the output's pages keep the input's order.
    import subprocess

    import ocrplug_render.pdf as renderer
    from PIL import Image, ImageDraw

    monkeypatch.setattr(renderer, "_CHUNK", 2)
    _document(tmp_path / "report.pdf", pages=3)
    scan_image = Image.new("L", (850, 1100), 255)
    ImageDraw.Draw(scan_image).rectangle((100, 140, 600, 170), fill=0)
    scan_image.save(tmp_path / "scan.pdf", resolution=100)
    mixed = pikepdf.Pdf.new()
    with pikepdf.open(tmp_path / "report.pdf") as report, pikepdf.open(tmp_path / "scan.pdf") as scan:
        for n in range(3):
            mixed.pages.append(report.pages[n])
            mixed.pages.append(scan.pages[0])
        mixed.save(tmp_path / "mixed.pdf")
    out = _run(tmp_path / "mixed.pdf", tmp_path / "out", "skip")
    texts = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(out), "-"], capture_output=True, text=True,
                            check=True).stdout.split() for n in range(1, 7)]
    assert [t[:2] for t in texts] == [["Section", "1"], ["page1"], ["Section", "2"], ["page3"], ["Section", "3"], ["page5"]]
    with pikepdf.open(out) as pdf:
        assert [str(f.BaseFont) for f in _fonts(pdf)].count("/Helvetica") == 1
