"""Writing: the output folder of a run, each document's render sessions, and the run report.

This is the public seam for anything that produces finished pages, the in-process run loop or another
engine (``ocrplug spark run``)::

    with OutputFolder(out_dir, renderers, config, resume=True) as folder:   # checked before any page
        plan = folder.plan(files)                                # names; refuses inputs as outputs
        for file in files:
            if folder.is_done(file):                             # resume: finished earlier
                folder.skip(file); continue
            writer = folder.document(file, page_count)
            for page_image in ...:                               # pages in page order
                cached = writer.cached(page_image.index)         # journaled by a killed run
                writer.add(cached or ocr(page_image), page_image)
            writer.commit()                                      # or writer.abort() / writer.fail(msg)
    report = folder.report

Guarantees: an unusable output folder raises :class:`~ocrplug.errors.OutputError` (exit 2, naming the
path) in :meth:`OutputFolder.__enter__`, before any page; an output that would replace an input file,
or land outside the output folder (``..``, an absolute path, a symlink inside it pointing out, a NUL
byte), is refused in :meth:`OutputFolder.plan` naming the config key (and at write time every
renderer call runs under :func:`ocrplug.io.atomic.protect` and :func:`ocrplug.io.atomic.confine`);
render sessions are opened lazily at a document's first page, so a failed input leaves nothing
behind; :meth:`DocumentWriter.abort` removes only this run's temporary files, never files an earlier
run completed; the report counts only files really written.

Write failures cost one document: an ``OSError`` from any write (page journal, manifest log, ledger,
temporaries, renames, a renderer's close) becomes that document's failure naming the OS reason and
the path (``No space left on device: /out/a.txt``); its temporary files are removed and the run goes
on with the next input. A manifest that cannot be saved at the end is a failure of the run (the old
``manifest.json`` stays whole, the update log keeps this run's records).

Start-up clean-up stops at sub-folders that hold another run's ``.ocrplug/``. Every file written is
recorded in the folder's ledger (:class:`~ocrplug.manifest.Ledger`): such files are never inputs
(:meth:`OutputFolder.earlier_outputs`), and when a document is redone with another config its outputs
of the earlier config that the new one does not write are removed (only ledger files; listed in
:attr:`RunReport.removed`).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ocrplug.components import DocumentInfo, Renderer, RenderSession
from ocrplug.config import PipelineConfig
from ocrplug.errors import ConfigError, OcrplugError, OutputError
from ocrplug.io.atomic import confine, inside, protect, remove_output, remove_stale_temporaries
from ocrplug.manifest import (
    MANIFEST_DIR,
    RESUME_CHECKS,
    Ledger,
    Manifest,
    PageJournal,
    config_hash,
    folder_lock,
    input_signature,
    safe_relative,
)
from ocrplug.model import Document, Page, PageFailure, PageImage
from ocrplug.profile import stage
from ocrplug.sources import InputFile

__all__ = ["DocumentWriter", "OutputFolder", "RunReport", "check_output_dir"]

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    """What a multi-input run produced.

    ``documents``: one :class:`Document` per input processed (with its pages only when the run keeps
    them); ``outputs``: files really written; ``failures``: failed inputs (``index`` None) and pages;
    ``skipped``: inputs finished by an earlier run (resume); ``pages_done``: pages processed, failed
    ones included; ``pages_read``: pages whose image was decoded (read, then processed or failed in
    processing; resumed pages too), so 0 means no page of any input could be read (a truncated image
    opens but its only page cannot be decoded); ``pages_resumed``: pages taken from an interrupted run's
    journal instead of OCR;
    ``removed``: outputs of an earlier config removed because a redone document no longer writes
    them; ``left_over``: such outputs that could not be removed (with why); ``warnings``: pages read
    that may be incomplete (``Page.warnings``: damaged image data), each naming its file and page; they
    do not make the run fail; ``left_out_inputs``: entries of input folders that were not read because
    they are no input (a file of a type no installed rasterizer reads, a sub-folder: folders are read one
    level deep), so that a run can say so; they do not make the run fail; ``pages_unwritten``: pages
    read and processed whose document was broken off (a write failed), so nothing of them was written.
    """

    documents: list[Document] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    failures: list[PageFailure] = field(default_factory=list)
    pages_done: int = 0
    pages_read: int = 0
    seconds: float = 0.0
    skipped: list[str] = field(default_factory=list)
    pages_resumed: int = 0
    documents_written: int = 0
    removed: list[Path] = field(default_factory=list)
    left_over: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    left_out_inputs: list[str] = field(default_factory=list)
    pages_unwritten: int = 0

    @property
    def ok(self) -> bool:
        """True when no input, page or renderer failed."""
        return not self.failures

    @property
    def pages_ok(self) -> int:
        """Pages that came through without failure and were written (each failed page counted once)."""
        # One page can fail more than once (two renderers, or a renderer after the page's own failure):
        # count each failed page once.
        failed = {(f.source, f.index) for f in self.failures if f.index is not None}
        return max(self.pages_done - len(failed) - self.pages_unwritten, 0)


def check_output_dir(path: Path) -> Path:
    """Create ``path`` if needed and prove it is a writable folder; returns it resolved.

    Raises :class:`OutputError` naming the path (a file, not writable, cannot be created).
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{path}: output folder is a file, not a folder") from None
    except OSError as exc:
        raise OutputError(f"{path}: cannot create the output folder ({exc.strerror or exc})") from None
    if not path.is_dir():
        raise OutputError(f"{path}: output folder is not a folder")
    try:
        fd, probe = tempfile.mkstemp(prefix=".ocrplug-probe.", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"{path}: output folder is not writable ({exc.strerror or exc})") from None
    return path.resolve()


def _os_reason(exc: BaseException) -> str:
    """An error as users read it: ``No space left on device: /out/a.txt`` for an OSError with a path."""
    if isinstance(exc, OSError) and exc.strerror:
        # Some libraries (pikepdf) put the open file object in ``filename``: show its path. A failed
        # rename (os.replace of a temporary) names its target, the file the user knows.
        filename = exc.filename2 or getattr(exc.filename, "name", exc.filename)
        return f"{exc.strerror}: {filename}" if filename else exc.strerror
    return str(exc)


def _is_temporary(name: str) -> bool:
    """Whether ``name`` is a writing temporary (``.x.RANDOM.part...`` or inside a ``.partdir``)."""
    return any(part.startswith(".") and ".part" in part for part in Path(name).parts)


def _write_reason(exc: BaseException, outputs: Sequence[Path]) -> str:
    """``_os_reason`` naming the output file the user would get: when ``exc`` names a temporary (or
    no file at all), the first of ``outputs`` (the renderer's planned files for that page) is named."""
    if isinstance(exc, OSError) and exc.strerror:
        filename = exc.filename2 or getattr(exc.filename, "name", exc.filename)
        if (filename is None or _is_temporary(os.fspath(filename))) and outputs:
            filename = outputs[0]
        return f"{exc.strerror}: {filename}" if filename else exc.strerror
    return _os_reason(exc)


@dataclass(frozen=True)
class _NamedRenderer:
    label: str
    renderer: Renderer
    index: int


def _suspicious(value: str) -> bool:
    """Whether an option value can move a file: a path separator, ``..`` or a NUL byte."""
    return "/" in value or os.sep in value or ".." in value or "\0" in value


# Bytes the writing layer's temporary name adds to an output's name (``.<name>.<8 random>.part``, see
# ocrplug.io.atomic.atomic_path): an output name is refused up front when that would not fit NAME_MAX.
TEMPORARY_NAME_EXTRA = 16


# Room kept in a shortened stem for claim_name's ``-2``, ``-3``... when two inputs share a name.
_COLLISION_ROOM = 4
# Hex digits of the input name's SHA-1 that end a shortened stem, so two long names cut to the same
# prefix keep apart across runs (resume finds the same name again).
_SHORT_STEM_HASH = 8


def shortened_stem(stem: str, budget: int) -> str:
    """``stem`` cut to at most ``budget`` bytes (file-system encoding, whole characters) ending in
    ``-`` and the first 8 hex digits of the whole name's SHA-1, so it stays stable and distinct (T16: one input whose
    name was 255 bytes refused the whole run, as an over-long output name). ``stem`` as is when it fits.

    Raises ValueError when ``budget`` cannot hold the hash (9 bytes) and one character more.
    """
    raw = os.fsencode(stem)
    if len(raw) <= budget:
        return stem
    if budget < _SHORT_STEM_HASH + 2:
        raise ValueError(f"no room for a shortened name in {budget} bytes")
    digest = hashlib.sha1(raw).hexdigest()[:_SHORT_STEM_HASH]
    head = stem
    while len(os.fsencode(head)) > budget - _SHORT_STEM_HASH - 1:
        head = head[:-1]
    return f"{head}-{digest}"


def _name_max(folder: Path) -> int:
    """The longest file name, in bytes, the file system of ``folder`` takes (POSIX NAME_MAX; 255 if unknown)."""
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return 255


def _longest_option(nr: _NamedRenderer, name: str) -> str | None:
    """The config key of the longest string option of ``nr`` found in file name ``name``, or None."""
    options = getattr(nr.renderer, "options", None)
    if options is None or not hasattr(options, "model_dump"):
        return None
    found = [(len(v), k) for k, v in options.model_dump().items() if isinstance(v, str) and v and v in name]
    return f"renderers.{nr.index}.options.{max(found)[1]}" if found else None


def _option_key(nr: _NamedRenderer, out: str) -> str:
    """The config key that placed ``out``: the renderer option whose text is in it, else the renderer."""
    options = getattr(nr.renderer, "options", None)
    if options is not None and hasattr(options, "model_dump"):
        for name, value in options.model_dump().items():
            if isinstance(value, str) and value and _suspicious(value) and value in out:
                return f"renderers.{nr.index}.options.{name}"
    return f"renderers.{nr.index}"


class OutputFolder:
    """A run's output folder: checked and locked on entry, resume manifest, one writer per document.

    ``renderers``: ``(label, renderer)`` pairs, labels like ``"text#0"`` used in messages.
    ``config``: the validated pipeline config (its hash decides whether earlier work can be reused).
    ``resume``: skip documents an earlier run finished and reuse journaled pages (``ocrplug run`` does
    by default; ``--no-resume`` turns it off). ``keep_pages``: keep each document's
    pages in :attr:`report` (the Python API default); False keeps memory flat on long runs.
    ``resume_check``: what decides that an input is unchanged, ``"size-mtime"`` (default) or
    ``"hash"`` (sha256 of the content, stored in the manifest); ConfigError for another value.
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        renderers: Sequence[tuple[str, Renderer]],
        config: PipelineConfig,
        resume: bool = False,
        keep_pages: bool = True,
        on_output: Callable[[Path], None] | None = None,
        resume_check: str = "size-mtime",
    ) -> None:
        """Remember the settings; nothing touches the disk before ``__enter__``.

        ``on_output(path)`` is called for each file written, as soon as its document is committed.
        """
        if resume_check not in RESUME_CHECKS:
            raise ConfigError(f"resume check {resume_check!r} is not one of {', '.join(RESUME_CHECKS)}")
        self.path = Path(path)
        self.renderers = [_NamedRenderer(label, r, i) for i, (label, r) in enumerate(renderers)]
        self.config_hash = config_hash(config)
        self.resume = resume
        self.resume_check = resume_check
        self.ledger: Ledger | None = None
        self._signatures: dict[str, dict[str, Any]] = {}
        self.keep_pages = keep_pages
        self.on_output = on_output
        self.report = RunReport()
        self.manifest: Manifest | None = None
        self._names: dict[str, str] = {}
        self._stack = contextlib.ExitStack()
        self._refused = False
        self._started = time.perf_counter()

    def __enter__(self) -> OutputFolder:
        """Check, lock and clean the folder; load the manifest. Raises OutputError.

        Without renderers nothing is written: the folder is not touched and nothing is resumed.
        """
        if not self.renderers:
            self.resume = False
            self.manifest = Manifest(self.path, persist=False)
            return self
        self.path = check_output_dir(self.path)
        state_dir = self.path / MANIFEST_DIR
        fresh = not state_dir.exists()
        try:
            locked = self._stack.enter_context(folder_lock(self.path))
        except OSError as exc:
            raise OutputError(f"{self.path}: cannot lock the output folder ({exc.strerror or exc})") from None
        if not locked:
            self._stack.close()
            raise OutputError(f"{self.path}: another ocrplug run is writing into this output folder")
        # Sub-folders holding another run's .ocrplug/ are that run's, live or not: never cleaned here.
        stale = remove_stale_temporaries(self.path, boundary=MANIFEST_DIR)
        if stale:
            log.info("removed %d temporary file(s) left by an interrupted run in %s", len(stale), self.path)
        if fresh:  # runs before the lock is released: a refused run leaves no empty .ocrplug/ behind
            self._stack.callback(self._drop_unused_state_dir, state_dir)
        try:
            self.manifest = Manifest(self.path)
            self.ledger = Ledger(self.path)
        except BaseException:
            self._stack.close()
            raise
        return self

    def _drop_unused_state_dir(self, state_dir: Path) -> None:
        """Remove the ``.ocrplug/`` this run created when it recorded nothing or was refused."""
        if self.manifest is not None and self.manifest.changed and not self._refused:
            return
        if self.manifest is not None:
            self.manifest.close()
        with contextlib.suppress(OSError):
            (state_dir / "manifest.log").unlink(missing_ok=True)
            (state_dir / "lock").unlink()
            state_dir.rmdir()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        """Fold the manifest log into the manifest, release the lock and input protection.

        A run refused with :class:`OutputError` (e.g. an output would overwrite an input) saves nothing.
        """
        self.report.seconds = time.perf_counter() - self._started
        self._refused = isinstance(exc, OutputError)
        try:
            if self.manifest is not None and not self._refused:
                try:
                    self.manifest.save()
                except OSError as error:  # the old manifest.json stays whole; the log keeps the updates
                    self.report.failures.append(PageFailure(
                        str(self.manifest.path), None,
                        f"{self.manifest.path}: cannot save the resume manifest ({_os_reason(error)}); "
                        f"{self.manifest.log_path.name} keeps what a rerun needs",
                    ))
        finally:
            self._stack.close()

    # -- planning -----------------------------------------------------------------------------------

    def plan(self, files: Sequence[InputFile], page_counts: dict[str, int] | None = None) -> dict[str, str]:
        """Give each input its output name (stable and distinct, see docs/cli.md) and check that no
        planned output is an input file; returns ``{label: name}``.

        Raises :class:`OutputError` (a :class:`~ocrplug.errors.ConfigError`, exit 2) naming both paths
        when an output would replace an input, naming both writers when two renderers (or two
        documents) would write the same file, and naming the config key (``renderers.0.options.suffix``)
        when an output would land outside the output folder (resolved, symlinks followed) or its name
        holds a NUL byte. From here on, writing onto any input through :mod:`ocrplug.io.atomic` is
        refused too.
        """
        assert self.manifest is not None, "use OutputFolder as a context manager"
        inputs = {os.path.normcase(str(f.path)): f for f in files if f.path is not None}
        taken: set[str] = set()
        planned_by: dict[str, str] = {}  # planned output -> who writes it, to catch two writers of one file
        limit = _name_max(self.path) - TEMPORARY_NAME_EXTRA
        for f in files:
            wanted = f.name
            budget = limit - self._longest_addition(f, (page_counts or {}).get(f.label, 1)) - _COLLISION_ROOM
            if len(os.fsencode(wanted)) > budget > _SHORT_STEM_HASH + 8:
                wanted = shortened_stem(wanted, budget)
                log.warning(
                    "%s: its name is too long for output names on this file system; its outputs are "
                    "named %s.*", f.label, wanted,
                )
            name = self.manifest.claim_name(_key(f), wanted, taken)
            taken.add(name)
            self._names[f.label] = name
            count = (page_counts or {}).get(f.label, 1)
            info = DocumentInfo(source=f.label, page_count=count, out_dir=self.path, stem=name)
            for nr in self.renderers:
                planned = getattr(nr.renderer, "planned_outputs", None)
                for out in (planned(info) if planned else None) or ():
                    self._check_confined(nr, out)
                    who = f"renderer {nr.label!r} for {f.label}"
                    earlier = planned_by.setdefault(os.path.normcase(os.path.abspath(out)), who)
                    if earlier != who:
                        raise OutputError(
                            f"{out}: {earlier} and {who} would both write this file; give one of them another "
                            "`suffix` option (or drop the duplicate renderer)"
                        )
                    hit = inputs.get(os.path.normcase(os.path.realpath(out)))
                    if hit is not None:
                        raise OutputError(
                            f"{out}: renderer {nr.label!r} would overwrite the input file {hit.label}; "
                            "choose another output folder (-o)"
                        )
        self._stack.enter_context(protect(f.path for f in files if f.path is not None))
        return dict(self._names)

    def _longest_addition(self, file: InputFile, page_count: int) -> int:
        """Bytes the renderers add to an output stem (suffix, page number, extension): the most any of
        ``file``'s planned outputs adds, from a probe stem."""
        probe = "x"
        info = DocumentInfo(source=file.label, page_count=page_count, out_dir=self.path, stem=probe)
        most = 0
        for nr in self.renderers:
            planned = getattr(nr.renderer, "planned_outputs", None)
            for out in (planned(info) if planned else None) or ():
                most = max(most, len(os.fsencode(os.path.basename(os.fspath(out)))) - len(probe))
        return most

    def _check_confined(self, nr: _NamedRenderer, out: str | os.PathLike[str]) -> None:
        """OutputError naming the config key when ``out`` has a NUL byte or resolves outside the folder."""
        text = os.fspath(out)
        if "\0" in text:
            raise OutputError(
                f"{_option_key(nr, text)}: renderer {nr.label!r} would write a file name holding a NUL byte "
                f"({text!r}); remove it from the option"
            )
        if not inside(text, self.path):
            raise OutputError(
                f"{_option_key(nr, text)}: renderer {nr.label!r} would write {text}, outside the output "
                f"folder {self.path} (it resolves to {os.path.realpath(text)}); an output name must stay "
                "inside -o: no '..', absolute path or symlink pointing out"
            )
        name = os.path.basename(text)
        limit = _name_max(self.path) - TEMPORARY_NAME_EXTRA
        if len(os.fsencode(name)) > limit:
            longest = _longest_option(nr, name)
            raise OutputError(
                f"{longest or _option_key(nr, text)}: renderer {nr.label!r} would write a file name of "
                f"{len(os.fsencode(name))} bytes ({name[:40]}...), longer than this file system allows for an "
                f"output ({limit} bytes, its temporary name included); shorten it"
            )

    def earlier_outputs(self) -> set[Path]:
        """Resolved paths of the files ocrplug runs wrote here (never taken as inputs from a folder):
        the folder's ledger, whatever the config history, and the manifest's outputs."""
        if self.manifest is None:
            return set()
        found = {
            (self.path / rel).resolve()
            for entry in self.manifest.documents.values()
            for rel in entry.get("outputs", [])
            if safe_relative(rel)
        }
        if self.ledger is not None:
            found |= {(self.path / rel).resolve() for rel in self.ledger.paths}
        return found

    def name_of(self, file: InputFile) -> str:
        """The output name :meth:`plan` gave ``file``."""
        return self._names[file.label]

    def is_done(self, file: InputFile) -> bool:
        """Whether an earlier run finished ``file`` with the same config (resume)."""
        key = _key(file)
        if not self.resume or key is None or self.manifest is None:
            return False
        try:
            signature = self._signature(key)
        except OSError:
            return False
        return self.manifest.is_done(key, signature, self.config_hash)

    def _signature(self, key: str) -> dict[str, Any]:
        """The input's signature for :attr:`resume_check`, computed once per run (a hash reads the file)."""
        if key not in self._signatures:
            self._signatures[key] = input_signature(Path(key), self.resume_check)
        return self._signatures[key]

    def skip(self, file: InputFile) -> None:
        """Record that ``file`` was skipped because it is already done."""
        self.report.skipped.append(file.label)

    def fail_input(self, label: str, error: str) -> None:
        """Record an input that could not be read at all (nothing is written for it)."""
        self.report.failures.append(PageFailure(label, None, error))
        key = os.path.normcase(os.path.realpath(label)) if label and os.path.exists(label) else None
        if key is not None and self.manifest is not None:
            try:
                self.manifest.update(key, status="failed", error=error, config=self.config_hash)
            except OSError as exc:  # a failed input stays failed; a rerun retries it anyway
                log.warning("cannot record the failure of %s in the manifest (%s)", label, _os_reason(exc))

    # -- documents ----------------------------------------------------------------------------------

    def document(self, file: InputFile, page_count: int) -> DocumentWriter:
        """Start the outputs of ``file`` (``page_count`` selected pages); sessions open at its first page."""
        assert self.manifest is not None, "use OutputFolder as a context manager"
        if file.label not in self._names:
            self.plan([file])
        name = self._names[file.label]
        key = _key(file)
        journal = None
        broken: str | None = None
        info = DocumentInfo(source=file.label, page_count=page_count, out_dir=self.path, stem=name)
        if key is not None and self.manifest.persist:
            try:
                signature = self._signature(key)
            except OSError as exc:
                broken = f"{file.label}: cannot read the input ({_os_reason(exc)})"
            else:
                header = {"input": key, "config": self.config_hash, **signature}
                journal = PageJournal(self.manifest.journal_path(name), header, resume=self.resume)
                try:
                    self.manifest.update(
                        key, name=name, status="running", config=self.config_hash, page_count=page_count,
                        sha256=signature.get("sha256"), **{k: v for k, v in signature.items() if k != "sha256"},
                    )
                except OSError as exc:
                    broken = f"{file.label}: cannot write: {_os_reason(exc)}"
        writer = DocumentWriter(self, info, key, journal)
        if broken is not None:
            writer.break_off(broken)
        return writer


def _key(file: InputFile) -> str | None:
    return None if file.path is None else os.path.normcase(str(file.path))


class DocumentWriter:
    """Feeds one document's pages, in page order, to every renderer, then commits or aborts.

    Get one from :meth:`OutputFolder.document`. Pages and page failures go in through :meth:`add`;
    :meth:`commit` finishes the outputs atomically and records the document in the manifest;
    :meth:`abort` drops this document's temporary files (earlier outputs stay untouched).

    A write that fails (``OSError``: full disk, quota, read-only file system) breaks the document off
    (:meth:`break_off`): its failure names the reason and path, its temporary files are removed, and
    the pages still fed are counted but not written; nothing raises, so the run goes on.
    """

    def __init__(self, folder: OutputFolder, info: DocumentInfo, key: str | None, journal: PageJournal | None) -> None:
        """Used by :meth:`OutputFolder.document`."""
        self.folder = folder
        self.info = info
        self.key = key
        self.journal = journal
        self.pages: list[Page] = []
        self.failures: list[PageFailure] = []
        self.warned_pages: list[int] = []  # 0-based indices of pages read with warnings (Page.warnings)
        self.pages_ok = 0
        self._pending_failures: list[PageFailure] = []
        self._sessions: list[tuple[str, RenderSession]] | None = None
        self._needs_image = {nr.label: bool(getattr(nr.renderer, "needs_image", False)) for nr in folder.renderers}
        self._closed = False
        self.broken: str | None = None

    def break_off(self, error: str) -> None:
        """Fail the document because its files cannot be written (``error`` says why); idempotent.

        Its render sessions are aborted and its page journal removed (freeing the space they took);
        later pages are counted but not written.
        """
        if self.broken is not None:
            return
        self.broken = error
        self.failures.append(PageFailure(self.info.source, None, error))
        self.folder.report.pages_unwritten += self.pages_ok  # all or none: none of them is written
        self.pages_ok = 0
        for _, session in self._sessions or ():
            with confine(self.folder.path):
                _safe(session.abort)
        self._sessions = []
        if self.journal is not None:  # its pages are redone: the space it takes matters more on a full disk
            self.journal.close(remove=True)
        self.journal = None

    def _write_failed(self, exc: OSError) -> None:
        self.break_off(f"{self.info.source}: cannot write: {_os_reason(exc)}")

    @property
    def needs_images(self) -> bool:
        """Whether any renderer wants page images (else callers may drop them early)."""
        return any(self._needs_image.values())

    def cached(self, index: int) -> Page | None:
        """The page ``index`` as a killed earlier run finished it (from the journal), or None."""
        return None if self.journal is None else self.journal.get(index)

    def _open(self) -> list[tuple[str, RenderSession]]:
        if self._sessions is None:
            self._sessions = []
            self._record(self._planned())
            if self.broken is not None:
                return self._sessions
            for nr in self.folder.renderers:
                try:
                    with confine(self.folder.path):
                        self._sessions.append((nr.label, nr.renderer.open(self.info)))
                except Exception as exc:
                    self.failures.append(PageFailure(
                        self.info.source, None, f"renderer {nr.label!r} failed to start: {_os_reason(exc)}"
                    ))
            for failure in self._pending_failures:
                self._tell(failure)
            self._pending_failures.clear()
        return self._sessions

    def add(
        self, result: Page | PageFailure, image: PageImage | None = None, *, from_journal: bool = False,
        unread: bool = False,
    ) -> None:
        """Add the next page (or its failure), in page order; ``image`` goes to renderers that need it.

        ``from_journal``: the page came from :meth:`cached` (it is not journaled again). ``unread``: the
        failure is the rasterizer's (the page's image could not be decoded), not the page work's.
        """
        report = self.folder.report
        report.pages_done += 1
        if not unread:
            report.pages_read += 1
        if isinstance(result, PageFailure):
            self.failures.append(result)
            if self._sessions is None:
                self._pending_failures.append(result)
            else:
                self._tell(result)
            return
        if self.broken is not None:
            report.pages_unwritten += 1
            return
        if from_journal:
            report.pages_resumed += 1
        elif self.journal is not None:
            try:
                self.journal.append(result)
            except OSError as exc:
                self._write_failed(exc)
                return
        self.pages_ok += 1
        if result.warnings:
            report.warnings.extend(result.warnings)
            self.warned_pages.append(result.index)
        if self.folder.keep_pages:
            self.pages.append(result)
        for label, session in list(self._open()):
            try:
                with confine(self.folder.path), stage("render"):
                    session.add_page(result, image if self._needs_image[label] else None)
            except Exception as exc:
                # A document's outputs are committed all or none: one renderer failing costs the whole
                # document (every session aborted, its temporaries removed), never half of its files.
                log.debug("renderer failed: %s", traceback.format_exc())
                self._renderer_failed(label, exc, result.index)
                return

    def _outputs_of(self, label: str, index: int | None = None) -> list[Path]:
        """The files renderer ``label`` plans for this document (page ``index``'s first when it
        writes one file per page), for messages; empty when it cannot say."""
        for nr in self.folder.renderers:
            if nr.label == label:
                try:
                    planned = [Path(p) for p in (nr.renderer.planned_outputs(self.info) or ())]
                except Exception:
                    return []
                if index is not None and len(planned) == self.info.page_count > 1 and 0 <= index < len(planned):
                    return [planned[index]]
                return planned
        return []

    def _renderer_failed(self, label: str, exc: BaseException, index: int | None) -> None:
        """Break the document off for renderer ``label``'s error (a write error in the documented
        ``<input>: cannot write: <reason>: <output>`` form)."""
        where = "" if index is None else f" page {index + 1}"
        if isinstance(exc, OSError) and exc.strerror:
            self.break_off(f"{self.info.source}{where}: cannot write: {_write_reason(exc, self._outputs_of(label, index))}")
        else:
            self.break_off(f"{self.info.source}{where}: renderer {label!r} failed: {_os_reason(exc)}")

    def _planned(self) -> list[Path]:
        planned: list[Path] = []
        for nr in self.folder.renderers:
            with contextlib.suppress(Exception):  # a renderer that cannot say is recorded at commit
                planned += [Path(p) for p in (nr.renderer.planned_outputs(self.info) or ())]
        return planned

    def _record(self, paths: Sequence[Path]) -> list[str]:
        """Add ``paths`` (inside the folder) to the ledger before they appear; returns them relative."""
        rels: list[str] = []
        for p in paths:
            with contextlib.suppress(ValueError, OSError):
                rels.append(Path(os.path.realpath(p)).relative_to(self.folder.path).as_posix())
        ledger = self.folder.ledger
        if ledger is not None and rels and self.folder.manifest is not None and self.folder.manifest.persist:
            try:
                ledger.record(rels)
            except OSError as exc:
                self._write_failed(exc)
        return rels

    def _tell(self, failure: PageFailure) -> None:
        for _, session in self._sessions or ():
            try:
                with confine(self.folder.path):
                    session.add_failure(failure)
            except Exception:  # a renderer's bookkeeping must not hide the page's own error
                log.debug("renderer add_failure failed: %s", traceback.format_exc())

    def fail(self, error: str, index: int | None = None) -> None:
        """Record that reading the document stopped (``index``: the page that could not be read)."""
        self.add(PageFailure(self.info.source, index, error), unread=True)
        self.folder.report.pages_done -= 1  # not a processed page

    def commit(self) -> list[Path]:
        """Finish every renderer's outputs (atomically), record the document; returns the files written."""
        if self._closed:
            return []
        self._closed = True
        report = self.folder.report
        written = self._close_all()
        rels = self._record(written)  # files a renderer did not plan: recorded now
        report.outputs.extend(written)
        if written:
            report.documents_written += 1
        report.failures.extend(self.failures)
        report.documents.append(Document(source=self.info.source, pages=tuple(self.pages), failures=tuple(self.failures)))
        done = not self.failures and (self.pages_ok > 0 or not self.folder.renderers)
        if self.journal is not None:
            self.journal.close(remove=done)
        manifest = self.folder.manifest
        if self.key is not None and manifest is not None:
            entry = manifest.documents.get(self.key, {})
            earlier = [str(r) for r in entry.get("outputs", [])]
            # Outputs of an earlier config that a failed redo did not replace stay listed (as
            # ``superseded``) until a redo completes, so a failed run in between never hides them.
            pending = [str(r) for r in entry.get("superseded", [])]
            fields: dict[str, Any] = {}
            if self.warned_pages or entry.get("warned_pages"):
                fields["warned_pages"] = self.warned_pages
            if done and pending:
                fields["superseded"] = []
            elif not done and (pending or set(earlier) - set(rels)):
                fields["superseded"] = sorted({*earlier, *pending} - set(rels))
            try:
                manifest.update(
                    self.key,
                    status="done" if done else "failed",
                    pages_done=self.pages_ok,
                    failed_pages=[f.index for f in self.failures if f.index is not None],
                    outputs=rels,
                    **fields,
                )
            except OSError as exc:  # the outputs are in place; the rerun redoes the document
                failure = PageFailure(self.info.source, None, f"{self.info.source}: cannot write: {_os_reason(exc)}")
                if self.broken is None:  # a broken document is named once
                    self.failures.append(failure)
                    report.failures.append(failure)
            if done and manifest.persist:
                self._remove_stale(earlier + [r for r in pending if r not in earlier], rels)
        if self.folder.on_output is not None:
            for path in written:
                self.folder.on_output(path)
        return written

    def _close_all(self) -> list[Path]:
        """Close every session, all or none: returns the files written, or [] after a failure.

        The files a session's ``close`` would replace are first hard-linked to hidden backups (no data
        is copied); when a later session's ``close`` fails, the files the earlier ones put in place are
        removed and the backups put back, so the document's earlier outputs (or none) stay, never a mix.
        """
        sessions = list(self._sessions or ())
        if not sessions:
            return []
        backups: list[tuple[Path, Path]] = []  # (output, its hidden hard link)
        for path in self._planned():
            if path.is_file() and not path.is_symlink():
                backup = path.parent / f".{path.name}.{os.urandom(5).hex()}.part.bak"
                with contextlib.suppress(OSError):
                    os.link(path, backup)
                    backups.append((path, backup))
        written: list[Path] = []
        try:
            for i, (label, session) in enumerate(sessions):
                try:
                    with confine(self.folder.path), stage("write"):
                        written.extend(Path(p) for p in session.close())
                except Exception as exc:
                    log.debug("renderer close failed: %s", traceback.format_exc())
                    for _, rest in sessions[i + 1:]:
                        with confine(self.folder.path):
                            _safe(rest.abort)
                    self._sessions = []
                    self._undo(written, backups)
                    backups = []
                    self._renderer_failed(label, exc, None)
                    return []
            return written
        finally:
            for _, backup in backups:
                with contextlib.suppress(OSError):
                    backup.unlink()

    def _undo(self, written: list[Path], backups: list[tuple[Path, Path]]) -> None:
        """Remove ``written`` (files this commit put in place) and restore the earlier ``backups``."""
        restore = dict(backups)
        for path in written:
            with contextlib.suppress(OSError, OcrplugError):
                if path in restore:
                    os.replace(restore.pop(path), path)
                else:
                    remove_output(path, self.folder.path)
        for _, backup in restore.items():
            with contextlib.suppress(OSError):
                backup.unlink()

    def _remove_stale(self, earlier: list[str], current: list[str]) -> None:
        """Remove this input's outputs of an earlier config that this run did not write again (only
        files the ledger says ocrplug wrote, inside the folder, not written by this run)."""
        report, ledger = self.folder.report, self.folder.ledger
        written_now = {os.path.realpath(p) for p in report.outputs}
        for rel in earlier:
            if rel in current or ledger is None or rel not in ledger or not safe_relative(rel):
                continue
            path = self.folder.path / rel
            if os.path.realpath(path) in written_now or not os.path.lexists(path):
                continue
            try:
                if remove_output(path, self.folder.path):
                    report.removed.append(path)
            except (OSError, OcrplugError) as exc:
                report.left_over.append(f"{path} ({_os_reason(exc)})")

    def abort(self) -> None:
        """Drop this document's temporary outputs (interrupt); its journal stays for the next run."""
        if self._closed:
            return
        self._closed = True
        for _, session in self._sessions or ():
            with confine(self.folder.path):
                _safe(session.abort)
        if self.journal is not None:
            self.journal.close()


def _safe(fn: Any) -> None:
    try:
        fn()
    except Exception:  # aborting is best effort; the original error matters more
        log.debug("renderer abort failed: %s", traceback.format_exc())
