"""Sources: inputs (files, folders, arrays) -> documents -> page images.

:class:`Sources` picks a rasterizer per file suffix from what the installed rasterizers declare
(``Rasterizer.extensions``); the host names none of them. The default for a suffix is the first
rasterizer registered for it; ``input.rasterizer`` overrides it for the suffixes it reads and receives
``input.options``. When no rasterizer is named, ``input.options`` go to the rasterizers whose options
model accepts them (e.g. ``password`` to the PDF rasterizer); options no rasterizer accepts are a
:class:`~ocrplug.errors.ConfigError`.

A file is routed by its content, not only its name (:func:`sniff_type`): the first bytes say whether it
is a PDF, PNG, JPEG, TIFF, BMP or WebP, and the rasterizer for that type reads it, with a warning naming
the file when its suffix says otherwise (a PNG named ``.pdf``). A file whose content is none of these is
routed by its suffix, so a damaged file gets its type's own error (``not a readable PDF``, naming the file).

Page counts are computed once, when a document is opened (:meth:`Sources.open`).
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import numpy as np

from ocrplug.components import PageRange, Rasterizer
from ocrplug.config import ComponentConfig, PipelineConfig, resolve_component
from ocrplug.errors import ConfigError, InputError, OcrplugError
from ocrplug.manager import PluginHost
from ocrplug.manifest import read_ledger
from ocrplug.model import PageFailure, PageImage
from ocrplug.pixels import pixels_to_uint8

__all__ = ["ARRAY_LABEL", "InputDocument", "InputFile", "PagesAfter", "Sources", "sniff_bytes", "sniff_type", "to_rgb_array"]

log = logging.getLogger(__name__)

ARRAY_LABEL = "<array>"

#: Signatures (offset, bytes) of the file types the built-in rasterizers read, and the suffix each is
#: routed as. Sources: the PDF reference (``%PDF-`` header; readers such as poppler accept it anywhere
#: in the first 1024 bytes, see :data:`_PDF_WINDOW`), the PNG specification (8-byte signature), JPEG/JFIF
#: (SOI marker ``FF D8`` then a marker ``FF``), TIFF 6.0 and BigTIFF (``II*\0``, ``MM\0*``, ``II+\0``,
#: ``MM\0+``), BMP (``BM``), WebP (RIFF container, form type ``WEBP`` at offset 8).
_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", ".png"),
    (0, b"\xff\xd8\xff", ".jpg"),
    (0, b"II*\x00", ".tif"),
    (0, b"MM\x00*", ".tif"),
    (0, b"II+\x00", ".tif"),
    (0, b"MM\x00+", ".tif"),
    (0, b"GIF87a", ".gif"),
    (0, b"GIF89a", ".gif"),
    (0, b"BM", ".bmp"),
    (8, b"WEBP", ".webp"),
)
#: How far into a file ``%PDF-`` may start (PDF 1.7 reference, implementation note 13: readers accept the
#: header anywhere in the first 1024 bytes; poppler and pdf.js do).
_PDF_WINDOW = 1024
#: Sizes of the BMP info headers (BITMAPCOREHEADER 12, BITMAPINFOHEADER 40, its V2/V3 52/56, OS/2 64,
#: V4 108, V5 124), the 4 bytes at offset 14 of a BMP file.
_BMP_HEADERS = frozenset({12, 40, 52, 56, 64, 108, 124})
#: Suffixes that name the same type.
_SAME_TYPE = {".jpeg": ".jpg", ".tiff": ".tif"}


def pages_beyond(spec: str | None, count: int) -> str:
    """The pages a selection ``spec`` (``input.pages``, 1-based, checked syntax) names past a document's
    ``count`` pages, as written (``"5"``, ``"4-9"``); empty when every page it names is there. Open
    ranges (``"3-"``) name no page past the end."""
    beyond = []
    for part in (spec or "").split(","):
        bits = [b.strip() for b in part.split("-", 1)]
        numbers = [int(b) for b in bits if b.isdigit()]
        if numbers and max(numbers) > count and (len(bits) == 1 or bits[1]):
            beyond.append(part.strip())
    return ", ".join(beyond)


def sniff_bytes(head: bytes) -> str | None:
    """The type of a file by its first bytes ``head`` (at least the first 1024 where the file is longer),
    as the suffix it is routed as (``.pdf``, ``.png``, ``.jpg``, ``.tif``, ``.gif``, ``.bmp``, ``.webp``),
    or None when it is none of these: the one table of signatures for files (:func:`sniff_type`) and for
    bytes handed in (:func:`ocrplug.pageloop.bytes_suffix`). Raises nothing."""
    head = bytes(head[:_PDF_WINDOW])
    for offset, magic, suffix in _SIGNATURES:
        if head[offset:offset + len(magic)] != magic:
            continue
        if suffix == ".webp" and head[:4] != b"RIFF":
            continue
        # "BM" alone is too common a start (text files): also the size of a known BMP info header.
        if suffix == ".bmp" and int.from_bytes(head[14:18], "little") not in _BMP_HEADERS:
            continue
        return suffix
    if b"%PDF-" in head:
        return ".pdf"
    return None


def sniff_type(path: Path) -> str | None:
    """The type of ``path`` by its first bytes (:func:`sniff_bytes`), or None when its content is none of
    the known types or the file cannot be read (the rasterizer chosen by suffix then reports it). Reads at
    most 1024 bytes; raises nothing."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(_PDF_WINDOW)
    except OSError:
        return None
    return sniff_bytes(head)


def to_rgb_array(image: Any) -> np.ndarray:
    """An H x W x 3 RGB uint8 array from a numpy array (gray, RGB, RGBA; uint8, uint16 or float in
    [0, 1] / [0, 255]) or a Pillow image (any mode); alpha is composited on white in both.

    Raises :class:`~ocrplug.errors.InputError` for any other shape or type.
    """
    if not isinstance(image, np.ndarray):
        if not type(image).__module__.startswith("PIL"):
            raise InputError(f"{ARRAY_LABEL}: expected a numpy array or a Pillow image, got {type(image).__name__}")
        image = _pil_to_array(image)
    arr = image
    if arr.ndim in (2, 3) and 0 in arr.shape[:2]:
        raise InputError(f"{ARRAY_LABEL}: empty image (shape {arr.shape}): no pixels to read")
    gray = arr.ndim == 2
    if gray:
        arr = arr[:, :, None]
    if arr.ndim != 3 or arr.shape[2] not in ((1,) if gray else (3, 4)):
        raise InputError(f"{ARRAY_LABEL}: expected an H x W, H x W x 3 (RGB) or H x W x 4 image, got shape {image.shape}")
    if arr.dtype != np.uint8:
        if not (np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating) or arr.dtype == bool):
            raise InputError(f"{ARRAY_LABEL}: expected real pixel values, got dtype {arr.dtype}")
        if arr.dtype == bool:
            arr = arr.astype(np.uint8) * 255
        elif arr.shape[2] == 4:  # alpha scaled on its own: a transparent page must not set the colours' range
            arr = np.concatenate([pixels_to_uint8(arr[:, :, :3], label=ARRAY_LABEL), _alpha_to_uint8(arr)], axis=2)
        else:
            arr = pixels_to_uint8(arr, label=ARRAY_LABEL)
    if gray:
        arr = np.repeat(arr, 3, axis=2)
    if arr.shape[2] == 4:
        # Composited on white, as image files and Pillow images are: transparent pixels of an RGBA
        # array are often black, and dropping alpha would turn the page black.
        alpha = arr[:, :, 3:].astype(np.float64) / 255.0
        arr = np.clip(arr[:, :, :3] * alpha + 255.0 * (1.0 - alpha) + 0.5, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(arr)


def _alpha_to_uint8(rgba: np.ndarray) -> np.ndarray:
    """The alpha channel (H x W x 1) of a wide RGBA array as uint8: 16-bit by 65535, floats by 1 when
    they are at most 1 (else 255), non-finite as opaque."""
    alpha = rgba[:, :, 3:]
    if rgba.dtype == np.uint16:
        return pixels_to_uint8(alpha, top=65535.0)
    finite = alpha[np.isfinite(alpha)] if np.issubdtype(alpha.dtype, np.floating) else alpha
    top = 1.0 if np.issubdtype(alpha.dtype, np.floating) and (finite.size == 0 or finite.max() <= 1.0) else 255.0
    return pixels_to_uint8(alpha, top=top)


def _pil_to_array(img: Any) -> np.ndarray:
    from PIL import Image

    mode = img.mode
    if mode.startswith("I;16"):
        return np.asarray(img, dtype=np.uint16)
    if mode in ("I", "F"):
        return pixels_to_uint8(np.asarray(img), label=ARRAY_LABEL)
    if mode in ("P", "PA", "RGBA", "LA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(background, rgba).convert("RGB"))
    return np.asarray(img if mode == "RGB" else img.convert("RGB"))


def _resolve(path: Path) -> Path:
    """``path`` resolved (symlinks followed), or made absolute where it cannot be: a symlink loop (``a -> a``,
    ``a -> b -> a``) makes :meth:`Path.resolve` raise RuntimeError (Python 3.11) or OSError (ELOOP, 3.13),
    and such an entry must fail alone (it is read as a broken link), never the whole run (T15)."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):
        return path.absolute()


def _not_a_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as an input file (missing, a broken symlink, a FIFO, socket or
    device), or None for a regular file (symlinks followed). Folders are the caller's business."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        if path.is_symlink():
            try:
                target = os.readlink(path)
            except OSError:
                target = "?"
            return f"broken symbolic link (its target {target} cannot be opened: {exc.strerror or exc})"
        return "no such file or folder" if isinstance(exc, FileNotFoundError) else f"cannot be read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    kinds = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
             (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"), (stat.S_ISDIR, "a folder"))
    kind = next((name for test, name in kinds if test(mode)), "a special file")
    return f"not a regular file: {kind}"


@dataclass(frozen=True)
class InputFile:
    """One input found on the command line or in a folder.

    ``label``: the path as the user gave it (or as found in a folder), used in messages and results.
    ``path``: the resolved file path (symlinks followed), None for an in-memory array.
    ``name``: the output name wanted, without suffix: the file's stem for a file given directly, its
    path relative to the given folder for folder inputs (``sub/scan``), ``page`` for arrays.
    """

    label: str
    path: Path | None
    name: str
    array: Any = field(default=None, compare=False, repr=False)


@dataclass
class InputDocument:
    """An opened input: its rasterizer and selected page count, ready to stream page images."""

    file: InputFile
    page_count: int
    _pages: Iterator[PageImage]

    def pages(self) -> Iterator[PageImage]:
        """The selected page images, one at a time (RGB uint8)."""
        return self._pages


class Sources:
    """Finds inputs and opens them with the right rasterizer (see the module docstring)."""

    def __init__(self, host: PluginHost, config: PipelineConfig, source: str = "<pipeline>") -> None:
        """Build every installed rasterizer (cheap: their factories import nothing heavy)."""
        self.config = config
        chosen = config.input.rasterizer
        options = config.input.options
        by_ext: dict[str, Rasterizer] = {}
        preferred: dict[str, Rasterizer] = {}
        accepted_options = not options
        self._unavailable: list[str] = []
        for name, spec in host.components("rasterizer").items():
            if name == chosen:
                resolved = resolve_component(
                    host, "rasterizer", ComponentConfig(name=name, options=options), "input.rasterizer", source
                )
                built = spec.build(resolved.options)
                accepted_options = True
                for ext in built.extensions:
                    preferred[ext.lower()] = built
                continue
            own = None
            if options and not chosen:
                try:
                    own = spec.options.model_validate(options)
                    accepted_options = True
                except ValueError:
                    own = None
            try:
                built = spec.build(own)
            except OcrplugError as exc:  # e.g. a missing extra: the other file types still work
                self._unavailable.append(f"{name}: {exc}")
                continue
            for ext in built.extensions:
                by_ext.setdefault(ext.lower(), built)
        if chosen and chosen not in host.components("rasterizer"):
            host.component("rasterizer", chosen, key_path="input.rasterizer.name", source=source)
        if not accepted_options:
            raise ConfigError(
                f"{source}: input.options {sorted(options)} are accepted by no installed rasterizer; "
                "name one with input.rasterizer to see its option errors"
            )
        by_ext.update(preferred)
        for rasterizer in by_ext.values():
            rasterizer.max_pixels = config.input.max_pixels
            rasterizer.image_dpi = config.input.dpi == "auto"
            rasterizer.text_pages = config.input.text_pages
        self._by_ext = by_ext
        self._misnamed: set[Path] = set()  # files whose suffix and content disagree, warned about once each
        self._pages = PageRange(config.input.pages)

    @property
    def extensions(self) -> list[str]:
        """File suffixes the installed rasterizers read, sorted."""
        return sorted(self._by_ext)

    def rasterizer_for(self, path: Path) -> Rasterizer:
        """The rasterizer that reads ``path``: by its content (:func:`sniff_type`) when that is a type an
        installed rasterizer reads, with a warning naming the file when its suffix says another type (once
        per file); else by its suffix. InputError for an unsupported type."""
        ext = path.suffix.lower()
        content = sniff_type(path)
        if content is not None and content in self._by_ext:
            if _SAME_TYPE.get(ext, ext) != content and path not in self._misnamed:
                self._misnamed.add(path)
                named = f"its suffix is {ext}" if ext else "its name has no suffix"
                kind = content[1:].upper()
                log.warning("%s: the content is %s but %s; read as %s", path, kind, named, kind)
            return self._by_ext[content]
        if ext not in self._by_ext:
            missing = f"; not available: {'; '.join(self._unavailable)}" if self._unavailable else ""
            raise InputError(
                f"{path}: unsupported file type {ext or '(no suffix)'!r} (supported: {', '.join(self.extensions)}{missing})"
            )
        return self._by_ext[ext]

    def discover(
        self, inputs: Sequence[Any], exclude: Collection[Path] = ()
    ) -> tuple[list[InputFile], list[PageFailure], list[Path]]:
        """Expand ``inputs`` (files, folders, arrays) into input files, the inputs that do not exist, and
        the entries of input folders left out as no input (``left_out``).

        Folders are read one level deep, files sorted by name, keeping only supported suffixes; hidden
        files, the resolved paths in ``exclude`` and the files any ocrplug run recorded writing into
        the folder (its ``.ocrplug/outputs`` ledger, :func:`~ocrplug.manifest.read_ledger`: e.g. overlay
        images when the output folder is the input folder, whatever renderers wrote them) are skipped
        silently; the other entries that are not read (a file of a type no installed rasterizer reads, a
        sub-folder) are returned in ``left_out``, sorted, so that a run can say so. A file named directly
        is always taken. Each input file appears once.
        """
        found: list[InputFile] = []
        failures: list[PageFailure] = []
        left_out: list[Path] = []
        seen: set[Path] = set()
        skip = set(exclude)
        # A folder named as an input itself (or excluded, as the output folder is) is read or skipped
        # on its own account: it is never "left out" of another input folder that holds it.
        named = {_resolve(Path(i)) for i in inputs if isinstance(i, (str, os.PathLike))}
        for item in inputs:
            if not isinstance(item, (str, os.PathLike)):
                found.append(InputFile(label=ARRAY_LABEL, path=None, name="page", array=item))
                continue
            given = Path(item)
            if given.is_dir():
                entries, unreadable, others = self._folder(given)
                own = read_ledger(given)
                files = [f for f in entries if _resolve(f) not in skip and _resolve(f) not in own]
                quiet = skip | own | named
                left_out += [f for f in others if _resolve(f) not in quiet]
                failures += [PageFailure(str(f), None, f"{f}: {reason}") for f, reason in unreadable]
                if not files and not unreadable:
                    failures.append(PageFailure(str(item), None, f"{item}: folder holds no supported files"))
                for f in files:
                    rel = PurePosixPath(f.relative_to(given).as_posix())
                    if _resolve(f) not in seen:
                        seen.add(_resolve(f))
                        found.append(InputFile(label=str(f), path=_resolve(f), name=str(rel.with_suffix(""))))
            elif (reason := _not_a_file(given)) is not None:
                failures.append(PageFailure(str(item), None, f"{item}: {reason}"))
            elif _resolve(given) not in seen:
                seen.add(_resolve(given))
                found.append(InputFile(label=str(item), path=_resolve(given), name=given.stem))
        return found, failures, left_out

    def _folder(self, folder: Path) -> tuple[list[Path], list[tuple[Path, str]], list[Path]]:
        """The readable files of ``folder`` with a supported suffix (not hidden), sorted; the entries
        with such a name that are not readable files (broken symlinks, FIFOs, sockets, devices), with why;
        and the other entries not hidden (sub-folders, files of other types), which are not read."""
        wanted = set(self._by_ext)
        files: list[Path] = []
        unreadable: list[tuple[Path, str]] = []
        others: list[Path] = []
        for p in sorted(folder.iterdir()):
            if p.name.startswith("."):
                continue
            if p.suffix.lower() not in wanted or p.is_dir():
                others.append(p)
                continue
            reason = _not_a_file(p)
            if reason is None:
                files.append(p)
            else:
                unreadable.append((p, reason))
        return files, unreadable, others

    def open(self, item: InputFile) -> InputDocument:
        """Open one input: choose its rasterizer and count its selected pages (once).

        Raises :class:`~ocrplug.errors.InputError` naming the file when it cannot be read or when
        ``input.pages`` selects none of its pages.
        """
        if item.path is None:
            image = PageImage(image=to_rgb_array(item.array), index=0, source=ARRAY_LABEL)
            return InputDocument(item, 1, iter([image]))
        path = Path(item.label)
        rasterizer = self.rasterizer_for(path)
        total = rasterizer.page_count(path)
        count = len(self._pages.indices(total))
        if count == 0:
            raise InputError(f"{path}: input.pages {self._pages.spec!r} selects no page of its {total} page(s)")
        missing = pages_beyond(self._pages.spec, total)
        if missing:
            log.warning("%s: input.pages %r names page(s) %s, past its last page (%d); the others are read",
                        path, self._pages.spec, missing, total)
        return InputDocument(item, count, rasterizer.iter_pages(path, self._pages, self.config.input.render_dpi()))

    def reopen_after(self, item: InputFile, index: int) -> Iterator[PageImage]:
        """The selected pages of file ``item`` after page ``index`` (0-based), read afresh: how the run
        loop goes on past a page the rasterizer could not decode. Raises InputError like :meth:`open`."""
        path = Path(item.label)
        after = PagesAfter(self._pages.spec, index)
        return self.rasterizer_for(path).iter_pages(path, after, self.config.input.render_dpi())


@dataclass(frozen=True)
class PagesAfter(PageRange):
    """The pages of a selection that come after page ``after`` (0-based)."""

    after: int = -1

    def indices(self, count: int) -> list[int]:
        """The selected 0-based indices greater than ``after``."""
        return [i for i in super().indices(count) if i > self.after]
