"""CRAFT per-page speed: network + post-processing on a dense A4 page at 200 dpi, ours vs the official code.

Times, side by side in one run and with the same weights: the official CRAFT-pytorch pipeline
(``imgproc.resize_aspect_ratio`` -> ``normalizeMeanVariance`` -> ``CRAFT`` under ``torch.no_grad`` ->
``craft_utils.getDetBoxes`` -> ``adjustResultCoordinates``), ours through the ``craft`` detector with the
torch backend, and ours with the ONNX Runtime backend. Prints seconds per page and the ratios.

The official code comes from a CRAFT-pytorch checkout (``--official`` or ``$CRAFT_PYTORCH_DIR``; never part
of ocrplug). It imports torchvision and scikit-image only for a layer container and an unused image
loader; this script provides minimal stand-ins for both when they are not installed. Weights: ``--weights``
(an official-format checkpoint), else ../shared/craft-vectors/weights_craft.pt (deterministic weights),
else a seeded random initialisation; speed does not depend on them much, but the box count does.

    python benchmarks/craft_page.py --official /path/to/CRAFT-pytorch [--repeat 3 --threads 2]
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
import tempfile
import time
import types
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
A4_200DPI = (2339, 1654)  # height, width in pixels


def dense_page(seed: int = 0) -> np.ndarray:
    """A white A4 page at 200 dpi covered with lines of random words (RGB uint8)."""
    rng = np.random.default_rng(seed)
    h, w = A4_200DPI
    page = np.full((h, w, 3), 255, np.uint8)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
    y = 120
    while y < h - 120:
        x = 130
        scale = float(rng.uniform(0.8, 1.1))
        while x < w - 260:
            word = "".join(rng.choice(letters, int(rng.integers(2, 10))))
            cv2.putText(page, word, (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 2, cv2.LINE_AA)
            (tw, _), _ = cv2.getTextSize(word, cv2.FONT_HERSHEY_SIMPLEX, scale, 2)
            x += tw + int(rng.integers(18, 30))
        y += int(48 * scale)
    return page


def _install_stand_ins() -> None:
    """Minimal torchvision / scikit-image modules for importing the official code (our own code)."""
    from torch import nn

    if importlib.util.find_spec("torchvision") is None:

        def vgg16_bn(pretrained: bool = False, **_: object) -> types.SimpleNamespace:
            layers: list[nn.Module] = []
            in_ch = 3
            for item in (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"):
                if item == "M":
                    layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
                else:
                    # torchvision uses in-place ReLUs; the official slices rely on that.
                    layers += [
                        nn.Conv2d(in_ch, int(item), 3, padding=1),
                        nn.BatchNorm2d(int(item)),
                        nn.ReLU(inplace=True),
                    ]
                    in_ch = int(item)
            return types.SimpleNamespace(features=nn.Sequential(*layers))

        vgg = types.ModuleType("torchvision.models.vgg")
        vgg.model_urls = {"vgg16_bn": "https://download.pytorch.org/models/vgg16_bn-6c64b313.pth"}
        models = types.ModuleType("torchvision.models")
        models.vgg16_bn = vgg16_bn
        models.vgg = vgg
        tv = types.ModuleType("torchvision")
        tv.models = models
        sys.modules.update({"torchvision": tv, "torchvision.models": models, "torchvision.models.vgg": vgg})
    if importlib.util.find_spec("skimage") is None:
        sk = types.ModuleType("skimage")
        sk.io = types.ModuleType("skimage.io")
        sys.modules.update({"skimage": sk, "skimage.io": sk.io})


def _weights(arg: str | None) -> dict:
    import torch
    from ocrplug_craft.net import CRAFT, read_state_dict

    if arg:
        return read_state_dict(arg)
    shared = ROOT.parent / "shared" / "craft-vectors" / "weights_craft.pt"
    if shared.is_file():
        return {k: v.float() if v.is_floating_point() else v for k, v in read_state_dict(shared).items()}
    print("weights: seeded random initialisation (no --weights and no ../shared)")
    torch.manual_seed(0)
    return CRAFT().state_dict()


def best(times: list[float]) -> float:
    """Best of the measured times."""
    return min(times)


def main() -> int:
    """Run the benchmark; returns the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--official", default=os.environ.get("CRAFT_PYTORCH_DIR"), help="CRAFT-pytorch checkout")
    parser.add_argument("--weights", help="official-format CRAFT checkpoint (default: see the module doc)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--canvas-size", type=int, default=1280)
    parser.add_argument("--no-onnx", action="store_true", help="skip the ONNX Runtime backend")
    args = parser.parse_args()

    import torch
    from ocrplug_craft.backends import OnnxBackend, TorchBackend, export_onnx
    from ocrplug_craft.detector import CraftDetector, CraftOptions
    from ocrplug_craft.net import CRAFT, load_state_dict_checked

    from ocrplug.model import PageImage

    torch.set_num_threads(args.threads)
    cv2.setNumThreads(args.threads)
    image = dense_page()
    page = PageImage(image=image, index=0, source="a4-200dpi")
    sd = _weights(args.weights)
    options = CraftOptions(canvas_size=args.canvas_size, device="cpu")
    net = CRAFT()
    load_state_dict_checked(net, sd, "benchmark weights")
    runners: dict[str, object] = {"ours torch": CraftDetector(options, TorchBackend(net, None, "cpu"))}
    if not args.no_onnx:
        tmp = Path(tempfile.mkdtemp()) / "craft.onnx"
        export_onnx(net, None, tmp)
        runners["ours onnxruntime"] = CraftDetector(options, OnnxBackend(tmp, "cpu", threads=args.threads))

    official = None
    if args.official and (Path(args.official) / "craft.py").is_file():
        _install_stand_ins()
        sys.path.insert(0, str(args.official))
        craft_mod = importlib.import_module("craft")
        imgproc = importlib.import_module("imgproc")
        craft_utils = importlib.import_module("craft_utils")
        off_net = craft_mod.CRAFT()
        off_net.load_state_dict({k: v for k, v in sd.items()})
        off_net.eval()

        def official_page() -> list:
            resized, ratio, _ = imgproc.resize_aspect_ratio(image, args.canvas_size, cv2.INTER_LINEAR, 1.5)
            x = torch.from_numpy(imgproc.normalizeMeanVariance(resized)).permute(2, 0, 1).unsqueeze(0)
            with torch.no_grad():
                y, _ = off_net(x)
            text, link = y[0, :, :, 0].numpy(), y[0, :, :, 1].numpy()
            boxes, _ = craft_utils.getDetBoxes(text, link, 0.7, 0.4, 0.4, False)
            return craft_utils.adjustResultCoordinates(boxes, 1 / ratio, 1 / ratio)

        official = official_page
    else:
        print("official: skipped (give --official /path/to/CRAFT-pytorch or set CRAFT_PYTORCH_DIR)")

    print(
        f"page {image.shape[1]}x{image.shape[0]} (A4, 200 dpi), canvas_size {args.canvas_size}, {args.threads} threads"
    )
    times: dict[str, list[float]] = {name: [] for name in ([*runners, "official"] if official else runners)}
    counts: dict[str, int] = {}
    for _ in range(args.repeat):  # interleaved, so that load changes hit every contender alike
        for name in times:
            t0 = time.perf_counter()
            result = official() if name == "official" else runners[name].detect(page)  # type: ignore[attr-defined]
            times[name].append(time.perf_counter() - t0)
            counts[name] = len(result)
    for name, ts in times.items():
        print(f"{name:<18} {best(ts):7.2f} s/page (best of {len(ts)}), {counts[name]} boxes")
    if official:
        for name in runners:
            print(f"speed-up {name} vs official: {best(times['official']) / best(times[name]):.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
