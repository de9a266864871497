"""The CLI: run summaries and exit codes, config printing, interruption, atomic outputs."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from PIL import Image

from ocrplug.cli import main
from ocrplug.config import DEFAULT_CONFIG, validate_config
from ocrplug.io.atomic import atomic_write

JOB = "plugins: [tests.fakes.fault_plugin]\ndetector: fake-box\nrecognizer: fake-echo\nrenderers: [fake-lines]\n"


def _job(tmp_path: Path, text: str = JOB) -> Path:
    path = tmp_path / "job.yaml"
    path.write_text(text)
    return path


def test_config_default_prints_valid_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--default"]) == 0
    data = yaml.safe_load(capsys.readouterr().out)
    assert data == DEFAULT_CONFIG
    validate_config(data)


def test_run_reports_failures_and_keeps_good_outputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.png"
    Image.new("RGB", (30, 20), "white").save(good)
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not a jpeg")
    out = tmp_path / "out"
    code = main(["run", str(bad), str(good), "-c", str(_job(tmp_path)), "-o", str(out)])
    captured = capsys.readouterr()
    assert code == 1
    assert (out / "good.lines").read_text() == "0 0 True\n"
    assert "1 failure(s)" in captured.err and "bad.jpg" in captured.err
    assert str(out / "good.lines") in captured.out
    assert "\r" not in captured.err  # no progress bar when not a terminal


def test_run_success_exit_code_and_set_override(tmp_path: Path) -> None:
    good = tmp_path / "good.png"
    Image.new("RGB", (30, 20), "white").save(good)
    out = tmp_path / "out"
    args = ["run", str(good), "-c", str(_job(tmp_path)), "-o", str(out), "--set", "detector.options.fail_on_pages=[0]"]
    assert main(args) == 1
    assert main(args[:-2]) == 0


def test_bad_config_exit_code(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    job = _job(tmp_path, JOB + "detecter: x\n")
    assert main(["run", str(tmp_path), "-c", str(job)]) == 2
    assert "did you mean 'detector'" in capsys.readouterr().err


def test_interrupt_aborts_without_partial_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.fakes import fault_plugin

    pages = [Image.new("RGB", (30, 20), "white") for _ in range(3)]
    tif = tmp_path / "multi.tif"
    pages[0].save(tif, save_all=True, append_images=pages[1:])

    def detect(self, page):
        if page.index == 2:
            raise KeyboardInterrupt
        return []

    monkeypatch.setattr(fault_plugin.BoxDetector, "detect", detect)
    out = tmp_path / "out"
    assert main(["run", str(tif), "-c", str(_job(tmp_path)), "-o", str(out)]) == 130
    # Only the hidden resume bookkeeping (.ocrplug/) is left: no output, no temporary file.
    assert [p.name for p in out.iterdir()] == [".ocrplug"]


def test_atomic_write_keeps_old_file_on_error(tmp_path: Path) -> None:
    target = tmp_path / "result.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_write(target) as fh:
        fh.write("half")
        raise RuntimeError("crash")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["result.txt"]


def test_eval_command_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    images, annotations = tmp_path / "set" / "images", tmp_path / "set" / "annotations"
    images.mkdir(parents=True)
    annotations.mkdir()
    img = Image.new("RGB", (60, 40), "white")
    img.paste((0, 0, 0), (10, 10, 50, 30))
    img.save(images / "a.png")
    gt = {"image": "a.png", "width": 60, "height": 40, "lines": [{"text": "page0", "quad": [[10, 10], [49, 10], [49, 29], [10, 29]]}], "words": []}
    (annotations / "a.json").write_text(json.dumps(gt))
    code = main(["eval", str(tmp_path / "set"), "-c", str(_job(tmp_path)), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["overall"]["detection"]["line"]["hmean"] == 1.0
    assert report["overall"]["text"]["cer"] == 0.0


@pytest.mark.parametrize("command", [["run"], ["spark", "run"]])
def test_empty_output_folder_is_a_usage_error(
    command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    image = tmp_path / "in.png"
    Image.new("RGB", (40, 20), "white").save(image)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exc:
        main([*command, str(image), "-o", "", "--set", "detector=null", "--set", "recognizer=null"])
    assert exc.value.code == 2
    assert "argument -o/--output: empty output folder" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.png"]  # nothing written to the current folder


def test_empty_config_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["config", "--show", "-c", ""])
    assert exc.value.code == 2
    assert "argument -c/--config: empty config path" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:  # V14: `--preset ''` ran the default pipeline
        main(["config", "--preset", ""])
    assert exc.value.code == 2
    assert "argument --preset: empty preset name" in capsys.readouterr().err


def test_progress_counts_documents_as_well_as_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 24 (T12): the progress display showed pages only; it counts documents finished of the
    documents opened too (a file that cannot be opened is a failure, not a document to wait for)."""
    import io
    import sys

    import rich.progress
    from rich.console import Console

    screen = io.StringIO()
    real = rich.progress.Progress

    class Shown(real):  # type: ignore[misc, valid-type]
        def __init__(self, *columns, **kwargs) -> None:
            kwargs.pop("console", None)
            super().__init__(*columns, console=Console(file=screen, width=160, force_terminal=False), **kwargs)

    monkeypatch.setattr(rich.progress, "Progress", Shown)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    for name in ("a.png", "b.png", "c.png"):
        Image.new("RGB", (30, 20), "white").save(tmp_path / name)
    (tmp_path / "bad.jpg").write_bytes(b"not a jpeg")
    inputs = [str(tmp_path / n) for n in ("a.png", "bad.jpg", "b.png", "c.png")]
    code = main(["run", *inputs, "-c", str(_job(tmp_path)), "-o", str(tmp_path / "out")])
    assert code == 1  # bad.jpg
    final = screen.getvalue().splitlines()[-2:]  # the two bars as last drawn
    assert "documents" in final[0] and "3/3" in final[0]
    assert "3/3" in final[1] and "pages" in final[1]


def test_progress_is_drawn_on_stderr_never_among_the_output_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """T14: the bar was drawn on rich's default console, stdout, so `ocrplug run ... > paths.txt` (stderr a
    terminal) got bar lines among the paths and `-z | xargs -0` a bogus name. stdout holds the paths only."""
    import sys

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    for name in ("a.png", "b.png"):
        Image.new("RGB", (30, 20), "white").save(tmp_path / name)
    inputs = [str(tmp_path / n) for n in ("a.png", "b.png")]
    assert main(["run", *inputs, "-c", str(_job(tmp_path)), "-o", str(tmp_path / "out")]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines and all(Path(line).is_file() for line in lines), lines
    assert "documents" in err and "pages" in err
