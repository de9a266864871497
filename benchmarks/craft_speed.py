"""CRAFT fast paths with the real checkpoint: seconds per page and word H-mean, torch/ONNX x fp32/bf16/int8.

Builds our ``craft`` detector through its options for each path (``build_path``, shared with
``craft_official.py``) and runs it on the first ``--limit`` pages of FUNSD and ICDAR 2015 (word level,
``ocrplug.evaluation`` matching at IoU 0.5), reporting per path: seconds per page (network +
post-processing, model loading excluded, after one warm-up page) and word H-mean, with the difference to
the first path (canvas 1280). ``--canvas`` also measures ``canvas_size`` values (accuracy vs time). All
contenders run interleaved page by page.

    python benchmarks/craft_speed.py --limit 5 [--paths torch-fp32,onnx-fp32,torch-bf16,onnx-int8]
    python benchmarks/craft_speed.py --limit 5 --paths torch-fp32,onnx-int8 --canvas 960,1280,1600
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("OCRPLUG_SHARED", ROOT.parent / "shared"))
#: name -> craft options of each path.
PATHS = {
    "torch-fp32": {"backend": "torch", "precision": "fp32"},
    "onnx-fp32": {"backend": "onnx", "precision": "fp32"},
    "torch-bf16": {"backend": "torch", "precision": "bf16"},
    "onnx-int8": {"backend": "onnx", "precision": "int8"},
}


def build_path(name: str, threads: int = 2, **options: object) -> Any:
    """Our ``craft`` detector (``craft_mlt_25k``, CPU) for the path ``name`` of :data:`PATHS`."""
    from ocrplug_craft.detector import CraftOptions, build_detector

    if name not in PATHS:
        raise SystemExit(f"unknown path {name!r}; known: {', '.join(PATHS)}")
    return build_detector(CraftOptions(device="cpu", threads=threads, **PATHS[name], **options))  # type: ignore[arg-type]


def word_hmeans(detectors: dict[str, Any], dataset: Path, limit: int) -> dict[str, tuple[float, float, int]]:
    """Per detector: (word H-mean at IoU 0.5, mean seconds per page, pages) on a shared eval set.

    The detectors run interleaved page by page, so that load changes on a shared machine hit all alike.
    """
    from ocrplug.evaluation.dataset import load_dataset
    from ocrplug.evaluation.metrics import score_detection
    from ocrplug.model import PageImage

    samples = load_dataset(dataset, limit=limit)
    counts = {key: [0, 0, 0] for key in detectors}
    seconds: dict[str, list[float]] = {key: [] for key in detectors}
    for i, sample in enumerate(samples):
        image = cv2.cvtColor(cv2.imread(str(sample.image_path)), cv2.COLOR_BGR2RGB)
        page = PageImage(image=image, index=0, source=sample.name)
        for key, detector in detectors.items():
            if i == 0:
                detector.detect(page)  # warm-up
            t0 = time.perf_counter()
            regions = detector.detect(page)
            seconds[key].append(time.perf_counter() - t0)
            scores = score_detection(sample.regions("word"), regions, "word")
            c = counts[key]
            c[0], c[1], c[2] = c[0] + scores.matched, c[1] + scores.det_care, c[2] + scores.gt_care
    out = {}
    for key, (tp, n_pred, n_gt) in counts.items():
        p = tp / n_pred if n_pred else 0.0
        r = tp / n_gt if n_gt else 0.0
        out[key] = ((2 * p * r / (p + r) if p + r else 0.0), float(np.mean(seconds[key])), len(samples))
    return out


def main() -> int:
    """Run the benchmark; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=5, help="pages per set")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--paths", default=",".join(PATHS))
    parser.add_argument("--canvas", default="1280", help="canvas_size values, comma-separated")
    parser.add_argument("--sets", default="funsd,icdar2015")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    cv2.setNumThreads(args.threads)
    detectors = {
        (name, canvas): build_path(name, args.threads, canvas_size=canvas)
        for canvas in [int(c) for c in args.canvas.split(",")]
        for name in args.paths.split(",")
    }
    per_set = {s: word_hmeans(detectors, SHARED / "eval" / s, args.limit) for s in args.sets.split(",")}
    rows = [(name, canvas, {s: per_set[s][(name, canvas)] for s in per_set}) for name, canvas in detectors]
    for name, canvas, cells in rows:
        print(
            f"{name:<11} canvas {canvas}: "
            + "; ".join(f"{s} H {h:.4f}, {sec:.2f} s/page ({n} pages)" for s, (h, sec, n) in cells.items()),
            flush=True,
        )
    ref = args.paths.split(",")[0]
    base = next((c for n, cv, c in rows if n == ref and cv == 1280), rows[0][2])
    if base:
        print("\npath / canvas | " + " | ".join(f"{s} H (diff vs {ref} 1280) / s per page (speed-up)" for s in base))
        for name, canvas, cells in rows:
            print(
                f"{name} {canvas} | "
                + " | ".join(
                    f"{h:.4f} ({h - base[s][0]:+.4f}) / {sec:.2f} s ({base[s][1] / sec:.2f}x)"
                    for s, (h, sec, _) in cells.items()
                )
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
