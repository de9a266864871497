"""Every renderer through the host: selected by name from a pipeline config, several in one run."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from ocrplug.components import Detector, Recognizer
from ocrplug.model import PageImage, Region

from .samples import ACCENTED

NAMES = ["text", "json", "overlay", "hocr", "alto", "page", "pdf"]


class _Boxes(Detector):
    """Two dark boxes drawn on the test image, as a detector would find them."""

    def detect(self, page: PageImage) -> list[Region]:
        return [Region.from_box(20, 20, 200, 50, level="line", score=0.9),
                Region.from_box(20, 70, 260, 100, level="line", score=0.8)]


class _Reader(Recognizer):
    """Reads fixed text (no word boxes, like a line recognizer)."""

    def recognize(self, page: PageImage, regions):
        texts = ["Hello <world>", ACCENTED]
        return [r.with_(text=t, confidence=0.9) for r, t in zip(regions, texts, strict=False)]


def test_all_renderers_are_registered(plugin_host) -> None:
    renderers = plugin_host.components("renderer")
    assert set(NAMES) <= set(renderers)
    for name in NAMES:
        assert plugin_host.owner("renderer", name) == "render"


def test_one_run_writes_every_format(tmp_path: Path, plugin_host) -> None:
    from ocrplug.pipeline import Pipeline

    renderers = [{"name": n} for n in NAMES]
    renderers[2] = {"name": "overlay", "options": {"color": "#ff0000", "labels": ["index"]}}
    pipeline = Pipeline(detector=_Boxes(), recognizer=_Reader(), renderers=renderers, host=plugin_host)
    image = np.full((300, 400, 3), 255, dtype=np.uint8)
    document = pipeline.run(image, out_dir=tmp_path)
    assert document.pages[0].text == f"Hello <world>\n{ACCENTED}"
    names = sorted(p.name for p in tmp_path.iterdir() if p.name != ".ocrplug")  # .ocrplug: the run's manifest
    assert names == sorted(["page.txt", "page.json", "page_p0001.png", "page.hocr", "page.alto.xml",
                            "page.page.xml", "page.pdf"])
    assert (tmp_path / "page.txt").read_text(encoding="utf-8") == f"Hello <world>\n{ACCENTED}\n"
    assert json.loads((tmp_path / "page.json").read_text(encoding="utf-8"))["pages"][0]["width"] == 400
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(tmp_path / "page.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
        assert "Hello <world>" in text and "coûte" in text


def test_from_dict_config_with_options(tmp_path: Path) -> None:
    from ocrplug.pipeline import Pipeline

    sample = Path(__file__).resolve().parents[2] / "examples" / "sample.png"
    if not sample.exists():
        pytest.skip("examples/sample.png is missing")
    pipeline = Pipeline.from_dict({
        "detector": None,
        "recognizer": None,
        "renderers": [{"name": "text", "options": {"page_separator": "--"}},
                      {"name": "json", "options": {"indent": 2}}],
        "output": {"dir": str(tmp_path)},
    })
    pipeline.run(sample)
    data = json.loads((tmp_path / "sample.json").read_text(encoding="utf-8"))
    assert data["schema_version"] and data["pages"][0]["regions"] == []


def test_bad_renderer_option_is_a_config_error(tmp_path: Path) -> None:
    from ocrplug.errors import ConfigError
    from ocrplug.pipeline import Pipeline

    with pytest.raises(ConfigError, match="word_colour"):
        Pipeline.from_dict({"renderers": [{"name": "overlay", "options": {"word_colour": "red"}}]}).build()
