"""A module-scoped local Spark session and a small input folder (3 images, a 3-page PDF, a corrupt file).

Spark tests need pyspark and Java 17 (both installed by scripts/install.sh); without them they are
skipped with the reason. Python workers inherit PYTHONPATH, so the repo root is put on it for the
fault-injection plugin in tests/fakes.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.conftest import REPO_ROOT

FAKE_CONFIG = {
    "input": {"dpi": 72},
    "detector": {"name": "fake-box"},
    "recognizer": {"name": "fake-echo"},
    "renderers": [],
    "plugins": ["tests.fakes.fault_plugin"],
}
"""A full config with the fast fake components (issue 13 layers configs over the default: give all keys)."""


def _page(width: int, height: int, box: tuple[int, int, int, int]) -> Image.Image:
    img = Image.new("RGB", (width, height), "white")
    ImageDraw.Draw(img).rectangle(box, fill="black")
    return img


@pytest.fixture(scope="session")
def spark_inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder with a.png, b.png, c.jpg (one dark box each), doc.pdf (3 pages) and bad.png (corrupt)."""
    folder = tmp_path_factory.mktemp("spark-inputs")
    _page(120, 80, (10, 20, 60, 40)).save(folder / "a.png")
    _page(100, 100, (30, 30, 90, 70)).save(folder / "b.png")
    _page(90, 60, (5, 5, 40, 50)).save(folder / "c.jpg", quality=95)
    pages = [_page(144, 144, (10 + 20 * i, 10, 60 + 20 * i, 50)) for i in range(3)]
    pages[0].save(folder / "doc.pdf", save_all=True, append_images=pages[1:], resolution=72)
    (folder / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n" + np.arange(200, dtype=np.uint8).tobytes())
    return folder


@pytest.fixture(scope="module")
def spark():
    """A local[2] Spark session for one test module (started once: start-up takes seconds)."""
    pytest.importorskip("pyspark", reason="pyspark not installed (pip install 'ocrplug[spark]')")
    pytest.importorskip("pyarrow", reason="pyarrow not installed (pip install 'ocrplug[spark]')")
    java_home = os.environ.get("JAVA_HOME")
    if shutil.which("java") is None and not (java_home and Path(java_home, "bin", "java").exists()):
        pytest.skip("Java not found (scripts/install.sh installs openjdk-17-jre-headless)")
    paths = [str(REPO_ROOT), str(REPO_ROOT / "plugins"), os.environ.get("PYTHONPATH", "")]
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    # Spark's Python workers inherit this process's environment: a thread budget an earlier test left
    # here (an engine or pipeline built in-process) would replace the one the workers set per task.
    saved = os.environ.pop("OCRPLUG_WORKER_THREADS", None)
    from ocrplug.spark import spark_session

    session = spark_session(
        "local[2]", app_name="ocrplug-tests",
        **{"spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "2", "spark.driver.memory": "1g",
           "spark.ui.showConsoleProgress": "false"},
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()
    if saved is not None:
        os.environ["OCRPLUG_WORKER_THREADS"] = saved
