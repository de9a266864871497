"""The ``db`` detector: PP-OCR's DBNet run with onnxruntime, returning line regions in page pixels."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
from pydantic import Field, model_validator

from ocrplug.api import (
    Detector,
    InputError,
    Options,
    PageImage,
    Region,
    WeightsError,
    colour_views,
    find_lone_dashes,
    find_lone_glyphs,
    ink_directions,
    paper_ink,
    to_gray,
)
from ocrplug_db.postprocess import DbBox, DbParams, binarize, boxes_from_prob
from ocrplug_db.preprocess import (
    ELONGATED,
    STRIDE,
    Tile,
    add_margin,
    pad_size,
    plan_tiles,
    resize_page,
    small_text_height,
    target_size,
    to_batch,
)

__all__ = ["DbDetector", "DbOptions"]

log = logging.getLogger(__name__)

#: Default ``min_text_height``: the smallest text of a page (measured by
#: :func:`~ocrplug_db.preprocess.small_text_height`) is never shrunk below this many pixels at the network
#: input. Lines are still boxed down to about 4 px (``benchmarks/db_text_floor.py``) but cut into pieces there;
#: T7's A2 page's 8 pt line misread at 4.8 px: twice the boxing limit (docs/db.md "Large pages").
MIN_TEXT_HEIGHT = 8.0
#: Text under this share of the page's shorter side (about 1.5 pt on any page size) is no text but specks or
#: a scan's grain: the floor is not raised for it. SROIE receipts scanned at 600 dpi on A4 (7016 x 4961)
#: measured 5 px "text" and were read whole at full size in tiles (specks found as lines: fast's SROIE
#: line H-mean 0.927 -> 0.918 with receipts 300 and 525); A1's 8 pt (33 px of 7016) and A2's 6 pt
#: (25 px of 4961) lie far above it.
MIN_TEXT_SHARE = 1 / 400
#: Tile side (pixels of the resized page) of a page enlarged past ``max_side`` for its small text: the
#: workaround's 1024 (docs/db.md "Large scans"); a batch of 4 such tiles costs one 2048 px call's memory.
TEXT_TILE = 1024

#: ``mild_shrink`` as ``swift`` sets it (the option's default is 0: off). A page that ``max_side`` would shrink by
#: a factor of this or more (not below it) is seen at its own size instead: a mild shrink of a thresholded fax's thin strokes lost whole lines that its own size and a
#: stronger shrink keep (T12's 100 dpi letter fax, 1100 px long: 8 of 8 lines at 1100 and 700-880 px,
#: 4-8 at 960-1064 px as the page moves by a few pixels; on 40 generated 100-110 dpi faxes
#: 281/320 lines at 1024 px, 295 at their own size; ``benchmarks/low_dpi_lines.py``, docs/db.md).
MILD_SHRINK = 0.85

#: DB's own kernel-size floor (map pixels): thinner kernels are noise at any resolution.
KERNEL_MIN_SIZE = 3.0
#: Default ``lone_aspect``: chosen on ``funsd_train`` and ``icdar2015_val`` (benchmarks/db_lone.py,
#: docs/db.md "Lone characters").
LONE_ASPECT = 3.5
#: Default ``speck_isolation``: chosen on ``funsd_train`` and ``icdar2015_val`` with the blank-noise page
#: and T4's specks page (benchmarks/db_lone.py, docs/db.md "Specks").
SPECK_ISOLATION = 20.0


def _overlap(a: Region, b: Region) -> float:
    """Share of ``a``'s bounding box covered by ``b``'s (0 to 1)."""
    ax0, ay0, ax1, ay1 = a.bbox
    bx0, by0, bx1, by1 = b.bbox
    inter = max(0.0, min(ax1, bx1) - max(ax0, bx0)) * max(0.0, min(ay1, by1) - max(ay0, by0))
    area = max((ax1 - ax0) * (ay1 - ay0), 1e-9)
    return inter / area


#: Peak memory (bytes) detecting one page adds: MEMORY_BASE + MEMORY_PER_PIXEL x network input pixels of one
#: call (+ MEMORY_PER_MAP_PIXEL x resized page pixels when tiled). Least-squares fit of measured peak RSS on
#: page sizes apart from the ones it is checked on: ``benchmarks/memory_estimate.py --fit`` (docs/benchmarks.md).
MEMORY_BASE = 92_870_699
MEMORY_PER_PIXEL = 140.4
#: Tiled pages keep the stitched map (float32), the resized page (RGB) and post-processing masks (not fitted).
MEMORY_PER_MAP_PIXEL = 16.0

#: Fewer regions than this on a page make it sparse (see ``DbOptions.sparse_side``).
SPARSE_REGIONS = 3
#: A region whose page pixels span fewer grey levels than this in every channel holds no ink: it is
#: dropped. PP-OCRv6's detector maps a blank landscape page (1275 x 900 to 2550 x 1800 px of one grey)
#: seen at ``sparse_side`` as one text box covering the whole page (score 0.62); printed text, even
#: light grey on white, spans far more than this.
BLANK_CONTRAST = 8


def _holds_ink(page: PageImage, region: Region) -> bool:
    """Whether the page's pixels inside ``region``'s bounding box span :data:`BLANK_CONTRAST` grey levels."""
    x0, y0, x1, y1 = (int(v) for v in np.round(region.bbox))
    patch = page.image[max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)]
    if patch.size == 0:
        return False
    patch = patch.reshape(-1, patch.shape[-1]) if patch.ndim == 3 else patch.reshape(-1, 1)
    return bool((patch.max(axis=0).astype(np.int16) - patch.min(axis=0)).max() >= BLANK_CONTRAST)


#: A region at most this many times wider than high (a lone character's, :data:`LONE_ASPECT`) that holds no
#: pixel of a paper page's ink (:func:`~ocrplug.api.paper_ink`) is dropped: the map's blob in a word space
#: (T13 ``thermal.png``: an 11 x 6 px box between ``APPLES`` and ``1.2KG``, kept by the lone-character rule
#: at 0.61 over its own pixels, read ``1``; issue 24, L14). On the first 40 ``funsd_train`` forms no region
#: of ``fast``'s or ``swift``'s holds no ink (``python benchmarks/db_lone.py --blank``); a line of faint text
#: lighter than the page's Otsu threshold is longer than this and kept.
BLANK_ASPECT = LONE_ASPECT


def _short_and_blank(region: Region, ink: np.ndarray | None) -> bool:
    """Whether ``region`` is no wider than :data:`BLANK_ASPECT` times its height and holds no pixel of ``ink``
    (H x W uint8, 1 = ink, :func:`~ocrplug.api.paper_ink`; ``None``: no paper page, never blank)."""
    if ink is None:
        return False
    x0, y0, x1, y1 = (int(v) for v in np.round(region.bbox))
    if x1 - x0 > BLANK_ASPECT * max(y1 - y0, 1):
        return False
    return not ink[max(y0, 0):max(y1, 0), max(x0, 0):max(x1, 0)].any()


#: Default ``big_glyph_side``: a big glyph (a shop price's 300 px ``4``) is looked for again with the page
#: shrunk so that its ink is this many pixels high at the network input. PP-OCRv6's map fades on glyphs far
#: taller than the text it was trained on: T15 ``price_tag.png``'s ``4`` (230 px, 282 px at the input) has a
#: kernel of 0.58 mean over a third of the glyph, and no box; at 205 px it scores 0.88. On the 24 drawn pages
#: of ``python benchmarks/big_glyphs.py`` (glyphs 150-400 px, 8 bold faces) retries making the glyph 60, 90,
#: 120, 150, 180 and 220 px high at the input found 27, 27, 27, 29, 28 and 26 of the 30 big glyphs.
BIG_GLYPH_SIDE = 150
#: A big glyph is an ink component of a page of text on paper (:func:`~ocrplug.api.paper_ink`) whose centre
#: no region holds, taller at the network input than ``big_glyph_side`` (the retry would shrink it), at
#: least this many times the page's median region height (display type beside text) and at most
#: :data:`BIG_GLYPH_WIDTH` times as wide as high, its ink at least :data:`BIG_GLYPH_FILL` of its bounding
#: box (a table's frame or a ruled box is a big component too, almost empty).
BIG_GLYPH_TEXT = 3.0
BIG_GLYPH_WIDTH = 2.5
BIG_GLYPH_FILL = 0.15


def _big_glyphs(ink: np.ndarray | None, regions: list[Region], scale: float, side: int) -> list[tuple[int, int, int, int]]:
    """Page-pixel boxes ``(x0, y0, x1, y1)`` of the big glyphs the regions missed (:data:`BIG_GLYPH_TEXT`):
    ``ink`` (H x W uint8, 1 = ink, ``None``: no paper page, none), the map ``scale`` times the page's size,
    ``side``: the ``big_glyph_side`` option (map pixels). One labelling of the ink."""
    if ink is None or side <= 0:
        return []
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    x, y, w, h, area = (stats[1:, i] for i in range(5))
    big = (h * scale > side) & (w <= BIG_GLYPH_WIDTH * h) & (area >= BIG_GLYPH_FILL * w * h)
    if regions:
        boxes = np.array([r.bbox for r in regions], dtype=np.float64)
        big &= h >= BIG_GLYPH_TEXT * float(np.median(boxes[:, 3] - boxes[:, 1]))
    out = []
    for i in np.flatnonzero(big):
        cx, cy = x[i] + w[i] / 2, y[i] + h[i] / 2
        if regions and np.any((boxes[:, 0] <= cx) & (cx <= boxes[:, 2]) & (boxes[:, 1] <= cy) & (cy <= boxes[:, 3])):
            continue
        out.append((int(x[i]), int(y[i]), int(x[i] + w[i]), int(y[i] + h[i])))
    return out


def _with_lone_dashes(page: PageImage, regions: list[Region]) -> list[Region]:
    """``regions`` with the lone dashes on their rows (:func:`~ocrplug.api.find_lone_dashes`): DB's map
    gives a short flat bar no probability, or at a small ``max_side`` a box of the bar's few pixels, tilted
    (read as ``1``). A dash's region spans its row's height, upright; its ``score`` is the replaced box's
    (0 where the map gave none)."""
    if not regions:
        return regions
    boxes = np.asarray([r.quad for r in regions], dtype=np.float64).reshape(-1, 4, 2)
    dashes = find_lone_dashes(to_gray(page.image), boxes)
    if not dashes:
        return regions
    gone = {i for d in dashes for i in d.replaces}
    added = [
        Region(quad=d.box, level="line", score=max((regions[i].score or 0.0 for i in d.replaces), default=0.0))
        for d in dashes
    ]
    return [r for i, r in enumerate(regions) if i not in gone] + added


def _with_lone_glyphs(page: PageImage, regions: list[Region]) -> list[Region]:
    """``regions`` with the lone glyphs on their rows that the map missed (:func:`~ocrplug.api.find_lone_glyphs`,
    the found lines as row evidence): at ``swift``'s ``max_side`` 1024 a letter-size page is seen at 0.62
    of its size and a 13 px ``7`` (Comic Neue 8 pt at 150 dpi) right of its label gets a map maximum of
    0.04 (1.00 at 2000 px). Each glyph's region is a line of score 0 (the map gave it none)."""
    if not regions:
        return regions
    boxes = np.asarray([r.quad for r in regions], dtype=np.float64).reshape(-1, 4, 2)
    return regions + [Region(quad=box, level="line", score=0.0) for box in find_lone_glyphs(to_gray(page.image), boxes)]


#: A kernel of the map at least this many times as tall as the page's median kept kernel (one the regions
#: cover), mostly uncovered by the regions though its own pixels' mean probability passes ``box_thresh``, is
#: text the map fused with something and lost: T14's ``stamp.png`` (issue 24) has 14 px line kernels and
#: lost kernels 25-101 px tall, a line and a stamp's lettering or several lines. Its minimum-area rectangle
#: failed the box score. ``benchmarks/stamped_pages.py`` (docs/benchmarks.md "Stamps over text").
FUSED_HEIGHT = 1.5


def _lost_kernels(
    prob: np.ndarray, regions: list[Region], sx: float, sy: float, thresh: float, box_thresh: float
) -> list[tuple[float, float, float, float]]:
    """Page-pixel boxes ``(x0, y0, x1, y1)`` of the map's kernels (``prob`` H x W, thresholded at ``thresh``;
    the map ``sx`` x ``sy`` times the page's size) that ``regions`` cover less than half of, whose own mean
    probability is ``box_thresh`` or more and that are :data:`FUSED_HEIGHT` times as tall as the median
    covered kernel or more: text whose fused kernel failed the box score. Empty without regions."""
    if not regions:
        return []
    quads = np.asarray([r.quad for r in regions], dtype=np.float64).reshape(-1, 4, 2)
    mask = binarize(prob, thresh, False)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    covered = np.zeros(mask.shape, np.uint8)
    cv2.fillPoly(covered, list(np.round(quads * np.array([sx, sy])).astype(np.int32)), 1)
    sizes = np.bincount(labels.ravel(), minlength=count).astype(np.float64)
    share = np.bincount(labels.ravel(), weights=covered.ravel(), minlength=count) / np.maximum(sizes, 1)
    mean = np.bincount(labels.ravel(), weights=prob.ravel(), minlength=count) / np.maximum(sizes, 1)
    heights = stats[:, cv2.CC_STAT_HEIGHT]
    kept = np.flatnonzero(share[1:] >= 0.5) + 1
    if len(kept) == 0:
        return []
    line = float(np.median(heights[kept]))
    lost = np.flatnonzero((share < 0.5) & (mean >= box_thresh) & (heights >= FUSED_HEIGHT * line))
    lost = lost[lost > 0]
    return [
        (stats[i, 0] / sx, stats[i, 1] / sy, (stats[i, 0] + stats[i, 2]) / sx, (stats[i, 1] + stats[i, 3]) / sy)
        for i in lost
    ]


#: A page is skewed, and its boxes are turned to their ink (:func:`_turned_to_ink`), when the median ink
#: direction of its long lines (at least ``SKEW_LINE_LENGTH`` times as long as high, at least
#: ``SKEW_MIN_LINES`` of them) is more than ``SKEW_MIN_DEG`` off the nearest right angle. On the first 60
#: pages of ``funsd_train`` (validation; benchmarks/ink_direction.py) a short box (3-8 heights) is nearer
#: its page's ink skew than its own ink is on pages skewed under 0.5 degrees (box / ink 0.37 / 0.41 off,
#: median, at 0.3-0.5; 77 % of the boxes lie exactly level: the minimum-area rectangle of a short kernel
#: snaps to the pixel grid) and mixed at 0.5-0.7 (0.56 / 0.46 median, 0.78 / 1.29 p90); from 0.7 on the
#: ink is the nearer (0.73 / 0.38 at 0.7-1.0). Turning every page's boxes raised the lines written tilted
#: on level forms from 58 to 77, and the boxes of forms skewed 0.4-0.6 degrees, turned, moved their reading
#: order off FUNSD's (axis-aligned) reference (docs/benchmarks.md, "Small skews written exactly").
SKEW_MIN_DEG = 0.7
SKEW_LINE_LENGTH = 8.0
SKEW_MIN_LINES = 3


def _turned_to_ink(page: PageImage, regions: list[Region]) -> list[Region]:
    """``regions`` with each box turned about its centre (length and height kept) to the direction of its
    ink (:func:`~ocrplug.api.ink_directions`) when the page is skewed (``SKEW_MIN_DEG``); boxes it does
    not measure, and every box of a level page, stay as they are.

    DB's box is the minimum-area rectangle of a line's kernel in the probability map, and a kernel's
    rectangle leans with the glyphs at its ends (a descender or a capital at one end of a heading), and
    a short one snaps to the pixel grid. On benchmarks/small_skew.py's pages (turned -3..+3 degrees)
    ``fast``'s heading boxes leaned up to 0.6 degrees off the page's turn and ``swift``'s body lines 0.2
    (docs/db.md, "Box direction from the ink"); the layout step's frame and the renderers' text angles
    follow the boxes.
    """
    if not regions:
        return regions
    quads = np.asarray([r.quad for r in regions], dtype=np.float64).reshape(-1, 4, 2)
    along = (quads[:, 1] - quads[:, 0]) + (quads[:, 2] - quads[:, 3])
    side = (quads[:, 3] - quads[:, 0]) + (quads[:, 2] - quads[:, 1])
    long = np.linalg.norm(along, axis=1) >= SKEW_LINE_LENGTH * np.linalg.norm(side, axis=1)
    if long.sum() < SKEW_MIN_LINES:
        return regions
    # The long lines first (they decide whether the page is skewed); the others only on a skewed page.
    gray = to_gray(page.image)
    angles = np.full(len(quads), np.nan)
    angles[long] = ink_directions(gray, quads[long])
    measured = long & ~np.isnan(angles)
    if measured.sum() < SKEW_MIN_LINES:
        return regions
    quarter = np.pi / 2
    skew = float(np.median((angles[measured] + quarter / 2) % quarter - quarter / 2))  # off the nearest right angle
    if abs(skew) <= np.radians(SKEW_MIN_DEG):
        return regions
    if (~long).any():
        angles[~long] = ink_directions(gray, quads[~long])
    out = []
    for region, quad, angle, vec in zip(regions, quads, angles, along, strict=True):
        if np.isnan(angle):
            out.append(region)
            continue
        turn = float(angle) - float(np.arctan2(vec[1], vec[0]))
        c, s = np.cos(turn), np.sin(turn)
        centre = quad.mean(axis=0)
        turned = (quad - centre) @ np.array([[c, s], [-s, c]]) + centre
        out.append(region.with_(quad=tuple((float(x), float(y)) for x, y in turned)))
    return out


class DbOptions(Options):
    """Options of the ``db`` detector (names follow PP-OCR's ``det_db_*`` settings where they exist)."""

    model: str | None = Field(
        None,
        description="Path of a DB detection ONNX model (N x 3 x H x W in, N x 1 x H x W probabilities out); "
        "default: the PP-OCR detection model shipped inside the installed rapidocr wheel.",
    )
    limit_side_len: int = Field(
        736, ge=STRIDE, le=16384, description="Side length (pixels) that limit_type applies to before detection."
    )
    limit_type: Literal["min", "max"] = Field(
        "min",
        description="'min': enlarge pages whose shorter side is below limit_side_len; "
        "'max': shrink pages whose longer side is above it.",
    )
    max_scale: float = Field(
        4.0,
        ge=1.0,
        le=100.0,
        description="Largest enlargement of a page before detection: limit_type 'min' would blow a 16 px word "
        "crop up 46 times, to text far larger than DB was trained on (measured on icdar2015_words, docs/db.md).",
    )
    margin: int = Field(
        16,
        ge=0,
        le=1024,
        description="Blank border (pixels, the image's own background colour, at most half its shorter side) "
        "added around a small image (one limit_type 'min' would enlarge more than max_scale times: a crop, not "
        "a page) before detection: text touching the frame, as in a cropped word, is found. Pages never get it.",
    )
    sparse_side: int = Field(
        800,
        ge=0,
        le=32768,
        description="A page on which fewer than 3 regions were found, seen by the network (not enlarged) with a "
        "longer side above this, is detected again at this longer side and the regions found only then are added (PP-OCRv6 "
        "misses the only line of a mostly blank large page); 0: never.",
    )
    max_side: int = Field(
        2000,
        ge=STRIDE,
        le=32768,
        description="Cap on the longer side (pixels) of the page as the network sees it; larger pages are "
        "scaled down to it. Raise it (with tile_size) for very small text on huge scans.",
    )
    mild_shrink: float = Field(
        0.0,
        ge=0.0,
        lt=1.0,
        description="A page that max_side would shrink by this factor or more (below 1) is seen at its own size, "
        "whole (swift: 0.85, for thresholded low-dpi faxes whose lines a 0.87-0.97 shrink lost). 0: off (at "
        "fast's max_side 2000 a 200 dpi letter page at its own size boxes ticks in boxes as junk).",
    )
    min_text_height: float = Field(
        MIN_TEXT_HEIGHT,
        ge=0.0,
        le=1000.0,
        description="A large page is not shrunk (by max_side) so far that its smallest text, measured on the page's "
        "ink, is below this many pixels at the network input: it is run at the scale that keeps that text (never "
        "enlarged, at most max_text_side), in tiles. 0: off (max_side alone decides).",
    )
    max_text_side: int = Field(
        12000,
        ge=STRIDE,
        le=32768,
        description="Cap on the longer side (pixels) of a page enlarged past max_side for min_text_height; a page "
        "whose small text would need more is run at this size and a warning names it.",
    )
    tile_size: int = Field(
        0,
        ge=0,
        le=8192,
        description="When > 0, pages that are larger than this (after resizing) on either side are run in "
        "overlapping square tiles of this size (a multiple of 32) and their probability maps stitched, "
        "which bounds memory whatever the page size. 0: whole pages.",
    )
    tile_overlap: int = Field(
        128, ge=0, le=4096, description="Overlap (pixels of the resized page) between neighbouring tiles."
    )
    thresh: float = Field(0.3, gt=0.0, lt=1.0, description="Probability above which a pixel belongs to a text kernel.")
    box_thresh: float = Field(0.6, ge=0.0, le=1.0, description="Minimum mean probability of a kept box (its score).")
    unclip_ratio: float = Field(
        1.5,
        gt=0.0,
        le=10.0,
        description="How far shrunk kernels are grown back: by area * unclip_ratio / perimeter pixels.",
    )
    max_candidates: int = Field(
        1000, ge=1, le=100000, description="Most text kernels examined per page (the largest are kept)."
    )
    use_dilation: bool = Field(
        False, description="Dilate the binary map by 2x2 before finding kernels (joins kernels 1 pixel apart)."
    )
    score_mode: Literal["fast", "slow"] = Field(
        "fast",
        description="'fast': mean probability inside the kernel's rotated rectangle; "
        "'slow': mean probability over the kernel's own pixels (exact outline).",
    )
    box_type: Literal["quad", "poly"] = Field(
        "quad",
        description="'quad': minimum-area rotated rectangles; 'poly': also keep each line's unclipped "
        "polygon outline (curved text) in Region.polygon.",
    )
    min_size: float = Field(
        3.0, ge=0.0, le=10000.0, description="Boxes whose shorter side is below this (page pixels) are dropped."
    )
    lone_aspect: float = Field(
        LONE_ASPECT,
        ge=0.0,
        le=100.0,
        description="Kernels at most this many times wider than high on the page (a lone character, a short number; "
        "a tall narrow glyph always qualifies) that "
        "fail box_thresh over their rotated rectangle are scored over their own pixels instead; lone dashes (a short "
        "flat bar on a box's row, which the map misses) are looked for in the page's ink. 0: off (DB's rule).",
    )
    big_glyph_side: int = Field(
        BIG_GLYPH_SIDE,
        ge=0,
        le=4096,
        description="A glyph of a page of text on paper that no region holds, over 3 times the page's text height "
        "and taller than this many pixels at the network input (a shop price's 300 px digit, which the map fades "
        "on), is looked for again with the page shrunk to make it this tall, and boxed when that finds it. 0: off.",
    )
    lone_glyphs: bool = Field(
        False,
        description="Also look in the page's ink for lone glyphs on the rows of the lines found that the map "
        "missed (a one-character answer right of its label at a small max_side; the rule of craft's option "
        "of that name, docs/db.md 'Lone glyphs'). The swift preset turns it on.",
    )
    speck_isolation: float = Field(
        SPECK_ISOLATION,
        ge=0.0,
        le=1000.0,
        description="A kept kernel of at most 12 map pixels (a speck, a dust blob) with no other kept kernel within "
        "this many times its height is dropped. 0: off (DB's rule).",
    )
    batch_size: int = Field(
        4, ge=1, le=256, description="Pages (or tiles) of the same size run through the network at once."
    )
    threads: int | None = Field(
        None,
        ge=1,
        le=1024,
        description="CPU threads for inference (onnxruntime intra-op); default: onnxruntime's choice.",
    )
    precision: Literal["fp32", "int8"] = Field(
        "fp32",
        description="'int8': the model statically quantized (7-bit weights per channel, uint8 activations; "
        "ranges calibrated on funsd_train and icdar2015_val ship for the default model only), made once and "
        "cached in $OCRPLUG_HOME/weights/onnx: about 1.7x less detection CPU, boxes close to fp32's "
        "(docs/db.md, 'int8').",
    )

    @model_validator(mode="after")
    def _check_tiles(self) -> DbOptions:
        if self.tile_size:
            if self.tile_size < 4 * STRIDE or self.tile_size % STRIDE:
                raise ValueError(
                    f"tile_size must be 0 or a multiple of {STRIDE} of at least {4 * STRIDE}, got {self.tile_size}"
                )
            if 2 * self.tile_overlap >= self.tile_size:
                raise ValueError(
                    f"tile_overlap ({self.tile_overlap}) must be less than half of tile_size ({self.tile_size})"
                )
        return self


def _as_rgb(page: PageImage) -> np.ndarray:
    img = np.asarray(page.image)
    if img.dtype != np.uint8:
        raise InputError(f"{page.source} page {page.index + 1}: expected a uint8 image, got {img.dtype}")
    if img.size == 0:
        raise InputError(f"{page.source} page {page.index + 1}: empty image (shape {img.shape})")
    if img.ndim == 2:
        return np.repeat(img[:, :, None], 3, axis=2)
    if img.ndim == 3 and img.shape[2] in (3, 4):
        return img[:, :, :3]
    raise InputError(f"{page.source} page {page.index + 1}: expected an H x W x 3 image, got shape {img.shape}")


def _tiling(o: DbOptions, max_side: int, size: tuple[int, int]) -> tuple[int, int]:
    """``(tile_size, overlap)`` for a page resized to ``size``: the options', else, for an elongated page
    longer than ``max_side`` (see :func:`~ocrplug_db.preprocess.target_size`), tiles of ``max_side``: seen
    whole (9746 x 410 px) the network found no line of a 20000 pt wide PDF page, in such tiles it found them."""
    if o.tile_size or max(size) <= max_side:
        return o.tile_size, o.tile_overlap
    tile = max(pad_size(max_side), 4 * STRIDE)
    return tile, min(o.tile_overlap, tile // 2 - 1)


class DbDetector(Detector):
    """Differentiable-Binarization text detector (line level) on onnxruntime."""

    def __init__(self, options: DbOptions, model: object | None = None) -> None:
        """Load the model named by ``options.model`` (default: rapidocr's), or use an already-loaded one."""
        from ocrplug_db.loading import load_model

        self.options = options
        if options.model is not None and not Path(options.model).expanduser().is_file():
            raise WeightsError(f"DB detection model not found: {options.model} (option 'model')")
        self.model = model if model is not None else load_model(
            options.model, threads=options.threads, precision=options.precision
        )

    def working_size(
        self, height: int, width: int, max_side: int, image: np.ndarray | None = None, name: str = "page"
    ) -> tuple[int, int, bool]:
        """``(h, w, for_text)``: the size the page is resized to before detection, the one place that decides it.

        :func:`~ocrplug_db.preprocess.target_size` (``limit_type``, ``max_side``), then, when that shrinks
        the page and ``max_side`` is the option's (not the sparse retry's), the floor of ``min_text_height``:
        the scale of a page of text on paper (:func:`~ocrplug.api.paper_ink`; photos keep the shrink) is raised to keep
        its smallest text (measured on ``image``, ``H x W x 3`` uint8; on a page more than
        :data:`~ocrplug_db.preprocess.ELONGATED` times taller than wide whose rows show none, across: a strip
        of text turned upright, issue 24, L13) that many pixels high, at most to 1 (never enlarged) and to ``max_text_side``; ``for_text`` says it
        was raised (the page then runs in tiles). Short of the floor at the cap, a warning names the page
        (``name``) and the option to raise. ``image=None`` (memory estimates, before the page is read): the
        largest size the floor may give.
        """
        o = self.options
        th, tw = target_size(height, width, o.limit_side_len, o.limit_type, max_side, o.max_scale)
        long_side = max(height, width)
        scale = max(th, tw) / long_side
        if self._mild_shrink(height, width, max_side):
            return height, width, False
        if not o.min_text_height or max_side != o.max_side or scale >= 1.0:
            return th, tw, False
        cap = min(1.0, o.max_text_side / long_side)
        if image is None:
            need = cap
        else:
            gray = to_gray(image)
            if paper_ink(gray) is None:  # a photo: its texture gives no text height (scene text keeps its scale)
                return th, tw, False
            text = small_text_height(gray)
            if text is None and height > ELONGATED * width:  # a strip of text turned upright: its glyphs in columns
                text = small_text_height(np.ascontiguousarray(gray.T))
            if text is None or text < MIN_TEXT_SHARE * min(height, width) or text * scale >= o.min_text_height:
                return th, tw, False
            need = min(o.min_text_height / text, 1.0)  # small at the page's own resolution: seen there
            if need > cap:
                log.warning(
                    "%s: its smallest text (%.0f px high) is %.1f px at the detector input (%d px long side), "
                    "below min_text_height %.0f and may be lost; set detector.options.max_text_side=%d to keep it",
                    name, text, text * cap, round(long_side * cap), o.min_text_height,
                    min(32768, -(-round(long_side * need) // STRIDE) * STRIDE),
                )
            need = min(need, cap)
        if need <= scale:
            return th, tw, False
        return max(round(height * need), STRIDE), max(round(width * need), STRIDE), True

    def _mild_shrink(self, height: int, width: int, max_side: int) -> bool:
        """Whether the option's ``max_side`` (not the sparse retry's) would shrink a ``height`` x ``width``
        page (``limit_type`` 'min') by a factor of the ``mild_shrink`` option or more but below 1 (0: never;
        ``swift`` sets :data:`MILD_SHRINK`): such a page is seen at its own size, whole (not in ``max_side`` tiles)."""
        o = self.options
        if not o.mild_shrink or max_side != o.max_side or o.limit_type != "min":
            return False
        th, tw = target_size(height, width, o.limit_side_len, o.limit_type, max_side, o.max_scale)
        return o.mild_shrink <= max(th, tw) / max(height, width) < 1.0

    def memory_pixels(self, width: int, height: int) -> tuple[int, int]:
        """``(network input pixels of the largest call, resized page pixels)`` for a ``width`` x ``height`` page
        (at the largest size :meth:`working_size` may give it)."""
        o = self.options
        th, tw, for_text = self.working_size(height, width, o.max_side)
        whole = max(o.max_side, th, tw) if self._mild_shrink(height, width, o.max_side) else o.max_side
        tile_size, overlap = _tiling(o, whole, (th, tw))
        if for_text and not o.tile_size:
            tile_size, overlap = TEXT_TILE, min(o.tile_overlap, TEXT_TILE // 2 - 1)
        if tile_size and max(th, tw) > tile_size:
            tiles = len(plan_tiles(th, tw, tile_size, overlap))
            return min(tiles, o.batch_size) * pad_size(min(tile_size, th)) * pad_size(min(tile_size, tw)), th * tw
        return pad_size(th) * pad_size(tw), 0

    def estimate_memory(self, width: int, height: int) -> int:
        """Peak bytes detecting one ``width`` x ``height`` page adds (fitted, see :data:`MEMORY_PER_PIXEL`)."""
        network, tiled = self.memory_pixels(width, height)
        return round(MEMORY_BASE + MEMORY_PER_PIXEL * network + MEMORY_PER_MAP_PIXEL * tiled)

    def _params(self, scale: float, paper: bool = False) -> DbParams:
        """Post-processing settings for a map ``scale`` times the page's size; ``paper``: the page is text on
        paper (:func:`~ocrplug.api.paper_ink`), where a page number alone on its row is looked for."""
        o = self.options
        return DbParams(
            thresh=o.thresh,
            box_thresh=o.box_thresh,
            unclip_ratio=o.unclip_ratio,
            max_candidates=o.max_candidates,
            use_dilation=o.use_dilation,
            score_mode=o.score_mode,
            box_type=o.box_type,
            # DB's noise floor, unless the user asks for boxes smaller than it.
            min_size=min(KERNEL_MIN_SIZE, o.min_size * scale),
            lone_aspect=o.lone_aspect,
            speck_isolation=o.speck_isolation,
            alone_rows=paper and o.lone_aspect > 0,
        )

    def detect(self, page: PageImage) -> list[Region]:
        """Line regions of one page, in page pixels (ordered later by the host layout), scored by mean probability."""
        return self.detect_batch([page])[0]

    def probability_maps(self, pages: Sequence[PageImage], max_side: int | None = None) -> list[np.ndarray]:
        """The network's text-probability map of each page, at the resized page's resolution.

        A small image (a crop, see the ``margin`` option) is seen by the network inside a blank margin
        (:func:`~ocrplug_db.preprocess.add_margin`); the returned map covers the image alone. Pages (or
        tiles) with the same padded size share one network call of up to ``batch_size``. ``max_side``
        replaces the option of that name (the sparse-page retry of :meth:`detect_batch`).
        """
        o = self.options
        max_side = max_side or o.max_side
        resized: list[np.ndarray] = []
        maps: list[np.ndarray | None] = []
        work: dict[tuple[int, int], list[tuple[int, Tile | None]]] = defaultdict(list)
        margins: list[int] = []
        for i, page in enumerate(pages):
            img = _as_rgb(page)
            # The scale is the page's own (the margin does not change it); the margin is scaled with it.
            th, tw, for_text = self.working_size(
                img.shape[0], img.shape[1], max_side, img, f"{page.source} page {page.index + 1}"
            )
            # Only a small image gets the margin (one that limit_type 'min' would enlarge more than max_scale
            # times: a crop, not a page): the network's map of a whole page changes with its canvas size.
            small = o.limit_type == "min" and min(img.shape[:2]) * o.max_scale < o.limit_side_len
            img, m = add_margin(img, o.margin if small else 0)
            margins.append(m)
            size = (round(img.shape[0] * th / page.height), round(img.shape[1] * tw / page.width))
            resized.append(resize_page(img, size))
            whole = max(max_side, *size) if self._mild_shrink(page.height, page.width, max_side) else max_side
            tile_size, overlap = _tiling(o, whole, size)
            if for_text and not o.tile_size:
                tile_size, overlap = TEXT_TILE, min(o.tile_overlap, TEXT_TILE // 2 - 1)
            if tile_size and max(size) > tile_size:
                maps.append(np.zeros(size, dtype=np.float32))
                for tile in plan_tiles(size[0], size[1], tile_size, overlap):
                    work[(pad_size(tile.y1 - tile.y0), pad_size(tile.x1 - tile.x0))].append((i, tile))
            else:
                maps.append(None)
                work[(pad_size(size[0]), pad_size(size[1]))].append((i, None))
        for (height, width), items in work.items():
            for start in range(0, len(items), o.batch_size):
                chunk = items[start : start + o.batch_size]
                crops = [resized[i] if t is None else resized[i][t.y0 : t.y1, t.x0 : t.x1] for i, t in chunk]
                probs = self.model(to_batch(crops, height, width))
                for (i, tile), prob in zip(chunk, probs, strict=True):
                    h, w = resized[i].shape[:2]
                    if tile is None:
                        maps[i] = np.ascontiguousarray(prob[:h, :w])
                    else:
                        target = maps[i]
                        assert target is not None
                        target[tile.keep_y0 : tile.keep_y1, tile.keep_x0 : tile.keep_x1] = prob[
                            tile.keep_y0 - tile.y0 : tile.keep_y1 - tile.y0,
                            tile.keep_x0 - tile.x0 : tile.keep_x1 - tile.x0,
                        ]
        out = []
        for page, prob, m in zip(pages, maps, margins, strict=True):
            assert prob is not None
            if m:  # the margin's part of the map is cut off again: the map covers the page itself
                sy = prob.shape[0] / (page.height + 2 * m)
                sx = prob.shape[1] / (page.width + 2 * m)
                y0, x0 = round(m * sy), round(m * sx)
                prob = np.ascontiguousarray(prob[y0 : y0 + round(page.height * sy), x0 : x0 + round(page.width * sx)])
            out.append(prob)
        return out

    def detect_batch(self, pages: Sequence[PageImage]) -> list[list[Region]]:
        """Detect on several pages; same-size pages (or tiles) are batched through the network.

        A sparse page (fewer than :data:`SPARSE_REGIONS` regions found) that the network saw with a
        longer side above ``sparse_side``, and not enlarged (an enlarged page is small already; on a blank
        one the retry found noise), is detected again at ``sparse_side``, and the regions of that
        pass lying outside the first pass's (under 30 % of their box covered) are added: PP-OCRv6's detector responds to the whole canvas, and on a mostly blank page
        seen large it misses the few lines there are (one 40 px line on an A4 page at 300 dpi: none found
        at 2000 px, found at 800; docs/db.md, "Sparse pages").
        """
        if not pages:
            return []
        o = self.options
        maps = self.probability_maps(pages)
        found = [self._regions(page, prob) for page, prob in zip(pages, maps, strict=True)]
        retry = [
            i
            for i, (page, regions, prob) in enumerate(zip(pages, found, maps, strict=True))
            if o.sparse_side
            and len(regions) < SPARSE_REGIONS
            and o.sparse_side < max(prob.shape) <= max(page.height, page.width)  # seen large, not enlarged
        ]
        if retry:
            again = self.probability_maps([pages[i] for i in retry], max_side=o.sparse_side)
            for i, prob in zip(retry, again, strict=True):
                regions = self._regions(pages[i], prob)
                # The first pass's regions stay; the retry adds what lies outside them.
                found[i] += [r for r in regions if not any(_overlap(r, f) > 0.3 for f in found[i])]
        found = [self._with_big_glyphs(page, regions, prob) for page, regions, prob in zip(pages, found, maps, strict=True)]
        found = [self._under_stamps(page, regions, prob) for page, regions, prob in zip(pages, found, maps, strict=True)]
        # Each box's direction is its ink's where the ink shows one (a line on paper, 3 heights long or more).
        found = [_turned_to_ink(page, regions) for page, regions in zip(pages, found, strict=True)]
        if o.lone_aspect > 0:
            found = [_with_lone_dashes(page, regions) for page, regions in zip(pages, found, strict=True)]
        if o.lone_glyphs:
            found = [_with_lone_glyphs(page, regions) for page, regions in zip(pages, found, strict=True)]
        return found

    def _with_big_glyphs(self, page: PageImage, regions: list[Region], prob: np.ndarray) -> list[Region]:
        """``regions`` with the big glyphs the map faded on (:func:`_big_glyphs`, option ``big_glyph_side``): the
        page is detected again shrunk so that they are ``big_glyph_side`` pixels high at the network input, and
        each glyph that a region of that look holds (its centre) gets the box of its ink grown by a tenth of its
        height; glyphs of one row at most half their height apart share one box (a two-digit price). Pages
        with no such glyph cost one labelling of their ink."""
        side = self.options.big_glyph_side
        scale = min(prob.shape[0] / page.height, prob.shape[1] / page.width)
        glyphs = _big_glyphs(paper_ink(to_gray(page.image)), regions, scale, side)
        if not glyphs:
            return regions
        again = side / float(np.median([y1 - y0 for _, y0, _, y1 in glyphs]))
        long_side = max(page.height, page.width)
        look = self._regions(page, self.probability_maps([page], max_side=max(STRIDE, round(long_side * again)))[0])
        held = []
        for g in sorted(glyphs):
            cx, cy = (g[0] + g[2]) / 2, (g[1] + g[3]) / 2
            scores = [r.score or 0.0 for r in look if r.bbox[0] <= cx <= r.bbox[2] and r.bbox[1] <= cy <= r.bbox[3]]
            if scores:
                held.append([*g, max(scores)])
        boxes: list[list[float]] = []
        for x0, y0, x1, y1, score in held:
            last = boxes[-1] if boxes else None
            h = y1 - y0
            if last and x0 - last[2] <= 0.5 * h and min(last[3], y1) - max(last[1], y0) >= 0.5 * min(h, last[3] - last[1]):
                last[:] = [last[0], min(last[1], y0), max(last[2], x1), max(last[3], y1), max(last[4], score)]
            else:
                boxes.append([x0, y0, x1, y1, score])
        out = list(regions)
        for x0, y0, x1, y1, score in boxes:
            grow = 0.1 * (y1 - y0)
            x0, y0 = max(x0 - grow, 0.0), max(y0 - grow, 0.0)
            x1, y1 = min(x1 + grow, float(page.width)), min(y1 + grow, float(page.height))
            out.append(Region(quad=((x0, y0), (x1, y0), (x1, y1), (x0, y1)), level="line", score=float(score)))
        return out

    def _under_stamps(self, page: PageImage, regions: list[Region], prob: np.ndarray) -> list[Region]:
        """``regions`` with the lines the map lost under a coloured stamp or signature (issue 24): where a
        fused kernel was lost (:func:`_lost_kernels`) on a page of text on paper (:func:`~ocrplug.api.paper_ink`) with coloured ink (:func:`~ocrplug.api.colour_views`),
        the colour-dropped view and the colour layer are detected too, and their regions centred in a lost
        kernel that no region already covers (30 % of their box) are added. Other pages cost one labelling."""
        sy, sx = prob.shape[0] / page.height, prob.shape[1] / page.width
        lost = _lost_kernels(prob, regions, sx, sy, self.options.thresh, self.options.box_thresh)
        if not lost:
            return regions
        # Text on paper only: on scene photos (icdar2015_val img_112, img_128) the second look added signs'
        # pieces and moved the reading order (page CER +0.016 over 40 images).
        if paper_ink(to_gray(page.image)) is None:
            return regions
        views = colour_views(page.image)
        if views is None:
            return regions
        looks = [PageImage(image=view, index=page.index, source=page.source, dpi=page.dpi, dpi_y=page.dpi_y)
                 for view in (views.dropped, views.layer)]
        out = list(regions)
        for look, look_prob in zip(looks, self.probability_maps(looks), strict=True):
            for r in self._regions(look, look_prob):
                cx, cy = np.asarray(r.quad).mean(axis=0)
                inside = any(x0 <= cx <= x1 and y0 <= cy <= y1 for x0, y0, x1, y1 in lost)
                if inside and _holds_ink(page, r) and not any(_overlap(r, f) > 0.3 for f in out):
                    out.append(r)
        return out

    def _regions(self, page: PageImage, prob: np.ndarray) -> list[Region]:
        sy, sx = prob.shape[0] / page.height, prob.shape[1] / page.width
        ink = paper_ink(to_gray(page.image))
        boxes = boxes_from_prob(prob, self._params(min(sx, sy), ink is not None))
        regions = self._to_regions(boxes, sx, sy, page.width, page.height)  # ordered by the host layout step
        return [r for r in regions if _holds_ink(page, r) and not _short_and_blank(r, ink)]

    def _to_regions(self, boxes: list[DbBox], sx: float, sy: float, width: int, height: int) -> list[Region]:
        if not boxes:
            return []
        inv = np.array([1.0 / sx, 1.0 / sy])
        limit = np.array([width, height], dtype=np.float64)
        quads = np.clip(np.stack([b.quad for b in boxes]) * inv, 0.0, limit)
        # Shorter side of each quad in page pixels, for the user-facing min_size filter.
        sides = np.linalg.norm(quads - np.roll(quads, -1, axis=1), axis=2)
        short = np.minimum(sides[:, 0] + sides[:, 2], sides[:, 1] + sides[:, 3]) / 2
        regions = []
        for box, quad, small in zip(boxes, quads, short < self.options.min_size, strict=True):
            if small:
                continue
            polygon = None
            if box.polygon is not None:
                polygon = np.clip(box.polygon * inv, 0.0, limit)
            regions.append(
                Region(
                    quad=quad,
                    level="line",
                    score=float(np.clip(box.score, 0.0, 1.0)),
                    polygon=polygon,
                )
            )
        return regions
