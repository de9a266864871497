"""Odd input files: each reported case (generated here, and the shared case file when present) gives
the right result, and one bad input never costs the others. The table in docs/robustness.md lists them."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import numpy as np
import pytest
from ocrplug_inputs.images import ImageRasterizer
from ocrplug_inputs.pdf import Pdf2ImageOptions, Pdf2ImageRasterizer
from PIL import Image, ImageDraw

from ocrplug import InputError
from ocrplug.cli import main
from ocrplug.components import PageRange

from .conftest import shared_path

FAKES = "plugins: [tests.fakes.fault_plugin]\n"
# Rasterize and write, nothing else: no model is loaded.
PLAIN = ["--set", "detector=null", "--set", "recognizer=null", "--no-progress"]


def _image_pages(path: Path, max_pixels: int | None = None) -> list:
    rasterizer = ImageRasterizer()
    if max_pixels is not None:
        rasterizer.max_pixels = max_pixels
    return list(rasterizer.iter_pages(path, PageRange(None), 300))


def _pdf_pages(path: Path, dpi: float = 72, password: str | None = None, max_pixels: int | None = None) -> list:
    rasterizer = Pdf2ImageRasterizer(Pdf2ImageOptions(password=password))
    if max_pixels is not None:
        rasterizer.max_pixels = max_pixels
    return list(rasterizer.iter_pages(path, PageRange(None), dpi))


def _text_image(path: Path, size: tuple[int, int] = (300, 80), **save) -> Path:
    img = Image.new("RGB", size, "white")
    ImageDraw.Draw(img).rectangle((20, 20, 120, 50), fill=(30, 30, 30))
    img.save(path, **save)
    return path


def _png_claiming(path: Path, width: int, height: int) -> Path:
    """A tiny PNG whose header claims ``width`` x ``height`` pixels (its data is far too short)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))
                     + chunk(b"IEND", b""))
    return path


# -- decompression bombs and the max_pixels bound ----------------------------------------------------


def test_oversized_images_fail_by_name_and_the_good_file_is_read(tmp_path: Path, capsys) -> None:
    claim = _png_claiming(tmp_path / "claims_100k.png", 100_000, 100_000)  # over Pillow's bomb limit
    big = _text_image(tmp_path / "big.png", (400, 300))  # over the bound set below
    good = _text_image(tmp_path / "good.png", (200, 100))
    out = tmp_path / "out"
    code = main(["run", str(claim), str(big), str(good), "-o", str(out), *PLAIN,
                 "--set", "input.max_pixels=100000", "--set", "renderers=[json]"])
    err = capsys.readouterr().err
    assert code == 1
    assert json.loads((out / "good.json").read_text())["pages"][0]["width"] == 200
    assert not (out / "big.json").exists() and not (out / "claims_100k.json").exists()
    assert "claims_100k.png" in err and "10,000,000,000 pixels is larger than input.max_pixels" in err
    assert "big.png" in err and "400 x 300 = 120,000 pixels is larger than input.max_pixels (100,000)" in err
    assert "Traceback" not in err


def test_default_bound_refuses_a_bomb_before_decoding(tmp_path: Path) -> None:
    claim = _png_claiming(tmp_path / "claim.png", 12_000, 12_000)  # 144 M: over the default, under Pillow's error
    with pytest.raises(InputError, match=r"claim\.png: image of 12000 x 12000 = 144,000,000 pixels is larger"):
        _image_pages(claim)


def test_large_pdf_page_is_rendered_at_a_fitting_dpi(tmp_path: Path, caplog) -> None:
    path = tmp_path / "poster.pdf"
    Image.new("RGB", (720, 720), "white").save(path, resolution=72)  # a 10 x 10 inch page
    (page,) = _pdf_pages(path, dpi=300, max_pixels=250_000)
    assert page.width * page.height <= 250_000 and page.dpi is not None and page.dpi < 72
    assert abs(page.width / page.dpi - 10) < 0.1  # the stated dpi still gives the page size
    assert "exceeds input.max_pixels" in caplog.text


# -- PDFs: CropBox, 0 pages, passwords ------------------------------------------------------------


def _cropbox_pdf(path: Path) -> Path:
    import pikepdf

    # A black mark at (10..40, 10..40) pt, outside the CropBox [72 36 432 270] of a 504 x 360 MediaBox.
    pdf = pikepdf.Pdf.new()
    content = b"0 g 10 10 30 30 re f 0.5 g 200 100 50 50 re f"
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 504, 360], CropBox=[72, 36, 432, 270],
        Contents=pikepdf.Stream(pdf, content), Resources=pikepdf.Dictionary(),
    )
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path


def test_pdf_is_rendered_inside_its_cropbox(tmp_path: Path) -> None:
    (page,) = _pdf_pages(_cropbox_pdf(tmp_path / "crop.pdf"), dpi=72)
    assert (page.width, page.height) == (360, 234)
    assert page.image.min() > 64  # the black mark outside the CropBox is not on the page
    assert (page.image < 200).any()  # the grey square inside it is


def test_pdf_with_no_pages_and_wrong_password_are_named(tmp_path: Path) -> None:
    import pikepdf

    empty = tmp_path / "empty.pdf"
    pikepdf.Pdf.new().save(empty)
    locked = tmp_path / "locked.pdf"
    with pikepdf.Pdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(InputError, match=r"empty\.pdf: PDF has no pages"):
        _pdf_pages(empty)
    with pytest.raises(InputError, match=r"locked\.pdf: wrong password"):
        _pdf_pages(locked, password="guess")
    with pytest.raises(InputError, match=r"locked\.pdf: PDF is password-protected; set input\.options\.password"):
        _pdf_pages(locked)
    assert len(_pdf_pages(locked, password="secret")) == 1


# -- pixels and resolutions ------------------------------------------------------------------------


def test_fax_resolution_is_kept_per_axis_down_to_the_pdf_page(tmp_path: Path) -> None:
    import pikepdf

    fax = _text_image(tmp_path / "fax.tif", (1728, 550), dpi=(204, 98))
    (page,) = _image_pages(fax)
    assert page.resolution == (204, 98)
    out = tmp_path / "out"
    assert main(["run", str(fax), "-o", str(out), *PLAIN, "--set", "renderers=[pdf, hocr]"]) == 0
    with pikepdf.open(out / "fax.pdf") as pdf:
        box = [float(v) for v in pdf.pages[0].MediaBox]
    assert box[2] == pytest.approx(1728 / 204 * 72, abs=0.1) and box[3] == pytest.approx(550 / 98 * 72, abs=0.1)
    assert "scan_res 204 98" in (out / "fax.hocr").read_text()
    from ocrplug_render.alto import AltoOptions, render_alto_page

    element = render_alto_page(page.empty_page(), AltoOptions(measurement_unit="mm10"))
    assert float(element.get("WIDTH")) == pytest.approx(1728 / 204 * 254, abs=0.1)
    assert float(element.get("HEIGHT")) == pytest.approx(550 / 98 * 254, abs=0.1)


def test_float_tiff_in_0_to_1_is_read_as_a_normal_page(tmp_path: Path) -> None:
    pixels = np.ones((60, 120), np.float32)
    pixels[20:40, 10:60] = 0.0
    pixels[45:50, 10:60] = 0.5
    path = tmp_path / "float.tif"
    Image.fromarray(pixels, mode="F").save(path)
    (page,) = _image_pages(path)
    assert page.image[0, 0].tolist() == [255, 255, 255]
    assert page.image[30, 30].tolist() == [0, 0, 0] and 120 <= page.image[47, 30, 0] <= 135


@pytest.mark.parametrize("kind", ["rgb-key", "gray-key", "palette", "alpha"])
def test_transparency_is_composited_onto_white(tmp_path: Path, kind: str) -> None:
    img = Image.new("RGB", (80, 40), (0, 0, 0))
    ImageDraw.Draw(img).rectangle((10, 10, 30, 30), fill=(40, 40, 40))
    path = tmp_path / f"{kind}.png"
    if kind == "rgb-key":
        img.save(path, transparency=(0, 0, 0))  # tRNS colour key: black is transparent
    elif kind == "gray-key":
        img.convert("L").save(path, transparency=0)
    elif kind == "palette":
        img.convert("P").save(path, transparency=0)
    else:
        rgba = img.convert("RGBA")
        rgba.putalpha(Image.eval(img.convert("L"), lambda v: 255 if v else 0))
        rgba.save(path)
    (page,) = _image_pages(path)
    assert page.image[0, 0].tolist() == [255, 255, 255]
    assert page.image[20, 20, 0] < 60


# -- every failure of one input is that input's error --------------------------------------------


@pytest.mark.parametrize(
    "name,data,expected",
    [
        ("header_only.png", b"\x89PNG\r\n\x1a\n", "not a readable image"),
        ("zero_size.png", None, "has no pixels|not a readable image"),
        ("cut.jpg", "jpeg-cut", "corrupt or truncated"),
        ("cut.tif", "tiff-cut", "corrupt|not a readable image"),
        ("junk.bmp", b"BM" + bytes(range(256)) * 4, "not a readable image|corrupt"),
        ("junk.pdf", b"%PDF-1.4\n" + b"\x00garbage" * 50, "not a readable PDF"),
    ],
)
def test_broken_files_fail_with_their_name(tmp_path: Path, name: str, data, expected: str) -> None:
    path = tmp_path / name
    if data is None:
        _png_claiming(path, 0, 0)
    elif data == "jpeg-cut":
        raw = _text_image(tmp_path / "full.jpg", quality=90).read_bytes()
        path.write_bytes(raw[: len(raw) // 2])
    elif data == "tiff-cut":
        raw = _text_image(tmp_path / "full.tif", compression="tiff_lzw").read_bytes()
        path.write_bytes(raw[: len(raw) // 3])
    else:
        path.write_bytes(data)
    with pytest.raises(InputError, match=expected) as err:
        _pdf_pages(path) if name.endswith(".pdf") else _image_pages(path)
    assert name in str(err.value)


# -- any file name, and failed pages in the outputs ----------------------------------------------


def test_file_name_that_is_not_utf8_gets_every_output(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    name = b"Rechnung_M\xfcller_4711.png".decode("utf-8", "surrogateescape")  # Latin-1 bytes on disk
    _text_image(folder / name)
    out = tmp_path / "out"
    renderers = "renderers=[text, json, hocr, pdf, alto, page, overlay]"
    assert main(["run", str(folder), "-o", str(out), *PLAIN, "--set", renderers]) == 0
    stem = name[: -len(".png")]
    written = sorted(p.name for p in out.iterdir() if p.name != ".ocrplug")  # .ocrplug: the resume manifest
    assert written == sorted(stem + s for s in (".txt", ".json", ".hocr", ".pdf", ".alto.xml", ".page.xml",
                                                 "_p0001.png"))
    document = json.loads((out / f"{stem}.json").read_bytes().decode("utf-8"))
    assert Path(document["source"]).name == name  # JSON keeps the name exactly (\\udcfc escape)
    hocr = (out / f"{stem}.hocr").read_bytes().decode("utf-8")
    assert "Rechnung_M\\xfcller_4711.png" in hocr  # XML cannot hold the byte: escaped
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(out / f"{stem}.pdf")], capture_output=True, text=True, check=True)
        assert "Pages:           1" in info.stdout


def test_cli_prints_a_non_utf8_path_under_a_strict_locale(tmp_path: Path) -> None:
    import os
    import sys

    raw = b"M\xfcller.png"
    _text_image(tmp_path / raw.decode("utf-8", "surrogateescape"))
    root = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict",
               PYTHONPATH=os.pathsep.join([str(root), str(root / "plugins"), *sys.path]))
    proc = subprocess.run([sys.executable, "-m", "ocrplug.cli", "run", str(tmp_path), "-o", str(tmp_path / "out"),
                           *PLAIN, "--set", "renderers=[json]"], capture_output=True, env=env)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert b"M\xfcller.json" in proc.stdout  # the path's own bytes


def _three_page_pdf(path: Path) -> Path:
    pages = [Image.new("RGB", (200, 100), "white") for _ in range(3)]
    for i, page in enumerate(pages):
        page.paste((0, 0, 0), (10 + 20 * i, 10, 60 + 20 * i, 30))
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=50)
    return path


def test_failed_page_leaves_a_marker_in_text_and_pdf(tmp_path: Path) -> None:
    pdf = _three_page_pdf(tmp_path / "three.pdf")
    job = tmp_path / "job.yaml"
    job.write_text(FAKES + "detector: {name: fake-box, options: {fail_on_pages: [1]}}\nrecognizer: fake-echo\n"
                   "renderers: [text, pdf, json]\ninput: {dpi: 50}\n")
    out = tmp_path / "out"
    assert main(["run", str(pdf), "-c", str(job), "-o", str(out), "--no-progress"]) == 1
    pages = (out / "three.txt").read_text().split("\f")
    assert len(pages) == 3 and pages[0].strip() == "page0" and pages[2].strip() == "page2"
    assert pages[1].startswith("[ocrplug: page 2 not read: ") and "injected failure on page 1" in pages[1]
    assert json.loads((out / "three.json").read_text())["failures"][0]["index"] == 1
    if shutil.which("pdftotext"):
        texts = [
            subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(out / "three.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
            for n in (1, 2, 3)
        ]
        assert "page0" in texts[0] and "page2" in texts[2]
        assert "page 2 not read" in texts[1] and "injected failure" in texts[1]


def _page_two_broken(path: Path, how: str) -> Path:
    """A valid 3-page PDF (PIL: one JPEG per page) whose page 2 poppler can draw only in part: ``content``,
    its content stream is not Flate data though it says so; ``jpeg``, its image is not JPEG data."""
    import pikepdf

    source = _three_page_pdf(path.with_name("whole.pdf"))
    with pikepdf.open(source) as pdf:
        page = pdf.pages[1]
        if how == "content":
            page.obj.Contents.write(b"not deflated at all", filter=pikepdf.Name.FlateDecode)
        else:
            (image,) = page.Resources.XObject.values()
            image.write(b"\0garbage" * 50, filter=pikepdf.Name.DCTDecode)
        pdf.save(path)
    return path


@pytest.mark.parametrize("how", ["content", "jpeg"])
def test_pdf_page_poppler_cannot_draw_is_a_failure_named_by_page(tmp_path: Path, how: str, capsys) -> None:
    pdf = _page_two_broken(tmp_path / "broken.pdf", how)
    out = tmp_path / "out"
    assert main(["run", str(pdf), "-o", str(out), *PLAIN, "--set", "renderers=[text, json]"]) == 1
    result = json.loads((out / "broken.json").read_text())
    assert [page["index"] for page in result["pages"]] == [0, 2]  # pages 1 and 3 are kept
    (failure,) = result["failures"]
    assert failure["index"] == 1 and "broken.pdf: page 2 could not be read (poppler drew nothing)" in failure["error"]
    assert "Syntax Error" in failure["error"]
    assert "broken.pdf: page 2 could not be read (poppler drew nothing)" in capsys.readouterr().err
    assert (out / "broken.txt").read_text().split("\f")[1].startswith("[ocrplug: page 2 not read: ")


def test_pdf_page_with_a_recovered_error_is_read_with_a_warning(tmp_path: Path, caplog) -> None:
    # A stray operator in page 2's content stream: poppler reports a Syntax Error of that page and draws
    # the rest. The page is read as drawn (failing it would lose its text) and the user is warned.
    import pikepdf

    source = _three_page_pdf(tmp_path / "whole.pdf")
    stray = tmp_path / "stray.pdf"
    with pikepdf.open(source) as pdf:
        page = pdf.pages[1]
        page.obj.Contents.write(b"1 0 0 1 0 0 cm notanoperator " + page.obj.Contents.read_bytes())
        pdf.save(stray)
    rendered = subprocess.run(["pdftoppm", "-f", "2", "-l", "2", "-r", "20", "-gray", str(stray)],
                              capture_output=True, check=False)
    assert b"Syntax Error" in rendered.stderr  # the case this test is about
    with caplog.at_level("WARNING"):
        pages = _pdf_pages(stray, dpi=50)
    assert [page.index for page in pages] == [0, 1, 2]
    assert (pages[1].image < 128).any()
    assert "stray.pdf: page 2 may be incomplete" in caplog.text


def test_pdf_repaired_on_opening_is_no_page_failure(tmp_path: Path) -> None:
    # startxref points at junk, not at the xref table: poppler reports a Syntax Error when opening the
    # file and again at every page, then rebuilds the table and draws every page whole
    whole = _three_page_pdf(tmp_path / "whole.pdf").read_bytes()
    repaired = tmp_path / "repaired.pdf"
    end = whole.rfind(b"startxref")
    repaired.write_bytes(whole[:end] + b"} }\nstartxref\n%d\n%%%%EOF\n" % end)
    opened = subprocess.run(["pdfinfo", str(repaired)], capture_output=True, text=True, check=False)
    assert "Syntax Error" in opened.stderr  # the case this test is about
    pages = _pdf_pages(repaired, dpi=50)
    assert [page.index for page in pages] == [0, 1, 2]
    assert all((page.image < 128).any() for page in pages)


@pytest.mark.shared
def test_shared_eval_pdfs_and_sample_read_without_page_failures() -> None:
    files = sorted(shared_path("eval", "pdfs", "files").glob("*.pdf"))
    assert files
    for path in [*files, Path(__file__).resolve().parents[1] / "examples" / "sample.pdf"]:
        if "password" in path.name:
            continue
        count = Pdf2ImageRasterizer(Pdf2ImageOptions()).page_count(path)
        assert len(_pdf_pages(path, dpi=20)) == count, path


# -- the reported case files (../shared/cases), when present ---------------------------------------


@pytest.mark.shared
def test_shared_case_files_rasterize_right() -> None:
    (crop,) = _pdf_pages(shared_path("cases", "cropbox.pdf"), dpi=72)
    assert (crop.width, crop.height) == (360, 234)
    (fax,) = _image_pages(shared_path("cases", "fax_204x98.tif"))
    assert fax.resolution == (204, 98)
    assert fax.width / 204 * 72 == pytest.approx(609.9, abs=0.5) and fax.height / 98 * 72 == pytest.approx(404.1, abs=0.5)
    (key,) = _image_pages(shared_path("cases", "rgb_trns_key.png"))
    assert key.image[0, 0].tolist() == [255, 255, 255] and key.image.min() < 100


@pytest.mark.shared
@pytest.mark.slow
def test_shared_float_tiff_is_read_by_the_default_pipeline() -> None:
    from ocrplug import Pipeline
    from ocrplug.config import load_config

    (page,) = _image_pages(shared_path("cases", "float01.tif"))
    assert page.image.min() < 64 and np.median(page.image) > 200  # dark text on a white page
    data = load_config(None, ["renderers=[]"]).data
    text = Pipeline.from_dict(data).run(shared_path("cases", "float01.tif")).text
    assert len(" ".join(text.split())) > 20


def test_a_truncated_image_alone_is_no_input_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A truncated PNG opens (its header is sound) but its only page cannot be decoded: given alone, that is
    "no input could be read" (3) as for an empty file, not a partly failed run (1); next to a good file, 1."""
    raw = _text_image(tmp_path / "full.png").read_bytes()
    cut = tmp_path / "cut.png"
    cut.write_bytes(raw[: len(raw) // 2])
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    for alone in (cut, empty):
        assert main(["run", str(alone), "-o", str(tmp_path / f"out-{alone.stem}"), *PLAIN]) == 3
        assert alone.name in capsys.readouterr().err
    assert main(["run", str(cut), str(tmp_path / "full.png"), "-o", str(tmp_path / "both"), *PLAIN]) == 1


def test_a_folders_entries_that_are_no_input_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A folder's files of other types and its sub-folders are not read (one level deep), but the run says
    so, naming them; files the run itself wrote into the folder (output folder = input folder) are not."""
    scans = tmp_path / "scans"
    scans.mkdir()
    _text_image(scans / "page.png")
    (scans / "notes.docx").write_bytes(b"PK\x03\x04")
    (scans / "more").mkdir()
    _text_image(scans / "more" / "deeper.png")
    (scans / ".hidden.txt").write_text("x")
    assert main(["run", str(scans), "-o", str(scans), *PLAIN]) == 0
    err = capsys.readouterr().err
    assert "2 entries of the input folder(s) left out" in err
    assert str(scans / "notes.docx") in err and str(scans / "more") in err
    assert ".hidden" not in err and "page.png" not in err
    # Again into the same folder: page.txt (written by the first run) is not named as left out.
    assert (scans / "page.txt").is_file()
    assert main(["run", str(scans), "-o", str(scans), "--no-resume", *PLAIN]) == 0
    err = capsys.readouterr().err
    assert "2 entries" in err and "page.txt" not in err

    from ocrplug import Pipeline
    from ocrplug.config import load_config

    report = Pipeline.from_dict(load_config(None, ["detector=null", "recognizer=null"]).data).run_many([scans], tmp_path / "out")
    assert report.left_out_inputs == [str(scans / "more"), str(scans / "notes.docx")]
    # A sub-folder named as an input of its own, or the output folder inside the input folder, is not
    # "left out" (T14): the first is read, the second holds this run's outputs.
    (scans / "more").rename(scans / "sub")
    assert main(["run", str(scans), str(scans / "sub"), "-o", str(scans / "out"), "--no-resume", *PLAIN]) == 0
    err = capsys.readouterr().err
    assert "1 entry of the input folder(s) left out" in err and str(scans / "notes.docx") in err
    assert (scans / "out" / "deeper.txt").is_file()


def test_a_page_with_an_empty_mediabox_is_that_pages_failure(tmp_path: Path) -> None:
    # T15 (session 15): a [0 0 612 0] MediaBox was rendered as a 2550 x 1 px page and read as empty text,
    # exit 0, no word said; it is now that page's failure, and the next page is read.
    import pikepdf

    from ocrplug import Pipeline

    path = tmp_path / "line.pdf"
    pdf = pikepdf.Pdf.new()
    for box in ([0, 0, 612, 0], [0, 0, 612, 792]):
        content = pikepdf.Stream(pdf, b"0 g 100 100 200 50 re f")
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=box, Contents=content, Resources=pikepdf.Dictionary(),
        )))
    pdf.save(path)
    doc = Pipeline(detector=None, recognizer=None, renderers=[]).run(path)
    assert [p.index for p in doc.pages] == [1]
    assert [f.index for f in doc.failures] == [0]
    assert "page 1 is 612 x 0 pt" in doc.failures[0].error and "line.pdf" in doc.failures[0].error
