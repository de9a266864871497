"""ocr_dataframe and the stages on a real local[2] Spark session: same results as Pipeline.run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ocrplug.model import Page, Region
from ocrplug.pipeline import Pipeline
from tests.spark.conftest import FAKE_CONFIG

pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'ocrplug[spark]')")
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")


def _local(path: str) -> str:
    return path.removeprefix("file:")


def _fields(regions: tuple[Region, ...]) -> list[Any]:
    """What the issue asks to match: level, quad, text, score, confidence and children, in order."""
    return [
        (r.level, r.quad, r.text, r.score, r.confidence, _fields(r.children)) for r in regions
    ]


def _expected(config: dict[str, Any], folder: Path) -> dict[tuple[str, int], Page]:
    pipeline = Pipeline.from_dict(config)
    out = {}
    for name in ("a.png", "b.png", "c.jpg", "doc.pdf"):
        for page in pipeline.run(folder / name).pages:
            out[(str(folder / name), page.index)] = page
    return out


@pytest.fixture(scope="module")
def files(spark, spark_inputs):
    return spark.read.format("binaryFile").load(str(spark_inputs))


def _rows(df) -> dict[tuple[str, int | None], dict[str, Any]]:
    return {(_local(r["path"]), r["page_index"]): r.asDict(recursive=True) for r in df.collect()}


def test_ocr_dataframe_matches_pipeline_run(files, spark_inputs):
    from ocrplug.spark import ocr_dataframe
    from ocrplug.spark.rows import page_from_row

    rows = _rows(ocr_dataframe(files, FAKE_CONFIG))
    expected = _expected(FAKE_CONFIG, spark_inputs)
    good = {k: r for k, r in rows.items() if r["error"] is None}
    assert set(good) == set(expected)  # 3 images + 3 PDF pages, one row each
    for key, page in expected.items():
        row = good[key]
        got = page_from_row(row)
        assert (row["width"], row["height"]) == (page.width, page.height)
        assert _fields(got.regions) == _fields(page.regions)
        assert row["text"] == page.text
    pdf = str(spark_inputs / "doc.pdf")
    assert [rows[(pdf, i)]["text"] for i in range(3)] == ["page0", "page1", "page2"]
    assert {rows[(pdf, i)]["page_count"] for i in range(3)} == {3}
    # The pipeline is built in the worker with one thread per task (spark.task.cpus = 1).
    assert got.lines[0].attributes == {"worker_threads": "1"}
    bad = rows[(str(spark_inputs / "bad.png"), None)]
    assert "bad.png" in bad["error"] and "not a readable image" in bad["error"]
    assert "ocrplug-spark-" not in bad["error"]  # the worker's temporary file name never leaks


def test_failed_page_is_an_error_row_and_the_others_go_on(files, spark_inputs):
    from ocrplug.spark import ocr_dataframe

    config = FAKE_CONFIG | {"detector": {"name": "fake-box", "options": {"fail_on_pages": [1]}}}
    rows = _rows(ocr_dataframe(files.where(files.path.endswith("doc.pdf")), config))
    pdf = str(spark_inputs / "doc.pdf")
    assert sorted(rows) == [(pdf, 0), (pdf, 1), (pdf, 2)]
    assert "injected failure on page 1" in rows[(pdf, 1)]["error"]
    assert rows[(pdf, 1)]["width"] == 144 and rows[(pdf, 1)]["regions"] is None
    assert rows[(pdf, 0)]["text"] == "page0" and rows[(pdf, 2)]["text"] == "page2"


def test_multipage_tiff_gives_one_row_per_page(spark, tmp_path):
    from PIL import Image, ImageDraw

    from ocrplug.spark import ocr_dataframe

    frames = []
    for i in range(2):
        frame = Image.new("RGB", (80, 60), "white")
        ImageDraw.Draw(frame).rectangle((5 + 10 * i, 5, 40 + 10 * i, 30), fill="black")
        frames.append(frame)
    frames[0].save(tmp_path / "scan.tif", save_all=True, append_images=frames[1:])
    rows = ocr_dataframe(spark.read.format("binaryFile").load(str(tmp_path / "scan.tif")), FAKE_CONFIG).collect()
    rows = sorted((r.asDict(recursive=True) for r in rows), key=lambda r: r["page_index"])
    assert [(r["page_index"], r["page_count"], r["text"]) for r in rows] == [(0, 2, "page0"), (1, 2, "page1")]
    assert [r["regions"][0]["quad"][0] for r in rows] == [[5.0, 5.0], [15.0, 5.0]]


def test_bad_config_fails_on_the_driver_naming_the_key(files):
    from ocrplug.errors import ConfigError
    from ocrplug.spark import ocr_dataframe

    with pytest.raises(ConfigError, match="text_treshold"):
        ocr_dataframe(files, FAKE_CONFIG | {"detector": {"name": "fake-box", "options": {"text_treshold": 1}}})
    with pytest.raises(ConfigError, match="'bytes'"):
        ocr_dataframe(files, FAKE_CONFIG, content_col="bytes")


def test_stages_compose_to_the_same_result(files, spark_inputs):
    from ocrplug.spark import detect, draw_regions, ocr_dataframe, rasterize, recognize
    from ocrplug.spark.rows import image_from_struct, regions_from_rows

    pages = rasterize(files, FAKE_CONFIG)
    staged = draw_regions(
        recognize(detect(pages, FAKE_CONFIG), FAKE_CONFIG),
        {"name": "overlay", "options": {"color": "red"}}, plugins=("tests.fakes.fault_plugin",),
    )
    assert {"image", "text_regions", "text", "image_with_regions", "error"} <= set(staged.columns)
    rows = _rows(staged)
    whole = _rows(ocr_dataframe(files, FAKE_CONFIG))
    assert set(rows) == set(whole)
    for key, row in rows.items():
        if row["error"] is not None:
            assert key[1] is None and whole[key]["error"] is not None  # the corrupt file, through every stage
            continue
        assert _fields(regions_from_rows(row["text_regions"])) == _fields(regions_from_rows(whole[key]["regions"]))
        assert row["text"] == whole[key]["text"]
        image = image_from_struct(row["image"])
        drawn = image_from_struct(row["image_with_regions"])
        assert drawn.image.shape == image.image.shape
        changed = np.any(drawn.image != image.image, axis=2)
        assert changed.any()  # the region outline is drawn
        red = (drawn.image[..., 0] > 200) & (drawn.image[..., 1] < 80) & (drawn.image[..., 2] < 80)
        assert red[changed].mean() > 0.5


def test_detector_stage_reads_sparks_own_image_source(spark, spark_inputs):
    from ocrplug.spark import detect

    images = spark.read.format("image").load(str(spark_inputs / "a.png"))
    row = detect(images, FAKE_CONFIG).collect()[0]
    assert row["error"] is None
    quad = row["text_regions"][0]["quad"]
    assert quad == [[10.0, 20.0], [60.0, 20.0], [60.0, 40.0], [10.0, 40.0]]


@pytest.mark.slow
def test_default_pipeline_on_spark_equals_a_local_run(spark):
    """The real default pipeline (DB + PP-OCR, weights in the rapidocr wheel) gives the same words."""
    pytest.importorskip("rapidocr")
    from ocrplug.config import DEFAULT_CONFIG
    from ocrplug.spark import ocr_dataframe

    sample = Path(__file__).resolve().parents[2] / "examples" / "sample.png"
    config = DEFAULT_CONFIG | {"renderers": []}
    page = Pipeline.from_dict(config).run(sample).pages[0]
    files = spark.read.format("binaryFile").load(str(sample))
    row = ocr_dataframe(files, config).collect()[0].asDict(recursive=True)
    from ocrplug.spark.rows import page_from_row

    assert row["error"] is None
    assert page.text.strip() and row["text"] == page.text
    got = page_from_row(row)
    assert [r.text for r in got.lines] == [r.text for r in page.lines]
    assert np.allclose([r.quad for r in got.lines], [r.quad for r in page.lines], atol=1e-6)
