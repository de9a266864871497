"""The Visual NLP-style ML pipeline (``ocrplug.spark.ml``) versus ``ocr_dataframe`` and ``ocrplug run --jobs N``.

Usage: python benchmarks/spark_ml_throughput.py [--pages 40] [--cores 2] [--dpi 100] [--craft] [--repeats 2]
       python benchmarks/spark_ml_throughput.py --stage-cpu [--pages 8] [--craft]

Input: ``--pages`` PNG files made from examples/sample.pdf as in ``benchmarks/spark_throughput.py`` (top
half of each page, gray). Models: ``pretrained()`` defaults (ocrplug's default detector and recognizer),
or with ``--craft`` the issue's seed settings (``image_text_detector_v2`` -> CRAFT ``craft_mlt_25k``,
scoreThreshold 0.5, textThreshold 0.2, sizeThreshold 10, linkThreshold 0.3, width 500; withRefiner
off: no refiner weights ship offline). Every variant does the same page work: ``ocr_dataframe`` and
``ocrplug run`` get the config the stages run (``input.orientation: none``: the ML stages do not
detect page orientation).

Measured on one Spark ``local[N]`` session (one task per file), after a warm-up job per variant (Python
workers started, models loaded), each job forced with Spark's ``noop`` writer, ``--repeats`` times in
turn: ``ocr_dataframe``; the ML stages BinaryToImage -> ImageTextDetector -> ImageToText (the same work);
the four-stage seed pipeline (+ ImageDrawRegions, which ``ocr_dataframe`` does not do); and the three ML
stages unfused (a ``select("*")`` between stages: page images go to the JVM and back). Then ``ocrplug
run --jobs N`` (``Pipeline.run_many``, worker start and model loading included, text renderer). Prints
pages/s of each (best of the repeats) and the ratios to ``ocr_dataframe``.

``--stage-cpu``: no Spark; the four stages' ``mapInArrow`` bodies fused in one process (as a Python worker
runs them) on ``--pages`` pages, after a warm-up pass (models loaded), and the CPU seconds of each stage
per page (``time.process_time``: all threads of the process, so the figure hardly depends on the load
of a shared machine, unlike the wall times above). Uses only functions main had before the in-memory
drawing, so running it with another checkout first on ``PYTHONPATH`` measures that checkout.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from spark_throughput import local_run, make_pages


def stages(craft: bool) -> tuple[list[Any], dict[str, Any]]:
    """The four seed-style stages and the ocrplug config that does the same page work."""
    from ocrplug.spark.ml import (
        BinaryToImage,
        Color,
        ImageDrawRegions,
        ImageTextDetectorV2,
        ImageToTextV2Opt,
        ImageType,
    )

    binary_to_image = BinaryToImage().setInputCol("content").setOutputCol("image").setImageType(ImageType.TYPE_3BYTE_BGR)
    if craft:
        detector = ImageTextDetectorV2.pretrained("image_text_detector_v2", "en", "clinical/ocr") \
            .setScoreThreshold(0.5).setTextThreshold(0.2).setSizeThreshold(10).setLinkThreshold(0.3).setWidth(500)
        ocr = ImageToTextV2Opt.pretrained("ocr_base_handwritten_v2_opt", "en", "clinical/ocr")
    else:
        detector, ocr = ImageTextDetectorV2.pretrained(), ImageToTextV2Opt.pretrained()
    detector.setInputCol("image").setOutputCol("text_regions")
    ocr.setInputCols(["image", "text_regions"]).setGroupImages(True).setOutputCol("text").setRegionsColumn("text_regions")
    draw = ImageDrawRegions().setInputCol("image").setInputRegionsCol("text_regions") \
        .setOutputCol("image_with_regions").setRectColor(Color.green).setRotated(True)
    config = {
        "input": {"dpi": binary_to_image.getResolution(), "orientation": "none"},
        "detector": detector.component(),
        "recognizer": ocr.component(),
        "renderers": [],
    }
    return [binary_to_image, detector, ocr, draw], config


def stage_cpu(four: list[Any], config: dict[str, Any], folder: Path) -> dict[str, float]:
    """CPU seconds per page of each of the four stages' bodies, fused in this process (see the docstring)."""
    import pyarrow as pa
    from pyspark.sql.pandas.types import from_arrow_schema

    from ocrplug.spark import ml_arrow

    paths = sorted(folder.glob("*.png"))
    files = pa.RecordBatch.from_pydict({"path": [str(p) for p in paths], "content": [p.read_bytes() for p in paths]})
    names = ["BinaryToImage", "ImageTextDetector", "ImageToText", "ImageDrawRegions"]
    spent = dict.fromkeys(names, 0.0)

    def timed(name: str, body: Any) -> Any:
        def run(batches: Any) -> Any:
            out = body(batches)
            while True:
                start = time.process_time()
                try:
                    batch = next(out)
                except StopIteration:
                    return
                spent[name] += time.process_time() - start
                yield batch
        return run

    schema = from_arrow_schema(files.schema)
    bodies = []
    for name, stage in zip(names, four, strict=True):
        body, schema = stage._body(schema)
        bodies.append(timed(name, body))
    chain = ml_arrow.Chain(bodies)
    list(chain([files]))  # warm-up: models load
    spent.update(dict.fromkeys(names, 0.0))
    list(chain([files]))
    # Each stage's next() pulls the stage before it: its own time is its total less the previous stage's.
    own, before = {}, 0.0
    for name in names:
        own[name] = (spent[name] - before) / len(paths)
        before = spent[name]
    return own


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--dpi", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--craft", action="store_true", help="the issue's CRAFT settings instead of the defaults")
    parser.add_argument("--stage-cpu", action="store_true", help="CPU seconds per page of each stage, no Spark")
    args = parser.parse_args()
    n, cores = args.pages, args.cores
    four, config = stages(args.craft)
    three = four[:3]
    for stage in four[:1]:
        stage.setPartitions(n)  # one task per file, as ocr_dataframe(partitions=n)
    if args.stage_cpu:
        with tempfile.TemporaryDirectory() as tmp:
            make_pages(Path(tmp), n, args.dpi)
            own = stage_cpu(four, config, Path(tmp))
        import ocrplug

        print(f"{ocrplug.__file__}: {n} pages, CPU ms per page (process_time, all threads), one process")
        total = sum(own.values())
        for name, seconds in own.items():
            print(f"{name:20s} {1000 * seconds:8.1f} ms/page  {100 * seconds / total:5.1f} %")
        print(f"{'total':20s} {1000 * total:8.1f} ms/page")
        return

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        make_pages(folder, n, args.dpi)

        from ocrplug.spark import ocr_dataframe, spark_session

        spark = spark_session(f"local[{cores}]", app_name="ocrplug-ml-bench", **{
            "spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false"})
        spark.sparkContext.setLogLevel("ERROR")

        def files(limit: int | None = None) -> Any:
            df = spark.read.format("binaryFile").load(str(folder))
            return df.limit(limit) if limit else df

        def fused(chain: list[Any]) -> Any:
            def run(df: Any) -> Any:
                for stage in chain:
                    df = stage.transform(df)
                return df
            return run

        def unfused(chain: list[Any]) -> Any:
            def run(df: Any) -> Any:
                for stage in chain:
                    df = stage.transform(df).select("*")
                return df
            return run

        variants = {
            "ocr_dataframe": lambda df: ocr_dataframe(df, config, partitions=n),
            "ML 3 stages (same work)": fused(three),
            "ML 4 stages (seed pipeline)": fused(four),
            "ML 3 stages unfused": unfused(three),
        }
        for run in variants.values():  # warm-up: workers start, models load
            run(files(2 * cores)).write.format("noop").mode("overwrite").save()
        times: dict[str, list[float]] = {name: [] for name in variants}
        for _ in range(args.repeats):
            for name, run in variants.items():
                start = time.perf_counter()
                df = run(files())
                df.write.format("noop").mode("overwrite").save()
                times[name].append(time.perf_counter() - start)
                print(f"  {name}: {times[name][-1]:.1f} s", flush=True)  # a run cut short keeps its figures
        errors = variants["ML 3 stages (same work)"](files()).where("error is not null").count()
        assert errors == 0, f"{errors} pages failed"
        spark.stop()
        local = local_run(config | {"renderers": [{"name": "text"}]}, folder, Path(tmp) / "out", cores)

    print(f"detector={config['detector']} recognizer={config['recognizer']}")
    print(f"{n} pages (PNG, {args.dpi} dpi half pages of examples/sample.pdf), {os.cpu_count()} CPUs, "
          f"Spark local[{cores}], best of {args.repeats} after a warm-up job")
    base = min(times["ocr_dataframe"])
    for name, values in times.items():
        best = min(values)
        print(f"{name:30s} {n / best:.3f} pages/s (best {best:.1f} s, median {statistics.median(values):.1f} s)"
              f"  ratio to ocr_dataframe {base / best:.2f}")
    print(f"{'ocrplug run --jobs ' + str(cores):30s} {n / local:.3f} pages/s ({local:.1f} s, workers start and "
          f"models load included)  ratio to ocr_dataframe {base / local:.2f}")


if __name__ == "__main__":
    main()
