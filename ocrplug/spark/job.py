"""``ocrplug spark run``: OCR on Spark, outputs written through the host's writing layer, resumably.

Executors do the page work (:func:`ocrplug.spark.ocr_dataframe` on ``binaryFile`` rows: rasterize,
detect, recognize); the driver writes, through :class:`ocrplug.writing.OutputFolder` exactly as
``ocrplug run`` does: the output folder is checked and locked before Spark starts, output names are
planned once (stable and distinct across runs, never an input file), each document's pages go to its
:class:`~ocrplug.writing.DocumentWriter` in page order and are committed atomically, and the resume
manifest (``OUT/.ocrplug/``) records every document as it is committed, so ``ocrplug run`` and
``ocrplug spark run`` resume each other's work. The page results are also written as a Parquet dataset,
one file per document: ``OUT/pages.parquet/<name>.parquet``.

Documents go to Spark in waves (two in flight, so one wave's last tasks overlap the next wave's first):
a killed job loses at most the waves in flight. Renderers that need page images (overlay, pdf) get them
by rasterizing the document again on the driver; the others need only the page results.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ocrplug.config import PipelineConfig
from ocrplug.errors import InputError, OcrplugError
from ocrplug.model import PageFailure, PageImage
from ocrplug.pageloop import read_pages
from ocrplug.pipeline import Pipeline
from ocrplug.runner import pending_inputs
from ocrplug.sources import InputFile
from ocrplug.spark.rows import PAGE_SCHEMA, page_from_row
from ocrplug.spark.worker import local_path
from ocrplug.writing import OutputFolder, RunReport

__all__ = ["DATASET_DIR", "SparkJobReport", "run_spark_job"]

DATASET_DIR = "pages.parquet"
"""Folder of the page-results Parquet dataset under the output folder (one file per document)."""


@dataclass
class SparkJobReport:
    """The writing layer's :class:`~ocrplug.writing.RunReport`, plus Spark's share of the time.

    ``startup_seconds``: starting the Spark session (0 when one was given); ``spark_seconds``: the
    page work on Spark as the driver waited for it; ``write_seconds``: the driver's writing.
    """

    run: RunReport = field(default_factory=RunReport)
    startup_seconds: float = 0.0
    spark_seconds: float = 0.0
    write_seconds: float = 0.0


def _readable_pages(pipeline: Pipeline, file: InputFile) -> Iterator[PageImage]:
    """The driver's page images of ``file`` for renderers that need them, past pages it cannot decode
    (the host's page loop, :func:`ocrplug.pageloop.read_pages`)."""
    try:
        document = pipeline.sources.open(file)
    except OcrplugError:  # the executors' rows already name the error; these pages get no image
        return
    for item in read_pages(document, pipeline.sources):
        if isinstance(item, PageImage):
            yield item


def _utf8(text: str) -> bool:
    """Whether ``text`` encodes to UTF-8 (False for a file name holding surrogate-escaped bytes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _byte_uri(path: Path | None) -> str:
    """A ``file:`` URI of ``path`` with every byte that is not ASCII-safe percent-encoded."""
    return "file:" + quote(os.fsencode(str(path)), safe="/")


def _result(future: Future[list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """``future.result()`` in short waits: a signal delivered to another thread (the JVM's reader,
    Py4J's) runs its Python handler (SIGTERM: the CLI's interrupt) only when this thread wakes."""
    while True:
        try:
            return future.result(timeout=0.5)
        except TimeoutError:
            continue


def _waves(files: Sequence[InputFile], size: int) -> Iterator[list[InputFile]]:
    for start in range(0, len(files), size):
        yield list(files[start : start + size])


def _write_document(
    folder: OutputFolder, pipeline: Pipeline, file: InputFile, rows: list[dict[str, Any]], dataset: Path
) -> None:
    """Feed one document's page rows (any order) to its writer in page order, then commit."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from ocrplug.io.atomic import atomic_path

    label = file.label
    rows = sorted(rows, key=lambda r: -1 if r["page_index"] is None else r["page_index"])
    for row in rows:
        # Parquet strings are UTF-8: a name's undecodable bytes are written as \xNN escapes.
        row["path"] = os.fsencode(label).decode("utf-8", "backslashreplace")
        spark_path = row.pop("_spark_path", "")
        if row["error"] and spark_path:
            row["error"] = row["error"].replace(spark_path, row["path"])
        if row.get("warnings") and spark_path:  # named as the input was given, as errors are
            row["warnings"] = [w.replace(spark_path, row["path"]) for w in row["warnings"]]
    name = folder.name_of(file)
    with atomic_path(dataset / f"{name.replace('/', '--')}.parquet") as tmp:
        pq.write_table(pa.Table.from_pylist(rows, schema=PAGE_SCHEMA), tmp)
    if not rows:
        folder.fail_input(label, f"{label}: Spark returned no result for this file")
        return
    if rows[0]["page_index"] is None:  # the file could not be opened at all
        folder.fail_input(label, rows[0]["error"])
        return
    writer = folder.document(file, int(rows[0]["page_count"] or len(rows)))
    images: Iterator[PageImage] | None = None
    if writer.needs_images:
        images = _readable_pages(pipeline, file)
    try:
        for row in rows:
            index = int(row["page_index"])
            image = None
            if images is not None and row["width"] is not None:
                image = next((im for im in images if im.index >= index), None)
                image = image if image is not None and image.index == index else None
            if row["error"] is None:
                writer.add(page_from_row(row).with_(source=label), image)
            elif row["width"] is not None:  # this page failed; the document goes on
                writer.add(PageFailure(label, index, row["error"]), image)
            elif row is not rows[-1]:  # a page the rasterizer could not decode; the pages after it were read
                writer.add(PageFailure(label, index, row["error"]), unread=True)
            else:  # reading the document stopped at this page
                writer.fail(row["error"], index)
    except BaseException:
        writer.abort()
        raise
    writer.commit()


def run_spark_job(
    inputs: Sequence[Any],
    config: Mapping[str, Any] | PipelineConfig,
    out_dir: str | Path | None = None,
    *,
    source: str = "<config>",
    master: str | None = None,
    resume: bool = True,
    partitions: int | None = None,
    wave: int | None = None,
    spark: Any = None,
    on_output: Callable[[Path], None] | None = None,
    resume_check: str = "size-mtime",
) -> SparkJobReport:
    """Run ``config`` on ``inputs`` (files and folders every executor can read) with Spark.

    ``out_dir`` defaults to ``output.dir``, then ``./ocrplug-out``; only the driver writes there.
    ``master`` is used when this call starts the session (``spark`` None). ``resume`` skips documents
    an earlier run (``ocrplug run`` or this) finished with the same config. ``wave``: documents per
    Spark job (default 8 per core); ``partitions``: tasks per wave (default one per document).
    ``on_output(path)`` is called for each file written, as soon as its document is committed.
    ``resume_check``: ``"size-mtime"`` or ``"hash"``, what tells an input is unchanged since the earlier
    run (as ``ocrplug run``'s; see :class:`~ocrplug.writing.OutputFolder`).
    ``config``: a dict (layered over the default pipeline and validated, as ``Pipeline.from_dict``) or
    a validated :class:`~ocrplug.config.PipelineConfig` (used as it is).
    Raises ConfigError/OutputError before Spark starts for a bad config or output folder, and
    InputError when no input exists; page and file failures are in the report.
    """
    if isinstance(config, PipelineConfig):  # validated already (the CLI): not validated again
        pipeline = Pipeline.from_config(config, source=source)
    else:
        pipeline = Pipeline.from_dict(config, source=source)
    page_config = pipeline.to_dict() | {"renderers": []}
    target = Path(out_dir or pipeline.config.output.dir or "ocrplug-out")
    report = SparkJobReport()
    folder = OutputFolder(
        target, pipeline.named_renderers(), pipeline.config, resume=resume, keep_pages=False, on_output=on_output,
        resume_check=resume_check,
    )
    with folder:
        report.run = folder.report
        files, todo = pending_inputs(folder, pipeline.sources, list(inputs))
        if not files and folder.report.failures:
            raise InputError("; ".join(f.error for f in folder.report.failures))
        folder.plan(files)
        if not todo:
            return report

        started = time.perf_counter()
        if spark is None:
            from ocrplug.spark.session import spark_session

            spark = spark_session(master, app_name="ocrplug spark run")
        report.startup_seconds = time.perf_counter() - started

        from pyspark.sql import functions as F

        from ocrplug.spark.frames import ocr_dataframe

        # A path that is not valid UTF-8 cannot cross into the JVM (Py4J and Java file names are
        # Unicode): the driver reads such files and hands Spark their bytes under a percent-encoded
        # file: URI; the others Spark reads itself.
        plain = [f for f in todo if _utf8(str(f.path))]
        undecodable = {_byte_uri(f.path): str(f.path) for f in todo if not _utf8(str(f.path))}
        files_df = None
        if plain:
            files_df = spark.read.format("binaryFile").load([str(f.path) for f in plain]).select("path", "content")
        if undecodable:
            read = spark.createDataFrame(
                [(uri, Path(path).read_bytes()) for uri, path in undecodable.items()], "path string, content binary"
            )
            files_df = read if files_df is None else files_df.unionByName(read)
        parallelism = spark.sparkContext.defaultParallelism
        size = wave or 8 * parallelism

        def run_wave(chunk: list[InputFile]) -> list[dict[str, Any]]:
            names = [f"file:{f.path}" if _utf8(str(f.path)) else _byte_uri(f.path) for f in chunk]
            names += [str(f.path) for f in chunk if _utf8(str(f.path))]
            wanted = files_df.where(F.col("path").isin(names))
            pages = ocr_dataframe(wanted, page_config, partitions=partitions or len(chunk))
            return [r.asDict(recursive=True) for r in pages.collect()]

        dataset = folder.path / DATASET_DIR
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="ocrplug-spark") as pool:
            waves = _waves(todo, size)
            pending: deque[tuple[list[InputFile], Future[list[dict[str, Any]]]]] = deque()
            for chunk in (next(waves, None), next(waves, None)):
                if chunk:
                    pending.append((chunk, pool.submit(run_wave, chunk)))
            try:
                while pending:
                    chunk, future = pending.popleft()
                    waited = time.perf_counter()
                    rows = _result(future)
                    report.spark_seconds += time.perf_counter() - waited
                    following = next(waves, None)
                    if following:
                        pending.append((following, pool.submit(run_wave, following)))
                    written = time.perf_counter()
                    grouped: dict[str, list[dict[str, Any]]] = {str(f.path): [] for f in chunk}
                    for row in rows:
                        key = undecodable.get(row["path"]) or local_path(row["path"])
                        row["_spark_path"] = row["path"]
                        if key in grouped:
                            grouped[key].append(row)
                    for file in chunk:
                        _write_document(folder, pipeline, file, grouped[str(file.path)], dataset)
                    report.write_seconds += time.perf_counter() - written
            except BaseException:
                spark.sparkContext.cancelAllJobs()
                raise
    return report
