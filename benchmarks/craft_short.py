"""Choose ``craft``'s short-word rule (``short_words``, issue 24) on the tuning splits and a blank-noise page.

usage: python benchmarks/craft_short.py [--sets funsd_train,icdar2015_val] [--limit 15]
                                        [--scores 0.4,0.5,0.6] [--areas 2,4,6] [--cache DIR]

Runs the ``accurate`` preset's CRAFT network on the blank-noise page of benchmarks/read_page.py and on
the first ``--limit`` images of each tuning split once (maps cached as .npz under ``--cache``), then the
post-processing with ``short_words`` off (the official output) and on, for each pair of
``SHORT_MIN_SCORE`` (``--scores``) and ``SHORT_MIN_AREA`` (``--areas``), and prints the word boxes the
rule adds, how many of them lie on a ground-truth word (their centre inside a GT word's box, text or
``###``): the added boxes' precision, the GT words whose centre no box held before and one holds now, and
the boxes added on the blank-noise page (every one false). Tuning sets only (``funsd_train``,
``icdar2015_val``); never a test set.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

from ocrplug.evaluation import load_dataset
from ocrplug.model import PageImage
from ocrplug.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from db_lone import SHARED, _inside
from read_page import blank_noise_page


def _sources(tmp: Path, sets: str, limit: int) -> list[tuple[str, Path, list[np.ndarray]]]:
    """``(key, image, GT word quads)``: the blank-noise page first, then each set's first ``limit`` images."""
    blank = tmp / "blank_noise.png"
    blank_noise_page(blank)
    out: list[tuple[str, Path, list[np.ndarray]]] = [("blank_noise", blank, [])]
    for name in sets.split(","):
        for gt in load_dataset(SHARED / "eval" / name, limit):
            out.append((f"{name}/{gt.name}", gt.image_path, [np.asarray(r.quad, float) for r in gt.regions("word")]))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="funsd_train,icdar2015_val")
    ap.add_argument("--limit", type=int, default=15)
    ap.add_argument("--scores", default="0.4,0.5,0.6")
    ap.add_argument("--areas", default="2,4,6")
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "craft_short_maps"))
    args = ap.parse_args()
    import ocrplug_craft.postprocess as post
    from ocrplug_craft.detector import regions_from_maps
    from ocrplug_craft.preprocess import to_batch

    det = Pipeline.from_preset("accurate", ["renderers=[]"]).detector
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    settings = [(float(s), int(a)) for s in args.scores.split(",") for a in args.areas.split(",")]
    totals = {k: [0, 0, 0, 0] for k in settings}  # added, on a GT word, GT words newly held, blank-page boxes
    with tempfile.TemporaryDirectory() as tmp:
        for key, path, quads in _sources(Path(tmp), args.sets, args.limit):
            rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
            page = PageImage(image=rgb, index=0, source=str(path))
            canvas = det._canvas(page)
            name = cache / (hashlib.sha1(f"{path}:{canvas.image.shape}".encode()).hexdigest()[:16] + ".npz")
            if name.exists():
                saved = np.load(name)
                text, link = saved["text"], saved["link"]
            else:
                maps = det.backend.run(to_batch([canvas.image]))
                text, link = maps.score_text[0], maps.score_link[0]
                np.savez_compressed(name, text=text, link=link)
            size = (page.width, page.height)
            base = regions_from_maps(text, link, None, canvas, size, det.options.model_copy(update={"short_words": False}))
            before = {tuple(np.round(np.asarray(r.quad), 1).ravel()) for r in base}
            centres = np.array([q.mean(axis=0) for q in quads]).reshape(-1, 2)
            held = np.zeros(len(centres), bool)
            for r in base:
                held |= _inside(centres, np.asarray(r.quad))
            for setting in settings:
                post.SHORT_MIN_SCORE, post.SHORT_MIN_AREA = setting
                found = regions_from_maps(text, link, None, canvas, size, det.options.model_copy(update={"short_words": True}))
                extra = [np.asarray(r.quad) for r in found if tuple(np.round(np.asarray(r.quad), 1).ravel()) not in before]
                t = totals[setting]
                if key == "blank_noise":
                    t[3] += len(extra)
                    continue
                t[0] += len(extra)
                for box in extra:
                    c = box.mean(axis=0)[None]
                    t[1] += any(bool(_inside(c, q)[0]) for q in quads)
                now = held.copy()
                for box in extra:
                    now |= _inside(centres, box)
                t[2] += int((now & ~held).sum())
            print(f"  {key}: +{len(extra)} boxes at score {settings[-1][0]}, area {settings[-1][1]}", flush=True)
    print(f"\n{args.sets}, first {args.limit} images each; blank-noise page")
    print("| SHORT_MIN_SCORE | SHORT_MIN_AREA | boxes added | on a GT word | precision | GT words newly held | blank-page boxes |")
    print("|---|---|---|---|---|---|---|")
    for (s, a), (added, hits, new, blank) in totals.items():
        share = f"{hits / added:.3f}" if added else "-"
        print(f"| {s} | {a} | {added} | {hits} | {share} | {new} | {blank} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
