"""Helpers for recognizer tests: pages with known text drawn in a real font, at known places."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
)


def font_path() -> str:
    """A TrueType font available on this machine, or skip."""
    for cand in FONT_CANDIDATES:
        if Path(cand).is_file():
            return cand
    pytest.skip("no TrueType font found (install fonts-dejavu-core)")


def draw_line(text: str, height: int = 32, pad: int = 10) -> np.ndarray:
    """RGB image of one line of black text on white, tightly padded."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_path(), height)
    left, top, right, bottom = font.getbbox(text)
    img = Image.new("RGB", (right - left + 2 * pad, bottom - top + 2 * pad), "white")
    ImageDraw.Draw(img).text((pad - left, pad - top), text, fill="black", font=font)
    return np.asarray(img)


def paste_rotated(canvas: np.ndarray, patch: np.ndarray, centre: tuple[float, float], degrees: float) -> np.ndarray:
    """Paste ``patch`` rotated by ``degrees`` (counter-clockwise on screen) at ``centre``.

    Returns the patch's 4 corners on the canvas: its own top-left, top-right, bottom-right, bottom-left
    (i.e. the quad in reading order).
    """
    h, w = patch.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    m[:, 2] += np.asarray(centre) - np.array([w / 2, h / 2])
    warped = cv2.warpAffine(patch, m, (canvas.shape[1], canvas.shape[0]), borderValue=(255, 255, 255))
    mask = cv2.warpAffine(np.full((h, w), 255, np.uint8), m, (canvas.shape[1], canvas.shape[0]))
    canvas[mask > 127] = warped[mask > 127]
    corners = np.array([[0, 0, 1], [w, 0, 1], [w, h, 1], [0, h, 1]], dtype=np.float64)
    return corners @ m.T


@pytest.fixture
def plugin_host():
    """A fresh host with only the recognizer plugins, so other plugins' state cannot break these tests."""
    from ocrplug.manager import PluginHost

    return PluginHost(
        extra_plugins=["ocrplug_tesseract.plugin", "ocrplug_ppocr.plugin", "ocrplug_trocr.plugin"],
        entry_points=False,
    )
