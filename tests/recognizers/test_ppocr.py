"""The ppocr recognizer: CTC decoding, and the PP-OCR model shipped in rapidocr on drawn text."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from ocrplug.errors import ConfigError, WeightsError
from ocrplug.geometry import order_quad
from ocrplug.model import PageImage, Region

from .conftest import draw_line, paste_rotated


def _onehot(seq: list[int], classes: int = 5, p: float = 0.9) -> np.ndarray:
    probs = np.full((len(seq), classes), (1 - p) / (classes - 1), np.float32)
    probs[np.arange(len(seq)), seq] = p
    return probs


def test_ctc_greedy_collapses_repeats_and_drops_blanks():
    from ocrplug_ppocr.recognizer import ctc_greedy

    table = ["", "a", "b", "c", " "]
    probs = np.stack([_onehot([1, 1, 0, 1, 2, 2, 4, 3, 0]), _onehot([0, 0, 3, 3, 3, 0, 0, 0, 0])])
    first, second = ctc_greedy(probs, table)
    assert first.text == "aab c" and first.steps == (0, 3, 4, 6, 7)
    assert second.text == "c" and abs(second.confidence - 0.9) < 1e-6
    (cut,) = ctc_greedy(probs[:1], table, lengths=[4])
    assert cut.text == "aa"
    (empty,) = ctc_greedy(_onehot([0, 0, 0])[None], table)
    assert empty.text == "" and empty.confidence == 0.0


def test_dictionary_must_match_the_model(tmp_path):
    from ocrplug_ppocr.recognizer import load_characters

    assert load_characters({"character": "a\nb"}, None, 4) == ["", "a", "b", " "]
    with pytest.raises(WeightsError, match="outputs 5 classes"):
        load_characters({"character": "a\nb"}, None, 5)
    path = tmp_path / "dict.txt"
    path.write_text("x\ny\nz\n", encoding="utf-8")
    assert load_characters({}, str(path), 5)[1:4] == ["x", "y", "z"]
    with pytest.raises(WeightsError, match="dict_path"):
        load_characters({}, None, 5)


@pytest.fixture(scope="module")
def ppocr():
    pytest.importorskip("onnxruntime")
    pytest.importorskip("rapidocr")
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer

    return PPOCRRecognizer(PPOCRRecognizerOptions(threads=1))


def _page(canvas: np.ndarray) -> PageImage:
    return PageImage(image=canvas, index=0, source="synthetic")


def test_reads_lines_and_words_with_boxes(ppocr):
    canvas = np.full((260, 700, 3), 255, np.uint8)
    texts = ["Invoice total 42.50", "shipped to Berlin"]
    quads = [paste_rotated(canvas, draw_line(t), (350, 70 + 110 * k), 0) for k, t in enumerate(texts)]
    word = paste_rotated(canvas, draw_line("Hello", 20), (600, 220), 0)
    regions = [Region(quad=q, level="line") for q in quads] + [Region(quad=word, level="word")]
    out = ppocr.recognize(_page(canvas), regions)
    assert [r.text for r in out] == [*texts, "Hello"]
    assert all(0.8 < r.confidence <= 1 for r in out)
    first = out[0]
    assert [w.text for w in first.children] == ["Invoice", "total", "42.50"]
    lefts = [w.bbox[0] for w in first.children]
    assert lefts == sorted(lefts)
    x0, x1 = quads[0][:, 0].min(), quads[0][:, 0].max()
    assert all(x0 - 5 <= w.bbox[0] < w.bbox[2] <= x1 + 5 for w in first.children)
    assert out[2].children == ()


def test_batch_size_does_not_change_results(ppocr):
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer

    canvas = np.full((60 * 6, 900, 3), 255, np.uint8)
    texts = ["a", "two words", "a somewhat longer line of text", "short", "mid length line", "x y z"]
    regions = [
        Region(quad=paste_rotated(canvas, draw_line(t, 24), (450, 30 + 60 * k), 0), level="line")
        for k, t in enumerate(texts)
    ]
    one = PPOCRRecognizer(PPOCRRecognizerOptions(threads=1, batch_size=1)).recognize(_page(canvas), regions)
    many = PPOCRRecognizer(PPOCRRecognizerOptions(threads=1, batch_size=8)).recognize(_page(canvas), regions)
    # Padding inside a batch can shift a borderline space (the model mixes context across the line),
    # so compare readings loosely: nearly all identical, and right either way.
    assert sum(a.text == b.text for a, b in zip(one, many, strict=True)) >= 5
    for result in (one, many):
        assert sum(r.text == t for r, t in zip(result, texts, strict=True)) >= 5


def test_vertical_line_is_turned_and_blank_reads_empty(ppocr):
    canvas = np.full((600, 300, 3), 255, np.uint8)
    corners = paste_rotated(canvas, draw_line("Vertical text"), (150, 300), 90)
    blank = Region.from_box(5, 5, 120, 40, level="line")
    out = ppocr.recognize(_page(canvas), [Region(quad=order_quad(corners), level="line"), blank])
    assert out[0].text == "Vertical text" and out[0].attributes["rotation"] in (90, 270)
    assert (out[1].text, out[1].confidence) == ("", 0.0)


def test_missing_model_file_is_a_config_error(tmp_path):
    pytest.importorskip("onnxruntime")
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer

    with pytest.raises(ConfigError, match="ppocr option 'model'"):
        PPOCRRecognizer(PPOCRRecognizerOptions(model=str(tmp_path / "nope.onnx")))


def test_ctc_greedy_reports_the_space_class_between_characters():
    from ocrplug_ppocr.recognizer import ctc_greedy

    table = ["", "a", "b", "c", " "]
    probs = _onehot([1, 0, 0, 2, 0, 3])
    probs[1] = [0.6, 0.05, 0.0, 0.05, 0.3]  # blank wins, but the model hints at a space
    (res,) = ctc_greedy(probs[None], table)
    assert res.text == "abc"
    assert res.space_before[0] == 0.0 and res.space_before[1] == pytest.approx(0.3)
    assert res.space_before[2] < 0.1


@pytest.mark.parametrize("width", [10, 400, 401, 4700, 12345])
def test_chunk_spans_cover_the_crop_once_and_overlap(width):
    from ocrplug_ppocr.recognizer import chunk_spans

    spans = chunk_spans(width, 28, 40.0)
    assert spans[0][0] == 0 and spans[-1][1] == width
    # The cores tile [0, width) exactly: every character is kept from exactly one chunk.
    assert spans[0][2] == 0 and spans[-1][3] == width
    for (_, e0, _, k1), (s1, _, k0, _) in itertools.pairwise(spans):
        assert k1 == k0 and s1 < e0 and e0 - s1 >= 2 * 28 and s1 + 28 <= k0 <= e0 - 28
    assert all(e - s <= 40 * 28 for s, e, *_ in spans)


def test_a_line_far_wider_than_max_ratio_is_read_whole(ppocr):
    text = " ".join(["Invoice 4711 ACME Ltd total 345.67 EUR due 2026-12-31 ref 815 item widget blue crate"] * 3)
    strip = draw_line(text, 24)
    h, w = strip.shape[:2]
    assert w / h > 1.5 * ppocr.options.max_ratio  # two chunks at least
    canvas = np.full((h + 20, w + 20, 3), 255, np.uint8)
    canvas[10 : 10 + h, 10 : 10 + w] = strip
    (out,) = ppocr.recognize(_page(canvas), [Region.from_box(10, 10, 10 + w, 10 + h, level="line")])
    assert out.text == text
    assert [x.text for x in out.children] == text.split()


def test_shared_wide_line_case_reads_with_default_options(ppocr):
    from PIL import Image

    from ocrplug.evaluation.metrics import char_error_rate

    from ..conftest import shared_path

    path = shared_path("cases", "wide_line.png")
    expected = (path.parent / "wide_line.expected.txt").read_text(encoding="utf-8").strip()
    image = np.asarray(Image.open(path).convert("RGB"))
    (out,) = ppocr.recognize(_page(image), [Region.from_box(0, 0, image.shape[1], image.shape[0], level="line")])
    assert char_error_rate(out.text, expected) <= 0.02


def test_no_space_is_inserted_inside_a_number():
    from ocrplug_ppocr.recognizer import _in_number

    assert [k for k in range(len("1.32 x")) if _in_number("1.32 x", k)] == [2, 3]
    assert not _in_number("total318", 5) and not _in_number("a.b", 2)


def test_threads_zero_takes_the_workers_share(monkeypatch):
    # Inside a --jobs / OCRmyPDF worker the host sets the worker's share of the cores; ppocr's default
    # (threads 0) must take it, not every core (two workers with all cores each oversubscribe the CPU).
    pytest.importorskip("onnxruntime")
    pytest.importorskip("rapidocr")
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer

    from ocrplug.threads import WORKER_THREADS_ENV

    monkeypatch.setenv(WORKER_THREADS_ENV, "1")
    rec = PPOCRRecognizer(PPOCRRecognizerOptions())
    assert rec.session.get_session_options().intra_op_num_threads == 1
    rec = PPOCRRecognizer(PPOCRRecognizerOptions(threads=2))
    assert rec.session.get_session_options().intra_op_num_threads == 2


def test_min_confidence_empties_low_confidence_reads(ppocr):
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer

    canvas = np.full((120, 700, 3), 255, np.uint8)
    quad = paste_rotated(canvas, draw_line("Invoice total 42.50"), (350, 60), 0)
    line = Region(quad=quad, level="line")
    read = ppocr.recognize(_page(canvas), [line])[0]
    assert read.text == "Invoice total 42.50"
    strict = PPOCRRecognizer(PPOCRRecognizerOptions(threads=1, min_confidence=min(1.0, read.confidence + 0.01)))
    out = strict.recognize(_page(canvas), [line])[0]
    assert out.text == "" and out.children == () and out.confidence == pytest.approx(read.confidence, abs=1e-3)


def test_charset_mask_keeps_the_allowed_classes_blank_and_space():
    from ocrplug_ppocr.recognizer import charset_mask

    table = ["", "a", "门", "é", "€", "1", " "]
    assert charset_mask(table, "all") is None
    assert charset_mask(table, "latin").tolist() == [True, True, False, True, True, True, True]
    assert charset_mask(table, "1a").tolist() == [True, True, False, False, False, True, True]
    with pytest.raises(ConfigError, match="charset"):
        charset_mask(table, "xyz")


def test_ctc_greedy_with_a_mask_takes_the_best_allowed_class():
    from ocrplug_ppocr.recognizer import ctc_greedy

    table = ["", "O", "口", " "]
    probs = np.array([[[0.05, 0.30, 0.60, 0.05], [0.9, 0.04, 0.03, 0.03]]], np.float32)
    assert ctc_greedy(probs, table)[0].text == "口"
    (latin,) = ctc_greedy(probs, table, mask=np.array([True, True, False, True]))
    assert latin.text == "O" and latin.confidence == pytest.approx(0.30)


def test_charset_option_restricts_what_a_real_page_reads(ppocr):
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import PPOCRRecognizer

    canvas = np.full((120, 700, 3), 255, np.uint8)
    quad = paste_rotated(canvas, draw_line("Invoice total 42.50"), (350, 60), 0)
    line = Region(quad=quad, level="line")
    latin = PPOCRRecognizer(PPOCRRecognizerOptions(threads=1, charset="latin"))
    assert latin.recognize(_page(canvas), [line])[0].text == "Invoice total 42.50"
    digits = PPOCRRecognizer(PPOCRRecognizerOptions(threads=1, charset="0123456789."))
    text = digits.recognize(_page(canvas), [line])[0].text
    assert "42.50" in text and set(text) <= set("0123456789. ")


@pytest.mark.parametrize("value", ["Latin", "LATIN", "All", " latin"])
def test_charset_name_in_another_case_is_refused(value: str) -> None:
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"names are lower case: write charset: (latin|all)"):
        PPOCRRecognizerOptions(charset=value)
    # The names themselves, and letters given in another order, are accepted.
    assert PPOCRRecognizerOptions(charset="latin").charset == "latin"
    assert PPOCRRecognizerOptions(charset="Lanti").charset == "Lanti"


def test_charset_latin_typo_through_ocrplug_run_is_exit_2(tmp_path, capsys) -> None:
    from PIL import Image

    from ocrplug.cli import main

    image = tmp_path / "a.png"
    Image.new("RGB", (60, 30), "white").save(image)
    code = main(["run", str(image), "-o", str(tmp_path / "out"), "--set", "recognizer.options.charset=Latin"])
    err = capsys.readouterr().err
    assert code == 2 and "recognizer.options.charset" in err and "write charset: latin" in err
    assert not (tmp_path / "out" / "a.txt").exists()


def test_word_ends_that_cut_a_glyph_move_out_to_its_ink() -> None:
    from ocrplug_ppocr.recognizer import SNAP_REACH, _snap_to_ink

    columns = np.zeros(200, bool)
    columns[10:40] = True  # word 1: ink 10..40, its span cut at 14..36 (inside its first and last glyphs)
    columns[60:90] = True  # word 2: ink 60..90, its span 60..90 (clean ends)
    columns[120:200] = True  # word 3: ink running on to the crop's edge (a rule, dirt): no blank end near
    spans = [(14.0, 36.0), (60.0, 90.0), (120.0, 150.0)]
    assert _snap_to_ink(columns, spans, 0, 30) == (10.0, 40.0, [True, True])
    assert _snap_to_ink(columns, spans, 1, 30) == (60.0, 90.0, [False, False])
    x0, x1, moved = _snap_to_ink(columns, spans, 2, 30)
    assert (x0, x1, moved) == (120.0, 150.0, [False, False])  # beyond SNAP_REACH: as cut, padded later
    assert 150 + SNAP_REACH * 30 < 200
    # A neighbour's span bounds the move: word 1 cannot run into word 2.
    columns[40:60] = True
    assert _snap_to_ink(columns, spans, 0, 30)[1] == 36.0


_MONO_FONTS = (
    "/usr/share/fonts/opentype/urw-base35/NimbusMonoPS-Regular.otf",
    "/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    "/usr/share/fonts/truetype/freefont/FreeMono.ttf",
)


def _mono_line(text: str, font: str, height: int) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(font, height)
    left, top, right, bottom = face.getbbox(text)
    img = Image.new("RGB", (right - left + 20, bottom - top + 20), "white")
    ImageDraw.Draw(img).text((10 - left, 10 - top), text, fill="black", font=face)
    return np.asarray(img)


def test_closing_marks_stay_with_their_word():
    from ocrplug_ppocr.recognizer import _closes_word

    assert [k for k, _ in enumerate("Grade: 3.50 x") if _closes_word("Grade: 3.50 x", k)] == [5, 8]
    # Leaders and ellipses stand apart; a mark after a space or another mark is no closing mark.
    assert not any(_closes_word("Contents....7", k) for k in range(13))
    assert not any(_closes_word("Part 1 . . . 7", k) for k in range(14))
    assert not _closes_word("a :b", 2) and not _closes_word("(:", 1)


@pytest.mark.parametrize("font", _MONO_FONTS)
@pytest.mark.parametrize("height", [21, 30])
def test_monospaced_periods_and_colons_are_not_word_starts(ppocr, font, height):
    # A monospaced font centres "." and ":" in a whole cell: the ink gap before them passed space_gap,
    # so receipts read "3 .50" and labels "Grade :" (NimbusMonoPS 11 pt at 150 dpi, T5's receipt).
    if not Path(font).is_file():
        pytest.skip(f"font not installed: {font}")
    texts = ["Coffee 3.50", "Grade: X", "Total: 12.80"]
    canvas = np.full((60 + 80 * len(texts), 40 * height, 3), 255, np.uint8)
    quads = [
        paste_rotated(canvas, _mono_line(t, font, height), (20 * height, 50 + 80 * k), 0) for k, t in enumerate(texts)
    ]
    out = ppocr.recognize(_page(canvas), [Region(quad=q, level="line") for q in quads])
    assert [[w.text for w in r.children] for r in out] == [t.split() for t in texts]


def _chunk_part(offset: int, width: int, keep_from: float, keep_to: float, text: str, centres: list[float]):
    from ocrplug_ppocr.recognizer import CTCResult, _Piece

    piece = _Piece(0, np.zeros((10, width, 3), np.uint8), offset, keep_from, keep_to)
    # 1 crop pixel per time step: a character's centre is offset + step + 0.5.
    steps = tuple(c - offset - 0.5 for c in centres)
    return piece, CTCResult(text, (0.9,) * len(text), steps, (0.0,) * len(text)), 1.0


def test_a_character_both_chunks_read_at_the_cut_is_kept_once():
    from ocrplug_ppocr.recognizer import _join_chunks

    # "used" across a cut at 100: the first chunk places the "s" at 99.5, the second chunk the same "s"
    # at 100.5 (a step apart): each kept it by its own centre ("ussed" before).
    a = _chunk_part(0, 120, 0.0, 100.0, "us", [90.0, 99.5])
    b = _chunk_part(80, 120, 100.0, 200.0, "used", [90.5, 100.5, 108.0, 116.0])
    res, _ = _join_chunks([a, b])
    assert res.text == "used"
    # A real double letter at the cut stays double: "class" read whole by both chunks.
    a = _chunk_part(0, 120, 0.0, 100.0, "class", [70.0, 78.0, 86.0, 94.0, 102.0])
    b = _chunk_part(80, 120, 100.0, 200.0, "lass", [78.5, 86.5, 94.5, 101.5])
    assert _join_chunks([a, b])[0].text == "class"
    # Neither chunk kept a character whose two centres straddle the cut the other way.
    a = _chunk_part(0, 120, 0.0, 100.0, "ab", [92.0, 100.5])
    b = _chunk_part(80, 120, 100.0, 200.0, "abc", [91.5, 99.5, 110.0])
    assert _join_chunks([a, b])[0].text == "abc"


_TERMS = (
    "Terms and conditions apply to every order placed with the company during the period of the offer. Prices "
    "include value added tax but exclude delivery charges, which are shown at the checkout before payment. Goods "
    "may be returned within thirty days if they are unused and in their original packaging. Refunds are made to "
    "the card used for the purchase within ten working days of the return being received at our warehouse."
)


@pytest.mark.parametrize(("font", "pt"), [("/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf", 7),
                                          ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 6)])
def test_small_print_read_in_chunks_doubles_no_letter(font, pt):
    # T5's page: 7 pt NotoSans at 300 dpi, 2100 px wide; its lines are 55 times as wide as high and read
    # in chunks (max_ratio 40): "used" and "payment." came back "ussed" and "paayment." where a cut fell.
    from PIL import Image, ImageDraw, ImageFont

    from ocrplug import Pipeline

    pytest.importorskip("onnxruntime")
    pytest.importorskip("rapidocr")
    if not Path(font).is_file():
        pytest.skip(f"font not installed: {font}")
    face = ImageFont.truetype(font, round(pt * 300 / 72))
    img = Image.new("RGB", (2100, 1050), "white")
    draw = ImageDraw.Draw(img)
    lines: list[list[str]] = [[]]
    for word in _TERMS.split():
        if lines[-1] and face.getlength(" ".join([*lines[-1], word])) > 1860:
            lines.append([])
        lines[-1].append(word)
    for k, line in enumerate(lines):
        draw.text((120, 120 + round(k * 1.25 * face.size)), " ".join(line), fill="black", font=face)
    pipeline = Pipeline(detector={"name": "db", "options": {"threads": 1}},
                        recognizer={"name": "ppocr", "options": {"threads": 1}})
    page = pipeline.run(np.asarray(img)).pages[0]
    assert [w.text for w in page.words] == _TERMS.split()


def _drawn_crop(text: str, font: str, height: int):
    """A crop (identity map to the page) of ``text`` and each character's ink centre (None for a space)."""
    from PIL import Image, ImageDraw, ImageFont

    from ocrplug.crops import Crop

    face = ImageFont.truetype(font, height)
    img = Image.new("RGB", (round(face.getlength(text)) + 40, 2 * height), "white")
    ImageDraw.Draw(img).text((20, height // 3), text, fill="black", font=face)
    centres = []
    for k, ch in enumerate(text):
        if ch == " ":
            centres.append(None)
            continue
        x0 = 20 + face.getlength(text[:k])
        left, _, right, _ = face.getbbox(ch)
        centres.append(x0 + (left + right) / 2)
    return Crop(np.asarray(img), np.eye(3)), centres


def _read_as(text: str, crop, centres) -> list[str]:
    """The words :func:`_fill` makes of the reading ``text`` whose characters CTC placed at ``centres``."""
    from ocrplug_ppocr.options import PPOCRRecognizerOptions
    from ocrplug_ppocr.recognizer import CTCResult, _fill

    xs = []
    for k, c in enumerate(centres):  # a space sits halfway between its neighbours
        xs.append(c if c is not None else (centres[k - 1] + centres[k + 1]) / 2)
    res = CTCResult(text, (0.95,) * len(text), tuple(x - 0.5 for x in xs), (0.0,) * len(text))
    region = Region.from_box(0, 0, crop.width, crop.height, level="line")
    return [w.text for w in _fill(region, crop, res, 1.0, PPOCRRecognizerOptions()).children]


@pytest.mark.parametrize("font", _MONO_FONTS[:3])
@pytest.mark.parametrize("height", [25, 33, 46])
def test_a_model_space_before_a_mark_in_the_next_monospaced_cell_is_no_word_gap(font, height):
    # T5's labels_nimbusmono_200 read by accurate: CRAFT's box of "Code:" ends short of the colon, the
    # line box grown around it puts the colon at the crop's edge, and PP-OCR emits "Code :".
    if not Path(font).is_file():
        pytest.skip(f"font not installed: {font}")
    for label in ("Code:", "Room:", "Total:", "Axis:", "Quantity:"):
        crop, centres = _drawn_crop(label, font, height)
        spaced = [*centres[:-1], None, centres[-1]]
        assert _read_as(label[:-1] + " " + label[-1], crop, spaced) == [label], (label, font, height)
    # A mark after a real space (a whole empty cell) stays apart: a sign's separator, "Rate : 5".
    crop, centres = _drawn_crop("MARINA : SQUARE", font, height)
    assert _read_as("MARINA : SQUARE", crop, centres) == ["MARINA", ":", "SQUARE"]
    crop, centres = _drawn_crop("Rate : 5", font, height)
    assert _read_as("Rate : 5", crop, centres) == ["Rate", ":", "5"]


@pytest.mark.parametrize("font", ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                  "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"])
@pytest.mark.parametrize("height", [25, 33, 46])
def test_a_space_before_a_mark_stays_in_proportional_print(font, height):
    # Proportional glyphs have no common pitch: the model's space is kept ("MARINA : SQUARE", "Total :").
    if not Path(font).is_file():
        pytest.skip(f"font not installed: {font}")
    for text in ("MARINA : SQUARE", "Total :", "Amount ;"):
        crop, centres = _drawn_crop(text, font, height)
        assert _read_as(text, crop, centres) == text.split(), (text, font, height)


def test_a_lone_monospaced_percent_in_a_wide_line_box_is_read_as_percent(ppocr):
    # T5's labels_nimbusmono_200 (accurate): the lone "%" answer's line box, grown by 0.3 of its height
    # either side for recognition, left the glyph (two rings and a bar) small in the crop: read "0" (0.38).
    # A one-character reading under LONE_REREAD_CONFIDENCE is read again cut to its ink.
    from PIL import Image, ImageDraw, ImageFont

    font = _MONO_FONTS[0]
    if not Path(font).is_file():
        pytest.skip(f"font not installed: {font}")
    face = ImageFont.truetype(font, 33)
    img = Image.new("RGB", (400, 120), "white")
    draw = ImageDraw.Draw(img)
    regions = []
    for k, x in enumerate((60, 160, 260)):
        draw.text((x, 40 + k % 2), "%", fill="black", font=face)
        x0, y0, x1, y1 = draw.textbbox((x, 40 + k % 2), "%", font=face)
        grow = 0.3 * (y1 - y0 + 4)
        regions.append(Region.from_box(x0 - 2 - grow, y0 - 2, x1 + 2 + grow, y1 + 2, level="line"))
    out = ppocr.recognize(_page(np.asarray(img)), regions)
    assert [r.text for r in out] == ["%"] * 3


_CODE = ['def mean(xs):', 'x = {"a": 1, "b": [2, 3]}', 'y = x["b"][0] + 7', 'for i, x in enumerate(xs):',
         'print(mean([3, 4]))  # 4.0', 's += x * 1']


@pytest.mark.parametrize("font", _MONO_FONTS[1:3])
@pytest.mark.parametrize("height", [19, 26])
def test_a_monospaced_code_line_keeps_the_spaces_of_its_cells(ppocr, font, height):
    # Issue 24 (T11 code.png): a code listing read "enumerate(xs) :", '"b" :', 'x["b"] [0]' (ink gaps inside
    # a cell taken for word spaces) and "# 4.0" after one space where the page has two.
    from PIL import ImageFont

    if not Path(font).is_file():
        pytest.skip(f"font not installed: {font}")
    canvas = np.full((60 + 70 * len(_CODE), 30 * height, 3), 255, np.uint8)
    quads = [paste_rotated(canvas, _mono_line(t, font, height), (15 * height, 40 + 70 * k), 0) for k, t in enumerate(_CODE)]
    out = ppocr.recognize(_page(canvas), [Region(quad=q, level="line") for q in quads])
    assert [r.text for r in out] == _CODE
    advance = ImageFont.truetype(font, height).getlength("0")
    assert all(abs(r.attributes["pitch"] / advance - 1) < 0.03 for r in out)


def _read_drawn_lines(ppocr, texts: list[str], font: str, size: int) -> list[Region]:
    """``texts`` drawn level in ``font`` at ``size`` px, one line each 70 px apart on a 900 px page, read
    by ``ppocr`` from their line regions."""
    canvas = np.full((60 + 70 * len(texts), 900, 3), 255, np.uint8)
    quads = [paste_rotated(canvas, _mono_line(t, font, size), (450, 40 + 70 * k), 0) for k, t in enumerate(texts)]
    return ppocr.recognize(_page(canvas), [Region(quad=q, level="line") for q in quads])


@pytest.mark.parametrize("font", ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                  "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"])
def test_proportional_lines_get_no_pitch(ppocr, font):
    if not Path(font).is_file():
        pytest.skip(f"font not installed: {font}")
    texts = ["The committee met on Tuesday to review the budget.", "Add 1111 to 2222 and then 3333", "minimum"]
    out = _read_drawn_lines(ppocr, texts, font, 26)
    assert [r.text for r in out] == texts
    assert not any("pitch" in r.attributes for r in out)


@pytest.mark.parametrize("drawn", ["s = 0", "S = 0", "x = 12,", "X = 12,"])
def test_a_lone_letter_inside_a_line_takes_the_case_its_height_says(drawn):
    # Issue 24 (T11 code.png): PP-OCR read "s = 0" in DejaVu Sans Mono 26 px as "S = 0" (0.98); the figures
    # beside the letter give the cap height. The line below is as misread (the other case), words boxed
    # on their ink.
    from PIL import Image, ImageDraw, ImageFont

    from ocrplug.recognition import in_line_letter_case

    face = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", 26)
    img = Image.new("L", (400, 80), 255)
    ImageDraw.Draw(img).text((20, 20), drawn, font=face, fill=0)
    words, x = [], 20.0
    for token in drawn.split(" "):
        left, top, right, bottom = face.getbbox(token)
        words.append(Region.from_box(x + left, 20 + top, x + right, 20 + bottom, level="word", text=token,
                                     order=len(words)))
        x += face.getlength(token + " ")
    misread = drawn[0].swapcase()
    words[0] = words[0].with_(text=misread)
    line = Region.from_box(15, 15, 300, 60, level="line", text=" ".join(w.text for w in words), children=tuple(words))
    out = in_line_letter_case(np.asarray(img), line)
    assert out.text == drawn and [w.text for w in out.children] == drawn.split(" ")


def test_a_unit_prefix_mu_is_the_micro_sign():
    from ocrplug_ppocr.recognizer import micro_signs

    assert micro_signs("Film 50 \u03bcm, 2\u03bcF") == "Film 50 \u00b5m, 2\u00b5F"
    # Greek text and a lone mu (a variable) stay Greek.
    assert micro_signs("\u03bc\u03ad\u03c3\u03b1 \u03bc = 0.5") == "\u03bc\u03ad\u03c3\u03b1 \u03bc = 0.5"


def test_a_drawn_micro_sign_is_read_as_the_micro_sign(ppocr):
    # Issue 24: PP-OCR wrote the Greek letter (U+03BC) for most drawn micro signs (U+00B5) in "50 µm".
    font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    texts = ["Film 50 \u00b5m thick", "Each tablet holds 120 \u00b5g of iodine"]
    canvas = np.full((60 + 70 * len(texts), 700, 3), 255, np.uint8)
    quads = [paste_rotated(canvas, _mono_line(t, font, 28), (350, 40 + 70 * k), 0) for k, t in enumerate(texts)]
    out = ppocr.recognize(_page(canvas), [Region(quad=q, level="line") for q in quads])
    assert [r.text for r in out] == texts


def _tracked_line(text: str, font: str, height: int, track: int, ratio: float = 2.0) -> np.ndarray:
    """``text`` drawn letter by letter with ``track`` px after each letter and a word gap of
    ``max(space, ratio * track)`` px (as benchmarks/letter_spacing.py draws)."""
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(font, height)
    img = Image.new("RGB", (40 * height + 40 * track, 2 * height), "white")
    d = ImageDraw.Draw(img)
    x = 10.0
    for ch in text:
        if ch == " ":
            x += max(d.textlength(" ", font=face), ratio * track)
            continue
        d.text((x, height // 3), ch, font=face, fill="black")
        x += d.textlength(ch, font=face) + track
    ink = np.flatnonzero((np.asarray(img.convert("L")) < 128).any(axis=0))
    return np.asarray(img)[:, : ink[-1] + 12]


@pytest.mark.parametrize(("text", "track"), [("GRAND OPENING", 28), ("Saturday the ninth", 12),
                                             ("Tracking makes open headings", 10)])
def test_letter_spaced_words_are_not_split_into_letters(ppocr, text, track):
    # Issue 24 (T13's letterspaced.png): every letter gap of a tracked line passed the ink-gap split, so
    # fast and accurate wrote "S a t u r d a y t h e n i n t h" although the word gaps were twice as wide.
    font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    canvas = np.full((200, 1800, 3), 255, np.uint8)
    quad = paste_rotated(canvas, _tracked_line(text, font, 30, track), (900, 100), 0)
    (out,) = ppocr.recognize(_page(canvas), [Region(quad=quad, level="line")])
    assert [w.text for w in out.children] == text.split()


def test_tracked_splits_keeps_ordinary_and_short_lines_and_splits_only_wide_gaps():
    from ocrplug_ppocr.letter_spacing import tracked_splits

    def line(text: str, gaps: list[int]) -> tuple[str, list[float], np.ndarray]:
        # 10 px glyphs, ``gaps[k]`` blank columns before character k (a space sits in the gap before it).
        cols, steps = [], []
        chars = [c for c in text if c != " "]
        for k, _ in enumerate(chars):
            cols += [False] * (gaps[k] if k else 0) + [True] * 10
            steps.append(len(cols) - 5.5)
        out, j = [], 0
        for c in text:
            out.append(steps[j] if c != " " else steps[j] - 1)
            j += c != " "
        return text, out, np.array(cols)

    def splits(text, gaps):
        t, steps, cols = line(text, gaps)
        return tracked_splits(t, steps, cols, 20.0, 1.0, 0.45)

    assert splits("Invoice2041", [2] * 11) is None  # ordinary print: gaps a tenth of the height
    assert splits("A4B", [20] * 3) is None  # too few gaps to tell
    got = splits("GRANDOPEN", [0, 20, 18, 22, 20, 44, 20, 19, 21])
    assert got == [k == 5 for k in range(9)]
    # Single-letter words after a model space: word gaps outnumber letter gaps, and still split.
    got = splits("CODE A1B2", [0, 20, 20, 20, 60, 60, 60, 60])
    assert got[1:4] == [False] * 3 and got[6:] == [True] * 3
def _caron_res(text: str, caron: dict[int, float] | None = None, own: dict[int, float] | None = None) -> object:
    from ocrplug_ppocr.recognizer import CTCResult

    evidence = tuple((caron or {}).get(k, 0.0) for k in range(len(text)))
    mine = tuple((own or {}).get(k, 0.0) for k in range(len(text)))
    return CTCResult(text, (0.9,) * len(text), tuple(float(2 * k) for k in range(len(text))), (0.0,) * len(text),
                     evidence, mine)


def test_an_apostrophe_shaped_caron_in_czech_text_is_its_letter() -> None:
    # Issue 24 (T12): PP-OCRv6 reads ď as d’ and drops ť's mark; a Czech reading gets the letters back.
    from ocrplug_ppocr.recognizer import caron_letters

    assert caron_letters(_caron_res("Příliš kůň úpěl d’ábelské ódy")).text == "Příliš kůň úpěl ďábelské ódy"
    assert caron_letters(_caron_res("Ľudia l'úbia ťažké dalšie", {19: 0.02})).text == "Ľudia ľúbia ťažké ďalšie"
    out = caron_letters(_caron_res("žlutoučký kůň", {3: 0.05}))
    assert out.text == "žluťoučký kůň" and len(out.steps) == len(out.probs) == len(out.text)
    assert caron_letters(_caron_res("tento potok", {0: 0.001})).text == "tento potok"  # under CARON_MIN
    # Real apostrophes stay: no Czech letter on the line, or an English ending, or a capital after it.
    for text in ["I don't think it's O'Brien's", "L'eau d'abord, puis l'été", "Řekl: don't worry, it's O'Neill's",
                 "Čtěte l'Équipe a d'Artagnan"]:
        assert caron_letters(_caron_res(text)).text == text
    # A Croatian đ stays; in a Czech reading it is a misread ď.
    assert caron_letters(_caron_res("đak čita ščepac")).text == "đak čita ščepac"
    assert caron_letters(_caron_res("úpěl đ'ábelské")).text == "úpěl ďábelské"


def test_a_caron_on_a_line_with_no_other_slovak_letter_comes_from_the_models_own_evidence() -> None:
    # Issue 24 (V13 carons2, R14): "Koľko to stojí" has no other Czech/Slovak letter; the model read
    # "Kol'ko" but gave ľ itself 0.0024 at most for real apostrophes, more for a caron.
    from ocrplug_ppocr.recognizer import caron_letters

    assert caron_letters(_caron_res("Kol'ko to stojí", own={2: 0.03})).text == "Koľko to stojí"
    # One caron letter on the model's evidence makes the line Slovak: the rest as with a context letter.
    assert caron_letters(_caron_res("Dávid a d’atel'", own={13: 0.2})).text == "Dávid a ďateľ"
    # No evidence, or too little, or a real apostrophe's place (an English ending, a capital after it).
    for text, own in [("Kol'ko to stojí", {2: 0.004}), ("L'eau d'abord", {}), ("Je t'aime", {3: 0.0024}),
                      ("it'll do, don't", {2: 0.3, 12: 0.3}), ("l'Équipe", {0: 0.3})]:
        assert caron_letters(_caron_res(text, own=own)).text == text


@pytest.mark.parametrize("font", ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                  "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"])
def test_drawn_slovak_caron_without_context_is_read(ppocr, font) -> None:
    # Liberation Serif's "Koľko" is read "Kolko" (no mark at all): without a context letter that stays.
    texts = ["Koľko to stojí", "Je t'aime et l'amour d'avril"]
    out = _read_drawn_lines(ppocr, texts, font, 28)
    assert [r.text for r in out] == texts


@pytest.mark.parametrize("font", ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                  "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf"])
def test_drawn_czech_caron_letters_are_read(ppocr, font) -> None:
    texts = ["Příliš žluťoučký kůň úpěl ďábelské ódy", "I don't think it's O'Brien's car"]
    out = _read_drawn_lines(ppocr, texts, font, 28)
    assert [r.text for r in out] == texts


def _banded_line(text: str, first: int, last: int, colour: tuple[int, int, int], alpha: float) -> np.ndarray:
    """A line of dark text (Liberation Sans 39 px) with a translucent band over words ``first``..``last``
    reaching half-way into the word spaces at its edges (a highlighter)."""
    from PIL import Image, ImageDraw, ImageFont

    from .conftest import font_path

    font = ImageFont.truetype(font_path(), 39)
    words = text.split()
    width = round(font.getlength(text)) + 40
    img = Image.new("RGB", (width, 80), "white")
    space = font.getlength(" ")
    left = 20 + font.getlength(" ".join(words[:first]) + " ") - space / 2
    right = 20 + font.getlength(" ".join(words[: last + 1])) + space / 2
    band = np.asarray(img).astype(np.float32)
    band[8:72, round(left):round(right)] = (1 - alpha) * 255 + alpha * np.asarray(colour, np.float32)
    img = Image.fromarray(band.astype(np.uint8))
    ImageDraw.Draw(img).text((20, 20), text, fill=(20, 20, 20), font=font)
    return np.asarray(img)


def test_words_at_a_highlighter_bands_edges_stay_apart(ppocr):
    # Issue 24 (T13 highlighter page): the model emitted no space at either edge of a translucent band
    # and the ink gap there is under space_gap, so "the signed" and "lab closes" were read as one word.
    lines = [("Bring the signed consent form on Tuesday", 2, 3, (170, 170, 170), 0.6),
             ("The lab closes early on Friday at two", 1, 2, (120, 230, 120), 0.6),
             ("Submit the essay draft by the twelfth", 2, 4, (255, 170, 60), 0.6)]
    canvas = np.full((110 * len(lines), 900, 3), 255, np.uint8)
    regions = []
    for k, (text, first, last, colour, alpha) in enumerate(lines):
        patch = _banded_line(text, first, last, colour, alpha)
        canvas[110 * k + 10 : 110 * k + 10 + patch.shape[0], 10 : 10 + patch.shape[1]] = patch
        ink = np.argwhere(patch.min(axis=2) < 100)
        (y0, x0), (y1, x1) = ink.min(axis=0), ink.max(axis=0)
        pad = 0.1 * (y1 - y0)
        regions.append(Region.from_box(10 + x0 - pad, 110 * k + 10 + y0 - pad, 10 + x1 + pad,
                                       110 * k + 10 + y1 + pad, level="line"))
    out = ppocr.recognize(_page(canvas), regions)
    assert [r.text for r in out] == [t for t, *_ in lines]
    assert [[w.text for w in r.children] for r in out] == [t.split() for t, *_ in lines]


def test_tone_step_flattening_leaves_ordinary_crops_alone():
    from ocrplug_ppocr.recognizer import flatten_tone_step

    from .conftest import draw_line

    plain = draw_line("Invoice total 42.50", 32)
    assert flatten_tone_step(plain) is plain
    shaded = (plain.astype(np.float32) * 0.8).astype(np.uint8)  # a shaded table row: one tone throughout
    assert flatten_tone_step(shaded) is shaded
    dark = 255 - plain  # light text on a dark bar
    assert flatten_tone_step(dark) is dark
    banded = _banded_line("Bring the signed consent form", 2, 3, (170, 170, 170), 0.6)
    flat = flatten_tone_step(banded)
    assert flat is not banded and flat.shape == banded.shape
    # The band turns paper-white; the ink stays dark.
    assert flat[10, banded.shape[1] // 2].min() > 245 and flat.min() < 60


@pytest.mark.parametrize(("text", "track"), [("ROOM A 4 B 7", 30), ("plan a route home", 30), ("I AM HERE NOW", 36),
                                             ("CODE A 1 B 2", 40)])
def test_widely_tracked_words_come_back_whole_and_one_letter_words_stay(ppocr, text, track):
    # Issue 24 (V13 spaced.png, spaced2.png): past about 20 px of tracking the model itself emits a space
    # between the letters (``R O O M A 4 B 7``); the word gaps, wider still, keep one-letter words and codes.
    font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    canvas = np.full((200, 2000, 3), 255, np.uint8)
    quad = paste_rotated(canvas, _tracked_line(text, font, 30, track), (1000, 100), 0)
    (out,) = ppocr.recognize(_page(canvas), [Region(quad=quad, level="line")])
    assert [w.text for w in out.children] == text.split()


@pytest.mark.parametrize(("text", "track", "want"), [("ROOM", 24, ["ROOM"]), ("vie", 20, ["vie"]), ("Gate", 30, ["Gate"]),
                                                     ("A 4 B", 0, ["A", "4", "B"])])
def test_a_tracked_word_boxed_alone_is_one_word(ppocr, text, track, want):
    # Issue 24 (V13 spaced2.png): the detector boxed each word of a tracked line alone, too few gaps to
    # show a tracked line, so ``ROOM`` came back ``R O O M``; a code boxed alone stays apart.
    font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
    canvas = np.full((200, 800, 3), 255, np.uint8)
    quad = paste_rotated(canvas, _tracked_line(text, font, 36, track), (400, 100), 0)
    (out,) = ppocr.recognize(_page(canvas), [Region(quad=quad, level="line")])
    assert [w.text for w in out.children] == want


def _tracked_boxes(text: str, height: int, track: int) -> tuple[np.ndarray, list[Region]]:
    """A page with ``text`` drawn tracked (word gap ``space + 2.5 * track``, as V13's spaced pages) and a
    line region a detector would give for each word (4 px past its ink; consecutive one-character words
    in one box, as the detector boxed ``A 4 B 7``)."""
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", height)
    img = Image.new("RGB", (60 * height, 3 * height), "white")
    d = ImageDraw.Draw(img)
    x, spans = 20.0, []
    for word in text.split():
        start = x
        for ch in word:
            d.text((x, height), ch, font=face, fill="black")
            x += d.textlength(ch, font=face) + track
        spans.append((start, x - track))
        x += d.textlength(" ", font=face) + 2.5 * track
    boxes: list[list[float]] = []
    words = text.split()
    for k, (x0, x1) in enumerate(spans):
        if boxes and len(words[k]) == 1 and len(words[k - 1]) == 1:
            boxes[-1][1] = x1
        else:
            boxes.append([x0, x1])
    y0, y1 = 0.8 * height, 2.2 * height
    return np.asarray(img), [Region(quad=((a - 4, y0), (b + 4, y0), (b + 4, y1), (a - 4, y1)), level="line") for a, b in boxes]


@pytest.mark.parametrize(("text", "track"), [("ROOM A 4 B 7", 18), ("I AM HERE AT A SHOP", 15), ("THE END", 25),
                                             ("welcome to a quiet town", 20), ("Seats A B C left", 20),
                                             ("Code A 1 B 2", 30)])
def test_a_tracked_line_boxed_word_by_word_keeps_its_words(ppocr, text, track):
    # Issue 24 (V13 spaced.png, spaced2.png, W15): the detector boxes each word of a tracked line alone;
    # the model or the ink-gap split read ``ROOM`` at 18 px of tracking as ``R O O M`` (its gaps, 0.75
    # heights, too narrow to call one word on their own). The word gap to the next box on the row says
    # they are letters; one-letter words and codes in one box stay apart (their gaps are word gaps).
    image, regions = _tracked_boxes(text, 36, track)
    out = ppocr.recognize(_page(image), regions)
    assert [w.text for r in out for w in r.children] == text.split()


def test_join_tracked_words_needs_a_word_gap_beside_on_the_row():
    from ocrplug_ppocr.letter_spacing import join_tracked_words

    def line(*words: tuple[str, float, float], y: float = 0.0) -> Region:
        kids = [Region.from_box(x0, y, x1, y + 30, level="word", text=t, confidence=0.9) for t, x0, x1 in words]
        return Region.from_box(words[0][1], y, words[-1][2], y + 30, level="line", text=" ".join(w[0] for w in words), children=kids)

    room = line(("R", 0, 20), ("O", 40, 62), ("O", 82, 104), ("M", 124, 150))  # letter gaps 20 px

    def read(*others: Region) -> list[str]:
        return [w.text or "" for w in join_tracked_words([room, *others])[0].children]

    assert read(line(("A", 210, 230))) == ["ROOM"]  # a word gap 3 letter gaps away
    assert read() == ["R", "O", "O", "M"]  # nothing beside it on the row
    assert read(line(("A", 170, 190))) == ["R", "O", "O", "M"]  # the gap beside no wider: one-letter words
    assert read(line(("Total", 400, 500))) == ["R", "O", "O", "M"]  # a table's next column, 12 letter gaps away
    assert read(line(("A", 210, 230), y=100)) == ["R", "O", "O", "M"]  # another row
    (joined,) = join_tracked_words([room, line(("A", 210, 230))])[:1]
    assert joined.text == "ROOM" and joined.children[0].quad[0] == (0, 0) and joined.children[0].quad[1] == (150, 0)
    code = line(("A", 0, 20), ("4", 40, 62), ("B", 82, 104))
    assert [w.text for w in join_tracked_words([code, line(("x", 210, 230))])[0].children] == ["A", "4", "B"]


def _small_caps_line(words: list[str], font: str, height: int) -> np.ndarray:
    """Each word's first letter at ``height`` px, its others capitals at 0.72 of it on one baseline."""
    from PIL import Image, ImageDraw, ImageFont

    big, small = ImageFont.truetype(font, height), ImageFont.truetype(font, round(0.72 * height))
    img = Image.new("RGB", (30 * height, 2 * height), "white")
    d = ImageDraw.Draw(img)
    x = 10.0
    for word in words:
        for k, ch in enumerate(word):
            face = big if k == 0 else small
            d.text((x, 1.4 * height), ch.upper(), font=face, fill="black", anchor="ls")
            x += d.textlength(ch.upper(), font=face)
        x += d.textlength(" ", font=big)
    ink = np.flatnonzero((np.asarray(img.convert("L")) < 128).any(axis=0))
    return np.asarray(img)[:, : ink[-1] + 12]


@pytest.mark.parametrize("font", ["/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
                                  "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"])
def test_small_capitals_keep_their_case(ppocr, font):
    # Issue 24 (T13 dictionary.png): the small C O S read as lower case among small capitals
    # (``PRAIsE``, ``AccoUNT``); a lower-case letter among full capitals stays (``McDONALD``, ``CEOs``).
    words = ["Praise", "Account", "Music", "Coffee"]
    canvas = np.full((200, 1400, 3), 255, np.uint8)
    quad = paste_rotated(canvas, _small_caps_line(words, font, 40), (700, 100), 0)
    plain = paste_rotated(canvas, draw_line("McDONALD and CEOs", 36), (500, 160), 0)
    out = ppocr.recognize(_page(canvas), [Region(quad=quad, level="line"), Region(quad=plain, level="line")])
    assert [w.text for w in out[0].children] == [w.upper() for w in words]
    assert out[1].text == "McDONALD and CEOs"


def test_ctc_greedy_puts_back_the_letter_a_ligature_hid():
    """fi/fl ligature (issue 24, T15's ``Certificate`` read ``Certifcate``): the second letter won no step."""
    from ocrplug_ppocr.recognizer import ctc_greedy

    table = ["", "f", "i", "l", "c", " "]

    def row(*cols: dict[int, float]) -> np.ndarray:
        out = np.zeros((len(cols), len(table)), np.float32)
        for t, col in enumerate(cols):
            for c, p in col.items():
                out[t, c] = p
            out[t, 0] += 1 - sum(col.values())
        return out

    fic = row({1: 0.66}, {2: 0.39}, {4: 1.0})  # f, blank 0.61 over i 0.39, c
    assert ctc_greedy(fic[None], table)[0].text == "fic"
    assert ctc_greedy(fic[None], table, ligature_min=2.0)[0].text == "fc"
    lower = row({1: 0.42}, {3: 0.9})  # the f of an fl lost at the start of a word
    assert ctc_greedy(lower[None], table)[0].text == "fl"
    faint = row({1: 0.9}, {2: 0.05}, {4: 1.0})  # little evidence: nothing added
    assert ctc_greedy(faint[None], table)[0].text == "fc"
    double = row({1: 0.9}, {1: 0.4}, {3: 0.9})  # never a second f beside the one read
    assert ctc_greedy(double[None], table)[0].text == "fl"
    other = row({4: 0.9}, {2: 0.4}, {4: 0.9})  # only after an f
    assert ctc_greedy(other[None], table)[0].text == "cc"
    whole = row({4: 0.9}, {1: 0.46}, {}, {2: 0.3}, {4: 0.9})  # the whole fi glyph lost (T15's page crop)
    assert ctc_greedy(whole[None], table)[0].text == "cfic"
    lone_f = row({4: 0.9}, {1: 0.46}, {}, {4: 0.9})  # an f alone between others: not a ligature's evidence
    assert ctc_greedy(lone_f[None], table)[0].text == "cc"


def test_script_fi_ligature_reads_as_two_letters(ppocr):
    """URW Z003's ``fi`` ligature (one glyph, PIL with raqm) at 110 px: T15's certificate heading."""
    from PIL import Image, ImageDraw, ImageFont, features

    path = Path("/usr/share/fonts/opentype/urw-base35/Z003-MediumItalic.otf")
    if not features.check("raqm") or not path.exists():
        pytest.skip("needs raqm and URW Z003")
    face = ImageFont.truetype(str(path), 110, layout_engine=ImageFont.Layout.RAQM)
    _, top, right, bottom = face.getbbox("Certificate", features=["liga"])
    img = Image.new("RGB", (right + 110, bottom - top + 55), "white")
    ImageDraw.Draw(img).text((55, 27 - top), "Certificate", font=face, fill="black", features=["liga"])
    ((res, _),) = ppocr.read([np.asarray(img)])
    assert res.text == "Certificate"


def test_half_sign_then_a_denominator_is_one_fraction():
    """PP-OCRv6 reads ``¼`` as ``½4`` or ``½/4`` (issue 24, T15's recipe); ``½2`` is its ``½`` read twice."""
    from ocrplug_ppocr.recognizer import CTCResult, vulgar_fractions

    def fix(text: str) -> CTCResult:
        return vulgar_fractions(CTCResult(text, tuple(0.9 - 0.01 * k for k in range(len(text))),
                                          tuple(float(k) for k in range(len(text))), (0.0,) * len(text)))

    quarter = fix("½4 tsp")
    assert quarter.text == "¼ tsp" and len(quarter.probs) == len(quarter.steps) == 5
    assert quarter.steps[:2] == (0.0, 2.0)
    assert fix("1 ½/4 cups").text == "1 ¼ cups"
    assert fix("½2 cup").text == "½ cup"
    # ⅓ and ⅛ are not in the table: written as ASCII fractions, a mixed number with a space (H16)
    third = fix("1½3 lb")
    assert third.text == "1 1/3 lb" and len(third.probs) == len(third.steps) == len(third.text)
    assert fix("½/8 inch").text == "1/8 inch"
    for kept in ("½9 cup", "1/4 inch", "2½ hours", "½ 4 cups", "½42"):  # no fraction to write
        assert fix(kept).text == kept


def test_quarter_drawn_in_dejavu_serif_reads_as_the_fraction(ppocr):
    """DejaVu Serif's ``¼`` at 40 px, read ``½4 tsp salt`` by the model, comes out as drawn."""
    from PIL import Image, ImageDraw, ImageFont

    path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    if not path.exists():
        pytest.skip("needs DejaVu Serif")
    face = ImageFont.truetype(str(path), 40)
    _, top, right, bottom = face.getbbox("¼ tsp salt")
    img = Image.new("RGB", (right + 40, bottom - top + 20), "white")
    ImageDraw.Draw(img).text((20, 10 - top), "¼ tsp salt", font=face, fill="black")
    canvas = np.asarray(img).copy()
    h, w = canvas.shape[:2]
    region = Region(quad=np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32), level="line")
    (out,) = ppocr.recognize(_page(canvas), [region])
    assert out.text == "¼ tsp salt"


def test_a_half_sign_with_the_models_four_or_three_quarters_is_that_fraction():
    """PP-OCRv6 writes ``½`` for the numerator and bar of ``¼``/``¾`` and may lose the denominator under the
    blank (issue 24, H16: T15's ``1 ¼ cups`` read ``1 ½ cups``): its own ``4``/``¾`` evidence decides."""
    from ocrplug_ppocr.recognizer import ctc_greedy, vulgar_fractions

    table = ["", "½", "¼", "¾", "4", "2", "/", "c", " "]

    def read(*cols: dict[int, float]) -> str:
        out = np.zeros((len(cols), len(table)), np.float32)
        for t, col in enumerate(cols):
            for c, p in col.items():
                out[t, c] = p
            out[t, 0] += 1 - sum(col.values())
        return vulgar_fractions(ctc_greedy(out[None], table)[0]).text

    assert read({1: 0.97}, {4: 0.3}, {7: 0.9}) == "¼c"  # the 4 under the blank (0.025-0.48 measured)
    assert read({1: 0.97}, {4: 0.003}, {7: 0.9}) == "½c"  # a true ½: at most 0.004
    assert read({1: 0.97}, {5: 0.3}, {7: 0.9}) == "½c"  # a 2 is the ½'s own denominator
    assert read({1: 0.6, 3: 0.2}, {4: 0.35}, {7: 0.9}) == "¾c"  # ¾ evidence at the glyph
    assert read({1: 0.6, 3: 0.06}, {}, {4: 0.9}, {7: 0.9}) == "¾c"  # ¾ read ½4
    assert read({1: 0.97}, {}, {4: 0.9}, {7: 0.9}) == "¼c"  # ½4 (G15's rule)
    assert read({1: 0.97}, {4: 0.3}, {6: 0.9}, {7: 0.9}) == "½/c"  # a slash next: vulgar_fractions' case


@pytest.mark.parametrize(
    ("face", "size", "text"),
    [("DejaVuSerif", 30, "Slice ¼ inch thick"), ("DejaVuSans", 40, "Slice ¼ inch thick"),
     ("DejaVuSerif", 40, "Slice ¾ inch thick"), ("DejaVuSerif", 40, "Add ¾ cup sugar"),
     ("DejaVuSerif", 24, "1¾ lb apples"), ("DejaVuSans", 24, "1½ lb apples")],
)
def test_drawn_quarters_and_pounds_read_as_drawn(ppocr, face: str, size: int, text: str):
    """Drawn recipe lines the model read ``½`` (its ``4`` lost), ``¾4``, ``¾/4`` or ``Ib`` (issue 24, H16)."""
    from PIL import Image, ImageDraw, ImageFont

    path = Path(f"/usr/share/fonts/truetype/dejavu/{face}.ttf")
    if not path.exists():
        pytest.skip(f"needs {face}")
    font = ImageFont.truetype(str(path), size)
    _, top, right, bottom = font.getbbox(text)
    img = Image.new("RGB", (right + size, bottom - top + size // 2), "white")
    ImageDraw.Draw(img).text((size // 2, size // 4 - top), text, font=font, fill="black")
    canvas = np.asarray(img).copy()
    h, w = canvas.shape[:2]
    region = Region(quad=np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32), level="line")
    (out,) = ppocr.recognize(_page(canvas), [region])
    assert out.text == text
    assert " ".join(word.text for word in out.children) == text
