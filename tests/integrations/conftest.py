"""Fixtures of the integration tests."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _restore_thread_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """An engine built in the test process sets thread variables for its (worker) process; undo that after
    each test so later tests (e.g. Spark workers, which inherit the environment) see the real default."""
    for name in ("OCRPLUG_WORKER_THREADS", "OMP_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
