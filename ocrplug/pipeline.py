"""The config-driven pipeline: inputs -> rasterizer -> detector -> recognizer -> renderers.

A :class:`Pipeline` is built from YAML, a dict, or Python arguments, and validated completely before
any page is processed. Pages stream one at a time from the rasterizer; with ``jobs > 1`` they are
processed in worker processes that each build the pipeline once from its config (so models load once
per worker), and results come back in page order. A failing page or input is recorded and the run goes
on: every page that succeeded still reaches the renderers.
"""

from __future__ import annotations

import logging
import os
import sys
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ocrplug.components import (
    Detector,
    DocumentInfo,
    PageRange,
    Rasterizer,
    Recognizer,
    Renderer,
    RenderSession,
)
from ocrplug.config import (
    ComponentConfig,
    PipelineConfig,
    ResolvedComponent,
    load_yaml,
    resolve_component,
    validate_config,
)
from ocrplug.errors import ConfigError, InputError, OcrplugError, PageError
from ocrplug.layout import layout_regions
from ocrplug.manager import PluginHost
from ocrplug.model import Document, Page, PageFailure, PageImage, Region
from ocrplug.orientation import detect_orientation, map_regions, rotate_page, to_original
from ocrplug.threads import WORKER_THREADS_ENV, safe_torch_threads

__all__ = ["Pipeline", "RunReport", "find_inputs"]

log = logging.getLogger(__name__)

ComponentArg = str | Mapping[str, Any] | ComponentConfig | None
ProgressCallback = Callable[[str, int, int | None], None]


@dataclass
class RunReport:
    """What a multi-input run produced: documents, failures and files written."""

    documents: list[Document] = field(default_factory=list)
    outputs: list[Path] = field(default_factory=list)
    failures: list[PageFailure] = field(default_factory=list)
    pages_done: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when no input, page or renderer failed."""
        return not self.failures


@dataclass(frozen=True)
class _Start:
    source: str
    page_count: int


@dataclass(frozen=True)
class _End:
    source: str


@dataclass(frozen=True)
class _Failed:
    source: str
    index: int | None
    error: str


@dataclass
class _PageTask:
    image: PageImage
    result: Future[Page] | Page | _Failed | None = None


def _component_config(value: ComponentArg, role: str) -> ComponentConfig | None:
    if value is None or isinstance(value, ComponentConfig):
        return value
    if isinstance(value, (str, Mapping)):
        return ComponentConfig.model_validate(value)
    raise ConfigError(f"{role}: expected a component name or {{name, options}}, got {type(value).__name__}")


def _config_dict(config: ComponentConfig | None) -> dict[str, Any] | None:
    return None if config is None else {"name": config.name, "options": dict(config.options)}


class Pipeline:
    """An OCR pipeline: one detector, one recognizer (each optional), any number of renderers.

    Build it with ``Pipeline.from_yaml(path)``, ``Pipeline.from_dict(d)`` or directly::

        Pipeline(detector="db", recognizer={"name": "tesseract", "options": {"lang": "eng"}},
                 renderers=["text", "json"])

    Components may also be given as ready-made :class:`Detector` / :class:`Recognizer` /
    :class:`Renderer` objects (then ``jobs`` must stay 1, since workers rebuild from config).
    """

    def __init__(
        self,
        detector: ComponentArg | Detector = None,
        recognizer: ComponentArg | Recognizer = None,
        renderers: Sequence[ComponentArg | Renderer] = (),
        input: Mapping[str, Any] | None = None,
        output: Mapping[str, Any] | None = None,
        plugins: Sequence[str] = (),
        jobs: int = 1,
        layout: Mapping[str, Any] | None = None,
        *,
        host: PluginHost | None = None,
        source: str = "<pipeline>",
    ) -> None:
        """Validate the configuration and build every component (see the class docstring)."""
        self._instances: dict[str, Any] = {}
        det_cfg = self._split("detector", detector, Detector)
        rec_cfg = self._split("recognizer", recognizer, Recognizer)
        ren_cfgs: list[dict[str, Any] | None] = []
        for i, renderer in enumerate(renderers):
            ren_cfgs.append(self._split(f"renderers.{i}", renderer, Renderer))
        raw: dict[str, Any] = {
            "input": dict(input or {}),
            "detector": det_cfg,
            "recognizer": rec_cfg,
            "renderers": [c if c is not None else {"name": "<object>"} for c in ren_cfgs],
            "output": dict(output or {}),
            "plugins": list(plugins),
            "jobs": jobs,
            "layout": dict(layout or {}),
        }
        self.source = source
        self.config: PipelineConfig = validate_config(raw, source)
        self.host = host or PluginHost(extra_plugins=self.config.plugins)
        if host is not None:
            for plugin in self.config.plugins:
                host.register(plugin)
        self._resolve()

    def _split(self, key: str, value: Any, cls: type) -> dict[str, Any] | None:
        if isinstance(value, cls):
            self._instances[key] = value
            return None
        return _config_dict(_component_config(value, key))

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<dict>", host: PluginHost | None = None) -> Pipeline:
        """Build a pipeline from a config dict (the YAML structure); errors name ``source``."""
        config = validate_config(data, source)
        return cls(
            detector=config.detector,
            recognizer=config.recognizer,
            renderers=list(config.renderers),
            input=config.input.model_dump(),
            output=config.output.model_dump(),
            plugins=config.plugins,
            jobs=config.jobs,
            layout=config.layout.model_dump(),
            host=host,
            source=source,
        )

    @classmethod
    def from_yaml(cls, path: str | os.PathLike[str], overrides: Sequence[str] = ()) -> Pipeline:
        """Build a pipeline from a YAML file, with optional ``key.path=value`` overrides."""
        from ocrplug.config import apply_overrides

        data = load_yaml(path)
        if overrides:
            data = apply_overrides(data, overrides)
        return cls.from_dict(data, source=str(path))

    def _resolve(self) -> None:
        cfg, src = self.config, self.source
        self._det: ResolvedComponent | None = None
        self._rec: ResolvedComponent | None = None
        if cfg.detector is not None:
            self._det = resolve_component(self.host, "detector", cfg.detector, "detector", src)
        if cfg.recognizer is not None:
            self._rec = resolve_component(self.host, "recognizer", cfg.recognizer, "recognizer", src)
        self._ren: list[ResolvedComponent | None] = []
        for i, rc in enumerate(cfg.renderers):
            key = f"renderers.{i}"
            self._ren.append(None if key in self._instances else resolve_component(self.host, "renderer", rc, key, src))
        pdf_name = cfg.input.rasterizer or "pdf2image"
        self._pdf = resolve_component(
            self.host, "rasterizer", ComponentConfig(name=pdf_name, options=cfg.input.options), "input.rasterizer", src
        )
        if cfg.jobs > 1 and self._instances:
            raise ConfigError(f"{src}: jobs > 1 needs components given by name, not as Python objects")
        self._built = False

    def to_dict(self) -> dict[str, Any]:
        """The validated configuration as a plain dict (what worker processes rebuild from)."""
        return self.config.model_dump()

    # -- components ---------------------------------------------------------------------------

    def _build(self) -> None:
        if self._built:
            return
        self.detector: Detector | None = self._instances.get("detector") or (
            self._det.spec.build(self._det.options) if self._det else None
        )
        self.recognizer: Recognizer | None = self._instances.get("recognizer") or (
            self._rec.spec.build(self._rec.options) if self._rec else None
        )
        self.renderers: list[Renderer] = [
            self._instances[f"renderers.{i}"] if rc is None else rc.spec.build(rc.options)
            for i, rc in enumerate(self._ren)
        ]
        rasterizers: dict[str, Rasterizer] = {}
        for name, spec in self.host.components("rasterizer").items():
            if name == self._pdf.spec.name:
                continue
            built = spec.build()
            for ext in built.extensions:
                if ext != ".pdf":
                    rasterizers.setdefault(ext, built)
        pdf = self._pdf.spec.build(self._pdf.options)
        for ext in pdf.extensions:
            rasterizers[ext] = pdf
        self._rasterizers = rasterizers
        safe_torch_threads()
        self._built = True

    def build(self) -> Pipeline:
        """Build (load) every component now instead of on first use; returns self."""
        self._build()
        return self

    @property
    def supported_extensions(self) -> list[str]:
        """File suffixes the installed rasterizers read."""
        self._build()
        return sorted(self._rasterizers)

    def rasterizer_for(self, path: Path) -> Rasterizer:
        """The rasterizer that reads ``path`` (by suffix); InputError for an unsupported type."""
        self._build()
        ext = path.suffix.lower()
        if ext not in self._rasterizers:
            raise InputError(
                f"{path}: unsupported file type {ext or '(no suffix)'!r} (supported: {', '.join(self.supported_extensions)})"
            )
        return self._rasterizers[ext]

    # -- per page -----------------------------------------------------------------------------

    def process_page(self, page_image: PageImage) -> Page:
        """Detect, recognize and lay out one page image; exceptions propagate (callers record them).

        Coordinates of the result are in the frame of ``page_image`` as given, whatever its orientation.
        """
        self._build()
        original = page_image
        regions: list[Region] = []
        if self.detector is not None:
            regions = list(self.detector.detect(page_image))
        elif self.recognizer is not None:
            # Recognizer-only pipeline: the whole image is one line (e.g. pre-cropped line images).
            h, w = page_image.height, page_image.width
            regions = [Region.from_box(0, 0, w, h, level="line")]
        # -- orientation (issue 14): turn a sideways / upside-down page upright and detect again there.
        angle = 0
        if self.config.input.orientation == "auto" and self.detector is not None and self.recognizer is not None:
            angle = detect_orientation(page_image, regions, self.recognizer.recognize).angle
            if angle:
                page_image = rotate_page(page_image, angle)
                regions = list(self.detector.detect(page_image))
        if self.recognizer is not None and regions:
            recognized = list(self.recognizer.recognize(page_image, regions))
            if len(recognized) != len(regions):
                raise OcrplugError(
                    f"recognizer returned {len(recognized)} regions for {len(regions)} (it must keep the count)"
                )
            regions = recognized
        # -- layout (issue 14): blocks -> lines -> words in reading order, in the upright frame.
        regions = layout_regions(regions, self.config.layout)
        if angle:
            w, h = original.width, original.height
            regions = map_regions(regions, lambda p: to_original(p, angle, w, h), reorder=False)
        return original.empty_page().with_(regions=tuple(regions), orientation=angle)

    # -- streaming ----------------------------------------------------------------------------

    def _page_images(self, source: str | os.PathLike[str] | np.ndarray | Any) -> tuple[str, int, Iterator[PageImage]]:
        if isinstance(source, np.ndarray) or type(source).__module__.startswith("PIL"):
            image = _array_from(source)
            return "<array>", 1, iter([PageImage(image=image, index=0, source="<array>")])
        path = Path(source)
        rasterizer = self.rasterizer_for(path)
        pages = PageRange(self.config.input.pages)
        count = len(pages.indices(rasterizer.page_count(path)))
        return str(path), count, rasterizer.iter_pages(path, pages, self.config.input.dpi)

    def _events(self, sources: Iterable[Any]) -> Iterator[_Start | _End | _Failed | _PageTask]:
        for source in sources:
            label = "<array>" if isinstance(source, np.ndarray) else str(source)
            try:
                label, count, pages = self._page_images(source)
            except OcrplugError as exc:
                yield _Failed(label, None, str(exc))
                continue
            yield _Start(label, count)
            index = -1
            try:
                for page_image in pages:
                    index = page_image.index
                    yield _PageTask(page_image)
            except OcrplugError as exc:
                yield _Failed(label, None if index < 0 else index + 1, str(exc))
            except Exception as exc:  # a rasterizer bug must not lose the other inputs
                yield _Failed(label, None if index < 0 else index + 1, f"rasterizer failed: {exc!r}")
            yield _End(label)

    def _ordered(self, events: Iterator[Any], jobs: int) -> Iterator[Any]:
        """Run page tasks (inline or in workers) and yield events in their original order."""
        if jobs <= 1:
            for event in events:
                if isinstance(event, _PageTask):
                    event.result = _safe_process(self, event.image)
                yield event
            return
        import multiprocessing

        ctx = multiprocessing.get_context("spawn" if os.name == "nt" else "forkserver")
        window = max(2 * jobs, 2)
        queue: deque[Any] = deque()
        with ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=ctx,
            initializer=_init_worker,
            initargs=(self.to_dict(), self.source, max(1, (os.cpu_count() or 1) // jobs)),
        ) as pool:
            try:
                for event in events:
                    if isinstance(event, _PageTask):
                        event.result = pool.submit(_worker_process, event.image)
                    queue.append(event)
                    while queue and (sum(isinstance(e, _PageTask) for e in queue) > window or _is_ready(queue[0])):
                        yield _resolve(queue.popleft())
                while queue:
                    yield _resolve(queue.popleft())
            except BaseException:
                for event in queue:
                    if isinstance(event, _PageTask) and isinstance(event.result, Future):
                        event.result.cancel()
                raise

    def iter_results(self, source: Any) -> Iterator[Page | PageFailure]:
        """Yield each page of one input as it finishes, or a :class:`PageFailure` for a failed page."""
        for event in self._ordered(self._events([source]), self.config.jobs):
            if isinstance(event, _PageTask):
                yield event.result if isinstance(event.result, Page) else _failure(event.result)  # type: ignore[arg-type]
            elif isinstance(event, _Failed):
                yield _failure(event)

    def iter_pages(self, source: Any) -> Iterator[Page]:
        """Yield each page of one input (file path, folder-free) as it finishes, in order.

        Raises :class:`PageError` at the first failed page; use :meth:`run` to collect failures.
        """
        for result in self.iter_results(source):
            if isinstance(result, PageFailure):
                raise PageError(result.error, result.source, result.index)
            yield result

    def run(self, source: Any, out_dir: str | os.PathLike[str] | None = None) -> Document:
        """Process one input (path or image array) and return its Document.

        Renderers write their files when an output folder is given here or in ``output.dir``.
        Failed pages are listed in ``Document.failures``; an unreadable input raises its error.
        """
        if out_dir is not None or (self.config.output.dir and self.config.renderers):
            report = self.run_many([source], out_dir=out_dir)
            document = report.documents[0] if report.documents else None
            if document is None:
                raise InputError(report.failures[0].error) if report.failures else InputError(f"{source}: no pages")
            return document
        pages: list[Page] = []
        failures: list[PageFailure] = []
        label = "<array>" if isinstance(source, np.ndarray) else str(source)
        for result in self.iter_results(source):
            if isinstance(result, Page):
                pages.append(result)
            elif result.index is None and not pages:
                raise InputError(result.error)
            else:
                failures.append(result)
        return Document(source=label, pages=tuple(pages), failures=tuple(failures))

    def run_many(
        self,
        inputs: Sequence[Any],
        out_dir: str | os.PathLike[str] | None = None,
        jobs: int | None = None,
        progress: ProgressCallback | None = None,
    ) -> RunReport:
        """Process many inputs (files, folders, arrays), write renderer outputs, never stop on a failure.

        ``progress(source, pages_done, total_pages)`` is called after each page.
        """
        self._build()
        started = time.perf_counter()
        jobs = jobs or self.config.jobs
        target = Path(out_dir or self.config.output.dir or "ocrplug-out")
        report = RunReport()
        sources = list(self._expand(inputs, report))
        total = self._count_pages(sources)
        stems = _unique_stems([s for s in sources])
        sessions: list[tuple[str, RenderSession]] = []
        pages: list[Page] = []
        failures: list[PageFailure] = []
        current: str | None = None
        try:
            for event in self._ordered(self._events(sources), jobs):
                if isinstance(event, _Start):
                    current, pages, failures = event.source, [], []
                    info = DocumentInfo(
                        source=event.source, page_count=event.page_count, out_dir=target, stem=stems[event.source]
                    )
                    sessions = self._open_sessions(info, report, failures)
                elif isinstance(event, _PageTask):
                    result = event.result
                    if isinstance(result, Page):
                        pages.append(result)
                        report.pages_done += 1
                        for name, session in list(sessions):
                            try:
                                image = event.image if self._needs_image(name) else None
                                session.add_page(result, image)
                            except Exception as exc:
                                failures.append(
                                    PageFailure(
                                        event.image.source, event.image.index, f"renderer {name!r} failed: {exc}"
                                    )
                                )
                                _safe_abort(session)
                                sessions.remove((name, session))
                    else:
                        failure = _failure(result)  # type: ignore[arg-type]
                        failures.append(failure)
                        report.pages_done += 1
                        _tell_failure(sessions, failure)
                    if progress:
                        progress(event.image.source, report.pages_done, total)
                elif isinstance(event, _Failed):
                    failure = _failure(event)
                    if current == event.source:
                        failures.append(failure)
                        _tell_failure(sessions, failure)
                    else:
                        report.failures.append(failure)
                elif isinstance(event, _End):
                    for name, session in sessions:
                        try:
                            report.outputs.extend(session.close())
                        except Exception as exc:
                            failures.append(PageFailure(event.source, None, f"renderer {name!r} failed: {exc}"))
                    sessions = []
                    report.documents.append(Document(source=event.source, pages=tuple(pages), failures=tuple(failures)))
                    report.failures.extend(failures)
                    current = None
        except BaseException:
            for _, session in sessions:
                _safe_abort(session)
            raise
        report.seconds = time.perf_counter() - started
        return report

    def _needs_image(self, name: str) -> bool:
        return bool(self._renderer_flags.get(name))

    def _open_sessions(
        self, info: DocumentInfo, report: RunReport, failures: list[PageFailure]
    ) -> list[tuple[str, RenderSession]]:
        sessions: list[tuple[str, RenderSession]] = []
        self._renderer_flags: dict[str, bool] = {}
        for i, renderer in enumerate(self.renderers):
            name = f"{self.config.renderers[i].name}#{i}"
            self._renderer_flags[name] = bool(getattr(renderer, "needs_image", False))
            try:
                sessions.append((name, renderer.open(info)))
            except Exception as exc:
                failures.append(PageFailure(info.source, None, f"renderer {name!r} failed to start: {exc}"))
        return sessions

    def _expand(self, inputs: Sequence[Any], report: RunReport) -> Iterator[Any]:
        for item in inputs:
            if isinstance(item, (str, os.PathLike)) and Path(item).is_dir():
                found = find_inputs(Path(item), self.supported_extensions)
                if not found:
                    report.failures.append(PageFailure(str(item), None, f"{item}: folder holds no supported files"))
                yield from found
            elif isinstance(item, (str, os.PathLike)) and not Path(item).exists():
                report.failures.append(PageFailure(str(item), None, f"{item}: no such file or folder"))
            else:
                yield item

    def _count_pages(self, sources: Sequence[Any]) -> int | None:
        total = 0
        for source in sources:
            if isinstance(source, np.ndarray) or not isinstance(source, (str, os.PathLike)):
                total += 1
                continue
            try:
                path = Path(source)
                total += len(PageRange(self.config.input.pages).indices(self.rasterizer_for(path).page_count(path)))
            except OcrplugError:
                continue
        return total


def find_inputs(folder: Path, extensions: Sequence[str]) -> list[Path]:
    """Every file of ``folder`` (not recursive) with a supported suffix, sorted by name."""
    wanted = {e.lower() for e in extensions}
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in wanted)


def _unique_stems(sources: Sequence[Any]) -> dict[str, str]:
    stems: dict[str, str] = {}
    used: set[str] = set()
    for source in sources:
        label = "<array>" if isinstance(source, np.ndarray) else str(source)
        base = "page" if label == "<array>" else Path(label).stem
        stem, n = base, 2
        while stem in used:
            stem, n = f"{base}-{n}", n + 1
        used.add(stem)
        stems[label] = stem
    return stems


def _array_from(image: Any) -> np.ndarray:
    if not isinstance(image, np.ndarray):
        from ocrplug_inputs.images import normalize_image

        return normalize_image(image)
    arr = image
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    if arr.ndim != 3 or arr.shape[2] not in (3, 4):
        raise InputError(f"<array>: expected an H x W, H x W x 3 (RGB) or H x W x 4 image, got shape {arr.shape}")
    if arr.shape[2] == 4:
        arr = arr[:, :, :3]
    if arr.dtype != np.uint8:
        top = 65535.0 if arr.dtype == np.uint16 else (1.0 if arr.max() <= 1.0 else 255.0)
        arr = np.clip(arr.astype(np.float64) / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(arr)


def _failure(event: _Failed) -> PageFailure:
    return PageFailure(source=event.source, index=event.index, error=event.error)


def _safe_process(pipeline: Pipeline, page_image: PageImage) -> Page | _Failed:
    try:
        return pipeline.process_page(page_image)
    except Exception as exc:
        log.debug("page failed: %s", traceback.format_exc())
        return _Failed(page_image.source, page_image.index, f"{type(exc).__name__}: {exc}")


def _is_ready(event: Any) -> bool:
    return not isinstance(event, _PageTask) or not isinstance(event.result, Future) or event.result.done()


def _resolve(event: Any) -> Any:
    if isinstance(event, _PageTask) and isinstance(event.result, Future):
        try:
            event.result = event.result.result()
        except Exception as exc:  # a worker died or could not pickle
            event.result = _Failed(event.image.source, event.image.index, f"worker failed: {exc!r}")
    return event


_WORKER: Pipeline | None = None


def _init_worker(config: dict[str, Any], source: str, threads: int) -> None:
    global _WORKER
    os.environ[WORKER_THREADS_ENV] = str(threads)
    _WORKER = Pipeline.from_dict(config, source=source)
    _WORKER._build()
    if "torch" in sys.modules:  # loaded by a component: share the cores between workers
        sys.modules["torch"].set_num_threads(threads)
        safe_torch_threads()


def _worker_process(page_image: PageImage) -> Page | _Failed:
    assert _WORKER is not None, "worker not initialised"
    return _safe_process(_WORKER, page_image)


def _tell_failure(sessions: list[tuple[str, RenderSession]], failure: PageFailure) -> None:
    for _, session in sessions:
        try:
            session.add_failure(failure)
        except Exception:  # a renderer's bookkeeping must not hide the page's own error
            log.debug("renderer add_failure failed: %s", traceback.format_exc())


def _safe_abort(session: RenderSession) -> None:
    try:
        session.abort()
    except Exception:  # aborting is best effort; the original error matters more
        log.debug("renderer abort failed: %s", traceback.format_exc())
