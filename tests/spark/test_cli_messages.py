"""What `ocrplug spark run` prints: a bad --master is one line naming it; no pandas 3 FutureWarnings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from PIL import Image

from tests.conftest import REPO_ROOT

from .conftest import FAKE_CONFIG

pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'ocrplug[spark]')")
pytest.importorskip("pyarrow", reason="pyarrow not installed (pip install 'ocrplug[spark]')")


def _need_java() -> None:
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and Path(java_home, "bin", "java").exists()):
        pytest.skip("Java not found (scripts/install.sh installs openjdk-17-jre-headless)")


def _job(tmp_path: Path) -> tuple[Path, Path]:
    image = tmp_path / "a.png"
    Image.new("RGB", (120, 80), "white").save(image)
    job = tmp_path / "job.yaml"
    job.write_text(yaml.safe_dump(FAKE_CONFIG))
    return image, job


def _spark_cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``ocrplug spark run`` in a fresh process (an in-process session would ignore --master)."""
    paths = [str(REPO_ROOT), str(REPO_ROOT / "plugins"), os.environ.get("PYTHONPATH", "")]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in paths if p), PYSPARK_PYTHON=sys.executable)
    env.pop("OCRPLUG_WORKER_THREADS", None)
    return subprocess.run(
        [sys.executable, "-m", "ocrplug.cli", "spark", "run", *args], capture_output=True, text=True,
        env=env, cwd=tmp_path, timeout=300,
    )


def test_malformed_master_is_a_config_error_before_spark_starts(tmp_path: Path, capsys) -> None:
    from ocrplug.cli import main

    image, job = _job(tmp_path)
    assert main(["spark", "run", str(image), "-c", str(job), "-o", str(tmp_path / "o"), "--master", "bogus://x"]) == 2
    err = capsys.readouterr().err
    assert "ocrplug: error: Spark master 'bogus://x' is not a master URL (use local[N]" in err
    assert "Traceback" not in err


def test_master_spark_cannot_parse_is_one_line_naming_it(tmp_path: Path) -> None:
    _need_java()
    image, job = _job(tmp_path)
    proc = _spark_cli(tmp_path, str(image), "-c", str(job), "-o", "o", "--master", "spark")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert proc.stderr.rstrip().splitlines()[-1] == (
        "ocrplug: error: Spark could not start with master 'spark': Could not parse Master URL: 'spark'"
    )
    assert "Traceback" not in proc.stderr


def test_a_run_prints_no_pandas_future_warnings(tmp_path: Path) -> None:
    _need_java()
    image, job = _job(tmp_path)
    proc = _spark_cli(
        tmp_path, str(image), "-c", str(job), "-o", "o", "--master", "local[1]",
        "--set", "input.dpi=72",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (tmp_path / "o" / "pages.parquet").is_dir()
    assert "FutureWarning" not in proc.stderr and "pandas >= 3" not in proc.stderr
