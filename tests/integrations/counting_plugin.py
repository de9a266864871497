"""Test plugin for the OCRmyPDF engine: a detector that logs each build and each page to a file.

``OCRPLUG_TEST_LOG`` names the file; each line is ``build <pid> <threads>`` or ``page <pid> <index>``,
so a test can count model builds per worker process against pages processed.
"""

from __future__ import annotations

import os

from ocrplug import ComponentSpec, Detector, Options, Recognizer, Region, hookimpl


def _log(line: str) -> None:
    with open(os.environ["OCRPLUG_TEST_LOG"], "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


class CountingDetector(Detector):
    """One line region over the whole page; logs its construction and every page."""

    def __init__(self) -> None:
        _log(f"build {os.getpid()} {os.environ.get('OCRPLUG_WORKER_THREADS', '-')}")

    def detect(self, page):
        _log(f"page {os.getpid()} {page.index}")
        return [Region.from_box(10, 10, page.width - 10, 60, level="line", score=1.0)]


class WordsRecognizer(Recognizer):
    """Reads every line as the same two words, so the text layer's content is known exactly."""

    def recognize(self, page, regions):
        return [r.with_(text=f"counted page{page.index}", confidence=1.0) for r in regions]


@hookimpl
def ocrplug_register_detectors():
    return [ComponentSpec(name="counting", role="detector", factory=lambda o: CountingDetector(), options=Options,
                          description="test: logs builds and pages")]


@hookimpl
def ocrplug_register_recognizers():
    return [ComponentSpec(name="two-words", role="recognizer", factory=lambda o: WordsRecognizer(), options=Options,
                          description="test: two fixed words per line")]
