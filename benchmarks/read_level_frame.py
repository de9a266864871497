"""Lines levelled before recognition on tilted frames: read levelled or as boxed? (issue 24, S13).

usage: python benchmarks/read_level_frame.py [--preset swift] [--set icdar2015_val] [--start 0] [--limit 40]

L10 levels a detector line whose tilt the page shows to be box jitter before it is cropped
(:func:`ocrplug.layout.lines_for_recognition`). :func:`ocrplug.levelling._level_jitter` now does that for a
region levelled for its crop only on a level frame (``_READ_LEVEL_FRAME_ONLY``). For each image of the set (``--start``
to ``--limit``, in the set's order) this runs the preset with the rule and, where the rule kept a line from
being levelled (a tilted frame), again without it (L10's rule), and prints each such line: the frame's angle,
the line's own angle and the turn levelling gave it, its text read as boxed (the rule) and levelled (L10),
and the ground-truth words whose centres lie in its box. Totals: lines kept as boxed, read differently, and
the ground-truth words (not ``###``) read exactly, case-sensitive, by each. Validation sets only.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

import ocrplug.layout as layout
import ocrplug.levelling as levelling
from ocrplug.evaluation import load_dataset
from ocrplug.model import Region
from ocrplug.pipeline import Pipeline

SHARED = Path("/work/shared")


def _angle(quad: object) -> float:
    q = np.asarray(quad, dtype=np.float64)
    along = (q[1] - q[0]) + (q[2] - q[3])
    return math.degrees(math.atan2(along[1], along[0]))


def _box(quad: object) -> tuple[float, float, float, float]:
    q = np.asarray(quad, dtype=np.float64)
    return float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())


def _inside(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def _lines(regions: tuple[Region, ...] | list[Region]) -> list[Region]:
    out: list[Region] = []
    for r in regions:
        if r.level == "line":
            out.append(r)
        elif r.level == "block":
            out += _lines(r.children)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default="swift")
    ap.add_argument("--set", default="icdar2015_val")
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--shared", type=Path, default=SHARED)
    args = ap.parse_args()
    if args.set not in ("icdar2015_val", "funsd_train"):
        print("validation sets only (icdar2015_val, funsd_train)", file=sys.stderr)
        return 2
    original = layout._level_for_reading
    kept: list[tuple[Region, Region, float]] = []  # (as boxed, as L10 levelled it, frame angle)

    def watched(regions, opts):  # type: ignore[no-untyped-def]
        out = original(regions, opts)
        if levelling._READ_LEVEL_FRAME_ONLY:
            levelling._READ_LEVEL_FRAME_ONLY = False
            try:
                l10 = original(regions, opts)
            finally:
                levelling._READ_LEVEL_FRAME_ONLY = True
            for a, b, c in zip(regions, out, l10, strict=True):
                if b.quad != c.quad:
                    kept.append((a, c, _angle(c.quad)))
        return out

    layout._level_for_reading = watched
    pipe = Pipeline.from_preset(args.preset, ["renderers=[]"])
    n_lines = n_diff = right_rule = right_l10 = pages = 0
    for gt in load_dataset(args.shared / "eval" / args.set, args.limit)[args.start:]:
        kept.clear()
        page = pipe.run(gt.image_path).pages[0]
        pages += 1
        if not kept:
            continue
        found = list(kept)
        levelling._READ_LEVEL_FRAME_ONLY = False
        try:
            l10_page = pipe.run(gt.image_path).pages[0]
        finally:
            levelling._READ_LEVEL_FRAME_ONLY = True
        words = [(w.text or "", _box(w.quad)) for w in gt.regions("word") if w.quad is not None]
        print(f"{gt.name}:")
        for boxed, _levelled, frame in found:
            box = _box(boxed.quad)
            centre = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
            read = [next((ln.text for ln in _lines(p.regions) if _inside(centre, _box(ln.quad))), None)
                    for p in (page, l10_page)]
            truth = [t for t, b in words if _inside(((b[0] + b[2]) / 2, (b[1] + b[3]) / 2), box)]
            own = _angle(boxed.quad)
            n_lines += 1
            n_diff += read[0] != read[1]
            for k, text in enumerate(read):
                got = (text or "").split()
                hits = sum(1 for t in truth if t != "###" and t in got)
                if k == 0:
                    right_rule += hits
                else:
                    right_l10 += hits
            print(f"  {tuple(round(v) for v in box)} frame {frame:+.2f} own {own:+.2f} turn {frame - own:+.2f}: "
                  f"as boxed {read[0]!r}, levelled {read[1]!r}; truth {truth}")
    print(f"{args.preset} {args.set} [{args.start}:{args.limit}] ({pages} images): {n_lines} lines kept as boxed "
          f"on tilted frames, {n_diff} read differently; truth words read exactly: as boxed {right_rule}, "
          f"levelled (L10) {right_l10}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
