"""Issue 24 item 2 (E14): a steep line's angle from its words' centres; turned lines far apart keep their own frames.

``accurate`` (craft's word boxes) stated two-word steep lines of ``benchmarks/steep_lines.py`` 5-10 degrees off:
a word's box leans with a descender or a capital at one end (``Quiz night``, ``Pay here``, ``Today only``), and
the line took its words' mean direction. ``fast`` read db's lines past 45 degrees from turned crops and laid
out all lines of one right-angle turn in one frame: lines at -55 and -60 degrees were both written at 58.1.
Figures in docs/benchmarks.md ("Steep lines' angles from their words' centres; one frame per turned line").
"""

from __future__ import annotations

import math

import pytest

from ocrplug.geometry import quad_angle
from ocrplug.layout import layout_regions
from ocrplug.model import Region
from tests.test_far_regions_frame import _steep_line
from tests.test_level_words import _tilted


def _level_text() -> list[Region]:
    """A poster's level heading and footer (words, as craft boxes them): the page's frame is level."""
    level = [_tilted(500 + 220 * k, 90, 180, 50, 0.0, t).with_(level="word") for k, t in enumerate(["Village", "Summer", "Fair"])]
    level += [_tilted(400 + 170 * k, 1520, 140, 30, 0.0, t).with_(level="word")
              for k, t in enumerate(["Saturday", "14", "June,", "Mill", "Lane"])]
    return level


def _stated(regions: list[Region]) -> dict[str, float]:
    """Each laid-out line's text and angle (degrees, counter-clockwise)."""
    return {ln.text or "": -math.degrees(quad_angle(ln.quad)) for b in layout_regions(regions) for ln in b.children}


@pytest.mark.parametrize("deg", [-35.0, 25.0, 40.0])
def test_a_steep_lines_words_leaning_alike_give_its_angle_by_their_centres(deg: float) -> None:
    # Both words end with a descender (``Today only``): craft's boxes both lean 4 degrees clockwise; their
    # mean said deg - 4, their centres lie on the line.
    line = _steep_line(800, 800, deg, [("Today", 150), ("only", 120)], [-4.0, -4.0])
    stated = _stated([*_level_text(), *line])
    assert stated["Today only"] == pytest.approx(deg, abs=0.5), stated


def test_a_steep_lines_words_leaning_apart_give_its_angle_by_their_centres() -> None:
    # ``Quiz night`` at -35: the words' boxes lean 8 degrees apart (+1.5 and +9.5), their mean 5.5 off.
    line = _steep_line(800, 800, -35.0, [("Quiz", 120), ("night", 150)], [1.5, 9.5])
    stated = _stated([*_level_text(), *line])
    assert stated["Quiz night"] == pytest.approx(-35.0, abs=0.5), stated


def test_a_scene_lines_words_of_two_sizes_keep_their_own_direction() -> None:
    # ICDAR 2015 img_103's sign: ``CHAT`` 26 px high beside ``CHAK`` 38 px, both boxed at -14.6 degrees on one
    # baseline: their centres rise with the larger word (a line through them runs at -17.6, and the sign was
    # re-read letter by letter): words of different sizes keep their own direction.
    a = math.radians(14.6)  # y down: the sign rises to the right
    along, down = (math.cos(-a), math.sin(-a)), (math.sin(a), math.cos(a))
    words = []
    for text, start, length, height in (("CHAT", 0.0, 67.0, 26.0), ("CHAK", 78.0, 97.0, 38.0)):
        mid = start + length / 2
        cx = 950 + mid * along[0] - height / 2 * down[0]
        cy = 270 + mid * along[1] - height / 2 * down[1]
        words.append(_tilted(cx, cy, length, height, -14.6, text).with_(level="word"))
    stated = _stated([*_level_text(), *words])
    assert stated["CHAT CHAK"] == pytest.approx(14.6, abs=0.2), stated


# The turned lines ``fast`` gave the layout for benchmarks/steep_lines.py's ``steep04`` (db's lines read from
# turned crops: quads start at the text's top-left): (text, centre, length, height, quad angle y down, turn).
STEEP04 = [
    ("Tickets", (414, 483), 166, 52, -54.66, 270),
    ("Dog show", (399, 1078), 206, 61, -58.79, 270),
    ("Big prizes", (1216, 538), 191, 47, 55.01, 90),
    ("Family fun day", (1206, 1077), 337, 69, 61.23, 90),
]


def test_turned_lines_far_apart_keep_their_own_angles() -> None:
    level = [_tilted(800, 90, 560, 60, 0.0, "Village Summer Fair"), _tilted(800, 1520, 620, 40, 0.0, "Saturday 14 June")]
    turned = [
        _tilted(c[0], c[1], length, height, deg, text).with_(attributes={"rotation": turn})
        for text, c, length, height, deg, turn in STEEP04
    ]
    stated = _stated([*level, *turned])
    for text, _c, _l, _h, deg, _t in STEEP04:
        assert stated[text] == pytest.approx(-deg, abs=0.3), (text, stated)


def test_a_turned_labels_words_near_each_other_share_one_line() -> None:
    # A margin label read bottom to top, one db line per word (turned crops, 270): near each other, they
    # are laid out in one frame and joined into one line, as before.
    level = [_tilted(800, 100 + 60 * k, 1000, 30, 0.0, f"body line {k}") for k in range(4)]
    words = [("Received", 200), ("on", 60), ("Monday", 170)]
    label, y = [], 1000.0
    for k, (text, length) in enumerate(words):
        label.append(_tilted(60, y - length / 2, length, 36, -90.0 + (0.6 if k == 1 else 0.0), text)
                     .with_(attributes={"rotation": 270}))
        y -= length + 14
    stated = _stated([*level, *label])
    assert "Received on Monday" in stated, stated
