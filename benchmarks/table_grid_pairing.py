"""Choose ``ocrplug.layout._GRID_PAIRING`` (issue 24, T9): re-lay out cached pages at several values.

usage: python benchmarks/table_grid_pairing.py --cache DIR [--systems fast,swift] [--sets funsd_train]
           [--limit 40] [--values 0.5,0.7,0.8,0.9,1.0,1.01] [--t9 WORK]

The layout step only orders what the detector and recognizer found, so a page already read can be
laid out again: each cached page of ``benchmarks/accuracy_table.py`` (``--cache DIR``, its
``DIR/<system>/<set>/*.json``; run it first on the validation sets) has its lines (with their word
boxes) laid out again by ``ocrplug.layout.layout_regions`` with the module constant set to each value,
and is scored by ``ocrplug.evaluation.score_page`` (page CER against the ``geometric`` reference:
rows top to bottom, each left to right; FUNSD is the validation set whose order moves with the
table decision). ``1.01`` switches the grid rule off (no side pairs more than all its rows): the
layout as before it. ``--t9 WORK``: also the pages of ``benchmarks/newuser_pages_t9.py --work WORK``
(its ``out_<preset>/*.json``), WER against their truth in reading order.

Exact for detectors that return lines (``fast``, ``swift``: the layout does not change what is read);
for ``accurate`` the layout also groups craft's words into the lines that are read, which a re-layout
cannot redo. Words are widened by ``word_end_pad`` once more in the re-layout (both sides of every
comparison alike).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import ocrplug.layout as layout
from ocrplug.evaluation import EvalReport, ImageResult, load_dataset, score_page
from ocrplug.model import Page, Region

ROOT = Path(__file__).resolve().parent.parent


def lines_of(regions: tuple[Region, ...] | list[Region]) -> list[Region]:
    """The page's lines (and loose words), blocks flattened."""
    out: list[Region] = []
    for r in regions:
        out += lines_of(r.children) if r.level == "block" else [r]
    return out


def relaid(page: Page) -> Page:
    return page.with_(regions=tuple(layout.layout_regions(lines_of(page.regions))))


def set_cer(folder: Path, dataset: Path, limit: int | None) -> float:
    gts = load_dataset(dataset, limit)
    levels = tuple(lv for lv in ("word", "line") if any(g.has_geometry(lv) for g in gts))
    results = []
    for gt in gts:
        data = json.loads((folder / f"{Path(gt.name).stem}.json").read_text(encoding="utf-8"))
        page = relaid(Page.from_dict(data["page"])) if data["page"] else None
        scores = score_page(gt, page, levels=levels, recognition=True)
        results.append(ImageResult(gt.name, str(gt.image_path), 0.0, scores, data["error"]))
    report = EvalReport(dataset=str(dataset), images=tuple(results), levels=levels, recognition=True).to_dict()
    return float(report["overall"]["text"]["cer"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cache", type=Path, required=True)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--systems", default="fast,swift")
    ap.add_argument("--sets", default="funsd_train")
    ap.add_argument("--limit", type=int, default=40)
    ap.add_argument("--values", default="0.5,0.7,0.8,0.9,1.0,1.01")
    ap.add_argument("--t9", type=Path, help="a newuser_pages_t9.py --work folder")
    args = ap.parse_args()
    values = [float(v) for v in args.values.split(",")]
    truth = {}
    if args.t9:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        import newuser_pages_t9

        truth = newuser_pages_t9.build(args.t9 / "in")
    print("value  " + "  ".join(f"{s}/{d}" for s in args.systems.split(",") for d in args.sets.split(",")) +
          ("  t9 mean WER per preset" if truth else ""))
    for value in values:
        layout._GRID_PAIRING = value
        cells = []
        for system in args.systems.split(","):
            for dataset in args.sets.split(","):
                folder = args.cache / system / dataset
                cells.append(f"{set_cer(folder, args.shared / 'eval' / dataset, args.limit):.4f}" if folder.is_dir() else "-")
        t9 = []
        for out in sorted(args.t9.glob("out_*")) if args.t9 else []:
            wers = []
            for name, lines in truth.items():
                doc = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
                text = " ".join(relaid(Page.from_dict(p)).text for p in doc["pages"])
                wers.append(newuser_pages_t9.scores(lines, text)[0])
            t9.append(f"{out.name[4:]} {sum(wers) / len(wers):.3f}")
        print(f"{value:<6} " + "  ".join(cells) + ("  " + ", ".join(t9) if t9 else ""), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
