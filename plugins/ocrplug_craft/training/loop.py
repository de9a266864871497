"""What every stage of ``ocrplug craft train`` shares: reading its YAML config, the run folder, resume,
the learning-rate schedule, the progress bar and the optimiser loop.

A stage (the CRAFT stage in :mod:`.train`, the link refiner in :mod:`.refiner_train`) builds its network
and supplies its batches, its loss and its validation; :func:`run_steps` runs Adam over them with the
stage's logging, checkpoint, validation and stopping cadence, and :func:`finish` writes the final
checkpoint, the exported weights and the summary. Files under the stage's ``output_dir``:

- ``config.json``: the validated config of the run;
- ``last.pt``: keys ``model``, ``optimizer`` (state dicts), ``step``, ``elapsed_s`` (seconds of training
  before this point) and ``config`` (the config as JSON), written atomically;
- ``log.jsonl``: one JSON object per line (losses, validations and events such as ``resume``);
- ``weights.pt``: the final model's bare state dict, fp16 when ``export_fp16``.

torch is imported when a function needs it, so configs can be read without it.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from ocrplug.api import ConfigError, atomic_path, load_yaml, write_text_atomic

__all__ = [
    "CHECKPOINT",
    "JsonlLog",
    "StageConfig",
    "export_weights",
    "finish",
    "load_stage_config",
    "lr_at",
    "make_progress",
    "open_run",
    "resume_from",
    "run_steps",
    "save_checkpoint",
]

CHECKPOINT = "last.pt"
"""File name of the resumable checkpoint in a stage's ``output_dir``."""

_Config = TypeVar("_Config", bound=BaseModel)


class StageConfig(Protocol):
    """The config keys the shared loop reads (both stages' pydantic models have them)."""

    output_dir: Path
    threads: int
    steps: int
    lr: float
    lr_decay_at: float
    weight_decay: float
    clip_grad_norm: float
    log_every: int
    checkpoint_every: int
    val_every: int
    max_minutes: float
    export_fp16: bool
    progress: bool

    def model_dump_json(self, *, indent: int | None = None) -> str: ...


def load_stage_config(model: type[_Config], path: str | os.PathLike[str],
                      overrides: dict[str, Any] | None = None) -> _Config:
    """Read the YAML file at ``path``, apply ``overrides`` (top-level keys) and validate it as ``model``.

    Raises :class:`ConfigError` naming the file (as given) and the first offending key; the host's YAML
    reading also raises it for unreadable or non-UTF-8 files, syntax errors, a key given twice and a top
    level that is not a mapping.
    """
    data = dict(load_yaml(Path(path)))
    data.update(overrides or {})
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"training config {path}: {where}: {first['msg']}") from exc


class JsonlLog:
    """The run's ``log.jsonl``: one JSON object per line, appended."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)

    def write(self, record: dict[str, Any]) -> None:
        """Append ``record`` as one line."""
        # Appending one line at a time keeps the log readable while training runs; a crash loses at
        # most the line being written, and resume continues the same file.
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")


def open_run(cfg: StageConfig) -> JsonlLog:
    """Set torch's intra-op threads, create ``output_dir``, write ``config.json``; return the run's log."""
    import torch

    torch.set_num_threads(cfg.threads)
    out = cfg.output_dir
    out.mkdir(parents=True, exist_ok=True)
    write_text_atomic(out / "config.json", cfg.model_dump_json(indent=2))
    return JsonlLog(out / "log.jsonl")


def lr_at(cfg: StageConfig, step: int) -> float:
    """Learning rate of (0-based) optimiser step ``step``: a linear warm-up over ``min(50, steps // 20)``
    steps (at least 1), then ``lr``, divided by 10 from ``lr_decay_at * steps`` on."""
    # Short linear warm-up (BN statistics of a random net are wild), then a step decay.
    warm = min(50, max(1, cfg.steps // 20))
    if step < warm:
        return cfg.lr * (step + 1) / warm
    return cfg.lr * (0.1 if step >= int(cfg.lr_decay_at * cfg.steps) else 1.0)


def save_checkpoint(path: Path, net: Any, optimizer: Any, step: int, cfg: StageConfig, elapsed: float) -> None:
    """Write the resumable checkpoint (keys in the module docstring) atomically."""
    import torch

    with atomic_path(path) as tmp:
        torch.save(
            {
                "model": net.state_dict(),
                "optimizer": optimizer.state_dict(),
                "step": step,
                "elapsed_s": elapsed,
                "config": json.loads(cfg.model_dump_json()),
            },
            tmp,
        )


def resume_from(path: Path, net: Any, optimizer: Any, logger: JsonlLog) -> tuple[int, float] | None:
    """Load the checkpoint at ``path`` into ``net`` and ``optimizer`` and log a ``resume`` event.

    Returns ``(step, elapsed_s)`` of the checkpoint, or None when there is no file at ``path``.
    """
    import torch

    if not path.is_file():
        return None
    ckpt = torch.load(path, map_location="cpu", weights_only=True)
    net.load_state_dict(ckpt["model"])
    optimizer.load_state_dict(ckpt["optimizer"])
    step, elapsed = int(ckpt["step"]), float(ckpt.get("elapsed_s", 0.0))
    logger.write({"event": "resume", "step": step})
    return step, elapsed


def export_weights(state_dict: dict[str, Any], path: str | os.PathLike[str], fp16: bool = True) -> Path:
    """Write a bare state dict (official key names; float tensors in fp16 when asked) atomically."""
    import torch

    out = {}
    for k, v in state_dict.items():
        if k.endswith("num_batches_tracked"):
            continue  # not needed for inference; keeps the file loadable by the official code's strict=False
        out[k] = v.half() if fp16 and v.is_floating_point() else v.clone()
    with atomic_path(path) as tmp:
        torch.save(out, tmp)
    return Path(path)


def run_steps(
    cfg: StageConfig,
    net: Any,
    optimizer: Any,
    batches: Iterable[Any],
    loss_of: Callable[[Any], Any],
    logger: JsonlLog,
    *,
    step: int,
    elapsed_before: float,
    description: str,
    validate: Callable[[], dict[str, float]] | None,
    val_text: Callable[[dict[str, float]], str],
    stop_after: int = 0,
    on_step: Callable[[int, float], None] | None = None,
) -> tuple[int, float]:
    """Train ``net`` on ``batches`` (one optimiser step each) from step ``step``; return ``(step, elapsed_s)``.

    ``loss_of(batch)`` is the stage's scalar loss tensor. Every step sets the rate of :func:`lr_at`, clips
    the gradient norm to ``clip_grad_norm`` (when > 0) and steps the optimiser; then, by the config's
    cadence, it logs the loss and its running average (every ``log_every`` steps), saves the checkpoint
    (every ``checkpoint_every``), and validates (every ``val_every`` before the last step, when ``validate``
    is given; ``val_text(result)`` is shown after ``step N:``). It stops early after ``stop_after`` steps
    (when > 0) or ``max_minutes`` of training, counting ``elapsed_before`` (seconds of earlier runs).
    ``on_step(step, loss)`` is called after every step.
    """
    import torch

    ckpt_path = cfg.output_dir / CHECKPOINT
    start = time.monotonic()
    running = math.nan
    progress = make_progress(cfg.progress)
    with progress:
        task = progress.add_task(description, total=cfg.steps, completed=step, loss=math.nan)
        for batch in batches:
            lr = lr_at(cfg, step)
            for group in optimizer.param_groups:
                group["lr"] = lr
            loss = loss_of(batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if cfg.clip_grad_norm:
                torch.nn.utils.clip_grad_norm_(net.parameters(), cfg.clip_grad_norm)
            optimizer.step()
            step += 1
            value = float(loss.detach())
            running = value if math.isnan(running) else 0.9 * running + 0.1 * value
            progress.update(task, completed=step, loss=running)
            if on_step is not None:
                on_step(step, value)
            elapsed = elapsed_before + time.monotonic() - start
            if step % cfg.log_every == 0:
                logger.write({"step": step, "loss": value, "loss_avg": running, "lr": lr, "elapsed_s": round(elapsed, 1)})
            if step % cfg.checkpoint_every == 0:
                save_checkpoint(ckpt_path, net, optimizer, step, cfg, elapsed)
            if validate is not None and cfg.val_every and step % cfg.val_every == 0 and step < cfg.steps:
                v = validate()
                logger.write({"step": step, "val": v, "elapsed_s": round(elapsed, 1)})
                progress.console.log(f"step {step}: {val_text(v)}")
            if stop_after and step >= stop_after:
                logger.write({"event": "stop_after", "step": step})
                break
            if cfg.max_minutes and elapsed >= cfg.max_minutes * 60:
                logger.write({"event": "time_limit", "step": step, "elapsed_s": round(elapsed, 1)})
                break
    return step, elapsed_before + time.monotonic() - start


def finish(cfg: StageConfig, net: Any, optimizer: Any, step: int, elapsed: float, logger: JsonlLog,
           validate: Callable[[], dict[str, float]] | None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Save the checkpoint, export ``weights.pt``, validate (when ``validate`` is given), log ``done``.

    Returns the summary: ``steps``, ``elapsed_s``, the stage's ``extra`` keys, ``weights`` (the path) and
    ``val`` (the validation result, when validated).
    """
    out = cfg.output_dir
    save_checkpoint(out / CHECKPOINT, net, optimizer, step, cfg, elapsed)
    export_weights(net.state_dict(), out / "weights.pt", fp16=cfg.export_fp16)
    summary: dict[str, Any] = {"steps": step, "elapsed_s": round(elapsed, 1), **(extra or {}),
                               "weights": str(out / "weights.pt")}
    if validate is not None:
        summary["val"] = validate()
    logger.write({"event": "done", **summary})
    return summary


class _NullProgress:
    console = type("C", (), {"log": staticmethod(lambda *a, **k: None)})()

    def __enter__(self) -> _NullProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, *a: Any, **k: Any) -> int:
        return 0

    def update(self, *a: Any, **k: Any) -> None:
        return None


def make_progress(enabled: bool) -> Any:
    """A rich progress bar with a ``loss`` field (give ``loss=`` to ``add_task``), or a silent stand-in."""
    if not enabled:
        return _NullProgress()
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("loss {task.fields[loss]:.4f}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
    )
