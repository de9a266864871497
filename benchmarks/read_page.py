"""Issue 24 (part A) figures: H-mean, precision, page CER, word-box ink coverage, blank-noise regions.

usage: python benchmarks/read_page.py [--preset fast] [--sets funsd:15,sroie:8,icdar2015:20,tesseract_testing]
                                      [--pad-ink-ends 0.15] [--json OUT]
       python benchmarks/read_page.py --cache .bench-logs/accuracy/<commit> [--systems fast,swift,accurate]
                                      [--sets funsd,icdar2015]

Runs a preset (default: the default pipeline) over the shared evaluation sets with the ``ocrplug eval``
engine (``ocrplug.evaluation.evaluate``, ICDAR 2015 protocol at IoU 0.5) and prints per set:
detection precision / recall / H-mean at the set's level, page CER, and, for sets with word boxes,
the **word-box ink coverage**: the share of ground-truth words (with text) whose ink lies inside the
predicted word box matched to them (IoU > 0.5; "inside" = at least 99 % of the ink pixels fall in the
predicted quad), over the GT words that have a match. Ink is the word's glyphs: the pixels of the GT
quad on the text's side of the quad's own Otsu threshold, the text's side being the one rarer on the
quad's border (light text on a dark sign; a photo's shadows). The earlier measure (pixels darker than
the *page's* Otsu threshold inside the GT quad) is printed too as ``page-Otsu``: on photos it counts
the dark ground around light letters and shadows past the glyphs (on ICDAR 2015 the dark class fills
over half of 93 of 178 matched GT quads), so it rewards boxes padded past the glyphs' ends
(docs/benchmarks.md "Level words and vertical labels"). Last, a synthetic **blank-noise page** (A4 at 150 dpi, paper grain, scanner
specks and dust; no text) is run and the number of regions found is printed (each one a false
positive). Run it once on main (``PYTHONPATH=/work/main:/work/main/plugins``) and once on a branch to
get before/after figures; the numbers go to docs/benchmarks.md ("Reading what is on the page").

With ``--cache`` nothing is run: the word-box ink coverage of each system is scored on the pages that
``benchmarks/accuracy_table.py`` cached there (``<cache>/<system>/<set>/<image>.json``), so the table of
record's run gives the coverage of every preset at no further cost (sets or images not cached are
skipped and counted).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ocrplug.evaluation import evaluate, load_dataset, polygon_iou
from ocrplug.model import Document
from ocrplug.pipeline import Pipeline

SHARED = Path(os.environ.get("OCRPLUG_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared"))


class _Keep:
    """Pipeline wrapper that keeps each document (``evaluate`` then runs images one by one)."""

    def __init__(self, pipeline: Pipeline) -> None:
        self.pipeline = pipeline
        self.docs: dict[str, Document] = {}

    def run(self, path: Any) -> Document:
        doc = self.pipeline.run(path)
        self.docs[str(path)] = doc
        return doc


def ink_mask(image_path: Path) -> np.ndarray:
    """Boolean ink mask of a page: pixels darker than its Otsu threshold."""
    gray = cv2.imread(str(image_path), cv2.IMREAD_GRAYSCALE)
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return ink > 0


def _poly_mask(shape: tuple[int, int], quad: Any) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    cv2.fillPoly(mask, [np.round(np.asarray(quad, np.float64)).astype(np.int32)], 1)
    return mask > 0


def word_ink(gray: np.ndarray, word_mask: np.ndarray) -> np.ndarray:
    """Boolean mask of a word's glyph pixels: those of ``word_mask`` (its GT quad) on the text's side of
    the quad's own Otsu threshold; the text's side is the class rarer on the quad's one-pixel border
    (dark text on paper, light text on a dark sign). ``gray``: H x W uint8."""
    values = gray[word_mask]
    if values.size == 0:
        return word_mask
    t, _ = cv2.threshold(values.reshape(-1, 1), 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    border = word_mask & ~cv2.erode(word_mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    dark = gray <= t
    text = dark if border.any() and float(dark[border].mean()) < 0.5 else ~dark
    return text & word_mask


def ink_coverage(gt_words: list[Any], predicted: list[Any], ink: np.ndarray,
                 gray: np.ndarray | None = None) -> tuple[int, int]:
    """(GT words with a matched prediction, of those the ones whose ink lies inside it).

    With ``gray`` (the page, H x W uint8) a word's ink is :func:`word_ink`; without, ``ink`` (the page's
    Otsu mask, :func:`ink_mask`) inside the GT quad (the earlier measure)."""
    matched = inside = 0
    quads = [p.quad for p in predicted]
    arr = np.asarray(quads, np.float64).reshape(-1, 4, 2)
    lo, hi = arr.min(axis=1), arr.max(axis=1)
    for word in gt_words:
        if word.dont_care or not word.has_text or not quads:
            continue
        g = np.asarray(word.quad, np.float64)
        # Only predictions whose boxes meet the word's can overlap it (the others have IoU 0).
        near = np.flatnonzero(np.all(lo <= g.max(axis=0), axis=1) & np.all(hi >= g.min(axis=0), axis=1))
        if len(near) == 0:
            continue
        ious = [polygon_iou(word.quad, quads[k]) for k in near]
        best = int(near[int(np.argmax(ious))])
        if max(ious) <= 0.5:
            continue
        gt_mask = _poly_mask(ink.shape, word.quad)
        gt_ink = word_ink(gray, gt_mask) if gray is not None else ink & gt_mask
        total = int(gt_ink.sum())
        if total == 0:
            continue
        matched += 1
        kept = int((gt_ink & _poly_mask(ink.shape, quads[best])).sum())
        inside += kept >= 0.99 * total
    return matched, inside


def blank_noise_page(path: Path, seed: int = 24) -> None:
    """A4 at 150 dpi with paper grain, a little blur, scanner specks and dust lines, no text."""
    rng = np.random.default_rng(seed)
    h, w = 1754, 1240
    page = 235 + rng.normal(0, 6, (h, w))
    page = cv2.GaussianBlur(page, (0, 0), 1.2)
    for _ in range(400):  # specks 1-3 px
        y, x = rng.integers(0, h), rng.integers(0, w)
        r = int(rng.integers(1, 3))
        cv2.circle(page, (int(x), int(y)), r, float(rng.integers(40, 140)), -1)
    for _ in range(6):  # hairs and dust
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        cv2.line(page, (x0, y0), (x0 + int(rng.integers(-60, 60)), y0 + int(rng.integers(-60, 60))), 120.0, 1)
    cv2.imwrite(str(path), np.clip(page, 0, 255).astype(np.uint8))


def _widened(region: Any, pad: float) -> Any:
    """``region`` with the recognizer-cut words of its lines widened by ``pad`` (the layout step's rule)."""
    from ocrplug.geometry import _frame, quad_angle
    from ocrplug.layout import _widen_words

    if region.level == "line":
        return _widen_words(region, _frame(quad_angle(region.quad)), pad) if pad > 0 else region
    if region.children:
        return region.with_(children=tuple(_widened(c, pad) for c in region.children))
    return region


class _Replay:
    """Answers ``evaluate`` with kept documents (run with ``word_end_pad`` 0), their words widened by ``pad``."""

    def __init__(self, docs: dict[str, Document], pad: float) -> None:
        self.docs, self.pad = docs, pad

    def run(self, path: Any) -> Document:
        doc = self.docs[str(path)]
        pages = tuple(p.with_(regions=tuple(_widened(r, self.pad) for r in p.regions)) for p in doc.pages)
        return Document(**{**doc.__dict__, "pages": pages})


def _ink_ends_padded(words: list[Any], lines: list[Any], pad: float) -> list[Any]:
    """``words`` with each end the recognizer took from the ink (``INK_ENDS``) moved out by ``pad`` x its
    line's height, as ``word_end_pad`` did before such ends were left as found (no neighbour limit)."""
    from ocrplug.geometry import _box, _frame, quad_angle
    from ocrplug.layout import INK_ENDS

    height = {}
    for line in lines:
        rot = _frame(quad_angle(line.quad))
        box = _box(line, rot)
        for w in line.children:
            height[id(w)] = (rot, float(box[3] - box[1]))
    out = []
    for w in words:
        ends = w.attributes.get(INK_ENDS)
        if ends and id(w) in height:
            rot, h = height[id(w)]
            x0, y0, x1, y1 = (float(v) for v in _box(w, rot))
            x0 -= pad * h if ends[0] else 0.0
            x1 += pad * h if ends[1] else 0.0
            corners = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]]) @ rot
            w = w.with_(quad=tuple((float(x), float(y)) for x, y in corners))
        out.append(w)
    return out


def run_set(pipeline: Pipeline, name: str, limit: int | None, pad: float | None = None,
            kept: dict[str, Document] | None = None, pad_ink_ends: float = 0.0) -> dict[str, Any]:
    """Figures of one set; with ``pad``, the documents in ``kept`` (from a run with ``word_end_pad`` 0,
    filled on the first call) are scored with their words widened by ``pad`` instead of running again.
    With ``pad_ink_ends``, ink coverage is also scored with the ink ends padded (:func:`_ink_ends_padded`)."""
    folder = SHARED / "eval" / name
    keep = _Keep(pipeline)
    start = time.perf_counter()
    if pad is None:
        report = evaluate(keep, folder, limit=limit)
    else:
        if not kept:
            evaluate(keep, folder, limit=limit)
            kept.update(keep.docs)  # type: ignore[union-attr]
        keep.docs = {k: _Replay(kept, pad).run(k) for k in kept}  # type: ignore[arg-type]
        report = evaluate(_Replay(kept, pad), folder, limit=limit)  # type: ignore[arg-type]
    out: dict[str, Any] = {"set": name, "images": len(report.images), "seconds": time.perf_counter() - start}
    if pad is not None:
        out["word_end_pad"] = pad
    for level, scores in report.overall.items():
        out[level] = {"P": scores.precision, "R": scores.recall, "H": scores.hmean}
    text = report.overall_text
    out["page_cer"] = text.cer if text is not None else None
    gts = load_dataset(folder, limit)
    if any(gt.has_geometry("word") for gt in gts):
        counts = {"ink": [0, 0], "ink_page_otsu": [0, 0]}
        if pad_ink_ends > 0:
            counts.update({"ink_ends_padded": [0, 0], "ink_ends_padded_page_otsu": [0, 0]})
        for gt in gts:
            doc = keep.docs.get(str(gt.image_path))
            if doc is None or not doc.pages:
                continue
            words = doc.pages[0].regions_at("word")
            gray = cv2.imread(str(gt.image_path), cv2.IMREAD_GRAYSCALE)
            page_ink = ink_mask(gt.image_path)
            variants = [("ink", words)]
            if pad_ink_ends > 0:
                variants.append(("ink_ends_padded",
                                 _ink_ends_padded(words, doc.pages[0].regions_at("line"), pad_ink_ends)))
            for key, boxes in variants:
                for suffix, local in (("", gray), ("_page_otsu", None)):
                    m, i = ink_coverage(list(gt.regions("word")), boxes, page_ink, local)
                    name_ = "ink_page_otsu" if key == "ink" and suffix else key + suffix
                    counts[name_][0] += m
                    counts[name_][1] += i
        for key, (matched, inside) in counts.items():
            out[key] = {"matched": matched, "inside": inside, "share": inside / matched if matched else None}
    return out


def cached_coverage(cache: Path, system: str, name: str, limit: int | None) -> dict[str, Any]:
    """Word-box ink coverage of ``system``'s pages cached by ``accuracy_table.py`` under ``cache`` on the
    set ``name`` (first ``limit`` images): ``{"set", "system", "images", "missing", "ink", "ink_page_otsu"}``
    with ``{"matched", "inside", "share"}`` as in :func:`run_set`. Images without a cached page (not yet
    run, or failed) are counted in ``missing``; the page JSON format is ``Page.to_dict``."""
    from ocrplug.model import Page

    counts = {"ink": [0, 0], "ink_page_otsu": [0, 0]}
    images = missing = 0
    for gt in load_dataset(SHARED / "eval" / name, limit):
        file = cache / system / name / f"{gt.name}.json"
        data = json.loads(file.read_text(encoding="utf-8")) if file.is_file() else {}
        if not data.get("page"):
            missing += 1
            continue
        images += 1
        words = Page.from_dict(data["page"]).regions_at("word")
        gray = cv2.imread(str(gt.image_path), cv2.IMREAD_GRAYSCALE)
        page_ink = ink_mask(gt.image_path)
        for key, local in (("ink", gray), ("ink_page_otsu", None)):
            m, i = ink_coverage(list(gt.regions("word")), words, page_ink, local)
            counts[key][0] += m
            counts[key][1] += i
    out: dict[str, Any] = {"set": name, "system": system, "images": images, "missing": missing}
    for key, (matched, inside) in counts.items():
        out[key] = {"matched": matched, "inside": inside, "share": inside / matched if matched else None}
    return out


def _print(name: str, res: dict[str, Any]) -> None:
    cells = [f"{lv} P/R/H {res[lv]['P']:.3f}/{res[lv]['R']:.3f}/{res[lv]['H']:.3f}" for lv in ("word", "line") if lv in res]
    cer = f"page CER {res['page_cer']:.4f}" if res["page_cer"] is not None else "page CER -"
    ink = ""
    if res.get("ink"):
        ink = f"ink inside {res['ink']['share']:.3f} ({res['ink']['inside']}/{res['ink']['matched']})"
        old = res["ink_page_otsu"]
        ink += f", page-Otsu {old['share']:.3f} ({old['inside']}/{old['matched']})"
    if res.get("ink_ends_padded"):
        new, old = res["ink_ends_padded"], res["ink_ends_padded_page_otsu"]
        ink += (f"; ink ends padded: {new['share']:.3f} ({new['inside']}/{new['matched']}), "
                f"page-Otsu {old['share']:.3f} ({old['inside']}/{old['matched']})")
    pad = f" word_end_pad {res['word_end_pad']:.2f}:" if 'word_end_pad' in res else ''
    print(f"{name} ({res['images']}){pad} {'; '.join(cells)}; {cer}; {ink} [{res['seconds']:.0f} s]", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", default=None, help="preset name (default: the default pipeline)")
    ap.add_argument("--sets", default="funsd,sroie,icdar2015,tesseract_testing",
                    help="comma-separated sets, each optionally NAME:N for its first N images")
    ap.add_argument("--set", dest="overrides", action="append", default=[], help="KEY.PATH=VALUE override")
    ap.add_argument("--pad-values", default=None,
                    help="comma-separated layout.word_end_pad values: run once with 0 and score each value on the "
                    "same pages (the layout step's own widening applied to them)")
    ap.add_argument("--pad-ink-ends", type=float, default=0.0,
                    help="also score ink coverage with the word ends the recognizer took from the ink moved out "
                    "by this many line heights (0.15: word_end_pad before those ends were left as found)")
    ap.add_argument("--json", type=Path, default=None, help="also write the figures as JSON here")
    ap.add_argument("--cache", type=Path, default=None,
                    help="score word-box ink coverage on the pages accuracy_table.py cached here; runs nothing")
    ap.add_argument("--systems", default="fast,swift,accurate", help="with --cache: the cached systems to score")
    args = ap.parse_args()
    if args.cache:
        rows = []
        for item in args.sets.split(","):
            name, _, count = item.partition(":")
            if not (SHARED / "eval" / name).is_dir():
                print(f"skip {name}: {SHARED / 'eval' / name} not found", file=sys.stderr)
                continue
            if not load_dataset(SHARED / "eval" / name, 1)[0].has_geometry("word"):
                continue
            for system in args.systems.split(","):
                res = cached_coverage(args.cache, system, name, int(count) if count else None)
                rows.append(res)
                ink, old = res["ink"], res["ink_page_otsu"]
                share = f"{ink['share']:.3f}" if ink["share"] is not None else "-"
                old_share = f"{old['share']:.3f}" if old["share"] is not None else "-"
                print(f"{name} ({res['images']} cached, {res['missing']} missing) {system}: ink inside {share} "
                      f"({ink['inside']}/{ink['matched']}), page-Otsu {old_share} ({old['inside']}/{old['matched']})",
                      flush=True)
        if args.json:
            args.json.write_text(json.dumps(rows, indent=2))
        return 0
    overrides = [*args.overrides, "renderers=[]"]
    pads = [float(v) for v in args.pad_values.split(",")] if args.pad_values else [None]
    if args.pad_values:
        overrides.append("layout.word_end_pad=0")
    if args.preset:
        pipeline = Pipeline.from_preset(args.preset, overrides)
    else:
        from ocrplug.presets import DEFAULT_PRESET

        pipeline = Pipeline.from_preset(DEFAULT_PRESET, overrides)
    results = []
    for item in args.sets.split(","):
        name, _, count = item.partition(":")
        limit = int(count) if count else None
        if not (SHARED / "eval" / name).is_dir():
            print(f"skip {name}: {SHARED / 'eval' / name} not found", file=sys.stderr)
            continue
        kept: dict[str, Document] = {}
        for pad in pads:
            res = run_set(pipeline, name, limit, pad, kept, args.pad_ink_ends)
            results.append(res)
            _print(name, res)
    with tempfile.TemporaryDirectory() as tmp:
        blank = Path(tmp) / "blank_noise.png"
        blank_noise_page(blank)
        doc = pipeline.run(blank)
        regions = [r for r, _ in doc.pages[0].walk() if r.level in ("word", "line")] if doc.pages else []
        n_lines = sum(r.level == "line" for r in regions)
        n_words = sum(r.level == "word" for r in regions)
        text = " ".join(r.text or "" for r in regions if r.level == "word")
        print(f"blank-noise page: {n_lines} lines, {n_words} words (false positives) {text[:80]!r}")
        results.append({"set": "blank_noise", "lines": n_lines, "words": n_words})
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
