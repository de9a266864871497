"""The ``text`` renderer: plain UTF-8 text in reading order, one ``.txt`` per document."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from ocrplug.api import DocumentInfo, Options, Page, PageFailure, PageImage, RenderSession, text_rows
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
    cell_separator: str = Field(
        " ",
        description="string between the lines of one row (a form's label and its far answer, a table "
        "row's cells), written on one output line; e.g. '\\t' keeps a table's cells apart",
    )


def page_text(page: Page, options: TextOptions | None = None) -> str:
    """The text of one page: a row per output line, blocks (paragraphs) separated by a blank line.

    Rows are the host's (:func:`ocrplug.layout.text_rows`): the lines of one row that the layout keeps
    apart (a label and its far-right answer, a table row's cells) are written on one line, joined by
    ``cell_separator``; a two-column page stays column after column.
    """
    opts = options or TextOptions()
    blocks = page_layout(page)
    texts = {id(ln.region): ln.text for b in blocks for ln in b.lines if ln.region is not None}
    regions = [b.region for b in blocks if b.region is not None]  # page_layout's blocks all have one
    paragraphs: list[str] = []
    for para in text_rows(regions):
        rows = []
        for row in para:
            cells = [texts.get(id(ln), ln.text or "") for ln in row]
            cells = [t for t in cells if t.strip() or not opts.skip_empty_lines]
            if cells:
                rows.append(opts.cell_separator.join(cells))
        if rows:
            paragraphs.append("\n".join(rows))
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
