"""Skewed pages on a preset (issue 24, k8): the angle written for each word, and one-digit table cells.

usage: python benchmarks/craft_skew.py [--preset accurate] [--angles 1.0,2.0,2.7,-2.0] [--dpis 150,300]

Draws (DejaVu Sans, no shared data) four lines of prose on an 8.5 x 5.5 inch page and a ruled table whose
quantity column holds ``1``, ``6`` and ``12``, turns each by every angle (PIL, counter-clockwise) and prints
per page the median, min and max of the words' angles (degrees, counter-clockwise, from their quads) and,
for the tables, which of the Qty cells were read. The pages are the ones of tests/craft/test_skewed_pages.py.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "craft"))


def main() -> None:
    """Print one line per page: preset, kind, dpi, angle, word angles, cells read, seconds."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="accurate")
    ap.add_argument("--angles", default="1.0,2.0,2.7,-2.0")
    ap.add_argument("--table-angles", default="0,-1.5,-3.0,3.0")
    ap.add_argument("--dpis", default="150,300")
    args = ap.parse_args()
    from test_skewed_pages import _prose, _table  # the pages of the tests

    from ocrplug.pipeline import Pipeline

    pipe = Pipeline.from_preset(args.preset, ["renderers=[]"])
    for dpi in (int(d) for d in args.dpis.split(",")):
        for kind, make, angles in (("prose", _prose, args.angles), ("table", _table, args.table_angles)):
            for deg in (float(a) for a in angles.split(",")):
                start = time.perf_counter()
                page = pipe.run(make(dpi, deg)).pages[0]
                seconds = time.perf_counter() - start
                angles_read = []
                for w in page.words:
                    q = np.asarray(w.quad)
                    along = (q[1] - q[0]) + (q[2] - q[3])
                    angles_read.append(-math.degrees(math.atan2(along[1], along[0])))
                words = [w.text for w in page.words]
                cells = " ".join(c for c in ("1", "6", "12") if c in words) if kind == "table" else "-"
                print(f"{args.preset} {kind} {dpi} dpi {deg:+.1f}: words {len(words)} angle median "
                      f"{np.median(angles_read):+.2f} [{min(angles_read):+.2f}, {max(angles_read):+.2f}] "
                      f"qty cells read: {cells}  {seconds:.1f}s", flush=True)


if __name__ == "__main__":
    main()
