"""Issue 24, o7: where the axis vote and the one glyph-stack split change a page, against a before tree.

usage: python benchmarks/orientation_votes.py --before-tree DIR [--shared ../shared]
           [--presets fast,accurate,swift] [--sets funsd:20:4,funsd_train:40:1,icdar2015_val:40:1,numbers:0:4]

``DIR`` is a checkout of the code before the change (``git worktree add DIR BASE`` or ``git archive``);
its ``ocrplug/orientation.py`` and ``ocrplug/vertical.py`` are loaded beside this tree's. Each set item is
``name:limit:turns`` (``turns`` 1: the pages as given; 4: each also turned by 90, 180 and 270 degrees;
``numbers``: benchmarks/orientation.py's generated pages of numbers). For every preset and page the
detector runs once, then:

- orientation: the sample and axis of ``sample_lines`` before (shape alone) and after (with the page's
  image: lone glyphs and glyph stacks do not vote). Where they differ, or the axis is vertical (where
  the page as given may be read too), both trees' ``detect_orientation`` give their angle, counted
  against the angle wanted (pages whose angle changed are listed). Elsewhere the angle cannot differ.
- recognition units (pages as given only): before, ``split_glyph_stacks`` on the detector's regions,
  ``lines_for_recognition``, ``split_glyph_stacks`` again (two calls); after, ``lines_for_recognition``
  given the page image (one call). Pages whose units differ (level, quad, children quads) are counted.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import cv2
import numpy as np

from ocrplug import Pipeline
from ocrplug.layout import lines_for_recognition
from ocrplug.model import PageImage, Region
from ocrplug.orientation import detect_orientation, rotate_image, sample_lines

ROOT = Path(__file__).resolve().parent.parent


def _load(tree: Path, module: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"before_{module}", tree / "ocrplug" / f"{module}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[f"before_{module}"] = mod
    spec.loader.exec_module(mod)
    return mod


def _sig(regions: list[Region]) -> list[Any]:
    return [
        (r.level, np.round(np.asarray(r.quad, dtype=np.float64), 3).tolist(),
         [np.round(np.asarray(c.quad, dtype=np.float64), 3).tolist() for c in r.children])
        for r in regions
    ]


def _pages(shared: Path, item: str) -> list[tuple[str, np.ndarray, int]]:
    """(name, upright RGB image, turns) for one ``name:limit:turns`` item."""
    parts = item.split(":")
    name, limit, turns = parts[0], (parts[1:2] or ["0"])[0], (parts[2:3] or ["1"])[0]
    if name == "numbers":
        spec = importlib.util.spec_from_file_location("orientation_bench", ROOT / "benchmarks" / "orientation.py")
        assert spec is not None and spec.loader is not None
        bench = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(bench)
        return [(f"numbers/{k}", v, int(turns)) for k, v in bench.number_pages().items()]
    paths = sorted((shared / "eval" / name / "images").glob("*"))[: int(limit) or None]
    return [(f"{name}/{p.name}", cv2.cvtColor(cv2.imread(str(p)), cv2.COLOR_BGR2RGB), int(turns)) for p in paths]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before-tree", type=Path, required=True)
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("OCRPLUG_SHARED", ROOT.parent / "shared")))
    ap.add_argument("--presets", default="fast,accurate,swift")
    ap.add_argument("--sets", default="funsd:20:4,funsd_train:40:1,icdar2015_val:40:1,numbers:0:4")
    args = ap.parse_args()
    before_orient, before_vertical = _load(args.before_tree, "orientation"), _load(args.before_tree, "vertical")
    pages = [p for item in args.sets.split(",") for p in _pages(args.shared, item)]
    for preset in args.presets.split(","):
        pipe = Pipeline.from_preset(preset).build()
        opts = pipe.config.layout
        seen = votes = right_before = right_after = units = 0
        for name, upright, turns in pages:
            for turn in (0, 90, 180, 270)[:turns]:
                image = np.ascontiguousarray(rotate_image(upright, turn))
                page = PageImage(image=image, index=0, source=name)
                regions = list(pipe.detector.detect(page))
                seen += 1
                old = before_orient.sample_lines(regions)
                new = sample_lines(regions, 8, image)
                if (old[1], _sig(old[0])) != (new[1], _sig(new[0])) or new[1]:
                    votes += 1
                    want = (360 - turn) % 360
                    a = before_orient.detect_orientation(page, regions, pipe.recognizer.recognize).angle
                    b = detect_orientation(page, regions, pipe.recognizer.recognize).angle
                    right_before += a == want
                    right_after += b == want
                    if a != b:
                        print(f"  {preset} {name} turned {turn}: angle {a} -> {b} (wanted {want})")
                if turn == 0:
                    split = before_vertical.split_glyph_stacks
                    two = split(image, lines_for_recognition(split(image, regions), opts))
                    one = lines_for_recognition(regions, opts, image)
                    if _sig(two) != _sig(one):
                        units += 1
                        print(f"  {preset} {name}: recognition units differ ({len(two)} -> {len(one)})")
        print(
            f"{preset}: {seen} pages; vote or sample changed, or vertical, on {votes} (right before "
            f"{right_before}, after {right_after}); recognition units changed on {units}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
