"""Fault-injection plugin for host tests: a box detector that can fail on chosen pages, an echo
recognizer, and a renderer that writes one line per page."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pydantic import Field

from ocrplug import ComponentSpec, Detector, Options, Recognizer, Region, Renderer, RenderSession, hookimpl
from ocrplug.io.atomic import write_text_atomic


class BoxOptions(Options):
    fail_on_pages: list[int] = Field(default_factory=list, description="0-based page indices that raise.")
    text_threshold: float = Field(0.7, ge=0, le=1, description="Unused threshold (for typo tests).")
    delay_s: float = Field(0.0, ge=0, description="Seconds to sleep per page (slow runs for kill tests).")
    weights_error: str | None = Field(None, description="Raise WeightsError with this message when built.")


class BoxDetector(Detector):
    """One region per page: the bounding box of the dark pixels."""

    def __init__(self, options: BoxOptions) -> None:
        if options.weights_error:
            from ocrplug import WeightsError

            raise WeightsError(options.weights_error)
        self.options = options

    def detect(self, page):
        if self.options.delay_s:
            time.sleep(self.options.delay_s)
        if page.index in self.options.fail_on_pages:
            raise RuntimeError(f"injected failure on page {page.index}")
        gray = page.image.mean(axis=2)
        ys, xs = (gray < 128).nonzero()
        if len(xs) == 0:
            return []
        threads = os.environ.get("OCRPLUG_WORKER_THREADS")
        return [
            Region.from_box(
                float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()), level="line", score=1.0,
                attributes={"worker_threads": threads} if threads else {},
            )
        ]


class EchoRecognizer(Recognizer):
    def recognize(self, page, regions):
        return [r.with_(text=f"page{page.index}", confidence=1.0) for r in regions]


class _LinesSession(RenderSession):
    def __init__(self, path: Path) -> None:
        self.path, self.lines = path, []

    def add_page(self, page, image):
        self.lines.append(f"{page.index} {len(page.regions)} {image is not None}")

    def close(self):
        return [write_text_atomic(self.path, "\n".join(self.lines) + "\n")]


class LinesRenderer(Renderer):
    needs_image = True

    def open(self, info):
        return _LinesSession(info.out_dir / f"{info.stem}.lines")


@hookimpl
def ocrplug_register_detectors():
    return [ComponentSpec(name="fake-box", role="detector", factory=BoxDetector, options=BoxOptions, description="test")]


@hookimpl
def ocrplug_register_recognizers():
    return [ComponentSpec(name="fake-echo", role="recognizer", factory=lambda o: EchoRecognizer(), description="test")]


@hookimpl
def ocrplug_register_renderers():
    return [ComponentSpec(name="fake-lines", role="renderer", factory=lambda o: LinesRenderer(), description="test")]
