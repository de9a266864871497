"""The `pdf2image` rasterizer: PDF pages rendered by poppler, one page per call (streaming).

Pages are rendered inside their CropBox (what viewers show), not the MediaBox. A page that would
exceed ``max_pixels`` at ``input.dpi`` is rendered at the highest resolution that fits (logged as a
warning), and its :class:`~ocrplug.model.PageImage` states that resolution, so page sizes stay right.
Every failure of pdf2image or poppler on one file becomes that file's :class:`~ocrplug.errors.InputError`.

With ``image_dpi`` set (``input.dpi: auto``, the presets' setting), a page that is a scan wrapped in a PDF
(an image covering the page, no visible text; :func:`scan_dpi`) is rendered at its image's own
resolution when that is lower than ``dpi``, as OCRmyPDF does: a 200 dpi scan is not up-sampled to 300 dpi
(slower, and no more detail). A scan of a higher resolution is rendered at ``dpi`` as before (read at
400 dpi it took 1.5x the CPU for the same CER: docs/benchmarks.md "Scans in PDFs at their own
resolution"). An image under ``LOW_DPI`` (70) is no scan to read at its own resolution (a background
fill stretched over the page, a thumbnail): that page is rendered at ``dpi``. Other pages, and every
page without pikepdf (the ``pdf`` extra), are rendered at ``dpi``.

pdftoppm exits 0 on a page it cannot draw whole and draws what it could (a blank page for a content
stream it cannot inflate, no image for JPEG data it cannot find), saying so only on stderr with a
``Syntax Error`` line. A page with such lines of its own (lines pdfinfo prints as well come from opening
the file, a repaired cross-reference table, and are not the page's) that comes out blank is that page's
:class:`~ocrplug.errors.PageReadError` (its content is lost, not white paper); one that shows ink is read
as drawn with a warning naming the file, the page and poppler's lines (real files often carry errors
poppler recovers from: failing those pages would lose text that was read).

Poppler says nothing at all about JPEG image data cut short (``/DCTDecode``): it draws the top of the
image and exits 0. So each image XObject of a page being read is decoded once with pikepdf and Pillow
(:func:`_image_problems`; JPEGs at 1/8 scale, which still reads all their data); one whose data does
not decode makes the page a warned one, read as drawn, like the pages above. Every such warning is also
kept on the page (``PageImage.warnings``, then ``Page.warnings``) for the run's results. Without pikepdf
(the ``pdf`` extra) this check is skipped.

With ``text_pages`` (``input.text_pages``) ``skip`` or ``text-layer``, each page's text layer is read with
``pdftotext -bbox-layout`` (:func:`text_layer`); a page that already holds text (any layer on a page that
is no scan, :func:`scanned_under`; under a full-page image, an earlier OCR's invisible layer of at least
:data:`TEXT_CHARS_PER_SQIN`, or visible text whose words hold the page's ink, :data:`INK_OUTSIDE_LAYER`;
words that show no ink do not count) is still
rendered, and its :class:`~ocrplug.model.PageImage` says ``text_source`` ``skipped``, or ``text-layer`` with
the layer's lines and words in page pixels (``text_layer``), which the page work lays out instead of reading.
"""

from __future__ import annotations

import logging
import math
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
from pydantic import Field

from ocrplug.api import LOW_DPI, InputError, Options, PageImage, PageRange, PageReadError, Rasterizer, Region

from .images import decoding, normalize_image

__all__ = [
    "INK_OUTSIDE_LAYER", "SCAN_COVER", "TEXT_CHARS_PER_SQIN", "Pdf2ImageOptions", "Pdf2ImageRasterizer", "TextDrawing", "TextLayer", "ink_map",
    "scan_dpi", "scanned_under", "text_drawing", "text_layer",
]

log = logging.getLogger(__name__)

_PAGE_SIZE = re.compile(r"^Page\s+(\d+)\s+size$")
#: A page whose CropBox (poppler's page size) is under this many points on a side holds nothing to read
#: (a ``[0 0 612 0]`` MediaBox: T15, session 15); it is that page's :class:`PageReadError`.
MIN_PAGE_POINTS = 1.0

#: How poppler's error() starts a message of category errSyntaxError (poppler/Error.cc): content it
#: could not parse or decode, hence not drawn. "Syntax Warning" lines are recovered and not counted.
_SYNTAX_ERROR = "Syntax Error"
#: A page drawn with fewer grey levels than this (max - min) after poppler reported errors of its own is
#: taken as not drawn at all (the same threshold as db's one-grey regions: scan noise spans more).
_BLANK_LEVELS = 8


def _image_problems(pdf: object, index: int) -> list[str]:
    """What is wrong with the data of the image XObjects of page ``index`` (0-based) of the pikepdf
    ``pdf`` (those of its form
    XObjects too): one ``image object N G: <error>`` per image whose data does not decode (a JPEG cut
    short, Flate data that ends early), empty for a sound page.

    An image this check cannot decode for other reasons (JBIG2 without jbig2dec, a colour space
    Pillow lacks, a malformed image dictionary) is not counted: poppler may still draw it, and a
    warning would be wrong. JPEGs are decoded with Pillow's 1/8 draft (the DCT scaling still reads
    every byte of entropy-coded data, so a cut is still found, for about a tenth of the work).
    """
    import pikepdf
    from pikepdf.models.image import ImageDecompressionError

    try:
        page = pdf.pages[index]  # type: ignore[attr-defined]
        get = getattr(page, "get_images", None)  # pikepdf >= 9; .images (deprecated since) before
        images = get() if get is not None else page.images
        found = list(images.values())
    except Exception as exc:  # a damaged resource dictionary: poppler reports what it cannot draw
        log.debug("cannot list the images of a page: %r", exc)
        return []
    problems: list[str] = []
    for obj in found:
        try:
            pil = pikepdf.PdfImage(obj).as_pil_image()
            if pil.format == "JPEG":
                pil.draft(pil.mode, (max(1, pil.width // 8), max(1, pil.height // 8)))
            pil.load()
        except (OSError, ImageDecompressionError) as exc:  # Pillow's decoders / pikepdf's Flate, LZW, ...
            num, gen = obj.objgen
            where = f"image object {num} {gen}" if num else "an inline image"
            problems.append(f"{where}: {type(exc).__name__}: {' '.join(str(exc).split())}"[:200])
        except Exception as exc:  # cannot be checked here (unsupported, over the pixel limit); not damage
            log.debug("image %s not checked: %r", getattr(obj, "objgen", "?"), exc)
    return problems


#: Fraction of the page's CropBox area an image must cover to be the page's scan (:func:`scan_dpi`). Scans
#: wrapped by img2pdf, Pillow, OCRmyPDF or a scanner cover the whole page (1.0); 0.9 leaves room for a
#: scan placed inside a margin a few points wide (generated pages, docs/benchmarks.md "Scans in PDFs at
#: their own resolution").
SCAN_COVER = 0.9

_TEXT_SHOWING = frozenset({"Tj", "TJ", "'", '"'})


def _multiply(m: list[float], n: list[float]) -> list[float]:
    """The PDF matrix product ``m x n`` of two ``[a b c d e f]`` matrices (PDF 1.7, 8.3.4)."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return [a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2]


class _GraphicsState:
    """The parts of a content stream's graphics state that pages are judged by: the current transformation
    matrix (PDF 1.7 8.3.4) and the text render mode (9.3.6), saved and restored by ``q`` / ``Q``."""

    def __init__(self) -> None:
        self.ctm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        self.render_mode = 0
        self._stack: list[tuple[list[float], int]] = []

    def apply(self, op: str, operands: list) -> bool:
        """Follow operator ``op``; True when it was one of ``q``, ``Q``, ``cm``, ``Tr`` (and well formed)."""
        if op == "q":
            self._stack.append((self.ctm, self.render_mode))
        elif op == "Q" and self._stack:
            self.ctm, self.render_mode = self._stack.pop()
        elif op == "cm" and len(operands) == 6:
            self.ctm = _multiply([float(v) for v in operands], self.ctm)
        elif op == "Tr" and operands:
            self.render_mode = int(operands[0])
        else:
            return False
        return True


def _drawn(pdf: object, index: int) -> Iterator[tuple[str, tuple[int, int, list[float]] | None]]:
    """What the content stream of page ``index`` (0-based) of the pikepdf ``pdf`` draws, in order:
    ``("text", None)`` for text that is not invisible (text render mode 3, the layer of an earlier OCR, is
    left out), ``("form", None)`` for a form XObject (not looked into), ``("image", (width, height, ctm))``
    for an image (pixels, and the current transformation matrix at its ``Do``, PDF 1.7 8.3.4). Raises
    what pikepdf raises for a content stream it cannot parse."""
    import pikepdf

    page = pdf.pages[index]  # type: ignore[attr-defined]
    xobjects = page.resources.get("/XObject", {})
    state = _GraphicsState()
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if state.apply(op, operands):
            continue
        if op in _TEXT_SHOWING and state.render_mode != 3:
            yield "text", None
        elif op == "Do":
            xobj = xobjects.get(operands[0]) if operands else None
            if xobj is not None and xobj.get("/Subtype") == "/Form":
                yield "form", None
            elif xobj is not None and xobj.get("/Subtype") == "/Image":
                yield "image", (int(xobj.get("/Width", 0)), int(xobj.get("/Height", 0)), state.ctm)
        elif op == "INLINE IMAGE":
            yield "image", (int(operands[0].width), int(operands[0].height), state.ctm)


def _cover_dpi(drawn: tuple[int, int, list[float]], size: tuple[float, float]) -> float | None:
    """The resolution of a drawn image (:func:`_drawn`) that covers at least :data:`SCAN_COVER` of ``size``
    (points), on the axis where it is highest; None for a smaller or degenerate one."""
    width, height, ctm = drawn
    a, b, c, d = ctm[:4]
    drawn_w, drawn_h = math.hypot(a, b), math.hypot(c, d)
    if width <= 0 or height <= 0 or drawn_w <= 0 or drawn_h <= 0:
        return None
    if abs(a * d - b * c) < SCAN_COVER * size[0] * size[1]:
        return None
    return max(width * 72.0 / drawn_w, height * 72.0 / drawn_h)


def scan_dpi(pdf: object, index: int, size: tuple[float, float] | None) -> float | None:
    """The resolution (dpi) of the scan that page ``index`` (0-based) of the pikepdf ``pdf`` is, or None
    when the page is not one: its content stream draws no image that covers at least :data:`SCAN_COVER`
    of ``size`` (the CropBox, points), or it shows text that is not invisible (text render mode 3, the
    text layer of an earlier OCR, does not count), or it cannot be parsed.

    The resolution of an image is its pixels over its drawn size (the current transformation matrix at
    its ``Do``, PDF 1.7 8.3.4), on the axis where it is highest (a 204 x 98 dpi fax gives 204), as
    OCRmyPDF chooses; with several such images (a mixed-raster page: a 300 dpi text mask over a 100 dpi
    background) the highest. Images inside form XObjects are not looked into (None). Raises nothing.
    """
    if size is None or size[0] <= 0 or size[1] <= 0:
        return None
    try:
        best: float | None = None
        for kind, drawn in _drawn(pdf, index):
            if kind != "image":
                return None  # visible text (a born-digital page, or a scan with text added) or a form
            dpi = _cover_dpi(drawn, size)  # type: ignore[arg-type]
            if dpi is not None:
                best = dpi if best is None else max(best, dpi)
        return None if best is None else round(best, 2)
    except Exception as exc:  # an unparsable content stream: poppler reports what it cannot draw
        log.debug("page %d: cannot tell whether it is a scan: %r", index + 1, exc)
        return None


def scanned_under(pdf: object, index: int, size: tuple[float, float] | None) -> bool:
    """Whether page ``index`` (0-based) of the pikepdf ``pdf`` may be a scan under whatever text it shows:
    it draws an image covering at least :data:`SCAN_COVER` of ``size`` (points), or a form XObject
    (not looked into), or cannot be parsed or sized (True: not known not to be one). A page of text and
    vectors, with at most smaller images, is False. Raises nothing."""
    if size is None or size[0] <= 0 or size[1] <= 0:
        return True
    try:
        return any(
            kind == "form" or (kind == "image" and _cover_dpi(drawn, size) is not None)  # type: ignore[arg-type]
            for kind, drawn in _drawn(pdf, index)
        )
    except Exception as exc:
        log.debug("page %d: cannot tell whether it is a scan: %r", index + 1, exc)
        return True


@dataclass(frozen=True)
class TextDrawing:
    """How page text is drawn, from the content stream (:func:`text_drawing`): characters (string bytes
    shown, visible or not) by the direction they run in as the page is displayed (``/Rotate`` applied),
    and those shown in a Type3 font (glyphs drawn by the PDF itself, whose boxes poppler takes from the
    font's matrix and bounding box, often far from the ink: V14's type3.pdf, boxes 3.5x as tall)."""

    chars: int = 0
    level: int = 0  # running left to right, within 45 degrees
    type3: int = 0
    hidden: int = 0  # drawn invisible (text render mode 3: an earlier OCR's layer)

    @property
    def ocr_layer(self) -> bool:
        """Whether most of the characters are drawn invisible (the text layer of an earlier OCR)."""
        return 2 * self.hidden > self.chars

    @property
    def turned(self) -> bool:
        """Whether more than half of the characters do not run left to right (upside down, standing)."""
        return 2 * self.level < self.chars


def text_drawing(pdf: object, index: int) -> TextDrawing:
    """The :class:`TextDrawing` of page ``index`` (0-based) of the pikepdf ``pdf``: for every text-showing
    operator, its bytes counted at the direction of the text space's x axis (text matrix times the current
    transformation matrix, PDF 1.7 9.4.2), turned clockwise by the page's ``/Rotate``. Text inside form
    XObjects is not looked into. An empty one when the stream cannot be parsed. Raises nothing."""
    import pikepdf

    try:
        page = pdf.pages[index]  # type: ignore[attr-defined]
        fonts = page.resources.get("/Font", {})
        rotate = int(page.obj.get("/Rotate", 0)) % 360
        state = _GraphicsState()
        tm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        type3 = False
        chars = level = in_type3 = hidden = 0
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if state.apply(op, operands):
                continue
            if op == "BT":
                tm = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
            elif op == "Tm" and len(operands) == 6:
                tm = [float(v) for v in operands]
            elif op == "Tf" and operands:
                font = fonts.get(operands[0]) if isinstance(operands[0], pikepdf.Name) else None
                type3 = font is not None and font.get("/Subtype") == "/Type3"
            elif op in _TEXT_SHOWING and operands:
                shown = operands[-1]
                items = list(shown) if isinstance(shown, pikepdf.Array) else [shown]
                count = sum(len(bytes(item)) for item in items if isinstance(item, pikepdf.String))
                m = _multiply(tm, state.ctm)
                angle = (math.degrees(math.atan2(m[1], m[0])) - rotate) % 360  # counter-clockwise, y up
                chars += count
                level += count if (angle <= 45 or angle >= 315) else 0
                in_type3 += count if type3 else 0
                hidden += count if state.render_mode == 3 else 0
        return TextDrawing(chars, level, in_type3, hidden)
    except Exception as exc:  # an unparsable content stream: nothing is known
        log.debug("page %d: cannot follow its text: %r", index + 1, exc)
        return TextDrawing()


#: Characters of a page's text layer per square inch of its CropBox from which a page under a full-page
#: image (a scan, :func:`scanned_under`) whose layer is invisible (text render mode 3: an earlier OCR's)
#: "already holds text" (``input.text_pages: skip | text-layer``); visible text there is judged by its ink
#: (:data:`INK_OUTSIDE_LAYER`). Measured on generated A4 pages (benchmarks/text_pages.py density,
#: docs/benchmarks.md "Pages that already hold text"): a scan with an earlier OCR's invisible layer has as
#: much as its text (a paragraph 3.4, a full page 22.6), a stamp 0.11, a page number 0.02. A scan OCRed
#: before is not read again, even when most of its ink lies outside the layer's words (a chart whose labels
#: the earlier OCR missed: /work/shared/eval/pdfs multipage.pdf page 4, 1.85 and 0.90 of its ink outside).
TEXT_CHARS_PER_SQIN = 0.3

#: Share of the rendered page's ink (:func:`ink_map`) lying outside the text layer's word boxes above which
#: a page under a full-page image is a scan whose words are in the image, whatever its layer's density: a
#: scan with a stamp or a page number added as text (V14: A6 with ``ACME-000123`` 0.93, ``p. 7`` 0.97;
#: generated A4 scans with a stamp or page number 0.99+), against 0.00-0.13 on pages whose layer is their
#: text (a slide's title over a full-page picture 0.001, scans OCRed before 0.02-0.13, born-digital pages
#: 0.02-0.03). Measured by ``benchmarks/text_pages.py ink`` (docs/benchmarks.md "Kept pages written once,
#: and other text-page fixes").
INK_OUTSIDE_LAYER = 0.5

#: Resolution (dpi) the page is looked at for its ink (:func:`ink_map`): strokes of 8 pt text are still
#: 1-2 px, and an A4 page is 0.9 Mpx.
_INK_DPI = 100.0
#: Least difference (grey levels) from the local background (morphological closing / opening over
#: 9 x 9 px at :data:`_INK_DPI`, about 2.3 mm) for a pixel to be ink: text, dark or light, differs by far
#: more; a smooth background picture (a gradient) and paper grain by less.
_INK_CONTRAST = 40


def ink_map(image: np.ndarray, dpi: float) -> tuple[np.ndarray, float]:
    """Where a rendered page (``image``: H x W or H x W x 3, uint8, at ``dpi``) has ink: pixels darker or
    lighter than their surroundings by :data:`_INK_CONTRAST` (black-hat and top-hat transforms), looked at
    :data:`_INK_DPI` (the page is shrunk by area averaging when finer). Returns the boolean map and its
    scale (map pixels per page pixel, <= 1)."""
    import cv2

    gray = image if image.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(image[..., :3]), cv2.COLOR_RGB2GRAY)
    scale = min(1.0, _INK_DPI / dpi) if dpi > 0 else 1.0
    if scale < 1.0:
        size = (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale)))
        gray = cv2.resize(np.ascontiguousarray(gray), size, interpolation=cv2.INTER_AREA)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    dark = cv2.morphologyEx(gray, cv2.MORPH_BLACKHAT, kernel)
    light = cv2.morphologyEx(gray, cv2.MORPH_TOPHAT, kernel)
    return np.maximum(dark, light) > _INK_CONTRAST, scale


_XHTML = "{http://www.w3.org/1999/xhtml}"

#: One word of a text layer: its text and its box (left, top, right, bottom) in points from the
#: CropBox's top-left corner, y down.
LayerWord = tuple[str, float, float, float, float]


@dataclass(frozen=True)
class TextLayer:
    """The text layer of one PDF page as ``pdftotext -bbox-layout -cropbox`` (poppler) gives it: ``lines``
    of words (:data:`LayerWord`, points, top-left origin, y down) in poppler's reading order, and the
    page's displayed ``width`` x ``height`` in points (its CropBox, turned by ``/Rotate``)."""

    lines: tuple[tuple[LayerWord, ...], ...] = ()
    width: float = 0.0
    height: float = 0.0

    @property
    def chars(self) -> int:
        """Characters of the layer's words (spaces not counted)."""
        return sum(len(word[0]) for line in self.lines for word in line)

    @property
    def density(self) -> float:
        """Characters per square inch of the page (0 for a page of no size)."""
        area = self.width * self.height / (72.0 * 72.0)
        return self.chars / area if area > 0 else 0.0

    @property
    def upright(self) -> bool:
        """Whether the layer's text runs left to right on the page as shown: no more than half of its
        characters are in lines (of two characters or more) whose box is taller than wide (a page turned
        by ``/Rotate``, whose words pdftotext gives in the shown frame, or vertical text). Boxes carry no
        direction, so only upright text can become regions whose quads start at the text's top-left."""
        standing = sum(
            sum(len(w[0]) for w in line) for line in self.lines
            if sum(len(w[0]) for w in line) > 1
            and max(w[4] for w in line) - min(w[2] for w in line) > max(w[3] for w in line) - min(w[1] for w in line)
        )
        return 2 * standing <= self.chars

    def _boxes(self, scale: float, shape: tuple[int, ...]) -> Iterator[tuple[int, int, int, int]]:
        """Each word's box in a map of ``shape`` at ``scale`` pixels per point, grown by one pixel, clipped."""
        h, w = shape[:2]
        for line in self.lines:
            for _, x0, y0, x1, y1 in line:
                yield (max(0, math.floor(x0 * scale) - 1), max(0, math.floor(y0 * scale) - 1),
                       min(w, math.ceil(x1 * scale) + 1), min(h, math.ceil(y1 * scale) + 1))

    def visible(self, ink: np.ndarray, scale: float) -> TextLayer:
        """The layer without its words that show no ink on the rendered page (``ink``: :func:`ink_map` of
        it, ``scale`` its pixels per point): white text on white paper, text under a picture, which no
        reader sees (V14's tricks.pdf, ``hidden white keywords spam``). Invisible text (render mode 3)
        over a scan keeps the scan's ink in its box and stays."""
        boxes = iter(list(self._boxes(scale, ink.shape)))
        lines = []
        for line in self.lines:
            kept = tuple(word for word in line if (box := next(boxes)) and ink[box[1]:box[3], box[0]:box[2]].any())
            if kept:
                lines.append(kept)
        return TextLayer(tuple(lines), self.width, self.height)

    def ink_outside(self, ink: np.ndarray, scale: float) -> float:
        """Share of the page's ink (``ink``, :func:`ink_map`; ``scale`` its pixels per point) outside the
        layer's word boxes: near 0 when the layer is the page's text, near 1 for a scan with a stamp."""
        inside = np.zeros(ink.shape[:2], dtype=bool)
        for x0, y0, x1, y1 in self._boxes(scale, ink.shape):
            inside[y0:y1, x0:x1] = True
        total = int(ink.sum())
        return float((ink & ~inside).sum() / total) if total else 0.0

    def regions(self, scale: float) -> tuple[Region, ...]:
        """The layer as line regions with word children in page pixels (``scale``: pixels per point, the
        rendering's dpi / 72), text as the layer holds it, confidence 1.0."""
        out: list[Region] = []
        for line in self.lines:
            # Boxes are clipped to the page: a glyph's box may reach past its edge (a Type3 font's bounding box).
            line = tuple((text, max(0.0, x0), max(0.0, y0), min(self.width or x1, x1), min(self.height or y1, y1))
                         for text, x0, y0, x1, y1 in line)
            line = tuple(w for w in line if w[3] > w[1] and w[4] > w[2])
            words = [
                Region.from_box(x0 * scale, y0 * scale, x1 * scale, y1 * scale, level="word", text=text, confidence=1.0)
                for text, x0, y0, x1, y1 in line
            ]
            if not words:
                continue
            box = [min(w[1] for w in line), min(w[2] for w in line), max(w[3] for w in line), max(w[4] for w in line)]
            out.append(Region.from_box(
                *(v * scale for v in box), level="line", text=" ".join(w[0] for w in line), confidence=1.0,
                children=tuple(words),
            ))
        return tuple(out)


def text_layer(path: Path, index: int, password: str | None, timeout: float = 60.0) -> TextLayer:
    """The text layer of page ``index`` (0-based) of the PDF at ``path`` (:class:`TextLayer`), read with
    poppler's ``pdftotext -bbox-layout -cropbox`` (poppler-utils, which the rasterizer needs anyway). Text
    drawn invisibly (render mode 3, an earlier OCR's layer) is part of it. An empty layer when the page has
    none, and when pdftotext is missing or fails (logged): the page is then read like any other. Raises
    nothing."""
    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        log.warning("pdftotext (poppler-utils) not found: the text layer of %s is not read", path)
        return TextLayer()
    command = [pdftotext, "-bbox-layout", "-cropbox", "-q", "-f", str(index + 1), "-l", str(index + 1)]
    if password is not None:
        command += ["-upw", password, "-opw", password]
    try:
        done = subprocess.run([*command, str(path), "-"], capture_output=True, timeout=timeout, check=True)
        root = ElementTree.fromstring(done.stdout)
    except (OSError, subprocess.SubprocessError, ElementTree.ParseError) as exc:
        log.warning("%s: page %d: cannot read its text layer (%r); the page is read", path, index + 1, exc)
        return TextLayer()
    page = root.find(f".//{_XHTML}page")
    if page is None:
        return TextLayer()
    lines: list[tuple[LayerWord, ...]] = []
    for line in page.iter(f"{_XHTML}line"):
        words = tuple(
            (" ".join((w.text or "").split()), float(w.get("xMin", 0)), float(w.get("yMin", 0)),
             float(w.get("xMax", 0)), float(w.get("yMax", 0)))
            for w in line.iter(f"{_XHTML}word")
        )
        words = tuple(w for w in words if w[0] and w[3] > w[1] and w[4] > w[2])
        if words:
            lines.append(words)
    return TextLayer(tuple(lines), float(page.get("width", 0)), float(page.get("height", 0)))


def _syntax_errors(stderr: str) -> list[str]:
    """The distinct ``Syntax Error`` lines of poppler's ``stderr``, whitespace-collapsed, in order."""
    lines = (" ".join(line.split()) for line in stderr.splitlines())
    return list(dict.fromkeys(line for line in lines if line.startswith(_SYNTAX_ERROR)))


class Pdf2ImageOptions(Options):
    """Options of the pdf2image rasterizer."""

    password: str | None = Field(
        None, description="Password of an encrypted PDF: its user (open) or owner (permissions) password."
    )
    use_pdftocairo: bool = Field(False, description="Render with pdftocairo instead of pdftoppm.")
    grayscale: bool = Field(False, description="Render pages in grayscale (smaller, often as good for OCR).")
    timeout: float = Field(600, gt=0, description="Seconds allowed for poppler to render one page.")


class _WrongPassword(InputError):
    """The password given does not open the PDF (neither its user nor its owner password)."""


def _explain(path: Path, message: str, password: str | None) -> InputError:
    """One user-facing InputError for a poppler / pdf2image message about ``path``."""
    low = message.lower()
    # poppler repeats its complaints (one per attempt to recover): each distinct line once
    distinct = dict.fromkeys(" ".join(line.split()) for line in message.splitlines() if line.strip())
    text = "; ".join(distinct)[:300]
    if "password" in low or "encrypt" in low:
        if password is None:
            return InputError(
                f"{path}: PDF is password-protected; set input.options.password (--set input.options.password=...)"
            )
        return _WrongPassword(f"{path}: wrong password for this PDF (input.options.password)")
    # A truncated file also ends in "page count 0" (V13): it has no pages only when poppler found nothing
    # else wrong (no broken cross-reference or object besides the count).
    damaged = any(
        ("syntax error" in line or "internal error" in line or "couldn't" in line) and "page count 0" not in line
        for line in low.splitlines()
    )
    if ("page count 0" in low or "can not be after the last page (0)" in low) and not damaged:
        return InputError(f"{path}: PDF has no pages")
    if "no such file" in low:
        return InputError(f"{path}: no such file")
    if "unable to get page count" in low or "syntax error" in low or "couldn't" in low or "may not be a pdf" in low:
        return InputError(f"{path}: not a readable PDF (corrupt or truncated): {text}")
    return InputError(f"{path}: cannot read PDF: {text}")


class Pdf2ImageRasterizer(Rasterizer):
    """Rasterizes PDF pages with poppler through pdf2image, one page at a time."""

    extensions = (".pdf",)

    def __init__(self, options: Pdf2ImageOptions) -> None:
        """Keep the options; poppler is looked up when the first file is read."""
        self.options = options
        self._read_without_password: set[Path] = set()  # warned about once each
        self._warned_extract: set[Path] = set()  # encrypted PDFs denying extraction, warned about once each

    def _info(self, path: Path, first: int | None = None, last: int | None = None, *, password: str | None) -> dict:
        from pdf2image import pdfinfo_from_path
        from pdf2image.exceptions import PDFInfoNotInstalledError

        if not path.is_file():
            raise InputError(f"{path}: no such file")
        if path.stat().st_size == 0:
            raise InputError(f"{path}: file is empty (0 bytes)")
        try:
            return pdfinfo_from_path(
                str(path), userpw=password, ownerpw=password, timeout=self.options.timeout,
                first_page=first, last_page=last,
            )
        except PDFInfoNotInstalledError as exc:
            raise InputError("poppler is not installed (pdfinfo not found); install it with: apt-get install poppler-utils") from exc
        except Exception as exc:  # PDFPageCountError, PDFSyntaxError, timeouts, undecodable output
            raise _explain(path, str(exc), password) from exc

    def _password(self, path: Path) -> str | None:
        """The password poppler gets for ``path``: ``input.options.password``, given as both the user and
        the owner password (poppler opens the file with either). None without one, and when it is neither
        but the file opens without a password: a PDF with only an owner password (it restricts copying or
        printing) is readable by anyone, so it is read, with a warning. Raises InputError otherwise."""
        password = self.options.password
        if password is None:
            return None
        try:
            self._info(path, password=password)
            return password
        except _WrongPassword as wrong:
            try:
                self._info(path, password=None)
            except InputError:
                raise wrong from None
        if path not in self._read_without_password:
            self._read_without_password.add(path)
            log.warning(
                "%s: input.options.password is not this PDF's password, but the PDF needs none to be read "
                "(it has only an owner password); read without it", path,
            )
        return None

    def _open_errors(self, path: Path, password: str | None) -> set[str]:
        """``Syntax Error`` lines poppler prints on merely opening ``path`` (pdfinfo's stderr): repairs
        of the file's structure that every page's rendering repeats, so none of them marks one page."""
        pdfinfo = shutil.which("pdfinfo")
        if pdfinfo is None:
            return set()
        command = [pdfinfo, str(path)]
        if password is not None:
            command += ["-upw", password, "-opw", password]
        try:
            done = subprocess.run(command, capture_output=True, timeout=self.options.timeout, check=False)
        except (OSError, subprocess.SubprocessError):
            return set()
        return set(_syntax_errors(done.stderr.decode("utf-8", "replace")))

    def page_count(self, path: Path) -> int:
        """Number of pages (poppler's pdfinfo); InputError for corrupt, encrypted or empty files."""
        return self._page_count(path, self._password(path))

    def _page_count(self, path: Path, password: str | None) -> int:
        info = self._info(path, password=password)
        try:
            count = int(info["Pages"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{path}: not a readable PDF (no page count)") from exc
        if count <= 0:
            raise InputError(f"{path}: PDF has no pages")
        return count

    def _page_sizes(self, path: Path, count: int, password: str | None) -> dict[int, tuple[float, float]]:
        """CropBox sizes in points by 0-based page index (pdfinfo's ``Page N size`` lines)."""
        sizes: dict[int, tuple[float, float]] = {}
        for key, value in self._info(path, 1, count, password=password).items():
            match = _PAGE_SIZE.match(key.strip())
            nums = re.findall(r"[\d.]+", str(value))
            if match and len(nums) >= 2:
                with_rot = (float(nums[0]), float(nums[1]))
                sizes[int(match.group(1)) - 1] = with_rot
        return sizes

    def _fit_dpi(self, path: Path, index: int, dpi: float, size: tuple[float, float] | None) -> float:
        if size is None:
            return dpi
        w_px, h_px = size[0] * dpi / 72.0, size[1] * dpi / 72.0
        if w_px * h_px <= self.max_pixels:
            return dpi
        fitted = math.floor(dpi * math.sqrt(self.max_pixels / (w_px * h_px)) * 100) / 100
        # poppler rounds each side up: step down until the rendered page fits too (48737 x 2052 was over).
        while fitted >= 1 and math.ceil(size[0] * fitted / 72) * math.ceil(size[1] * fitted / 72) > self.max_pixels:
            fitted = round(fitted - 0.01, 2)
        if fitted < 1:
            raise InputError(
                f"{path}: page {index + 1} of {size[0]:.0f} x {size[1]:.0f} pt cannot be rendered within "
                f"input.max_pixels ({self.max_pixels:,})"
            )
        log.warning(
            "%s: page %d (%.0f x %.0f pt) at %g dpi exceeds input.max_pixels (%s); rendered at %g dpi",
            path, index + 1, size[0], size[1], dpi, f"{self.max_pixels:,}", fitted,
        )
        return fitted

    def iter_pages(self, path: Path, pages: PageRange, dpi: float) -> Iterator[PageImage]:
        """Render the selected pages one by one at ``dpi`` (lower if a page exceeds ``max_pixels``); with
        ``image_dpi``, a scanned page at its image's own resolution when lower (:func:`scan_dpi`).

        Never holds more than one page. Raises :class:`~ocrplug.errors.PageReadError` (an
        :class:`InputError`) naming the page for a page poppler cannot render.
        """
        password = self._password(path)
        count = self._page_count(path, password)
        sizes = self._page_sizes(path, count, password)
        with ExitStack() as stack:
            checked = self._checked_pdf(path, password, stack)
            yield from self._render_pages(path, pages, dpi, password, count, sizes, checked)

    def _checked_pdf(self, path: Path, password: str | None, stack: ExitStack) -> object | None:
        """``path`` opened with pikepdf (closed with ``stack``) for :func:`_image_problems` and
        :func:`scan_dpi`; None
        without pikepdf or when qpdf cannot open a file poppler reads (nothing is checked then)."""
        try:
            import pikepdf
        except ImportError:
            log.debug("pikepdf is not installed (ocrplug[pdf]): image data of PDF pages is not checked")
            return None
        try:
            return stack.enter_context(pikepdf.open(path, password=password or ""))
        except Exception as exc:
            log.debug("%s: pikepdf cannot open it (%r); image data not checked", path, exc)
            return None

    def _render_pages(
        self, path: Path, pages: PageRange, dpi: float, password: str | None, count: int,
        sizes: dict[int, tuple[float, float]], checked: object | None,
    ) -> Iterator[PageImage]:
        """The pages of :meth:`iter_pages`, rendered one by one; ``checked``: the PDF for
        :func:`_image_problems` (None: not checked)."""
        from pdf2image import convert_from_path
        from pdf2image.exceptions import PDFSyntaxError

        opening: set[str] | None = None  # pdfinfo's Syntax Error lines, looked up at the first page that has any
        for index in pages.indices(count):
            size = sizes.get(index)
            if size is not None and min(size) < MIN_PAGE_POINTS:
                # pdftoppm draws a 612 x 0 pt box as a 2550 x 1 px strip: an empty page, read without a word.
                raise PageReadError(
                    f"{path}: page {index + 1} is {size[0]:g} x {size[1]:g} pt (its CropBox or MediaBox is "
                    "empty): nothing to render", index,
                )
            own_dpi = scan_dpi(checked, index, sizes.get(index)) if self.image_dpi and checked is not None else None
            if own_dpi is not None and own_dpi < LOW_DPI:
                # The image that covers the page is no scan of its text (a 1 x 1 px background stretched
                # over it, V14: 0.55 dpi and an empty page) or too coarse to read at its own: ``dpi``.
                own_dpi = None
            page_dpi = self._fit_dpi(path, index, min(own_dpi or dpi, dpi), sizes.get(index))

            def render(strict: bool, page_dpi: float = page_dpi, index: int = index) -> list:
                # Pillow's decompression-bomb warning is ours to give: the page fits input.max_pixels (above).
                with decoding(path, self.max_pixels):
                    return convert_from_path(
                        str(path),
                        dpi=page_dpi,
                        first_page=index + 1,
                        last_page=index + 1,
                        userpw=password,
                        ownerpw=password,
                        use_pdftocairo=self.options.use_pdftocairo,
                        use_cropbox=True,
                        grayscale=self.options.grayscale,
                        timeout=self.options.timeout,
                        strict=strict,
                    )

            warnings: list[str] = []  # the page's, for PageImage.warnings (one sentence per page)
            reasons: list[str] = []
            try:
                own: list[str] = []
                try:
                    images = render(strict=True)
                except PDFSyntaxError as syntax:
                    if opening is None:
                        opening = self._open_errors(path, password)
                    own = [line for line in _syntax_errors(str(syntax)) if line not in opening]
                    images = render(strict=False)  # draw what poppler can; judged below
                if not images:
                    raise PageReadError(f"{path}: page {index + 1} could not be rendered", index)
                with images[0] as img, decoding(path, self.max_pixels):
                    array = normalize_image(img)
                if own:
                    errors = "; ".join(own)[:300]
                    if int(array.max()) - int(array.min()) < _BLANK_LEVELS:
                        # Nothing drawn: the page's content is lost, not blank paper.
                        raise PageReadError(
                            f"{path}: page {index + 1} could not be read (poppler drew nothing): {errors}", index
                        )
                    # Real files often carry errors poppler recovers from (a font's weight, one bad
                    # operator); what it drew is read, and the user is told the page may be incomplete.
                    reasons.append(f"poppler: {errors}")
                if checked is not None:
                    with decoding(path, self.max_pixels):
                        damaged = _image_problems(checked, index)
                    if damaged:  # poppler drew the image's top part and said nothing (a JPEG cut short)
                        reasons.append(f"damaged image data: {'; '.join(damaged)[:300]}")
                if reasons:
                    warnings.append(f"{path}: page {index + 1} may be incomplete ({'; '.join(reasons)}); read as drawn")
                    log.warning("%s", warnings[-1])
            except InputError:
                raise
            except Exception as exc:  # poppler errors, timeouts, unreadable renderer output
                error = _explain(path, str(exc) or type(exc).__name__, password)
                raise PageReadError(f"{error} (page {index + 1})", index) from exc
            source, layer = self._text_source(path, index, password, float(page_dpi), checked, sizes.get(index), array)
            yield PageImage(
                image=np.ascontiguousarray(array), index=index, source=str(path), dpi=float(page_dpi),
                warnings=tuple(warnings), text_source=source, text_layer=layer, password=password,
            )

    def _text_source(
        self, path: Path, index: int, password: str | None, dpi: float, checked: object | None,
        size: tuple[float, float] | None, image: np.ndarray,
    ) -> tuple[str, tuple[Region, ...]]:
        """How page ``index`` is read under ``text_pages`` (:attr:`PageImage.text_source`) and its text
        layer's regions at ``dpi`` when they are its words: ``("ocr", ())`` unless the page already holds
        text. The layer's words that show no ink on the rendered page (``image``, :meth:`TextLayer.visible`)
        are left out; the page holds text when words remain and either it is no scan (:func:`scanned_under`
        of ``checked``, the pikepdf PDF; without it every page may be one) or, under a full-page image, its
        layer is an earlier OCR's (invisible, :attr:`TextDrawing.ocr_layer`) of at least
        :data:`TEXT_CHARS_PER_SQIN`, or its text is visible and at most :data:`INK_OUTSIDE_LAYER` of the
        page's ink lies outside their boxes (a scan with a stamp as text is read; a slide's title over a
        picture is text).
        Under ``text-layer`` a page whose text does not run left to right (:func:`text_drawing`, or boxes
        taller than wide) or is drawn in Type3 fonts is read too."""
        if self.text_pages not in ("skip", "text-layer"):
            return "ocr", ()
        layer = text_layer(path, index, password, self.options.timeout)
        if not layer.chars:
            return "ocr", ()
        ink, shrink = ink_map(image, dpi)
        per_point = shrink * dpi / 72.0
        seen = layer.visible(ink, per_point)
        if seen.chars < layer.chars:
            log.info("%s: page %d: %d of the text layer's %d characters show no ink (hidden text): left out",
                     path, index + 1, layer.chars - seen.chars, layer.chars)
        if not seen.chars:
            return "ocr", ()
        drawing = text_drawing(checked, index) if checked is not None else TextDrawing()
        if checked is None or scanned_under(checked, index, size):
            if drawing.ocr_layer:
                if seen.density < TEXT_CHARS_PER_SQIN:
                    return "ocr", ()  # a scan with a few words of an earlier OCR
            elif seen.ink_outside(ink, per_point) > INK_OUTSIDE_LAYER:
                return "ocr", ()  # a scan with a page number or a stamp as text: its words are in the image
        if self.text_pages == "skip":
            log.info("%s: page %d holds text (%d characters): not read (input.text_pages: skip)", path, index + 1, seen.chars)
            return "skipped", ()
        if not seen.upright or drawing.turned:
            log.info("%s: page %d: its text layer does not run left to right (a turned page or vertical text); "
                     "the page is read (input.text_pages: text-layer)", path, index + 1)
            return "ocr", ()
        if 2 * drawing.type3 > drawing.chars:
            log.info("%s: page %d: its text is drawn in Type3 fonts (word boxes from the fonts' matrices, not "
                     "the ink); the page is read (input.text_pages: text-layer)", path, index + 1)
            return "ocr", ()
        self._warn_no_extract(path, checked)
        return "text-layer", seen.regions(dpi / 72.0)

    def _warn_no_extract(self, path: Path, checked: object | None) -> None:
        """Warn once per file when an encrypted PDF's permissions deny extracting its text, which
        ``text-layer`` does (the owner's restriction is not enforced by poppler, nor here)."""
        if checked is None or path in self._warned_extract or not getattr(checked, "is_encrypted", False):
            return
        self._warned_extract.add(path)
        if not getattr(checked.allow, "extract", True):  # type: ignore[attr-defined]
            log.warning("%s: the PDF's permissions deny extracting its text; its text layer is used anyway "
                        "(input.text_pages: text-layer)", path)
