"""Issue 24 (r7): a fresh user's faults on generated pages (benchmarks/swift_lone.py's generators).

``swift`` dropped a one-digit answer ``7`` right of ``Quantity:`` (Comic Neue 8 pt, a letter page at 150
dpi): DB at swift's ``max_side`` 1024 sees the page at 0.62 of its size and its map gives the 13 px glyph
no probability (0.04 at most, 1.00 at 2000 px), so no recognizer ever saw it. ``db``'s ``lone_glyphs``
(on in swift) looks for it in the page's ink, as ``accurate``'s CRAFT does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ocrplug.model import PageImage
from ocrplug.presets import preset_config
from tests.conftest import load_benchmark

swift_lone = load_benchmark("swift_lone")

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
    # At max_side 1024 without the text-size floor (min_text_height 0: the page is seen at 0.62 of its
    # size, the 8 pt answers 8 px high), the lone-glyph look finds what the map misses.
    options = {**preset_config("swift")["detector"]["options"], "min_text_height": 0}
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


# An empty checkbox (issue 24, r7, fault 4): ``accurate`` read the drawn square of ``[ ] Yes`` as ``\u25a1``.

_FACES = ("dejavu/DejaVuSans.ttf", "dejavu/DejaVuSerif.ttf", "liberation/LiberationSans-Regular.ttf",
          "liberation/LiberationSerif-Regular.ttf", "liberation/LiberationMono-Regular.ttf", "freefont/FreeSerif.ttf")


def _glyph_mask(path: Path, px: int, char: str) -> np.ndarray:
    """The largest ink component of ``char`` drawn at ``px`` pixels, cut to its bounding box."""
    import cv2
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (3 * px, 3 * px), 255)
    ImageDraw.Draw(img).text((px, px // 2), char, font=ImageFont.truetype(str(path), px), fill=0)
    _, ink = cv2.threshold(np.asarray(img), 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    big = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h = (int(v) for v in stats[big, :4])
    return labels[y : y + h, x : x + w] == big


def test_a_drawn_square_is_a_box_frame_and_no_round_letter_is() -> None:
    from ocrplug.lone_glyphs import is_box_frame

    for side in (8, 12, 14, 16, 20, 24):
        for width in (1, 2):
            frame = np.zeros((side + 1, side + 1), bool)
            frame[:width], frame[-width:], frame[:, :width], frame[:, -width:] = True, True, True, True
            assert is_box_frame(frame), (side, width)
    fonts = Path("/usr/share/fonts/truetype")
    letters = [(f, px, c) for f in _FACES if (fonts / f).exists() for px in (12, 14, 16, 24, 40) for c in "OoD0QCGUBHNpq8#"]
    assert letters
    framed = [(f, px, c) for f, px, c in letters if is_box_frame(_glyph_mask(fonts / f, px, c))]
    assert not framed


# Words Tesseract joins (issue 24, s9): ``swift`` read ``Lot 4 D`` as ``Lot4D`` and ``A signed`` as
# ``Asigned`` (Noto Sans 10 pt at 300 dpi), its LSTM sure of them (word confidence over 0.85), so the
# cascade kept them. A line with a word holding the line's own word gap now goes to PP-OCR.


@pytest.mark.parametrize(
    ("pages", "name"),
    [
        # Read 'Form 7 Asigned' and 'Lot 12 C and Lot4D' before.
        ("spaces_pages", "spaces_notosans-regular_10pt_300dpi"),
        # Wide glyph gaps inside real words ('111', '1,299.00', 'rn', 'ff', a letter-spaced heading) send
        # a line to PP-OCR at most, which reads them whole (passed before too: no word may be split).
        ("words_pages", "words_notosans-regular_10pt_300dpi"),
    ],
)
def test_swift_reads_each_word_of_the_spaces_and_words_pages(pages: str, name: str) -> None:
    pytest.importorskip("tesserocr")
    from ocrplug.pipeline import Pipeline

    if not swift_lone.NOTO_SANS.exists():
        pytest.skip("fonts-noto-core is not installed")
    page = next(p for p in getattr(swift_lone, pages)() if p.name == name)
    pipe = Pipeline.from_preset("swift", ["renderers=[]"])
    read = [w.text for w in pipe.run(page.image).pages[0].words]
    assert read == [w.text for w in page.words]
