"""Stage profile of a run (``ocrplug run --profile``): CPU and wall seconds per stage, per page.

The host's code marks its stages with :func:`stage` (``with stage("detect"): ...``). While no profile
is active (the normal case) :func:`stage` hands back one shared no-op context manager, so the marks
cost a function call. :func:`start` makes a :class:`Profile` active for this process; every stage
entered then adds its **exclusive** time (a stage's time less that of the stages nested in it: the
recognition done while choosing a page's orientation counts as ``orientation``'s, not twice), so the
stages of a run add up to the time spent inside them.

CPU time is the process's (:func:`time.process_time`: every thread, ONNX Runtime's and torch's intra-op
threads included), wall time :func:`time.perf_counter`. With ``--jobs N`` the stages run in worker
processes that keep their own profiles: the profile then covers only the main process's stages (a note
says so). The ``import`` stage is the interpreter start and the imports up to the CLI's first line,
measured from the process's start time in ``/proc`` (Linux; elsewhere only its CPU time is known).

Stage names (in pipeline order): :data:`STAGES`.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "STAGES",
    "Profile",
    "active",
    "count_pages",
    "format_profile",
    "process_start_seconds",
    "runtime_settings",
    "stage",
    "start",
    "stop",
]

#: The stages the host marks, in pipeline order.
STAGES = (
    "import",
    "plugin discovery",
    "config",
    "model loading",
    "rasterize",
    "detect",
    "detect retry",
    "orientation",
    "crop",
    "recognize",
    "recognize again",
    "layout",
    "render",
    "write",
)


@dataclass
class _Totals:
    cpu: float = 0.0
    wall: float = 0.0
    calls: int = 0


@dataclass
class Profile:
    """Exclusive CPU and wall seconds per stage; ``pages``: pages processed (set by the page work)."""

    totals: dict[str, _Totals] = field(default_factory=dict)
    pages: int = 0
    _stack: list[list[float]] = field(default_factory=list)

    def add(self, name: str, cpu: float, wall: float) -> None:
        """Add one call of stage ``name`` (seconds, exclusive of nested stages)."""
        t = self.totals.setdefault(name, _Totals())
        t.cpu += cpu
        t.wall += wall
        t.calls += 1

    @contextlib.contextmanager
    def measure(self, name: str) -> Iterator[None]:
        """Time the block as stage ``name``; time spent in stages nested inside it is not counted here."""
        cpu0, wall0 = time.process_time(), time.perf_counter()
        frame = [0.0, 0.0]  # CPU and wall of nested stages
        self._stack.append(frame)
        try:
            yield
        finally:
            self._stack.pop()
            cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
            if self._stack:
                self._stack[-1][0] += cpu
                self._stack[-1][1] += wall
            self.add(name, cpu - frame[0], wall - frame[1])


_ACTIVE: Profile | None = None
_NOTHING = contextlib.nullcontext()


def start() -> Profile:
    """Make a new :class:`Profile` active for this process (replacing any) and return it."""
    global _ACTIVE
    _ACTIVE = Profile()
    return _ACTIVE


def stop() -> Profile | None:
    """End profiling; returns the profile that was active (None if none)."""
    global _ACTIVE
    profile, _ACTIVE = _ACTIVE, None
    return profile


def active() -> Profile | None:
    """The active profile, or None."""
    return _ACTIVE


def stage(name: str) -> contextlib.AbstractContextManager[Any]:
    """A context manager timing its block as stage ``name`` of the active profile; a no-op without one."""
    profile = _ACTIVE
    return _NOTHING if profile is None else profile.measure(name)


def count_pages(n: int) -> None:
    """Record ``n`` more processed pages in the active profile (the denominator of the per-page columns)."""
    if _ACTIVE is not None:
        _ACTIVE.pages += n


def process_start_seconds() -> tuple[float, float | None]:
    """CPU seconds this process has used, and wall seconds since it started (None where ``/proc`` is missing)."""
    cpu = time.process_time()
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        started = int(fields[19]) / os.sysconf("SC_CLK_TCK")  # field 22: start time in clock ticks after boot
        with open("/proc/uptime", encoding="ascii") as fh:
            uptime = float(fh.read().split()[0])
        return cpu, max(0.0, uptime - started)
    except (OSError, ValueError, IndexError):
        return cpu, None


def runtime_settings() -> dict[str, str]:
    """The thread settings the page work runs under: environment, ONNX Runtime and torch (when loaded)."""
    from ocrplug.threads import WORKER_THREADS_ENV

    out = {"cpus": str(os.cpu_count())}
    for var in ("OMP_NUM_THREADS", "OMP_THREAD_LIMIT", WORKER_THREADS_ENV):
        if os.environ.get(var):
            out[var] = os.environ[var]
    ort = sys.modules.get("onnxruntime")
    if ort is not None:
        from ocrplug.runtime import onnx_thread_settings

        out["onnxruntime"] = f"{ort.__version__} ({onnx_thread_settings()})"
    torch = sys.modules.get("torch")
    if torch is not None:
        out["torch"] = f"{torch.__version__} (intra-op threads {torch.get_num_threads()})"
    return out


def format_profile(profile: Profile, *, jobs: int = 1, worker_threads: int | None = None) -> str:
    """The profile as a text table: stage, calls, CPU and wall seconds in all and per page (``-`` when
    no page was processed, e.g. every input skipped as already done). With ``jobs`` > 1 the ``threads``
    line is the main process's and a ``workers`` line gives the worker processes' ``worker_threads``."""
    pages = profile.pages

    def per_page(seconds: float, width: int) -> str:
        return f"{seconds / pages:>{width}.3f}" if pages else f"{'-':>{width}}"

    names = [s for s in STAGES if s in profile.totals] + sorted(set(profile.totals) - set(STAGES))
    lines = [f"stage profile: {profile.pages} page(s)", f"{'stage':<18}{'calls':>7}{'CPU s':>9}{'wall s':>9}{'CPU/page':>10}{'wall/page':>11}"]
    cpu_sum = wall_sum = 0.0
    for name in names:
        t = profile.totals[name]
        cpu_sum += t.cpu
        wall_sum += t.wall
        lines.append(f"{name:<18}{t.calls:>7}{t.cpu:>9.3f}{t.wall:>9.3f}{per_page(t.cpu, 10)}{per_page(t.wall, 11)}")
    lines.append(f"{'total':<18}{'':>7}{cpu_sum:>9.3f}{wall_sum:>9.3f}{per_page(cpu_sum, 10)}{per_page(wall_sum, 11)}")
    where = " (main process)" if jobs > 1 else ""
    lines.append(f"threads{where}: " + ", ".join(f"{k} {v}" for k, v in runtime_settings().items()))
    if jobs > 1:
        each = f", {worker_threads} model thread(s) each" if worker_threads else ""
        lines.append(f"workers: {jobs} processes{each}")
        lines.append(f"note: with --jobs {jobs} the page stages ran in worker processes and are not in this table")
    return "\n".join(lines)
