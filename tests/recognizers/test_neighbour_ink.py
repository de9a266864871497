"""Recognition crops stop at neighbouring ink: ruling lines and the next line never enter (issue 24, item 3)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from ocrplug.crops import CropOptions, crop_regions, erase_neighbour_ink
from ocrplug.model import Region

SHARED = Path(os.environ.get("OCRPLUG_SHARED", Path(__file__).resolve().parents[2].parent / "shared"))
CASES = SHARED / "cases"


def _ink(img: np.ndarray) -> np.ndarray:
    return img < 128


def test_rule_beside_the_text_is_painted_over() -> None:
    """A vertical rule 5 px left of a word (a table cell) that spans above and below the text is erased."""
    page = np.full((120, 300), 255, np.uint8)
    cv2.putText(page, "Item", (60, 75), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    page[10:110, 52:55] = 0  # the cell's left rule, 5 px from the text
    y0, x1, y1 = 50, 130, 82
    # The region reaches over the rule (a detector's box lengthened for reading): the rule is inside it.
    crop = crop_regions(page, [Region.from_box(45, y0, x1, y1, level="line")], CropOptions(margin=0.1))[0]
    rule_cols = _ink(crop.image).mean(axis=0) > 0.9
    assert not rule_cols.any()
    assert _ink(crop.image).sum() > 200  # the word itself stays
    # Without the rule the text's ink is untouched.
    clean = page.copy()
    clean[10:110, 52:55] = 255
    same = crop_regions(clean, [Region.from_box(45, y0, x1, y1, level="line")], CropOptions(margin=0.1))[0]
    assert np.array_equal(_ink(same.image), _ink(crop.image))


def test_next_line_in_the_margin_is_painted_over() -> None:
    """Descenders of the line above, reaching into the top margin, do not reach the recognizer."""
    page = np.full((100, 300), 255, np.uint8)
    cv2.putText(page, "gypsy", (20, 38), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)  # the line above
    cv2.putText(page, "TOTAL", (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    region = Region.from_box(15, 56, 130, 84, level="line")
    crop = crop_regions(page, [region], CropOptions(margin=0.3))[0]
    pad = round(0.3 * 28)
    assert not _ink(crop.image[:pad - 1]).any()
    assert _ink(crop.image[pad:-pad]).sum() > 200


def test_lone_character_in_a_tight_box_is_kept() -> None:
    """Erasing never empties a crop: a lone '1' whose box is tighter than its ink stays."""
    crop = np.full((30, 14), 255, np.uint8)
    crop[0:30, 6:9] = 0  # a '1' touching top and bottom, taller than the region's box
    out = erase_neighbour_ink(crop, (2, 3, 12, 27))
    assert np.array_equal(out, crop)


def test_flat_and_light_on_dark_crops() -> None:
    flat = np.full((20, 60), 200, np.uint8)
    assert erase_neighbour_ink(flat, (2, 2, 58, 18)) is flat
    view = np.zeros((80, 120), np.uint8)
    cv2.putText(view, "AB", (20, 50), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 255, 2)
    view[:, 110:113] = 255  # a light rule on dark paper, running far above and below the text
    dark = view[20:60].copy()
    # Rules are told from glyphs on the taller view only: without it the rule stays.
    assert np.array_equal(erase_neighbour_ink(dark, (15, 8, 105, 32)), dark)
    out = erase_neighbour_ink(dark, (15, 8, 105, 32), probe=(view, 20))
    assert (out[:, 110:113] < 128).all()
    assert (out[:, 15:105] > 128).sum() > 50


def test_capitals_filling_a_tight_box_are_kept() -> None:
    """Capitals that overflow a tight box at top and bottom are glyphs, not rules (FUNSD form labels)."""
    page = np.full((60, 400), 255, np.uint8)
    cv2.putText(page, "MANUFACTURER:", (10, 40), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    ink = np.argwhere(page < 128)
    (y0, x0), (y1, x1) = ink.min(axis=0), ink.max(axis=0) + 1
    region = Region.from_box(x0, y0 + 2, x1, y1 - 2, level="line")  # 2 px tighter than the letters
    crop = crop_regions(page, [region], CropOptions(margin=0.05))[0]
    cols = _ink(crop.image).any(axis=0)
    assert cols[: crop.width // 13].any()  # the first "M" is still there (it was erased as a "rule")
    assert _ink(crop.image).sum() >= 0.9 * _ink(page[y0 + 1 : y1 - 1, x0:x1]).sum()


PRESETS = {
    "fast": ({}, "fast"),
    "accurate": ({}, "accurate"),
    "tesseract-layout + tesseract": ({"detector": {"name": "tesseract-layout"}, "recognizer": {"name": "tesseract"}}, "fast"),
}


@pytest.mark.parametrize("name", list(PRESETS))
def test_table_grid_reads_cells_without_rules(name: str) -> None:
    """../shared/cases/table_grid.png: the cell values exactly, no '|', '[' or ']' from the rules."""
    src = CASES / "table_grid.png"
    if not src.is_file():
        pytest.skip(f"{src} not found (set OCRPLUG_SHARED to the shared folder)")
    from ocrplug.pipeline import Pipeline

    extra, preset = PRESETS[name]
    try:
        pipeline = Pipeline.from_dict({**extra, "renderers": []}, preset=preset)
        page = next(iter(pipeline.iter_pages(src)))
    except Exception as exc:  # a missing optional extra (craft weights, tesseract) is not this test's subject
        if type(exc).__name__ in ("MissingExtraError", "MissingWeightsError"):
            pytest.skip(str(exc))
        raise
    got = re.sub(r"\s+", " ", page.text).strip()
    want = re.sub(r"\s+", " ", (CASES / "table_grid.expected.txt").read_text()).strip()
    assert got == want


def test_tesseract_reads_a_tight_line_box_beside_the_next_line() -> None:
    """Issue 24, item 6: ink of the next line 2 px below a ground-truth-tight box no longer blanks the line."""
    pytest.importorskip("tesserocr")
    from ocrplug_tesseract.options import TesseractRecognizerOptions
    from ocrplug_tesseract.recognizer import TesseractRecognizer

    from ocrplug.model import PageImage

    page = np.full((110, 420, 3), 255, np.uint8)
    cv2.putText(page, "Invoice total 345", (10, 40), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    cv2.putText(page, "Hlkdbf tall ascenders", (10, 64), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    ink = np.argwhere(page[:50, :, 0] < 128)
    (y0, x0), (y1, x1) = ink.min(axis=0), ink.max(axis=0) + 1
    below = np.argwhere(page[50:, :, 0] < 128)[:, 0].min() + 50
    assert below - y1 <= 4  # the next line's ascenders sit just below the box
    rec = TesseractRecognizer(TesseractRecognizerOptions())
    assert rec.options.margin == 0.0
    for margin in (0.0, 0.3):  # with a margin that reaches the next line, its ink is painted over
        rec.crop_options = TesseractRecognizerOptions(margin=margin).crop_options()
        (got,) = rec.recognize(PageImage(page, 0, "two-lines"), [Region.from_box(x0, y0, x1, y1, level="line")])
        assert got.text == "Invoice total 345", margin
