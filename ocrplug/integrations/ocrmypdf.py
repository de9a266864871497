"""ocrplug as an OCRmyPDF OCR engine: ``ocrmypdf --ocr-engine ocrplug in.pdf out.pdf``.

OCRmyPDF (https://ocrmypdf.readthedocs.io) rasterizes each page, asks its OCR engine for the page's
text and positions, and grafts an invisible text layer onto the page. This module is an OCRmyPDF
plugin whose engine runs an ocrplug :class:`~ocrplug.pipeline.Pipeline` (detector, recognizer) on each
page image and answers with OCRmyPDF 17's OCR element tree (``OcrEngine.generate_ocr``), which
OCRmyPDF's own fpdf2 renderer turns into the text layer.

Two ways to load it (see ``docs/ocrmypdf.md``):

- Installed (``pip install 'ocrplug[ocrmypdf]'``): OCRmyPDF loads every plugin of its ``ocrmypdf``
  entry-point group, so this module's :data:`installed` hooks are always present but stay passive
  until the user chooses ``--ocr-engine ocrplug``; Tesseract remains OCRmyPDF's ``auto`` engine.
- Named: ``ocrmypdf --plugin ocrplug.integrations.ocrmypdf`` registers the module itself, and then
  ocrplug is also the ``auto`` engine (as OCRmyPDF-EasyOCR does when it is named).

Models are built once per OCRmyPDF worker process (on its first page), never per page. Each worker's
components get ``cpu_count // jobs`` threads (at least 1) through ``OCRPLUG_WORKER_THREADS`` (ONNX
Runtime components, the share ocrplug's own ``--jobs`` workers use) and ``OMP_NUM_THREADS`` (torch),
so the engine adds no parallelism of its own. ``--ocrplug-output hocr`` answers with hOCR from
ocrplug's ``hocr`` renderer instead (measured worse; see ``docs/benchmarks.md``).
"""

from __future__ import annotations

import copy
import itertools
import json
import logging
import math
import os
import shutil
import sys
import threading
from argparse import ArgumentParser
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ocrplug.errors import MissingExtraError, OcrplugError

try:
    from ocrmypdf import BoundingBox, OcrClass, OcrElement, OcrEngine, OrientationConfidence, hookimpl
    from ocrmypdf.exceptions import BadArgsError, SubprocessOutputError
except ImportError as _exc:  # pragma: no cover - exercised only without the extra
    raise MissingExtraError("ocrmypdf integration", "ocrmypdf", "ocrmypdf") from _exc

from ocrplug.config import DEFAULT_CONFIG, apply_overrides, load_yaml, validate_config
from ocrplug.geometry import quad_angle
from ocrplug.model import Page, PageImage, Quad, Region
from ocrplug.threads import WORKER_THREADS_ENV, safe_torch_threads

__all__ = [
    "ENGINE_NAME",
    "OcrplugEngine",
    "OcrplugOptions",
    "installed",
    "page_to_ocr_tree",
    "pipeline_config",
    "tree_text",
]

log = logging.getLogger(__name__)

ENGINE_NAME = "ocrplug"
"""The value of OCRmyPDF's ``--ocr-engine`` that selects this engine."""

# Lines whose text direction is within this many degrees of horizontal are rendered unrotated; the
# same noise floor OCRmyPDF-EasyOCR uses, below which detector quads jitter.
MIN_TEXTANGLE_DEG = 0.6

# Gap left between consecutive word boxes of a line, in line heights: twice poppler's word-break
# threshold (0.1 font size), so text extractors see the space (see _separate_words).
WORD_GAP = 0.2

# Loose words (from a word detector) continue a row when they overlap it by this share of the smaller
# height; half, as for the host's reading order (ocrplug.geometry.reading_order, line_overlap=0.5).
ROW_OVERLAP = 0.5

# Config sections OCRmyPDF takes over: it rasterizes, renders and schedules pages itself.
_IGNORED_SECTIONS = ("input", "renderers", "output", "jobs")


class OcrplugOptions(BaseModel):
    """The ``ocrplug`` option namespace of OCRmyPDF (``options.ocrplug``), one field per ``--ocrplug-*`` flag."""

    model_config = ConfigDict(extra="forbid")

    config: str | None = Field(
        None, description="ocrplug YAML job whose detector, recognizer and plugins are used (default pipeline when unset)."
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
    output: Literal["tree", "hocr"] = Field(
        "tree",
        description="What the engine answers: 'tree' (OCRmyPDF 17's OCR element tree, built here) or 'hocr' "
        "(ocrplug's `hocr` renderer, parsed back by OCRmyPDF); both are drawn by OCRmyPDF's fpdf2 renderer.",
    )


# -- options ------------------------------------------------------------------------------------------


def _add_options(parser: ArgumentParser) -> None:
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
    group.add_argument("--ocrplug-detector", metavar="NAME", dest="ocrplug_detector",
                       help="ocrplug detector component (see `ocrplug plugins`); replaces the job's detector")
    group.add_argument("--ocrplug-recognizer", metavar="NAME", dest="ocrplug_recognizer",
                       help="ocrplug recognizer component; replaces the job's recognizer")
    group.add_argument("--ocrplug-set", metavar="KEY.PATH=VALUE", action="append", default=[], dest="ocrplug_overrides",
                       help="override one key of the job, e.g. detector.options.text_threshold=0.6 (repeatable)")
    group.add_argument("--ocrplug-on-error", choices=["fail", "skip"], default="fail", dest="ocrplug_on_error",
                       help="a page ocrplug fails on: stop with an error (fail, default) or leave it without text (skip)")
    group.add_argument("--ocrplug-threads", type=int, metavar="N", dest="ocrplug_threads",
                       help="threads per worker for the models (default: CPU count // --jobs)")
    group.add_argument("--ocrplug-output", choices=["tree", "hocr"], default="tree", dest="ocrplug_output",
                       help="answer OCRmyPDF with its OCR element tree (tree, default) or with hOCR from "
                       "ocrplug's hocr renderer")


def _plugin_options(options: Any) -> OcrplugOptions:
    """The ``ocrplug`` namespace of OCRmyPDF's options (defaults when the namespace is not registered)."""
    try:
        value = options.ocrplug
    except AttributeError:
        return OcrplugOptions()
    return value if isinstance(value, OcrplugOptions) else OcrplugOptions.model_validate(value)


def _selected(options: Any, claim_auto: bool) -> bool:
    engine = getattr(options, "ocr_engine", "auto") if options is not None else "auto"
    return engine == ENGINE_NAME or (claim_auto and engine == "auto")


# -- configuration ------------------------------------------------------------------------------------


def pipeline_config(opts: OcrplugOptions, languages: Sequence[str] = ()) -> dict[str, Any]:
    """The ocrplug config dict (YAML structure) the engine builds its pipeline from.

    Starts from ``opts.config`` (a YAML job) or ocrplug's default pipeline, replaces the detector /
    recognizer named by ``opts``, applies ``opts.overrides``, and drops the sections OCRmyPDF owns
    (input, renderers, output, jobs). OCRmyPDF's ``-l`` languages (ISO 639-2, joined by ``+``) become
    the recognizer's ``lang`` option when its options model has one and the job does not set it.
    Raises :class:`~ocrplug.errors.ConfigError` naming the file and key for a bad job.
    """
    from ocrplug.manager import PluginHost

    source = opts.config or "<ocrplug default pipeline>"
    data: dict[str, Any] = load_yaml(opts.config) if opts.config else copy.deepcopy(DEFAULT_CONFIG)
    for role in ("detector", "recognizer"):
        name = getattr(opts, role)
        if name:
            current = data.get(role)
            same = (isinstance(current, str) and current == name) or (
                isinstance(current, Mapping) and current.get("name") == name
            )
            if not same:
                data[role] = {"name": name}
    if opts.overrides:
        data = apply_overrides(data, opts.overrides)
    for key in _IGNORED_SECTIONS:
        data.pop(key, None)
    config = validate_config(data, source)  # structure and key names, before any plugin is imported
    rec = config.recognizer
    if rec is not None and languages and "lang" not in rec.options:
        host = PluginHost(extra_plugins=config.plugins)
        spec = host.component("recognizer", rec.name, key_path="recognizer.name", source=source)
        if "lang" in spec.options.model_fields:
            data["recognizer"] = {"name": rec.name, "options": {**rec.options, "lang": "+".join(languages)}}
        elif any(lang != "eng" for lang in languages):
            log.warning(
                "ocrplug recognizer %r has no language option; -l %s is not passed to it", rec.name, "+".join(languages)
            )
    return validate_config(data, source).model_dump(exclude_defaults=True)


def _worker_threads(opts: OcrplugOptions, options: Any) -> int:
    if opts.threads:
        return opts.threads
    cpus = os.cpu_count() or 1
    jobs = getattr(options, "jobs", None) or cpus
    return max(1, cpus // max(1, int(jobs)))


# One pipeline per process and set of options (the job file is read once): OCRmyPDF calls the engine
# from worker processes (or threads with --use-threads), and loading models per page would cost more
# than the OCR itself.
@dataclass
class _Worker:
    pipeline: Any
    threads: int
    plugins: list[str]
    hocr: Any = None


_WORKERS: dict[str, _Worker] = {}
_LOCK = threading.Lock()


def _worker(options: Any) -> _Worker:
    """The process's pipeline for these options; components load on its first page. Call under _LOCK."""
    from ocrplug.pipeline import Pipeline

    opts = _plugin_options(options)
    languages = list(getattr(options, "languages", None) or ())
    key = json.dumps([opts.model_dump(), languages, getattr(options, "jobs", None)], sort_keys=True, default=str)
    worker = _WORKERS.get(key)
    if worker is None:
        config = pipeline_config(opts, languages)
        threads = _worker_threads(opts, options)
        os.environ[WORKER_THREADS_ENV] = str(threads)  # ONNX Runtime components read it when they load
        # torch sizes its pool from OMP_NUM_THREADS when first imported (by a component, on the first
        # page); torch components already loaded are clamped after each page by _limit_torch.
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        pipeline = Pipeline.from_dict(config, source=opts.config or "<ocrplug default pipeline>")
        worker = _WORKERS[key] = _Worker(pipeline, threads, list(config.get("plugins", [])))
    return worker


def _limit_torch(threads: int) -> None:
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() > threads:  # a component loaded torch: keep to our share
        torch.set_num_threads(threads)
    safe_torch_threads()


def _read_page(input_file: Path, page_number: int) -> PageImage:
    import numpy as np
    from PIL import Image

    with Image.open(input_file) as im:
        dpi = im.info.get("dpi")
        rgb = np.asarray(im.convert("RGB"))
    dpi_value = float(dpi[0]) if isinstance(dpi, tuple) and dpi[0] else None
    return PageImage(image=np.ascontiguousarray(rgb), index=page_number, source=str(input_file), dpi=dpi_value)


def _ocr_page(input_file: Path, options: Any, page_number: int) -> Page | None:
    """Run the pipeline on one page image; None when the page failed and ``on_error`` is ``skip``."""
    opts = _plugin_options(options)
    page_image = _read_page(input_file, page_number)
    try:
        with _LOCK:
            worker = _worker(options)
            page = worker.pipeline.process_page(page_image)
            _limit_torch(worker.threads)
            return page
    except OcrplugError as exc:
        error = str(exc)
    except Exception as exc:  # a component bug: report it as the engine's failure on this page
        log.debug("ocrplug failed on page %d", page_number + 1, exc_info=True)
        error = f"{type(exc).__name__}: {exc}"
    message = f"ocrplug failed on page {page_number + 1}: {error}"
    if opts.on_error == "skip":
        log.error("%s (page left without text: --ocrplug-on-error skip)", message)
        return None
    raise SubprocessOutputError(message)


# -- page model -> OCRmyPDF's OCR element tree ---------------------------------------------------------


def _bbox(points: Sequence[tuple[float, float]], width: int, height: int) -> BoundingBox:
    xs = [min(max(p[0], 0.0), float(width)) for p in points]
    ys = [min(max(p[1], 0.0), float(height)) for p in points]
    return BoundingBox(left=min(xs), top=min(ys), right=max(xs), bottom=max(ys))


def _split_quad(quad: Quad, words: list[str]) -> list[Quad]:
    """Cut a line quad along its text direction into one quad per word, in proportion to its characters."""
    total = float(sum(len(w) for w in words) + len(words) - 1) or 1.0  # the words and one space between each
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = quad
    quads: list[Quad] = []
    start = 0
    for word in words:
        a, b = start / total, min(1.0, (start + len(word)) / total)
        quads.append((
            (x0 + (x1 - x0) * a, y0 + (y1 - y0) * a),
            (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b),
            (x3 + (x2 - x3) * b, y3 + (y2 - y3) * b),
            (x3 + (x2 - x3) * a, y3 + (y2 - y3) * a),
        ))
        start += len(word) + 1
    return quads


def _word_elements(line: Region, width: int, height: int) -> list[OcrElement]:
    words = [w for w in line.children if w.level == "word" and w.text and w.text.strip()]
    if words:
        return [
            OcrElement(ocr_class=OcrClass.WORD, bbox=_bbox(w.quad, width, height), text=w.text.strip(),
                       confidence=w.confidence)
            for w in words
        ]
    tokens = (line.text or "").split()
    if not tokens:
        return []
    return [
        OcrElement(ocr_class=OcrClass.WORD, bbox=_bbox(q, width, height), text=t, confidence=line.confidence)
        for t, q in zip(tokens, _split_quad(line.quad, tokens), strict=True)
    ]


def _line_element(line: Region, width: int, height: int) -> OcrElement | None:
    words = _word_elements(line, width, height)
    if not words:
        return None
    # hOCR's textangle is counter-clockwise on screen; quad_angle is clockwise (y grows downwards).
    angle = -math.degrees(quad_angle(line.quad))
    textangle = angle if abs(angle) >= MIN_TEXTANGLE_DEG else 0.0
    box = _bbox(line.outline, width, height)
    if textangle == 0.0:
        _separate_words(words, box.height)
    return OcrElement(
        ocr_class=OcrClass.LINE, bbox=box, textangle=textangle, confidence=line.confidence, children=words
    )


def _separate_words(words: list[OcrElement], line_height: float) -> None:
    """Leave a gap of ``WORD_GAP`` line heights between consecutive words of a horizontal line.

    PDF text extractors infer spaces from geometry: poppler's pdftotext breaks a word where the gap
    exceeds 0.1 x font size (``minWordBreakSpace`` in TextOutputDev.cc), and OCRmyPDF sizes the font
    from the line height. Word boxes derived from CTC time steps may touch or overlap, which made
    pdftotext read "agent responsible" as "agentresponsible"; the boundary is moved to the middle of
    the two boxes' gap (or overlap) and each side pulled back by half the gap.
    """
    gap = WORD_GAP * line_height
    for cur, nxt in itertools.pairwise(words):
        a, b = cur.bbox, nxt.bbox
        if a is None or b is None or b.left <= a.left or b.left - a.right >= gap:
            continue
        middle = (a.right + b.left) / 2
        a.right = max(a.left + (a.right - a.left) / 2, middle - gap / 2)
        b.left = min(b.left + (b.right - b.left) / 2, middle + gap / 2)


def _lines_of(regions: Sequence[Region]) -> list[Region]:
    """The line regions among ``regions`` in order; runs of loose words are gathered into lines."""
    lines: list[Region] = []
    loose: list[Region] = []
    for region in regions:
        if region.level == "word":
            loose.append(region)
            continue
        lines.extend(_word_rows(loose))
        loose = []
        if region.level == "block":
            lines.extend(_lines_of(region.children) if region.children else [region.with_(level="line")])
        else:
            lines.append(region)
    lines.extend(_word_rows(loose))
    return lines


def _same_row(a: Region, b: Region) -> bool:
    """Whether word ``b`` continues the row of word ``a``: to its right, overlapping half the smaller height."""
    ax0, ay0, ax1, ay1 = a.bbox
    bx0, by0, _, by1 = b.bbox
    overlap = min(ay1, by1) - max(ay0, by0)
    return bx0 >= (ax0 + ax1) / 2 and overlap >= ROW_OVERLAP * min(ay1 - ay0, by1 - by0)


def _word_rows(words: Sequence[Region]) -> list[Region]:
    """Consecutive words (in reading order) on one row, as line regions.

    A word detector (CRAFT) gives loose words; as separate lines each would get its own font size and
    a textangle from its own short quad, and pdftotext then runs neighbouring words together. The
    line's quad runs from the first word's left edge to the last word's right edge, so its direction is
    measured over the whole row.
    """
    rows: list[list[Region]] = []
    for word in words:
        if rows and _same_row(rows[-1][-1], word):
            rows[-1].append(word)
        else:
            rows.append([word])
    return [
        Region(
            quad=(row[0].quad[0], row[-1].quad[1], row[-1].quad[2], row[0].quad[3]),
            level="line",
            text=" ".join(w.text for w in row if w.text),
            confidence=min((w.confidence for w in row if w.confidence is not None), default=None),
            children=tuple(w.with_(order=k) for k, w in enumerate(row)),
        )
        for row in rows
    ]


def page_to_ocr_tree(page: Page, dpi: float, page_number: int) -> OcrElement:
    """OCRmyPDF's OCR element tree for an ocrplug page result.

    ``page`` is in page pixels of the image OCRmyPDF passed (origin top-left), which is the element
    tree's coordinate system too; ``dpi`` is that image's resolution. Blocks become ``ocr_par``
    elements, runs of top-level lines (or loose words) one ``ocr_par`` each; lines keep their reading
    order. A line without word children (a line recognizer's output) is cut into words in proportion
    to their characters, so each word keeps its own box in the text layer. Empty lines are dropped.
    """
    w, h = page.width, page.height
    paragraphs: list[OcrElement] = []
    pending: list[Region] = []

    def paragraph(lines: Sequence[Region]) -> None:
        elements = [e for e in (_line_element(r, w, h) for r in lines) if e is not None]
        if elements:
            boxes = [e.bbox for e in elements if e.bbox is not None]
            paragraphs.append(OcrElement(
                ocr_class=OcrClass.PARAGRAPH,
                bbox=BoundingBox(min(b.left for b in boxes), min(b.top for b in boxes),
                                 max(b.right for b in boxes), max(b.bottom for b in boxes)),
                children=elements,
            ))

    for region in page.regions:
        if region.level == "block":
            paragraph(pending)
            pending = []
            paragraph(_lines_of([region]))
        else:
            pending.append(region)
    paragraph(_lines_of(pending))
    return OcrElement(
        ocr_class=OcrClass.PAGE,
        bbox=BoundingBox(left=0, top=0, right=w, bottom=h),
        dpi=float(dpi),
        page_number=page_number,
        children=paragraphs,
    )


def tree_text(tree: OcrElement) -> str:
    """The sidecar text of a page: one line per text line of ``tree``, words in reading order.

    For a pipeline whose recognizer gives line regions (the default) this is ``Page.text``, ocrplug's
    own text output; loose words (a word detector) come out in the rows :func:`page_to_ocr_tree` made.
    """
    lines = [" ".join(w.text for w in line.words) for line in tree.lines]
    return "\n".join(lines) + "\n" if lines else ""


# -- the engine ----------------------------------------------------------------------------------------


def _page_number_of(path: Path) -> int:
    """0-based page number of an OCRmyPDF per-page work file (``000002_ocr_hocr.hocr``: 1); 0 if unknown.

    OCRmyPDF's hOCR and deskew calls give the engine no page number, but it names each page's files
    with it (``PageContext.get_path``); ocrplug needs it for messages and page-aware components.
    """
    prefix = Path(path).name.split("_", 1)[0]
    return int(prefix) - 1 if prefix.isdigit() and int(prefix) > 0 else 0


def _version() -> str:
    from ocrplug import __version__

    return __version__


class OcrplugEngine(OcrEngine):
    """OCRmyPDF's view of an ocrplug pipeline: one page image in, an OCR element tree (or hOCR) and text out.

    ``output`` is ``"tree"`` (:meth:`generate_ocr`) or ``"hocr"`` (:meth:`generate_hocr`), from
    ``--ocrplug-output``; OCRmyPDF asks :meth:`supports_generate_ocr` which one to call.
    """

    def __init__(self, output: str = "tree") -> None:
        """An engine answering with ``output`` ("tree" or "hocr")."""
        self.output = output

    @staticmethod
    def version() -> str:
        """ocrplug's version."""
        return _version()

    @staticmethod
    def creator_tag(options: Any) -> str:
        """``ocrplug <version> (<detector> + <recognizer>)`` for the PDF's metadata."""
        try:
            config = pipeline_config(_plugin_options(options))
            parts = [config.get(r, {}).get("name", "-") for r in ("detector", "recognizer")]
            return f"ocrplug {_version()} ({' + '.join(parts)})"
        except OcrplugError:
            return f"ocrplug {_version()}"

    def __str__(self) -> str:
        """Engine name and version, for OCRmyPDF's messages."""
        return f"ocrplug {_version()}"

    @staticmethod
    def languages(options: Any) -> set[str]:
        """Tesseract's installed languages for the ``tesseract`` recognizer; otherwise empty (no check).

        An empty set tells OCRmyPDF not to check ``-l``: recognizers without a language option read
        the scripts their model was trained on, and a warning says ``-l`` was not passed to them.
        """
        try:
            config = pipeline_config(_plugin_options(options))
        except OcrplugError:
            return set()
        if config.get("recognizer", {}).get("name") == "tesseract" and shutil.which("tesseract"):
            from ocrmypdf._exec import tesseract

            return set(tesseract.get_languages())
        return set()

    @staticmethod
    def get_orientation(input_file: Path, options: Any) -> OrientationConfidence:
        """Page orientation from Tesseract's OSD when installed; 0 with no confidence otherwise.

        ocrplug's layout stage has no page orientation yet, so OCRmyPDF's ``--rotate-pages`` uses
        Tesseract's orientation and script detection (the ``osd`` traineddata) here.
        """
        if shutil.which("tesseract"):
            from ocrmypdf._exec import tesseract

            tess = getattr(options, "tesseract", None)
            try:
                return tesseract.get_orientation(
                    input_file,
                    engine_mode=getattr(tess, "oem", None),
                    timeout=getattr(tess, "non_ocr_timeout", 180.0),
                )
            except Exception as exc:  # OSD is advisory: a failure leaves the page as it is
                log.warning("Tesseract OSD failed on %s (%s); page orientation left unchanged", input_file, exc)
        return OrientationConfidence(angle=0, confidence=0.0)

    @staticmethod
    def get_deskew(input_file: Path, options: Any) -> float:
        """Skew angle in degrees (counter-clockwise rotation that levels the text), from ocrplug's lines.

        The median text direction of the page's line quads (each word's quad when there are no lines),
        weighted by nothing: one vote per line, so a few long rules or a stray diagonal cannot dominate.
        Costs one extra pipeline run per page, only when OCRmyPDF is given ``--deskew``.
        """
        page = _ocr_page(input_file, options, _page_number_of(input_file))
        if page is None:
            return 0.0
        regions = page.lines or page.words
        angles = [quad_angle(r.quad) for r in regions if r.text]
        if not angles:
            return 0.0
        # A clockwise tilt (positive quad angle, y down) is levelled by a counter-clockwise rotation.
        return float(math.degrees(sorted(angles)[len(angles) // 2]))

    def supports_generate_ocr(self) -> bool:  # type: ignore[override]
        """True unless ``--ocrplug-output hocr``: then OCRmyPDF calls :meth:`generate_hocr` instead."""
        return self.output != "hocr"

    @staticmethod
    def generate_ocr(input_file: Path, options: Any, page_number: int = 0) -> tuple[OcrElement, str]:
        """Run the pipeline on one page image; the element tree and the page's text (the sidecar text).

        Raises :class:`ocrmypdf.exceptions.SubprocessOutputError` (OCRmyPDF exit code 7, as for a
        Tesseract crash) naming the page when ocrplug fails on it, unless ``--ocrplug-on-error skip``.
        """
        page = _ocr_page(input_file, options, page_number)
        if page is None:
            from PIL import Image

            with Image.open(input_file) as im:
                width, height = im.size
                dpi = im.info.get("dpi", (72.0, 72.0))[0]
            empty = OcrElement(ocr_class=OcrClass.PAGE, bbox=BoundingBox(0, 0, width, height), dpi=float(dpi),
                               page_number=page_number)
            return empty, ""
        dpi = page.dpi or 72.0
        tree = page_to_ocr_tree(page, dpi, page_number)
        return tree, tree_text(tree)

    @staticmethod
    def generate_hocr(input_file: Path, output_hocr: Path, output_text: Path, options: Any) -> None:
        """Write the page as hOCR with ocrplug's ``hocr`` renderer (found by name) and its text.

        Used with ``--ocrplug-output hocr``; errors as in :meth:`generate_ocr`.
        """
        import tempfile

        from ocrplug.components import DocumentInfo

        page_number = _page_number_of(output_hocr)
        page = _ocr_page(input_file, options, page_number)
        if page is None:
            page = _read_page(input_file, page_number).empty_page()
        with _LOCK:
            worker = _worker(options)
            if worker.hocr is None:
                from ocrplug.manager import PluginHost

                spec = PluginHost(extra_plugins=worker.plugins).component("renderer", "hocr", source="ocrplug engine")
                worker.hocr = spec.build()
            renderer = worker.hocr
        with tempfile.TemporaryDirectory(prefix="ocrplug-hocr-") as tmp:
            session = renderer.open(DocumentInfo(source=str(input_file), page_count=1, out_dir=Path(tmp), stem="page"))
            session.add_page(page, None)
            written = [p for p in session.close() if p.suffix == ".hocr"]
            shutil.copyfile(written[0], output_hocr)
        Path(output_text).write_text(tree_text(page_to_ocr_tree(page, page.dpi or 72.0, page_number)), encoding="utf-8")

    @staticmethod
    def generate_pdf(input_file: Path, output_pdf: Path, output_text: Path, options: Any) -> None:
        """Not supported: OCRmyPDF renders the text layer from the element tree (no ``sandwich``)."""
        raise NotImplementedError("ocrplug uses OCRmyPDF's generate_ocr() API; use the default --pdf-renderer")


# -- hooks ---------------------------------------------------------------------------------------------


def _check_options(options: Any, claim_auto: bool) -> None:
    if not _selected(options, claim_auto):
        return
    if getattr(options, "pdf_renderer", "auto") == "sandwich":
        raise BadArgsError("--pdf-renderer sandwich is not supported by the ocrplug engine; use the default (auto)")
    try:
        # Validates the job and every component's options (no model is loaded yet).
        from ocrplug.pipeline import Pipeline

        opts = _plugin_options(options)
        Pipeline.from_dict(pipeline_config(opts, list(getattr(options, "languages", None) or ())),
                           source=opts.config or "<ocrplug default pipeline>")
    except OcrplugError as exc:
        raise BadArgsError(f"ocrplug: {exc}") from exc
    except ValidationError as exc:  # an --ocrplug-* value out of range (e.g. --ocrplug-threads 0)
        errors = "; ".join(f"--ocrplug-{'-'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise BadArgsError(f"ocrplug: {errors}") from exc


def _engine(options: Any, claim_auto: bool) -> OcrplugEngine | None:
    if not _selected(options, claim_auto):
        return None
    return OcrplugEngine(_plugin_options(options).output if options is not None else "tree")


# Hooks of the module itself, registered by `ocrmypdf --plugin ocrplug.integrations.ocrmypdf`: naming
# the plugin also makes ocrplug the `auto` engine.


@hookimpl
def add_options(parser: ArgumentParser) -> None:
    """Add the ``--ocrplug-*`` flags and the ``ocrplug`` choice of ``--ocr-engine``."""
    _add_options(parser)


@hookimpl
def register_options() -> dict[str, type[BaseModel]]:
    """The ``ocrplug`` option namespace."""
    return {ENGINE_NAME: OcrplugOptions}


@hookimpl
def check_options(options: Any) -> None:
    """Validate the ocrplug job and component options up front (OCRmyPDF exit code 1 on error)."""
    _check_options(options, claim_auto=True)


@hookimpl(tryfirst=True)
def get_ocr_engine(options: Any) -> OcrplugEngine | None:
    """The ocrplug engine for ``--ocr-engine ocrplug`` or ``auto``; None otherwise."""
    return _engine(options, claim_auto=True)


class _InstalledPlugin:
    """The hooks OCRmyPDF loads from the ``ocrmypdf`` entry point of an installed ocrplug.

    Passive unless ``--ocr-engine ocrplug`` is given, so installing ocrplug does not change what
    plain ``ocrmypdf`` runs do. When the module is also named with ``--plugin``, this object leaves
    the plugin manager in ``initialize``, so flags and the option namespace are registered once.
    """

    @hookimpl
    def initialize(self, plugin_manager: Any) -> None:
        """Step aside when ``--plugin ocrplug.integrations.ocrmypdf`` registered the module too."""
        if plugin_manager.is_registered(sys.modules[__name__]):
            plugin_manager.unregister(self)

    @hookimpl
    def add_options(self, parser: ArgumentParser) -> None:
        """Add the ``--ocrplug-*`` flags and the ``ocrplug`` choice of ``--ocr-engine``."""
        _add_options(parser)

    @hookimpl
    def register_options(self) -> dict[str, type[BaseModel]]:
        """The ``ocrplug`` option namespace."""
        return {ENGINE_NAME: OcrplugOptions}

    @hookimpl
    def check_options(self, options: Any) -> None:
        """Validate the ocrplug job when ``--ocr-engine ocrplug`` is chosen."""
        _check_options(options, claim_auto=False)

    @hookimpl(tryfirst=True)
    def get_ocr_engine(self, options: Any) -> OcrplugEngine | None:
        """The ocrplug engine for ``--ocr-engine ocrplug`` only."""
        return _engine(options, claim_auto=False)


installed = _InstalledPlugin()
"""Target of ocrplug's ``ocrmypdf`` entry point (``ocrplug.integrations.ocrmypdf:installed``)."""
