"""The ``text`` renderer: plain UTF-8 text in reading order, one ``.txt`` per document."""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from pydantic import Field

from ocrplug.api import DocumentInfo, Options, Page, PageFailure, PageImage, Region, RenderSession, text_rows
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
        indents = _indents(para)
        for row in para:
            cells = [" " * indents.get(id(ln), 0) + texts.get(id(ln), ln.text or "") for ln in row]
            cells = [t for t in cells if t.strip() or not opts.skip_empty_lines]
            if cells:
                rows.append(opts.cell_separator.join(cells))
        if rows:
            paragraphs.append("\n".join(rows))
    return "\n\n".join(paragraphs)


#: The line attributes a recognizer sets on a monospaced line: its character pitch (page pixels per
#: cell) and the page x of its first cell's left edge (``ocrplug_ppocr`` sets both; docs/renderers.md).
PITCH = "pitch"
#: Lines whose pitches differ by at most this share are one monospaced column (one font size).
_SAME_PITCH = 0.1


CELL_LEFT = "cell_left"


def _starts(line: Region) -> list[float]:
    """Page x of the left edge of the character cell each word of a monospaced line starts in: its word
    boxes' left edges snapped to the line's cell grid (:data:`CELL_LEFT`, :data:`PITCH`), else the boxes'
    own left edges."""
    words = line.children or (line,)
    lefts = [float(min(x for x, _ in w.quad)) for w in words]
    cell, pitch = line.attributes.get(CELL_LEFT), line.attributes.get(PITCH)
    if not isinstance(cell, (int, float)) or not isinstance(pitch, (int, float)) or pitch <= 0:
        return lefts
    return [cell + max(round((x - cell) / pitch), 0) * pitch for x in lefts]


def _indents(para: Sequence[Sequence[Region]]) -> dict[int, int]:
    """Leading spaces of the monospaced lines of one paragraph (rows of lines), by ``id`` of the line.

    A line carrying a :data:`PITCH` (a code listing's) is indented by the whole character cells between
    its start and the column's left edge: the leftmost start, among the monospaced lines of the same
    pitch, of the first word that lies right of the cell before it in its row (a listing's line numbers
    are a column of their own; where the detector joined a number and its code into one line, the code's
    first word counts). Level lines only; others get none.
    """
    mono = [ln for row in para for ln in row
            if isinstance(ln.attributes.get(PITCH), (int, float)) and not ln.attributes.get("rotation")]
    if len(mono) < 2:
        return {}
    starts = {id(ln): _starts(ln) for ln in mono}
    out: dict[int, int] = {}
    for row in para:
        bound = -math.inf
        for ln in row:
            pitch = ln.attributes.get(PITCH)
            if id(ln) in starts and pitch:
                x = starts[id(ln)][0]
                column = [next((v for v in starts[id(o)] if v >= bound - pitch / 2), math.inf) for o in mono
                          if abs(o.attributes[PITCH] / pitch - 1) <= _SAME_PITCH]
                cells = round((x - min(column)) / pitch) if column else 0
                if cells > 0:
                    out[id(ln)] = cells
            bound = max(bound, max(x for x, _ in ln.quad))
    return out


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
