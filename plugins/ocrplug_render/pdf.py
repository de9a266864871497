"""The ``pdf`` renderer: a searchable PDF, each page's image under an invisible text layer.

Every word is written with text render mode 3 (invisible) in a glyphless font. A line is one
straight run: its direction snapped to the nearest right angle when within :data:`SNAP_DEG` (a skewed
scan's lines become level runs), one baseline through the line's starting edge, font size the
line's height, each word horizontally scaled to its own extent along the line; so ``pdftotext`` and a viewer's selection give
whole words in reading order, and searching lands on the word in the image (docs/renderers.md). Text is
encoded through a per-document ToUnicode map, so any Unicode text (accents, CJK, right-to-left)
extracts as recognized.

Streaming: each page is written to its own small temporary PDF as it arrives (its JPEG is not kept
in memory); ``close()`` joins them with pikepdf, which copies the page streams from those files
while saving. pikepdf (the ``render`` extra) and fontTools are imported only when a session opens.
"""

from __future__ import annotations

import contextlib
import functools
import io
import itertools
import logging
import math
import shutil
import warnings
import zlib
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import Field

from ocrplug.api import (
    DocumentInfo,
    Options,
    Page,
    PageFailure,
    PageImage,
    PluginError,
    Region,
    RenderSession,
    is_rtl,
    require,
    temporary_dir,
)
from ocrplug.api import __version__ as ocrplug_version
from ocrplug_render.common import (
    DocumentFileRenderer,
    StreamedPath,
    escape_surrogates,
    failure_note,
    output_path,
    page_layout,
)

log = logging.getLogger(__name__)

__all__ = ["SNAP_DEG", "WORD_GAP", "PdfOptions", "PdfRenderer", "glyphless_font", "line_frame"]

FONT_NAME = "OcrplugGlyphless"
# Font metrics in 1/1000 em: ascent + |descent| = 1 em, so a font size equal to the word's height
# makes the glyph box span the word from top to bottom; every glyph advances half an em.
ASCENT, DESCENT, ADVANCE = 800, -200, 500
# Join the per-page files into a chunk once this many are open (keeps open file handles bounded).
_CHUNK = 128


class PdfOptions(Options):
    """Options of the ``pdf`` renderer."""

    image_format: Literal["jpeg", "lossless"] = Field(
        "jpeg", description="how page images are stored: jpeg (small) or lossless (Flate, exact pixels)"
    )
    jpeg_quality: int = Field(85, ge=1, le=100, description="JPEG quality (1-100) when image_format is jpeg")
    grayscale: bool = Field(False, description="store page images in grayscale (smaller files)")
    dpi: float = Field(
        300.0, gt=0, description="resolution used for the page size when a page does not state its dpi"
    )
    suffix: str = Field(".pdf", description="file name suffix of the output, after the document stem")


@functools.lru_cache(maxsize=1)
def glyphless_font() -> bytes:
    """A TrueType font whose glyphs are all empty (made with fontTools), for invisible text."""
    fb_mod = require("fontTools.fontBuilder", "pdf", "render")
    pen_mod = require("fontTools.pens.ttGlyphPen", "pdf", "render")
    fb = fb_mod.FontBuilder(1000, isTTF=True)
    fb.setupGlyphOrder([".notdef", "blank"])
    fb.setupCharacterMap({0x20: "blank"})
    empty = pen_mod.TTGlyphPen(None).glyph()
    fb.setupGlyf({".notdef": empty, "blank": empty})
    fb.setupHorizontalMetrics({".notdef": (ADVANCE, 0), "blank": (ADVANCE, 0)})
    fb.setupHorizontalHeader(ascent=ASCENT, descent=DESCENT)
    fb.setupNameTable({"familyName": FONT_NAME, "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=ASCENT, sTypoDescender=DESCENT, usWinAscent=ASCENT, usWinDescent=-DESCENT)
    fb.setupPost()
    buf = io.BytesIO()
    fb.save(buf)
    return buf.getvalue()


def _to_unicode_cmap(chars: dict[str, int]) -> bytes:
    """A ToUnicode CMap mapping each 2-byte code (CID) back to its character."""
    entries = sorted((cid, ch) for ch, cid in chars.items())
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <FFFF>",
        "endcodespacerange",
    ]
    # The CMap syntax allows at most 100 entries per bfchar section.
    for start in range(0, len(entries), 100):
        chunk = entries[start:start + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        for cid, ch in chunk:
            lines.append(f"<{cid:04X}> <{ch.encode('utf-16-be').hex().upper()}>")
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return ("\n".join(lines) + "\n").encode("ascii")


def _font_object(pdf: Any, chars: dict[str, int]) -> Any:
    """The Type0 font (Identity-H, glyphless TrueType descendant) with its ToUnicode map."""
    pikepdf = require("pikepdf", "pdf", "render")
    Name, Dictionary, Array = pikepdf.Name, pikepdf.Dictionary, pikepdf.Array
    font_file = pikepdf.Stream(pdf, glyphless_font())
    descriptor = pdf.make_indirect(Dictionary(
        Type=Name.FontDescriptor, FontName=Name("/" + FONT_NAME), Flags=4,
        FontBBox=Array([0, DESCENT, ADVANCE, ASCENT]), ItalicAngle=0, Ascent=ASCENT, Descent=DESCENT,
        CapHeight=ASCENT, StemV=80, FontFile2=font_file,
    ))
    max_cid = max(chars.values(), default=0)
    # Every CID shows glyph 1 (empty); the map is one big-endian GID per CID.
    gid_map = pikepdf.Stream(pdf, zlib.compress(b"\x00\x01" * (max_cid + 1)))
    gid_map.Filter = Name.FlateDecode
    cid_font = pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.CIDFontType2, BaseFont=Name("/" + FONT_NAME),
        CIDSystemInfo=Dictionary(Registry=pikepdf.String("Adobe"), Ordering=pikepdf.String("Identity"), Supplement=0),
        FontDescriptor=descriptor, DW=ADVANCE, CIDToGIDMap=gid_map,
    ))
    to_unicode = pikepdf.Stream(pdf, zlib.compress(_to_unicode_cmap(chars)))
    to_unicode.Filter = Name.FlateDecode
    return pdf.make_indirect(Dictionary(
        Type=Name.Font, Subtype=Name.Type0, BaseFont=Name("/" + FONT_NAME), Encoding=Name("/Identity-H"),
        DescendantFonts=Array([cid_font]), ToUnicode=to_unicode,
    ))


#: Lines whose text direction lies within this many degrees of a right angle are written exactly at that
#: right angle (a skewed scan's lines as level runs). PDF text extractors build lines only along the four
#: axis directions: poppler's pdftotext (TextOutputDev.cc) sorts each character into one of four
#: rotations and breaks a word where its baseline drifts, so words drawn at 2 degrees came out cut
#: ("composit" / "ion") and lines interleaved (skew.pdf, docs/benchmarks.md "Text layers on skewed
#: pages"). 10 degrees covers scanner skew; steeper text keeps its own direction.
SNAP_DEG = 10.0




def line_frame(quad: Any) -> tuple[float, float]:
    """The direction a line's words are written in and the line's height, in PDF points (y up).

    ``quad``: the line's corners (tl, tr, br, bl) in points, y up, as a (4, 2) array. Returns
    ``(angle, height)``: ``angle`` (radians, counter-clockwise) is the line's direction, snapped to the
    nearest multiple of 90 degrees when within :data:`SNAP_DEG`; ``height`` the line's height across
    its own direction (the skew does not inflate it).
    """
    tl, tr, br, bl = np.asarray(quad, dtype=np.float64)
    d = (tr - tl) + (br - bl)
    angle = math.atan2(d[1], d[0])
    right = round(angle / (math.pi / 2)) * (math.pi / 2)
    if abs(math.degrees(angle - right)) <= SNAP_DEG:
        angle = right
    return angle, float((np.linalg.norm(tl - bl) + np.linalg.norm(tr - br)) / 2)


#: Least gap between consecutive words of a run, in line heights: twice poppler's word-break threshold
#: (``minWordBreakSpace``, 0.1 x font size, TextOutputDev.cc), so extractors see the space; word
#: boxes that touch or overlap (CTC time steps, dilated detector boxes) ran words together ("willplay").
WORD_GAP = 0.2


def _separated(spans: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    """Word extents along a run, pulled apart to at least ``gap`` where consecutive ones come closer.

    The boundary moves to the middle of the two words' gap (or overlap) and each side is pulled back by
    half ``gap``, never by more than half a word. Words running backwards along the run (right-to-left
    text) are left as they are.
    """
    out = [list(s) for s in spans]
    for a, b in itertools.pairwise(out):
        if b[0] <= a[0] or b[0] - a[1] >= gap:
            continue
        middle = (a[1] + b[0]) / 2
        a[1] = max(a[0] + (a[1] - a[0]) / 2, middle - gap / 2)
        b[0] = min(b[0] + (b[1] - b[0]) / 2, middle + gap / 2)
    return [(s[0], s[1]) for s in out]


def _line_ops(line_quad: Any, words: list[tuple[Region, bytes, int]], scale: tuple[float, float],
              height_pt: float, pikepdf: Any) -> list[tuple[list[Any], Any]]:
    """Text operators writing one line's words as one straight run (page pixels -> PDF points, y up).

    The run goes in the line's direction snapped by :func:`line_frame` (level on a skewed scan), at the
    line's height, on one baseline through the middle of the line's starting edge; every word covers
    its own extent along the line (horizontal scaling to fit), consecutive words at least
    :data:`WORD_GAP` apart. ``words``: (word, its text codes, number of codes). ``scale`` is points
    per pixel along x and y.
    """

    def to_pt(quad: Any) -> np.ndarray:
        q = np.asarray(quad, dtype=np.float64) * np.asarray(scale, dtype=np.float64)
        q[:, 1] = height_pt - q[:, 1]  # PDF y grows upwards
        return q

    line = to_pt(line_quad)
    angle, height = line_frame(line)
    if height <= 0:
        return []
    c, s = math.cos(angle), math.sin(angle)
    u, v = np.array([c, s]), np.array([-s, c])
    # One baseline for the whole line, through the middle of the edge where its text starts: the lines
    # of a paragraph start together, so there they keep their true spacing; anchored at the middle of
    # the line, a long skewed line's run came within half a font size of the next line's and poppler
    # interleaved the two (skew.pdf: 0.987 of the words whole, 0.996 anchored at the start).
    start_mid = (line[0] + line[3]) / 2
    base = float(start_mid @ v) - height / 2 + height * (-DESCENT / 1000)  # glyph box: descent to ascent
    op = pikepdf.Operator
    ops: list[tuple[list[Any], Any]] = [([pikepdf.Name("/F1"), round(height, 3)], op("Tf"))]
    spans = _separated([(float((to_pt(w.quad) @ u).min()), float((to_pt(w.quad) @ u).max())) for w, _, _ in words],
                       WORD_GAP * height)
    for (_, codes, n_codes), (start, end) in zip(words, spans, strict=True):
        width = end - start
        if width <= 0 or n_codes == 0:
            continue
        natural = n_codes * height * ADVANCE / 1000
        origin = start * u + base * v
        ops += [
            ([round(100 * width / natural, 3)], op("Tz")),
            ([round(c, 6), round(s, 6), round(-s, 6), round(c, 6), round(float(origin[0]), 3),
              round(float(origin[1]), 3)], op("Tm")),
            ([pikepdf.String(codes)], op("Tj")),
        ]
    return ops


#: Document-level entries of the catalog (PDF 1.7, 7.7.2) carried from the source when every page of the
#: output is its page kept as it is, in its order: they point into those pages (form fields' widgets,
#: bookmarks' and named destinations) or are about the whole document.
WHOLE_DOCUMENT_KEYS = ("/AcroForm", "/Outlines", "/Names", "/Dests", "/ViewerPreferences", "/PageMode",
                       "/PageLayout", "/Lang")
#: Entries of the document information dictionary carried from the source whenever a page is kept.
INFO_KEYS = ("/Title", "/Author", "/Subject", "/Keywords", "/CreationDate")


def carry_document(out: Any, source: Any, origin: list[int | None], kept: set[int]) -> list[str]:
    """Carry the source PDF's document-level entries into the output ``out`` (both pikepdf PDFs, the pages
    already in ``out``): its information (:data:`INFO_KEYS`, the title instead of the file name); its page
    labels when the output holds every page of the source in order (``origin``: each output page's
    0-based source page); :data:`WHOLE_DOCUMENT_KEYS` when moreover every page was kept as it is
    (``kept``: those output pages). Returns the names of the source's entries left out, after warning
    once naming them (a page was OCRed or left out: the form, bookmarks and destinations point into
    pages the output does not hold as they were)."""
    pikepdf = require("pikepdf", "pdf", "render")

    def copy(obj: Any) -> Any:
        if isinstance(obj, pikepdf.Object) and not obj.is_indirect and isinstance(obj, pikepdf.Dictionary | pikepdf.Array):
            obj = source.make_indirect(obj)
        return out.copy_foreign(obj) if isinstance(obj, pikepdf.Object) and obj.is_indirect else obj

    for key in INFO_KEYS:
        if key in source.docinfo:
            out.docinfo[key] = source.docinfo[key]
    whole = origin == list(range(len(source.pages)))
    every_kept = whole and len(kept) == len(origin)
    dropped: list[str] = []
    root = source.Root
    if "/PageLabels" in root:
        if whole:
            out.Root.PageLabels = copy(root.PageLabels)
        else:
            dropped.append("/PageLabels")
    for key in WHOLE_DOCUMENT_KEYS:
        if key not in root:
            continue
        if every_kept:
            out.Root[key] = copy(root[key])
        else:
            dropped.append(key)
    if dropped:
        log.warning("pdf renderer: %s: the output PDF leaves out the source's %s (they point into pages that "
                    "were OCRed or not selected)", Path(source.filename).name,
                    ", ".join(k.lstrip("/") for k in dropped))
    return dropped



def _inherited(page: Any, key: str) -> Any:
    """A page attribute, looked up through the page tree (PDF 1.7, 7.7.3.4: /Rotate is inheritable)."""
    node = page
    for _ in range(64):
        if node is None:
            return None
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


def graft_page(out: Any, number: int, page: Any) -> None:
    """Put the content and resources of ``page`` (a page of another pikepdf PDF: an image with its invisible
    words, drawn upright in ``[0 0 w h]``) on page ``number`` of ``out`` in place of that page's own, keeping
    the page object and what points to it: its annotations (links, form widgets), bookmarks, destinations.

    The page keeps its boxes and ``/Rotate``: the new content is scaled onto the CropBox as displayed
    (the rasterizer renders the CropBox turned by ``/Rotate``, docs/inputs) and turned back, so the image
    covers what the page showed and annotations stay over the same place. Its thumbnail is dropped (stale).
    """
    pikepdf = require("pikepdf", "pdf", "render")
    out.pages.append(page)  # copies the page's objects into ``out``
    copied = out.pages[-1]
    contents, resources = copied.obj.Contents, copied.obj.Resources
    w, h = (float(v) for v in (copied.mediabox[2], copied.mediabox[3]))
    del out.pages[-1]
    target = out.pages[number]
    x0, y0, x1, y1 = (float(v) for v in target.cropbox)
    x0, x1, y0, y1 = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
    rotate = int(_inherited(target.obj, "/Rotate") or 0) % 360
    shown_w, shown_h = (x1 - x0, y1 - y0) if rotate in (0, 180) else (y1 - y0, x1 - x0)
    # Displayed coordinates (X, Y), origin at the displayed bottom-left -> the page's user space.
    turn = {0: (1, 0, 0, 1, x0, y0), 90: (0, 1, -1, 0, x1, y0), 180: (-1, 0, 0, -1, x1, y1),
            270: (0, -1, 1, 0, x0, y1)}.get(rotate, (1, 0, 0, 1, x0, y0))
    scale = (shown_w / w if w > 0 else 1.0, 0, 0, shown_h / h if h > 0 else 1.0, 0, 0)
    op = pikepdf.Operator
    head = pikepdf.unparse_content_stream([([], op("q")), ([round(v, 6) for v in turn], op("cm")),
                                            ([round(v, 6) for v in scale], op("cm"))])
    parts = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
    target.obj.Contents = pikepdf.Array([out.make_stream(head + b"\n"), *parts, out.make_stream(b"\nQ\n")])
    target.obj.Resources = resources
    if "/Thumb" in target.obj:
        del target.obj.Thumb


class PdfSession(RenderSession):
    """Writes each page to a temporary one-page PDF; ``close`` joins them into the output."""

    def __init__(self, info: DocumentInfo, options: PdfOptions) -> None:
        """Prepare the temporary folder beside the output."""
        self.pikepdf = require("pikepdf", "pdf", "render")
        glyphless_font()  # fail early (MissingExtraError) rather than at close
        self.info = info
        self.options = options
        self.path = output_path(info, options.suffix)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.workdir = temporary_dir(self.path.parent, info.stem)
        # The output's pages in order, each (file, 0-based page in it): a temporary one-page file, a chunk
        # of them, or the source PDF itself for a page kept as it is (copied from there at close, all in
        # one output, so the objects they share -- fonts, images, forms -- are written once).
        self.entries: list[tuple[Path, int]] = []
        self.page_files: list[Path] = []  # temporary one-page files not yet joined into a chunk
        self.pages_read = 0  # pages with an image (failure notes alone make no PDF)
        self.last_size: tuple[float, float] | None = None  # points, for the size of a failure note
        self.chunk_files: list[Path] = []
        # Character -> 2-byte code shared by every page; written as the font's ToUnicode map at close.
        self.codes: dict[str, int] = {}
        self.kept: set[int] = set()  # 0-based output pages copied from the source PDF (their fonts are theirs)
        self.sources: dict[Path, bool] = {}  # source PDFs looked at: whether pikepdf opens them
        self.origin: list[int | None] = []  # each output page's 0-based page of the input (parallel to entries)
        # Each output page's source file (None for a failure note) and the password it was read with.
        self.page_sources: list[str | None] = []
        self.passwords: dict[str, str | None] = {}
        self.based = False  # whether the last join used the input PDF as the output's base

    def _encode(self, text: str) -> bytes:
        out = bytearray()
        for ch in text:
            cid = self.codes.get(ch)
            if cid is None:
                cid = len(self.codes) + 1
                if cid > 0xFFFF:
                    continue  # more than 65535 distinct characters in one document: drop the rest
                self.codes[ch] = cid
            out += cid.to_bytes(2, "big")
        return bytes(out)

    def _image_stream(self, pdf: Any, image: np.ndarray) -> Any:
        pikepdf = self.pikepdf
        from PIL import Image

        pil = Image.fromarray(np.ascontiguousarray(image[..., :3], dtype=np.uint8))
        if self.options.grayscale:
            pil = pil.convert("L")
        colorspace = pikepdf.Name.DeviceGray if pil.mode == "L" else pikepdf.Name.DeviceRGB
        if self.options.image_format == "jpeg":
            buf = io.BytesIO()
            pil.save(buf, format="JPEG", quality=self.options.jpeg_quality)
            stream = pikepdf.Stream(pdf, buf.getvalue())
            stream.Filter = pikepdf.Name.DCTDecode
        else:
            stream = pikepdf.Stream(pdf, zlib.compress(pil.tobytes(), 6))
            stream.Filter = pikepdf.Name.FlateDecode
        stream.Type = pikepdf.Name.XObject
        stream.Subtype = pikepdf.Name.Image
        stream.Width, stream.Height = pil.size
        stream.ColorSpace = colorspace
        stream.BitsPerComponent = 8
        return stream

    def add_page(self, page: Page, image: PageImage | None) -> None:
        """Write the page (image and invisible words) to its temporary PDF; a page that already held text
        (``page.text_source`` ``skipped`` or ``text-layer``, ``input.text_pages``) is the source PDF's
        page copied as it is (its own text layer, never doubled), or, when that file cannot be opened
        again (an encrypted PDF), its image with the words as any page."""
        if image is None:
            raise PluginError(f"pdf renderer: page {page.index + 1} of {page.source} came without its image")
        if page.text_source != "ocr" and self._copy_original(page, image):
            return
        pikepdf = self.pikepdf
        dpi_x, dpi_y = page.resolution or image.resolution or (self.options.dpi, self.options.dpi)
        scale = (72.0 / dpi_x, 72.0 / dpi_y)  # a fax is 204 x 98 dpi: each axis has its own
        w_pt, h_pt = page.width * scale[0], page.height * scale[1]
        pdf = pikepdf.Pdf.new()
        ops: list[tuple[list[Any], Any]] = [
            ([], pikepdf.Operator("q")),
            ([w_pt, 0, 0, h_pt, 0, 0], pikepdf.Operator("cm")),
            ([pikepdf.Name("/Im0")], pikepdf.Operator("Do")),
            ([], pikepdf.Operator("Q")),
            ([], pikepdf.Operator("BT")),
            ([3], pikepdf.Operator("Tr")),
        ]
        for block in page_layout(page):
            for line in block.lines:
                words = []
                for word in line.words:
                    text = (word.text or "").strip()
                    if not text:
                        continue
                    if is_rtl(text):
                        # Readers assume right-to-left glyphs are drawn in visual order (right to left
                        # means reversed when laid out left to right) and reverse them back on extraction.
                        text = text[::-1]
                    codes = self._encode(text)
                    words.append((word, codes, len(codes) // 2))
                if words:
                    ops.extend(_line_ops(line.quad, words, scale, h_pt, pikepdf))
        ops.append(([], pikepdf.Operator("ET")))
        content = pikepdf.Stream(pdf, pikepdf.unparse_content_stream(ops))
        pdf_page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, round(w_pt, 4), round(h_pt, 4)],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=self._image_stream(pdf, image.image))),
            Contents=content,
        )
        self._save_page(pdf, pdf_page)
        self.origin.append(page.index)
        self._note_source(image)
        self.pages_read += 1
        self.last_size = (w_pt, h_pt)

    def _note_source(self, image: PageImage) -> None:
        self.page_sources.append(str(image.source))
        self.passwords.setdefault(str(image.source), image.password)

    def _copy_original(self, page: Page, image: PageImage) -> bool:
        """Put page ``page.index`` of the PDF ``image.source`` in the output as it is (copied at close); False
        (nothing written) when that file cannot be opened or has no such page."""
        source = Path(image.source)
        try:
            with self.pikepdf.open(source, password=image.password or "") as pdf:
                if not 0 <= page.index < len(pdf.pages):
                    return False
                box = [float(v) for v in pdf.pages[page.index].trimbox]
                if source not in self.sources:
                    self.sources[source] = True
                    self._warn_encrypted(source, pdf)
        except Exception as exc:  # an encrypted or vanished file: the page is written from its image
            if self.sources.get(source) is not False:
                log.warning("pdf renderer: %s cannot be opened again (%s); its pages that held text are written "
                            "from their images with their words as invisible text, and the output is not "
                            "encrypted", source, type(exc).__name__)
            self.sources[source] = False
            return False
        self.kept.add(len(self.entries))
        self.entries.append((source, page.index))
        self.origin.append(page.index)
        self._note_source(image)
        self.pages_read += 1
        self.last_size = (abs(box[2] - box[0]), abs(box[3] - box[1]))
        return True

    @staticmethod
    def _warn_encrypted(source: Path, pdf: Any) -> None:
        """Warn that the output of an encrypted ``source`` (pikepdf ``pdf``) is written unencrypted, naming the
        permissions it restricted (OCRmyPDF refuses such input; ocrplug reads it and says so)."""
        if not pdf.is_encrypted:
            return
        allow = pdf.allow
        denied = [name for name in ("extract", "modify_other", "print_highres", "modify_form", "modify_annotation",
                                    "modify_assembly", "accessibility")
                  if not getattr(allow, name, True)]
        log.warning("pdf renderer: %s is encrypted%s; the output PDF is written without encryption or "
                    "permissions", source, f" (it denies: {', '.join(denied)})" if denied else "")

    def _save_page(self, pdf: Any, pdf_page: Any) -> None:
        """Save ``pdf`` with ``pdf_page`` appended as the next page file."""
        pdf.pages.append(self.pikepdf.Page(pdf_page))
        path = self.workdir / f"page{len(self.entries):06d}.pdf"
        pdf.save(path)
        pdf.close()
        self.entries.append((path, 0))
        self.page_files.append(path)
        if len(self.page_files) >= _CHUNK:
            self._compact()

    def add_failure(self, failure: PageFailure) -> None:
        """Put a blank page with a visible note where a page failed, so page numbers stay aligned.

        The page has the size of the page before it (US Letter when it is the first one).
        """
        if failure.index is None:
            return  # the whole input failed before its first page
        pikepdf = self.pikepdf
        w_pt, h_pt = self.last_size or (612.0, 792.0)
        # Helvetica (a standard font every reader has) in WinAnsi: the note is kept to ASCII.
        note = failure_note(failure).encode("ascii", "backslashreplace").decode("ascii")
        op = pikepdf.Operator
        ops: list[tuple[list[Any], Any]] = [([], op("BT")), ([pikepdf.Name("/F2"), 9], op("Tf")), ([11], op("TL")),
                                             ([36, h_pt - 48], op("Td"))]
        for k in range(0, len(note), 90):
            ops.append(([pikepdf.String(note[k:k + 90])], op("'")))
        ops.append(([], op("ET")))
        pdf = pikepdf.Pdf.new()
        helvetica = pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding,
        )
        pdf_page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, round(w_pt, 4), round(h_pt, 4)],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F2=helvetica)),
            Contents=pikepdf.Stream(pdf, pikepdf.unparse_content_stream(ops)),
        )
        self._save_page(pdf, pdf_page)
        self.origin.append(failure.index)
        self.page_sources.append(None)

    def _join(self, entries: list[tuple[Path, int]], target: Path, finish: bool = False, based: bool = True) -> None:
        """Write the pages ``entries`` ((file, 0-based page)) in order into ``target``; each file is opened
        once, so what its pages share is copied once. ``finish``: the final output (shared font, metadata,
        the source's document-level entries). When the output holds every page of one input PDF in its
        order (:meth:`_whole_source`), that PDF is the output's base and each page read is grafted onto its
        own page (:func:`graft_page`): its form, bookmarks, links and other annotations stay as they were
        (``based`` False: never)."""
        pikepdf = self.pikepdf
        base = self._whole_source() if finish and based else None
        self.based = base is not None
        out = base if base is not None else pikepdf.Pdf.new()
        opened: dict[Path, Any] = {}
        dropped: list[str] = []
        try:
            for number_out, (path, number) in enumerate(entries):
                if base is not None and number_out in self.kept:
                    continue  # the base's own page, as it is
                if path not in opened:
                    opened[path] = pikepdf.Pdf.open(path, password=self.passwords.get(str(path)) or "")
                if base is not None:
                    graft_page(base, number_out, opened[path].pages[number])
                else:
                    out.pages.append(opened[path].pages[number])
            if finish:
                shared = _font_object(out, self.codes)
                for number, pg in enumerate(out.pages):
                    if number in self.kept:  # a source page copied as it is keeps its own fonts
                        continue
                    if pikepdf.Name.Font in pg.Resources:  # a failure note page keeps its Helvetica
                        pg.Resources.Font.F1 = shared
                    else:
                        pg.Resources.Font = pikepdf.Dictionary(F1=shared)
                read = len(self.kept) < len(out.pages)
                with out.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
                    meta["xmp:CreatorTool"] = f"ocrplug {ocrplug_version}"
                    if base is not None and read and meta.get("pdfaid:part"):
                        # Pages were replaced by images and text no validator has checked: claim no PDF/A.
                        log.warning("pdf renderer: %s claims PDF/A-%s%s; the output, with pages replaced by their "
                                    "images, does not claim it (it is not checked for PDF/A)",
                                    Path(str(base.filename)).name, meta.get("pdfaid:part"),
                                    str(meta.get("pdfaid:conformance") or "").lower())
                        for key in ("pdfaid:part", "pdfaid:conformance", "pdfaid:amd"):
                            if key in meta:
                                del meta[key]
                out.docinfo[pikepdf.Name.Creator] = f"ocrplug {ocrplug_version}"
                if base is None or pikepdf.Name.Title not in out.docinfo:
                    out.docinfo[pikepdf.Name.Title] = escape_surrogates(Path(self.info.source).name)
                if self.kept and base is None:
                    dropped = carry_document(out, opened[entries[min(self.kept)][0]], self.origin, self.kept)
            # Streams are read from the (still open) source files while saving. Pages copied into a new PDF
            # without their document's /AcroForm make pikepdf warn with advice to its own callers; the
            # renderer says it once in its own words (or carry_document already named the form left out).
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", pikepdf.PageCopyWarning)
                out.save(target)
            for warning in caught:
                if not issubclass(warning.category, pikepdf.PageCopyWarning):
                    warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
                elif finish and "/AcroForm" not in dropped:
                    dropped.append("/AcroForm")
                    log.warning("pdf renderer: %s: form fields of the input's pages are written as plain annotations "
                                "(the input's form, /AcroForm, is not carried when only some of its pages are in "
                                "the output)", Path(self.info.source).name)
        finally:
            out.close()
            for src in opened.values():
                src.close()

    def _whole_source(self) -> Any | None:
        """The input PDF (opened with pikepdf) when the output's pages are each of its pages once, in its order
        (read, kept or failed); None otherwise (pages of several inputs, a selection, an image input)."""
        names = {name for name in self.page_sources if name is not None}
        if len(names) != 1 or self.origin != list(range(len(self.origin))):
            return None
        (name,) = names
        try:
            with open(name, "rb") as handle:
                if b"%PDF-" not in handle.read(1024):
                    return None
            pdf = self.pikepdf.open(name, password=self.passwords.get(name) or "")
        except Exception:  # not a PDF pikepdf opens: the output is built anew
            return None
        if len(pdf.pages) != len(self.origin):
            pdf.close()
            return None
        if Path(name) not in self.sources:  # not warned about by a kept page
            self.sources[Path(name)] = True
            self._warn_encrypted(Path(name), pdf)
        return pdf

    def _compact(self) -> None:
        chunk = self.workdir / f"chunk{len(self.chunk_files):06d}.pdf"
        self._join([(path, 0) for path in self.page_files], chunk)
        where = {path: (chunk, number) for number, path in enumerate(self.page_files)}
        self.entries = [where.get(path, (path, number)) if number == 0 else (path, number)
                        for path, number in self.entries]
        for path in self.page_files:
            path.unlink()
        self.page_files = []
        self.chunk_files.append(chunk)

    def close(self) -> list[Path]:
        """Join the pages, add the shared font, and write the output atomically.

        A document without any page read (every page failed) writes no PDF.
        """
        if not self.pages_read:
            shutil.rmtree(self.workdir, ignore_errors=True)
            return []
        try:
            target = StreamedPath(self.path)
            try:
                try:
                    self._join(self.entries, target.tmp, finish=True)
                except Exception as exc:
                    if not self.based:
                        raise
                    # A damaged input pikepdf opens but cannot write back: the pages as a new PDF, as before.
                    log.warning("pdf renderer: %s cannot be the output's base (%s: %s); the output is a new PDF of "
                                "its pages, without its form, bookmarks or the annotations of pages read",
                                Path(self.info.source).name, type(exc).__name__, exc)
                    self._join(self.entries, target.tmp, finish=True, based=False)
            except BaseException:
                target.discard()
                raise
            target.commit()
        finally:
            shutil.rmtree(self.workdir, ignore_errors=True)
        return [self.path]

    def abort(self) -> None:
        """Drop the temporary pages."""
        with contextlib.suppress(OSError):
            shutil.rmtree(self.workdir)


class PdfRenderer(DocumentFileRenderer):
    """Searchable PDF: page images with an invisible, positioned text layer."""

    needs_image = True
    options_model = PdfOptions
    session_class = PdfSession
