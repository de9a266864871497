"""Run a pipeline over an evaluation set and score every image."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from ocrplug.errors import OcrplugError
from ocrplug.evaluation.dataset import GT_LEVELS, load_dataset
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


def _run_one(pipeline: PipelineLike, path: Path) -> tuple[Page | None, str | None, int]:
    try:
        doc = pipeline.run(path)
    except OcrplugError as exc:
        return None, str(exc), 0
    except Exception as exc:  # one crashing image must not lose the rest of the evaluation
        return None, f"{type(exc).__name__}: {exc}", 0
    if doc.pages:
        return doc.pages[0], None, len(doc.pages)
    if doc.failures:
        return None, "; ".join(f.error for f in doc.failures), 0
    return None, "the pipeline returned no page", 0


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
    outcomes: list[tuple[Page | None, str | None, int, float]] = []
    for i, gt in enumerate(gts):
        start = time.perf_counter()
        page, error, n_pages = _run_one(pipeline, gt.image_path)
        outcomes.append((page, error, n_pages, time.perf_counter() - start))
        if progress is not None:
            progress(i + 1, len(gts), gt.name)

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
    )
