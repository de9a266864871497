"""Rectified crops of curved lines (ocrplug.rectify): arcs come out straight, straight lines keep their crop."""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug.crops import CropOptions, crop_regions, quad_of_region, rotate_crop, to_gray
from ocrplug.geometry import order_quad
from ocrplug.model import PageImage, Region
from ocrplug.rectify import curve_of_region, polygon_edges

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SIZE = 30


def _draw_on_arc(canvas: np.ndarray, text: str, centre: tuple[float, float], radius: float, start_deg: float) -> Region:
    """Draw ``text`` clockwise along a circle (glyphs upright to the circle, on its outside); returns the
    line region: polygon = the band from radius - h/2 to radius + h/2 over the text, quad = its min-area rectangle."""
    if not FONT.exists():
        pytest.skip(f"font {FONT} not installed (Debian fonts-dejavu-core)")
    font = ImageFont.truetype(str(FONT), SIZE)
    ascent, descent = font.getmetrics()
    mid = (ascent + descent) / 2
    ink = np.zeros(canvas.shape[:2], np.uint8)
    cx, cy = centre
    for i, ch in enumerate(text):
        left, top, right, bottom = font.getbbox(ch)
        if right <= left:
            continue
        along = font.getlength(text[:i]) + font.getlength(ch) / 2
        a = math.radians(start_deg) + along / radius
        point = np.array([cx + radius * math.cos(a), cy + radius * math.sin(a)])
        d = np.array([-math.sin(a), math.cos(a)])  # clockwise tangent, y down
        rot = np.array([[d[0], -d[1]], [d[1], d[0]]])
        pad = 2
        patch = Image.new("L", (math.ceil(right - left) + 2 * pad, math.ceil(bottom - top) + 2 * pad), 0)
        ImageDraw.Draw(patch).text((pad - left, pad - top), ch, font=font, fill=255)
        ref = np.array([font.getlength(text[:i]) + font.getlength(ch) / 2, mid])
        origin = np.array([font.getlength(text[:i]) + left - pad, top - pad])
        affine = np.hstack([rot, (rot @ (origin - ref) + point)[:, None]])
        np.maximum(ink, cv2.warpAffine(np.asarray(patch), affine, ink.shape[::-1], flags=cv2.INTER_LINEAR), out=ink)
    canvas[:] = (canvas.astype(np.float64) * (1 - ink[..., None] / 255.0)).astype(np.uint8)
    total = font.getlength(text)
    angles = math.radians(start_deg) + np.linspace(-4, total + 4, 20) / radius
    half = mid + 3
    outer = [(cx + (radius + half) * math.cos(a), cy + (radius + half) * math.sin(a)) for a in angles]
    inner = [(cx + (radius - half) * math.cos(a), cy + (radius - half) * math.sin(a)) for a in angles[::-1]]
    # Outside of the circle is the text's top (glyphs stand on the circle): clockwise from the start.
    polygon = np.array(outer + inner)
    quad = order_quad(cv2.boxPoints(cv2.minAreaRect(polygon.astype(np.float32))))
    return Region(quad=quad, polygon=tuple(map(tuple, polygon)), level="line")


def _ink_wander(crop: np.ndarray) -> float:
    """How far the ink's centre row wanders across the crop's columns (weighted std), in font sizes."""
    gray = to_gray(crop).astype(np.float64)
    ink = np.clip(255 - gray, 0, None)
    cols = ink.sum(axis=0)
    keep = cols > 0.1 * cols.max()
    rows = np.arange(gray.shape[0])[:, None]
    centre = (ink * rows).sum(axis=0)[keep] / cols[keep]
    weights = cols[keep]
    mean = np.average(centre, weights=weights)
    return float(np.sqrt(np.average((centre - mean) ** 2, weights=weights))) / SIZE


@pytest.fixture
def arc_page():
    page = np.full((420, 640, 3), 255, np.uint8)
    region = _draw_on_arc(page, "Curved lines read straight", (320, 470), 320, -122)
    return page, region


def test_a_curved_line_is_detected_as_curved(arc_page):
    _, region = arc_page
    edges = curve_of_region(region)
    assert edges is not None
    top, bottom = edges
    # Top edge on the outside of the circle, bottom on the inside, both in reading order (left to right).
    centre = np.array([320, 470])
    assert np.linalg.norm(top - centre, axis=1).mean() > np.linalg.norm(bottom - centre, axis=1).mean() + SIZE / 2
    assert top[0, 0] < top[-1, 0] and bottom[0, 0] < bottom[-1, 0]


def test_rectified_arc_is_straighter_than_its_bounding_crop(arc_page):
    page, region = arc_page
    opts = CropOptions(margin=0.1, orientation="quad")
    (rectified,) = crop_regions(page, [region], opts)
    (bounding,) = crop_regions(page, [region.with_(polygon=None, quad=quad_of_region(region))], opts)
    assert rectified.curve is not None and bounding.curve is None
    straight, bent = _ink_wander(rectified.image), _ink_wander(bounding.image)
    # The bounding crop's ink follows the arc (sagitta about 1.5 font sizes); the rectified one stays level.
    assert bent > 0.4
    assert straight < 0.15
    assert straight < bent / 3


def test_rectified_crop_maps_back_onto_the_polygon(arc_page):
    page, region = arc_page
    (crop,) = crop_regions(page, [region], CropOptions(margin=0.2, orientation="quad"))
    top, bottom = curve_of_region(region)
    p = crop.curve.pad
    corners = crop.map_points([(p, p), (crop.width - p, p), (crop.width - p, crop.height - p), (p, crop.height - p)])
    want = np.array([top[0], top[-1], bottom[-1], bottom[0]])
    assert np.allclose(corners, want, atol=1.0)
    # A quarter turn (counter-clockwise: old (x, y) is new (y, width - x)) keeps the map to the page.
    turned = rotate_crop(crop, 90)
    w, h = crop.width, crop.height
    assert np.allclose(turned.map_points([(h - p, p)]), crop.map_points([(w - p, h - p)]), atol=1e-6)
    # A box in the crop maps to a page quad whose corners lie near the arc band.
    quad = np.asarray(crop.map_box(p, p, crop.width / 2, crop.height - p))
    radii = np.linalg.norm(quad - np.array([320, 470]), axis=1)
    assert np.all(np.abs(radii - 320) < SIZE)


def _ppocr_cer(recognizer, page: np.ndarray, region: Region, truth: str) -> float:
    from ocrplug.evaluation import edit_distance

    (read,) = recognizer.recognize(PageImage(image=page, index=0, source="arc.png"), [region])
    return edit_distance(read.text or "", truth) / len(truth)


def test_ppocr_reads_the_rectified_arc_better(arc_page):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("rapidocr")
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer

    recognizer = PPOCRRecognizer(PPOCRRecognizerOptions(threads=1))
    page, region = arc_page
    truth = "Curved lines read straight"
    rectified = _ppocr_cer(recognizer, page, region, truth)
    bounding = _ppocr_cer(recognizer, page, region.with_(polygon=None, quad=quad_of_region(region)), truth)
    assert rectified <= 0.1
    assert rectified < bounding


def _rounded_band(x0: float, x1: float, y: float, h: float, angle_deg: float) -> np.ndarray:
    """A straight line's outline with round caps (as the db detector's unclipped polygons), rotated."""
    r = h / 2
    caps = np.linspace(-math.pi / 2, math.pi / 2, 9)
    right = [(x1 + r * math.cos(a), y + r * math.sin(a)) for a in caps]
    left = [(x0 - r * math.cos(a), y - r * math.sin(a)) for a in caps]
    pts = np.array(right + left)
    c, s = math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))
    centre = np.array([(x0 + x1) / 2, y])
    return (pts - centre) @ np.array([[c, s], [-s, c]]) + centre


@pytest.mark.parametrize("angle", [0.0, 12.0])
def test_straight_lines_keep_todays_crop_byte_for_byte(angle):
    rng = np.random.default_rng(7)
    page = rng.integers(0, 256, (300, 500, 3), dtype=np.uint8)
    band = _rounded_band(100, 380, 150, 40, angle)
    quad = order_quad(cv2.boxPoints(cv2.minAreaRect(band.astype(np.float32))))
    rect = Region(quad=quad, level="line")
    many = np.array(quad)
    dense_rect = Region(quad=quad, polygon=tuple(map(tuple, np.vstack([many[:2], (many[1] + many[2]) / 2, many[2:]]))),
                        level="line")
    rounded = Region(quad=quad, polygon=tuple(map(tuple, band)), level="line")
    assert curve_of_region(rounded) is None and curve_of_region(dense_rect) is None
    for margin in (0.0, 0.3):
        opts = CropOptions(margin=margin)
        (plain,) = crop_regions(page, [rect], opts)
        for region in (rounded, dense_rect):
            (crop,) = crop_regions(page, [region], opts)
            # Today's crop of a polygon region: its min-area rectangle, warped by perspective.
            (today,) = crop_regions(page, [region.with_(polygon=None, quad=quad_of_region(region))], opts)
            assert crop.curve is None
            assert crop.image.tobytes() == today.image.tobytes()
            assert np.array_equal(crop.to_page, today.to_page)
        assert plain.curve is None


def test_polygon_edges_of_a_rotated_band_find_its_corners():
    band = np.array([[100, 100], [200, 100], [300, 100], [300, 140], [200, 140], [100, 140]], dtype=float)
    c, s = math.cos(0.5), math.sin(0.5)
    rot = (band - 200) @ np.array([[c, s], [-s, c]]) + 200
    top, bottom = polygon_edges(rot, (c, s))
    want_top, want_bottom = rot[[0, 2]], rot[[5, 3]]
    assert np.allclose(top[[0, -1]], want_top, atol=6) and np.allclose(bottom[[0, -1]], want_bottom, atol=6)
    assert polygon_edges([(0, 0), (1, 0), (1, 0), (0, 0)], (1, 0)) is None
