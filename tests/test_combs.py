"""Comb fields (one box per letter) read as words, never as checkboxes or walls (issue 24, T11 fault 1)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from tests.conftest import load_benchmark


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, list]]:
    folder = tmp_path_factory.mktemp("combs")
    return folder, load_benchmark("combs").build(folder)


def _gray(folder: Path, name: str) -> np.ndarray:
    return np.asarray(Image.open(folder / f"{name}.png").convert("L"))


def test_every_drawn_comb_is_found_with_its_filled_cells(pages: tuple[Path, dict[str, list]]) -> None:
    """Cells 20-88 px, walls 1-4 px, eight faces, turned by up to 1 degree: each field is one comb whose
    runs of filled cells are the value's words."""
    from ocrplug.combs import find_combs

    folder, truth = pages
    for name, fields in truth.items():
        combs = find_combs(_gray(folder, name))
        assert len(combs) == len(fields), name
        for comb, (_, value, _) in zip(combs, fields, strict=True):
            assert comb.filled[: len(value)] == tuple(ch != " " for ch in value), (name, value)
            assert not any(comb.filled[len(value):]), (name, value)
            assert len(comb.words()) == len(value.split())


@pytest.mark.parametrize("turn", [-5.0, 3.0, 8.0])
def test_a_turned_comb_is_still_one(turn: float, pages: tuple[Path, dict[str, list]]) -> None:
    from ocrplug.combs import find_combs

    folder, truth = pages
    img = Image.open(folder / "c150_44_w2_comic.png").rotate(turn, resample=Image.BICUBIC, fillcolor=255)
    combs = find_combs(np.asarray(img))
    assert [len(c.words()) for c in combs] == [len(v.split()) for _, v, _ in truth["c150_44_w2_comic"]]


def test_a_table_grid_and_a_row_of_checkboxes_are_no_combs() -> None:
    from ocrplug.combs import find_combs

    img = Image.new("L", (900, 500), 255)
    d = ImageDraw.Draw(img)
    for r in range(4):  # a grid of 4 rows x 7 square cells with a digit each (a calendar, a sudoku)
        for c in range(7):
            d.rectangle([40 + 50 * c, 40 + 50 * r, 90 + 50 * c, 90 + 50 * r], outline=0, width=2)
            d.text((60 + 50 * c, 55 + 50 * r), str((r * 7 + c) % 10), fill=0)
    for c in range(5):  # separate checkboxes in a row, each apart from the next
        d.rectangle([40 + 60 * c, 300, 70 + 60 * c, 330], outline=0, width=2)
    d.line([(40, 420), (800, 420)], fill=0, width=2)  # a signature rule
    assert find_combs(np.asarray(img)) == []


def test_a_line_over_a_label_and_its_comb_keeps_the_label_and_reads_the_cells_as_words(
    pages: tuple[Path, dict[str, list]],
) -> None:
    from ocrplug.combs import COMB_ATTR, join_comb_words, pack_comb_words, take_combs
    from ocrplug.model import Region

    folder, truth = pages
    name = "c150_44_w2_comic"
    gray = _gray(folder, name)
    _, value, (x0, y0, x1, y1) = truth[name][4]
    line = Region.from_box(50, y0 + 2, x1 - 3, y1 - 2, level="line", score=0.9)
    kept, combs, walls = take_combs(gray, [line])
    assert walls is not None and walls.shape == gray.shape
    # The walls are the comb's and nothing else: no pixel left of it (the label) is painted.
    assert walls[:, : int(x0) - 2].sum() == 0 and walls[int(y0):int(y1) + 1, int(x0):int(x1) + 1].sum() > 0
    assert len(kept) == 1 and kept[0].bbox[2] < x0 and kept[0].bbox[0] == pytest.approx(50)
    combs = [r for r in combs if y0 <= r.bbox[1] <= y1]
    assert len(combs) == len(value.split()) and all(x0 <= r.bbox[0] and r.bbox[2] <= x1 for r in combs)
    # Read with their glyphs moved together: each word's region to read is narrower than its cells.
    painted, packed = pack_comb_words(gray, combs)
    assert painted.shape == gray.shape and all(
        p.bbox[2] - p.bbox[0] < 0.75 * (c.bbox[2] - c.bbox[0]) for p, c in zip(packed, combs, strict=True))
    read = [r.with_(text=" ".join(word), confidence=0.9) for r, word in zip(packed, value.split(), strict=True)]
    joined = join_comb_words(packed, read)
    assert [r.text for r in joined] == value.split()
    assert [r.bbox for r in joined] == [c.bbox for c in combs]  # back in their cells
    assert all(len(r.children) == 1 and r.children[0].text == r.text and COMB_ATTR not in r.attributes for r in joined)
    # A letter read in its full-width form is written plain.
    assert join_comb_words(packed[:1], [packed[0].with_(text="O K A F O \uff32")])[0].text == "OKAFOR"


@pytest.mark.parametrize("preset", ["fast", "swift"])
def test_every_preset_reads_the_combs_as_words_without_checkboxes_or_walls(
    preset: str, pages: tuple[Path, dict[str, list]]
) -> None:
    """Before: ``M O R G A N`` (fast), ``C F 1 0 3 ☑ T`` and ``C F 1 10`` (swift: a cell taken for a ticked
    checkbox, a wall read as ``1``)."""
    pytest.importorskip("onnxruntime")
    if preset == "swift":
        pytest.importorskip("tesserocr")
    from ocrplug.pipeline import Pipeline

    bench = load_benchmark("combs")
    folder, truth = pages
    name = "c150_44_w2_comic"
    page = Pipeline.from_preset(preset, ["renderers=[]"]).run(Image.open(folder / f"{name}.png")).pages[0]
    words = [(w.text or "", *np.asarray(w.quad, dtype=float).mean(axis=0)) for w in page.words]
    right = 0
    for label, value, (x0, y0, x1, y1) in truth[name]:
        reading = " ".join(t for t, cx, cy in words if x0 <= cx <= x1 and y0 <= cy <= y1)
        counts = bench.score_field(value, reading)
        assert counts["false"] == 0, (value, reading)
        assert len(reading.split()) == len(value.split()), (value, reading)
        right += counts["exact"]
        assert any(t == label for t, cx, cy in words if cx < x0 and y0 <= cy <= y1), label
    assert right >= len(truth[name]) - 1
