"""`ocrplug spark run` on an input whose file name is not valid UTF-8: every file processed, outputs
named with the original bytes, paths streamed on stdout like `ocrplug run`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from PIL import Image

from ocrplug.cli import main
from tests.spark.conftest import FAKE_CONFIG

pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'ocrplug[spark]')")
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
pq = pytest.importorskip("pyarrow.parquet")


def test_spark_run_reads_a_file_whose_name_is_not_utf8(spark, tmp_path: Path, capfdbinary) -> None:
    folder = tmp_path / "u"
    folder.mkdir()
    for name in ("good.png", os.fsdecode(b"M\xfcller.png")):
        img = Image.new("RGB", (80, 40), "white")
        img.paste((0, 0, 0), (5, 5, 40, 20))
        img.save(folder / name)
    job = tmp_path / "job.yaml"
    job.write_text(yaml.safe_dump(FAKE_CONFIG | {"renderers": [{"name": "text"}, {"name": "fake-lines"}]}))
    out = tmp_path / "spu"
    assert main(["spark", "run", str(folder), "-c", str(job), "-o", str(out), "--master", "local[2]"]) == 0
    written = sorted(os.fsencode(p.name) for p in out.iterdir() if not p.name.startswith("."))
    assert written == [b"M\xfcller.lines", b"M\xfcller.txt", b"good.lines", b"good.txt", b"pages.parquet"]
    assert (out / os.fsdecode(b"M\xfcller.lines")).read_text() == (out / "good.lines").read_text()
    printed = capfdbinary.readouterr().out.splitlines()  # the paths' own bytes
    assert os.fsencode(out / os.fsdecode(b"M\xfcller.txt")) in printed and os.fsencode(out / "good.txt") in printed
    paths = sorted(pq.read_table(out / "pages.parquet").column("path").to_pylist())
    assert paths == [str(folder / "M\\xfcller.png"), str(folder / "good.png")]
    # The same names as `ocrplug run`, and a rerun resumes both.
    local = tmp_path / "local"
    assert main(["run", str(folder), "-c", str(job), "-o", str(local), "--no-progress"]) == 0
    assert sorted(os.fsencode(p.name) for p in local.iterdir() if not p.name.startswith(".")) == written[:-1]
    capfdbinary.readouterr()
    assert main(["spark", "run", str(folder), "-c", str(job), "-o", str(out)]) == 0
    assert b"2 document(s) skipped" in capfdbinary.readouterr().err
