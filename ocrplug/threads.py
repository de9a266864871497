"""Thread settings shared by components.

PyTorch sizes its parallel work by ``torch.get_num_threads()``, but its OpenMP runtime obeys
``OMP_THREAD_LIMIT``: when the limit is below torch's thread count, some kernels leave part of their
output uncomputed (we measured garbage feature maps with ``OMP_THREAD_LIMIT=1`` on this project's
CRAFT network). Tesseract users are told to set that variable, so every torch user clamps first.
"""

from __future__ import annotations

import os
import sys

__all__ = ["WORKER_THREADS_ENV", "default_threads", "omp_thread_limit", "safe_torch_threads"]

WORKER_THREADS_ENV = "OCRPLUG_WORKER_THREADS"


def omp_thread_limit() -> int | None:
    """The positive integer in ``OMP_THREAD_LIMIT``, or None when unset or invalid."""
    value = os.environ.get("OMP_THREAD_LIMIT", "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None


def safe_torch_threads() -> None:
    """Clamp torch's thread count to ``OMP_THREAD_LIMIT`` if torch is loaded (see module docstring)."""
    torch = sys.modules.get("torch")
    limit = omp_thread_limit()
    if torch is None or limit is None:
        return
    if torch.get_num_threads() > limit:
        torch.set_num_threads(limit)


def default_threads() -> int | None:
    """Threads a component should use when its own option says "decide for me".

    In a ``--jobs N`` worker the pipeline sets ``OCRPLUG_WORKER_THREADS`` to the CPU count divided by N,
    so N workers do not each start one thread per core; elsewhere None (the library decides).
    """
    value = os.environ.get(WORKER_THREADS_ENV, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None
