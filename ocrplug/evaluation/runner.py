"""Run a pipeline over an evaluation set and score every image."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from ocrplug.errors import OcrplugError
from ocrplug.evaluation.dataset import GT_LEVELS, GroundTruth, load_dataset, unannotated_images
from ocrplug.evaluation.metrics import DONT_CARE_AREA, IOU_THRESHOLD, score_page
from ocrplug.evaluation.report import EvalReport, ImageResult
from ocrplug.model import Document, Page

__all__ = ["PipelineLike", "ProgressFn", "evaluate"]

ProgressFn = Callable[[int, int, str], None]
"""Called after each image with ``(done, total, image name)``."""


class PipelineLike(Protocol):
    """Anything with ``run(path) -> Document``, such as :class:`ocrplug.Pipeline`."""

    def run(self, path: Any) -> Document:
        """OCR one input file."""
        ...


Outcome = tuple[Page | None, str | None, int, float]
"""What running one image gave: its first page (None on failure), error, page count, seconds."""


def _outcome(doc: Document | None, error: str | None, seconds: float) -> Outcome:
    if doc is None:
        return None, error or "the pipeline returned nothing", 0, seconds
    if doc.pages:
        return doc.pages[0], None, len(doc.pages), seconds
    if doc.failures:
        return None, "; ".join(f.error for f in doc.failures), 0, seconds
    return None, "the pipeline returned no page", 0, seconds


def _run_each(pipeline: PipelineLike, gts: list[GroundTruth], progress: ProgressFn | None) -> list[Outcome]:
    """One ``run(path)`` call per image, timed on its own."""
    outcomes: list[Outcome] = []
    for i, gt in enumerate(gts):
        start = time.perf_counter()
        doc, error = None, None
        try:
            doc = pipeline.run(gt.image_path)
        except OcrplugError as exc:
            error = str(exc)
        except Exception as exc:  # one crashing image must not lose the rest of the evaluation
            error = f"{type(exc).__name__}: {exc}"
        outcomes.append(_outcome(doc, error, time.perf_counter() - start))
        if progress is not None:
            progress(i + 1, len(gts), gt.name)
    return outcomes


def _run_batch(pipeline: Any, gts: list[GroundTruth], progress: ProgressFn | None) -> list[Outcome]:
    """All images through ``pipeline.run_many`` (one worker pool for ``jobs > 1``, models loaded once).

    An image's seconds are the wall time between the previous page finishing and its own, so with
    several workers they add up to the run's wall time and pages/s is the real throughput.
    """
    names = {str(gt.image_path): gt.name for gt in gts}
    seconds: dict[str, float] = {}
    last = time.perf_counter()
    started: set[str] = set()

    def on_page(source: str, pages_done: int, total: int | None) -> None:
        nonlocal last
        now = time.perf_counter()
        key = str(source)
        seconds[key] = seconds.get(key, 0.0) + now - last
        last = now
        if key in names and key not in started:
            started.add(key)
            if progress is not None:
                progress(len(started), len(gts), names[key])

    report = pipeline.run_many([gt.image_path for gt in gts], progress=on_page)
    documents = {doc.source: doc for doc in report.documents}
    input_errors: dict[str, str] = {}
    for failure in report.failures:
        if failure.source not in documents:
            input_errors.setdefault(failure.source, failure.error)
    outcomes: list[Outcome] = []
    for gt in gts:
        key = str(gt.image_path)
        outcomes.append(_outcome(documents.get(key), input_errors.get(key), seconds.get(key, 0.0)))
    return outcomes


def evaluate(
    pipeline: PipelineLike,
    dataset_dir: str | Path,
    limit: int | None = None,
    progress: ProgressFn | None = None,
    *,
    iou_threshold: float = IOU_THRESHOLD,
    dont_care_area: float = DONT_CARE_AREA,
) -> EvalReport:
    """Run ``pipeline`` on every image of the set at ``dataset_dir`` (or the first ``limit``) and score it.

    The whole set is validated before any OCR runs. An image the pipeline fails on is recorded with its
    error and scored as an empty page (all its GT missed). Detection is scored at every GT level any
    image of the set has quads for; text is scored when any page came back with text (so a
    detection-only pipeline is not charged a CER of 1).
    """
    gts = load_dataset(dataset_dir, limit)
    levels = tuple(lv for lv in GT_LEVELS if any(g.has_geometry(lv) for g in gts))
    # The real Pipeline streams many inputs through one worker pool; other objects get run() per image.
    run_many = getattr(pipeline, "run_many", None)
    outcomes = _run_batch(pipeline, gts, progress) if callable(run_many) else _run_each(pipeline, gts, progress)

    recognition = any(page is not None and any(r.text is not None for r, _ in page.walk()) for page, *_ in outcomes)
    results: list[ImageResult] = []
    for gt, (page, error, n_pages, seconds) in zip(gts, outcomes, strict=True):
        scores = score_page(
            gt,
            page,
            levels=levels,
            recognition=recognition,
            iou_threshold=iou_threshold,
            dont_care_area=dont_care_area,
        )
        if n_pages > 1:
            note = f"the pipeline returned {n_pages} pages for one image; the first was scored"
            scores = dataclasses.replace(scores, notes=(*scores.notes, note))
        results.append(ImageResult(gt.name, str(gt.image_path), seconds, scores, error))
    return EvalReport(
        dataset=str(dataset_dir),
        images=tuple(results),
        levels=levels,
        recognition=recognition,
        iou_threshold=iou_threshold,
        dont_care_area=dont_care_area,
        unannotated=tuple(unannotated_images(dataset_dir, gts)) if limit is None else (),
    )
