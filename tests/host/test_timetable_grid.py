"""Issue 24, C16 (T15's bus timetable, fast): a spaced grid of short cells is read row by row.

With ``fast`` the 15 px times sit in 27 px word boxes about 30 px apart, under ``word_gap``, so a row of
times made one cell of many words; the grid test refused it and the page was cut into column blocks.
"""

from __future__ import annotations

from ocrplug.layout import layout_regions
from ocrplug.model import Region

STOPS = ["Depot", "Mill", "Market", "Church", "Station"]


def _timetable(times: int = 9) -> tuple[list[Region], list[str]]:
    """Stop names in a left column and ``times`` columns of 4-digit times: words 40 x 27 px, 30 px apart."""
    regions, rows = [], []
    for r, stop in enumerate(STOPS):
        y = 100 + 40 * r
        regions.append(Region.from_box(20, y, 120, y + 27, text=stop))
        row = [stop]
        for k in range(times):
            t = f"{6 + k:02d}{4 * r:02d}"
            x = 160 + 70 * k
            regions.append(Region.from_box(x, y, x + 40, y + 27, text=t))
            row.append(t)
        rows.append(" ".join(row))
    return regions, rows


def test_a_timetable_of_short_cells_reads_row_by_row() -> None:
    regions, rows = _timetable()
    lines = [ln.text for block in layout_regions(regions) for ln in block.children]
    assert lines == rows
