"""The accuracy table of record: every preset and two baselines on the shared sets, scored by one code.

Usage (one command, from the repository root):

    python benchmarks/accuracy_table.py [--shared ../shared] [--cache DIR] [--json table.json]
        [--systems fast,accurate,tesseract,rapidocr] [--sets funsd,icdar2015,...] [--limit N|SET=N,...]
        [--no-choice]

Systems: ``NAME`` or ``NAME@KEY=VALUE@...`` for a preset of ``ocrplug.presets`` (with ``--set``-style
overrides), ``tesseract`` (the ``tesseract`` program as a new user runs it: ``tesseract IMAGE stdout
tsv``, its own page segmentation and reading order, ``OMP_THREAD_LIMIT=1`` for that program only) and
``rapidocr`` (the ``rapidocr`` package's ``RapidOCR()`` end to end with ``return_word_box=True``, its
own line order). Every system's pages go through the same ``ocrplug.evaluation.score_page`` and
``EvalReport`` as ``ocrplug eval`` (see docs/eval.md).

Each (system, set) row is printed as soon as it finishes; the markdown table and the presets' choice on
the validation sets (``icdar2015_val`` and ``funsd_train``, presets only; ``--no-choice`` skips it) are
printed at the end. Every page is cached as JSON under ``--cache`` (default ``.bench-logs/accuracy/<commit>``)
so an interrupted run resumes where it stopped; each (system, set) report is also written there in the
``ocrplug eval --json`` format (``<system>/<set>.report.json``), which ``ocrplug eval --compare`` reads.
Skips clearly when the shared sets are absent.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ocrplug.evaluation import EvalReport, GroundTruth, ImageResult, load_dataset, score_page
from ocrplug.evaluation.report import levels_of
from ocrplug.model import Page, Region

ROOT = Path(__file__).resolve().parent.parent
#: The test sets of the table (reporting only) and the validation sets (tuning and the presets' choice).
TABLE_SETS = ("funsd", "icdar2015", "icdar2015_val", "sroie", "tesseract_testing", "handwriting_iam")
VALIDATION_SETS = ("icdar2015_val", "funsd_train")
BASELINES = ("tesseract", "rapidocr")


def _commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def _slug(system: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.=-]+", "_", system.replace("@", "+"))


# --- systems: each maps an image path to a Page ------------------------------------------------------


class PresetSystem:
    """A preset of ``ocrplug.presets`` (with overrides) as ``ocrplug eval`` builds it."""

    def __init__(self, spec: str) -> None:
        from ocrplug.config import apply_overrides
        from ocrplug.pipeline import Pipeline
        from ocrplug.presets import preset_config

        name, *overrides = spec.split("@")
        config = {k: v for k, v in preset_config(name).items() if k not in ("renderers", "output")}
        self.pipeline = Pipeline.from_dict(apply_overrides(config, overrides), source=f"preset {spec}")

    def __call__(self, path: Path) -> Page:
        doc = self.pipeline.run(path)
        if not doc.pages:
            raise RuntimeError("; ".join(f.error for f in doc.failures) or "no page")
        return doc.pages[0]


def _image_size(path: Path) -> tuple[int, int]:
    from PIL import Image

    with Image.open(path) as im:
        return im.size


def _laid_out(path: Path, lines: Iterable[list[Region]]) -> Page:
    """A page of one block per line, in the order the engine gave (so ``Page.text`` keeps that order)."""
    width, height = _image_size(path)
    blocks = []
    for i, words in enumerate(lines):
        if not words:
            continue
        xs = [x for w in words for x, _ in w.quad]
        ys = [y for w in words for _, y in w.quad]
        box = (min(xs), min(ys), max(xs), max(ys))
        line = Region.from_box(*box, level="line", text=" ".join(w.text or "" for w in words), children=tuple(words))
        blocks.append(Region.from_box(*box, level="block", order=i, children=(line,)))
    return Page(index=0, width=width, height=height, source=str(path), regions=tuple(blocks))


class TesseractSystem:
    """The ``tesseract`` program, default page segmentation (``--psm 3``), English, TSV output."""

    def __call__(self, path: Path) -> Page:
        env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
        out = subprocess.run(
            ["tesseract", str(path), "stdout", "-l", "eng", "tsv"], capture_output=True, text=True, env=env, check=True
        )
        lines: dict[tuple[int, int, int, int], list[Region]] = {}
        for row in csv.DictReader(io.StringIO(out.stdout), delimiter="\t", quoting=csv.QUOTE_NONE):
            text = (row.get("text") or "").strip()
            if row["level"] != "5" or not text:
                continue
            left, top, w, h = (float(row[k]) for k in ("left", "top", "width", "height"))
            conf = float(row["conf"])
            word = Region.from_box(
                left, top, left + w, top + h, level="word", text=text, confidence=conf / 100 if conf >= 0 else None
            )
            key = tuple(int(row[k]) for k in ("page_num", "block_num", "par_num", "line_num"))
            lines.setdefault(key, []).append(word)  # type: ignore[arg-type]
        return _laid_out(path, lines.values())


class RapidOcrSystem:
    """The ``rapidocr`` package end to end (``RapidOCR()(image, return_word_box=True)``)."""

    def __init__(self) -> None:
        import logging

        from rapidocr import RapidOCR

        self.engine = RapidOCR()
        logging.getLogger("RapidOCR").setLevel(logging.WARNING)

    def __call__(self, path: Path) -> Page:
        result = self.engine(str(path), return_word_box=True)
        lines: list[list[Region]] = []
        for line_words in result.word_results or ():
            if line_words and isinstance(line_words[0], str):
                # no text found: rapidocr 3.10 gives ``(("", 1.0, None),)``, one bare item instead of a line of them
                continue
            words = []
            for item in line_words:
                if not isinstance(item, (tuple, list)) or len(item) != 3:  # an empty detection: an empty tuple
                    continue
                text, score, quad = item
                if text and text.strip():
                    words.append(Region(quad=quad, level="word", text=text.strip(), confidence=min(max(score, 0), 1)))
            lines.append(words)
        return _laid_out(path, lines)


def make_system(spec: str) -> Any:
    """The callable for a system name (see the module doc)."""
    if spec == "tesseract":
        return TesseractSystem()
    if spec == "rapidocr":
        return RapidOcrSystem()
    return PresetSystem(spec)


# --- running with a per-image cache ------------------------------------------------------------------


def run_cached(spec: str, gts: list[GroundTruth], folder: Path) -> list[tuple[Page | None, str | None, float]]:
    """Pages of ``spec`` on ``gts``; images with a cache file in ``folder`` are not run again."""
    folder.mkdir(parents=True, exist_ok=True)
    system = None
    out = []
    for gt in gts:
        cached = folder / f"{gt.name}.json"
        if cached.is_file():
            data = json.loads(cached.read_text(encoding="utf-8"))
        else:
            if system is None:
                system = make_system(spec)
            start = time.perf_counter()
            page, error = None, None
            try:
                page = system(gt.image_path)
            except Exception as exc:  # one failing image must not lose the rest of the table
                error = f"{type(exc).__name__}: {exc}"
            seconds = time.perf_counter() - start
            data = {"page": page.to_dict() if page else None, "error": error, "seconds": seconds}
            tmp = cached.with_suffix(".tmp")
            tmp.write_text(json.dumps(data), encoding="utf-8")
            tmp.replace(cached)
        page = Page.from_dict(data["page"]) if data["page"] else None
        out.append((page, data["error"], data["seconds"]))
    return out


def score(dataset: Path, gts: list[GroundTruth], runs: list[tuple[Page | None, str | None, float]]) -> EvalReport:
    """The same scoring as ``ocrplug eval`` (``score_page`` per image, counts summed in ``EvalReport``)."""
    levels = tuple(lv for lv in ("word", "line") if any(g.has_geometry(lv) for g in gts))
    results = []
    for gt, (page, error, seconds) in zip(gts, runs, strict=True):
        scores = score_page(gt, page, levels=levels, recognition=True)
        results.append(ImageResult(gt.name, str(gt.image_path), seconds, scores, error))
    return EvalReport(
        dataset=str(dataset), images=tuple(results), levels=levels_of(results) or levels, recognition=True
    )


def summarize(report: EvalReport) -> dict[str, Any]:
    """The table's cells of one (system, set) report."""
    data = report.to_dict()
    overall = data["overall"]
    level = next(iter(report.levels), None)
    det = overall["detection"].get(level) if level else None
    text = overall.get("text") or {}
    bag = overall.get("bag") or {}
    return {
        "images": data["pages"],
        "failed": data["failed"],
        "level": level,
        "hmean": det["hmean"] if det else None,
        "e2e_f1": det.get("e2e_f1") if det else None,
        "e2e_f1_nocase": det.get("e2e_f1_nocase") if det else None,
        "bag_cer": bag.get("cer"),
        "bag_wer": bag.get("wer"),
        "page_cer": text.get("cer"),
        "reference": text.get("reference"),
        "s_per_page": data["seconds"] / max(data["pages"], 1),
    }


def _f(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def table(rows: dict[tuple[str, str], dict[str, Any]]) -> str:
    """Markdown table: one row per (set, system)."""
    out = [
        "| set | system | level | H-mean | e2e F1 exact / no case | order-free CER / WER | page CER (reference) | s/page |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for (dataset, system), r in rows.items():
        ordered = r["reference"] in ("text", "lines")
        page = f"{_f(r['page_cer'])} ({r['reference']})" if r["page_cer"] is not None else "-"
        if not ordered and r["page_cer"] is not None:
            page = f"({_f(r['page_cer'])} geometric)"
        failed = f" ({r['failed']} failed)" if r["failed"] else ""
        out.append(
            f"| {dataset} ({r['images']}){failed} | {system} | {r['level'] or '-'} | {_f(r['hmean'])} | "
            f"{_f(r['e2e_f1'])} / {_f(r['e2e_f1_nocase'])} | {_f(r['bag_cer'])} / {_f(r['bag_wer'])} | {page} | "
            f"{r['s_per_page']:.2f} |"
        )
    return "\n".join(out)


def choice(rows: dict[tuple[str, str], dict[str, Any]], presets: list[str]) -> str:
    """The presets' choice on the validation sets: lowest mean order-free CER unless > 2x slower per page."""

    def mean(system: str, key: str) -> float:
        values = [rows[(s, system)][key] for s in VALIDATION_SETS if (s, system) in rows]
        values = [v for v in values if v is not None]
        return sum(values) / len(values) if values else float("inf")

    ranked = sorted(presets, key=lambda p: (mean(p, "bag_cer"), -mean(p, "e2e_f1")))

    def per_set(system: str) -> str:
        return ", ".join(
            f"{s} {rows[(s, system)]['bag_cer']:.4f}"
            for s in VALIDATION_SETS
            if (s, system) in rows and rows[(s, system)]["bag_cer"] is not None
        )

    lines = [
        f"{p}: mean order-free CER {mean(p, 'bag_cer'):.4f} ({per_set(p)}), mean e2e F1 {mean(p, 'e2e_f1'):.4f}, "
        f"mean H-mean {mean(p, 'hmean'):.4f}, {mean(p, 's_per_page'):.2f} s/page"
        for p in ranked
    ]
    if len(ranked) < 2:
        return "\n".join(lines)
    best, runner = ranked[0], ranked[1]
    margin = mean(runner, "bag_cer") - mean(best, "bag_cer")
    slower = mean(best, "s_per_page") / mean(runner, "s_per_page")
    pick = runner if slower > 2.0 else best
    why = "more than 2x: the runner-up is chosen" if slower > 2.0 else "not more than 2x"
    lines.append(
        f"choice on {', '.join(VALIDATION_SETS)}: {pick} ({best} has the lowest mean order-free CER, margin "
        f"{margin:.4f} over {runner}; {best} takes {slower:.2f}x {runner}'s wall time per page, {why}; rule: "
        "lowest mean order-free CER unless > 2x slower; wall times swing with load: "
        "benchmarks/preset_cpu.py measures the CPU ratio)"
    )
    return "\n".join(lines)


def main() -> int:
    """Run every (system, set), printing rows as they finish, then the table and the presets' choice."""
    from ocrplug.presets import PRESETS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get("OCRPLUG_SHARED", ROOT.parent / "shared")))
    parser.add_argument("--cache", type=Path, help="page cache folder (default .bench-logs/accuracy/<commit>)")
    parser.add_argument("--systems", default=",".join([*PRESETS, *BASELINES]))
    parser.add_argument("--sets", default=",".join(TABLE_SETS))
    parser.add_argument(
        "--limit", help="first N images of each set (estimates), or per set: icdar2015_val=60,funsd_train=20"
    )
    parser.add_argument("--no-choice", action="store_true", help="skip the presets on funsd_train and the choice")
    parser.add_argument("--json", type=Path, help="write every row as JSON here")
    args = parser.parse_args()
    eval_dir = args.shared / "eval"
    if not eval_dir.is_dir():
        print(f"SKIP: {eval_dir} not found (the shared evaluation sets are needed)")
        return 0
    cache = args.cache or ROOT / ".bench-logs" / "accuracy" / _commit()
    systems = args.systems.split(",")
    presets = [s for s in systems if s not in BASELINES]
    jobs = [(d, s) for d in args.sets.split(",") for s in systems]
    if not args.no_choice:
        jobs += [(d, s) for d in VALIDATION_SETS for s in presets if (d, s) not in jobs]
    print(f"commit {_commit()}, cache {cache}", flush=True)
    limits: dict[str, int | None] = {}
    if args.limit and "=" in args.limit:
        limits = {k: int(v) for k, v in (item.split("=", 1) for item in args.limit.split(","))}
    elif args.limit:
        limits = {d: int(args.limit) for d, _ in jobs}
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for dataset, system in jobs:
        gts = load_dataset(eval_dir / dataset, limits.get(dataset))
        folder = cache / _slug(system) / dataset
        runs = run_cached(system, gts, folder)
        report = score(eval_dir / dataset, gts, runs)
        (cache / _slug(system) / f"{dataset}.report.json").write_text(
            json.dumps(report.to_dict(), indent=1, ensure_ascii=False), encoding="utf-8"
        )
        rows[(dataset, system)] = summarize(report)
        print(f"{dataset:18s} {system:28s} {json.dumps(rows[(dataset, system)])}", flush=True)
    print()
    print(table({k: v for k, v in rows.items() if k[0] in args.sets.split(",")}))
    if not args.no_choice:
        print()
        print(choice(rows, presets))
    if args.json:
        args.json.write_text(json.dumps([{"set": d, "system": s, **r} for (d, s), r in rows.items()], indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
