"""Choose ``layout.word_end_pad`` on the tuning splits: word H-mean and ink coverage for each value.

usage: python benchmarks/word_pad_tune.py [--sets funsd_train:15,icdar2015_val:40] [--values 0,0.05,0.1,0.2]

Runs the default pipeline once per set with ``word_end_pad`` 0, then widens the recognizer-cut word
boxes of each laid-out line by each value (the layout's own ``_widen_words``, as the layout step does)
and scores the result with the ``ocrplug eval`` engine (word P / R / H-mean at IoU 0.5) and the word-box
ink coverage of benchmarks/read_page.py (the word's glyphs; the page-Otsu measure that the recorded
choice of 2026-12-06 used is printed beside it). Tuning sets only (``funsd_train``, ``icdar2015_val``).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import cv2

sys.path.insert(0, str(Path(__file__).resolve().parent))
from read_page import SHARED, _Keep, _Replay, ink_coverage, ink_mask

from ocrplug.evaluation import evaluate, load_dataset
from ocrplug.pipeline import Pipeline
from ocrplug.presets import DEFAULT_PRESET


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="funsd_train:15,icdar2015_val:40")
    ap.add_argument("--values", default="0,0.05,0.1,0.15,0.2")
    args = ap.parse_args()
    pipeline = Pipeline.from_preset(DEFAULT_PRESET, ["renderers=[]", "layout.word_end_pad=0"])
    for item in args.sets.split(","):
        name, _, count = item.partition(":")
        limit = int(count) if count else None
        folder = SHARED / "eval" / name
        keep = _Keep(pipeline)
        evaluate(keep, folder, limit=limit)
        gts = load_dataset(folder, limit)
        for value in (float(v) for v in args.values.split(",")):
            replay = _Replay(keep.docs, value)
            report = evaluate(replay, folder, limit=limit)
            w = report.overall["word"]
            matched = inside = old_matched = old_inside = 0
            for gt in gts:
                doc = replay.run(gt.image_path)
                words, found, ink = list(gt.regions("word")), doc.pages[0].regions_at("word"), ink_mask(gt.image_path)
                gray = cv2.imread(str(gt.image_path), cv2.IMREAD_GRAYSCALE)
                m, i = ink_coverage(words, found, ink, gray)  # the word's glyphs (read_page.py's measure)
                matched, inside = matched + m, inside + i
                m, i = ink_coverage(words, found, ink)  # the page's Otsu ink (the measure of the recorded choice)
                old_matched, old_inside = old_matched + m, old_inside + i
            print(f"{name} ({len(gts)}) word_end_pad {value:.2f}: word P/R/H {w.precision:.3f}/{w.recall:.3f}/"
                  f"{w.hmean:.3f}; glyph ink inside {inside / max(matched, 1):.3f} ({inside}/{matched}), "
                  f"page-Otsu {old_inside / max(old_matched, 1):.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
