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
    :data:`ELONGATED` times the shorter): its longer side may reach ``max_side * aspect / ELONGATED``, and its pixels at
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
