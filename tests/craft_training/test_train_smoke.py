"""A few training steps on tiny images: loss, checkpoints, resume, determinism, exported weights, config errors.

This is the CI smoke test of ``ocrplug craft train``; it never runs a real training.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from ocrplug_craft.training.cli import add_train_command, main  # noqa: E402
from ocrplug_craft.training.train import TrainConfig, load_config, train  # noqa: E402

from ocrplug.errors import ConfigError  # noqa: E402


def _cfg(out: Path, **kw: object) -> TrainConfig:
    base = dict(
        output_dir=out, seed=3, width=0.125, crop_size=64, batch_size=2, steps=3, threads=1, workers=0,
        val_every=0, val_samples=1, val_size=64, checkpoint_every=2, log_every=1, progress=False,
        font_size_min=8, font_size_max=16,
    )
    base.update(kw)
    return TrainConfig.model_validate(base)


def test_few_steps_resume_and_determinism(tmp_path: Path) -> None:
    from ocrplug_craft.net import load_checkpoint

    losses_a: list[float] = []
    summary = train(_cfg(tmp_path / "a"), on_step=lambda s, v: losses_a.append(v))
    assert summary["steps"] == 3 and len(losses_a) == 3
    assert all(0.0 < v < 10.0 for v in losses_a)
    weights = tmp_path / "a" / "weights.pt"
    sd = torch.load(weights, map_location="cpu", weights_only=True)
    assert sd["basenet.slice1.0.weight"].dtype == torch.float16
    net = load_checkpoint(weights)  # the CRAFT loader infers the width and accepts the fp16 file
    assert net.width == pytest.approx(0.125)
    log = [json.loads(line) for line in (tmp_path / "a" / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log if "loss" in r] == [1, 2, 3]
    assert log[-1]["event"] == "done" and "hmean" in log[-1]["val"]

    # Same config, same seed: the same losses (the run is a function of its config).
    again: list[float] = []
    train(_cfg(tmp_path / "a2"), on_step=lambda s, v: again.append(v))
    assert again == pytest.approx(losses_a, rel=1e-5)


def test_resume_continues_the_same_sample_sequence(tmp_path: Path) -> None:
    straight: list[float] = []
    train(_cfg(tmp_path / "s", steps=4, lr_decay_at=1.0), on_step=lambda s, v: straight.append(v))
    first: list[float] = []
    train(_cfg(tmp_path / "r", steps=2, lr_decay_at=1.0), on_step=lambda s, v: first.append(v))
    rest: list[float] = []
    # lr schedule: warm-up over max(1, steps // 20) = 1 step for both lengths; no decay (lr_decay_at 1.0).
    train(_cfg(tmp_path / "r", steps=4, lr_decay_at=1.0), on_step=lambda s, v: rest.append(v))
    assert first + rest == pytest.approx(straight, rel=1e-4)


def test_config_errors_name_the_key(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("output_dir: out\ncrop_sise: 256\n")
    with pytest.raises(ConfigError, match="crop_sise"):
        load_config(bad)
    bad.write_text("output_dir: out\ncrop_size: 100\n")
    with pytest.raises(ConfigError, match=r"crop_size.*multiple of 32"):
        load_config(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "missing.yaml")
    bad.write_text("output_dir: out\ncrop_size: 256\ncrop_size: 512\n")
    with pytest.raises(ConfigError, match=r"key 'crop_size' is given twice \(lines 2 and 3\)"):
        load_config(bad)
    bad.write_text("- a list\n")
    with pytest.raises(ConfigError, match="must be a mapping"):
        load_config(bad)


def test_cli_trains_from_a_yaml_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    cfg = tmp_path / "train.yaml"
    cfg.write_text(
        "output_dir: out\nwidth: 0.125\ncrop_size: 64\nbatch_size: 1\nsteps: 5\nworkers: 0\nthreads: 1\n"
        "val_every: 0\nval_samples: 0\nval_size: 64\n"
    )
    out = tmp_path / "run"
    assert main(["train", "--config", str(cfg), "--output-dir", str(out), "--steps", "1", "--no-progress"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["steps"] == 1 and (out / "weights.pt").is_file() and (out / "last.pt").is_file()
    # The sub-command can be hooked into any argparse sub-parsers object (the `ocrplug craft` CLI).
    parser = argparse.ArgumentParser()
    add_train_command(parser.add_subparsers(dest="cmd"))
    args = parser.parse_args(["train", "--config", "x.yaml", "--max-minutes", "2"])
    assert args.max_minutes == 2.0 and callable(args.craft_train)


def test_init_keeps_the_thin_head_alive_and_the_output_near_zero() -> None:
    from ocrplug_craft.net import CRAFT
    from ocrplug_craft.training.train import init_weights

    torch.manual_seed(0)
    net = CRAFT(width=0.25)
    init_weights(net)
    acts: dict[str, torch.Tensor] = {}
    relus = [m for m in net.conv_cls if isinstance(m, torch.nn.ReLU)]
    relus[-1].register_forward_hook(lambda m, i, o: acts.__setitem__("h", o.detach()))
    with torch.no_grad():
        y, _ = net.train()(torch.randn(2, 3, 64, 64))
    # Every unit of the last hidden layer fires somewhere (a dead unit never recovers), and the scores
    # start at ~0, so hard-negative mining has no false positives to push down through the head.
    assert all(float((acts["h"][:, c] > 0).float().mean()) > 0 for c in range(acts["h"].shape[1]))
    assert float(y.abs().max()) < 0.05


def test_ocrplug_craft_train_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The host CLI exposes training as `ocrplug craft train --config train.yaml`."""
    import yaml

    from ocrplug.cli import main as ocrplug_main

    cfg = _cfg(tmp_path / "run", steps=2).model_dump(mode="json")
    config = tmp_path / "train.yaml"
    config.write_text(yaml.safe_dump(cfg))
    assert ocrplug_main(["craft", "train", "--config", str(config), "--no-progress"]) == 0
    assert (tmp_path / "run" / "weights.pt").is_file()
    assert '"steps": 2' in capsys.readouterr().out


def _write_stage(path: Path, out: Path, **extra: object) -> None:
    import yaml

    cfg = dict(
        output_dir=str(out), seed=5, width=0.125, crop_size=64, batch_size=1, steps=2, workers=0, threads=1,
        val_every=0, val_samples=0, val_size=64, progress=False, font_size_min=8, font_size_max=16,
    )
    cfg.update(extra)
    path.write_text(yaml.safe_dump({k: str(v) if isinstance(v, Path) else v for k, v in cfg.items()}))


def test_one_command_runs_the_previous_stages_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`train --config stage2.yaml` trains stage 1 first, then stage 2 from stage 1's weights."""
    from ocrplug_craft.training.train import load_chain

    (tmp_path / "configs").mkdir()
    s1, s2 = tmp_path / "configs" / "s1.yaml", tmp_path / "configs" / "s2.yaml"
    _write_stage(s1, tmp_path / "runs" / "s1")
    _write_stage(s2, tmp_path / "runs" / "s2", previous_stage="s1.yaml", init_weights=tmp_path / "runs" / "s1" / "last.pt",
                 scene_fraction=0.5, seed=6)
    chain = load_chain(s2, {"steps": 3}, {"progress": False})
    assert [c.output_dir.name for c in chain] == ["s1", "s2"] and [c.steps for c in chain] == [2, 3]
    assert main(["train", "--config", str(s2), "--no-progress"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["steps"] == 2
    assert (tmp_path / "runs" / "s1" / "weights.pt").is_file() and (tmp_path / "runs" / "s2" / "weights.pt").is_file()
    # Run again: both stages are finished, so neither trains another step.
    logs = [tmp_path / "runs" / name / "log.jsonl" for name in ("s1", "s2")]
    before = [len(p.read_text().splitlines()) for p in logs]
    assert main(["train", "--config", str(s2), "--no-progress"]) == 0
    for path, n in zip(logs, before, strict=True):
        new = [json.loads(x) for x in path.read_text().splitlines()[n:]]
        assert new and not any("loss" in r for r in new)


def test_previous_stage_errors_name_the_file(tmp_path: Path) -> None:
    from ocrplug_craft.training.train import load_chain

    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    _write_stage(a, tmp_path / "ra", previous_stage="b.yaml")
    _write_stage(b, tmp_path / "rb", previous_stage="a.yaml")
    with pytest.raises(ConfigError, match="loops back"):
        load_chain(a)
    _write_stage(a, tmp_path / "ra", previous_stage="missing.yaml")
    with pytest.raises(ConfigError, match=r"missing\.yaml"):
        load_chain(a)


def test_shipped_recipes_are_valid_chains() -> None:
    """The committed configs load, and the shipped model's recipe is stages 1-2 (documents) then 3 (+ scenes)."""
    from ocrplug_craft.training.train import load_chain

    configs = Path(__file__).resolve().parents[2] / "plugins" / "ocrplug_craft" / "training" / "configs"
    chain = load_chain(configs / "craft-lite-synth-stage3.yaml")
    assert [c.output_dir.name for c in chain] == ["craft-lite-synth", "craft-lite-synth-stage2", "craft-lite-synth-stage3"]
    assert [c.scene_fraction for c in chain[:2]] == [0.0, 0.0] and chain[2].scene_fraction > 0
    # Trained before handwriting faces were supported: the recipe pins them off to stay reproducible.
    assert not any(c.handwriting_fonts for c in chain)
    # Each stage starts from the previous stage's checkpoint.
    assert chain[0].init_weights is None
    for before, after in itertools.pairwise(chain):
        assert after.init_weights == before.output_dir / "last.pt"
    funsd = load_chain(configs / "craft-lite-funsd.yaml")
    assert funsd[-1].weak is not None and "funsd_train" in str(funsd[-1].weak.dataset)
