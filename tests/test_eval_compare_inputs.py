"""`ocrplug eval --compare` given reports of different sets, or options that only a run can use.

A comparison of two unrelated reports used to print an empty table and exit 0 ("0 images in both"),
and `--preset` / `--limit` / `--set` next to `--compare` were silently ignored.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ocrplug.cli import main
from ocrplug.errors import ExitCode, InputError
from ocrplug.evaluation import compare_reports, evaluate
from tests.test_evaluation import LINES_GT, SHAPES_GT, FakePipeline, lines_prediction, shapes_prediction, write_dataset


def _report(root: Path, pages: dict, out: Path) -> Path:
    out.write_text(json.dumps(evaluate(FakePipeline(pages), root).to_dict()), encoding="utf-8")
    return out


@pytest.fixture
def reports(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two reports of one set ("shapes" and "lines") and one of another set ("other", no name shared)."""
    one = write_dataset(tmp_path / "setone", {"shapes": SHAPES_GT, "lines": LINES_GT})
    two = write_dataset(tmp_path / "settwo", {"other": SHAPES_GT})
    pages = {"shapes.png": shapes_prediction(), "lines.png": lines_prediction()}
    a = _report(one, pages, tmp_path / "a.json")
    b = _report(one, pages, tmp_path / "b.json")
    c = _report(two, {"other.png": shapes_prediction()}, tmp_path / "c.json")
    return a, b, c


def test_reports_of_different_sets_are_an_input_error_naming_both(reports: tuple[Path, Path, Path]) -> None:
    a, _, c = reports
    with pytest.raises(InputError, match=r"a\.json \(set 'setone', 2 images\) and .*c\.json \(set 'settwo', 1 images\)"):
        compare_reports(a, c)


def test_cli_different_sets_exit_code_3(reports: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    a, _, c = reports
    assert main(["eval", "--compare", str(a), str(c)]) == ExitCode.input_error == 3
    err = capsys.readouterr().err
    assert "no image in common" in err and str(c) in err


@pytest.mark.parametrize(
    "extra, flag",
    [(["--preset", "accurate"], "--preset"), (["--limit", "1"], "--limit"),
     (["--set", "detector.name=craft"], "--set"), (["-j", "2"], "-j/--jobs")],
)
def test_run_options_with_compare_are_a_config_error(
    reports: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str], extra: list[str], flag: str
) -> None:
    a, b, _ = reports
    assert main(["eval", "--compare", str(a), str(b), *extra]) == ExitCode.config_error
    assert flag in capsys.readouterr().err


def test_same_set_still_compares(reports: tuple[Path, Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    a, b, _ = reports
    assert main(["eval", "--compare", str(a), str(b), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert sorted(d["name"] for d in data["images"]) == ["lines", "shapes"] and data["ties"] == 2
