"""Spark local[N] versus `ocrplug run --jobs N` and `--jobs 1` on the same pages, in one run.

Usage: python benchmarks/spark_throughput.py [-c config.yaml] [--pages 40] [--cores 2] [--dpi 72]

Input: ``--pages`` PNG files (one page each, made in a temp folder from examples/sample.pdf at ``--dpi``,
top half of each page, so the run fits in a few minutes on a shared 2-core machine). Every run writes
the `text` renderer's files. Measured, all in this one process:

- ``ocrplug run --jobs 1`` and ``--jobs N`` (``Pipeline.run_many``; worker start and model loading
  included, as a user sees it);
- Spark: session start-up (JVM) on its own, then ``ocr_dataframe`` over the ``binaryFile`` rows of the
  folder, one task per file, results written to Parquet, twice on that session: the first job starts
  the Python workers and loads the models, the second reuses them ("once started"). (The page work of
  ``ocrplug spark run`` is this same job; the text files it writes cost a few ms per page.)

Then prints pages/s, Spark's ratio to ``--jobs N`` (goal: >= 0.8 once started), the per-page cost from
the Parquet ``seconds`` column, the Python workers' resident memory, and a scale-out estimate.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from ocrplug.config import DEFAULT_CONFIG, load_yaml
from ocrplug.pipeline import Pipeline

ROOT = Path(__file__).resolve().parent.parent


def make_pages(folder: Path, pages: int, dpi: int) -> list[Path]:
    """``pages`` PNG files cycling through the top halves of examples/sample.pdf's pages."""
    from pdf2image import convert_from_path

    base = convert_from_path(str(ROOT / "examples" / "sample.pdf"), dpi=dpi)
    paths = []
    for i in range(pages):
        img = base[i % len(base)]
        path = folder / f"page{i:03d}.png"
        img.crop((0, 0, img.width, img.height // 2)).convert("L").save(path)
        paths.append(path)
    return paths


def local_run(config: dict[str, Any], folder: Path, out: Path, jobs: int) -> float:
    """Seconds for `ocrplug run --jobs N` on the folder (pipeline build and worker start included)."""
    start = time.perf_counter()
    pipeline = Pipeline.from_dict(config | {"jobs": jobs})
    report = pipeline.run_many([folder], out_dir=out, jobs=jobs)
    elapsed = time.perf_counter() - start
    assert report.ok, report.failures
    return elapsed


def python_worker_rss_mb() -> list[float]:
    """Resident memory (MB) of each live Spark Python worker (pyspark.daemon children), from /proc."""
    sizes = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if "pyspark.daemon" not in cmd and "pyspark.worker" not in cmd:
                continue
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        except OSError:
            continue
    return sorted(sizes, reverse=True)


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", type=Path)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--dpi", type=int, default=72)
    args = parser.parse_args()
    config = load_yaml(args.config) if args.config else dict(DEFAULT_CONFIG)
    config = config | {"renderers": [{"name": "text"}], "output": {}}
    n, cores = args.pages, args.cores
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        make_pages(folder, n, args.dpi)
        one = local_run(config, folder, Path(tmp) / "out1", 1)
        many = local_run(config, folder, Path(tmp) / "outN", cores)

        from ocrplug.spark import ocr_dataframe, spark_session

        start = time.perf_counter()
        spark = spark_session(f"local[{cores}]", app_name="ocrplug-bench", **{"spark.ui.enabled": "false",
                              "spark.ui.showConsoleProgress": "false"})
        spark.sparkContext.setLogLevel("ERROR")
        startup = time.perf_counter() - start
        runs = []
        for i in range(2):
            start = time.perf_counter()
            files = spark.read.format("binaryFile").load(str(folder))
            pages = ocr_dataframe(files, config | {"renderers": []}, partitions=n)
            pages.write.parquet(str(Path(tmp) / f"spark{i}"))
            runs.append(time.perf_counter() - start)
        rss = python_worker_rss_mb()
        result = spark.read.parquet(str(Path(tmp) / "spark1"))
        assert result.where("error is null").count() == n, result.where("error is not null").collect()
        costs = result.selectExpr(
            "avg(seconds) as mean", "percentile_approx(seconds, 0.5) as median"
        ).first()
        spark.stop()

    cold, warm = runs
    print(f"pipeline: detector={config.get('detector')} recognizer={config.get('recognizer')}")
    print(f"{n} pages (PNG, {args.dpi} dpi half pages), {os.cpu_count()} CPUs, Spark local[{cores}]")
    print(f"ocrplug run --jobs 1:      {n / one:.3f} pages/s ({one:.1f} s)")
    print(f"ocrplug run --jobs {cores}:      {n / many:.3f} pages/s ({many:.1f} s)")
    print(f"Spark session start-up:    {startup:.1f} s (JVM, once per application)")
    print(f"Spark job, cold workers:   {n / cold:.3f} pages/s ({cold:.1f} s: Python workers start, models load)")
    print(f"Spark job, warm workers:   {n / warm:.3f} pages/s ({warm:.1f} s)")
    print(f"Spark cold / --jobs {cores}: {many / cold:.2f}   warm / --jobs {cores}: {many / warm:.2f}  (goal >= 0.80)")
    print(f"per-page cost (Parquet `seconds`, detector+recognizer, 1 thread): mean {costs.mean:.3f} s, "
          f"median {costs.median:.3f} s")
    print("Python worker RSS (MB): " + ", ".join(f"{r:.0f}" for r in rss))
    # Scale-out on paper: each core runs one task (one Python worker, 1 thread) at the measured cost.
    per_core = 3600 / costs.mean
    worker_mb = max(rss) if rss else float("nan")
    print(f"estimate: {per_core:.0f} pages/hour per core; executor of C cores needs ~C x {worker_mb:.0f} MB "
          "Python memory (spark.executor.pyspark.memory / memoryOverhead) besides the JVM heap")
    for executors, c in ((1, 4), (4, 4), (16, 4), (64, 4), (64, 8)):
        print(f"  {executors:3d} executors x {c} cores: {executors * c * per_core:,.0f} pages/hour")


if __name__ == "__main__":
    main()
