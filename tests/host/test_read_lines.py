"""Loose words are read as lines (layout.read_lines): grouping before recognition, words adopted after."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from ocrplug import Detector, Pipeline, Recognizer
from ocrplug.layout import LayoutOptions, adopt_words, lines_for_recognition
from ocrplug.model import PageImage, Region

# Two rows of loose words, and a second column far to the right (a gutter of 400 px).
WORDS = [
    Region.from_box(10, 10, 60, 30, level="word", score=0.9),
    Region.from_box(70, 10, 120, 30, level="word", score=0.8),
    Region.from_box(10, 50, 60, 70, level="word", score=0.9),
    Region.from_box(520, 10, 600, 30, level="word", score=0.7),
    Region.from_box(520, 50, 600, 70, level="word", score=0.7),
]


def _bbox(region: Region) -> tuple[float, float, float, float]:
    return tuple(round(v) for v in region.bbox)  # type: ignore[return-value]


def test_loose_words_become_lines_that_never_cross_a_gutter() -> None:
    lines = lines_for_recognition(WORDS, LayoutOptions())
    assert all(r.level == "line" and r.text is None and r.attributes.get("grouped") for r in lines)
    # Row 1 of the left column joins its two words; the right column's words stay apart from it.
    children = sorted(len(r.children) for r in lines)
    assert children == [1, 1, 1, 2]
    first = next(r for r in lines if len(r.children) == 2)
    x0, y0, x1, y1 = _bbox(first)
    # The line holds both words, lengthened at both ends (a trailing period outside the word boxes).
    assert x0 < 10 and x1 > 120 and (y0, y1) == (10, 30)
    assert x1 < 520


def test_lines_and_blocks_pass_through_and_read_lines_false_changes_nothing() -> None:
    line = Region.from_box(0, 100, 300, 120, level="line")
    assert lines_for_recognition([line], LayoutOptions()) == [line]
    assert lines_for_recognition(WORDS, LayoutOptions(read_lines=False)) == WORDS
    mixed = lines_for_recognition([line, *WORDS[:2]], LayoutOptions())
    assert mixed[0] == line and len(mixed) == 2 and len(mixed[1].children) == 2


def test_adopt_words_maps_tokens_or_drops_stale_children() -> None:
    grouped = lines_for_recognition(WORDS[:2], LayoutOptions())[0]
    # A recognizer that keeps the input children (no text) and fills only the line's text.
    read = grouped.with_(text="Invoice 2041", confidence=0.9)
    adopted = adopt_words(grouped, read)
    assert [w.text for w in adopted.children] == ["Invoice", "2041"]
    assert [_bbox(w) for w in adopted.children] == [_bbox(WORDS[0]), _bbox(WORDS[1])]
    # Token count differs from the detector's words: children dropped (the layout cuts words from the line).
    assert adopt_words(grouped, grouped.with_(text="Invoice2041")).children == ()
    # Word boxes from the recognizer itself are kept as they are.
    own = grouped.with_(text="a b", children=(Region.from_box(0, 0, 1, 1, level="word", text="a"),))
    assert adopt_words(grouped, own).children == own.children
    assert _bbox(adopt_words(grouped, own)) == (10, 10, 120, 30)


class _Words(Detector):
    def detect(self, page: PageImage) -> list[Region]:
        return list(WORDS)


class _Recording(Recognizer):
    """Reads every region as 'w<i>' per child word; records what it was given."""

    def __init__(self) -> None:
        self.calls: list[list[Region]] = []

    def recognize(self, page: PageImage, regions: Sequence[Region]) -> list[Region]:
        self.calls.append(list(regions))
        out = []
        for r in regions:
            n = max(len(r.children), 1)
            out.append(r.with_(text=" ".join(f"w{int(r.bbox[0])}_{k}" for k in range(n)), confidence=1.0))
        return out


@pytest.mark.parametrize("read_lines", [True, False])
def test_pipeline_reads_lines_of_a_word_detector(read_lines: bool) -> None:
    rec = _Recording()
    pipe = Pipeline(detector=_Words(), recognizer=rec, layout={"read_lines": read_lines}, input={"orientation": "none"})
    page = pipe.run(np.full((200, 700, 3), 255, np.uint8)).pages[0]
    given = rec.calls[0]
    if read_lines:
        assert len(given) == 4 and all(r.level == "line" for r in given)
    else:
        assert given == WORDS
    # Either way the page ends as blocks of lines of words with every detector word's box, and no
    # internal marker leaks into the result.
    assert sorted(_bbox(w) for w in page.words) == sorted(_bbox(w) for w in WORDS)
    assert all("grouped" not in ln.attributes for b in page.regions for ln in b.children)
    assert len(page.lines) == 4
