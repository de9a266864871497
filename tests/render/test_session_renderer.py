"""The host's renderer base: every built-in renderer is a SessionRenderer and plans its files."""

from __future__ import annotations

from pathlib import Path

import pytest

from ocrplug.api import DocumentInfo, Options, Page, RenderSession, SessionRenderer
from ocrplug.manager import PluginHost


def test_every_builtin_renderer_uses_the_base_and_plans_the_files_it_writes(info: DocumentInfo) -> None:
    host = PluginHost()
    for name, spec in host.components("renderer").items():
        if host.owner("renderer", name) != "render":
            continue
        renderer = spec.build()
        assert isinstance(renderer, SessionRenderer), name
        assert isinstance(renderer.options, spec.options), name
        planned = renderer.planned_outputs(info)
        session = renderer.open(info)
        assert isinstance(session, renderer.session_class), name
        if renderer.needs_image:
            session.abort()
            continue
        for index in range(info.page_count):
            session.add_page(Page(index=index, width=100, height=50, source=info.source), None)
        written = session.close()
        assert sorted(written) == sorted(planned), name
        assert all(p.is_file() for p in written), name


class _Opts(Options):
    suffix: str = ".n"


class _CountSession(RenderSession):
    def __init__(self, info: DocumentInfo, options: _Opts) -> None:
        self.path, self.pages = Path(info.out_dir) / f"{info.stem}{options.suffix}", 0

    def add_page(self, page, image):
        self.pages += 1

    def close(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(str(self.pages))
        return [self.path]


class _CountRenderer(SessionRenderer):
    options_model = _Opts
    session_class = _CountSession


def test_a_subclass_gets_init_and_open_from_the_base(info: DocumentInfo) -> None:
    assert _CountRenderer().options == _Opts()
    renderer = _CountRenderer(_Opts(suffix=".count"))
    assert renderer.planned_outputs(info) is None  # unknown unless the subclass says
    session = renderer.open(info)
    session.add_page(Page(index=0, width=1, height=1, source="x"), None)
    assert session.close() == [info.out_dir / "sample.count"]
    with pytest.raises(ValueError):
        _Opts(other=1)
