"""A line cut around check-box-like glyphs whose pieces all read empty keeps its place (T15, session 15).

T15's dot-matrix printout (``fast``): ``place_checkboxes`` joined a line's pieces, none of which held a
word, and ``_union_quad([])`` raised ``ValueError: need at least one array to concatenate``: the whole
page failed. The joined line now takes its pieces' outline.
"""

from __future__ import annotations

import numpy as np

from ocrplug.checkboxes import _joined
from ocrplug.model import Region


def test_pieces_without_words_join_into_their_outline() -> None:
    left = Region.from_box(10, 10, 60, 30, level="line")
    right = Region.from_box(70, 12, 120, 31, level="line")
    out = _joined([left, right], np.eye(2), left)
    assert out.text is None and out.children == ()
    xs = [x for x, _ in out.quad]
    ys = [y for _, y in out.quad]
    assert (min(xs), min(ys), max(xs), max(ys)) == (10, 10, 120, 31)
