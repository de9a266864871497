"""Choose the layout's levelling evidence (``LEVEL_ANGLE_DEG``, ``_SHORT_ASPECT``, ``_CHORD_HEIGHTS``,
``_PAGE_WORD_HEIGHTS``, ``_MAX_GLYPH_DEG``) and the renderers' small-angle threshold on the tuning splits.

usage: python benchmarks/level_tune.py [--sets funsd_train,icdar2015_val] [--limit 40] [--cache DIR]
                                      [--chords 0,4,8,12,16] [--page-words -1,2,3,4,6] [--glyph-deg 10,20,30,45]

Runs the default detector (``db``) on the first ``--limit`` images of each tuning split (detections
cached as JSON under ``--cache``), takes the page's text frame as the layout does, and for each
detected line that is *small-tilted* (the far end within ``_LEVEL_SLACK`` of its height, at most
``_MAX_LEVEL_DEG``; a one-glyph box at most 45 degrees) asks the ground truth whether levelling it is right: the GT words whose centres
lie in the line give its true direction (FUNSD's boxes are axis-aligned: always level); levelling is
right when the true direction is nearer the frame than the detected one. For each rule
(``neighbour_level_deg`` x ``short_aspect`` without the centre-line evidence, then the defaults with each
``chord_heights`` of ``--chords``, then the defaults with each short-word length ``--page-words`` (the page-level
evidence; -1 = off) and each one-glyph tilt limit ``--glyph-deg``) it prints the lines levelled rightly and wrongly per set. It also prints percentiles of the angle of long lines (length >= 8 heights) left unlevelled on
``funsd_train``: the quad-angle noise of level text, the renderers' small-angle threshold.
Tuning sets only (``funsd_train``, ``icdar2015_val``); never a test set.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

from ocrplug.evaluation import load_dataset
from ocrplug.geometry import _frame, _frame_angle, _text_angle
from ocrplug.levelling import (
    _CHORD_HEIGHTS,
    _MAX_LEVEL_DEG,
    _PAGE_WORD_HEIGHTS,
    _SHORT_ASPECT,
    LEVEL_ANGLE_DEG,
    _deviation,
    _jitter,
    _small_tilt,
)
from ocrplug.model import PageImage
from ocrplug.pipeline import Pipeline

SHARED = Path(os.environ.get("OCRPLUG_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))


def _angle(q: np.ndarray) -> float:
    along = (q[1] - q[0]) + (q[2] - q[3])
    return math.atan2(along[1], along[0])


def _wrap(a: float) -> float:
    return (a + math.pi) % (2 * math.pi) - math.pi


def detections(name: str, limit: int, cache: Path) -> list[tuple[np.ndarray, list[tuple[np.ndarray, float]]]]:
    """Per image: the detected quads ``(N, 4, 2)`` and the GT words (centre, direction in radians)."""
    out = []
    det = None
    for gt in load_dataset(SHARED / "eval" / name, limit):
        cached = cache / f"{name}__{gt.name}.json"
        if cached.exists():
            quads = np.asarray(json.loads(cached.read_text()), dtype=np.float64).reshape(-1, 4, 2)
        else:
            if det is None:
                det = Pipeline.from_preset("fast", ["renderers=[]"]).detector
            rgb = cv2.cvtColor(cv2.imread(str(gt.image_path)), cv2.COLOR_BGR2RGB)
            regions = det.detect(PageImage(image=rgb, index=0, source=str(gt.image_path)))
            quads = np.asarray([r.quad for r in regions], dtype=np.float64).reshape(-1, 4, 2)
            cached.write_text(json.dumps(quads.tolist()))
        words = [(np.mean(np.asarray(w.quad), axis=0), _angle(np.asarray(w.quad, np.float64)))
                 for w in gt.regions("word") if w.quad is not None and not w.dont_care]
        out.append((quads, words))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="funsd_train,icdar2015_val")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--min-tilt", type=float, default=1.0,
                    help="count only lines tilted at least this many degrees off the frame (smaller tilts move no IoU)")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "ocrplug-level-tune")
    ap.add_argument("--chords", default="0,4,8,12,16",
                    help="chord_heights values tried with the default level angle and short aspect")
    ap.add_argument("--page-words", default="-1,2,3,4,6",
                    help="page_word_heights values tried with the other defaults (-1: no page-level evidence)")
    ap.add_argument("--glyph-deg", default="10,20,30,45", help="glyph_deg values tried with the other defaults")
    args = ap.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    # (neighbour_level_deg, short_aspect, chord_heights, page_word_heights, glyph_deg)
    rules = [(d, s, -1.0, -1.0, _MAX_LEVEL_DEG) for d in (0.5, 1.0, 1.5, 2.0, 3.0) for s in (0.0, 1.0, 1.5, 2.0, 3.0)]
    rules += [(LEVEL_ANGLE_DEG, _SHORT_ASPECT, float(c), -1.0, _MAX_LEVEL_DEG) for c in args.chords.split(",")]
    rules += [(LEVEL_ANGLE_DEG, _SHORT_ASPECT, _CHORD_HEIGHTS, float(p), _MAX_LEVEL_DEG) for p in args.page_words.split(",")]
    rules += [(LEVEL_ANGLE_DEG, _SHORT_ASPECT, _CHORD_HEIGHTS, _PAGE_WORD_HEIGHTS, float(g))
              for g in args.glyph_deg.split(",")]
    rules = list(dict.fromkeys(rules))
    for name in args.sets.split(","):
        pages = detections(name, args.limit, args.cache)
        right = dict.fromkeys(rules, 0)
        wrong = dict.fromkeys(rules, 0)
        small_total = should = 0
        long_angles: list[float] = []
        for quads, words in pages:
            if len(quads) == 0:
                continue
            rot = _frame(_text_angle(quads))
            frame = _frame_angle(rot)
            masks = {r: _jitter(quads, rot, *r) for r in rules}
            for i, q in enumerate(quads):
                dev, length, height = _deviation(tuple(map(tuple, q)), rot)  # type: ignore[arg-type]
                if dev > math.pi / 4:
                    continue
                if length >= 8 * height and name.startswith("funsd"):
                    long_angles.append(abs(math.degrees(_wrap(_angle(q) - frame))))
                if dev < math.radians(args.min_tilt):
                    continue
                if not _small_tilt(np.array([dev]), np.array([length]), np.array([height]), 45.0)[0]:
                    continue
                contour = q.astype(np.float32).reshape(-1, 1, 2)
                inside = [a for c, a in words if cv2.pointPolygonTest(contour, (float(c[0]), float(c[1])), False) >= 0]
                if not inside:
                    continue
                true = math.atan2(np.mean(np.sin(inside)), np.mean(np.cos(inside)))
                good = abs(_wrap(true - frame)) < abs(_wrap(true - _angle(q)))
                small_total += 1
                should += good
                for r in rules:
                    if masks[r][i]:
                        right[r] += good
                        wrong[r] += not good
        print(f"{name} ({len(pages)} images): {small_total} small-tilted lines (tilt >= {args.min_tilt} deg) holding GT words, "
              f"levelling right for {should}")
        for r in rules:
            print(f"  neighbour_level_deg {r[0]:.1f} short_aspect {r[1]:.1f} chord_heights {r[2]:.0f} "
                  f"page_word_heights {r[3]:.0f} glyph_deg {r[4]:.0f}: "
                  f"levelled {right[r]} rightly, {wrong[r]} wrongly")
        if long_angles:
            p = np.percentile(long_angles, [50, 90, 95, 99, 100])
            print(f"  long lines' |angle| to the frame (deg, {len(long_angles)} lines): p50 {p[0]:.2f} p90 {p[1]:.2f} "
                  f"p95 {p[2]:.2f} p99 {p[3]:.2f} max {p[4]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
