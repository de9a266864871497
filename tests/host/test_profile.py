"""The stage profile: exclusive stage times, the no-op without a profile, `ocrplug run --profile`."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from ocrplug import profile


def _busy(seconds: float) -> None:
    end = time.process_time() + seconds
    while time.process_time() < end:
        pass


def test_nested_stages_are_counted_once() -> None:
    p = profile.start()
    try:
        with profile.stage("recognize"):
            _busy(0.05)
            with profile.stage("crop"):
                _busy(0.05)
        profile.count_pages(2)
    finally:
        assert profile.stop() is p
    outer, inner = p.totals["recognize"], p.totals["crop"]
    assert inner.cpu >= 0.045 and 0.045 <= outer.cpu < 0.09  # the crop's time is not recognize's
    assert outer.calls == inner.calls == 1 and p.pages == 2
    table = profile.format_profile(p)
    assert "2 page(s)" in table and "recognize" in table and "crop" in table and "threads:" in table


def test_a_profile_without_pages_prints_no_per_page_figures() -> None:
    # Every input skipped (resume): the per-page columns used to repeat the totals (pages counted as 1).
    p = profile.start()
    try:
        with profile.stage("config"):
            _busy(0.01)
    finally:
        profile.stop()
    row = next(line for line in profile.format_profile(p).splitlines() if line.startswith("config "))
    assert row.split()[-2:] == ["-", "-"]


def test_without_a_profile_stages_cost_nothing_and_record_nothing() -> None:
    assert profile.active() is None
    with profile.stage("detect"):
        pass
    assert profile.active() is None


def test_run_profile_prints_every_page_stage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import cv2

    from ocrplug.cli import main
    from tests.recognizers.conftest import draw_line

    line = draw_line("Profile me 2026", height=40)
    canvas = np.full((line.shape[0] + 60, line.shape[1] + 60, 3), 255, np.uint8)
    canvas[30 : 30 + line.shape[0], 30 : 30 + line.shape[1]] = line
    image = tmp_path / "small.png"
    cv2.imwrite(str(image), canvas)
    assert main(["run", "--profile", "--no-progress", "-o", str(tmp_path / "out"), str(image)]) == 0
    err = capsys.readouterr().err
    assert "stage profile: 1 page(s)" in err
    for name in ("import", "model loading", "rasterize", "detect", "recognize", "layout", "render", "write", "total"):
        assert f"\n{name} " in err, name
    assert "spinning off" in err  # ONNX Runtime's intra-op spinning is off by default
    assert profile.active() is None


def test_run_profile_with_jobs_counts_the_workers_pages(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # With --jobs the page stages run in the workers, but the pages are still the run's: the table
    # used to say "0 page(s)" and print each main-process stage's total as its per-page figure.
    from PIL import Image

    from ocrplug.cli import main

    images = []
    for i in range(3):
        Image.new("RGB", (60, 40), "white").save(tmp_path / f"w{i}.png")
        images.append(str(tmp_path / f"w{i}.png"))
    args = ["run", "--profile", "--no-progress", "--jobs", "2", "--set", "detector=null", "--set", "recognizer=null"]
    assert main([*args, "-o", str(tmp_path / "out"), *images]) == 0
    err = capsys.readouterr().err
    assert "stage profile: 3 page(s)" in err
    assert "note: with --jobs 2" in err
    # the thread line is the main process's; the workers' own share is stated (it used to be missing)
    from ocrplug.executors import worker_threads

    assert "threads (main process): " in err
    assert f"workers: 2 processes, {worker_threads(2)} model thread(s) each" in err
    assert profile.active() is None


def test_onnx_sessions_do_not_spin_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("onnxruntime")
    from ocrplug.runtime import ORT_SPINNING_ENV, onnx_session, package_file

    model = package_file("rapidocr", "models/*rec*.onnx")
    if model is None:
        pytest.skip("the rapidocr wheel (its ONNX models) is not installed")
    key = "session.intra_op.allow_spinning"
    assert onnx_session(model).get_session_options().get_session_config_entry(key) == "0"
    monkeypatch.setenv(ORT_SPINNING_ENV, "1")
    assert onnx_session(model).get_session_options().get_session_config_entry(key) == "1"
    monkeypatch.setenv(ORT_SPINNING_ENV, "True")  # a fresh user's spelling used to mean off
    assert onnx_session(model).get_session_options().get_session_config_entry(key) == "1"
    monkeypatch.setenv(ORT_SPINNING_ENV, "off")
    assert onnx_session(model).get_session_options().get_session_config_entry(key) == "0"
    monkeypatch.setenv(ORT_SPINNING_ENV, "maybe")
    from ocrplug.errors import ConfigError

    with pytest.raises(ConfigError, match=ORT_SPINNING_ENV):
        onnx_session(model)
