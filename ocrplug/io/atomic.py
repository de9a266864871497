"""Atomic file writes: a crash or Ctrl-C never leaves a half-written output file behind.

Every temporary name this module makes starts with a dot and holds ``.part`` (``.<stem>.<random>.part
<suffix>`` for files, ``.<stem>.<random>.partdir`` for folders), so :func:`remove_stale_temporaries`
can find what a killed run left behind. Paths registered with :func:`protect` (a run's input files)
are never replaced: writing onto one raises :class:`~ocrplug.errors.OutputError`. While a run holds
its output folder (:func:`confine`), every write, scratch folder and removal through this module must
land inside it (parent resolved, symlinks followed), whatever a renderer computed: a target outside,
or a name holding a NUL byte, raises :class:`~ocrplug.errors.OutputError` before anything is created.

An ``OSError`` raised while writing (a full disk, a quota, a read-only file system) always carries the
final path as its ``filename``, so callers can say "No space left on device: /out/a.txt".
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Literal, overload

from ocrplug.errors import OutputError

log = logging.getLogger(__name__)

__all__ = [
    "atomic_path",
    "atomic_write",
    "confine",
    "inside",
    "is_protected",
    "protect",
    "remove_output",
    "remove_stale_temporaries",
    "temporary_dir",
    "write_bytes_atomic",
    "write_text_atomic",
]

# Matches the temporary names made below (files and folders), nothing a user would name a file.
_TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{6,}\.part(dir|\..*)?$")

_PROTECTED: set[str] = set()
# Output folders (resolved) the current thread's renderer calls are confined to (see confine). A
# context variable, not a global: a model cache written by a worker thread during a run is not an output.
_ROOTS: contextvars.ContextVar[tuple[str, ...]] = contextvars.ContextVar("ocrplug_output_roots", default=())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _key(path: Path) -> str:
    return os.path.normcase(os.path.realpath(path))


@contextlib.contextmanager
def protect(paths: Iterable[str | os.PathLike[str]]) -> Iterator[None]:
    """Within the block, refuse to replace any of ``paths`` (symlinks resolved).

    The run loop protects its input files, so no renderer (built-in or third-party, as long as it writes
    through this module) can overwrite an input, whatever its output name.
    """
    keys = {_key(Path(p)) for p in paths} - _PROTECTED
    _PROTECTED.update(keys)
    try:
        yield
    finally:
        _PROTECTED.difference_update(keys)


def _check_not_protected(target: Path) -> None:
    if _PROTECTED and _key(target) in _PROTECTED:
        raise OutputError(f"{target}: refusing to overwrite an input file of this run")


def is_protected(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` (symlinks resolved) is an input file a running run protects."""
    return bool(_PROTECTED) and _key(Path(path)) in _PROTECTED


def inside(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """Whether ``path``, resolved (symlinks followed, ``..`` applied), is ``root`` or lies under it.

    ``root`` is resolved too. A ``path`` holding a NUL byte is never inside (no file can have that name).
    """
    text, base = os.fspath(path), os.fspath(root)
    if "\0" in text or "\0" in base:
        return False
    real, top = os.path.realpath(text), os.path.realpath(base)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


@contextlib.contextmanager
def confine(root: str | os.PathLike[str]) -> Iterator[None]:
    """Within the block (in this thread or task), refuse any write through this module outside ``root``.

    The writing layer runs every renderer call inside it, so a renderer (built-in or third-party, as
    long as it writes through this module) that computes a path climbing out of the output folder
    (``..``, an absolute path, a symlink inside it pointing out) is stopped before anything is created.
    Nested blocks narrow nothing: a write must land inside the innermost ``root``.
    """
    token = _ROOTS.set((os.path.realpath(os.fspath(root)),))
    try:
        yield
    finally:
        _ROOTS.reset(token)


def _check_target(target: Path) -> None:
    """OutputError for a name with a NUL byte, a target outside every confined root, or a protected input."""
    if "\0" in os.fspath(target):
        raise OutputError(f"{os.fspath(target)!r}: an output file name cannot hold a NUL byte")
    roots = _ROOTS.get()
    if roots:
        # The parent decides where the bytes land: the final name is replaced by a rename (a symlink
        # there is replaced, never followed), and its folder must be inside the output folder.
        parent = target.parent
        if not any(inside(parent, root) for root in roots):
            raise OutputError(
                f"{target}: refusing to write outside the output folder {' or '.join(roots)} "
                f"(its folder resolves to {os.path.realpath(parent)})"
            )
    _check_not_protected(target)


def _with_path(exc: OSError, path: Path) -> OSError:
    """``exc`` with ``filename`` set to ``path`` when the OS left it empty (a failed write or flush)."""
    if exc.filename is not None or exc.errno is None:
        return exc
    return type(exc)(exc.errno, exc.strerror or os.strerror(exc.errno), os.fspath(path))


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed onto ``path``, else removed.

    Use it for libraries that write to a file name themselves (e.g. ``cv2.imwrite``, ``pdf.save``).
    The temporary name keeps the final suffix so such libraries pick the right format.
    Raises :class:`~ocrplug.errors.OutputError` when ``path`` is a protected input file, holds a NUL
    byte, or lies outside the output folder a run holds (:func:`confine`); an ``OSError`` of the write
    (full disk, read-only file system) is re-raised with ``filename`` set to ``path``.
    """
    target = Path(path)
    _check_target(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # The temporary name is ASCII: libraries that save by name (qpdf, OpenCV) reject names that are
        # not valid UTF-8, and the final name is given by the rename alone.
        stem = _ascii(target.stem)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{stem}.", suffix=f".part{_ascii(target.suffix)}", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise _with_path(exc, target) from None
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp creates 0600 files; outputs get the usual permissions (0666 minus the umask).
        os.chmod(tmp, 0o666 & ~_umask())
        _check_target(target)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise _with_path(exc, target) from None
        raise


def _ascii(name: str) -> str:
    """``name`` with every non-ASCII character (or undecodable byte) replaced by ``_``."""
    return name.encode("ascii", "replace").decode("ascii").replace("?", "_")


def temporary_dir(parent: str | os.PathLike[str], stem: str) -> Path:
    """A new hidden scratch folder ``<parent>/.<stem>.<random>.partdir`` (the caller removes it).

    Raises :class:`~ocrplug.errors.OutputError` when ``parent`` lies outside a confined output folder.
    """
    folder = Path(parent)
    _check_target(folder / "x")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{_ascii(Path(stem).name)}.", suffix=".partdir", dir=folder))
    except OSError as exc:
        raise _with_path(exc, folder) from None


def remove_output(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> bool:
    """Remove a file an earlier run wrote into output folder ``root`` (a stale output); True when removed.

    Refused (OutputError) when ``path``'s folder is outside ``root`` or ``path`` is a protected input; a
    missing file is False. A symlink is removed itself, never its target.
    """
    target = Path(path)
    with confine(root):
        _check_target(target)
    try:
        target.unlink()
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise _with_path(exc, target) from None
    return True


def remove_stale_temporaries(folder: str | os.PathLike[str], boundary: str | None = None) -> list[Path]:
    """Remove the temporary files and folders a killed run left under ``folder``; returns them.

    Only names made by this module match, so user files are never touched. Call it only while no other
    run writes into ``folder`` (the run loop holds the folder's lock). ``boundary``: a sub-folder that
    holds an entry of this name (another run's state folder, ``.ocrplug``) belongs to that run, live or
    not, and is not entered. A temporary that cannot be removed (read-only file system) is logged and
    left.
    """
    removed: list[Path] = []
    root = Path(folder)
    if not root.is_dir():
        return removed
    for dirpath, dirnames, filenames in os.walk(root):
        for name in list(dirnames):
            if _TEMP_NAME.match(name):
                shutil.rmtree(Path(dirpath) / name, ignore_errors=True)
                dirnames.remove(name)
                removed.append(Path(dirpath) / name)
            elif boundary is not None and name != boundary and os.path.lexists(Path(dirpath) / name / boundary):
                dirnames.remove(name)  # another run's output folder: its own run cleans it
        for name in filenames:
            if _TEMP_NAME.match(name):
                try:
                    (Path(dirpath) / name).unlink()
                except FileNotFoundError:
                    continue
                except OSError as exc:
                    log.warning("cannot remove the stale temporary %s (%s)", Path(dirpath) / name, exc.strerror or exc)
                    continue
                removed.append(Path(dirpath) / name)
    return removed


@overload
def atomic_write(path: str | os.PathLike[str], mode: Literal["w"] = "w", encoding: str = "utf-8") -> contextlib.AbstractContextManager[IO[str]]: ...
@overload
def atomic_write(path: str | os.PathLike[str], mode: Literal["wb"], encoding: str = "utf-8") -> contextlib.AbstractContextManager[IO[bytes]]: ...


@contextlib.contextmanager  # type: ignore[misc]
def atomic_write(path: str | os.PathLike[str], mode: str = "w", encoding: str = "utf-8") -> Iterator[IO]:
    """Open a temporary file beside ``path`` for writing; it replaces ``path`` only on success."""
    with atomic_path(path) as tmp:
        if "b" in mode:
            with open(tmp, mode) as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
        else:
            with open(tmp, mode, encoding=encoding, newline="") as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text to ``path`` atomically and return the path."""
    with atomic_write(path, "w") as fh:
        fh.write(text)
    return Path(path)


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write bytes to ``path`` atomically and return the path."""
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return Path(path)
