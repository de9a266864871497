"""Components: the named, typed building blocks a plugin registers for each role.

A plugin's hook returns :class:`ComponentSpec` objects. Each spec names a component, gives its options
model (a pydantic model subclassing :class:`Options`: defaults, bounds, descriptions) and a factory that
builds the working object (a :class:`Detector`, :class:`Recognizer`, :class:`Renderer` or
:class:`Rasterizer`) from validated options. The factory runs once per process; heavy imports (torch,
onnxruntime, transformers) belong inside it so that listing plugins stays cheap.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ocrplug.errors import MissingExtraError
from ocrplug.model import Page, PageFailure, PageImage, Region

__all__ = [
    "DEFAULT_MARGIN",
    "DEFAULT_MAX_PIXELS",
    "ORIENTATIONS",
    "ROLES",
    "ComponentSpec",
    "CropOptions",
    "CropReaderOptions",
    "Detector",
    "DocumentInfo",
    "Options",
    "PageRange",
    "Rasterizer",
    "Recognizer",
    "RenderSession",
    "Renderer",
    "Role",
    "SessionRenderer",
    "require",
]

Role = Literal["rasterizer", "detector", "recognizer", "renderer"]
ROLES: tuple[Role, ...] = ("rasterizer", "detector", "recognizer", "renderer")

# Pixels (width x height) one page may decode to unless ``input.max_pixels`` says otherwise. 100 million
# holds an A3 page at 600 dpi (70 M) or A0 at 250 dpi, and is about 300 MB as RGB; Pillow's own
# decompression-bomb limit (179 M, an error) is above it, so ours is the one users meet.
DEFAULT_MAX_PIXELS = 100_000_000


class Options(BaseModel):
    """Base of every component's options model: unknown keys are rejected, values are validated.

    Declare each option with ``pydantic.Field(default, ge=..., le=..., description=...)``; the
    description is what ``ocrplug plugins`` and the docs show.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


@dataclass(frozen=True)
class ComponentSpec:
    """A named component offered by a plugin.

    ``factory(options)`` builds the working object from an instance of ``options``.
    ``extra`` is the ``pip install 'ocrplug[extra]'`` name that brings its optional dependencies.
    """

    name: str
    role: Role
    factory: Callable[[Any], Any]
    options: type[Options] = Options
    description: str = ""
    extra: str | None = None

    def build(self, options: Options | None = None) -> Any:
        """Validate ``options`` (default: all defaults) and build the component."""
        return self.factory(options if options is not None else self.options())


def require(module: str, component: str, extra: str) -> ModuleType:
    """Import an optional dependency, or raise :class:`MissingExtraError` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtraError(component, extra, module.split(".")[0]) from exc


@dataclass(frozen=True)
class PageRange:
    """1-based inclusive page selection, e.g. ``"1-5,8"``; ``None`` spec means all pages."""

    spec: str | None = None

    def indices(self, count: int) -> list[int]:
        """0-based page indices selected out of ``count`` pages, in order, without duplicates."""
        if not self.spec:
            return list(range(count))
        chosen: list[int] = []
        for part in self.spec.split(","):
            part = part.strip()
            if "-" in part:
                lo_s, hi_s = part.split("-", 1)
                lo = int(lo_s) if lo_s.strip() else 1
                hi = int(hi_s) if hi_s.strip() else count
            else:
                lo = hi = int(part)
            for p in range(max(lo, 1), min(hi, count) + 1):
                if p - 1 not in chosen:
                    chosen.append(p - 1)
        return chosen

    @staticmethod
    def validate_spec(spec: str) -> str:
        """Check the syntax of a page range; raises ValueError with the offending part."""
        for part in spec.split(","):
            part = part.strip()
            bits = part.split("-", 1)
            if not part or not all(b.strip().isdigit() or (len(bits) == 2 and not b.strip()) for b in bits):
                raise ValueError(f"bad page range part {part!r} (use e.g. '1-5,8' with 1-based pages)")
            if any(b.strip() == "0" for b in bits):
                raise ValueError(f"bad page range part {part!r}: pages are numbered from 1")
            if len(bits) == 2 and bits[0].strip() and bits[1].strip() and int(bits[0]) > int(bits[1]):
                raise ValueError(f"bad page range part {part!r}: the first page comes after the last")
        return spec


class Rasterizer(ABC):
    """Turns a document file into page images, one page at a time.

    ``extensions``: lower-case file suffixes (with the dot) this rasterizer reads.
    ``max_pixels``: the most pixels (width x height) one page may decode to; the pipeline sets it from
    ``input.max_pixels``. A page above it is refused with an :class:`~ocrplug.errors.InputError` (image
    files) or rendered at a lower resolution (vector pages), never decoded whole.
    ``image_dpi``: set by the pipeline when ``input.dpi`` is ``auto``: a document page that is one scanned
    image may then be rasterized at that image's own resolution when it is lower than ``dpi`` (the PDF
    rasterizer does); the :class:`PageImage` states the resolution used.
    ``text_pages``: ``input.text_pages`` (``ocr``, ``skip`` or ``text-layer``), set by the pipeline: a
    rasterizer of documents that carry text (PDF) marks a page that already holds text with
    :attr:`PageImage.text_source` ``skipped`` or ``text-layer`` (then with its words in
    :attr:`PageImage.text_layer`); a rasterizer of images ignores it.
    """

    extensions: ClassVar[tuple[str, ...]] = ()
    max_pixels: int = DEFAULT_MAX_PIXELS
    image_dpi: bool = False
    text_pages: str = "ocr"

    @abstractmethod
    def page_count(self, path: Path) -> int:
        """Number of pages in ``path``; raises :class:`~ocrplug.errors.InputError` if unreadable."""

    @abstractmethod
    def iter_pages(self, path: Path, pages: PageRange, dpi: float) -> Iterator[PageImage]:
        """Yield the selected pages one by one (never all in memory at once), RGB uint8.

        ``dpi`` is the resolution to rasterize vector documents at; image files keep their pixels.
        Raises :class:`~ocrplug.errors.InputError` for a corrupt or encrypted file.
        """


class Detector(ABC):
    """Finds text regions on a page image."""

    @abstractmethod
    def detect(self, page: PageImage) -> list[Region]:
        """Regions of ``page`` in page pixel coordinates, in reading order, without text."""

    def detect_batch(self, pages: Sequence[PageImage]) -> list[list[Region]]:
        """Detect on several pages; override to batch same-size pages through a model."""
        return [self.detect(p) for p in pages]

    def estimate_memory(self, width: int, height: int) -> int | None:
        """Bytes of memory that detecting one ``width`` x ``height`` page (RGB, page pixels) will add at
        its peak, estimated before anything is allocated; None when unknown (the default: no check).

        The host compares it with ``input.max_memory_mb`` before each page and fails that page with a
        :class:`~ocrplug.errors.ConfigError` naming the options set when it is over. An estimate should be
        fitted to measured peak RSS (``benchmarks/memory_estimate.py``) and cost nothing to compute.
        """
        return None


class Recognizer(ABC):
    """Reads the text of regions a detector found."""

    @abstractmethod
    def recognize(self, page: PageImage, regions: Sequence[Region]) -> list[Region]:
        """Return ``regions`` (same order, same count) with ``text`` and ``confidence`` filled.

        A recognizer may add word children to line regions. A region it cannot read gets empty text
        and confidence 0, never an exception that loses the page.
        """


@dataclass(frozen=True)
class DocumentInfo:
    """What a renderer knows about a document before its first page arrives."""

    source: str
    page_count: int
    out_dir: Path
    stem: str


class RenderSession(ABC):
    """Writes one document's outputs, page by page (streaming)."""

    @abstractmethod
    def add_page(self, page: Page, image: PageImage | None) -> None:
        """Add a finished page, in page order; ``image`` is given when the renderer needs it."""

    def add_failure(self, failure: PageFailure) -> None:  # noqa: B027 - optional hook
        """Note a page of this document that failed (in page order); the default ignores it."""

    @abstractmethod
    def close(self) -> list[Path]:
        """Finish the outputs (atomically) and return the paths written."""

    def abort(self) -> None:  # noqa: B027 - optional hook, deliberately a no-op by default
        """Drop partial outputs after an interruption; the default does nothing."""


class Renderer(ABC):
    """Turns processed documents into files. ``needs_image``: whether pages come with their image."""

    needs_image: ClassVar[bool] = False

    @abstractmethod
    def open(self, info: DocumentInfo) -> RenderSession:
        """Start writing outputs for one document under ``info.out_dir``."""

    def planned_outputs(self, info: DocumentInfo) -> list[Path] | None:
        """The files ``open(info)`` will write, when known before any page; None when unknown.

        The run refuses to start when one of them is an input file; override it so that check covers
        your renderer (writes through :mod:`ocrplug.io.atomic` are refused at write time anyway).
        """
        return None

    def draw(self, page: Page, image: PageImage) -> np.ndarray | None:
        """An image renderer's drawing of ``page`` on ``image``, in memory; None when it draws no image.

        Returns a new RGB uint8 array the size of ``image.image`` (H x W x 3; ``page``'s coordinates are
        page pixels, scaled to the image when their sizes differ), ``image`` left unchanged. It is what
        the renderer's page files show, without writing them: Spark's drawing stages (``draw_regions``,
        ``ImageDrawRegions``) call it for each page. The default returns None (a renderer that writes
        other files, e.g. text or JSON); the built-in ``overlay`` renderer overrides it.
        """
        return None


class SessionRenderer(Renderer):
    """A renderer whose work is all in its per-document session (the common case); subclass it.

    A subclass sets ``options_model`` (its :class:`Options` subclass) and ``session_class`` (called as
    ``session_class(info, options)`` for each document), and overrides :meth:`planned_outputs` when it
    knows its files in advance. The factory may pass the validated options or None (all defaults).
    """

    options_model: ClassVar[type[Options]] = Options
    session_class: ClassVar[Callable[[DocumentInfo, Any], RenderSession]]

    def __init__(self, options: Options | None = None) -> None:
        """Keep the validated options (``options_model()`` when None)."""
        self.options: Any = options if options is not None else self.options_model()

    def open(self, info: DocumentInfo) -> RenderSession:
        """Start writing the outputs of one document: ``session_class(info, self.options)``."""
        return type(self).session_class(info, self.options)


# -- cropping regions for recognizers: one options model, one margin meaning ----------------------

Orientation = Literal["auto", "quad", "try-all"]
ORIENTATIONS: tuple[str, ...] = ("auto", "quad", "try-all")

#: Context kept around a region's quad on every side, as a fraction of its text height (the quad's shorter
#: side): the default of :attr:`CropOptions.margin` and of every recognizer's ``margin`` option. 0.05 is the
#: recognizers' own default before the host owned it (the value behind their figures in docs/benchmarks.md);
#: larger margins let neighbouring lines into the crop (Tesseract test pages: CER 0.077 at 0.05, 0.25 at 0.3).
DEFAULT_MARGIN = 0.05


@dataclass(frozen=True)
class CropOptions:
    """How regions are cut out of the page.

    ``margin``: extra context around the quad on every side, as a fraction of the text height (the
    quad's shorter side, so a vertical line gets a margin from its real text height); default
    :data:`DEFAULT_MARGIN`. The detectors' pixel ``margin`` option (craft, db) is another thing: a
    border added around small images (:func:`ocrplug.crops.add_background_margin`).
    ``orientation``: ``"quad"`` trusts the corner order as given; ``"auto"`` turns crops taller than
    ``vertical_ratio`` times their width by 90 degrees (the sense picked by the scorer when there is
    one, else counter-clockwise: text running top to bottom); ``"try-all"`` also scores every crop
    upside down and keeps the better reading.
    ``vertical_ratio``: height/width above which a crop counts as vertical text (words use twice this,
    since a single letter like "I" is tall on its own).
    ``max_height``: crops taller than this (pixels) are scaled down, keeping the aspect ratio; 0 = never.
    """

    margin: float = DEFAULT_MARGIN
    orientation: Orientation = "auto"
    vertical_ratio: float = 1.5
    max_height: int = 0



class CropReaderOptions(Options):
    """The crop options of every recognizer that reads crops (``margin``, ``orientation``); subclass it.

    ``margin`` has the meaning, unit and default of :attr:`CropOptions.margin`. It is not the detectors'
    ``margin`` (craft, db), a border in pixels added around small images before detection.
    """

    margin: float = Field(
        DEFAULT_MARGIN, ge=0.0, le=2.0,
        description="Context kept around each region on every side, as a fraction of its text height.",
    )
    orientation: Orientation = Field(
        "auto",
        description="'quad' trusts the quad's corner order; 'auto' turns tall crops by 90 degrees and lets the "
        "recognizer's confidence pick the sense; 'try-all' also tries every crop upside down.",
    )

    def crop_options(self) -> CropOptions:
        """These options as the :class:`CropOptions` that :func:`ocrplug.crops.crop_regions` takes."""
        return CropOptions(margin=self.margin, orientation=self.orientation)
