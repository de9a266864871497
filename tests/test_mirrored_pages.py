"""Issue 24 (T14's ``mirrored_lr.png``, E15): a page mirrored left to right is found, warned of and read back.

Every preset read T14's mirrored page as confident-looking garbage (bag recall 0.02-0.03) with no warning.
:func:`ocrplug.orientation.detect_orientation` now reads a page of level text that neither 0 nor 180
read confidently once more mirrored; the pipeline then reads it mirrored back and warns, naming the page.
Figures in docs/benchmarks.md ("Mirrored pages and steep lines' angles from their ink").
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.presets import preset_config

TEXT = [
    "The library opens at nine on weekdays",
    "Members may borrow six books at a time",
    "Late returns are charged at ten pence",
    "Ask at the desk for the reading room",
    "Children's stories on Thursday mornings",
]


def _page() -> np.ndarray:
    """A 1000 x 500 px page of five printed lines (DejaVu Sans 30 px), RGB uint8."""
    page = Image.new("RGB", (1000, 500), "white")
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 30)
    for k, line in enumerate(TEXT):
        ImageDraw.Draw(page).text((60, 60 + 80 * k), line, font=font, fill="black")
    return np.asarray(page)


def test_a_mirrored_page_is_read_mirrored_back_with_a_warning() -> None:
    pipeline = Pipeline.from_dict(preset_config("fast"))
    given = pipeline.run(_page()).pages[0]
    assert not given.warnings
    mirrored = pipeline.run(np.ascontiguousarray(_page()[:, ::-1])).pages[0]
    assert len(mirrored.warnings) == 1 and "mirror" in mirrored.warnings[0], mirrored.warnings
    words = mirrored.text.split()
    assert sum(w in words for w in " ".join(TEXT).split()) >= 0.9 * len(" ".join(TEXT).split()), mirrored.text
    # The boxes are the page's own: the first line's words lie at its right, as mirrored.
    first = mirrored.lines[0]
    assert min(x for x, _ in first.quad) > 1000 - 60 - 700 - 20 and max(x for x, _ in first.quad) <= 1000 - 50
