"""What the drawn-page angle benchmarks share: the font files, a preset's json lines per page, written angles.

Used by ``steep_lines.py``, ``descender_words.py`` and ``envelope_frame.py`` (each draws its own pages
with PIL, runs them through presets with the ``json`` renderer and scores the lines it reads back).
Not a benchmark itself.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from ocrplug import Pipeline
from ocrplug.geometry import quad_angle
from ocrplug.levelling import written_angle_deg
from ocrplug.presets import preset_config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from small_skew import _lines

TT = "/usr/share/fonts/truetype/"
# Font files by stem (Debian's fonts-dejavu, fonts-liberation, fonts-freefont-ttf, fonts-noto-core).
FACES = {
    stem: f"{TT}{folder}/{stem}.ttf"
    for folder, stems in (
        ("dejavu", ("DejaVuSans", "DejaVuSans-Bold", "DejaVuSerif")),
        ("liberation", ("LiberationSans-Regular", "LiberationSans-Bold", "LiberationSerif-Regular")),
        ("freefont", ("FreeSans", "FreeSerif")),
        ("noto", ("NotoSans-Regular", "NotoSans-Bold")),
    )
    for stem in stems
}


def faces(*stems: str) -> list[str]:
    """The font files of ``stems`` (keys of ``FACES``), in that order; KeyError for an unknown stem."""
    return [FACES[s] for s in stems]


def written_deg(quad: Sequence[Sequence[float]]) -> float:
    """The angle a renderer writes for a line of json quad ``quad`` (degrees counter-clockwise, -180..180):
    :func:`ocrplug.levelling.written_angle_deg`, as hOCR ``textangle`` / ALTO ``ROTATION`` write it."""
    q = tuple(map(tuple, quad))
    w = written_angle_deg(math.degrees(-quad_angle(q)), quad=q)
    return w - 360.0 if w > 180.0 else w


def json_lines(preset: str, names: Sequence[str], work: Path, reuse: bool = False) -> Iterator[tuple[str, list[dict]]]:
    """Run the pages ``work/NAME.png`` through ``preset`` (``json`` renderer, into ``work/PRESET``) and yield
    each name with its json lines (dicts with ``text`` and ``quad``); ``reuse``: read a json already there
    instead of running the page again."""
    out = work / preset
    pipeline = Pipeline.from_dict(dict(preset_config(preset), renderers=[{"name": "json"}]))
    for name in names:
        if not (reuse and (out / f"{name}.json").is_file()):
            pipeline.run(work / f"{name}.png", out)
        yield name, _lines(json.loads((out / f"{name}.json").read_text())["pages"][0]["regions"])
