"""The link refiner's training data and stage: line ids, curved lines, line link targets, a tiny run.

The stage is run for a few steps on tiny pages with the small shipped ``craft-lite-synth`` as the frozen
CRAFT (the real recipe freezes ``craft_mlt_25k``); it never runs a real training.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from ocrplug_craft.training.gt import affinity_quads, line_link_map
from ocrplug_craft.training.synth import _Canvas, _font, _layout_table, generate_page, sample_seed

from ocrplug.errors import ConfigError


def test_words_of_one_row_share_a_line_and_a_forced_break_or_a_wide_gap_does_not(fonts) -> None:
    c = _Canvas(400, 200)
    font = _font(fonts[0].path, 20)
    x = 10.0
    for word in ("one", "row", "here"):
        x += c.draw_word(x, 10, word, font) + font.getlength(" ")
    c.draw_word(x + 60, 10, "far", font)  # three font sizes away: another segment of the row
    c.break_line()
    c.draw_word(330, 10, "cell", font)  # close, but a table cell of its own
    c.draw_word(10, 60, "next", font)  # the next row
    assert c.word_line == [0, 0, 0, 1, 2, 3]
    assert c.char_line().tolist() == [0] * 10 + [1] * 3 + [2] * 4 + [3] * 4


def test_table_cells_are_separate_lines(fonts) -> None:
    for i in range(4):
        c = _Canvas(320, 320)
        _layout_table(c, np.random.default_rng(sample_seed(5, i)), fonts, (10.0, 20.0))
        boxes = np.asarray(c.word_boxes)
        lines = np.asarray(c.word_line)
        # Words of one line are never separated by a vertical rule of the grid: they sit in one cell.
        for line in np.unique(lines):
            members = boxes[lines == line]
            assert members[:, 1].max() < members[:, 3].min()  # one row
            assert len(members) <= 2  # a cell holds at most two words


def test_curved_pages_hold_rotated_characters_with_exact_quads(fonts) -> None:
    found_rotated = 0
    for i in range(8):
        a = generate_page(np.random.default_rng(sample_seed(9, i)), 320, 320, fonts, curved=1.0, degrade=False)
        b = generate_page(np.random.default_rng(sample_seed(9, i)), 320, 320, fonts, curved=1.0, degrade=False)
        assert np.array_equal(a.image, b.image) and np.array_equal(a.char_line, b.char_line)
        assert a.char_line.shape == a.char_word.shape and np.all(np.diff(a.char_line) >= 0)
        edges = a.char_quads[:, 1] - a.char_quads[:, 0]  # top edge of each glyph, in reading direction
        angles = np.degrees(np.arctan2(edges[:, 1], edges[:, 0]))
        found_rotated += int((np.abs(angles) > 20).sum())
        ink = a.image.astype(np.float32).mean(axis=2)
        for q in a.char_quads[np.abs(angles) > 20]:
            x0, y0 = np.floor(q.min(0)).astype(int)
            x1, y1 = np.ceil(q.max(0)).astype(int)
            window = ink[max(y0, 0) : y1 + 1, max(x0, 0) : x1 + 1]
            assert window.size and np.ptp(window) > 20  # ink under the rotated glyph's quad
        assert len(a.line_polygons()) == len(np.unique(a.char_line))
    assert found_rotated > 20


def test_curved_zero_keeps_every_page_as_it_was(fonts) -> None:
    """``curved: 0`` draws no extra random number: the CRAFT recipes' pages are unchanged."""
    for i in range(3):
        a = generate_page(np.random.default_rng(sample_seed(4, i)), 192, 192, fonts)
        b = generate_page(np.random.default_rng(sample_seed(4, i)), 192, 192, fonts, curved=0.0)
        assert np.array_equal(a.image, b.image) and np.array_equal(a.char_quads, b.char_quads)


def test_line_link_map_joins_words_of_a_line_not_lines() -> None:
    # Two words of one line (chars 0-1, 2-3) and a second line below (chars 4-5).
    boxes = [(10, 10, 20, 30), (22, 10, 32, 30), (44, 10, 54, 30), (56, 10, 66, 30), (10, 50, 20, 70), (22, 50, 32, 70)]
    quads = np.asarray([[(x0, y0), (x1, y0), (x1, y1), (x0, y1)] for x0, y0, x1, y1 in boxes], np.float32)
    char_word = np.asarray([0, 0, 1, 1, 2, 2])
    char_line = np.asarray([0, 0, 0, 0, 1, 1])
    assert len(affinity_quads(quads, char_word)) == 3
    assert len(affinity_quads(quads, char_line)) == 4  # plus the link across the word gap
    link = line_link_map((80, 80), quads, char_line, scale=1.0)
    assert link[20, 38] > 0.4  # the gap between the two words of line 0 is linked
    assert link[40, 20] < 0.05  # nothing between the lines
    assert link[60, 21] > 0.4 and link[60, 40] < 0.05


def _cfg(tmp_path: Path, lite: Path, **kw: object) -> dict[str, object]:
    base: dict[str, object] = dict(
        stage="refiner", output_dir=str(tmp_path / "run"), seed=1, craft_weights=str(lite), width=0.125, pages=2,
        page_size=128, crop_size=64, batch_size=2, steps=3, threads=1, val_pages=1, log_every=1,
        checkpoint_every=2, progress=False, curved=0.5, scene_fraction=0.0, font_size_min=9, font_size_max=16,
    )
    base.update(kw)
    return base


def test_refiner_stage_caches_trains_resumes_and_loads_as_refiner_weights(tmp_path: Path) -> None:
    torch = pytest.importorskip("torch")
    from ocrplug_craft.refiner import load_refiner_checkpoint
    from ocrplug_craft.training.refiner_train import RefinerTrainConfig, train_refiner
    from ocrplug_craft.weights import resolve_weights

    lite = resolve_weights("craft-lite-synth", "craft").path
    cfg = RefinerTrainConfig.model_validate(_cfg(tmp_path, lite))
    losses: list[float] = []
    summary = train_refiner(cfg, on_step=lambda s, v: losses.append(v))
    assert summary["steps"] == 3 and len(losses) == 3 and all(np.isfinite(losses))
    assert 0.0 <= summary["val"]["hmean"] <= 1.0
    cached = sorted((tmp_path / "run" / "cache" / "train").glob("*.npz"))
    assert len(cached) == 2
    data = np.load(cached[0])
    assert data["maps"].shape == (2 + 8, 64, 64) and data["target"].shape == (64, 64)  # lite: 8 feature channels
    sd = torch.load(tmp_path / "run" / "weights.pt", map_location="cpu", weights_only=True)
    assert sd["last_conv.0.weight"].dtype == torch.float16 and sd["last_conv.0.weight"].shape[:2] == (8, 10)
    refiner = load_refiner_checkpoint(tmp_path / "run" / "weights.pt")
    out = refiner(torch.zeros(1, 32, 32, 2), torch.zeros(1, 8, 32, 32))
    assert out.shape == (1, 32, 32, 1)

    # Same config: the same losses; a longer run resumes at step 3 from the cache and the checkpoint.
    again: list[float] = []
    train_refiner(RefinerTrainConfig.model_validate(_cfg(tmp_path, lite, output_dir=str(tmp_path / "b"))),
                  on_step=lambda s, v: again.append(v))
    assert again == pytest.approx(losses, rel=1e-4)
    more: list[int] = []
    train_refiner(RefinerTrainConfig.model_validate(_cfg(tmp_path, lite, steps=4)), on_step=lambda s, v: more.append(s))
    assert more == [4]
    log = [json.loads(line) for line in (tmp_path / "run" / "log.jsonl").read_text().splitlines()]
    assert {"event": "resume", "step": 3} in log


def test_ocrplug_craft_train_runs_a_refiner_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("torch")
    import yaml
    from ocrplug_craft.training.cli import main
    from ocrplug_craft.weights import resolve_weights

    lite = resolve_weights("craft-lite-synth", "craft").path
    config = tmp_path / "refiner.yaml"
    config.write_text(yaml.safe_dump(_cfg(tmp_path, lite, steps=1, val_pages=0)))
    assert main(["train", "--config", str(config), "--no-progress"]) == 0
    assert json.loads(capsys.readouterr().out)["steps"] == 1
    assert (tmp_path / "run" / "weights.pt").is_file()


def test_refiner_config_errors_name_the_file_and_key(tmp_path: Path) -> None:
    import yaml
    from ocrplug_craft.training.refiner_train import is_refiner_config, load_refiner_config

    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"stage": "refiner", "output_dir": "x", "crop_size": 100}))
    assert is_refiner_config(bad)
    with pytest.raises(ConfigError, match=r"bad.yaml: crop_size: .*multiple of 32"):
        load_refiner_config(bad)
    other = tmp_path / "other.yaml"
    other.write_text(yaml.safe_dump({"stage": "detector", "output_dir": "x"}))
    with pytest.raises(ConfigError, match=r"other.yaml: stage: must be 'refiner'"):
        is_refiner_config(other)
    craft = tmp_path / "craft.yaml"
    craft.write_text(yaml.safe_dump({"output_dir": "x"}))
    assert not is_refiner_config(craft)
