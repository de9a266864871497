"""Issue 24 item 2 (E13): the page's frame is not set by far-apart regions; steep lines keep their own angle.

T11's ``envelope.png`` on ``fast``: the price ``1,20`` (in its stamp box at the far right) was joined to the
return address's ``A. Lindqvist``: the text frame's profile search found 2.8 degrees at which three pairs of
regions 15 and more heights apart share rows, though every level box said 0
(``ocrplug.geometry._ROW_GAP_MAX``). And ``accurate`` stated two steep lines 5 degrees apart at their
mean angle (now each its own: ``ocrplug.geometry._steep_lines``). Figures in docs/benchmarks.md ("Far-apart regions and
steep lines' angles").
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from ocrplug.geometry import quad_angle, text_angle
from ocrplug.layout import layout_regions
from ocrplug.model import Region
from tests.test_level_words import _tilted

# The line quads ``fast`` gave the layout for T11's envelope (page pixels, to 0.1 px), with their texts.
ENVELOPE = [
    ("BS6 7QF", [[634.9, 663.9], [808.1, 663.9], [808.1, 708.1], [634.9, 708.1]]),
    ("Bristol", [[635.4, 603.4], [765.6, 603.4], [765.6, 646.6], [635.4, 646.6]]),
    ("18 Willow Road", [[638.0, 544.5], [929.2, 545.7], [929.0, 585.2], [637.8, 584.0]]),
    ("Flat 2", [[634.3, 482.3], [745.7, 482.3], [745.7, 526.7], [634.3, 526.7]]),
    ("PRIORITAIRE", [[20.9, 740.1], [20.9, 456.9], [57.1, 456.9], [57.1, 740.1]]),
    ("Ms Helen Carter", [[636.2, 426.2], [936.8, 426.2], [936.8, 464.8], [636.2, 464.8]]),
    ("GOTEBORG 05.11.26", [[1083.8, 212.4], [1327.3, 122.0], [1336.5, 147.0], [1093.0, 237.4]]),
    ("1,20", [[1427.5, 110.5], [1534.5, 110.5], [1534.5, 158.5], [1427.5, 158.5]]),
    ("411 38 Goteborg", [[58.1, 114.4], [263.9, 114.4], [263.9, 142.9], [58.1, 142.9]]),
    ("Storgatan 4", [[57.9, 83.9], [204.1, 83.9], [204.1, 110.1], [57.9, 110.1]]),
    ("A. Lindqvist", [[57.3, 50.3], [203.7, 50.3], [203.7, 78.7], [57.3, 78.7]]),
]


def _envelope(skew_deg: float = 0.0) -> list[Region]:
    a = math.radians(-skew_deg)  # counter-clockwise on screen
    c, s = math.cos(a), math.sin(a)
    out = []
    for text, quad in ENVELOPE:
        turned = tuple((800 + c * (x - 800) - s * (y - 450), 450 + s * (x - 800) + c * (y - 450)) for x, y in quad)
        attrs = {"rotation": 90} if text == "PRIORITAIRE" else {}
        out.append(Region(quad=turned, level="line", text=text, attributes=attrs))  # type: ignore[arg-type]
    return out


def test_far_apart_regions_do_not_turn_a_level_envelopes_frame() -> None:
    quads = np.asarray([r.quad for r in _envelope()], dtype=np.float64)
    assert abs(math.degrees(text_angle(quads))) < 0.25


@pytest.mark.parametrize("skew", [1.0, -3.0])
def test_a_skewed_envelope_keeps_its_angle(skew: float) -> None:
    # The same envelope turned as a skewed scan is: its boxes say the skew, and the frame follows them
    # (turned 2 degrees, far-apart regions still line up at -0.8, nearer the image axes: left, as on main).
    quads = np.asarray([r.quad for r in _envelope(skew)], dtype=np.float64)
    assert math.degrees(-text_angle(quads)) == pytest.approx(skew, abs=0.25)


def _steep_line(cx: float, cy: float, deg: float, words: list[tuple[str, float]], lean: list[float]) -> list[Region]:
    """Words (text, length px; 40 px high) end to end along a line at ``deg`` (counter-clockwise) centred on
    (cx, cy), each word's box leaning ``lean`` degrees more (craft's boxes lean a little either way)."""
    a = math.radians(-deg)
    total = sum(w for _, w in words) + 15 * (len(words) - 1)
    x = -total / 2
    out = []
    for (text, w), extra in zip(words, lean, strict=True):
        mid = x + w / 2
        r = _tilted(cx + mid * math.cos(a), cy + mid * math.sin(a), w, 40, -(deg + extra), text)
        out.append(r.with_(level="word"))
        x += w + 15
    return out


def test_two_steep_lines_five_degrees_apart_keep_their_own_angles() -> None:
    # benchmarks/steep_lines.py's pages hold lines at +25 and +30 degrees: one direction group (within
    # 10 degrees), laid out in one frame at their words' mean, both were stated about 2.5 degrees off.
    # The page's level heading and footer (words, as craft boxes them) hold most of its words: its frame is level.
    level = [_tilted(500 + 220 * k, 90, 180, 50, 0.0, t).with_(level="word") for k, t in enumerate(["Village", "Summer", "Fair"])]
    level += [_tilted(400 + 170 * k, 1520, 140, 30, 0.0, t).with_(level="word")
              for k, t in enumerate(["Saturday", "14", "June,", "Mill", "Lane"])]
    first = _steep_line(400, 500, 25.0, [("Jumble", 160), ("sale", 100)], [1.0, -1.0])
    second = _steep_line(1200, 1100, 30.0, [("Fresh", 130), ("bread", 140), ("daily", 120)], [-1.0, 0.5, 0.5])
    lines = {ln.text: ln for b in layout_regions([*level, *first, *second]) for ln in b.children}
    assert {"Jumble sale", "Fresh bread daily"} <= set(lines), sorted(lines)
    assert -math.degrees(quad_angle(lines["Jumble sale"].quad)) == pytest.approx(25.0, abs=0.5)
    assert -math.degrees(quad_angle(lines["Fresh bread daily"].quad)) == pytest.approx(30.0, abs=0.5)
