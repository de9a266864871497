"""`ocrplug spark run` end to end on local[2]: renderer files per document in page order, Parquet, resume."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from ocrplug.cli import main
from tests.spark.conftest import FAKE_CONFIG

pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'ocrplug[spark]')")
pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
pq = pytest.importorskip("pyarrow.parquet")

JOB = FAKE_CONFIG | {"renderers": [{"name": "text"}, {"name": "json"}, {"name": "fake-lines"}]}


@pytest.fixture
def job_yaml(tmp_path: Path) -> Path:
    path = tmp_path / "job.yaml"
    path.write_text(yaml.safe_dump(JOB), encoding="utf-8")
    return path


def test_spark_run_writes_documents_parquet_and_resumes(spark, spark_inputs, job_yaml, tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["spark", "run", str(spark_inputs), "-c", str(job_yaml), "-o", str(out), "--master", "local[2]"])
    err = capsys.readouterr().err
    assert code == 1  # bad.png failed; every other document is complete
    assert "bad.png" in err and "not a readable image" in err

    # Renderer files per document, pages brought together in page order: the same files as `ocrplug run`.
    local = tmp_path / "local"
    assert main(["run", str(spark_inputs), "-c", str(job_yaml), "-o", str(local), "--no-progress"]) == 1
    capsys.readouterr()
    expected = sorted(p.name for p in local.iterdir() if not p.name.startswith("."))
    assert expected == ["a.json", "a.lines", "a.txt", "b.json", "b.lines", "b.txt", "c.json", "c.lines", "c.txt",
                        "doc.json", "doc.lines", "doc.txt"]
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".") and p.is_file()) == expected
    assert (out / ".ocrplug" / "manifest.json").exists()
    for name in expected:
        if name.endswith(".json"):
            # The fake detector notes the worker's thread budget, which only Spark workers set.
            got, want = (json.loads((d / name).read_text(encoding="utf-8")) for d in (out, local))
            for page in got["pages"]:  # block -> line (the detector's region, with its attributes) -> words
                lines = [line for block in page["regions"] for line in block["children"]]
                assert [line.pop("attributes") for line in lines] == [{"worker_threads": "1"}]
            assert got == want, name
        else:
            assert (out / name).read_bytes() == (local / name).read_bytes(), name
    assert (out / "doc.lines").read_text().splitlines() == ["0 1 True", "1 1 True", "2 1 True"]
    assert [p["index"] for p in json.loads((out / "doc.json").read_text(encoding="utf-8"))["pages"]] == [0, 1, 2]

    # The Parquet dataset: one row per page, the corrupt file as an error row, paths as given.
    table = pq.read_table(out / "pages.parquet").to_pylist()
    by_file = {}
    for row in table:
        by_file.setdefault(row["path"], []).append(row)
    assert sorted(by_file) == sorted(str(p) for p in spark_inputs.iterdir())
    assert [r["text"] for r in sorted(by_file[str(spark_inputs / "doc.pdf")], key=lambda r: r["page_index"])] == [
        "page0", "page1", "page2"]
    bad = by_file[str(spark_inputs / "bad.png")]
    assert bad[0]["page_index"] is None and bad[0]["error"].startswith(f"{spark_inputs / 'bad.png'}: not a readable")
    assert spark.read.parquet(str(out / "pages.parquet")).count() == len(table) == 7

    # Rerun: finished documents are skipped (the manifest of the writing layer), the failed one retried.
    before = (out / "a.txt").stat().st_mtime_ns
    code = main(["spark", "run", str(spark_inputs), "-c", str(job_yaml), "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 1 and "4 document(s) skipped, already done" in err and "bad.png: not a readable" in err
    assert (out / "a.txt").stat().st_mtime_ns == before
    # `ocrplug run` reads the same manifest: nothing left to do but the corrupt file.
    assert main(["run", str(spark_inputs), "-c", str(job_yaml), "-o", str(out), "--no-progress"]) == 1
    assert "4 document(s) skipped, already done" in capsys.readouterr().err

    # A changed input is redone; a changed config redoes everything.
    os.utime(spark_inputs / "a.png")
    main(["spark", "run", str(spark_inputs / "a.png"), "-c", str(job_yaml), "-o", str(out)])
    assert "1 page(s) in 1 document(s)" in capsys.readouterr().err
    assert (out / "a.txt").stat().st_mtime_ns != before
    # --resume-check hash (as ocrplug run's): a touched but unchanged input is done once its sha256 is known.
    main(["spark", "run", str(spark_inputs / "a.png"), "-c", str(job_yaml), "-o", str(out), "--resume-check", "hash"])
    capsys.readouterr()
    os.utime(spark_inputs / "a.png")
    main(["spark", "run", str(spark_inputs / "a.png"), "-c", str(job_yaml), "-o", str(out), "--resume-check", "hash"])
    assert "1 document(s) skipped, already done" in capsys.readouterr().err
    job_yaml.write_text(yaml.safe_dump(JOB | {"input": {"dpi": 100}}), encoding="utf-8")
    main(["spark", "run", str(spark_inputs), "-c", str(job_yaml), "-o", str(out)])
    err = capsys.readouterr().err
    assert "skipped" not in err and "6 page(s) in 4 document(s)" in err


def test_spark_run_bad_config_and_output_fail_before_spark(spark_inputs, tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(JOB | {"detector": {"name": "fake-bx"}}), encoding="utf-8")
    assert main(["spark", "run", str(spark_inputs), "-c", str(bad), "-o", str(tmp_path / "o")]) == 2
    assert "did you mean 'fake-box'" in capsys.readouterr().err
    blocker = tmp_path / "file"
    blocker.write_text("x")
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(JOB), encoding="utf-8")
    assert main(["spark", "run", str(spark_inputs), "-c", str(good), "-o", str(blocker)]) == 2
    assert str(blocker) in capsys.readouterr().err
