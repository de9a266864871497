"""Hook implementations of the built-in `db` plugin."""

from __future__ import annotations

from ocrplug import ComponentSpec, hookimpl


@hookimpl
def ocrplug_register_detectors() -> list[ComponentSpec]:
    """Components of this plugin (filled in as they land)."""
    return []
