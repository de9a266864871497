"""Atomic file writes: a crash or Ctrl-C never leaves a half-written output file behind."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Literal, overload

__all__ = ["atomic_path", "atomic_write", "write_bytes_atomic", "write_text_atomic"]


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it is renamed onto ``path``, else removed.

    Use it for libraries that write to a file name themselves (e.g. ``cv2.imwrite``, ``pdf.save``).
    The temporary name keeps the final suffix so such libraries pick the right format.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # The temporary name is ASCII: libraries that save by name (qpdf, OpenCV) reject names that are
    # not valid UTF-8, and the final name is given by the rename alone.
    stem = target.stem.encode("ascii", "replace").decode("ascii").replace("?", "_")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{stem}.", suffix=f".part{target.suffix}", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp creates 0600 files; outputs get the usual permissions (0666 minus the umask).
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


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
