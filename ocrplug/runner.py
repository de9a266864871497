"""The run loop: sources -> batches -> executor -> writers, in document and page order.

:func:`run_inputs` is what :meth:`Pipeline.run_many` and ``ocrplug run`` call. It checks the output
folder before any page, skips documents an earlier run finished (resume), takes pages a killed run
journaled instead of running OCR on them again, and on an interrupt aborts only the unfinished
document (documents committed before stay complete).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ocrplug.errors import OcrplugError
from ocrplug.executors import Executor, make_executor
from ocrplug.model import Page, PageImage
from ocrplug.pageloop import run_documents
from ocrplug.processing import PageProcessor
from ocrplug.sources import InputDocument, InputFile, Sources
from ocrplug.writing import DocumentWriter, OutputFolder, RunReport

__all__ = ["DocumentCallback", "ProgressCallback", "pending_inputs", "run_inputs"]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[str, int, int | None], None]
#: ``on_document(documents_done, documents_total)``: see :func:`run_inputs`.
DocumentCallback = Callable[[int, int], None]


def run_inputs(
    pipeline: PageProcessor,
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
    on_document: DocumentCallback | None = None,
) -> RunReport:
    """OCR ``inputs`` (files, folders, arrays) into ``out_dir``; never stops on a failed input or page.

    ``pipeline``: the page work (a :class:`~ocrplug.processing.PageProcessor`, or a
    :class:`~ocrplug.pipeline.Pipeline`, which offers the same). Pages go through the one page loop
    (:func:`ocrplug.pageloop.run_documents`): a page the rasterizer cannot decode is that page's failure.

    ``progress(source, pages_done, total_pages)`` is called once with 0 pages done as soon as every
    input is opened (the total known), then after each page. ``on_document(done, total)``: the same for
    documents (the inputs opened; those that cannot be opened are failures, not counted), called once
    with 0 done when every input is opened, then as each document is finished (written or failed). ``executor`` replaces the
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
        files, todo = pending_inputs(folder, sources, inputs)
        documents: list[InputDocument] = []
        counts: dict[str, int] = {}
        for file in todo:
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
        if progress is not None and documents:
            # The page count of every input is known once it is opened: show the total now, not after
            # the first page (which can take minutes on a loaded machine, model loading included).
            progress(documents[0].file.label, 0, total)
        finished = 0
        if on_document is not None and documents:
            on_document(0, len(documents))
        open_writers: list[DocumentWriter] = []

        def start(document: InputDocument) -> DocumentWriter:
            writer = folder.document(document.file, document.page_count)
            open_writers.append(writer)
            return writer

        def cached(writer: DocumentWriter, image: PageImage) -> Page | None:
            return writer.cached(image.index)

        try:
            with executor or make_executor(pipeline, jobs) as ex:
                size = pipeline.batch_size(jobs)
                for batch, results in run_documents(documents, sources, ex, size, start=start, cached=cached):
                    writer = batch.document
                    if batch.cached is not None:
                        writer.add(batch.cached[0], batch.cached[1], from_journal=True)
                        _tell(progress, writer, folder.report, total)
                    if batch.failure is not None:  # a page the rasterizer could not decode
                        writer.add(batch.failure, unread=True)
                        _tell(progress, writer, folder.report, total)
                    for image, result in zip(batch.images, results, strict=True):
                        writer.add(result, image)
                        _tell(progress, writer, folder.report, total)
                    if batch.error is not None:
                        writer.fail(batch.error)
                    if batch.last:
                        writer.commit()
                        open_writers.remove(writer)
                        finished += 1
                        if on_document is not None:
                            on_document(finished, len(documents))
        except BaseException:
            for writer in open_writers:
                writer.abort()
            raise
        if progress is not None and total == 0:
            progress("", 0, 0)
    return folder.report


def pending_inputs(folder: OutputFolder, sources: Sources, inputs: Sequence[Any]) -> tuple[list[InputFile], list[InputFile]]:
    """The input files of ``inputs`` (earlier outputs in ``folder`` left out) and those still to do.

    Inputs that do not exist are recorded in ``folder`` as failed, documents an earlier run finished
    as skipped (resume), and entries of input folders that are no input (other file types, sub-folders)
    as left out (``RunReport.left_out_inputs``). Shared by ``ocrplug run`` and ``ocrplug spark run``.
    """
    files, missing, left_out = sources.discover(inputs, exclude=folder.earlier_outputs() | {folder.path.resolve()})
    folder.report.left_out_inputs += [str(p) for p in left_out]
    for failure in missing:
        folder.fail_input(failure.source, failure.error)
    todo = []
    for file in files:
        if folder.is_done(file):
            folder.skip(file)
        else:
            todo.append(file)
    return files, todo


def _tell(progress: ProgressCallback | None, writer: DocumentWriter, report: RunReport, total: int) -> None:
    if progress is not None:
        progress(writer.info.source, report.pages_done, total)

