"""craft's short-word rule (``short_words``, issue 24, T9 fault 2): small components join the kept word on
their row; no box is added, so the layout's lines, columns and reading order see the official words."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from ocrplug_craft.backends import Maps
from ocrplug_craft.detector import CraftDetector, CraftOptions
from ocrplug_craft.postprocess import get_det_boxes

from ocrplug.api import PageImage


def _maps() -> tuple[np.ndarray, np.ndarray]:
    """A region map (heatmap pixels) with a kept word, 20 x 6 px at 0.95, and three small blobs of 3 x 3 px
    (area 9, under the official floor of 10), each at 0.9: one on the word's row two of its heights right of
    it (an ``or``), one on no word's row (a speck), one on the row but seven of the word's heights away."""
    text = np.zeros((80, 120), np.float32)
    text[20:26, 10:30] = 0.95  # the kept word
    text[21:24, 40:43] = 0.9  # a short word on its row
    text[60:63, 40:43] = 0.9  # a blob on no word's row
    text[21:24, 72:75] = 0.9  # too far along the row
    return text, np.zeros_like(text)


def _boxes(text: np.ndarray, link: np.ndarray, short_words: bool) -> list[tuple[int, int, int, int]]:
    det = get_det_boxes(text, link, 0.7, 0.4, 0.4, short_words=short_words)
    return sorted(tuple(int(v) for v in (*b.min(axis=0), *b.max(axis=0))) for b in det.boxes)


def test_official_output_drops_components_under_ten_pixels() -> None:
    assert _boxes(*_maps(), short_words=False) == [(8, 18, 31, 27)]


def test_a_short_word_on_a_kept_words_row_joins_that_word() -> None:
    got = _boxes(*_maps(), short_words=True)
    assert len(got) == 1, got  # no box of its own: the word's box now holds it
    x0, y0, x1, y1 = got[0]
    assert (x0, y0, y1) == (8, 18, 27) and x1 >= 42, got  # the word, grown over the short word, not past it
    assert x1 < 72


def test_a_short_word_between_two_words_adds_no_box_and_joins_the_nearer() -> None:
    text = np.zeros((40, 120), np.float32)
    text[10:16, 10:30] = 0.95
    text[10:16, 60:80] = 0.95
    text[11:14, 45:48] = 0.9  # 12 px (2 heights) from the right word, 15 px (2.5 heights) from the left one
    link = np.zeros_like(text)
    official = _boxes(text, link, short_words=False)
    got = _boxes(text, link, short_words=True)
    assert len(got) == len(official) == 2
    assert got[0] == official[0]  # the far word is the official box
    assert got[1][0] <= 45 and got[1][2:] == official[1][2:]  # the near one grew leftwards over it


def test_a_mark_joins_only_within_half_a_height() -> None:
    """A dash (7 x 3 px, flat, faint) two heights from a word stays out, where a glyph would join (``Written
    by -- John``); a full stop (2 x 2 px) at a word's foot, a pixel away, joins it (``No.``)."""
    text = np.zeros((60, 120), np.float32)
    text[10:16, 10:30] = 0.95
    text[11:14, 42:49] = 0.6  # a dash 12 px (2 heights) right of the word
    text[35:40, 10:30] = 0.95
    text[38:40, 31:33] = 0.9  # a full stop at the second word's foot
    link = np.zeros_like(text)
    got = _boxes(text, link, short_words=True)
    official = _boxes(text, link, short_words=False)
    assert got[0] == official[0]  # the dash did not join
    assert got[1][2] > official[1][2]  # the full stop did


def test_nothing_joins_without_a_kept_word() -> None:
    text, link = _maps()
    text[20:26, 10:30] = 0
    assert len(get_det_boxes(text, link, 0.7, 0.4, 0.4, short_words=True)) == 0


class _Backend:
    """Returns one fixed pair of maps (the short word of :func:`_maps`, placed on the canvas' heatmap)."""

    has_refiner = False

    def run(self, batch: np.ndarray) -> Maps:
        n, _, h, w = batch.shape
        text = np.zeros((n, h // 2, w // 2), np.float32)
        text[:, 100:106, 100:120] = 0.95
        text[:, 101:104, 130:133] = 0.9
        return Maps(score_text=text, score_link=np.zeros_like(text), refined_link=None)


def _page(photo: bool) -> PageImage:
    rng = np.random.default_rng(3)
    if photo:  # a scene: a ground of every grey level
        image = rng.integers(0, 256, (600, 800, 3), dtype=np.uint8)
    else:  # print on paper: a white page with a few dark bars
        image = np.full((600, 800, 3), 250, np.uint8)
        image[60:70, 60:400] = 20
        image[100:110, 60:300] = 20
    return PageImage(image=image, index=0, source="test")


@pytest.mark.parametrize(("photo", "grown"), [(False, True), (True, False)])
def test_short_words_are_looked_for_on_text_on_paper_only(photo: bool, grown: bool) -> None:
    page = _page(photo)
    widths = {}
    for on in (False, True):
        (word,) = CraftDetector(CraftOptions(short_words=on), _Backend()).detect(page)
        xs = [p[0] for p in word.quad]
        widths[on] = max(xs) - min(xs)
    assert (widths[True] > widths[False]) is grown, widths


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from tests.conftest import load_benchmark

    bench = load_benchmark("short_marks")
    if not Path(load_benchmark("drawn_pages").FONTS["libserif"]).exists():
        pytest.skip("fonts-liberation is not installed")
    return bench.write_pages(tmp_path_factory.mktemp("short_marks"))


def test_accurate_reads_short_words_of_small_print_on_an_a4_page(pages: dict, tmp_path) -> None:
    from ocrplug import Pipeline
    from ocrplug.presets import preset_config

    pipe = Pipeline.from_dict(dict(preset_config("accurate"), renderers=[], output={"dir": str(tmp_path)}))
    terms = pipe.run(pages["terms"][0]).pages[0]
    assert "The fee is 15 pounds, or 5 pounds for members." in terms.text
    amounts = [w.text for w in pipe.run(pages["amounts"][0]).pages[0].words]
    assert {"1,939.20", "4,120.55", "2,500.00", "3,204.10"} <= set(amounts), amounts
