"""The pipeline: a thin facade for building a page processor and running inputs through the page loop.

A :class:`Pipeline` is built from YAML, a dict, a preset, Python arguments or a validated
:class:`~ocrplug.config.PipelineConfig`. Every door layers what it is given over the default pipeline
(or a named preset) exactly as ``ocrplug run`` does (:func:`ocrplug.config.load_config`): a stage not
given keeps the default's, ``None`` switches it off. The config is validated once. The page work is a
:class:`~ocrplug.processing.PageProcessor`; the page loop is :mod:`ocrplug.pageloop`; running many
inputs into an output folder is :func:`ocrplug.runner.run_inputs`.
"""

from __future__ import annotations

import enum
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ocrplug.components import Detector, Rasterizer, Recognizer, Renderer
from ocrplug.config import DEFAULT_SOURCE, ComponentConfig, LoadedConfig, PipelineConfig, load_config
from ocrplug.errors import ConfigError, InputError, OcrplugError, PageError
from ocrplug.executors import make_executor
from ocrplug.manager import PluginHost
from ocrplug.model import Document, Page, PageFailure, PageImage, Region
from ocrplug.pageloop import BYTES_LABEL, bytes_input, run_documents
from ocrplug.presets import preset_config
from ocrplug.processing import DEFAULT_BATCH_PAGES, PageProcessor
from ocrplug.runner import ProgressCallback, run_inputs
from ocrplug.sources import InputFile, Sources
from ocrplug.writing import RunReport

__all__ = ["UNSET", "Pipeline", "RunReport"]


class _Unset(enum.Enum):
    UNSET = "unset"


#: A stage argument not given: the default pipeline's (or the preset's) stage is kept.
UNSET = _Unset.UNSET

ComponentArg = str | Mapping[str, Any] | ComponentConfig | None
_BYTES = (bytes, bytearray, memoryview)


def _component_config(value: ComponentArg, role: str) -> dict[str, Any] | None:
    if value is None:
        return None
    if isinstance(value, ComponentConfig):
        return value.model_dump()
    if isinstance(value, (str, Mapping)):
        return ComponentConfig.model_validate(value).model_dump()
    raise ConfigError(f"{role}: expected a component name or {{name, options}}, got {type(value).__name__}")


def _base(preset: str | None) -> tuple[dict[str, Any] | None, str]:
    return (None, DEFAULT_SOURCE) if preset is None else (preset_config(preset), f"preset {preset}")


class Pipeline:
    """An OCR pipeline: one detector, one recognizer (each optional), any number of renderers.

    Build it with ``Pipeline()`` (the default pipeline), ``Pipeline.from_preset(name)``,
    ``Pipeline.from_yaml(path)``, ``Pipeline.from_dict(d)`` or with arguments::

        Pipeline(recognizer={"name": "tesseract", "options": {"lang": "eng"}}, renderers=["text", "json"])

    Whatever is given is layered over the default pipeline (``preset``: a named preset instead), as a
    config file is in ``ocrplug run``: a stage not given keeps the default's; ``None`` switches it off
    (``Pipeline(detector=None, recognizer="tesseract")`` reads each image as one line).
    Components may also be given as ready-made :class:`Detector` / :class:`Recognizer` /
    :class:`Renderer` objects (then ``jobs`` must stay 1, since workers rebuild from config).
    ``batch_pages``: how many consecutive pages of a document go to the detector's ``detect_batch``
    at once. Raises :class:`ConfigError` listing every error of the config at once.

    A pipeline pickles as its config (``multiprocessing`` pools, ``pool.map(pipeline.run, files)``): the
    receiving process resolves its components from its own plugin host (entry points and the config's
    ``plugins``) and loads them on first use; pickling one that holds components given as Python objects
    raises :class:`ConfigError`.
    """

    def __init__(
        self,
        detector: ComponentArg | Detector | _Unset = UNSET,
        recognizer: ComponentArg | Recognizer | _Unset = UNSET,
        renderers: Sequence[ComponentArg | Renderer] | _Unset = UNSET,
        input: Mapping[str, Any] | None = None,
        output: Mapping[str, Any] | None = None,
        plugins: Sequence[str] = (),
        jobs: int | None = None,
        layout: Mapping[str, Any] | None = None,
        *,
        preset: str | None = None,
        host: PluginHost | None = None,
        source: str = "<pipeline>",
        batch_pages: int | None = None,
    ) -> None:
        """Layer the arguments over the default pipeline, validate, resolve every component (see the class)."""
        instances: dict[str, Any] = {}
        given: dict[str, Any] = {}
        for key, value, cls in (("detector", detector, Detector), ("recognizer", recognizer, Recognizer)):
            if value is UNSET:
                continue
            if isinstance(value, cls):
                instances[key], given[key] = value, None
            else:
                given[key] = _component_config(value, key)  # type: ignore[arg-type]
        if not isinstance(renderers, _Unset):
            given["renderers"] = []
            for i, r in enumerate(renderers):
                if isinstance(r, Renderer):
                    instances[f"renderers.{i}"] = r
                    given["renderers"].append({"name": "<object>"})
                else:
                    given["renderers"].append(_component_config(r, f"renderers.{i}"))
        for key, section in (("input", input), ("output", output), ("layout", layout)):
            if section:
                given[key] = dict(section)
        if plugins:
            given["plugins"] = list(plugins)
        if jobs is not None:
            given["jobs"] = jobs
        base, base_source = _base(preset)
        loaded = load_config(data=given, source=source, base=base, base_source=base_source, components=False)
        self._setup(loaded.config, source, host, instances, batch_pages, _writes(loaded))

    def _setup(
        self,
        config: PipelineConfig,
        source: str,
        host: PluginHost | None,
        instances: dict[str, Any],
        batch_pages: int | None,
        writes: bool,
    ) -> None:
        if host is not None:
            for plugin in config.plugins:
                host.register(plugin)
        if config.jobs > 1 and instances:
            raise ConfigError(f"{source}: jobs > 1 needs components given by name, not as Python objects")
        self.source = source
        self.config = config
        self._writes = writes
        self.processor = PageProcessor(
            config, host, source=source, instances=instances, batch_pages=batch_pages or DEFAULT_BATCH_PAGES
        )
        self.host = self.processor.host

    def __reduce__(self) -> tuple[Any, ...]:
        # As its page processor (which pickles as its config) and what the facade adds; the plugin host
        # (modules) stays behind: the receiving process has its own.
        return (_rebuilt, (self.processor, self.source, self._writes))

    # -- construction -------------------------------------------------------------------------

    @classmethod
    def from_config(
        cls, config: PipelineConfig, source: str = "<config>", host: PluginHost | None = None
    ) -> Pipeline:
        """Build a pipeline from an already resolved config (no layering, no second validation:
        what ``ocrplug run`` and worker processes do). Renderers write when ``output.dir`` is set."""
        pipeline = cls.__new__(cls)
        pipeline._setup(config, source, host, {}, None, True)
        return pipeline

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], source: str = "<dict>", host: PluginHost | None = None, *, preset: str | None = None
    ) -> Pipeline:
        """Build a pipeline from a config dict (the YAML structure) layered over the default pipeline
        (or ``preset``); ``None`` switches a stage off; errors name ``source``."""
        base, base_source = _base(preset)
        loaded = load_config(data=data, source=source, base=base, base_source=base_source, components=False)
        pipeline = cls.__new__(cls)
        pipeline._setup(loaded.config, source, host, {}, None, _writes(loaded))
        return pipeline

    @classmethod
    def from_yaml(
        cls, path: str | os.PathLike[str], overrides: Sequence[str] = (), *, preset: str | None = None
    ) -> Pipeline:
        """Build a pipeline from a YAML file layered over the default pipeline (or ``preset``), then
        ``key.path=value`` overrides."""
        base, base_source = _base(preset)
        loaded = load_config(path, overrides, base=base, base_source=base_source, components=False)
        pipeline = cls.__new__(cls)
        pipeline._setup(loaded.config, str(path), None, {}, None, _writes(loaded))
        return pipeline

    @classmethod
    def from_preset(cls, name: str, overrides: Sequence[str] = (), host: PluginHost | None = None) -> Pipeline:
        """The named preset (``fast``, ``accurate``: :mod:`ocrplug.presets`), with ``key.path=value``
        overrides; :class:`ConfigError` lists the known presets for an unknown name."""
        loaded = load_config(None, overrides, base=preset_config(name), base_source=f"preset {name}", components=False)
        pipeline = cls.__new__(cls)
        pipeline._setup(loaded.config, f"preset {name}", host, {}, None, _writes(loaded))
        return pipeline

    def to_dict(self) -> dict[str, Any]:
        """The validated configuration as a plain dict."""
        return self.config.model_dump()

    # -- components (the page processor's) ----------------------------------------------------

    @property
    def batch_pages(self) -> int:
        """Consecutive pages of a document given to the detector's ``detect_batch`` (or a worker) at once."""
        return self.processor.batch_pages

    @batch_pages.setter
    def batch_pages(self, value: int) -> None:
        self.processor.batch_pages = max(1, int(value))

    @property
    def detector(self) -> Detector | None:
        """The detector (built on first use), None when the pipeline has none."""
        return self.processor.build().detector

    @property
    def recognizer(self) -> Recognizer | None:
        """The recognizer (built on first use), None when the pipeline has none."""
        return self.processor.build().recognizer

    @property
    def renderers(self) -> list[Renderer]:
        """The renderers, built on first use (the detector and recognizer are not needed for them)."""
        return self.processor.renderers

    def named_renderers(self) -> list[tuple[str, Renderer]]:
        """``(label, renderer)`` pairs, labels like ``"text#0"`` for messages."""
        return self.processor.named_renderers()

    def build(self) -> Pipeline:
        """Build (load) the detector and recognizer now instead of on first page; returns self."""
        self.processor.build()
        return self

    @property
    def sources(self) -> Sources:
        """How inputs become documents and page images (rasterizers chosen by suffix)."""
        return self.processor.sources

    @property
    def supported_extensions(self) -> list[str]:
        """File suffixes the installed rasterizers read."""
        return self.sources.extensions

    def rasterizer_for(self, path: Path) -> Rasterizer:
        """The rasterizer that reads ``path`` (by suffix); InputError for an unsupported type."""
        return self.sources.rasterizer_for(Path(path))

    # -- per page (see PageProcessor) ---------------------------------------------------------

    def process_batch(self, images: Sequence[PageImage]) -> list[Page]:
        """Detect (one ``detect_batch`` call), orient, recognize and lay out several pages of one
        document; exceptions propagate (:func:`ocrplug.processing.process_batch` records them)."""
        return self.processor.process_batch(images)

    def process_page(self, page_image: PageImage) -> Page:
        """Detect, orient, recognize and lay out one page image; exceptions propagate."""
        return self.processor.process_page(page_image)

    def batch_size(self, jobs: int | None = None) -> int:
        """Pages per batch (:meth:`PageProcessor.batch_size`)."""
        return self.processor.batch_size(jobs)

    def recognize(self, image: PageImage, regions: Sequence[Region]) -> list[Region]:
        """Recognize the detected ``regions`` of one page image (:meth:`PageProcessor.recognize`)."""
        return self.processor.recognize(image, regions)

    # -- running ------------------------------------------------------------------------------

    def iter_results(self, source: Any) -> Iterator[Page | PageFailure]:
        """Yield each page of one input as it finishes, or a :class:`PageFailure` for a failed page
        (a failure with ``index`` None when the input cannot be read at all).

        ``source``: a file path, an image array (numpy, Pillow) or the bytes of an image or PDF file.
        A page the rasterizer cannot decode is that page's failure and the pages after it are read.
        """
        if isinstance(source, _BYTES):
            try:
                with bytes_input(bytes(source)) as file:
                    yield from self._iter_file(file, BYTES_LABEL)
            except InputError as exc:
                yield PageFailure(BYTES_LABEL, None, str(exc))
            return
        files, missing, _ = self.sources.discover([source])
        if missing or not files:
            label = str(source)
            yield PageFailure(label, None, missing[0].error if missing else f"{label}: folder holds no supported files")
            return
        yield from self._iter_file(files[0], None)

    def _iter_file(self, file: InputFile, label: str | None) -> Iterator[Page | PageFailure]:
        def named(text: str) -> str:
            return text if label is None else text.replace(file.label, label)

        def relabel(result: Page | PageFailure) -> Page | PageFailure:
            if label is None:
                return result
            if isinstance(result, Page):
                return result.with_(source=label)
            return PageFailure(label, result.index, named(result.error))

        try:
            document = self.sources.open(file)
        except OcrplugError as exc:
            yield PageFailure(label or file.label, None, named(str(exc)))
            return
        with make_executor(self.processor) as executor:
            for batch, results in run_documents([document], self.sources, executor, self.batch_size()):
                if batch.failure is not None:
                    yield relabel(batch.failure)
                for result in results:
                    yield relabel(result)
                if batch.error is not None:
                    yield PageFailure(label or file.label, batch.error_index, named(batch.error))

    def iter_pages(self, source: Any) -> Iterator[Page]:
        """Yield each page of one input (file path, image array or file bytes) as it finishes, in order.

        Raises :class:`PageError` at the first failed page; use :meth:`run` to collect failures.
        """
        for result in self.iter_results(source):
            if isinstance(result, PageFailure):
                raise PageError(result.error, result.source, result.index)
            yield result

    def run(self, source: Any, out_dir: str | os.PathLike[str] | None = None) -> Document:
        """Process one input (path, image array, or the bytes of a PNG/JPEG/TIFF/PDF file) and return
        its Document.

        Renderers write their files when an output folder is given here or in the config's own
        ``output.dir`` (the default pipeline's folder does not count: a Python call writes nothing
        unasked). Failed pages (an unreadable page included) are listed in ``Document.failures``;
        an unreadable input raises its :class:`InputError`.
        """
        if out_dir is not None or (self._writes and self.config.output.dir and self.config.renderers):
            if isinstance(source, _BYTES):  # written as bytes.<suffix>; returned under BYTES_LABEL
                with bytes_input(bytes(source)) as file:
                    doc = self.run(file.path, out_dir)
                return Document(
                    source=BYTES_LABEL,
                    pages=tuple(p.with_(source=BYTES_LABEL) for p in doc.pages),
                    failures=tuple(PageFailure(BYTES_LABEL, f.index, f.error.replace(file.label, BYTES_LABEL))
                                   for f in doc.failures),
                )
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
        if isinstance(source, _BYTES):
            label = BYTES_LABEL
        else:
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
        on_document: Callable[[int, int], None] | None = None,
    ) -> RunReport:
        """Process many inputs (files, folders, arrays), write renderer outputs, never stop on a failure.

        ``progress(source, pages_done, total_pages)`` is called once with 0 pages done when
        every input is open, then after each page; ``on_document(documents_done, documents_total)``
        likewise for the documents opened, then as each is finished. ``resume``: skip
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
            self.processor, inputs, target, jobs=jobs, progress=progress, resume=resume, keep_pages=keep_pages,
            on_output=on_output, resume_check=resume_check, on_document=on_document,
        )


def _rebuilt(processor: PageProcessor, source: str, writes: bool) -> Pipeline:
    """A pipeline around a processor rebuilt in this process (:meth:`Pipeline.__reduce__`)."""
    pipeline = Pipeline.__new__(Pipeline)
    pipeline.source, pipeline.config, pipeline._writes = source, processor.config, writes
    pipeline.processor, pipeline.host = processor, processor.host
    return pipeline


def _writes(loaded: LoadedConfig) -> bool:
    """Whether the config's own keys (not the default's or a preset's) set ``output.dir``."""
    if "output.dir" not in loaded.sources:
        return False
    where = loaded.source_of("output.dir")
    return where != DEFAULT_SOURCE and not where.startswith("preset ")
