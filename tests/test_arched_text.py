"""Text on an arc that the detector misses is found in the ink and read along the arc (issue 24, A16: T15's
``arched.png``, which ``fast`` and ``swift`` read without its arched heading and without a warning)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.arcs import ARCHED_TAG, arched_lines
from ocrplug.model import Region
from ocrplug.presets import preset_config
from tests.conftest import load_benchmark

arcs = load_benchmark("arched_text")
BOLD = arcs.faces("DejaVuSans-Bold")[0]


def _page(text: str, radius: float, up: bool, size: int = 44) -> np.ndarray:
    """A 1400 x 1000 white page with ``text`` on an arc of ``radius`` (bowing up or down) and a level line."""
    page = Image.new("L", (1400, 1000), 255)
    centre = (700.0, 150 + radius) if up else (700.0, 850 - radius)
    arcs.draw_arc(page, text, ImageFont.truetype(BOLD, size), centre, radius, up)
    ImageDraw.Draw(page).text((700, 900 if up else 60), "Learning together", font=ImageFont.truetype(BOLD, 40),
                              fill=0, anchor="mm")
    return np.asarray(page)


def _level_line(gray: np.ndarray) -> Region:
    """A region over the page's level line (as a detector boxes it)."""
    ys = np.nonzero((gray[:, :] < 128).any(axis=1))[0]
    y0, y1 = (860, 940) if ys.max() > 850 else (20, 100)
    return Region.from_box(400, y0, 1000, y1, level="line")


@pytest.mark.parametrize(("radius", "up"), [(450, True), (600, True), (900, False), (1200, True)])
def test_an_arc_no_region_covers_is_one_line_along_it(radius: float, up: bool) -> None:
    gray = _page("GRAND OPENING SALE", radius, up)
    lines, notes = arched_lines(gray, [_level_line(gray)])
    assert notes == [] and len(lines) == 1, (lines, notes)
    line = lines[0]
    assert ARCHED_TAG in line.attributes
    quad = np.asarray(line.quad)
    assert quad[1][0] > quad[0][0] and quad[3][1] > quad[0][1]  # read left to right, top edge first
    # the outline holds the arc's ink
    mask = np.zeros(gray.shape, np.uint8)
    cv2.fillPoly(mask, [np.round(np.asarray(line.polygon)).astype(np.int32)], 1)
    ink = gray < 128
    ink[820:, :] = False if up else ink[820:, :]
    ink[:120, :] = ink[:120, :] if up else False
    assert (mask[ink] > 0).mean() >= 0.98


def test_covered_straight_and_too_curved_arcs() -> None:
    gray = _page("GRAND OPENING SALE", 600, True)
    everything = Region.from_box(0, 0, 1400, 1000, level="line")
    assert arched_lines(gray, [everything]) == ([], [])  # the detector found it: nothing to add
    flat = Image.new("L", (1400, 1000), 255)
    ImageDraw.Draw(flat).text((200, 300), "GRAND OPENING SALE", font=ImageFont.truetype(BOLD, 44), fill=0)
    assert arched_lines(np.asarray(flat), []) == ([], [])  # a straight line is no arc
    lines, notes = arched_lines(_page("RIVERSIDE FOOTBALL CLUB", 200, True), [])
    assert lines == [] and len(notes) == 1 and "turns through" in notes[0], notes


@pytest.mark.parametrize("preset", ["fast", "swift"])
def test_an_arched_heading_is_read_in_order(tmp_path, preset: str) -> None:
    Image.fromarray(_page("ST MARY'S PRIMARY SCHOOL", 600, True, size=52)).save(tmp_path / "arch.png")
    doc = Pipeline.from_dict(dict(preset_config(preset), renderers=[])).run(tmp_path / "arch.png")
    assert "ST MARY'S PRIMARY SCHOOL" in doc.pages[0].text.splitlines(), doc.pages[0].text
