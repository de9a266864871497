"""Nothing escapes `-o` (issue 23 item 1), runs never touch each other (item 3), own outputs are never
inputs and stale outputs of an earlier config are removed (item 4), `--resume-check` (item 4)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ocrplug.cli import main
from ocrplug.errors import ConfigError, OutputError
from ocrplug.io.atomic import confine, write_text_atomic
from ocrplug.pipeline import Pipeline
from tests.host.test_run_loop import _png, _tif, _visible

REPO = Path(__file__).resolve().parents[2]
PLAIN = ["--no-progress", "--set", "detector=null", "--set", "recognizer=null"]
PLUGINS = "plugins: [tests.fakes.fault_plugin, tests.fakes.escape_plugin]\nrecognizer: fake-echo\n"
FAKE = PLUGINS + "detector: fake-box\n"


def _env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), str(REPO / "plugins"), os.environ.get("PYTHONPATH", "")]))


def _subprocess(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "ocrplug.cli", *args], cwd=cwd, env=_env(), capture_output=True,
                          text=True, errors="backslashreplace", timeout=300)


def _all_files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _job(tmp_path: Path, renderers: str, name: str = "job.yaml") -> Path:
    path = tmp_path / name
    path.write_text(FAKE + f"renderers: {renderers}\n")
    return path


# -- item 1: confined output paths -------------------------------------------------------------------


SUFFIXES = {
    "climbing": "/../../outside/victim.txt",
    "absolute": "/../../../../../../../../../../{tmp}/outside/abs.txt",
    "symlink": "/../link/through.txt",  # out/link -> outside
    "nul": "x\u0000y.txt",
}


@pytest.mark.parametrize("case", list(SUFFIXES))
def test_a_suffix_that_leaves_the_output_folder_is_refused_before_any_work(tmp_path: Path, case: str) -> None:
    work = tmp_path / "work"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "victim.txt").write_text("precious")
    image = _png(work / "a.png")
    out = work / "out"
    out.mkdir()
    (out / "link").symlink_to(outside, target_is_directory=True)
    job = work / "job.yaml"
    suffix = SUFFIXES[case].format(tmp=str(tmp_path).lstrip("/"))
    job.write_text(json.dumps({"renderers": [{"name": "json"}, {"name": "text", "options": {"suffix": suffix}}]}))
    before = _all_files(tmp_path)
    proc = _subprocess(["run", str(image), "-c", str(job), "-o", str(out), *PLAIN], work)
    assert proc.returncode == 2, proc.stderr
    assert "renderers.1.options.suffix" in proc.stderr and "Traceback" not in proc.stderr
    assert ("NUL byte" if case == "nul" else "outside the output folder") in proc.stderr
    assert proc.stdout == ""
    assert _all_files(tmp_path) == before  # nothing written anywhere, no .ocrplug/ left behind
    assert (outside / "victim.txt").read_text() == "precious"


def test_the_python_api_refuses_an_escaping_suffix_naming_the_key(tmp_path: Path) -> None:
    image = _png(tmp_path / "a.png")
    pipe = Pipeline.from_dict({"detector": None, "recognizer": None,
                               "renderers": [{"name": "text", "options": {"suffix": "/../../escaped.txt"}}]})
    with pytest.raises(ConfigError, match=r"renderers\.0\.options\.suffix") as info:
        pipe.run_many([image], tmp_path / "a" / "out")
    assert isinstance(info.value, OutputError) and info.value.exit_code == 2
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "a" / "escaped.txt").exists()
    nul = Pipeline.from_dict({"detector": None, "recognizer": None,
                              "renderers": [{"name": "overlay", "options": {"format": "png"}}, {"name": "json", "options": {"suffix": ".j\0son"}}]})
    with pytest.raises(ConfigError, match=r"renderers\.1\.options\.suffix: .*NUL byte"):
        nul.run_many([image], tmp_path / "out2")


def test_an_output_name_too_long_for_the_file_system_is_refused_before_any_work(tmp_path: Path, capsys) -> None:
    # A tester's finding: a 400-byte suffix failed each document with "File name too long" after its OCR.
    image = _png(tmp_path / "a.png")
    out = tmp_path / "out"
    code = main(["run", str(image), "-o", str(out), "--no-progress", "--set", "detector=null", "--set",
                 "recognizer=null", "--set", 'renderers=[{name: text, options: {suffix: "' + "é" * 200 + '"}}]'])
    err = capsys.readouterr().err
    assert code == 2
    assert "renderers.0.options.suffix" in err and "longer than this file system allows" in err
    assert not out.exists() or not any(p.suffix != ".ocrplug" and p.name != ".ocrplug" for p in out.iterdir())


def test_a_renderer_without_planned_outputs_is_stopped_at_write_time(tmp_path: Path, capsys) -> None:
    """Defence in depth: a third-party renderer that computes a path outside -o fails that document
    (named, exit 1); nothing lands outside, and, a document's outputs being committed all or none
    (issue 24), the other renderers' files of that document are not written either."""
    image = _png(tmp_path / "in" / "a.png")
    out = tmp_path / "out"
    job = _job(tmp_path, "[json, {name: fake-escape, options: {target: '../{stem}.escaped'}}]")
    assert main(["run", str(image), "-c", str(job), "-o", str(out), "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "refusing to write outside the output folder" in err and "Traceback" not in err
    assert not (tmp_path / "a.escaped").exists()
    assert _visible(out) == []
    assert not [p for p in tmp_path.rglob(".*part*")]  # no temporary left anywhere


def test_confine_refuses_symlinked_folders_nul_bytes_and_allows_inside(tmp_path: Path) -> None:
    out, outside = tmp_path / "out", tmp_path / "outside"
    out.mkdir()
    outside.mkdir()
    (out / "link").symlink_to(outside, target_is_directory=True)
    with confine(out):
        write_text_atomic(out / "sub" / "fine.txt", "ok")
        for bad in (out / "link" / "x.txt", out / ".." / "x.txt", Path("/tmp/ocrplug-never.txt"), out / "a\0b"):
            with pytest.raises(OutputError):
                write_text_atomic(bad, "no")
    assert sorted(p.name for p in outside.iterdir()) == [] and not (tmp_path / "x.txt").exists()
    assert (out / "sub" / "fine.txt").read_text() == "ok"
    write_text_atomic(tmp_path / "free.txt", "outside a run anything goes")


def test_a_tampered_manifest_name_never_places_an_output_outside(tmp_path: Path) -> None:
    image = _png(tmp_path / "in" / "a.png")
    out = tmp_path / "out"
    job = _job(tmp_path, "[fake-lines]")
    assert main(["run", str(image), "-c", str(job), "-o", str(out), "--no-progress"]) == 0
    manifest = out / ".ocrplug" / "manifest.json"
    data = json.loads(manifest.read_text())
    for entry in data["documents"].values():
        entry["name"], entry["config"] = "../../evil", "changed"
    data["names"] = {"../../evil": next(iter(data["documents"]))}
    manifest.write_text(json.dumps(data))
    assert main(["run", str(image), "-c", str(job), "-o", str(out), "--no-progress"]) == 0
    assert not list(tmp_path.parent.glob("evil*")) and not list(tmp_path.glob("evil*"))
    assert _visible(out) == ["a.lines"]


# -- item 3: runs never touch each other ---------------------------------------------------------------


def test_two_live_runs_in_nested_folders_both_complete(tmp_path: Path) -> None:
    inner_in, outer_in = tmp_path / "inner", tmp_path / "outer"
    inner_in.mkdir()
    outer_in.mkdir()
    _tif(inner_in / "long.tif", 40)
    _png(outer_in / "b.png")
    out = tmp_path / "out"
    sub = out / "sub"
    slow = tmp_path / "slow.yaml"
    slow.write_text(PLUGINS + "renderers: [text, fake-lines]\ndetector: {name: fake-box, options: {delay_s: 0.3}}\n")
    inner = subprocess.Popen([sys.executable, "-m", "ocrplug.cli", "run", str(inner_in), "-c", str(slow), "-o", str(sub),
                              "--no-progress"], cwd=REPO, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        end = time.monotonic() + 120
        while time.monotonic() < end and not [p for p in sub.glob(".*part*")] and inner.poll() is None:
            time.sleep(0.05)
        assert [p for p in sub.glob(".*part*")], "the inner run never had temporaries to protect"
        outer = _subprocess(["run", str(outer_in), "-c", str(_job(tmp_path, "[text]", "fast.yaml")), "-o", str(out),
                             "--no-progress"], tmp_path)
        assert outer.returncode == 0, outer.stderr
        assert inner.poll() is None, "the inner run finished before the outer one started: nothing was tested"
        _, stderr = inner.communicate(timeout=180)
    finally:
        if inner.poll() is None:
            inner.kill()
    assert inner.returncode == 0, stderr
    assert (sub / "long.txt").read_text().count("page") == 40 and (sub / "long.lines").is_file()
    assert (out / "b.txt").is_file()
    assert not _all_files(out) & {"long.txt", "long.lines"}


# -- item 4: own outputs are never inputs; stale outputs; --resume-check -----------------------------------


def test_files_any_run_wrote_are_never_inputs_whatever_the_config_history(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "dir"
    _png(folder / "a.png")
    overlay = _job(tmp_path, "[overlay]", "overlay.yaml")
    assert main(["run", str(folder), "-c", str(overlay), "-o", str(folder), "--no-progress"]) == 0
    assert (folder / "a_p0001.png").is_file()
    # Run 2 changes renderers and fails the document: the manifest no longer lists the overlay.
    failing = tmp_path / "failing.yaml"
    failing.write_text(PLUGINS + "renderers: [text]\ndetector: {name: fake-box, options: {fail_on_pages: [0]}}\n")
    assert main(["run", str(folder), "-c", str(failing), "-o", str(folder), "--no-progress"]) in (1, 3)
    manifest = json.loads((folder / ".ocrplug" / "manifest.json").read_text())
    assert all("a_p0001.png" not in e.get("outputs", []) for e in manifest["documents"].values())
    capsys.readouterr()
    assert main(["run", str(folder), "-c", str(_job(tmp_path, "[text]")), "-o", str(folder), "--no-progress"]) == 0
    assert capsys.readouterr().out.split() == [str(folder.resolve() / "a.txt")]  # only a.png was read
    # Another output folder reading this folder as input honours its ledger too.
    (folder / ".ocrplug" / "manifest.json").unlink()
    assert main(["run", str(folder), "-c", str(_job(tmp_path, "[text]")), "-o", str(tmp_path / "o2"), "--no-progress"]) == 0
    assert _visible(tmp_path / "o2") == ["a.txt"]


def test_stale_outputs_of_an_earlier_config_are_removed_and_reported(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "in"
    _png(folder / "b.png")
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.json").write_text("the user's own file")
    assert main(["run", str(folder), "-c", str(_job(tmp_path, "[json, overlay]", "one.yaml")), "-o", str(out), "--no-progress"]) == 0
    assert _visible(out) == ["b.json", "b_p0001.png", "notes.json"]
    capsys.readouterr()
    assert main(["run", str(folder), "-c", str(_job(tmp_path, "[text]", "two.yaml")), "-o", str(out), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert _visible(out) == ["b.txt", "notes.json"]
    assert "2 output(s) of an earlier config removed" in err and "b.json" in err
    manifest = json.loads((out / ".ocrplug" / "manifest.json").read_text())
    assert [e["outputs"] for e in manifest["documents"].values()] == [["b.txt"]]


def test_resume_check_hash_sees_a_content_change_with_the_same_size_and_mtime(tmp_path: Path, capsys) -> None:
    image = _png(tmp_path / "in" / "a.png")
    out = tmp_path / "out"
    job = _job(tmp_path, "[fake-lines]")
    run = ["run", str(image), "-c", str(job), "-o", str(out), "--no-progress"]
    assert main(run) == 0
    first = (out / "a.lines").read_text()

    def replace_keeping_size_and_mtime(dark: bool) -> None:
        st = image.stat()
        data = bytearray(image.read_bytes())
        tmp = _png(tmp_path / "tmp.png", dark=dark).read_bytes()
        new = tmp + b"\0" * (len(data) - len(tmp)) if len(tmp) <= len(data) else tmp[: len(data)]
        image.write_bytes(new)
        os.utime(image, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert image.stat().st_size == st.st_size and image.stat().st_mtime_ns == st.st_mtime_ns

    replace_keeping_size_and_mtime(dark=False)  # the page is blank now
    capsys.readouterr()
    assert main(run) == 0
    assert "1 document(s) skipped" in capsys.readouterr().err  # the default compares size and mtime
    assert main([*run, "--resume-check", "hash"]) == 0
    assert (out / "a.lines").read_text() != first  # redone: the blank page has no region
    capsys.readouterr()
    assert main([*run, "--resume-check", "hash"]) == 0
    assert "1 document(s) skipped" in capsys.readouterr().err
    replace_keeping_size_and_mtime(dark=True)
    pipe = Pipeline.from_dict({"plugins": ["tests.fakes.fault_plugin"], "detector": "fake-box",
                               "recognizer": "fake-echo", "renderers": ["fake-lines"]})
    report = pipe.run_many([image], out, resume=True, resume_check="hash")
    assert report.skipped == [] and (out / "a.lines").read_text() == first
    assert pipe.run_many([image], out, resume=True, resume_check="hash").skipped == [str(image)]
    with pytest.raises(ConfigError, match="resume check"):
        pipe.run_many([image], out, resume=True, resume_check="md5")
    manifest = json.loads((out / ".ocrplug" / "manifest.json").read_text())
    assert len(next(iter(manifest["documents"].values()))["sha256"]) == 64


def test_stale_outputs_are_still_removed_after_a_failed_run_in_between(tmp_path: Path, capsys) -> None:
    """json, then a run that fails the document with another config, then text: b.json is an output of
    an earlier config and must go (it used to be forgotten by the failed run's manifest entry)."""
    folder = tmp_path / "in"
    _png(folder / "b.png")
    out = tmp_path / "out"
    assert main(["run", str(folder), "-c", str(_job(tmp_path, "[json]", "one.yaml")), "-o", str(out), "--no-progress"]) == 0
    failing = tmp_path / "failing.yaml"
    failing.write_text(PLUGINS + "renderers: [hocr]\ndetector: {name: fake-box, options: {fail_on_pages: [0]}}\n")
    assert main(["run", str(folder), "-c", str(failing), "-o", str(out), "--no-progress"]) in (1, 3)
    assert "b.json" in _visible(out)  # a failed redo removes nothing
    capsys.readouterr()
    assert main(["run", str(folder), "-c", str(_job(tmp_path, "[text]", "two.yaml")), "-o", str(out), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert _visible(out) == ["b.txt"]
    assert "output(s) of an earlier config removed" in err and "b.json" in err


def test_an_input_name_too_long_for_its_outputs_is_shortened_and_the_run_goes_on(tmp_path: Path, capsys, caplog) -> None:
    # T16: one input named with 251 + 4 bytes (legal on ext4) refused the whole run, blamed on
    # `renderers.0.options.suffix`; now its outputs get a shortened, stable name and the others are read.
    long_stem = "L" * 251
    try:
        long_image = _png(tmp_path / "in" / f"{long_stem}.png")
    except OSError:
        pytest.skip("this file system does not take 255-byte names")
    _png(tmp_path / "in" / "short.png")
    accented = "é" * 120  # 240 bytes: cut on a character, never inside one
    _png(tmp_path / "in" / f"{accented}.png")
    out = tmp_path / "out"
    args = ["run", str(tmp_path / "in"), "-o", str(out), "--no-progress", "--set", "detector=null", "--set",
            "recognizer=null", "--set", "renderers=[{name: text}, {name: json}]"]
    code = main(args)
    err = capsys.readouterr().err
    assert code == 0, err
    assert (out / "short.txt").exists() and (out / "short.json").exists()
    names = sorted(p.name for p in out.iterdir() if p.name.startswith("L"))
    assert len(names) == 2 and all(len(os.fsencode(n)) <= 255 - 16 for n in names)
    assert names[0][:-5] == names[1][:-4]  # one stem for both renderers
    assert "too long for output names" in caplog.text and long_image.name[:20] in caplog.text
    accented_out = [p.name for p in out.iterdir() if p.name.startswith("é")]
    assert len(accented_out) == 2 and all(n.encode().decode() == n for n in accented_out)
    # A rerun finds the same names: the long input is done, nothing new written.
    before = sorted(p.name for p in out.iterdir())
    assert main(args) == 0
    assert sorted(p.name for p in out.iterdir()) == before
