"""The result of an evaluation run: per-image rows, overall scores, JSON and a table for the CLI."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ocrplug.evaluation.metrics import (
    DONT_CARE_AREA,
    IOU_THRESHOLD,
    BagScores,
    LevelScores,
    PageScores,
    TextScores,
)

__all__ = ["EvalReport", "ImageResult"]


@dataclass(frozen=True)
class ImageResult:
    """One image of the set: its scores, the pipeline's seconds on it, and its error if it failed."""

    name: str
    image: str
    seconds: float
    scores: PageScores
    error: str | None = None

    def to_dict(self, recognition: bool = True) -> dict[str, Any]:
        """JSON-ready row (end-to-end figures only with ``recognition``)."""
        text = self.scores.text
        return {
            "name": self.name,
            "image": self.image,
            "seconds": self.seconds,
            "error": self.error,
            "detection": {lv: s.to_dict(recognition) for lv, s in self.scores.levels.items()},
            "text": {**text.to_dict(), "reference": self.scores.reference} if text else None,
            "bag": self.scores.bag.to_dict() if self.scores.bag else None,
            "notes": list(self.scores.notes),
        }


_REFERENCE_NOTES = {
    "text": "CER/WER: page text against the dataset's own page text (its reading order).",
    "lines": "CER/WER: page text against the GT lines in the dataset's order.",
    "words": "CER/WER: page text against the GT words in file order.",
    "geometric": (
        "CER/WER: this set defines no reading order; the reference is its words in the evaluation's frozen "
        "geometric order (secondary figure): compare on bag CER/WER and e2e F1 (order-free)."
    ),
    "mixed": "CER/WER: references of several kinds (see --json, text.reference per image).",
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
    unannotated: tuple[str, ...] = ()  # files in the set's images/ no annotation names: not scored

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
    def overall_bag(self) -> BagScores | None:
        """Order-free text scores from counts summed over images (None when text is unscored)."""
        items = [r.scores.bag for r in self.images if r.scores.bag is not None]
        return BagScores.total(items) if items else None

    @property
    def reference(self) -> str | None:
        """Where the page references came from: one reference kind, ``mixed``, or None (no text scored)."""
        kinds = {r.scores.reference for r in self.images if r.scores.reference}
        return kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else None)

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
        text, bag = self.overall_text, self.overall_bag
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
            "unannotated": list(self.unannotated),
            "seconds": self.seconds,
            "pages_per_second": self.pages_per_second,
            "overall": {
                "detection": {lv: s.to_dict(self.recognition) for lv, s in self.overall.items()},
                "text": {**text.to_dict(), "reference": self.reference} if text else None,
                "bag": bag.to_dict() if bag else None,
            },
            "images": [r.to_dict(self.recognition) for r in self.images],
        }

    def _columns(self) -> list[str]:
        cols = ["image", "s"]
        for lv in self.levels:
            cols += [f"{lv} P", f"{lv} R", f"{lv} H"]
        if self.recognition:
            cols += ["bag CER", "bag WER"] + [f"{lv} e2e F1" for lv in self.levels]
            cols += ["CER", "WER"] + [f"{lv} rCER" for lv in self.levels]
        return cols

    def _cells(
        self,
        name: str,
        seconds: float | None,
        levels: dict[str, LevelScores],
        text: TextScores | None,
        bag: BagScores | None,
    ) -> list[str]:
        cells = [name, _fmt(seconds, 2)]
        for lv in self.levels:
            s = levels.get(lv)
            cells += [_fmt(s.precision), _fmt(s.recall), _fmt(s.hmean)] if s else ["-", "-", "-"]
        if self.recognition:
            cells += [_fmt(bag.cer if bag else None), _fmt(bag.wer if bag else None)]
            cells += [_fmt(levels[lv].e2e_f1 if lv in levels else None) for lv in self.levels]
            cells += [_fmt(text.cer if text else None), _fmt(text.wer if text else None)]
            cells += [_fmt(levels[lv].region_cer if lv in levels else None) for lv in self.levels]
        return cells

    def rows(self) -> list[list[str]]:
        """Formatted table rows: one per image, then the overall row."""
        out = []
        for r in self.images:
            name = r.name if r.error is None else f"{r.name} (failed)"
            out.append(self._cells(name, r.seconds, dict(r.scores.levels), r.scores.text, r.scores.bag))
        out.append(self._cells("overall", self.seconds, self.overall, self.overall_text, self.overall_bag))
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
        if self.recognition and self.reference:
            console.print(_REFERENCE_NOTES.get(self.reference, ""), markup=False, highlight=False)
        if self.unannotated:
            shown = ", ".join(self.unannotated[:5]) + (f", +{len(self.unannotated) - 5} more" if len(self.unannotated) > 5 else "")
            console.print(
                f"note: {len(self.unannotated)} image(s) in images/ have no annotation and were not scored: {shown}",
                markup=False, highlight=False,
            )
        by_note: dict[str, list[str]] = {}
        for r in self.images:
            for n in r.scores.notes:
                by_note.setdefault(n, []).append(r.name)
        for note in sorted(by_note):
            names = by_note[note]
            shown = ", ".join(names[:3]) + (f", +{len(names) - 3} more" if len(names) > 3 else "")
            console.print(f"note: {note} ({shown})", markup=False, highlight=False)
        return buffer.getvalue().rstrip("\n")


def levels_of(results: Sequence[ImageResult]) -> tuple[str, ...]:
    """Levels scored on at least one image, in word, line order."""
    seen = {lv for r in results for lv in r.scores.levels}
    return tuple(lv for lv in ("word", "line") if lv in seen)
