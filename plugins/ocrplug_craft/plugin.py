"""Hook implementations of the built-in ``craft`` plugin: the ``craft`` detector and ``ocrplug craft``."""

from __future__ import annotations

from typing import Any

from ocrplug.api import CliCommand, ComponentSpec, hookimpl
from ocrplug_craft.detector import CraftOptions


def _build(options: CraftOptions) -> Any:
    # Imported here so that collecting components never imports torch or onnxruntime.
    from ocrplug_craft.detector import build_detector

    return build_detector(options)


@hookimpl
def ocrplug_register_detectors() -> list[ComponentSpec]:
    """The CRAFT detector (words; lines with word children when ``refiner: true``)."""
    return [
        ComponentSpec(
            name="craft",
            role="detector",
            factory=_build,
            options=CraftOptions,
            description="CRAFT character-region text detector (Baek et al. 2019) with optional link refiner",
            extra="craft",
        )
    ]


@hookimpl
def ocrplug_cli_commands() -> list[CliCommand]:
    """``ocrplug craft info`` and ``ocrplug craft export-onnx``."""
    from ocrplug_craft.cli import configure, run

    return [
        CliCommand(name="craft", help="CRAFT detector tools: weights info, ONNX export", configure=configure, run=run)
    ]
