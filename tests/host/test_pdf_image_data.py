"""A PDF page whose image data is damaged is read as drawn, with a warning naming the file, page and object.

poppler draws the top of a JPEG (``/DCTDecode``) cut short and says nothing (exit 0, empty stderr), so
the page used to be read half-way in silence. The `pdf2image` rasterizer decodes the page's image
XObjects (pikepdf + Pillow) and keeps what it finds on the page (``PageImage.warnings`` ->
``Page.warnings``), in the JSON, the run report, the manifest (``warned_pages``) and the CLI summary.
"""

from __future__ import annotations

import io
import json
import logging
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from ocrplug.cli import main
from ocrplug.components import PageRange
from ocrplug.model import Page

pikepdf = pytest.importorskip("pikepdf")
from ocrplug_inputs.pdf import Pdf2ImageOptions, Pdf2ImageRasterizer  # noqa: E402

EXAMPLE_PDF = Path(__file__).resolve().parents[2] / "examples" / "sample.pdf"


def _page_image(number: int) -> Image.Image:
    """A 1275 x 1650 grey page (8.5 x 11 in at 150 dpi) with 13 text lines, ink down to the bottom."""
    image = Image.new("L", (1275, 1650), 255)
    draw = ImageDraw.Draw(image)
    for line in range(13):
        draw.text((100, 100 + 110 * line), f"page {number} line {line + 1} speed limit drops", fill=0, font_size=48)
    return image


def _three_pages(path: Path, cut: int | None = None, flate: bool = False) -> int:
    """A 3-page PDF of full-page images, page 2 a JPEG (``/DCTDecode``), the others Flate data; the image
    stream of page ``cut`` (1-based) cut to a third of its bytes. Returns that image's object number."""
    pdf = pikepdf.Pdf.new()
    for number in (1, 2, 3):
        image = _page_image(number)
        if number == 2 and not flate:
            buf = io.BytesIO()
            image.save(buf, "JPEG", quality=85)
            stream = pikepdf.Stream(pdf, buf.getvalue())
            stream.Filter = pikepdf.Name.DCTDecode
        else:
            stream = pikepdf.Stream(pdf, zlib.compress(image.tobytes()))
            stream.Filter = pikepdf.Name.FlateDecode
        stream.Type, stream.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        stream.Width, stream.Height = image.width, image.height
        stream.ColorSpace, stream.BitsPerComponent = pikepdf.Name.DeviceGray, 8
        content = pikepdf.Stream(pdf, b"q 612 0 0 792 0 0 cm /Im0 Do Q")
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, 612, 792], Contents=content,
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=stream)),
        )))
    if cut is not None:
        obj = pdf.pages[cut - 1].Resources.XObject.Im0
        raw = obj.read_raw_bytes()
        obj.write(raw[: len(raw) // 3], filter=obj.Filter)
    pdf.save(path)
    with pikepdf.open(path) as saved:  # saving renumbers the objects
        return saved.pages[(cut or 1) - 1].Resources.XObject.Im0.objgen[0]


def _warnings(path: Path, dpi: float = 50) -> list[tuple[str, ...]]:
    rasterizer = Pdf2ImageRasterizer(Pdf2ImageOptions())
    return [image.warnings for image in rasterizer.iter_pages(path, PageRange(), dpi)]


def test_cut_jpeg_page_is_read_with_a_warning_naming_file_page_and_object(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "cut.pdf"
    number = _three_pages(path, cut=2)
    with caplog.at_level(logging.WARNING):
        found = _warnings(path)
    assert len(found) == 3, "every page is still read"
    assert found[0] == () and found[2] == ()
    (warning,) = found[1]
    assert warning.startswith(f"{path}: page 2 may be incomplete (damaged image data: image object {number} 0: ")
    assert "truncated" in warning and warning.endswith("read as drawn")
    assert warning in caplog.text


def test_cut_flate_image_gives_one_warning_for_its_page(tmp_path: Path) -> None:
    """Flate data cut short: poppler says so, and the image check agrees; one sentence for the page."""
    path = tmp_path / "cutflate.pdf"
    number = _three_pages(path, cut=3)
    found = _warnings(path)
    assert found[:2] == [(), ()]
    (warning,) = found[2]
    assert "page 3 may be incomplete (poppler: " in warning and f"image object {number} 0: " in warning


@pytest.mark.parametrize("name", ["sound", "example"])
def test_sound_pdfs_have_no_warnings(tmp_path: Path, name: str) -> None:
    path = EXAMPLE_PDF if name == "example" else tmp_path / "sound.pdf"
    if name == "sound":
        _three_pages(path)
    assert all(w == () for w in _warnings(path))


def test_run_records_the_warning_in_json_manifest_and_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "cut.pdf"
    _three_pages(path, cut=2)
    job = tmp_path / "job.yaml"
    job.write_text("input: {dpi: 50}\ndetector: null\nrecognizer: null\nrenderers: [json]\n")
    out = tmp_path / "out"
    assert main(["run", str(path), "-c", str(job), "-o", str(out), "--no-progress"]) == 0  # read, not failed
    err = capsys.readouterr().err
    assert "1 page(s) read with a warning (may be incomplete):" in err
    assert f"{path}: page 2 may be incomplete (damaged image data: image object" in err
    data = json.loads((out / "cut.json").read_text())
    assert [len(p.get("warnings", ())) for p in data["pages"]] == [0, 1, 0]
    assert data["failures"] == []
    assert Page.from_dict(data["pages"][1]).warnings == tuple(data["pages"][1]["warnings"])
    manifest = json.loads((out / ".ocrplug" / "manifest.json").read_text())
    (entry,) = manifest["documents"].values()
    assert entry["status"] == "done" and entry["warned_pages"] == [1]
