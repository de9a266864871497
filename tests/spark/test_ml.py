"""The pyspark.ml stages on a real local[2] Spark: the issue's Visual NLP pipeline with only its imports
changed, the same pages as Pipeline.run, error rows in every stage, type checks at transform, save/load."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug.errors import ConfigError, WeightsError
from ocrplug.model import Region
from ocrplug.pipeline import Pipeline
from tests.spark.conftest import FAKE_CONFIG

pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'ocrplug[spark]')")
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")

PLUGINS = ["tests.fakes.fault_plugin"]


def _fields(regions: tuple[Region, ...]) -> list[Any]:
    return [(r.level, r.quad, r.text, r.score, r.confidence, _fields(r.children)) for r in regions]


def _key(row: dict[str, Any]) -> tuple[str, int | None]:
    return row["path"].removeprefix("file:"), row["pagenum"]


def _rows(df) -> dict[tuple[str, int | None], dict[str, Any]]:
    return {_key(r): r for r in (row.asDict(recursive=True) for row in df.collect())}


def _fake_stages(**detector: Any) -> list[Any]:
    from ocrplug.spark.ml import BinaryToImage, Color, ImageDrawRegions, ImageTextDetector, ImageToText

    return [
        BinaryToImage(resolution=72, plugins=PLUGINS),
        ImageTextDetector(detector="fake-box", detectorOptions=detector, plugins=PLUGINS),
        ImageToText(recognizer="fake-echo", inputCols=["image", "text_regions"], regionsColumn="text_regions",
                    plugins=PLUGINS),
        ImageDrawRegions(plugins=PLUGINS).setRectColor(Color.green).setLineWidth(1),
    ]


@pytest.fixture(scope="module")
def files(spark, spark_inputs):
    return spark.read.format("binaryFile").load(str(spark_inputs))


def _map_in_arrow_count(df) -> int:
    return df._jdf.queryExecution().executedPlan().toString().count("MapInArrow")


def test_four_stages_give_pipeline_runs_pages_in_one_fused_task(files, spark_inputs):
    from pyspark.ml import PipelineModel

    from ocrplug.spark.ml_arrow import worker_regions
    from ocrplug.spark.rows import image_from_struct, regions_from_rows

    fused = PipelineModel(stages=_fake_stages()).transform(files)
    assert _map_in_arrow_count(fused) == 1  # page images never go to the JVM between the stages
    rows = _rows(fused)
    pipeline = Pipeline.from_dict(FAKE_CONFIG)
    expected = {}
    for name in ("a.png", "b.png", "c.jpg", "doc.pdf"):
        for page in pipeline.run(spark_inputs / name).pages:
            expected[(str(spark_inputs / name), page.index)] = page
    good = {k: r for k, r in rows.items() if r["error"] is None}
    assert set(good) == set(expected)
    for key, page in expected.items():
        row = good[key]
        got = regions_from_rows(worker_regions(_regions_array(row["regions"])).to_pylist()[0])
        assert _fields(got) == _fields(page.regions)
        assert row["text"] == page.text
        assert (row["image"]["width"], row["image"]["height"], row["image"]["pagenum"]) == (
            page.width, page.height, page.index,
        )
        box = row["text_regions"][0]  # the detector's region, seed-style
        x0, y0, x1, y1 = page.regions[0].bbox
        assert (box["x"], box["y"], box["width"], box["height"], box["angle"], box["page"]) == (
            x0, y0, x1 - x0, y1 - y0, 0.0, page.index,
        )
        image, drawn = image_from_struct(row["image"]), image_from_struct(row["image_with_regions"])
        changed = np.any(drawn.image != image.image, axis=2)
        assert changed.any() and (drawn.image[changed] == (0, 128, 0)).all()  # Color.green outlines
        assert row["image_with_regions"]["pagenum"] == page.index
    # The corrupt file: one row whose error every stage kept, and no image, regions or text.
    bad = rows[(str(spark_inputs / "bad.png"), None)]
    assert "bad.png" in bad["error"] and "not a readable image" in bad["error"]
    assert [bad[c] for c in ("image", "text_regions", "text", "regions", "image_with_regions")] == [None] * 5
    # Unfused (another DataFrame between every stage): the same rows.
    df = files
    for stage in _fake_stages():
        df = stage.transform(df).select("*")
    assert _map_in_arrow_count(df) == 4
    assert _rows(df) == rows


def _regions_array(rows: list[dict[str, Any]]):
    import pyarrow as pa

    from ocrplug.spark.ml_arrow import ML_REGIONS_TYPE

    return pa.array([rows], type=ML_REGIONS_TYPE)


def test_a_failed_page_is_an_error_row_in_every_stage(files, spark_inputs):
    from pyspark.ml import PipelineModel

    pdf = files.where(files.path.endswith("doc.pdf"))
    rows = _rows(PipelineModel(stages=_fake_stages(fail_on_pages=[1])).transform(pdf))
    path = str(spark_inputs / "doc.pdf")
    assert sorted(rows) == [(path, 0), (path, 1), (path, 2)]
    failed = rows[(path, 1)]
    assert "injected failure on page 1" in failed["error"]
    assert failed["image"]["width"] == 144  # the page was read; detection failed
    assert [failed[c] for c in ("text_regions", "text", "regions", "image_with_regions")] == [None] * 4
    assert rows[(path, 0)]["text"] == "page0" and rows[(path, 2)]["text"] == "page2"
    assert rows[(path, 2)]["image_with_regions"] is not None


def test_pdf_only_gray_images_sparks_image_source_and_whole_image_reading(spark, files, spark_inputs):
    from ocrplug.spark.ml import ImageTextDetector, ImageToText, ImageType, PdfToImage
    from ocrplug.spark.rows import image_from_struct

    pages = PdfToImage(resolution=72, imageType=ImageType.TYPE_BYTE_GRAY).transform(files)
    rows = _rows(ImageTextDetector(detector="fake-box", plugins=PLUGINS).transform(pages))
    pdf = str(spark_inputs / "doc.pdf")
    assert {k for k, r in rows.items() if r["error"] is None} == {(pdf, 0), (pdf, 1), (pdf, 2)}
    assert "PdfToImage reads PDF files only" in rows[(str(spark_inputs / "a.png"), None)]["error"]
    first = rows[(pdf, 0)]
    assert (first["image"]["nChannels"], first["image"]["mode"], first["page_count"]) == (1, 0, 3)
    assert first["image"]["resolution"] == 72.0 and first["text_regions"][0]["x"] == 10.0
    # Spark's own image source feeds the detector (no pagenum: page null); groupImages=False reads
    # each image whole, as one line.
    images = spark.read.format("image").load(str(spark_inputs / "a.png"))
    read = ImageToText(recognizer="fake-echo", groupImages=False, plugins=PLUGINS).transform(
        ImageTextDetector(detector="fake-box", plugins=PLUGINS).transform(images)
    ).collect()[0].asDict(recursive=True)
    assert read["error"] is None and read["text_regions"][0]["page"] is None
    assert read["text"] == "page0"
    line = next(r for r in read["regions"] if r["level"] == "line")
    height, width = image_from_struct(read["image"]).image.shape[:2]
    assert (line["level"], line["x"], line["y"], line["width"], line["height"]) == ("line", 0.0, 0.0, width, height)


def test_wrong_column_types_fail_at_transform_before_any_task(spark, files):
    from ocrplug.spark.ml import BinaryToImage, ImageDrawRegions, ImageTextDetector, ImageToText

    tracker = spark.sparkContext.statusTracker()
    spark.sparkContext.setJobGroup("ocrplug-type-checks", "type checks")
    with pytest.raises(ConfigError, match=r"ImageTextDetector: column 'content' is binary; .*needs an image struct"):
        ImageTextDetector(inputCol="content").transform(files)
    with pytest.raises(ConfigError, match=r"BinaryToImage: column 'path' is string; .*needs binary file bytes"):
        BinaryToImage(inputCol="path").transform(files)
    images = BinaryToImage(resolution=72).transform(files)
    with pytest.raises(ConfigError, match=r"ImageToText: column 'path' is string; .*needs regions: array<struct"):
        ImageToText(regionsColumn="path").transform(images)
    with pytest.raises(ConfigError, match=r"ImageDrawRegions: the DataFrame has no column 'text_regions'"):
        ImageDrawRegions().transform(images)
    with pytest.raises(ConfigError, match="groupImages=False"):
        ImageToText(inputCols=["image", "text_regions"], groupImages=False).transform(images)
    with pytest.raises(ConfigError, match="text_treshold"):  # a bad option is named on the driver too
        ImageTextDetector(detector="fake-box", detectorOptions={"text_treshold": 1}, plugins=PLUGINS).transform(images)
    assert tracker.getJobIdsForGroup("ocrplug-type-checks") == []  # no Spark job was started
    spark.sparkContext.setJobGroup("", "")


def test_saved_pipeline_loads_with_its_params_and_gives_identical_rows(files, tmp_path):
    from pyspark.ml import Pipeline as SparkPipeline
    from pyspark.ml import PipelineModel

    from ocrplug.spark.ml import ImageTextDetector

    stages = _fake_stages()
    model = SparkPipeline(stages=stages).fit(files)
    model.write().overwrite().save(str(tmp_path / "model"))
    loaded = PipelineModel.load(str(tmp_path / "model"))
    assert [type(s).__name__ for s in loaded.stages] == [type(s).__name__ for s in stages]
    for before, after in zip(stages, loaded.stages, strict=True):
        assert after.uid == before.uid
        assert {p.name: v for p, v in after.extractParamMap().items()} == {
            p.name: v for p, v in before.extractParamMap().items()
        }
    detector = loaded.stages[1]
    assert isinstance(detector, ImageTextDetector) and detector.getDetector() == "fake-box"
    assert detector.isSet("detector") and not detector.isSet("scoreThreshold")
    assert loaded.stages[3].getRectColor() == "green"
    assert _rows(loaded.transform(files)) == _rows(model.transform(files))


def _text_folder(folder: Path) -> Path:
    font = ImageFont.truetype("DejaVuSans.ttf", 30)
    for name, words in (("hello.png", "HELLO WORLD"), ("invoice.png", "Invoice 2041")):
        image = Image.new("RGB", (360, 70), "white")
        ImageDraw.Draw(image).text((14, 16), words, fill="black", font=font)
        image.save(folder / name)
    return folder


@pytest.mark.slow
def test_the_issues_visual_nlp_pipeline_runs_with_only_its_imports_changed(spark, tmp_path):
    """Real models: CRAFT (craft_mlt_25k, offline) and PP-OCR; the same pages as Pipeline.run."""
    pytest.importorskip("rapidocr")
    pytest.importorskip("torch")
    from pyspark.ml import PipelineModel

    from ocrplug.spark.ml import (
        BinaryToImage,
        Color,
        ImageDrawRegions,
        ImageTextDetectorV2,
        ImageToTextV2Opt,
        ImageType,
    )

    path = str(_text_folder(tmp_path))
    # -- the issue's pipeline, as Visual NLP's model cards write it --
    binary_to_image = BinaryToImage().setInputCol("content").setOutputCol("image").setImageType(ImageType.TYPE_3BYTE_BGR)
    text_detector = ImageTextDetectorV2.pretrained("image_text_detector_v2", "en", "clinical/ocr") \
        .setInputCol("image").setOutputCol("text_regions") \
        .setScoreThreshold(0.5).setTextThreshold(0.2).setSizeThreshold(10).setLinkThreshold(0.3) \
        .setWidth(500).setWithRefiner(True)
    ocr = ImageToTextV2Opt.pretrained("ocr_base_handwritten_v2_opt", "en", "clinical/ocr") \
        .setInputCols(["image", "text_regions"]).setGroupImages(True).setOutputCol("text").setRegionsColumn("text_regions")
    draw_regions = ImageDrawRegions().setInputCol("image").setInputRegionsCol("text_regions") \
        .setOutputCol("image_with_regions").setRectColor(Color.green).setRotated(True)
    pipeline = PipelineModel(stages=[binary_to_image, text_detector, ocr, draw_regions])
    # -- end of the issue's pipeline --
    files = spark.read.format("binaryFile").load(path)
    rows = _rows(pipeline.transform(files))  # withRefiner: craft's shipped refiner (craft-refiner-synth)
    assert len(rows) == 2 and all(r["error"] is None for r in rows.values())
    detector = text_detector.component()
    assert detector == {
        "name": "craft",
        "options": {"weights": "craft_mlt_25k", "text_threshold": 0.5, "low_text": 0.2, "min_size": 10,
                    "link_threshold": 0.3, "width": 500, "refiner": text_detector.getWithRefiner()},
    }
    config = {"input": {"dpi": 300}, "detector": detector, "recognizer": ocr.component(), "renderers": []}
    local = Pipeline.from_dict(config)
    for (file, index), row in rows.items():
        page = local.run(Path(file)).pages[index]
        assert row["text"] == page.text
        assert [r["text"] for r in row["regions"] if r["level"] == "word"] == [w.text for w in page.words]
        assert np.allclose([r["quad"] for r in row["regions"]], [r.quad for r, _ in page.walk()], atol=1e-6)
        assert all(r["width"] > 0 and r["height"] > 0 and 0 <= r["x"] < 360 for r in row["text_regions"])
    assert {r["level"] for r in rows[(str(tmp_path / "hello.png"), 0)]["text_regions"]} == {"line", "word"}
    assert "HELLO" in rows[(str(tmp_path / "hello.png"), 0)]["text"]
    assert "Invoice" in rows[(str(tmp_path / "invoice.png"), 0)]["text"]


@pytest.mark.slow
def test_a_refiner_that_cannot_load_is_an_error_at_transform_naming_with_refiner(spark, files):
    pytest.importorskip("torch")
    from ocrplug.spark.ml import BinaryToImage, ImageTextDetector

    detector = ImageTextDetector(detector="craft", detectorOptions={"refiner_weights": "craft_refiner_CTW1500"})
    images = BinaryToImage(resolution=72).transform(files)
    with pytest.raises(WeightsError, match=r"withRefiner=True needs the CRAFT link refiner.*craft_refiner_CTW1500"):
        detector.setWithRefiner(True).transform(images)


def test_pdf_to_image_auto_reads_a_scan_at_its_own_resolution(spark, files, spark_inputs):
    # Issue 24 (U14): PdfToImage rendered every page at 300 dpi; `auto` (now its default, as the default
    # pipeline's input.dpi) renders doc.pdf, a 72 dpi scan of 144 x 144 px, at 72 dpi, as Pipeline.run does.
    from ocrplug.spark.ml import PdfToImage

    pdf = str(spark_inputs / "doc.pdf")
    auto = _rows(PdfToImage().transform(files))[(pdf, 0)]["image"]
    fixed = _rows(PdfToImage(resolution=300).transform(files))[(pdf, 0)]["image"]
    assert (auto["resolution"], auto["width"], auto["height"]) == (72.0, 144, 144)
    assert (fixed["resolution"], fixed["width"]) == (300.0, 600)
