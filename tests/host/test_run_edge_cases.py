"""Run-loop edge cases through `ocrplug run`: tampered resume manifests, refused runs leaving nothing,
output paths streamed as documents commit, unreadable pages in the middle of a document."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from PIL import Image

from ocrplug.cli import main
from tests.host.test_run_loop import _job, _png, _visible


@pytest.mark.parametrize(
    "text",
    [
        '{"schema": "ocrplug-manifest/1", "documents": {}, "names": 3}',
        '{"schema": "ocrplug-manifest/1", "documents": {"/x.png": {"outputs": 3}}, "names": {}}',
        '{"schema": "ocrplug-manifest/1", "documents": [], "names": {}}',
        "[1, 2]",
        '{"schema": "ocrplug-manifest/1", "documents": {',
    ],
    ids=["names-int", "outputs-int", "documents-list", "not-an-object", "invalid-json"],
)
def test_malformed_manifest_is_set_aside_with_one_warning(
    tmp_path: Path, text: str, caplog: pytest.LogCaptureFixture
) -> None:
    good = _png(tmp_path / "good.png")
    out = tmp_path / "out"
    (out / ".ocrplug").mkdir(parents=True)
    (out / ".ocrplug" / "manifest.json").write_text(text)
    with caplog.at_level(logging.WARNING):
        assert main(["run", str(good), "-c", str(_job(tmp_path)), "-o", str(out)]) == 0
    assert _visible(out) == ["good.lines"]
    aside = sorted((out / ".ocrplug").glob("manifest.json.bad-*"))
    assert len(aside) == 1 and aside[0].read_text() == text
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and str(aside[0]) in warnings[0] and "manifest.json" in warnings[0]
    manifest = json.loads((out / ".ocrplug" / "manifest.json").read_text())
    assert [d["status"] for d in manifest["documents"].values()] == ["done"]


def test_manifest_that_is_a_folder_is_exit_2_naming_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _png(tmp_path / "good.png")
    out = tmp_path / "out"
    (out / ".ocrplug" / "manifest.json").mkdir(parents=True)
    assert main(["run", str(good), "-c", str(_job(tmp_path)), "-o", str(out)]) == 2
    assert str(out / ".ocrplug" / "manifest.json") in capsys.readouterr().err
    assert _visible(out) == []
    # The lock was released: once the folder is moved away the same command runs.
    (out / ".ocrplug" / "manifest.json").rmdir()
    assert main(["run", str(good), "-c", str(_job(tmp_path)), "-o", str(out)]) == 0


def test_refused_run_leaves_no_state_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    sample = folder / "sample.pdf"
    Image.new("RGB", (60, 40), "white").save(sample)
    job = tmp_path / "job.yaml"
    job.write_text("plugins: [tests.fakes.fault_plugin]\ndetector: fake-box\nrecognizer: fake-echo\ninput: {dpi: 30}\n")
    code = main(["run", str(sample), "-c", str(job), "-o", str(folder), "--set", "renderers=[{name: pdf}]"])
    assert code == 2
    assert "would overwrite the input file" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == ["sample.pdf"]
    # A run that writes does keep its state folder.
    out = tmp_path / "out"
    assert main(["run", str(sample), "-c", str(job), "-o", str(out), "--set", "renderers=[{name: text}]"]) == 0
    assert (out / ".ocrplug" / "manifest.json").is_file()


def test_output_paths_are_printed_as_documents_commit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.fakes import fault_plugin

    a = _png(tmp_path / "in" / "a.png")
    b = _png(tmp_path / "in" / "b.png")
    c = _png(tmp_path / "in" / "c.png")
    out = tmp_path / "out"
    real = fault_plugin.BoxDetector.detect
    printed_before_c: list[str] = []

    def detect(self, page):
        if page.source.endswith("c.png"):
            printed_before_c.append(capsys.readouterr().out)  # what stdout held before the last document
            raise KeyboardInterrupt
        return real(self, page)

    monkeypatch.setattr(fault_plugin.BoxDetector, "detect", detect)
    job = _job(tmp_path)
    job.write_text(job.read_text().replace("[fake-lines]", "[fake-lines, text]"))
    assert main(["run", str(a), str(b), str(c), "-c", str(job), "-o", str(out)]) == 130
    assert printed_before_c[0].splitlines() == [str(out / n) for n in ("a.lines", "a.txt", "b.lines", "b.txt")]
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing more after the interrupt; the summary goes to stderr
    assert "interrupted" in captured.err


def _tif_with_bad_frame(path: Path, pages: int, bad: int) -> Path:
    """A deflate-compressed multi-page TIFF whose frame ``bad`` (0-based) has garbage strip data."""
    frames = []
    for i in range(pages):
        frame = Image.new("RGB", (24, 16), "white")
        frame.paste((0, 0, 0), (2, 2, 4 + i, 8))
        frames.append(frame)
    frames[0].save(path, save_all=True, append_images=frames[1:], compression="tiff_deflate")
    with Image.open(path) as img:
        img.seek(bad)
        offset, size = img.tag_v2[273][0], img.tag_v2[279][0]
    data = bytearray(path.read_bytes())
    data[offset : offset + size] = b"\xff" * size
    path.write_bytes(bytes(data))
    return path


def test_undecodable_middle_page_is_a_page_failure_and_later_pages_are_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tif = _tif_with_bad_frame(tmp_path / "doc.tif", pages=4, bad=1)
    out = tmp_path / "out"
    job = _job(tmp_path)
    job.write_text(job.read_text().replace("[fake-lines]", "[fake-lines, text, json]"))
    assert main(["run", str(tif), "-c", str(job), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "page 2" in err and "corrupt or truncated" in err
    # Pages 1, 3 and 4 read; page 2 is a page failure with its index in every output.
    assert [line.split()[0] for line in (out / "doc.lines").read_text().splitlines()] == ["0", "2", "3"]
    pages = (out / "doc.txt").read_text().split("\f")
    assert len(pages) == 4 and pages[1].startswith("[ocrplug: page 2 not read:")
    assert [pages[0].strip(), pages[2].strip(), pages[3].strip()] == ["page0", "page2", "page3"]
    doc = json.loads((out / "doc.json").read_text())
    assert [p["index"] for p in doc["pages"]] == [0, 2, 3]
    assert [f["index"] for f in doc["failures"]] == [1]
    # Page selection still holds after the bad page.
    out2 = tmp_path / "out2"
    assert main(["run", str(tif), "-c", str(job), "-o", str(out2), "--set", "input.pages=2-3"]) == 1
    assert [line.split()[0] for line in (out2 / "doc.lines").read_text().splitlines()] == ["2"]


def test_refused_run_with_a_failed_input_leaves_no_state_folder(tmp_path: Path) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    sample = folder / "sample.pdf"
    Image.new("RGB", (60, 40), "white").save(sample)
    bad = folder / "bad.png"
    bad.write_bytes(b"not a png")  # recorded as failed before the overwrite is found
    job = tmp_path / "job.yaml"
    job.write_text("plugins: [tests.fakes.fault_plugin]\ndetector: fake-box\nrecognizer: fake-echo\ninput: {dpi: 30}\n")
    code = main(["run", str(bad), str(sample), "-c", str(job), "-o", str(folder), "--set", "renderers=[{name: pdf}]"])
    assert code == 2
    assert sorted(p.name for p in folder.iterdir()) == ["bad.png", "sample.pdf"]
