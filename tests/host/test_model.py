"""The page model: validation, tree navigation, lossless JSON round trip."""

from __future__ import annotations

import pickle

import pytest

from ocrplug import SCHEMA_VERSION, Document, Page, PageFailure, Region


def _doc() -> Document:
    w1 = Region(quad=((10.5, 10.25), (40, 10), (40, 20), (10, 20)), level="word", text="héllo", confidence=0.91234567891, score=0.5)
    w2 = Region.from_box(45, 10, 80, 20, level="word", text="世界", confidence=0.5, order=1)
    line = Region.from_box(10, 10, 80, 20, level="line", text="héllo 世界", children=(w1, w2), polygon=((10, 10), (80, 10), (80, 20), (10, 20)), attributes={"baseline": [0.0, -3.0]})
    page = Page(index=0, width=100, height=50, source="a.png", dpi=300.0, regions=(line,))
    return Document(source="a.png", pages=(page,), failures=(PageFailure("a.png", 1, "boom"),))


def test_json_round_trip_is_lossless() -> None:
    doc = _doc()
    text = doc.to_json()
    back = Document.from_json(text)
    assert back == doc
    assert back.to_json() == text
    assert f'"schema_version": "{SCHEMA_VERSION}"' in text


def test_unknown_schema_major_version_is_refused() -> None:
    data = _doc().to_dict()
    data["schema_version"] = "9.0"
    with pytest.raises(ValueError, match="schema_version"):
        Document.from_dict(data)


def test_line_reaches_its_words_and_page_text() -> None:
    page = _doc().pages[0]
    assert [w.text for w in page.lines[0].words] == ["héllo", "世界"]
    assert [w.text for w in page.words] == ["héllo", "世界"]
    parents = {r.text: p for r, p in page.walk()}
    assert parents["世界"] is page.lines[0]
    assert page.text == "héllo 世界"


@pytest.mark.parametrize("bad", [{"score": 1.5}, {"confidence": -0.1}, {"level": "paragraph"}])
def test_region_validation(bad: dict) -> None:
    with pytest.raises(ValueError):
        Region(quad=((0, 0), (1, 0), (1, 1), (0, 1)), **bad)


def test_region_needs_four_corners() -> None:
    with pytest.raises(ValueError, match="4 points"):
        Region(quad=((0, 0), (1, 0), (1, 1)))  # type: ignore[arg-type]


def test_results_are_picklable() -> None:
    doc = _doc()
    assert pickle.loads(pickle.dumps(doc)) == doc
