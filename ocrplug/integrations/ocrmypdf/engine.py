"""The OCRmyPDF engine object: one ocrplug pipeline per worker process, one page image per call."""

from __future__ import annotations

import json
import logging
import math
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ocrmypdf import BoundingBox, OcrClass, OcrElement, OcrEngine, OrientationConfidence
from ocrmypdf.exceptions import SubprocessOutputError

from ocrplug.config import validate_config
from ocrplug.errors import OcrplugError
from ocrplug.geometry import quad_angle
from ocrplug.integrations.ocrmypdf.options import pipeline_config, plugin_options, worker_threads
from ocrplug.integrations.ocrmypdf.tree import page_to_ocr_tree, separate_words, sidecar_text
from ocrplug.model import Page, PageImage
from ocrplug.processing import PageProcessor, limit_torch_threads, worker_processor

__all__ = ["OcrplugEngine"]

log = logging.getLogger(__name__)


# One page processor per process and set of options (the job file is read once): OCRmyPDF calls the
# engine from worker processes (or threads with --use-threads), and loading models per page would cost
# more than the OCR itself. The set-up is the host's one worker set-up (worker_processor).
@dataclass
class _Worker:
    pipeline: PageProcessor
    threads: int
    plugins: list[str]
    hocr: Any = None


_WORKERS: dict[str, _Worker] = {}
_LOCK = threading.Lock()


def _worker(options: Any) -> _Worker:
    """The process's page processor for these options (models loaded once). Call under _LOCK."""
    opts = plugin_options(options)
    languages = list(getattr(options, "languages", None) or ())
    rotate_pages = bool(getattr(options, "rotate_pages", False))
    key = json.dumps([opts.model_dump(), languages, getattr(options, "jobs", None), rotate_pages], sort_keys=True,
                     default=str)
    worker = _WORKERS.get(key)
    if worker is None:
        threads = worker_threads(opts, options)
        # Components with a `threads` option get the share explicitly: some read "0" as "every core".
        source = opts.config or "<ocrplug default pipeline>"
        # The job is layered already (pipeline_config): a stage it leaves out is off, not the default's.
        config = validate_config(pipeline_config(opts, languages, threads=threads, rotate_pages=rotate_pages), source)
        processor = worker_processor(config, threads=threads, source=source)
        worker = _WORKERS[key] = _Worker(processor, threads, list(config.plugins))
    return worker


def _read_page(input_file: Path, page_number: int) -> PageImage:
    import numpy as np
    from PIL import Image

    with Image.open(input_file) as im:
        dpi = im.info.get("dpi")
        rgb = np.asarray(im.convert("RGB"))
    # Both resolutions: a page image with non-square pixels (a fax) is read on square pixels (processing.py).
    dpi_x = float(dpi[0]) if isinstance(dpi, tuple) and dpi[0] else None
    dpi_y = float(dpi[1]) if isinstance(dpi, tuple) and len(dpi) > 1 and dpi[1] and dpi[1] != dpi[0] else None
    return PageImage(
        image=np.ascontiguousarray(rgb), index=page_number, source=str(input_file), dpi=dpi_x, dpi_y=dpi_y
    )


def _ocr_page(input_file: Path, options: Any, page_number: int) -> Page | None:
    """Run the pipeline on one page image; None when the page failed and ``on_error`` is ``skip``."""
    opts = plugin_options(options)
    page_image = _read_page(input_file, page_number)
    try:
        with _LOCK:
            worker = _worker(options)
            page = worker.pipeline.process_page(page_image)
            limit_torch_threads(worker.threads)
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
            config = pipeline_config(plugin_options(options), check_components=False)
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
            config = pipeline_config(plugin_options(options), check_components=False)
        except OcrplugError:
            return set()
        if config.get("recognizer", {}).get("name") == "tesseract" and shutil.which("tesseract"):
            from ocrmypdf._exec import tesseract

            return set(tesseract.get_languages())
        return set()

    @staticmethod
    def get_orientation(input_file: Path, options: Any) -> OrientationConfidence:
        """Page orientation for ``--rotate-pages``: from ocrplug (default) or Tesseract's OSD.

        ``--ocrplug-orientation ocrplug``: the pipeline's detector and recognizer decide
        (:func:`ocrplug.orientation.detect_orientation`: the axis from the detected boxes, the sense
        from the recognizer's confidence on windows of the largest ones, always read both ways, no
        cascade). OCRmyPDF's angle is the counter-clockwise turn that makes the page upright, ocrplug's
        the clockwise one, so it is negated. The confidence is on OCRmyPDF's scale for ``--rotate-pages-threshold`` (default 14):
        100 x the margin between the two senses' mean recognizer confidence (see
        :data:`ORIENTATION_CONFIDENCE_SCALE`). A page without text, a pipeline without a detector or
        recognizer, or a failure gives angle 0 with confidence 0 (the page is left as it is).
        ``--ocrplug-orientation tesseract``: Tesseract's OSD (``osd`` traineddata), as OCRmyPDF's own
        engine answers; 0 with confidence 0 when Tesseract is not installed.
        """
        if plugin_options(options).orientation == "tesseract":
            return _tesseract_orientation(input_file, options)
        try:
            return _ocrplug_orientation(input_file, options)
        except Exception as exc:  # orientation is advisory: the page is read as it is, errors surface there
            log.warning("ocrplug could not tell the orientation of %s (%s); page left as it is", input_file, exc)
            return OrientationConfidence(angle=0, confidence=0.0)

    @staticmethod
    def get_deskew(input_file: Path, options: Any) -> float:
        """Skew angle in degrees (counter-clockwise rotation that levels the text), from ocrplug's lines.

        The median text direction of the page's lines, one vote per line, so a few long rules or a stray
        diagonal cannot dominate. A line's direction is the least-squares slope through its words' centres
        when it has several words (a word detector's short words have unreliable quad angles, and the
        layout's lines around them are axis-aligned), else its own quad's angle.
        Costs one extra pipeline run per page, only when OCRmyPDF is given ``--deskew``.
        """
        page = _ocr_page(input_file, options, _page_number_of(input_file))
        if page is None:
            return 0.0
        angles = [a for a in (_line_angle(line) for line in page.lines) if a is not None]
        if not angles:
            return 0.0
        # A clockwise tilt (positive angle, y down) is levelled by a counter-clockwise rotation.
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
        return tree, sidecar_text(page, tree)

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
                spec = worker.pipeline.host.component("renderer", "hocr", source="ocrplug engine")
                worker.hocr = spec.build()
            renderer = worker.hocr
        with tempfile.TemporaryDirectory(prefix="ocrplug-hocr-") as tmp:
            session = renderer.open(DocumentInfo(source=str(input_file), page_count=1, out_dir=Path(tmp), stem="page"))
            # OCRmyPDF draws hOCR word boxes as they are: touching ones would run together in extracted text.
            session.add_page(separate_words(page), None)
            written = [p for p in session.close() if p.suffix == ".hocr"]
            shutil.copyfile(written[0], output_hocr)
        tree = page_to_ocr_tree(page, page.dpi or 72.0, page_number)
        Path(output_text).write_text(sidecar_text(page, tree), encoding="utf-8")

    @staticmethod
    def generate_pdf(input_file: Path, output_pdf: Path, output_text: Path, options: Any) -> None:
        """Not supported: OCRmyPDF renders the text layer from the element tree (no ``sandwich``)."""
        raise NotImplementedError("ocrplug uses OCRmyPDF's generate_ocr() API; use the default --pdf-renderer")


# OCRmyPDF compares an orientation's confidence with --rotate-pages-threshold (default 14, on the scale of
# Tesseract's OSD). ocrplug's confidence is the margin between the mean recognizer confidence of the chosen
# sense and of the opposite one (0..1); times 100 the default threshold asks for a 0.14 margin.
ORIENTATION_CONFIDENCE_SCALE = 100.0


def _ocrplug_orientation(input_file: Path, options: Any) -> OrientationConfidence:
    """The page orientation from the worker's pipeline (see :meth:`OcrplugEngine.get_orientation`)."""
    from ocrplug.orientation import detect_orientation

    page_image = _read_page(input_file, _page_number_of(input_file))
    with _LOCK:
        worker = _worker(options)
        pipeline = worker.pipeline.build()
        if pipeline.detector is None or pipeline.recognizer is None:
            return OrientationConfidence(angle=0, confidence=0.0)
        pipeline.check_memory(page_image)
        regions = pipeline.detector.detect(page_image)
        # Both senses are always read (no cascade): the confidence below is the margin between them.
        result = detect_orientation(page_image, regions, pipeline.recognizer.recognize, cascade=False)
        limit_torch_threads(worker.threads)
    others = [score for angle, score in result.scores.items() if angle != result.angle]
    if not others:
        return OrientationConfidence(angle=0, confidence=0.0)
    margin = result.scores[result.angle] - max(others)
    log.debug("ocrplug orientation of %s: %s", input_file, result.scores)
    return OrientationConfidence(angle=(-result.angle) % 360, confidence=max(0.0, margin) * ORIENTATION_CONFIDENCE_SCALE)


def _tesseract_orientation(input_file: Path, options: Any) -> OrientationConfidence:
    """Tesseract's OSD answer, as OCRmyPDF's Tesseract engine gives it; 0 / 0 without Tesseract."""
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


def _line_angle(line: Any) -> float | None:
    """Direction of a text line in radians (clockwise, y down), or None for a line without text."""
    if not line.text:
        return None
    words = [w for w in line.words if w.text]
    if len(words) >= 2:
        import numpy as np

        centres = np.asarray([np.asarray(w.quad).mean(axis=0) for w in words])
        dx = centres[:, 0] - centres[:, 0].mean()
        if float((dx * dx).sum()) > 0:
            slope = float((dx * (centres[:, 1] - centres[:, 1].mean())).sum() / (dx * dx).sum())
            return math.atan(slope)
    return quad_angle(line.quad)
