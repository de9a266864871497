"""CRAFT post-processing speed: ours (ocrplug_craft.postprocess) against the official algorithm.

Builds a synthetic 4000 x 3000 score-map pair with thousands of words (one Gaussian per character in the
region map, one between neighbouring characters in the affinity map), then times the official
``craft_utils.getDetBoxes`` and ours on the same maps, checks that the boxes are identical, and prints the
ratio. The official code is imported from a CRAFT-pytorch checkout given by ``--official`` or
``$CRAFT_PYTORCH_DIR`` (it is not part of ocrplug); without it only our timing is printed.

    python benchmarks/craft_postprocess.py --official /path/to/CRAFT-pytorch [--width 4000 --height 3000]
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np


def synthetic_maps(width: int, height: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, int]:
    """Region/affinity maps of a dense page: ragged lines of 2-9 character words; returns the word count."""
    rng = np.random.default_rng(seed)
    text = np.zeros((height, width), np.float32)
    link = np.zeros((height, width), np.float32)
    templates: dict[int, np.ndarray] = {}

    def gaussian(size: int) -> np.ndarray:
        if size not in templates:
            ax = np.arange(size, dtype=np.float32) - (size - 1) / 2
            g = np.exp(-(ax[:, None] ** 2 + ax[None] ** 2) / (2 * (0.3 * size) ** 2))
            templates[size] = g.astype(np.float32)
        return templates[size]

    def paste(target: np.ndarray, cx: float, cy: float, size: int, peak: float) -> None:
        g = gaussian(size) * peak
        x0, y0 = int(cx - size / 2), int(cy - size / 2)
        xs, ys = max(x0, 0), max(y0, 0)
        xe, ye = min(x0 + size, width), min(y0 + size, height)
        if xe > xs and ye > ys:
            sub = g[ys - y0 : ye - y0, xs - x0 : xe - x0]
            np.maximum(target[ys:ye, xs:xe], sub, out=target[ys:ye, xs:xe])

    words = 0
    y = 30.0
    while y < height - 30:
        size = int(rng.integers(10, 22))
        x = float(rng.integers(20, 80))
        while x < width - 10 * size:
            n = int(rng.integers(2, 10))
            for i in range(n):
                cx = x + i * size
                paste(text, cx, y, size, float(rng.uniform(0.75, 1.0)))
                if i:
                    paste(link, cx - size / 2, y, int(size * 0.8), float(rng.uniform(0.5, 0.9)))
            words += 1
            x += n * size + size * float(rng.uniform(0.8, 2.5))
        y += size * float(rng.uniform(1.6, 2.2))
    return text, link, words


def best_of(fn, repeat: int) -> tuple[float, object]:
    """Best wall time of ``repeat`` calls and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> int:
    """Run the benchmark; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--official", default=os.environ.get("CRAFT_PYTORCH_DIR"), help="CRAFT-pytorch checkout")
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of ours (best taken); the official runs once")
    parser.add_argument("--poly", action="store_true", help="also build polygons")
    parser.add_argument("--threads", type=int, default=2, help="OpenCV threads")
    args = parser.parse_args()
    cv2.setNumThreads(args.threads)

    from ocrplug_craft.postprocess import get_det_boxes

    t0 = time.perf_counter()
    text, link, words = synthetic_maps(args.width, args.height)
    print(f"maps {args.width}x{args.height}, {words} words (generated in {time.perf_counter() - t0:.1f} s)")
    params = (0.7, 0.4, 0.4)
    ours_s, det = best_of(lambda: get_det_boxes(text, link, *params, poly=args.poly), args.repeat)
    print(f"ours:     {ours_s:8.3f} s  {len(det)} boxes, {sum(p is not None for p in det.polys)} polys")
    if not args.official:
        print("official: skipped (give --official /path/to/CRAFT-pytorch or set CRAFT_PYTORCH_DIR)")
        return 0
    official_dir = Path(args.official)
    if not (official_dir / "craft_utils.py").is_file():
        print(f"official: skipped ({official_dir}/craft_utils.py not found)")
        return 0
    sys.path.insert(0, str(official_dir))
    craft_utils = importlib.import_module("craft_utils")
    off_s, (boxes, polys) = best_of(lambda: craft_utils.getDetBoxes(text, link, *params, poly=args.poly), 1)
    print(f"official: {off_s:8.3f} s  {len(boxes)} boxes, {sum(p is not None for p in polys)} polys")
    same = len(boxes) == len(det) and all(np.array_equal(a, b) for a, b in zip(boxes, det.boxes, strict=True))
    same_polys = all(
        (a is None and b is None) or (a is not None and b is not None and np.allclose(a, b, atol=1e-6))
        for a, b in zip(polys, det.polys, strict=True)
    )
    print(f"identical boxes: {same}; identical polygons: {same_polys}")
    print(f"speed-up: {off_s / ours_s:.1f}x")
    return 0 if same and same_polys else 1


if __name__ == "__main__":
    raise SystemExit(main())
