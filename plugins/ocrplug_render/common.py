"""Helpers shared by the renderers: output naming, streamed atomic files, and a view of the layout.

Structure and reading order are decided once, by the host's layout step (:mod:`ocrplug.layout`):
pages arrive as blocks of lines of words in reading order. :func:`page_layout` only wraps that tree in
the small :class:`LayoutBlock` / :class:`LayoutLine` views that hOCR, ALTO, PAGE, text and PDF walk.
"""

from __future__ import annotations

import contextlib
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np

from ocrplug.api import (
    DocumentInfo,
    LayoutOptions,
    Page,
    PageFailure,
    Point,
    Quad,
    Region,
    RenderSession,
    SessionRenderer,
    atomic_path,
    atomic_write,
    is_laid_out,
    layout_page,
    synthesize_words,
)

__all__ = [
    "DocumentFileRenderer",
    "LayoutBlock",
    "LayoutLine",
    "StreamedFile",
    "StreamedPath",
    "escape_surrogates",
    "failure_note",
    "line_words",
    "output_path",
    "page_layout",
    "quad_of_points",
    "union_quad",
]



_SURROGATE = re.compile("[\ud800-\udfff]")


def escape_surrogates(text: str) -> str:
    """``text`` with the undecodable bytes of a file name written as ``\\xNN`` (valid UTF-8 then).

    Python keeps the bytes of a name that is not valid UTF-8 (``Rechnung_M\\xfcller.png`` in Latin-1)
    as lone surrogates (PEP 383), which no UTF-8 file or XML document may hold.
    """
    if not _SURROGATE.search(text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def failure_note(failure: PageFailure) -> str:
    """The one-line marker written in place of a page that failed (text and PDF outputs)."""
    page = "" if failure.index is None else f"page {failure.index + 1} "
    return f"[ocrplug: {page}not read: {escape_surrogates(failure.error)}]"


def output_path(info: DocumentInfo, suffix: str) -> Path:
    """``<out_dir>/<stem><suffix>`` for a document (the host makes stems unique)."""
    return Path(info.out_dir) / f"{info.stem}{suffix}"


class DocumentFileRenderer(SessionRenderer):
    """A renderer that writes one file per document, ``<stem><options.suffix>`` (text, json, hocr, alto, pdf)."""

    def planned_outputs(self, info: DocumentInfo) -> list[Path]:
        """The one file ``open(info)`` writes."""
        return [output_path(info, self.options.suffix)]


class _AtomicOutput:
    """An atomic writer held open across ``add_page`` calls: renamed into place only by :meth:`commit`."""

    path: Path
    _stack: contextlib.ExitStack
    _open: bool

    def commit(self) -> Path:
        """Flush and rename the temporary file onto the final path; returns it."""
        if self._open:
            self._open = False
            self._stack.close()
        return self.path

    def discard(self) -> None:
        """Remove the temporary file; the final path is left untouched."""
        if self._open:
            self._open = False
            err = _Aborted("render aborted")
            # Throwing into the context managers makes atomic_path delete its temporary file.
            self._stack.__exit__(type(err), err, None)


class StreamedFile(_AtomicOutput):
    """A text or binary file written piece by piece; nothing appears under the final name until the
    document is complete (wraps :func:`ocrplug.io.atomic.atomic_write`)."""

    def __init__(self, path: Path, binary: bool = False) -> None:
        """Open a temporary file beside ``path``."""
        self.path = Path(path)
        self._stack = contextlib.ExitStack()
        self.handle: IO = self._stack.enter_context(atomic_write(self.path, "wb" if binary else "w"))
        self._open = True

    def write(self, data: str | bytes) -> None:
        """Append to the temporary file (text: undecodable file-name bytes escaped, see :func:`escape_surrogates`)."""
        self.handle.write(escape_surrogates(data) if isinstance(data, str) else data)


class StreamedPath(_AtomicOutput):
    """A temporary path beside the final one, for libraries that save by file name (cv2, pikepdf)."""

    def __init__(self, path: Path) -> None:
        """Reserve a temporary file beside ``path``."""
        self.path = Path(path)
        self._stack = contextlib.ExitStack()
        self.tmp: Path = self._stack.enter_context(atomic_path(self.path))
        self._open = True


class _Aborted(Exception):
    """Thrown into atomic writers to make them drop their temporary file."""


# --------------------------------------------------------------------------------------------------
# Layout normalization


@dataclass
class LayoutLine:
    """One text line: its outline, its words (possibly synthesized) and its text.

    ``region`` is the model's line region, or None when the line was synthesized from loose words
    or from a top-level region of unknown level.
    """

    quad: Quad
    words: list[Region]
    text: str
    region: Region | None = None
    polygon: tuple[Point, ...] | None = None
    confidence: float | None = None

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """Axis-aligned bounds of the line (quad, polygon and words)."""
        return bbox_of([self.quad, *([self.polygon] if self.polygon else []), *(w.quad for w in self.words)])


@dataclass
class LayoutBlock:
    """A block (paragraph) of lines; ``region`` is None when synthesized."""

    lines: list[LayoutLine] = field(default_factory=list)
    region: Region | None = None

    @property
    def quad(self) -> Quad:
        """The block's quad, or the union of its lines' bounds."""
        if self.region is not None:
            return self.region.quad
        return union_quad([ln.quad for ln in self.lines])

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        """Axis-aligned bounds of the block and its lines."""
        outlines: list[Sequence[Point]] = [ln.quad for ln in self.lines]
        if self.region is not None:
            outlines.append(self.region.outline)
        return bbox_of(outlines)

    @property
    def text(self) -> str:
        """The block's lines joined by newlines."""
        return "\n".join(ln.text for ln in self.lines)


def bbox_of(outlines: Sequence[Sequence[Point]]) -> tuple[float, float, float, float]:
    """Axis-aligned bounds ``(left, top, right, bottom)`` of several point lists."""
    pts = np.concatenate([np.asarray(o, dtype=np.float64).reshape(-1, 2) for o in outlines])
    return (float(pts[:, 0].min()), float(pts[:, 1].min()), float(pts[:, 0].max()), float(pts[:, 1].max()))


def union_quad(quads: Sequence[Sequence[Point]]) -> Quad:
    """Axis-aligned quad around several quads."""
    x0, y0, x1, y1 = bbox_of(quads)
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def quad_of_points(points: Sequence[Point]) -> Quad:
    """Axis-aligned quad around a point list."""
    return union_quad([points])


def line_words(line: Region) -> list[Region]:
    """The words of a line region; when it has none, words cut from its text (see
    :func:`ocrplug.layout.synthesize_words`)."""
    words = [r for r in line.children if r.level == "word"]
    if words or not line.text or not line.text.strip():
        return words
    return synthesize_words(line)


def _mean_confidence(regions: Sequence[Region]) -> float | None:
    values = [r.confidence for r in regions if r.confidence is not None]
    return float(sum(values) / len(values)) if values else None


def _line(region: Region) -> LayoutLine:
    words = line_words(region)
    text = region.text if region.text is not None else " ".join(w.text for w in words if w.text)
    conf = region.confidence if region.confidence is not None else _mean_confidence(words)
    return LayoutLine(quad=region.quad, words=words, text=text, region=region, polygon=region.polygon, confidence=conf)


def page_layout(page: Page) -> list[LayoutBlock]:
    """The host layout's blocks of lines of words (:mod:`ocrplug.layout`), as renderers walk them.

    Renderers format the layout, they never decide it: pages from a pipeline come laid out by its
    layout step (``layout:`` options) and are only viewed here; a page that is not in that shape (built
    by hand, or read back from JSON of an older version) goes through the host's one layout function,
    :func:`~ocrplug.layout.layout_page`, with the host's default ``layout:`` options except
    ``word_end_pad`` 0 (word boxes drawn as given).
    """
    if not is_laid_out(page):
        # Words as given: renderers never widen boxes (``word_end_pad`` belongs to a pipeline's layout step).
        page = layout_page(page, LayoutOptions(word_end_pad=0))
    return [LayoutBlock(lines=[_line(ln) for ln in block.children], region=block) for block in page.regions]


def iter_words(blocks: Sequence[LayoutBlock]) -> Iterator[tuple[LayoutBlock, LayoutLine, Region]]:
    """Every word of a layout with its block and line, in reading order."""
    for block in blocks:
        for line in block.lines:
            for word in line.words:
                yield block, line, word


def quad_angle_deg(quad: Quad) -> float:
    """Text direction of a quad in degrees, counter-clockwise on screen (as hOCR/ALTO count it)."""
    q = np.asarray(quad, dtype=np.float64)
    d = (q[1] - q[0]) + (q[2] - q[3])
    # y grows downwards, so a counter-clockwise rotation on screen has negative dy.
    return float(math.degrees(math.atan2(-d[1], d[0])))


# Characters XML 1.0 forbids (C0 controls other than tab/newline/CR, lone surrogates, U+FFFE/U+FFFF);
# a recognizer can emit them, and one of them makes the whole file unreadable to XML parsers.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry."""
    return _XML_INVALID.sub("", text)


def int_box(box: tuple[float, float, float, float], width: int, height: int) -> tuple[int, int, int, int]:
    """Integer ``(left, top, right, bottom)`` clipped to the page, never empty."""
    # The epsilon keeps float noise (30.0000001) from growing a box by a whole pixel.
    x0 = min(max(math.floor(box[0] + 1e-6), 0), max(width - 1, 0))
    y0 = min(max(math.floor(box[1] + 1e-6), 0), max(height - 1, 0))
    x1 = min(max(math.ceil(box[2] - 1e-6), x0 + 1), max(width, x0 + 1))
    y1 = min(max(math.ceil(box[3] - 1e-6), y0 + 1), max(height, y0 + 1))
    return x0, y0, x1, y1


def utc_timestamp() -> str:
    """The current UTC time as an XML Schema dateTime (second precision)."""
    import datetime as _dt

    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def median_angle_deg(quads: Sequence[Quad]) -> float:
    """The median text direction of several quads, in degrees counter-clockwise."""
    if not quads:
        return 0.0
    return float(np.median([quad_angle_deg(q) for q in quads]))


def baseline_points(region: Region | None, box: tuple[float, float, float, float]) -> list[Point] | None:
    """Two page points on a line's baseline when the model has one (``attributes["baseline"]``).

    Accepted forms: two points ``[[x0, y0], [x1, y1]]`` (or more: first and last are used), or hOCR's
    ``[slope, offset]`` relative to the bottom-left corner of ``box`` (the line's bounds).
    """
    if region is None:
        return None
    raw = region.attributes.get("baseline")
    if raw is None:
        return None
    try:
        if len(raw) == 2 and all(isinstance(v, (int, float)) for v in raw):
            slope, offset = float(raw[0]), float(raw[1])
            x0, x1, bottom = box[0], box[2], box[3]
            return [(x0, bottom + offset), (x1, bottom + offset + slope * (x1 - x0))]
        pts = [(float(p[0]), float(p[1])) for p in raw]
        return [pts[0], pts[-1]] if len(pts) >= 2 else None
    except (TypeError, ValueError, IndexError):
        return None


class PerPageFilesSession(RenderSession):
    """A session that writes one file per page as pages arrive (overlay images, PAGE XML).

    Each page goes to a hidden temporary name beside its final one (:meth:`page_file`); ``close``
    renames them all into place, ``abort`` removes only those temporaries, so an interrupted run never
    deletes or half-replaces files an earlier run completed. ``written`` lists the final paths.
    """

    def __init__(self, info: DocumentInfo, options: object) -> None:
        """Remember where to write and how."""
        self.info = info
        self.options = options
        self.written: list[Path] = []
        self._pending: list[StreamedPath] = []

    @contextlib.contextmanager
    def page_file(self, path: Path) -> Iterator[Path]:
        """Yield a temporary path to save one page's file to; it becomes ``path`` at ``close``."""
        target = StreamedPath(path)
        try:
            yield target.tmp
        except BaseException:
            target.discard()
            raise
        self._pending.append(target)
        self.written.append(Path(path))

    def close(self) -> list[Path]:
        """Rename every page file into place; returns the final paths."""
        for target in self._pending:
            target.commit()
        self._pending.clear()
        return list(self.written)

    def abort(self) -> None:
        """Remove this session's temporary page files; files already in place are left alone."""
        for target in self._pending:
            target.discard()
        self._pending.clear()
        self.written.clear()
