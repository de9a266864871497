"""What ``craft``'s lone-glyph look (``lone_glyphs``, issue 24) adds on the tuning splits and a blank page.

usage: python benchmarks/craft_lone.py [--sets funsd_train,icdar2015_val] [--limit 15]

Runs the ``accurate`` preset's detector (craft) with ``lone_glyphs: false`` on the first ``--limit``
images of each tuning split and on the blank-noise page of benchmarks/read_page.py, then looks for lone
glyphs beside the words found (``ocrplug.api.find_lone_glyphs``, what ``lone_glyphs:
true`` adds) and prints the boxes added, how many hold the centre of a ground-truth word (text or
``###``): the added boxes' precision, and the boxes added on the blank-noise page (every one false).
Tuning sets only (``funsd_train``, ``icdar2015_val``); never a test set.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

from ocrplug.crops import to_gray
from ocrplug.model import PageImage
from ocrplug.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from db_lone import _inside, page_sources

SHARED = Path(os.environ.get("OCRPLUG_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="funsd_train,icdar2015_val")
    ap.add_argument("--limit", type=int, default=15)
    args = ap.parse_args()
    from ocrplug.api import find_lone_glyphs

    det = Pipeline.from_preset("accurate", ["renderers=[]", "detector.options.lone_glyphs=false"]).detector
    with tempfile.TemporaryDirectory() as tmp:
        sources = page_sources(Path(tmp), args.sets, args.limit)
        added = hits = blank_boxes = 0
        for key, path, centres in sources:
            rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
            regions = det.detect(PageImage(image=rgb, index=0, source=str(path)))
            words = [w for r in regions for w in (r.children or (r,))]
            boxes = np.asarray([w.quad for w in words], dtype=np.float64).reshape(-1, 4, 2)
            extra = find_lone_glyphs(to_gray(rgb), boxes)
            if key == "blank_noise":
                blank_boxes = len(extra)
                continue
            added += len(extra)
            hits += sum(bool(_inside(centres, b).any()) for b in extra) if len(centres) else 0
            for b in extra:
                print(f"  {key}: added {np.round(b.min(axis=0)).astype(int).tolist()}-"
                      f"{np.round(b.max(axis=0)).astype(int).tolist()}", flush=True)
    share = f"{hits / added:.3f}" if added else "-"
    print(f"{len(sources) - 1} images ({args.sets}, first {args.limit} each): lone-glyph boxes added {added}, "
          f"holding a GT word {hits} (precision {share}); blank-noise page boxes {blank_boxes}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
