"""The confidence cascade on ground-truth line crops: threshold choice (train split) and test figures.

Usage: python benchmarks/cascade.py [--shared ../shared] [--pages 20] [--choose] [--threshold T]
       [--first tesseract] [--second ppocr] [--threads 1]

Sets (read-only from ../shared/eval, nothing copied into the repository):

* ``funsd_train`` (``--choose``): the FUNSD entities that lie on one text line (as in
  ``benchmarks/ppocr_speed.py``) of the first ``--pages`` training pages. Every line is read by both
  recognizers once; each candidate threshold is then applied to those readings (a line goes to the
  second reader when the first reads it with confidence below the threshold, or reads nothing; with
  ``--confidence lowest_word``, the lowest confidence of its words). Three thresholds are printed: the
  lowest whose CER is within 5 %, 10 % (the ``cascade`` component's default) and 25 % (relative) of the
  second reader's alone. The ``swift`` preset's threshold is chosen by whole-page word recall instead
  (``benchmarks/whole_process.py --set funsd_train``); this table gives its line CER and cost.
* ``funsd`` (test) and ``sroie`` (``lines`` of its annotations): the ``first``, the ``second`` and the
  ``cascade`` recognizer (threshold ``--threshold``, default the option's) each read every line, one
  ``recognize`` call per page as a pipeline does: CER, CPU ms per line (one thread each) and the share
  of lines the cascade sent to the second reader.

CER = Levenshtein distance / reference length summed over a set (case-sensitive, whitespace collapsed).
Never choose a threshold on a test set: ``--choose`` reads only ``funsd_train``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ppocr_speed import funsd_pages
from recog_cer import flat, levenshtein, load


def sroie_pages(folder: Path, limit: int) -> list:
    """(image, [], line regions + texts) of the first ``limit`` SROIE receipts."""
    from ocrplug.model import Region

    out = []
    for ann in sorted((folder / "annotations").glob("*.json"))[:limit]:
        data = json.loads(ann.read_text(encoding="utf-8"))
        lines = [
            (Region(quad=np.asarray(line["quad"], float), level="line"), line["text"])
            for line in data["lines"]
            if line["text"].strip()
        ]
        out.append((load(folder / "images" / data["image"]), [], lines))
    return out


def build(name: str, options: dict, threads: int):
    """A recognizer by name from the installed plugins."""
    from ocrplug.config import plugin_host

    spec = plugin_host().component("recognizer", name)
    if "threads" in spec.options.model_fields and "threads" not in options:
        options = {**options, "threads": threads}
    return spec.build(spec.options.model_validate(options))


def read_all(rec, pages) -> tuple[list, float]:
    """Every line of ``pages`` read by ``rec``: ([(region, truth)], CPU seconds of this process).

    CPU, not wall, time: on a shared, overloaded machine the wall time of a one-thread reader mostly
    measures the other processes."""
    from ocrplug.model import PageImage

    out = []
    seconds = 0.0
    for k, (img, _, lines) in enumerate(pages):
        if not lines:
            continue
        start = time.process_time()
        read = rec.recognize(PageImage(img, k, "bench"), [r for r, _ in lines])
        seconds += time.process_time() - start
        out.extend(zip(read, [t for _, t in lines], strict=True))
    return out, seconds


def cer(pairs) -> float:
    errors = sum(levenshtein(flat(r.text or ""), flat(t)) for r, t in pairs)
    return errors / max(1, sum(len(flat(t)) for _, t in pairs))


def choose(args: argparse.Namespace, shared: Path) -> None:
    from ocrplug.cascade import first_confidence

    pages = funsd_pages(shared / "eval" / "funsd_train", args.pages)
    first = build(args.first, args.first_options, args.threads)
    second = build(args.second, args.second_options, args.threads)
    a, ta = read_all(first, pages)
    b, tb = read_all(second, pages)
    n = len(a)
    print(f"funsd_train: {n} lines of {len(pages)} pages; {args.first} {1000 * ta / n:.1f} ms/line, "
          f"{args.second} {1000 * tb / n:.1f} ms/line")
    print(f"{args.first} alone CER {cer(a):.4f}; {args.second} alone CER {cer(b):.4f}")
    print(f"confidence compared: {args.confidence}")
    print("| threshold | share to second | CER | est. CPU ms/line |\n|---|---|---|---|")
    tolerances = (1.05, 1.10, 1.25)
    chosen: dict[float, float | None] = dict.fromkeys(tolerances)
    for t in [0.0, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.96, 0.98, 1.01]:
        low = [not (ra.text or "").strip() or first_confidence(ra, args.confidence) < t for ra, _ in a]
        mix = [(rb if lo and ((rb.text or "").strip() or not (ra.text or "").strip()) else ra, tr)
               for (ra, tr), (rb, _), lo in zip(a, b, low, strict=True)]
        share = sum(low) / n
        c = cer(mix)
        print(f"| {t:.2f} | {share:.3f} | {c:.4f} | {1000 * (ta + share * tb) / n:.1f} |")
        for tol in tolerances:
            if chosen[tol] is None and c <= tol * cer(b):
                chosen[tol] = t
    for tol in tolerances:
        print(f"chosen threshold (lowest with CER <= {tol:.2f} x {args.second} alone = {tol * cer(b):.4f}): {chosen[tol]}")


def test_sets(args: argparse.Namespace, shared: Path) -> None:
    from ocrplug.cascade import CascadeOptions, CascadeRecognizer

    sets = {"funsd": funsd_pages(shared / "eval" / "funsd", args.pages), "sroie": sroie_pages(shared / "eval" / "sroie", args.pages)}
    extra = {"threshold": args.threshold} if args.threshold is not None else {}
    extra["confidence"] = args.confidence
    first_options = {"threads": args.threads, **args.first_options}
    second_options = {"threads": args.threads, **args.second_options}
    cascade = CascadeRecognizer(CascadeOptions(first={"name": args.first, "options": first_options},
                                               second={"name": args.second, "options": second_options}, **extra))
    readers = {args.first: build(args.first, args.first_options, args.threads),
               args.second: build(args.second, args.second_options, args.threads), "cascade": cascade}
    print(f"cascade threshold {cascade.options.threshold} ({args.confidence}); {args.first} then {args.second}; {args.threads} thread(s)")
    print("| set | lines | reader | CER | CPU ms/line | share to second |\n|---|---|---|---|---|---|")
    for name, pages in sets.items():
        for label, rec in readers.items():
            pairs, seconds = read_all(rec, pages)
            share = ""
            if label == "cascade":
                share = f"{sum(r.attributes.get('reader') == args.second for r, _ in pairs) / max(1, len(pairs)):.3f}"
            print(f"| {name} | {len(pairs)} | {label} | {cer(pairs):.4f} | {1000 * seconds / max(1, len(pairs)):.1f} | {share} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get("OCRPLUG_SHARED", "../shared")))
    parser.add_argument("--pages", type=int, default=20, help="pages (receipts) per set")
    parser.add_argument("--choose", action="store_true", help="choose the threshold on funsd_train")
    parser.add_argument("--threshold", type=float, help="the cascade's threshold on the test sets")
    parser.add_argument("--first", default="tesseract")
    parser.add_argument("--second", default="ppocr")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--confidence", default="region", choices=["region", "lowest_word"],
                        help="the cascade's confidence option (what is compared with the threshold)")
    parser.add_argument("--first-options", type=json.loads, default={}, help='JSON options of the first reader')
    parser.add_argument("--second-options", type=json.loads, default={},
                        help='JSON options of the second reader, e.g. \'{"precision": "int8"}\'')
    args = parser.parse_args()
    if not (args.shared / "eval").is_dir():
        raise SystemExit(f"no shared evaluation sets under {args.shared} (set --shared or OCRPLUG_SHARED)")
    if args.choose:
        choose(args, args.shared)
    else:
        test_sets(args, args.shared)


if __name__ == "__main__":
    main()
