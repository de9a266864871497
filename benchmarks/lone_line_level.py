"""Lines alone on their row levelled to the page's frame (issue 24 item 2, A10): cached pages re-laid out.

usage: python benchmarks/lone_line_level.py --cache DIR [--systems fast,swift] [--sets funsd_train,icdar2015_val]
           [--limit 40] [--values -1,8]

Each cached page of ``benchmarks/accuracy_table.py`` (``DIR/<system>/<set>/*.json``, run it first on the
validation sets) has its lines laid out again by ``ocrplug.layout.layout_regions`` with
``ocrplug.levelling._PAGE_LINE_HEIGHTS`` at each value (-1: the rule off, the layout without it) and is
scored by ``ocrplug.evaluation.score_page`` (page CER against the set's reference). Printed per value:
the set's page CER, the lines whose angle the value changes against the first value (levelled), and each
page whose page-CER edits move, with the lines levelled on it. Exact for detectors that return lines
(``fast``, ``swift``); ``accurate``'s craft words are grouped into lines by the layout, which a re-layout
cannot redo. Pages already laid out are laid out again: what the first run levelled stays level.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import ocrplug.levelling as levelling
from ocrplug.evaluation import load_dataset, score_page
from ocrplug.geometry import quad_angle
from ocrplug.layout import layout_regions
from ocrplug.model import Page

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from table_grid_pairing import lines_of  # noqa: E402  (the page's lines, blocks flattened)


def laid(page: Page) -> tuple[Page, dict[str, float]]:
    """``page`` laid out again, and each line's angle (degrees) by its text and first corner."""
    page = page.with_(regions=tuple(layout_regions(lines_of(page.regions))))
    angles = {f"{r.text}@{r.quad[0][0]:.0f}": math.degrees(quad_angle(r.quad)) for r in lines_of(page.regions)}
    return page, angles


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--systems", default="fast,swift")
    ap.add_argument("--sets", default="funsd_train,icdar2015_val")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--values", default="-1,8")
    ap.add_argument("--all-lone", dest="written_apart", action="store_false",
                    help="level every lone line the rule finds, not only those written apart from their page")
    args = ap.parse_args()
    values = [float(v) for v in args.values.split(",")]
    levelling._LONE_WRITTEN_APART = args.written_apart
    for system in args.systems.split(","):
        for dataset in args.sets.split(","):
            folder = args.cache / system / dataset
            if not folder.is_dir():
                continue
            gts = load_dataset(args.shared / "eval" / dataset, args.limit)
            levels = tuple(lv for lv in ("word", "line") if any(g.has_geometry(lv) for g in gts))
            base: dict[str, tuple[int, dict[str, float]]] = {}
            for value in values:
                levelling._PAGE_LINE_HEIGHTS = value
                edits = ref = turned = 0
                moved = []
                for gt in gts:
                    cached = folder / f"{Path(gt.name).stem}.json"
                    data = json.loads(cached.read_text(encoding="utf-8")) if cached.is_file() else {"page": None}
                    if not data["page"]:
                        continue
                    page, angles = laid(Page.from_dict(data["page"]))
                    text = score_page(gt, page, levels=levels, recognition=True).text
                    if text is None:
                        continue
                    edits, ref = edits + text.char_edits, ref + text.char_ref
                    if gt.name not in base:
                        base[gt.name] = (text.char_edits, angles)
                        continue
                    e0, a0 = base[gt.name]
                    changed = [f"{k.split('@')[0][:40]!r} {a0[k]:.2f}->{a:.2f}" for k, a in angles.items()
                               if k in a0 and abs(a0[k] - a) > 0.01]
                    turned += len(changed)
                    if text.char_edits != e0:
                        moved.append(f"    {Path(gt.name).stem}: edits {e0} -> {text.char_edits}; " + "; ".join(changed))
                print(f"{system}/{dataset} value {value:g}: page CER {edits / max(ref, 1):.4f} ({edits}/{ref}), "
                      f"lines turned against value {values[0]:g}: {turned}", flush=True)
                for m in moved:
                    print(m, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
