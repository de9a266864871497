"""DB pre-processing: choose the network resolution, resize, cut tiles, normalise and pad to 32.

PP-OCR's detection networks downsample by 32, so every input side must be a multiple of 32; pages are
resized with their aspect ratio kept and padded (not stretched) so that boxes scale back exactly.
The networks were trained on OpenCV's BGR images normalised with mean 0.5 and std 0.5 per channel.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from ocrplug.api import add_background_margin as add_margin

__all__ = [
    "ELONGATED",
    "STRIDE",
    "Tile",
    "add_margin",
    "pad_size",
    "plan_tiles",
    "resize_page",
    "target_size",
    "to_batch",
]

#: Every network input side is a multiple of this.
STRIDE = 32

#: Pages whose longer side exceeds this many times the shorter are capped by pixels, not by the longer side
#: alone (see :func:`target_size`); 4 keeps every ordinary page (A-series 1.41, letter 1.29) as before.
ELONGATED = 4.0

LimitType = Literal["min", "max"]


def target_size(
    height: int,
    width: int,
    limit_side_len: int,
    limit_type: LimitType,
    max_side: int,
    max_scale: float | None = None,
) -> tuple[int, int]:
    """Size ``(h, w)`` the page is resized to before detection, aspect ratio kept.

    ``limit_type='min'`` enlarges pages whose shorter side is below ``limit_side_len`` (PP-OCR's
    default: small text gets enough pixels), but at most ``max_scale`` times when given (a word crop
    16 px high would otherwise be enlarged 46 times); ``'max'`` shrinks pages whose longer side is above it.
    Then the longer side is capped at ``max_side`` whatever the limit type, which bounds the work and
    the memory for huge scans, except on an elongated page that is not enlarged (longer side more than
    :data:`ELONGATED` times the shorter; one whose longer side exceeds ``ELONGATED * max_side`` is never enlarged): its longer side may reach ``max_side * aspect / ELONGATED``, and its pixels at
    most ``max_side ** 2`` (the budget of a square page at the cap). Capping the longer side of a
    20000 x 842 pt PDF page to 2000 px left its 48 pt text 5 px high and unread; now 23 px.
    Sides never drop below one stride.
    """
    if height <= 0 or width <= 0:
        raise ValueError(f"empty image ({width}x{height})")
    scale = 1.0
    if limit_type == "min":
        if min(height, width) < limit_side_len:
            scale = limit_side_len / min(height, width)
        if max_scale is not None:
            scale = min(scale, max(max_scale, 1.0))
    elif max(height, width) > limit_side_len:
        scale = limit_side_len / max(height, width)
    long_side, short_side = max(height, width), min(height, width)
    aspect = long_side / short_side
    if long_side > ELONGATED * max_side and aspect > ELONGATED:
        # Shrunk more than ELONGATED times by the plain cap whatever the enlargement: a page being shrunk, not
        # enlarged (a 150 x 20000 strip of 60 px text turned upright, enlarged 4 times for its short side, was
        # capped to 32 x 1024 by swift's max_side: 3 px text, no region; issue 24, L14).
        scale = min(scale, 1.0)
    cap = float(max_side)
    if scale <= 1.0:  # a large page being shrunk, not a small image being enlarged (a crop keeps the old cap)
        cap = min(max_side * max(1.0, aspect / ELONGATED), max_side * math.sqrt(aspect))  # sqrt: max_side**2 px
    if long_side * scale > cap:
        scale = cap / long_side
    return max(round(height * scale), STRIDE), max(round(width * scale), STRIDE)


def pad_size(size: int) -> int:
    """The smallest multiple of :data:`STRIDE` that holds ``size`` pixels."""
    return max(STRIDE, math.ceil(size / STRIDE) * STRIDE)


def resize_page(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize an RGB uint8 page to ``(h, w)``: area averaging when shrinking (keeps thin strokes)."""
    h, w = size
    if (h, w) == image.shape[:2]:
        return image
    shrinking = h * w < image.shape[0] * image.shape[1]
    return cv2.resize(image, (w, h), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)


@dataclass(frozen=True)
class Tile:
    """A window ``[y0, y1) x [x0, x1)`` of the resized page and the part of it that is kept.

    ``keep_*`` bound the tile's core, in resized-page coordinates: the cores of a page's tiles cover the
    page exactly once, and each core is at least ``overlap / 2`` pixels away from its tile's inner
    edges, so every kept prediction saw some context on each side.
    """

    y0: int
    x0: int
    y1: int
    x1: int
    keep_y0: int
    keep_x0: int
    keep_y1: int
    keep_x1: int


def _spans(length: int, tile: int, overlap: int) -> list[tuple[int, int, int, int]]:
    """Windows along one axis: (start, end, keep_start, keep_end)."""
    if length <= tile:
        return [(0, length, 0, length)]
    step = tile - overlap
    count = math.ceil((length - overlap) / step)
    starts = [min(i * step, length - tile) for i in range(count)]
    spans = []
    for i, start in enumerate(starts):
        end = start + tile
        keep_start = 0 if i == 0 else (starts[i - 1] + tile + start) // 2
        keep_end = length if i == count - 1 else (end + starts[i + 1]) // 2
        spans.append((start, end, keep_start, keep_end))
    return spans


def plan_tiles(height: int, width: int, tile: int, overlap: int) -> list[Tile]:
    """Overlapping windows of at most ``tile`` x ``tile`` pixels covering a ``height`` x ``width`` page.

    Windows are all the same size (the last one of a row/column is shifted back to end at the page edge)
    so that they batch together. A page no larger than ``tile`` gives a single window.
    """
    if overlap < 0 or overlap * 2 >= tile:
        raise ValueError(f"tile overlap must be in [0, tile/2), got overlap={overlap}, tile={tile}")
    tiles = []
    for y0, y1, ky0, ky1 in _spans(height, tile, overlap):
        for x0, x1, kx0, kx1 in _spans(width, tile, overlap):
            tiles.append(Tile(y0, x0, y1, x1, ky0, kx0, ky1, kx1))
    return tiles


def to_batch(images: Sequence[np.ndarray], height: int, width: int) -> np.ndarray:
    """Stack RGB uint8 images into an ``N x 3 x height x width`` float32 network batch.

    Channels are swapped to BGR (the networks' training order) and normalised to ``[-1, 1]``; the area
    right and below each image, up to the padded size, is 0 after normalisation (mid grey), which the
    networks read as background.
    """
    batch = np.zeros((len(images), 3, height, width), dtype=np.float32)
    for i, img in enumerate(images):
        h, w = img.shape[:2]
        if h > height or w > width:
            raise ValueError(f"image {w}x{h} does not fit the batch size {width}x{height}")
        # (x / 255 - 0.5) / 0.5, written into the BGR planes directly (no full-size temporaries).
        chw = img[:, :, ::-1].transpose(2, 0, 1)
        np.multiply(chw, 2.0 / 255.0, out=batch[i, :, :h, :w], casting="unsafe")
        batch[i, :, :h, :w] -= 1.0
    return batch


#: Components of ink at least this many page pixels high count as possible glyphs in
#: :func:`small_text_height`: smaller ones are specks, dots and the punctuation of any text size.
GLYPH_MIN_HEIGHT = 4
#: A glyph-like component whose box is this close to square and filled more than :data:`BLOB_FILL`
#: (a dot, a leader, a speck blob) is not counted as a glyph: letters fill at most about 0.65 of their box.
BLOB_ASPECT = (0.6, 1.6)
BLOB_FILL = 0.75
#: The smallest text is the smallest height class (heights within x TEXT_CLASS_SPREAD: x-height to cap
#: height of one size) holding at least this many glyphs: a word or two, not one stray mark (a 6 pt line of
#: 29 glyphs on T7's A2 page has only 11 small letters within x 1.3).
TEXT_CLASS_SPREAD = 1.5
TEXT_CLASS_MIN = 8


def small_text_height(gray: np.ndarray) -> float | None:
    """Height (page pixels) of the page's smallest text, measured on its ink; None where no text is seen.

    ``gray`` is the ``H x W`` uint8 page. Ink is the darker Otsu class (the lighter one on a mostly dark
    page); each connected component at least :data:`GLYPH_MIN_HEIGHT` px high, at most 3 times wider than
    high (not a rule), not a filled dot-like blob, with a neighbour of similar height (x 0.67 to 1.5) on
    its row within 1.5 heights, is a glyph. The returned height is the median of the smallest height class
    (heights within x :data:`TEXT_CLASS_SPREAD`) holding :data:`TEXT_CLASS_MIN` glyphs: for mixed-case
    text between its x-height and its cap height. Cost: about 0.1 s per 10 Mpx.
    """
    _, ink = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    if np.count_nonzero(ink) * 2 > ink.size:
        ink = cv2.bitwise_not(ink)
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    x, y, w, h, area = (stats[1:, k].astype(np.float64) for k in range(5))
    aspect = w / np.maximum(h, 1)
    blob = (aspect >= BLOB_ASPECT[0]) & (aspect <= BLOB_ASPECT[1]) & (area > BLOB_FILL * w * h)
    keep = (h >= GLYPH_MIN_HEIGHT) & (w <= 3 * h) & ~blob
    x, y, w, h = x[keep], y[keep], w[keep], h[keep]
    if len(h) < TEXT_CLASS_MIN:
        return None
    order = np.argsort(x)
    x, y, w, h = x[order], y[order], w[order], h[order]
    cy, x1 = y + h / 2, x + w
    near = np.zeros(len(h), dtype=bool)
    for i in range(len(h)):
        j = np.arange(i + 1, np.searchsorted(x, x1[i] + 2.25 * h[i], side="right"))
        j = j[(x[j] - x1[i] <= 1.5 * np.maximum(h[i], h[j])) & (h[j] >= 0.67 * h[i]) & (h[j] <= 1.5 * h[i])]
        j = j[np.abs(cy[j] - cy[i]) <= 0.5 * np.maximum(h[i], h[j])]
        if len(j):
            near[i] = True
            near[j] = True
    heights = np.sort(h[near])
    need = TEXT_CLASS_MIN
    if len(heights) < need:
        return None
    ends = np.searchsorted(heights, heights * TEXT_CLASS_SPREAD, side="right")
    first = np.flatnonzero(ends - np.arange(len(heights)) >= need)
    if not len(first):
        return None
    i = int(first[0])
    return float(np.median(heights[i : ends[i]]))
