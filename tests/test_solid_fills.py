"""Issue 24 (T10 fault 6): a chart's bar is no text, and a line read as nothing is no line.

DBNet boxed the filled bars of a bar chart and PP-OCR read them as ``1`` and ``à`` (Tesseract as
``|``); :func:`ocrplug.fills.glyphless` now keeps such a region from every recognizer. With the
``tesseract`` recognizer ``page.lines`` held lines of empty text and confidence 0: the host now drops a
line read as nothing, so every renderer and the OCRmyPDF door see the same lines.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocrplug import Pipeline, Recognizer
from ocrplug.components import Detector
from ocrplug.fills import glyphless, text_height
from ocrplug.model import PageImage, Region
from ocrplug.presets import preset_config

BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
SANS = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    if not path.exists():
        pytest.skip("fonts-dejavu-core is not installed")
    return ImageFont.truetype(str(path), size)


def chart(size: tuple[int, int] = (1700, 1400), scale: int = 18, inside: bool = False):
    """A bar chart: an axis with ticks 0-40, 4 blue bars 100 px wide (``scale`` px a unit), value labels
    (36 px) above them (``inside``: white, inside the bars), quarter labels below; and the bars' boxes.
    On ``main`` before issue 24's fault 6 the fast preset read a bar of these as ``■`` (1700 x 1400,
    scale 18), ``1`` (scale 16) and ``–`` (1600 x 1300)."""
    w, h = size
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    font = _font(SANS, 36)
    draw.text((300, 60), "Units sold per quarter", font=font, fill="black")
    base = h - 350
    draw.line((300, base, w - 300, base), fill="black", width=3)
    draw.line((300, 150, 300, base), fill="black", width=3)
    for v in (0, 10, 20, 30, 40):
        draw.text((220, base - v * scale - 20), str(v), font=font, fill="black")
    bars = []
    for k, value in enumerate((12, 27, 35, 19)):
        x, top = 380 + 240 * k, base - value * scale
        draw.rectangle((x, top, x + 100, base - 1), fill=(70, 110, 170))
        bars.append((x, top, x + 100, base))
        label_y = top + 20 if inside else top - 50
        draw.text((x + 30, label_y), str(value), font=font, fill="white" if inside else "black")
        draw.text((x + 30, base + 20), f"Q{k + 1}", font=font, fill="black")
    return np.asarray(img), bars


def _gray(image: np.ndarray) -> np.ndarray:
    return np.asarray(Image.fromarray(image).convert("L"))


def test_a_bar_is_glyphless_with_its_margins_and_the_axis_under_it() -> None:
    image, bars = chart()
    gray = _gray(image)
    for x0, y0, x1, y1 in bars:
        # A detector's box of a bar: a few pixels of paper round it, the axis line and a label's foot.
        assert glyphless(gray, Region.from_box(x0 - 8, y0 - 12, x1 + 8, y1 + 6), 40.0)


def test_a_label_printed_inside_a_bar_is_read() -> None:
    image, bars = chart(inside=True)
    gray = _gray(image)
    for x0, y0, x1, _ in bars:
        assert not glyphless(gray, Region.from_box(x0 - 4, y0 - 4, x1 + 4, y0 + 80), 40.0)


@pytest.mark.parametrize("glyph", ["1", "l", "I", "|", "-", "\u2014", "_", "ll", "1 l I"])
@pytest.mark.parametrize("size", [14, 40, 96])
def test_glyphs_most_like_a_bar_are_not_glyphless(glyph: str, size: int) -> None:
    font = _font(BOLD, size)
    img = Image.new("L", (4 * size + 40, 2 * size + 40), 255)
    draw = ImageDraw.Draw(img)
    draw.text((20, 20), glyph, font=font, fill=0)
    x0, y0, x1, y1 = draw.textbbox((20, 20), glyph, font=font)
    gray = np.asarray(img)
    # The page's text height: the line box of this size; the region: the glyph's box, tight and padded.
    height = float(size * 1.2)
    for pad in (0, 3, size // 4):
        region = Region.from_box(x0 - pad, y0 - pad, x1 + pad, y1 + pad)
        assert not glyphless(gray, region, height), (glyph, size, pad)


def test_blank_paper_is_glyphless_and_text_height_is_the_median_short_side() -> None:
    gray = np.full((200, 400), 250, np.uint8)
    assert glyphless(gray, Region.from_box(10, 10, 300, 60), 30.0)
    regions = [Region.from_box(0, 0, 300, 30), Region.from_box(0, 0, 30, 200), Region.from_box(0, 0, 100, 50)]
    assert text_height(regions) == 30.0
    assert text_height([]) == 0.0


@pytest.mark.parametrize(("size", "scale"), [((1700, 1400), 18), ((1700, 1400), 16), ((1600, 1300), 18)])
def test_the_fast_preset_reads_no_bar_of_a_chart(size: tuple[int, int], scale: int) -> None:
    image, bars = chart(size, scale)
    page = Pipeline.from_dict(dict(preset_config("fast"), renderers=[])).run(image).pages[0]
    for word in page.words:
        q = np.asarray(word.quad)
        cx, cy = q[:, 0].mean(), q[:, 1].mean()
        on = [b for b in bars if b[0] <= cx <= b[2] and b[1] + 10 <= cy <= b[3]]
        assert not on, (word.text, word.quad)
    for label in ("12", "27", "35", "19", "Q1", "Q4", "40"):
        assert label in page.text, page.text


class _Boxes(Detector):
    """Three word boxes on a white page: two over drawn words, one over a smudge."""

    def detect(self, page: PageImage) -> list[Region]:
        return [Region.from_box(40, 40, 300, 100, level="line"), Region.from_box(40, 140, 300, 200, level="line"),
                Region.from_box(40, 240, 300, 300, level="line")]


class _Reader(Recognizer):
    """Reads ``hello`` and ``world`` for the first two boxes and nothing for the third (as Tesseract
    reads a smudge: empty text, confidence 0)."""

    def recognize(self, page: PageImage, regions):
        out = []
        for r in regions:
            y = np.asarray(r.quad)[:, 1].mean()
            text = "hello" if y < 120 else "world" if y < 220 else ""
            out.append(r.with_(text=text, confidence=0.9 if text else 0.0))
        return out


def _page_with_smudge() -> np.ndarray:
    img = Image.new("RGB", (400, 360), "white")
    draw = ImageDraw.Draw(img)
    font = _font(SANS, 40)
    draw.text((50, 45), "hello", font=font, fill="black")
    draw.text((50, 145), "world", font=font, fill="black")
    draw.ellipse((60, 250, 120, 290), fill=(120, 120, 120), outline="black")
    draw.line((130, 270, 280, 262), fill="black", width=2)
    return np.asarray(img)


def test_a_line_read_as_nothing_is_no_line_in_any_output(tmp_path: Path) -> None:
    renderers = ["text", "json", "hocr", "alto", "page"]
    pipeline = Pipeline(detector=_Boxes(), recognizer=_Reader(), renderers=renderers,
                        output={"dir": str(tmp_path)})
    page = pipeline.run(_page_with_smudge()).pages[0]
    assert [ln.text for ln in page.lines] == ["hello", "world"]
    assert all((r.text or "").strip() for r, _ in page.walk() if r.level in ("line", "word"))
    hocr = next(tmp_path.glob("*.hocr")).read_text()
    assert hocr.count("class='ocr_line'") + hocr.count('class="ocr_line"') == 2, hocr
    alto = next(tmp_path.glob("*.alto.xml")).read_text()
    assert alto.count("<TextLine") == 2
    page_xml = next(tmp_path.glob("*.page.xml")).read_text()
    assert page_xml.count("<TextLine") == 2
    import importlib.util

    if importlib.util.find_spec("ocrmypdf") is not None:
        from ocrplug.integrations import ocrmypdf as engine

        assert len(engine.page_to_ocr_tree(page, 72, 0).lines) == 2
