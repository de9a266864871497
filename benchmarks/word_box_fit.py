"""Word boxes that hold every glyph (issue 24 item 5): ink coverage from cached pages, and ``GLYPH_WIDTH``.

usage: python benchmarks/word_box_fit.py --cache DIR [--cache DIR ...] [--sets funsd_train,icdar2015_val]
                                         [--widths 1,1.25,1.5,2,3] [--limit N]

``--cache``: a page cache of ``benchmarks/accuracy_table.py`` (``DIR/<system>/<set>/<image>.json``). No
pipeline is run: every figure comes from the cached pages and the shared sets' images and ground truth.

1. **Word-box ink coverage** per cache, system and set: ``benchmarks/read_page.py``'s measure (of the GT
   words with text matched by a predicted word box at IoU > 0.5, the share whose glyph ink lies at least
   99 % inside it), so each preset's coverage on the validation sets comes with the accuracy table's run.
2. **Glyph length** (``ocrplug.words.GLYPH_WIDTH``), on the first cache's pages that are text on paper:
   the ink components (page Otsu, 8-connected) that only the length rule lets a word box grow to hold:
   those a box owns (:func:`ocrplug.words.fit_words_to_ink`'s share rule) or lies beside (no box holds
   any of them, on the box's rows, at most ``GLYPH_REACH`` heights past its end) whose far side lies more
   than ``GLYPH_REACH`` box heights past an end, and whose top and bottom lie within it. Each is a glyph
   of the word when at least 90 % of its pixels lie inside one ground-truth word quad that meets the box;
   otherwise it is no glyph of it (a rule, a box of a form, another word). For each length limit (times
   the box's height) it prints how many of each kind the limit admits, and the same for the components
   within reach (which the fit takes in whatever ``GLYPH_WIDTH`` is).
3. With ``--same`` (only this): the letters of a box's own line past ``GLYPH_GAP`` (``GLYPH_SAME_GAP``,
   W11): the components no box holds, beside a box (on its rows, at most ``GLYPH_WIDTH`` heights long)
   more than ``GLYPH_GAP`` and at most G heights past its end and past its own components' ink, at least
   ``GLYPH_SAME_HEIGHT`` of that ink's height tall, top and bottom within ``GLYPH_BAND`` heights of its,
   for each G of ``--gaps`` (glyph / neighbour / none as above); and the components a one-character
   word's box holds in part (its only ink) past ``GLYPH_REACH``, at most ``GLYPH_WIDTH`` heights long.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ocrplug.crops import paper_ink
from ocrplug.evaluation import load_dataset, polygon_iou
from ocrplug.model import Page
from ocrplug.words import (
    GLYPH_BAND,
    GLYPH_GAP,
    GLYPH_REACH,
    GLYPH_SAME_HEIGHT,
    GLYPH_SHARE,
    GLYPH_WIDTH,
    _beside,
    _Frame,
)

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("OCRPLUG_SHARED", ROOT / ".." / "shared"))


def _read_page() -> Any:
    spec = importlib.util.spec_from_file_location("read_page", ROOT / "benchmarks" / "read_page.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cached_pages(folder: Path, gts: list[Any]) -> list[tuple[Any, Page]]:
    """(ground truth, cached page) for each image of ``gts`` with a page in ``folder``."""
    out = []
    for gt in gts:
        path = folder / f"{gt.name}.json"
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("page"):
                out.append((gt, Page.from_dict(data["page"])))
    return out


def coverage(rp: Any, pages: list[tuple[Any, Page]]) -> tuple[int, int]:
    matched = inside = 0
    for gt, page in pages:
        gray = cv2.imread(str(gt.image_path), cv2.IMREAD_GRAYSCALE)
        m, i = rp.ink_coverage(list(gt.regions("word")), page.regions_at("word"), rp.ink_mask(gt.image_path), gray)
        matched, inside = matched + m, inside + i
    return matched, inside


def _ownership(gt: Any, page: Page) -> tuple[Any, ...] | None:
    """The page's ink components and which read word holds each: ``(gray, words, labels, stats, area,
    held_by, holders, owner, frames)`` (``held_by[n]``: component ids and pixel counts in word ``n``;
    ``holders``: how many words hold each component; ``owner``: the word holding most of it, -1 none);
    None when the page is no print on paper or has no read word."""
    gray = cv2.imread(str(gt.image_path), cv2.IMREAD_GRAYSCALE)
    ink = paper_ink(gray)
    words = [w for w in page.regions_at("word") if (w.text or "").strip()]
    if ink is None or not words:
        return None
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    area = stats[:, cv2.CC_STAT_AREA]
    held_by: list[tuple[np.ndarray, np.ndarray]] = []
    holders = np.zeros(count, dtype=np.int64)
    best = np.zeros(count, dtype=np.int64)
    owner = np.full(count, -1, dtype=np.int64)
    for n, w in enumerate(words):
        mask = np.zeros(gray.shape, np.uint8)
        cv2.fillPoly(mask, [np.round(np.asarray(w.quad)).astype(np.int32)], 1)
        held = np.bincount(labels[mask > 0], minlength=count)
        held[0] = 0
        ids = np.flatnonzero(held)
        held_by.append((ids, held[ids]))
        holders[ids] += 1
        better = held[ids] > best[ids]
        best[ids[better]], owner[ids[better]] = held[ids][better], n
    frames = [_Frame(np.asarray(w.quad, dtype=np.float64)) for w in words]
    return gray, words, labels, stats, area, held_by, holders, owner, frames


def long_candidates(gt: Any, page: Page) -> list[tuple[str, bool, float, str, float]]:
    """(kind, within reach, length / box height, where, gap / box height) of the components a box owns and holds in part
    (kind ``part``) or lies beside (``beside``), whose top and bottom lie within reach (see above);
    ``where``: ``glyph`` (90 % inside the GT word of highest IoU with the box), ``neighbour`` (inside
    another GT word) or ``none``."""
    owned = _ownership(gt, page)
    if owned is None:
        return []
    gray, _words, labels, stats, area, held_by, holders, owner, frames = owned
    beside = _beside(frames, stats, holders, GLYPH_REACH, np.inf)
    gt_quads = [np.asarray(g.quad, dtype=np.float64) for g in gt.regions("word")]
    gt_masks = []
    for gq in gt_quads:
        m = np.zeros(gray.shape, np.uint8)
        cv2.fillPoly(m, [np.round(gq).astype(np.int32)], 1)
        gt_masks.append((gq, m > 0))
    out = []
    for n, f in enumerate(frames):
        if not f.ok:
            continue
        ids, held = held_by[n]
        share = (held >= GLYPH_SHARE * area[ids]) | (holders[ids] == 1)
        part = ids[(owner[ids] == n) & share & (held < area[ids])]
        reach = GLYPH_REACH * f.lv
        own = max(range(len(gt_quads)), key=lambda k: polygon_iou(gt_quads[k], f.q), default=-1)
        if own >= 0 and polygon_iou(gt_quads[own], f.q) <= 0:
            own = -1
        for kind, cand in (("part", part), ("beside", beside[n])):
            if not len(cand):
                continue
            for c, (a, b, lo, hi) in zip(cand, f.extents(stats[cand]), strict=True):
                if -lo > reach or hi - f.lv > reach:
                    continue  # too tall: never taken
                near = -a <= reach and b - f.lu <= reach
                x, y, w, h, _ = stats[c]
                comp = labels[y : y + h, x : x + w] == c
                where = "none"
                for k, (_, gm) in enumerate(gt_masks):
                    if (comp & gm[y : y + h, x : x + w]).sum() >= 0.9 * area[c]:
                        where = "glyph" if k == own else "neighbour"
                        break
                out.append((kind, near, (b - a) / f.lv, where, max(-b, a - f.lu, 0.0) / f.lv))
    return out


def same_line_candidates(gt: Any, page: Page) -> list[tuple[str, float, float, str]]:
    """(kind, gap past the box's end / its height, gap past its own ink / its height, where) of the
    components of section 3 of the module's docstring, ``kind`` ``same`` (beside, a letter of the box's
    ink's line at any gap up to half a height) or ``lone`` (a one-character word's only ink, past reach;
    gaps 0); ``where`` as in :func:`long_candidates`."""
    owned = _ownership(gt, page)
    if owned is None:
        return []
    gray, words, labels, stats, area, held_by, holders, owner, frames = owned
    beside = _beside(frames, stats, holders, 0.5, GLYPH_WIDTH)
    gt_quads = [np.asarray(g.quad, dtype=np.float64) for g in gt.regions("word")]
    gt_masks = []
    for gq in gt_quads:
        m = np.zeros(gray.shape, np.uint8)
        cv2.fillPoly(m, [np.round(gq).astype(np.int32)], 1)
        gt_masks.append(m > 0)

    def where(c: int, own_gt: int) -> str:
        x, y, w, h, _ = stats[c]
        comp = labels[y : y + h, x : x + w] == c
        for k, gm in enumerate(gt_masks):
            if (comp & gm[y : y + h, x : x + w]).sum() >= 0.9 * area[c]:
                return "glyph" if k == own_gt else "neighbour"
        return "none"

    out = []
    for n, f in enumerate(frames):
        if not f.ok:
            continue
        ids, held = held_by[n]
        share = (held >= GLYPH_SHARE * area[ids]) | (holders[ids] == 1)
        mine = ids[(owner[ids] == n) & share]
        part = mine[held[(owner[ids] == n) & share] < area[mine]]
        own_gt = max(range(len(gt_quads)), key=lambda k: polygon_iou(gt_quads[k], f.q), default=-1)
        if own_gt >= 0 and polygon_iou(gt_quads[own_gt], f.q) <= 0:
            own_gt = -1
        reach = GLYPH_REACH * f.lv
        if len((words[n].text or "").strip()) == 1 and len(mine) == 1 and len(part) == 1 and not len(beside[n]):
            a, b, lo, hi = f.extents(stats[part])[0]
            if -lo <= reach and hi - f.lv <= reach and (-a > reach or b - f.lu > reach) and b - a <= GLYPH_WIDTH * f.lv:
                out.append(("lone", 0.0, 0.0, where(int(part[0]), own_gt)))
        if not len(beside[n]) or not len(mine):
            continue
        oe = f.extents(stats[mine])
        oe = oe[f.on_rows(oe)]
        if not len(oe):
            continue
        lo_u, hi_u, lo_v, hi_v = oe[:, 0].min(), oe[:, 1].max(), oe[:, 2].min(), oe[:, 3].max()
        band = GLYPH_BAND * f.lv
        for c, (a, b, lo, hi) in zip(beside[n], f.extents(stats[beside[n]]), strict=True):
            if hi - lo < GLYPH_SAME_HEIGHT * (hi_v - lo_v) or lo < lo_v - band or hi > hi_v + band:
                continue
            gap = max(-b, a - f.lu, 0.0) / f.lv
            gap_ink = max(lo_u - b, a - hi_u) / f.lv
            out.append(("same", gap, gap_ink, where(int(c), own_gt)))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, action="append", required=True)
    ap.add_argument("--sets", default="funsd_train,icdar2015_val")
    ap.add_argument("--widths", default="1,1.25,1.5,2,3")
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--gaps", default="0.1,0.2,0.3,0.5", help="gap limits (box heights) for the components beside a box")
    ap.add_argument("--same", action="store_true", help="only section 3: letters of a box's own line past GLYPH_GAP")
    args = ap.parse_args()
    rp = _read_page()
    sets = args.sets.split(",")
    gts = {s: load_dataset(SHARED / "eval" / s, args.limit) for s in sets}
    if args.same:
        for cache in args.cache:
            for system in sorted(p.name for p in cache.iterdir() if p.is_dir()):
                rows = [r for s in sets for gt, page in cached_pages(cache / system / s, gts[s])
                        for r in same_line_candidates(gt, page)]

                def tally(sel: list[tuple[str, float, float, str]]) -> str:
                    return "/".join(str(sum(1 for r in sel if r[3] == w)) for w in ("glyph", "neighbour", "none"))

                for g in (float(v) for v in args.gaps.split(",")):
                    sel = [r for r in rows if r[0] == "same" and GLYPH_GAP < r[1] <= g and r[2] <= g]
                    print(f"{cache} {system} same-line letters past GLYPH_GAP up to {g:g} heights: {tally(sel)} "
                          "(glyph/neighbour/none)", flush=True)
                print(f"{cache} {system} one-character words' only ink past reach: "
                      f"{tally([r for r in rows if r[0] == 'lone'])}", flush=True)
        return 0
    for cache in args.cache:
        for system in sorted(p.name for p in cache.iterdir() if p.is_dir()):
            for s in sets:
                pages = cached_pages(cache / system / s, gts[s])
                if not pages:
                    continue
                m, i = coverage(rp, pages)
                print(f"{cache} {system} {s} ({len(pages)} pages): ink coverage {i / max(m, 1):.3f} ({i}/{m})", flush=True)
    widths = [float(v) for v in args.widths.split(",")]
    gaps = [float(v) for v in args.gaps.split(",")]
    first = args.cache[0]
    for system in sorted(p.name for p in first.iterdir() if p.is_dir()):
        found: list[tuple[str, bool, float, str, float]] = []
        for s in sets:
            for gt, page in cached_pages(first / system / s, gts[s]):
                found += long_candidates(gt, page)
        def cell(sel: list[tuple[str, bool, float, str, float]]) -> str:
            return "/".join(str(sum(1 for f in sel if f[3] == w)) for w in ("glyph", "neighbour", "none"))

        for kind in ("part", "beside"):
            rows = [f for f in found if f[0] == kind]
            for gap in gaps if kind == "beside" else [GLYPH_REACH]:
                near = [f for f in rows if f[1] and f[4] <= gap]
                far = [f for f in rows if not f[1] and f[4] <= gap]
                cells = [f"<= {w:g}: {cell([f for f in far if f[2] <= w])}" for w in widths]
                print(f"{first} {system} {kind}, gap <= {gap:g}: within reach {cell(near)} (glyph/neighbour/none); "
                      f"past reach, length " + "; ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
