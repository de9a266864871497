"""What the ``pdf`` renderer keeps of PDFs an OCRmyPDF user brings (issue 24, P16).

Generates seven PDF kinds (a form over born-digital and scanned pages with a link and a bookmark, the same
with a user password, /Rotate 90 pages with a link and a CropBox, a PDF/A claim, a scan with an earlier
OCR's wrong invisible layer, a scan with a vector drawing, 300 small pages half scanned), runs each through
``Pipeline`` with the fake engines of ``tests/fakes`` (what is kept does not depend on the recognizer) and
prints, per kind and ``input.text_pages`` mode, what the output PDF holds against the input: pages, form
fields, annotations by kind, bookmarks, /Rotate, title, PDF/A claim, whether pikepdf's PageCopyWarning
reached the user, and the renderer's warnings.

    PYTHONPATH=.:plugins python benchmarks/pdf_kinds.py [--kinds form,password,...] [--out DIR]

Needs pikepdf, fpdf2, PIL and poppler (pdftotext). Run from the repository root (``tests.fakes``).
"""

from __future__ import annotations

import argparse
import io
import logging
import subprocess
import sys
import tempfile
import warnings
from collections import Counter
from pathlib import Path

import fpdf
import pikepdf
from PIL import Image, ImageDraw, ImageFont

sys.path.append(str(Path(__file__).resolve().parents[1]))  # tests.fakes; PYTHONPATH picks the tree

from ocrplug import Pipeline

FAKES = {"plugins": ["tests.fakes.fault_plugin"], "detector": "fake-box", "recognizer": "fake-echo"}
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _scan_jpeg(text: str, size: tuple[int, int] = (850, 1100)) -> bytes:
    img = Image.new("L", size, 255)
    ImageDraw.Draw(img).text((100, 150), text, font=ImageFont.truetype(FONT, 24), fill=0)
    buf = io.BytesIO()
    img.save(buf, "JPEG")
    return buf.getvalue()


def _born(path: Path, pages: int) -> None:
    pdf = fpdf.FPDF(format="letter", unit="pt")
    pdf.set_font("Helvetica", size=14)
    for n in range(pages):
        pdf.add_page()
        pdf.text(72, 100, f"Section {n + 1} of the yearly garden council report")
    pdf.output(str(path))


def _link(doc: pikepdf.Pdf, rect: list[float]) -> pikepdf.Object:
    return doc.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link, Rect=rect,
        A=pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://example.org/"))))


def make_form(folder: Path) -> Path:
    """Born, scanned, born pages; a text field on each, a link on the scan, a bookmark to it, a title."""
    _born(folder / "born.pdf", 2)
    scan = fpdf.FPDF(format="letter", unit="pt")
    scan.add_page()
    scan.image(io.BytesIO(_scan_jpeg("Scanned minutes of the meeting")), 0, 0, 612, 792)
    scan.output(str(folder / "scan.pdf"))
    doc = pikepdf.Pdf.new()
    with pikepdf.open(folder / "born.pdf") as born, pikepdf.open(folder / "scan.pdf") as scanned, \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc.pages.extend([born.pages[0], scanned.pages[0], born.pages[1]])
        fields = []
        for n, page in enumerate(doc.pages):
            widget = doc.make_indirect(pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx, T=pikepdf.String(f"f{n}"),
                V=pikepdf.String(f"value {n}"), DA=pikepdf.String("/Helv 10 Tf 0 g"), Rect=[72, 600, 272, 620],
                P=page.obj))
            page.Annots = doc.make_indirect(pikepdf.Array([widget]))
            fields.append(widget)
        doc.pages[1].Annots.append(_link(doc, [72, 500, 272, 520]))
        doc.Root.AcroForm = doc.make_indirect(pikepdf.Dictionary(Fields=fields))
        doc.docinfo["/Title"] = "Mixed Form"
        with doc.open_outline() as outline:
            outline.root.append(pikepdf.OutlineItem("The scan", 1))
        doc.save(folder / "form.pdf")
    return folder / "form.pdf"


def make_password(folder: Path) -> Path:
    with pikepdf.open(make_form(folder)) as doc:
        doc.save(folder / "password.pdf", encryption=pikepdf.Encryption(owner="boss", user="secret"))
    return folder / "password.pdf"


def make_rotated(folder: Path) -> Path:
    _born(folder / "rot.pdf", 2)
    with pikepdf.open(folder / "rot.pdf", allow_overwriting_input=True) as doc:
        for page in doc.pages:
            page.Rotate = 90
            page.Annots = doc.make_indirect(pikepdf.Array([_link(doc, [72, 90, 300, 110])]))
        doc.pages[1].CropBox = [50, 60, 560, 760]
        doc.save(folder / "rotated.pdf")
    return folder / "rotated.pdf"


def make_pdfa(folder: Path) -> Path:
    with pikepdf.open(make_form(folder)) as doc:
        with doc.open_metadata() as meta:
            meta["pdfaid:part"], meta["pdfaid:conformance"] = "2", "B"
        doc.save(folder / "pdfa.pdf")
    return folder / "pdfa.pdf"


def make_bad_ocr(folder: Path) -> Path:
    pdf = fpdf.FPDF(format="letter", unit="pt")
    pdf.add_page()
    pdf.image(io.BytesIO(_scan_jpeg("Invoice number 4711 paid")), 0, 0, 612, 792)
    pdf.set_font("Helvetica", size=14)
    pdf.text_mode = 3
    pdf.text(72, 118, "Lnvoicc nurnber 47ll pald")
    pdf.output(str(folder / "bad_ocr.pdf"))
    return folder / "bad_ocr.pdf"


def make_scan_vector(folder: Path) -> Path:
    pdf = fpdf.FPDF(format="letter", unit="pt")
    pdf.add_page()
    pdf.image(io.BytesIO(_scan_jpeg("Invoice number 4711 paid")), 0, 0, 612, 792)
    pdf.set_line_width(2)
    pdf.set_draw_color(200, 0, 0)
    pdf.rect(72, 350, 200, 100)
    pdf.output(str(folder / "scan_vector.pdf"))
    return folder / "scan_vector.pdf"


def make_p300(folder: Path) -> Path:
    pdf = fpdf.FPDF(format=(300, 200), unit="pt")
    pdf.set_font("Helvetica", size=14)
    scan = _scan_jpeg("Scanned page", (300, 200))
    for n in range(300):
        pdf.add_page()
        if n % 2:
            pdf.text(20, 50, f"Page {n + 1} born text")
        else:
            pdf.image(io.BytesIO(scan), 0, 0, 300, 200)
    pdf.output(str(folder / "p300.pdf"))
    with pikepdf.open(folder / "p300.pdf", allow_overwriting_input=True) as doc:
        with doc.open_outline() as outline:
            outline.root.extend(pikepdf.OutlineItem(f"Page {n + 1}", n) for n in range(0, 300, 50))
        doc.save(folder / "p300.pdf")
    return folder / "p300.pdf"


KINDS = {"form": make_form, "password": make_password, "rotated": make_rotated, "pdfa": make_pdfa,
         "bad_ocr": make_bad_ocr, "scan_vector": make_scan_vector, "p300": make_p300}


def describe(path: Path, password: str = "") -> dict[str, object]:
    """What a PDF holds that a user may miss."""
    with pikepdf.open(path, password=password) as pdf:
        title = str(pdf.docinfo.get("/Title", ""))  # before open_metadata, which rewrites the docinfo
        annots = Counter(str(a.get("/Subtype")) for pg in pdf.pages for a in pg.get("/Annots", []))
        with pdf.open_outline() as outline:
            marks = len(list(outline.root))
        with pdf.open_metadata() as meta:
            pdfa = meta.get("pdfaid:part")
        fields = len(pdf.Root.AcroForm.Fields) if "/AcroForm" in pdf.Root else 0
        words = subprocess.run(["pdftotext", "-upw", password, str(path), "-"] if password else
                               ["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split()
        return {"pages": len(pdf.pages), "fields": fields, "annots": dict(sorted(annots.items())), "bookmarks": marks,
                "rotate": sorted({int(pg.obj.get("/Rotate", 0)) for pg in pdf.pages}),
                "title": title, "pdfa": str(pdfa) if pdfa else "",
                "encrypted": pdf.is_encrypted, "words": len(words), "bytes": path.stat().st_size}


class _Log(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kinds", default=",".join(KINDS))
    parser.add_argument("--modes", default="ocr,skip")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    folder = args.out or Path(tempfile.mkdtemp(prefix="pdf_kinds_"))
    folder.mkdir(parents=True, exist_ok=True)
    for kind in args.kinds.split(","):
        source = KINDS[kind](folder)
        password = "secret" if kind == "password" else ""
        print(f"{kind}: input {describe(source, password)}")
        for mode in args.modes.split(","):
            out_dir = folder / f"out-{kind}-{mode}"
            handler = _Log()
            logging.getLogger().addHandler(handler)
            options = {"password": password} if password else {}
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                Pipeline.from_dict(dict(FAKES, input={"dpi": 72, "text_pages": mode, "options": options},
                                        renderers=["pdf"], output={"dir": str(out_dir)})).run(source)
            logging.getLogger().removeHandler(handler)
            copy_warnings = sum(1 for w in caught if w.category.__name__ == "PageCopyWarning")
            said = [m for m in handler.messages if "pdf renderer" in m]
            print(f"  {mode}: output {describe(out_dir / f'{source.stem}.pdf')} PageCopyWarning {copy_warnings}")
            for message in said:
                print(f"    warning: {message[:160]}")


if __name__ == "__main__":
    main()
