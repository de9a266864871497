"""The overlay renderer: outlines are drawn where the regions are, in the chosen colours."""

from __future__ import annotations

import numpy as np
import pytest
from ocrplug_render.overlay import OverlayOptions, OverlayRenderer, draw_overlay, parse_color
from PIL import Image
from pydantic import ValidationError

from ocrplug.errors import PluginError
from ocrplug.model import Document, Page, PageImage, Region

from .samples import render, rotated_quad, sample_document

WHITE = (255, 255, 255)


def _page(*regions: Region, w: int = 400, h: int = 300) -> Page:
    return Page(index=0, width=w, height=h, source="t.png", regions=regions)


def _white(w: int = 400, h: int = 300) -> np.ndarray:
    return np.full((h, w, 3), 255, dtype=np.uint8)


def _edge_points(quad, n: int = 12):
    """Points along the four edges of a quad, away from the corners."""
    q = np.asarray(quad, dtype=np.float64)
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        for t in np.linspace(0.15, 0.85, n):
            yield a + (b - a) * t


def _has_colour_near(img: np.ndarray, point, colour, radius: int = 1) -> bool:
    x, y = round(float(point[0])), round(float(point[1]))
    patch = img[max(y - radius, 0): y + radius + 1, max(x - radius, 0): x + radius + 1].reshape(-1, 3)
    return bool(np.any(np.all(patch == colour, axis=1)))


def test_axis_aligned_box_edges_have_the_colour() -> None:
    word = Region.from_box(100, 100, 200, 140, level="word", text="x")
    out = draw_overlay(_page(word), _white(), OverlayOptions(word_color="red", line_width=2))
    for x in range(105, 196, 5):
        assert tuple(out[100, x]) == (255, 0, 0) and tuple(out[140, x]) == (255, 0, 0)
    for y in range(105, 136, 5):
        assert tuple(out[y, 100]) == (255, 0, 0) and tuple(out[y, 200]) == (255, 0, 0)
    assert tuple(out[120, 150]) == WHITE  # inside stays untouched
    assert tuple(out[50, 50]) == WHITE
    red = np.all(out == (255, 0, 0), axis=2)
    ys, xs = np.nonzero(red)
    assert xs.min() >= 98 and xs.max() <= 202 and ys.min() >= 98 and ys.max() <= 142


def test_rotated_quad_is_drawn_rotated() -> None:
    quad = rotated_quad(200, 150, 160, 40, 30)
    word = Region(quad=quad, level="word")
    out = draw_overlay(_page(word), _white(), OverlayOptions(word_color="#ff00ff", line_width=2))
    for point in _edge_points(quad):
        assert _has_colour_near(out, point, (255, 0, 255)), point
    # The axis-aligned box corners are far from a 30-degree quad: they stay white.
    x0, y0 = np.min(quad, axis=0)
    assert tuple(out[int(y0) + 3, int(x0) + 3]) == WHITE
    assert tuple(out[150, 200]) == WHITE


def test_levels_get_their_own_colours_and_can_be_left_out() -> None:
    word = Region.from_box(60, 60, 100, 80, level="word", text="a")
    line = Region.from_box(50, 50, 300, 90, level="line", children=(word,))
    block = Region.from_box(20, 20, 350, 200, level="block", children=(line,))
    opts = OverlayOptions(word_color="#010203", line_color="yellow", block_color="rgb(0,0,200)")
    out = draw_overlay(_page(block), _white(), opts)
    assert tuple(out[20, 150]) == (0, 0, 200)
    assert tuple(out[50, 200]) == (255, 255, 0)
    assert tuple(out[60, 80]) == (1, 2, 3)
    only_words = draw_overlay(_page(block), _white(), opts.model_copy(update={"levels": ["word"]}))
    assert tuple(only_words[20, 150]) == WHITE and tuple(only_words[50, 200]) == WHITE
    assert tuple(only_words[60, 80]) == (1, 2, 3)


def test_polygon_and_box_shapes() -> None:
    poly = ((100, 100), (200, 80), (300, 100), (300, 160), (100, 160))
    quad = ((100, 80), (300, 80), (300, 160), (100, 160))
    line = Region(quad=quad, polygon=poly, level="line")
    out = draw_overlay(_page(line), _white(), OverlayOptions(line_color="red"))
    assert _has_colour_near(out, (150, 90), (255, 0, 0))  # on the slanted polygon edge
    assert tuple(out[80, 120]) == WHITE  # the quad's top edge is not drawn
    boxed = draw_overlay(_page(Region(quad=rotated_quad(200, 150, 160, 40, 30), level="line")), _white(),
                         OverlayOptions(line_color="red", shape="box"))
    quad30 = np.asarray(rotated_quad(200, 150, 160, 40, 30))
    x0, y0 = quad30.min(axis=0)
    assert _has_colour_near(boxed, (x0, y0), (255, 0, 0))


def test_fill_and_labels() -> None:
    word = Region.from_box(100, 100, 200, 140, level="word", text="Hi", score=0.5, confidence=0.25)
    filled = draw_overlay(_page(word), _white(), OverlayOptions(word_color="red", fill_opacity=0.5))
    r, g, b = filled[120, 150]
    assert r == 255 and 120 <= g <= 135 and 120 <= b <= 135
    labelled = draw_overlay(_page(word), _white(), OverlayOptions(word_color="red", labels=["index", "score", "text"],
                                                                  label_background=None))
    above = labelled[70:99, 95:260]
    assert np.any(np.all(above == (255, 0, 0), axis=2))  # label glyphs in the region colour above the box
    plain = draw_overlay(_page(word), _white(), OverlayOptions(word_color="red"))
    assert not np.any(np.all(plain[70:97, 95:260] == (255, 0, 0), axis=2))


def test_image_larger_than_page_scales_outlines() -> None:
    word = Region.from_box(100, 100, 200, 140, level="word")
    out = draw_overlay(_page(word), _white(800, 600), OverlayOptions(word_color="red", line_width=1))
    assert tuple(out[200, 300]) == (255, 0, 0) and tuple(out[280, 300]) == (255, 0, 0)


def test_writes_one_file_per_page(info) -> None:
    paths = render(OverlayRenderer(), sample_document(2), info)
    assert [p.name for p in paths] == ["sample_p0001.png", "sample_p0002.png"]
    with Image.open(paths[0]) as im:
        assert im.format == "PNG" and im.size == (640, 480)
        assert np.any(np.all(np.asarray(im) == (255, 0, 0), axis=2))
    jpeg = render(OverlayRenderer(OverlayOptions(format="jpeg", jpeg_quality=80)), sample_document(1), info)
    assert jpeg[0].name == "sample_p0001.jpg"
    with Image.open(jpeg[0]) as im:
        assert im.format == "JPEG"


def test_session_keeps_no_images_and_abort_removes_files(info) -> None:
    doc = sample_document(2)
    session = OverlayRenderer().open(info)
    img = PageImage(image=_white(640, 480), index=0, source="sample.png")
    session.add_page(doc.pages[0], img)
    assert not any(isinstance(v, (np.ndarray, PageImage)) for v in vars(session).values())
    # Written under a hidden temporary name until the document commits.
    assert not (info.out_dir / "sample_p0001.png").exists()
    assert [p.name.startswith(".sample_p0001.") for p in info.out_dir.iterdir()] == [True]
    session.abort()
    assert list(info.out_dir.iterdir()) == []


def test_abort_keeps_files_an_earlier_run_completed(info) -> None:
    doc = sample_document(2)
    img = PageImage(image=_white(640, 480), index=0, source="sample.png")
    first = OverlayRenderer().open(info)
    first.add_page(doc.pages[0], img)
    assert first.close() == [info.out_dir / "sample_p0001.png"]
    before = (info.out_dir / "sample_p0001.png").read_bytes()
    again = OverlayRenderer(OverlayOptions(color="green")).open(info)
    again.add_page(doc.pages[0], img)
    again.abort()
    assert [p.name for p in info.out_dir.iterdir()] == ["sample_p0001.png"]
    assert (info.out_dir / "sample_p0001.png").read_bytes() == before


def test_missing_image_and_bad_colour_are_clear_errors(info) -> None:
    session = OverlayRenderer().open(info)
    with pytest.raises(PluginError, match="without its image"):
        session.add_page(Document(source="s", pages=(_page(),)).pages[0], None)
    with pytest.raises(ValidationError, match="unknown colour"):
        OverlayOptions(word_color="reddish")
    assert parse_color("#0f0") == (0, 255, 0)


def test_single_colour_overrides_levels() -> None:
    word = Region.from_box(60, 60, 100, 80, level="word")
    line = Region.from_box(50, 50, 300, 90, level="line", children=(word,))
    out = draw_overlay(_page(line), _white(), OverlayOptions(color="green"))
    assert tuple(out[50, 200]) == (0, 128, 0) and tuple(out[60, 80]) == (0, 128, 0)


def test_a_font_that_is_no_font_stops_the_run_before_any_page(tmp_path, capsys) -> None:
    """Tester T12 (issue 24): ``font: /etc/passwd`` was only tried when the first page was drawn, so
    the whole OCR ran and every document failed; now it is a config error naming the key (exit 2)."""
    from ocrplug.cli import main

    not_a_font = tmp_path / "notes.ttf"
    not_a_font.write_text("not a font\n")
    with pytest.raises(ValidationError, match="cannot load font file"):
        OverlayOptions(font=str(not_a_font))
    Image.new("RGB", (40, 20), "white").save(tmp_path / "a.png")
    for font in (str(not_a_font), str(tmp_path / "missing.ttf")):
        code = main(["run", str(tmp_path / "a.png"), "-o", str(tmp_path / "out"), "--no-progress",
                     "--set", "detector=null", "--set", "recognizer=null",
                     "--set", f"renderers=[{{name: text}}, {{name: overlay, options: {{font: '{font}'}}}}]"])
        err = capsys.readouterr().err
        assert code == 2 and "renderers.1.options.font" in err and font in err, err
        assert not (tmp_path / "out").exists()  # nothing read, nothing written
