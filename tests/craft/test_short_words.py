"""craft's short-word rule (``short_words``, issue 24, T9 fault 2): small components on a kept word's row."""

from __future__ import annotations

import numpy as np
import pytest
from ocrplug_craft.postprocess import get_det_boxes


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


def _boxes(short_words: bool) -> list[tuple[int, int, int, int]]:
    det = get_det_boxes(*_maps(), 0.7, 0.4, 0.4, short_words=short_words)
    return sorted(tuple(int(v) for v in (*b.min(axis=0), *b.max(axis=0))) for b in det.boxes)


def test_official_output_drops_components_under_ten_pixels() -> None:
    assert len(_boxes(False)) == 1


def test_a_short_word_on_a_kept_words_row_is_kept() -> None:
    got = _boxes(True)
    assert len(got) == 2, got
    x0, y0, x1, y1 = got[1]
    assert x0 <= 40 and x1 >= 42 and y0 <= 21 and y1 >= 23  # the blob right of the word, whole


def test_nothing_is_kept_without_a_kept_word() -> None:
    text, link = _maps()
    text[20:26, 10:30] = 0
    assert len(get_det_boxes(text, link, 0.7, 0.4, 0.4, short_words=True)) == 0


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from tests.conftest import load_benchmark

    bench = load_benchmark("short_marks")
    if not bench.FONT.exists():
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
