"""Score an OCR pipeline on a folder of images with ground truth (``ocrplug eval``).

Detection: precision, recall and H-mean under the ICDAR 2015 protocol at word and line level.
Recognition: order-free CER/WER (bags of words), end-to-end F1 of matched regions (exact and ignoring
case), and the ordered page CER/WER against the dataset's own reading order (a frozen geometric order
where the set has none). ``compare_reports`` sets two runs side by side. See ``docs/eval.md``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ocrplug.errors import ExitCode
from ocrplug.evaluation.compare import Comparison, ImageDelta, compare_reports
from ocrplug.evaluation.dataset import GroundTruth, GtRegion, load_annotation, load_dataset, normalize_text
from ocrplug.evaluation.metrics import (
    BagScores,
    LevelScores,
    Match,
    PageScores,
    TextScores,
    char_error_rate,
    edit_distance,
    polygon_iou,
    score_detection,
    score_page,
    word_error_rate,
)
from ocrplug.evaluation.report import EvalReport, ImageResult
from ocrplug.evaluation.runner import PipelineLike, ProgressFn, evaluate

__all__ = [
    "BagScores",
    "Comparison",
    "EvalReport",
    "GroundTruth",
    "GtRegion",
    "ImageDelta",
    "ImageResult",
    "LevelScores",
    "Match",
    "PageScores",
    "PipelineLike",
    "ProgressFn",
    "TextScores",
    "char_error_rate",
    "compare_reports",
    "edit_distance",
    "evaluate",
    "load_annotation",
    "load_dataset",
    "normalize_text",
    "polygon_iou",
    "run_compare",
    "run_eval",
    "score_detection",
    "score_page",
    "word_error_rate",
]


def _build_pipeline(config: Any, source: str | None) -> PipelineLike:
    if config is not None and hasattr(config, "run"):
        return config  # already a pipeline (or a test double)
    from ocrplug.config import DEFAULT_CONFIG, load_yaml
    from ocrplug.pipeline import Pipeline

    if config is None:
        data, source = dict(DEFAULT_CONFIG), source or "<default config>"
    elif isinstance(config, str | Path):
        data, source = load_yaml(config), source or str(config)
    elif isinstance(config, Mapping):
        data, source = dict(config), source or "<dict>"
    else:
        raise TypeError(f"config must be a YAML path, a dict, a pipeline or None, not {type(config).__name__}")
    # Resolve the whole config first (a typo in a renderer name is still an error; nothing is built
    # yet), then drop renderers and output: evaluation only needs the pages and writes no files.
    checked = Pipeline.from_dict(data, source=source)
    data = {k: v for k, v in data.items() if k not in ("renderers", "output")} | {"renderers": []}
    return Pipeline.from_dict(data, source=source, host=checked.host)


def run_eval(
    config: Any,
    dataset_dir: str | Path,
    limit: int | None = None,
    as_json: bool = False,
    progress: ProgressFn | None = None,
    source: str | None = None,
) -> tuple[str, int]:
    """What ``ocrplug eval`` does: build the pipeline, evaluate, format; returns ``(text, exit_code)``.

    ``config``: a YAML path, a config dict (``source`` names it in errors), None for the default
    pipeline, or an object with ``run``. Renderers and ``output`` of the config are ignored. The text
    is the JSON report (``as_json``) or a plain-text table; the exit code is 0, or 1 when the pipeline
    failed on any image (those images still count, as empty pages). Configuration and dataset errors
    raise :class:`ocrplug.ConfigError` / :class:`ocrplug.InputError` for the CLI to report.
    """
    pipeline = _build_pipeline(config, source)
    report = evaluate(pipeline, dataset_dir, limit=limit, progress=progress)
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False) if as_json else report.render_text()
    return text, ExitCode.failures if report.failures else ExitCode.ok


def run_compare(a: str | Path, b: str | Path, as_json: bool = False) -> tuple[str, int]:
    """What ``ocrplug eval --compare A B`` does: per-image differences of two ``--json`` reports.

    Returns ``(text, ExitCode.ok)``: a table (or JSON with ``as_json``) of every image in both reports, biggest
    change of the primary figure first, with wins / losses / ties of B against A. Raises
    :class:`ocrplug.InputError` naming a file that is not a report.
    """
    comparison = compare_reports(a, b)
    text = json.dumps(comparison.to_dict(), indent=2) if as_json else comparison.render_text()
    return text, ExitCode.ok
