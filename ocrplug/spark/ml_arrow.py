"""The Arrow side of the ``pyspark.ml`` stages (:mod:`ocrplug.spark.ml`): their column types and the
``mapInArrow`` bodies that run in Spark's Python workers.

Nothing here imports pyspark, so it is tested without a JVM. The page work is the worker's
(:mod:`ocrplug.spark.worker`, the same code as ``ocr_dataframe`` and the ``detect`` / ``recognize`` /
``draw_regions`` stages): each body below hands the worker's stage body a narrow batch (``path,
page_index, dpi, image, regions, error``) made **without copying** from the user's columns (Arrow child
arrays are shared, only renamed), and turns the worker's new columns back into the columns Visual NLP
users read, again sharing the buffers; only the per-region coordinates (``x, y, width, height, angle``)
are computed, vectorised over the batch. Every other column of the user's rows passes through as the
same Arrow array.

Columns (docs/spark.md, "Coming from Visual NLP"):

* :data:`ML_IMAGE_TYPE`: Spark's image struct (``origin, height, width, nChannels, mode, data``; ``data``
  row-major 8-bit pixels, BGR/gray/BGRA as ``mode`` says) plus ``pagenum`` (0-based page of the file) and
  ``resolution`` (dots per inch, null when unknown).
* :data:`ML_REGION_TYPE`: one region: the seeds' ``index, page, x, y, width, height, score, angle`` and
  ocrplug's ``level, order, parent, children, quad, polygon, text, confidence, attributes`` (the flat
  tree of :mod:`ocrplug.spark.rows`, ``index`` playing the part of ``id``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ocrplug.model import Region
from ocrplug.spark import worker
from ocrplug.spark.rows import IMAGE_TYPE, REGION_TYPE, REGIONS_TYPE, error_row, image_struct, regions_to_rows
from ocrplug.spark.worker import slices, with_columns

__all__ = [
    "ML_IMAGE_TYPE",
    "ML_REGIONS_TYPE",
    "ML_REGION_TYPE",
    "binary_stage",
    "detect_stage",
    "draw_stage",
    "ml_regions",
    "recognize_stage",
    "worker_regions",
]

_POINTS = pa.list_(pa.list_(pa.float64()))

ML_IMAGE_TYPE = pa.struct([*IMAGE_TYPE, pa.field("pagenum", pa.int32()), pa.field("resolution", pa.float64())])
"""Spark's image struct plus ``pagenum`` (0-based page of the file) and ``resolution`` (dpi or null)."""

ML_REGION_TYPE = pa.struct(
    [
        ("index", pa.int32()),
        ("page", pa.int32()),
        ("x", pa.float64()),
        ("y", pa.float64()),
        ("width", pa.float64()),
        ("height", pa.float64()),
        ("score", pa.float64()),
        ("angle", pa.float64()),
        ("level", pa.string()),
        ("order", pa.int32()),
        ("parent", pa.int32()),
        ("children", pa.list_(pa.int32())),
        ("quad", _POINTS),
        ("polygon", _POINTS),
        ("text", pa.string()),
        ("confidence", pa.float64()),
        ("attributes", pa.string()),
    ]
)
"""One region as the ML stages give it.

``index``: position in the page's array (``parent`` / ``children`` refer to it); ``page``: 0-based page
(the image's ``pagenum``); ``x, y, width, height``: the axis-aligned bounding box of ``quad`` in page
pixels (origin top-left); ``angle``: degrees the text's direction (the quad's top edge, from its first to
its second corner) is turned clockwise from horizontal on the image, in (-180, 180]; ``score``: detector
objectness in [0, 1]; ``quad`` (4 ``[x, y]`` corners clockwise from the text's top-left), ``polygon``,
``level``, ``order``, ``text``, ``confidence`` (recognizer, [0, 1]) and ``attributes`` (JSON) as in
:mod:`ocrplug.spark.rows`.
"""

ML_REGIONS_TYPE = pa.list_(ML_REGION_TYPE)

_IMAGE_FIELDS = [f.name for f in IMAGE_TYPE]
_FLAT_FIELDS = [f.name for f in REGION_TYPE]  # id, parent, children, level, order, quad, polygon, ...
_WORKER_ERROR = "error"

Body = Callable[[Iterable[pa.RecordBatch]], Iterator[pa.RecordBatch]]


# -- columns -----------------------------------------------------------------------------------------


def _array(column: pa.Array | pa.ChunkedArray) -> pa.Array:
    return column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column


def _child(struct: pa.StructArray, name: str, dtype: pa.DataType, length: int) -> pa.Array:
    """Field ``name`` of ``struct`` (offset applied, shared buffers) as ``dtype``; nulls when absent."""
    if struct.type.get_field_index(name) < 0:
        return pa.nulls(length, dtype)
    child = struct.field(name)
    return child if child.type == dtype else child.cast(dtype)


def worker_image(images: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array, pa.StructArray]:
    """``(path, page_index, dpi, image)`` arrays for the worker from an image struct column.

    ``images``: :data:`ML_IMAGE_TYPE` or Spark's own image struct (no ``pagenum`` / ``resolution``: page
    0, dpi null). ``path`` is the image's ``origin``. The pixel buffers are shared, not copied.
    """
    images = _array(images)
    n = len(images)
    plain = pa.StructArray.from_arrays(
        [_child(images, f.name, f.type, n) for f in IMAGE_TYPE], fields=list(IMAGE_TYPE), mask=images.is_null()
    )
    return (
        _child(images, "origin", pa.string(), n),
        _child(images, "pagenum", pa.int32(), n),
        _child(images, "resolution", pa.float64(), n),
        plain,
    )


def _list_parts(lists: pa.Array) -> tuple[pa.Array, pa.Array]:
    """``(offsets rebased to 0, values)`` of a (possibly sliced) list array."""
    offsets = lists.offsets
    start = offsets[0].as_py()
    values = lists.values.slice(start, offsets[-1].as_py() - start)
    if start:
        offsets = pc.subtract(offsets, pa.scalar(start, offsets.type))
    return offsets, values


def worker_regions(regions: pa.Array) -> pa.ListArray:
    """The worker's flat regions (:data:`~ocrplug.spark.rows.REGIONS_TYPE`) from a regions column.

    ``regions``: :data:`ML_REGIONS_TYPE`, or ocrplug's own flat regions (``ocr_dataframe``'s
    ``regions``, the ``detect`` stage's column: ``id`` instead of ``index``). Buffers are shared.
    """
    regions = _array(regions)
    offsets, values = _list_parts(regions)
    n = len(values)
    key = "index" if values.type.get_field_index("index") >= 0 else "id"
    children = [_child(values, key if f.name == "id" else f.name, f.type, n) for f in REGION_TYPE]
    struct = pa.StructArray.from_arrays(children, fields=list(REGION_TYPE), mask=values.is_null())
    return pa.ListArray.from_arrays(offsets, struct, type=REGIONS_TYPE, mask=regions.is_null())


def _boxes(quads: pa.Array) -> np.ndarray:
    """``(N, 4, 2)`` corners of ``quads`` (list of 4 ``[x, y]`` lists); NaN rows for other shapes."""
    n = len(quads)
    out = np.full((n, 4, 2), np.nan)
    if not n:
        return out
    lengths = pc.fill_null(pc.list_value_length(quads), 0).to_numpy()
    points = quads.flatten()
    if (lengths == 4).all() and points.null_count == 0 and (pc.list_value_length(points).to_numpy() == 2).all():
        return points.flatten().to_numpy(zero_copy_only=False).astype(np.float64).reshape(n, 4, 2)
    for i, quad in enumerate(quads.to_pylist()):  # rare: a region whose quad is not 4 points
        if quad and len(quad) == 4 and all(p and len(p) == 2 for p in quad):
            out[i] = quad
    return out


def ml_regions(flat: pa.Array, pages: pa.Array) -> pa.ListArray:
    """:data:`ML_REGIONS_TYPE` from the worker's flat regions and each row's page number.

    The seeds' box (``x, y, width, height``: the quad's axis-aligned bounding box) and ``angle`` are
    computed for all regions of the batch at once; every other field shares the worker's buffers.
    """
    flat = _array(flat)
    offsets, values = _list_parts(flat)
    n = len(values)
    kid = {name: _child(values, name, REGION_TYPE.field(name).type, n) for name in _FLAT_FIELDS}
    corners = _boxes(kid["quad"])
    lo, hi = corners.min(axis=1), corners.max(axis=1)
    top = corners[:, 1] - corners[:, 0]
    angle = np.degrees(np.arctan2(top[:, 1], top[:, 0]))
    angle = np.where(angle <= -180.0, 180.0, angle) + 0.0  # (-180, 180], and never -0.0
    rows = np.repeat(np.arange(len(flat)), pc.fill_null(pc.list_value_length(flat), 0).to_numpy())
    page = _array(pages).take(pa.array(rows, type=pa.int64())) if n else pa.array([], pa.int32())

    def number(values: np.ndarray) -> pa.Array:
        return pa.array(values, type=pa.float64(), from_pandas=True)  # NaN (no box) -> null

    fields = {
        "index": kid["id"],
        "page": page.cast(pa.int32()),
        "x": number(lo[:, 0]),
        "y": number(lo[:, 1]),
        "width": number(hi[:, 0] - lo[:, 0]),
        "height": number(hi[:, 1] - lo[:, 1]),
        "score": kid["score"],
        "angle": number(angle),
    } | {name: kid[name] for name in _FLAT_FIELDS if name not in ("id", "score")}
    struct = pa.StructArray.from_arrays(
        [fields[f.name] for f in ML_REGION_TYPE], fields=list(ML_REGION_TYPE), mask=values.is_null()
    )
    return pa.ListArray.from_arrays(offsets, struct, type=ML_REGIONS_TYPE, mask=flat.is_null())


def ml_image(image: pa.Array, pages: pa.Array, dpi: pa.Array) -> pa.StructArray:
    """:data:`ML_IMAGE_TYPE` from Spark's image struct and the page number / resolution columns."""
    image = _array(image)
    n = len(image)
    children = [_child(image, f.name, f.type, n) for f in IMAGE_TYPE]
    return pa.StructArray.from_arrays(
        [*children, _array(pages).cast(pa.int32()), _array(dpi).cast(pa.float64())],
        fields=list(ML_IMAGE_TYPE),
        mask=image.is_null(),
    )


# -- stage bodies ------------------------------------------------------------------------------------


def _narrow(batch: pa.RecordBatch, image_col: str, regions: pa.Array | None = None) -> pa.RecordBatch:
    """The worker's view of ``batch``: ``path, page_index, dpi, image, error`` (+ ``regions``)."""
    path, page, dpi, image = worker_image(batch.column(image_col))
    n = batch.num_rows
    error = batch.column(_WORKER_ERROR) if _WORKER_ERROR in batch.schema.names else pa.nulls(n, pa.string())
    columns = {"path": path, "page_index": page, "dpi": dpi, "image": image, "error": _array(error)}
    if regions is not None:
        columns["regions"] = regions
    return pa.RecordBatch.from_pydict(columns)


def _worker_out(body: Body, narrow: pa.RecordBatch) -> pa.RecordBatch:
    """Run one worker stage body on one narrow batch; its one output batch (same rows, same order)."""
    out = list(body([narrow]))
    if len(out) == 1:
        return out[0]
    return pa.Table.from_batches(out).combine_chunks().to_batches()[0]


def _detect(narrow: pa.RecordBatch, config: Mapping[str, Any], batch_size: int) -> pa.RecordBatch:
    """The worker's detector stage on a narrow batch: its flat ``regions`` and ``error`` columns."""
    return _worker_out(lambda b: worker.detect_batches(b, config, "image", "regions", batch_size), narrow)


def detect_stage(
    batches: Iterable[pa.RecordBatch], *, config: Mapping[str, Any], image_col: str, output_col: str, batch_size: int
) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body of ``ImageTextDetector``: image column in, ``output_col`` regions + ``error`` out.

    The work is :func:`ocrplug.spark.worker.detect_batches` (``config["detector"]``, built once per worker).
    """
    for batch in slices(batches, batch_size):
        narrow = _narrow(batch, image_col)
        out = _detect(narrow, config, batch_size)
        regions = ml_regions(out.column("regions"), narrow.column("page_index"))
        yield with_columns(batch, [(output_col, regions), (_WORKER_ERROR, out.column(_WORKER_ERROR))])


def _whole_images(images: pa.StructArray) -> pa.ListArray:
    """One line region covering each image (the recognizer reads the image whole), null for no image."""
    heights = images.field("height").to_pylist()
    widths = images.field("width").to_pylist()
    rows = [
        None if h is None or w is None else regions_to_rows([Region.from_box(0, 0, w, h, level="line")])
        for h, w in zip(heights, widths, strict=True)
    ]
    return pa.array(rows, type=REGIONS_TYPE)


def recognize_stage(
    batches: Iterable[pa.RecordBatch],
    *,
    config: Mapping[str, Any],
    image_col: str,
    regions_col: str | None,
    text_col: str,
    output_regions_col: str,
    batch_size: int,
    detect: bool = False,
) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body of ``ImageToText``: image + regions in, page text + the layout's regions out.

    The work is :func:`ocrplug.spark.worker.recognize_batches` (``config["recognizer"]``, then the host
    layout step). ``regions_col`` None: with ``detect`` the regions are found first by
    :func:`ocrplug.spark.worker.detect_batches` (``config["detector"]``; a detection error is the row's
    error), else each image is read whole, as one line.
    """
    for batch in slices(batches, batch_size):
        _, _, _, image = worker_image(batch.column(image_col))
        found_error = None
        if regions_col:
            regions = worker_regions(batch.column(regions_col))
        elif detect:
            found = _detect(_narrow(batch, image_col), config, batch_size)
            regions, found_error = worker_regions(found.column("regions")), found.column(_WORKER_ERROR)
        else:
            regions = _whole_images(image)
        narrow = _narrow(batch, image_col, regions)
        out = _worker_out(
            lambda b: worker.recognize_batches(b, config, "image", "regions", "read", "text", batch_size), narrow
        )
        read = ml_regions(out.column("read"), narrow.column("page_index"))
        error = out.column(_WORKER_ERROR)
        if found_error is not None:
            error = pc.coalesce(found_error, error)
        yield with_columns(batch, [(text_col, out.column("text")), (output_regions_col, read), (_WORKER_ERROR, error)])


def draw_stage(
    batches: Iterable[pa.RecordBatch],
    *,
    config: Mapping[str, Any],
    image_col: str,
    regions_col: str,
    output_col: str,
    batch_size: int,
) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body of ``ImageDrawRegions``: image + regions in, the drawn image out.

    The work is :func:`ocrplug.spark.worker.draw_batches` (``config["renderers"][0]``, e.g. ``overlay``,
    drawing in memory on the row's image); the drawn image keeps the input's ``pagenum`` and ``resolution``.
    """
    for batch in slices(batches, batch_size):
        narrow = _narrow(batch, image_col, worker_regions(batch.column(regions_col)))
        out = _worker_out(lambda b: worker.draw_batches(b, config, "image", "regions", "drawn", batch_size), narrow)
        drawn = ml_image(out.column("drawn"), narrow.column("page_index"), narrow.column("dpi"))
        yield with_columns(batch, [(output_col, drawn), (_WORKER_ERROR, out.column(_WORKER_ERROR))])


_NOT_PDF = "{path}: PdfToImage reads PDF files only (use BinaryToImage for images)"


def _page_batch(
    batch: pa.RecordBatch, keep: list[int], rows: list[int], pages: list[dict[str, Any]], output_col: str
) -> pa.RecordBatch:
    """Page rows: the file rows ``rows`` of ``batch`` (columns ``keep``) repeated, plus the pages' columns."""
    take = pa.array(rows, type=pa.int64())
    passed = pa.RecordBatch.from_arrays(
        [batch.column(i).take(take) for i in keep], names=[batch.schema.names[i] for i in keep]
    )
    return with_columns(
        passed,
        [
            (output_col, pa.array([p["image"] for p in pages], type=ML_IMAGE_TYPE)),
            ("pagenum", pa.array([p["pagenum"] for p in pages], type=pa.int32())),
            ("page_count", pa.array([p["page_count"] for p in pages], type=pa.int32())),
            (_WORKER_ERROR, pa.array([p["error"] for p in pages], type=pa.string())),
        ],
    )


def binary_stage(
    batches: Iterable[pa.RecordBatch],
    *,
    config: Mapping[str, Any],
    content_col: str,
    path_col: str,
    output_col: str,
    keep_input: bool,
    channels: int,
    pdf_only: bool,
    batch_size: int,
) -> Iterator[pa.RecordBatch]:
    """``mapInArrow`` body of ``BinaryToImage`` / ``PdfToImage``: one file row in, one row per page out.

    Files are read by :func:`ocrplug.spark.worker.iter_file` (the rasterizer ``config["input"]`` chooses
    by suffix, as ``ocr_dataframe``). Each page row repeats the file row's other columns (without
    ``content_col`` unless ``keep_input``) and adds ``output_col`` (:data:`ML_IMAGE_TYPE`), ``pagenum``,
    ``page_count`` and ``error``; an unreadable file is one row with its error and a null image.
    """
    pipeline = worker.worker_pipeline(worker.stage_config(config))
    added = {output_col, "pagenum", "page_count", _WORKER_ERROR}
    for batch in batches:
        keep = [
            i for i, name in enumerate(batch.schema.names)
            if name not in added and (keep_input or name != content_col)
        ]
        paths = batch.column(path_col)
        contents = batch.column(content_col)
        rows: list[int] = []
        pages: list[dict[str, Any]] = []

        for i in range(batch.num_rows):
            path = paths[i].as_py()
            if pdf_only and not str(path).lower().endswith(".pdf"):
                items: Iterable[tuple[dict[str, Any], Any, Any]] = [(error_row(path, _NOT_PDF.format(path=path)), None, None)]
            else:
                items = worker.iter_file(pipeline, path, contents[i].as_py(), process=False)
            for row, _, image in items:
                struct = None
                if image is not None:
                    struct = image_struct(image, origin=path, channels=channels) | {
                        "pagenum": row["page_index"],
                        "resolution": row["dpi"],
                    }
                rows.append(i)
                pages.append(
                    {"image": struct, "pagenum": row["page_index"], "page_count": row["page_count"], "error": row["error"]}
                )
                if len(rows) >= batch_size:
                    yield _page_batch(batch, keep, rows, pages, output_col)
                    rows, pages = [], []
        if rows:
            yield _page_batch(batch, keep, rows, pages, output_col)


class Chain:
    """Several stage bodies run one after the other in the same Python worker (a fused ``mapInArrow``).

    Consecutive ocrplug stages in a pipeline pass their batches from one body to the next in memory,
    instead of sending every page image to the JVM and back between stages; each body still sees
    exactly the batches it would see unfused, so the rows are the same.
    """

    def __init__(self, bodies: Sequence[Body]) -> None:
        self.bodies = tuple(bodies)

    def __call__(self, batches: Iterable[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """Feed ``batches`` through every body in order."""
        stream: Iterable[pa.RecordBatch] = batches
        for body in self.bodies:
            stream = body(stream)
        yield from stream
