"""int8 DBNet vs fp32 on ONNX Runtime: fp32 boxes kept and CPU seconds per page, in one run.

Quantizes the default ``db`` model (rapidocr's PP-OCRv6_det_small.onnx) with each recipe of
:data:`ocrplug_db.quantize.RECIPES` from the shipped activation ranges, and runs the ``db`` detector with
the fp32 model and each int8 one, page by page in turn, on ``funsd_train`` pages after the calibration
pages (validation data only). A fp32 box is kept when a box of the variant overlaps it with IoU >= 0.8
(axis-aligned boxes of the line quads). CPU seconds of this process per page (detection: network +
post-processing), after a warm-up page; ``--threads`` sets the intra-op threads of every session.

``--calibrate`` first computes the ranges again (the shipped file
``plugins/ocrplug_db/PP-OCRv6_det_small.int8-calibration.json``) on the first 6 pages of ``funsd_train``
and of ``icdar2015_val``, pre-processed as detection with ``--max-side``, and writes them there.

    nice -n 10 python benchmarks/db_int8.py [--pages 8] [--threads 1] [--max-side 1024] [--calibrate]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("OCRPLUG_SHARED", ROOT.parent / "shared"))
#: Smallest IoU at which a fp32 box counts as kept.
KEPT_IOU = 0.8
#: Calibration pages per set (the first ones, sorted by name); the comparison uses the pages after them.
CALIBRATION_PAGES = 6


def load_page(path: Path):
    from ocrplug.model import PageImage

    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise SystemExit(f"cannot read {path}")
    return PageImage(image=cv2.cvtColor(image, cv2.COLOR_BGR2RGB), index=0, source=path.name)


def images(name: str) -> list[Path]:
    folder = SHARED / "eval" / name / "images"
    found = sorted(p for p in folder.glob("*") if p.suffix.lower() in {".png", ".jpg", ".jpeg"})
    if not found:
        raise SystemExit(f"no images in {folder}: set OCRPLUG_SHARED to the shared data folder")
    return found


def calibration_batches(max_side: int) -> list[np.ndarray]:
    """Network inputs of the calibration pages, exactly as the detector makes them."""
    from ocrplug_db.detector import DbDetector, DbOptions

    batches: list[np.ndarray] = []

    def record(batch: np.ndarray) -> np.ndarray:
        batches.append(batch)
        return np.zeros((batch.shape[0], batch.shape[2], batch.shape[3]), np.float32)

    detector = DbDetector(DbOptions(max_side=max_side), model=record)
    for path in images("funsd_train")[:CALIBRATION_PAGES] + images("icdar2015_val")[:CALIBRATION_PAGES]:
        detector.probability_maps([load_page(path)])
    return batches


def kept(reference: list, ours: list) -> int:
    """How many reference boxes (x0, y0, x1, y1) have a box of ours with IoU >= KEPT_IOU."""
    if not reference or not ours:
        return 0
    a, b = np.array(reference)[:, None], np.array(ours)[None]
    inter = np.clip(np.minimum(a[..., 2], b[..., 2]) - np.maximum(a[..., 0], b[..., 0]), 0, None) * np.clip(
        np.minimum(a[..., 3], b[..., 3]) - np.maximum(a[..., 1], b[..., 1]), 0, None
    )
    area = lambda x: (x[..., 2] - x[..., 0]) * (x[..., 3] - x[..., 1])  # noqa: E731
    iou = inter / (area(a) + area(b) - inter + 1e-9)
    return int((iou.max(axis=1) >= KEPT_IOU).sum())


def main() -> int:
    import onnxruntime
    from ocrplug_db.detector import DbDetector, DbOptions
    from ocrplug_db.loading import DEFAULT_MODEL_SHA256, DbModel, default_model_path
    from ocrplug_db.quantize import INT8_RECIPE, RECIPES, SHIPPED_CALIBRATION, quantize_int8

    from ocrplug.api import onnx_session

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=8, help="funsd_train pages compared (after the calibration ones)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--max-side", type=int, default=1024, help="the detector's max_side (swift: 1024)")
    parser.add_argument("--recipes", default=",".join(RECIPES))
    parser.add_argument("--calibrate", action="store_true", help="compute and write the shipped ranges first")
    args = parser.parse_args()
    ranges = Path(sys.modules["ocrplug_db.quantize"].__file__).parent / SHIPPED_CALIBRATION[DEFAULT_MODEL_SHA256]
    source = default_model_path()
    with tempfile.TemporaryDirectory(prefix="db-int8-") as tmp:
        if args.calibrate:
            ranges.unlink(missing_ok=True)
            quantize_int8(source, Path(tmp) / "calibrated.onnx", calibration_cache=ranges,
                          batches=calibration_batches(args.max_side))
            print(f"wrote {ranges}")
        files = {"fp32": source}
        for recipe in args.recipes.split(","):
            files[recipe] = quantize_int8(source, Path(tmp) / f"{recipe}.onnx", calibration_cache=ranges, recipe=recipe)

        def detector(path: Path) -> DbDetector:
            session = onnx_session(path, threads=args.threads, release_memory=True)
            model = DbModel(session, session.get_inputs()[0].name, session.get_outputs()[0].name, path)
            return DbDetector(DbOptions(max_side=args.max_side), model=model)

        detectors = {name: detector(path) for name, path in files.items()}
        pages = [load_page(p) for p in images("funsd_train")[CALIBRATION_PAGES : CALIBRATION_PAGES + args.pages]]
        for d in detectors.values():
            d.detect(pages[0])  # warm-up
        seconds = dict.fromkeys(detectors, 0.0)
        counts = {name: [0, 0, 0] for name in detectors}  # kept, fp32 boxes, boxes found
        for page in pages:
            reference: list = []
            for name, d in detectors.items():
                start = time.process_time()
                boxes = [r.bbox for r in d.detect(page)]
                seconds[name] += time.process_time() - start
                if name == "fp32":
                    reference = boxes
                counts[name][0] += kept(reference, boxes)
                counts[name][1] += len(reference)
                counts[name][2] += len(boxes)
    print(f"onnxruntime {onnxruntime.__version__}; {args.threads} thread(s); max_side {args.max_side}; "
          f"{len(pages)} funsd_train pages; int8 default: {INT8_RECIPE}")
    print("| model | boxes | fp32 boxes kept (IoU >= 0.8) | CPU s / page | CPU vs fp32 |\n|---|---|---|---|---|")
    for name in detectors:
        k, n, found = counts[name]
        print(f"| {name} | {found} | {k}/{n} = {k / n:.3f} | {seconds[name] / len(pages):.3f} | "
              f"{seconds[name] / seconds['fp32']:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
