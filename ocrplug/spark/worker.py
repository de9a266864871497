"""What runs inside Spark's Python workers: the per-worker pipeline, files -> pages, and Arrow batches.

Spark reuses each Python worker process for many tasks (``spark.python.worker.reuse``, on by default),
so the page processor is built once per worker and per config (:func:`worker_pipeline`, the host's one
worker set-up :func:`ocrplug.processing.worker_processor`); every function here takes and yields Arrow
record batches (``mapInArrow``), never one row at a time. Nothing here imports pyspark at module level,
so it can be unit-tested without a JVM. Pages go through the host's one page loop
(:mod:`ocrplug.pageloop`) and page work (:class:`~ocrplug.processing.PageProcessor`), so a Spark row
holds the page ``Pipeline.run`` gives.

File bytes from ``binaryFile`` rows are written to a temporary file (with the original suffix) for the
rasterizers, which read files by path; the temporary name never appears in results or errors.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

import numpy as np
import pyarrow as pa

from ocrplug.components import Renderer
from ocrplug.errors import OcrplugError
from ocrplug.executors import InProcessExecutor
from ocrplug.model import Page, PageImage
from ocrplug.pageloop import bytes_input, read_pages, run_documents
from ocrplug.processing import PageProcessor, PageWork, worker_processor
from ocrplug.sources import Sources
from ocrplug.spark.rows import (
    IMAGE_TYPE,
    PAGE_SCHEMA,
    REGIONS_TYPE,
    bgr_pixels,
    error_row,
    image_from_struct,
    image_struct,
    page_to_row,
    regions_from_rows,
    regions_to_rows,
)
from ocrplug.threads import WORKER_THREADS_ENV

_BGR_MODE = 16  # OpenCV's CV_8UC3, the mode of a 3-channel image in Spark's image struct

__all__ = [
    "detect_batches",
    "draw_batches",
    "image_renderer",
    "iter_file",
    "local_path",
    "ocr_batches",
    "rasterize_batches",
    "recognize_batches",
    "slices",
    "stage_config",
    "with_columns",
    "worker_pipeline",
]

Row = dict[str, Any]

def stage_config(config: Mapping[str, Any], *keep: str) -> dict[str, Any]:
    """``config`` with only the ``input``/``plugins`` sections and the component keys in ``keep``.

    The other components are set explicitly to none, so a stage builds (loads) only what it uses.
    """
    out: dict[str, Any] = {"input": dict(config.get("input") or {}), "plugins": list(config.get("plugins") or [])}
    if config.get("layout") is not None:
        out["layout"] = dict(config["layout"])
    out["detector"] = config.get("detector") if "detector" in keep else None
    out["recognizer"] = config.get("recognizer") if "recognizer" in keep else None
    out["renderers"] = list(config.get("renderers") or []) if "renderers" in keep else []
    return out


def _task_cpus() -> int:
    try:
        from pyspark import TaskContext

        ctx = TaskContext.get()
        return max(1, int(ctx.cpus())) if ctx is not None else 1
    except Exception:  # outside a Spark task (unit tests): one thread per worker
        return 1


def worker_pipeline(config: Mapping[str, Any]) -> PageProcessor:
    """The page processor for ``config``, built (models loaded) once per Python worker process.

    Components size their thread pools by ``OCRPLUG_WORKER_THREADS``: the cores Spark gives a task
    (``spark.task.cpus``) unless already set, so C concurrent tasks on a C-core executor do not each
    start C threads (:func:`ocrplug.processing.worker_processor` does the set-up).
    """
    threads = int(os.environ.get(WORKER_THREADS_ENV, "").strip() or _task_cpus())
    return worker_processor(config, threads=threads, source="<spark job>")


def _file_name(path: str) -> str:
    """The last component of a path or URI (``file:/a/b.pdf`` -> ``b.pdf``)."""
    parsed = urlparse(path)
    return PurePosixPath(unquote(parsed.path) if parsed.scheme else path).name


def local_path(path: str) -> str:
    """``file:`` URIs (how Spark names local files) as plain paths; other paths unchanged."""
    parsed = urlparse(path)
    return unquote(parsed.path) if parsed.scheme == "file" else path


class _Work(PageWork):
    config: Any
    sources: Sources

    def batch_size(self, jobs: int | None = None) -> int:
        """Pages per batch."""


def iter_file(
    pipeline: _Work, path: str, content: bytes | None, process: bool = True
) -> Iterator[tuple[Row, Page | None, PageImage | None]]:
    """Rasterize one file's bytes and yield ``(row, page, image)`` per selected page, in page order.

    ``pipeline``: a :class:`~ocrplug.processing.PageProcessor` (or a pipeline). ``row`` is a
    ``PAGE_SCHEMA`` row; ``page`` is None for a failed page (its error is in the row); with
    ``process=False`` pages are only rasterized (``page`` None, ``row`` without results). Pages go
    through the host's page loop (:func:`ocrplug.pageloop.run_documents`) in batches of
    ``pipeline.batch_size(1)`` (several pages when the detector has its own ``detect_batch``). A file
    that cannot be read at all yields one error row with ``page_index`` None; a page the rasterizer
    cannot decode is an error row for that page (``width`` null) and the pages after it are still read;
    reading that stops mid-document otherwise yields the pages read, then an error row for the next
    page. Never raises for bad input: every error becomes a row, with the temporary file's name
    replaced by ``path`` (in page warnings too).
    """
    name = _file_name(path)
    sources = pipeline.sources
    with bytes_input(content or b"", label=name, suffix=Path(name).suffix, prefix="ocrplug-spark-") as file:

        def clean(message: str) -> str:
            return message.replace(file.label, path)

        try:
            document = sources.open(file)
        except OcrplugError as exc:
            yield error_row(path, clean(str(exc))), None, None
            return
        except Exception as exc:  # a rasterizer bug must not lose the other files
            yield error_row(path, clean(f"rasterizer failed: {type(exc).__name__}: {exc}")), None, None
            return
        count = document.page_count
        if not process:
            for item in read_pages(document, sources):
                if isinstance(item, PageImage):
                    image = dataclasses.replace(item, source=path)
                    yield error_row(path, "", image.index, count, image) | {"error": None}, None, image
                else:
                    yield error_row(path, clean(item.error), item.index, count), None, None
            return
        batches = run_documents([document], sources, InProcessExecutor(pipeline), pipeline.batch_size(1))
        while True:
            started = time.perf_counter()
            try:
                batch, results = next(batches)
            except StopIteration:
                return
            each = (time.perf_counter() - started) / max(1, len(results))
            if batch.failure is not None:
                yield error_row(path, clean(batch.failure.error), batch.failure.index, count), None, None
            for image, result in zip(batch.images, results, strict=True):
                image = dataclasses.replace(image, source=path)
                if isinstance(result, Page):
                    page = result.with_(source=path, warnings=tuple(clean(w) for w in result.warnings))
                    yield page_to_row(page, path, count, each), page, image
                else:
                    yield error_row(path, clean(result.error), image.index, count, image), None, image
            if batch.error is not None:
                yield error_row(path, clean(batch.error), batch.error_index, count), None, None


def slices(batches: Iterable[pa.RecordBatch], size: int) -> Iterator[pa.RecordBatch]:
    """``batches`` cut into zero-copy slices of at most ``size`` rows, in order."""
    for batch in batches:
        for offset in range(0, batch.num_rows, size):
            yield batch.slice(offset, size)


def ocr_batches(
    batches: Iterable[pa.RecordBatch], config: Mapping[str, Any], content_col: str, path_col: str, batch_size: int
) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body of ``ocr_dataframe``: file rows in, ``PAGE_SCHEMA`` rows (one per page) out."""
    pipeline = worker_pipeline(config)
    yield from _file_pages(batches, pipeline, content_col, path_col, batch_size, PAGE_SCHEMA, True,
                           lambda path, row, image: row)


def _file_pages(
    batches: Iterable[pa.RecordBatch],
    pipeline: _Work,
    content_col: str,
    path_col: str,
    batch_size: int,
    schema: pa.Schema,
    process: bool,
    to_row: Callable[[str, Row, PageImage | None], Row],
) -> Iterator[pa.RecordBatch]:
    """Each file row through :func:`iter_file`; ``to_row(path, row, image)`` of every page, ``batch_size``
    rows of ``schema`` per batch."""
    rows: list[Row] = []
    for batch in slices(batches, 1):
        path, content = batch.column(path_col)[0].as_py(), batch.column(content_col)[0].as_py()
        for row, _, image in iter_file(pipeline, path, content, process=process):
            rows.append(to_row(path, row, image))
            if len(rows) >= batch_size:
                yield pa.RecordBatch.from_pylist(rows, schema=schema)
                rows = []
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=schema)


RASTER_SCHEMA = pa.schema(
    [
        ("path", pa.string()),
        ("page_index", pa.int32()),
        ("page_count", pa.int32()),
        ("dpi", pa.float64()),
        ("image", IMAGE_TYPE),
        ("error", pa.string()),
    ]
)


def rasterize_batches(
    batches: Iterable[pa.RecordBatch], config: Mapping[str, Any], content_col: str, path_col: str, batch_size: int
) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body of the rasterize stage: file rows in, ``RASTER_SCHEMA`` page rows out."""
    pipeline = worker_pipeline(stage_config(config))

    def raster_row(path: str, row: Row, image: PageImage | None) -> Row:
        return {
            "path": path,
            "page_index": row["page_index"],
            "page_count": row["page_count"],
            "dpi": row["dpi"],
            "image": None if image is None else image_struct(image, origin=path),
            "error": row["error"],
        }

    yield from _file_pages(batches, pipeline, content_col, path_col, batch_size, RASTER_SCHEMA, False, raster_row)


def _map_rows(
    batches: Iterable[pa.RecordBatch],
    fn: Callable[[Row], Row],
    new_fields: Sequence[tuple[str, pa.DataType]],
    batch_size: int,
) -> Iterator[pa.RecordBatch]:
    """Apply ``fn`` (row -> values of ``new_fields``) to every row; other columns pass through as they are.

    A new field whose name exists in the input replaces that column in place; others are appended.
    """
    for batch in slices(batches, batch_size):
        outs = [fn(row) for row in batch.to_pylist()]
        yield with_columns(batch, [(name, pa.array([o.get(name) for o in outs], type=dtype)) for name, dtype in new_fields])


def with_columns(batch: pa.RecordBatch, columns: Sequence[tuple[str, pa.Array]]) -> pa.RecordBatch:
    """``batch`` with ``columns`` replacing same-named columns in place, the others appended."""
    names = list(batch.schema.names)
    arrays = list(batch.columns)
    fields = list(batch.schema)
    for name, array in columns:
        field = pa.field(name, array.type)
        if name in names:
            i = names.index(name)
            arrays[i], fields[i] = array, field
        else:
            names.append(name)
            arrays.append(array)
            fields.append(field)
    return pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))


def _row_image(row: Row, image_col: str) -> PageImage | None:
    struct = row.get(image_col)
    if struct is None or row.get("error"):
        return None
    index = row.get("page_index")
    return image_from_struct(struct, index=int(index) if index is not None else 0, dpi=row.get("dpi"))


def _stage_row(row: Row, image_col: str, work: Callable[[PageImage], Row], outputs: Sequence[str]) -> Row:
    """Run ``work`` on the row's image; rows without an image (or with an error) pass through."""
    if row.get("error"):
        return {name: row.get(name) for name in outputs} | {"error": row["error"]}
    try:
        image = _row_image(row, image_col)
        if image is None:
            return {"error": f"{row.get('path')}: no image in column {image_col!r}"}
        return work(image) | {"error": None}
    except Exception as exc:  # the page's row carries its error; the other pages go on
        return {"error": f"{type(exc).__name__}: {exc}"}


def detect_batches(
    batches: Iterable[pa.RecordBatch], config: Mapping[str, Any], image_col: str, output_col: str, batch_size: int
) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body of the detector stage: image column in, flat regions column out."""
    pipeline = worker_pipeline(stage_config(config, "detector"))
    if pipeline.detector is None:
        raise OcrplugError("the detector stage needs a config with a detector")

    def work(image: PageImage) -> Row:  # the memory check and square pixels as in a whole pipeline
        return {output_col: regions_to_rows(pipeline.detect_batch([image])[0])}

    fields = [(output_col, REGIONS_TYPE), ("error", pa.string())]
    return _map_rows(batches, lambda r: _stage_row(r, image_col, work, [output_col]), fields, batch_size)


def recognize_batches(
    batches: Iterable[pa.RecordBatch],
    config: Mapping[str, Any],
    image_col: str,
    regions_col: str,
    output_regions_col: str,
    text_col: str,
    batch_size: int,
) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body of the recognizer stage: image + regions in, regions with text + page text out.

    The page goes through the same page work as in a whole pipeline
    (:meth:`ocrplug.processing.PageProcessor.finish`): orientation (with ``input.orientation: auto``
    the stage also loads the config's detector, to detect a turned page again upright), recognition,
    the host layout step (``config["layout"]``) and clipping to the page, so the stages give the
    pages ``ocr_dataframe`` and ``Pipeline.run`` give.
    """
    orient = (config.get("input") or {}).get("orientation", "auto") == "auto" and config.get("detector") is not None
    pipeline = worker_pipeline(stage_config(config, "recognizer", *(("detector",) if orient else ())))
    if pipeline.recognizer is None:
        raise OcrplugError("the recognizer stage needs a config with a recognizer")
    outputs = [output_regions_col, text_col]

    def work_for(row: Row) -> Callable[[PageImage], Row]:
        def work(image: PageImage) -> Row:
            page = pipeline.finish(image, regions_from_rows(row.get(regions_col)))
            return {output_regions_col: regions_to_rows(page.regions), text_col: page.text}

        return work

    fields = [(output_regions_col, REGIONS_TYPE), (text_col, pa.string()), ("error", pa.string())]
    return _map_rows(batches, lambda r: _stage_row(r, image_col, work_for(r), outputs), fields, batch_size)


def draw_batches(
    batches: Iterable[pa.RecordBatch],
    config: Mapping[str, Any],
    image_col: str,
    regions_col: str,
    output_col: str,
    batch_size: int,
) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body of the drawing stage: image + regions in, the renderer's drawn image out.

    ``config["renderers"][0]`` is an image renderer (``overlay``): each page is drawn in memory by its
    :meth:`~ocrplug.components.Renderer.draw` on the image the row already holds (no file is written or
    read back). Out: ``output_col`` (Spark's image struct, 3 channels BGR, the input's ``origin``) and
    ``error``; rows that arrive with an error keep it (no image), a page that cannot be drawn is an error
    row and the other pages go on. Other columns pass through as the same Arrow arrays. Raises
    :class:`~ocrplug.errors.OcrplugError` when the renderer draws no image in memory.
    """
    renderer = image_renderer(worker_pipeline(stage_config(config, "renderers")).renderers)
    for batch in slices(batches, batch_size):
        drawn, errors = _draw_batch(renderer, batch, image_col, regions_col)
        yield with_columns(batch, [(output_col, drawn), ("error", errors)])


def image_renderer(renderers: Sequence[Renderer], error: type[OcrplugError] = OcrplugError) -> Renderer:
    """The one renderer of a drawing stage, checked to draw in memory (:meth:`Renderer.draw` overridden).

    Raises ``error`` (default :class:`~ocrplug.errors.OcrplugError`) when there is not exactly one
    renderer or when it draws no image (a renderer that writes text or JSON files).
    """
    if len(renderers) != 1:
        raise error("the drawing stage needs exactly one renderer (e.g. overlay)")
    renderer = renderers[0]
    if type(renderer).draw is Renderer.draw:
        raise error(
            f"the drawing stage's renderer ({type(renderer).__name__}) draws no image in memory "
            "(Renderer.draw): use an image renderer such as overlay"
        )
    return renderer


def _draw_batch(
    renderer: Renderer, batch: pa.RecordBatch, image_col: str, regions_col: str
) -> tuple[pa.StructArray, pa.Array]:
    """The drawn images (``IMAGE_TYPE``) and the errors of one batch, read from its Arrow columns.

    Only each page's pixel buffer (shared with Arrow, never turned into Python bytes) and its regions
    are read row by row; the drawn pixels are converted to BGR and copied into the output's data buffer.
    """
    n = batch.num_rows
    images = batch.column(image_col)
    given = batch.column("error").to_pylist() if "error" in batch.schema.names else [None] * n
    origins = images.field("origin").to_pylist()
    sizes = [images.field(name).fill_null(0).to_numpy(zero_copy_only=False) for name in ("height", "width", "nChannels")]
    data, regions = images.field("data"), batch.column(regions_col)
    drawn: list[memoryview | None] = [None] * n
    errors: list[str | None] = list(given)
    for i in range(n):
        if given[i]:
            continue
        if not images[i].is_valid or not data[i].is_valid:
            errors[i] = f"{origins[i] or ''}: no image in column {image_col!r}"
            continue
        try:
            struct = {"origin": origins[i], "height": sizes[0][i], "width": sizes[1][i], "nChannels": sizes[2][i],
                      "data": data[i].as_buffer()}
            image = image_from_struct(struct)
            page = image.empty_page().with_(regions=regions_from_rows(regions[i].as_py()))
            out = renderer.draw(page, image)
            if out is None or out.shape[:2] != image.image.shape[:2]:
                raise OcrplugError(f"the renderer drew no {image.width}x{image.height} image")
            drawn[i] = memoryview(bgr_pixels(np.asarray(out, dtype=np.uint8))).cast("B")
        except Exception as exc:  # the page's row carries its error; the other pages go on
            errors[i] = f"{type(exc).__name__}: {exc}"
    missing = pa.array([d is None for d in drawn], type=pa.bool_())
    struct = pa.StructArray.from_arrays(
        [
            images.field("origin"),
            images.field("height"),
            images.field("width"),
            pa.array([None if d is None else 3 for d in drawn], type=pa.int32()),
            pa.array([None if d is None else _BGR_MODE for d in drawn], type=pa.int32()),
            pa.array(drawn, type=pa.binary()),
        ],
        fields=list(IMAGE_TYPE),
        mask=missing,
    )
    return struct, pa.array(errors, type=pa.string())
