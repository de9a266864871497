"""Which guard pages a change to ``find_lone_glyphs`` can move: its boxes before and after on each page's words.

usage: python benchmarks/lone_glyph_diff.py --before-tree DIR --cache DIR [--systems swift,accurate]
                                            [--sets icdar2015_val,funsd_train] [--limit 40]

For each of the first ``--limit`` images of each set, takes the word boxes of the page JSON that
``benchmarks/accuracy_table.py --cache DIR`` wrote for each system (``DIR/<system>/<set>/<image>.json``: the
words that system read, the lone glyphs it found among them) and runs ``ocrplug.lone_glyphs.find_lone_glyphs``
of ``--before-tree`` (a checkout of the base commit) and of this tree on the page with those boxes. A page
whose boxes are the same both ways is not moved by the change (the detector's words and everything after
them are as before); the pages listed are, with the boxes only the new rule adds. Tuning sets only.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path

import cv2
import numpy as np

from ocrplug.evaluation import load_dataset
from ocrplug.lone_glyphs import find_lone_glyphs

SHARED = Path(os.environ.get("OCRPLUG_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))


def _words(node: dict) -> list[list[list[float]]]:
    if node.get("level") == "word":
        return [node["quad"]]
    return [q for child in node.get("children") or [] for q in _words(child)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before-tree", type=Path, required=True)
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--systems", default="swift,accurate")
    ap.add_argument("--sets", default="icdar2015_val,funsd_train")
    ap.add_argument("--limit", type=int, default=40)
    args = ap.parse_args()
    spec = importlib.util.spec_from_file_location("lone_before", args.before_tree / "ocrplug" / "lone_glyphs.py")
    before = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(before)
    for system in args.systems.split(","):
        moved = added = 0
        for name in args.sets.split(","):
            for gt in load_dataset(SHARED / "eval" / name, args.limit):
                page = json.loads((args.cache / system / name / f"{gt.name}.json").read_text())["page"]
                quads = [q for r in page["regions"] for q in _words(r)]
                boxes = np.asarray(quads, dtype=np.float64).reshape(-1, 4, 2)
                gray = cv2.imread(str(gt.image_path), cv2.IMREAD_GRAYSCALE)
                old = {tuple(np.round(b, 1).ravel()) for b in before.find_lone_glyphs(gray, boxes)}
                new = [b for b in find_lone_glyphs(gray, boxes) if tuple(np.round(b, 1).ravel()) not in old]
                if new:
                    moved += 1
                    added += len(new)
                    shown = ", ".join(f"({b[:, 0].min():.0f},{b[:, 1].min():.0f})-({b[:, 0].max():.0f},{b[:, 1].max():.0f})"
                                      for b in new)
                    print(f"  {system} {name}/{gt.name}: {shown}", flush=True)
        print(f"{system}: {moved} pages with boxes only the new rule adds ({added} boxes)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
