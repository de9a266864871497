"""The page model: Document -> Page -> Region, light, frozen and picklable.

Units: page pixel coordinates of the page image as rasterized (origin top-left, x right, y down).
Quadrilaterals are four ``(x, y)`` corners clockwise on screen starting at the top-left corner of the
text as read. The heavy page image lives in :class:`PageImage`, apart from the light :class:`Page`
result, so results can cross process boundaries cheaply and serialize to JSON losslessly.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np

__all__ = [
    "SCHEMA_VERSION",
    "Document",
    "Level",
    "Page",
    "PageFailure",
    "PageImage",
    "Point",
    "Quad",
    "Region",
]

SCHEMA_VERSION = "1.3"  # 1.1: Page.orientation; 1.2: Page.warnings; 1.3: Page.text_source

Level = Literal["word", "line", "block"]
#: Where a page's words come from (:attr:`Page.text_source`, ``input.text_pages``).
TextSource = Literal["ocr", "skipped", "text-layer"]
LEVELS: tuple[str, ...] = ("word", "line", "block")
Point = tuple[float, float]
Quad = tuple[Point, Point, Point, Point]


def _as_points(points: Any, expect: int | None = None) -> tuple[Point, ...]:
    arr = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if expect is not None and arr.shape[0] != expect:
        raise ValueError(f"expected {expect} points, got {arr.shape[0]}")
    if not np.all(np.isfinite(arr)):
        raise ValueError("coordinates must be finite")
    return tuple((float(x), float(y)) for x, y in arr)


@dataclass(frozen=True)
class Region:
    """One text region (word, line or block) of a page.

    ``quad``: 4 corners, clockwise from the top-left corner of the text, page pixels.
    ``polygon``: optional finer outline (e.g. a curved line), page pixels, clockwise.
    ``score``: detector objectness in [0, 1] (None when the detector gives none).
    ``text`` / ``confidence``: recognizer output, confidence in [0, 1]; None before recognition.
    ``order``: position in reading order among its siblings (0-based).
    ``children``: finer regions inside this one (a line's words, a block's lines), in reading order.
    ``attributes``: small JSON-serializable extras a plugin wants to keep (e.g. ``{"baseline": ...}``).
    """

    quad: Quad
    level: Level = "word"
    score: float | None = None
    polygon: tuple[Point, ...] | None = None
    text: str | None = None
    confidence: float | None = None
    order: int = 0
    children: tuple[Region, ...] = ()
    attributes: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "quad", _as_points(self.quad, expect=4))
        if self.polygon is not None:
            object.__setattr__(self, "polygon", _as_points(self.polygon))
        if self.level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS}, got {self.level!r}")
        object.__setattr__(self, "children", tuple(self.children))
        for name in ("score", "confidence"):
            value = getattr(self, name)
            if value is not None:
                value = float(value)
                if not (0.0 <= value <= 1.0) or math.isnan(value):
                    raise ValueError(f"{name} must be in [0, 1], got {value}")
                object.__setattr__(self, name, value)

    @classmethod
    def from_box(cls, x0: float, y0: float, x1: float, y1: float, **kwargs: Any) -> Region:
        """Build an axis-aligned region from its left, top, right and bottom edges."""
        return cls(quad=((x0, y0), (x1, y0), (x1, y1), (x0, y1)), **kwargs)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """Axis-aligned bounds ``(left, top, right, bottom)`` of the quad (and polygon)."""
        pts = np.asarray(self.quad + (self.polygon or ()), dtype=np.float64)
        return (float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max()))

    @property
    def outline(self) -> tuple[Point, ...]:
        """The polygon when there is one, else the quad."""
        return self.polygon if self.polygon else self.quad

    def walk(self) -> Iterator[tuple[Region, Region | None]]:
        """Yield ``(region, parent)`` for this region and every descendant, depth first, in order."""
        stack: list[tuple[Region, Region | None]] = [(self, None)]
        while stack:
            region, parent = stack.pop()
            yield region, parent
            stack.extend((child, region) for child in reversed(region.children))

    def descendants(self, level: Level) -> list[Region]:
        """All regions of ``level`` inside this one (including itself), in reading order."""
        return [r for r, _ in self.walk() if r.level == level]

    @property
    def words(self) -> list[Region]:
        """The words of this region (itself when it is a word)."""
        return self.descendants("word")

    def with_(self, **changes: Any) -> Region:
        """A copy with some fields changed (regions are frozen)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; floats are kept as they are so the round trip is lossless."""
        out: dict[str, Any] = {
            "level": self.level,
            "quad": [list(p) for p in self.quad],
            "order": self.order,
        }
        if self.polygon is not None:
            out["polygon"] = [list(p) for p in self.polygon]
        if self.score is not None:
            out["score"] = self.score
        if self.text is not None:
            out["text"] = self.text
        if self.confidence is not None:
            out["confidence"] = self.confidence
        if self.attributes:
            out["attributes"] = dict(self.attributes)
        if self.children:
            out["children"] = [c.to_dict() for c in self.children]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Region:
        """Inverse of :meth:`to_dict`."""
        return cls(
            quad=data["quad"],
            level=data.get("level", "word"),
            score=data.get("score"),
            polygon=data.get("polygon"),
            text=data.get("text"),
            confidence=data.get("confidence"),
            order=data.get("order", 0),
            children=tuple(cls.from_dict(c) for c in data.get("children", ())),
            attributes=dict(data.get("attributes", {})),
        )


@dataclass(frozen=True)
class PageImage:
    """The heavy part of a page: its RGB uint8 image (H x W x 3) and where it came from.

    ``index`` is 0-based within ``source``; ``dpi`` is the horizontal resolution (None when unknown)
    and ``dpi_y`` the vertical one when it differs (a 204 x 98 dpi fax), else None. ``warnings``: what
    the rasterizer found wrong with a page it still read (damaged image data, poppler errors on a page
    that shows ink), each a sentence naming the file and page; they go on to the :class:`Page`.

    ``text_source``: how the page's words are to be found (``input.text_pages``, set by the rasterizer):
    ``ocr`` (detected and recognized, every page by default), ``skipped`` (the page already holds text
    and is not read: no regions) or ``text-layer`` (its words are the document's own text layer,
    ``text_layer``: line regions with word children, page pixels, confidence 1.0, laid out like
    recognized lines). See :class:`Page`.

    ``password``: the password the rasterizer opened ``source`` with (``input.options.password`` of an
    encrypted PDF), so that a renderer reading the source again (the ``pdf`` renderer copies kept pages
    and the document from it) can open it; None when none was needed. Never shown (not in the repr).
    """

    image: np.ndarray
    index: int
    source: str
    dpi: float | None = None
    dpi_y: float | None = None
    warnings: tuple[str, ...] = ()
    text_source: TextSource = "ocr"
    text_layer: tuple[Region, ...] = ()
    password: str | None = field(default=None, repr=False, compare=False)

    @property
    def resolution(self) -> tuple[float, float] | None:
        """(horizontal, vertical) dpi, or None when unknown."""
        return _resolution(self.dpi, self.dpi_y)

    @property
    def width(self) -> int:
        """Image width in pixels."""
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        """Image height in pixels."""
        return int(self.image.shape[0])

    def empty_page(self) -> Page:
        """The light result for this image, with no regions yet."""
        return Page(
            index=self.index, width=self.width, height=self.height, dpi=self.dpi, dpi_y=self.dpi_y, source=self.source,
            warnings=self.warnings, text_source=self.text_source,
        )


@dataclass(frozen=True)
class Page:
    """The light result of one page: where it came from, its size, and its regions in reading order.

    ``dpi`` is the horizontal resolution, ``dpi_y`` the vertical one when it differs (else None).

    ``orientation``: degrees (0, 90, 180, 270) the page image was turned clockwise to make its text
    upright before detection (see :mod:`ocrplug.orientation`). Region coordinates are always in the
    frame of the original image (``width`` x ``height`` as given), so overlays and the searchable PDF
    match the input; a region's quad still starts at the top-left corner of the text as read.

    ``warnings``: problems with a page that was still read, and may be incomplete (its image data is
    damaged: :class:`PageImage` ``warnings``); empty for a sound page. A page that could not be read at
    all is a :class:`PageFailure` instead.

    ``text_source``: where the words came from: ``ocr`` (the detector and recognizer), ``text-layer``
    (the PDF page's own text layer, ``input.text_pages: text-layer``) or ``skipped`` (the page already
    holds text and was not read, ``input.text_pages: skip``: no regions). The JSON has the key only for
    the last two.
    """

    index: int
    width: int
    height: int
    source: str
    dpi: float | None = None
    regions: tuple[Region, ...] = ()
    dpi_y: float | None = None
    orientation: int = 0
    warnings: tuple[str, ...] = ()
    text_source: TextSource = "ocr"

    def __post_init__(self) -> None:
        object.__setattr__(self, "regions", tuple(self.regions))
        object.__setattr__(self, "warnings", tuple(self.warnings))
        if self.orientation not in (0, 90, 180, 270):
            raise ValueError(f"orientation must be 0, 90, 180 or 270, got {self.orientation!r}")

    @property
    def resolution(self) -> tuple[float, float] | None:
        """(horizontal, vertical) dpi, or None when unknown."""
        return _resolution(self.dpi, self.dpi_y)

    def walk(self) -> Iterator[tuple[Region, Region | None]]:
        """Every region of the page with its parent (None at top level), depth first, in order."""
        for region in self.regions:
            yield from region.walk()

    def regions_at(self, level: Level) -> list[Region]:
        """All regions of one level anywhere in the tree, in reading order."""
        return [r for r, _ in self.walk() if r.level == level]

    @property
    def words(self) -> list[Region]:
        """Every word region of the page, in reading order."""
        return self.regions_at("word")

    @property
    def lines(self) -> list[Region]:
        """Every line region of the page, in reading order."""
        return self.regions_at("line")

    @property
    def text(self) -> str:
        """Page text in reading order, one line per line region.

        Not the ``text`` renderer's output: that joins the lines of one reader's row (a table row's
        cells, a label and its far answer) on one line (``ocrplug_render.text.page_text``; docs/layout.md).

        The lines are the layout step's (:mod:`ocrplug.layout`, run once per page by every pipeline);
        the page only reads them. On a page built by hand and not laid out, a region with text that is
        not inside a line (a loose word, a block without lines) gives a line of its own, in the order
        given: lay such a page out first (``ocrplug.layout.layout_page(page).text``) to group its
        words into lines.
        """
        units: list[Region] = []

        def visit(region: Region) -> None:
            if region.level == "line":
                units.append(region)
            elif region.children:
                for child in region.children:
                    visit(child)
            elif region.text:
                units.append(region)

        for region in self.regions:
            visit(region)
        return "\n".join(_region_text(r) for r in units)

    def with_(self, **changes: Any) -> Page:
        """A copy with some fields changed (pages are frozen)."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict of the page (``dpi_y`` only when the vertical resolution differs, ``warnings``
        only when there are some)."""
        data: dict[str, Any] = {
            "index": self.index,
            "width": self.width,
            "height": self.height,
            "dpi": self.dpi,
            "source": self.source,
            "orientation": self.orientation,
            "regions": [r.to_dict() for r in self.regions],
        }
        if self.dpi_y is not None and self.dpi_y != self.dpi:
            data["dpi_y"] = self.dpi_y
        if self.warnings:
            data["warnings"] = list(self.warnings)
        if self.text_source != "ocr":
            data["text_source"] = self.text_source
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Page:
        """Inverse of :meth:`to_dict`."""
        return cls(
            index=data["index"],
            width=data["width"],
            height=data["height"],
            dpi=data.get("dpi"),
            dpi_y=data.get("dpi_y"),
            source=data["source"],
            regions=tuple(Region.from_dict(r) for r in data.get("regions", ())),
            orientation=int(data.get("orientation", 0)),
            warnings=tuple(data.get("warnings", ())),
            text_source=data.get("text_source", "ocr"),
        )


def _resolution(dpi: float | None, dpi_y: float | None) -> tuple[float, float] | None:
    if dpi is None:
        return None
    return (dpi, dpi_y if dpi_y is not None else dpi)


def _region_text(region: Region) -> str:
    if region.text is not None:
        return region.text
    words = [w.text for w in region.words if w.text]
    return " ".join(words)


@dataclass(frozen=True)
class PageFailure:
    """A page (or a whole input, ``index`` None) that could not be processed, and why."""

    source: str
    index: int | None
    error: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {"source": self.source, "index": self.index, "error": self.error}


@dataclass(frozen=True)
class Document:
    """The result of one input: its pages in order and the pages that failed."""

    source: str
    pages: tuple[Page, ...] = ()
    failures: tuple[PageFailure, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "pages", tuple(self.pages))
        object.__setattr__(self, "failures", tuple(self.failures))

    @property
    def text(self) -> str:
        """Text of all pages, separated by form feeds."""
        return "\f".join(p.text for p in self.pages)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict with the schema version."""
        return {
            "schema_version": SCHEMA_VERSION,
            "source": self.source,
            "pages": [p.to_dict() for p in self.pages],
            "failures": [f.to_dict() for f in self.failures],
        }

    def to_json(self, indent: int | None = None) -> str:
        """Serialize to JSON (UTF-8 text, non-ASCII kept)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        """Inverse of :meth:`to_dict`; refuses an unknown major schema version."""
        version = str(data.get("schema_version", ""))
        if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise ValueError(f"unsupported ocrplug JSON schema_version {version!r} (this is {SCHEMA_VERSION})")
        return cls(
            source=data["source"],
            pages=tuple(Page.from_dict(p) for p in data.get("pages", ())),
            failures=tuple(PageFailure(**f) for f in data.get("failures", ())),
        )

    @classmethod
    def from_json(cls, text: str) -> Document:
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(json.loads(text))


def sorted_regions(regions: Sequence[Region]) -> tuple[Region, ...]:
    """Renumber ``order`` of regions already in reading order (0, 1, 2, ...)."""
    return tuple(r if r.order == i else r.with_(order=i) for i, r in enumerate(regions))
