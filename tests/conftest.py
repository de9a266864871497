"""Shared test fixtures: the ../shared folder (skipped clearly when absent) and a fresh plugin host."""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("OCRPLUG_SHARED", REPO_ROOT.parent / "shared"))


def shared_path(*parts: str) -> Path:
    """Path inside ../shared, or skip the calling test with a clear reason when it is absent."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared material not present: {path} (set OCRPLUG_SHARED to its location)")
    return path


@pytest.fixture
def shared_dir() -> Path:
    """The ../shared folder; tests using it are skipped when it is absent."""
    return shared_path()


@pytest.fixture
def plugin_host():
    """A fresh plugin host with every installed plugin (no global state between tests)."""
    from ocrplug.manager import PluginHost

    return PluginHost()


def load_benchmark(name: str) -> ModuleType:
    """The module ``benchmarks/<name>.py`` (page generators the tests share with their benchmark), imported
    by path and registered as ``name`` in ``sys.modules``; ``benchmarks/`` goes on ``sys.path`` as when a
    benchmark runs as a script, so its own imports of shared benchmark modules (``drawn_pages``) resolve."""
    if str(REPO_ROOT / "benchmarks") not in sys.path:
        sys.path.append(str(REPO_ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location(name, REPO_ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
