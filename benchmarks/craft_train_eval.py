"""Detection H-mean of our trained CRAFT weights against Tesseract layout and the db detector.

Runs each detector through the real pipeline (``ocrplug.Pipeline``, detection only) and scores it with
``ocrplug.evaluation`` (ICDAR 2015 protocol, IoU > 0.5) on ``../shared/eval``:

- ``funsd`` (test split) and ``icdar2015``: word level;
- ``sroie``: line level. CRAFT without the link refiner outputs words, so for this set its words are
  grouped into lines here (same row: vertical overlap > 50 % of the smaller height, horizontal gap below
  ``--line-gap`` times the line height); Tesseract and db output lines themselves.

Per-page CPU time is the CPU time (all threads, plus child processes) spent in ``Pipeline.run``, which is less noisy
than wall time on a shared machine. Prints one table and, with ``--json``, writes the figures.

    python benchmarks/craft_train_eval.py --detector craft:weights=craft-lite-synth \\
        --detector tesseract-layout --detector db --sets funsd,icdar2015,sroie --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("OCRPLUG_SHARED", REPO.parent / "shared"))
LEVEL = {"funsd": "word", "funsd_train": "word", "icdar2015": "word", "sroie": "line"}


def parse_detector(spec: str) -> tuple[str, str, dict[str, Any]]:
    """``name[:key=value,...]`` -> (label, component name, options); values parsed as YAML scalars."""
    import yaml

    name, _, rest = spec.partition(":")
    options: dict[str, Any] = {}
    for item in filter(None, rest.split(",")):
        key, _, value = item.partition("=")
        options[key] = yaml.safe_load(value)
    return spec, name, options


def group_lines(words: list[Any], gap: float) -> list[Any]:
    """Group word regions into line regions (children = the words), left to right."""
    from ocrplug.model import Region

    if not words:
        return []
    quads = np.asarray([w.quad for w in words], np.float64)
    x0, x1 = quads[:, :, 0].min(1), quads[:, :, 0].max(1)
    y0, y1 = quads[:, :, 1].min(1), quads[:, :, 1].max(1)
    order = np.argsort(x0)
    lines: list[list[int]] = []
    for i in order:
        best = None
        for li, members in enumerate(lines):
            j = members[-1]
            h = min(y1[i] - y0[i], y1[j] - y0[j])
            overlap = min(y1[i], y1[j]) - max(y0[i], y0[j])
            if h > 0 and overlap > 0.5 * h and x0[i] - x1[j] < gap * max(y1[i] - y0[i], y1[j] - y0[j]):
                best = li
                break
        if best is None:
            lines.append([int(i)])
        else:
            lines[best].append(int(i))
    out = []
    for members in lines:
        pts = quads[members].reshape(-1, 2)
        lx0, ly0 = pts.min(0)
        lx1, ly1 = pts.max(0)
        quad = ((lx0, ly0), (lx1, ly0), (lx1, ly1), (lx0, ly1))
        out.append(Region(quad=quad, level="line", children=tuple(words[k] for k in members)))
    return out


def _cpu() -> float:
    # Own threads plus waited-for child processes (pytesseract runs the tesseract binary).
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class Timed:
    """Pipeline wrapper: records process CPU seconds per run, optionally groups words into lines."""

    def __init__(self, pipeline: Any, lines_from_words: bool, gap: float) -> None:
        """Wrap ``pipeline``."""
        self.pipeline, self.lines_from_words, self.gap = pipeline, lines_from_words, gap
        self.cpu: list[float] = []

    def run(self, path: Any) -> Any:
        """Run the wrapped pipeline on one input, timing its CPU use."""
        t = _cpu()
        doc = self.pipeline.run(path)
        self.cpu.append(_cpu() - t)
        if not self.lines_from_words:
            return doc
        pages = []
        for page in doc.pages:
            words = page.regions_at("word")
            if words and not page.regions_at("line"):
                page = page.with_(regions=tuple(group_lines(words, self.gap)))
            pages.append(page)
        return type(doc)(source=doc.source, pages=tuple(pages), failures=doc.failures)


def main(argv: list[str] | None = None) -> int:
    """Evaluate every detector on every set and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--detector", action="append", required=True, help="name[:key=value,...] (repeatable)")
    parser.add_argument("--sets", default="funsd,icdar2015,sroie")
    parser.add_argument("--limit", type=int, default=None, help="first N images of each set")
    parser.add_argument("--line-gap", type=float, default=1.0)
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)

    from ocrplug.evaluation import evaluate
    from ocrplug.pipeline import Pipeline

    results = []
    for spec in args.detector:
        label, name, options = parse_detector(spec)
        pipeline = Pipeline.from_dict({"detector": {"name": name, "options": options}}, source=f"--detector {spec}")
        for set_name in args.sets.split(","):
            folder = SHARED / "eval" / set_name
            if not folder.is_dir():
                print(f"skip {set_name}: {folder} not present", file=sys.stderr)
                continue
            level = LEVEL[set_name]
            timed = Timed(pipeline, lines_from_words=level == "line", gap=args.line_gap)
            report = evaluate(timed, folder, limit=args.limit)
            s = report.overall_level(level)
            row = {
                "detector": label,
                "set": set_name,
                "level": level,
                "images": len(report.images),
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "hmean": round(s.hmean, 4),
                "cpu_s_per_page": round(float(np.mean(timed.cpu)), 3) if timed.cpu else None,
                "wall_s_per_page": round(report.seconds / max(1, len(report.images)), 3),
                "failures": len(report.failures),
            }
            results.append(row)
            print(json.dumps(row), flush=True)
    print()
    print(f"{'detector':44} {'set':10} {'level':5} {'P':>6} {'R':>6} {'H':>6} {'cpu s/page':>10}")
    for r in results:
        print(
            f"{r['detector'][:44]:44} {r['set']:10} {r['level']:5} {r['precision']:6.3f} {r['recall']:6.3f} "
            f"{r['hmean']:6.3f} {r['cpu_s_per_page'] or 0:10.2f}"
        )
    if args.json:
        from ocrplug.io.atomic import write_text_atomic

        write_text_atomic(args.json, json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
