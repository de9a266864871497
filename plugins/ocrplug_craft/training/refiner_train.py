"""The link refiner stage of ``ocrplug craft train``: a :class:`~ocrplug_craft.refiner.RefineNet` trained on
top of a frozen CRAFT model.

The CRAFT network never changes during this stage, so its outputs (region score, affinity and the
upconv4 feature map) are computed **once per training page** and cached under ``output_dir/cache/``;
training then reads random windows of the cached maps (the refiner is fully convolutional, so a window of
the maps is what the refiner would see of a crop). The target is the line link map
(:func:`ocrplug_craft.training.gt.line_link_map`): the affinity between consecutive characters of a text
line, continued across the gaps between its words, and never across table cells, form fields or lines.

The data are synthetic only (:func:`ocrplug_craft.training.synth.generate_page` with ``curved`` lines on
arcs, waves and at any angle, plus scene-like images), drawn from ``(seed, index)`` as in the CRAFT
stage. Outputs under ``output_dir``: ``cache/`` (the frozen model's maps and the targets, one ``.npz`` per
page), ``last.pt`` (refiner + optimiser + step, resumable), ``log.jsonl`` and ``weights.pt`` (the refiner's
state dict with the official key names, fp16 by default), which loads as ``refiner_weights``.

The loss is the CRAFT loss of one map (per-pixel MSE with online hard negative mining, 3 negatives per
positive), as in the paper and in CRAFT-pytorch's refiner training.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator

from ocrplug.api import ConfigError, atomic_path, load_yaml
from ocrplug_craft.training.loop import (
    CHECKPOINT,
    finish,
    load_stage_config,
    make_progress,
    open_run,
    resume_from,
    run_steps,
)

__all__ = [
    "RefinerTrainConfig",
    "build_cache",
    "is_refiner_config",
    "line_quads",
    "load_refiner_config",
    "train_refiner",
    "validate_refiner",
]

log = logging.getLogger(__name__)


class RefinerTrainConfig(BaseModel):
    """Options of the refiner stage (``stage: refiner`` in the YAML file of ``ocrplug craft train``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: Literal["refiner"] = Field(description="selects this stage")
    output_dir: Path = Field(description="where the cache, checkpoints, the log and the final weights go")
    seed: int = Field(0, description="seed of the refiner initialisation and of every page")
    craft_weights: str = Field("craft_mlt_25k", description="the frozen CRAFT model: a known name or a file path")
    width: float = Field(0.25, gt=0.0, le=1.0, description="channel width of the refiner (1.0 = official RefineNet)")
    pages: int = Field(240, ge=1, description="synthetic training pages (their CRAFT maps are cached)")
    page_size: int = Field(512, ge=64, description="side of the square training pages, a multiple of 32")
    curved: float = Field(0.35, ge=0.0, le=1.0, description="share of pages with curved, rotated and vertical lines")
    scene_fraction: float = Field(0.1, ge=0.0, le=1.0, description="share of scene-like pages (signs over clutter)")
    font_size_min: float = Field(9.0, gt=0.0, description="smallest synthetic font size in pixels")
    font_size_max: float = Field(40.0, gt=0.0, description="largest synthetic font size in pixels")
    crop_size: int = Field(256, ge=64, description="side of the training windows in page pixels (maps: half)")
    batch_size: int = Field(8, ge=1, description="windows per optimiser step")
    steps: int = Field(600, ge=1, description="number of optimiser steps")
    lr: float = Field(1e-3, gt=0.0, description="Adam learning rate")
    lr_decay_at: float = Field(0.8, gt=0.0, le=1.0, description="fraction of the steps after which the rate is divided by 10")
    weight_decay: float = Field(0.0, ge=0.0, description="Adam weight decay")
    clip_grad_norm: float = Field(5.0, ge=0.0, description="clip the gradient norm to this value (0: no clipping)")
    neg_ratio: float = Field(3.0, gt=0.0, description="hard negatives per positive pixel (OHEM)")
    threads: int = Field(2, ge=1, description="torch intra-op threads")
    log_every: int = Field(10, ge=1, description="write the loss to log.jsonl every N steps")
    checkpoint_every: int = Field(50, ge=1, description="save last.pt every N steps")
    val_every: int = Field(0, ge=0, description="validate every N steps (0: only at the end)")
    val_pages: int = Field(12, ge=0, description="held-out synthetic pages for the validation line H-mean")
    max_minutes: float = Field(0.0, ge=0.0, description="stop cleanly after this many minutes of training (0: no limit)")
    stop_after: int = Field(
        0, ge=0, description="stop cleanly after this many steps without changing the schedule of `steps` (0: at `steps`)"
    )
    export_fp16: bool = Field(True, description="write weights.pt in float16")
    progress: bool = Field(True, description="show a progress bar")

    @field_validator("crop_size", "page_size")
    @classmethod
    def _multiple_of_32(cls, v: int) -> int:
        if v % 32:
            raise ValueError(f"must be a multiple of 32 (the network downsamples 5 times), got {v}")
        return v


def is_refiner_config(path: str | os.PathLike[str]) -> bool:
    """Whether the YAML training config at ``path`` selects this stage (``stage: refiner``).

    Raises :class:`ConfigError` naming the file when it cannot be read or ``stage`` is another value.
    """
    data = load_yaml(Path(path))
    stage = data.get("stage")
    if stage not in (None, "refiner"):
        raise ConfigError(f"training config {path}: stage: must be 'refiner' or absent (a CRAFT stage), got {stage!r}")
    return stage == "refiner"


def load_refiner_config(path: str | os.PathLike[str], overrides: dict[str, Any] | None = None) -> RefinerTrainConfig:
    """Read and validate a refiner-stage config; raises :class:`ConfigError` naming the file and the key."""
    return load_stage_config(RefinerTrainConfig, path, overrides)


# ---------------------------------------------------------------------------------------------- data


def _page(cfg: RefinerTrainConfig, seed: int, index: int) -> Any:
    """Synthetic page ``index`` of the stream ``seed`` (a document page, maybe curved, or a scene)."""
    from ocrplug_craft.training.dataset import SynthDataset
    from ocrplug_craft.training.synth import available_fonts, generate_page, sample_seed

    size_range = (cfg.font_size_min, cfg.font_size_max)
    ds = SynthDataset(seed, cfg.page_size, size_range=size_range, scene_fraction=cfg.scene_fraction,
                      fonts=available_fonts())
    if cfg.scene_fraction > 0 and ds.is_scene(index):
        return ds.sample(index)
    rng = np.random.default_rng(sample_seed(seed, index))
    return generate_page(rng, cfg.page_size, cfg.page_size, ds.fonts, size_range=size_range, curved=cfg.curved)


def _frozen_craft(cfg: RefinerTrainConfig) -> Any:
    from ocrplug_craft.backends import fuse_conv_bn
    from ocrplug_craft.net import load_checkpoint
    from ocrplug_craft.weights import resolve_weights

    resolved = resolve_weights(cfg.craft_weights, "craft", "craft_weights")
    resolved.verify()
    return fuse_conv_bn(load_checkpoint(resolved.path)).float().eval()


def build_cache(cfg: RefinerTrainConfig, folder: Path, seed: int, count: int, craft: Any | None = None,
                progress: Callable[[int], None] | None = None) -> list[Path]:
    """Compute (or reuse) the frozen CRAFT maps and the line link targets of ``count`` pages of ``seed``.

    Each page is one ``.npz`` holding ``maps`` (2 + C, h, w) float16 (region, affinity, the C feature
    channels: 32 for the official CRAFT),
    ``target`` (h, w) float16, ``char_quads`` and ``char_line`` (page pixels). A file already there is
    reused, so an interrupted run continues where it stopped.
    """
    import torch

    from ocrplug_craft.training.dataset import normalize
    from ocrplug_craft.training.gt import line_link_map

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"{i:05d}.npz"
        paths.append(path)
        if path.is_file():
            continue
        craft = craft if craft is not None else _frozen_craft(cfg)
        s = _page(cfg, seed, i)
        with torch.inference_mode():
            y, feature = craft(torch.from_numpy(normalize(s.image))[None])
        maps = torch.cat([y.permute(0, 3, 1, 2), feature], dim=1)[0].numpy().astype(np.float16)
        char_line = s.char_line if s.char_line is not None else np.zeros(len(s.char_word), np.int32)
        target = line_link_map(s.image.shape[:2], s.char_quads, char_line).astype(np.float16)
        with atomic_path(path) as tmp, open(tmp, "wb") as fh:
            np.savez(fh, maps=maps, target=target, char_quads=s.char_quads, char_line=char_line)
        if progress is not None:
            progress(i + 1)
    return paths


def line_quads(char_quads: np.ndarray, char_line: np.ndarray) -> np.ndarray:
    """(L, 4, 2) ground-truth line quads: the minimum-area rectangle of each line's characters."""
    import cv2

    from ocrplug_craft.training.evaluate import _clockwise_from_top_left

    out = []
    for line in np.unique(char_line):
        pts = np.asarray(char_quads[char_line == line], np.float32).reshape(-1, 2)
        out.append(_clockwise_from_top_left(cv2.boxPoints(cv2.minAreaRect(pts))))
    return np.asarray(out, np.float32).reshape(-1, 4, 2)


def validate_refiner(refiner: Any, paths: list[Path]) -> dict[str, float]:
    """Line-level P / R / H-mean (IoU > 0.5) of the refiner's lines on cached held-out pages.

    Lines come from the official post-processing with the refined link map (default thresholds), and are
    matched with the training validation's matcher against :func:`line_quads`.
    """
    import torch

    from ocrplug_craft.postprocess import get_det_boxes
    from ocrplug_craft.training.evaluate import DetectionScore, match_boxes

    total = DetectionScore(0, 0, 0)
    was_training = refiner.training
    refiner.eval()
    with torch.inference_mode():
        for path in paths:
            data = np.load(path)
            maps = torch.from_numpy(data["maps"].astype(np.float32))[None]
            refined = refiner(maps[:, :2].permute(0, 2, 3, 1), maps[:, 2:])[0, ..., 0].numpy()
            found = get_det_boxes(maps[0, 0].numpy(), refined, 0.7, 0.4, 0.4, False)
            dets = np.asarray(found.boxes, np.float32).reshape(-1, 4, 2) * 2.0
            total = total + match_boxes(dets, line_quads(data["char_quads"], data["char_line"]))
    refiner.train(was_training)
    return {"precision": total.precision, "recall": total.recall, "hmean": total.hmean}


class _Windows:
    """Random training windows of the cached maps: item ``i`` is a pure function of ``(seed, i)``."""

    def __init__(self, paths: list[Path], seed: int, size: int) -> None:
        self.maps = [np.load(p)["maps"] for p in paths]
        self.targets = [np.load(p)["target"] for p in paths]
        self.seed = seed
        self.size = size

    def batch(self, start: int, count: int) -> tuple[Any, Any]:
        import torch

        xs, ts = [], []
        for i in range(start, start + count):
            rng = np.random.default_rng(np.random.SeedSequence([self.seed, i, 0x4EF1]))
            k = int(rng.integers(len(self.maps)))
            maps, target = self.maps[k], self.targets[k]
            h, w = target.shape
            y0 = int(rng.integers(0, h - self.size + 1)) if h > self.size else 0
            x0 = int(rng.integers(0, w - self.size + 1)) if w > self.size else 0
            xs.append(maps[:, y0 : y0 + self.size, x0 : x0 + self.size].astype(np.float32))
            ts.append(target[y0 : y0 + self.size, x0 : x0 + self.size].astype(np.float32))
        return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ts))


# ---------------------------------------------------------------------------------------------- train


def train_refiner(cfg: RefinerTrainConfig, resume: bool = True,
                  on_step: Callable[[int, float], None] | None = None) -> dict[str, Any]:
    """Run (or resume) the refiner stage as configured; return a summary (steps, seconds, validation).

    Raises :class:`ConfigError` when the page and window sizes do not fit, :class:`WeightsError` when the
    frozen CRAFT weights are missing.
    """
    import torch

    from ocrplug_craft.refiner import RefineNet
    from ocrplug_craft.training.loss import ohem_mse

    if cfg.crop_size > cfg.page_size:
        raise ConfigError(f"refiner stage: crop_size {cfg.crop_size} is larger than page_size {cfg.page_size}")
    logger = open_run(cfg)
    out = cfg.output_dir

    started = time.monotonic()
    craft = None
    missing = [i for i in range(cfg.pages) if not (out / "cache" / "train" / f"{i:05d}.npz").is_file()]
    missing += [i for i in range(cfg.val_pages) if not (out / "cache" / "val" / f"{i:05d}.npz").is_file()]
    if missing:
        craft = _frozen_craft(cfg)
    progress = make_progress(cfg.progress)
    with progress:
        task = progress.add_task("caching CRAFT maps", total=cfg.pages + cfg.val_pages, loss=math.nan)
        train_paths = build_cache(cfg, out / "cache" / "train", cfg.seed, cfg.pages, craft,
                                  lambda n: progress.update(task, completed=n))
        val_paths = build_cache(cfg, out / "cache" / "val", cfg.seed + 1_000_003, cfg.val_pages, craft,
                                lambda n: progress.update(task, completed=cfg.pages + n))
    del craft
    cache_s = time.monotonic() - started
    if missing:
        logger.write({"event": "cache", "pages": len(missing), "elapsed_s": round(cache_s, 1)})

    windows = _Windows(train_paths, cfg.seed, cfg.crop_size // 2)
    torch.manual_seed(cfg.seed)
    # The refiner reads the frozen model's feature channels (32 for the official CRAFT).
    net = RefineNet(feature_channels=windows.maps[0].shape[0] - 2, width=cfg.width).float().train()
    optimizer = torch.optim.Adam(net.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    resumed = resume_from(out / CHECKPOINT, net, optimizer, logger) if resume else None
    step, elapsed_before = resumed or (0, 0.0)
    validation = (lambda: validate_refiner(net, val_paths)) if val_paths else None

    def loss_of(batch: tuple[Any, Any]) -> Any:
        maps, target = batch
        pred = net(maps[:, :2].permute(0, 2, 3, 1), maps[:, 2:])[..., 0]
        return ohem_mse(pred, target, neg_ratio=cfg.neg_ratio)

    end = min(cfg.steps, cfg.stop_after or cfg.steps)
    batches = (windows.batch(i * cfg.batch_size, cfg.batch_size) for i in range(step, end))
    step, elapsed = run_steps(
        cfg, net, optimizer, batches, loss_of, logger, step=step, elapsed_before=elapsed_before,
        description="training the refiner", validate=validation, on_step=on_step,
        val_text=lambda v: f"val line H-mean {v['hmean']:.3f}", stop_after=cfg.stop_after,
    )
    return finish(cfg, net, optimizer, step, elapsed, logger, validation, {"cache_s": round(cache_s, 1)})
