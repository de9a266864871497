"""The stages' shared training loop: checkpoint keys, resume of older checkpoints, schedule, stopping events."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from ocrplug_craft.training.loop import (  # noqa: E402
    JsonlLog,
    lr_at,
    resume_from,
    run_steps,
    save_checkpoint,
)
from ocrplug_craft.training.train import TrainConfig  # noqa: E402


def _cfg(out: Path, **kw: object) -> TrainConfig:
    base: dict[str, object] = dict(output_dir=out, steps=40, lr=1e-2, log_every=1, checkpoint_every=3, val_every=0,
                                   progress=False)
    base.update(kw)
    return TrainConfig.model_validate(base)


def _batches(n: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    g = torch.Generator().manual_seed(0)
    return [(torch.randn(4, 3, generator=g), torch.randn(4, 1, generator=g)) for _ in range(n)]


def test_checkpoint_keys_and_resume_of_a_checkpoint_without_elapsed(tmp_path: Path) -> None:
    cfg = _cfg(tmp_path)
    net = torch.nn.Linear(3, 1)
    opt = torch.optim.Adam(net.parameters())
    save_checkpoint(tmp_path / "last.pt", net, opt, 7, cfg, 12.5)
    ckpt = torch.load(tmp_path / "last.pt", weights_only=True)
    # The keys every resume since the first training runs has read: changing them orphans old runs.
    assert sorted(ckpt) == ["config", "elapsed_s", "model", "optimizer", "step"]
    assert ckpt["step"] == 7 and ckpt["config"]["steps"] == 40
    logger = JsonlLog(tmp_path / "log.jsonl")
    assert resume_from(tmp_path / "missing.pt", net, opt, logger) is None
    del ckpt["elapsed_s"]  # the oldest checkpoints had no elapsed time
    torch.save(ckpt, tmp_path / "old.pt")
    other = torch.nn.Linear(3, 1)
    assert resume_from(tmp_path / "old.pt", other, torch.optim.Adam(other.parameters()), logger) == (7, 0.0)
    assert torch.equal(other.weight, net.weight)
    assert [json.loads(x) for x in (tmp_path / "log.jsonl").read_text().splitlines()] == [{"event": "resume", "step": 7}]


def test_lr_warms_up_then_decays() -> None:
    cfg = _cfg(Path("x"), steps=100, lr=1.0, lr_decay_at=0.5)
    assert [lr_at(cfg, s) for s in (0, 4, 5, 49, 50, 99)] == pytest.approx([0.2, 1.0, 1.0, 1.0, 0.1, 0.1])


@pytest.mark.parametrize("stop_after", [0, 4])
def test_run_steps_logs_checkpoints_validates_and_stops(tmp_path: Path, stop_after: int) -> None:
    cfg = _cfg(tmp_path, steps=6, val_every=2)
    net = torch.nn.Linear(3, 1)
    opt = torch.optim.Adam(net.parameters())
    logger = JsonlLog(tmp_path / "log.jsonl")
    calls: list[int] = []

    def validate() -> dict[str, float]:
        calls.append(1)
        return {"hmean": 0.5}

    step, elapsed = run_steps(
        cfg, net, opt, _batches(6 - 1), lambda b: torch.nn.functional.mse_loss(net(b[0]), b[1]), logger,
        step=1, elapsed_before=100.0, description="t", validate=validate, val_text=str, stop_after=stop_after,
    )
    end = stop_after or 6
    assert step == end and elapsed >= 100.0
    log = [json.loads(x) for x in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [r["step"] for r in log if "loss" in r] == list(range(2, end + 1))
    # Validation every 2 steps, never at the last step (the final validation is finish's).
    assert [r["step"] for r in log if "val" in r] == [s for s in (2, 4) if s < 6 and s <= end]
    assert (log[-1] == {"event": "stop_after", "step": 4}) == bool(stop_after)
    assert torch.load(tmp_path / "last.pt", weights_only=True)["step"] == (3 if stop_after else 6)
