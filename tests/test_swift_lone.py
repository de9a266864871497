"""Issue 24 (r7): a fresh user's faults on generated pages (benchmarks/swift_lone.py's generators).

``swift`` dropped a one-digit answer ``7`` right of ``Quantity:`` (Comic Neue 8 pt, a letter page at 150
dpi): DB at swift's ``max_side`` 1024 sees the page at 0.62 of its size and its map gives the 13 px glyph
no probability (0.04 at most, 1.00 at 2000 px), so no recognizer ever saw it. ``db``'s ``lone_glyphs``
(on in swift) looks for it in the page's ink, as ``accurate``'s CRAFT does.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from ocrplug.model import PageImage
from ocrplug.presets import preset_config

_SPEC = importlib.util.spec_from_file_location(
    "swift_lone", Path(__file__).resolve().parents[1] / "benchmarks" / "swift_lone.py"
)
assert _SPEC is not None and _SPEC.loader is not None
swift_lone = importlib.util.module_from_spec(_SPEC)
sys.modules["swift_lone"] = swift_lone
_SPEC.loader.exec_module(swift_lone)

if not swift_lone.COMIC.exists():
    pytest.skip("fonts-comic-neue is not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def lone_page() -> object:
    """Comic Neue Light: rows at 8-14 pt, the 8 pt ``7`` and ``1`` missed by DB's map at max_side 1024."""
    return next(p for p in swift_lone.lone_pages() if "light" in p.name)


def _hits(regions: list, box: tuple[int, int, int, int]) -> list:
    left, top, right, bottom = box
    return [r for r in regions if r.bbox[0] < right and r.bbox[2] > left and r.bbox[1] < bottom and r.bbox[3] > top]


def test_db_at_swift_size_finds_a_lone_digit_its_map_misses(lone_page: object) -> None:
    pytest.importorskip("onnxruntime")
    from ocrplug_db.detector import DbDetector, DbOptions

    page = PageImage(image=lone_page.image, index=0, source="lone")
    small = [a for a in lone_page.lone if a.box[3] - a.box[1] < 16]  # the 8 pt answers
    assert small
    options = preset_config("swift")["detector"]["options"]
    without = DbDetector(DbOptions(**{**options, "lone_glyphs": False})).detect(page)
    assert any(not _hits(without, a.box) for a in small)  # the map alone misses them
    regions = DbDetector(DbOptions(**options)).detect(page)
    assert all(_hits(regions, a.box) for a in lone_page.lone), [a.text for a in lone_page.lone if not _hits(regions, a.box)]
    assert len(regions) == len(without) + sum(not _hits(without, a.box) for a in lone_page.lone)  # nothing else added


def test_swift_reads_every_lone_answer(lone_page: object) -> None:
    pytest.importorskip("tesserocr")
    from ocrplug.pipeline import Pipeline

    pipe = Pipeline.from_preset("swift", ["renderers=[]"])
    words = [(w.text or "", w.bbox) for w in pipe.run(lone_page.image).pages[0].words]
    read = swift_lone.lone_reads(lone_page, words)
    assert read == [a.text for a in lone_page.lone]


def test_lone_glyphs_is_off_by_default_and_on_in_swift() -> None:
    pytest.importorskip("onnxruntime")
    from ocrplug_db.detector import DbOptions

    assert DbOptions().lone_glyphs is False
    assert DbOptions(**preset_config("swift")["detector"]["options"]).lone_glyphs is True


def test_the_generators_are_deterministic() -> None:
    a, b = swift_lone.lone_pages(), swift_lone.lone_pages()
    assert all(np.array_equal(x.image, y.image) for x, y in zip(a, b, strict=True))
