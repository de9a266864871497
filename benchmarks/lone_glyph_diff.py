"""Which guard pages a change to ``find_lone_glyphs`` can move: its boxes before and after on each page's words.

usage: python benchmarks/lone_glyph_diff.py --before-tree DIR --cache DIR [--systems swift,accurate]
                                            [--sets icdar2015_val,funsd_train] [--limit 40]

For each of the first ``--limit`` images of each set, takes the word boxes of the page JSON that
``benchmarks/accuracy_table.py --cache DIR`` wrote for each system (``DIR/<system>/<set>/<image>.json``: the
words that system read, the lone glyphs it found among them) and runs ``ocrplug.lone_glyphs.find_lone_glyphs``
of ``--before-tree`` (a checkout of the base commit) and of this tree on the page with those boxes. A page
whose boxes are the same both ways is not moved by the change (the detector's words and everything after
them are as before); the pages listed are, with the boxes only the new rule finds (``+``) and only the old
one (``-``), each with whether it holds a ground-truth word's centre. Tuning sets only.
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


def _inside(points: np.ndarray, quad: np.ndarray) -> np.ndarray:
    contour = quad.astype(np.float32).reshape(-1, 1, 2)
    return np.array([cv2.pointPolygonTest(contour, (float(x), float(y)), False) >= 0 for x, y in points], bool)


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
        moved = added = dropped = 0
        hits = {"+": 0, "-": 0}
        for name in args.sets.split(","):
            for gt in load_dataset(SHARED / "eval" / name, args.limit):
                page = json.loads((args.cache / system / name / f"{gt.name}.json").read_text())["page"]
                quads = [q for r in page["regions"] for q in _words(r)]
                boxes = np.asarray(quads, dtype=np.float64).reshape(-1, 4, 2)
                gray = cv2.imread(str(gt.image_path), cv2.IMREAD_GRAYSCALE)
                olds = before.find_lone_glyphs(gray, boxes)
                news = find_lone_glyphs(gray, boxes)
                old = {tuple(np.round(b, 1).ravel()) for b in olds}
                kept = {tuple(np.round(b, 1).ravel()) for b in news}
                new = [b for b in news if tuple(np.round(b, 1).ravel()) not in old]
                gone = [b for b in olds if tuple(np.round(b, 1).ravel()) not in kept]
                if new or gone:
                    moved += 1
                    added += len(new)
                    dropped += len(gone)
                    centres = np.array([np.mean(r.quad, axis=0) for r in gt.regions("word")]).reshape(-1, 2)
                    for sign, some in (("+", new), ("-", gone)):
                        for b in some:
                            hit = bool(len(centres) and _inside(centres, b).any())
                            hits[sign] += hit
                            print(f"  {system} {name}/{gt.name}: {sign} ({b[:, 0].min():.0f},{b[:, 1].min():.0f})-"
                                  f"({b[:, 0].max():.0f},{b[:, 1].max():.0f}) GT word {hit}", flush=True)
        print(f"{system}: {moved} pages moved: {added} boxes only the new rule finds ({hits['+']} on a GT word), "
              f"{dropped} only the old one ({hits['-']} on a GT word)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
