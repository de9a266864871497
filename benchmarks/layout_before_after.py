"""Before/after page CER and H-mean of issue 14 (layout), each tree scored against BOTH references.

Usage::

    python benchmarks/layout_before_after.py --before-tree /work/wt/before-tree \\
        [--after-tree .] [--before-config JSON] [--after-config JSON | --after-preset fast|accurate] \\
        [--sets funsd,icdar2015,handwriting_iam] [--limit N | --limits funsd=15,icdar2015=20] \\
        [--shared ../shared] [--json out.json]
    python benchmarks/layout_before_after.py --rescore out.json   # score saved pages again, no OCR

Why: FUNSD and ICDAR 2015 have no reading-order ground truth. ``ocrplug eval`` builds their reference
page text by putting the GT words into reading order with the tree's own ordering code
(``GroundTruth.page_text``: ``geometry.reading_order`` before issue 14, ``layout.order_regions``
after). A "before" and an "after" ``ocrplug eval`` figure are therefore scored against two different
references, and their difference mixes a change of the OCR with a change of the reference.

How: each tree runs in its own subprocess (``PYTHONPATH=<tree>:<tree>/plugins``, this same Python,
one at a time) with its own pipeline config; per image it dumps the page (``Page.to_dict()``, plus the
words and lines as plain dicts), the page text the tree itself gives (``Page.text`` of that tree, so
the before page is read in the before tree's order) and the tree's own reference page text
(``load_dataset(root)[i].page_text``). This process (the after tree's evaluation code) then scores
both trees' pages against both references with ``ocrplug.evaluation.metrics``: page CER
(``TextScores``), detection H-mean (``score_page``, the matching ``ocrplug eval`` uses) and one
order-free figure, the CER of the sorted bags of words (each page's words sorted and joined), which no
reading-order convention moves. Verdicts use the issue's limit: no regression beyond 0.005.

``--limit N`` takes the first N images of every set (natural order, as ``ocrplug eval --limit``);
without it the subsets of ``benchmarks/layout.py`` are used (funsd 15, icdar2015 20, handwriting_iam 7).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 0.005  # issue 14: "no regression of H-mean or page CER beyond 0.005"
DEFAULT_SETS = ("funsd", "icdar2015", "handwriting_iam")
# The subsets of benchmarks/layout.py (first N images, natural order), so figures compare with its table.
SUBSETS = {"funsd": 15, "icdar2015": 20, "handwriting_iam": 7, "sroie": 8, "tesseract_testing": 4}
BEFORE_CONFIG: dict[str, Any] = {"detector": "db", "recognizer": "ppocr"}  # the issue-3 table's pipeline


# --------------------------------------------------------------------------------------------------
# Child: runs inside one tree (its own ocrplug on PYTHONPATH) and dumps pages and its reference.
# Only APIs present both before and after issue 14 are used here.


def _plain(region: Any) -> dict[str, Any]:
    return {
        "level": region.level,
        "text": region.text,
        "quad": [[float(x), float(y)] for x, y in region.quad],
    }


def child(spec_path: Path, out_path: Path) -> int:
    """Run the spec's pipeline on every image of every set and write one JSON line per image."""
    from ocrplug import Pipeline
    from ocrplug.evaluation.dataset import load_dataset

    spec = json.loads(spec_path.read_text(encoding="utf-8"))
    t0 = time.perf_counter()
    pipe = Pipeline.from_dict(spec["config"], source=spec["label"]).build()
    load_s = time.perf_counter() - t0
    with out_path.open("w", encoding="utf-8") as out:
        out.write(json.dumps({"kind": "meta", "load_seconds": load_s}) + "\n")
        for name, limit in spec["sets"]:
            root = Path(spec["shared"]) / "eval" / name
            gts = load_dataset(root, limit)
            for i, gt in enumerate(gts):
                record: dict[str, Any] = {
                    "kind": "image",
                    "set": name,
                    "name": gt.name,
                    "reference": gt.page_text,
                    "page": None,
                    "text": "",
                    "words": [],
                    "lines": [],
                    "error": None,
                }
                t = time.perf_counter()
                try:
                    doc = pipe.run(gt.image_path)
                    if doc.pages:
                        page = doc.pages[0]
                        record["page"] = page.to_dict()
                        record["text"] = page.text
                        record["words"] = [_plain(r) for r in page.regions_at("word")]
                        record["lines"] = [_plain(r) for r in page.regions_at("line")]
                    else:
                        record["error"] = "; ".join(f.error for f in doc.failures) or "no page"
                except Exception as exc:  # one bad image must not cost the others
                    record["error"] = f"{type(exc).__name__}: {exc}"
                record["seconds"] = time.perf_counter() - t
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                out.flush()
                print(f"  [{spec['label']}] {name} {i + 1}/{len(gts)} {gt.name} {record['seconds']:.1f} s", flush=True)
    return 0


# --------------------------------------------------------------------------------------------------
# Parent: the after tree's evaluation code scores both trees' dumps.


def _tree_commit(tree: Path) -> str:
    try:
        rev = subprocess.run(
            ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(tree), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        return rev + ("+dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def run_tree(
    label: str, tree: Path, config: dict[str, Any], sets: list[tuple[str, int | None]], shared: Path
) -> list[dict]:
    """Run ``tree``'s pipeline in a subprocess and return its per-image records (and a meta record)."""
    if not (tree / "ocrplug" / "__init__.py").is_file():
        raise SystemExit(f"{label} tree {tree}: no ocrplug/ package there")
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(tree), str(tree / "plugins")])
    with tempfile.TemporaryDirectory(prefix=f"ocrplug-{label}-") as tmp:
        spec = Path(tmp) / "spec.json"
        out = Path(tmp) / "pages.jsonl"
        spec.write_text(
            json.dumps({"label": label, "config": config, "sets": sets, "shared": str(shared)}), encoding="utf-8"
        )
        print(f"{label}: {tree} ({_tree_commit(tree)}), config {json.dumps(config)}", flush=True)
        # cwd: the tree, so nothing of the caller's directory shadows its modules.
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child", str(spec), str(out)], env=env, cwd=tree
        )
        if proc.returncode != 0:
            raise SystemExit(f"{label} tree {tree}: child process failed with exit status {proc.returncode}")
        return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]


def _load_page(record: dict, counts: dict[str, int]) -> Any:
    """The record's page as an after-tree ``Page`` (``Page.from_dict``; plain regions if that fails)."""
    from ocrplug.model import Page, Region

    if record["page"] is None:
        return None
    try:
        page = Page.from_dict(record["page"])
        counts["from_dict"] += 1
        return page
    except (KeyError, TypeError, ValueError):
        counts["plain"] += 1
        regions = [
            Region(quad=tuple(tuple(p) for p in r["quad"]), level=r["level"], text=r["text"])
            for r in (*record["lines"], *record["words"])
        ]
        p = record["page"]
        return Page(
            index=0, width=p["width"], height=p["height"], source=str(p.get("source", "")), regions=tuple(regions)
        )


def _bag(text: str) -> str:
    from ocrplug.evaluation.dataset import normalize_text

    return " ".join(sorted(normalize_text(text).split()))


def score(records: list[dict], refs: dict[str, dict[str, str]], name: str, shared: Path, limit: int | None) -> dict:
    """Detection per level and page/bag CER of one tree's records of one set, against both references."""
    from ocrplug.evaluation.dataset import GT_LEVELS, load_dataset, normalize_text
    from ocrplug.evaluation.metrics import LevelScores, TextScores, score_page

    gts = {g.name: g for g in load_dataset(shared / "eval" / name, limit)}
    levels = tuple(lv for lv in GT_LEVELS if any(g.has_geometry(lv) for g in gts.values()))
    by_name = {r["name"]: r for r in records if r["kind"] == "image" and r["set"] == name}
    missing = sorted(set(gts) - set(by_name))
    if missing:
        raise SystemExit(f"{name}: no page recorded for {', '.join(missing)}")
    counts = {"from_dict": 0, "plain": 0}
    det: dict[str, list] = {lv: [] for lv in levels}
    text: dict[str, list] = {ref: [] for ref in refs}
    bag: dict[str, list] = {ref: [] for ref in refs}
    errors, seconds = [], 0.0
    for gt_name, gt in gts.items():
        rec = by_name[gt_name]
        seconds += rec["seconds"]
        if rec["error"]:
            errors.append(f"{gt_name}: {rec['error']}")
        page = _load_page(rec, counts)
        # text="" keeps score_page off the text (Page.text of the after tree would lay out a before page
        # again); the page text scored below is the one each tree itself gave.
        ps = score_page(dataclasses.replace(gt, text=""), page, levels=levels, recognition=True)
        for lv in levels:
            if lv in ps.levels:  # as ocrplug eval: an image whose GT of this level lacks quads is not scored
                det[lv].append(ps.levels[lv])
        for ref_label, ref_texts in refs.items():
            reference = ref_texts[gt_name]
            if not normalize_text(reference):
                continue
            text[ref_label].append(TextScores.of(rec["text"], reference))
            bag[ref_label].append(TextScores.of(_bag(rec["text"]), _bag(reference)))
    return {
        "images": len(gts),
        "seconds": seconds,
        "errors": errors,
        "loaded": counts,
        "hmean": {lv: LevelScores.total(lv, det[lv]).hmean for lv in levels if det[lv]},
        "hmean_images": {lv: len(det[lv]) for lv in levels if det[lv]},
        "page_cer": {ref: TextScores.total(text[ref]).cer for ref in refs},
        "bag_cer": {ref: TextScores.total(bag[ref]).cer for ref in refs},
    }


def _verdict(delta: float, higher_is_better: bool) -> str:
    worse = -delta if higher_is_better else delta
    return "REGRESSION" if worse > LIMIT else ("better" if worse < -LIMIT else "ok (within 0.005)")


def _parse_limits(args: argparse.Namespace, sets: list[str]) -> dict[str, int | None]:
    limits: dict[str, int | None] = {s: SUBSETS.get(s) for s in sets}
    if args.limit is not None:
        limits = {s: (args.limit or None) for s in sets}
    for item in filter(None, (args.limits or "").split(",")):
        key, _, value = item.partition("=")
        if key not in limits or not value.isdigit():
            raise SystemExit(f"--limits: expected SET=N for a set of --sets, got {item!r}")
        limits[key] = int(value) or None
    return limits


def _after_default(tree: Path, preset: str | None) -> dict[str, Any]:
    """The after tree's default pipeline (or preset) without renderers/output, read from that tree."""
    code = (
        "import json,sys\n"
        "from ocrplug.config import DEFAULT_CONFIG\n"
        "from ocrplug.presets import preset_config\n"
        "p=sys.argv[1]\n"
        "print(json.dumps(preset_config(p) if p else DEFAULT_CONFIG))\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tree), str(tree / "plugins")]))
    proc = subprocess.run([sys.executable, "-c", code, preset or ""], env=env, cwd=tree, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"cannot read the after tree's default config: {proc.stderr.strip()[-500:]}")
    cfg = json.loads(proc.stdout)
    return {k: v for k, v in cfg.items() if k not in ("renderers", "output")}


def _write_json(
    path: Path,
    trees: dict[str, tuple[Path, dict[str, Any]]],
    limits: dict[str, int | None],
    records: dict[str, list[dict]],
    results: dict,
    verdicts: dict,
    commits: dict[str, str],
    shared: Path,
) -> None:
    data = {
        "trees": {label: {"path": str(t), "commit": commits[label], "config": c} for label, (t, c) in trees.items()},
        "limits": limits,
        "shared": str(shared),
        "results": results,
        "verdicts": verdicts,
        "records": records,
    }
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _json_arg(value: str, flag: str) -> dict[str, Any]:
    try:
        data = json.loads(value)
    except json.JSONDecodeError as exc:
        raise SystemExit(f"{flag}: not JSON ({exc}): {value!r}") from exc
    if not isinstance(data, dict):
        raise SystemExit(f"{flag}: expected a JSON object (a pipeline config dict), got {value!r}")
    return data


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child(Path(argv[1]), Path(argv[2]))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--before-tree", type=Path, default=None, help="checkout without issue 14 (has ocrplug/, plugins/); required"
    )
    ap.add_argument("--after-tree", type=Path, default=ROOT, help="checkout with issue 14 (default: this repo)")
    ap.add_argument(
        "--before-config", default=json.dumps(BEFORE_CONFIG), help="JSON pipeline dict (default: %(default)s)"
    )
    ap.add_argument(
        "--after-config", default=None, help="JSON pipeline dict (default: the after tree's default pipeline)"
    )
    ap.add_argument("--after-preset", choices=("fast", "accurate"), default=None, help="after pipeline = this preset")
    ap.add_argument("--sets", default=",".join(DEFAULT_SETS), help="comma-separated sets of <shared>/eval")
    ap.add_argument("--limit", type=int, default=None, help="first N images of every set (0: all; default: subsets)")
    ap.add_argument("--limits", default=None, help="per set, e.g. funsd=15,icdar2015=20 (after --limit)")
    ap.add_argument(
        "--shared", type=Path, default=None, help="shared data folder (default: $OCRPLUG_SHARED or ../shared)"
    )
    ap.add_argument("--json", type=Path, default=None, help="also write figures and per-image records here")
    ap.add_argument(
        "--rescore", type=Path, default=None, help="score the records of an earlier --json file again, run no OCR"
    )
    args = ap.parse_args(argv)

    if args.after_config and args.after_preset:
        ap.error("give --after-config or --after-preset, not both")
    shared_default = Path(os.environ.get("OCRPLUG_SHARED", ROOT.parent / "shared"))
    shared_given = args.shared is not None
    args.shared = (args.shared or shared_default).resolve()
    after_tree = args.after_tree.resolve()
    # The parent scores with the after tree's evaluation code (this repo's unless --after-tree says otherwise).
    sys.path[:0] = [str(after_tree), str(after_tree / "plugins")]
    records: dict[str, list[dict]] = {}
    if args.rescore:
        saved = json.loads(args.rescore.read_text(encoding="utf-8"))
        records = saved["records"]
        trees = {label: (Path(t["path"]), t["config"]) for label, t in saved["trees"].items()}
        limits = saved["limits"]
        sets = list(limits)
        commits = {label: t["commit"] for label, t in saved["trees"].items()}
        if "shared" in saved and not shared_given:
            args.shared = Path(saved["shared"])
        print(f"rescoring the pages recorded in {args.rescore} (no OCR run)")
    else:
        if args.before_tree is None:
            ap.error("--before-tree is required (a checkout without issue 14)")
        sets = [s for s in args.sets.split(",") if s]
        for s in sets:
            if not (args.shared / "eval" / s / "annotations").is_dir():
                raise SystemExit(f"--sets: {args.shared / 'eval' / s} is not an evaluation set (no annotations/)")
        limits = _parse_limits(args, sets)
        before_cfg = _json_arg(args.before_config, "--before-config")
        if args.after_config:
            after_cfg = _json_arg(args.after_config, "--after-config")
        else:
            after_cfg = _after_default(after_tree, args.after_preset)
        trees = {"before": (args.before_tree.resolve(), before_cfg), "after": (after_tree, after_cfg)}
        commits = {label: _tree_commit(tree) for label, (tree, _) in trees.items()}
        plan = [(s, limits[s]) for s in sets]
        for label, (tree, cfg) in trees.items():
            records[label] = run_tree(label, tree, cfg, plan, args.shared)
            if args.json:  # kept at once, so a failure while scoring never costs the OCR runs (see --rescore)
                _write_json(args.json, trees, limits, records, {}, {}, commits, args.shared)
    refs: dict[str, dict[str, dict[str, str]]] = {s: {} for s in sets}  # set -> ref label -> image -> text
    for label, recs in records.items():
        for r in recs:
            if r["kind"] == "image":
                refs[r["set"]].setdefault(f"{label}-ref", {})[r["name"]] = r["reference"]

    results: dict[str, dict[str, dict]] = {}
    for s in sets:
        results[s] = {label: score(records[label], refs[s], s, args.shared, limits[s]) for label in trees}

    print()
    for label, (tree, cfg) in trees.items():
        print(f"{label + ':':<7} {tree} @ {commits[label]}  config {json.dumps(cfg)}")
    print("before-ref / after-ref: the reference page text each tree's own evaluation builds (GT lines in file")
    print("order where the set has lines; else GT words ordered by that tree's reading-order code).")
    print("bag CER: CER of each page's words sorted alphabetically, against the reference's sorted words")
    print(f"(independent of reading order). Limit for a regression: {LIMIT} (issue 14).")
    print()
    header = f"{'set':<22} {'figure':<40} {'before':>8} {'after':>8} {'delta':>8}  verdict"
    print(header)
    print("-" * len(header))
    verdicts: dict[str, dict[str, str]] = {}
    for s in sets:
        b, a = results[s]["before"], results[s]["after"]
        n = b["images"]
        rows: list[tuple[str, float, float, bool]] = []
        for lv in b["hmean"]:
            scored = b["hmean_images"][lv]
            what = f"{lv} H-mean" + (f" ({scored} img with quads)" if scored != n else "")
            rows.append((what, b["hmean"][lv], a["hmean"][lv], True))
        for ref in ("before-ref", "after-ref"):
            rows.append((f"page CER vs {ref}", b["page_cer"][ref], a["page_cer"][ref], False))
        rows.append(
            (
                "page CER, each vs own ref (eval)",
                b["page_cer"]["before-ref"],
                a["page_cer"]["after-ref"],
                False,
            )
        )
        rows.append(("bag-of-words CER (order-free)", b["bag_cer"]["after-ref"], a["bag_cer"]["after-ref"], False))
        verdicts[s] = {}
        for i, (fig, vb, va, up) in enumerate(rows):
            verdict = _verdict(va - vb, up)
            verdicts[s][fig] = verdict
            label = f"{s} ({n})" if i == 0 else ""
            print(f"{label:<22} {fig:<40} {vb:>8.4f} {va:>8.4f} {va - vb:>+8.4f}  {verdict}")
        same_refs = refs[s]["before-ref"] == refs[s]["after-ref"]
        bag_same = all(_bag(refs[s]["before-ref"][k]) == _bag(refs[s]["after-ref"][k]) for k in refs[s]["before-ref"])
        notes = [
            "the two references are identical" if same_refs else "the two references differ in word order",
        ]
        if not bag_same:
            notes.append("WARNING: the references differ in their words, not only in order")
        for label in trees:
            r = results[s][label]
            if r["errors"]:
                notes.append(f"{label}: {len(r['errors'])} image(s) failed: {'; '.join(r['errors'][:3])}")
            if r["loaded"]["plain"]:
                notes.append(
                    f"{label}: {r['loaded']['plain']} page(s) not readable by Page.from_dict, read as plain regions"
                )
        notes.append(f"seconds: before {b['seconds']:.0f}, after {a['seconds']:.0f}")
        print(f"{'':<22} ({'; '.join(notes)})")
    print()
    print(f"Verdicts (issue 14: no regression of H-mean or page CER beyond {LIMIT}):")
    for s in sets:
        v = verdicts[s]
        hmean = "; ".join(f"{fig}: {verdict}" for fig, verdict in v.items() if "H-mean" in fig)
        by_ref = {ref: v[f"page CER vs {ref}"] for ref in ("before-ref", "after-ref")}
        order_free = v["bag-of-words CER (order-free)"]
        print(
            f"  {s}: {hmean}; page CER against the before tree's reference: {by_ref['before-ref']}, "
            f"against the after tree's reference: {by_ref['after-ref']}; order-free CER: {order_free}"
        )
        if (by_ref["before-ref"] == "REGRESSION") != (by_ref["after-ref"] == "REGRESSION"):
            print(
                "    -> the page-CER verdict flips with the reference: on this set page CER measures agreement "
                f"with a reading-order convention, not the OCR; the order-free CER says: {order_free}"
            )
    if args.json:
        _write_json(args.json, trees, limits, records, results, verdicts, commits, args.shared)
        print(f"figures and per-image records written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
