"""Which regions of ``db`` the blank-region rule drops: short regions holding no ink of a paper page (issue 24, L14).

usage: python benchmarks/db_blank.py [--presets fast,swift] [--sets funsd_train,icdar2015_val] [--limit 40]
                                     [--pages PNG,...]

For the blank-noise page, the first ``--limit`` images of each set and the extra ``--pages``, runs the ``db``
detector with each preset's options with the rule off (``ocrplug_db.detector._short_and_blank`` patched to
False), and lists each region it would drop (:data:`ocrplug_db.detector.BLANK_ASPECT`, no pixel of
:func:`ocrplug.api.paper_ink` in its box) with whether it holds a ground-truth word's centre. Pages that are no
text on paper are counted, never changed. Tuning sets only.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from db_lone import page_sources

from ocrplug.api import PageImage, paper_ink, to_gray
from ocrplug.presets import preset_config


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--presets", default="fast,swift")
    ap.add_argument("--sets", default="funsd_train,icdar2015_val")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--pages", default="", help="extra page images (comma-separated), no ground truth")
    args = ap.parse_args()
    import ocrplug_db.detector as detector

    with tempfile.TemporaryDirectory() as tmp:
        sources = page_sources(Path(tmp), args.sets, args.limit)
        sources += [(Path(p).stem, Path(p), np.zeros((0, 2))) for p in args.pages.split(",") if p]
        for preset in args.presets.split(","):
            options = preset_config(preset)["detector"].get("options", {})
            det = detector.DbDetector(detector.DbOptions(**options))
            paper = dropped = on_gt = 0
            for key, path, centres in sources:
                rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
                ink = paper_ink(to_gray(rgb))
                if ink is None:
                    continue
                paper += 1
                rule = detector._short_and_blank
                detector._short_and_blank = lambda region, ink: False
                try:
                    regions = det.detect(PageImage(image=rgb, index=0, source=str(path)))
                finally:
                    detector._short_and_blank = rule
                for r in regions:
                    if rule(r, ink):
                        x0, y0, x1, y1 = r.bbox
                        hit = bool(len(centres) and np.any((centres[:, 0] >= x0) & (centres[:, 0] <= x1)
                                                           & (centres[:, 1] >= y0) & (centres[:, 1] <= y1)))
                        dropped += 1
                        on_gt += hit
                        print(f"  {preset} {key}: ({x0:.0f},{y0:.0f})-({x1:.0f},{y1:.0f}) score {r.score:.2f} "
                              f"GT word {hit}", flush=True)
            print(f"{preset}: {len(sources)} pages, {paper} text on paper: {dropped} regions dropped "
                  f"({on_gt} on a GT word)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
