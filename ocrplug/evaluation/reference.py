"""The evaluation's own, frozen reading order for ground truth that defines none (FUNSD, ICDAR 2015 words).

This module is deliberately independent of ocrplug's layout code (``ocrplug.layout``), which orders the
pipeline's output: a reference built by the code under test would reward agreeing with itself (issue 28).
It imports nothing from ocrplug, and its rule must not change: a change here changes every ordered page
CER measured on word-only sets. The rule, on each region's axis-aligned bounds (left, top, right, bottom;
page pixels, y down):

1. Sort the regions by vertical centre, ties by left edge, then by input position.
2. Walk them in that order, grouping rows: a region joins the current row when its vertical centre is at
   most half the smaller height (its own or the row's first region's) below the row's first region's
   centre; otherwise it starts a new row.
3. Inside a row, regions go left to right (left edge, ties by input position); rows go top to bottom.

This is the plain "rows, then left to right" convention of page-level OCR scorers; it reads columns and
form cells row by row across the page, and it knows nothing of blocks or columns. That is why the page
CER it gives on FUNSD and ICDAR 2015 is only a secondary figure (docs/eval.md); the order-free scores
are the primary ones there.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["ROW_TOLERANCE", "geometric_order"]

#: Step 2 of the rule: a region joins a row while its centre is within this share of the smaller height.
ROW_TOLERANCE = 0.5


def geometric_order(quads: Sequence[Sequence[Sequence[float]]]) -> list[int]:
    """Indices of ``quads`` (each 4 ``[x, y]`` corners, page pixels) in the frozen reading order above."""
    boxes = []
    for quad in quads:
        xs = [float(p[0]) for p in quad]
        ys = [float(p[1]) for p in quad]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    centre = [(b[1] + b[3]) / 2 for b in boxes]
    height = [b[3] - b[1] for b in boxes]
    by_centre = sorted(range(len(boxes)), key=lambda i: (centre[i], boxes[i][0], i))
    rows: list[list[int]] = []
    for i in by_centre:
        if rows:
            first = rows[-1][0]
            if centre[i] - centre[first] <= ROW_TOLERANCE * min(height[i], height[first]):
                rows[-1].append(i)
                continue
        rows.append([i])
    return [i for row in rows for i in sorted(row, key=lambda k: (boxes[k][0], k))]
