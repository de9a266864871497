"""ocrplug's page model -> OCRmyPDF 17's OCR element tree (``ocr_page`` > ``ocr_par`` > ``ocr_line`` > ``ocrx_word``)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from ocrmypdf import BoundingBox, OcrClass, OcrElement

from ocrplug.geometry import quad_angle
from ocrplug.layout import LEVEL_ANGLE_DEG, is_laid_out, text_rows
from ocrplug.levelling import written_angle_deg
from ocrplug.model import Page, Quad, Region

__all__ = [
    "LEVEL_SNAP_DEG",
    "MIN_TEXTANGLE_DEG",
    "ROW_OVERLAP",
    "WORD_GAP",
    "page_to_ocr_tree",
    "separate_line_words",
    "separate_words",
    "sidecar_text",
    "tree_text",
]

# Lines whose text direction is within this many degrees of horizontal are rendered unrotated: the
# quad-angle noise of level text, measured on funsd_train (ocrplug.layout.LEVEL_ANGLE_DEG).
MIN_TEXTANGLE_DEG = LEVEL_ANGLE_DEG

# Gap left between consecutive word boxes of a line, in line heights: twice poppler's word-break
# threshold (0.1 font size), so text extractors see the space (see separate_line_words).
WORD_GAP = 0.2

# Loose words (from a word detector) continue a row when they overlap it by this share of the smaller
# height; half, as for the host's reading order (ocrplug.geometry.reading_order, line_overlap=0.5).
ROW_OVERLAP = 0.5


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
    # The cut leaves one character cell between words, so these need no separating.
    return [
        OcrElement(ocr_class=OcrClass.WORD, bbox=_bbox(q, width, height), text=t, confidence=line.confidence)
        for t, q in zip(tokens, _split_quad(line.quad, tokens), strict=True)
    ]


def _textangle(line: Region) -> float:
    """hOCR's textangle of a line: counter-clockwise degrees in ``(-45, 315]`` (a skew signed, a turned
    line 90, 180 or 270, as Tesseract writes them); level within
    :func:`ocrplug.levelling.level_tolerance_deg` of its length and height (at most ``MIN_TEXTANGLE_DEG``),
    and within ``MIN_TEXTANGLE_DEG`` of a turn the turn itself (a turned line's box has the noise of a
    level one)."""
    # quad_angle is clockwise on screen (y grows downwards). The renderers' rule (one place decides
    # "level": ocrplug.levelling.written_angle_deg), without their turn jitter: OCRmyPDF keeps a turned
    # line's real skew past MIN_TEXTANGLE_DEG.
    return written_angle_deg(-math.degrees(quad_angle(line.quad)), MIN_TEXTANGLE_DEG, line.quad, turn_jitter=False)


# Lines within this many degrees of level are written as level runs (textangle 0) on a band as high
# as the line, through the middle of its starting edge: poppler's pdftotext builds lines only along the axes and cut words drawn at a
# 2-degree skew ("composit" / "ion"); the same rule as the pdf renderer's SNAP_DEG (docs/ocrmypdf.md).
LEVEL_SNAP_DEG = 10.0


def _is_near_level(line: Region) -> bool:
    return abs(math.degrees(quad_angle(line.quad))) <= LEVEL_SNAP_DEG


def _level_band(line: Region, width: int, height: int) -> BoundingBox:
    """A level box as high as a (slightly skewed) line, centred where its text starts.

    OCRmyPDF sizes the font from the line box and sets the baseline at its bottom; the axis-aligned
    box of a skewed line is taller than its text by length x sin(skew) and would overlap the next line.
    Centred on the middle of the line's starting edge, as the pdf renderer's run: the lines of a
    paragraph start together and keep their true spacing there.
    """
    box = _bbox(line.outline, width, height)
    q = line.quad
    text_h = (math.dist(q[0], q[3]) + math.dist(q[1], q[2])) / 2
    middle = (q[0][1] + q[3][1]) / 2
    top, bottom = max(box.top, middle - text_h / 2), min(box.bottom, middle + text_h / 2)
    return BoundingBox(left=box.left, top=top, right=box.right, bottom=max(bottom, top + 1))


def _line_element(line: Region, width: int, height: int) -> OcrElement | None:
    textangle = _textangle(line)
    words = _word_elements(separate_line_words(line), width, height)
    if not words:
        return None
    box = _bbox(line.outline, width, height)
    if _is_near_level(line):
        textangle, box = 0.0, _level_band(line, width, height)
    return OcrElement(
        ocr_class=OcrClass.LINE, bbox=box, textangle=textangle, confidence=line.confidence, children=words
    )


def separate_line_words(line: Region) -> Region:
    """``line`` with a gap of ``WORD_GAP`` line heights between consecutive words (a level line only).

    PDF text extractors infer spaces from geometry: poppler's pdftotext breaks a word where the gap
    exceeds 0.1 x font size (``minWordBreakSpace`` in TextOutputDev.cc), and OCRmyPDF sizes the font
    from the line height. Word boxes that touch or overlap (CRAFT's dilated word boxes, boxes from CTC
    time steps) made pdftotext read "agent responsible" as "agentresponsible". The boundary is moved
    to the middle of the two boxes' gap (or overlap) and each side pulled back by half the gap, to
    whole pixels inwards (hOCR rounds boxes outwards), never by more than half a word. A changed
    word's quad becomes its axis-aligned box (what both the element tree and hOCR keep of it). Lines
    whose text direction is more than ``LEVEL_SNAP_DEG`` off level are returned unchanged.
    """
    if not _is_near_level(line):
        return line
    slots = [k for k, w in enumerate(line.children) if w.level == "word" and w.text and w.text.strip()]
    if len(slots) < 2:
        return line
    _, top, _, bottom = line.bbox
    gap = WORD_GAP * (bottom - top)
    boxes = {k: list(line.children[k].bbox) for k in slots}
    changed: set[int] = set()
    for i, j in itertools.pairwise(slots):
        a, b = boxes[i], boxes[j]
        if b[0] <= a[0] or b[0] - a[2] >= gap:
            continue
        middle = (a[2] + b[0]) / 2
        a[2] = max(a[0] + (a[2] - a[0]) / 2, math.floor(middle - gap / 2))
        b[0] = min(b[0] + (b[2] - b[0]) / 2, math.ceil(middle + gap / 2))
        changed |= {i, j}
    if not changed:
        return line
    children = tuple(
        w.with_(quad=Region.from_box(*boxes[k]).quad, polygon=None) if k in changed else w
        for k, w in enumerate(line.children)
    )
    return line.with_(children=children)


def separate_words(page: Page) -> Page:
    """``page`` with the words of every level line pulled apart (:func:`separate_line_words`).

    For the hOCR answer (``--ocrplug-output hocr``): OCRmyPDF draws hOCR word boxes as they are, so
    touching boxes must be separated before ocrplug's ``hocr`` renderer writes them, as the element
    tree does for its own words.
    """

    def visit(region: Region) -> Region:
        if region.level == "line":
            return separate_line_words(region)
        if region.children:
            return region.with_(children=tuple(visit(c) for c in region.children))
        return region

    return page.with_(regions=tuple(visit(r) for r in page.regions))


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
    """The text of an element tree: one line per text line of ``tree``, words in reading order.

    Loose words (a word detector) come out in the rows :func:`page_to_ocr_tree` made. The engine's
    sidecar uses :func:`sidecar_text`, which writes a laid-out page's rows as the ``text`` renderer does.
    """
    lines = [" ".join(w.text for w in line.words) for line in tree.lines]
    return "\n".join(lines) + "\n" if lines else ""


def sidecar_text(page: Page, tree: OcrElement) -> str:
    """The sidecar text of a page: the rows of :func:`ocrplug.layout.text_rows`, one per line.

    A laid-out page (the pipeline's layout step ran) is written row by row as ocrplug's ``text`` renderer
    writes it (a label and its far answer, a table row's cells on one line, joined by a space), without
    the blank line between paragraphs (OCRmyPDF's sidecar has none). A page in any other shape falls back
    to :func:`tree_text` of ``tree``. Lines without text are left out. Returns ``""`` for no text.
    """
    if not page.regions or not is_laid_out(page):
        return tree_text(tree)
    rows = []
    for paragraph in text_rows(page.regions):
        for row in paragraph:
            cells = [(ln.text if ln.text is not None else " ".join(w.text or "" for w in ln.children)).strip()
                     for ln in row]
            if any(cells):
                rows.append(" ".join(c for c in cells if c))
    return "\n".join(rows) + "\n" if rows else ""
