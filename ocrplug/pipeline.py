"""The pipeline: construction from config and the work on one page (detect, then recognize).

A :class:`Pipeline` is built from YAML, a dict, Python arguments or a validated
:class:`~ocrplug.config.PipelineConfig`; the config is validated once. Running many inputs is the
run loop's job (:mod:`ocrplug.runner`), which reads inputs through :mod:`ocrplug.sources`, runs page
batches on an :mod:`ocrplug.executors` executor and writes through :mod:`ocrplug.writing`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ocrplug.components import Detector, Rasterizer, Recognizer, Renderer
from ocrplug.config import (
    ComponentConfig,
    PipelineConfig,
    ResolvedComponent,
    check_components,
    resolve_component,
    validate_config,
)
from ocrplug.errors import ConfigError, InputError, OcrplugError, PageError
from ocrplug.layout import adopt_words, layout_regions, lines_for_recognition
from ocrplug.manager import PluginHost
from ocrplug.model import Document, Page, PageFailure, PageImage, Region
from ocrplug.orientation import detect_orientation, map_regions, rotate_page, to_original
from ocrplug.runner import ProgressCallback, run_inputs
from ocrplug.sources import InputFile, Sources
from ocrplug.threads import safe_torch_threads
from ocrplug.writing import RunReport

__all__ = ["Pipeline", "RunReport", "find_inputs"]

ComponentArg = str | Mapping[str, Any] | ComponentConfig | None


def _component_config(value: ComponentArg, role: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, ComponentConfig):
        return value.model_dump()
    if isinstance(value, (str, Mapping)):
        return ComponentConfig.model_validate(value).model_dump()
    raise ConfigError(f"{role}: expected a component name or {{name, options}}, got {type(value).__name__}")


class Pipeline:
    """An OCR pipeline: one detector, one recognizer (each optional), any number of renderers.

    Build it with ``Pipeline.from_yaml(path)``, ``Pipeline.from_dict(d)`` or directly::

        Pipeline(detector="db", recognizer={"name": "tesseract", "options": {"lang": "eng"}},
                 renderers=["text", "json"])

    Components may also be given as ready-made :class:`Detector` / :class:`Recognizer` /
    :class:`Renderer` objects (then ``jobs`` must stay 1, since workers rebuild from config).
    ``batch_pages``: how many consecutive pages of a document go to the detector's ``detect_batch``
    at once.
    """

    batch_pages: int = 4

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
        batch_pages: int | None = None,
    ) -> None:
        """Validate the configuration and resolve every component (see the class docstring)."""
        instances: dict[str, Any] = {}

        def split(key: str, value: Any, cls: type) -> dict[str, Any] | None:
            if isinstance(value, cls):
                instances[key] = value
                return None
            return _component_config(value, key)

        raw: dict[str, Any] = {
            "input": dict(input or {}),
            "detector": split("detector", detector, Detector),
            "recognizer": split("recognizer", recognizer, Recognizer),
            "renderers": [
                split(f"renderers.{i}", r, Renderer) or {"name": "<object>"} for i, r in enumerate(renderers)
            ],
            "output": dict(output or {}),
            "plugins": list(plugins),
            "jobs": jobs,
            "layout": dict(layout or {}),
        }
        self._setup(validate_config(raw, source), source, host, instances, batch_pages)

    def _setup(
        self, config: PipelineConfig, source: str, host: PluginHost | None, instances: dict[str, Any], batch_pages: int | None
    ) -> None:
        self.source = source
        self.config = config
        self._instances = instances
        if batch_pages is not None:
            self.batch_pages = max(1, batch_pages)
        self.host = host or PluginHost(extra_plugins=config.plugins)
        if host is not None:
            for plugin in config.plugins:
                host.register(plugin)
        self._resolve()

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_config(
        cls, config: PipelineConfig, source: str = "<config>", host: PluginHost | None = None
    ) -> Pipeline:
        """Build a pipeline from an already validated config (what worker processes do)."""
        pipeline = cls.__new__(cls)
        pipeline._setup(config, source, host, {}, None)
        return pipeline

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "<dict>", host: PluginHost | None = None) -> Pipeline:
        """Build a pipeline from a config dict (the YAML structure); errors name ``source``."""
        return cls.from_config(validate_config(data, source), source=source, host=host)

    @classmethod
    def from_yaml(cls, path: str | os.PathLike[str], overrides: Sequence[str] = ()) -> Pipeline:
        """Build a pipeline from a YAML file layered over the default pipeline, then ``key.path=value`` overrides."""
        from ocrplug.config import load_config

        return cls.from_dict(load_config(path, overrides).data, source=str(path))  # layered over the default

    def _resolve(self) -> None:
        cfg, src = self.config, self.source
        # Every component error at once, before any is built (components given as objects are not checked).
        data = cfg.model_dump()
        data["renderers"] = [None if f"renderers.{i}" in self._instances else r for i, r in enumerate(data["renderers"])]
        check_components(self.host, data, src)

        def resolve(role: Any, key: str, rc: ComponentConfig | None) -> ResolvedComponent | None:
            if rc is None or key in self._instances:
                return None
            return resolve_component(self.host, role, rc, key, src)

        self._det = resolve("detector", "detector", cfg.detector)
        self._rec = resolve("recognizer", "recognizer", cfg.recognizer)
        self._ren = [resolve("renderer", f"renderers.{i}", rc) for i, rc in enumerate(cfg.renderers)]
        self._sources = Sources(self.host, cfg, src)
        if cfg.jobs > 1 and self._instances:
            raise ConfigError(f"{src}: jobs > 1 needs components given by name, not as Python objects")
        self._models_built = False
        self._renderers: list[Renderer] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The validated configuration as a plain dict."""
        return self.config.model_dump()

    # -- components ---------------------------------------------------------------------------

    def _build(self) -> None:
        if self._models_built:
            return
        self.detector: Detector | None = self._instances.get("detector") or (
            self._det.spec.build(self._det.options) if self._det else None
        )
        self.recognizer: Recognizer | None = self._instances.get("recognizer") or (
            self._rec.spec.build(self._rec.options) if self._rec else None
        )
        safe_torch_threads()
        self._models_built = True

    @property
    def renderers(self) -> list[Renderer]:
        """The renderers, built on first use (the detector and recognizer are not needed for them)."""
        if self._renderers is None:
            self._renderers = [
                self._instances[f"renderers.{i}"] if rc is None else rc.spec.build(rc.options)
                for i, rc in enumerate(self._ren)
            ]
        return self._renderers

    def named_renderers(self) -> list[tuple[str, Renderer]]:
        """``(label, renderer)`` pairs, labels like ``"text#0"`` for messages."""
        return [(f"{rc.name}#{i}", r) for i, (rc, r) in enumerate(zip(self.config.renderers, self.renderers, strict=True))]

    def build(self) -> Pipeline:
        """Build (load) the detector and recognizer now instead of on first page; returns self."""
        self._build()
        return self

    @property
    def sources(self) -> Sources:
        """How inputs become documents and page images (rasterizers chosen by suffix)."""
        return self._sources

    @property
    def supported_extensions(self) -> list[str]:
        """File suffixes the installed rasterizers read."""
        return self._sources.extensions

    def rasterizer_for(self, path: Path) -> Rasterizer:
        """The rasterizer that reads ``path`` (by suffix); InputError for an unsupported type."""
        return self._sources.rasterizer_for(Path(path))

    # -- per page -----------------------------------------------------------------------------

    def process_batch(self, images: Sequence[PageImage]) -> list[Page]:
        """Detect (one ``detect_batch`` call) and recognize several pages of one document.

        Exceptions propagate; :func:`ocrplug.executors.process_batch` turns them into page failures.
        """
        self._build()
        if self.detector is not None:
            for image in images:
                self._check_memory(self.detector, image)
            found = self.detector.detect_batch(list(images))
            if len(found) != len(images):
                raise OcrplugError(f"detector returned {len(found)} pages of regions for {len(images)} pages")
        else:
            found = [self._whole_page(image) for image in images]
        return [self._finish(image, list(regions)) for image, regions in zip(images, found, strict=True)]

    def _check_memory(self, detector: Detector, image: PageImage) -> None:
        """Refuse a page the detector estimates to need more than ``input.max_memory_mb`` for
        (:meth:`Detector.estimate_memory`), before it allocates anything: ConfigError naming the options."""
        need = detector.estimate_memory(image.width, image.height)
        limit = self.config.input.memory_limit()
        if need is None or limit is None or need <= limit:
            return
        options = self._det.options if self._det is not None else None
        chosen = ", ".join(f"detector.options.{k}={getattr(options, k)!r}" for k in sorted(options.model_fields_set)) if options else ""
        name = self.config.detector.name if self.config.detector is not None else type(detector).__name__
        where = "" if self.config.input.max_memory_mb else ", by default half of the physical memory"
        raise ConfigError(
            f"{image.source} page {image.index + 1} ({image.width} x {image.height} px): detector {name!r} "
            f"would need about {need / 2**30:.1f} GiB for it ({chosen or 'its default options'}), more than "
            f"input.max_memory_mb ({limit // 2**20:,} MiB{where}); lower those options (see the detector's docs) "
            "or raise input.max_memory_mb"
        )

    def batch_size(self, jobs: int | None = None) -> int:
        """Pages per batch: ``batch_pages`` when the detector batches (overrides ``detect_batch``) or
        pages go to workers, else 1 (so pages stream one at a time)."""
        if (jobs or self.config.jobs) > 1:
            return self.batch_pages
        self._build()  # missing weights or extras: no page can succeed, so the run stops here (exit 5 / 4)
        own = self.detector is not None and type(self.detector).detect_batch is not Detector.detect_batch
        return self.batch_pages if own else 1

    def process_page(self, page_image: PageImage) -> Page:
        """Detect and recognize one page image; exceptions propagate (callers record them)."""
        return self.process_batch([page_image])[0]

    def _whole_page(self, image: PageImage) -> list[Region]:
        # Recognizer-only pipeline: the whole image is one line (e.g. pre-cropped line images).
        if self.recognizer is None:
            return []
        return [Region.from_box(0, 0, image.width, image.height, level="line")]

    def _finish(self, image: PageImage, regions: list[Region]) -> Page:
        """Orientation, recognition and layout of one page whose regions were detected.

        Coordinates of the result are in the frame of ``image`` as given, whatever its orientation.
        """
        # -- orientation (issue 14): turn a sideways / upside-down page upright and detect again there.
        upright, angle = image, 0
        if self.config.input.orientation == "auto" and self.detector is not None and self.recognizer is not None:
            angle = detect_orientation(image, regions, self.recognizer.recognize).angle
            if angle:
                upright = rotate_page(image, angle)
                regions = list(self.detector.detect(upright))
        regions = self.recognize(upright, regions)
        # -- layout (issue 14): blocks -> lines -> words in reading order, in the upright frame.
        regions = layout_regions(regions, self.config.layout)
        # Every coordinate inside the page: lines read with lengthened ends and boxes of text that
        # touches the edge can reach a pixel or two past it.
        bound = np.array([upright.width, upright.height], dtype=np.float64)
        regions = map_regions(regions, lambda p: np.clip(p, 0.0, bound), reorder=False)
        if angle:
            w, h = image.width, image.height
            regions = map_regions(regions, lambda p: to_original(p, angle, w, h), reorder=False)
        return image.empty_page().with_(regions=tuple(regions), orientation=angle)

    def recognize(self, image: PageImage, regions: Sequence[Region]) -> list[Region]:
        """Recognize the detected ``regions`` of one page image (page pixels); no layout step yet.

        Loose words are first joined into lines and read whole when ``layout.read_lines`` is on
        (:func:`ocrplug.layout.lines_for_recognition`), so the result may hold fewer, line-level
        regions than ``regions``. Raises :class:`~ocrplug.errors.OcrplugError` when the recognizer
        does not return one region per region it was given.
        """
        self._build()
        if self.recognizer is None or not regions:
            return list(regions)
        units = lines_for_recognition(regions, self.config.layout)
        recognized = list(self.recognizer.recognize(image, units))
        if len(recognized) != len(units):
            raise OcrplugError(
                f"recognizer returned {len(recognized)} regions for {len(units)} (it must keep the count)"
            )
        return [adopt_words(unit, region) for unit, region in zip(units, recognized, strict=True)]

    # -- running ------------------------------------------------------------------------------

    def iter_results(self, source: Any) -> Iterator[Page | PageFailure]:
        """Yield each page of one input as it finishes, or a :class:`PageFailure` for a failed page
        (a failure with ``index`` None when the input cannot be read at all)."""
        from ocrplug.executors import PageBatch, make_executor

        files, missing = self._sources.discover([source])
        if missing or not files:
            label = str(source)
            yield PageFailure(label, None, missing[0].error if missing else f"{label}: folder holds no supported files")
            return
        file: InputFile = files[0]
        try:
            document = self._sources.open(file)
        except OcrplugError as exc:
            yield PageFailure(file.label, None, str(exc))
            return

        def batches() -> Iterator[PageBatch]:
            chunk: list[PageImage] = []
            try:
                for image in document.pages():
                    chunk.append(image)
                    if len(chunk) >= size:
                        yield PageBatch(tuple(chunk))
                        chunk = []
            except Exception as exc:
                error = str(exc) if isinstance(exc, OcrplugError) else f"rasterizer failed: {exc!r}"
                yield PageBatch(tuple(chunk), last=True, error=error)
                return
            yield PageBatch(tuple(chunk), last=True)

        size = self.batch_size()
        with make_executor(self) as executor:
            done = 0
            for batch, results in executor.map(batches()):
                yield from results
                done += len(results)
                if batch.error is not None:
                    yield PageFailure(file.label, done if done else None, batch.error)

    def iter_pages(self, source: Any) -> Iterator[Page]:
        """Yield each page of one input (file path or image array) as it finishes, in order.

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
            if not report.documents:
                raise InputError(report.failures[0].error) if report.failures else InputError(f"{source}: no pages")
            return report.documents[0]
        pages: list[Page] = []
        failures: list[PageFailure] = []
        for result in self.iter_results(source):
            if isinstance(result, Page):
                pages.append(result)
            elif result.index is None and not pages:
                raise InputError(result.error)
            else:
                failures.append(result)
        label = "<array>" if not isinstance(source, (str, os.PathLike)) else str(source)
        return Document(source=label, pages=tuple(pages), failures=tuple(failures))

    def run_many(
        self,
        inputs: Sequence[Any],
        out_dir: str | os.PathLike[str] | None = None,
        jobs: int | None = None,
        progress: ProgressCallback | None = None,
        *,
        resume: bool = False,
        keep_pages: bool = True,
        on_output: Callable[[Path], None] | None = None,
        resume_check: str = "size-mtime",
    ) -> RunReport:
        """Process many inputs (files, folders, arrays), write renderer outputs, never stop on a failure.

        ``progress(source, pages_done, total_pages)`` is called after each page. ``resume``: skip
        documents an earlier run into the same folder finished and reuse the pages a killed run
        journaled (what ``ocrplug run`` does; see :mod:`ocrplug.manifest`).
        ``keep_pages``: keep every page in ``report.documents`` (False keeps memory flat).
        ``on_output(path)`` is called for each file written, as soon as its document is committed.
        ``resume_check``: what tells an input is unchanged since the earlier run, ``"size-mtime"``
        (default) or ``"hash"`` (sha256 of the content; reads every input once more).
        Raises :class:`~ocrplug.errors.OutputError` before any page for an unusable output folder or
        an output that would land outside it (naming the config key), ConfigError for another
        ``resume_check``. A write that fails (full disk) is that document's failure in the report.
        """
        target = out_dir or self.config.output.dir or "ocrplug-out"
        return run_inputs(
            self, inputs, target, jobs=jobs, progress=progress, resume=resume, keep_pages=keep_pages, on_output=on_output,
            resume_check=resume_check,
        )


def find_inputs(folder: Path, extensions: Sequence[str]) -> list[Path]:
    """Every file of ``folder`` (not recursive, hidden files skipped) with a supported suffix, sorted."""
    wanted = {e.lower() for e in extensions}
    return sorted(p for p in Path(folder).iterdir() if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in wanted)
