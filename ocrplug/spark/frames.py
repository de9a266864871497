"""The DataFrame API: the whole pipeline in one call, or its stages one at a time.

``ocr_dataframe`` takes the rows ``spark.read.format("binaryFile")`` gives (``path``, ``content``, ...)
and returns one row per page with typed results (:data:`ocrplug.spark.rows.PAGE_SCHEMA`). The stages
(``rasterize`` -> ``detect`` -> ``recognize`` -> ``draw_regions``) do the same work column by column,
so Spark users can put their own stages between ours. Every function validates the config on the driver
first (a bad key is a :class:`~ocrplug.errors.ConfigError` before any task runs); the pipeline is then
built once per Python worker, and pages travel in Arrow batches (``mapInArrow``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from ocrplug.components import require
from ocrplug.pipeline import Pipeline
from ocrplug.spark import worker
from ocrplug.spark.rows import IMAGE_TYPE, PAGE_SCHEMA, REGIONS_TYPE

require("pyspark", "spark", "spark")

from pyspark.sql import DataFrame  # noqa: E402 - after the extra check
from pyspark.sql.pandas.types import from_arrow_schema, from_arrow_type  # noqa: E402
from pyspark.sql.types import StructField, StructType  # noqa: E402

if TYPE_CHECKING:
    from pyspark.sql.types import DataType

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "detect",
    "draw_regions",
    "ocr_dataframe",
    "page_schema",
    "rasterize",
    "recognize",
]

DEFAULT_BATCH_SIZE = 8
"""Pages per Arrow batch a worker sends back (small: page images are megabytes each)."""


def page_schema() -> StructType:
    """The Spark schema of ``ocr_dataframe`` rows (from :data:`~ocrplug.spark.rows.PAGE_SCHEMA`)."""
    return from_arrow_schema(PAGE_SCHEMA)


def _validated(config: Mapping[str, Any]) -> dict[str, Any]:
    """Validate on the driver (errors name the key); workers get the plain validated dict."""
    return Pipeline.from_dict(config, source="<spark config>").to_dict()


def _spread(df: DataFrame, partitions: int | None) -> DataFrame:
    # binaryFile packs small files into few partitions (by bytes), which would leave cores idle:
    # OCR cost is per page, not per byte.
    if partitions is None:
        partitions = max(df.rdd.getNumPartitions(), df.sparkSession.sparkContext.defaultParallelism)
        if partitions == df.rdd.getNumPartitions():
            return df
    return df.repartition(partitions)


def _check_columns(df: DataFrame, *names: str) -> None:
    from ocrplug.errors import ConfigError

    missing = [n for n in names if n not in df.columns]
    if missing:
        raise ConfigError(f"DataFrame has no column {missing[0]!r} (columns: {', '.join(df.columns)})")


def ocr_dataframe(
    df: DataFrame,
    config: Mapping[str, Any],
    content_col: str = "content",
    path_col: str = "path",
    *,
    partitions: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> DataFrame:
    """OCR every file of a ``binaryFile`` DataFrame: one row per page (PDF and multi-page TIFF pages too).

    ``config`` is a full pipeline config (the YAML structure as a dict). Result columns
    (:func:`page_schema`): ``path, page_index (0-based), page_count, width, height (pixels), dpi,
    regions (flat array, see ocrplug.spark.rows), text, orientation (degrees or null), error, seconds,
    dpi_y, warnings``.
    A failed page is a row with ``error`` set; an unreadable or unsupported file is one error row with
    ``page_index`` null; the job itself does not fail for bad input. Renderers in the config are not run
    (use ``ocrplug spark run`` for files). ``partitions``: how many tasks share the files (default: at
    least Spark's default parallelism). Raises ConfigError for a bad config or missing column.
    """
    _check_columns(df, content_col, path_col)
    cfg = _validated(config)
    cfg["renderers"] = []
    body = functools.partial(
        worker.ocr_batches, config=cfg, content_col=content_col, path_col=path_col, batch_size=batch_size
    )
    return _spread(df.select(path_col, content_col), partitions).mapInArrow(body, page_schema())


def rasterize(
    df: DataFrame,
    config: Mapping[str, Any] | None = None,
    content_col: str = "content",
    path_col: str = "path",
    *,
    partitions: int | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> DataFrame:
    """Files -> page images: one row per page with ``path, page_index, page_count, dpi, image, error``.

    ``image`` is Spark's image struct (BGR bytes, see ocrplug.spark.rows); ``config["input"]`` (dpi,
    pages, rasterizer) chooses how. The seeds' equivalent is their binary-to-image / PDF-to-image step.
    """
    _check_columns(df, content_col, path_col)
    cfg = _validated(worker.stage_config(config or {}))
    body = functools.partial(
        worker.rasterize_batches, config=cfg, content_col=content_col, path_col=path_col, batch_size=batch_size
    )
    return _spread(df.select(path_col, content_col), partitions).mapInArrow(
        body, from_arrow_schema(worker.RASTER_SCHEMA)
    )


def _with_fields(df: DataFrame, fields: list[tuple[str, pa.DataType]]) -> StructType:
    """``df``'s schema with ``fields`` replacing same-named columns in place, others appended."""
    out: list[StructField] = list(df.schema.fields)
    for name, arrow_type in fields:
        spark_type: DataType = from_arrow_type(arrow_type)
        field = StructField(name, spark_type, nullable=True)
        names = [f.name for f in out]
        if name in names:
            out[names.index(name)] = field
        else:
            out.append(field)
    return StructType(out)


def detect(
    df: DataFrame,
    config: Mapping[str, Any],
    image_col: str = "image",
    output_col: str = "text_regions",
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> DataFrame:
    """Detector stage: adds ``output_col`` (flat regions without text) from ``image_col``.

    Uses ``config["detector"]``. Other columns pass through; ``error`` is set for a failed page (and
    rows that already carry an error are left alone).
    """
    _check_columns(df, image_col)
    cfg = _validated(worker.stage_config(config, "detector"))
    body = functools.partial(
        worker.detect_batches, config=cfg, image_col=image_col, output_col=output_col, batch_size=batch_size
    )
    return df.mapInArrow(body, _with_fields(df, [(output_col, REGIONS_TYPE), ("error", pa.string())]))


def recognize(
    df: DataFrame,
    config: Mapping[str, Any],
    image_col: str = "image",
    regions_col: str = "text_regions",
    text_col: str = "text",
    *,
    output_regions_col: str | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> DataFrame:
    """Recognizer stage: regions column in, the same regions with text and confidence, and ``text_col``.

    Uses ``config["recognizer"]`` and, for turned pages (``input.orientation: auto``), ``config["detector"]``
    to detect the page again upright, as a whole pipeline does. The regions are written back to ``output_regions_col`` (default:
    ``regions_col`` itself); ``text_col`` is the page text in reading order. Rows with no regions get
    empty text.
    """
    _check_columns(df, image_col, regions_col)
    out_regions = output_regions_col or regions_col
    # The detector comes along for page orientation (a turned page is detected again upright).
    cfg = _validated(worker.stage_config(config, "recognizer", "detector"))
    body = functools.partial(
        worker.recognize_batches, config=cfg, image_col=image_col, regions_col=regions_col,
        output_regions_col=out_regions, text_col=text_col, batch_size=batch_size,
    )
    fields = [(out_regions, REGIONS_TYPE), (text_col, pa.string()), ("error", pa.string())]
    return df.mapInArrow(body, _with_fields(df, fields))


def draw_regions(
    df: DataFrame,
    renderer: str | Mapping[str, Any] = "overlay",
    image_col: str = "image",
    regions_col: str = "text_regions",
    output_col: str = "image_with_regions",
    *,
    plugins: tuple[str, ...] = (),
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> DataFrame:
    """Drawing stage: ``output_col`` = the page image with its regions drawn (Spark's image struct).

    ``renderer`` is an image renderer by name or ``{name, options}`` (default ``overlay``: its options
    choose colours, shapes and labels); it runs through the plugin host like in ``ocrplug run``.
    """
    _check_columns(df, image_col, regions_col)
    cfg = _validated({"renderers": [renderer], "plugins": list(plugins)})
    body = functools.partial(
        worker.draw_batches, config=cfg, image_col=image_col, regions_col=regions_col,
        output_col=output_col, batch_size=batch_size,
    )
    return df.mapInArrow(body, _with_fields(df, [(output_col, IMAGE_TYPE), ("error", pa.string())]))
