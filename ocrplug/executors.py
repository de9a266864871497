"""Executors: where page work runs (this process, a pool of worker processes, or another engine).

The unit of work is a :class:`PageBatch`: consecutive page images of one document, processed together
so a detector's ``detect_batch`` sees several pages at once. The one page loop
(:func:`ocrplug.pageloop.run_documents`) makes the batches and hands them to an :class:`Executor`, which
turns them into ``(batch, results)`` pairs **in the order given**, lazily, with a bounded number of
batches in flight (so memory stays flat whatever the document length). ``results`` has one
:class:`~ocrplug.model.Page` or :class:`~ocrplug.model.PageFailure` per image, in order; an executor
never raises for a failed page.

Batches carry an opaque ``document`` handle, a ``last`` flag, an optional ``error`` and the page
failure or cached page the loop placed in order; executors pass them back untouched. Only the page
images travel to workers, so handles need not be picklable.

Another engine plugs in by implementing :class:`Executor`; the page work itself is
:func:`ocrplug.processing.process_batch` (picklable inputs and outputs: :class:`PageImage` in, ``Page``
or ``PageFailure`` out), and every worker sets itself up with :func:`ocrplug.processing.worker_processor`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures import ProcessPoolExecutor as _Pool
from dataclasses import dataclass
from typing import Any, Protocol

from ocrplug.config import PipelineConfig
from ocrplug.model import PageFailure, PageImage
from ocrplug.processing import PageResult, PageWork, process_batch, worker_processor
from ocrplug.profile import count_pages

__all__ = [
    "Executor",
    "InProcessExecutor",
    "PageBatch",
    "PageResult",
    "ProcessExecutor",
    "make_executor",
    "process_batch",
    "worker_threads",
]

log = logging.getLogger(__name__)

def worker_threads(jobs: int) -> int:
    """Threads each of ``jobs`` worker processes runs its models with: the CPUs shared out, at least 1."""
    return max(1, (os.cpu_count() or 1) // max(1, jobs))


@dataclass(frozen=True)
class PageBatch:
    """Consecutive pages of one document, the unit of work handed to an executor.

    ``images``: the page images (RGB uint8, H x W x 3), in page order; may be empty (a marker).
    ``document``: the caller's handle for the document, returned untouched, never pickled.
    ``last``: True on the last batch of its document.
    ``error``: set when reading the document stopped after these pages (the rasterizer raised); the
    message names the file; ``error_index``: the 0-based page where it stopped (None before any page).
    ``failure``: a page the rasterizer could not decode (this batch holds no image; the document goes on).
    ``cached``: ``(result, image)`` of a page whose result is already known (not processed again).
    """

    images: tuple[PageImage, ...]
    document: Any = None
    last: bool = False
    error: str | None = None
    error_index: int | None = None
    failure: PageFailure | None = None
    cached: tuple[Any, PageImage] | None = None


class Executor(ABC):
    """Runs page batches and gives their results back in order (see the module docstring).

    Use as a context manager; leaving the block (also by an exception or Ctrl-C) stops the work and
    releases the workers.
    """

    @abstractmethod
    def map(self, batches: Iterable[PageBatch]) -> Iterator[tuple[PageBatch, list[PageResult]]]:
        """Yield ``(batch, results)`` for every batch, in the order of ``batches``, as they finish.

        ``batches`` is consumed lazily: only a bounded number is read ahead of what was yielded.
        """

    def close(self, cancel: bool = False) -> None:  # noqa: B027 - nothing to release by default
        """Release workers; ``cancel`` drops queued work instead of waiting for it."""

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self.close(cancel=exc_type is not None)


class InProcessExecutor(Executor):
    """Runs every batch in this process, one after the other (``jobs: 1``)."""

    def __init__(self, work: PageWork) -> None:
        """Use ``work`` (a :class:`~ocrplug.processing.PageProcessor` or a pipeline; built on first page)."""
        self.work = work

    def map(self, batches: Iterable[PageBatch]) -> Iterator[tuple[PageBatch, list[PageResult]]]:
        """Process each batch as it is read and yield its results."""
        for batch in batches:
            yield batch, process_batch(self.work, batch.images)


class ProcessExecutor(Executor):
    """Runs batches in ``jobs`` worker processes, each building the pipeline once from the typed config.

    Workers are started with ``spawn`` (fresh interpreters, no inherited locks or threads) and never
    outlive the run: each asks Linux for SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``) and
    watches the parent's pid from a thread (every other platform, and the moment before prctl). They
    ignore SIGINT: Ctrl-C is the parent's to handle. At most ``window`` batches are in flight
    (default ``2 * jobs``).
    """

    def __init__(self, config: PipelineConfig, jobs: int, source: str = "<pipeline>", window: int | None = None) -> None:
        """Prepare (but do not start) a pool of ``jobs`` workers for pipelines built from ``config``."""
        self.config = config
        self.jobs = max(1, jobs)
        self.source = source
        self.window = window or 2 * self.jobs
        self._pool: _Pool | None = None

    def _start(self) -> _Pool:
        if self._pool is None:
            import multiprocessing

            threads = worker_threads(self.jobs)
            self._pool = _Pool(
                max_workers=self.jobs,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.config, self.source, threads, os.getpid()),
            )
        return self._pool

    def map(self, batches: Iterable[PageBatch]) -> Iterator[tuple[PageBatch, list[PageResult]]]:
        """Submit batches to the workers, keeping ``window`` in flight, and yield results in order."""
        pool = self._start()
        queue: deque[tuple[PageBatch, Future[list[PageResult]] | None]] = deque()
        for batch in batches:
            queue.append((batch, pool.submit(_run_in_worker, batch.images) if batch.images else None))
            while queue and (len(queue) > self.window or _done(queue[0][1])):
                yield _counted(_collect(*queue.popleft()))
        while queue:
            yield _counted(_collect(*queue.popleft()))

    def close(self, cancel: bool = False) -> None:
        """Stop the workers; with ``cancel`` the running pages are abandoned (workers killed)."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if not cancel:
            pool.shutdown(wait=True)
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            with contextlib.suppress(Exception):
                proc.kill()
        for proc in processes:
            with contextlib.suppress(Exception):
                proc.join(5)


class _Configured(PageWork, Protocol):
    config: PipelineConfig
    source: str


def make_executor(work: _Configured, jobs: int | None = None) -> Executor:
    """The executor for ``jobs`` (default: ``work``'s config): in-process for 1, else a pool that
    rebuilds the page work from the config in each worker."""
    jobs = jobs or work.config.jobs
    if jobs <= 1:
        return InProcessExecutor(work)
    return ProcessExecutor(work.config, jobs, source=work.source)


def _done(future: Future[Any] | None) -> bool:
    return future is None or future.done()


def _counted(item: tuple[PageBatch, list[PageResult]]) -> tuple[PageBatch, list[PageResult]]:
    # The workers' pages count in this process's profile (`--profile --jobs N`), as in-process pages do
    # in PageProcessor.finish: the per-page columns of the stages run here then divide by real pages.
    count_pages(sum(1 for result in item[1] if not isinstance(result, PageFailure)))
    return item


def _collect(batch: PageBatch, future: Future[list[PageResult]] | None) -> tuple[PageBatch, list[PageResult]]:
    if future is None:
        return batch, []
    try:
        return batch, future.result()
    except _BuildFailed as exc:  # the worker could not build the pipeline: every page would fail alike
        raise exc.error from None
    except Exception as exc:  # the worker died (killed, out of memory) or a result could not be pickled
        return batch, [PageFailure(i.source, i.index, f"worker failed: {exc!r}") for i in batch.images]


# -- worker side ---------------------------------------------------------------------------------

_THREADS: int | None = None
_CONFIG: tuple[PipelineConfig, str] | None = None


class _BuildFailed(Exception):
    """Raised in a worker whose pipeline could not be built; carries the original error, which
    crosses back to the parent with its type (every :class:`~ocrplug.errors.OcrplugError` pickles)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)

    def watch() -> None:
        while True:
            if os.getppid() != parent_pid:
                os._exit(1)
            time.sleep(0.5)

    threading.Thread(target=watch, name="ocrplug-parent-watch", daemon=True).start()


def _init_worker(config: PipelineConfig, source: str, threads: int, parent_pid: int) -> None:
    global _THREADS, _CONFIG
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _THREADS, _CONFIG = threads, (config, source)


def _run_in_worker(images: tuple[PageImage, ...]) -> list[PageResult]:
    assert _CONFIG is not None, "worker not initialised"
    try:
        processor = worker_processor(_CONFIG[0], threads=_THREADS, source=_CONFIG[1])
    except Exception as exc:  # reported by the parent as the run's error (see _collect)
        raise _BuildFailed(exc) from None
    return process_batch(processor, images)
