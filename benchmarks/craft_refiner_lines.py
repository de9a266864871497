"""Line detection with the trained CRAFT link refiner, against CRAFT + the layout step's lines and ``db``.

Three contenders, each through the real ``craft`` / ``db`` detector components:

- ``craft+refiner``: ``craft`` with ``refiner: true`` (default ``refiner_weights``: the shipped
  ``craft-refiner-synth``), its ``line`` regions as they come out (quad; polygon where the detector gives one);
- ``craft+layout``: the *same run's* words (the refiner does not change them: they come from the
  non-refined affinity, as without the refiner) grouped into lines by the host layout step
  (:func:`ocrplug.layout.layout_regions`), i.e. what a pipeline with plain ``craft`` scores at line level;
- ``db``: the ``db`` detector (lines).

Sets (read-only from ``$OCRPLUG_SHARED`` or ``../shared``; skipped when absent):

- ``sroie``: 25 receipts, GT ``lines`` (segments);
- ``funsd``: the 50 FUNSD test forms. FUNSD annotates words and entities, not lines, so line GT is derived
  here: each entity's words are split into rows (a word joins a row when its vertical centre lies within
  half the row's height of the row's centre) and a row's axis-aligned box is a GT line; rows whose words
  are all ``ignore`` are don't-care;
- ``curved``: 100 synthetic pages (512 x 512) of lines on arcs, waves and at any angle (vertical
  included), from seed 777_2027, never used in training (the refiner's seeds are 20261206 and
  20261206 + 1_000_003). GT: each line's outline (its characters' top corners, then bottom corners).
  Scored with **polygon** IoU (a detection's ``polygon`` when it has one, else its quad).

SROIE and FUNSD are scored with ``ocrplug eval``'s matcher (``ocrplug.evaluation.metrics.score_detection``:
ICDAR 2015 protocol on quads, IoU > 0.5, one-to-one, don't-care rules); ``curved`` with the same one-to-one
best-IoU-first matching on polygons (shapely). Counts are summed over the images (micro average).

    python benchmarks/craft_refiner_lines.py --sets sroie,funsd,curved [--limit N] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("OCRPLUG_SHARED", REPO.parent / "shared"))
CURVED_SEED = 777_2027


def funsd_lines(data: dict[str, Any]) -> list[Any]:
    """Derived FUNSD line GT (see the module docstring) as ``GtRegion`` objects."""
    from ocrplug.evaluation.dataset import GtRegion

    out = []
    for ent in data["entities"]:
        words = [data["words"][i] for i in ent["word_indices"]]
        rows: list[list[dict[str, Any]]] = []
        for w in sorted(words, key=lambda w: min(p[1] for p in w["quad"])):
            ys = [p[1] for p in w["quad"]]
            cy, h = (min(ys) + max(ys)) / 2, max(ys) - min(ys)
            for row in rows:
                rys = [p[1] for r in row for p in r["quad"]]
                rc, rh = (min(rys) + max(rys)) / 2, max(rys) - min(rys)
                if abs(cy - rc) <= 0.5 * max(rh, h):
                    row.append(w)
                    break
            else:
                rows.append([w])
        for row in rows:
            xs = [p[0] for w in row for p in w["quad"]]
            ys = [p[1] for w in row for p in w["quad"]]
            quad = ((min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys)))
            text = " ".join(w["text"] for w in row)
            out.append(GtRegion(quad=quad, text=text, ignore=all(w.get("ignore") for w in row)))
    return out


def load_set(name: str, limit: int | None) -> list[tuple[str, np.ndarray, Any]]:
    """(name, RGB image, GT) per image: GT is a list of GtRegion (sroie, funsd) or polygons (curved)."""
    import cv2

    if name == "curved":
        from ocrplug_craft.training.synth import available_fonts, generate_page, sample_seed

        fonts = available_fonts()
        items = []
        for i in range(limit or 100):
            s = generate_page(np.random.default_rng(sample_seed(CURVED_SEED, i)), 512, 512, fonts, curved=1.0)
            items.append((f"curved_{i:03d}", s.image, s.line_polygons()))
        return items
    from ocrplug.evaluation.dataset import GtRegion

    folder = SHARED / "eval" / name
    items = []
    for ann in sorted((folder / "annotations").glob("*.json"))[:limit]:
        data = json.loads(ann.read_text(encoding="utf-8"))
        if name == "funsd":
            gt = funsd_lines(data)
        else:
            gt = [GtRegion(quad=tuple(map(tuple, r["quad"])), text=r.get("text")) for r in data["lines"] if r["quad"]]
        image = cv2.imread(str(folder / "images" / data["image"]), cv2.IMREAD_COLOR)
        items.append((ann.stem, cv2.cvtColor(image, cv2.COLOR_BGR2RGB), gt))
    return items


def polygon_pairs(gt_polys: list[np.ndarray], dets: list[Any], iou: float = 0.5) -> list[tuple[int, int]]:
    """One-to-one best-IoU-first matches ``(GT index, detection index)`` of polygons at IoU > ``iou``.

    A detection's polygon is its ``polygon`` when it has one, else its ``quad``; invalid polygons are
    repaired with shapely's ``make_valid``.
    """
    import shapely
    from shapely.validation import make_valid

    def geom(points: Any) -> Any:
        g = shapely.Polygon(np.asarray(points, np.float64))
        return g if g.is_valid else make_valid(g)

    gts = [geom(p) for p in gt_polys]
    ds = [geom(d.polygon if d.polygon else d.quad) for d in dets]
    pairs = []
    for i, g in enumerate(gts):
        for j, d in enumerate(ds):
            inter = g.intersection(d).area
            if inter <= 0:
                continue
            union = g.area + d.area - inter
            if union > 0 and inter / union > iou:
                pairs.append((inter / union, i, j))
    used_g: set[int] = set()
    used_d: set[int] = set()
    out = []
    for _, i, j in sorted(pairs, reverse=True):
        if i not in used_g and j not in used_d:
            used_g.add(i)
            used_d.add(j)
            out.append((i, j))
    return out


def polygon_counts(gt_polys: list[np.ndarray], dets: list[Any], iou: float = 0.5) -> tuple[int, int, int]:
    """(matched, GT, detections) with :func:`polygon_pairs`' matching at IoU > ``iou``."""
    return len(polygon_pairs(gt_polys, dets, iou)), len(gt_polys), len(dets)


def _lines_and_layout(regions: list[Any]) -> tuple[list[Any], list[Any]]:
    """The detector's lines, and the layout step's lines built from the same words."""
    from ocrplug.layout import layout_regions

    lines = [r for r in regions if r.level == "line"]
    words = [w for r in lines for w in r.children] or [r for r in regions if r.level == "word"]
    laid = layout_regions([w.with_(children=()) for w in words])
    return lines, [ln for block in laid for ln in block.children]


class CachedMaps:
    """A backend that keeps the frozen CRAFT's maps of every call on disk and runs only the refiner again.

    The CRAFT network is by far the expensive part and does not change when the refiner does, so a rerun
    with new refiner weights replays the stored maps (region and affinity in float32, the feature map in
    float16) through the detector's own post-processing. ``key`` names the page being detected; calls are
    numbered within it (a tiled page makes several).
    """

    has_refiner = True

    def __init__(self, inner: Any, folder: Path, union: bool = False) -> None:
        """Wrap the detector's :class:`~ocrplug_craft.backends.TorchBackend`; ``union``: the link map is the
        larger of the refined map and the affinity (an experiment: lines then never split a word)."""
        self.inner, self.folder, self.union = inner, folder, union
        self.key, self.calls = "", 0
        folder.mkdir(parents=True, exist_ok=True)

    def start(self, key: str) -> None:
        """Maps of the next calls belong to the page ``key``."""
        self.key, self.calls = key, 0

    def run(self, batch: np.ndarray) -> Any:
        """The stored (or now computed and stored) CRAFT maps and the current refiner's link map."""
        import torch
        from ocrplug_craft.backends import Maps

        path = self.folder / f"{self.key}-{self.calls}.npz"
        self.calls += 1
        if path.is_file():
            data = np.load(path)
            y, feature = data["y"], data["feature"].astype(np.float32)
        else:
            with torch.inference_mode():
                x = torch.from_numpy(batch).contiguous(memory_format=self.inner.memory_format)
                yt, ft = self.inner.craft(x)
            y, feature = yt.float().numpy(), ft.float().numpy()
            with open(path, "wb") as fh:
                np.savez(fh, y=y, feature=feature.astype(np.float16))
        with torch.inference_mode():
            refined = self.inner.refiner(torch.from_numpy(y), torch.from_numpy(feature))[..., 0].float().numpy()
        if self.union:
            refined = np.maximum(refined, y[..., 1])
        return Maps(np.ascontiguousarray(y[..., 0]), np.ascontiguousarray(y[..., 1]), refined)


def main(argv: list[str] | None = None) -> int:
    """Run every contender on every set, print the table, optionally write JSON."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sets", default="sroie,funsd,curved")
    parser.add_argument("--limit", type=int, default=None, help="first N images of each set")
    parser.add_argument("--start", type=int, default=0, help="skip the first N of those (to fill --maps-cache in parallel)")
    parser.add_argument("--refiner-weights", default="craft-refiner-synth")
    parser.add_argument("--precision", default="fp32", help="craft precision (fp32 gives the official words)")
    parser.add_argument("--no-db", action="store_true", help="leave the db detector out")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads of the craft detector")
    parser.add_argument("--union", action="store_true", help="with --maps-cache: link map = max(refined, affinity)")
    parser.add_argument("--cached-only", action="store_true", help="with --maps-cache: only the pages whose maps are there")
    parser.add_argument("--maps-cache", help="keep the frozen CRAFT's maps here (torch fp32) and replay them "
                        "on a rerun: only the refiner runs again")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)

    from ocrplug.evaluation.metrics import score_detection
    from ocrplug.manager import PluginHost
    from ocrplug.model import PageImage, Region

    components = PluginHost().components("detector")
    spec = components["craft"]
    craft = spec.build(spec.options(refiner=True, refiner_weights=args.refiner_weights, precision=args.precision,
                                    device="cpu", threads=args.threads))
    cached = None
    if args.maps_cache:
        cached = CachedMaps(craft.backend, Path(args.maps_cache), union=args.union)
        craft.backend = cached
    db = None if args.no_db else components["db"].build()
    results = []
    for set_name in args.sets.split(","):
        if set_name != "curved" and not (SHARED / "eval" / set_name).is_dir():
            print(f"skip {set_name}: {SHARED / 'eval' / set_name} not present", file=sys.stderr)
            continue
        counts: dict[str, np.ndarray] = {}
        seconds: dict[str, float] = {}
        images = 0
        for name, image, gt in load_set(set_name, args.limit)[args.start:]:
            page = PageImage(image=image, index=0, source=name)
            if args.cached_only and not (Path(args.maps_cache) / f"{set_name}-{name}-0.npz").is_file():
                continue
            if cached is not None:
                cached.start(f"{set_name}-{name}")
            images += 1
            t = time.perf_counter()
            found = craft.detect(page)
            seconds["craft+refiner"] = seconds.get("craft+refiner", 0.0) + time.perf_counter() - t
            lines, layout_lines = _lines_and_layout(found)
            runs = {"craft+refiner": lines, "craft+layout": layout_lines}
            if db is not None:
                stored = Path(args.maps_cache) / f"{set_name}-{name}-db.json" if args.maps_cache else None
                if stored is not None and stored.is_file():
                    runs["db"] = [Region(quad=tuple(map(tuple, r["quad"])), level="line",
                                         polygon=tuple(map(tuple, r["polygon"])) if r["polygon"] else None)
                                  for r in json.loads(stored.read_text(encoding="utf-8"))]
                else:
                    t = time.perf_counter()
                    runs["db"] = [r for r in db.detect(page)]
                    seconds["db"] = seconds.get("db", 0.0) + time.perf_counter() - t
                    if stored is not None:
                        stored.write_text(json.dumps([{"quad": r.quad, "polygon": r.polygon} for r in runs["db"]]),
                                          encoding="utf-8")
            for label, dets in runs.items():
                if set_name == "curved":
                    c = np.asarray(polygon_counts(gt, dets))
                else:
                    s = score_detection(gt, dets, "line")
                    c = np.asarray([s.matched, s.gt_care, s.det_care])
                counts[label] = counts.get(label, np.zeros(3, np.int64)) + c
            print(name, {k: v.tolist() for k, v in counts.items()}, file=sys.stderr, flush=True)
        for label, (m, g, d) in counts.items():
            p = m / d if d else 1.0
            r = m / g if g else 1.0
            row = {"set": set_name, "contender": label, "images": images, "matched": int(m), "gt": int(g),
                   "detections": int(d),
                   "precision": round(p, 4), "recall": round(r, 4), "hmean": round(2 * p * r / (p + r) if p + r else 0.0, 4),
                   "wall_s": round(seconds.get(label, 0.0), 1)}
            results.append(row)
            print(json.dumps(row), flush=True)
    print()
    print(f"{'set':8} {'images':>6} {'contender':14} {'P':>6} {'R':>6} {'H':>6}")
    for r in results:
        print(f"{r['set']:8} {r['images']:6d} {r['contender']:14} {r['precision']:6.3f} {r['recall']:6.3f} {r['hmean']:6.3f}")
    if args.json:
        from ocrplug.io.atomic import write_text_atomic

        write_text_atomic(args.json, json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
