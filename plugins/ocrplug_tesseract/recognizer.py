"""The ``tesseract`` recognizer: reads rectified region crops with one in-process Tesseract."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from ocrplug.api import Crop, CropRecognizer, Region, to_gray

from .engine import TesseractEngine, TessLine, parse_config
from .options import TesseractRecognizerOptions

__all__ = ["TesseractRecognizer", "prepare_crop"]

# Tesseract page segmentation modes used when the option ``psm`` is left unset. Words are read as a
# single line (7), not a single word (8): Tesseract 5's LSTM normalises lines better in mode 7 and adds
# stray quotes/bars in mode 8 (ICDAR 2015 word crops: CER 0.38 with 7 vs 0.45 with 8).
_PSM_FOR_LEVEL = {"word": 7, "line": 7, "block": 6}


@dataclass(frozen=True)
class _Prepared:
    image: np.ndarray
    scale: float
    pad: int
    blank: bool = False


def prepare_crop(gray: np.ndarray, min_height: int, max_height: int | None) -> _Prepared:
    """Scale a grayscale crop into Tesseract's comfortable range, make text dark on light, add a border.

    Tesseract segments best with dark text on a light background, a text height of a few dozen pixels
    and some blank border around the text.
    """
    h = gray.shape[0]
    # A flat crop has no text; Tesseract's Otsu threshold would turn its noise into letters.
    lo, hi = np.percentile(gray, (1, 99)) if gray.size else (0, 0)
    if hi - lo < 24:
        return _Prepared(np.full((8, 8), 255, np.uint8), 1.0, 0, blank=True)
    scale = 1.0
    if h < min_height:
        scale = min_height / h
    elif max_height and h > max_height:
        scale = max_height / h
    img = gray
    if scale != 1.0:
        interp = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
        img = cv2.resize(gray, (max(1, round(gray.shape[1] * scale)), max(1, round(h * scale))), interpolation=interp)
    # The paper is what most of a text crop shows; the crop's frame is no guide (a ruling line or the
    # next line along one edge turned whole table cells into white-on-black and Tesseract read nothing).
    background = float(np.median(img))
    if background < 110:  # light text on a dark background: invert
        img = 255 - img
        background = 255 - background
    pad = max(4, img.shape[0] // 4)
    img = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=round(background))
    return _Prepared(img, scale, pad)


class TesseractRecognizer(CropRecognizer):
    """Reads every region of a page through one shared Tesseract setup, without a process per region."""

    def __init__(self, options: TesseractRecognizerOptions) -> None:
        """Parse the flags and set up the Tesseract engine (checks languages and installation now)."""
        self.options = options
        variables, dpi = parse_config(options.config)
        if options.whitelist:
            variables["tessedit_char_whitelist"] = options.whitelist
        self.engine = TesseractEngine(
            lang=options.lang,
            oem=options.oem,
            variables=variables,
            dpi=dpi,
            tessdata=options.tessdata,
            backend=options.backend,
            threads=options.threads,
        )
        self.crop_options = options.crop_options()

    def _psm(self, region: Region) -> int:
        return self.options.psm if self.options.psm is not None else _PSM_FOR_LEVEL[region.level]

    def _prepare(self, crop: Crop, level: str) -> _Prepared:
        max_h = self.options.max_height if level != "block" else None
        return prepare_crop(to_gray(crop.image), self.options.min_height, max_h)

    def _read(self, prepared: Sequence[_Prepared], psm: int) -> list[list[TessLine]]:
        """Read the non-blank crops in one engine call; blank ones read as nothing."""
        todo = [k for k, p in enumerate(prepared) if not p.blank]
        results: list[list[TessLine]] = [[] for _ in prepared]
        for k, lines in zip(todo, self.engine.read([prepared[k].image for k in todo], psm), strict=True):
            results[k] = lines
        return results

    def score(self, images: Sequence[np.ndarray], psm: int = 7) -> list[float]:
        """Mean word confidence of Tesseract's reading of each crop (the orientation scorer)."""
        prepared = [prepare_crop(to_gray(img), self.options.min_height, self.options.max_height) for img in images]
        results = self._read(prepared, psm)
        scores = []
        for lines in results:
            words = [w for line in lines for w in line.words]
            # Weight by length so one confident stray character does not beat a readable line.
            n = sum(len(w.text) for w in words)
            scores.append(sum(w.confidence * len(w.text) for w in words) / n if n else 0.0)
        return scores

    def group_key(self, region: Region) -> int:
        """Regions sharing a segmentation mode are cropped and read in one engine call."""
        return self._psm(region)

    def scorer(self, regions: Sequence[Region]) -> Callable[[Sequence[np.ndarray]], list[float]]:
        """Tesseract's confidence in the group's segmentation mode picks the sense of vertical crops."""
        psm = self._psm(regions[0])
        return lambda images: self.score(images, psm)

    def read_crops(self, crops: Sequence[Crop], regions: Sequence[Region]) -> list[Region]:
        """Text, confidence and word (and line) children of ``regions``, read from their crops in one engine call."""
        prepared = [self._prepare(c, r.level) for c, r in zip(crops, regions, strict=True)]
        results = self._read(prepared, self._psm(regions[0]))
        return [_fill(r, c, p, lines) for r, c, p, lines in zip(regions, crops, prepared, results, strict=True)]


def _to_page(crop: Crop, prep: _Prepared, box: tuple[float, float, float, float]) -> tuple:
    x0, y0, x1, y1 = ((v - prep.pad) / prep.scale for v in box)
    return crop.map_box(x0, y0, x1, y1)


def _weighted_conf(lines: Sequence[TessLine]) -> float:
    words = [w for line in lines for w in line.words]
    n = sum(len(w.text) for w in words)
    return sum(w.confidence * len(w.text) for w in words) / n if n else 0.0


def _fill(region: Region, crop: Crop, prep: _Prepared, lines: Sequence[TessLine]) -> Region:
    """Region with text/confidence and, below word level, word (and line) children in page coordinates."""
    if not lines:
        return region.with_(text="", confidence=0.0, children=())
    conf = _weighted_conf(lines)
    if region.level == "word":
        text = " ".join(line.text for line in lines)
        return region.with_(text=text, confidence=conf, children=())

    def words_of(line: TessLine) -> tuple[Region, ...]:
        return tuple(
            Region(quad=_to_page(crop, prep, w.box), level="word", text=w.text, confidence=w.confidence, order=k)
            for k, w in enumerate(line.words)
        )

    if region.level == "line":
        words = tuple(w.with_(order=k) for k, w in enumerate(w for line in lines for w in words_of(line)))
        return region.with_(text=" ".join(line.text for line in lines), confidence=conf, children=words)
    children = tuple(
        Region(
            quad=_to_page(crop, prep, line.box),
            level="line",
            text=line.text,
            confidence=_weighted_conf([line]),
            order=k,
            children=words_of(line),
        )
        for k, line in enumerate(lines)
    )
    return region.with_(text="\n".join(line.text for line in lines), confidence=conf, children=children)
