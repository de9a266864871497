"""A three-column magazine page (UNLV 8087_054.3B in the shared ``tesseract_testing`` set) read column by column.

Known regression, kept as strict xfails until fixed (session 11 found it in the table of record,
docs/benchmarks.md "Accuracy table of record"): ``fast`` reads the left column's ``daurus, first mentioned
in 47`` and then jumps to the middle column (``need receives flour...``) instead of going on with ``B.C., and
legends place a set-`` (first bad commit: the L10 merge ``104664d``, lines levelled before recognition, after
which the layout's table/column decision takes a band of the page as rows across the columns); ``accurate``
since the G9 merge ``ee3b334`` (a bridged gutter is the strip left clear). Page CER against the page's own
text, fast 0.051 -> 0.587, accurate 0.058 -> 0.627; ``swift`` reads it right.
"""

from __future__ import annotations

import pytest

from ocrplug.pipeline import Pipeline
from tests.conftest import shared_path


def _left_column_in_order(preset: str) -> bool:
    image = shared_path("eval", "tesseract_testing", "images", "8087_054.3B.tif")
    text = Pipeline.from_preset(preset, ["renderers=[]"]).run(image).pages[0].text
    left, middle = text.find("legends place"), text.find("receives flour")
    return 0 <= left < middle


def test_swift_reads_the_left_column_before_the_middle_one() -> None:
    assert _left_column_in_order("swift")


@pytest.mark.xfail(strict=True, reason="regression since 104664d (L10): the left column is left mid-way")
def test_fast_reads_the_left_column_before_the_middle_one() -> None:
    assert _left_column_in_order("fast")


@pytest.mark.xfail(strict=True, reason="regression since ee3b334 (G9): the left column is left mid-way")
def test_accurate_reads_the_left_column_before_the_middle_one() -> None:
    assert _left_column_in_order("accurate")
