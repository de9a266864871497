"""The ``tesseract-layout`` detector: Tesseract's own page segmentation exposed as a detector.

Tesseract analyses the page (blocks, lines, words) and reads it; the detector keeps the geometry and
reports Tesseract's confidence as the detector ``score``. Text is left for the recognizer, as for any
detector, so the same pipeline works with any recognizer.
"""

from __future__ import annotations

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


def _box_quad(box: tuple[float, float, float, float], s: float) -> tuple:
    x0, y0, x1, y1 = (v / s for v in box)
    return ((x0, y0), (x1, y0), (x1, y1), (x0, y1))


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
            line_regions.append((line.block, self._line(line, words, s)))
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
        children = tuple(
            Region(quad=_box_quad(w.box, s), level="word", score=w.confidence, order=k) for k, w in enumerate(words)
        )
        attrs = {}
        if line.baseline is not None:
            (bx0, by0), (bx1, by1) = line.baseline
            attrs["baseline"] = [[bx0 / s, by0 / s], [bx1 / s, by1 / s]]
        return Region(
            quad=_box_quad(line.box, s), level="line", score=line.confidence, children=children, attributes=attrs
        )
