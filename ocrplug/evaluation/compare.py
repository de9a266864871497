"""Per-image differences between two ``ocrplug eval --json`` reports (``ocrplug eval --compare A B``).

A change that wins on a few images and loses on others has a small overall delta; listing every image's
change, biggest first, with wins and losses counted, shows it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ocrplug.errors import InputError

__all__ = ["METRICS", "Comparison", "ImageDelta", "compare_reports", "load_report"]

#: Figures compared per image: name -> (where in an image row, True when higher is better).
#: ``{level}`` is the report's first scored detection level.
METRICS: dict[str, tuple[tuple[str, ...], bool]] = {
    "bag_cer": (("bag", "cer"), False),
    "cer": (("text", "cer"), False),
    "e2e_f1": (("detection", "{level}", "e2e_f1"), True),
    "hmean": (("detection", "{level}", "hmean"), True),
}
#: The figure that orders and counts wins, first one present in both reports: order-free CER, page
#: CER, end-to-end F1, H-mean.
PRIMARY_ORDER = ("bag_cer", "cer", "e2e_f1", "hmean")
_EPS = 1e-9


def load_report(path: str | Path) -> dict[str, Any]:
    """Read an ``ocrplug eval --json`` report; :class:`InputError` names the file when it is not one."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read evaluation report: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("images"), list):
        raise InputError(f"{path}: not an 'ocrplug eval --json' report (no 'images' list)")
    for i, row in enumerate(data["images"]):
        if not isinstance(row, dict) or not isinstance(row.get("name"), str):
            raise InputError(f"{path}: malformed report at key 'images[{i}].name'")
    return data


def _value(row: Mapping[str, Any], metric: str, level: str | None) -> float | None:
    path, _ = METRICS[metric]
    node: Any = row
    for key in path:
        key = key.format(level=level)
        if not isinstance(node, Mapping) or node.get(key) is None:
            return None
        node = node[key]
    return float(node) if isinstance(node, int | float) else None


@dataclass(frozen=True)
class ImageDelta:
    """One image's figures in both runs (None where a run has no such figure)."""

    name: str
    a: Mapping[str, float | None]
    b: Mapping[str, float | None]

    def delta(self, metric: str) -> float | None:
        """``b - a`` of one figure (None when either is missing)."""
        a, b = self.a.get(metric), self.b.get(metric)
        return None if a is None or b is None else b - a

    def gain(self, metric: str) -> float:
        """How much better B is than A on ``metric`` (negative: worse; 0 when not comparable)."""
        d = self.delta(metric)
        if d is None:
            return 0.0
        return d if METRICS[metric][1] else -d


@dataclass(frozen=True)
class Comparison:
    """Two reports side by side: per-image deltas (biggest change of ``primary`` first) and counts."""

    a: str
    b: str
    primary: str | None
    level: str | None
    images: tuple[ImageDelta, ...]
    only_a: tuple[str, ...] = ()
    only_b: tuple[str, ...] = ()

    @property
    def wins(self) -> int:
        """Images where B is better than A on the primary figure."""
        return sum(1 for d in self.images if self.primary and d.gain(self.primary) > _EPS)

    @property
    def losses(self) -> int:
        """Images where B is worse than A on the primary figure."""
        return sum(1 for d in self.images if self.primary and d.gain(self.primary) < -_EPS)

    @property
    def ties(self) -> int:
        """Images with the same primary figure in both runs."""
        return len(self.images) - self.wins - self.losses

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready comparison."""
        return {
            "a": self.a,
            "b": self.b,
            "primary": self.primary,
            "level": self.level,
            "wins": self.wins,
            "losses": self.losses,
            "ties": self.ties,
            "only_a": list(self.only_a),
            "only_b": list(self.only_b),
            "images": [
                {"name": d.name, "a": dict(d.a), "b": dict(d.b), "delta": {m: d.delta(m) for m in d.a}}
                for d in self.images
            ],
        }

    def render_text(self, width: int = 160) -> str:
        """A plain-text table (biggest change first) and the win / loss counts."""
        from rich.console import Console
        from rich.table import Table

        metrics = [
            m for m in PRIMARY_ORDER if any(d.a.get(m) is not None or d.b.get(m) is not None for d in self.images)
        ]
        table = Table(title=f"ocrplug eval --compare: A = {self.a}, B = {self.b}")
        table.add_column("image", no_wrap=True)
        for m in metrics:
            label = m if m in ("bag_cer", "cer") else f"{self.level} {m}"
            for suffix in ("A", "B", "B-A"):
                table.add_column(f"{label} {suffix}", justify="right")
        for d in self.images:
            cells = [d.name]
            for m in metrics:
                delta = d.delta(m)
                cells += [_fmt(d.a.get(m)), _fmt(d.b.get(m)), "-" if delta is None else f"{delta:+.3f}"]
            table.add_row(*cells)
        buffer = io.StringIO()
        console = Console(file=buffer, width=width, color_system=None, force_terminal=False, soft_wrap=False)
        console.print(table)
        better = "lower" if self.primary in ("bag_cer", "cer") else "higher"
        summary = (
            f"{len(self.images)} images in both: B better on {self.wins}, worse on {self.losses}, "
            f"equal on {self.ties} (by {self.primary or 'nothing comparable'}, {better} is better)"
        )
        console.print(summary, markup=False, highlight=False)
        if self.only_a or self.only_b:
            console.print(
                f"only in A: {len(self.only_a)} images, only in B: {len(self.only_b)} (not compared)",
                markup=False,
                highlight=False,
            )
        return buffer.getvalue().rstrip("\n")


def _set_name(report: Mapping[str, Any]) -> str:
    """The evaluated set's folder name as the report records it (``?`` when absent)."""
    dataset = report.get("dataset")
    return f"set {Path(dataset).name!r}" if isinstance(dataset, str) and dataset else "set ?"


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def compare_reports(a_path: str | Path, b_path: str | Path, primary: str | None = None) -> Comparison:
    """Compare two ``--json`` reports image by image (matched by image name).

    ``primary``: the figure that orders the rows (largest absolute change first) and decides wins and
    losses, one of :data:`METRICS`; default: the first of :data:`PRIMARY_ORDER` both reports have.
    Raises :class:`InputError` for a file that is not a report, or for two reports with no image in
    common (reports of different sets), ``ValueError`` for an unknown figure.
    """
    if primary is not None and primary not in METRICS:
        raise ValueError(f"unknown figure {primary!r}; expected one of {', '.join(sorted(METRICS))}")
    a, b = load_report(a_path), load_report(b_path)
    levels = [lv for lv in a.get("levels") or [] if lv in (b.get("levels") or [])]
    level = levels[0] if levels else None
    rows_a = {r["name"]: r for r in a["images"]}
    rows_b = {r["name"]: r for r in b["images"]}
    names = [n for n in rows_a if n in rows_b]
    if not names:
        raise InputError(
            f"{a_path} ({_set_name(a)}, {len(rows_a)} images) and {b_path} ({_set_name(b)}, {len(rows_b)} "
            "images) have no image in common: --compare needs two reports of the same set"
        )
    deltas = [
        ImageDelta(
            name=n,
            a={m: _value(rows_a[n], m, level) for m in METRICS},
            b={m: _value(rows_b[n], m, level) for m in METRICS},
        )
        for n in names
    ]
    if primary is None:
        primary = next((m for m in PRIMARY_ORDER if any(d.delta(m) is not None for d in deltas)), None)
    if primary is not None:
        key = primary
        deltas.sort(key=lambda d: (-abs(d.delta(key) or 0.0), d.name))
    return Comparison(
        a=str(a_path),
        b=str(b_path),
        primary=primary,
        level=level,
        images=tuple(deltas),
        only_a=tuple(n for n in rows_a if n not in rows_b),
        only_b=tuple(n for n in rows_b if n not in rows_a),
    )
