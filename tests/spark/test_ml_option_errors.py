"""Bad stage options fail early, in the seeds' terms: before any task, naming the stage's Param.

A fresh user found `setRectColor("blurple")` reported only as `renderers.0.options.color`, `setBatchSize(0)`
accepted, and `ImageToText.pretrained("tesseract", "xx")` failing inside the Spark task with a worker
traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'ocrplug[spark]')")

from ocrplug.errors import ConfigError
from ocrplug.spark.ml import BinaryToImage, ImageDrawRegions, ImageTextDetector, ImageToText, PdfToImage


@pytest.fixture(scope="module")
def pages(spark, spark_inputs: Path):
    files = spark.read.format("binaryFile").load(str(spark_inputs / "a.png"))
    return ImageTextDetector().transform(BinaryToImage().transform(files))


@pytest.mark.parametrize(
    "stage, param, message",
    [
        (ImageDrawRegions().setRectColor("blurple"), "ImageDrawRegions.rectColor", "unknown colour 'blurple'"),
        (ImageDrawRegions().setLineWidth(-3), "ImageDrawRegions.lineWidth", "greater than or equal to 1"),
        (ImageTextDetector().setDetector("craft").setScoreThreshold(1.5), "ImageTextDetector.scoreThreshold",
         "text_threshold"),
    ],
)
def test_option_errors_name_the_param(pages, stage, param: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        stage.transform(pages)
    assert message in str(caught.value)
    assert f"is {param})" in str(caught.value)


@pytest.mark.parametrize("name", ["text", "json"])
def test_a_renderer_that_draws_no_image_is_named_at_transform(pages, name: str) -> None:
    # It used to say "unknown key renderers.0.options.color / line_width / shape": overlay's options,
    # seeded by the stage's defaults, checked against a renderer that has none of them.
    with pytest.raises(ConfigError) as caught:
        ImageDrawRegions().setRenderer(name).transform(pages)
    assert "ImageDrawRegions.renderer" in str(caught.value)
    assert "draws no image in memory" in str(caught.value)
    assert "unknown key" not in str(caught.value)


def test_overlay_params_still_reach_a_renderer_set_by_name(pages) -> None:
    stage = ImageDrawRegions().setRenderer("overlay").setRectColor("blue").setLineWidth(3)
    assert stage.component()["options"] == {"color": "blue", "line_width": 3, "shape": "box"}
    assert ImageDrawRegions(renderer="text").component()["options"] == {}
    assert ImageDrawRegions(renderer="text", lineWidth=4).component()["options"] == {"line_width": 4}


@pytest.mark.parametrize("stage", [BinaryToImage, ImageTextDetector, ImageToText, ImageDrawRegions])
def test_batch_size_below_one_is_refused_by_its_setter(stage) -> None:
    with pytest.raises(TypeError, match=re.escape("batchSize")):
        stage().setBatchSize(0)
    assert stage().setBatchSize(3).getBatchSize() == 3


@pytest.mark.parametrize("stage", [BinaryToImage, PdfToImage])
def test_negative_partitions_are_refused_by_the_setter(stage) -> None:
    # -1 used to pass the setter and fail inside Spark's repartition with a JVM IllegalArgumentException
    # that named neither the stage nor the Param.
    with pytest.raises(TypeError, match=re.escape("partitions")):
        stage().setPartitions(-1)
    with pytest.raises(TypeError, match=re.escape("partitions")):
        stage(partitions=-2)
    assert stage().setPartitions(0).getPartitions() == 0
    assert stage().setPartitions(4).getPartitions() == 4


def test_a_recognizer_option_only_its_constructor_judges_fails_at_transform(spark, pages) -> None:
    # 'xx' passes the options model (any string) and is refused by the Tesseract engine: in local mode
    # the stage builds the recognizer on the driver at transform, so no task runs.
    stage = ImageToText.pretrained("tesseract", "xx")
    jobs_before = len(spark.sparkContext.statusTracker().getJobIdsForGroup())
    with pytest.raises(ConfigError, match=r"ImageToText: tesseract option 'lang' 'xx': 'xx' is not a Tesseract language"):
        stage.transform(pages)
    assert len(spark.sparkContext.statusTracker().getJobIdsForGroup()) == jobs_before


@pytest.mark.parametrize("stage", [PdfToImage, BinaryToImage])
def test_a_low_resolution_warning_names_resolution(stage, caplog: pytest.LogCaptureFixture) -> None:
    # Issue 24 (V14 finding 13): the stage warned about `input.dpi`, a key the Spark user never set.
    dpi = 40.25 if stage is PdfToImage else 40.75  # the config warns once per value and process
    with caplog.at_level("WARNING"):
        stage(resolution=dpi)
    said = [r.getMessage() for r in caplog.records if "below" in r.getMessage()]
    assert said and all(m.startswith(f"resolution {dpi:g} is below") and "input.dpi" not in m for m in said)
