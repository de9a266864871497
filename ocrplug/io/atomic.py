"""Atomic file writes: a crash or Ctrl-C never leaves a half-written output file behind.

Every temporary name this module makes starts with a dot and holds ``.part`` (``.<stem>.<random>.part
<suffix>`` for files, ``.<stem>.<random>.partdir`` for folders), so :func:`remove_stale_temporaries`
can find what a killed run left behind. Paths registered with :func:`protect` (a run's input files)
are never replaced: writing onto one raises :class:`~ocrplug.errors.OutputError`.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Literal, overload

from ocrplug.errors import OutputError

__all__ = [
    "atomic_path",
    "atomic_write",
    "protect",
    "remove_stale_temporaries",
    "temporary_dir",
    "write_bytes_atomic",
    "write_text_atomic",
]

# Matches the temporary names made below (files and folders), nothing a user would name a file.
_TEMP_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{6,}\.part(dir|\..*)?$")

_PROTECTED: set[str] = set()


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


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed onto ``path``, else removed.

    Use it for libraries that write to a file name themselves (e.g. ``cv2.imwrite``, ``pdf.save``).
    The temporary name keeps the final suffix so such libraries pick the right format.
    Raises :class:`~ocrplug.errors.OutputError` when ``path`` is a protected input file.
    """
    target = Path(path)
    _check_not_protected(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.stem}.", suffix=f".part{target.suffix}", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp creates 0600 files; outputs get the usual permissions (0666 minus the umask).
        os.chmod(tmp, 0o666 & ~_umask())
        _check_not_protected(target)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def temporary_dir(parent: str | os.PathLike[str], stem: str) -> Path:
    """A new hidden scratch folder ``<parent>/.<stem>.<random>.partdir`` (the caller removes it)."""
    folder = Path(parent)
    folder.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{Path(stem).name}.", suffix=".partdir", dir=folder))


def remove_stale_temporaries(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files and folders a killed run left under ``folder``; returns them.

    Only names made by this module match, so user files are never touched. Call it only while no other
    run writes into ``folder`` (the run loop holds the folder's lock).
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
        for name in filenames:
            if _TEMP_NAME.match(name):
                with contextlib.suppress(FileNotFoundError):
                    (Path(dirpath) / name).unlink()
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
