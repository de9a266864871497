"""Page orientation (issue 14): which detector is right more often, and what it costs per page.

Usage: python benchmarks/orientation.py [--shared ../shared] [--pages 20] [--skip-tesseract] [--skip-cls]

Each of the first N FUNSD test pages is turned by 0, 90, 180 and 270 degrees; every method must give
the clockwise angle that makes it upright again. Methods:

- ``ocrplug`` (the one the pipeline uses, ``ocrplug.orientation.detect_orientation``): axis from the
  shape of the ``db`` regions, sense from the ``ppocr`` recognizer's confidence on the 8 largest.
- ``tesseract-osd``: Tesseract's orientation and script detection (``tesseract IMAGE - --psm 0``,
  its "Rotate:" line; the program, since the tesserocr wheel aborts in OSD with Debian's osd model).
- ``db+cls``: the same axis rule, then the 0/180 text-line classifier shipped in the rapidocr wheel
  (``ch_ppocr_mobile_v2.0_cls_mobile.onnx``, PaddleOCR's 48x192 input) votes on the 8 largest crops.

Seconds per page exclude the detection the pipeline runs anyway (ocrplug and db+cls reuse its regions).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from ocrplug import Pipeline
from ocrplug.crops import CropOptions, crop_regions
from ocrplug.model import PageImage
from ocrplug.orientation import (
    detect_orientation,
    map_regions,
    rotate_image,
    rotate_page,
    sample_lines,
    to_upright,
)

ROOT = Path(__file__).resolve().parent.parent


def tesseract_osd(image: np.ndarray) -> int | None:
    """Clockwise correction angle from Tesseract OSD (None when it cannot decide)."""
    with tempfile.NamedTemporaryFile(suffix=".png") as f:
        cv2.imwrite(f.name, cv2.cvtColor(image, cv2.COLOR_RGB2BGR))
        env = dict(os.environ, OMP_THREAD_LIMIT="1")  # only for the tesseract program (see BRIEF)
        out = subprocess.run(["tesseract", f.name, "-", "--psm", "0"], capture_output=True, text=True, env=env)
    m = re.search(r"Rotate: (\d+)", out.stdout + out.stderr)
    return int(m.group(1)) % 360 if m else None


class LineClassifier:
    """The rapidocr wheel's 0/180 text-line classifier (PaddleOCR cls: 3x48x192, [-1, 1], classes 0/180)."""

    def __init__(self) -> None:
        import importlib.util

        import onnxruntime as ort

        spec = importlib.util.find_spec("rapidocr")
        models = Path(next(iter(spec.submodule_search_locations))) / "models"  # type: ignore[union-attr]
        path = sorted(models.glob("*cls*.onnx"))[0]
        so = ort.SessionOptions()
        so.intra_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), sess_options=so, providers=["CPUExecutionProvider"])

    def flipped(self, crops: list[np.ndarray]) -> list[float]:
        """Probability that each crop is upside down."""
        batch = np.zeros((len(crops), 3, 48, 192), np.float32)
        for k, img in enumerate(crops):
            h, w = img.shape[:2]
            nw = min(192, max(1, int(np.ceil(48 * w / max(h, 1)))))
            r = cv2.resize(img, (nw, 48)).astype(np.float32) / 255.0
            batch[k, :, :, :nw] = ((r - 0.5) / 0.5).transpose(2, 0, 1)
        probs = self.session.run(None, {self.session.get_inputs()[0].name: batch})[0]
        return [float(p[1]) for p in probs]


def cls_orientation(page: PageImage, regions: list, cls: LineClassifier, sample: int = 8) -> int:
    picked, vertical = sample_lines(regions, sample)
    if not picked:
        return 0
    base = 90 if vertical else 0
    turned = rotate_page(page, base)
    mapped = map_regions(picked, lambda p: to_upright(p, base, page.width, page.height), reorder=True)
    crops = crop_regions(turned, mapped, CropOptions(margin=0.1, orientation="quad"))
    votes = cls.flipped([c.image for c in crops])
    return (base + 180) % 360 if float(np.mean(votes)) > 0.5 else base


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(os.environ.get("OCRPLUG_SHARED", ROOT.parent / "shared")))
    ap.add_argument("--pages", type=int, default=20)
    ap.add_argument("--skip-tesseract", action="store_true")
    ap.add_argument("--skip-cls", action="store_true")
    args = ap.parse_args()
    images = sorted((args.shared / "eval" / "funsd" / "images").glob("*.png"))[: args.pages]
    if not images:
        print("skipped: no FUNSD images under", args.shared)
        return 0
    pipe = Pipeline.from_dict({"detector": "db", "recognizer": "ppocr"}).build()
    cls = None if args.skip_cls else LineClassifier()
    methods = ["ocrplug"] + ([] if args.skip_tesseract else ["tesseract-osd"]) + ([] if cls is None else ["db+cls"])
    right = dict.fromkeys(methods, 0)
    seconds = dict.fromkeys(methods, 0.0)
    total = 0
    for path in images:
        upright = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
        for turn in (0, 90, 180, 270):
            truth = (360 - turn) % 360
            page = PageImage(image=np.ascontiguousarray(rotate_image(upright, turn)), index=0, source=path.name)
            regions = pipe.detector.detect(page)
            t = time.perf_counter()
            got = detect_orientation(page, regions, pipe.recognizer.recognize).angle
            seconds["ocrplug"] += time.perf_counter() - t
            right["ocrplug"] += got == truth
            if "tesseract-osd" in methods:
                t = time.perf_counter()
                right["tesseract-osd"] += tesseract_osd(page.image) == truth
                seconds["tesseract-osd"] += time.perf_counter() - t
            if cls is not None:
                t = time.perf_counter()
                right["db+cls"] += cls_orientation(page, regions, cls) == truth
                seconds["db+cls"] += time.perf_counter() - t
            total += 1
    print(f"orientation on {len(images)} FUNSD pages x 4 turns ({total} pages): accuracy, seconds per page")
    for m in methods:
        print(f"  {m}: {right[m] / total:.3f} ({right[m]}/{total}), {seconds[m] / total:.3f} s/page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
