"""The confidence cascade: which lines go to the second reader, what is kept, and bad configs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ocrplug.cascade import CascadeOptions, CascadeRecognizer
from ocrplug.errors import ConfigError
from ocrplug.model import PageImage, Region

from .conftest import draw_line, font_path

pytest.importorskip("tesserocr")


def _page() -> tuple[PageImage, list[Region]]:
    """A white page with a clean printed line and a blank strip (read as nothing by both readers)."""
    line = draw_line("Invoice number 4711", height=32)
    h, w = line.shape[:2]
    canvas = np.full((h + 80, w + 40, 3), 255, np.uint8)
    canvas[10 : 10 + h, 20 : 20 + w] = line
    regions = [
        Region.from_box(20, 10, 20 + w, 10 + h, level="line"),
        Region.from_box(20, h + 30, 20 + w, h + 70, level="line"),
    ]
    return PageImage(canvas, 0, "cascade-test"), regions


@pytest.fixture(scope="module")
def built() -> dict[float, CascadeRecognizer]:
    return {t: CascadeRecognizer(CascadeOptions(threshold=t)) for t in (0.0, 1.0)}


def test_threshold_zero_keeps_every_confident_first_reading(built) -> None:
    page, regions = _page()
    out = built[0.0].recognize(page, regions)
    assert len(out) == 2
    assert out[0].attributes["reader"] == "tesseract" and "first_confidence" not in out[0].attributes
    assert "4711" in out[0].text
    # A line the first reader reads as nothing always goes to the second (which reads nothing too).
    assert out[1].text == "" and "first_confidence" in out[1].attributes


def test_threshold_one_sends_every_line_to_the_second_reader(built) -> None:
    page, regions = _page()
    out = built[1.0].recognize(page, regions)
    assert out[0].attributes["reader"] == "ppocr"
    assert out[0].attributes["first_confidence"] < 1.0
    assert "Invoice" in out[0].text and "4711" in out[0].text


def test_the_reader_is_written_per_line_in_the_json(tmp_path: Path) -> None:
    import json

    import cv2

    from ocrplug.cli import main

    page, _ = _page()
    image = tmp_path / "line.png"
    cv2.imwrite(str(image), page.image[:, :, ::-1])
    out = tmp_path / "out"
    args = ["run", "--no-progress", "-o", str(out), str(image), "--set", "recognizer.name=cascade",
            "--set", "recognizer.options.threshold=1.0", "--set", "input.orientation=none"]
    assert main(args) == 0
    data = json.loads((out / "line.json").read_text(encoding="utf-8"))
    readers = []

    def walk(node: dict) -> None:
        if node.get("level") == "line":
            readers.append(node.get("attributes", {}).get("reader"))
        for child in node.get("children", []):
            walk(child)

    for p in data["pages"]:
        for region in p["regions"]:
            walk(region)
    assert readers and set(readers) == {"ppocr"}


def test_unknown_reader_and_bad_options_name_the_key() -> None:
    with pytest.raises(ConfigError, match=r"recognizer\.options\.second") as caught:
        CascadeRecognizer(CascadeOptions(second="no-such-reader"))
    # the readers it could be: not the cascade itself (a reader cannot be a cascade)
    available = str(caught.value).split("(available: ")[1]
    assert "tesseract" in available and "cascade" not in available
    with pytest.raises(ConfigError, match=r"recognizer\.options\.first\.options"):
        CascadeRecognizer(CascadeOptions(first={"name": "tesseract", "options": {"psm": 99}}))


def test_an_option_only_the_readers_factory_judges_names_the_reader_key() -> None:
    # A Tesseract `lang` that is not installed passes the options model and is refused when the reader is
    # built: the message named only "tesseract option 'lang'", not which reader of the cascade.
    with pytest.raises(ConfigError, match=r"^recognizer\.options\.first \(tesseract\): .*'xx'"):
        CascadeRecognizer(CascadeOptions(first={"name": "tesseract", "options": {"lang": "xx"}}))


@pytest.mark.parametrize("value", [5, None, ["tesseract"]])
def test_a_reader_that_is_neither_a_name_nor_a_mapping_says_what_is_needed(value) -> None:
    # It said "Input should be a valid dictionary or instance of ReaderChoice" (an internal class name).
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"recognizer name .* or a mapping \{name: \.\.\., options"):
        CascadeOptions(first=value)


def test_a_cascade_cannot_nest_a_cascade_and_threshold_is_bounded() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="another cascade"):
        CascadeOptions(first="cascade")
    with pytest.raises(ValidationError):
        CascadeOptions(threshold=1.5)


def test_lowest_word_compares_the_least_sure_word() -> None:
    from ocrplug.cascade import first_confidence

    words = tuple(
        Region.from_box(10 * k, 0, 10 * k + 8, 10, level="word", text=t, confidence=c)
        for k, (t, c) in enumerate([("Total", 0.96), ("4S.90", 0.41), ("EUR", 0.93)])
    )
    line = Region.from_box(0, 0, 30, 10, level="line", text="Total 4S.90 EUR", confidence=0.77, children=words)
    assert first_confidence(line, "region") == pytest.approx(0.77)
    assert first_confidence(line, "lowest_word") == pytest.approx(0.41)
    # A region without words (or with empty ones only) is judged by its own confidence.
    bare = line.with_(children=(words[0].with_(text=" ", confidence=0.1),))
    assert first_confidence(bare, "lowest_word") == pytest.approx(0.77)


def test_lowest_word_sends_a_line_the_region_confidence_keeps() -> None:
    page, regions = _page()
    probe = CascadeRecognizer(CascadeOptions(threshold=0.0)).recognize(page, regions[:1])[0]
    words = [w.confidence for w in probe.children]
    assert len(words) == 3 and min(words) < probe.confidence  # Tesseract is surer of some words than others
    between = (min(words) + probe.confidence) / 2
    by_region = CascadeRecognizer(CascadeOptions(threshold=between)).recognize(page, regions[:1])[0]
    by_word = CascadeRecognizer(CascadeOptions(threshold=between, confidence="lowest_word")).recognize(page, regions[:1])[0]
    assert by_region.attributes["reader"] == "tesseract"
    assert by_word.attributes["reader"] == "ppocr"
    assert by_word.attributes["first_confidence"] == pytest.approx(min(words), abs=1e-4)


def test_an_unknown_confidence_mode_is_refused_naming_the_option() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="confidence"):
        CascadeOptions(confidence="mean_word")


# Words the first reader joins (issue 24, s9): Tesseract's LSTM reads ``Lot 4 D`` as ``Lot 4D``, ``A signed``
# as ``Asigned``, sure of them (word confidence over 0.9), so the confidence never sent the line on.


def _drawn_line(words: list[str], px: int = 24) -> tuple[PageImage, list[tuple[int, int, int, int]]]:
    """A page with ``words`` drawn on one line with the font's own spaces; each word's ink box."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_path(), px)
    img = Image.new("RGB", (40 + len(" ".join(words)) * px, 3 * px), "white")
    draw = ImageDraw.Draw(img)
    x, boxes, space = 20.0, [], draw.textlength(" ", font=font)
    for text in words:
        draw.text((x, px), text, font=font, fill="black")
        boxes.append(draw.textbbox((x, px), text, font=font))
        x += draw.textlength(text, font=font) + space
    return PageImage(np.asarray(img), 0, "joined"), boxes


def _line(boxes: list[tuple[int, int, int, int]], texts: list[str], confidence: float = 0.95) -> Region:
    words = tuple(
        Region.from_box(*b, level="word", text=t, confidence=confidence, order=k)
        for k, (b, t) in enumerate(zip(boxes, texts, strict=True))
    )
    box = (min(b[0] for b in boxes) - 4, min(b[1] for b in boxes) - 4, max(b[2] for b in boxes) + 4, max(b[3] for b in boxes) + 4)
    return Region.from_box(*box, level="line", text=" ".join(texts), confidence=confidence, children=words)


def _joined(boxes: list, texts: list[str], k: int) -> tuple[list, list[str]]:
    """Words ``k`` and ``k + 1`` read as one word (one box over both)."""
    a, b = boxes[k], boxes[k + 1]
    box = (a[0], min(a[1], b[1]), b[2], max(a[3], b[3]))
    return [*boxes[:k], box, *boxes[k + 2:]], [*texts[:k], texts[k] + texts[k + 1], *texts[k + 2:]]


def test_a_word_holding_a_word_gap_is_measured_against_the_lines_own_gaps() -> None:
    from ocrplug.cascade import GAP_SHARE, joined_gap

    texts = ["Lot", "12", "C", "and", "Lot", "4", "D"]
    page, boxes = _drawn_line(texts)
    assert joined_gap(page, _line(boxes, texts)) < GAP_SHARE  # read right: glyph gaps only
    for k in (2, 5):  # "Cand", "4D"
        assert joined_gap(page, _line(*_joined(boxes, texts, k))) >= GAP_SHARE
    # A line read as one word, or a word region, gives nothing to compare with.
    one = _line([(boxes[0][0], boxes[0][1], boxes[-1][2], boxes[-1][3])], ["Lot12CandLot4D"])
    assert joined_gap(page, one) == 0.0
    assert joined_gap(page, _line(boxes, texts).with_(level="word")) == 0.0


def test_real_words_with_wide_glyph_gaps_stay_under_the_share() -> None:
    from ocrplug.cascade import GAP_SHARE, joined_gap

    texts = ["Modern", "burn", "offer", "affirms", "$1,299.00", "for", "12.5", "kg"]
    page, boxes = _drawn_line(texts)
    assert joined_gap(page, _line(boxes, texts)) < GAP_SHARE


class _Reads:
    """A stand-in reader: returns fixed readings (the cascade's wiring, whatever Tesseract's version reads)."""

    def __init__(self, make) -> None:
        self.make = make
        self.calls = 0

    def recognize(self, page, regions):
        self.calls += 1
        return [self.make(r) for r in regions]


def test_a_sure_line_with_a_joined_word_goes_to_the_second_reader_unless_gap_share_is_0() -> None:
    texts = ["Lot", "12", "C", "and", "Lot", "4", "D"]
    page, boxes = _drawn_line(texts)
    joined = _line(*_joined(boxes, texts, 5), confidence=0.96)  # "Lot 12 C and Lot 4D", sure
    for share, reader in ((CascadeOptions().gap_share, "ppocr"), (0.0, "tesseract")):
        cascade = CascadeRecognizer(CascadeOptions(threshold=0.75, confidence="lowest_word", gap_share=share))
        cascade.first = _Reads(lambda r: joined)
        cascade.second = _Reads(lambda r: _line(boxes, texts))
        out = cascade.recognize(page, [joined.with_(text=None, children=())])[0]
        assert out.attributes["reader"] == reader
        assert out.text == ("Lot 12 C and Lot 4 D" if reader == "ppocr" else "Lot 12 C and Lot 4D")


# Marks the first reader does not write (issue 24, R15): Tesseract's ``eng`` model writes ``Tomas`` for
# ``Tomás``, ``fraiche`` for ``fraîche``, ``Umit`` for ``Ümit``, sure of each (word confidence 0.92-0.97).


@pytest.mark.parametrize(
    ("drawn", "stripped"),
    [("Tomás Ruiz sent the slides", "Tomas Ruiz sent the slides"), ("la crème fraîche", "la creme fraiche"),
     ("Ümit wohnt in Köln", "Umit wohnt in Koln")],
)
def test_marks_above_the_x_height_the_reading_lacks_are_counted(drawn: str, stripped: str) -> None:
    from ocrplug.cascade import unwritten_marks

    page, boxes = _drawn_line(drawn.split(), px=32)
    assert unwritten_marks(page, _line(boxes, stripped.split())) > 0
    assert unwritten_marks(page, _line(boxes, drawn.split())) == 0  # read right: every mark written


def test_dots_quotes_and_capitals_of_plain_text_are_no_unwritten_marks() -> None:
    from ocrplug.cascade import unwritten_marks

    for text in ("It's jelly in July", "Invoice 2041: 15% off", 'Main St. "Quoted" item'):
        page, boxes = _drawn_line(text.split(), px=32)
        assert unwritten_marks(page, _line(boxes, text.split())) == 0, text


def test_a_confident_line_with_an_unwritten_accent_goes_to_the_second_reader() -> None:
    words = ["Tomás", "Ruiz", "sent", "the", "slides"]
    page, boxes = _drawn_line(words, px=32)
    line = _line(boxes, words).with_(text="", children=())
    options = {"threshold": 0.75, "confidence": "lowest_word"}  # the swift preset's
    off = CascadeRecognizer(CascadeOptions(**options, marks=False)).recognize(page, [line])[0]
    assert off.attributes["reader"] == "tesseract" and "Tomas" in off.text  # the fault: sure of it
    on = CascadeRecognizer(CascadeOptions(**options)).recognize(page, [line])[0]
    assert on.attributes["reader"] == "ppocr" and "Tomás" in on.text


@pytest.mark.parametrize(
    ("text", "unsure"),
    [("• 1% lb cooking apples", True), ("• 1 Y% cups plain flour", True), ("• ¥2 tsp ground cinnamon", True),
     ("Add ¥2 Tsp.", False), ("Save 15% off", False), ("2% milk, 1 cup", False), ("¥200 each", False),
     ("Total Fat 8g 10%", False), ("rose 5% in May", False), ("Slice ¥ inch thick", True)],
)
def test_a_share_or_yen_sign_before_a_measure_is_a_garbled_fraction(text: str, unsure: bool) -> None:
    """Tesseract's ``eng`` reads ``1½ lb`` as ``1% lb``, sure of it (issue 24, H16: T15's recipe)."""
    from ocrplug.cascade import unsure_by_kind

    assert unsure_by_kind(text) is unsure
