"""Mirrored pages: how often a preset's orientation step calls a page mirrored, as given and mirrored.

usage: python benchmarks/mirrored_pages.py [--shared DIR] [--presets fast,accurate,swift]
                                           [--sets funsd_train,icdar2015_val] [--limit 40]

Issue 24 (T14's ``mirrored_lr.png``: a page mirrored left to right was read as confident-looking
garbage with no warning). For the first ``--limit`` images of each validation set (natural name order,
as ``accuracy_table.py --limit`` takes them), each preset's detector boxes the page and
:func:`ocrplug.orientation.detect_orientation` decides its frame, as the pipeline does; then the same for
the page mirrored left to right. Printed per preset and set: pages called mirrored as given (false
warnings: must be 0) and mirrored pages found (of those whose text is level: a page the orientation step
turns by 90 or 270 is not checked), with the mean seconds the orientation step took per page.
Validation sets only.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image

from ocrplug import Pipeline
from ocrplug.evaluation.dataset import load_dataset
from ocrplug.model import PageImage
from ocrplug.orientation import detect_orientation
from ocrplug.presets import preset_config


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path("/work/shared"))
    ap.add_argument("--presets", default="fast,accurate,swift")
    ap.add_argument("--sets", default="funsd_train,icdar2015_val")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--verbose", action="store_true", help="print every page's result")
    args = ap.parse_args()
    for preset in args.presets.split(","):
        pipe = Pipeline.from_dict(dict(preset_config(preset), renderers=[{"name": "json"}]))
        pipe.build()
        detector, recognizer = pipe.detector, pipe.recognizer
        for name in args.sets.split(","):
            false, found, level, spent = [], 0, 0, 0.0
            pages = load_dataset(args.shared / "eval" / name, args.limit)
            for gt in pages:
                rgb = np.asarray(Image.open(gt.image_path).convert("RGB"))
                for flip in (False, True):
                    image = np.ascontiguousarray(rgb[:, ::-1]) if flip else rgb
                    page = PageImage(image=image, index=0, source=str(gt.image_path))
                    t0 = time.perf_counter()
                    result = detect_orientation(page, detector.detect(page), recognizer.recognize)
                    spent += time.perf_counter() - t0
                    if args.verbose:
                        print(f"  {preset} {name} {gt.name} {'mirrored' if flip else 'as given'}: {result}")
                    if not flip and result.mirrored:
                        false.append(gt.name)
                    if flip and result.angle in (0, 180):
                        level += 1
                        found += result.mirrored
            print(f"{preset} {name}: {len(pages)} pages, called mirrored as given {len(false)} {false}; "
                  f"mirrored found {found}/{level} (level ones); {spent / (2 * len(pages)):.2f} s per page "
                  "(detection and orientation)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
