"""Issue 24 (T4's faults): which pages the layout's direction groups and margin-label placement change.

usage: python benchmarks/direction_groups.py --before-tree /work/main [--preset fast]
                                             [--sets funsd_train:40,icdar2015_val:60] [--shared ../shared]

Runs a preset once with this tree's code over the first N images of each set and keeps, per page, the
detector's regions (what ``layout.lines_for_recognition`` joins into lines to be read: a word
detector's words) and the recognized regions handed to ``layout.layout_regions``. The before tree's
``ocrplug/layout.py`` is loaded as a module of its own and both trees' functions run on the same
inputs. Printed per set: pages, pages whose lines to read differ (only a word detector: craft), pages
whose laid-out page (blocks, lines, words, quads to 0.01 px) differs (and of those, where a word's box
or text differs, not only the order), each such page's page CER before -> after, and the set's pooled
page CER (``TextScores`` as ``ocrplug eval``) of both trees' page text against the set's reference
(``GroundTruth.page_text``, this tree's). Where no page differs, the preset's
figures on the set cannot change (recognition and scoring see the same input); where the lines to
read differ, the after column already holds the after tree's recognition of them.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else float("nan")


def _signature(regions: Any) -> list[Any]:
    def sig(r: Any) -> tuple[Any, ...]:
        return (r.level, r.text, tuple(round(c, 2) for p in r.quad for c in p), tuple(sig(c) for c in r.children))

    return [sig(r) for r in regions]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before-tree", required=True, type=Path, help="checkout whose ocrplug/layout.py is 'before'")
    ap.add_argument("--preset", default="fast")
    ap.add_argument("--sets", default="funsd_train:40,icdar2015_val:60")
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("OCRPLUG_SHARED", ROOT / ".." / "shared")))
    args = ap.parse_args()
    eval_root = args.shared / "eval"
    if not eval_root.is_dir():
        print(f"{eval_root}: shared evaluation sets not found (set OCRPLUG_SHARED)", file=sys.stderr)
        return 2

    import ocrplug.processing as processing
    from ocrplug.evaluation import load_dataset
    from ocrplug.evaluation.metrics import TextScores
    from ocrplug.pipeline import Pipeline
    from ocrplug.presets import preset_config

    spec = importlib.util.spec_from_file_location("before_layout", args.before_tree / "ocrplug" / "layout.py")
    assert spec is not None and spec.loader is not None
    before = importlib.util.module_from_spec(spec)
    sys.modules["before_layout"] = before  # dataclasses look their module up
    spec.loader.exec_module(before)

    seen: dict[str, Any] = {}
    to_read, to_layout = processing.lines_for_recognition, processing.layout_regions

    def grab_read(regions: Any, opts: Any = None, image: Any = None) -> Any:
        seen["detected"] = list(regions)
        return to_read(regions, opts, image)

    def grab_layout(regions: Any, opts: Any = None) -> Any:
        seen["recognized"] = list(regions)
        return to_layout(regions, opts)

    processing.lines_for_recognition = grab_read  # type: ignore[assignment]
    processing.layout_regions = grab_layout  # type: ignore[assignment]
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        config = dict(preset_config(args.preset), output={"dir": tmp}, renderers=[])
        pipeline = Pipeline.from_dict(config)
        print(f"preset {args.preset}; before tree {args.before_tree}; after tree {ROOT}")
        for item in args.sets.split(","):
            name, _, n = item.partition(":")
            gts = load_dataset(eval_root / name, int(n) if n else None)
            read_diff = layout_diff = boxes_diff = 0
            totals: dict[str, list[Any]] = {"before": [], "after": []}
            for gt in gts:
                seen.clear()
                pipeline.run(gt.image_path)
                opts = pipeline.config.layout
                if "detected" in seen and _signature(to_read(seen["detected"], opts)) != _signature(
                    before.lines_for_recognition(seen["detected"], opts)
                ):
                    read_diff += 1
                if "recognized" not in seen:
                    continue
                trees = {"before": before.layout_regions(seen["recognized"], opts),
                         "after": to_layout(seen["recognized"], opts)}
                texts = {k: "\n".join(ln.text or "" for b in v for ln in b.children) for k, v in trees.items()}
                ref = gt.page_text
                for k in trees:
                    if ref:
                        totals[k].append(TextScores.of(texts[k], ref))
                if _signature(trees["before"]) == _signature(trees["after"]):
                    continue
                layout_diff += 1
                words = {k: sorted(_signature(w for b in v for ln in b.children for w in ln.children))
                         for k, v in trees.items()}
                boxes_diff += words["before"] != words["after"]
                if ref:
                    print(f"  {gt.image_path.name}: page CER {TextScores.of(texts['before'], ref).cer:.4f} -> "
                          f"{TextScores.of(texts['after'], ref).cer:.4f}")
            cer = {k: TextScores.total(v).cer if v else float("nan") for k, v in totals.items()}
            print(f"{name}: {len(gts)} pages; lines to read differ on {read_diff}; layout differs on "
                  f"{layout_diff} (word boxes or texts on {boxes_diff}); page CER of the set (pooled, as "
                  f"ocrplug eval) {cer['before']:.4f} -> {cer['after']:.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
