"""Choose the default pipeline: every offline detector x recognizer pair, scored with the same engine
as `ocrplug eval` on the sets of ../shared/eval, in one run.

Usage: python benchmarks/default_pipeline.py [--shared ../shared] [--limit-scale 1.0] [--json out.json]
       [--detectors tesseract-layout,db] [--recognizers tesseract,ppocr]
       python benchmarks/default_pipeline.py --presets fast,accurate --full [--set layout.name=...]
       python benchmarks/default_pipeline.py --presets fast,accurate@detector.options.precision=fp32 --sets funsd

Prints one markdown table (per set: detection H-mean at the set's level, page CER, seconds per page) and
the mean rank of the pairs. Skips clearly when ../shared/eval is absent.

By default the pairs run on the **validation** sets (``funsd_train``, ``icdar2015_val``: issue 28, choices
are made there and nowhere else) and the best pair is printed. ``--sets`` / ``--full`` add the test sets
(funsd, icdar2015, sroie, ...) for reporting: when any test set is in the run, no choice is printed.

``--presets`` evaluates the named presets of ``ocrplug.presets`` (each with ``--set`` overrides, e.g. a
layout stage) instead of detector x recognizer pairs, for comparisons only: the default preset is chosen
in one place, ``benchmarks/accuracy_table.py`` (on the validation sets, order-free CER; docs/eval.md).
``--full`` uses every image of every test set (``icdar2015_words`` included).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ocrplug import Pipeline
from ocrplug.evaluation import evaluate

ROOT = Path(__file__).resolve().parent.parent
# Validation sets (choices are made here only): set -> (images to use, detection level scored).
VALIDATION_SETS = {
    "funsd_train": (30, "word"),
    "icdar2015_val": (40, "word"),
}
# Test sets (reporting only); limits keep one full matrix under ~1 h on 2 cores.
SETS = {
    "funsd": (15, "word"),
    "icdar2015": (20, "word"),
    "sroie": (8, "line"),
    "tesseract_testing": (4, None),
    "handwriting_iam": (7, None),
}


FULL_SETS = {**{name: (None, level) for name, (_, level) in SETS.items()}, "icdar2015_words": (None, "word")}
ALL_SETS = {**VALIDATION_SETS, **FULL_SETS}


def run_pair(detector: str | None, recognizer: str, dataset: Path, limit: int | None) -> dict:
    """Evaluate one pair on one set; returns the report dict."""
    config: dict = {"recognizer": recognizer, "input": {"dpi": 300}}
    if detector:
        config["detector"] = detector
    return run_config(config, f"{detector}+{recognizer}", dataset, limit)


def run_config(config: dict, source: str, dataset: Path, limit: int | None) -> dict:
    """Evaluate one pipeline configuration on one set (``limit`` None: every image); the report dict."""
    report = evaluate(Pipeline.from_dict(config, source=source), dataset, limit=limit)
    return report.to_dict()


def main() -> int:
    """Run the matrix and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--limit-scale", type=float, default=1.0)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--detectors", default="tesseract-layout,db")
    parser.add_argument("--recognizers", default="tesseract,ppocr")
    parser.add_argument("--presets", help="evaluate these presets (comma-separated) instead of pairs")
    parser.add_argument("--full", action="store_true", help="every image of every test set (reporting only)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], help="override for each preset")
    parser.add_argument("--sets", help="these sets (comma-separated; default: the validation sets)")
    args = parser.parse_args()
    eval_dir = args.shared / "eval"
    if not eval_dir.is_dir():
        print(f"SKIP: {eval_dir} not found (the shared evaluation sets are needed)")
        return 0
    sets = FULL_SETS if args.full else VALIDATION_SETS
    if args.sets:
        unknown = sorted(set(args.sets.split(",")) - set(ALL_SETS))
        if unknown:
            parser.error(f"--sets: unknown set(s) {', '.join(unknown)}; known: {', '.join(ALL_SETS)}")
        limited = {**ALL_SETS, **SETS} if not args.full else ALL_SETS
        sets = {k: v for k, v in limited.items() if k in args.sets.split(",")}
    if args.presets:
        from ocrplug.config import apply_overrides
        from ocrplug.presets import preset_config

        jobs = []
        for item in args.presets.split(","):
            # NAME or NAME@KEY=VALUE@KEY=VALUE: overrides for this preset only (e.g. a variant to compare).
            name, *own = item.split("@")
            config = apply_overrides({**preset_config(name), "renderers": []}, [*args.overrides, *own])
            jobs.append((f"preset {item}", config))
    else:
        pairs = [(d, r) for d in args.detectors.split(",") for r in args.recognizers.split(",")]
        jobs = [(f"{d} + {r}", {"detector": d, "recognizer": r, "input": {"dpi": 300}}) for d, r in pairs]
    results: dict[str, dict[str, dict]] = {}
    for key, config in jobs:
        results[key] = {}
        for name, (limit, level) in sets.items():
            n = None if limit is None else max(1, int(limit * args.limit_scale))
            rep = run_config(config, key, eval_dir / name, n)
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
    names = list(sets)
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
        speed = sum(r["s_per_page"] for r in results[key].values()) / len(results[key])
        print(f"{key}: mean CER {cer:.3f}, mean H-mean {-neg_h:.3f}, mean {speed:.2f} s/page")
    test_sets = sorted(set(sets) - set(VALIDATION_SETS))
    if test_sets:
        print(f"no choice printed: test sets in the run ({', '.join(test_sets)}) are for reporting only")
    elif args.presets:
        print("presets compared; the default preset is chosen by benchmarks/accuracy_table.py (docs/eval.md)")
    else:
        print(f"best pair on the validation sets: {best}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
