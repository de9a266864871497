"""input.max_memory_mb: a page the detector estimates to need more memory is refused before allocating (issue 23)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from ocrplug import Pipeline
from ocrplug.cli import main
from ocrplug.components import Detector
from ocrplug.config import InputConfig
from ocrplug.model import PageImage, Region


class _Hungry(Detector):
    """Says it needs 1000 bytes per page pixel; counts the pages it was really given."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, int]] = []

    def estimate_memory(self, width: int, height: int) -> int:
        return 1000 * width * height

    def detect(self, page: PageImage) -> list[Region]:
        self.seen.append((page.width, page.height))
        return [Region.from_box(0, 0, page.width, page.height, level="line")]

    def detect_batch(self, pages: Sequence[PageImage]) -> list[list[Region]]:
        return [self.detect(p) for p in pages]


def test_page_over_the_limit_fails_alone_before_detection() -> None:
    hungry = _Hungry()
    pipeline = Pipeline(detector=hungry, input={"max_memory_mb": 1})
    small = pipeline.run(np.full((20, 30, 3), 255, np.uint8))  # 600 kB estimated: under 1 MiB
    # Detected and read (a blank page's one region reads as empty text, which the host drops: S11).
    assert not small.failures and len(small.pages) == 1 and hungry.seen == [(30, 20)]
    big = pipeline.run(np.full((100, 100, 3), 255, np.uint8))  # 10 MB estimated
    assert not big.pages and len(big.failures) == 1
    error = big.failures[0].error
    assert "ConfigError" in error and "100 x 100 px" in error and "input.max_memory_mb (1 MiB)" in error
    assert hungry.seen == [(30, 20)]  # the big page never reached detect


def test_default_limit_is_half_the_physical_memory() -> None:
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert InputConfig().memory_limit() == physical // 2
    assert InputConfig(max_memory_mb=300).memory_limit() == 300 * 2**20


def test_db_options_of_issue_23_are_refused_naming_the_keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("rapidocr")
    a4 = tmp_path / "a4.png"
    Image.new("RGB", (2480, 3508), "white").save(a4)  # A4 at 300 dpi
    small = tmp_path / "small.png"
    Image.new("RGB", (300, 200), "white").save(small)
    out = tmp_path / "out"
    code = main([
        "run", str(a4), str(small), "-o", str(out), "--set", "renderers=[json]", "--set", "recognizer=null",
        "--set", "detector.options.max_side=32768", "--set", "detector.options.limit_side_len=16384",
        "--set", "input.max_memory_mb=4096",
    ])
    err = capsys.readouterr().err
    assert code == 1, err
    assert "a4.png page 1 (2480 x 3508 px): detector 'db' would need about" in err
    assert "detector.options.limit_side_len=16384" in err and "detector.options.max_side=32768" in err
    assert "input.max_memory_mb (4,096 MiB)" in err
    assert (out / "small.json").is_file()  # the other input is not lost


def test_db_estimate_grows_with_the_network_size() -> None:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("rapidocr")
    from ocrplug.manager import PluginHost

    spec = PluginHost().components("detector")["db"]
    default = spec.build(spec.options())
    huge = spec.build(spec.options(max_side=32768, limit_side_len=16384))
    assert default.estimate_memory(2480, 3508) < 2**30  # the default caps A4 at 2000 px
    assert huge.estimate_memory(2480, 3508) > 8 * 2**30  # 9920 x 14032 px network input
    # Pages capped to the same network size have the same estimate (min_text_height off: max_side alone).
    capped = spec.build(spec.options(min_text_height=0))
    assert capped.estimate_memory(2480, 3508) == capped.estimate_memory(4960, 7016)
    # With the small-text floor a large page may run at its own size, in 1024 px tiles: the estimate
    # counts that worst case, still bounded by the tiles (not the page) for the network.
    assert default.estimate_memory(2480, 3508) <= default.estimate_memory(4960, 7016) < 2**31
