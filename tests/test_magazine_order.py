"""UNLV magazine pages of the shared ``tesseract_testing`` set read column by column (issue 24).

Regressions found by session 11's table of record (docs/benchmarks.md "Re-measured at `08adaa6`"), fixed in
session 12 (docs/benchmarks.md "Columns wrapped around a figure's caption"). On ``8087_054.3B`` (two
columns wrapped around a picture whose letter-spaced caption, ``THE TERRA-COTTA ROOFS OF DUBROVNIK ...``,
is centred on the gutter) ``fast`` read the left column's ``daurus, first mentioned in 47`` and then jumped
to the right column (``need receives flour...``) instead of going on with ``B.C., and legends place a set-``
(since the L10 merge ``104664d``: the caption's ``RESTORED NOW.`` read ``RE S TO RED NO W.``, and those
pieces end and start a few pixels either side of the gutter's centre line), ``accurate`` likewise (since
the G9 merge ``ee3b334``, which measures a bridged gutter as the strip the units leave clear about that
line, and craft's pieces of the caption leave 8 px); on ``8071_093.3B`` ``accurate`` left the third column
mid-way for the fourth (a hyphen reaching into a 36 px gutter leaves a 20 px clear strip, under
``column_gap``). ``ocrplug.layout._bridged_strip`` now takes the widest strip that units bridge over at
most 15% of the height. Page CER against the page's own text, 8087: fast 0.587 -> 0.051, accurate
0.627 -> 0.058; 8071 accurate 0.333 -> 0.093; ``swift`` read them right throughout.
"""

from __future__ import annotations

import pytest

from ocrplug.pipeline import Pipeline
from tests.conftest import shared_path


def _text(preset: str, name: str) -> str:
    image = shared_path("eval", "tesseract_testing", "images", f"{name}.tif")
    return Pipeline.from_preset(preset, ["renderers=[]"]).run(image).pages[0].text


@pytest.mark.parametrize("preset", ["fast", "swift", "accurate"])
def test_the_left_column_is_read_before_the_right_one(preset: str) -> None:
    text = _text(preset, "8087_054.3B")
    left, right = text.find("legends place"), text.find("receives flour")
    assert 0 <= left < right


def test_accurate_reads_the_third_column_before_the_fourth() -> None:
    text = _text("accurate", "8071_093.3B")
    third, fourth = text.find("frequently expressed"), text.find("one day when he")
    assert 0 <= third < fourth
