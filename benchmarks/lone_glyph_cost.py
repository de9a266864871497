"""What ``db``'s ``lone_glyphs`` option (the ink look for lone glyphs the map misses) costs a preset per page.

usage: python benchmarks/lone_glyph_cost.py [--preset fast] [--sets funsd_train,icdar2015_val] [--limit 10]
                                            [--kinds grid,axis,foot,row]

Runs the ``--preset``'s whole pipeline on each page twice in one process, with ``lone_glyphs`` off and on
(the order alternating page by page, so that load drifts hit both alike), and sums the CPU seconds of each
(``time.process_time``: every thread of the process, less sensitive to other processes' load than wall
time). Pages: the generated pages of benchmarks/lone_cells.py (``--kinds``; no data set read) and the first
``--limit`` images of each tuning split (``funsd_train``, ``icdar2015_val``; never a test set). Prints per
group the CPU seconds per page off and on and their ratio (issue 24, L13: whether ``fast`` gets the ink look).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lone_cells import make_pages

SHARED = Path(os.environ.get("OCRPLUG_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="fast")
    ap.add_argument("--sets", default="funsd_train,icdar2015_val")
    ap.add_argument("--limit", type=int, default=10)
    ap.add_argument("--kinds", default="grid,axis,foot,row")
    args = ap.parse_args()
    from ocrplug.evaluation import load_dataset
    from ocrplug.pipeline import Pipeline

    groups: list[tuple[str, list[np.ndarray]]] = []
    if args.kinds:
        groups.append(("lone_cells pages", [p.image for p in make_pages(set(args.kinds.split(",")))]))
    for name in filter(None, args.sets.split(",")):
        images = [cv2.cvtColor(cv2.imread(str(gt.image_path)), cv2.COLOR_BGR2RGB)
                  for gt in load_dataset(SHARED / "eval" / name, args.limit)]
        groups.append((name, images))
    pipes = {on: Pipeline.from_preset(args.preset, ["renderers=[]", f"detector.options.lone_glyphs={str(on).lower()}"])
             for on in (False, True)}
    for pipe in pipes.values():  # load the models before timing
        pipe.run(groups[0][1][0])
    for label, images in groups:
        spent = {False: 0.0, True: 0.0}
        for i, image in enumerate(images):
            for on in ((False, True) if i % 2 == 0 else (True, False)):
                start = time.process_time()
                pipes[on].run(image)
                spent[on] += time.process_time() - start
        n = max(len(images), 1)
        print(f"{args.preset} {label} ({len(images)} pages): CPU s per page, lone_glyphs off {spent[False] / n:.3f}, "
              f"on {spent[True] / n:.3f}, ratio {spent[True] / max(spent[False], 1e-9):.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
