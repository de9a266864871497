"""Speed of the CRAFT link refiner: what ``refiner: true`` adds to a page, in fp32 and in the fastest precision.

With the refiner on, the detector does two things more than without it: the refiner's forward pass (on
CRAFT's maps and features) and a second post-processing pass (lines from the refined link map, with
polygons). Both are timed here on one real page's canvas, each the best of ``--repeat`` runs, next to
what the page costs without the refiner:

- fp32: CRAFT torch fp32 forward + word post-processing (without) vs the refiner torch fp32 forward +
  the line post-processing (added);
- int8 (the fastest CPU precision, ``backend: onnx``): the int8 CRAFT model made by ``precision: int8``
  (ONNX Runtime; ranges shipped for ``craft_mlt_25k``) vs the refiner as it runs inside the int8 model,
  in float32 ONNX Runtime (exported alone here), + the line post-processing.

Timing the components instead of two whole detector runs keeps the figure readable on a loaded shared
machine, where one run's noise exceeds the refiner's cost. Page: the first FUNSD test form
(``$OCRPLUG_SHARED`` or ``../shared``), else ``examples/sample.png``; canvas as in detection (1280, 1.5).

    python benchmarks/craft_refiner_speed.py [--repeat 3] [--threads 2] [--no-int8] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("OCRPLUG_SHARED", REPO.parent / "shared"))


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """Best wall seconds of ``repeat`` calls of ``fn`` and its last result."""
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main(argv: list[str] | None = None) -> int:
    """Time the components; print a table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-int8", action="store_true", help="time fp32 only")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)

    import cv2
    import torch
    from ocrplug_craft.backends import fuse_conv_bn
    from ocrplug_craft.detector import regions_from_maps
    from ocrplug_craft.preprocess import resize_aspect_ratio, to_batch
    from ocrplug_craft.refiner import load_refiner_checkpoint
    from ocrplug_craft.weights import resolve_weights

    from ocrplug.manager import PluginHost

    torch.set_num_threads(args.threads)
    funsd = sorted((SHARED / "eval" / "funsd" / "images").glob("*.png"))
    path = funsd[0] if funsd else REPO / "examples" / "sample.png"
    image = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB)
    canvas = resize_aspect_ratio(image, 1280, 1.5)
    batch = to_batch([canvas.image])
    spec = PluginHost().components("detector")["craft"]
    options = spec.options(refiner=True, precision="fp32", device="cpu", threads=args.threads)
    fp32 = spec.build(options).backend
    x = torch.from_numpy(batch).contiguous(memory_format=fp32.memory_format)
    rows: dict[str, Any] = {"page": path.name, "canvas": f"{canvas.image.shape[1]}x{canvas.image.shape[0]}"}

    with torch.inference_mode():
        rows["craft_fp32_s"], (y, feature) = best_of(1, lambda: fp32.craft(x))
        rows["refiner_fp32_s"], refined = best_of(args.repeat, lambda: fp32.refiner(y, feature))
    y_np, refined_np = y.float().numpy()[0], refined[0, ..., 0].float().numpy()
    size = (image.shape[1], image.shape[0])
    rows["post_words_s"], words = best_of(
        args.repeat, lambda: regions_from_maps(y_np[..., 0], y_np[..., 1], None, canvas, size, options))
    rows["post_lines_s"], lines = best_of(
        args.repeat, lambda: regions_from_maps(y_np[..., 0], y_np[..., 1], refined_np, canvas, size, options))
    rows["post_added_s"] = rows["post_lines_s"] - rows["post_words_s"]
    rows["words"], rows["lines"] = len(words), len(lines)

    if not args.no_int8:
        import onnxruntime as ort

        with tempfile.TemporaryDirectory(prefix="ocrplug-refiner-speed-") as home:
            os.environ["OCRPLUG_HOME"] = home  # the int8 model is made here, not in the user's cache
            int8 = spec.build(spec.options(backend="onnx", precision="int8", device="cpu", threads=args.threads)).backend
            rows["craft_int8_s"], _ = best_of(args.repeat, lambda: int8.run(batch))
            refiner = fuse_conv_bn(load_refiner_checkpoint(resolve_weights(options.refiner_weights, "refiner").path))

            class Alone(torch.nn.Module):
                def __init__(self) -> None:
                    super().__init__()
                    self.refiner = refiner

                def forward(self, y: Any, feature: Any) -> Any:
                    return self.refiner(y, feature)

            onnx_path = Path(home) / "refiner.onnx"
            torch.onnx.export(Alone().eval(), (y, feature), str(onnx_path), input_names=["y", "feature"],
                              output_names=["refined"], opset_version=17, dynamo=False)
            so = ort.SessionOptions()
            so.intra_op_num_threads = args.threads
            session = ort.InferenceSession(str(onnx_path), so, providers=["CPUExecutionProvider"])
            feeds = {"y": y.float().numpy(), "feature": feature.float().numpy()}
            rows["refiner_onnx_fp32_s"], _ = best_of(args.repeat, lambda: session.run(None, feeds))

    def share(added: float, base: float) -> str:
        return f"+{added:.2f} s on {base:.2f} s ({100 * added / base:.0f} %)"

    fp32_base = rows["craft_fp32_s"] + rows["post_words_s"]
    fp32_added = rows["refiner_fp32_s"] + rows["post_added_s"]
    rows["fp32_overhead"] = share(fp32_added, fp32_base)
    if "craft_int8_s" in rows:
        int8_base = rows["craft_int8_s"] + rows["post_words_s"]
        rows["int8_overhead"] = share(rows["refiner_onnx_fp32_s"] + rows["post_added_s"], int8_base)
    rows = {k: round(v, 3) if isinstance(v, float) else v for k, v in rows.items()}
    print(json.dumps(rows, indent=2))
    if args.json:
        from ocrplug.io.atomic import write_text_atomic

        write_text_atomic(args.json, json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
