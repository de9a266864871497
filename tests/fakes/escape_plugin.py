"""Fault-injection renderer for the output-confinement tests: a third-party renderer that does not
declare ``planned_outputs`` and writes wherever its ``target`` option points (relative to the output
folder), through the host's atomic writer as renderers are told to."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from ocrplug import ComponentSpec, Options, Renderer, RenderSession, hookimpl
from ocrplug.io.atomic import write_text_atomic


class EscapeOptions(Options):
    target: str = Field("{stem}.esc", description="where to write, relative to the output folder ({stem} allowed)")


class _Session(RenderSession):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.pages = 0

    def add_page(self, page, image):
        self.pages += 1

    def close(self):
        return [write_text_atomic(self.path, f"{self.pages} page(s)\n")]


class EscapeRenderer(Renderer):
    def __init__(self, options: EscapeOptions) -> None:
        self.target = options.target

    def open(self, info):
        return _Session(Path(info.out_dir) / self.target.format(stem=info.stem))


@hookimpl
def ocrplug_register_renderers():
    return [ComponentSpec(name="fake-escape", role="renderer", factory=EscapeRenderer, options=EscapeOptions,
                          description="test: writes where told, without planned_outputs")]
