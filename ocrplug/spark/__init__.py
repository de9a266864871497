"""ocrplug on Spark: the same YAML pipeline over a DataFrame of files (extra ``ocrplug[spark]``).

``ocr_dataframe(df, config)`` turns ``spark.read.format("binaryFile")`` rows into one typed row per page;
``rasterize``, ``detect``, ``recognize`` and ``draw_regions`` are the same work as separate stages;
``ocrplug spark run`` (:mod:`ocrplug.spark.job`) writes the renderers' files per document and a Parquet
dataset, resumably; ``spark_session`` (:mod:`ocrplug.spark.session`) starts Spark, its master checked
first and a failed start one line. The row layout lives in :mod:`ocrplug.spark.rows` (needs pyarrow
only); the names below import pyspark on first use, and raise :class:`~ocrplug.errors.MissingExtraError` without it.
See docs/spark.md.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "detect",
    "draw_regions",
    "ocr_dataframe",
    "page_schema",
    "rasterize",
    "recognize",
    "spark_session",
]


def __getattr__(name: str) -> Any:
    if name == "spark_session":
        from ocrplug.spark import session

        return session.spark_session
    if name in __all__:
        from ocrplug.spark import frames

        return getattr(frames, name)
    raise AttributeError(f"module 'ocrplug.spark' has no attribute {name!r}")
