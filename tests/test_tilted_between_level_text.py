"""Issue 24 (L6, L7): a paragraph tilted against a level page, with level text only above and below it.

These generated pages (DejaVu Sans, the paragraph turned 3-4 degrees either way, a level heading above
and level footer lines below) must be read whole and in order (heading, paragraph, footer; the
paragraph a block of its own), and each line must keep its direction: the paragraph's lines their tilt,
the heading and footer level, and so must their blocks. Before L7, ``layout._direction_groups`` gave a
tilted paragraph a frame of its own only when other text shared its rows (labels beside it,
tests/test_tilted_block.py): with ``accurate`` (craft's axis-aligned word boxes, on the page's one
frame) the paragraph's lines came out level (hOCR ``textangle`` 0 for a 3.5 degree paragraph, the text
layer off the ink), and with ``fast`` the level heading's and footer's blocks took the tilted lines'
mean (2.74 degrees) as their direction.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.geometry import quad_angle
from ocrplug.layout import layout_regions
from ocrplug.levelling import LEVEL_ANGLE_DEG
from ocrplug.model import Region
from ocrplug.presets import preset_config
from tests.test_tilted_block import _row

HEADING = ["Annual Site Inspection Report"]
PARAGRAPH = ["The quick survey found", "eleven broken windows", "near the north gate", "and two open doors"]
FOOTER = ["Signed by the warden on duty", "Filed under section nine"]
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def tilted_between_image(degrees: float, size: int = 30) -> np.ndarray:
    """A level heading, the paragraph drawn level and turned ``degrees`` counter-clockwise, level footer lines."""
    if not FONT.exists():
        pytest.skip("fonts-dejavu-core is not installed")
    f = ImageFont.truetype(str(FONT), size)
    pitch = int(size * 1.6)
    block = Image.new("RGB", (max(int(f.getlength(t)) for t in PARAGRAPH) + 40, pitch * len(PARAGRAPH) + 40), "white")
    draw = ImageDraw.Draw(block)
    for i, text in enumerate(PARAGRAPH):
        draw.text((20, 20 + pitch * i), text, font=f, fill="black")
    block = block.rotate(degrees, expand=True, fillcolor="white", resample=Image.BICUBIC)
    page = Image.new("RGB", (max(block.width, 700) + 200, block.height + 8 * size + 260), "white")
    draw = ImageDraw.Draw(page)
    draw.text((80, 60), HEADING[0], font=f, fill="black")
    page.paste(block, (80, 80 + 2 * size))
    y = 80 + 3 * size + block.height
    for i, text in enumerate(FOOTER):
        draw.text((80, y + pitch * i), text, font=f, fill="black")
    return np.asarray(page)


@pytest.fixture(scope="module", params=["fast", "accurate"])
def preset(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Pipeline]:
    out = tmp_path_factory.mktemp(request.param)
    return request.param, Pipeline.from_dict(dict(preset_config(request.param), output={"dir": str(out)}, renderers=[]))


@pytest.mark.parametrize("degrees", [3.5, -3.0, 4.0])
def test_a_tilted_paragraph_between_level_lines_is_read_whole_and_in_order(
    preset: tuple[str, Pipeline], degrees: float
) -> None:
    name, pipeline = preset
    page = pipeline.run(tilted_between_image(degrees)).pages[0]
    assert [ln.text for ln in page.lines] == HEADING + PARAGRAPH + FOOTER
    blocks = [[ln.text for ln in b.children] for b in page.regions]
    assert PARAGRAPH in blocks, blocks
    # The paragraph's direction from craft's word centres (accurate) is within 0.7 degrees of the turn;
    # db's quads of a turned paragraph run up to 0.8 degrees shallower than the turn (3.5 -> 2.74..2.9).
    tilt_slack = math.radians(0.7 if name == "accurate" else LEVEL_ANGLE_DEG)
    for line in page.lines:
        want = math.radians(degrees) if line.text in PARAGRAPH else 0.0
        slack = tilt_slack if line.text in PARAGRAPH else math.radians(LEVEL_ANGLE_DEG)
        assert -quad_angle(line.quad) == pytest.approx(want, abs=slack), (
            line.text,
            -math.degrees(quad_angle(line.quad)),
        )
    for block in page.regions:  # each block runs like its lines: the level ones level, the paragraph tilted
        want = math.radians(degrees) if block.children[0].text in PARAGRAPH else 0.0
        assert -quad_angle(block.quad) == pytest.approx(want, abs=math.radians(LEVEL_ANGLE_DEG)), (
            [ln.text for ln in block.children],
            -math.degrees(quad_angle(block.quad)),
        )


def between_regions(para_deg: float, level_deg: float, *, as_lines: bool, height: float = 30.0) -> list[Region]:
    """Hand-built regions of the page above: the heading and footer rows at ``level_deg``, the paragraph's
    rows at ``para_deg`` (degrees counter-clockwise; db-like lines with words, or craft-like axis-aligned
    word boxes), the paragraph turned about its first line's start."""
    regions: list[Region] = []
    a = -math.radians(para_deg)
    regions += _row(HEADING[0], 80, 100, height, -math.radians(level_deg), as_lines=as_lines)
    for i, text in enumerate(PARAGRAPH):
        down = 1.6 * height * i
        regions += _row(text, 80 - down * math.sin(a), 100 + 3 * height + down * math.cos(a), height, a,
                        as_lines=as_lines)  # fmt: skip
    for i, text in enumerate(FOOTER):
        y = 100 + 3 * height + 1.6 * height * len(PARAGRAPH) + 2.5 * height + 1.6 * height * i
        regions += _row(text, 80, y, height, -math.radians(level_deg), as_lines=as_lines)
    return regions


def _texts(blocks: list[Region]) -> list[str]:
    return [ln.text or " ".join(w.text or "" for w in ln.children) for b in blocks for ln in b.children]


@pytest.mark.parametrize("as_lines", [True, False], ids=["db-lines", "craft-words"])
@pytest.mark.parametrize("degrees", [2.5, 3.5, -4.0])
def test_the_layout_gives_a_tilted_paragraph_between_level_rows_its_own_frame(degrees: float, as_lines: bool) -> None:
    blocks = layout_regions(between_regions(degrees, 0.0, as_lines=as_lines))
    assert _texts(blocks) == HEADING + PARAGRAPH + FOOTER
    for b in blocks:
        tilted = b.children[0].text in PARAGRAPH
        want = math.radians(degrees) if tilted else 0.0
        assert -quad_angle(b.quad) == pytest.approx(want, abs=1e-6 if as_lines else math.radians(0.1))
        for ln in b.children:
            assert -quad_angle(ln.quad) == pytest.approx(want, abs=math.radians(0.1)), ln.text


@pytest.mark.parametrize("as_lines", [True, False], ids=["db-lines", "craft-words"])
@pytest.mark.parametrize(
    ("para_deg", "level_deg"),
    [(2.0, 2.0), (-3.0, -3.0), (2.3, 0.9), (1.9, 0.0)],
    ids=["skewed-2", "skewed-minus-3", "skew-jitter-0.9-2.3", "under-threshold"],
)
def test_the_layout_keeps_one_frame_for_a_skewed_page_or_a_small_tilt(
    para_deg: float, level_deg: float, as_lines: bool
) -> None:
    # A scan skewed alike everywhere, a 1.5 degree skew whose rows measure 0.9 and 2.3 degrees (the level
    # rows' mean is over half LEVEL_ANGLE_DEG off level), a paragraph tilted under _TILT_BETWEEN_DEG:
    # one frame, every block in the same direction.
    blocks = layout_regions(between_regions(para_deg, level_deg, as_lines=as_lines))
    assert _texts(blocks) == HEADING + PARAGRAPH + FOOTER
    angles = [quad_angle(b.quad) for b in blocks]
    assert max(angles) - min(angles) < 1e-9, [math.degrees(-a) for a in angles]
