"""Blocks whose lines run in different directions (issue 24 item 2, T11 faults 6 and 10).

usage: python benchmarks/block_directions.py --cache DIR [--against DIR] [--systems fast,swift,accurate]
           [--sets funsd_train,icdar2015_val] [--tolerances 1,2,5,10,15,20]

Reads the cached pages of ``benchmarks/accuracy_table.py`` (``DIR/<system>/<set>/*.json``) and prints,
per system and set, the pairs of lines of one block whose quad angles (``ocrplug.geometry.quad_angle``,
signed, modulo a full turn) differ by more than each tolerance (degrees), the blocks holding such a pair
at ``ocrplug.layout._TILT_MAX_DEG``, and each such line (page, text, angle). With ``--against`` (the
same systems' cache of another tree) it also lists the pages whose page text (``Page.text``, what page
CER scores) differs between the two caches.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from ocrplug.geometry import quad_angle
from ocrplug.layout import _TILT_MAX_DEG
from ocrplug.model import Page


def _apart_deg(a: float, b: float) -> float:
    return abs(math.degrees((a - b + math.pi) % (2 * math.pi) - math.pi))


def _page(path: Path) -> Page | None:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Page.from_dict(data["page"]) if data.get("page") else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--against", type=Path)
    ap.add_argument("--systems", default="fast,swift,accurate")
    ap.add_argument("--sets", default="funsd_train,icdar2015_val")
    ap.add_argument("--tolerances", default="1,2,5,10,15,20")
    args = ap.parse_args()
    tolerances = [float(t) for t in args.tolerances.split(",")]
    for system in args.systems.split(","):
        for name in args.sets.split(","):
            folder = args.cache / system / name
            if not folder.is_dir():
                continue
            pairs = dict.fromkeys(tolerances, 0)
            mixed, blocks, lines_apart, moved = 0, 0, [], []
            for path in sorted(folder.glob("*.json")):
                page = _page(path)
                if page is None:
                    continue
                for block in page.regions:
                    lines = [ln for ln in block.children if ln.level == "line"]
                    blocks += 1
                    angles = [quad_angle(ln.quad) for ln in lines]
                    for i, a in enumerate(angles):
                        for b in angles[:i]:
                            for t in tolerances:
                                pairs[t] += _apart_deg(a, b) > t
                    apart = [
                        ln for ln, a in zip(lines, angles, strict=True)
                        if any(_apart_deg(a, b) > _TILT_MAX_DEG for b in angles)
                    ]
                    if apart:
                        mixed += 1
                        lines_apart += [
                            f"{path.stem} {ln.text!r} {math.degrees(quad_angle(ln.quad)):.1f}" for ln in apart
                        ]
                if args.against is not None:
                    other = args.against / system / name / path.name
                    if other.is_file():
                        was = _page(other)
                        if was is not None and was.text != page.text:
                            moved.append(path.stem)
            cells = ", ".join(f">{t:g}: {n}" for t, n in pairs.items())
            print(f"{system} {name}: {blocks} blocks; line pairs of one block apart by {cells}; "
                  f"blocks with lines over {_TILT_MAX_DEG:g} degrees apart: {mixed}")
            for line in lines_apart:
                print("   ", line)
            if args.against is not None:
                print(f"  page text differs from {args.against} on {len(moved)} pages: {' '.join(moved)}")


if __name__ == "__main__":
    main()
