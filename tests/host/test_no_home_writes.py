"""A run writes under ``-o`` only (and the weights cache when a model is derived), never elsewhere in the
user's home (tester T4): ONNX Runtime 1.32 writes a device id and a queue of telemetry events
(process path, OS, CPU model) under ``~/.cache/Microsoft/DeveloperTools/.onnxruntime`` when it is
imported, unless ``ORT_DISABLE_TELEMETRY`` is set before that import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

pytest.importorskip("onnxruntime")


def _env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"ORT_DISABLE_TELEMETRY", "XDG_CACHE_HOME", "OCRPLUG_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME"}}
    return {**env, "HOME": str(home), **extra}


def _files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_importing_ocrplug_then_onnxruntime_writes_nothing_in_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    code = "import ocrplug, onnxruntime, os; print(os.environ['ORT_DISABLE_TELEMETRY'])"
    out = subprocess.run([sys.executable, "-c", code], env=_env(home), capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "1"
    assert _files(home) == []


def test_a_users_own_telemetry_setting_is_kept(tmp_path: Path) -> None:
    code = "import ocrplug, os; print(os.environ['ORT_DISABLE_TELEMETRY'])"
    out = subprocess.run([sys.executable, "-c", code], env=_env(tmp_path, ORT_DISABLE_TELEMETRY="0"),
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_a_default_run_writes_under_its_output_folder_only(tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    Image.new("L", (200, 120), 255).save(work / "blank.png")
    cli = Path(sys.executable).with_name("ocrplug")
    cmd = [str(cli)] if cli.exists() else [sys.executable, "-m", "ocrplug"]
    subprocess.run([*cmd, "run", "blank.png", "-o", "out", "--no-progress"], cwd=work, env=_env(home),
                   capture_output=True, text=True, check=True)
    assert _files(home) == []
    assert [f for f in _files(work) if not f.startswith("out/")] == ["blank.png"]
