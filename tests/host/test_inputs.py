"""Input handling: image formats, normalization, folders, streamed PDFs and bad inputs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from ocrplug_inputs.images import ImageRasterizer
from PIL import Image

from ocrplug import InputError, Pipeline
from ocrplug.components import PageRange
from ocrplug.manager import PluginHost

FAKES = ["tests.fakes.fault_plugin"]


@pytest.fixture
def host() -> PluginHost:
    return PluginHost(extra_plugins=FAKES)


def _pages(path: Path, spec: str | None = None) -> list:
    return list(ImageRasterizer().iter_pages(path, PageRange(spec), 300))


def _rgb(w: int = 40, h: int = 30) -> Image.Image:
    img = Image.new("RGB", (w, h), "white")
    img.paste((255, 0, 0), (0, 0, 10, 10))
    return img


@pytest.mark.parametrize("ext", [".png", ".jpg", ".bmp", ".webp", ".tif", ".gif"])
def test_formats_read_as_rgb(tmp_path: Path, ext: str) -> None:
    path = tmp_path / f"x{ext}"
    _rgb().save(path)
    (page,) = _pages(path)
    assert page.image.shape == (30, 40, 3) and page.image.dtype == np.uint8
    assert page.image[2, 2, 0] > 200 and page.image[2, 2, 1] < 60


def test_multipage_tiff_and_page_range(tmp_path: Path) -> None:
    path = tmp_path / "multi.tiff"
    frames = [Image.new("L", (20, 10), v) for v in (0, 100, 200)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    pages = _pages(path)
    assert [p.index for p in pages] == [0, 1, 2]
    assert [int(p.image[0, 0, 0]) for p in pages] == [0, 100, 200]
    assert [p.index for p in _pages(path, "2-3")] == [1, 2]


def test_gif_frames_are_pages_and_a_gif_by_any_name_is_read_as_gif(tmp_path: Path) -> None:
    """A ``.gif`` was refused as an unsupported type while a GIF named ``.png`` was read (V13): GIF is read
    by name and by content, every frame a page as in a multi-page TIFF."""
    from ocrplug.pageloop import bytes_suffix
    from ocrplug.sources import sniff_type

    path = tmp_path / "anim.gif"
    frames = [Image.new("L", (20, 10), v) for v in (0, 100, 200)]
    frames[0].save(path, save_all=True, append_images=frames[1:])
    assert [int(p.image[0, 0, 0]) for p in _pages(path)] == [0, 100, 200]
    misnamed = tmp_path / "anim.png"
    misnamed.write_bytes(path.read_bytes())
    assert sniff_type(misnamed) == ".gif" and bytes_suffix(path.read_bytes()) == ".gif"


def test_exif_orientation_is_honoured(tmp_path: Path) -> None:
    path = tmp_path / "rot.jpg"
    img = _rgb(40, 30)
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    img.save(path, exif=exif, quality=95)
    (page,) = _pages(path)
    assert page.image.shape == (40, 30, 3)


@pytest.mark.parametrize(
    "make",
    [
        lambda: Image.new("L", (8, 8), 77),
        lambda: Image.new("1", (8, 8), 1),
        lambda: Image.new("RGBA", (8, 8), (0, 0, 0, 0)),
        lambda: Image.new("RGB", (8, 8), (5, 6, 7)).convert("P"),
        lambda: Image.fromarray(np.full((8, 8), 65535, np.uint16)),
        lambda: Image.new("LA", (8, 8), (0, 255)),
    ],
    ids=["gray", "1bit", "rgba-transparent", "palette", "16bit", "gray-alpha"],
)
def test_modes_are_normalized(tmp_path: Path, make) -> None:
    img = make()
    path = tmp_path / "m.png"
    img.save(path)
    (page,) = _pages(path)
    assert page.image.dtype == np.uint8 and page.image.shape == (8, 8, 3)
    expected = {"L": 77, "1": 255, "RGBA": 255, "LA": 0}
    if img.mode in expected:
        assert int(page.image[0, 0, 0]) == expected[img.mode]
    if img.mode.startswith("I"):
        assert int(page.image[0, 0, 0]) == 255


def test_folder_input_sorted(tmp_path: Path, host: PluginHost) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    for name in ("b.png", "a.jpg", "c.txt", "d.tif"):
        (_rgb().save(folder / name) if not name.endswith(".txt") else (folder / name).write_text("x"))
    pipe = Pipeline.from_dict({"detector": "fake-box", "recognizer": None, "renderers": ["fake-lines"]}, host=host)
    report = pipe.run_many([folder], out_dir=tmp_path / "out")
    assert [Path(d.source).name for d in report.documents] == ["a.jpg", "b.png", "d.tif"]
    assert report.ok


def _pdf(path: Path, n: int) -> Path:
    pages = [Image.new("RGB", (200, 100), "white") for _ in range(n)]
    for i, p in enumerate(pages):
        p.paste((0, 0, 0), (10 + 20 * i, 10, 60 + 20 * i, 30))
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=50)
    return path


def test_pdf_pages_are_streamed_one_at_a_time(tmp_path: Path, host: PluginHost, monkeypatch: pytest.MonkeyPatch) -> None:
    import pdf2image

    pdf = _pdf(tmp_path / "three.pdf", 3)
    calls: list[tuple[int, int]] = []
    real = pdf2image.convert_from_path

    def spy(*args, **kwargs):
        calls.append((kwargs["first_page"], kwargs["last_page"]))
        return real(*args, **kwargs)

    monkeypatch.setattr(pdf2image, "convert_from_path", spy)
    pipe = Pipeline.from_dict({"detector": "fake-box", "recognizer": None, "input": {"dpi": 72}}, host=host)
    seen = []
    for page in pipe.iter_pages(pdf):
        seen.append(page.index)
        assert len(calls) == page.index + 1  # the next page is not rendered before this one is consumed
    assert seen == [0, 1, 2]
    assert calls == [(1, 1), (2, 2), (3, 3)]
    doc = pipe.run(pdf)
    assert [p.index for p in doc.pages] == [0, 1, 2]
    assert all(p.dpi == 72 for p in doc.pages)
    # the black box moves right by 20 px (at 50 dpi) per page: detection follows the page order
    lefts = [p.regions[0].bbox[0] for p in doc.pages]
    assert lefts == sorted(lefts) and lefts[0] < lefts[2]


def test_pdf_page_range(tmp_path: Path, host: PluginHost) -> None:
    pdf = _pdf(tmp_path / "three.pdf", 3)
    doc = Pipeline.from_dict({"detector": "fake-box", "recognizer": None, "input": {"dpi": 50, "pages": "2-3"}}, host=host).run(pdf)
    assert [p.index for p in doc.pages] == [1, 2]


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    corrupt = tmp_path / "corrupt.png"
    corrupt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20)
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    good_pdf = _pdf(tmp_path / "good.pdf", 2)
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good_pdf.read_bytes()[:300])
    locked = tmp_path / "locked.pdf"
    import pikepdf

    # a linearized PDF cut at three quarters: poppler also reports "page count 0", which was read as
    # "PDF has no pages" (V13)
    linear = tmp_path / "linear.pdf"
    with pikepdf.open(good_pdf) as pdf:
        pdf.save(linear, linearize=True)
    three_quarters = tmp_path / "three_quarters.pdf"
    three_quarters.write_bytes(linear.read_bytes()[: linear.stat().st_size * 3 // 4])

    with pikepdf.open(good_pdf) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    return {"corrupt": corrupt, "empty": empty, "truncated": truncated, "locked": locked, "three_quarters": three_quarters}


def test_bad_inputs_fail_clearly_and_others_are_written(tmp_path: Path, host: PluginHost) -> None:
    bad = _bad_inputs(tmp_path)
    good = tmp_path / "good.png"
    _rgb().save(good)
    pipe = Pipeline.from_dict({"detector": "fake-box", "recognizer": None, "renderers": ["fake-lines"], "input": {"dpi": 50}}, host=host)
    out = tmp_path / "out"
    report = pipe.run_many([bad["corrupt"], good, bad["empty"], bad["truncated"], bad["locked"], bad["three_quarters"]], out_dir=out)
    assert (out / "good.lines").read_text() == "0 1 True\n"
    errors = {Path(f.source).name: f.error for f in report.failures}
    assert "corrupt" in errors["corrupt.png"] and "corrupt.png" in errors["corrupt.png"]
    assert "empty" in errors["empty.jpg"]
    assert "corrupt or truncated" in errors["truncated.pdf"]
    assert "password" in errors["locked.pdf"]
    assert "corrupt or truncated" in errors["three_quarters.pdf"], errors["three_quarters.pdf"]
    assert len(report.failures) == 5


def test_password_option_opens_encrypted_pdf(tmp_path: Path, host: PluginHost) -> None:
    locked = _bad_inputs(tmp_path)["locked"]
    pipe = Pipeline.from_dict(
        {"detector": "fake-box", "input": {"dpi": 50, "options": {"password": "secret"}}}, host=host
    )
    assert len(pipe.run(locked).pages) == 2


def test_single_run_of_unreadable_input_raises(tmp_path: Path, host: PluginHost) -> None:
    bad = _bad_inputs(tmp_path)
    pipe = Pipeline.from_dict({"detector": "fake-box", "recognizer": None}, host=host)
    with pytest.raises(InputError, match="empty"):
        pipe.run(bad["empty"])
    with pytest.raises(InputError, match=r"unsupported file type '\.txt'"):
        (tmp_path / "notes.txt").write_text("x")
        pipe.run(tmp_path / "notes.txt")


@pytest.mark.parametrize("jobs", [1, 2])
def test_plugin_raising_on_one_page_loses_no_other_page(tmp_path: Path, host: PluginHost, jobs: int) -> None:
    pdf = _pdf(tmp_path / "four.pdf", 4)
    pipe = Pipeline.from_dict(
        {
            "detector": {"name": "fake-box", "options": {"fail_on_pages": [1]}},
            "recognizer": "fake-echo",
            "renderers": ["fake-lines"],
            "input": {"dpi": 50},
            "plugins": FAKES,
        },
        host=host,
    )
    out = tmp_path / "out"
    report = pipe.run_many([pdf], out_dir=out, jobs=jobs)
    doc = report.documents[0]
    assert [p.index for p in doc.pages] == [0, 2, 3]
    assert [p.lines[0].text for p in doc.pages] == ["page0", "page2", "page3"]
    assert len(report.failures) == 1 and report.failures[0].index == 1
    assert "injected failure on page 1" in report.failures[0].error
    assert (out / "four.lines").read_text().splitlines() == ["0 1 True", "2 1 True", "3 1 True"]
    # Workers share the cores: each is told its thread budget (components read ocrplug.threads).
    threads = {p.lines[0].attributes.get("worker_threads") for p in doc.pages}
    assert threads == ({str(max(1, (os.cpu_count() or 1) // 2))} if jobs == 2 else {None})


def test_poppler_is_used_for_pdfs() -> None:
    assert subprocess.run(["pdfinfo", "-v"], capture_output=True).returncode == 0


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX FIFOs")
def test_special_files_and_broken_symlinks_are_named_failures(tmp_path: Path, host: PluginHost) -> None:
    import socket

    folder = tmp_path / "scans"
    folder.mkdir()
    _rgb().save(folder / "a.png")
    (folder / "b.png").symlink_to(tmp_path / "gone.png")  # dangling: its target does not exist
    os.mkfifo(folder / "c.png")
    os.mkfifo(tmp_path / "pipe.jpg")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "s.png"))
    try:
        pipe = Pipeline.from_dict({"detector": "fake-box", "recognizer": None, "renderers": ["fake-lines"]}, host=host)
        inputs = [folder, tmp_path / "pipe.jpg", tmp_path / "s.png", Path(os.devnull), tmp_path / "nope.png"]
        report = pipe.run_many(inputs, out_dir=tmp_path / "out")
    finally:
        sock.close()
    assert [Path(d.source).name for d in report.documents] == ["a.png"]
    assert (tmp_path / "out" / "a.lines").is_file()
    errors = {f.source: f.error for f in report.failures}
    assert errors == {
        str(folder / "b.png"): f"{folder / 'b.png'}: broken symbolic link (its target {tmp_path / 'gone.png'} "
        "cannot be opened: No such file or directory)",
        str(folder / "c.png"): f"{folder / 'c.png'}: not a regular file: a named pipe (FIFO)",
        str(tmp_path / "pipe.jpg"): f"{tmp_path / 'pipe.jpg'}: not a regular file: a named pipe (FIFO)",
        str(tmp_path / "s.png"): f"{tmp_path / 's.png'}: not a regular file: a socket",
        os.devnull: f"{os.devnull}: not a regular file: a character device",
        str(tmp_path / "nope.png"): f"{tmp_path / 'nope.png'}: no such file or folder",
    }


def test_symlink_loops_fail_alone(tmp_path: Path, host: PluginHost) -> None:
    # T15 (session 15): a link to itself in an input folder made Path.resolve raise RuntimeError and the
    # whole run stopped before any page; named directly, it raised instead of an InputError.
    folder = tmp_path / "scans"
    folder.mkdir()
    _rgb().save(folder / "real.png")
    (folder / "loopme").symlink_to(folder / "loopme")  # no image suffix: left out, never read
    (folder / "loop.png").symlink_to(folder / "loop.png")
    (folder / "a.png").symlink_to(folder / "b.png")
    (folder / "b.png").symlink_to(folder / "a.png")
    pipe = Pipeline.from_dict({"detector": "fake-box", "recognizer": None, "renderers": ["fake-lines"]}, host=host)
    report = pipe.run_many([folder, folder / "loopme"], out_dir=tmp_path / "out")
    assert [Path(d.source).name for d in report.documents] == ["real.png"]
    assert (tmp_path / "out" / "real.lines").is_file()
    errors = {Path(f.source).name: f.error for f in report.failures}
    assert set(errors) == {"a.png", "b.png", "loop.png", "loopme"}
    assert all("broken symbolic link" in e and "symbolic links" in e for e in errors.values()), errors
    with pytest.raises(InputError, match=r"loop\.png"):
        pipe.run(folder / "loop.png")


def test_libtiff_messages_are_logged_naming_the_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    """libtiff prints decoder complaints to stderr itself; they come back as warnings naming the file."""
    noise = (np.random.default_rng(0).random((60, 90)) * 255).astype(np.uint8)
    path = tmp_path / "fax.tif"
    Image.fromarray(noise).convert("1").save(path, compression="group4")
    data = bytearray(path.read_bytes())
    for i in range(20, 60):  # inside the strip (Pillow writes it right after the 8-byte header)
        data[i] ^= 0x55
    path.write_bytes(bytes(data))
    with caplog.at_level("WARNING", logger="ocrplug_inputs.images"):
        (page,) = _pages(path)
    assert page.image.shape == (60, 90, 3)
    messages = [r.getMessage() for r in caplog.records]
    assert any(m.startswith(f"{path}: Fax4Decode: ") for m in messages), messages
    assert "Fax4Decode" not in capfd.readouterr().err


def _wide_pdf(path: Path) -> Path:
    """One 20000 x 842 pt page with a 48 pt line near each end (issue 23)."""
    import pikepdf

    pdf = pikepdf.Pdf.new()
    content = (b"BT /F1 48 Tf 100 400 Td (Invoice number 4711 paid in full) Tj ET "
               b"BT /F1 48 Tf 9000 300 Td (Second text far right side) Tj ET")
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 20000, 842], Contents=pikepdf.Stream(pdf, content),
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
    )
    pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path


def test_very_wide_pdf_page_gives_one_warning_with_the_dpi_used(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    import warnings

    from ocrplug_inputs.pdf import Pdf2ImageOptions, Pdf2ImageRasterizer

    path = _wide_pdf(tmp_path / "wide.pdf")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        (page,) = list(Pdf2ImageRasterizer(Pdf2ImageOptions()).iter_pages(path, PageRange(), 300))
    assert not [w for w in caught if "DecompressionBomb" in type(w.message).__name__], [str(w.message) for w in caught]
    ours = [r for r in caplog.records if r.levelname == "WARNING"]
    assert len(ours) == 1 and "wide.pdf" in ours[0].getMessage()
    used = float(ours[0].getMessage().split("rendered at ")[1].split(" dpi")[0])
    assert 175 < used < 175.5 and page.dpi == used and page.width * page.height <= 100_000_000


def test_very_wide_pdf_page_text_is_read(tmp_path: Path) -> None:
    pytest.importorskip("rapidocr")
    path = _wide_pdf(tmp_path / "wide.pdf")
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "ocrplug.cli", "run", str(path), "-o", str(out), "--set", "renderers=[text]"],
        capture_output=True, text=True, env=dict(os.environ), timeout=600, check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "DecompressionBombWarning" not in proc.stderr and "wide.pdf: page 1 (20000 x 842 pt) at 300 dpi exceeds input.max_pixels" in proc.stderr
    text = (out / "wide.txt").read_text()
    assert "4711" in text and "Invoice" in text and "right side" in text


# -- file type from content (issue 24, T12): a PNG named .pdf is read as a PNG, with a warning --


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("scan.pdf", "PNG"), ("scan.png", "JPEG"), ("scan.jpg", "PDF"), ("scan", "TIFF"), ("scan.tif", "BMP"),
     ("scan.bmp", "WEBP")],
)
def test_file_type_comes_from_content(
    tmp_path: Path, host: PluginHost, caplog: pytest.LogCaptureFixture, name: str, fmt: str
) -> None:
    path = tmp_path / name
    _rgb(200, 100).save(path, format=fmt, **({"resolution": 50} if fmt == "PDF" else {}))
    pipe = Pipeline.from_dict({"detector": "fake-box", "recognizer": None, "input": {"dpi": 50}}, host=host)
    with caplog.at_level("WARNING", logger="ocrplug.sources"):
        doc = pipe.run(path)
    (page,) = doc.pages
    assert (page.width, page.height) == (200, 100)
    kind = {"JPEG": "JPG", "TIFF": "TIF"}.get(fmt, fmt)
    warned = [r.getMessage() for r in caplog.records if "the content is" in r.getMessage()]
    assert warned == [f"{path}: the content is {kind} but "
                      f"{'its suffix is ' + path.suffix if path.suffix else 'its name has no suffix'}; read as {kind}"]


@pytest.mark.parametrize("name", ["a.png", "b.jpeg", "c.tiff", "d.pdf"])
def test_matching_content_and_suffix_give_no_warning(
    tmp_path: Path, host: PluginHost, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    path = tmp_path / name
    _rgb(200, 100).save(path, **({"resolution": 50} if name.endswith(".pdf") else {}))
    pipe = Pipeline.from_dict({"detector": "fake-box", "recognizer": None, "input": {"dpi": 50}}, host=host)
    with caplog.at_level("WARNING", logger="ocrplug.sources"):
        assert len(pipe.run(path).pages) == 1
    assert not [r for r in caplog.records if "the content is" in r.getMessage()]


def test_unknown_content_keeps_the_suffix_error_naming_the_file(tmp_path: Path, host: PluginHost) -> None:
    pipe = Pipeline.from_dict({"detector": "fake-box", "recognizer": None}, host=host)
    junk = tmp_path / "letter.pdf"
    junk.write_bytes(b"PK\x03\x04 a zip file, not a PDF" * 20)
    with pytest.raises(InputError, match=r"letter\.pdf: not a readable PDF"):
        pipe.run(junk)
    text = tmp_path / "notes"
    text.write_text("BM is not enough to be a bitmap\n" * 5)
    with pytest.raises(InputError, match=r"notes: unsupported file type '\(no suffix\)'"):
        pipe.run(text)


# -- a scan wrapped in a PDF is read at its own resolution (issue 24, T12) ------------------------


def _scan_pdf(path: Path, pages: list[tuple[int, str]]) -> Path:
    """A PDF of letter pages (612 x 792 pt), each ``(dpi, extra)``: a grey image of the page at ``dpi``
    drawn over the whole page (``dpi`` 0: no image), then the content ``extra`` (a text operator...)."""
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                BaseFont=pikepdf.Name.Helvetica))
    for dpi, extra in pages:
        page = pdf.add_blank_page(page_size=(612, 792))
        resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        content = ""
        if dpi:
            w, h = round(8.5 * dpi), round(11 * dpi)
            pixels = bytearray([255]) * (w * h)
            pixels[w * h // 2: w * h // 2 + w] = bytes(w)  # one black row: not a blank page
            image = pikepdf.Stream(pdf, bytes(pixels), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                                   Width=w, Height=h, ColorSpace=pikepdf.Name.DeviceGray, BitsPerComponent=8)
            resources.XObject = pikepdf.Dictionary(Im0=image)
            content = "q 612 0 0 792 0 0 cm /Im0 Do Q\n"
        page.obj.Resources = resources
        page.obj.Contents = pdf.make_stream((content + extra).encode())
    pdf.save(path)
    return path


VISIBLE = "BT /F1 12 Tf 72 700 Td (Born digital) Tj ET\n"
INVISIBLE = "BT 3 Tr /F1 12 Tf 72 700 Td (Earlier OCR) Tj ET\n"
HALF = "q 300 0 0 400 0 0 cm /Im0 Do Q\n"


def test_scanned_pdf_pages_are_read_at_their_own_resolution(tmp_path: Path, host: PluginHost) -> None:
    """T12: a 200 dpi scan wrapped in a PDF was rasterized at 300 dpi (up-sampled: slower, no more
    detail). With ``input.dpi: auto`` (the presets') each scanned page keeps its image's resolution; a
    page with visible text, or no full-page image, is rendered at 300, and so is a scan above 300 dpi (its
    own resolution costs time for no better text); a number is kept for every page."""
    pdf = _scan_pdf(tmp_path / "mixed.pdf", [(200, ""), (0, VISIBLE), (150, INVISIBLE), (120, VISIBLE), (80, ""), (400, "")])
    auto = Pipeline.from_dict({"detector": "fake-box", "recognizer": None}, host=host, preset="fast")
    assert auto.config.input.dpi == "auto"
    pages = list(auto.iter_pages(pdf))
    assert [p.dpi for p in pages] == [200, 300, 150, 300, 80, 300]
    assert (pages[0].width, pages[0].height, pages[4].width, pages[4].height) == (1700, 2200, 680, 880)
    fixed = Pipeline.from_dict({"detector": "fake-box", "recognizer": None, "input": {"dpi": 300}}, host=host)
    assert [p.dpi for p in fixed.iter_pages(pdf)] == [300] * 6


def test_a_coarse_background_image_does_not_set_the_page_resolution(tmp_path: Path, host: PluginHost) -> None:
    """V14: a page-sized background fill (here 10 x 13 px over the page: 1.2 dpi; V14's was 1 x 1 px,
    0.55 dpi) drawn under a scan that covers less of the page was taken for the scan, and the page was
    rendered at 1.2 dpi: an empty page, exit 0. Auto never picks a resolution under LOW_DPI (70)."""
    pdf = _scan_pdf(tmp_path / "fill.pdf", [(1.2, ""), (69, ""), (70, "")])
    auto = Pipeline.from_dict({"detector": "fake-box", "recognizer": None, "input": {"dpi": "auto"}}, host=host)
    assert [p.dpi for p in auto.iter_pages(pdf)] == [300, 300, 70]


def test_a_small_image_does_not_set_the_page_resolution(tmp_path: Path, host: PluginHost) -> None:
    pdf = _scan_pdf(tmp_path / "half.pdf", [(100, "")])
    import pikepdf

    with pikepdf.open(pdf, allow_overwriting_input=True) as doc:  # the image drawn on a quarter of the page
        doc.pages[0].obj.Contents = doc.make_stream(HALF.encode())
        doc.save(pdf)
    auto = Pipeline.from_dict({"detector": "fake-box", "recognizer": None, "input": {"dpi": "auto"}}, host=host)
    assert [p.dpi for p in auto.iter_pages(pdf)] == [300]
