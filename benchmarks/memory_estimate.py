"""Detector memory estimate (``Detector.estimate_memory``) against measured peak RSS, per page size.

Each case runs in a fresh subprocess: the detector is built, a synthetic page (black text lines on
white) is made, the kernel's peak-RSS mark is reset (``/proc/self/clear_refs`` 5, Linux), one
``detect`` runs, and the peak RSS delta is ``VmHWM`` after minus ``VmRSS`` before (the model and the
page are already in memory, as they are when the host checks a page). The first ``detect`` of a
process is measured, since that is the one that allocates the runtime's buffers.

    python benchmarks/memory_estimate.py            # the 5 page sizes x 3 detectors table
    python benchmarks/memory_estimate.py --fit      # least-squares (base, bytes per pixel) per detector,
                                                    # on other sizes (and db max_side values) than the table

The fit sizes and the table sizes are disjoint, so the table checks the fitted constants
(``MEMORY_BASE``, ``MEMORY_PER_PIXEL`` in each detector module) on pages they were not fitted on.
Linux only. Not a test: the figures go to docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent

#: The checked page sizes (width, height) in pixels: A5 at 150 dpi, A4 at 150 / 300 dpi, letter at 200 dpi
#: and A3 at 300 dpi.
TABLE_SIZES = [(874, 1240), (1240, 1754), (2480, 3508), (1700, 2200), (3508, 4961)]
#: Sizes the constants are fitted on (none of the table's).
FIT_SIZES = [(600, 800), (1000, 1400), (1500, 2000), (2000, 2800), (3000, 4200)]

DETECTORS: dict[str, dict[str, object]] = {"db": {}, "craft": {}, "tesseract-layout": {}}
#: Fit cases per detector: (options, sizes). db caps pages at max_side 2000 and craft at canvas_size 1280,
#: so the fit also varies those to span network sizes (craft takes ~35 s a page here: fewer cases).
FIT_CASES: dict[str, list[tuple[dict[str, object], list[tuple[int, int]]]]] = {
    "db": [({}, FIT_SIZES), ({"max_side": 3008}, FIT_SIZES[2:])],
    "craft": [({}, FIT_SIZES[:1]), ({"canvas_size": 800}, FIT_SIZES[1:2]), ({"canvas_size": 1600}, FIT_SIZES[3:4])],
    "tesseract-layout": [({}, FIT_SIZES)],
}


def _status(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _page(width: int, height: int) -> np.ndarray:
    import cv2

    image = np.full((height, width, 3), 255, np.uint8)
    size = max(height / 1400, 0.5)
    for k, y in enumerate(range(int(80 * size), height - int(40 * size), int(60 * size))):
        cv2.putText(image, f"Line {k} of a synthetic page: text 0123", (int(40 * size), y),
                    cv2.FONT_HERSHEY_SIMPLEX, size, (0, 0, 0), max(1, int(2 * size)))
    return image


def measure(name: str, options: dict[str, object], width: int, height: int) -> dict[str, object]:
    """Child process: build, reset the peak, detect once; estimate and measured peak delta in bytes."""
    from ocrplug.manager import PluginHost
    from ocrplug.model import PageImage

    spec = PluginHost().components("detector")[name]
    detector = spec.build(spec.options.model_validate(options))
    page = PageImage(image=_page(width, height), index=0, source="synthetic")
    estimate = detector.estimate_memory(width, height)
    pixels = detector.memory_pixels(width, height)
    Path("/proc/self/clear_refs").write_text("5")
    before = _status("VmRSS")
    start = time.perf_counter()
    regions = detector.detect(page)
    seconds = time.perf_counter() - start
    peak = _status("VmHWM")
    return {"estimate": estimate, "measured": peak - before, "pixels": pixels, "regions": len(regions), "seconds": seconds}


def run_case(name: str, options: dict[str, object], width: int, height: int) -> dict[str, object]:
    """One case in a fresh interpreter (same environment), its result as a dict."""
    here = str(Path(__file__).parent)
    code = (
        f"import json, sys; sys.path.insert(0, {here!r}); import memory_estimate as m; "
        f"print(json.dumps(m.measure({name!r}, json.loads({json.dumps(options)!r}), {width}, {height})))"
    )
    env = dict(os.environ, OMP_NUM_THREADS=os.environ.get("OMP_NUM_THREADS", "2"))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False)
    if proc.returncode:
        raise RuntimeError(f"{name} {options} {width}x{height} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def fit() -> None:
    """Least-squares base and bytes per pixel of each detector on its FIT_CASES."""
    for name, cases in FIT_CASES.items():
        xs, ys = [], []
        for options, sizes in cases:
            for width, height in sizes:
                r = run_case(name, options, width, height)
                pixels = r["pixels"][0] if isinstance(r["pixels"], list) else r["pixels"]
                xs.append(float(pixels))
                ys.append(float(r["measured"]))
                print(f"{name:17} {options!s:22} {width}x{height}: pixels {pixels:>10,} peak {r['measured'] / 2**20:8.1f} MiB")
        a = np.vstack([np.ones(len(xs)), xs]).T
        (base, per_pixel), *_ = np.linalg.lstsq(a, np.array(ys), rcond=None)
        print(f"{name}: MEMORY_BASE = {base / 2**20:.1f} MiB ({int(base)}), MEMORY_PER_PIXEL = {per_pixel:.1f}\n")


def table() -> None:
    """The checked table: estimate, measured peak RSS delta and their ratio per detector and size."""
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; {time.strftime('%Y-%m-%d')}")
    print("| detector | page (px) | estimate MiB | measured peak MiB | estimate / measured |")
    print("|---|---|---:|---:|---:|")
    worst = 0.0
    for name, options in DETECTORS.items():
        for width, height in TABLE_SIZES:
            r = run_case(name, options, width, height)
            ratio = r["estimate"] / max(r["measured"], 1)
            worst = max(worst, abs(ratio - 1))
            print(f"| {name} | {width} x {height} | {r['estimate'] / 2**20:.0f} | {r['measured'] / 2**20:.0f} | {ratio:.2f} |")
    print(f"\nlargest deviation: {worst:.0%}")


def main() -> None:
    """Print the table, or with ``--fit`` the fitted constants."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fit", action="store_true", help="fit the constants instead of checking them")
    args = parser.parse_args()
    fit() if args.fit else table()


if __name__ == "__main__":
    main()
