"""Narrow column gutters found as long aligned rivers: the constants of ``ocrplug.layout._is_river`` (issue 24).

usage: python benchmarks/narrow_gutters.py --pages DIR [--presets fast,swift] [--cache DIR]
           [--shared ../shared] [--sets funsd_train,icdar2015_val] [--limit 40]

``--pages``: a ``benchmarks/multi_column.py --out DIR`` folder (its pages' truth and each preset's page JSON,
``Page.to_dict``). Each page's lines (blocks flattened; their word children as read) are laid out again
without OCR for each setting of ``_RIVER_ROWS`` (rows beside the gutter), ``_RIVER_ALIGN`` (line heights
within which a side's edge is straight) and ``_RIVER_EDGE`` (share of rows on that edge), plus the river
rule off (``_is_river`` always false: main's behaviour for narrow gutters), and scored by
``multi_column.score``: page CER and pages read column by column. ``--cache``: the cached pages of
``benchmarks/accuracy_table.py`` (``DIR/<system>/<set>/*.json``, validation sets) laid out the same way
and scored by ``ocrplug.evaluation.score_page`` (page CER against the set's reference): the pages whose
text moves against the rule off are counted (a river found where there is no gutter). Relaying out a
page's lines reproduces ``fast``'s and ``swift``'s layout (their lines come from the detector; a line
the first layout split at a gutter is cut there again).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "plugins"), str(ROOT / "benchmarks")]

from table_grid_pairing import lines_of  # noqa: E402

from ocrplug import layout  # noqa: E402
from ocrplug.evaluation import load_dataset, score_page  # noqa: E402
from ocrplug.evaluation.metrics import TextScores  # noqa: E402
from ocrplug.model import Page  # noqa: E402

SETTINGS = [None, *itertools.product((4, 6, 8), (0.05, 0.1, 0.2), (0.5,)), (6, 0.1, 0.7)]


def _apply(setting: tuple[int, float, float] | None, original) -> None:
    if setting is None:
        layout._is_river = lambda *a, **k: False
    else:
        layout._is_river = original
        layout._RIVER_ROWS, layout._RIVER_ALIGN, layout._RIVER_EDGE = setting


def _relaid_text(page: Page) -> Page:
    return page.with_(regions=tuple(layout.layout_regions(lines_of(page.regions))))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=Path, required=True)
    ap.add_argument("--presets", default="fast,swift")
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--sets", default="funsd_train,icdar2015_val")
    ap.add_argument("--limit", type=int, default=40)
    args = ap.parse_args()

    import multi_column

    original = layout._is_river
    saved = (layout._RIVER_ROWS, layout._RIVER_ALIGN, layout._RIVER_EDGE)
    truths = {spec.name: truth for spec, _, truth in multi_column.make_pages(24, 8)}
    pages = []
    for preset in args.presets.split(","):
        for name, truth in truths.items():
            path = args.pages / preset / f"{name}.json"
            if path.is_file():
                pages.append((preset, name, truth, Page.from_dict(json.loads(path.read_text(encoding="utf-8")))))
    cached = []
    if args.cache:
        for system in args.presets.split(","):
            for dataset in args.sets.split(","):
                folder = args.cache / system / dataset
                if not folder.is_dir():
                    continue
                for gt in load_dataset(args.shared / "eval" / dataset, args.limit):
                    path = folder / f"{Path(gt.name).stem}.json"
                    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {"page": None}
                    if data["page"]:
                        levels = tuple(lv for lv in ("word", "line") if gt.has_geometry(lv))
                        cached.append((system, dataset, gt, levels, Page.from_dict(data["page"])))
    base_edits: dict[int, int] = {}
    print("| rows | align | edge | " + " | ".join(f"{p} page CER | {p} column by column" for p in args.presets.split(","))
          + " | validation pages moved (page CER edits +/-) |", flush=True)
    for setting in SETTINGS:
        _apply(setting, original)
        cells = []
        for preset in args.presets.split(","):
            rows = [multi_column.score(truth, _relaid_text(page).text)
                    for p, _, truth, page in pages if p == preset]
            total = TextScores.total(s["text"] for s in rows)
            cells.append(f"{total.cer:.3f} | {sum(s['ok'] for s in rows)} of {len(rows)}")
        moved, delta = 0, 0
        for k, (_, _, gt, levels, page) in enumerate(cached):
            text = score_page(gt, _relaid_text(page), levels=levels, recognition=True).text
            edits = text.char_edits if text is not None else 0
            if setting is None:
                base_edits[k] = edits
            elif edits != base_edits[k]:
                moved += 1
                delta += edits - base_edits[k]
        label = "off | - | -" if setting is None else " | ".join(str(v) for v in setting)
        print(f"| {label} | " + " | ".join(cells) + f" | {moved} ({delta:+d}) |", flush=True)
    _apply(None, original)
    layout._is_river = original
    layout._RIVER_ROWS, layout._RIVER_ALIGN, layout._RIVER_EDGE = saved
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
