"""CPU seconds per page of each preset on the validation sets: the speed side of the presets' choice.

Usage: python benchmarks/preset_cpu.py [--presets fast,accurate,swift] [--limit icdar2015_val=10,funsd_train=5]

Wall seconds per page (what ``benchmarks/accuracy_table.py`` caches with each page) swing with the load of a
shared machine; the CPU seconds of this process (user + system, all threads) do much less. Each preset is
built once and warmed up on the first image (model loading and int8 caches are not counted), then run on
the first N images of each validation set in turn; the ratio to the cheapest preset is printed.
Skips clearly when the shared sets are absent.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get("OCRPLUG_SHARED", ROOT.parent / "shared")))
    parser.add_argument("--presets", default="fast,accurate,swift")
    parser.add_argument("--limit", default="icdar2015_val=10,funsd_train=5")
    args = parser.parse_args()
    eval_dir = args.shared / "eval"
    if not eval_dir.is_dir():
        print(f"SKIP: {eval_dir} not found (the shared evaluation sets are needed)")
        return 0
    from accuracy_table import PresetSystem

    from ocrplug.evaluation import load_dataset

    limits = {k: int(v) for k, v in (item.split("=", 1) for item in args.limit.split(","))}
    images = [gt.image_path for name, n in limits.items() for gt in load_dataset(eval_dir / name, n)]
    cpu: dict[str, float] = {}
    for preset in args.presets.split(","):
        system = PresetSystem(preset)
        system(images[0])  # warm-up: models, int8 caches, first-call allocations
        start_cpu, start_wall = time.process_time(), time.perf_counter()
        for image in images:
            system(image)
        cpu[preset] = (time.process_time() - start_cpu) / len(images)
        wall = (time.perf_counter() - start_wall) / len(images)
        print(f"{preset:10s} {cpu[preset]:6.2f} CPU s/page  {wall:6.2f} wall s/page  ({len(images)} images)", flush=True)
    cheapest = min(cpu.values())
    print("ratios (CPU): " + ", ".join(f"{p} {c / cheapest:.2f}x" for p, c in cpu.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
