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
- ``outputs``: the ledger of every file any ocrplug run wrote into this folder (one JSON string per
  line, the path relative to the folder), appended before a document's files are renamed into place
  and never rewritten. Whatever the config history, those files are never taken as inputs
  (:func:`read_ledger`) and only they are ever removed as stale outputs of an earlier config.
  A document entry's ``superseded`` lists outputs of an earlier config that a failed redo left in
  place; they are removed (if in the ledger) when a redo of the document completes.

A document counts as done when its input is unchanged (size and mtime, or with
``resume_check="hash"`` the sha256 of its content, stored as ``sha256``), the config hash is unchanged
and its outputs exist. Failed documents and pages are retried.

Every append (log, journal, ledger) is one ``write`` on an ``O_APPEND`` descriptor; when it fails
(a full disk), the file is cut back to its previous length, so it never ends in half a line, and the
``OSError`` (with the file's path) goes to the caller, who makes it that document's failure.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ocrplug.config import PipelineConfig
from ocrplug.errors import OutputError
from ocrplug.io.atomic import write_text_atomic
from ocrplug.model import Page

__all__ = [
    "MANIFEST_DIR",
    "RESUME_CHECKS",
    "Ledger",
    "Manifest",
    "PageJournal",
    "config_hash",
    "input_signature",
    "read_ledger",
    "safe_relative",
]

MANIFEST_DIR = ".ocrplug"
SCHEMA = "ocrplug-manifest/1"
LEDGER = "outputs"
RESUME_CHECKS = ("size-mtime", "hash")

log = logging.getLogger(__name__)

_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "name": (str,), "size": (int,), "mtime_ns": (int,), "config": (str,), "status": (str,),
    "page_count": (int, type(None)), "pages_done": (int,), "error": (str,), "failed_pages": (list,), "outputs": (list,),
    "sha256": (str, type(None)), "superseded": (list,),
}


def _check_entry(key: str, entry: Any) -> None:
    """ValueError when a document entry has a field of the wrong type (a tampered manifest)."""
    if not isinstance(entry, dict):
        raise ValueError(f"entry of {key!r} is not an object")
    for name, types in _FIELD_TYPES.items():
        value = entry.get(name)
        if name in entry and (not isinstance(value, types) or isinstance(value, bool)):
            raise ValueError(f"{key!r}: {name} is {type(value).__name__}")
    if not all(isinstance(x, str) for x in [*entry.get("outputs", []), *entry.get("superseded", [])]):
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


def input_signature(path: Path, check: str = "size-mtime") -> dict[str, Any]:
    """``{"size": bytes, "mtime_ns": ...}`` of an input file, plus ``"sha256"`` (hex digest of the
    content) when ``check`` is ``"hash"``: a change means its outputs are stale. Raises OSError."""
    st = path.stat()
    signature: dict[str, Any] = {"size": st.st_size, "mtime_ns": st.st_mtime_ns}
    if check == "hash":
        digest = hashlib.sha256()
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
        signature["sha256"] = digest.hexdigest()
    return signature


def safe_relative(name: str) -> bool:
    """Whether ``name`` is a relative path that stays below its folder (no ``..``, not absolute, no NUL)."""
    if not name or "\0" in name or os.path.isabs(name) or name.startswith(("/", "\\")):
        return False
    return ".." not in Path(name.replace("\\", "/")).parts


def _append_line(path: Path, line: str) -> None:
    """Append ``line`` (one ``write``); on failure cut the file back and raise OSError naming ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = line.encode("utf-8", "surrogatepass")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        start = os.lseek(fd, 0, os.SEEK_END)
        try:
            written = os.write(fd, data)
            if written != len(data):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(fd, start)
            raise OSError(exc.errno, exc.strerror, str(path)) from None
    finally:
        os.close(fd)


def read_ledger(folder: Path) -> set[Path]:
    """Resolved paths of the files ocrplug runs recorded writing into ``folder`` (its
    ``.ocrplug/outputs`` ledger); empty when there is none or it cannot be read."""
    found: set[Path] = set()
    root = Path(folder).resolve()
    with contextlib.suppress(OSError):
        with open(root / MANIFEST_DIR / LEDGER, encoding="utf-8", errors="surrogateescape") as fh:
            for line in fh:
                try:
                    rel = json.loads(line)
                except ValueError:
                    continue  # a line cut short: the others still count
                if isinstance(rel, str) and safe_relative(rel):
                    found.add((root / rel).resolve())
    return found


class Ledger:
    """The ``.ocrplug/outputs`` ledger of one output folder (see the module docstring)."""

    def __init__(self, out_dir: Path) -> None:
        """Load the paths recorded so far (relative to ``out_dir``)."""
        self.out_dir = Path(out_dir)
        self.path = self.out_dir / MANIFEST_DIR / LEDGER
        root = self.out_dir.resolve()
        self._known = {p.relative_to(root).as_posix() for p in read_ledger(self.out_dir) if p.is_relative_to(root)}

    def __contains__(self, rel: object) -> bool:
        return rel in self._known

    @property
    def paths(self) -> set[str]:
        """The recorded paths, relative to the folder."""
        return set(self._known)

    def record(self, rels: list[str]) -> None:
        """Append the paths not recorded yet (one write); raises OSError naming the ledger."""
        new = [r for r in dict.fromkeys(rels) if r not in self._known]
        if not new:
            return
        _append_line(self.path, "".join(json.dumps(r) + "\n" for r in new))
        self._known.update(new)


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
        self.changed = False
        if not persist:
            return
        if self.path.is_dir():
            raise OutputError(f"{self.path}: the resume manifest is a folder, not a file; move it away or use --no-resume")
        if self.path.exists():
            try:
                data = json.loads(self.path.read_text(encoding="utf-8", errors="surrogateescape"))
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
        # Atomic: on a full disk the old manifest.json stays as it was, and the log (not removed
        # then) still holds this run's updates for the next run to replay.
        write_text_atomic(self.path, text + "\n")
        with contextlib.suppress(FileNotFoundError):
            self.log_path.unlink()

    def close(self) -> None:
        """Nothing to release (each update opens and closes the log); kept for callers."""

    def claim_name(self, key: str | None, wanted: str, taken: set[str]) -> str:
        """A stable output name for input ``key``: the one it had before, else ``wanted`` or
        ``wanted-2``, ``wanted-3``... avoiding names owned by other inputs and names in ``taken``, in any
        case (``Scan`` and ``scan`` are one file on a case-insensitive disk).

        ``key`` None (an in-memory array) is never recorded.
        """
        # Names that differ only in case are one file on a case-insensitive disk (macOS, Windows, a
        # mounted share): `UPPER.PNG` and `upper.pdf` would overwrite each other's outputs (V13).
        folded_taken = {t.casefold() for t in taken}
        owners: dict[str, set[str]] = {}
        for owned, owner in self.names.items():
            owners.setdefault(owned.casefold(), set()).add(owner)

        def free(candidate: str) -> bool:
            folded = candidate.casefold()
            return folded not in folded_taken and owners.get(folded, set()) <= {key}

        earlier = self.documents.get(key, {}).get("name") if key is not None else None
        if earlier is not None and not safe_relative(str(earlier)):
            earlier = None  # a tampered manifest never places an output outside the folder
        if earlier and free(str(earlier)):
            name = str(earlier)
        else:
            name, n = wanted, 2
            while not free(name):
                name, n = f"{wanted}-{n}", n + 1
        if key is not None:
            self.names[name] = key
        return name

    def is_done(self, key: str, signature: dict[str, Any], config: str) -> bool:
        """Whether input ``key`` finished with this config and unchanged input, outputs still present.

        ``signature`` from :func:`input_signature`: its ``sha256``, when present, must equal the one
        stored (an entry without one is not done); else size and mtime must.
        """
        entry = self.documents.get(key)
        if not entry or entry.get("status") != "done" or entry.get("config") != config:
            return False
        if "sha256" in signature:
            if entry.get("sha256") != signature["sha256"]:
                return False
        elif entry.get("size") != signature["size"] or entry.get("mtime_ns") != signature["mtime_ns"]:
            return False
        return all((self.out_dir / rel).exists() for rel in entry.get("outputs", []))

    def update(self, key: str, **fields: Any) -> None:
        """Set fields of the entry of ``key`` (created if new), appended to ``manifest.log`` at once.

        Appending keeps each update O(1) on runs of many documents, and a killed run loses none of them
        (the next run replays the log); :meth:`save` folds the log into ``manifest.json``.
        Raises OSError naming the log when it cannot be written (the update stays in memory for
        :meth:`save`; the log never keeps half a line).
        """
        self._apply(key, fields)
        if not self.persist:
            return
        self.changed = True
        _append_line(self.log_path, json.dumps({"key": key, "fields": fields}) + "\n")

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
        self._started = False

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
        """Record a finished page (written at once, so it survives the process being killed).

        Raises OSError naming the journal when it cannot be written (a full disk); the journal then
        holds whole lines only.
        """
        if not self._started:
            keep = "".join(line if line.endswith("\n") else line + "\n" for line in self._done.values())
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()  # a journal of another config or input: start it afresh
            _append_line(self.path, json.dumps(self.header) + "\n" + keep)
            self._started = True
        if page.index in self._done:
            return
        _append_line(self.path, json.dumps(page.to_dict()) + "\n")

    def close(self, remove: bool = False) -> None:
        """Finish; ``remove`` deletes the file (the document is done). Never raises."""
        if remove:
            try:
                self.path.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:  # a read-only file system: the next run ignores a done document's journal
                log.warning("cannot remove the page journal %s (%s)", self.path, exc.strerror or exc)


@contextlib.contextmanager
def folder_lock(out_dir: Path) -> Iterator[bool]:
    """Hold ``<out_dir>/.ocrplug/lock``; yields False when another live run holds it (POSIX only)."""
    lock_dir = Path(out_dir) / MANIFEST_DIR
    lock_dir.mkdir(parents=True, exist_ok=True)
    # Read-only: flock needs no write access, and a descriptor open for writing would keep the file
    # system from being remounted read-only while the run holds the lock.
    fd = os.open(lock_dir / "lock", os.O_RDONLY | os.O_CREAT, 0o644)
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
