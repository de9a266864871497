"""Choose the default pipeline: every offline detector x recognizer pair, scored with the same engine
as `ocrplug eval` on the sets of ../shared/eval, in one run.

Usage: python benchmarks/default_pipeline.py [--shared ../shared] [--limit-scale 1.0] [--json out.json]
       [--detectors tesseract-layout,db] [--recognizers tesseract,ppocr]

Prints one markdown table (per set: detection H-mean at the set's level, page CER, seconds per page) and
the mean rank that decides the default. Skips clearly when ../shared/eval is absent.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ocrplug import Pipeline
from ocrplug.evaluation import evaluate

ROOT = Path(__file__).resolve().parent.parent
# set -> (images to use, detection level scored); limits keep one full matrix under ~1 h on 2 cores.
SETS = {
    "funsd": (15, "word"),
    "icdar2015": (20, "word"),
    "sroie": (8, "line"),
    "tesseract_testing": (4, None),
    "handwriting_iam": (7, None),
}


def run_pair(detector: str | None, recognizer: str, dataset: Path, limit: int) -> dict:
    """Evaluate one pair on one set; returns the report dict."""
    config: dict = {"recognizer": recognizer, "input": {"dpi": 300}}
    if detector:
        config["detector"] = detector
    report = evaluate(Pipeline.from_dict(config, source=f"{detector}+{recognizer}"), dataset, limit=limit)
    return report.to_dict()


def main() -> int:
    """Run the matrix and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--limit-scale", type=float, default=1.0)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--detectors", default="tesseract-layout,db")
    parser.add_argument("--recognizers", default="tesseract,ppocr")
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    eval_dir = args.shared / "eval"
    if not eval_dir.is_dir():
        print(f"SKIP: {eval_dir} not found (the shared evaluation sets are needed)")
        return 0
    pairs = [(d, r) for d in args.detectors.split(",") for r in args.recognizers.split(",")]
    results: dict[str, dict[str, dict]] = {}
    for det, rec in pairs:
        key = f"{det} + {rec}"
        results[key] = {}
        for name, (limit, level) in SETS.items():
            n = max(1, int(limit * args.limit_scale))
            rep = run_pair(det, rec, eval_dir / name, n)
            det_scores = rep["overall"]["detection"].get(level) if level else None
            text = rep["overall"]["text"] or {}
            results[key][name] = {
                "images": rep["pages"],
                "level": level,
                "hmean": det_scores["hmean"] if det_scores else None,
                "cer": text.get("cer"),
                "s_per_page": rep["seconds"] / max(rep["pages"], 1),
            }
            print(f"{key:32s} {name:18s} {results[key][name]}", file=sys.stderr, flush=True)
    names = list(SETS)
    head = "| pair | " + " | ".join(f"{n} H / CER / s" for n in names) + " |"
    print(head)
    print("|" + "---|" * (len(names) + 1))
    for key, row in results.items():
        cells = []
        for n in names:
            r = row[n]
            h = "-" if r["hmean"] is None else f"{r['hmean']:.3f}"
            c = "-" if r["cer"] is None else f"{r['cer']:.3f}"
            cells.append(f"{h} / {c} / {r['s_per_page']:.1f}")
        print(f"| {key} | " + " | ".join(cells) + " |")
    # Decision: mean CER over the sets (lower is better), H-mean breaking ties.
    def score(key: str) -> tuple[float, float]:
        row = results[key]
        cers = [r["cer"] for r in row.values() if r["cer"] is not None]
        hs = [r["hmean"] for r in row.values() if r["hmean"] is not None]
        return (sum(cers) / len(cers), -(sum(hs) / len(hs) if hs else 0.0))

    best = min(results, key=score)
    for key in results:
        cer, neg_h = score(key)
        print(f"{key}: mean CER {cer:.3f}, mean H-mean {-neg_h:.3f}")
    print(f"best pair: {best}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
