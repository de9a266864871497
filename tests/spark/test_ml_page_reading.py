"""``BinaryToImage -> ImageToText`` with no detector stage reads the page as Visual NLP's does.

Visual NLP's plainest pipeline has no detector: ``ImageToText`` reads the whole page. ocrplug's stage
used to read the whole image as one line then, which gives empty or wrong text on any real page; now
it finds the regions first with ``pageDetector`` (default: ocrplug's default detector) in the same task.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'ocrplug[spark]')")

from ocrplug.spark.ml import BinaryToImage, ImageToText

PLUGINS = ["tests.fakes.fault_plugin"]
ROOT = Path(__file__).resolve().parents[2]


def _line(row: dict) -> tuple[float, float, float, float]:
    line = next(r for r in row["regions"] if r["level"] == "line")
    return (line["x"], line["y"], line["width"], line["height"])


def test_no_regions_column_finds_the_regions_with_the_page_detector(spark, spark_inputs: Path) -> None:
    files = spark.read.format("binaryFile").load(str(spark_inputs / "a.png"))
    images = BinaryToImage(resolution=72).transform(files)
    found = ImageToText(recognizer="fake-echo", pageDetector="fake-box", plugins=PLUGINS).transform(images)
    row = found.collect()[0].asDict(recursive=True)
    assert row["error"] is None and row["text"] == "page0"
    # fake-box finds the dark box of a.png (10, 20)-(60, 40), not the whole 120 x 80 image
    assert _line(row) == (10.0, 20.0, 50.0, 20.0)
    whole = ImageToText(recognizer="fake-echo", pageDetector="", plugins=PLUGINS).transform(images)
    assert _line(whole.collect()[0].asDict(recursive=True)) == (0.0, 0.0, 120.0, 80.0)


def test_a_page_detector_failure_is_the_rows_error(spark, spark_inputs: Path) -> None:
    files = spark.read.format("binaryFile").load(str(spark_inputs / "a.png"))
    images = BinaryToImage(resolution=72).transform(files)
    stage = ImageToText(
        recognizer="fake-echo", pageDetector="fake-box", pageDetectorOptions={"fail_on_pages": [0]}, plugins=PLUGINS
    )
    row = stage.transform(images).collect()[0].asDict(recursive=True)
    assert "injected failure on page 0" in row["error"]


@pytest.mark.slow
def test_the_plainest_visual_nlp_pipeline_reads_the_sample(spark) -> None:
    files = spark.read.format("binaryFile").load(str(ROOT / "examples" / "sample.png"))
    row = ImageToText().transform(BinaryToImage().transform(files)).collect()[0].asDict(recursive=True)
    assert row["error"] is None
    assert "Quarterly" in row["text"] and "Maintenance" in row["text"], row["text"]
