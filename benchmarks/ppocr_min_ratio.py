"""``ppocr``'s ``min_ratio`` (crops padded to at least this width/height) on ground-truth crops of a validation set.

Usage: python benchmarks/ppocr_min_ratio.py [--gt funsd_train] [--limit 600] [--ratios 0,1,1.5,2,3]

Reads every ground-truth word crop and single-row line crop of the first pages of ``--gt`` (default
``funsd_train``, a validation set: issue 28) with ``ppocr`` at each ``min_ratio`` and prints the CER
(Levenshtein / reference length, case-sensitive, summed over items) for all items and for the short
ones (1-3 characters: lone characters, check marks, quantities), plus the CPU seconds of each run.
With ``batch_size`` 1 (the CPU default) a crop narrower than ``min_ratio`` x its height is padded on
the right to that width (with the model's zero input, mid-gray; decoding reads only the crop's own time
steps); wider crops are unchanged.
Skips clearly when the shared sets are absent.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from pathlib import Path

import cv2

HERE = Path(__file__).resolve().parent


def _cer(got: list[str], truth: list[str]) -> float:
    from ocrplug.evaluation.metrics import edit_distance

    dist = sum(edit_distance(g, t) for g, t in zip(got, truth, strict=True))
    return dist / max(1, sum(len(t) for t in truth))


def gt_words(root: Path, limit: int) -> list[tuple[str, tuple[int, int, int, int], str]]:
    """Ground-truth word crops: (image path, box, text) of the first pages of a FUNSD-style set."""
    out = []
    for ann in sorted((root / "annotations").glob("*.json")):
        data = json.loads(ann.read_text())
        image = str(root / "images" / data["image"])
        for w in data.get("words", []):
            xs, ys = [p[0] for p in w["quad"]], [p[1] for p in w["quad"]]
            box = (int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys)))
            if w.get("text", "").strip() and box[2] - box[0] > 1 and box[3] - box[1] > 2:
                out.append((image, box, w["text"].strip()))
        if len(out) >= limit:
            break
    return out[:limit]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--gt", default="funsd_train")
    parser.add_argument("--limit", type=int, default=600)
    parser.add_argument("--ratios", default="0,1,1.5,2,3")
    args = parser.parse_args()
    root = args.shared / "eval" / args.gt
    if not root.is_dir():
        print(f"SKIP: {root} not found (the shared evaluation sets are needed)")
        return 0
    spec = importlib.util.spec_from_file_location("recog_tesseract", HERE / "recog_tesseract.py")
    assert spec and spec.loader
    recog_tesseract = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(recog_tesseract)
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer

    from ocrplug.model import PageImage, Region

    kinds = {
        "words": gt_words(root, args.limit),
        "lines": recog_tesseract.gt_lines(str(args.shared), args.gt, args.limit),
    }
    for kind, items in kinds.items():
        truth = [t for _, _, t in items]
        short = [k for k, t in enumerate(truth) if len(t) <= 3]
        pages: dict[str, list[int]] = {}
        for k, (img, _, _) in enumerate(items):
            pages.setdefault(img, []).append(k)
        print(f"{args.gt} {kind}: {len(items)} ground-truth crops ({len(short)} of 1-3 characters), {len(pages)} pages")
        for ratio in (float(r) for r in args.ratios.split(",")):
            rec = PPOCRRecognizer(PPOCRRecognizerOptions(min_ratio=ratio))
            got = [""] * len(items)
            cpu = time.process_time()
            for img, idx in pages.items():
                arr = cv2.cvtColor(cv2.imread(img), cv2.COLOR_BGR2RGB)
                regions = [Region.from_box(*items[k][1], level="word" if kind == "words" else "line") for k in idx]
                for k, r in zip(idx, rec.recognize(PageImage(arr, 0, img), regions), strict=True):
                    got[k] = r.text or ""
            cpu = time.process_time() - cpu
            print(
                f"  min_ratio {ratio:4.1f}: CER {_cer(got, truth):.4f}  short-item CER "
                f"{_cer([got[k] for k in short], [truth[k] for k in short]):.4f}  CPU {cpu:6.1f} s",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
