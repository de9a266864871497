"""The resume manifest: what an output folder holds, so a rerun skips finished work.

It lives in ``<out>/.ocrplug/``:

- ``manifest.json`` (schema ``ocrplug-manifest/1``), rewritten atomically at the end of a run, with
  ``manifest.log`` holding the updates since (one JSON line per document start and end, replayed on
  load, so a killed run loses nothing)::

      {"schema": "ocrplug-manifest/1",
       "documents": {"/abs/input.pdf": {"name": "input", "size": 1234, "mtime_ns": 1700000000000000000,
                     "config": "<sha256 of the config>", "status": "done" | "failed" | "running",
                     "page_count": 20, "pages_done": 19, "failed_pages": [7], "outputs": ["input.txt"]}},
       "names": {"input": "/abs/input.pdf"}}

  ``names`` maps every output name to the input that owns it, across runs, so two different inputs
  never get one name (the second gets ``name-2``; see docs/cli.md "Output names").
- ``pages/<name>.jsonl``: the page journal of a document in progress: a header line (config hash, input
  size and mtime) then one :meth:`~ocrplug.model.Page.to_dict` line per finished page. After a crash the
  rerun takes journaled pages as done and runs OCR only on the others. Removed when the document is done.
- ``lock``: held (``flock``) while a run writes into the folder; the kernel releases it when the run dies.

A document counts as done when its input's size and mtime and the config hash are unchanged and its
outputs exist. Failed documents and pages are retried.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ocrplug.config import PipelineConfig
from ocrplug.errors import OutputError
from ocrplug.io.atomic import write_text_atomic
from ocrplug.model import Page

__all__ = ["MANIFEST_DIR", "Manifest", "PageJournal", "config_hash", "input_signature"]

MANIFEST_DIR = ".ocrplug"
SCHEMA = "ocrplug-manifest/1"

log = logging.getLogger(__name__)

_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,), "size": (int,), "mtime_ns": (int,), "config": (str,), "status": (str,),
    "page_count": (int, type(None)), "pages_done": (int,), "error": (str,), "failed_pages": (list,), "outputs": (list,),
}


def _check_entry(key: str, entry: Any) -> None:
    """ValueError when a document entry has a field of the wrong type (a tampered manifest)."""
    if not isinstance(entry, dict):
        raise ValueError(f"entry of {key!r} is not an object")
    for name, types in _FIELD_TYPES.items():
        value = entry.get(name)
        if name in entry and (not isinstance(value, types) or isinstance(value, bool)):
            raise ValueError(f"{key!r}: {name} is {type(value).__name__}")
    if not all(isinstance(x, str) for x in entry.get("outputs", [])):
        raise ValueError(f"{key!r}: outputs are not all strings")
    if not all(isinstance(x, int) for x in entry.get("failed_pages", [])):
        raise ValueError(f"{key!r}: failed_pages are not all integers")


def _checked(data: Any) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """``(documents, names)`` of a loaded manifest; ValueError naming what is malformed."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"not an {SCHEMA} object")
    documents, names = data.get("documents", {}), data.get("names", {})
    if not isinstance(documents, dict) or not isinstance(names, dict):
        raise ValueError("documents and names must be objects")
    for key, entry in documents.items():
        _check_entry(key, entry)
    if not all(isinstance(v, str) for v in names.values()):
        raise ValueError("names must map output names to input paths")
    return dict(documents), dict(names)


def config_hash(config: PipelineConfig) -> str:
    """sha256 of what decides a document's outputs: the config without ``jobs`` and ``output``."""
    data = config.model_dump(mode="json", exclude={"jobs", "output"})
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def input_signature(path: Path) -> dict[str, int]:
    """``{"size": bytes, "mtime_ns": ...}`` of an input file: a change means its outputs are stale."""
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


class Manifest:
    """The manifest of one output folder (see the module docstring). Not thread-safe."""

    def __init__(self, out_dir: Path, persist: bool = True) -> None:
        """Load ``<out_dir>/.ocrplug/manifest.json`` and replay ``manifest.log``.

        An unreadable or malformed manifest (invalid JSON, wrong types) is renamed
        ``manifest.json.bad-<time>`` with one warning, and the run starts afresh; a manifest path that
        is a folder raises :class:`~ocrplug.errors.OutputError` naming it.

        ``persist`` False: an in-memory manifest that never touches the disk (a run writing nothing).
        """
        self.out_dir = Path(out_dir)
        self.persist = persist
        self.dir = self.out_dir / MANIFEST_DIR
        self.path = self.dir / "manifest.json"
        self.log_path = self.dir / "manifest.log"
        self.documents: dict[str, dict[str, Any]] = {}
        self.names: dict[str, str] = {}
        self._log: IO[str] | None = None
        self.changed = False
        if not persist:
            return
        if self.path.is_dir():
            raise OutputError(f"{self.path}: the resume manifest is a folder, not a file; move it away or use --no-resume")
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8"))
                documents, names = _checked(data)
            except (OSError, ValueError) as exc:
                self._set_aside(self.path, exc)
            else:
                self.documents, self.names = documents, names
        with contextlib.suppress(OSError):
            with open(self.log_path, encoding="utf-8") as fh:
                for line in fh:
                    try:
                        record = json.loads(line)
                        key, fields = record["key"], record["fields"]
                        if not isinstance(key, str) or not isinstance(fields, dict):
                            raise ValueError("not a manifest update")
                        _check_entry(key, {**self.documents.get(key, {}), **fields})
                    except (ValueError, KeyError, TypeError):
                        break  # a line cut short by a crash (or tampered): the rest is not replayed
                    self._apply(key, fields)
                    self.changed = True

    def _set_aside(self, path: Path, why: Exception) -> None:
        """Rename an unreadable or malformed manifest to ``manifest.json.bad-<time>`` and warn once."""
        aside = path.with_name(f"{path.name}.bad-{time.strftime('%Y%m%dT%H%M%S')}")
        try:
            os.replace(path, aside)
        except OSError as exc:
            raise OutputError(f"{path}: malformed resume manifest ({why}) that cannot be set aside ({exc})") from None
        log.warning("%s: malformed resume manifest (%s); set aside as %s, starting a fresh run", path, why, aside)

    def _apply(self, key: str, fields: dict[str, Any]) -> None:
        self.documents.setdefault(key, {}).update(fields)
        if "name" in fields:
            self.names[str(fields["name"])] = key

    def save(self) -> None:
        """Write the whole manifest atomically and drop the update log (end of a run).

        Nothing is written when nothing changed (a run refused before its first document).
        """
        if not self.persist or not self.changed:
            return
        self.dir.mkdir(parents=True, exist_ok=True)
        text = json.dumps({"schema": SCHEMA, "documents": self.documents, "names": self.names}, indent=1)
        write_text_atomic(self.path, text + "\n")
        if self._log is not None:
            self._log.close()
            self._log = None
        with contextlib.suppress(FileNotFoundError):
            self.log_path.unlink()

    def close(self) -> None:
        """Close the update log without folding it (``save`` does both)."""
        if self._log is not None:
            self._log.close()
            self._log = None

    def claim_name(self, key: str | None, wanted: str, taken: set[str]) -> str:
        """A stable output name for input ``key``: the one it had before, else ``wanted`` or
        ``wanted-2``, ``wanted-3``... avoiding names owned by other inputs and names in ``taken``.

        ``key`` None (an in-memory array) is never recorded.
        """
        earlier = self.documents.get(key, {}).get("name") if key is not None else None
        if earlier and earlier not in taken and self.names.get(earlier) in (None, key):
            name = str(earlier)
        else:
            name, n = wanted, 2
            while name in taken or (self.names.get(name) not in (None, key)):
                name, n = f"{wanted}-{n}", n + 1
        if key is not None:
            self.names[name] = key
        return name

    def is_done(self, key: str, signature: dict[str, int], config: str) -> bool:
        """Whether input ``key`` finished with this config and unchanged input, outputs still present."""
        entry = self.documents.get(key)
        if not entry or entry.get("status") != "done" or entry.get("config") != config:
            return False
        if entry.get("size") != signature["size"] or entry.get("mtime_ns") != signature["mtime_ns"]:
            return False
        return all((self.out_dir / rel).exists() for rel in entry.get("outputs", []))

    def update(self, key: str, **fields: Any) -> None:
        """Set fields of the entry of ``key`` (created if new), appended to ``manifest.log`` at once.

        Appending keeps each update O(1) on runs of many documents, and a killed run loses none of them
        (the next run replays the log); :meth:`save` folds the log into ``manifest.json``.
        """
        self._apply(key, fields)
        if not self.persist:
            return
        self.changed = True
        if self._log is None:
            self.dir.mkdir(parents=True, exist_ok=True)
            self._log = open(self.log_path, "a", encoding="utf-8")
        self._log.write(json.dumps({"key": key, "fields": fields}) + "\n")
        self._log.flush()

    def journal_path(self, name: str) -> Path:
        """Where the page journal of the document named ``name`` lives."""
        return self.dir / "pages" / (name.replace("/", "__") + ".jsonl")


class PageJournal:
    """Finished pages of one document, appended as they come, read back by a rerun after a crash."""

    def __init__(self, path: Path, header: dict[str, Any], resume: bool = True) -> None:
        """Open the journal at ``path``: keep its pages when ``resume`` and its header equals ``header``."""
        self.path = path
        self.header = header
        self._done: dict[int, str] = {}
        if resume:
            self._load()
        self._fh: IO[str] | None = None

    def _load(self) -> None:
        with contextlib.suppress(OSError):
            with open(self.path, encoding="utf-8") as fh:
                lines = iter(fh)
                try:
                    if json.loads(next(lines)) != self.header:
                        return
                except (StopIteration, ValueError):
                    return
                for line in lines:
                    try:
                        self._done[int(json.loads(line)["index"])] = line
                    except (ValueError, KeyError, TypeError):
                        break  # a line cut short by a crash: everything after it is redone

    @property
    def done_count(self) -> int:
        """Pages read back from an earlier run."""
        return len(self._done)

    def get(self, index: int) -> Page | None:
        """The journaled page ``index`` (0-based), or None."""
        line = self._done.get(index)
        return None if line is None else Page.from_dict(json.loads(line))

    def append(self, page: Page) -> None:
        """Record a finished page (flushed, so it survives the process being killed)."""
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            keep = dict(self._done)
            self._fh = open(self.path, "w", encoding="utf-8")
            self._fh.write(json.dumps(self.header) + "\n")
            for line in keep.values():
                self._fh.write(line if line.endswith("\n") else line + "\n")
        if page.index in self._done:
            return
        self._fh.write(json.dumps(page.to_dict()) + "\n")
        self._fh.flush()

    def close(self, remove: bool = False) -> None:
        """Close the file; ``remove`` deletes it (the document is done)."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None
        if remove:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()


@contextlib.contextmanager
def folder_lock(out_dir: Path) -> Iterator[bool]:
    """Hold ``<out_dir>/.ocrplug/lock``; yields False when another live run holds it (POSIX only)."""
    lock_dir = Path(out_dir) / MANIFEST_DIR
    lock_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_dir / "lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # no flock (Windows): no protection against two runs
            pass
        except OSError:
            yield False
            return
        yield True
    finally:
        os.close(fd)
