"""DB post-processing speed: ocrplug_db.postprocess against rapidocr's DBPostProcess (the reference).

Both run on the same probability maps with the same settings (thresh 0.3, box_thresh 0.6, unclip 1.5,
fast score): maps the network produced for real pages of ../shared/eval (when present) and a synthetic
dense map (2000 x 1400, ~900 text lines). Prints milliseconds per map, box counts and the speed ratio.

    python benchmarks/db_postprocess.py [--repeat 5]

Not a test; figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("OCRPLUG_SHARED", REPO.parent / "shared")) / "eval"
PAGES = ["sroie/images/000.jpg", "sroie/images/300.jpg", "funsd/images/82092117.png", "icdar2015/images/img_1.jpg"]


def synthetic_map(seed: int = 0) -> np.ndarray:
    """A dense page-like probability map: rows of blurred text-line kernels."""
    rng = np.random.default_rng(seed)
    prob = np.zeros((2000, 1400), np.float32)
    for y in range(20, 1980, 22):
        x = 20
        while x < 1300:
            w = int(rng.integers(30, 260))
            cv2.rectangle(prob, (x, y), (min(x + w, 1380), y + 9), float(rng.uniform(0.6, 1.0)), -1)
            x += w + int(rng.integers(15, 60))
    return cv2.GaussianBlur(prob, (5, 5), 1.2)


def network_maps() -> list[tuple[str, np.ndarray]]:
    """Probability maps of a few real pages (default db options), or none without ../shared."""
    from ocrplug_db.detector import DbDetector, DbOptions

    from ocrplug.model import PageImage

    paths = [SHARED / p for p in PAGES if (SHARED / p).exists()]
    if not paths:
        return []
    det = DbDetector(DbOptions(threads=1))
    out = []
    for path in paths:
        rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
        out.append((path.name, det.probability_maps([PageImage(rgb, 0, str(path))])[0]))
    return out


def main(argv: list[str] | None = None) -> int:
    """Time both post-processings on each map and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs per map (best is reported)")
    args = parser.parse_args(argv)
    try:
        from rapidocr.ch_ppocr_det.utils import DBPostProcess
    except ImportError:
        print("rapidocr is not installed (pip install 'ocrplug[db]'): no reference to compare with", file=sys.stderr)
        return 2
    from ocrplug_db.postprocess import DbParams, boxes_from_prob

    reference = DBPostProcess(thresh=0.3, box_thresh=0.6, unclip_ratio=1.5, score_mode="fast", max_candidates=1000)
    params = DbParams(thresh=0.3, box_thresh=0.6, unclip_ratio=1.5, score_mode="fast", max_candidates=1000)
    maps = [*network_maps(), ("synthetic-dense", synthetic_map())]
    print(f"{'map':<18} {'size':>11} {'ours ms':>8} {'ref ms':>8} {'ratio':>6} {'ours n':>6} {'ref n':>6}")
    total_ours = total_ref = 0.0
    for name, prob in maps:
        ours_t, ref_t = [], []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            ours = boxes_from_prob(prob, params)
            ours_t.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            ref_boxes, _ = reference(prob[None, None], prob.shape)
            ref_t.append(time.perf_counter() - t0)
        a, b = min(ours_t), min(ref_t)
        total_ours += a
        total_ref += b
        size = f"{prob.shape[1]}x{prob.shape[0]}"
        print(
            f"{name:<18} {size:>11} {a * 1e3:>8.1f} {b * 1e3:>8.1f} {b / a:>5.2f}x {len(ours):>6} {len(ref_boxes):>6}"
        )
    print(f"{'all':<18} {'':>11} {total_ours * 1e3:>8.1f} {total_ref * 1e3:>8.1f} {total_ref / total_ours:>5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
