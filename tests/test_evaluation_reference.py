"""Issue 28: the evaluation's reference never depends on ocrplug's layout code; `ocrplug eval --compare`.

A reference built by the code under test would reward agreeing with itself. These tests pin the
frozen geometric order on a fixed annotation, prove that ocrplug.layout is not needed (nor consulted)
to build any reference, and check the per-image comparison of two reports.
"""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import ocrplug.layout
from ocrplug.cli import main
from ocrplug.evaluation import compare_reports, evaluate, load_dataset
from ocrplug.evaluation.reference import geometric_order
from ocrplug.model import Page
from tests.conftest import shared_path
from tests.test_evaluation import (
    LINES_GT,
    SHAPES_GT,
    FakePipeline,
    Region,
    lines_prediction,
    shapes_prediction,
    write_dataset,
)

ROOT = Path(__file__).resolve().parent.parent


def _box(x0: int, y0: int, x1: int, y1: int) -> list[list[int]]:
    return [[x0, y0], [x1, y0], [x1, y1], [x0, y1]]


# A fixed form-like annotation, words listed in no particular order (as FUNSD and ICDAR 2015 list them):
# a tall title, a row whose second word sits 4 px lower, two columns, a don't-care word and an empty one.
FORM_GT: dict[str, Any] = {
    "image": "form.png",
    "width": 400,
    "height": 200,
    "words": [
        {"text": "right", "quad": _box(250, 100, 300, 115)},
        {"text": "Title", "quad": _box(20, 5, 200, 45)},
        {"text": "Date:", "quad": _box(20, 60, 60, 75)},
        {"text": "###", "quad": _box(320, 60, 380, 75), "ignore": True},
        {"text": "left", "quad": _box(20, 100, 60, 115)},
        {"text": "1998", "quad": _box(70, 64, 110, 79)},
        {"text": "", "quad": _box(120, 60, 150, 75), "ignore": True},
        {"text": "below", "quad": _box(20, 130, 70, 145)},
        {"text": "column", "quad": _box(310, 101, 370, 116)},
    ],
    "lines": [],
}
#: Rows by centre (half the smaller height), left to right: the golden reference of FORM_GT.
FORM_REFERENCE = "Title Date: 1998 left right column below"


@pytest.fixture
def form_set(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "form", {"form": FORM_GT})


def test_geometric_reference_on_a_fixed_annotation(form_set: Path) -> None:
    gt = load_dataset(form_set)[0]
    assert gt.reference_kind == "geometric"
    assert gt.page_text == FORM_REFERENCE
    # The rule alone, on quads in any corner order or input order: rows, then left to right.
    quads = [_box(50, 0, 60, 10), _box(0, 2, 10, 12), _box(0, 30, 10, 40)]
    assert geometric_order(quads) == [1, 0, 2]
    assert geometric_order([q[::-1] for q in quads]) == [1, 0, 2]
    assert geometric_order([]) == []


def test_datasets_with_an_order_keep_their_own(tiny_set_with_order: Path) -> None:
    lines_gt = load_dataset(tiny_set_with_order)[0]
    assert lines_gt.reference_kind == "text" and lines_gt.page_text == "the quick fox\njumps"


@pytest.fixture
def tiny_set_with_order(tmp_path: Path) -> Path:
    return write_dataset(tmp_path / "ordered", {"lines": LINES_GT})


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_reference_modules_do_not_import_the_layout_code() -> None:
    evaluation = ROOT / "ocrplug" / "evaluation"
    reference = _imports(evaluation / "reference.py")
    assert not any(name.startswith("ocrplug") for name in reference), reference  # frozen: nothing of ours
    for module in ("dataset.py", "reference.py"):
        assert not any(n.startswith(("ocrplug.layout", "ocrplug.pipeline")) for n in _imports(evaluation / module))


def test_reference_is_built_without_ocrplug_layout(form_set: Path) -> None:
    # In a fresh interpreter where importing ocrplug.layout fails, the reference is still built, the same.
    code = (
        "import sys; sys.modules['ocrplug.layout'] = None\n"
        "from ocrplug.evaluation.dataset import load_dataset\n"
        f"print(load_dataset({str(form_set)!r})[0].page_text)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == FORM_REFERENCE


def test_changing_the_layout_code_cannot_change_the_reference(form_set: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the reference consulted ocrplug.layout")

    for name in ("order_regions", "layout_regions", "layout_page", "lines_for_recognition"):
        monkeypatch.setattr(ocrplug.layout, name, broken)
    assert load_dataset(form_set)[0].page_text == FORM_REFERENCE


@pytest.mark.shared
def test_golden_reference_of_a_real_funsd_form() -> None:
    gt = load_dataset(shared_path("eval", "funsd"), limit=1)[0]
    assert gt.name == "82092117" and gt.reference_kind == "geometric"
    assert gt.page_text.startswith("ATT. GEN. ADMIN. OFFICE Fax: 614 -466 -5087 Dec 10 '98 17 :46 P. 01 Attorney")
    digest = hashlib.sha256(gt.page_text.encode("utf-8")).hexdigest()
    assert digest == "b21eca2eac8f29d980432a6e83d1c728df5b64e37ecde1ac91e26f603f34dfcd"


# --- ocrplug eval --compare ------------------------------------------------------------------------


def _report(root: Path, pages: dict[str, Page], out: Path) -> Path:
    out.write_text(json.dumps(evaluate(FakePipeline(pages), root).to_dict()), encoding="utf-8")
    return out


@pytest.fixture
def two_reports(tmp_path: Path) -> tuple[Path, Path]:
    root = write_dataset(tmp_path / "tiny", {"shapes": SHAPES_GT, "lines": LINES_GT})
    perfect = Page(
        index=0,
        width=200,
        height=100,
        source="shapes.png",
        regions=tuple(Region(quad=w["quad"], text=w["text"]) for w in SHAPES_GT["words"] if not w["ignore"]),
    )
    empty = Page(index=0, width=200, height=100, source="lines.png")
    # A: shapes read with 2 errors, lines read perfectly. B: shapes perfect, lines empty.
    a = _report(root, {"shapes.png": shapes_prediction(), "lines.png": lines_prediction()}, tmp_path / "a.json")
    b = _report(root, {"shapes.png": perfect, "lines.png": empty}, tmp_path / "b.json")
    return a, b


def test_compare_lists_biggest_change_first_with_wins_and_losses(two_reports: tuple[Path, Path]) -> None:
    a, b = two_reports
    comparison = compare_reports(a, b)
    assert comparison.primary == "bag_cer"
    assert [d.name for d in comparison.images] == ["lines", "shapes"]  # |delta| 1.0 before 2/13
    lines, shapes = comparison.images
    assert lines.delta("bag_cer") == pytest.approx(1.0)
    assert shapes.delta("bag_cer") == pytest.approx(-2 / 13)
    assert shapes.delta("e2e_f1") == pytest.approx(1 - 2 / 7)
    assert (comparison.wins, comparison.losses, comparison.ties) == (1, 1, 0)
    by_hmean = compare_reports(a, b, primary="hmean")
    assert by_hmean.images[0].name == "shapes"  # only shapes has word boxes in both
    with pytest.raises(ValueError, match="unknown figure"):
        compare_reports(a, b, primary="speed")


def test_eval_compare_command(two_reports: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    a, b = two_reports
    assert main(["eval", "--compare", str(a), str(b)]) == 0
    out = capsys.readouterr().out
    assert out.index("lines") < out.index("shapes")
    assert "B better on 1, worse on 1, equal on 0 (by bag_cer, lower is better)" in out
    assert main(["eval", "--compare", str(a), str(b), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["wins"], data["losses"]) == (1, 1) and data["images"][0]["name"] == "lines"


def test_eval_compare_errors_name_the_file(two_reports: tuple[Path, Path], tmp_path: Path) -> None:
    a, _ = two_reports
    bad = tmp_path / "bad.json"
    bad.write_text('{"dataset": "x"}', encoding="utf-8")
    assert main(["eval", "--compare", str(a), str(bad)]) != 0
    assert main(["eval", "--compare", str(a), str(tmp_path / "missing.json")]) != 0
    assert main(["eval"]) != 0  # neither a dataset nor --compare
