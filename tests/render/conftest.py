"""Fixtures of the renderer tests: output folders and schema locations."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ocrplug.components import DocumentInfo

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("OCRPLUG_SHARED", REPO.parent / "shared"))
VENDORED = REPO / "tests" / "fixtures" / "render"


def schema_path(name: str) -> Path:
    """A schema file from tests/fixtures/render or ../shared/schemas; skips the test when neither has it."""
    for folder in (VENDORED, SHARED / "schemas"):
        if (folder / name).exists():
            return folder / name
    pytest.skip(f"schema {name} not found in {VENDORED} or {SHARED / 'schemas'} (set OCRPLUG_SHARED)")


@pytest.fixture
def info(tmp_path: Path) -> DocumentInfo:
    """DocumentInfo of a two-page document written under a fresh folder."""
    return DocumentInfo(source="sample.png", page_count=2, out_dir=tmp_path / "out", stem="sample")
