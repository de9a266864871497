"""Dense small print (issue 24, item 3): the crops the recognizer reads hold their whole line and no
other line's ink, and the page is read word for word.

Pages are drawn here (6-8 pt at 200 and 300 dpi, lines 1.1-1.3 times the font size apart, serif and
sans); each line is also drawn alone, so a crop's own ink and its neighbours' ink are known exactly.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline
from ocrplug.crops import Crop
from ocrplug.presets import preset_config

TEXT = (
    "Each parcel must carry the sender's full address and a clear label on the top face; fragile "
    "goods travel in the blue crates, which the driver checks against the manifest before leaving "
    "the depot every morning at half past six"
).split()

#: (font file, points, dpi, line spacing as a multiple of the font size)
PAGES = [
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 6, 200, 1.1),
    ("/usr/share/fonts/opentype/urw-base35/NimbusRoman-Regular.otf", 8, 300, 1.15),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf", 7, 300, 1.3),
]


def _draw(font: str, points: float, dpi: int, spacing: float) -> tuple[np.ndarray, list[np.ndarray], list[str]]:
    """The page (H x W uint8), each line drawn alone on an empty page of the same size, and the words."""
    if not Path(font).exists():
        pytest.skip(f"font {font} is not installed")
    face = ImageFont.truetype(font, round(points * dpi / 72))
    width, height = int(3.6 * dpi), int(1.0 * dpi)
    left, step = int(0.15 * dpi), round(face.size * spacing)
    lines: list[str] = []
    line: list[str] = []
    for word in TEXT:
        if line and face.getlength(" ".join([*line, word])) > width - 2 * left:
            lines.append(" ".join(line))
            line = []
        line.append(word)
    lines.append(" ".join(line))
    top = int(0.1 * dpi)
    lines = lines[: (height - 2 * top) // step]
    page = Image.new("L", (width, height), 255)
    alone = []
    for i, text in enumerate(lines):
        ImageDraw.Draw(page).text((left, top + i * step), text, font=face, fill=0)
        one = Image.new("L", (width, height), 255)
        ImageDraw.Draw(one).text((left, top + i * step), text, font=face, fill=0)
        alone.append(np.asarray(one))
    return np.asarray(page), alone, " ".join(lines).split()


def _read(page: np.ndarray, preset: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[str, list[Crop]]:
    """The page's text and every crop the ``ppocr`` recognizer was given."""
    pytest.importorskip("rapidocr")
    from ocrplug_ppocr.recognizer import PPOCRRecognizer

    seen: list[Crop] = []
    read_crops = PPOCRRecognizer.read_crops

    def spy(self: PPOCRRecognizer, crops: list[Crop], regions: list) -> list:
        seen.extend(crops)
        return read_crops(self, crops, regions)

    monkeypatch.setattr(PPOCRRecognizer, "read_crops", spy)
    config = dict(preset_config(preset), output={"dir": str(tmp_path)}, renderers=[])
    result = Pipeline.from_dict(config).run(np.repeat(page[:, :, None], 3, axis=2)).pages[0]
    return result.text, seen


def _check_crops(crops: list[Crop], alone: list[np.ndarray]) -> int:
    """Assert each line crop holds its line's ink rows and none of another line's ink; returns how many
    crops were checked. Line crops: upright and over half the page wide (the page orientation check reads
    short probe crops of a turned copy of the page first, not checked here). A crop's line is the one
    whose ink rows hold its centre."""
    rows = [np.flatnonzero((a < 128).any(axis=1)) for a in alone]
    checked = 0
    for crop in crops:
        if crop.rotation or crop.width <= 0.5 * alone[0].shape[1]:
            continue
        cy = crop.map_points([(crop.width / 2, crop.height / 2)])[0, 1]
        own = [k for k, r in enumerate(rows) if r[0] <= cy <= r[-1] + 1]
        assert len(own) == 1, f"crop centre row {cy:.1f} lies in lines {own}"
        k = own[0]
        back = np.linalg.inv(crop.to_page)
        size = (crop.width, crop.height)
        own_ink = cv2.warpPerspective(alone[k], back, size, borderValue=255) < 128
        others = np.min([a for j, a in enumerate(alone) if j != k], axis=0) if len(alone) > 1 else alone[k] * 0 + 255
        other_ink = cv2.warpPerspective(others, back, size, borderValue=255) < 128
        dark = cv2.cvtColor(crop.image, cv2.COLOR_RGB2GRAY) < 128
        stray = int((dark & other_ink & ~own_ink).sum())
        assert stray == 0, f"line {k}'s crop holds {stray} px of another line's ink"
        # The crop spans its line's ink rows (half a pixel of an anti-aliased edge row aside).
        ys = crop.map_points([(0, 0), (0, crop.height)])[:, 1]
        assert ys[0] <= rows[k][0] + 0.5 and ys[1] >= rows[k][-1] + 0.5, (k, ys, rows[k][[0, -1]])
        checked += 1
    return checked


@pytest.mark.parametrize("setting", PAGES, ids=["dejavu-sans-6pt-200dpi", "nimbus-roman-8pt-300dpi", "liberation-sans-7pt-300dpi"])
def test_dense_small_print_crops_are_whole_and_clean(setting: tuple, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    page, alone, words = _draw(*setting)
    text, crops = _read(page, "fast", monkeypatch, tmp_path)
    assert _check_crops(crops, alone) >= len(alone)
    got = text.split()
    found = sum(b.size for b in difflib.SequenceMatcher(a=words, b=got, autojunk=False).get_matching_blocks())
    assert found >= 0.95 * len(words), (words, got)


def test_dense_small_print_accurate_preset(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The ``accurate`` preset's crops (CRAFT boxes) are whole and clean too."""
    page, alone, words = _draw(*PAGES[1])
    text, crops = _read(page, "accurate", monkeypatch, tmp_path)
    assert _check_crops(crops, alone) >= len(alone)
    got = text.split()
    found = sum(b.size for b in difflib.SequenceMatcher(a=words, b=got, autojunk=False).get_matching_blocks())
    assert found >= 0.95 * len(words), (words, got)
