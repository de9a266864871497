"""How far ``db``'s boxes and their ink lean off a page's skew, on forms (``funsd_train``) and generated pages.

usage: python benchmarks/ink_direction.py [--limit 60] [--cache DIR] [--dpi 100,150,200,300]

Chooses ``SKEW_MIN_DEG`` / ``SKEW_LINE_LENGTH`` (plugins/ocrplug_db/detector.py) and checks
``INK_DIRECTION_LENGTH`` (ocrplug/words.py), issue 24 item 2. Boxes are ``fast``'s ``db`` boxes as the
network's map gives them, before they are turned to their ink (detections cached as JSON under
``--cache``, the format of benchmarks/level_tune.py).

1. ``funsd_train`` (validation, first ``--limit`` forms): a page's skew is the median ink direction
   (:func:`ocrplug.words.ink_directions`) of its lines at least 12 heights long (pages with 3 or more).
   For every other box at least 3 heights long, by length (3-8, 8+ heights) and by page skew (0-0.3,
   0.3-0.5, 0.5-0.7, 0.7-1.0 degrees; under 0.3: level, 0.7 or more: skewed), the percentiles of ``|box - skew|`` and ``|ink - skew|`` and
   the share of boxes lying at exactly 0 degrees.
2. The lines benchmarks/level_tune.py counts as levelled *wrongly* on ``funsd_train`` (default rule):
   FUNSD's ground-truth word boxes are axis-aligned, so a line levelled to a skewed page's frame counts as
   wrong whatever the ink says. Printed: how many there are, on which pages (their frame and ink skew),
   and how many of their boxes lie at exactly 0 degrees.
3. Lines a renderer writes tilted (``|angle| > LEVEL_ANGLE_DEG`` after :func:`ocrplug.layout.layout_regions`
   of the boxes) on the level forms (median line angle under 0.5 degrees): boxes as found, every box
   turned to its ink (``SKEW_MIN_DEG`` off), and as the detector turns them.
4. Generated pages (benchmarks/small_skew.py's, 4 per ``--dpi``: -2.5, 1.5, -1.0, 2.0 degrees): the
   same errors against the true turn.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np
import ocrplug_db.detector as db_detector

from ocrplug.crops import to_gray
from ocrplug.evaluation import load_dataset
from ocrplug.geometry import _frame, _frame_angle, _text_angle, quad_angle
from ocrplug.layout import layout_regions
from ocrplug.levelling import LEVEL_ANGLE_DEG, _deviation, _jitter, _small_tilt
from ocrplug.model import PageImage, Region
from ocrplug.pipeline import Pipeline
from ocrplug.words import ink_directions

sys.path.insert(0, str(Path(__file__).resolve().parent))
import level_tune
import small_skew

_TURN = db_detector._turned_to_ink
_SKEW_MIN_DEG = db_detector.SKEW_MIN_DEG


def _raw_boxes() -> None:
    """``db``'s boxes as its map gives them (the ink turn switched off in this process)."""
    db_detector._turned_to_ink = lambda page, regions: regions  # type: ignore[assignment]


def _shape(q: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per quad: direction (degrees, y down), length / height, height (pixels)."""
    along = (q[:, 1] - q[:, 0]) + (q[:, 2] - q[:, 3])
    side = (q[:, 3] - q[:, 0]) + (q[:, 2] - q[:, 1])
    h = np.linalg.norm(side, axis=1) / 2
    return np.degrees(np.arctan2(along[:, 1], along[:, 0])), np.linalg.norm(along, axis=1) / 2 / np.maximum(h, 1e-9), h


def _row(label: str, box: np.ndarray, ink: np.ndarray, zero: np.ndarray | None = None) -> str:
    p = lambda a: f"p50 {np.median(a):.2f} p90 {np.percentile(a, 90):.2f}"  # noqa: E731
    extra = f", boxes at exactly 0: {zero.mean():.2f}" if zero is not None else ""
    return f"  {label}: n {len(box):4d} |box - ref| {p(box)} | |ink - ref| {p(ink)}{extra}"


def forms(limit: int, cache: Path) -> None:
    pages = level_tune.detections("funsd_train", limit, cache)
    gts = list(load_dataset(level_tune.SHARED / "eval" / "funsd_train", limit))
    rows = []  # (page skew, box, ink, length/height)
    wrong: list[tuple[str, float, float, float]] = []  # page, frame, skew, box (degrees)
    for gt, (quads, words) in zip(gts, pages, strict=True):
        if len(quads) < 3:
            continue
        gray = to_gray(cv2.cvtColor(cv2.imread(str(gt.image_path)), cv2.COLOR_BGR2RGB))
        box, aspect, _ = _shape(quads)
        ink = np.degrees(ink_directions(gray, quads))
        long = (aspect >= 12) & ~np.isnan(ink)
        skew = float(np.median(ink[long])) if long.sum() >= 3 else float("nan")
        for b, i, a in zip(box, ink, aspect, strict=True):
            if abs(b) < 10 and not np.isnan(i) and not math.isnan(skew):
                rows.append((skew, b, i, a))
        rot = _frame(_text_angle(quads))
        frame = _frame_angle(rot)
        mask = _jitter(quads, rot)
        for i, q in enumerate(quads):
            dev, length, height = _deviation(tuple(map(tuple, q)), rot)  # type: ignore[arg-type]
            if dev > math.pi / 4 or dev < math.radians(1.0) or not mask[i]:
                continue
            if not _small_tilt(np.array([dev]), np.array([length]), np.array([height]), 45.0)[0]:
                continue
            contour = q.astype(np.float32).reshape(-1, 1, 2)
            inside = [a for c, a in words if cv2.pointPolygonTest(contour, (float(c[0]), float(c[1])), False) >= 0]
            if not inside:
                continue
            true = math.atan2(np.mean(np.sin(inside)), np.mean(np.cos(inside)))
            if abs(level_tune._wrap(true - frame)) >= abs(level_tune._wrap(true - level_tune._angle(q))):
                wrong.append((gt.name, math.degrees(frame), skew, float(box[i])))
    r = np.array(rows)
    print(f"funsd_train ({len(gts)} forms): boxes against their page's ink skew (degrees)")
    skew = np.abs(r[:, 0])
    buckets = [(f"pages skewed {lo}-{hi}", (skew >= lo) & (skew < hi)) for lo, hi in ((0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 1.0))]
    buckets += [("level pages (|skew| < 0.3)", skew < 0.3), ("skewed pages (|skew| >= 0.7)", skew >= 0.7)]
    for name, page in buckets:
        for lo, hi in ((3, 8), (8, 1e9)):
            m = page & (r[:, 3] >= lo) & (r[:, 3] < hi)
            label = f"{name}, {lo}-{hi if hi < 1e9 else ''} heights"
            print(_row(label, np.abs(r[m, 1] - r[m, 0]), np.abs(r[m, 2] - r[m, 0]), np.abs(r[m, 1]) < 0.005))
    print(f"level_tune's wrongly levelled lines (default rule): {len(wrong)}, "
          f"{sum(abs(w[3]) < 0.005 for w in wrong)} of them boxed at exactly 0 degrees")
    for page in sorted({w[0] for w in wrong}):
        ws = [w for w in wrong if w[0] == page]
        print(f"  {page}: {len(ws)} lines, frame {ws[0][1]:.2f}, ink skew of its long lines {ws[0][2]:.2f}")


def written_tilted(limit: int, cache: Path) -> None:
    pages = level_tune.detections("funsd_train", limit, cache)
    gts = list(load_dataset(level_tune.SHARED / "eval" / "funsd_train", limit))
    turn = _TURN
    counts = {"as found": 0, "all turned": 0, "skewed pages turned": 0}
    for gt, (quads, _) in zip(gts, pages, strict=True):
        if not len(quads):
            continue
        image = cv2.cvtColor(cv2.imread(str(gt.image_path)), cv2.COLOR_BGR2RGB)
        found = [Region(quad=tuple(map(tuple, q)), level="line", text="x") for q in quads]
        page = PageImage(image=image, index=0, source=gt.name)
        for name, gate in (("as found", None), ("all turned", -1.0), ("skewed pages turned", _SKEW_MIN_DEG)):
            regions = found
            if gate is not None:
                db_detector.SKEW_MIN_DEG = gate
                regions = turn(page, found)
            lines = [ln for b in layout_regions(regions) for ln in b.children]
            angles = np.array([(-math.degrees(quad_angle(ln.quad)) + 180) % 360 - 180 for ln in lines])
            angles = angles[np.abs(angles) <= 45]
            if len(angles) and abs(float(np.median(angles))) < 0.5:
                counts[name] += int((np.abs(angles) > LEVEL_ANGLE_DEG).sum())
    db_detector.SKEW_MIN_DEG = _SKEW_MIN_DEG
    print("funsd_train level forms: lines written tilted, " + ", ".join(f"{k} {v}" for k, v in counts.items()))


def generated(dpis: list[int]) -> None:
    det = Pipeline.from_preset("fast", ["renderers=[]"]).detector
    rows = []  # (dpi, |box - true|, |ink - true|, length/height)
    for dpi in dpis:
        small_skew.DPI = dpi
        for k, (font, deg) in enumerate([("notosans", -2.5), ("freeserif", 1.5), ("liberation", -1.0), ("dejavu", 2.0)]):
            img = np.asarray(small_skew.draw_page(font, deg, small_skew.HEADINGS[k], seed=k).convert("RGB"))
            regions = det.detect(PageImage(image=img, index=0, source=f"{dpi}-{k}"))  # type: ignore[union-attr]
            q = np.asarray([r.quad for r in regions], dtype=np.float64).reshape(-1, 4, 2)
            box, aspect, _ = _shape(q)
            ink = np.degrees(ink_directions(to_gray(img), q))
            for b, i, a in zip(box, ink, aspect, strict=True):
                if a >= 3 and not np.isnan(i):
                    rows.append((dpi, abs(-b - deg), abs(-i - deg), a))
    r = np.array(rows)
    print("generated pages: boxes against the true turn (degrees)")
    for dpi in dpis:
        for lo, hi in ((3, 8), (8, 1e9)):
            m = (r[:, 0] == dpi) & (r[:, 3] >= lo) & (r[:, 3] < hi)
            print(_row(f"{dpi} dpi, {lo}-{hi if hi < 1e9 else ''} heights", r[m, 1], r[m, 2]))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=60)
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "ocrplug-ink-direction")
    ap.add_argument("--dpi", default="100,150,200,300")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    _raw_boxes()
    forms(args.limit, args.cache)
    written_tilted(args.limit, args.cache)
    generated([int(d) for d in args.dpi.split(",") if d])
    return 0


if __name__ == "__main__":
    sys.exit(main())
