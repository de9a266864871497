"""Choose ``LEVEL_DRIFT``: how far along its own length a line may drift before its angle is written.

usage: python benchmarks/level_drift.py DIR [DIR ...] [--drifts 0.1,0.15,0.2,0.25,0.3,0.4]
                                        [--level-skew 0.3] [--skewed 0.7]

Each DIR holds page JSONs as ``benchmarks/accuracy_table.py`` caches them (``CACHE/<preset>/<set>/*.json``,
the layout's output: what the renderers write), or ``db``'s detections as ``benchmarks/level_tune.py``
caches them (``SET__NAME.json``, a list of quads), which are laid out here
(:func:`ocrplug.layout.layout_regions`, no text: the lines' quads as ``fast`` lays them out). For every page the lines within 10 degrees of level give
their angle (degrees counter-clockwise), length and height (mean of the quad's two edges, pixels); a
page's skew is the median angle of its lines at least 8 heights long (3 or more, else the page is
skipped). On *level* pages (skew under ``--level-skew``) a written angle is box noise: printed are the
percentiles of the lines' drift in heights (``length / height * tan |angle|``) and, for each candidate
drift, how many lines a renderer would write tilted (``ocrplug.levelling.level_tolerance_deg``'s rule:
past ``min(LEVEL_ANGLE_DEG, atan(drift * height / length))``). On *skewed* pages (skew ``--skewed`` or
more) the angle is real: how many lines are written with it, and the largest drift (heights) of a line
written level, which the text layer / hOCR box then misses at the line's far end.
Tuning sets only (``funsd_train``, ``icdar2015_val``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

from ocrplug.layout import layout_regions
from ocrplug.levelling import LEVEL_ANGLE_DEG
from ocrplug.model import Region


def _lines(regions: list[dict]) -> list[dict]:
    out: list[dict] = []
    for r in regions:
        if r.get("level") == "line":
            out.append(r)
        else:
            out += _lines(r.get("children", []))
    return out


def _laid_out_lines(regions: list[Region]) -> list[Region]:
    out: list[Region] = []
    for r in regions:
        out += [r] if r.level == "line" else _laid_out_lines(list(r.children))
    return out


def page_lines(path: Path) -> np.ndarray:
    """``(N, 3)``: angle (degrees ccw), length, height of the page's lines within 10 degrees of level."""
    data = json.loads(path.read_text())
    if isinstance(data, list):  # level_tune's detections: lay them out
        regions = [Region(quad=tuple(map(tuple, q)), level="line", text="") for q in data]
        quads = [np.asarray(ln.quad, dtype=np.float64) for ln in _laid_out_lines(layout_regions(regions))]
    else:
        quads = [np.asarray(ln["quad"], dtype=np.float64) for ln in _lines((data.get("page") or {}).get("regions", []))]
    rows = []
    for q in quads:
        along = (q[1] - q[0]) + (q[2] - q[3])
        side = (q[3] - q[0]) + (q[2] - q[1])
        angle = -math.degrees(math.atan2(along[1], along[0]))
        if abs(angle) <= 10.0:
            rows.append((angle, float(np.linalg.norm(along)) / 2, float(np.linalg.norm(side)) / 2))
    return np.asarray(rows, dtype=np.float64).reshape(-1, 3)


def tilted(lines: np.ndarray, drift: float) -> np.ndarray:
    """Which lines a renderer writes tilted under the rule with ``drift`` (``None``-like < 0: 1 degree alone)."""
    angle, length, height = lines[:, 0], lines[:, 1], np.maximum(lines[:, 2], 1e-9)
    tol = np.full(len(lines), LEVEL_ANGLE_DEG)
    if drift >= 0:
        tol = np.minimum(tol, np.degrees(np.arctan2(drift * height, length)))
    return np.abs(angle) > tol


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--drifts", default="0.1,0.15,0.2,0.25,0.3,0.4")
    ap.add_argument("--level-skew", type=float, default=0.3)
    ap.add_argument("--skewed", type=float, default=0.7)
    args = ap.parse_args()
    level, skewed = [], []
    for d in args.dirs:
        for path in sorted(d.glob("*.json")):
            if path.name.endswith(".report.json") or path.name.startswith("icdar"):
                continue
            lines = page_lines(path)
            long = lines[lines[:, 1] >= 8 * lines[:, 2]] if len(lines) else lines
            if len(long) < 3:
                continue
            skew = float(np.median(long[:, 0]))
            if abs(skew) < args.level_skew:
                level.append(lines)
            elif abs(skew) >= args.skewed:
                skewed.append((path.stem, skew, lines))
    lv = np.concatenate(level) if level else np.zeros((0, 3))
    drift_h = lv[:, 1] / np.maximum(lv[:, 2], 1e-9) * np.tan(np.radians(np.abs(lv[:, 0])))
    print(f"level pages (skew < {args.level_skew}): {len(level)}, {len(lv)} lines; drift in heights "
          f"p50 / p90 / p99 / max: " + " / ".join(f"{np.percentile(drift_h, p):.3f}" for p in (50, 90, 99, 100)))
    longer = lv[:, 1] >= 8 * lv[:, 2]
    print(f"  of them 8 heights or longer: {int(longer.sum())}, drift p99 {np.percentile(drift_h[longer], 99):.3f}")
    sk = [s for s in skewed]
    print(f"skewed pages (|skew| >= {args.skewed}): {len(sk)}: " + ", ".join(f"{n} {s:+.2f}" for n, s, _ in sk))
    print("drift | level pages: lines written tilted | skewed pages: lines written tilted / all, "
          "largest drift (heights) written level")
    for drift in [-1.0] + [float(x) for x in args.drifts.split(",")]:
        t_level = int(tilted(lv, drift).sum()) if len(lv) else 0
        n_sk = w_sk = 0
        left = 0.0
        for _, _, lines in sk:
            t = tilted(lines, drift)
            n_sk += len(lines)
            w_sk += int(t.sum())
            dh = lines[:, 1] / np.maximum(lines[:, 2], 1e-9) * np.tan(np.radians(np.abs(lines[:, 0])))
            if (~t).any():
                left = max(left, float(dh[~t].max()))
        name = "1 degree alone" if drift < 0 else f"{drift:.2f}"
        print(f"  {name:>14s} | {t_level:4d} | {w_sk:4d} / {n_sk:4d}, {left:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
