"""Issue 22: the same pipeline gives the same pages and text whatever the door a user comes in by.

``Pipeline.run``, ``ocrplug run``, ``ocr_dataframe`` (Spark) and the OCRmyPDF engine run the default
pipeline on every file of ``../shared/cases/`` and 5 FUNSD pages. OCRmyPDF rasterizes PDFs with its own
tools, so its engine is handed the page images ocrplug's rasterizers give (as PNG files with their
resolution): what is compared is the page work, which is the host's in every door.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

from ocrplug.cli import main
from ocrplug.config import DEFAULT_CONFIG
from ocrplug.model import Document, Page, PageImage
from ocrplug.pipeline import Pipeline
from tests.conftest import shared_path

pytestmark = [pytest.mark.slow, pytest.mark.shared]

# The default pipeline with one thread per component (the OCRmyPDF engine would give its workers a
# share of the cores otherwise) and no renderers.
CONFIG = DEFAULT_CONFIG | {
    "detector": {"name": DEFAULT_CONFIG["detector"]["name"], "options": {"threads": 1}},
    "recognizer": {"name": DEFAULT_CONFIG["recognizer"]["name"], "options": {"threads": 1}},
    "renderers": [],
}
FUNSD_PAGES = 5  # 10 until 2026-12-06: 5 forms keep the comparison, 40 s less suite time


def _inputs(tmp_path: Path) -> list[Path]:
    cases = sorted(p for p in shared_path("cases").iterdir() if p.suffix.lower() in {".png", ".tif", ".pdf", ".jpg"})
    funsd = sorted(shared_path("eval", "funsd", "images").glob("*.png"))[:FUNSD_PAGES]
    folder = tmp_path / "inputs"
    folder.mkdir()
    names = []
    for path in [*cases, *funsd]:  # one folder: Spark and the CLI read it as it is
        (folder / path.name).symlink_to(path)
        names.append(folder / path.name)
    return names


def _summary(page: Page) -> tuple[int, str, list[tuple[int, ...]]]:
    lines = [tuple(round(v) for v in line.bbox) for line in page.lines]
    return page.index, page.text, lines


def test_pipeline_cli_spark_and_ocrmypdf_give_the_same_pages(
    tmp_path: Path, spark, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ocrplug.integrations.ocrmypdf import OcrplugOptions
    from ocrplug.integrations.ocrmypdf import engine as ocrmypdf_engine
    from ocrplug.spark import ocr_dataframe

    inputs = _inputs(tmp_path)
    pipeline = Pipeline.from_dict(CONFIG)
    expected: dict[str, list[tuple[int, str, list[tuple[int, ...]]]]] = {}
    failed: dict[str, list[int | None]] = {}
    images: dict[str, list[PageImage]] = {}
    for path in inputs:
        doc = pipeline.run(path)
        expected[path.name] = [_summary(p) for p in doc.pages]
        failed[path.name] = [f.index for f in doc.failures]
        images[path.name] = _page_images(pipeline, path)
    assert failed["corrupt_middle.tif"] == [1] and [p[0] for p in expected["corrupt_middle.tif"]] == [0, 2]
    assert sum(len(v) for v in expected.values()) >= FUNSD_PAGES + 10

    # ocrplug run
    job = tmp_path / "job.yaml"
    job.write_text(yaml.safe_dump(CONFIG | {"renderers": [{"name": "json"}]}), encoding="utf-8")
    out = tmp_path / "cli"
    assert main(["run", str(inputs[0].parent), "-c", str(job), "-o", str(out), "--no-progress"]) == 1  # corrupt page
    for path in inputs:
        doc = Document.from_dict(json.loads((out / f"{path.stem}.json").read_text(encoding="utf-8")))
        assert [_summary(p) for p in doc.pages] == expected[path.name], path.name

    # ocr_dataframe
    files = spark.read.format("binaryFile").load(str(inputs[0].parent))
    rows = [r.asDict(recursive=True) for r in ocr_dataframe(files, CONFIG).collect()]
    spark_pages: dict[str, list[tuple[int, str]]] = {}
    for row in rows:
        if row["error"] is None:
            spark_pages.setdefault(Path(row["path"]).name, []).append((row["page_index"], row["text"]))
    for path in inputs:
        want = [(index, text) for index, text, _ in expected[path.name]]
        assert sorted(spark_pages.get(path.name, [])) == want, path.name

    # the OCRmyPDF engine, page image by page image (its worker set-up sets these; restored after)
    monkeypatch.setenv("OCRPLUG_WORKER_THREADS", "1")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    options = SimpleNamespace(ocr_engine="ocrplug", languages=[], jobs=1, ocrplug=OcrplugOptions(config=str(job)))
    for path in inputs:
        got = []
        for image in images[path.name]:
            png = tmp_path / f"{path.stem}-{image.index}.png"
            _save_png(image, png)
            page = ocrmypdf_engine._ocr_page(png, options, image.index)
            assert page is not None
            got.append(_summary(page))
        assert got == expected[path.name], path.name


def _page_images(pipeline: Pipeline, path: Path) -> list[PageImage]:
    from ocrplug.pageloop import read_pages

    document = pipeline.sources.open(pipeline.sources.discover([path])[0][0])
    return [item for item in read_pages(document, pipeline.sources) if isinstance(item, PageImage)]


def _save_png(image: PageImage, path: Path) -> None:
    from PIL import Image

    dpi = image.dpi or 72.0
    Image.fromarray(image.image).save(path, dpi=(dpi, image.dpi_y or dpi))


def test_stages_orient_and_clip_as_the_pipeline_does(spark) -> None:
    """rasterize -> detect -> recognize on a page turned 90 degrees gives ``ocr_dataframe``'s page."""
    from ocrplug.spark import detect, ocr_dataframe, rasterize, recognize
    from ocrplug.spark.rows import regions_from_rows

    turned = shared_path("cases", "page_rot90.png")
    files = spark.read.format("binaryFile").load(str(turned))
    staged = recognize(detect(rasterize(files, CONFIG), CONFIG), CONFIG).collect()[0].asDict(recursive=True)
    whole = ocr_dataframe(files, CONFIG).collect()[0].asDict(recursive=True)
    local = Pipeline.from_dict(CONFIG).run(turned).pages[0]
    assert local.orientation != 0 and local.text.strip()
    assert staged["error"] is None and staged["text"] == whole["text"] == local.text
    boxes = [tuple(round(v) for v in r.bbox) for r in regions_from_rows(staged["text_regions"])]
    assert boxes == [tuple(round(v) for v in r.bbox) for r in regions_from_rows(whole["regions"])]
