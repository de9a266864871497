"""CRAFT pre-processing, as the official code does it: resize, pad to a multiple of 32, normalise.

Numpy/OpenCV only. The canvas is kept as uint8 (the official float32 canvas holds only integers), and
normalisation uses the official float32 formula ``(img - 255*mean) / (255*std)`` so the network input is
bit-identical to the official one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["IMAGENET_MEAN", "IMAGENET_STD", "Canvas", "normalize", "resize_aspect_ratio", "to_batch"]

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)
# Computed once, as the official normalizeMeanVariance does: float64 products cast to float32.
_MEAN255 = np.array([m * 255.0 for m in IMAGENET_MEAN], dtype=np.float32)
_STD255 = np.array([s * 255.0 for s in IMAGENET_STD], dtype=np.float32)


@dataclass(frozen=True)
class Canvas:
    """A page resized for CRAFT.

    ``image``: uint8 RGB, zero-padded at the bottom and right to multiples of 32.
    ``ratio``: resized size / original size (the same for x and y).
    ``target_hw``: size of the resized page inside the canvas, before padding.
    """

    image: np.ndarray
    ratio: float
    target_hw: tuple[int, int]

    @property
    def heatmap_hw(self) -> tuple[int, int]:
        """Size of the network's score maps (half the canvas)."""
        return self.image.shape[0] // 2, self.image.shape[1] // 2


def resize_aspect_ratio(
    image: np.ndarray,
    canvas_size: int,
    mag_ratio: float = 1.5,
    target_width: int | None = None,
    interpolation: int = cv2.INTER_LINEAR,
) -> Canvas:
    """Resize ``image`` (H x W x 3 uint8) keeping its aspect ratio and pad it to multiples of 32.

    The official rule: scale by ``mag_ratio`` but never make the longer side exceed ``canvas_size``.
    With ``target_width``, the page is scaled to that width instead (still capped by ``canvas_size``).
    """
    height, width = image.shape[:2]
    longest = max(height, width)
    if target_width is not None:
        target_size = target_width / width * longest
    else:
        # Same expression order as the official code so that ``ratio`` is bit-identical.
        target_size = mag_ratio * longest
    if target_size > canvas_size:
        target_size = canvas_size
    ratio = target_size / longest
    target_h, target_w = max(int(height * ratio), 1), max(int(width * ratio), 1)
    resized = cv2.resize(image, (target_w, target_h), interpolation=interpolation)
    h32, w32 = -(-target_h // 32) * 32, -(-target_w // 32) * 32
    canvas = np.zeros((h32, w32, image.shape[2]), dtype=np.uint8)
    canvas[:target_h, :target_w] = resized
    return Canvas(image=canvas, ratio=ratio, target_hw=(target_h, target_w))


def normalize(canvas: np.ndarray) -> np.ndarray:
    """ImageNet mean/variance normalisation of an RGB uint8 image; returns CHW float32."""
    img = canvas.astype(np.float32)
    img -= _MEAN255
    img /= _STD255
    return np.ascontiguousarray(img.transpose(2, 0, 1))


def to_batch(canvases: Sequence[np.ndarray]) -> np.ndarray:
    """Normalise same-size canvases into one NCHW float32 batch."""
    return np.stack([normalize(c) for c in canvases])
