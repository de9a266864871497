"""What runs inside Spark's Python workers: the per-worker pipeline, files -> pages, and Arrow batches.

Spark reuses each Python worker process for many tasks (``spark.python.worker.reuse``, on by default),
so the pipeline is built once per worker and per config (:func:`worker_pipeline`) and kept in a module
cache; every function here takes and yields Arrow record batches (``mapInArrow``), never one row at a
time. Nothing here imports pyspark at module level, so it can be unit-tested without a JVM.

File bytes from ``binaryFile`` rows are written to a temporary file (with the original suffix) for the
rasterizers, which read files by path; the temporary name never appears in results or errors.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

import numpy as np
import pyarrow as pa

from ocrplug.components import DocumentInfo, PageRange, Renderer
from ocrplug.errors import OcrplugError, PageReadError
from ocrplug.layout import layout_regions
from ocrplug.model import Page, PageImage
from ocrplug.pipeline import Pipeline
from ocrplug.sources import PagesAfter
from ocrplug.spark.rows import (
    IMAGE_TYPE,
    PAGE_SCHEMA,
    REGIONS_TYPE,
    error_row,
    image_from_struct,
    image_struct,
    page_to_row,
    regions_from_rows,
    regions_to_rows,
)
from ocrplug.threads import WORKER_THREADS_ENV, safe_torch_threads

__all__ = [
    "detect_batches",
    "draw_batches",
    "iter_file",
    "local_path",
    "ocr_batches",
    "rasterize_batches",
    "recognize_batches",
    "stage_config",
    "worker_pipeline",
]

Row = dict[str, Any]

_PIPELINES: dict[str, Pipeline] = {}


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


def worker_pipeline(config: Mapping[str, Any]) -> Pipeline:
    """The pipeline for ``config``, built (models loaded) once per Python worker process.

    Components size their thread pools by ``OCRPLUG_WORKER_THREADS``; it is set to the cores Spark gives
    a task (``spark.task.cpus``) unless already set, so C concurrent tasks on a C-core executor do not
    each start C threads.
    """
    key = json.dumps(config, sort_keys=True, default=str)
    pipeline = _PIPELINES.get(key)
    if pipeline is None:
        threads = os.environ.setdefault(WORKER_THREADS_ENV, str(_task_cpus()))
        pipeline = Pipeline.from_dict(config, source="<spark job>").build()
        if "torch" in sys.modules:  # loaded by a component: keep it to the task's cores
            sys.modules["torch"].set_num_threads(int(threads))
            safe_torch_threads()
        _PIPELINES[key] = pipeline
    return pipeline


def _file_name(path: str) -> str:
    """The last component of a path or URI (``file:/a/b.pdf`` -> ``b.pdf``)."""
    parsed = urlparse(path)
    return PurePosixPath(unquote(parsed.path) if parsed.scheme else path).name


def local_path(path: str) -> str:
    """``file:`` URIs (how Spark names local files) as plain paths; other paths unchanged."""
    parsed = urlparse(path)
    return unquote(parsed.path) if parsed.scheme == "file" else path


@contextlib.contextmanager
def _temporary_file(content: bytes, suffix: str) -> Iterator[Path]:
    fd, name = tempfile.mkstemp(prefix="ocrplug-spark-", suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        yield Path(name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def iter_file(
    pipeline: Pipeline, path: str, content: bytes | None, process: bool = True
) -> Iterator[tuple[Row, Page | None, PageImage | None]]:
    """Rasterize one file's bytes and yield ``(row, page, image)`` per selected page, in page order.

    ``row`` is a ``PAGE_SCHEMA`` row; ``page`` is None for a failed page (its error is in the row);
    with ``process=False`` pages are only rasterized (``page`` None, ``row`` without results). Pages go
    through :func:`ocrplug.executors.process_batch` in batches of ``pipeline.batch_size(1)`` (several
    pages when the detector has its own ``detect_batch``). A file that cannot be read at all yields one
    error row with ``page_index`` None; a page the rasterizer cannot decode (``PageReadError``) is an
    error row for that page (``width`` null) and the pages after it are still read; reading that stops
    mid-document otherwise yields the pages read, then an error row for the next page. Never raises for bad input: every error becomes a row, with the
    temporary file's name replaced by ``path``.
    """
    name = _file_name(path)
    try:
        rasterizer = pipeline.rasterizer_for(Path(name))
    except OcrplugError as exc:
        yield error_row(path, str(exc).replace(name, path, 1)), None, None
        return
    index = -1
    count: int | None = None
    size = pipeline.batch_size(1) if process else 1
    batch: list[PageImage] = []
    with _temporary_file(content or b"", Path(name).suffix) as tmp:

        def clean(message: str) -> str:
            return message.replace(str(tmp), path)

        error: str | None = None
        try:
            selection = PageRange(pipeline.config.input.pages)
            count = len(selection.indices(rasterizer.page_count(tmp)))
            pages: Iterator[PageImage] | None = rasterizer.iter_pages(tmp, selection, pipeline.config.input.dpi)
            while pages is not None:
                try:
                    for image in pages:
                        image = dataclasses.replace(image, source=path)
                        index = image.index
                        if not process:
                            yield error_row(path, "", index, count, image) | {"error": None}, None, image
                            continue
                        batch.append(image)
                        if len(batch) >= size:
                            yield from _processed(pipeline, batch, path, count, clean)
                            batch = []
                    pages = None
                except PageReadError as exc:  # this page only: go on after it
                    if exc.index <= index:
                        raise
                    if batch:
                        yield from _processed(pipeline, batch, path, count, clean)
                        batch = []
                    yield error_row(path, clean(str(exc)), exc.index, count), None, None
                    index = exc.index
                    after = PagesAfter(pipeline.config.input.pages, exc.index)
                    pages = rasterizer.iter_pages(tmp, after, pipeline.config.input.dpi)
        except OcrplugError as exc:
            error = clean(str(exc))
        except Exception as exc:  # a rasterizer bug must not lose the other files
            error = clean(f"rasterizer failed: {type(exc).__name__}: {exc}")
        if batch:
            yield from _processed(pipeline, batch, path, count, clean)
        if error is not None:
            yield error_row(path, error, None if index < 0 else index + 1, count), None, None


def _processed(
    pipeline: Pipeline, images: list[PageImage], path: str, count: int | None, clean: Callable[[str], str]
) -> Iterator[tuple[Row, Page | None, PageImage | None]]:
    """Rows of one batch of pages; a failed page is its own error row (the others go on)."""
    from ocrplug.executors import process_batch

    started = time.perf_counter()
    results = process_batch(pipeline, images)
    each = (time.perf_counter() - started) / len(images)
    for image, result in zip(images, results, strict=True):
        if isinstance(result, Page):
            yield page_to_row(result.with_(source=path), path, count, each), result, image
        else:
            yield error_row(path, clean(result.error), image.index, count, image), None, image


def _chunks(batches: Iterable[pa.RecordBatch], size: int) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        for offset in range(0, batch.num_rows, size):
            yield batch.slice(offset, size)


def ocr_batches(
    batches: Iterable[pa.RecordBatch], config: Mapping[str, Any], content_col: str, path_col: str, batch_size: int
) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body of ``ocr_dataframe``: file rows in, ``PAGE_SCHEMA`` rows (one per page) out."""
    pipeline = worker_pipeline(config)
    rows: list[Row] = []
    for batch in _chunks(batches, 1):
        path, content = batch.column(path_col)[0].as_py(), batch.column(content_col)[0].as_py()
        for row, _, _ in iter_file(pipeline, path, content):
            rows.append(row)
            if len(rows) >= batch_size:
                yield pa.RecordBatch.from_pylist(rows, schema=PAGE_SCHEMA)
                rows = []
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=PAGE_SCHEMA)


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
    rows: list[Row] = []
    for batch in _chunks(batches, 1):
        path, content = batch.column(path_col)[0].as_py(), batch.column(content_col)[0].as_py()
        for row, _, image in iter_file(pipeline, path, content, process=False):
            rows.append(
                {
                    "path": path,
                    "page_index": row["page_index"],
                    "page_count": row["page_count"],
                    "dpi": row["dpi"],
                    "image": None if image is None else image_struct(image, origin=path),
                    "error": row["error"],
                }
            )
            if len(rows) >= batch_size:
                yield pa.RecordBatch.from_pylist(rows, schema=RASTER_SCHEMA)
                rows = []
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=RASTER_SCHEMA)


def _map_rows(
    batches: Iterable[pa.RecordBatch],
    fn: Callable[[Row], Row],
    new_fields: Sequence[tuple[str, pa.DataType]],
    batch_size: int,
) -> Iterator[pa.RecordBatch]:
    """Apply ``fn`` (row -> values of ``new_fields``) to every row; other columns pass through as they are.

    A new field whose name exists in the input replaces that column in place; others are appended.
    """
    for batch in _chunks(batches, batch_size):
        rows = batch.to_pylist()
        outs = [fn(row) for row in rows]
        names = list(batch.schema.names)
        arrays = list(batch.columns)
        fields = list(batch.schema)
        for name, dtype in new_fields:
            array = pa.array([o.get(name) for o in outs], type=dtype)
            if name in names:
                i = names.index(name)
                arrays[i], fields[i] = array, pa.field(name, dtype)
            else:
                names.append(name)
                arrays.append(array)
                fields.append(pa.field(name, dtype))
        yield pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))


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
    detector = pipeline.detector

    def work(image: PageImage) -> Row:
        return {output_col: regions_to_rows(detector.detect(image))}

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

    After recognition the regions go through the host layout step (``config["layout"]``), as in a whole
    pipeline; page orientation is not detected in the stages (it needs the detector and the recognizer
    together: use :func:`ocrplug.spark.ocr_dataframe` for turned pages).
    """
    pipeline = worker_pipeline(stage_config(config, "recognizer"))
    if pipeline.recognizer is None:
        raise OcrplugError("the recognizer stage needs a config with a recognizer")
    outputs = [output_regions_col, text_col]

    def work_for(row: Row) -> Callable[[PageImage], Row]:
        def work(image: PageImage) -> Row:
            regions = regions_from_rows(row.get(regions_col))
            if regions:  # loose words are read as lines, as in a whole pipeline (layout.read_lines)
                regions = tuple(pipeline.recognize(image, regions))
            # The host layout step, as in Pipeline.process_page: blocks -> lines -> words in reading order.
            regions = tuple(layout_regions(list(regions), pipeline.config.layout))
            page = image.empty_page().with_(regions=regions)
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

    ``config["renderers"][0]`` is a renderer that writes one image file per page (``overlay``); it is
    run on a one-page document in a temporary folder and its image read back into Spark's image struct.
    """
    pipeline = worker_pipeline(stage_config(config, "renderers"))
    if len(pipeline.renderers) != 1:
        raise OcrplugError("the drawing stage needs exactly one renderer (e.g. overlay)")
    renderer = pipeline.renderers[0]

    def work_for(row: Row) -> Callable[[PageImage], Row]:
        def work(image: PageImage) -> Row:
            page = image.empty_page().with_(regions=regions_from_rows(row.get(regions_col)))
            return {output_col: _draw(renderer, page, image, str(row.get("path") or ""))}

        return work

    fields = [(output_col, IMAGE_TYPE), ("error", pa.string())]
    return _map_rows(batches, lambda r: _stage_row(r, image_col, work_for(r), [output_col]), fields, batch_size)


_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".bmp")


def _draw(renderer: Renderer, page: Page, image: PageImage, origin: str) -> Row:
    from PIL import Image

    with tempfile.TemporaryDirectory(prefix="ocrplug-draw-") as folder:
        info = DocumentInfo(source=origin, page_count=1, out_dir=Path(folder), stem="page")
        session = renderer.open(info)
        session.add_page(page, image)
        written = [p for p in session.close() if Path(p).suffix.lower() in _IMAGE_SUFFIXES]
        if not written:
            raise OcrplugError("the drawing stage's renderer wrote no image file (use an image renderer: overlay)")
        with Image.open(written[0]) as drawn:
            array = np.asarray(drawn.convert("RGB"))
    return image_struct(PageImage(image=array, index=page.index, source=origin), origin=origin)
