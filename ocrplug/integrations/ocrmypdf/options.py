"""The ``--ocrplug-*`` options of the OCRmyPDF engine and the ocrplug config they select."""

from __future__ import annotations

import copy
import logging
import os
from argparse import ArgumentParser
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ocrplug.config import DEFAULT_CONFIG, DEFAULT_SOURCE, load_config, validate_config
from ocrplug.errors import ConfigError
from ocrplug.presets import PRESETS, preset_config

__all__ = [
    "ENGINE_NAME",
    "OcrplugOptions",
    "add_arguments",
    "pipeline_config",
    "plugin_options",
    "selected",
    "worker_threads",
]

log = logging.getLogger(__name__)

ENGINE_NAME = "ocrplug"
"""The value of OCRmyPDF's ``--ocr-engine`` that selects this engine."""

# Config sections OCRmyPDF takes over: it rasterizes, renders and schedules pages itself.
_IGNORED_SECTIONS = ("input", "renderers", "output", "jobs")


class OcrplugOptions(BaseModel):
    """The ``ocrplug`` option namespace of OCRmyPDF (``options.ocrplug``), one field per ``--ocrplug-*`` flag."""

    model_config = ConfigDict(extra="forbid")

    config: str | None = Field(
        None, description="ocrplug YAML job whose detector, recognizer and plugins are used (default pipeline when unset)."
    )
    preset: str | None = Field(
        None, description="ocrplug preset the job is layered over, as `ocrplug run --preset` (default: the default pipeline)."
    )
    detector: str | None = Field(None, description="Detector component name; replaces the config's detector.")
    recognizer: str | None = Field(None, description="Recognizer component name; replaces the config's recognizer.")
    overrides: list[str] = Field(
        default_factory=list, description="KEY.PATH=VALUE overrides of the config, as `ocrplug run --set`."
    )
    on_error: Literal["fail", "skip"] = Field(
        "fail",
        description="A page ocrplug fails on: 'fail' stops OCRmyPDF with a child-process error (as a Tesseract "
        "crash does); 'skip' logs it and leaves that page without text.",
    )
    threads: int | None = Field(
        None, ge=1, le=256, description="Threads per worker for ONNX Runtime / torch; default cpu_count // jobs."
    )
    orientation: Literal["ocrplug", "tesseract"] = Field(
        "ocrplug",
        description="Who answers OCRmyPDF's page orientation question (--rotate-pages): 'ocrplug' (the "
        "pipeline's detector and recognizer, ocrplug.orientation) or 'tesseract' (Tesseract's OSD).",
    )
    output: Literal["tree", "hocr"] = Field(
        "tree",
        description="What the engine answers: 'tree' (OCRmyPDF 17's OCR element tree, built here) or 'hocr' "
        "(ocrplug's `hocr` renderer, parsed back by OCRmyPDF); both are drawn by OCRmyPDF's fpdf2 renderer.",
    )


# -- flags ---------------------------------------------------------------------------------------------


def add_arguments(parser: ArgumentParser) -> None:
    """Add the ``--ocrplug-*`` flags to OCRmyPDF's parser and ``ocrplug`` to ``--ocr-engine``'s choices."""
    # Both registrations (entry point and --plugin) may be present; add the flags once.
    if "--ocrplug-config" in parser._option_string_actions:
        return
    for action in parser._actions:
        # OCRmyPDF declares --ocr-engine with fixed choices and argparse has no public way to extend them.
        if action.dest == "ocr_engine" and action.choices is not None and ENGINE_NAME not in action.choices:
            action.choices = [*action.choices, ENGINE_NAME]
    group = parser.add_argument_group("ocrplug", "ocrplug OCR engine (select it with --ocr-engine ocrplug)")
    group.add_argument("--ocrplug-config", metavar="JOB.yaml", dest="ocrplug_config",
                       help="ocrplug YAML job giving detector, recognizer and plugins (default: ocrplug's default pipeline)")
    group.add_argument("--ocrplug-preset", metavar="NAME", dest="ocrplug_preset",
                       help=f"start from this ocrplug preset ({', '.join(PRESETS)}; swift: nearest Tesseract's "
                       "cost) instead of the default pipeline; --ocrplug-config, -detector, -recognizer and -set "
                       "apply on top of it")
    group.add_argument("--ocrplug-detector", metavar="NAME", dest="ocrplug_detector",
                       help="ocrplug detector component (see `ocrplug plugins`); replaces the job's detector")
    group.add_argument("--ocrplug-recognizer", metavar="NAME", dest="ocrplug_recognizer",
                       help="ocrplug recognizer component; replaces the job's recognizer")
    group.add_argument("--ocrplug-set", metavar="KEY.PATH=VALUE", action="append", default=[], dest="ocrplug_overrides",
                       help="override one key of the job, e.g. detector.options.box_thresh=0.7 (repeatable)")
    group.add_argument("--ocrplug-on-error", choices=["fail", "skip"], default="fail", dest="ocrplug_on_error",
                       help="a page ocrplug fails on: stop with an error (fail, default) or leave it without text (skip)")
    group.add_argument("--ocrplug-threads", type=int, metavar="N", dest="ocrplug_threads",
                       help="threads per worker for the models (default: CPU count // --jobs)")
    group.add_argument("--ocrplug-orientation", choices=["ocrplug", "tesseract"], default="ocrplug",
                       dest="ocrplug_orientation",
                       help="page orientation for --rotate-pages from ocrplug's detector and recognizer (ocrplug, "
                       "default) or from Tesseract's OSD (tesseract)")
    group.add_argument("--ocrplug-output", choices=["tree", "hocr"], default="tree", dest="ocrplug_output",
                       help="answer OCRmyPDF with its OCR element tree (tree, default) or with hOCR from "
                       "ocrplug's hocr renderer")


def plugin_options(options: Any) -> OcrplugOptions:
    """The ``ocrplug`` namespace of OCRmyPDF's options (defaults when the namespace is not registered)."""
    try:
        value = options.ocrplug
    except AttributeError:
        return OcrplugOptions()
    return value if isinstance(value, OcrplugOptions) else OcrplugOptions.model_validate(value)


def selected(options: Any, claim_auto: bool) -> bool:
    """Whether OCRmyPDF's ``--ocr-engine`` chooses ocrplug (``auto`` counts when ``claim_auto``)."""
    engine = getattr(options, "ocr_engine", "auto") if options is not None else "auto"
    return engine == ENGINE_NAME or (claim_auto and engine == "auto")


# -- configuration ------------------------------------------------------------------------------------


#: Tesseract language codes (ISO 639-2) written in the Latin letters of U+0000-U+024F: with only these
#: in OCRmyPDF's ``-l``, a recognizer with a ``charset`` option (``ppocr``) gets ``charset: latin``.
LATIN_LANGUAGES = frozenset(
    "afr bos cat ces cym dan deu eng epo est eus fin fra frk gle glg hrv hun ind isl ita lat lav lit "
    "ltz mlt msa nld nor oci pol por ron slk slv spa sqi swa swe tgl tur uzb".split()
)


def pipeline_config(
    opts: OcrplugOptions,
    languages: Sequence[str] = (),
    threads: int | None = None,
    check_components: bool = True,
    rotate_pages: bool = False,
) -> dict[str, Any]:
    """The ocrplug config dict (YAML structure) the engine builds its pipeline from.

    Loaded as ``ocrplug run -c JOB --set ...`` loads it (:func:`ocrplug.config.load_config`): the job
    ``opts.config`` layered over the default pipeline (or ``--ocrplug-preset``'s), ``--ocrplug-detector`` / ``--ocrplug-recognizer``
    (a component other than the job's drops the job's options for it), then the ``--ocrplug-set``
    overrides. Then the sections OCRmyPDF owns (input, renderers, output, jobs) are dropped, except
    ``input.orientation`` when the job or an override sets it. Otherwise it is ``none`` with
    ``rotate_pages`` (OCRmyPDF's ``--rotate-pages``: OCRmyPDF asked the engine and turned the page
    already, so it is not turned twice) and the pipeline's ``auto`` without (a turned page is read
    upright in place; measured cheaper than reading it as given, see docs/ocrmypdf.md). OCRmyPDF's ``-l`` languages (ISO 639-2, joined by ``+``) become
    the recognizer's ``lang`` option when its options model has one and the job does not set it; with
    only Latin-script languages (:data:`LATIN_LANGUAGES`, OCRmyPDF's default ``eng`` among them) a
    recognizer with a ``charset`` option and none set gets ``charset: latin``;
    ``threads`` (the worker's share of the cores) becomes the ``threads`` option of every component
    that has one and is not given one. Raises one :class:`~ocrplug.errors.ConfigError` listing every
    error of the job and flags, each prefixed with its source (the job file, the ``--ocrplug-*`` flag,
    or the default pipeline). ``check_components=False`` skips the component checks (structure only).
    """
    from ocrplug.manager import PluginHost

    overrides: list[str] = []
    flags: dict[str, str] = {}
    for role in ("detector", "recognizer"):
        name = getattr(opts, role)
        if name:
            overrides.append(f"{role}.name={name}")
            flags[f"--set {role}.name"] = f"--ocrplug-{role} {name}"
    overrides += opts.overrides
    base, base_source = DEFAULT_CONFIG, DEFAULT_SOURCE
    if opts.preset:
        try:
            base, base_source = preset_config(opts.preset), f"--ocrplug-preset {opts.preset}"
        except ConfigError as exc:
            raise ConfigError(f"--ocrplug-preset: {exc}") from None
    try:
        loaded = load_config(opts.config, overrides, base=base, base_source=base_source,
                             components=check_components)
    except ConfigError as exc:
        raise ConfigError(_flag_sources(str(exc), flags)) from None
    data = copy.deepcopy(loaded.data)
    _warn_unused_input(opts)
    orientation = (data.get("input") or {}).get("orientation")
    for key in _IGNORED_SECTIONS:
        data.pop(key, None)
    data["input"] = {"orientation": orientation or ("none" if rotate_pages else "auto")}
    config = validate_config(data, loaded.label)
    if not (languages or threads) or not check_components:
        return config.model_dump(exclude_defaults=True)
    host = PluginHost(extra_plugins=config.plugins)
    for role in ("detector", "recognizer"):
        component = getattr(config, role)
        if component is None:
            continue
        fields = host.component(role, component.name, key_path=f"{role}.name", source=loaded.label).options.model_fields
        options = dict(component.options)
        if threads and "threads" in fields and "threads" not in options:
            options["threads"] = threads
        if role == "recognizer" and languages and "lang" not in options:
            if "lang" in fields:
                options["lang"] = "+".join(languages)
            elif "charset" in fields and "charset" not in options and set(languages) <= LATIN_LANGUAGES:
                options["charset"] = "latin"  # e.g. ppocr: no CJK look-alikes on an English page
            elif any(lang != "eng" for lang in languages):
                log.warning("ocrplug recognizer %r has no language option; -l %s is not passed to it",
                            component.name, "+".join(languages))
        data[role] = {"name": component.name, "options": options}
    return validate_config(data, loaded.label).model_dump(exclude_defaults=True)


def _warn_unused_input(opts: Any) -> None:
    """One warning naming the ``input`` keys other than ``orientation`` that the job file or an
    ``--ocrplug-set`` gives: OCRmyPDF rasterizes the pages and decides which to read itself (V14: an
    ``--ocrplug-set input.text_pages=skip`` was dropped without a word)."""
    from ocrplug.config import load_yaml

    keys = [o.split("=", 1)[0] for o in opts.overrides if o.startswith("input.")]
    if opts.config:
        job_input = load_yaml(opts.config).get("input")
        keys += [f"input.{k}" for k in (job_input if isinstance(job_input, dict) else {})]
    unused = sorted({k for k in keys if k != "input.orientation"})
    if unused:
        log.warning(
            "%s: not used under OCRmyPDF, which renders the pages and chooses which to read itself (its own "
            "--skip-text, --redo-ocr, --force-ocr, --image-dpi, --pages)", ", ".join(unused),
        )


def _flag_sources(message: str, flags: Mapping[str, str]) -> str:
    """A config error message with ``--set KEY`` sources named as the OCRmyPDF flags that gave them."""
    for internal, flag in flags.items():
        message = message.replace(f"{internal}:", f"{flag}:")
    return message.replace("--set ", "--ocrplug-set ")


def worker_threads(opts: OcrplugOptions, options: Any) -> int:
    """Threads each worker's components get: ``--ocrplug-threads``, else CPU count // ``--jobs`` (at least 1).

    OCRmyPDF 17 runs page workers as threads of one process by default (``options.use_threads``); the
    engine then serves every page from one pipeline, one page at a time (its models are shared under a
    lock), so that pipeline gets the threads all workers would have shared: the CPU count.
    """
    if opts.threads:
        return opts.threads
    cpus = os.cpu_count() or 1
    if getattr(options, "use_threads", False):
        return cpus
    jobs = max(1, int(getattr(options, "jobs", None) or cpus))
    return max(1, cpus // jobs)
