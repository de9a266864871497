"""Pages per second of a pipeline with --jobs 1 versus --jobs N, measured in one run.

Usage: python benchmarks/pipeline_throughput.py [-c config.yaml] [--pages 8] [--jobs 2]

Input: a PDF of N copies of the pages of examples/sample.pdf (made in a temp folder), so the figure is
reproducible without ../shared. Prints pages/s for each job count and the speed-up ratio.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from PIL import Image

from ocrplug import Pipeline
from ocrplug.config import load_config

ROOT = Path(__file__).resolve().parent.parent


def make_pdf(folder: Path, pages: int) -> Path:
    """A PDF with ``pages`` pages cycling through the sample document's pages."""
    from pdf2image import convert_from_path

    base = convert_from_path(str(ROOT / "examples" / "sample.pdf"), dpi=150)
    images: list[Image.Image] = [base[i % len(base)].convert("L") for i in range(pages)]
    path = folder / "bench.pdf"
    images[0].save(path, save_all=True, append_images=images[1:], resolution=150)
    return path


def measure(config: dict, pdf: Path, jobs: int) -> float:
    """Seconds for one full run of ``pdf`` with ``jobs`` workers (worker start-up included)."""
    pipeline = Pipeline.from_dict({**config, "jobs": jobs, "renderers": [], "output": {}})
    start = time.perf_counter()
    report = pipeline.run_many([pdf], out_dir=pdf.parent / f"out{jobs}")
    elapsed = time.perf_counter() - start
    assert report.ok, report.failures
    return elapsed


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", type=Path)
    parser.add_argument("--pages", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    config = load_config(args.config).data  # the file layered over the default, as `ocrplug run -c`
    with tempfile.TemporaryDirectory() as tmp:
        pdf = make_pdf(Path(tmp), args.pages)
        config = {**config, "input": {**config.get("input", {}), "dpi": 150}}
        one = measure(config, pdf, 1)
        many = measure(config, pdf, args.jobs)
    print(f"pipeline: detector={config.get('detector')} recognizer={config.get('recognizer')}")
    print(f"{args.pages} pages, {os.cpu_count()} CPUs")
    print(f"--jobs 1: {args.pages / one:.3f} pages/s ({one:.1f} s)")
    print(f"--jobs {args.jobs}: {args.pages / many:.3f} pages/s ({many:.1f} s)")
    print(f"speed-up jobs {args.jobs} vs 1: {one / many:.2f}x")


if __name__ == "__main__":
    main()
