"""Load an evaluation set in the ``shared/eval`` format: ``images/`` + ``annotations/<stem>.json``.

Each annotation names its image and lists ``words`` and/or ``lines``: ``{"text", "quad", "ignore"}``
with ``quad`` four ``[x, y]`` corners in image pixels (clockwise from the top-left of the text) or
``null`` where the source gives text without geometry. ``ignore: true`` or the text ``###`` marks a
"don't care" region (ICDAR 2015). An optional page-level ``text`` key holds the full page text.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ocrplug.errors import ConfigError, InputError
from ocrplug.evaluation.reference import geometric_order
from ocrplug.model import Point

__all__ = [
    "DONT_CARE_TEXT",
    "REFERENCE_KINDS",
    "GroundTruth",
    "GtRegion",
    "load_annotation",
    "load_dataset",
    "normalize_text",
    "unannotated_images",
]

DONT_CARE_TEXT = "###"
GT_LEVELS: tuple[str, ...] = ("word", "line")
#: Where a page's reference text comes from: the dataset's own order (``text``: the annotation's page
#: text; ``lines``: GT lines in file order) or, for word-only sets, the evaluation's frozen geometric
#: rule (``geometric``, :mod:`ocrplug.evaluation.reference`); ``words``: GT words without quads, in file order.
REFERENCE_KINDS: tuple[str, ...] = ("text", "lines", "words", "geometric")
_WS = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """NFC-normalize and collapse every run of whitespace (newlines included) to one space."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


@dataclass(frozen=True)
class GtRegion:
    """One ground-truth word or line: its quad (None without geometry), text, and don't-care flag."""

    quad: tuple[Point, Point, Point, Point] | None
    text: str | None = None
    ignore: bool = False

    @property
    def dont_care(self) -> bool:
        """True for a region neither rewarded nor penalised (``ignore`` or text ``###``)."""
        return self.ignore or self.text == DONT_CARE_TEXT

    @property
    def has_text(self) -> bool:
        """True when the region carries text that recognition can be scored against."""
        return not self.dont_care and bool(self.text and self.text.strip())


@dataclass(frozen=True)
class GroundTruth:
    """The ground truth of one image of an evaluation set."""

    name: str
    image_path: Path
    annotation_path: Path
    width: int | None
    height: int | None
    words: tuple[GtRegion, ...] = ()
    lines: tuple[GtRegion, ...] = ()
    text: str | None = None

    def regions(self, level: str) -> tuple[GtRegion, ...]:
        """The GT regions of ``level`` ('word' or 'line')."""
        if level == "word":
            return self.words
        if level == "line":
            return self.lines
        raise ValueError(f"ground truth has no level {level!r}; expected one of {GT_LEVELS}")

    def has_geometry(self, level: str) -> bool:
        """True when ``level`` has at least one region and every region of it has a quad."""
        regions = self.regions(level)
        return bool(regions) and all(r.quad is not None for r in regions)

    @property
    def reference_kind(self) -> str | None:
        """Where :attr:`page_text` comes from (one of :data:`REFERENCE_KINDS`), None when there is no text.

        ``text`` and ``lines`` are orders the dataset defines; ``geometric`` is the evaluation's frozen
        rule, used only where the set defines no order (FUNSD, ICDAR 2015).
        """
        if self.text is not None:
            return "text"
        if any(r.has_text for r in self.lines):
            return "lines"
        if any(r.has_text for r in self.words):
            return "geometric" if all(r.quad is not None for r in self.words) else "words"
        return None

    @property
    def page_text(self) -> str:
        """Reference page text in reading order (newlines between lines; not yet normalized).

        The ``text`` key when present; else the GT lines in file order (the sets list lines in
        reading order); else the GT words in the evaluation's frozen geometric order
        (:func:`ocrplug.evaluation.reference.geometric_order`, never ocrplug's layout code: ICDAR 2015
        and FUNSD list words in no reading order). Don't-care and empty regions are left out.
        """
        if self.text is not None:
            return self.text
        if any(r.has_text for r in self.lines):
            return "\n".join(r.text for r in self.lines if r.has_text and r.text)
        words = [r for r in self.words if r.has_text]
        if words and all(r.quad is not None for r in words):
            words = [words[i] for i in geometric_order([r.quad for r in words])]  # type: ignore[misc]
        return " ".join(r.text for r in words if r.text)

    @property
    def reference_words(self) -> list[str]:
        """The reference as a bag of words (whitespace-separated tokens of :attr:`page_text`, NFC)."""
        return normalize_text(self.page_text).split()


def _natural_key(path: Path) -> list[Any]:
    # img_2 before img_10: the order people expect and that --limit takes the first N of.
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.stem)]


def _fail(path: Path, key: str, why: str) -> InputError:
    return InputError(f"{path}: malformed annotation at key {key!r}: {why}")


def _parse_quad(value: Any, path: Path, key: str) -> tuple[Point, Point, Point, Point] | None:
    if value is None:
        return None
    if not isinstance(value, Sequence) or isinstance(value, str) or len(value) != 4:
        raise _fail(path, key, f"expected 4 [x, y] corners or null, got {value!r}")
    points: list[Point] = []
    for corner in value:
        if (
            not isinstance(corner, Sequence)
            or isinstance(corner, str)
            or len(corner) != 2
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in corner)
            or not all(math.isfinite(c) for c in corner)
        ):
            raise _fail(path, key, f"each corner must be two finite numbers [x, y], got {corner!r}")
        points.append((float(corner[0]), float(corner[1])))
    return (points[0], points[1], points[2], points[3])


def _parse_regions(data: dict[str, Any], key: str, path: Path) -> tuple[GtRegion, ...]:
    items = data.get(key)
    if items is None:
        return ()
    if not isinstance(items, list):
        raise _fail(path, key, f"expected a list, got {type(items).__name__}")
    regions: list[GtRegion] = []
    for i, item in enumerate(items):
        where = f"{key}[{i}]"
        if not isinstance(item, dict):
            raise _fail(path, where, f"expected an object, got {type(item).__name__}")
        if "quad" not in item:
            raise _fail(path, f"{where}.quad", "missing (use null for a region without geometry)")
        quad = _parse_quad(item["quad"], path, f"{where}.quad")
        text = item.get("text")
        if text is not None and not isinstance(text, str):
            raise _fail(path, f"{where}.text", f"expected a string or null, got {type(text).__name__}")
        ignore = item.get("ignore", False)
        if not isinstance(ignore, bool):
            raise _fail(path, f"{where}.ignore", f"expected true or false, got {ignore!r}")
        regions.append(GtRegion(quad=quad, text=text, ignore=ignore))
    return tuple(regions)


def _optional_size(data: dict[str, Any], key: str, path: Path) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise _fail(path, key, f"expected a positive integer, got {value!r}")
    return value


def _unique_keys(pairs: list[tuple[str, Any]], path: Path) -> dict[str, Any]:
    """A JSON object's members as a dict; a key given twice is an :class:`InputError` naming it (JSON
    parsers silently keep the last one: half an annotation's words would be dropped unseen)."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _fail(path, key, "given twice in one object; keep one")
        out[key] = value
    return out


def load_annotation(path: str | Path, images_dir: str | Path) -> GroundTruth:
    """Read one annotation JSON; raise :class:`InputError` naming the file and key when malformed (a key
    given twice in one object included). The whole set is checked before any OCR runs
    (:func:`ocrplug.evaluation.evaluate`), so one malformed file stops an evaluation at once, named."""
    path = Path(path)
    images_dir = Path(images_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=lambda pairs: _unique_keys(pairs, path))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{path}: cannot read annotation: {exc}") from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: malformed annotation: expected a JSON object, got {type(data).__name__}")
    image = data.get("image")
    if not isinstance(image, str) or not image:
        raise _fail(path, "image", "missing or not a file name (the page image it annotates, in the set's images/)")
    image_path = images_dir / image
    if not image_path.is_file():
        raise _fail(path, "image", f"image file {image_path} does not exist")
    text = data.get("text")
    if text is not None and not isinstance(text, str):
        raise _fail(path, "text", f"expected a string, got {type(text).__name__}")
    return GroundTruth(
        name=path.stem,
        image_path=image_path,
        annotation_path=path,
        width=_optional_size(data, "width", path),
        height=_optional_size(data, "height", path),
        words=_parse_regions(data, "words", path),
        lines=_parse_regions(data, "lines", path),
        text=text,
    )


def load_dataset(dataset_dir: str | Path, limit: int | None = None) -> list[GroundTruth]:
    """Load every annotation of a set (natural name order), or the first ``limit`` of them."""
    root = Path(dataset_dir)
    annotations = root / "annotations"
    images = root / "images"
    if not root.is_dir():
        raise InputError(f"{root}: evaluation set folder does not exist")
    if not annotations.is_dir() or not images.is_dir():
        raise InputError(f"{root}: not an evaluation set: expected the folders images/ and annotations/")
    if limit is not None and limit < 1:
        raise ConfigError(f"limit (--limit) must be at least 1, got {limit}")
    files = sorted(annotations.glob("*.json"), key=_natural_key)
    if not files:
        raise InputError(f"{annotations}: no annotation .json files")
    if limit is not None:
        files = files[:limit]
    return [load_annotation(f, images) for f in files]


def unannotated_images(dataset_dir: str | Path, gts: Sequence[GroundTruth]) -> list[str]:
    """Names of the files in the set's ``images/`` that no annotation of the whole set names (they are
    not scored: a set whose annotations lost files would otherwise report a clean score on the rest,
    T16). Hidden files and sub-folders are not counted; ``gts`` from :func:`load_dataset` without a
    ``limit`` (with one, the images past it would all be named)."""
    root = Path(dataset_dir)
    named = {g.image_path.name for g in gts}
    found = [p for p in (root / "images").iterdir() if p.is_file() and not p.name.startswith(".")]
    return [p.name for p in sorted(found, key=_natural_key) if p.name not in named]
