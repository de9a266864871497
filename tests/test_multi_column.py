"""Issue 24: the generated multi-column pages of ``benchmarks/multi_column.py`` stay drawable and scorable.

The guard sets hold no multi-column page, so the benchmark draws its own (2 and 3 columns, narrow and wide
gutters, pull quotes, figures, tables below the prose). These tests keep the generator and its column check
working: pages are the same for a seed, each column's text stands apart (a gutter with no ink), the truth
read back passes the check and a reading across the columns (row by row) fails it; one small page runs
through ``fast`` end to end.
"""

from __future__ import annotations

import numpy as np

from tests.conftest import load_benchmark

multi_column = load_benchmark("multi_column")


def _columns(truth: list) -> dict[int, list[str]]:
    cols: dict[int, list[str]] = {}
    for ln in truth:
        if ln.col >= 0 and ln.kind == "body":
            cols.setdefault(ln.col, []).append(ln.text)
    return cols


def test_pages_are_the_same_for_a_seed_and_cover_the_kinds() -> None:
    a, b = multi_column.make_pages(24, 8), multi_column.make_pages(24, 8)
    for (sa, ia, ta), (sb, ib, tb) in zip(a, b, strict=True):
        assert sa.name == sb.name
        assert ia.tobytes() == ib.tobytes()
        assert [ln.text for ln in ta] == [ln.text for ln in tb]
    specs = [s for s, _, _ in a]
    assert {s.cols for s in specs} == {2, 3}
    assert {s.quote for s in specs} >= {"column", "inset", "photo"}
    assert any(s.table for s in specs) and any(s.figure for s in specs)
    assert min(s.gutter * 300 / s.dpi for s in specs) <= 25 and max(s.gutter / s.dpi for s in specs) >= 0.2


def test_the_gutters_hold_no_ink_where_the_columns_run() -> None:
    checked = 0
    for spec, img, truth in multi_column.make_pages(24, 12):
        if spec.rules or spec.quote in ("inset", "photo"):
            continue  # a rule or an inset crosses the gutter
        checked += 1
        ink = np.asarray(img) < 128
        rows = np.flatnonzero(ink.any(axis=1))
        cols = _columns(truth)
        assert len(cols) == spec.cols, spec.name
        # The body runs from the rule under the title to above the table/footer: take its middle third.
        mid = ink[rows[0] + (rows[-1] - rows[0]) // 3: rows[0] + 2 * (rows[-1] - rows[0]) // 3]
        empty = ~mid.any(axis=0)
        runs, start = [], None
        for x, e in enumerate(empty):
            if e and start is None:
                start = x
            elif not e and start is not None:
                runs.append((start, x))
                start = None
        inner = [r for r in runs if r[0] > 0]
        assert sum(1 for r in inner if r[1] - r[0] >= spec.gutter // 2) >= spec.cols - 1, spec.name  # glyphs overhang their advance
    assert checked >= 3


def test_the_truth_passes_the_column_check_and_a_reading_across_the_columns_fails_it() -> None:
    for spec, _, truth in multi_column.make_pages(24, 8):
        text = "\n".join(ln.text for ln in truth)
        s = multi_column.score(truth, text)
        assert s["ok"] and s["text"].cer == 0 and s["bag"].cer == 0, spec.name
        assert s["runs"] == (spec.cols, spec.cols) and s["joined"] == 0, spec.name
        cols = _columns(truth)
        across = [cols[k][i] for i in range(max(map(len, cols.values()))) for k in sorted(cols) if i < len(cols[k])]
        s = multi_column.score(truth, "\n".join(across))
        assert not s["ok"] and "before" in s["why"], spec.name
        assert s["runs"][0] > 5 * spec.cols and s["joined"] == 0, spec.name
        # The same rows, each one line across the gutters: rows of full lines join columns.
        rows = [" ".join(cols[k][i] for k in sorted(cols)) for i in range(min(map(len, cols.values())))]
        assert multi_column.score(truth, "\n".join(rows))["joined"] >= len(rows) // 2, spec.name  # short lines: not
        assert s["text"].cer > s["bag"].cer + 0.2, spec.name  # the page CER sees the order, the bag does not


def test_one_page_runs_through_fast(capsys) -> None:
    name = multi_column.make_pages(24, 4)[3][0].name  # a 2-column page at 200 dpi
    assert multi_column.main(["--presets", "fast", "--pages", "4", "--names", name]) == 0
    out = capsys.readouterr().out
    assert f"fast {name}: page CER" in out
    assert "| fast |" in out
