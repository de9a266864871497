"""Access to the CRAFT conformance vectors: committed fixtures first, ../shared/craft-vectors second.

The deterministic weights are regenerated from the recipe in ../shared/craft-vectors/README.md, so the
tests never need the 41 MB weight files (nor any official checkpoint).
"""

from __future__ import annotations

import functools
import gzip
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.conftest import SHARED_DIR

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "craft"
SHARED = SHARED_DIR / "craft-vectors"
SEEDS = {"craft": 1017, "refiner": 2003}


def vector_path(name: str) -> Path:
    """Path of a vector file: the committed fixture, else the shared copy, else skip the test."""
    for folder in (FIXTURES, SHARED):
        if (folder / name).exists():
            return folder / name
    pytest.skip(f"conformance vector {name} is not committed and {SHARED} is absent")


def load_json(name: str) -> Any:
    """A JSON vector (``name`` without ``.gz``), from the gzipped fixture or the shared file."""
    gz = FIXTURES / f"{name}.gz"
    if gz.exists():
        return json.loads(gzip.decompress(gz.read_bytes()))
    return json.loads(vector_path(name).read_text())


@functools.cache
def load_npz(name: str) -> dict[str, np.ndarray]:
    """All arrays of an ``.npz`` vector."""
    with np.load(vector_path(name)) as data:
        return {k: data[k] for k in data.files}


def make_state_dict(shapes: dict[str, list[int]], seed: int) -> dict[str, Any]:
    """The deterministic weights of the vectors README (section 2), as float32 / int64 tensors."""
    import torch

    g = torch.Generator().manual_seed(seed)

    def u(shape: tuple[int, ...]) -> torch.Tensor:
        return torch.rand(shape, generator=g) * 2 - 1

    sd: dict[str, torch.Tensor] = {}
    for key in sorted(shapes):  # plain str order: the draw order matters
        shape, stem = tuple(shapes[key]), key.rsplit(".", 1)[0]
        is_bn = stem + ".running_var" in shapes
        if key.endswith(".num_batches_tracked"):
            sd[key] = torch.zeros(shape, dtype=torch.long)
            continue
        if not is_bn and key.endswith(".weight"):
            t = u(shape) * (6.0 / (shape[1] * shape[2] * shape[3])) ** 0.5
        elif not is_bn:
            t = u(shape) * 0.01
        elif key.endswith(".weight"):
            t = 1 + 0.1 * u(shape)
        elif key.endswith(".bias"):
            t = 0.1 * u(shape)
        elif key.endswith(".running_mean"):
            t = 0.1 * u(shape)
        else:
            t = 1 + 0.1 * u(shape)
        sd[key] = t.half().float()
    return sd


@functools.cache
def state_dict(kind: str) -> dict[str, Any]:
    """Deterministic weights of ``kind`` ("craft" or "refiner"), keys without ``module.``."""
    shapes = {k: s for k, s in load_json(f"keys_{kind}.json")}
    return make_state_dict(shapes, SEEDS[kind])


@functools.cache
def networks() -> tuple[Any, Any]:
    """``(CRAFT, RefineNet)`` with the deterministic weights, in eval mode."""
    from ocrplug_craft.net import CRAFT, load_state_dict_checked
    from ocrplug_craft.refiner import RefineNet

    craft, refiner = CRAFT(), RefineNet()
    load_state_dict_checked(craft, state_dict("craft"), "recipe")
    load_state_dict_checked(refiner, state_dict("refiner"), "recipe")
    return craft.eval(), refiner.eval()


def save_weights(tmp: Path) -> tuple[Path, Path]:
    """Write the deterministic weights as official-style checkpoints (``module.`` prefix) under ``tmp``."""
    import torch

    paths = []
    for kind in ("craft", "refiner"):
        path = tmp / f"{kind}.pth"
        torch.save({f"module.{k}": v for k, v in state_dict(kind).items()}, path)
        paths.append(path)
    return paths[0], paths[1]


@functools.cache
def forward(npz: str) -> dict[str, np.ndarray]:
    """Our maps for a network case, from its stored canvas (cached: the forward pass is the slow part)."""
    import torch
    from ocrplug_craft.preprocess import normalize

    craft, refiner = networks()
    x = torch.from_numpy(normalize(load_npz(npz)["resized_uint8"]))[None]
    with torch.inference_mode():
        y, feature = craft(x)
        refined = refiner(y, feature)
    return {
        "score_text": y[0, :, :, 0].numpy(),
        "score_link": y[0, :, :, 1].numpy(),
        "refined_link": refined[0, :, :, 0].numpy(),
        "feature": feature[0].numpy(),
    }


def lite_networks(width: float = 0.25, seed: int = 7) -> tuple[Any, Any]:
    """A narrow CRAFT and refiner with recipe-style random weights (maps with a useful dynamic range)."""
    from ocrplug_craft.net import CRAFT, load_state_dict_checked
    from ocrplug_craft.refiner import RefineNet

    craft = CRAFT(width=width)
    refiner = RefineNet(feature_channels=craft.feature_channels, width=width)
    for net, offset in ((craft, 0), (refiner, 1)):
        shapes = {k: list(v.shape) for k, v in net.state_dict().items()}
        load_state_dict_checked(net, make_state_dict(shapes, seed + offset), "lite")
    import torch

    # Random narrow nets give nearly flat maps; stretch and shift the output layers so that the default
    # thresholds find regions on real text images.
    with torch.no_grad():
        craft.conv_cls[8].weight[0] *= 10
        craft.conv_cls[8].bias[0] = craft.conv_cls[8].bias[0] * 10 + 0.4
        refiner.aspp1[6].bias += 0.6
    return craft.eval(), refiner.eval()
