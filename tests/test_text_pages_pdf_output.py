"""The ``pdf`` renderer's output for PDFs whose pages already hold text (``input.text_pages``, issue 24, V15):
kept pages share what they share in the source (a font written once), and the document's form, bookmarks,
page labels and title come along; an encrypted source is named in a warning. When the output holds every page
of one input PDF, that PDF is its base and pages read are grafted onto their own pages (P16): a user password
given for reading opens it again, and the form, bookmarks and links stay when some pages are read."""

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


def _mixed_form(path: Path) -> None:
    """A 3-page PDF: born-digital, a scan (image only), born-digital; a form field on each page, a link on the
    scan, a bookmark to the scan."""
    from PIL import Image, ImageDraw

    _document(path.with_name("born.pdf"), pages=2)
    scan_image = Image.new("L", (850, 1100), 255)
    ImageDraw.Draw(scan_image).rectangle((100, 140, 600, 170), fill=0)
    scan_image.save(path.with_name("scan.pdf"), resolution=100)
    doc = pikepdf.Pdf.new()
    with pikepdf.open(path.with_name("born.pdf")) as born, pikepdf.open(path.with_name("scan.pdf")) as scan:
        doc.pages.extend([born.pages[0], scan.pages[0], born.pages[1]])
        doc.docinfo["/Title"] = "Mixed Form"
        fields = []
        for n, page in enumerate(doc.pages):
            widget = doc.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx, T=pikepdf.String(f"f{n}"),
                V=pikepdf.String(f"value {n}"), DA=pikepdf.String("/Helv 10 Tf 0 g"), Rect=[72, 600, 272, 620],
                P=page.obj))
            page.Annots = doc.make_indirect(pikepdf.Array([widget]))
            fields.append(widget)
        doc.pages[1].Annots.append(doc.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 500, 272, 520],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/")))))
        doc.Root.AcroForm = doc.make_indirect(pikepdf.Dictionary(Fields=fields))
        with doc.open_outline() as outline:
            outline.root.append(pikepdf.OutlineItem("The scan", 1))
        doc.save(path)


def _words(path: Path, page: int) -> list[str]:
    import subprocess

    return subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"], capture_output=True,
                          text=True, check=True).stdout.split()


def test_a_user_password_given_for_reading_opens_the_kept_pages(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _document(tmp_path / "plain.pdf", pages=2)
    with pikepdf.open(tmp_path / "plain.pdf") as pdf:
        pdf.save(tmp_path / "locked.pdf", encryption=pikepdf.Encryption(owner="boss", user="secret"))
    with caplog.at_level(logging.WARNING):
        out = _run(tmp_path / "locked.pdf", tmp_path / "out", "skip", options={"password": "secret"})
    with pikepdf.open(out) as pdf:  # no password: the output is written unencrypted
        assert not pdf.is_encrypted and len(pdf.pages) == 2
        # The pages are the input's own (its Helvetica text), not images (before: written from their images
        # with a warning that the input could not be opened again).
        assert [str(f.BaseFont) for f in _fonts(pdf)] == ["/Helvetica"]
        assert str(pdf.docinfo["/Title"]) == "Garden Council Report"
    assert _words(out, 2)[:2] == ["Section", "2"]
    assert not any("cannot be opened again" in r.message for r in caplog.records)
    assert any("locked.pdf is encrypted" in r.message and "without encryption" in r.message for r in caplog.records)
    # Every page read: the input is still the output's base, and the warning still said.
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        out = _run(tmp_path / "locked.pdf", tmp_path / "read", "ocr", options={"password": "secret"})
    with pikepdf.open(out) as pdf:
        assert not pdf.is_encrypted and str(pdf.docinfo["/Title"]) == "Garden Council Report"
    assert any("locked.pdf is encrypted" in r.message for r in caplog.records)


def test_a_form_stays_when_some_pages_are_read(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import warnings

    _mixed_form(tmp_path / "form.pdf")
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        out = _run(tmp_path / "form.pdf", tmp_path / "out", "skip")
    assert not [w for w in caught if issubclass(w.category, pikepdf.PageCopyWarning)]
    assert not any("leaves out" in r.message for r in caplog.records)
    with pikepdf.open(out) as pdf:
        assert str(pdf.docinfo["/Title"]) == "Mixed Form"
        fields = list(pdf.Root.AcroForm.Fields)
        assert [str(f.V) for f in fields] == ["value 0", "value 1", "value 2"]
        # Every field is still its page's widget, the read page's too, and the link stays on the read page.
        assert [f.objgen for f in fields] == [pg.Annots[0].objgen for pg in pdf.pages]
        assert pdf.pages[1].Annots[1].A.URI == "https://example.org/"
        with pdf.open_outline() as outline:
            (item,) = outline.root
            assert item.destination[0].objgen == pdf.pages[1].objgen
        assert "/Im0" in pdf.pages[1].Resources.XObject  # the scan was read: its image under the words
    assert _words(out, 1)[:2] == ["Section", "1"] and _words(out, 3)[:2] == ["Section", "2"]
    assert "page1" in _words(out, 2)


def test_a_selection_names_the_form_left_out_in_its_own_words(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import warnings

    _mixed_form(tmp_path / "form.pdf")
    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.WARNING):
        warnings.simplefilter("always")
        out = _run(tmp_path / "form.pdf", tmp_path / "out", "skip", pages="1,2")
    # pikepdf's PageCopyWarning (advice to pikepdf's callers) no longer reaches the user.
    assert not [w for w in caught if issubclass(w.category, pikepdf.PageCopyWarning)]
    assert any("leaves out" in r.message and "AcroForm" in r.message for r in caplog.records)
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 2


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_a_turned_page_read_keeps_its_turn_links_and_place(tmp_path: Path, rotate: int) -> None:
    # Every page read (text_pages ocr, the default): the input is the output's base; the page keeps its
    # /Rotate, CropBox and link, and its image covers what the page showed.
    import numpy as np
    from PIL import Image

    _document(tmp_path / "doc.pdf", pages=2)
    with pikepdf.open(tmp_path / "doc.pdf", allow_overwriting_input=True) as doc:
        doc.pages[0].Rotate = rotate
        doc.pages[1].CropBox = [50, 60, 560, 760]
        doc.pages[1].Rotate = rotate
        doc.pages[1].Annots = doc.make_indirect(pikepdf.Array([doc.make_indirect(pikepdf.Dictionary(
            Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=[72, 680, 300, 700],
            A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/"))))]))
        doc.save(tmp_path / "doc.pdf")
    out = _run(tmp_path / "doc.pdf", tmp_path / "out", "ocr")
    with pikepdf.open(out) as pdf:
        assert [int(pg.Rotate) for pg in pdf.pages] == [rotate, rotate]
        assert [float(v) for v in pdf.pages[1].cropbox] == [50, 60, 560, 760]
        assert pdf.pages[1].Annots[0].A.URI == "https://example.org/"

    def shown(path: Path, page: int) -> np.ndarray:
        import subprocess

        stem = tmp_path / f"{path.stem}-{page}"
        subprocess.run(["pdftoppm", "-r", "36", "-gray", "-f", str(page), "-l", str(page), "-singlefile", str(path),
                        str(stem)], check=True)
        return np.asarray(Image.open(f"{stem}.pgm"), dtype=np.float64)

    for page in (1, 2):
        before, after = shown(tmp_path / "doc.pdf", page), shown(out, page)
        assert before.shape == after.shape
        ink_before, ink_after = before < 200, after < 200
        assert ink_before.sum() > 50 and ink_after.sum() > 50
        # The text shows where it showed, within 2 px at 36 dpi (the image is a 72-dpi JPEG of the page).
        box_before, box_after = ([f(np.nonzero(ink)[k]) for k in (0, 1) for f in (np.min, np.max)]
                                 for ink in (ink_before, ink_after))
        assert np.abs(np.subtract(box_before, box_after)).max() <= 2


def test_a_pdfa_claim_goes_when_a_page_is_read(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    _mixed_form(tmp_path / "form.pdf")
    with pikepdf.open(tmp_path / "form.pdf") as doc:
        with doc.open_metadata() as meta:
            meta["pdfaid:part"], meta["pdfaid:conformance"] = "2", "B"
        doc.save(tmp_path / "archive.pdf")
    with caplog.at_level(logging.WARNING):
        out = _run(tmp_path / "archive.pdf", tmp_path / "out", "skip")  # page 2, the scan, is read
    with pikepdf.open(out) as pdf, pdf.open_metadata() as meta:
        assert "pdfaid:part" not in meta and "/AcroForm" in pdf.Root
    assert any("archive.pdf claims PDF/A-2b" in r.message for r in caplog.records)
    # Every page kept as it is: the claim stays.
    _document(tmp_path / "born.pdf", pages=2)
    with pikepdf.open(tmp_path / "born.pdf", allow_overwriting_input=True) as doc:
        with doc.open_metadata() as meta:
            meta["pdfaid:part"], meta["pdfaid:conformance"] = "2", "B"
        doc.save(tmp_path / "born.pdf")
    with pikepdf.open(_run(tmp_path / "born.pdf", tmp_path / "out", "skip")) as pdf, pdf.open_metadata() as meta:
        assert meta["pdfaid:part"] == "2"


def test_the_password_is_not_shown_in_a_page_image(tmp_path: Path) -> None:
    import numpy as np

    from ocrplug.api import PageImage

    page = PageImage(image=np.zeros((2, 2, 3), np.uint8), index=0, source="a.pdf", password="secret")
    assert "secret" not in repr(page) and page == PageImage(image=page.image, index=0, source="a.pdf")


def test_an_input_that_cannot_be_the_base_gives_a_new_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    import ocrplug_render.pdf as renderer

    def broken(*_: object) -> None:
        raise pikepdf.PdfError("damaged page tree")

    monkeypatch.setattr(renderer, "graft_page", broken)
    _mixed_form(tmp_path / "form.pdf")
    with caplog.at_level(logging.WARNING):
        out = _run(tmp_path / "form.pdf", tmp_path / "out", "skip")
    with pikepdf.open(out) as pdf:
        assert len(pdf.pages) == 3 and "/AcroForm" not in pdf.Root
    assert any("cannot be the output's base" in r.message and "damaged page tree" in r.message for r in caplog.records)
