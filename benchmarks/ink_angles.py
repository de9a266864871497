"""A steep line's direction from its ink (``levelling.ink_angle``) against the drawn angle, without a detector.

usage: python benchmarks/ink_angles.py [--pages 15] [--angles 15:75:5] [--lean 5] [--spans 4,8,12]
                                       [--steps 0.1,0.25,0.5]

Issue 24 item 2 (E15). Draws ``benchmarks/steep_lines.py``'s pages (lines of one to four words in eight
fonts, 36-60 px, at +-15 .. +-75 degrees by default), gives each line its drawn box turned about its
centre by a random lean of up to ``--lean`` degrees either way (a detector's box leaning with ascenders
and descenders: up to 4.4 degrees in ``accurate`` before E15), and prints, per search span and step of
:func:`ocrplug.levelling.ink_angle`, the mean and largest error of the fitted angle against the drawn
one, the lines within 1 and 3 degrees and the lines left unfitted (``None``). Generated pages only.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from steep_lines import draw_pages

from ocrplug.crops import paper_ink
from ocrplug.levelling import ink_angle


def _turned(box: np.ndarray, degrees: float) -> np.ndarray:
    """``box`` (4 x 2) turned ``degrees`` counter-clockwise about its centre (y down)."""
    c = box.mean(axis=0)
    r = math.radians(-degrees)
    rot = np.array([[math.cos(r), -math.sin(r)], [math.sin(r), math.cos(r)]])
    return (box - c) @ rot.T + c


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=15)
    ap.add_argument("--angles", default="15:75:5")
    ap.add_argument("--lean", type=float, default=5.0)
    ap.add_argument("--spans", default="4,8,12")
    ap.add_argument("--steps", default="0.1,0.25,0.5")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ocrplug-ink-angles-"))
    lo, hi, step = (int(v) for v in args.angles.split(":"))
    pages = draw_pages(args.pages, work, (lo, hi, step))
    rng = random.Random(15)
    cases = []
    for page in pages:
        ink = paper_ink(np.asarray(Image.open(work / f"{page['name']}.png").convert("L")))
        for line in page["lines"]:
            lean = rng.uniform(-args.lean, args.lean)
            cases.append((ink, _turned(np.asarray(line["box"]), lean), line["degrees"], lean, line["text"]))
    print(f"{len(cases)} lines at +-{lo}..{hi} degrees, boxes leaning up to {args.lean:g} degrees")
    print(f"{'lean':>5} |{'mean':>6} {'max':>6} {'<=1':>4} {'<=3':>4}")
    leans = [abs(c[3]) for c in cases]
    print(f"{'box':>5} |{np.mean(leans):6.2f} {np.max(leans):6.2f} {sum(v <= 1 for v in leans):4d} {sum(v <= 3 for v in leans):4d}")
    print(f"{'span':>5} {'step':>5} |{'mean':>6} {'max':>6} {'<=1':>4} {'<=3':>4} {'none':>4}  worst")
    for span in (float(v) for v in args.spans.split(",")):
        for st in (float(v) for v in args.steps.split(",")):
            errs, none, worst = [], 0, (0.0, "")
            for ink, box, deg, _lean, text in cases:
                fit = ink_angle(ink, tuple(map(tuple, box)), span, st)
                if fit is None:
                    none += 1
                    continue
                err = abs(((-math.degrees(fit) - deg) + 180) % 360 - 180)
                errs.append(err)
                worst = max(worst, (err, f"{text!r} {deg:+.0f}"))
            e = np.array(errs)
            print(f"{span:5g} {st:5g} |{e.mean():6.2f} {e.max():6.2f} {int((e <= 1).sum()):4d} {int((e <= 3).sum()):4d} {none:4d}  {worst[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
