"""Choose ``db``'s ``lone_aspect`` on the tuning splits: what the lone-character score rule adds.

usage: python benchmarks/db_lone.py [--sets funsd_train,icdar2015_val] [--limit 40] [--values 0,2,2.5,3,4]
                                    [--cache DIR]

Computes the default ``db`` detector's probability map of the first ``--limit`` images of each tuning
split once (cached as .npy under ``--cache``), then runs the post-processing with each ``lone_aspect``
value and prints, against ``lone_aspect`` 0 (DB's own rule): the boxes it adds, and how many of them
hold the centre of a ground-truth word (text or ``###``) -- the added boxes' precision -- plus the GT
words newly covered (a GT word counts as covered when its centre lies in some box). A blank-noise page
(benchmarks/read_page.py) is scored the same way: every box there is false. Tuning sets only
(``funsd_train``, ``icdar2015_val``); never a test set.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

from ocrplug.evaluation import load_dataset
from ocrplug.model import PageImage
from ocrplug.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from read_page import blank_noise_page

SHARED = Path(os.environ.get("OCRPLUG_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))


def _inside(points: np.ndarray, quad: np.ndarray) -> np.ndarray:
    contour = quad.astype(np.float32).reshape(-1, 1, 2)
    return np.array([cv2.pointPolygonTest(contour, (float(x), float(y)), False) >= 0 for x, y in points], bool)


def page_sources(tmp: Path, sets: str, limit: int | None) -> list[tuple[str, Path, np.ndarray]]:
    """``(key, image path, GT word centres (N, 2))``: the blank-noise page (written into ``tmp``, no words)
    first, then the first ``limit`` images of each comma-separated shared set."""
    blank = tmp / "blank_noise.png"
    blank_noise_page(blank)
    sources = [("blank_noise", blank, np.zeros((0, 2)))]
    for name in sets.split(","):
        for gt in load_dataset(SHARED / "eval" / name, limit):
            centres = np.array([np.mean(r.quad, axis=0) for r in gt.regions("word")]).reshape(-1, 2)
            sources.append((f"{name}/{gt.name}", gt.image_path, centres))
    return sources


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="funsd_train,icdar2015_val")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--values", default="0,2,2.5,3,4")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "ocrplug-db-lone")
    args = ap.parse_args()
    from dataclasses import replace

    from ocrplug_db.postprocess import boxes_from_prob

    det = Pipeline.from_preset("fast", ["renderers=[]"]).detector
    args.cache.mkdir(parents=True, exist_ok=True)
    values = [float(v) for v in args.values.split(",")]
    items: list[tuple[str, PageImage, np.ndarray, np.ndarray]] = []
    with tempfile.TemporaryDirectory() as tmp:
        sources = page_sources(Path(tmp), args.sets, args.limit)
        for key, path, centres in sources:
            rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
            page = PageImage(image=rgb, index=0, source=str(path))
            cached = args.cache / (key.replace("/", "__") + ".npy")
            if cached.exists():
                prob = np.load(cached)
            else:
                prob = det.probability_maps([page])[0]
                np.save(cached, prob)
            items.append((key, page, prob, centres))
    print(f"{len(items)} maps ({args.sets}, first {args.limit} each, + blank-noise page)")
    for value in values:
        added = hits = newly = blank_boxes = 0
        for key, page, prob, centres in items:
            sy, sx = prob.shape[0] / page.height, prob.shape[1] / page.width
            params = replace(det._params(min(sx, sy)), lone_aspect=0.0)
            base = boxes_from_prob(prob, params)
            boxes = boxes_from_prob(prob, replace(params, lone_aspect=value)) if value else base
            scale = np.array([1 / sx, 1 / sy])
            if key == "blank_noise":
                blank_boxes = len(boxes)
                continue
            old = {tuple(np.round(b.quad, 2).ravel()) for b in base}
            extra = [b for b in boxes if tuple(np.round(b.quad, 2).ravel()) not in old]
            added += len(extra)
            if not len(centres):
                continue
            covered_before = np.zeros(len(centres), bool)
            for b in base:
                covered_before |= _inside(centres, b.quad * scale)
            covered_after = covered_before.copy()
            for b in extra:
                hit = _inside(centres, b.quad * scale)
                hits += bool(hit.any())
                covered_after |= hit
            newly += int(covered_after.sum() - covered_before.sum())
        share = f"{hits / added:.3f}" if added else "-"
        print(
            f"lone_aspect {value:g}: boxes added {added}, holding a GT word {hits} (precision {share}), "
            f"GT words newly covered {newly}; blank-noise page boxes {blank_boxes}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
