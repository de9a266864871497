"""The ``json`` renderer: the host's page model (``Document.to_dict()``) per document, streamed."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

from pydantic import Field

from ocrplug.api import SCHEMA_VERSION, DocumentInfo, Options, Page, PageFailure, PageImage, RenderSession
from ocrplug_render.common import DocumentFileRenderer, StreamedFile, output_path

__all__ = ["JsonOptions", "JsonRenderer"]

_SURROGATE = re.compile("[\ud800-\udfff]")


class JsonOptions(Options):
    """Options of the ``json`` renderer."""

    indent: int | None = Field(
        None, ge=0, le=8, description="pretty-print with this many spaces per level; null for compact output"
    )
    suffix: str = Field(".json", description="file name suffix of the output, after the document stem")


class JsonSession(RenderSession):
    """Writes ``{"schema_version", "source", "pages": [...], "failures": [...]}`` page by page.

    The result is exactly ``Document.to_dict()`` of the document (``Document.from_json`` reads it
    back), but no page is kept in memory once written.
    """

    def __init__(self, info: DocumentInfo, options: JsonOptions) -> None:
        """Open the temporary file and write the document header."""
        self.options = options
        self.file = StreamedFile(output_path(info, options.suffix))
        self.failures: list[PageFailure] = []
        self.pages = 0
        ind = options.indent
        nl = "\n" if ind is not None else ""
        pad = " " * (ind or 0)
        sep = ": " if ind is not None else ":"
        head = f"{{{nl}{pad}{_dump('schema_version')}{sep}{_dump(SCHEMA_VERSION)},"
        head += f"{nl}{pad}{_dump('source')}{sep}{_dump(info.source)},"
        head += f"{nl}{pad}{_dump('pages')}{sep}["
        self.file.write(head)

    def _item(self, obj: object) -> str:
        ind = self.options.indent
        if ind is None:
            return _json_surrogates(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))
        # Nested two levels deep (document -> list), so shift every line by two indents.
        return textwrap.indent(_json_surrogates(json.dumps(obj, ensure_ascii=False, indent=ind)), " " * (2 * ind))

    def add_page(self, page: Page, image: PageImage | None) -> None:
        """Append one page to the ``pages`` array."""
        ind = self.options.indent
        prefix = ("," if self.pages else "") + ("\n" if ind is not None else "")
        self.file.write(prefix + self._item(page.to_dict()))
        self.pages += 1

    def add_failure(self, failure: PageFailure) -> None:
        """Record a page that failed (written in ``failures`` at the end)."""
        self.failures.append(failure)

    def close(self) -> list[Path]:
        """Write the failures and the closing brackets, then rename the file into place."""
        ind = self.options.indent
        nl = "\n" if ind is not None else ""
        pad = " " * (ind or 0)
        sep = ": " if ind is not None else ":"
        tail = (nl + pad if self.pages else "") + "],"
        tail += f"{nl}{pad}{_dump('failures')}{sep}["
        for k, failure in enumerate(self.failures):
            tail += ("," if k else "") + nl + self._item(failure.to_dict())
        tail += (nl + pad if self.failures else "") + "]" + nl + "}" + nl
        self.file.write(tail)
        return [self.file.commit()]

    def abort(self) -> None:
        """Drop the partial JSON file."""
        self.file.discard()


def _dump(value: object) -> str:
    return _json_surrogates(json.dumps(value, ensure_ascii=False))


def _json_surrogates(text: str) -> str:
    # A file name that is not valid UTF-8 reaches us as lone surrogates (PEP 383); JSON's \uXXXX
    # escapes carry them exactly, so json.loads gives back the same name and the file is valid UTF-8.
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


class JsonRenderer(DocumentFileRenderer):
    """The full page model as JSON, one file per document."""

    options_model = JsonOptions
    session_class = JsonSession
