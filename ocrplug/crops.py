"""Crop rectification shared by every recognizer.

A region's quadrilateral (any rotation, any perspective) is warped into an upright, axis-aligned crop
with a configurable margin. Each :class:`Crop` keeps the homography back to the page, so boxes a
recognizer finds inside the crop (e.g. Tesseract's words) map back to page pixels as quads.

Orientation: a quad's corner order says where the text starts (top-left corner of the text as read),
but many detectors only return geometric order (top-left on screen first). A crop much taller than it is
wide is then most likely a vertical line and is turned by 90 degrees; which of the two senses (and, on
request, whether the text is upside down) is decided by a recognizer-supplied scoring callback that
reads each candidate and returns a confidence.

Everything here is numpy/OpenCV; warping one crop costs about its own size, so pages with hundreds of
regions stay fast.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from ocrplug.components import DEFAULT_MARGIN, ORIENTATIONS, CropOptions, Orientation
from ocrplug.model import PageImage, Quad, Region
from ocrplug.rectify import CurveMap, rectify_region

__all__ = [
    "DEFAULT_MARGIN",
    "ORIENTATIONS",
    "PAPER_INK",
    "PAPER_SPREAD",
    "Crop",
    "CropOptions",
    "LoneDash",
    "Orientation",
    "Scorer",
    "add_background_margin",
    "choose_orientation",
    "crop_region",
    "crop_regions",
    "erase_neighbour_ink",
    "find_lone_dashes",
    "ink_boxes",
    "is_lone_glyph",
    "lone_glyph_case",
    "paper_ink",
    "quad_of_region",
    "rotate_crop",
    "to_gray",
    "with_rotation",
]

#: Reads a batch of candidate crop images and returns one confidence (any scale, higher is better) each.
Scorer = Callable[[Sequence[np.ndarray]], Sequence[float]]


@dataclass(frozen=True)
class Crop:
    """An upright crop of one region and the map back to the page.

    ``image``: the crop (same channels as the page image, uint8), text upright, reading left to right.
    ``to_page``: 3x3 homography from crop pixel coordinates to page pixel coordinates.
    ``rotation``: degrees (0, 90, 180, 270, counter-clockwise) the warped quad was turned to be upright.
    ``curve``: for a curved line read through a rectified crop (:mod:`ocrplug.rectify`), the map from the
    unturned rectified crop to the page; ``to_page`` then maps this crop's coordinates into that crop's
    (the identity, or a quarter turn) and :meth:`map_points` goes on through ``curve``. None otherwise.
    """

    image: np.ndarray
    to_page: np.ndarray
    rotation: int = 0
    curve: CurveMap | None = None

    @property
    def width(self) -> int:
        """Crop width in pixels."""
        return int(self.image.shape[1])

    @property
    def height(self) -> int:
        """Crop height in pixels."""
        return int(self.image.shape[0])

    def map_points(self, points: np.ndarray | Sequence[Sequence[float]]) -> np.ndarray:
        """Map ``(n, 2)`` crop pixel coordinates to page pixel coordinates."""
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        homo = np.hstack([pts, np.ones((len(pts), 1))]) @ self.to_page.T
        out = homo[:, :2] / homo[:, 2:3]
        return out if self.curve is None else self.curve.map_points(out)

    def map_box(self, left: float, top: float, right: float, bottom: float) -> Quad:
        """Page quad of an axis-aligned box inside the crop, clockwise from the text's top-left."""
        pts = self.map_points([(left, top), (right, top), (right, bottom), (left, bottom)])
        return tuple((float(x), float(y)) for x, y in pts)  # type: ignore[return-value]


def quad_of_region(region: Region) -> np.ndarray:
    """The quad to rectify for ``region``: its quad, or the min-area rectangle of a finer polygon.

    For a polygon (e.g. a curved line) the rectangle's corners are ordered so that its top edge points
    the same way as the region's quad, keeping the reading direction the detector gave.
    """
    quad = np.asarray(region.quad, dtype=np.float64)
    if not region.polygon or len(region.polygon) <= 4:
        return quad
    rect = cv2.minAreaRect(np.asarray(region.polygon, dtype=np.float32))
    box = cv2.boxPoints(rect).astype(np.float64)  # 4 corners, consistent winding
    # Make the winding clockwise on screen (y down): positive signed area in that frame.
    area = np.sum(box[:, 0] * np.roll(box[:, 1], -1) - np.roll(box[:, 0], -1) * box[:, 1])
    if area < 0:
        box = box[::-1]
    direction = (quad[1] - quad[0]) + (quad[2] - quad[3])
    best, best_dot = box, -np.inf
    for k in range(4):
        cand = np.roll(box, -k, axis=0)
        edge = cand[1] - cand[0]
        dot = float(np.dot(edge, direction) / (np.linalg.norm(edge) + 1e-9))
        if dot > best_dot:
            best, best_dot = cand, dot
    return best


def _warp(image: np.ndarray, quad: np.ndarray, margin: float, max_height: int) -> Crop:
    top = np.linalg.norm(quad[1] - quad[0])
    bottom = np.linalg.norm(quad[2] - quad[3])
    left = np.linalg.norm(quad[3] - quad[0])
    right = np.linalg.norm(quad[2] - quad[1])
    width = max((top + bottom) / 2, 1.0)
    height = max((left + right) / 2, 1.0)
    # The margin is relative to the text height for horizontal text; use the shorter side so a
    # vertical line (tall crop before turning) gets a margin from its real text height.
    pad = margin * min(width, height)
    out_w = round(width + 2 * pad)
    out_h = round(height + 2 * pad)
    scale = 1.0
    if max_height and out_h > max_height and out_h <= out_w * 4:
        scale = max_height / out_h
    out_w = max(round(out_w * scale), 1)
    out_h = max(round(out_h * scale), 1)
    p = pad * scale
    dst = np.array(
        [[p, p], [out_w - p, p], [out_w - p, out_h - p], [p, out_h - p]],
        dtype=np.float32,
    )
    # Map the quad's corners onto the inner rectangle; the margin then comes from the page around it.
    page_to_crop = cv2.getPerspectiveTransform(quad.astype(np.float32), dst)
    crop = cv2.warpPerspective(image, page_to_crop, (out_w, out_h), flags=cv2.INTER_LINEAR)
    to_page = np.linalg.inv(page_to_crop.astype(np.float64))
    corners = cv2.perspectiveTransform(
        np.array([[[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]]], dtype=np.float64), to_page
    )[0]
    h, w = image.shape[:2]
    if corners.min() < 0 or np.any(corners[:, 0] > w) or np.any(corners[:, 1] > h):
        # The margin reaches past the page edge (e.g. a region that is the whole image). Repeating edge
        # pixels would smear text touching the edge into stripes; fill with the crop's background instead.
        inside = cv2.warpPerspective(np.full((h, w), 255, np.uint8), page_to_crop, (out_w, out_h)) > 127
        if inside.any() and not inside.all():
            crop[~inside] = np.median(crop[inside], axis=0).astype(crop.dtype)
    # Ink is judged on a taller view of the same place: a ruling line shows there as running far above
    # and below the text, which no glyph of a tight box does (capitals fill a tight box to its edges),
    # and the next line's glyphs show whole, mostly outside the text's rows (even with no margin).
    extra = max(1, round(_PROBE * (out_h - 2 * p)))
    shift = np.array([[1, 0, 0], [0, 1, extra], [0, 0, 1]], dtype=np.float64)
    probe = cv2.warpPerspective(to_gray(image), shift @ page_to_crop.astype(np.float64), (out_w, out_h + 2 * extra),
                                flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    crop = erase_neighbour_ink(crop, (p, p, out_w - p, out_h - p), probe=(probe, extra))
    return Crop(image=crop, to_page=to_page)


def _crop(image: np.ndarray, region: Region, margin: float, max_height: int) -> Crop:
    """A curved line's rectified crop (:func:`ocrplug.rectify.rectify_region`), else the quad's crop."""
    rect = rectify_region(image, region, margin, max_height, _PROBE, to_gray) if region.polygon else None
    if rect is None:
        return _warp(image, quad_of_region(region), margin, max_height)
    cleaned = erase_neighbour_ink(rect.image, rect.inner, probe=(rect.probe, rect.extra))
    return Crop(image=cleaned, to_page=np.eye(3), curve=rect.curve)


# How far (times the text height) above and below a crop its ink is looked at to tell rules from glyphs.
_PROBE = 0.5
# A component running this far (times the text height) past the text both above and below is a rule.
_RULE_OVERRUN = 0.3


# Contrast (1st to 99th percentile of gray levels) below which a crop is taken to hold no ink at all.
_MIN_CONTRAST = 24
# Share of ink above which a crop is no text on paper (a photo, noise): nothing is erased there.
_MAX_INK = 0.45


def erase_neighbour_ink(
    crop: np.ndarray,
    inner: tuple[float, float, float, float],
    probe: tuple[np.ndarray, int] | None = None,
) -> np.ndarray:
    """``crop`` (H x W or H x W x C, uint8) with the ink of neighbours painted over in its background colour.

    ``inner``: the region's own box inside the crop (left, top, right, bottom, crop pixels); the rest
    is the margin. Ink is measured, not assumed: the crop is binarised (Otsu's threshold; dark or light
    text after the crop's median, the paper) and each 8-connected ink component is judged by where it lies:

    - a component that touches the crop's frame and has less than half of its extent (rows for the top
      and bottom edges, columns for the left and right) inside ``inner`` belongs to a neighbour: the
      next or previous line, the next word;
    - a component that covers the text's rows and runs past them, on one side by more than 0.3 text
      heights, holds a ruling line (or a frame): no glyph of a tight region spans it so. Its columns
      that do so and its ink outside the text's rows are erased (a letter touching the rule keeps
      its strokes). Seen only
      with ``probe``: ``(gray view, extra)``, the same warp with ``extra`` more rows above and below
      (the crop is its rows ``extra`` to ``extra + H``); without it, no rule is found.

    Text of the region itself never lies mostly in the margin, so it is kept; when erasing would leave
    no ink at all the crop is returned unchanged (a lone ``1`` in a tight box). A flat crop is returned
    as it is. Returns a new array (or ``crop`` itself when nothing is erased).
    """
    gray = to_gray(crop)
    h, w = gray.shape
    if h < 3 or w < 3:
        return crop
    lo, hi = np.percentile(gray, (1, 99))
    if hi - lo < _MIN_CONTRAST:
        return crop
    # The paper is what most of a text crop shows (its frame may be a rule, so it cannot tell).
    light_paper = float(np.median(gray)) >= (float(lo) + float(hi)) / 2
    mode = cv2.THRESH_BINARY_INV if light_paper else cv2.THRESH_BINARY
    threshold, _ = cv2.threshold(gray, 0, 1, mode | cv2.THRESH_OTSU)
    view, extra = probe if probe is not None else (gray, 0)
    _, ink_view = cv2.threshold(view, threshold, 1, mode)
    n, labels_view, stats, _ = cv2.connectedComponentsWithStats(ink_view, connectivity=8)
    labels = labels_view[extra : extra + h]
    ink = ink_view[extra : extra + h]
    if n <= 1 or not ink.any() or ink.mean() > _MAX_INK:
        return crop
    x0, y0, x1, y1 = inner
    y0, y1 = y0 + extra, y1 + extra  # in the view's rows
    text_h = y1 - y0
    drop: list[int] = []
    rules: list[int] = []
    for k in range(1, n):
        left, top, cw, ch = (int(v) for v in stats[k, :4])
        right, bottom = left + cw, top + ch
        if bottom <= extra or top >= extra + h:
            continue  # not in the crop
        rows_in = max(0.0, min(bottom, y1) - max(top, y0))
        cols_in = max(0.0, min(right, x1) - max(left, x0))
        at_top, at_bottom = top <= extra, bottom >= extra + h
        at_left, at_right = left == 0, right == w
        neighbour = ((at_top or at_bottom) and rows_in < ch / 2) or ((at_left or at_right) and cols_in < cw / 2)
        run = _RULE_OVERRUN * text_h
        rule = probe is not None and top < y0 and bottom > y1 and (top < y0 - run or bottom > y1 + run)
        if rule:  # first: a rule's component reaches past the crop's frame too
            rules.append(k)
        elif neighbour:
            drop.append(k)
    if not drop and not rules:
        return crop
    erase = np.isin(labels, drop)
    for k in rules:
        # Only the rule itself: its columns that run past the text above and below, and whatever of it
        # lies outside the text's rows. A letter touching the rule (a label written against a form's
        # frame) keeps its own strokes.
        mine = labels_view == k
        has = mine.any(axis=0)
        first = np.where(has, mine.argmax(axis=0), mine.shape[0])
        last = np.where(has, mine.shape[0] - 1 - mine[::-1].argmax(axis=0), -1)
        run = _RULE_OVERRUN * text_h
        spans = (first < y0) & (last >= y1) & ((first < y0 - run) | (last >= y1 + run))
        rows = np.arange(extra, extra + h)
        outside = ((rows < y0) | (rows >= y1))[:, None]
        erase |= mine[extra : extra + h] & (spans[None, :] | outside)
    if not erase.any():
        return crop
    if erase.sum() >= ink.sum():
        return crop
    # Take in the anti-aliased rim of the erased strokes too.
    erase = cv2.dilate(erase.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    paper = ink == 0
    out = crop.copy()
    out[erase] = np.median(crop[paper & ~erase], axis=0).astype(crop.dtype) if (paper & ~erase).any() else out[erase]
    return out


def rotate_crop(crop: Crop, degrees: int) -> Crop:
    """Turn a crop counter-clockwise by a multiple of 90 degrees, keeping its map to the page."""
    k = (degrees // 90) % 4
    if k == 0:
        return crop
    h, w = crop.image.shape[:2]
    image = np.ascontiguousarray(np.rot90(crop.image, k))
    # Matrix sending coordinates in the turned crop back to the original crop (pixel-corner frame).
    if k == 1:  # CCW: new (x, y) <- old (w - y, x)
        back = np.array([[0, -1, w], [1, 0, 0], [0, 0, 1]], dtype=np.float64)
    elif k == 2:
        back = np.array([[-1, 0, w], [0, -1, h], [0, 0, 1]], dtype=np.float64)
    else:  # CW: new (x, y) <- old (y, h - x)
        back = np.array([[0, 1, 0], [-1, 0, h], [0, 0, 1]], dtype=np.float64)
    return Crop(image=image, to_page=crop.to_page @ back, rotation=(crop.rotation + 90 * k) % 360, curve=crop.curve)


def _is_vertical(crop: Crop, level: str, ratio: float) -> bool:
    limit = ratio * (2.0 if level == "word" else 1.0)
    return crop.height > limit * crop.width and not is_lone_glyph(crop.image)


#: A crop whose largest ink component holds at least this share of its ink is one glyph (the dot of an
#: ``i`` or ``!`` is a sixth of the glyph's ink; two letters side by side give at most about a half).
#: Chosen on the generated lone-glyph forms of tests/test_read_page.py and checked on the validation
#: sets (docs/layout.md "Directions", docs/eval.md).
LONE_GLYPH_SHARE = 0.7
# Components smaller than this share of a crop's ink are specks (paper grain, scan dust), not glyphs.
_SPECK_SHARE = 0.02


def is_lone_glyph(image: np.ndarray) -> bool:
    """Whether a crop (H x W or H x W x C, uint8) holds a single glyph, which must never be turned.

    Ink is the pixels darker than the crop's Otsu threshold; its 8-connected components smaller than
    ``_SPECK_SHARE`` of the ink are dropped. The crop is one glyph when the largest component holds at
    least :data:`LONE_GLYPH_SHARE` of the rest: a lone ``I``, ``l``, ``1``, ``|``, ``i`` or ``!`` in a
    tall narrow box reads as a dash (``-``, ``一``) when turned, and a turned line of two or more
    characters is two or more components of similar size. A crop without contrast (no ink) is not one
    glyph. Letters that touch (cursive, smeared scans) make one component too: a turned word written so
    stays upright (docs/layout.md "Directions").
    """
    gray = to_gray(image)
    lo, hi = np.percentile(gray, (1, 99))
    if hi - lo < _MIN_CONTRAST:
        return False
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    areas = np.sort(stats[1:count, cv2.CC_STAT_AREA])[::-1].astype(np.float64)
    if areas.size == 0:
        return False
    areas = areas[areas >= _SPECK_SHARE * areas.sum()]
    # Every component a speck: over 50 glyphs of like size (a long line), no one glyph.
    return bool(areas.size and areas[0] >= LONE_GLYPH_SHARE * areas.sum())


#: Letters whose lower and upper case differ in size only (a lone ``x`` and ``X`` crop alike), or in size
#: and place (a monospaced ``y`` is a ``Y`` whose arms stand at the x-height over a descender): their case
#: is taken from the glyph's height above its row's baseline (:func:`lone_glyph_case`).
SIZE_CASE_PAIRS = frozenset("cCoOsSuUvVwWxXyYzZ")
#: A lone glyph at most this share of its row's cap height is lower case, at least
#: :data:`CAP_HEIGHT_SHARE` upper case (between: no evidence). DejaVu Sans' x-height is 0.75 of its cap
#: height, DejaVu Serif's 0.71, Times' about 0.66; round letters overshoot by about 3 %. Chosen on the
#: generated pages of benchmarks/lone_answers.py (docs/benchmarks.md "Lone answers (issue 24, last faults)").
X_HEIGHT_SHARE = 0.85
CAP_HEIGHT_SHARE = 0.93
#: Against a row word's x-height letters (its letters on the baseline below the largest step between
#: their sorted heights, where that step is at least :data:`X_GROUP_GAP`): a lone glyph at most
#: :data:`X_HEIGHT_RATIO` times their median height is lower case, at least :data:`CAP_HEIGHT_RATIO`
#: times upper case. ``X`` over ``x`` (ink heights, PIL at 1000 px) is 1.25 in Liberation Mono, 1.30 in
#: Liberation Sans, 1.33 in DejaVu Sans and Noto Sans, 1.40 in DejaVu Serif, 1.43-1.47 in Liberation
#: Serif and FreeSerif; a ``t`` stands 1.26 times the x-height in Times, a round letter overshoots it by
#: about 3 %, and a pixel is 5-10 % of an x-height at 150-300 dpi. Measured on tests/test_lone_answers.py's
#: rows (Liberation Serif, Sans, Mono, DejaVu Serif, Sans; 19-48 px): lower case at most 1.06 times the
#: x-height, capitals at least 1.14. A fixed share of the tallest letter does not find the x-height:
#: it is 0.65-0.72 of an ascender but 0.75-0.80 of a capital, and a Times ``t`` is 0.81 of an ascender.
X_HEIGHT_RATIO = 1.09
CAP_HEIGHT_RATIO = 1.13
X_GROUP_GAP = 1.12
# Components of a row word shorter than this share of its tallest letter (dots, commas, a colon's dot)
# are no letters for the scale.
_LETTER_SHARE = 0.4
# Ink components of a row word whose bottom lies within this share of the row's tallest component of
# the baseline sit on it (descenders, punctuation and specks do not).
_BASELINE_TOL = 0.1
#: A lone glyph whose bottom lies below its row's baseline by more than :data:`_BASELINE_TOL` and at most
#: this share of the row's tallest letter has a descender (``y``, ``g``, ``p``): it is measured from its
#: top to the baseline. Descenders reach 0.2-0.3 of the em below the baseline, about 0.3-0.45 of a
#: capital's height (DejaVu, Liberation, URW base35 faces).
DESCENDER_SHARE = 0.6


def ink_boxes(gray: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """(N, 4) int64 left, top, right, bottom (page pixels, right and bottom exclusive) of the dark ink
    components (8-connected) inside ``box`` (left, top, right, bottom; page pixels, already clipped to
    ``gray``) that are not specks (under 0.02 of the box's ink area), by Otsu's threshold over the box.

    ``gray``: the page (H x W uint8, dark text on light paper). Empty (0 x 4) for a box under 9 pixels or
    one whose 1st-99th percentile contrast is under 24 gray levels (blank paper). Used by
    :func:`lone_glyph_case` and :func:`ocrplug.recognition.in_line_letter_case`."""
    x0, y0, x1, y1 = box
    part = gray[y0:y1, x0:x1]
    if part.size < 9:
        return np.zeros((0, 4), dtype=np.int64)
    lo, hi = np.percentile(part, (1, 99))
    if hi - lo < _MIN_CONTRAST:
        return np.zeros((0, 4), dtype=np.int64)
    _, ink = cv2.threshold(part, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    stats = stats[1:count]
    stats = stats[stats[:, cv2.CC_STAT_AREA] >= _SPECK_SHARE * max(int(stats[:, cv2.CC_STAT_AREA].sum()), 1)]
    left, top = stats[:, 0] + x0, stats[:, 1] + y0
    return np.stack([left, top, left + stats[:, 2], top + stats[:, 3]], axis=1).astype(np.int64)


def lone_glyph_case(gray: np.ndarray, glyph: Region, row: Sequence[Region]) -> str | None:
    """``"lower"``, ``"upper"`` or None: the case a lone glyph's height says, against a word on its row.

    ``gray``: the page (H x W uint8, dark text on light paper); ``glyph``: the region read as one letter;
    ``row``: the page's other regions (page pixels). The evidence: the nearest level region whose vertical
    extent holds the glyph's centre and that holds at least three ink components (Otsu, specks dropped)
    gives the row's baseline (the median bottom of its components); the glyph's largest component must
    sit on it too (within a tenth of the row's tallest letter), or hang below it by at most
    :data:`DESCENDER_SHARE` of that letter (a descender: its height is then taken from its top down to
    the baseline, which a ``y``'s arms share with ``x``, not from its whole ink). The row word's letters on the baseline
    (at least :data:`_LETTER_SHARE` of the tallest: no dots or commas) give the scale. Where their sorted
    heights step up by :data:`X_GROUP_GAP` or more, the median height of those below the largest step
    (``a``, ``e``, ``r``...) is the x-height, and the glyph at most :data:`X_HEIGHT_RATIO` times it is lower case, at least
    :data:`CAP_HEIGHT_RATIO` times it upper case: an ascender (``d``, ``l``, taller than the capitals in
    Times-like faces) does not move the x-height. Where none is (an all-capitals word, ``Qty``), the
    median letter height is the cap height, and the glyph at most :data:`X_HEIGHT_SHARE` of it is lower
    case, at least :data:`CAP_HEIGHT_SHARE` upper case. None without such a row word, for a glyph off the
    baseline, or between the limits. A recognizer reads a crop of one ``x`` alone as ``X`` (or the
    reverse): the crop has lost its size relative to the text around it.
    """
    h_img, w_img = gray.shape[:2]

    def _box(region: Region) -> tuple[int, int, int, int]:
        x0, y0, x1, y1 = region.bbox
        return (max(int(np.floor(x0)), 0), max(int(np.floor(y0)), 0),
                min(int(np.ceil(x1)), w_img), min(int(np.ceil(y1)), h_img))

    gx0, gy0, gx1, gy1 = _box(glyph)
    own = ink_boxes(gray, (gx0, gy0, gx1, gy1))
    if not len(own):
        return None
    g = own[np.argmax((own[:, 2] - own[:, 0]) * (own[:, 3] - own[:, 1]))]
    g_h, g_bottom, g_cy = g[3] - g[1], g[3], (g[1] + g[3]) / 2
    best: tuple[float, np.ndarray] | None = None
    for other in row:
        if other is glyph:
            continue
        ox0, oy0, ox1, oy1 = _box(other)
        quad = np.asarray(other.quad, dtype=np.float64)
        top = quad[1] - quad[0]
        if not (oy0 <= g_cy <= oy1) or abs(top[1]) > 0.1 * max(abs(top[0]), 1e-6) or ox1 - ox0 < oy1 - oy0:
            continue  # not on the glyph's row, not level, or no wider than tall (no word of several letters)
        distance = float(max(ox0 - gx1, gx0 - ox1, 0))
        if best is None or distance < best[0]:
            comps = ink_boxes(gray, (ox0, oy0, ox1, oy1))
            if len(comps) >= 3:
                best = (distance, comps)
    if best is None:
        return None
    comps = best[1]
    tallest = float((comps[:, 3] - comps[:, 1]).max())
    baseline = float(np.median(comps[:, 3]))
    on_line = comps[np.abs(comps[:, 3] - baseline) <= _BASELINE_TOL * tallest]
    if not len(on_line):  # bottoms in two groups (the median falls between them): no baseline
        return None
    heights = baseline - on_line[:, 1].astype(np.float64)
    top = float(heights.max())
    if top <= 0 or g_bottom - baseline < -_BASELINE_TOL * top or g_bottom - baseline > DESCENDER_SHARE * top:
        return None
    if g_bottom - baseline > _BASELINE_TOL * top:  # a descender: its height above the baseline
        g_h = baseline - g[1]
    letters = np.sort(heights[heights >= _LETTER_SHARE * top])
    steps = letters[1:] / np.maximum(letters[:-1], 1.0)
    split = int(np.argmax(steps)) + 1 if len(steps) else 0
    short = letters[:split] if split and steps[split - 1] >= X_GROUP_GAP else letters[:0]
    if len(short):  # x-height letters on the row: measure against them
        ratio = g_h / float(np.median(short))
        lower, upper = ratio <= X_HEIGHT_RATIO, ratio >= CAP_HEIGHT_RATIO
    else:  # capitals (and ascenders) only: their median is the cap height
        share = g_h / float(np.median(letters))
        lower, upper = share <= X_HEIGHT_SHARE, share >= CAP_HEIGHT_SHARE
    if lower:
        return "lower"
    if upper:
        return "upper"
    return None


def crop_region(
    image: np.ndarray,
    region: Region,
    options: CropOptions | None = None,
) -> Crop:
    """Warp one region to an upright crop (without scoring: tall crops turn counter-clockwise)."""
    return crop_regions(image, [region], options)[0]


def crop_regions(
    image: np.ndarray | PageImage,
    regions: Sequence[Region],
    options: CropOptions | None = None,
    scorer: Scorer | None = None,
) -> list[Crop]:
    """Upright crops of ``regions`` (same order), oriented as ``options.orientation`` says.

    ``scorer`` reads candidate crops in one batch and returns a confidence each; with it, vertical
    crops try both 90-degree senses (and the unturned crop), and ``"try-all"`` also tries 180 degrees.
    """
    opts = options or CropOptions()
    page = image.image if isinstance(image, PageImage) else image
    crops = [_crop(page, r, opts.margin, opts.max_height) for r in regions]
    if opts.orientation == "quad":
        return crops
    candidates: list[list[Crop]] = []
    for crop, region in zip(crops, regions, strict=True):
        if _is_vertical(crop, region.level, opts.vertical_ratio):
            # CCW first: the default when nothing can score (text running top to bottom).
            cands = [rotate_crop(crop, 90), rotate_crop(crop, 270), crop]
        else:
            cands = [crop]
        if opts.orientation == "try-all":
            cands = cands + [rotate_crop(c, 180) for c in cands if c.rotation in (0, 90)]
        candidates.append(cands)
    if scorer is None:
        return [c[0] for c in candidates]
    return choose_orientation(candidates, scorer)


#: A region is read unturned when its unturned crop scores within this share of the best candidate
#: (positive scores): a lone tall character (``C``, ``1``) is read equally well turned, and turning it
#: would give its line a false 90-degree text angle.
KEEP_UPRIGHT = 0.05


def choose_orientation(candidates: Sequence[Sequence[Crop]], scorer: Scorer) -> list[Crop]:
    """For each region, keep the candidate crop the scorer rates highest (ties keep the earlier one).

    The unturned crop is kept when it scores within :data:`KEEP_UPRIGHT` of the best (positive scores).

    All candidates of all regions are scored in one call so batched recognizers stay batched.
    """
    flat = [c for cands in candidates for c in cands if len(cands) > 1]
    scores = list(scorer([c.image for c in flat])) if flat else []
    if len(scores) != len(flat):
        raise ValueError(f"orientation scorer returned {len(scores)} scores for {len(flat)} crops")
    chosen: list[Crop] = []
    k = 0
    for cands in candidates:
        if len(cands) == 1:
            chosen.append(cands[0])
            continue
        part = scores[k : k + len(cands)]
        k += len(cands)
        best = max(range(len(cands)), key=lambda i: (part[i], -i))
        unturned = next((i for i, c in enumerate(cands) if c.rotation == 0), None)
        if unturned is not None and part[best] > 0 and part[unturned] >= (1 - KEEP_UPRIGHT) * part[best]:
            best = unturned
        chosen.append(cands[best])
    return chosen


def with_rotation(region: Region, crop: Crop) -> Region:
    """``region`` in its text's own reading direction, after its crop was turned by ``crop.rotation``.

    The quad's corners are rolled so that it starts at the text's own top-left (the README's
    ``Region.quad``: clockwise from the top-left of the text): a crop turned counter-clockwise by 90 degrees was read with
    the quad's second corner at its top-left, so that corner comes first. Renderers then derive the
    text angle from the quad alone (hOCR ``textangle``, ALTO ``ROTATION``, PAGE ``orientation``), exact
    for 90, 180 and 270 degrees. The turn is also recorded in ``attributes["rotation"]`` (degrees
    counter-clockwise, as :attr:`Crop.rotation`). A crop with rotation 0 returns ``region`` unchanged.
    """
    if not crop.rotation:
        return region
    steps = (crop.rotation // 90) % 4
    quad = tuple(region.quad[(k + steps) % 4] for k in range(4))
    attrs = dict(region.attributes)
    attrs["rotation"] = crop.rotation
    return replace(region, quad=quad, attributes=attrs)



#: A lone dash (``-`` meaning "none" in a table cell or a form's answer) is a short flat bar on a row of
#: text, which the detectors' maps do not mark at all (``db``'s probability stays under 0.02 over a 3 px
#: DejaVu Sans Condensed dash at 200 dpi, beside a ``3`` at 1.00): it is looked for in the page's ink
#: (:func:`find_lone_dashes`). Its thickness is at most :data:`DASH_THICKNESS` of the row box's height, its
#: length :data:`DASH_LENGTH` of it, and its centre lies :data:`DASH_BAND` of the row box's height below
#: its top (about the x-height middle; an underscore or an underline sits lower). On T6's dash pages
#: (DejaVu Sans Condensed, FreeSans, FreeMono, Liberation Sans Narrow, Comic; 150-300 dpi; db line boxes of
#: 23-57 px) the dashes are 1-4 px thick (0.02-0.1), 8-10 px long (0.17-0.42) and centred 0.43-0.60 down.
DASH_THICKNESS = 0.2
DASH_LENGTH = (0.12, 0.8)
DASH_BAND = (0.35, 0.75)
#: The dash stands alone: no other ink but specks (components under :data:`_DASH_SPECK` of its own ink)
#: within this many row heights left and right of it, over the row box's height; that span, with the row
#: box's top and bottom, is also the dash's box, so that its crop holds it at text scale (a 3 px bar
#: cropped to its own height is stretched into a black block by the recognizer's 48 px input).
DASH_CLEAR = 0.3
DASH_MARGIN = 0.25
_DASH_SPECK = 0.2
# A bar shorter than this (page pixels) is a speck; one filling less than this share of its bounding
# rectangle is no printed bar (a bit of a curve, a dotted line).
_DASH_MIN_PX = 4
_DASH_FILL = 0.7
# Grey levels between a dash's darkest pixel and the paper's median below which it is no print on paper
# (as craft's lone-glyph search asks of a glyph's median; a 1 px bar is antialiased to mid grey).
_DASH_CONTRAST = 128
# Words tilted more than this (degrees) give no row (scene text, turned labels).
_DASH_LEVEL_DEG = 10.0
# Ink runs longer than this many row heights (median box height) are ruling lines, not dashes.
_DASH_RULE_HEIGHTS = 2.5
#: A dashed rule (a receipt's ``- - - - -`` separator) is no row of lone dashes: flat bars on one level
#: (centres within the taller's height), of like length (within x 2.5), at most this many times the longer
#: one's length apart, chain; a chain of :data:`_DASH_RUN` or more is a rule. SROIE receipt 450 (fast, at
#: ``90f30b5``) gave 25 one-dash lines for its separator (line H-mean of that receipt 0.655); dashes in
#: table cells stand a column apart (T6's dash tables: gaps of 5 dash lengths and more).
_DASH_RUN_GAP = 2.0
_DASH_RUN = 3


@dataclass(frozen=True)
class LoneDash:
    """A lone dash found by :func:`find_lone_dashes`: its ``box`` (4 x 2 page pixels, clockwise from
    top-left, the row's height) and the indices of the input boxes it replaces (those that held the dash
    alone, cut to the bar's own few pixels or tilted by them; empty for a dash no box held)."""

    box: np.ndarray
    replaces: tuple[int, ...]


#: Text on paper is at most this share ink (Otsu): a page with more is a photo or a dark scan, whose
#: Otsu components are scene blobs, not glyphs. Scene text fitted to its ink anyway lost 0.002 H-mean
#: and 0.007 end-to-end F1 on 40 icdar2015_val images (fast; ``benchmarks/accuracy_table.py --systems
#: fast --sets icdar2015_val --limit 40 --no-choice``); 143 of the 149 ``funsd_train`` forms are under it.
PAPER_INK = 0.12
#: Text on paper has a plain ground: the grey levels of its non-ink pixels span (5th to 95th
#: percentile) less than this. Measured with ``python benchmarks/paper_pages.py``: the ``funsd_train``
#: forms under PAPER_INK span 0-34 levels, the 10 ``icdar2015_val`` photos that pass PAPER_INK (a dark
#: scene whose lit parts Otsu calls ground, a bright sign) span 73-113; a quarter of the grey range
#: lies between the two.
PAPER_SPREAD = 64


def paper_ink(gray: np.ndarray, most_ink: float = PAPER_INK) -> np.ndarray | None:
    """The ink of a page of text on paper, or ``None`` when the page is no such page.

    ``gray``: the page (H x W uint8). Ink is the pixels on the dark side of the page's Otsu threshold
    (the light side when more than half the page is dark: light text on a dark ground). The page is text
    on paper when at most ``most_ink`` (by default :data:`PAPER_INK`; a caller may allow more, as the word
    box fit does for display type: :data:`ocrplug.words.FIT_PAPER_INK`) of it is ink and its ground (the other pixels) spans less
    than :data:`PAPER_SPREAD` grey levels from its 5th to its 95th percentile; photos (scene text) and
    dark scans are not, and steps that take the ink's components for glyphs (lone dashes, word boxes
    fitted to their glyphs, CRAFT's lone glyphs) leave them alone. Returns an H x W uint8 mask (1 = ink);
    ``None`` also for an empty or flat page (less than 64 grey levels between darkest and lightest).
    Raises nothing.
    """
    if gray.size == 0 or int(gray.max()) - int(gray.min()) < 64:
        return None
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if ink.mean() > 0.5:  # light text on a dark ground
        ink = 1 - ink
    if ink.mean() > most_ink:
        return None
    low, high = np.percentile(gray[ink == 0], (5, 95))
    if high - low >= PAPER_SPREAD:
        return None
    return ink


def _dashed_rules(x: np.ndarray, y: np.ndarray, w: np.ndarray, h: np.ndarray, flat: np.ndarray) -> np.ndarray:
    """Which components (``cv2`` stats columns, page pixels) are flat bars in a chain of :data:`_DASH_RUN`
    or more on one level, each at most :data:`_DASH_RUN_GAP` lengths from the next (a dashed rule)."""
    ids = np.flatnonzero(flat)
    out = np.zeros(len(flat), dtype=bool)
    if len(ids) < _DASH_RUN:
        return out
    x0, x1 = x[ids].astype(np.float64), (x[ids] + w[ids]).astype(np.float64)
    cy, hh, ww = (y[ids] + h[ids] / 2).astype(np.float64), h[ids].astype(np.float64), w[ids].astype(np.float64)
    links = np.zeros((0, 2), dtype=np.int64)
    for start in range(0, len(ids), 512):  # pairs in blocks: pages with thousands of bars stay in memory
        part = slice(start, start + 512)
        gap = np.maximum(x0[None, :] - x1[part, None], x0[part, None] - x1[None, :])
        longer = np.maximum(ww[part, None], ww[None, :])
        near = (
            (gap <= _DASH_RUN_GAP * longer)
            & (np.abs(cy[part, None] - cy[None, :]) <= np.maximum(hh[part, None], hh[None, :]))
            & (longer <= 2.5 * np.minimum(ww[part, None], ww[None, :]))
        )
        i, j = np.nonzero(near)
        links = np.concatenate([links, np.stack([i + start, j], axis=1)])
    count, label = _connected_components(len(ids), links)
    sizes = np.bincount(label, minlength=count)
    out[ids] = sizes[label] >= _DASH_RUN
    return out


def _connected_components(n: int, links: np.ndarray) -> tuple[int, np.ndarray]:
    """Components of the graph of ``n`` nodes and ``links`` (``(M, 2)`` node pairs): their count and each
    node's label (``(n,)``), by union-find."""
    parent = np.arange(n)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = int(parent[i])
        return i

    for a, b in links.tolist():
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[ra] = rb
    roots = np.array([root(i) for i in range(n)])
    _, label = np.unique(roots, return_inverse=True)
    return int(label.max()) + 1 if n else 0, label


def find_lone_dashes(gray: np.ndarray, boxes: np.ndarray) -> list[LoneDash]:
    """Lone dashes on the rows of ``boxes``, each with a box of its row's height (:class:`LoneDash`).

    ``gray``: the page (H x W uint8, dark text on light paper; a page with more than half its pixels under
    Otsu's threshold is read inverted); ``boxes``: the text boxes found (N x 4 x 2, page pixels). Ink is the
    pixels darker than the page's Otsu threshold, less the straight runs longer than
    ``_DASH_RULE_HEIGHTS`` median box heights (table rules, underlines). A dash is one 8-connected
    component, at least ``_DASH_MIN_PX`` long and twice as long as thick, filling ``_DASH_FILL`` of its
    rectangle, touching no rule, whose centre no box holds (a hyphen inside a word stays in the word)
    but a box that holds no other ink (the dash's own box: such boxes are no rows, and are replaced), and
    lies in the vertical extent of a nearly level box (the row; the nearest one along it) whose height H
    sets the scale: thickness at most :data:`DASH_THICKNESS` H, length :data:`DASH_LENGTH` H, centre
    :data:`DASH_BAND` H below the row box's top, no ink but specks within :data:`DASH_CLEAR` H left and
    right of it over the row box's height, and ink at least 128 grey levels darker than the paper around
    it. Without boxes (a blank or noisy page) nothing is found. The box returned spans the row box's
    height and the dash's length plus :data:`DASH_MARGIN` H each side.
    """
    if not len(boxes):
        return []
    h_img, w_img = gray.shape[:2]
    page_ink = paper_ink(gray)
    if page_ink is None:  # a photo or a dark scan: its blobs are no dashes
        return []
    ink = page_ink * np.uint8(255)
    light = bool(gray[page_ink == 1].mean() > gray[page_ink == 0].mean())  # light text on a dark page
    lo_b, hi_b = boxes.min(axis=1), boxes.max(axis=1)
    bh = hi_b[:, 1] - lo_b[:, 1]
    run = max(round(_DASH_RULE_HEIGHTS * float(np.median(bh))), 2 * _DASH_MIN_PX)
    rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (run, 1)))
    rules |= cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, run)))
    ink = ink & ~rules
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    x, y, w, h, area = (stats[:, i].astype(np.int64) for i in range(5))
    flat = (w >= _DASH_MIN_PX) & (w >= 2 * h) & (area >= _DASH_FILL * w * h)
    flat[0] = False
    flat &= ~_dashed_rules(x, y, w, h, flat)
    if not flat.any():
        return []
    # Which box holds each component's centre; a box holding one flat bar and specks only is the dash's own.
    ccx, ccy = x + w / 2, y + h / 2
    own_box = np.full(len(boxes), -1)
    for b in range(len(boxes)):
        inside = np.flatnonzero((lo_b[b, 0] <= ccx) & (ccx <= hi_b[b, 0]) & (lo_b[b, 1] <= ccy) & (ccy <= hi_b[b, 1]))
        inside = inside[inside != 0]
        bars = inside[flat[inside]]
        if len(bars) == 1 and not np.any(area[inside[inside != bars[0]]] > _DASH_SPECK * area[bars[0]]):
            own_box[b] = bars[0]
    top = boxes[:, 1] - boxes[:, 0]
    tilt = np.degrees(np.abs(np.arctan2(top[:, 1], top[:, 0])))
    level = (np.minimum(tilt, 180 - tilt) <= _DASH_LEVEL_DEG) & (own_box < 0)
    out = []
    for c in np.flatnonzero(flat).tolist():
        cx, cy = ccx[c], ccy[c]
        held = np.flatnonzero((lo_b[:, 0] <= cx) & (cx <= hi_b[:, 0]) & (lo_b[:, 1] <= cy) & (cy <= hi_b[:, 1]))
        if np.any(own_box[held] != c):
            continue
        row = np.flatnonzero(level & (lo_b[:, 1] <= cy) & (cy <= hi_b[:, 1]))
        if not len(row):
            continue
        gap = np.maximum(np.maximum(lo_b[row, 0] - (x[c] + w[c]), x[c] - hi_b[row, 0]), 0)
        k = int(row[np.argmin(gap)])
        r_top, r_bottom, r_h = float(lo_b[k, 1]), float(hi_b[k, 1]), float(bh[k])
        if not (h[c] <= DASH_THICKNESS * r_h and DASH_LENGTH[0] * r_h <= w[c] <= DASH_LENGTH[1] * r_h):
            continue
        if not (DASH_BAND[0] <= (cy - r_top) / r_h <= DASH_BAND[1]):
            continue
        tx0, ty0 = max(int(x[c]) - 2, 0), max(int(y[c]) - 2, 0)
        if rules[ty0 : int(y[c] + h[c]) + 2, tx0 : int(x[c] + w[c]) + 2].any():
            continue
        pad = DASH_CLEAR * r_h
        ax0, ax1 = max(int(np.floor(x[c] - pad)), 0), min(int(np.ceil(x[c] + w[c] + pad)), w_img)
        ay0, ay1 = max(int(np.floor(r_top)), 0), min(int(np.ceil(r_bottom)), h_img)
        others = np.unique(labels[ay0:ay1, ax0:ax1])
        others = others[(others != 0) & (others != c)]
        if np.any(area[others] > _DASH_SPECK * area[c]):
            continue
        # Printed ink on paper, not a shade in a photo: the bar's darkest pixel against the paper's median.
        patch = gray[ay0:ay1, ax0:ax1]
        paper = patch[labels[ay0:ay1, ax0:ax1] == 0]
        own = gray[y[c] : y[c] + h[c], x[c] : x[c] + w[c]][labels[y[c] : y[c] + h[c], x[c] : x[c] + w[c]] == c]
        darkest = float(own.max() if light else own.min())
        if not paper.size or abs(float(np.median(paper)) - darkest) < _DASH_CONTRAST:
            continue
        margin = DASH_MARGIN * r_h
        bx0, bx1 = max(x[c] - margin, 0.0), min(x[c] + w[c] + margin, float(w_img))
        by0, by1 = max(r_top, 0.0), min(r_bottom, float(h_img))
        box = np.array([[bx0, by0], [bx1, by0], [bx1, by1], [bx0, by1]], dtype=np.float32)
        out.append(LoneDash(box, tuple(int(b) for b in held)))
    return out

def to_gray(image: np.ndarray) -> np.ndarray:
    """8-bit single-channel view of a crop (RGB or already gray)."""
    if image.ndim == 2:
        return image
    if image.shape[2] == 1:
        return image[:, :, 0]
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def add_background_margin(image: np.ndarray, margin: int) -> tuple[np.ndarray, int]:
    """``image`` (H x W or H x W x C) inside a border of ``margin`` pixels, at most half its shorter side.

    The border takes the median colour of the image's outermost pixels (the paper, for a crop of a
    page). Detectors use it on small images (a cropped word): text that touches the frame has no
    background around it, and the ``db`` and ``craft`` detectors then miss it (docs/db.md, "Small
    images"). Returns the new image and the margin used (pixels per side; 0 returns ``image`` itself).
    """
    m = int(min(margin, min(image.shape[:2]) // 2))
    if m <= 0:
        return image, 0
    edge = np.concatenate([image[0], image[-1], image[:, 0], image[:, -1]])
    color = [int(c) for c in np.atleast_1d(np.median(edge, axis=0))]
    return cv2.copyMakeBorder(image, m, m, m, m, cv2.BORDER_CONSTANT, value=color), m
