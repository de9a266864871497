"""Issue 24 (D12, T11's ``newspaper``): a drop cap is joined to the word it begins, and no line beside it is lost.

``fast`` lost the ``H`` of ``Harbour`` (``db`` boxed no region on it), ``swift`` and ``accurate`` read it as
a line of its own written apart from ``arbour``, and the ``tesseract-layout`` detector boxed it with the
second line, which was then read as nothing (:mod:`ocrplug.drop_caps`, ``split_drop_cap``).
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from ocrplug import Pipeline
from ocrplug.drop_caps import find_drop_caps, join_drop_caps
from ocrplug.model import Region
from ocrplug.presets import preset_config
from tests.conftest import load_benchmark


def _line(x0: float, y0: float, x1: float, y1: float, text: str) -> Region:
    """A line region with one word child per word of ``text``, cut evenly along it."""
    words = text.split()
    step = (x1 - x0) / len(words)
    kids = tuple(
        Region.from_box(x0 + k * step, y0, x0 + (k + 1) * step - 4, y1, level="word", text=w, order=k)
        for k, w in enumerate(words)
    )
    return Region.from_box(x0, y0, x1, y1, level="line", text=text, children=kids)


def _paragraph(cap: str, first: str) -> list[Region]:
    """T11's ``newspaper`` as ``db`` boxes it: a cap 68 px tall at (62, 227) read alone, three 25 px lines
    beside it from x = 142 and one under it from the column's left."""
    return [
        Region.from_box(55, 220, 146, 302, level="line", text=cap),
        _line(142, 212, 369, 237, first),
        _line(143, 245, 368, 271, "Tuesday that the island"),
        _line(142, 280, 386, 305, "ferry will sail again from"),
        _line(58, 314, 388, 339, "Monday after six weeks of repairs"),
    ]


def test_a_drop_cap_is_joined_to_the_word_it_begins() -> None:
    out = join_drop_caps(_paragraph("H", "arbour officials said on"))
    assert [r.text for r in out] == [
        "Harbour officials said on", "Tuesday that the island", "ferry will sail again from",
        "Monday after six weeks of repairs",
    ]
    first = out[0].children[0]
    assert first.text == "Harbour" and first.bbox[0] == 55 and first.bbox[1] == 212  # to the cap, on its rows
    assert out[0].bbox[0] == 55


def test_a_cap_before_a_capitalised_word_stays_a_word_of_its_own() -> None:
    """``A`` before ``Council`` (a name): no word goes on in lower case, the cap is a word of its own. (Before
    a lower-case word it is joined: ``A`` + ``council`` reads ``Acouncil``, see docs/benchmarks.md.)"""
    out = join_drop_caps(_paragraph("A", "Council report found the"))
    assert out[0].text == "A Council report found the"
    assert [w.text for w in out[0].children][:2] == ["A", "Council"]


def test_a_one_letter_word_cap_set_with_a_word_space_stays_a_word() -> None:
    """``A`` + ``council``: a cap that is a word is followed by a word space on its first line only (its
    first word starts 8 px, a third of the line height, right of the lines under it), so it is no letter
    of ``council``; a cap set flush with its lines (``H`` + ``arbour``) is still joined."""
    regions = _paragraph("A", "council report found the")
    regions[1] = _line(150, 212, 369, 237, "council report found the")
    out = join_drop_caps(regions)
    assert out[0].text == "A council report found the"
    assert [w.text for w in out[0].children][:2] == ["A", "council"]
    assert join_drop_caps(_paragraph("A", "gain the council said"))[0].text.startswith("Again the")


def test_a_word_cap_whose_first_line_is_indented_goes_to_that_line() -> None:
    """V13's ``dropcapA_indent`` as ``accurate`` boxed it: CRAFT's box of the ``A`` ends 20 px left of its ink,
    and the first line, indented 14 px after its word space, starts 52 px right of that box (1.3 of its
    height), past the gap the other lines are held by; the cap went to the second line (``Aruled``; issue
    24, K14). The first line beside the cap is the one above the others that starts within that gap of
    where they start."""
    regions = [
        Region.from_box(64.7, 73.1, 157.5, 177.2, level="line", text="A"),
        _line(210.0, 53.4, 745.3, 94.7, "long time ago there lived a king who"),
        _line(195.0, 106.9, 720.0, 146.2, "ruled a small country by the sea and"),
        _line(195.0, 157.5, 715.1, 196.9, "loved his daughters more than gold."),
    ]
    out = join_drop_caps(regions)
    assert [r.text for r in out] == [
        "A long time ago there lived a king who", "ruled a small country by the sea and",
        "loved his daughters more than gold.",
    ]
    assert out[0].children[0].text == "A" and out[0].bbox[0] == 64.7
    # A line far right of the lines' start above them (another column's) is no first line.
    regions[1] = _line(420.0, 53.4, 745.3, 94.7, "long time ago there lived a king who")
    assert join_drop_caps(regions)[0].text != "A long time ago there lived a king who"


@pytest.mark.parametrize(
    "regions",
    [
        # One line beside a big letter: a heading's initial or a logo, not a drop cap.
        [Region.from_box(55, 220, 146, 302, level="line", text="H"), _line(142, 212, 369, 237, "arbour said")],
        # A letter as tall as its lines (a capital starting a row of a table).
        [Region.from_box(110, 212, 130, 237, level="line", text="X"), *_paragraph("H", "arbour said")[1:4]],
        # Lines beside it that start far off its right end (another column).
        [Region.from_box(55, 220, 146, 302, level="line", text="H"), _line(300, 212, 500, 237, "arbour said"),
         _line(300, 245, 500, 271, "Tuesday that")],
    ],
)
def test_big_letters_that_are_no_drop_cap_are_left(regions: list[Region]) -> None:
    assert join_drop_caps(regions) == regions


def _ink_lines(gray: np.ndarray, x0: int) -> list[Region]:
    """Boxes of the rows of ink right of ``x0`` (a detector's lines, 3 px of margin), as line regions."""
    rows = np.flatnonzero((gray[:, x0:] < 128).any(axis=1))
    bands = np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)
    out = []
    for band in bands:
        cols = np.flatnonzero((gray[band[0] : band[-1] + 1, x0:] < 128).any(axis=0)) + x0
        out.append(_line(cols[0] - 3, band[0] - 3, cols[-1] + 3, band[-1] + 3, "x y"))
    return out


def test_a_drop_cap_no_region_holds_gets_one() -> None:
    pages = load_benchmark("drop_caps")
    gray, _, _ = pages.drop_cap_page(0)  # a 2-line cap on a one-column serif page
    _, _, stats, _ = cv2.connectedComponentsWithStats((gray < 128).astype(np.uint8), connectivity=8)
    x, y, w, h = stats[1 + int(np.argmax(stats[1:, cv2.CC_STAT_HEIGHT])), :4]  # the cap: the tallest glyph
    lines = [ln for ln in _ink_lines(gray, int(x + w)) if ln.bbox[1] < y + h]  # the lines beside it
    (cap,) = find_drop_caps(gray, lines)
    x0, y0, x1, y1 = cap.bbox
    assert x0 < x and x1 > x + w and y0 < y and y1 > y + h
    assert find_drop_caps(gray, [*lines, cap]) == []  # held now


@pytest.mark.parametrize("system", ["fast", "tlayout"])
def test_pages_with_drop_caps_read_whole(system: str, tmp_path: Path) -> None:
    """A 3-line cap on a one-column serif page and a 4-line cap on a sans one (``benchmarks/drop_caps.py``
    pages 2 and 4): every cap joined, every line kept."""
    pages = load_benchmark("drop_caps")
    spec = pages.SYSTEMS[system]
    config = dict(preset_config(spec["preset"]))
    config.update({k: v for k, v in spec.items() if k != "preset"})
    pipeline = Pipeline.from_dict(dict(config, output={"dir": str(tmp_path)}, renderers=[]))
    for seed in (2, 4):
        gray, truth, firsts = pages.drop_cap_page(seed)
        text = pipeline.run(np.stack([gray] * 3, axis=-1)).pages[0].text or ""
        joined, caps, kept, lines = pages.scores(truth, firsts, text)
        assert (joined, kept) == (caps, lines), text
