"""The `image` rasterizer: PNG, JPEG, TIFF (multi-page), BMP and WebP through Pillow.

Every page comes out as RGB uint8: EXIF orientation applied; grayscale, 1-bit, palette, CMYK, 16-bit,
32-bit integer and float images converted (float pixels in 0..1 are scaled to 0..255); transparency,
both an alpha channel and a PNG/TIFF colour key (``tRNS``), composited onto white (scans have white
paper). The resolution is kept per axis (a 204 x 98 dpi fax keeps both).

Robustness: the pixel count of every frame is checked against ``max_pixels`` from the file header,
before any pixel is decoded; every failure of Pillow on one file (corrupt, truncated, unsupported,
decompression bomb, out of memory) becomes that file's :class:`~ocrplug.errors.InputError`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import tempfile
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from ocrplug.api import InputError, Options, PageImage, PageRange, PageReadError, Rasterizer, pixels_to_uint8

__all__ = ["ImageOptions", "ImageRasterizer", "decoding", "normalize_image", "resolution"]

log = logging.getLogger(__name__)

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".bmp", ".webp")

# Integer and float modes Pillow gives for 16-bit, 32-bit and floating-point images.
_WIDE_MODES = ("I;16", "I;16B", "I;16L", "I;16N", "I", "F")


class ImageOptions(Options):
    """The image rasterizer has no options: image files keep their own pixels."""


def _wide_to_gray(img: Image.Image, label: str = "image") -> np.ndarray:
    """16/32-bit integer or float pixels -> uint8 gray, by the range the values are in: the host's one
    rule, :func:`ocrplug.api.pixels_to_uint8` (16-bit modes by 65535; floats mostly in 0..1 by 1, with
    the few over it clipped; values up to 255 as 8-bit, up to 65535 as 16-bit; else min..max stretched;
    NaN as paper, with a warning naming ``label``)."""
    top = 65535.0 if img.mode.startswith("I;16") else None
    return pixels_to_uint8(np.asarray(img), top=top, label=label)


def normalize_image(img: Image.Image, label: str = "image") -> np.ndarray:
    """Convert any Pillow image to an RGB uint8 array (H x W x 3), transparency onto white.

    Orientation is applied by the caller. Raises what Pillow raises for an undecodable image.
    """
    mode = img.mode
    if mode in _WIDE_MODES:
        gray = _wide_to_gray(img, label)
        return np.repeat(gray[:, :, None], 3, axis=2)
    if mode in ("P", "PA") or (mode in ("RGB", "L", "1") and "transparency" in img.info):
        # A palette with transparent entries, or a tRNS colour key: Pillow turns both into alpha.
        img = img.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "RGBa", "La"):
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return np.asarray(Image.alpha_composite(background, rgba).convert("RGB"))
    if mode != "RGB":
        img = img.convert("RGB")
    return np.asarray(img)


def resolution(info: dict) -> tuple[float | None, float | None]:
    """(horizontal, vertical) dpi from a Pillow ``info`` dict; None for an axis that is unknown.

    A vertical resolution equal to the horizontal one is returned as None (the page model's
    ``dpi_y`` is set only when the axes differ).
    """
    dpi = info.get("dpi")
    try:
        x, y = (float(dpi[0]), float(dpi[1])) if dpi else (0.0, 0.0)
    except (TypeError, ValueError, IndexError):
        return None, None
    # Values of 1 or less are aspect ratios (JFIF density unit 0) or garbage, not resolutions.
    if not (1 < x < 100_000):
        return None, None
    if not (1 < y < 100_000) or abs(y - x) < 0.01:
        return x, None
    return x, y


# One native-stderr capture at a time: fd 2 belongs to the whole process.
_STDERR_LOCK = threading.RLock()


@contextlib.contextmanager
def _native_stderr(path: Path) -> Iterator[None]:
    """Capture what C libraries write to file descriptor 2 while Pillow works on ``path`` (libtiff
    prints its decoder messages there itself, e.g. ``Fax4Decode: Bad code word at line 13 of strip 0``,
    which do not name the file) and log each distinct line as a warning naming the file.

    Anything else written to fd 2 from another thread during the call is captured and logged the same
    way (not lost). Without a usable fd 2 nothing is captured.
    """
    with _STDERR_LOCK:
        try:
            if sys.stderr is not None:
                sys.stderr.flush()
            saved: int | None = os.dup(2)
        except (OSError, ValueError):
            saved = None
        if saved is None:
            yield
            return
        with tempfile.TemporaryFile() as sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                sink.seek(0)
                text = sink.read().decode("utf-8", "replace")
                for line in dict.fromkeys(ln.strip() for ln in text.splitlines() if ln.strip()):
                    log.warning("%s: %s", path, line)


@contextlib.contextmanager
def decoding(path: Path, max_pixels: int) -> Iterator[None]:
    """Let Pillow open images up to ``max_pixels`` (our check replaces its decompression-bomb check),
    and turn its warnings about ``path`` (corrupt EXIF, odd TIFF tags) and libtiff's own messages
    (:func:`_native_stderr`) into log lines naming the file."""
    old = Image.MAX_IMAGE_PIXELS
    # Pillow raises above twice its limit and warns above it; ours is checked on every frame instead.
    Image.MAX_IMAGE_PIXELS = max(old or 0, max_pixels // 2 + 1)
    try:
        with warnings.catch_warnings(record=True) as caught, _native_stderr(path):
            warnings.simplefilter("always")
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = old
        for message in dict.fromkeys(str(w.message).strip() for w in caught):
            log.warning("%s: %s", path, message)


def _turns_quarter(img: Image.Image) -> bool:
    """Whether the EXIF orientation turns the image by 90 or 270 degrees (the axes swap)."""
    try:
        return img.getexif().get(0x0112) in (5, 6, 7, 8)
    except Exception:  # unreadable EXIF: exif_transpose did not turn it either
        return False


class ImageRasterizer(Rasterizer):
    """Reads image files page by page (frames of a multi-page TIFF are pages)."""

    extensions = IMAGE_EXTENSIONS

    def _open(self, path: Path) -> Image.Image:
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        if path.stat().st_size == 0:
            raise InputError(f"{path}: file is empty (0 bytes)")
        try:
            with decoding(path, self.max_pixels):
                img = Image.open(path)
        except Image.DecompressionBombError as exc:
            found = re.search(r"\((\d+) pixels\)", str(exc))
            size = f" of {int(found.group(1)):,} pixels" if found else ""
            raise InputError(
                f"{path}: image{size} is larger than input.max_pixels ({self.max_pixels:,}); "
                "raise input.max_pixels to read it"
            ) from exc
        except UnidentifiedImageError as exc:
            raise InputError(f"{path}: not a readable image (corrupt or unsupported format)") from exc
        except OSError as exc:
            raise InputError(f"{path}: not a readable image (corrupt or truncated: {exc.strerror or exc})") from exc
        except Exception as exc:  # Pillow raises many types for malformed headers
            raise InputError(f"{path}: not a readable image (corrupt header: {type(exc).__name__}: {exc})") from exc
        self._check_size(path, img, None)
        return img

    def _check_size(self, path: Path, img: Image.Image, index: int | None) -> None:
        w, h = img.size
        where = "" if index is None else f" page {index + 1}"
        error = InputError if index is None else (lambda message: PageReadError(message, index))
        if w <= 0 or h <= 0:
            raise error(f"{path}{where}: image has no pixels ({w} x {h})")
        if w * h > self.max_pixels:
            raise error(
                f"{path}{where}: image of {w} x {h} = {w * h:,} pixels is larger than input.max_pixels "
                f"({self.max_pixels:,}); raise input.max_pixels to read it"
            )

    def page_count(self, path: Path) -> int:
        """Number of frames (pages) in the image file; InputError when it cannot be read."""
        with self._open(path) as img:
            try:
                with decoding(path, self.max_pixels):
                    return max(1, int(getattr(img, "n_frames", 1)))
            except Exception as exc:  # n_frames walks the file (TIFF, GIF) and meets its corruption
                raise InputError(f"{path}: not a readable image (corrupt frame list: {exc})") from exc

    def iter_pages(self, path: Path, pages: PageRange, dpi: float) -> Iterator[PageImage]:
        """Yield the selected frames as RGB pages; ``dpi`` is ignored (pixels and resolution are kept).

        Raises :class:`~ocrplug.errors.PageReadError` (an :class:`InputError`) naming the frame for a
        frame that is corrupt, truncated or larger than ``max_pixels``; the frames after it may be readable.
        """
        count = self.page_count(path)
        with self._open(path) as img:
            for index in pages.indices(count):
                try:
                    with decoding(path, self.max_pixels):
                        img.seek(index)
                        self._check_size(path, img, index)
                        frame = ImageOps.exif_transpose(img)
                        frame.load()
                        array = normalize_image(frame, f"{path} page {index + 1}")
                    x_dpi, y_dpi = resolution(img.info)
                    if y_dpi is not None and _turns_quarter(img):
                        x_dpi, y_dpi = y_dpi, x_dpi
                except InputError:
                    raise
                except MemoryError as exc:
                    raise PageReadError(f"{path}: page {index + 1} does not fit in memory", index) from exc
                except Exception as exc:  # every decoder failure of this frame is this page's error
                    message = f"{path}: page {index + 1} is corrupt or truncated: {type(exc).__name__}: {exc}"
                    raise PageReadError(message, index) from exc
                yield PageImage(image=np.ascontiguousarray(array), index=index, source=str(path), dpi=x_dpi, dpi_y=y_dpi)
