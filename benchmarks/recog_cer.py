"""Recognizer CER on the real sets in ../shared/eval (read-only; nothing is copied into the repository).

Usage: python benchmarks/recog_cer.py [--shared ../shared] [--recognizers tesseract,ppocr] [--trocr MODEL]
       [--detector NAME] [--pages-only]

* ``icdar2015_words``: 200 ICDAR 2015 word crops, each read whole as one word region.
* ``handwriting_iam``: the 3 original IAM line images, each read whole as one line region.
* ``tesseract_testing``: whole-page Tesseract (psm 3, as ``tesseract page.tif -``) vs a detector
  (``--detector``, default ``tesseract-layout``) + each recognizer on its crops; page CER after collapsing
  whitespace, so the figures compare reading, not line breaking, plus a bag-of-words CER (words sorted)
  that ignores reading order (a detector that interleaves two columns is not a recognition error).

CER = Levenshtein distance / reference length, summed over the items of a set (case-sensitive).
``--trocr MODEL`` adds TrOCR with a local save_pretrained directory or a cached hub id.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import cv2
import numpy as np


def levenshtein(a: str, b: str) -> int:
    """Edit distance between two strings."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def flat(text: str) -> str:
    """Whitespace collapsed to single spaces."""
    return re.sub(r"\s+", " ", text).strip()


def bag(text: str) -> str:
    """Words sorted alphabetically: a CER on these ignores reading order (columns, region order)."""
    return " ".join(sorted(text.split()))


def load(path: Path) -> np.ndarray:
    """RGB uint8 image."""
    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise SystemExit(f"cannot read {path}")
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def build(name: str, trocr: str | None):
    """A recognizer by name, with defaults (threads kept low on shared machines)."""
    from ocrplug.manager import PluginHost

    host = PluginHost(
        extra_plugins=["ocrplug_tesseract.plugin", "ocrplug_ppocr.plugin", "ocrplug_trocr.plugin"], entry_points=False
    )
    spec = host.components("recognizer")[name]
    extra = {"model": trocr, "device": "cpu"} if name == "trocr" else {}
    if name in ("ppocr", "trocr"):
        extra["threads"] = 2
    return spec.build(spec.options(**extra)), host


def whole_crops(set_dir: Path, level: str, names: list[str] | None = None) -> list[tuple[np.ndarray, str]]:
    """(image, text) of every item of a crop set, optionally only some image stems."""
    items = []
    for ann in sorted((set_dir / "annotations").glob("*.json")):
        data = json.loads(ann.read_text(encoding="utf-8"))
        if names is not None and ann.stem not in names:
            continue
        if level == "word":
            text = data["words"][0]["text"] if data.get("words") else data.get("text", "")
        else:
            text = data.get("text") or " ".join(line["text"] for line in data["lines"])
        items.append((load(set_dir / "images" / data["image"]), text))
    return items


def crop_cer(rec, items: list[tuple[np.ndarray, str]], level: str) -> float:
    """CER of ``rec`` reading each image whole as one region."""
    from ocrplug.model import PageImage, Region

    errors = total = 0
    for img, text in items:
        h, w = img.shape[:2]
        (out,) = rec.recognize(PageImage(img, 0, "crop"), [Region.from_box(0, 0, w, h, level=level)])
        errors += levenshtein(out.text or "", text)
        total += len(text)
    return errors / max(total, 1)


def main() -> None:
    """Print a table of CERs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=str(Path(__file__).resolve().parents[1].parent / "shared"))
    parser.add_argument("--recognizers", default="tesseract,ppocr")
    parser.add_argument("--trocr", default=None, help="TrOCR model dir / cached hub id (adds 'trocr')")
    parser.add_argument(
        "--detector", default="tesseract-layout", help="detector whose crops the recognizers read on the pages"
    )
    parser.add_argument("--pages-only", action="store_true", help="only the Tesseract test pages")
    args = parser.parse_args()
    ev = Path(args.shared) / "eval"
    names = [n for n in args.recognizers.split(",") if n]
    if args.trocr:
        names.append("trocr")

    words = whole_crops(ev / "icdar2015_words", "word")
    iam = whole_crops(ev / "handwriting_iam", "line", ["a01-000u-00", "a01-007-04", "a01-007-06"])
    pages = []
    for ann in sorted((ev / "tesseract_testing" / "annotations").glob("*.json")):
        data = json.loads(ann.read_text(encoding="utf-8"))
        text = data.get("text") or "\n".join(line["text"] for line in data["lines"])
        pages.append((ann.stem, load(ev / "tesseract_testing" / "images" / data["image"]), text))

    from ocrplug.model import PageImage

    rows = []
    from ocrplug.manager import PluginHost

    host = PluginHost()  # every installed plugin: the detector may come from another one
    det_spec = host.components("detector")[args.detector]
    detector = det_spec.build(det_spec.options())
    detections = {stem: detector.detect(PageImage(img, 0, stem)) for stem, img, _ in pages}

    # Reference: Tesseract on the whole page, as its command line does (psm 3).
    from ocrplug_tesseract.engine import TesseractEngine

    engine = TesseractEngine()
    e = b = t = 0
    for _stem, img, text in pages:
        page_text = " ".join(line.text for line in engine.read_page(img, 3))
        e += levenshtein(flat(page_text), flat(text))
        b += levenshtein(bag(page_text), bag(text))
        t += len(flat(text))
    rows.append(("tesseract whole page (psm 3)", "-", "-", e / t, b / t))

    for name in names:
        rec, _ = build(name, args.trocr)
        w_cer = crop_cer(rec, words, "word") if not args.pages_only else "-"
        i_cer = crop_cer(rec, iam, "line") if not args.pages_only else "-"
        e = b = t = 0
        for stem, img, text in pages:
            out = rec.recognize(PageImage(img, 0, stem), detections[stem])
            got = " ".join(r.text or "" for r in out)
            e += levenshtein(flat(got), flat(text))
            b += levenshtein(bag(got), bag(text))
            t += len(flat(text))
        rows.append((f"{name} ({args.detector} crops)", w_cer, i_cer, e / t, b / t))

    print(
        f"{'recognizer':36s} {'ICDAR15 words':>14s} {'IAM lines':>10s} {'pages CER':>10s} {'pages bag-of-words CER':>23s}"
    )
    for name, wa, ia, pc, pb in rows:
        fa = wa if isinstance(wa, str) else f"{wa:.4f}"
        fb = ia if isinstance(ia, str) else f"{ia:.4f}"
        print(f"{name:36s} {fa:>14s} {fb:>10s} {pc:10.4f} {pb:23.4f}")
    print(f"items: {len(words)} word crops, {len(iam)} IAM lines, {len(pages)} Tesseract test pages")


if __name__ == "__main__":
    main()
