"""Shared fixtures of the CRAFT training tests."""

from __future__ import annotations

import pytest
from ocrplug_craft.training.synth import FontFace, available_fonts


@pytest.fixture(scope="session")
def fonts() -> list[FontFace]:
    """The installed Latin TrueType fonts the generators draw with; skips clearly when there are none."""
    found = available_fonts()
    if not found:
        pytest.skip("no Debian fonts-* TrueType fonts installed (scripts/install.sh installs them)")
    return found
