"""craft's look for lone thin glyphs in the page's ink (issue 24: a lone ``I`` right of its label dropped)."""

from __future__ import annotations

import numpy as np
from ocrplug_craft.detector import CraftOptions

from ocrplug.api import find_lone_glyphs


def _page() -> np.ndarray:
    page = np.full((200, 600), 255, np.uint8)
    page[40:64, 40:150] = 0  # a word found by the region score (its ink as a block)
    page[42:64, 400:404] = 0  # a lone I on its row, far right
    page[36:40, 520:524] = 0  # a lone i: its dot ...
    page[44:64, 520:524] = 0  # ... and its stem
    page[130:152, 400:404] = 0  # the same stroke on a row with no word: a speck, not text
    page[40:62, 300:304] = 0  # a stroke with other ink beside it: part of something else
    page[40:62, 308:330] = 0
    return page


WORD = np.array([[[36, 36], [154, 36], [154, 68], [36, 68]]], dtype=np.float64)


def _boxes(page: np.ndarray, words: np.ndarray = WORD) -> list[tuple[int, int, int, int]]:
    return sorted(tuple(round(float(v)) for v in (*b.min(axis=0), *b.max(axis=0))) for b in find_lone_glyphs(page, words))


def test_a_lone_stroke_on_a_word_row_is_found_with_its_dot() -> None:
    got = _boxes(_page())
    assert len(got) == 2, got
    (ix0, iy0, ix1, iy1), (jx0, jy0, jx1, jy1) = got
    assert ix0 <= 400 and ix1 >= 404 and iy0 <= 42 and iy1 >= 64  # the I, whole
    assert jx0 <= 520 <= jx1 and jy0 <= 36 and jy1 >= 64  # the i with its dot


def test_nothing_is_found_without_words_or_on_a_table_rule() -> None:
    assert _boxes(_page(), np.zeros((0, 4, 2))) == []  # a blank page has no row evidence
    page = np.full((200, 600), 255, np.uint8)
    page[40:64, 40:150] = 0
    page[20:180, 400:403] = 0  # a table's vertical rule crossing the row
    assert _boxes(page) == []


def test_the_look_is_off_by_default_and_on_in_the_accurate_preset() -> None:
    from ocrplug.presets import preset_config

    assert CraftOptions().lone_glyphs is False  # the official boxes (tests/craft/test_real_weights.py)
    assert CraftOptions(**preset_config("accurate")["detector"]["options"]).lone_glyphs is True


def test_a_lone_glyph_of_stacked_pieces_is_found_whole() -> None:
    # T5's labels_nimbusmono_200: "Rate: %" in URW Nimbus Mono at 200 dpi; the "%" is two 8 px rings and a
    # bar between them (three ink components). Each piece stood too close to the others to be a lone glyph,
    # so accurate (CRAFT) lost the answer.
    from PIL import Image, ImageDraw, ImageFont

    path = "/usr/share/fonts/opentype/urw-base35/NimbusMonoPS-Regular.otf"
    import pytest

    try:
        font = ImageFont.truetype(path, 33)
    except OSError:
        pytest.skip(f"{path} not installed (fonts-urw-base35)")
    img = Image.new("L", (1000, 120), 255)
    draw = ImageDraw.Draw(img)
    draw.text((20, 40), "Rate:", font=font, fill=0)
    draw.text((700, 40), "%", font=font, fill=0)
    gx0, gy0, gx1, gy1 = draw.textbbox((700, 40), "%", font=font)
    lx0, ly0, lx1, ly1 = draw.textbbox((20, 40), "Rate:", font=font)
    words = np.array([[[lx0, ly0 - 2], [lx1, ly0 - 2], [lx1, ly1 + 2], [lx0, ly1 + 2]]], dtype=np.float64)
    got = _boxes(np.asarray(img), words)
    assert len(got) == 1, got
    x0, y0, x1, y1 = got[0]
    assert x0 <= gx0 + 1 and x1 >= gx1 - 1 and y0 <= gy0 + 1 and y1 >= gy1 - 1  # all three pieces
