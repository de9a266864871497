"""`ocrplug spark run` on a multi-page TIFF whose second frame cannot be decoded: that page is a page
failure with its index, the pages after it are read, like `ocrplug run`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from ocrplug.cli import main
from tests.host.test_run_edge_cases import _tif_with_bad_frame
from tests.spark.conftest import FAKE_CONFIG

pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'ocrplug[spark]')")
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
pikepdf = pytest.importorskip("pikepdf")


def test_spark_run_goes_on_after_an_undecodable_page(spark, tmp_path: Path) -> None:
    tif = _tif_with_bad_frame(tmp_path / "doc.tif", pages=4, bad=1)
    renderers = [{"name": "text"}, {"name": "json"}, {"name": "fake-lines"}, {"name": "pdf"}]
    job = tmp_path / "job.yaml"
    job.write_text(yaml.safe_dump(FAKE_CONFIG | {"renderers": renderers}))
    outputs = {}
    for command, out in (("spark", tmp_path / "spark"), ("local", tmp_path / "local")):
        args = ["spark", "run"] if command == "spark" else ["run", "--no-progress"]
        assert main([*args, str(tif), "-c", str(job), "-o", str(out)]) == 1
        doc = json.loads((out / "doc.json").read_text())
        outputs[command] = {
            "pages": [p["index"] for p in doc["pages"]],
            "failures": [f["index"] for f in doc["failures"]],
            "lines": (out / "doc.lines").read_text(),
            "text": (out / "doc.txt").read_text(),
        }
        with pikepdf.open(out / "doc.pdf") as pdf:
            assert len(pdf.pages) == 4  # the bad page is a note page in its place
    assert outputs["spark"] == outputs["local"]
    assert outputs["spark"]["pages"] == [0, 2, 3] and outputs["spark"]["failures"] == [1]
    assert outputs["spark"]["text"].split("\f")[1].startswith("[ocrplug: page 2 not read:")


def test_spark_run_keeps_a_damaged_pages_warning(spark, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A PDF page with damaged image data is read with a warning by `ocrplug run`; `ocrplug spark run`
    gives the same JSON ``warnings``, manifest ``warned_pages`` and summary (before, the Spark row lost it)."""
    from tests.host.test_pdf_image_data import _three_pages

    path = tmp_path / "cut.pdf"
    _three_pages(path, cut=2)
    job = tmp_path / "job.yaml"
    job.write_text(yaml.safe_dump(FAKE_CONFIG | {"input": {"dpi": 50}, "renderers": [{"name": "json"}]}))
    seen = {}
    for command, out in (("spark", tmp_path / "spark"), ("local", tmp_path / "local")):
        args = ["spark", "run"] if command == "spark" else ["run", "--no-progress"]
        assert main([*args, str(path), "-c", str(job), "-o", str(out)]) == 0
        err = capsys.readouterr().err
        assert "1 page(s) read with a warning (may be incomplete):" in err
        assert f"{path}: page 2 may be incomplete (damaged image data" in err  # the input's name, not a temp file
        data = json.loads((out / "cut.json").read_text())
        manifest = json.loads((out / ".ocrplug" / "manifest.json").read_text())
        (entry,) = manifest["documents"].values()
        seen[command] = ([p.get("warnings", []) for p in data["pages"]], entry["warned_pages"])
    assert seen["spark"] == seen["local"]
    assert [len(w) for w in seen["spark"][0]] == [0, 1, 0] and seen["spark"][1] == [1]
