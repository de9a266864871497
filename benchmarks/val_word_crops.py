"""The word-crop constants re-checked on validation word crops cut from ``icdar2015_val`` (issue 28).

Usage: python benchmarks/val_word_crops.py [--shared ../shared] [--limit 300] [--only db,tesseract,craft]
       [--craft-limit 200]

``db`` ``max_scale`` / ``margin``, ``craft`` ``margin`` / its 128 px small-image bound and the ``tesseract``
recognizer's single-word ``psm`` were chosen on ``icdar2015_words``, a test set. This builds a validation
set of word crops the way ``icdar2015_words`` is cut (its SOURCE.md: each crop is the axis-aligned
bounding box of the word's quadrilateral, no padding, so the text touches the frame): every word of the
``icdar2015_val`` images (ICDAR 2015 test images 101-300, in name order) that is not ``ignore`` / ``###``,
clipped to the image, at least 3 px each way, until ``--limit`` crops. The crops and their annotations
(one word, its quad moved into the crop) are written to a temporary directory under /tmp, never into the
repository, and removed afterwards.

Scoring, as docs/db.md "Small images" and docs/recognizers.md did on ``icdar2015_words``:

* ``db``: ``ocrplug eval CROPS --preset fast --set detector.options.NAME=VALUE`` in process
  (:func:`ocrplug.evaluation.run_eval`): word H-mean (IoU 0.5) and page CER of each setting.
* ``craft``: the same with ``--preset accurate`` (``--craft-limit`` crops: CRAFT is slow on CPU); the
  128 px bound is ``ocrplug_craft.detector.SMALL_SIDE``, set for the run in this process.
* ``tesseract``: the ``tesseract`` recognizer reading each whole crop as one word region at each
  ``psm`` (7, 8, 13): CER = Levenshtein distance / reference length summed over the crops (case-sensitive).

Skips clearly when the shared sets are absent.
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import cv2

HERE = Path(__file__).resolve().parent

#: (label, ``--set``-style overrides) of each ``db`` setting docs/db.md "Small images" tried.
DB_SETTINGS: list[tuple[str, dict[str, Any]]] = [
    ("defaults (max_scale 4, margin 16)", {}),
    ("max_scale 2", {"max_scale": 2}),
    ("max_scale 8", {"max_scale": 8}),
    ("margin 8", {"margin": 8}),
    ("margin 32", {"margin": 32}),
    ("margin 0 (cap only)", {"margin": 0}),
]
#: (label, options, SMALL_SIDE) of each ``craft`` setting.
CRAFT_SETTINGS: list[tuple[str, dict[str, Any], int]] = [
    ("defaults (margin 16, small < 128 px)", {}, 128),
    ("margin 8", {"margin": 8}, 128),
    ("margin 32", {"margin": 32}, 128),
    ("margin 0", {"margin": 0}, 128),
    ("small < 64 px", {}, 64),
    ("small < 256 px", {}, 256),
]
PSMS = (7, 8, 13)


def build_crops(val: Path, out: Path, limit: int) -> int:
    """Cut up to ``limit`` word crops of ``val`` into ``out`` (``images/``, ``annotations/``); returns the count."""
    (out / "images").mkdir(parents=True)
    (out / "annotations").mkdir()
    n = 0
    for ann in sorted((val / "annotations").glob("*.json"), key=lambda p: int(p.stem.split("_")[-1])):
        data = json.loads(ann.read_text(encoding="utf-8"))
        image = cv2.imread(str(val / "images" / data["image"]))
        if image is None:
            raise SystemExit(f"cannot read {val / 'images' / data['image']}")
        h, w = image.shape[:2]
        for word in data.get("words", []):
            text = word.get("text", "").strip()
            if word.get("ignore") or not text or text == "###":
                continue
            xs, ys = [p[0] for p in word["quad"]], [p[1] for p in word["quad"]]
            x0, y0 = max(0, math.floor(min(xs))), max(0, math.floor(min(ys)))
            x1, y1 = min(w, math.floor(max(xs)) + 1), min(h, math.floor(max(ys)) + 1)
            if x1 - x0 < 3 or y1 - y0 < 3:
                continue
            n += 1
            name = f"word_{n}"
            cv2.imwrite(str(out / "images" / f"{name}.png"), image[y0:y1, x0:x1])
            quad = [[min(max(px - x0, 0), x1 - x0 - 1), min(max(py - y0, 0), y1 - y0 - 1)] for px, py in word["quad"]]
            entry = {"text": text, "quad": quad, "ignore": False}
            record = {"image": f"{name}.png", "width": x1 - x0, "height": y1 - y0, "words": [entry], "lines": []}
            (out / "annotations" / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")
            if n >= limit:
                return n
    return n


def eval_preset(
    crops: Path, preset: str, options: dict[str, Any], limit: int | None = None
) -> tuple[float, float, float]:
    """(word H-mean, page CER, seconds) of ``ocrplug eval crops --preset PRESET --set detector.options...``."""
    from ocrplug.evaluation import run_eval
    from ocrplug.presets import preset_config

    config = copy.deepcopy(preset_config(preset))
    config["detector"].setdefault("options", {}).update(options)
    t0 = time.perf_counter()
    text, _ = run_eval(config, crops, limit=limit, as_json=True, source=f"preset {preset} + {options}")
    overall = json.loads(text)["overall"]
    return overall["detection"]["word"]["hmean"], overall["text"]["cer"], time.perf_counter() - t0


def run_db(crops: Path) -> None:
    print("db (--preset fast): word H-mean, page CER")
    for label, options in DB_SETTINGS:
        h, cer, s = eval_preset(crops, "fast", options)
        print(f"  {label:38s} H {h:.3f}  CER {cer:.3f}  ({s:.0f} s)", flush=True)


def run_craft(crops: Path, limit: int) -> None:
    import ocrplug_craft.detector as craft_detector

    print(f"craft (--preset accurate, first {limit} crops): word H-mean, page CER")
    saved = craft_detector.SMALL_SIDE
    try:
        for label, options, small in CRAFT_SETTINGS:
            craft_detector.SMALL_SIDE = small
            h, cer, s = eval_preset(crops, "accurate", options, limit=limit)
            print(f"  {label:38s} H {h:.3f}  CER {cer:.3f}  ({s:.0f} s)", flush=True)
    finally:
        craft_detector.SMALL_SIDE = saved


def run_tesseract(crops: Path) -> None:
    from ocrplug_tesseract.options import TesseractRecognizerOptions
    from ocrplug_tesseract.recognizer import TesseractRecognizer

    from ocrplug.evaluation.metrics import edit_distance
    from ocrplug.model import PageImage, Region

    items = []
    for ann in sorted((crops / "annotations").glob("*.json"), key=lambda p: int(p.stem.split("_")[-1])):
        data = json.loads(ann.read_text(encoding="utf-8"))
        img = cv2.cvtColor(cv2.imread(str(crops / "images" / data["image"])), cv2.COLOR_BGR2RGB)
        items.append((img, data["words"][0]["text"]))
    total = sum(len(t) for _, t in items)
    print("tesseract recognizer, each whole crop read as one word region: CER")
    for psm in PSMS:
        rec = TesseractRecognizer(TesseractRecognizerOptions(psm=psm))
        t0 = time.perf_counter()
        errors = 0
        for img, text in items:
            h, w = img.shape[:2]
            (out,) = rec.recognize(PageImage(img, 0, "crop"), [Region.from_box(0, 0, w, h, level="word")])
            errors += edit_distance(out.text or "", text)
        print(f"  psm {psm:2d}  CER {errors / max(total, 1):.4f}  ({time.perf_counter() - t0:.0f} s)", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared")
    parser.add_argument("--limit", type=int, default=300, help="word crops to cut (default 300)")
    parser.add_argument("--only", default="db,tesseract", help="comma list of db, tesseract, craft")
    parser.add_argument("--craft-limit", type=int, default=200, help="crops read by craft (default 200)")
    args = parser.parse_args()
    val = args.shared / "eval" / "icdar2015_val"
    if not (val / "annotations").is_dir():
        print(f"SKIP: {val} not found (set --shared to the shared data directory)")
        return 0
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    unknown = parts - {"db", "tesseract", "craft"}
    if unknown:
        parser.error(f"--only: unknown part(s) {', '.join(sorted(unknown))}")
    with tempfile.TemporaryDirectory(prefix="ocrplug-val-words-") as tmp:
        crops = Path(tmp) / "crops"
        n = build_crops(val, crops, args.limit)
        heights = sorted(cv2.imread(str(p)).shape[0] for p in (crops / "images").glob("*.png"))
        print(f"{n} validation word crops from {val} ({heights[0]}-{heights[-1]} px high, median {heights[n // 2]})")
        if "db" in parts:
            run_db(crops)
        if "tesseract" in parts:
            run_tesseract(crops)
        if "craft" in parts:
            run_craft(crops, min(args.craft_limit, n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
