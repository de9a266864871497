"""The result of an evaluation run: per-image rows, overall scores, JSON and a table for the CLI."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ocrplug.evaluation.metrics import DONT_CARE_AREA, IOU_THRESHOLD, LevelScores, PageScores, TextScores

__all__ = ["EvalReport", "ImageResult"]


@dataclass(frozen=True)
class ImageResult:
    """One image of the set: its scores, the pipeline's seconds on it, and its error if it failed."""

    name: str
    image: str
    seconds: float
    scores: PageScores
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready row."""
        return {
            "name": self.name,
            "image": self.image,
            "seconds": self.seconds,
            "error": self.error,
            "detection": {lv: s.to_dict() for lv, s in self.scores.levels.items()},
            "text": self.scores.text.to_dict() if self.scores.text else None,
            "notes": list(self.scores.notes),
        }


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


@dataclass(frozen=True)
class EvalReport:
    """Scores of a pipeline on an evaluation set; overall rates come from counts summed over images.

    ``levels``: the GT levels whose detection was scored; ``recognition``: whether text was scored
    (False for a detection-only pipeline).
    """

    dataset: str
    images: tuple[ImageResult, ...]
    levels: tuple[str, ...]
    recognition: bool
    iou_threshold: float = IOU_THRESHOLD
    dont_care_area: float = DONT_CARE_AREA

    def overall_level(self, level: str) -> LevelScores:
        """Detection scores of ``level`` from the counts summed over every image."""
        return LevelScores.total(level, (r.scores.levels[level] for r in self.images if level in r.scores.levels))

    @property
    def overall(self) -> dict[str, LevelScores]:
        """Overall detection scores per scored level."""
        return {lv: self.overall_level(lv) for lv in self.levels}

    @property
    def overall_text(self) -> TextScores | None:
        """Page-text CER/WER from edits and reference lengths summed over images (None when unscored)."""
        items = [r.scores.text for r in self.images if r.scores.text is not None]
        return TextScores.total(items) if items else None

    @property
    def seconds(self) -> float:
        """Seconds the pipeline spent on all images (scoring excluded)."""
        return sum(r.seconds for r in self.images)

    @property
    def pages_per_second(self) -> float | None:
        """Images processed per second of pipeline time."""
        return len(self.images) / self.seconds if self.seconds > 0 else None

    @property
    def failures(self) -> list[ImageResult]:
        """Images the pipeline failed on (scored as empty pages)."""
        return [r for r in self.images if r.error is not None]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready report for ``ocrplug eval --json``."""
        text = self.overall_text
        return {
            "dataset": self.dataset,
            "protocol": {
                "name": "ICDAR 2015",
                "iou_threshold": self.iou_threshold,
                "dont_care_area": self.dont_care_area,
            },
            "levels": list(self.levels),
            "recognition": self.recognition,
            "pages": len(self.images),
            "failed": len(self.failures),
            "seconds": self.seconds,
            "pages_per_second": self.pages_per_second,
            "overall": {
                "detection": {lv: s.to_dict() for lv, s in self.overall.items()},
                "text": text.to_dict() if text else None,
            },
            "images": [r.to_dict() for r in self.images],
        }

    def _columns(self) -> list[str]:
        cols = ["image", "s"]
        for lv in self.levels:
            cols += [f"{lv} P", f"{lv} R", f"{lv} H"]
        if self.recognition:
            cols += ["CER", "WER"] + [f"{lv} rCER" for lv in self.levels]
        return cols

    def _cells(
        self, name: str, seconds: float | None, levels: dict[str, LevelScores], text: TextScores | None
    ) -> list[str]:
        cells = [name, _fmt(seconds, 2)]
        for lv in self.levels:
            s = levels.get(lv)
            cells += [_fmt(s.precision), _fmt(s.recall), _fmt(s.hmean)] if s else ["-", "-", "-"]
        if self.recognition:
            cells += [_fmt(text.cer if text else None), _fmt(text.wer if text else None)]
            cells += [_fmt(levels[lv].region_cer if lv in levels else None) for lv in self.levels]
        return cells

    def rows(self) -> list[list[str]]:
        """Formatted table rows: one per image, then the overall row."""
        out = []
        for r in self.images:
            name = r.name if r.error is None else f"{r.name} (failed)"
            out.append(self._cells(name, r.seconds, dict(r.scores.levels), r.scores.text))
        out.append(self._cells("overall", self.seconds, self.overall, self.overall_text))
        return out

    def summary(self) -> str:
        """One line: images, time, pages/s and the protocol."""
        pps = self.pages_per_second
        line = f"{len(self.images)} images, {len(self.failures)} failed, {self.seconds:.2f} s, {_fmt(pps, 2)} pages/s"
        if self.levels:
            line += (
                f"; ICDAR 2015 protocol: IoU > {self.iou_threshold:g}, "
                f"don't-care overlap > {self.dont_care_area:g} of a detection's area"
            )
        return line

    def table(self) -> Any:
        """A ``rich.table.Table`` of the per-image rows and the overall row."""
        from rich.table import Table

        table = Table(title=f"ocrplug eval: {Path(self.dataset).name or self.dataset}")
        for i, col in enumerate(self._columns()):
            table.add_column(col, justify="left" if i == 0 else "right", no_wrap=i == 0)
        rows = self.rows()
        for k, row in enumerate(rows):
            table.add_row(*row, end_section=k == len(rows) - 2)
        return table

    def render_text(self, width: int = 160) -> str:
        """The table and any failures as plain text (no colour codes), for the CLI or a log."""
        from rich.console import Console

        buffer = io.StringIO()
        console = Console(file=buffer, width=width, color_system=None, force_terminal=False, soft_wrap=False)
        console.print(self.table())
        console.print(self.summary(), markup=False, highlight=False)
        for r in self.failures:
            console.print(f"failed: {r.name} ({r.image}): {r.error}", markup=False, highlight=False)
        notes = sorted({n for r in self.images for n in r.scores.notes})
        for note in notes:
            console.print(f"note: {note}", markup=False, highlight=False)
        return buffer.getvalue().rstrip("\n")


def levels_of(results: Sequence[ImageResult]) -> tuple[str, ...]:
    """Levels scored on at least one image, in word, line order."""
    seen = {lv for r in results for lv in r.scores.levels}
    return tuple(lv for lv in ("word", "line") if lv in seen)
