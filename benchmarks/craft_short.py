"""Choose ``craft``'s short-word rule (``short_words``, issue 24) on the tuning splits and a blank-noise page.

usage: python benchmarks/craft_short.py [--sets funsd_train,icdar2015_val] [--limit 40]
                                        [--scores 0.5] [--areas 4] [--mark-reach 0.5,1,3] [--cache DIR]

Runs the ``accurate`` preset's CRAFT network on the blank-noise page of benchmarks/read_page.py and on
the first ``--limit`` images of each tuning split once (maps cached as .npz under ``--cache``), then
:func:`ocrplug_craft.postprocess._short_words` for each ``SHORT_MIN_SCORE`` (``--scores``),
``SHORT_MIN_AREA`` (``--areas``) and ``SHORT_MARK_REACH`` (``--mark-reach``; 3 = ``SHORT_REACH``: marks
join as far as glyphs), and prints, per set, the pages the detector looks at (text on paper,
:func:`ocrplug.api.paper_ink`; the rule is off on photos), the components that join a kept word, split
into glyphs and marks (``SHORT_MARK_HEIGHT`` / ``SHORT_MARK_ASPECT``) and into those within half a kept
height of their word and farther, how many of each lie on a ground-truth word (their centre inside a
care GT word's box), and the GT words whose centre no word box held before and one holds after the
joins. The blank-noise page must stay at 0 joins. Tuning sets only (``funsd_train``, ``icdar2015_val``);
never a test set.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from collections import Counter
from pathlib import Path

import cv2
import numpy as np

from ocrplug.api import paper_ink, to_gray
from ocrplug.evaluation import load_dataset
from ocrplug.model import PageImage
from ocrplug.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from db_lone import SHARED, _inside
from read_page import blank_noise_page


def _sources(tmp: Path, sets: str, limit: int) -> list[tuple[str, Path, list[np.ndarray]]]:
    """``(set, image, care GT word quads)``: the blank-noise page first, then each set's first ``limit`` images."""
    blank = tmp / "blank_noise.png"
    blank_noise_page(blank)
    out: list[tuple[str, Path, list[np.ndarray]]] = [("blank_noise", blank, [])]
    for name in sets.split(","):
        for gt in load_dataset(SHARED / "eval" / name, limit):
            quads = [np.asarray(r.quad, float) for r in gt.regions("word") if not r.dont_care]
            out.append((name, gt.image_path, quads))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="funsd_train,icdar2015_val")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--scores", default="0.5")
    ap.add_argument("--areas", default="4")
    ap.add_argument("--mark-reach", default="0.5,1,3")
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "craft_short_maps"))
    args = ap.parse_args()
    import ocrplug_craft.postprocess as post
    from ocrplug_craft.detector import regions_from_maps
    from ocrplug_craft.preprocess import to_batch

    det = Pipeline.from_preset("accurate", ["renderers=[]"]).detector
    o = det.options
    cache = Path(args.cache)
    cache.mkdir(parents=True, exist_ok=True)
    settings = [
        (float(s), int(a), float(m))
        for s in args.scores.split(",")
        for a in args.areas.split(",")
        for m in args.mark_reach.split(",")
    ]
    tally: dict[tuple[str, tuple[float, int, float]], Counter[str]] = {}
    pages: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for name, path, quads in _sources(Path(tmp), args.sets, args.limit):
            rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
            page = PageImage(image=rgb, index=0, source=str(path))
            pages[f"{name} pages"] += 1
            if paper_ink(to_gray(rgb)) is None:
                continue  # the detector looks for short words on text on paper only
            pages[f"{name} on paper"] += 1
            canvas = det._canvas(page)
            file = cache / (hashlib.sha1(f"{path}:{canvas.image.shape}".encode()).hexdigest()[:16] + ".npz")
            if file.exists():
                saved = np.load(file)
                text, link = saved["text"], saved["link"]
            else:
                maps = det.backend.run(to_batch([canvas.image]))
                text, link = maps.score_text[0], maps.score_link[0]
                np.savez_compressed(file, text=text, link=link)
            size = (page.width, page.height)
            base = regions_from_maps(text, link, None, canvas, size, o.model_copy(update={"short_words": False}))
            centres = np.array([q.mean(axis=0) for q in quads]).reshape(-1, 2)
            held = np.zeros(len(centres), bool)
            for r in base:
                held |= _inside(centres, np.asarray(r.quad))
            # The components and the official rule, as get_det_boxes computes them.
            combined = ((text > np.float32(o.low_text)) | (link > np.float32(o.link_threshold))).view(np.uint8)
            n, labels, stats, _ = cv2.connectedComponentsWithStats(combined, connectivity=4)
            peak = np.full(n, -np.inf, np.float32)
            fg = np.flatnonzero(labels.ravel())
            np.maximum.at(peak, labels.ravel()[fg], text.ravel()[fg])
            keep = (stats[:, cv2.CC_STAT_AREA] >= 10) & ~(peak < np.float32(o.text_threshold))
            keep[0] = False
            scale = 2 / canvas.ratio
            for setting in settings:
                post.SHORT_MIN_SCORE, post.SHORT_MIN_AREA, post.SHORT_MARK_REACH = setting
                t = tally.setdefault((name, setting), Counter())
                host = post._short_words(stats, peak, keep)
                for j in np.flatnonzero(host >= 0).tolist():
                    x, y, w, h = (float(v) for v in stats[j, :4])
                    kx, _, kw, kh = (float(v) for v in stats[host[j], :4])
                    mark = h < post.SHORT_MARK_HEIGHT * kh or w > post.SHORT_MARK_ASPECT * h
                    near = max(kx - (x + w), x - (kx + kw), 0) <= 0.5 * kh
                    kind = f"{'marks' if mark else 'glyphs'} {'near' if near else 'far'}"
                    centre = np.array([[(x + w / 2) * scale, (y + h / 2) * scale]])
                    t[kind] += 1
                    t[f"{kind} on GT"] += any(bool(_inside(centre, q)[0]) for q in quads)
                if name == "blank_noise" or not len(centres):
                    continue
                found = regions_from_maps(text, link, None, canvas, size, o.model_copy(update={"short_words": True}))
                now = held.copy()
                for r in found:
                    now |= _inside(centres, np.asarray(r.quad))
                t["GT words newly held"] += int((now & ~held).sum())
                t["GT words no longer held"] += int((held & ~now).sum())
            print(f"  {name} {path.name}", flush=True)
    print(f"\n{args.sets}, first {args.limit} images each, and the blank-noise page: {dict(pages)}")
    kinds = ["glyphs near", "glyphs far", "marks near", "marks far"]
    head = " | ".join(f"{k} (on GT)" for k in kinds)
    print(f"| set | SHORT_MIN_SCORE | SHORT_MIN_AREA | SHORT_MARK_REACH | {head} | GT words newly held / lost |")
    print("|---|---|---|---|" + "---|" * (len(kinds) + 1))
    for (name, (s, a, m)), t in tally.items():
        cells = " | ".join(f"{t[k]} ({t[k + ' on GT']})" for k in kinds)
        print(f"| {name} | {s} | {a} | {m} | {cells} | {t['GT words newly held']} / {t['GT words no longer held']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
