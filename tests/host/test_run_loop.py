"""The run loop end to end through `ocrplug run`: inputs never outputs, output folder checked first,
interrupts keep finished work, resume (also after SIGKILL), distinct output names, exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from ocrplug.cli import main

REPO = Path(__file__).resolve().parents[2]
JOB = "plugins: [tests.fakes.fault_plugin]\ndetector: fake-box\nrecognizer: fake-echo\nrenderers: [fake-lines]\n"


def _job(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "job.yaml"
    path.write_text(JOB + extra)
    return path


def _png(path: Path, dark: bool = True) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    img = Image.new("RGB", (40, 20), "white")
    if dark:
        img.paste((0, 0, 0), (5, 5, 30, 15))
    img.save(path)
    return path


def _tif(path: Path, pages: int) -> Path:
    frames = [Image.new("RGB", (24, 16), "white") for _ in range(pages)]
    for i, frame in enumerate(frames):
        frame.paste((0, 0, 0), (2, 2, 4 + i % 10, 8))
    frames[0].save(path, save_all=True, append_images=frames[1:])
    return path


def _visible(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if not any(x.startswith(".") for x in p.relative_to(folder).parts))


def _hidden_temporaries(folder: Path) -> list[Path]:
    return [p for p in folder.rglob(".*") if ".part" in p.name]


def test_input_is_never_an_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "dir"
    sample = folder / "sample.pdf"
    folder.mkdir()
    Image.new("RGB", (60, 40), "white").save(sample)  # a real one-page PDF
    before = sample.read_bytes()
    job = tmp_path / "job.yaml"
    job.write_text("plugins: [tests.fakes.fault_plugin]\ndetector: fake-box\ninput: {dpi: 30}\n")
    code = main(["run", str(sample), "-c", str(job), "-o", str(folder), "--set", "renderers=[{name: pdf}]"])
    assert code == 2
    err = capsys.readouterr().err
    assert "would overwrite the input file" in err and str(sample) in err
    assert sample.read_bytes() == before
    assert _visible(folder) == ["sample.pdf"]


def test_unusable_output_folder_is_exit_2_before_any_page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _png(tmp_path / "good.png")
    blocker = tmp_path / "out"
    blocker.write_text("i am a file")
    job = _job(tmp_path, "")
    # A detector that would take 5 s per page: exit 2 must come long before any page.
    started = time.monotonic()
    code = main(["run", str(good), "-c", str(job), "-o", str(blocker), "--set", "detector.options.delay_s=5"])
    assert code == 2
    assert time.monotonic() - started < 2.0
    assert str(blocker) in capsys.readouterr().err
    code = main(["run", str(good), "-c", str(job), "-o", str(blocker / "sub"), "--set", "detector.options.delay_s=5"])
    assert code == 2
    assert str(blocker / "sub") in capsys.readouterr().err


def test_exit_codes_and_failed_inputs_leave_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not a png")
    out = tmp_path / "out"
    job = str(_job(tmp_path))
    assert main(["run", str(bad), str(tmp_path / "missing.png"), "-c", job, "-o", str(out)]) == 3
    err = capsys.readouterr().err
    assert err.count("bad.png") == 1 and err.count("missing.png") == 1
    assert _visible(out) == []
    good = _png(tmp_path / "good.png")
    assert main(["run", str(bad), str(good), "-c", job, "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "outputs written for 1 document(s)" in err
    assert _visible(out) == ["good.lines"]


def test_interrupt_keeps_finished_documents_and_rerun_resumes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    from tests.fakes import fault_plugin

    a = _png(tmp_path / "in" / "a.png")
    b = _tif(tmp_path / "in" / "b.tif", 3)
    out = tmp_path / "out"
    stale = out / ".old.abcd1234.part.lines"
    stale.parent.mkdir()
    stale.write_text("left by a killed run")
    real = fault_plugin.BoxDetector.detect

    def detect(self, page):
        if page.source.endswith("b.tif") and page.index == 2:
            raise KeyboardInterrupt
        return real(self, page)

    monkeypatch.setattr(fault_plugin.BoxDetector, "detect", detect)
    job = str(_job(tmp_path))
    assert main(["run", str(a), str(b), "-c", job, "-o", str(out)]) == 130
    assert _visible(out) == ["a.lines"]
    assert (out / "a.lines").read_text() == "0 1 True\n"
    assert _hidden_temporaries(out) == []  # this run's and the stale one
    monkeypatch.setattr(fault_plugin.BoxDetector, "detect", real)
    capsys.readouterr()
    assert main(["run", str(a), str(b), "-c", job, "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "1 document(s) skipped, already done" in err
    assert "2 page(s) taken from an interrupted earlier run" in err
    assert (out / "b.lines").read_text().splitlines() == ["0 1 True", "1 1 True", "2 1 True"]
    # --no-resume redoes both; a changed config redoes them too.
    assert main(["run", str(a), str(b), "-c", job, "-o", str(out), "--no-resume"]) == 0
    assert "skipped" not in capsys.readouterr().err
    manifest = json.loads((out / ".ocrplug" / "manifest.json").read_text())
    assert {d["status"] for d in manifest["documents"].values()} == {"done"}


def test_interrupted_rerun_never_deletes_an_earlier_complete_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fakes import fault_plugin

    tif = _tif(tmp_path / "doc.tif", 3)
    out = tmp_path / "out"
    job = _job(tmp_path, "")
    job.write_text(JOB.replace("renderers: [fake-lines]", "renderers: [fake-lines, page, text]"))
    assert main(["run", str(tif), "-c", str(job), "-o", str(out)]) == 0
    before = {name: (out / name).read_bytes() for name in _visible(out)}
    assert "doc_p0002.page.xml" in before

    def detect(self, page):
        if page.index == 2:
            raise KeyboardInterrupt
        return []

    monkeypatch.setattr(fault_plugin.BoxDetector, "detect", detect)
    assert main(["run", str(tif), "-c", str(job), "-o", str(out), "--no-resume"]) == 130
    assert {name: (out / name).read_bytes() for name in _visible(out)} == before
    assert _hidden_temporaries(out) == []


def test_failed_documents_are_retried(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tif = _tif(tmp_path / "doc.tif", 3)
    out = tmp_path / "out"
    job = str(_job(tmp_path))
    assert main(["run", str(tif), "-c", job, "-o", str(out), "--set", "detector.options.fail_on_pages=[1]"]) == 1
    assert (out / "doc.lines").read_text().splitlines() == ["0 1 True", "2 1 True"]
    capsys.readouterr()
    assert main(["run", str(tif), "-c", job, "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "skipped" not in err
    assert (out / "doc.lines").read_text().splitlines() == ["0 1 True", "1 1 True", "2 1 True"]


def test_output_names_are_distinct_across_runs(tmp_path: Path) -> None:
    a = _png(tmp_path / "A" / "scan.png")
    b = _png(tmp_path / "B" / "scan.png", dark=False)
    out = tmp_path / "out"
    job = str(_job(tmp_path))
    assert main(["run", str(a), "-c", job, "-o", str(out)]) == 0
    first = (out / "scan.lines").read_text()
    assert main(["run", str(tmp_path / "B"), "-c", job, "-o", str(out)]) == 0
    assert _visible(out) == ["scan-2.lines", "scan.lines"]
    assert (out / "scan.lines").read_text() == first == "0 1 True\n"
    assert (out / "scan-2.lines").read_text() == "0 0 True\n"
    # Both in one run, B first: each keeps the name it owns.
    assert main(["run", str(b), str(a), "-c", job, "-o", str(out), "--no-resume"]) == 0
    assert (out / "scan.lines").read_text() == "0 1 True\n"
    assert (out / "scan-2.lines").read_text() == "0 0 True\n"


def test_output_names_differing_only_in_case_are_distinct(tmp_path: Path) -> None:
    """``Scan.png`` and ``scan.png`` (two folders) would be one output file on a case-insensitive disk
    (macOS, Windows, a share): the second gets ``-2`` as an equal name does, in one run or across runs (V13)."""
    a = _png(tmp_path / "A" / "Scan.png")
    b = _png(tmp_path / "B" / "scan.png", dark=False)
    out = tmp_path / "out"
    job = str(_job(tmp_path))
    assert main(["run", str(a), str(b), "-c", job, "-o", str(out)]) == 0
    assert _visible(out) == ["Scan.lines", "scan-2.lines"]
    out2 = tmp_path / "out2"
    assert main(["run", str(a), "-c", job, "-o", str(out2)]) == 0
    assert main(["run", str(b), "-c", job, "-o", str(out2)]) == 0
    assert _visible(out2) == ["Scan.lines", "scan-2.lines"]


def _cli(args: list[str], **kwargs) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "plugins"), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, "-m", "ocrplug.cli", *args], cwd=REPO, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)


def _wait_for(predicate, timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _journal_pages(out: Path) -> int:
    files = list((out / ".ocrplug" / "pages").glob("*.jsonl"))
    return sum(max(0, len(f.read_text().splitlines()) - 1) for f in files)


def test_sigkill_then_rerun_redoes_only_unfinished_pages(tmp_path: Path) -> None:
    tif = _tif(tmp_path / "doc.tif", 8)
    out = tmp_path / "out"
    job = str(_job(tmp_path, ""))
    args = ["run", str(tif), "-c", job, "-o", str(out), "--set", "detector.options.delay_s=0.3"]
    proc = _cli(args)
    try:
        assert _wait_for(lambda: out.exists() and _journal_pages(out) >= 3), "the run never journaled 3 pages"
    finally:
        proc.kill()
        proc.wait()
    done_before = _journal_pages(out)
    assert not (out / "doc.lines").exists()
    rerun = _cli(args)  # the same command: a changed config would redo every page
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, err
    assert f"{done_before} page(s) taken from an interrupted earlier run" in err
    assert (out / "doc.lines").read_text().splitlines() == [f"{i} 1 True" for i in range(8)]
    assert _hidden_temporaries(out) == []
    assert not list((out / ".ocrplug" / "pages").glob("*.jsonl"))


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_workers_never_outlive_the_parent(tmp_path: Path, how: signal.Signals) -> None:
    tif = _tif(tmp_path / "doc.tif", 8)
    out = tmp_path / "out"
    # Pages take 30 s: the workers are mid-page when the parent goes, so only the parent-death signal
    # or the watchdog can end them within the 10 s allowed.
    proc = _cli(["run", str(tif), "-c", str(_job(tmp_path)), "-o", str(out), "--jobs", "2",
                 "--set", "detector.options.delay_s=30"])
    try:
        assert _wait_for(lambda: len([k for k in _children(proc.pid) if _alive(k)]) >= 2), "no workers started"
        time.sleep(4)  # let them import, build the pipeline and start sleeping in a page
        workers = [k for k in _children(proc.pid) if _alive(k)]
        proc.send_signal(how)
        proc.wait(timeout=30)
        assert _wait_for(lambda: not any(_alive(w) for w in workers), timeout=10), "workers outlived the run"
    finally:
        if proc.poll() is None:
            proc.kill()
    if how == signal.SIGTERM:
        assert proc.returncode == 143
        assert _hidden_temporaries(out) == []


def test_memory_stays_flat_over_many_pages(tmp_path: Path) -> None:
    """A short version of benchmarks/run_loop.py: Python heap after page 300 vs page 50 (stub detector)."""
    import tracemalloc

    from ocrplug.manager import PluginHost
    from ocrplug.pipeline import Pipeline

    tif = _tif(tmp_path / "long.tif", 300)
    host = PluginHost(extra_plugins=["tests.fakes.fault_plugin"])
    pipe = Pipeline.from_dict(
        {"detector": "fake-box", "recognizer": "fake-echo", "renderers": ["text", "json", "hocr", "fake-lines"]},
        host=host,
    )
    marks: dict[int, int] = {}

    def progress(source: str, done: int, total: int | None) -> None:
        if done in (50, 300):
            marks[done] = tracemalloc.get_traced_memory()[0]

    tracemalloc.start()
    try:
        report = pipe.run_many([tif], out_dir=tmp_path / "out", progress=progress, keep_pages=False)
    finally:
        tracemalloc.stop()
    assert report.ok and report.pages_done == 300
    assert len((tmp_path / "out" / "long.txt").read_text().split("\f")) == 300
    # A held page result costs a few kB; holding 250 of them would add well over 0.5 MB.
    assert marks[300] - marks[50] < 512 * 1024, marks


def test_output_folder_may_be_the_input_folder(tmp_path: Path) -> None:
    scans = tmp_path / "scans"
    _png(scans / "a.png")
    job = _job(tmp_path)
    job.write_text(JOB.replace("renderers: [fake-lines]", "renderers: [fake-lines, overlay]"))
    assert main(["run", str(scans), "-c", str(job), "-o", str(scans)]) == 0
    assert _visible(scans) == ["a.lines", "a.png", "a_p0001.png"]
    # A rerun does not take the overlay image it wrote for an input.
    assert main(["run", str(scans), "-c", str(job), "-o", str(scans), "--no-resume"]) == 0
    assert _visible(scans) == ["a.lines", "a.png", "a_p0001.png"]


@pytest.mark.parametrize("mode", ["P", "I;16", "LA", "L", "F", "RGBA", "CMYK"])
def test_host_normalizes_pillow_images_like_the_image_rasterizer(mode: str) -> None:
    import numpy as np
    from ocrplug_inputs.images import normalize_image

    from ocrplug.sources import to_rgb_array

    img = Image.new(mode, (5, 4))
    assert np.array_equal(to_rgb_array(img), normalize_image(img))
    assert to_rgb_array(np.zeros((4, 5), dtype=np.uint16)).shape == (4, 5, 3)


@pytest.mark.parametrize("dtype", ["uint8", "uint16", "float"])
def test_rgba_arrays_are_composited_on_white_like_files(dtype: str) -> None:
    """Black text on a transparent black background (what many tools write): dropping alpha gave an all-black page."""
    import numpy as np
    from ocrplug_inputs.images import normalize_image

    from ocrplug.sources import to_rgb_array

    rgba = np.zeros((4, 5, 4), dtype=np.uint8)
    rgba[1:3, 1:4, 3] = 255  # opaque black 'ink'; the rest is transparent black
    rgba[0, 0, 3] = 128  # half-transparent black
    want = normalize_image(Image.fromarray(rgba, "RGBA"))  # what an RGBA PNG of it gives
    top = {"uint8": 255, "uint16": 65535, "float": 1.0}[dtype]
    arr = (rgba.astype(np.float64) / 255 * top).astype(np.float32 if dtype == "float" else dtype)
    got = to_rgb_array(arr)
    assert got[3, 4].tolist() == [255, 255, 255] and got[1, 1].tolist() == [0, 0, 0]
    assert np.abs(got.astype(int) - want.astype(int)).max() <= 1


def test_float_pages_with_a_few_pixels_over_one_or_nan_keep_their_ink(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """T14: a float page in 0..1 with one pixel at 1.02 was scaled as 0..255 (an all-black page, empty text,
    exit 0), and NaN pixels gave numpy's cast warning and black specks. Arrays and float TIFF files share
    one rule (ocrplug.pixels): the outlier is clipped, NaN is paper with a warning naming the input."""
    import numpy as np
    from ocrplug_inputs.images import normalize_image

    from ocrplug.sources import to_rgb_array

    page = np.ones((20, 30), dtype=np.float32)
    page[5:15, 5:25] = 0.1  # ink
    page[0, 0] = 1.02
    page[1, 1] = np.nan
    with caplog.at_level("WARNING", logger="ocrplug.pixels"):
        got = to_rgb_array(page)
    assert got[10, 10].tolist() == [26, 26, 26] and got[0, 5].tolist() == [255, 255, 255]
    assert got[0, 0].tolist() == [255, 255, 255] and got[1, 1].tolist() == [255, 255, 255]
    assert "1 pixel(s) are not finite" in caplog.text
    tif = tmp_path / "float.tif"
    Image.fromarray(page, "F").save(tif)
    with Image.open(tif) as img:
        assert np.array_equal(normalize_image(img, str(tif)), got)
    assert f"{tif}: 1 pixel(s)" in caplog.text
    from ocrplug.errors import InputError

    with pytest.raises(InputError, match="expected real pixel values"):
        to_rgb_array(np.zeros((4, 5), dtype=complex))
    with pytest.raises(InputError, match="empty image"):  # V14: OpenCV's assertion came through
        to_rgb_array(np.zeros((0, 0), dtype=np.uint8))
    # V14: a sharpened 0..1 page overshoots (4.7 % of its pixels over 1, up to 1.7; here 10 % at 1.3): 0..1, clipped.
    sharp = np.where(page > 0.5, 1.0, 0.1).astype(np.float32)
    sharp[:, :3] = 1.3
    sharp[0, 5] = 1.7
    assert to_rgb_array(sharp)[10, 10].tolist() == [26, 26, 26]


def test_the_progress_total_is_known_before_the_first_page(tmp_path: Path) -> None:
    """Tester T12 (issue 24): a 22-page PDF showed ``0/?`` until its first page was done (minutes on a
    loaded machine); the page counts are known when the inputs are opened, so the total comes first."""
    from ocrplug.manager import PluginHost
    from ocrplug.pipeline import Pipeline

    tif, png = _tif(tmp_path / "long.tif", 5), _png(tmp_path / "one.png")
    pipe = Pipeline.from_dict({"detector": "fake-box", "recognizer": "fake-echo", "renderers": ["fake-lines"]},
                              host=PluginHost(extra_plugins=["tests.fakes.fault_plugin"]))
    calls: list[tuple[int, int | None]] = []
    pipe.run_many([tif, png], out_dir=tmp_path / "out", progress=lambda source, done, total: calls.append((done, total)))
    assert calls[0] == (0, 6), calls  # before any page: 0 of 6
    assert calls[-1] == (6, 6)


def test_output_paths_with_a_newline_stay_one_per_line_or_nul_terminated(tmp_path: Path, capsys) -> None:
    """Tester T12 (issue 24): ``new\\nline.png`` printed its output on two stdout lines. By default such a
    path is C-quoted as git does; ``--print0`` prints every path raw, NUL-terminated (xargs -0)."""
    src = _png(tmp_path / "in" / "new\nline.png")
    args = ["run", str(src), "-o", str(tmp_path / "out"), "--no-progress", "--no-resume", "--set", "detector=null",
            "--set", "recognizer=null", "--set", "renderers=[text]"]
    assert main(args) == 0
    out = (tmp_path / "out").resolve()
    assert capsys.readouterr().out == f'"{out}/new\\nline.txt"\n'
    assert main([*args, "--print0"]) == 0
    printed = capsys.readouterr().out
    assert printed == f"{out}/new\nline.txt\0" and Path(printed[:-1]).is_file()
    assert main([*args[:-1], "renderers=[text, json]", "-z"]) == 0
    assert capsys.readouterr().out.split("\0") == [f"{out}/new\nline.txt", f"{out}/new\nline.json", ""]
