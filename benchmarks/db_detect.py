"""Benchmark of the ``db`` detector against the other installed detectors on ../shared/eval.

For each detector configuration and set it prints per-page time (wall and process CPU) and the
detection scores of the project's ICDAR 2015 matcher (``ocrplug.evaluation``, as ``ocrplug eval``):
recall, precision and H-mean, plus ``cover`` = share of ground-truth boxes at least half inside one
detection (a fairer view of a line detector on word ground truth).

    python benchmarks/db_detect.py                       # db vs tesseract-layout, all sets
    python benchmarks/db_detect.py --sets sroie --detector db --detector "db:max_side=1280" \
        --detector "db:max_side=7040,tile_size=1024"      # resolution / tiling study

A detector is ``name`` or ``name:key=value,key=value`` (options of that component). Not a test: the
figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from shapely.geometry import Polygon

from ocrplug.evaluation.dataset import GtRegion, load_dataset
from ocrplug.evaluation.metrics import LevelScores, score_detection
from ocrplug.model import PageImage, Region

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("OCRPLUG_SHARED", REPO.parent / "shared")) / "eval"
# Ground-truth level compared per set: SROIE annotates lines, the others words.
SETS = {"sroie": "line", "funsd": "word", "icdar2015": "word"}


def parse_detector(text: str) -> tuple[str, dict[str, object]]:
    """``name:key=value,...`` -> (name, options) with YAML-typed values."""
    import yaml

    name, _, rest = text.partition(":")
    options: dict[str, object] = {}
    for part in filter(None, rest.split(",")):
        key, _, value = part.partition("=")
        options[key.strip()] = yaml.safe_load(value)
    return name.strip(), options


def polygon(points: object) -> Polygon:
    """A valid shapely polygon of a quad/outline (self-intersections repaired)."""
    poly = Polygon(np.asarray(points, dtype=np.float64).reshape(-1, 2))
    return poly if poly.is_valid else poly.buffer(0)


@dataclass
class Score:
    """Running totals of one detector on one set."""

    levels: list[LevelScores] = field(default_factory=list)
    gt: int = 0
    covered: int = 0
    pages: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    worst_wall: float = 0.0

    def add(self, gts: Sequence[GtRegion], dets: Sequence[Region], level: str) -> None:
        """Score one page with the project's ICDAR 2015 matcher (as ``ocrplug eval``) and count cover."""
        self.levels.append(score_detection(gts, dets, level))
        care = [polygon(g.quad) for g in gts if not g.dont_care]
        outlines = [polygon(d.outline) for d in dets]
        self.gt += len(care)
        self.covered += sum(
            1 for g in care if g.area > 0 and any(g.intersection(d).area / g.area >= 0.5 for d in outlines)
        )

    def row(self) -> tuple[float, float, float, float]:
        """(recall, precision, H-mean, cover) over all pages so far."""
        total = LevelScores.total("any", self.levels)
        return total.recall, total.precision, total.hmean, (self.covered / self.gt if self.gt else 0.0)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print one table row per (set, detector)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated sets (default: all)")
    parser.add_argument("--detector", action="append", help="detector spec, repeatable (default: db, tesseract-layout)")
    parser.add_argument("--limit", type=int, default=None, help="first N images of each set")
    parser.add_argument("--threads", type=int, default=1, help="threads given to db (default 1: shared machine)")
    args = parser.parse_args(argv)
    if not SHARED.is_dir():
        print(f"shared eval data not found at {SHARED}; set OCRPLUG_SHARED", file=sys.stderr)
        return 2

    from ocrplug.manager import PluginHost

    host = PluginHost()
    available = host.components("detector")
    specs = args.detector or ["db", "tesseract-layout"]
    detectors = []
    for text in specs:
        name, options = parse_detector(text)
        if name not in available:
            print(f"skipping {name!r}: not registered (have {sorted(available)})", file=sys.stderr)
            continue
        if name == "db":
            options.setdefault("threads", args.threads)
        spec = available[name]
        try:
            t0 = time.perf_counter()
            detector = spec.build(spec.options(**options))
            load_s = time.perf_counter() - t0
        except Exception as exc:  # a detector without its weights or extra: report and go on
            print(f"skipping {text!r}: {exc}", file=sys.stderr)
            continue
        detectors.append((text, detector, load_s))

    print(
        f"{'set':<10} {'detector':<42} {'pages':>5} {'s/page':>7} {'cpu/pg':>7} {'max s':>6} "
        f"{'recall':>6} {'prec':>6} {'hmean':>6} {'cover':>6}"
    )
    for set_name in filter(None, args.sets.split(",")):
        items = load_dataset(SHARED / set_name, args.limit)
        level = SETS[set_name]
        for text, detector, _ in detectors:
            score = Score()
            for gt in items:
                path = gt.image_path
                bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
                page = PageImage(image=cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), index=0, source=str(path))
                w0, c0 = time.perf_counter(), time.process_time()
                regions = detector.detect(page)
                wall, cpu = time.perf_counter() - w0, time.process_time() - c0
                score.pages += 1
                score.wall += wall
                score.cpu += cpu
                score.worst_wall = max(score.worst_wall, wall)
                # Compare at the level the set annotates: words of line regions when the set has words
                # and the detector gives them, else the detector's top-level regions.
                regs = regions
                if level == "word":
                    words = [w for r in regions for w in r.words]
                    regs = words or regions
                elif any(r.level == "block" for r in regions):
                    regs = [ln for r in regions for ln in r.descendants("line")] or regions
                score.add(gt.regions(level), regs, level)
            r, p, h, c = score.row()
            n = max(score.pages, 1)
            print(
                f"{set_name:<10} {text:<42} {score.pages:>5} {score.wall / n:>7.3f} {score.cpu / n:>7.3f} "
                f"{score.worst_wall:>6.2f} {r:>6.3f} {p:>6.3f} {h:>6.3f} {c:>6.3f}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
