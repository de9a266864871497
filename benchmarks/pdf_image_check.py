"""Seconds the damaged-image check (issue 24, p8) adds to reading PDF pages: rasterize every page of
each PDF with the `pdf2image` rasterizer with the check and without it (pikepdf hidden), best of
``--repeat`` runs each.

    python benchmarks/pdf_image_check.py examples/sample.pdf /tmp/twenty.pdf --dpi 300
    python benchmarks/pdf_image_check.py --make-twenty /tmp/twenty.pdf   # a 20-page scanned-like PDF

The 20-page PDF: 20 JPEG page images (2550 x 3300 px, 300 dpi, 13 text lines each), one per page.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path
from unittest import mock

from PIL import Image, ImageDraw


def make_twenty(path: Path) -> None:
    """Write a 20-page PDF of full-page 300-dpi JPEG scans (Letter) to ``path``."""
    import pikepdf

    pdf = pikepdf.Pdf.new()
    for number in range(1, 21):
        image = Image.new("L", (2550, 3300), 255)
        draw = ImageDraw.Draw(image)
        for line in range(13):
            draw.text((200, 200 + 220 * line), f"page {number} line {line + 1} speed limit drops", fill=0, font_size=90)
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=85)
        stream = pikepdf.Stream(pdf, buf.getvalue())
        stream.Filter, stream.Type, stream.Subtype = pikepdf.Name.DCTDecode, pikepdf.Name.XObject, pikepdf.Name.Image
        stream.Width, stream.Height, stream.ColorSpace, stream.BitsPerComponent = 2550, 3300, pikepdf.Name.DeviceGray, 8
        content = pikepdf.Stream(pdf, b"q 612 0 0 792 0 0 cm /Im0 Do Q")
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, 612, 792], Contents=content,
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream)),
        )))
    pdf.save(path)


def seconds(path: Path, dpi: float, check: bool) -> float:
    """Seconds to rasterize every page of ``path`` at ``dpi``, with or without the image check."""
    from ocrplug_inputs.pdf import Pdf2ImageOptions, Pdf2ImageRasterizer

    from ocrplug.components import PageRange

    rasterizer = Pdf2ImageRasterizer(Pdf2ImageOptions())
    start = time.perf_counter()
    if check:
        pages = sum(1 for _ in rasterizer.iter_pages(path, PageRange(), dpi))
    else:
        with mock.patch.object(Pdf2ImageRasterizer, "_checked_pdf", lambda *a: None):
            pages = sum(1 for _ in rasterizer.iter_pages(path, PageRange(), dpi))
    assert pages > 0
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", nargs="*", type=Path)
    parser.add_argument("--dpi", type=float, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--make-twenty", type=Path, help="write the 20-page PDF there and stop")
    args = parser.parse_args(argv)
    if args.make_twenty:
        make_twenty(args.make_twenty)
        return 0
    print("| PDF | pages | without check (s) | with check (s) | added |")
    print("|---|---|---|---|---|")
    for path in args.pdfs:
        from ocrplug_inputs.pdf import Pdf2ImageOptions, Pdf2ImageRasterizer

        count = Pdf2ImageRasterizer(Pdf2ImageOptions()).page_count(path)
        off = min(seconds(path, args.dpi, False) for _ in range(args.repeat))
        on = min(seconds(path, args.dpi, True) for _ in range(args.repeat))
        print(f"| {path.name} | {count} | {off:.2f} | {on:.2f} | {on - off:+.2f} s ({(on - off) / off:+.1%}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
