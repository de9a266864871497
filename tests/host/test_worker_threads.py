"""Threads of one process share one worker processor: its components are built once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from ocrplug import processing


def test_threads_asking_at_once_share_one_build(monkeypatch: pytest.MonkeyPatch) -> None:
    builds: list[int] = []
    real_build = processing.PageProcessor.build

    def slow_build(self: processing.PageProcessor) -> processing.PageProcessor:
        if not self._built:
            builds.append(threading.get_ident())
            time.sleep(0.2)  # a model load: long enough for the other threads to ask meanwhile
        return real_build(self)

    monkeypatch.setattr(processing.PageProcessor, "build", slow_build)
    monkeypatch.setattr(processing, "_PROCESSORS", {})
    config = {"detector": None, "recognizer": None, "renderers": [{"name": "text"}]}
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda _: processing.worker_processor(config), range(4)))
    assert len(builds) == 1
    assert all(p is got[0] for p in got)
