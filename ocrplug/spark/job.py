"""``ocrplug spark run``: a whole job on Spark, writing per-document files and a Parquet dataset, resumably.

The driver validates the config, lists the inputs (local files and folders, or any path Spark reads:
``hdfs://``, ``s3a://``), skips documents an earlier run finished, and sends the rest to the executors as
``binaryFile`` rows. Each task OCRs whole documents (:func:`ocrplug.spark.worker.write_document`): it
feeds the configured renderers the pages in page order, writes the document's page rows to
``OUT/pages.parquet/<stem>.parquet`` and then a marker ``OUT/.ocrplug-spark/<stem>.json``. So ``OUT``
must be a folder every executor can write (local mode, NFS, a mounted bucket).

Resume: a document is skipped when its marker says ``done`` for the same config (hash of everything but
``output`` and ``jobs``) and the same input length and modification time; failed documents are retried.
Markers are written by executors as documents finish, so a killed job loses only documents in flight.
"""

from __future__ import annotations

import functools
import json
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlparse

from ocrplug.errors import ConfigError, InputError
from ocrplug.model import PageFailure
from ocrplug.pipeline import Pipeline, find_inputs
from ocrplug.spark import worker
from ocrplug.spark.rows import STATUS_SCHEMA

__all__ = ["DATASET_DIR", "MARKER_DIR", "SparkJobReport", "run_spark_job"]

DATASET_DIR = "pages.parquet"
"""Folder of the page-results Parquet dataset under the output folder (one file per document)."""

MARKER_DIR = ".ocrplug-spark"
"""Folder of the per-document resume markers under the output folder."""


@dataclass
class SparkJobReport:
    """What ``ocrplug spark run`` did: documents written, skipped (already done) and failures."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failures: list[PageFailure] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    pages_done: int = 0
    startup_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no input, page or renderer failed."""
        return not self.failures


def _is_uri(text: str) -> bool:
    scheme = urlparse(text).scheme
    return len(scheme) > 1 and scheme != "file"


def _expand(inputs: Sequence[str | os.PathLike[str]], extensions: Sequence[str], report: SparkJobReport) -> list[str]:
    """Local files and folders (not recursive, supported suffixes) as absolute paths; URIs as given."""
    paths: list[str] = []
    for item in inputs:
        text = os.fspath(item)
        if _is_uri(text):
            paths.append(text)
            continue
        path = Path(text.removeprefix("file:")).absolute()
        if path.is_dir():
            found = find_inputs(path, extensions)
            if not found:
                report.failures.append(PageFailure(text, None, f"{text}: folder holds no supported files"))
            paths.extend(str(p) for p in found)
        elif path.exists():
            paths.append(str(path))
        else:
            report.failures.append(PageFailure(text, None, f"{text}: no such file or folder"))
    return paths


def _check_out_dir(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / f".ocrplug-spark-probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ConfigError(f"{out_dir}: output folder is not usable: {exc.strerror or exc}") from exc


def _load_markers(marker_dir: Path) -> dict[str, dict[str, Any]]:
    markers: dict[str, dict[str, Any]] = {}
    for path in sorted(marker_dir.glob("*.json")) if marker_dir.is_dir() else ():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            markers[str(data["source"])] = data
        except (OSError, ValueError, KeyError):
            continue  # a marker we cannot read only costs a redo of that document
    return markers


def _stem_of(path: str) -> str:
    parsed = urlparse(path)
    return PurePosixPath(unquote(parsed.path) if parsed.scheme else path).stem or "document"


def _assign_stems(paths: Sequence[str], markers: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Output stems: the one an earlier run used for the same input, else the file's stem made unique."""
    stems = {p: str(markers[p]["stem"]) for p in paths if p in markers and markers[p].get("stem")}
    used = {str(m.get("stem")) for m in markers.values()}
    for path in paths:
        if path in stems:
            continue
        base = _stem_of(path)
        stem, n = base, 2
        while stem in used:
            stem, n = f"{base}-{n}", n + 1
        used.add(stem)
        stems[path] = stem
    return stems


def run_spark_job(
    inputs: Sequence[str | os.PathLike[str]],
    config: Mapping[str, Any],
    out_dir: str | os.PathLike[str] | None = None,
    *,
    source: str = "<config>",
    master: str | None = None,
    resume: bool = True,
    partitions: int | None = None,
    spark: Any = None,
) -> SparkJobReport:
    """Run ``config`` on ``inputs`` with Spark; see the module docstring for what is written where.

    ``out_dir`` defaults to ``output.dir`` of the config, then ``./ocrplug-out``. ``master`` is used
    when this call starts the Spark session (``spark`` None). ``resume=False`` redoes every document.
    ``partitions``: tasks to spread documents over (default: one per document, at most 4 per core).
    Raises ConfigError for a bad config or an unusable output folder (before Spark starts),
    InputError when no input could be listed; page and file failures are in the report.
    """
    pipeline = Pipeline.from_dict(config, source=source)
    cfg = pipeline.to_dict()
    target = Path(out_dir or pipeline.config.output.dir or "ocrplug-out").absolute()
    _check_out_dir(target)
    report = SparkJobReport()
    lister = Pipeline.from_dict(worker.stage_config(cfg), source=source)
    paths = _expand(inputs, lister.supported_extensions, report)
    if not paths:
        raise InputError("no input files to process" + "".join(f"; {f.error}" for f in report.failures))

    started = time.perf_counter()
    if spark is None:
        from ocrplug.spark.frames import spark_session

        spark = spark_session(master, app_name="ocrplug spark run")
    report.startup_seconds = time.perf_counter() - started
    started = time.perf_counter()

    from pyspark.sql import functions as F
    from pyspark.sql.pandas.types import from_arrow_schema

    files = spark.read.format("binaryFile").load(paths)
    listing = files.select("path", "length", "modificationTime").collect()
    digest = worker.config_hash(cfg)
    marker_dir = target / MARKER_DIR
    known = _load_markers(marker_dir)
    markers = known if resume else {}
    todo: list[str] = []
    for row in listing:
        marker = markers.get(row.path)
        if (
            marker is not None
            and marker.get("status") == "done"
            and marker.get("config_hash") == digest
            and marker.get("length") == row.length
            and marker.get("modified_ms") == worker.epoch_ms(row.modificationTime)
        ):
            report.skipped.append(row.path)
        else:
            todo.append(row.path)
    stems = _assign_stems([r.path for r in listing], known)
    if todo:
        parallelism = spark.sparkContext.defaultParallelism
        count = partitions or max(1, min(len(todo), 4 * parallelism))
        body = functools.partial(
            worker.document_batches, config=cfg, out_dir=str(target), dataset_dir=str(target / DATASET_DIR),
            marker_dir=str(marker_dir), stems={p: stems[p] for p in todo}, digest=digest,
        )
        wanted = files.where(F.col("path").isin(todo)).repartition(count)
        for status in wanted.mapInArrow(body, from_arrow_schema(STATUS_SCHEMA)).collect():
            doc = status.asDict()
            report.documents.append(doc)
            report.pages_done += int(doc["pages"]) + int(doc["failed_pages"])
            report.outputs.extend(Path(p) for p in doc["outputs"])
            report.failures.extend(PageFailure(doc["path"], None, e) for e in doc["errors"])
    report.documents.sort(key=lambda d: d["path"])
    report.seconds = time.perf_counter() - started
    return report
