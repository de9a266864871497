"""The `image` rasterizer: PNG, JPEG, TIFF (multi-page), BMP and WebP through Pillow.

Every page comes out as RGB uint8: EXIF orientation applied; grayscale, 1-bit, palette, CMYK, 16-bit
and float images converted; transparency composited onto white (scans have white paper).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ocrplug.components import Options, PageRange, Rasterizer
from ocrplug.errors import InputError
from ocrplug.model import PageImage

__all__ = ["ImageOptions", "ImageRasterizer", "normalize_image"]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp")


class ImageOptions(Options):
    """The image rasterizer has no options: image files keep their own pixels."""


def normalize_image(img: Image.Image) -> np.ndarray:
    """Convert any Pillow image to an RGB uint8 array (orientation applied by the caller)."""
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(img, dtype=np.float64)
        top = 65535.0 if mode.startswith("I;16") else max(float(arr.max()), 1.0)
        if mode in ("I", "F") and arr.max() <= 255:
            top = 255.0
        gray = np.clip(arr / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if mode in ("P", "PA"):
        img = img.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(background, rgba).convert("RGB"))
    if mode != "RGB":
        img = img.convert("RGB")
    return np.asarray(img)


def _dpi(img: Image.Image) -> float | None:
    dpi = img.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else None
    except (TypeError, ValueError, IndexError):
        return None
    return value if value and value > 1 else None


class ImageRasterizer(Rasterizer):
    """Reads image files page by page (frames of a multi-page TIFF are pages)."""

    extensions = IMAGE_EXTENSIONS

    def _open(self, path: Path) -> Image.Image:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        if path.stat().st_size == 0:
            raise InputError(f"{path}: file is empty (0 bytes)")
        try:
            img = Image.open(path)
        except UnidentifiedImageError as exc:
            raise InputError(f"{path}: not a readable image (corrupt or unsupported format)") from exc
        except OSError as exc:
            raise InputError(f"{path}: cannot open image: {exc}") from exc
        return img

    def page_count(self, path: Path) -> int:
        """Number of frames (pages) in the image file."""
        with self._open(path) as img:
            return int(getattr(img, "n_frames", 1))

    def iter_pages(self, path: Path, pages: PageRange, dpi: float) -> Iterator[PageImage]:
        """Yield the selected frames as RGB pages; ``dpi`` is ignored (pixels are kept)."""
        with self._open(path) as img:
            count = int(getattr(img, "n_frames", 1))
            for index in pages.indices(count):
                try:
                    img.seek(index)
                    frame = ImageOps.exif_transpose(img)
                    frame.load()
                    array = normalize_image(frame)
                except (OSError, ValueError, SyntaxError) as exc:
                    raise InputError(f"{path}: page {index + 1} is corrupt or truncated: {exc}") from exc
                yield PageImage(image=np.ascontiguousarray(array), index=index, source=str(path), dpi=_dpi(img))
