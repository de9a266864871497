"""Executors: where page work runs (this process, a pool of worker processes, or another engine).

The unit of work is a :class:`PageBatch`: consecutive page images of one document, processed together
so a detector's ``detect_batch`` sees several pages at once. An :class:`Executor` turns an iterable of
batches into ``(batch, results)`` pairs **in the order given**, lazily, with a bounded number of
batches in flight (so memory stays flat whatever the document length). ``results`` has one
:class:`~ocrplug.model.Page` or :class:`~ocrplug.model.PageFailure` per image, in order; an executor
never raises for a failed page.

Batches carry an opaque ``document`` handle, a ``last`` flag and an optional ``error`` that executors
pass back untouched: the run loop uses them to open and commit each document's outputs in order.
Only the page images travel to workers, so handles need not be picklable.

Another engine (Spark, OCRmyPDF's workers) plugs in by implementing :class:`Executor`; the page work
itself is :func:`process_batch` (picklable inputs and outputs: :class:`PageImage` in, ``Page`` or
``PageFailure`` out).
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
import threading
import time
import traceback
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Future
from concurrent.futures import ProcessPoolExecutor as _Pool
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ocrplug.model import Page, PageFailure, PageImage
from ocrplug.threads import WORKER_THREADS_ENV, safe_torch_threads

if TYPE_CHECKING:
    from ocrplug.config import PipelineConfig
    from ocrplug.pipeline import Pipeline

__all__ = [
    "Executor",
    "InProcessExecutor",
    "PageBatch",
    "PageResult",
    "ProcessExecutor",
    "make_executor",
    "process_batch",
]

log = logging.getLogger(__name__)

PageResult = Page | PageFailure


@dataclass(frozen=True)
class PageBatch:
    """Consecutive pages of one document, the unit of work handed to an executor.

    ``images``: the page images (RGB uint8, H x W x 3), in page order; may be empty (a marker).
    ``document``: the caller's handle for the document, returned untouched, never pickled.
    ``last``: True on the last batch of its document.
    ``error``: set when reading the document stopped after these pages (the rasterizer raised); the
    message names the file.
    """

    images: tuple[PageImage, ...]
    document: Any = None
    last: bool = False
    error: str | None = None


def process_batch(pipeline: Pipeline, images: Sequence[PageImage]) -> list[PageResult]:
    """Run ``pipeline`` on ``images``; one ``Page`` or ``PageFailure`` per image, never an exception.

    Uses :meth:`Pipeline.process_batch` (so detectors batch); when the batch as a whole fails, each page
    is retried alone so one bad page costs only itself.
    """
    if not images:
        return []
    try:
        return list(pipeline.process_batch(images))
    except Exception:
        if len(images) == 1:
            return [_failed(images[0])]
        log.debug("batch failed, retrying page by page: %s", traceback.format_exc())
    out: list[PageResult] = []
    for image in images:
        try:
            out.append(pipeline.process_page(image))
        except Exception:
            out.append(_failed(image))
    return out


def _failed(image: PageImage) -> PageFailure:
    exc = sys.exc_info()[1]
    log.debug("page failed: %s", traceback.format_exc())
    return PageFailure(source=image.source, index=image.index, error=f"{type(exc).__name__}: {exc}")


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

    def __init__(self, pipeline: Pipeline) -> None:
        """Use ``pipeline`` (already built or built on first page)."""
        self.pipeline = pipeline

    def map(self, batches: Iterable[PageBatch]) -> Iterator[tuple[PageBatch, list[PageResult]]]:
        """Process each batch as it is read and yield its results."""
        for batch in batches:
            yield batch, process_batch(self.pipeline, batch.images)


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

            threads = max(1, (os.cpu_count() or 1) // self.jobs)
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
                yield _collect(*queue.popleft())
        while queue:
            yield _collect(*queue.popleft())

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


def make_executor(pipeline: Pipeline, jobs: int | None = None) -> Executor:
    """The executor for ``jobs`` (default: the pipeline's config): in-process for 1, else a pool."""
    jobs = jobs or pipeline.config.jobs
    if jobs <= 1:
        return InProcessExecutor(pipeline)
    return ProcessExecutor(pipeline.config, jobs, source=pipeline.source)


def _done(future: Future[Any] | None) -> bool:
    return future is None or future.done()


def _collect(batch: PageBatch, future: Future[list[PageResult]] | None) -> tuple[PageBatch, list[PageResult]]:
    if future is None:
        return batch, []
    try:
        return batch, future.result()
    except Exception as exc:  # the worker died (killed, out of memory) or a result could not be pickled
        return batch, [PageFailure(i.source, i.index, f"worker failed: {exc!r}") for i in batch.images]


# -- worker side ---------------------------------------------------------------------------------

_WORKER: Pipeline | None = None
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
    global _WORKER
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ[WORKER_THREADS_ENV] = str(threads)
    from ocrplug.pipeline import Pipeline

    _WORKER = Pipeline.from_config(config, source=source).build()
    if "torch" in sys.modules:  # loaded by a component: share the cores between workers
        sys.modules["torch"].set_num_threads(threads)
        safe_torch_threads()


def _run_in_worker(images: tuple[PageImage, ...]) -> list[PageResult]:
    assert _WORKER is not None, "worker not initialised"
    return process_batch(_WORKER, images)
