"""The tesseract recognizer and the tesseract-layout detector, on text drawn at known places."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocrplug.errors import ConfigError, WeightsError
from ocrplug.geometry import order_quad, quad_angle
from ocrplug.model import PageImage, Region

from .conftest import draw_line, paste_rotated

pytest.importorskip("pytesseract")


def _build(plugin_host, role: str, name: str, **options):
    spec = plugin_host.components(role)[name]
    return spec.build(spec.options(**options))


def _page(canvas: np.ndarray) -> PageImage:
    return PageImage(image=canvas, index=0, source="synthetic")


def _words(text: str | None) -> list[str]:
    return (text or "").lower().split()


def test_reads_upright_line_with_word_boxes_on_the_page(plugin_host):
    canvas = np.full((200, 700, 3), 255, np.uint8)
    patch = draw_line("quick brown foxes jump")
    quad = paste_rotated(canvas, patch, (350, 100), 0)
    rec = _build(plugin_host, "recognizer", "tesseract")
    (out,) = rec.recognize(_page(canvas), [Region(quad=quad, level="line")])
    assert _words(out.text) == ["quick", "brown", "foxes", "jump"]
    assert 0.5 < out.confidence <= 1.0
    assert [w.text for w in out.children] == ["quick", "brown", "foxes", "jump"]
    # Word boxes land on the page where the words are: left to right, inside the line.
    lefts = [w.bbox[0] for w in out.children]
    assert lefts == sorted(lefts)
    x0, y0, x1, y1 = (float(v) for v in (quad[:, 0].min(), quad[:, 1].min(), quad[:, 0].max(), quad[:, 1].max()))
    for w in out.children:
        bx0, by0, bx1, by1 = w.bbox
        assert x0 - 3 <= bx0 < bx1 <= x1 + 3 and y0 - 3 <= by0 < by1 <= y1 + 3
        assert 0.0 <= w.confidence <= 1.0
    # The first word starts at the left of the text, the last ends at its right.
    assert out.children[0].bbox[0] < x0 + 20 and out.children[-1].bbox[2] > x1 - 20


def test_rotated_line_words_map_back_along_the_line(plugin_host):
    canvas = np.full((500, 600, 3), 255, np.uint8)
    quad = paste_rotated(canvas, draw_line("rotated text here"), (300, 250), 30)
    rec = _build(plugin_host, "recognizer", "tesseract")
    (out,) = rec.recognize(_page(canvas), [Region(quad=quad, level="line")])
    assert _words(out.text) == ["rotated", "text", "here"]
    # Text at +30 degrees (counter-clockwise) runs up and to the right: later words are higher.
    centres = [np.mean(w.quad, axis=0) for w in out.children]
    assert centres[0][0] < centres[-1][0] and centres[0][1] > centres[-1][1]


@pytest.mark.parametrize("degrees", [90, -90])
def test_vertical_line_with_geometric_quad_is_turned_readable(plugin_host, degrees):
    canvas = np.full((600, 300, 3), 255, np.uint8)
    corners = paste_rotated(canvas, draw_line("vertical words"), (150, 300), degrees)
    # A detector that only knows geometry gives the corners from the top-left on screen.
    region = Region(quad=order_quad(corners), level="line")
    rec = _build(plugin_host, "recognizer", "tesseract")
    (out,) = rec.recognize(_page(canvas), [region])
    assert _words(out.text) == ["vertical", "words"]
    assert out.attributes["rotation"] in (90, 270)
    quad_only = _build(plugin_host, "recognizer", "tesseract", orientation="quad")
    (raw,) = quad_only.recognize(_page(canvas), [region])
    assert _words(raw.text) != ["vertical", "words"]


def test_upside_down_line_needs_try_all(plugin_host):
    canvas = np.full((200, 600, 3), 255, np.uint8)
    corners = paste_rotated(canvas, draw_line("upside down line"), (300, 100), 180)
    region = Region(quad=order_quad(corners), level="line")
    (flipped,) = _build(plugin_host, "recognizer", "tesseract", orientation="try-all").recognize(
        _page(canvas), [region]
    )
    assert _words(flipped.text) == ["upside", "down", "line"]
    assert flipped.attributes["rotation"] == 180
    # The quad in reading order (starting at the text's own top-left) needs no guessing at all.
    (ordered,) = _build(plugin_host, "recognizer", "tesseract", orientation="quad").recognize(
        _page(canvas), [Region(quad=corners, level="line")]
    )
    assert _words(ordered.text) == ["upside", "down", "line"]


def test_word_regions_and_whitelist(plugin_host):
    canvas = np.full((100, 400, 3), 255, np.uint8)
    q1 = paste_rotated(canvas, draw_line("Invoice"), (100, 50), 0)
    q2 = paste_rotated(canvas, draw_line("2048"), (300, 50), 0)
    regions = [Region(quad=q1, level="word"), Region(quad=q2, level="word")]
    out = _build(plugin_host, "recognizer", "tesseract").recognize(_page(canvas), regions)
    assert [r.text for r in out] == ["Invoice", "2048"]
    assert all(r.children == () for r in out)
    digits = _build(plugin_host, "recognizer", "tesseract", whitelist="0123456789").recognize(_page(canvas), regions)
    assert digits[1].text == "2048"
    assert not any(c.isalpha() for c in digits[0].text or "")


def test_unreadable_regions_give_empty_text_and_zero_confidence(plugin_host):
    canvas = np.full((100, 100, 3), 255, np.uint8)
    blank = Region.from_box(10, 10, 90, 40, level="line")
    degenerate = Region(quad=((50, 50), (50, 50), (50, 50), (50, 50)), level="word")
    out = _build(plugin_host, "recognizer", "tesseract").recognize(_page(canvas), [blank, degenerate])
    assert [(r.text, r.confidence) for r in out] == [("", 0.0), ("", 0.0)]


def test_many_regions_keep_order_and_count(plugin_host):
    canvas = np.full((60 * 12, 500, 3), 255, np.uint8)
    texts = [f"line number {k}" for k in range(12)]
    regions = [
        Region(quad=paste_rotated(canvas, draw_line(t, 24), (250, 30 + 60 * k), 0), level="line")
        for k, t in enumerate(texts)
    ]
    out = _build(plugin_host, "recognizer", "tesseract", threads=2).recognize(_page(canvas), regions[::-1])
    assert [r.text for r in out] == texts[::-1]


def test_pytesseract_backend_reads_stacked_crops(plugin_host):
    canvas = np.full((300, 600, 3), 255, np.uint8)
    texts = ["first stacked line", "second one", "third"]
    regions = [
        Region(quad=paste_rotated(canvas, draw_line(t), (300, 50 + 90 * k), 0), level="line")
        for k, t in enumerate(texts)
    ]
    out = _build(plugin_host, "recognizer", "tesseract", backend="pytesseract").recognize(_page(canvas), regions)
    assert [r.text for r in out] == texts
    assert all(len(r.children) == len(t.split()) for r, t in zip(out, texts, strict=True))


def test_missing_language_says_how_to_install(plugin_host):
    with pytest.raises(WeightsError, match=r"apt-get install tesseract-ocr-chi-sim"):
        _build(plugin_host, "recognizer", "tesseract", lang="eng+chi_sim")
    # 'xyz' is no Tesseract code: no apt package to suggest (issue 23), but the installed codes.
    with pytest.raises(ConfigError, match=r"'xyz' is not a Tesseract language code.*installed in .*eng") as info:
        _build(plugin_host, "detector", "tesseract-layout", lang="xyz")
    assert "apt-get" not in str(info.value)


@pytest.mark.parametrize(
    ("role", "name", "option"),
    [("recognizer", "tesseract", "tesseract option 'lang'"), ("detector", "tesseract-layout", "tesseract-layout option 'lang'")],
)
def test_language_names_that_are_not_codes_get_did_you_mean(plugin_host, role, name, option):
    with pytest.raises(ConfigError) as info:
        _build(plugin_host, role, name, lang="english")
    message = str(info.value)
    assert option in message and "'english' is not a Tesseract language code; did you mean 'eng'?" in message
    assert "eng" in message.split("installed")[1] and "apt-get" not in message
    with pytest.raises(ConfigError, match=r"'fr' is not a Tesseract language code; did you mean 'fra'\?") as info:
        _build(plugin_host, role, name, lang="eng+fr")
    assert "tesseract-ocr-fr" not in str(info.value)
    # A real code that is not installed keeps the package hint.
    with pytest.raises(WeightsError, match=r"apt-get install tesseract-ocr-fra"):
        _build(plugin_host, role, name, lang="eng+fra")


def test_bad_language_through_ocrplug_run_is_exit_2(tmp_path, capsys):
    from PIL import Image

    from ocrplug.cli import main

    image = tmp_path / "a.png"
    Image.new("RGB", (60, 30), "white").save(image)
    code = main(["run", str(image), "-o", str(tmp_path / "out"), "--set", "detector=null",
                 "--set", "recognizer=tesseract", "--set", "recognizer.options.lang=english"])
    err = capsys.readouterr().err
    assert code == 2 and "did you mean 'eng'?" in err and "tesseract-ocr-english" not in err


def test_bad_config_flags_are_config_errors(plugin_host):
    with pytest.raises(ConfigError, match="unsupported flag '--foo'"):
        _build(plugin_host, "recognizer", "tesseract", config="--foo")
    with pytest.raises(ConfigError, match="unknown Tesseract variable 'no_such_var'"):
        _build(plugin_host, "recognizer", "tesseract", config="-c no_such_var=1")


def _text_page() -> tuple[np.ndarray, list[str]]:
    canvas = np.full((400, 800, 3), 255, np.uint8)
    lines = ["The first line of this page", "and here comes the second", "then a third one"]
    for k, t in enumerate(lines):
        patch = draw_line(t, 28)
        y = 60 + 90 * k
        canvas[y : y + patch.shape[0], 60 : 60 + patch.shape[1]] = patch
    return canvas, lines


def test_layout_detector_finds_lines_with_word_children(plugin_host):
    canvas, lines = _text_page()
    det = _build(plugin_host, "detector", "tesseract-layout")
    regions = det.detect(_page(canvas))
    assert [r.level for r in regions] == ["line"] * 3
    assert [len(r.children) for r in regions] == [len(t.split()) for t in lines]
    assert all(r.text is None and 0.5 < r.score <= 1 for r in regions)
    tops = [r.bbox[1] for r in regions]
    assert tops == sorted(tops) and [r.order for r in regions] == [0, 1, 2]
    for r in regions:
        assert all(0 <= w.score <= 1 for w in r.children)
    # Detector + recognizer read the page back.
    rec = _build(plugin_host, "recognizer", "tesseract")
    assert [r.text for r in rec.recognize(_page(canvas), regions)] == lines


def test_layout_detector_levels_and_downscaling(plugin_host):
    canvas, lines = _text_page()
    words = _build(plugin_host, "detector", "tesseract-layout", level="word").detect(_page(canvas))
    assert len(words) == sum(len(t.split()) for t in lines) and all(w.level == "word" for w in words)
    blocks = _build(plugin_host, "detector", "tesseract-layout", level="block").detect(_page(canvas))
    assert all(b.level == "block" for b in blocks)
    assert sum(len(b.children) for b in blocks) == 3
    big = cv2.resize(canvas, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    full = _build(plugin_host, "detector", "tesseract-layout").detect(_page(canvas))
    small = _build(plugin_host, "detector", "tesseract-layout", max_side=800).detect(_page(big))
    assert len(small) == 3
    # Coordinates come back in the page's own pixels (twice those of the original), not downscaled ones.
    for a, b in zip(full, small, strict=True):
        assert np.allclose(np.asarray(b.bbox), 2 * np.asarray(a.bbox), atol=8)
    none = _build(plugin_host, "detector", "tesseract-layout", min_size=500).detect(_page(canvas))
    assert none == []


def _skewed_letter(degrees: float) -> tuple[np.ndarray, list[str]]:
    """Long lines set close (pitch 1.5 text heights), the page turned ``degrees`` counter-clockwise."""
    lines = [
        "Thank you for attending your appointment on Tuesday morning.",
        "Your blood results came back within the normal range and the",
        "doctor does not need to see you again before your annual review",
        "in September. Please continue the current dose of two tablets",
        "once a day and book your repeat prescription at least five days",
    ]
    canvas = np.full((700, 1300, 3), 255, np.uint8)
    for k, t in enumerate(lines):
        patch = draw_line(t, 28, pad=4)
        y = 180 + 42 * k
        canvas[y : y + patch.shape[0], 80 : 80 + patch.shape[1]] = patch
    m = cv2.getRotationMatrix2D((650, 350), degrees, 1.0)
    return cv2.warpAffine(canvas, m, (1300, 700), borderValue=(255, 255, 255)), lines


@pytest.mark.parametrize("degrees", [4.5, -3.0])  # at -4.5 Tesseract 5 finds no text at all (psm 3)
def test_layout_detector_lines_follow_a_skewed_pages_baselines(plugin_host, degrees):
    # Issue 24 (T10): a line's axis-aligned box on a page skewed 4.5 degrees held halves of the lines
    # above and below, and the recognizer read "pata Gi cduiiva your appointment on iene".
    canvas, lines = _skewed_letter(degrees)
    regions = _build(plugin_host, "detector", "tesseract-layout").detect(_page(canvas))
    assert len(regions) == len(lines)
    rec = _build(plugin_host, "recognizer", "tesseract")
    assert [r.text for r in rec.recognize(_page(canvas), regions)] == lines
    for r in regions:  # along the text (counter-clockwise on screen is y up: a negative angle)
        assert abs(-np.degrees(quad_angle(r.quad)) - degrees) < 1.0
        assert all(abs(-np.degrees(quad_angle(w.quad)) - degrees) < 1.0 for w in r.children)


def test_layout_detector_keeps_boxes_on_a_level_page(plugin_host):
    # Tesseract's baseline of a level line may lean a pixel or two: such a line keeps its box.
    canvas, lines = _skewed_letter(0.0)
    regions = _build(plugin_host, "detector", "tesseract-layout").detect(_page(canvas))
    assert len(regions) == len(lines)
    for r in regions:
        x0, y0, x1, y1 = r.bbox
        assert np.allclose(np.asarray(r.quad), [[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
        assert "baseline" in r.attributes


def test_missing_tesseract_program_says_how_to_install(plugin_host, monkeypatch):
    import pytesseract

    from ocrplug.errors import PluginError

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(PluginError, match="apt-get install tesseract-ocr"):
        _build(plugin_host, "recognizer", "tesseract", backend="pytesseract")


def test_layout_detector_pytesseract_backend_agrees(plugin_host):
    canvas, _lines = _text_page()
    fast = _build(plugin_host, "detector", "tesseract-layout").detect(_page(canvas))
    slow = _build(plugin_host, "detector", "tesseract-layout", backend="pytesseract").detect(_page(canvas))
    assert len(slow) == len(fast) == 3
    assert [len(r.children) for r in slow] == [len(r.children) for r in fast]
    for a, b in zip(fast, slow, strict=True):
        assert np.allclose(a.bbox, b.bbox, atol=4)


def test_pytesseract_backend_limits_omp_threads_of_the_program_only(plugin_host, monkeypatch, tmp_path):
    """OMP_THREAD_LIMIT=1 reaches the tesseract child, never this process (it would break torch)."""
    import os
    import shutil

    import pytesseract

    real = shutil.which("tesseract")
    if real is None:
        pytest.skip("the tesseract program is not installed (apt-get install tesseract-ocr)")
    seen = tmp_path / "omp.txt"
    wrapper = tmp_path / "tesseract"
    wrapper.write_text(f'#!/bin/sh\necho "${{OMP_THREAD_LIMIT-unset}}" >> "{seen}"\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", str(wrapper))
    monkeypatch.delenv("OMP_THREAD_LIMIT", raising=False)
    canvas = np.full((120, 500, 3), 255, np.uint8)
    quad = paste_rotated(canvas, draw_line("limited threads"), (250, 60), 0)
    rec = _build(plugin_host, "recognizer", "tesseract", backend="pytesseract")
    (out,) = rec.recognize(_page(canvas), [Region(quad=quad, level="line")])
    assert _words(out.text) == ["limited", "threads"]
    assert "OMP_THREAD_LIMIT" not in os.environ
    assert seen.read_text().split() == ["1"]
    # A limit the user set is passed on unchanged.
    monkeypatch.setenv("OMP_THREAD_LIMIT", "2")
    rec.recognize(_page(canvas), [Region(quad=quad, level="line")])
    assert seen.read_text().split() == ["1", "2"]
