"""The ``text`` renderer: plain UTF-8 text in reading order, one ``.txt`` per document."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from ocrplug.api import DocumentInfo, Options, Page, PageFailure, PageImage, RenderSession
from ocrplug_render.common import (
    DocumentFileRenderer,
    StreamedFile,
    failure_note,
    output_path,
    page_layout,
)

__all__ = ["TextOptions", "TextRenderer", "page_text"]


class TextOptions(Options):
    """Options of the ``text`` renderer."""

    page_separator: str = Field(
        "\f",
        description="string written between pages (default: form feed, as pdftotext does); '' for none",
    )
    skip_empty_lines: bool = Field(
        True, description="leave out lines without text (e.g. regions of a detector-only pipeline)"
    )
    suffix: str = Field(".txt", description="file name suffix of the output, after the document stem")


def page_text(page: Page, options: TextOptions | None = None) -> str:
    """The text of one page: lines separated by newlines, blocks (paragraphs) by a blank line."""
    opts = options or TextOptions()
    paragraphs: list[str] = []
    for block in page_layout(page):
        lines = [ln.text for ln in block.lines if ln.text.strip() or not opts.skip_empty_lines]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


class TextSession(RenderSession):
    """Appends each page's text to a temporary file; renamed into place by :meth:`close`."""

    def __init__(self, info: DocumentInfo, options: TextOptions) -> None:
        """Open the temporary output file."""
        self.options = options
        self.file = StreamedFile(output_path(info, options.suffix))
        self.pages = 0

    def add_page(self, page: Page, image: PageImage | None) -> None:
        """Write one page's text (after a page separator from the second page on)."""
        if self.pages:
            self.file.write(self.options.page_separator)
        text = page_text(page, self.options)
        self.file.write(text + "\n" if text else "")
        self.pages += 1

    def add_failure(self, failure: PageFailure) -> None:
        """Write a one-line marker in place of a page that failed, so page numbers stay aligned."""
        if failure.index is None:
            return  # the whole input failed before its first page: nothing to mark
        if self.pages:
            self.file.write(self.options.page_separator)
        self.file.write(failure_note(failure) + "\n")
        self.pages += 1

    def close(self) -> list[Path]:
        """Rename the finished text file into place."""
        return [self.file.commit()]

    def abort(self) -> None:
        """Drop the partial text file."""
        self.file.discard()


class TextRenderer(DocumentFileRenderer):
    """Plain text in reading order; lines kept, paragraphs separated by blank lines."""

    options_model = TextOptions
    session_class = TextSession
