"""PDF pages that already hold text (issue 24, U14): generated born-digital, scanned and mixed PDFs.

Three measurements, each printed as a markdown table (docs/benchmarks.md "Pages that already hold text"):

``density``  characters of each page's text layer (``pdftotext -bbox-layout``) per square inch of page, for
             born-digital pages of every density (a full page of 9-14 pt text down to a title alone), scans
             (no layer), scans with a stamp or page number added as text, and scans with an invisible OCR
             layer (written by ocrplug's ``pdf`` renderer): what chose ``TEXT_CHARS_PER_SQIN``.
``cost``     CPU seconds per page and CER of ``input.text_pages: text-layer`` against OCR (``ocr``, the
             default) on born-digital pages, ``fast`` preset, ``input.dpi: auto``.
``size``     bytes of the ``pdf`` renderer's output against its input when every page is kept (``skip``,
             ``text-layer``): 20 pages sharing one embedded font, and PDFs given with ``--pdf``.
``ink``      share of each page's ink outside its text layer's word boxes, by page kind (scans with a stamp,
             scans OCRed before, born-digital pages, slides over a picture) and PDFs given with ``--pdf``:
             what chose ``INK_OUTSIDE_LAYER``.
``dpi``      CER of OCR at 20 / 30 / 40 / 50 / 72 / 100 dpi on the same born-digital pages (``input.dpi`` set):
             what chose ``MIN_DPI`` in ``ocrplug/config.py``.

Pages are made with fpdf2 (core fonts Helvetica / Times / Courier, text drawn from a fixed vocabulary with a
seeded generator, so truth is exact); a scan of a page is that page rendered by pdftoppm at 200 dpi, slightly
blurred, wrapped as an image-only PDF by Pillow. Usage::

    PYTHONPATH=.:plugins python benchmarks/text_pages.py density|cost|dpi|size|ink [--pages 6] [--pdf FILE]
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

WORDS = (
    "order invoice account river window paper letter number amount street office market report summer "
    "winter garden station table chapter figure result method sample value total payment customer period "
    "service history council member public private school health energy water ground system program "
    "quality review notice travel record design family course answer question reason season weather"
).split()
FACES = (("Helvetica", 11.0), ("Times", 12.0), ("Courier", 10.0), ("Helvetica", 9.0), ("Times", 14.0))


def text_lines(seed: int, count: int, width: int = 9) -> list[str]:
    """``count`` lines of ``width`` words (a digit group now and then), the same for a given ``seed``."""
    rng = random.Random(seed)
    lines = []
    for _ in range(count):
        words = [rng.choice(WORDS) for _ in range(width)]
        if rng.random() < 0.5:
            words[rng.randrange(width)] = str(rng.randrange(10, 99999))
        words[0] = words[0].capitalize()
        lines.append(" ".join(words))
    return lines


def born_digital(path: Path, pages: list[tuple[str, float, int]], seed: int = 0) -> list[str]:
    """A born-digital PDF (A4) of one page per ``(face, pt, lines)``; each page's truth text."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    truths = []
    for n, (face, pt, count) in enumerate(pages):
        pdf.add_page()
        pdf.set_font(face, size=pt)
        lines = text_lines(seed * 1000 + n, count, 9 if pt <= 12 else 7)
        y = 20.0
        for line in lines:
            pdf.text(20, y, line)
            y += pt * 1.45 * 25.4 / 72
        truths.append("\n".join(lines))
    pdf.output(str(path))
    return truths


def scanned(source: Path, path: Path, dpi: int = 200, stamp: str = "") -> None:
    """``source`` rendered by pdftoppm at ``dpi``, blurred like a scan, saved as an image-only PDF at ``path``;
    with ``stamp``, that text is then added on every page as visible text (a Bates number, a page number)."""
    from PIL import Image, ImageFilter

    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", "-png", str(source), f"{tmp}/p"], check=True)
        images = [Image.open(p).filter(ImageFilter.GaussianBlur(0.35)) for p in sorted(Path(tmp).glob("p*.png"))]
        plain = path if not stamp else Path(tmp) / "plain.pdf"
        images[0].save(plain, save_all=True, append_images=images[1:], resolution=dpi)
        if stamp:
            import pikepdf

            with pikepdf.open(plain) as pdf:
                for page in pdf.pages:
                    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
                    page.add_resource(font, pikepdf.Name.Font, pikepdf.Name.FS)
                    x = float(page.mediabox[2]) - 115  # the stamp's start, 115 pt left of the right edge
                    page.contents_add(pdf.make_stream(f"BT /FS 9 Tf {x:g} 20 Td ({stamp}) Tj ET".encode()))
                pdf.save(path)


def ocr_layer(source: Path, folder: Path) -> Path:
    """``source`` (a scan) read by ocrplug's ``fast`` preset into a searchable PDF (an invisible text layer,
    render mode 3): the output of an earlier OCR."""
    from ocrplug import Pipeline

    Pipeline.from_dict({"renderers": [{"name": "pdf"}], "output": {"dir": str(folder)}}, preset="fast").run(source)
    return folder / f"{source.stem}.pdf"


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def read(config: dict, path: Path, dpi: float | None = None) -> tuple[list, float]:
    """Pages of ``path`` read with the ``fast`` preset under ``config``, and CPU seconds per page (this
    process and its finished children: poppler's rendering and pdftotext). ``dpi``: ``input.dpi`` set
    after the config is checked, so that values below ``MIN_DPI`` (refused in a config) can be measured."""
    from ocrplug import Pipeline

    pipe = Pipeline.from_dict(config, preset="fast")
    if dpi is not None:
        pipe.config.input.dpi = float(dpi)
    start = _cpu()
    doc = pipe.run(path)
    return doc.pages, (_cpu() - start) / max(1, len(doc.pages))


def density(folder: Path, count: int) -> None:
    """Characters of the text layer per square inch, by page kind."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
    from ocrplug_inputs.pdf import text_layer

    kinds = {
        "born-digital full page (40-44 lines)": [(f, p, 40) for f, p in FACES[:count]],
        "born-digital paragraph (6 lines)": [(f, p, 6) for f, p in FACES[:count]],
        "born-digital heading (1 line)": [(f, p + 8, 1) for f, p in FACES[:count]],
    }
    print("| page kind | pages | chars per sq in (min / max) |")
    print("|---|---|---|")
    made: dict[str, Path] = {}
    for n, (kind, pages) in enumerate(kinds.items()):
        made[kind] = folder / f"bd{n}.pdf"
        born_digital(made[kind], pages, seed=n)
    made["scan (no text layer)"] = folder / "scan.pdf"
    scanned(made["born-digital full page (40-44 lines)"], made["scan (no text layer)"])
    made["scan + stamp 'ACME-000123' as text"] = folder / "stamp.pdf"
    scanned(made["born-digital full page (40-44 lines)"], made["scan + stamp 'ACME-000123' as text"], stamp="ACME-000123")
    made["scan + page number '12' as text"] = folder / "number.pdf"
    scanned(made["born-digital full page (40-44 lines)"], made["scan + page number '12' as text"], stamp="12")
    ocred = folder / "ocred"
    ocred.mkdir()
    made["scan + invisible OCR layer (ocrplug pdf)"] = ocr_layer(made["scan (no text layer)"], ocred)
    made["scan of a paragraph + invisible OCR layer"] = folder / "scanpara.pdf"
    scanned(made["born-digital paragraph (6 lines)"], made["scan of a paragraph + invisible OCR layer"])
    made["scan of a paragraph + invisible OCR layer"] = ocr_layer(made["scan of a paragraph + invisible OCR layer"], ocred)
    for kind, path in made.items():
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        pages = int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))
        values = [text_layer(path, i, None).density for i in range(pages)]
        print(f"| {kind} | {pages} | {min(values):.2f} / {max(values):.2f} |")


def cost(folder: Path, count: int) -> None:
    """Time per page and CER, ``text-layer`` against OCR, born-digital pages."""
    from ocrplug.evaluation.metrics import char_error_rate

    path = folder / "bd.pdf"
    truths = born_digital(path, [(f, p, 40) for f, p in FACES[:count]], seed=7)
    read({}, path)  # models loaded
    print("| input.text_pages | pages | CPU s/page | mean CER |")
    print("|---|---|---|---|")
    for mode in ("ocr", "text-layer"):
        pages, seconds = read({"input": {"text_pages": mode}}, path)
        cer = sum(char_error_rate(p.text, t) for p, t in zip(pages, truths, strict=True)) / len(truths)
        print(f"| {mode} | {len(pages)} | {seconds:.2f} | {cer:.4f} |")


def size(folder: Path, count: int, extra: list[Path]) -> None:
    """Output size of the ``pdf`` renderer against its input when no page is read (``skip``, ``text-layer``):
    a generated PDF of 20 pages sharing one embedded DejaVu Sans font, and each PDF of ``extra``."""
    import pikepdf
    from fpdf import FPDF

    from ocrplug import Pipeline

    made = folder / "embedded.pdf"
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", fname="/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    pdf.set_font("DejaVu", size=11)
    for n in range(20):
        pdf.add_page()
        for k, line in enumerate(text_lines(n, 30)):
            pdf.text(20, 20 + 6 * k, line)
    pdf.output(str(made))
    print("| input | pages | input bytes | mode | output bytes | output / input | font objects |")
    print("|---|---|---|---|---|---|---|")
    for path in [made, *extra]:
        for mode in ("skip", "text-layer"):
            out = folder / f"out-{mode}"
            Pipeline.from_dict({"input": {"text_pages": mode, "dpi": 72}, "renderers": ["pdf"],
                                "output": {"dir": str(out)}}, preset="fast").run(path)
            result = out / f"{path.stem}.pdf"
            with pikepdf.open(result) as done:
                pages = len(done.pages)
                fonts = sum(1 for o in done.objects if isinstance(o, pikepdf.Dictionary) and o.get("/Type") == "/Font")
            a, b = path.stat().st_size, result.stat().st_size
            print(f"| {path.name} | {pages} | {a:,} | {mode} | {b:,} | {b / a:.2f} | {fonts} |")


def _slide(path: Path, background: str) -> None:
    """A 720 x 540 pt slide: a 400 x 300 px ``background`` picture (``gradient`` or ``photo``: smoothed noise)
    stretched over the page, a white 40 pt Helvetica title, an 18 pt subtitle."""
    import io

    import numpy as np
    import pikepdf
    from PIL import Image, ImageFilter

    if background == "gradient":
        ramp = np.linspace(40, 160, 400, dtype=np.uint8)
        pic = Image.fromarray(np.dstack([np.tile(ramp, (300, 1))] * 3))
    else:
        rng = np.random.default_rng(5)
        pic = Image.fromarray(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)).filter(ImageFilter.GaussianBlur(6))
    buf = io.BytesIO()
    pic.save(buf, format="JPEG", quality=90)
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(720, 540))
    page = pdf.pages[0]
    page.add_resource(pikepdf.Stream(pdf, buf.getvalue(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                                     Width=400, Height=300, ColorSpace=pikepdf.Name.DeviceRGB, BitsPerComponent=8,
                                     Filter=pikepdf.Name.DCTDecode), pikepdf.Name.XObject, pikepdf.Name.Im0)
    page.add_resource(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                         BaseFont=pikepdf.Name.Helvetica), pikepdf.Name.Font, pikepdf.Name.FS)
    page.contents_add(pdf.make_stream(b"q 720 0 0 540 0 0 cm /Im0 Do Q BT 1 g /FS 40 Tf 60 400 Td "
                                      b"(Quarterly results 2026) Tj /FS 18 Tf 0 -40 Td (Sales and margins) Tj ET"))
    pdf.save(path)


def ink(folder: Path, count: int, extra: list[Path]) -> None:
    """Share of a page's ink outside its text layer's word boxes (what chose ``INK_OUTSIDE_LAYER``): scans with
    a stamp or page number as text (A4 and A6), scans OCRed before, born-digital pages, slides over a
    full-page picture, and each page of the PDFs of ``extra``; rendered at 300 dpi as ``input.dpi: auto``
    renders text pages."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
    import numpy as np
    from ocrplug_inputs.pdf import ink_map, text_layer
    from pdf2image import convert_from_path

    made: dict[str, Path] = {}
    made["born-digital full page"] = folder / "bd.pdf"
    born_digital(made["born-digital full page"], [(f, p, 40) for f, p in FACES[:count]], seed=0)
    made["born-digital heading (1 line)"] = folder / "head.pdf"
    born_digital(made["born-digital heading (1 line)"], [(f, p + 8, 1) for f, p in FACES[:count]], seed=2)
    para = folder / "para.pdf"
    born_digital(para, [(f, p, 6) for f, p in FACES[:count]], seed=1)
    for label, source, stamp in (("A4 scan + stamp 'ACME-000123'", made["born-digital full page"], "ACME-000123"),
                                 ("A4 scan of a paragraph + page number '12'", para, "12"),
                                 ("A4 scan of a paragraph + stamp 'ACME-000123'", para, "ACME-000123")):
        made[label] = folder / f"s{len(made)}.pdf"
        scanned(source, made[label], stamp=stamp)
    small = folder / "a6.pdf"
    from fpdf import FPDF

    a6 = FPDF(format=(105, 148))  # A6, mm
    a6.set_auto_page_break(False)
    for n in range(count):
        a6.add_page()
        a6.set_font(FACES[n][0], size=9)
        for k, line in enumerate(text_lines(50 + n, 5, 5)):
            a6.text(8, 15 + 6 * k, line)
    a6.output(str(small))
    made["A6 scan of 5 lines + stamp 'ACME-000123'"] = folder / "a6s.pdf"
    scanned(small, made["A6 scan of 5 lines + stamp 'ACME-000123'"], stamp="ACME-000123")
    ocred = folder / "ocred"
    ocred.mkdir()
    plain = folder / "scanpara.pdf"
    scanned(para, plain)
    made["A4 scan of a paragraph + invisible OCR layer"] = ocr_layer(plain, ocred)
    for background in ("gradient", "photo"):
        made[f"slide over a {background} picture"] = folder / f"slide-{background}.pdf"
        _slide(made[f"slide over a {background} picture"], background)
    for path in extra:
        made[path.name] = path
    print("| page kind | pages | chars per sq in | ink outside the layer's words (min / max) |")
    print("|---|---|---|---|")
    for kind, path in made.items():
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        pages = int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))
        shares, densities = [], []
        for i in range(pages):
            layer = text_layer(path, i, None)
            image = np.asarray(convert_from_path(str(path), dpi=300, first_page=i + 1, last_page=i + 1,
                                                 use_cropbox=True)[0])
            found, shrink = ink_map(image, 300)
            seen = layer.visible(found, shrink * 300 / 72)
            if seen.chars:
                shares.append(seen.ink_outside(found, shrink * 300 / 72))
                densities.append(seen.density)
        if shares:
            print(f"| {kind} | {len(shares)} | {min(densities):.2f} / {max(densities):.2f} | "
                  f"{min(shares):.3f} / {max(shares):.3f} |")
        else:
            print(f"| {kind} | 0 | - | no layer |")


DPIS = (20, 30, 40, 50, 72, 100)


def dpi(folder: Path, count: int) -> None:
    """CER of OCR at low resolutions (born-digital pages, every page at ``input.dpi``)."""
    from ocrplug.evaluation.metrics import char_error_rate

    path = folder / "bd.pdf"
    truths = born_digital(path, [(f, p, 12) for f, p in FACES[:count]], seed=11)
    print("| input.dpi | " + " | ".join(f"{f} {p:g} pt" for f, p in FACES[:count]) + " | mean CER |")
    print("|---|" + "---|" * (count + 1))
    for value in DPIS:
        pages, _ = read({}, path, dpi=value)
        cers = [char_error_rate(p.text, t) for p, t in zip(pages, truths, strict=True)]
        print(f"| {value} | " + " | ".join(f"{c:.3f}" for c in cers) + f" | {sum(cers) / len(cers):.3f} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("measure", choices=("density", "cost", "dpi", "size", "ink"))
    ap.add_argument("--pdf", type=Path, action="append", default=[], help="size, ink: a PDF of your own to measure too")
    ap.add_argument("--pages", type=int, default=len(FACES), help=f"pages per kind (1-{len(FACES)})")
    ap.add_argument("--contrast", type=int, help="ink: grey levels from which a pixel is ink (_INK_CONTRAST)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        count = max(1, min(args.pages, len(FACES)))
        if args.contrast is not None:
            sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "plugins"))
            import ocrplug_inputs.pdf

            ocrplug_inputs.pdf._INK_CONTRAST = args.contrast
        if args.measure in ("size", "ink"):
            {"size": size, "ink": ink}[args.measure](Path(tmp), count, args.pdf)
        else:
            {"density": density, "cost": cost, "dpi": dpi}[args.measure](Path(tmp), count)


if __name__ == "__main__":
    main()
