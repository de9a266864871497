"""The one page loop: documents -> page images (past unreadable pages) -> batches -> an executor.

Every front end reads documents through :func:`read_pages` and runs them through :func:`run_documents`
(``Pipeline.run`` / ``iter_pages`` / ``iter_results`` / ``run_many``, ``ocrplug run``, the Spark
workers, the Spark job's driver): a page the rasterizer cannot decode
(:class:`~ocrplug.errors.PageReadError`) becomes that page's failure and the document is reopened
after it; any other error ends the document, after the pages read before it. The loop is handed its
executor (:mod:`ocrplug.executors`), which does the page work wherever it runs.

What travels to the page work is the :class:`~ocrplug.model.PageImage` alone (picklable: the image, its
source, dpi, warnings). A PDF page that already holds text (``input.text_pages``) is decided by the
rasterizer here, in the reading process: under ``text-layer`` its words (a few hundred small line and
word regions, ``PageImage.text_layer``) go with the image, under ``skip`` only its ``text_source``; the
worker then lays them out (:meth:`ocrplug.processing.PageProcessor.text_layer_page`) and never needs the
PDF file itself, so the same pages come from every executor (threads, processes, Spark).

Inputs given as bytes (``Pipeline.run(b"...")``, Spark's ``binaryFile`` rows) are written to a
temporary file for the rasterizers, which read files by path (:func:`bytes_input`); the temporary name
never appears in results or errors.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ocrplug.errors import InputError, OcrplugError, PageReadError
from ocrplug.executors import Executor, PageBatch, PageResult
from ocrplug.model import PageFailure, PageImage
from ocrplug.profile import stage
from ocrplug.sources import InputDocument, InputFile, Sources, sniff_bytes

__all__ = ["BYTES_LABEL", "ReadStop", "bytes_input", "bytes_suffix", "page_batches", "read_pages", "run_documents"]

BYTES_LABEL = "<bytes>"


@dataclass(frozen=True)
class ReadStop:
    """Reading a document ended early: ``error`` names the file; ``index`` is the 0-based page where it
    stopped (None when no page was read)."""

    source: str
    index: int | None
    error: str


def read_pages(document: InputDocument, sources: Sources) -> Iterator[PageImage | PageFailure | ReadStop]:
    """The selected pages of ``document`` in order: a :class:`PageImage` per page read, a
    :class:`PageFailure` per page the rasterizer cannot decode (the pages after it are still read),
    and a last :class:`ReadStop` when reading ended early for any other reason. Never raises for
    bad input (a rasterizer bug becomes a ``ReadStop`` naming the file).
    """
    label = document.file.label
    pages: Iterator[PageImage] | None = document.pages()
    failed_at = last = -1
    while pages is not None:
        try:
            while True:
                with stage("rasterize"):
                    image = next(pages, None)
                if image is None:
                    return
                last = image.index
                yield image
        except PageReadError as exc:
            if exc.index <= failed_at or document.file.path is None:  # no progress: stop here
                yield ReadStop(label, exc.index, str(exc))
                return
            failed_at = last = exc.index
            yield PageFailure(label, exc.index, str(exc))
            try:
                pages = sources.reopen_after(document.file, exc.index)
            except OcrplugError as reopen_exc:
                yield ReadStop(label, exc.index + 1, str(reopen_exc))
                return
        except OcrplugError as exc:
            yield ReadStop(label, last + 1 if last >= 0 else None, str(exc))
            return
        except Exception as exc:  # a rasterizer bug must not lose the other inputs
            yield ReadStop(label, last + 1 if last >= 0 else None, f"{label}: rasterizer failed: {exc!r}")
            return


def page_batches(
    documents: Iterable[InputDocument],
    sources: Sources,
    size: int,
    *,
    start: Callable[[InputDocument], Any] | None = None,
    cached: Callable[[Any, PageImage], Any] | None = None,
) -> Iterator[PageBatch]:
    """Each document's pages as :class:`PageBatch` es of at most ``size`` images, in order.

    ``start(document)`` gives the handle a document's batches carry (default: the document itself).
    ``cached(handle, image)`` may give a result already known for a page (a killed run's journal):
    the page then travels alone in ``PageBatch.cached`` and is not processed again. An unreadable
    page travels in ``PageBatch.failure``; the last batch of a document has ``last`` set and, when
    reading ended early, ``error`` (and ``error_index``).
    """
    for document in documents:
        handle = start(document) if start is not None else document
        chunk: list[PageImage] = []
        stop: ReadStop | None = None
        for item in read_pages(document, sources):
            if isinstance(item, ReadStop):
                stop = item
                break
            known = cached(handle, item) if cached is not None and isinstance(item, PageImage) else None
            if isinstance(item, PageFailure) or known is not None:
                if chunk:
                    yield PageBatch(tuple(chunk), handle)
                    chunk = []
                if isinstance(item, PageFailure):
                    yield PageBatch((), handle, failure=item)
                else:
                    yield PageBatch((), handle, cached=(known, item))
                continue
            chunk.append(item)
            if len(chunk) >= size:
                yield PageBatch(tuple(chunk), handle)
                chunk = []
        yield PageBatch(
            tuple(chunk), handle, last=True,
            error=None if stop is None else stop.error, error_index=None if stop is None else stop.index,
        )


def run_documents(
    documents: Iterable[InputDocument],
    sources: Sources,
    executor: Executor,
    size: int,
    *,
    start: Callable[[InputDocument], Any] | None = None,
    cached: Callable[[Any, PageImage], Any] | None = None,
) -> Iterator[tuple[PageBatch, list[PageResult]]]:
    """:func:`page_batches` handed to ``executor``: ``(batch, results)`` in document and page order."""
    return executor.map(page_batches(documents, sources, size, start=start, cached=cached))


def bytes_suffix(content: bytes) -> str:
    """The file suffix of an image or PDF file's bytes (PNG, JPEG, TIFF, PDF, GIF, BMP, WebP), by its
    signature (:func:`ocrplug.sources.sniff_bytes`; ``%PDF-`` may follow some junk, as PDF readers allow).

    Raises :class:`~ocrplug.errors.InputError` for anything else.
    """
    suffix = sniff_bytes(content[:1024])
    if suffix is None:
        raise InputError(f"{BYTES_LABEL}: not the bytes of a PNG, JPEG, TIFF, PDF, GIF, BMP or WebP file")
    return suffix


@contextlib.contextmanager
def bytes_input(
    content: bytes, label: str = BYTES_LABEL, suffix: str | None = None, prefix: str = "ocrplug-"
) -> Iterator[InputFile]:
    """A temporary file holding ``content`` (suffix ``suffix``; None: sniffed by :func:`bytes_suffix`), as
    an :class:`InputFile`; the file is removed on leaving the block.

    The file is named after ``label``'s stem (``bytes`` for :data:`BYTES_LABEL`), so outputs written
    for it carry that name. Its ``label`` is the temporary path (rasterizers read it): callers replace
    it with their own name in results and messages.
    """
    ext = bytes_suffix(content) if suffix is None else suffix
    stem = "bytes" if label == BYTES_LABEL else (Path(label).stem or "bytes")
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        path = Path(folder) / f"{stem}{ext}"
        path.write_bytes(content)
        yield InputFile(label=str(path), path=path, name=stem)
