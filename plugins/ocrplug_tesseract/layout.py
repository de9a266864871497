"""The ``tesseract-layout`` detector: Tesseract's own page segmentation exposed as a detector.

Tesseract analyses the page (blocks, lines, words) and reads it; the detector keeps the geometry and
reports Tesseract's confidence as the detector ``score``. Text is left for the recognizer, as for any
detector, so the same pipeline works with any recognizer.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from ocrplug.api import Detector, PageImage, Region, to_gray

from .engine import TesseractEngine, TessLine, TessWord, parse_config
from .options import TesseractLayoutOptions

__all__ = ["TesseractLayout"]

#: Peak memory (bytes) reading one page adds: MEMORY_BASE + MEMORY_PER_PIXEL x pixels Tesseract sees (after
#: ``max_side``). Least-squares fit of measured peak RSS (tesserocr, eng, psm 3) on page sizes apart from the
#: ones it is checked on: ``benchmarks/memory_estimate.py --fit`` (docs/benchmarks.md).
MEMORY_BASE = 7_962_193
MEMORY_PER_PIXEL = 3.8

#: A line is cropped along its baseline when the baseline's rise over the line's width exceeds this share
#: of the line's text height (its box is then at least 1.5 text heights tall). Chosen on
#: ``benchmarks/accuracy_table.py`` (icdar2015_val, funsd_train, 20 pages each), T10's 4.5-degree letter
#: and ``benchmarks/tesseract_layout_skew.py``: 0 (every line along its noisy baseline) cost funsd_train
#: 0.095 H-mean and 0.25 cost it 0.006; 0.5 gained 0.003 there and read the skewed pages as 1 does; 2
#: left the 3- and 4.5-degree pages' lines boxed (mean word recall 0.766 against 0.862) (docs/benchmarks.md,
#: "tesseract-layout on skewed pages").
SLANT_RISE = 0.5


#: A line's first word at least this many times as tall as the median of its other words is a drop cap
#: Tesseract's layout put in the line beside it (T11's ``newspaper``: a 3-line ``H``, 68 px, boxed with
#: the second line's 17-22 px words, and that line, read in one crop, was lost): it is split off into a line
#: of its own (the host joins it to its word: :mod:`ocrplug.drop_caps`). Chosen with the host's
#: ``DROP_CAP_MIN`` (1.6, ``benchmarks/drop_caps.py``); T11's ``H`` is 4.0 times its line's other words,
#: a word with a capital and a descender beside x-height words (T11's ``Tuesday``) 1.3.
DROP_CAP_HEIGHT = 1.6
#: The split-off cap's box stands this share of its height clear of its ink each way: Tesseract's box is
#: the ink's own, and its line mode read T11's ``H`` cropped so as nothing (at 68 and 96 px tall), with a
#: tenth of paper around it ``H`` (at 48, 64 and 96 px).
DROP_CAP_MARGIN = 0.1


Box = tuple[float, float, float, float]


def split_drop_cap(line: TessLine, words: list[TessWord]) -> list[tuple[TessLine, list[TessWord]]]:
    """``[(line, words)]``, or two such pairs when the line's first word is a drop cap (see
    :data:`DROP_CAP_HEIGHT`: at least two other words, the cap's rows holding their middle): the cap alone
    (no baseline, its box grown by :data:`DROP_CAP_MARGIN`) and the rest, boxed by its own words."""
    if len(words) < 3:
        return [(line, words)]
    order = sorted(words, key=lambda w: w.box[0])
    cap, rest = order[0], order[1:]
    heights = [w.box[3] - w.box[1] for w in rest]
    middle = float(np.median([(w.box[1] + w.box[3]) / 2 for w in rest]))
    if cap.box[3] - cap.box[1] < DROP_CAP_HEIGHT * float(np.median(heights)) or not cap.box[1] <= middle <= cap.box[3]:
        return [(line, words)]
    box = (min(w.box[0] for w in rest), min(w.box[1] for w in rest), max(w.box[2] for w in rest),
           max(w.box[3] for w in rest))
    x0, y0, x1, y1 = cap.box
    m = DROP_CAP_MARGIN * (y1 - y0)
    cap = replace(cap, box=(max(x0 - m, 0.0), max(y0 - m, 0.0), x1 + m, y1 + m))
    alone = TessLine(words=(cap,), box=cap.box, confidence=line.confidence, block=line.block)
    return [(alone, [cap]), (replace(line, words=tuple(rest), box=box), rest)]


def _box_quad(box: Box, s: float) -> tuple:
    x0, y0, x1, y1 = (v / s for v in box)
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


def _band(
    line_box: Box, word_boxes: list[Box], baseline: tuple, reach: tuple[float, float] | None = None
) -> tuple[float, float, float]:
    """Slope ``m`` (dy/dx) of a line's baseline and the ink's reach above (``ascent``) and below it.

    Tesseract boxes a slanted line (and each word) by the axis-aligned bounds of its ink, so the box of
    a line on a page skewed by 4.5 degrees holds half of each neighbouring line; the baseline it fits
    (``Baseline(RIL.TEXTLINE)``) keeps the slope. Returns ``(m, ascent, descent)`` in the boxes' pixels,
    measured vertically from the baseline: for each box, the ink's top lies at least ``min(y(x0), y(x1)) -
    top`` above the baseline over the box's span (``y`` the baseline), its bottom at least ``bottom -
    max(y(x0), y(x1))`` below; the largest of these over the line's box and its words is kept. These are
    lower bounds (a word's tallest letter or descender need not stand at its end: a "q" inside a word lost
    its tail and read "a"), so Tesseract's own row ``reach`` (``(ascent, descent)``, :class:`TessLine`)
    raises them where it is larger.
    """
    (bx0, by0), (bx1, by1) = baseline
    m = (by1 - by0) / (bx1 - bx0) if bx1 != bx0 else 0.0

    def y(x: float) -> float:
        return by0 + m * (x - bx0)

    ascent, descent = reach if reach is not None else (0.0, 0.0)
    for x0, y0, x1, y1 in (line_box, *word_boxes):
        ascent = max(ascent, min(y(x0), y(x1)) - y0)
        descent = max(descent, y1 - max(y(x0), y(x1)))
    return m, ascent, descent


def _slanted_quad(x0: float, x1: float, baseline: tuple, m: float, ascent: float, descent: float, s: float) -> tuple:
    """The rectangle along the baseline (slope ``m``) from ``x0`` to ``x1``, ``ascent`` above to ``descent``
    below it (vertical pixels, as :func:`_band` gives them), scaled back to page pixels by ``1 / s``.
    Corners clockwise from the top-left, the first edge along the baseline (the reading direction)."""
    (bx0, by0), _ = baseline
    c = 1.0 / np.hypot(1.0, m)  # cos of the baseline's angle
    nx, ny = -m * c, c  # unit normal pointing down the page
    pts = []
    for x, off in ((x0, -ascent), (x1, -ascent), (x1, descent), (x0, descent)):
        yb = by0 + m * (x - bx0)
        d = off * c  # a vertical reach of ``off`` is ``off * cos`` across the slanted line
        pts.append(((x + d * nx) / s, (yb + d * ny) / s))
    return tuple(pts)


class TesseractLayout(Detector):
    """Finds lines (and their words) with Tesseract's page layout analysis."""

    def __init__(self, options: TesseractLayoutOptions) -> None:
        """Set up the Tesseract engine (checks languages and installation now)."""
        self.options = options
        variables, dpi = parse_config(options.config)
        self.engine = TesseractEngine(
            lang=options.lang,
            oem=options.oem,
            variables=variables,
            dpi=dpi,
            tessdata=options.tessdata,
            backend=options.backend,
            option="tesseract-layout option 'lang'",
        )

    def memory_pixels(self, width: int, height: int) -> int:
        """Pixels of the grayscale image Tesseract analyses for a ``width`` x ``height`` page."""
        longest = max(width, height)
        s = self.options.max_side / longest if self.options.max_side and longest > self.options.max_side else 1.0
        return round(width * s) * round(height * s)

    def estimate_memory(self, width: int, height: int) -> int:
        """Peak bytes reading one ``width`` x ``height`` page adds (fitted, see :data:`MEMORY_PER_PIXEL`)."""
        return round(MEMORY_BASE + MEMORY_PER_PIXEL * self.memory_pixels(width, height))

    def _keep(self, box: tuple[float, float, float, float], s: float) -> bool:
        w, h = (box[2] - box[0]) / s, (box[3] - box[1]) / s
        return min(w, h) >= self.options.min_size

    def detect(self, page: PageImage) -> list[Region]:
        """Regions of the page in reading order (lines with word children by default)."""
        image = to_gray(page.image)
        s = 1.0
        longest = max(image.shape[:2])
        if self.options.max_side and longest > self.options.max_side:
            s = self.options.max_side / longest
            image = cv2.resize(
                image, (round(image.shape[1] * s), round(image.shape[0] * s)), interpolation=cv2.INTER_AREA
            )
        lines = self.engine.read_page(image, self.options.psm)
        line_regions: list[tuple[int, Region]] = []
        for line in lines:
            words = [w for w in line.words if self._keep(w.box, s) and w.confidence >= self.options.min_score]
            if not words or not self._keep(line.box, s):
                continue
            for part, part_words in split_drop_cap(line, words):
                line_regions.append((part.block, self._line(part, part_words, s)))
        level = self.options.level
        if level == "line":
            return [r.with_(order=k) for k, (_, r) in enumerate(line_regions)]
        if level == "word":
            words_out = [w for _, r in line_regions for w in r.children]
            return [w.with_(order=k) for k, w in enumerate(words_out)]
        blocks: dict[int, list[Region]] = {}
        for block, region in line_regions:
            blocks.setdefault(block, []).append(region)
        out = []
        for k, members in enumerate(blocks.values()):
            pts = np.asarray([p for m in members for p in m.quad])
            x0, y0 = pts.min(axis=0)
            x1, y1 = pts.max(axis=0)
            score = float(np.mean([m.score or 0.0 for m in members]))
            children = tuple(m.with_(order=i) for i, m in enumerate(members))
            out.append(Region.from_box(x0, y0, x1, y1, level="block", score=score, order=k, children=children))
        return out

    def _line(self, line: TessLine, words: list[TessWord], s: float) -> Region:
        """The line's region (page pixels) with its words as children.

        A line whose baseline rises or falls over its length by more than :data:`SLANT_RISE` of its text's
        height (ascent + descent, :func:`_band`) gets a quad along its baseline, and so do its words: its
        axis-aligned box would hold parts of the lines above and below. Other lines, those without a
        baseline (pytesseract) and steeper than 45 degrees (vertical text: the host turns those) keep
        Tesseract's box.
        """
        attrs: dict[str, object] = {}
        base = line.baseline
        if base is not None:
            (bx0, by0), (bx1, by1) = base
            attrs["baseline"] = [[bx0 / s, by0 / s], [bx1 / s, by1 / s]]
        slant = base is not None and abs(base[1][0] - base[0][0]) > abs(base[1][1] - base[0][1])
        if slant:
            m, ascent, descent = _band(line.box, [w.box for w in words], base, line.reach)
            slant = abs(m) * (line.box[2] - line.box[0]) > SLANT_RISE * (ascent + descent)
        if not slant:
            children = tuple(
                Region(quad=_box_quad(w.box, s), level="word", score=w.confidence, order=k)
                for k, w in enumerate(words)
            )
            return Region(
                quad=_box_quad(line.box, s), level="line", score=line.confidence, children=children, attributes=attrs
            )
        children = tuple(
            Region(
                quad=_slanted_quad(w.box[0], w.box[2], base, m, ascent, descent, s),
                level="word",
                score=w.confidence,
                order=k,
            )
            for k, w in enumerate(words)
        )
        quad = _slanted_quad(line.box[0], line.box[2], base, m, ascent, descent, s)
        return Region(quad=quad, level="line", score=line.confidence, children=children, attributes=attrs)
