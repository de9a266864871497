"""Scene-like synthetic images: procedural clutter with a few signs of text, for CRAFT training.

Document pages teach the detector what text looks like; they never show it what *is not* text in a
photograph. On scene images (ICDAR 2015) a document-only model fires on foliage, fences, windows and car
parts. These samples put the same kind of words on signs and walls drawn over procedural clutter
(foliage-like noise, straight edges, railings and meshes, gratings, shapes, dots), so the clutter is
trained as background. Some samples hold no text at all. No photograph is used: every pixel is drawn
here from the sample's ``numpy.random.Generator``, so a seed gives the same sample on every run.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np
from PIL import Image, ImageDraw

from ocrplug_craft.training.synth import (
    FontFace,
    SynthSample,
    _boxes_to_quads,
    _Canvas,
    _degrade,
    _font,
    _font_size,
    _pick_font,
    _random_homography,
    _random_word,
    _warp_quads,
    available_fonts,
)

__all__ = ["clutter_background", "generate_scene"]


def _colour(rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(0, 255, 3).astype(np.float32)


def _luma(c: np.ndarray) -> float:
    return float(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2])


def _contrasting(rng: np.random.Generator, against: np.ndarray, min_diff: float) -> np.ndarray:
    """A random colour whose luma differs from ``against`` by at least ``min_diff`` (still legible)."""
    for _ in range(20):
        c = _colour(rng)
        if abs(_luma(c) - _luma(against)) >= min_diff:
            return c
    return np.full(3, 255.0 if _luma(against) < 128 else 0.0, np.float32)


def _smooth_field(rng: np.random.Generator, width: int, height: int, cells: int) -> np.ndarray:
    """Low-frequency noise in [0, 1] of shape (height, width)."""
    low = rng.random((cells, cells)).astype(np.float32)
    return cv2.resize(low, (width, height), interpolation=cv2.INTER_CUBIC).clip(0.0, 1.0)


def _foliage(rng: np.random.Generator, img: np.ndarray) -> None:
    """Multi-scale blob noise thresholded into leaves/grass/gravel, blended under a smooth mask."""
    h, w = img.shape[:2]
    noise = np.zeros((h, w), np.float32)
    for octave in range(3):
        cell = max(2, int(rng.uniform(2, 10)) * (2**octave))
        small = rng.normal(0.0, 1.0, (max(1, h // cell), max(1, w // cell))).astype(np.float32)
        noise += cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR) / (octave + 1)
    leaves = (noise > rng.uniform(-0.3, 0.5)).astype(np.float32)
    dark = _colour(rng) * rng.uniform(0.2, 0.6)
    light = _colour(rng) * rng.uniform(0.5, 1.0)
    tex = dark + (light - dark) * leaves[..., None]
    region = (_smooth_field(rng, w, h, 3) > rng.uniform(0.3, 0.7)).astype(np.float32)
    region = cv2.GaussianBlur(region, (0, 0), 3)[..., None]
    img[:] = img * (1 - region) + tex * region


def _lines(rng: np.random.Generator, img: np.ndarray) -> None:
    """Long straight edges: poles, kerbs, roof lines, cables."""
    h, w = img.shape[:2]
    for _ in range(int(rng.integers(2, 16))):
        p0 = (int(rng.uniform(-0.2, 1.2) * w), int(rng.uniform(-0.2, 1.2) * h))
        p1 = (int(rng.uniform(-0.2, 1.2) * w), int(rng.uniform(-0.2, 1.2) * h))
        cv2.line(img, p0, p1, _colour(rng).tolist(), int(rng.integers(1, 12)), cv2.LINE_AA)


def _railing(rng: np.random.Generator, img: np.ndarray) -> None:
    """Sets of parallel bars (fences, railings, blinds), sometimes crossed into a mesh."""
    h, w = img.shape[:2]
    for _ in range(1 if rng.random() < 0.6 else 2):
        angle = rng.uniform(0, np.pi)
        d = np.array([np.cos(angle), np.sin(angle)])
        n = np.array([-d[1], d[0]])
        spacing = rng.uniform(5, 24)
        count = int(rng.integers(4, 60))
        start = np.array([rng.uniform(0, w), rng.uniform(0, h)])
        length = rng.uniform(0.2, 1.5) * max(w, h)
        colour = _colour(rng).tolist()
        thick = int(rng.integers(1, 4))
        for k in range(count):
            c = start + n * spacing * (k - count / 2)
            p0, p1 = c - d * length / 2, c + d * length / 2
            cv2.line(img, tuple(int(v) for v in p0), tuple(int(v) for v in p1), colour, thick, cv2.LINE_AA)


def _grating(rng: np.random.Generator, img: np.ndarray) -> None:
    """A fine periodic pattern (walkway grating, tiles, brickwork) inside a random rectangle."""
    h, w = img.shape[:2]
    x0, y0 = int(rng.uniform(0, 0.7) * w), int(rng.uniform(0, 0.7) * h)
    x1, y1 = min(w, x0 + int(rng.uniform(0.2, 0.8) * w)), min(h, y0 + int(rng.uniform(0.2, 0.8) * h))
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    period = rng.uniform(4, 14)
    wave = np.sin((xx * np.cos(angle) + yy * np.sin(angle)) * 2 * np.pi / period)
    if rng.random() < 0.4:  # tiles / bricks: a second direction
        wave = np.maximum(wave, np.sin((xx * np.sin(angle) - yy * np.cos(angle)) * 2 * np.pi / (period * rng.uniform(1, 4))))
    mask = (wave > rng.uniform(-0.2, 0.6)).astype(np.float32)[..., None]
    a, b = _colour(rng), _colour(rng)
    img[y0:y1, x0:x1] = a + (b - a) * mask


def _shapes(rng: np.random.Generator, img: np.ndarray) -> None:
    """Rectangles (windows, cars, boxes), ellipses (wheels, lamps) and polygons, filled or outlined."""
    h, w = img.shape[:2]
    for _ in range(int(rng.integers(2, 14))):
        colour = _colour(rng).tolist()
        thick = -1 if rng.random() < 0.6 else int(rng.integers(1, 6))
        kind = rng.random()
        cx, cy = int(rng.uniform(0, w)), int(rng.uniform(0, h))
        sx, sy = int(rng.uniform(4, 0.4 * w)), int(rng.uniform(4, 0.4 * h))
        if kind < 0.45:
            cv2.rectangle(img, (cx - sx // 2, cy - sy // 2), (cx + sx // 2, cy + sy // 2), colour, thick, cv2.LINE_AA)
        elif kind < 0.75:
            cv2.ellipse(img, (cx, cy), (max(1, sx // 2), max(1, sy // 2)), float(rng.uniform(0, 180)), 0, 360, colour, thick, cv2.LINE_AA)
        else:
            k = int(rng.integers(3, 7))
            pts = np.stack([rng.normal(cx, sx / 2, k), rng.normal(cy, sy / 2, k)], 1).astype(np.int32)
            if thick < 0:
                cv2.fillPoly(img, [pts], colour, cv2.LINE_AA)
            else:
                cv2.polylines(img, [pts], True, colour, thick, cv2.LINE_AA)


def _dots(rng: np.random.Generator, img: np.ndarray) -> None:
    """Many small blobs: leaves against the sky, lights, gravel, dirt."""
    h, w = img.shape[:2]
    colour = _colour(rng).tolist()
    for _ in range(int(rng.integers(10, 200))):
        r = int(rng.integers(2, 7))
        cv2.circle(img, (int(rng.uniform(0, w)), int(rng.uniform(0, h))), r, colour, -1, cv2.LINE_AA)


_CLUTTER = ((_foliage, 0.6), (_lines, 0.7), (_railing, 0.4), (_grating, 0.3), (_shapes, 0.8), (_dots, 0.4))


def clutter_background(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """A (height, width, 3) float32 scene-like background in 0-255: no text, only clutter."""
    a, b = _colour(rng), _colour(rng)
    t = _smooth_field(rng, width, height, int(rng.integers(2, 5)))[..., None]
    img = (a + (b - a) * t).astype(np.float32)
    for layer, p in _CLUTTER:
        if rng.random() < p:
            layer(rng, img)
    return img


class _SignLayers:
    """Unwarped layers of the signs: plate coverage, plate colour, and the ink colour of their text."""

    def __init__(self, width: int, height: int) -> None:
        self.images = (
            Image.new("L", (width, height), 0),
            Image.new("RGB", (width, height), (0, 0, 0)),
            Image.new("RGB", (width, height), (0, 0, 0)),
        )
        self.plate_alpha, self.plate_colour, self.ink_colour = (ImageDraw.Draw(i) for i in self.images)


def _place_sign(rng: np.random.Generator, c: _Canvas, layers: _SignLayers,
                taken: list[tuple[float, float, float, float]], fonts: Sequence[FontFace],
                sizes: tuple[float, float], max_lines: int = 3, max_words: int = 3, paper: bool = False) -> None:
    """Lay out 1-``max_lines`` lines of 1-``max_words`` words (font size in ``sizes``), on a coloured
    plate or straight on the clutter; ``paper``: always on a light, paper-like plate."""
    size = _font_size(rng, *sizes)
    face = _pick_font(rng, fonts, bold=bool(rng.random() < 0.5) or None)
    font = _font(face.path, size)
    upper = rng.random() < 0.4
    lines = [[_random_word(rng) for _ in range(int(rng.integers(1, max_words + 1)))]
             for _ in range(int(rng.integers(1, max_lines + 1)))]
    if upper:
        lines = [[w.upper() for w in line] for line in lines]
    spacing, leading, margin = rng.uniform(1.0, 1.8), rng.uniform(1.2, 1.6), rng.uniform(0.3, 1.0)
    for _ in range(3):  # shrink the font until the sign fits in the image
        space = font.getlength(" ") * spacing
        line_h, pad = size * leading, size * margin
        text_w = max(sum(font.getlength(w) for w in line) + space * (len(line) - 1) for line in lines)
        fit = min(0.9 * c.width / (text_w + 2 * pad), 0.9 * c.height / (line_h * len(lines) + 2 * pad))
        if fit >= 1.0:
            break
        size = max(6, int(size * fit))
        font = _font(face.path, size)
    box_w, box_h = text_w + 2 * pad, line_h * len(lines) + 2 * pad
    if box_w >= c.width or box_h >= c.height:
        return
    for _ in range(10):
        x0, y0 = rng.uniform(0, c.width - box_w), rng.uniform(0, c.height - box_h)
        box = (x0, y0, x0 + box_w, y0 + box_h)
        if not any(box[0] < t[2] and t[0] < box[2] and box[1] < t[3] and t[1] < box[3] for t in taken):
            break
    else:
        return
    taken.append(box)
    plate = rng.uniform(185, 255, 3).astype(np.float32) if paper else _colour(rng)
    if paper or rng.random() < 0.7:
        layers.plate_alpha.rectangle(box, fill=255)
        layers.plate_colour.rectangle(box, fill=tuple(int(v) for v in plate))
    # Faint print (thermal receipts, pale stamps, washed-out signs) must stay text: contrast from low to high.
    ink = _contrasting(rng, plate, min_diff=float(rng.uniform(30.0, 120.0)))
    layers.ink_colour.rectangle(box, fill=tuple(int(v) for v in ink))
    y = y0 + pad
    for line in lines:
        x = x0 + pad
        for w in line:
            x += c.draw_word(x, y, w, font) + space
        y += line_h


def generate_scene(
    rng: np.random.Generator,
    width: int,
    height: int,
    fonts: Sequence[FontFace] | None = None,
    *,
    size_range: tuple[float, float] = (9.0, 40.0),
    max_angle: float = 25.0,
    perspective: float = 0.08,
    text_probability: float = 0.85,
    degrade: bool = True,
) -> SynthSample:
    """Generate one scene-like image of ``width`` x ``height`` pixels with its character ground truth.

    ``text_probability``: share of images with any text (the rest are pure negatives). Signs use fonts
    from ``size_range`` up to twice its largest size (signs are often larger than body text); 40 % of the
    images also hold a small-print notice (so small text on a busy image stays text). The warp is
    stronger than on pages. ``degrade``: add blur, noise and JPEG artefacts.
    Raises ValueError when no font is found.
    """
    fonts = list(fonts) if fonts is not None else available_fonts()
    if not fonts:
        raise ValueError("no usable TrueType font found for the scene generator")
    img = clutter_background(rng, width, height)
    c = _Canvas(width, height)
    layers = _SignLayers(width, height)
    if rng.random() < text_probability:
        taken: list[tuple[float, float, float, float]] = []
        if rng.random() < 0.4:  # a notice, poster or receipt in the scene: small print, several lines
            _place_sign(rng, c, layers, taken, fonts, (size_range[0], size_range[0] * 2.0), max_lines=6, max_words=5, paper=True)
        for _ in range(int(rng.integers(1, 5))):
            _place_sign(rng, c, layers, taken, fonts, (size_range[0], size_range[1] * 2.0))
    h = _random_homography(rng, width, height, max_angle, perspective)
    warp = lambda a: cv2.warpPerspective(a, h, (width, height), flags=cv2.INTER_LINEAR)  # noqa: E731
    alpha_img, plate_img, ink_img = layers.images
    plate_alpha = warp(np.asarray(alpha_img, np.float32) / 255.0)[..., None]
    plate_rgb = warp(np.asarray(plate_img, np.float32))
    ink_rgb = warp(np.asarray(ink_img, np.float32))
    text = warp(np.asarray(c.text, np.float32) / 255.0)[..., None]
    img = img * (1 - plate_alpha) + plate_rgb * plate_alpha
    img = img * (1 - text) + ink_rgb * text
    if degrade:
        img = _degrade(rng, img)
    return SynthSample(
        image=np.clip(img, 0, 255).astype(np.uint8),
        char_quads=_warp_quads(_boxes_to_quads(c.char_boxes), h),
        char_word=np.asarray(c.char_word, np.int32),
        words=tuple(c.words),
        word_quads=_warp_quads(_boxes_to_quads(c.word_boxes), h),
        char_line=c.char_line(),
    )
