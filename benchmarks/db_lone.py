"""Choose ``db``'s lone-character rules on the tuning splits: what they add, and what the speck rule drops.

usage: python benchmarks/db_lone.py [--sets funsd_train,icdar2015_val] [--limit 40] [--values 0,2,2.5,3,4]
                                    [--specks 0,10,20,30] [--preset fast] [--cache DIR] [--alone]
                                    [--aspect 3.5] [--glyphs] [--tall] [--columns]

Computes the ``--preset``'s ``db`` detector's probability map of the first ``--limit`` images of each
tuning split once (cached as .npy under ``--cache``), then runs the post-processing with each setting
and prints, against DB's own rule (``lone_aspect`` 0, ``speck_isolation`` 0): the boxes it adds, and how
many of them hold the centre of a ground-truth word (text or ``###``) -- the added boxes' precision --,
the boxes it drops and how many of those held a GT word, and the GT words newly covered or lost (a GT
word counts as covered when its centre lies in some box). The settings: each ``lone_aspect`` of
``--values`` without the stroke rule (``STROKE_ASPECT`` off: main before issue 24's last faults) and
with it, then each ``speck_isolation`` of ``--specks`` with the default ``lone_aspect``. Two pages
without text are scored the same way (every box there is false): the blank-noise page
(benchmarks/read_page.py) and a page of ink specks (:func:`specks_page`). Tuning sets only
(``funsd_train``, ``icdar2015_val``); never a test set. ``--alone``: also every box a short kernel alone
on the page's first or last row adds (``DbParams.alone_rows``, issue 24, F10), listed one by one;
``--glyphs``: the boxes the ``lone_glyphs`` option (the ink look for glyphs the map missed) adds.
``--tall``: every box the taller-glyph rule adds (``LONE_TALL_ROW``, ``LONE_TALL_SCORE``: a lone kernel up to
2.5 times as tall as its row's text), listed one by one; ``--columns``: every glyph-sized box joined to a
vertical line's end (``COLUMN_GAP``), listed one by one.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import cv2
import numpy as np

from ocrplug.evaluation import load_dataset
from ocrplug.model import PageImage
from ocrplug.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent))
from read_page import blank_noise_page

SHARED = Path(os.environ.get("OCRPLUG_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))


def _inside(points: np.ndarray, quad: np.ndarray) -> np.ndarray:
    contour = quad.astype(np.float32).reshape(-1, 1, 2)
    return np.array([cv2.pointPolygonTest(contour, (float(x), float(y)), False) >= 0 for x, y in points], bool)


def specks_page(path: Path, seed: int = 8) -> None:
    """A half-letter page at 200 dpi (850 x 1100 px), no text: 400 ink specks of radius 0-2 px, greys
    0-150, a quarter of them with a second speck 4-9 px below (a colon-like pair of dust grains). The kind
    of page T4 found three false regions on (his ``:``, ``.``, ``:``), drawn by another generator."""
    rng = np.random.default_rng(seed)
    page = np.full((1100, 850), 255, np.uint8)
    for _ in range(400):
        x, y, r = int(rng.integers(0, 850)), int(rng.integers(0, 1100)), int(rng.choice([0, 1, 1, 2]))
        grey = int(rng.integers(0, 150))
        cv2.circle(page, (x, y), r, grey, -1)
        if rng.random() < 0.25:
            cv2.circle(page, (x + int(rng.integers(-3, 4)), y + int(rng.integers(4, 10))), r, grey, -1)
    cv2.imwrite(str(path), page)


NO_TEXT = ("blank_noise", "specks")


def page_sources(tmp: Path, sets: str, limit: int | None, specks: bool = False) -> list[tuple[str, Path, np.ndarray]]:
    """``(key, image path, GT word centres (N, 2))``: the blank-noise page (and with ``specks`` the
    specks page; written into ``tmp``, no words) first, then the first ``limit`` images of each
    comma-separated shared set."""
    blank = tmp / "blank_noise.png"
    blank_noise_page(blank)
    sources = [("blank_noise", blank, np.zeros((0, 2)))]
    if specks:
        specks_page(tmp / "specks.png")
        sources.append(("specks", tmp / "specks.png", np.zeros((0, 2))))
    for name in sets.split(","):
        for gt in load_dataset(SHARED / "eval" / name, limit):
            centres = np.array([np.mean(r.quad, axis=0) for r in gt.regions("word")]).reshape(-1, 2)
            sources.append((f"{name}/{gt.name}", gt.image_path, centres))
    return sources


def cached_map(det: object, path: Path, cache: Path, key: str) -> tuple[PageImage, np.ndarray]:
    """The page of image ``path`` and the detector ``det``'s probability map of it, cached in ``cache`` as
    ``key`` (``set/image`` -> ``set__image.npy``)."""
    rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
    page = PageImage(image=rgb, index=0, source=str(path))
    cached = cache / (key.replace("/", "__") + ".npy")
    if cached.exists():
        return page, np.load(cached)
    prob = det.probability_maps([page])[0]
    np.save(cached, prob)
    return page, prob


def _covered(centres: np.ndarray, boxes: list, scale: np.ndarray) -> np.ndarray:
    covered = np.zeros(len(centres), bool)
    for b in boxes:
        covered |= _inside(centres, b.quad * scale)
    return covered


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sets", default="funsd_train,icdar2015_val")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--values", default="2.5")
    ap.add_argument("--specks", default="0,10,20,30")
    ap.add_argument("--preset", default="fast")
    ap.add_argument("--alone", action="store_true", help="list the boxes alone_rows adds (against it off)")
    ap.add_argument("--glyphs", action="store_true", help="list the boxes the lone_glyphs option adds")
    ap.add_argument("--aspect", default="", help="lone_aspect for --alone (default: LONE_ASPECT)")
    ap.add_argument("--tall", action="store_true", help="list the boxes the taller-glyph rule adds")
    ap.add_argument("--columns", action="store_true", help="list the boxes joined to a vertical line's end")
    ap.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "ocrplug-db-lone")
    args = ap.parse_args()
    from dataclasses import replace

    import ocrplug_db.postprocess as post
    from ocrplug_db.detector import LONE_ASPECT

    det = Pipeline.from_preset(args.preset, ["renderers=[]"]).detector
    cache = args.cache / args.preset
    cache.mkdir(parents=True, exist_ok=True)
    items: list[tuple[str, PageImage, np.ndarray, np.ndarray]] = []
    with tempfile.TemporaryDirectory() as tmp:
        sources = page_sources(Path(tmp), args.sets, args.limit, specks=True)
        for key, path, centres in sources:
            page, prob = cached_map(det, path, cache, key)
            items.append((key, page, prob, centres))
    print(f"{len(items)} maps ({args.preset}; {args.sets}, first {args.limit} each, + blank-noise and specks pages)")
    settings: list[tuple[str, float, float, bool]] = []
    for value in (float(v) for v in args.values.split(",")):
        settings.append((f"lone_aspect {value:g}, no stroke rule", value, 0.0, False))
        settings.append((f"lone_aspect {value:g} + strokes", value, 0.0, True))
    for isolation in (float(v) for v in args.specks.split(",")):
        if isolation:
            settings.append((f"lone_aspect {LONE_ASPECT:g} + strokes, speck_isolation {isolation:g}",
                             LONE_ASPECT, isolation, True))
    stroke_aspect = post.STROKE_ASPECT
    for label, value, isolation, strokes in settings:
        post.STROKE_ASPECT = stroke_aspect if strokes else float("inf")
        added = hits = dropped = dropped_hits = newly = lost = 0
        empty = {}
        for key, page, prob, centres in items:
            sy, sx = prob.shape[0] / page.height, prob.shape[1] / page.width
            params = replace(det._params(min(sx, sy)), lone_aspect=0.0, speck_isolation=0.0)
            base = post.boxes_from_prob(prob, params)
            boxes = post.boxes_from_prob(prob, replace(params, lone_aspect=value, speck_isolation=isolation))
            scale = np.array([1 / sx, 1 / sy])
            if key in NO_TEXT:
                empty[key] = len(boxes)
                continue
            old = {tuple(np.round(b.quad, 2).ravel()) for b in base}
            new = {tuple(np.round(b.quad, 2).ravel()) for b in boxes}
            extra = [b for b in boxes if tuple(np.round(b.quad, 2).ravel()) not in old]
            gone = [b for b in base if tuple(np.round(b.quad, 2).ravel()) not in new]
            added += len(extra)
            dropped += len(gone)
            if not len(centres):
                continue
            hits += sum(bool(_inside(centres, b.quad * scale).any()) for b in extra)
            dropped_hits += sum(bool(_inside(centres, b.quad * scale).any()) for b in gone)
            before, after = _covered(centres, base, scale), _covered(centres, boxes, scale)
            newly += int((after & ~before).sum())
            lost += int((before & ~after).sum())
        share = f"{hits / added:.3f}" if added else "-"
        print(
            f"{label}: boxes added {added}, holding a GT word {hits} (precision {share}); boxes dropped "
            f"{dropped}, holding a GT word {dropped_hits}; GT words newly covered {newly}, lost {lost}; "
            f"boxes on the blank-noise page {empty.get('blank_noise')}, on the specks page {empty.get('specks')}",
            flush=True,
        )
    post.STROKE_ASPECT = stroke_aspect
    if args.alone:
        _alone_rows(items, det, float(args.aspect or LONE_ASPECT))
    if args.glyphs:
        _lone_glyph_boxes(items, det)
    if args.tall:
        _rule_boxes(items, det, "LONE_TALL_ROW", 1.0, "taller glyphs beside shorter text")
    if args.columns:
        _rule_boxes(items, det, "COLUMN_GAP", -1e9, "glyph-sized boxes joined to a vertical line's end")
    return 0


def _rule_boxes(items: list, det: object, name: str, off: float, what: str) -> None:
    """The boxes that differ between the default rules and the rules with the constant ``name`` of
    ``ocrplug_db.postprocess`` set to ``off`` (the rule turned off), each listed with its page, map position,
    score and whether it holds a GT word's centre; the blank-noise and specks pages included."""
    import ocrplug_db.postprocess as post

    from ocrplug.api import paper_ink, to_gray

    saved = getattr(post, name)
    changed, hits, lines = 0, 0, []
    for key, page, prob, centres in items:
        sy, sx = prob.shape[0] / page.height, prob.shape[1] / page.width
        paper = paper_ink(to_gray(page.image)) is not None
        params = det._params(min(sx, sy), paper)
        setattr(post, name, off)
        try:
            base = post.boxes_from_prob(prob, params)
        finally:
            setattr(post, name, saved)
        ruled = post.boxes_from_prob(prob, params)
        old = {tuple(np.round(b.quad, 2).ravel()) for b in base}
        extra = [b for b in ruled if tuple(np.round(b.quad, 2).ravel()) not in old]
        scale = np.array([1 / sx, 1 / sy])
        for b in extra:
            hit = bool(len(centres) and _inside(centres, b.quad * scale).any())
            changed += 1
            hits += hit
            (x0, y0), (x1, y1) = b.quad.min(axis=0), b.quad.max(axis=0)
            lines.append(f"    {key} map ({x0:.0f},{y0:.0f})-({x1:.0f},{y1:.0f}) score {b.score:.2f} GT word {hit} "
                         f"paper {paper} (boxes {len(base)} -> {len(ruled)})")
    print(f"{name} ({what}): boxes new or changed {changed}, holding a GT word {hits}", flush=True)
    print("\n".join(lines))


def _alone_rows(items: list, det: object, aspect: float) -> None:
    """Against ``alone_rows`` off (the default rules otherwise, ``lone_aspect`` ``aspect``): the boxes the
    rule adds on every page (a short kernel alone on the page's first or last row, re-scored over its own
    pixels), each listed with its page, map position, score, whether it holds a GT word's centre and
    whether the page is text on paper (the detector turns the rule on there only)."""
    from dataclasses import replace

    import ocrplug_db.postprocess as post

    from ocrplug.api import paper_ink, to_gray

    added, hits, lines = 0, 0, []
    for key, page, prob, centres in items:
        sy, sx = prob.shape[0] / page.height, prob.shape[1] / page.width
        params = replace(det._params(min(sx, sy)), lone_aspect=aspect)
        paper = paper_ink(to_gray(page.image)) is not None
        base = {tuple(np.round(b.quad, 2).ravel()) for b in post.boxes_from_prob(prob, replace(params, alone_rows=False))}
        ruled = post.boxes_from_prob(prob, replace(params, alone_rows=True))
        extra = [b for b in ruled if tuple(np.round(b.quad, 2).ravel()) not in base]
        scale = np.array([1 / sx, 1 / sy])
        for b in extra:
            hit = bool(len(centres) and _inside(centres, b.quad * scale).any())
            added += 1
            hits += hit
            (x0, y0), (x1, y1) = b.quad.min(axis=0), b.quad.max(axis=0)
            lines.append(f"    {key} map ({x0:.0f},{y0:.0f})-({x1:.0f},{y1:.0f}) score {b.score:.2f} GT word {hit} "
                         f"paper {paper}")
    print(f"lone_aspect {aspect:g}, short kernels alone on the first or last row (every page): boxes added "
          f"{added}, holding a GT word {hits}", flush=True)
    print("\n".join(lines))


def _lone_glyph_boxes(items: list, det: object) -> None:
    """The boxes ``lone_glyphs`` adds with the preset's maps (the look in the page's ink for glyphs the map
    missed, :func:`ocrplug.api.find_lone_glyphs`), each listed with its page, page position and whether it
    holds a GT word's centre (issue 24, F10: what it would cost ``fast``)."""
    from ocrplug_db.detector import _turned_to_ink, _with_lone_dashes, _with_lone_glyphs

    added, hits, lines = 0, 0, []
    for key, page, prob, centres in items:
        found = _with_lone_dashes(page, _turned_to_ink(page, det._regions(page, prob)))
        extra = _with_lone_glyphs(page, found)[len(found):]
        for r in extra:
            quad = np.asarray(r.quad, dtype=np.float64)
            hit = bool(len(centres) and _inside(centres, quad).any())
            added += 1
            hits += hit
            (x0, y0), (x1, y1) = quad.min(axis=0), quad.max(axis=0)
            lines.append(f"    {key} page ({x0:.0f},{y0:.0f})-({x1:.0f},{y1:.0f}) GT word {hit}")
    print(f"lone_glyphs on: boxes added {added}, holding a GT word {hits}", flush=True)
    print("\n".join(lines))


if __name__ == "__main__":
    sys.exit(main())
