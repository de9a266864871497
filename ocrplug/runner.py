"""The run loop: sources -> batches -> executor -> writers, in document and page order.

:func:`run_inputs` is what :meth:`Pipeline.run_many` and ``ocrplug run`` call. It checks the output
folder before any page, skips documents an earlier run finished (resume), takes pages a killed run
journaled instead of running OCR on them again, and on an interrupt aborts only the unfinished
document (documents committed before stay complete).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ocrplug.errors import OcrplugError, PageReadError
from ocrplug.executors import Executor, PageBatch, make_executor
from ocrplug.model import Page, PageFailure, PageImage
from ocrplug.sources import InputDocument, Sources
from ocrplug.writing import DocumentWriter, OutputFolder, RunReport

if TYPE_CHECKING:
    from ocrplug.pipeline import Pipeline

__all__ = ["ProgressCallback", "run_inputs"]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, int | None], None]


@dataclass(frozen=True)
class _Slot:
    writer: DocumentWriter
    cached: tuple[Page, PageImage] | None = None
    failure: PageFailure | None = None  # a page the rasterizer could not decode


def run_inputs(
    pipeline: Pipeline,
    inputs: Sequence[Any],
    out_dir: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    progress: ProgressCallback | None = None,
    resume: bool = False,
    keep_pages: bool = True,
    executor: Executor | None = None,
    on_output: Callable[[Path], None] | None = None,
    resume_check: str = "size-mtime",
) -> RunReport:
    """OCR ``inputs`` (files, folders, arrays) into ``out_dir``; never stops on a failed input or page.

    ``progress(source, pages_done, total_pages)`` is called after each page. ``executor`` replaces the
    one chosen from ``jobs``. ``on_output(path)`` is called for each file written, as soon as its document is
    committed (so an interrupted run has already reported every finished file). ``resume_check``:
    ``"size-mtime"`` or ``"hash"``, what tells an input is unchanged (see :class:`OutputFolder`). Raises :class:`~ocrplug.errors.OutputError` (before any page) for an
    unusable output folder or an output that would replace an input; ``KeyboardInterrupt`` propagates
    after the unfinished document's temporary files are removed.
    """
    folder = OutputFolder(
        out_dir, pipeline.named_renderers(), pipeline.config, resume=resume, keep_pages=keep_pages, on_output=on_output,
        resume_check=resume_check,
    )
    with folder:
        sources = pipeline.sources
        files, missing = sources.discover(inputs, exclude=folder.earlier_outputs())
        for failure in missing:
            folder.fail_input(failure.source, failure.error)
        documents: list[InputDocument] = []
        counts: dict[str, int] = {}
        for file in files:
            if folder.is_done(file):
                folder.skip(file)
                continue
            try:
                document = sources.open(file)
            except OcrplugError as exc:
                folder.fail_input(file.label, str(exc))
                continue
            except Exception as exc:  # a rasterizer bug must not lose the other inputs
                folder.fail_input(file.label, f"{file.label}: rasterizer failed: {exc!r}")
                continue
            documents.append(document)
            counts[file.label] = document.page_count
        folder.plan(files, counts)
        total = sum(counts.values())
        open_writers: list[DocumentWriter] = []
        try:
            with executor or make_executor(pipeline, jobs) as ex:
                for batch, results in ex.map(_batches(documents, sources, folder, open_writers, pipeline.batch_size(jobs))):
                    slot: _Slot = batch.document
                    writer = slot.writer
                    if slot.cached is not None:
                        writer.add(slot.cached[0], slot.cached[1], from_journal=True)
                        _tell(progress, writer, folder.report, total)
                    if slot.failure is not None:
                        writer.add(slot.failure)
                        _tell(progress, writer, folder.report, total)
                    for image, result in zip(batch.images, results, strict=True):
                        writer.add(result, image)
                        _tell(progress, writer, folder.report, total)
                    if batch.error is not None:
                        writer.fail(batch.error)
                    if batch.last:
                        writer.commit()
                        open_writers.remove(writer)
        except BaseException:
            for writer in open_writers:
                writer.abort()
            raise
        if progress is not None and total == 0:
            progress("", 0, 0)
    return folder.report


def _tell(progress: ProgressCallback | None, writer: DocumentWriter, report: RunReport, total: int) -> None:
    if progress is not None:
        progress(writer.info.source, report.pages_done, total)


def _batches(
    documents: Sequence[InputDocument],
    sources: Sources,
    folder: OutputFolder,
    open_writers: list[DocumentWriter],
    size: int,
) -> Iterator[PageBatch]:
    """Each document's pages in batches. A page the rasterizer cannot decode (:class:`PageReadError`)
    becomes that page's failure and the document is reopened after it; any other rasterizer error
    ends the document (``PageBatch.error``)."""
    for document in documents:
        writer = folder.document(document.file, document.page_count)
        open_writers.append(writer)
        slot = _Slot(writer)
        chunk: list[PageImage] = []
        error: str | None = None
        pages: Iterator[PageImage] | None = document.pages()
        failed_at = -1
        while pages is not None:
            try:
                for image in pages:
                    cached = writer.cached(image.index)
                    if cached is not None:
                        if chunk:
                            yield PageBatch(tuple(chunk), slot)
                            chunk = []
                        yield PageBatch((), _Slot(writer, (cached, image)))
                        continue
                    chunk.append(image)
                    if len(chunk) >= size:
                        yield PageBatch(tuple(chunk), slot)
                        chunk = []
                pages = None
            except PageReadError as exc:
                if exc.index <= failed_at or document.file.path is None:  # no progress: stop here
                    error, pages = str(exc), None
                    continue
                failed_at = exc.index
                if chunk:
                    yield PageBatch(tuple(chunk), slot)
                    chunk = []
                yield PageBatch((), _Slot(writer, failure=PageFailure(document.file.label, exc.index, str(exc))))
                try:
                    pages = sources.reopen_after(document.file, exc.index)
                except OcrplugError as reopen_exc:
                    error, pages = str(reopen_exc), None
            except OcrplugError as exc:
                error, pages = str(exc), None
            except Exception as exc:  # a rasterizer bug must not lose the other inputs
                error, pages = f"{document.file.label}: rasterizer failed: {exc!r}", None
        yield PageBatch(tuple(chunk), slot, last=True, error=error)
