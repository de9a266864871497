"""The `pdf2image` rasterizer: PDF pages rendered by poppler, one page per call (streaming)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from pydantic import Field

from ocrplug.components import Options, PageRange, Rasterizer
from ocrplug.errors import InputError
from ocrplug.model import PageImage

from .images import normalize_image

__all__ = ["Pdf2ImageOptions", "Pdf2ImageRasterizer"]


class Pdf2ImageOptions(Options):
    """Options of the pdf2image rasterizer."""

    password: str | None = Field(None, description="Password of an encrypted PDF.")
    use_pdftocairo: bool = Field(False, description="Render with pdftocairo instead of pdftoppm.")
    grayscale: bool = Field(False, description="Render pages in grayscale (smaller, often as good for OCR).")
    timeout: float = Field(600, gt=0, description="Seconds allowed for poppler to render one page.")


def _explain(path: Path, message: str) -> InputError:
    low = message.lower()
    if "password" in low or "encrypt" in low:
        return InputError(f"{path}: PDF is password-protected; set input.options.password (--set input.options.password=...)")
    if "no such file" in low:
        return InputError(f"{path}: no such file")
    if "unable to get page count" in low or "syntax error" in low or "couldn't" in low or "may not be a pdf" in low:
        return InputError(f"{path}: not a readable PDF (corrupt or truncated): {message.strip()}")
    return InputError(f"{path}: cannot read PDF: {message.strip()}")


class Pdf2ImageRasterizer(Rasterizer):
    """Rasterizes PDF pages with poppler through pdf2image, one page at a time."""

    extensions = (".pdf",)

    def __init__(self, options: Pdf2ImageOptions) -> None:
        """Keep the options; poppler is looked up when the first file is read."""
        self.options = options

    def page_count(self, path: Path) -> int:
        """Number of pages (poppler's pdfinfo); InputError for corrupt or encrypted files."""
        from pdf2image import pdfinfo_from_path
        from pdf2image.exceptions import PDFInfoNotInstalledError, PDFPageCountError, PDFSyntaxError

        if not path.is_file():
            raise InputError(f"{path}: no such file")
        if path.stat().st_size == 0:
            raise InputError(f"{path}: file is empty (0 bytes)")
        try:
            info = pdfinfo_from_path(str(path), userpw=self.options.password, timeout=self.options.timeout)
        except PDFInfoNotInstalledError as exc:
            raise InputError("poppler is not installed (pdfinfo not found); install it with: apt-get install poppler-utils") from exc
        except (PDFPageCountError, PDFSyntaxError) as exc:
            raise _explain(path, str(exc)) from exc
        if "Encrypted" in info and str(info["Encrypted"]).startswith("yes") and self.options.password is None:
            # pdfinfo opens files with only an owner password; they render fine.
            pass
        return int(info["Pages"])

    def iter_pages(self, path: Path, pages: PageRange, dpi: float) -> Iterator[PageImage]:
        """Render the selected pages one by one at ``dpi``; never holds more than one page."""
        from pdf2image import convert_from_path
        from pdf2image.exceptions import PDFPageCountError, PDFSyntaxError

        count = self.page_count(path)
        for index in pages.indices(count):
            try:
                images = convert_from_path(
                    str(path),
                    dpi=dpi,
                    first_page=index + 1,
                    last_page=index + 1,
                    userpw=self.options.password,
                    use_pdftocairo=self.options.use_pdftocairo,
                    grayscale=self.options.grayscale,
                    timeout=self.options.timeout,
                )
            except (PDFPageCountError, PDFSyntaxError) as exc:
                raise _explain(path, str(exc)) from exc
            if not images:
                raise InputError(f"{path}: page {index + 1} could not be rendered")
            with images[0] as img:
                array = normalize_image(img)
            yield PageImage(image=np.ascontiguousarray(array), index=index, source=str(path), dpi=float(dpi))
