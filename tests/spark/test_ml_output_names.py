"""Stage column names that used to be taken silently: BinaryToImage's outputCol, ImageToText's inputCols.

`BinaryToImage().setOutputCol("path")` used to replace the file paths with the images silently, so
every later error row lost the name of its file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'ocrplug[spark]')")

from ocrplug.errors import ConfigError
from ocrplug.spark.ml import BinaryToImage, PdfToImage


@pytest.mark.parametrize(
    "stage, named",
    [
        (BinaryToImage().setOutputCol("path"), "pathCol"),
        (BinaryToImage().setPathCol("where").setOutputCol("where"), "pathCol"),
        (BinaryToImage().setOutputCol("pagenum"), "pagenum"),
        (BinaryToImage().setOutputCol("error"), "error"),
        (PdfToImage().setOutputCol("page_count"), "page_count"),
        (BinaryToImage().setKeepInput(True).setOutputCol("content"), "inputCol (keepInput=True)"),
    ],
)
def test_output_col_clash_is_a_config_error_at_transform(spark, spark_inputs: Path, stage, named: str) -> None:
    files = spark.read.format("binaryFile").load(str(spark_inputs / "a.png"))
    if stage.getPathCol() != "path":
        files = files.withColumnRenamed("path", stage.getPathCol())
    with pytest.raises(ConfigError, match=re.escape(f"outputCol {stage.getOutputCol()!r} is also its {named} column")):
        stage.transform(files)


def test_image_may_replace_the_bytes_it_drops(spark, spark_inputs: Path) -> None:
    files = spark.read.format("binaryFile").load(str(spark_inputs / "a.png"))
    rows = BinaryToImage().setOutputCol("content").transform(files).select("path", "content.width", "error").collect()
    assert [(r["path"].endswith("a.png"), r["width"], r["error"]) for r in rows] == [(True, 120, None)]


def test_image_to_text_takes_at_most_two_input_cols(spark, spark_inputs: Path) -> None:
    from ocrplug.spark.ml import ImageTextDetector, ImageToText

    files = spark.read.format("binaryFile").load(str(spark_inputs / "a.png"))
    pages = ImageTextDetector().transform(BinaryToImage().transform(files))
    stage = ImageToText().setInputCols(["image", "text_regions", "path"])
    with pytest.raises(ConfigError, match=re.escape("inputCols ['image', 'text_regions', 'path'] has 3 columns")):
        stage.transform(pages)
