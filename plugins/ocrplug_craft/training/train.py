"""The CRAFT stage of ``ocrplug craft train``: config, network initialisation, data, OHEM loss, validation.

The optimiser loop, checkpoints and resume, the progress bar and the JSONL log are the stages' shared
:mod:`ocrplug_craft.training.loop`.

A run is a pure function of its config: sample ``i`` of the run is generated from ``(seed, i)``, the
network is initialised from ``seed``, and the step counter is saved with the checkpoint, so resuming
after an interruption continues the same sample sequence. Outputs under ``output_dir``:

- ``last.pt``: model + optimiser + step (written atomically every ``checkpoint_every`` steps and at the end);
- ``log.jsonl``: one JSON object per logged step (loss, learning rate, seconds) and per validation;
- ``weights.pt``: the final model's state dict (official key names), fp16 when ``export_fp16``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ocrplug.api import ConfigError
from ocrplug_craft.training.loop import (
    CHECKPOINT,
    JsonlLog,
    export_weights,
    finish,
    load_stage_config,
    open_run,
    resume_from,
    run_steps,
)

__all__ = [
    "TrainConfig",
    "WeakConfig",
    "export_weights",
    "init_weights",
    "load_chain",
    "load_config",
    "train",
    "validate",
]

log = logging.getLogger(__name__)


class WeakConfig(BaseModel):
    """Weak supervision on real word-annotated pages (the paper's second stage)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: Path = Field(description="folder in the shared/eval format (images/ + annotations/), e.g. ../shared/eval/funsd_train")
    # Pseudo char boxes are estimated once, with the starting model (init_weights), before training.
    fraction: float = Field(0.5, ge=0.0, le=1.0, description="share of training samples taken from the real pages")
    max_pages: int = Field(0, ge=0, description="use at most this many pages (0: all)")


class TrainConfig(BaseModel):
    """Options of ``ocrplug craft train`` (YAML keys of the config file)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    output_dir: Path = Field(description="where checkpoints, the log and the final weights go")
    seed: int = Field(0, description="seed of the network initialisation and of every sample")
    width: float = Field(0.25, gt=0.0, le=1.0, description="channel width multiplier (1.0 = official CRAFT)")
    crop_size: int = Field(256, ge=64, description="side of the square training crops, a multiple of 32")
    batch_size: int = Field(8, ge=1, description="crops per optimiser step")
    steps: int = Field(1000, ge=1, description="number of optimiser steps")
    lr: float = Field(1e-3, gt=0.0, description="Adam learning rate")
    lr_decay_at: float = Field(0.8, gt=0.0, le=1.0, description="fraction of the steps after which the rate is divided by 10")
    weight_decay: float = Field(0.0, ge=0.0, description="Adam weight decay")
    clip_grad_norm: float = Field(5.0, ge=0.0, description="clip the gradient norm to this value (0: no clipping)")
    neg_ratio: float = Field(3.0, gt=0.0, description="hard negatives per positive pixel (OHEM)")
    font_size_min: float = Field(8.0, gt=0.0, description="smallest synthetic font size in pixels")
    font_size_max: float = Field(44.0, gt=0.0, description="largest synthetic font size in pixels")
    handwriting_fonts: bool = Field(
        True,
        description="also draw handwriting-like faces (Debian fonts-humor-sans, fonts-breip, fonts-comic-neue) "
        "for form values and some paragraphs",
    )
    scene_fraction: float = Field(
        0.0, ge=0.0, le=1.0,
        description="share of synthetic samples drawn as scene-like images (signs over clutter, some without text)",
    )
    threads: int = Field(2, ge=1, description="torch intra-op threads of the training process")
    workers: int = Field(1, ge=0, description="data-loader worker processes generating samples")
    log_every: int = Field(10, ge=1, description="write the loss to log.jsonl every N steps")
    checkpoint_every: int = Field(50, ge=1, description="save last.pt (model, optimiser, step) every N steps")
    val_every: int = Field(100, ge=0, description="validate every N steps (0: only at the end)")
    val_samples: int = Field(24, ge=0, description="held-out synthetic pages for the validation H-mean")
    val_size: int = Field(512, ge=64, description="side of the validation pages, a multiple of 32")
    max_minutes: float = Field(0.0, ge=0.0, description="stop cleanly (checkpoint + export) after this many minutes (0: no limit)")
    init_weights: Path | None = Field(None, description="start from these weights (fine-tuning) instead of a random network")
    previous_stage: Path | None = Field(
        None,
        description="config of the stage this one continues (relative to this file); `train` runs it first "
        "(or resumes it, a no-op once finished), so one command reproduces a whole multi-stage recipe",
    )
    export_fp16: bool = Field(True, description="write weights.pt in float16")
    progress: bool = Field(True, description="show a progress bar")
    weak: WeakConfig | None = Field(None, description="weak supervision on real word boxes (keys below); none: synthetic only")

    @field_validator("crop_size", "val_size")
    @classmethod
    def _multiple_of_32(cls, v: int) -> int:
        if v % 32:
            raise ValueError(f"must be a multiple of 32 (the network downsamples 5 times), got {v}")
        return v


def load_config(path: str | os.PathLike[str], overrides: dict[str, Any] | None = None) -> TrainConfig:
    """Read and validate a YAML training config (relative paths are relative to the working directory).

    Raises :class:`ConfigError` naming the file and the offending key.
    """
    return load_stage_config(TrainConfig, Path(path), overrides)


def load_chain(path: str | os.PathLike[str], overrides: dict[str, Any] | None = None,
               shared: dict[str, Any] | None = None) -> list[TrainConfig]:
    """The config at ``path`` preceded by the stages it continues (``previous_stage``), first stage first.

    ``overrides`` apply to the config at ``path`` only; ``shared`` overrides (e.g. ``progress``) to every
    stage. Raises :class:`ConfigError` on a missing file or a cycle of stages.
    """
    chain: list[TrainConfig] = []
    seen: set[Path] = set()
    current: Path | None = Path(path)
    stage_overrides = {**(shared or {}), **(overrides or {})}
    while current is not None:
        key = current.resolve()
        if key in seen:
            raise ConfigError(f"training config {current}: previous_stage chain loops back to {current}")
        seen.add(key)
        cfg = load_config(current, stage_overrides)
        chain.insert(0, cfg)
        current = current.parent / cfg.previous_stage if cfg.previous_stage is not None else None
        stage_overrides = dict(shared or {})
    return chain


# ---------------------------------------------------------------------------------------------- helpers


def init_weights(net: Any) -> None:
    """Initialise a CRAFT network for training from scratch.

    Convolutions get Xavier-uniform weights and zero biases, BatchNorms weight 1 and bias 0, as the
    official code does. Two additions keep the thin head of lite widths alive (at width 0.25 its last
    hidden layer has 4 channels): the output convolution starts near zero, so the first steps (where hard
    negatives dominate the loss) have no false positives to push down by driving every head unit below
    zero for good, and the head's ReLU-followed convolutions start with a bias of 0.1. With the default
    initialisation the head died within ~10 steps and the output stayed constant.
    """
    from torch import nn

    for m in net.modules():
        if isinstance(m, nn.Conv2d):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d):
            nn.init.ones_(m.weight)
            nn.init.zeros_(m.bias)
    convs = [m for m in net.conv_cls if isinstance(m, nn.Conv2d)]
    for m in convs[:-1]:
        nn.init.constant_(m.bias, 0.1)
    nn.init.normal_(convs[-1].weight, std=1e-3)
    nn.init.zeros_(convs[-1].bias)


def validate(net: Any, cfg: TrainConfig, samples: int | None = None) -> dict[str, float]:
    """Word-level P/R/H-mean of ``net`` on held-out synthetic pages (seed ``cfg.seed + 1_000_003``)."""
    import torch

    from ocrplug_craft.training.dataset import SynthDataset, normalize
    from ocrplug_craft.training.evaluate import DetectionScore, boxes_from_maps, match_boxes
    from ocrplug_craft.training.synth import available_fonts

    ds = SynthDataset(cfg.seed + 1_000_003, cfg.val_size, size_range=(cfg.font_size_min, cfg.font_size_max),
                      scene_fraction=cfg.scene_fraction, fonts=available_fonts(handwriting=cfg.handwriting_fonts))
    total = DetectionScore(0, 0, 0)
    was_training = net.training
    net.eval()
    with torch.inference_mode():
        for i in range(cfg.val_samples if samples is None else samples):
            s = ds.sample(i)
            y, _ = net(torch.from_numpy(normalize(s.image))[None])
            region, affinity = y[0, ..., 0].numpy(), y[0, ..., 1].numpy()
            dets = boxes_from_maps(region, affinity) * 2.0
            total = total + match_boxes(dets, s.word_quads)
    net.train(was_training)
    return {"precision": total.precision, "recall": total.recall, "hmean": total.hmean}


def _worker_init(_: int) -> None:
    import cv2
    import torch

    # One core each: the training process owns the rest of this small machine.
    torch.set_num_threads(1)
    cv2.setNumThreads(1)


def _build_dataset(cfg: TrainConfig, net: Any, logger: JsonlLog | None = None) -> Any:
    from ocrplug_craft.training.dataset import MixedDataset, SynthDataset, WeakDataset
    from ocrplug_craft.training.synth import available_fonts

    synth = SynthDataset(cfg.seed, cfg.crop_size, size_range=(cfg.font_size_min, cfg.font_size_max),
                         scene_fraction=cfg.scene_fraction, fonts=available_fonts(handwriting=cfg.handwriting_fonts))
    if cfg.weak is None or cfg.weak.fraction == 0.0:
        return synth
    from ocrplug_craft.training.weak import pseudo_label_dataset

    pages = pseudo_label_dataset(net, cfg.weak.dataset, max_pages=cfg.weak.max_pages or None)
    conf = np.concatenate([p.word_confidence for p in pages]) if pages else np.zeros(0)
    if logger is not None and len(conf):
        # How much the interim model's watershed boxes were trusted (0.5 = even-split fallback).
        logger.write({"event": "pseudo_labels", "pages": len(pages), "words": len(conf),
                      "mean_confidence": round(float(conf.mean()), 4),
                      "even_split_share": round(float((conf <= 0.5).mean()), 4)})
    real = WeakDataset(pages, cfg.seed, cfg.crop_size)
    return MixedDataset(synth, real, cfg.weak.fraction, cfg.seed)


# ---------------------------------------------------------------------------------------------- train


def train(cfg: TrainConfig, resume: bool = True, on_step: Callable[[int, float], None] | None = None) -> dict[str, Any]:
    """Run (or resume) training as configured; return a summary (steps, seconds, final validation).

    ``resume``: continue from ``output_dir/last.pt`` when it exists. ``on_step(step, loss)`` is called
    after every optimiser step (tests use it).
    """
    import torch
    from torch.utils.data import DataLoader

    from ocrplug_craft.net import CRAFT, infer_width, load_state_dict_checked, read_state_dict
    from ocrplug_craft.training.loss import craft_loss

    logger = open_run(cfg)

    torch.manual_seed(cfg.seed)
    np.random.seed(cfg.seed % 2**32)
    net = CRAFT(width=cfg.width)
    init_weights(net)
    if cfg.init_weights is not None:
        sd = read_state_dict(cfg.init_weights)
        if abs(infer_width(sd) - cfg.width) > 1e-6:
            raise ConfigError(f"init_weights {cfg.init_weights} have width {infer_width(sd):g}, config says {cfg.width:g}")
        load_state_dict_checked(net, sd, str(cfg.init_weights))
    net = net.float().train()
    optimizer = torch.optim.Adam(net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)

    ckpt_path = cfg.output_dir / CHECKPOINT
    resumed = resume_from(ckpt_path, net, optimizer, logger) if resume else None
    step, elapsed_before = resumed or (0, 0.0)
    if resumed is not None:
        log.info("resumed from %s at step %d", ckpt_path, step)
    validation = (lambda: validate(net, cfg)) if cfg.val_samples else None

    if step >= cfg.steps:  # a finished run: nothing to train (a previous stage of a recipe, say)
        return finish(cfg, net, optimizer, step, elapsed_before, logger, validation)
    dataset = _build_dataset(cfg, net, logger)
    # Items are addressed by global sample index, so the loader order is the same on resume.
    indices = range(step * cfg.batch_size, cfg.steps * cfg.batch_size)
    loader = DataLoader(
        dataset,
        batch_size=cfg.batch_size,
        sampler=indices,
        num_workers=cfg.workers,
        worker_init_fn=_worker_init if cfg.workers else None,
        prefetch_factor=2 if cfg.workers else None,
        persistent_workers=False,
        # fork() after torch's OpenMP pool has run deadlocks the child (libgomp is not fork-safe):
        # a second train() in one process, or a resume after validation, would hang. Spawn is safe.
        multiprocessing_context="spawn" if cfg.workers else None,
    )

    def loss_of(batch: Any) -> Any:
        image, region, affinity, confidence = batch
        y, _ = net(image)
        return craft_loss(y, region, affinity, confidence, neg_ratio=cfg.neg_ratio)

    step, elapsed = run_steps(
        cfg, net, optimizer, loader, loss_of, logger, step=step, elapsed_before=elapsed_before,
        description="training", validate=validation, on_step=on_step,
        val_text=lambda v: f"val H-mean {v['hmean']:.3f} (P {v['precision']:.3f} R {v['recall']:.3f})",
    )
    return finish(cfg, net, optimizer, step, elapsed, logger, validation)
