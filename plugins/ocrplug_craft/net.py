"""The CRAFT network (VGG16-BN backbone + U-Net head) in plain torch, with the official state-dict keys.

The module tree reproduces the key names of ``clovaai/CRAFT-pytorch`` (``basenet.slice1.0.weight``, ...,
``conv_cls.8.bias``) so the released checkpoints load unchanged. Layer positions inside each slice keep
torchvision's ``vgg16_bn().features`` indices, because those indices are part of the keys.

Two behaviours of the official code that are easy to miss, reproduced on purpose:

* each backbone slice ends on a BatchNorm and the *next* slice starts with an in-place ReLU, so the skip
  tensors of slices 1-3 are post-ReLU but ``relu5_3`` (slice 4) stays pre-ReLU (slice 5 starts with a
  max-pool, which does not rewrite its input);
* no sigmoid anywhere: the score maps are raw logits-like values, thresholded as they are.

``width`` scales every channel count of the backbone and head (1.0 = official) so that lighter models
can be trained with the same code; the key names do not change with it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch
import torch.nn.functional as F
from torch import nn

from ocrplug.api import WeightsError

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "CRAFT",
    "channels",
    "infer_width",
    "load_checkpoint",
    "load_state_dict_checked",
    "read_state_dict",
    "strip_module_prefix",
]

# torchvision's vgg16_bn configuration: channel counts, "M" = max-pool. Every conv is followed by a
# BatchNorm and a ReLU, so a conv at index i has its BN at i + 1 and its ReLU at i + 2.
_VGG16_CFG: tuple[int | str, ...] = (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512)
# The official slices take features[0:12], [12:19], [19:29], [29:39]; indices 39-43 are never used.
_SLICE_BOUNDS: tuple[tuple[int, int], ...] = ((0, 12), (12, 19), (19, 29), (29, 39))


def channels(base: int, width: float) -> int:
    """Channel count of a layer with ``base`` channels in the official model, scaled by ``width``."""
    return max(4, round(base * width))


def _vgg_layers(width: float) -> list[nn.Module]:
    """torchvision's ``vgg16_bn().features`` layer list (up to index 42), channels scaled by ``width``."""
    layers: list[nn.Module] = []
    in_ch = 3
    for item in _VGG16_CFG:
        if item == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        out_ch = channels(int(item), width)
        layers += [nn.Conv2d(in_ch, out_ch, kernel_size=3, padding=1), nn.BatchNorm2d(out_ch), nn.ReLU()]
        in_ch = out_ch
    return layers


class VGG16BNBackbone(nn.Module):
    """The five backbone slices of the official ``basenet`` (keys ``basenet.sliceN.<index>.*``)."""

    def __init__(self, width: float = 1.0) -> None:
        """Build the backbone; ``width`` scales every channel count."""
        super().__init__()
        layers = _vgg_layers(width)
        for n, (lo, hi) in enumerate(_SLICE_BOUNDS, start=1):
            seq = nn.Sequential()
            for i in range(lo, hi):
                seq.add_module(str(i), layers[i])
            setattr(self, f"slice{n}", seq)
        c512, c1024 = channels(512, width), channels(1024, width)
        # fc6 (dilated 3x3) and fc7 (1x1), no BN and no ReLU, as in the official slice5.
        self.slice5 = nn.Sequential(
            nn.MaxPool2d(kernel_size=3, stride=1, padding=1),
            nn.Conv2d(c512, c1024, kernel_size=3, padding=6, dilation=6),
            nn.Conv2d(c1024, c1024, kernel_size=1),
        )
        self.out_channels = (c1024, c512, c512, channels(256, width), channels(128, width))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """Return ``(fc7, relu5_3, relu4_3, relu3_2, relu2_2)`` with the official ReLU placement."""
        # The official slices 2-4 start with ReLU(inplace=True), which also rewrites the skip tensor the
        # previous slice handed out; applying that ReLU here gives the same values without aliasing.
        # Each slice's leading ReLU is then a no-op on an already non-negative tensor.
        s2_2 = F.relu(self.slice1(x))
        s3_2 = F.relu(self.slice2(s2_2))
        s4_3 = F.relu(self.slice3(s3_2))
        s5_3 = self.slice4(s4_3)  # stays pre-ReLU: slice5 starts with a max-pool, not a ReLU
        fc7 = self.slice5(s5_3)
        return fc7, s5_3, s4_3, s3_2, s2_2


class DoubleConv(nn.Module):
    """1x1 conv + BN + ReLU, then 3x3 conv + BN + ReLU (keys ``upconvN.conv.{0,1,3,4}.*``)."""

    def __init__(self, in_ch: int, mid_ch: int, out_ch: int) -> None:
        """``in_ch`` is the channel count of the concatenated input."""
        super().__init__()
        self.conv = nn.Sequential(
            nn.Conv2d(in_ch, mid_ch, kernel_size=1),
            nn.BatchNorm2d(mid_ch),
            nn.ReLU(inplace=True),
            nn.Conv2d(mid_ch, out_ch, kernel_size=3, padding=1),
            nn.BatchNorm2d(out_ch),
            nn.ReLU(inplace=True),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Apply the two convolutions."""
        return self.conv(x)


class CRAFT(nn.Module):
    """CRAFT: region (character) and affinity (link) score maps at half the input resolution.

    ``forward(x)`` takes a normalised NCHW float tensor whose height and width are multiples of 32 and
    returns ``(y, feature)``: ``y`` is NHWC ``(N, H/2, W/2, 2)`` with channel 0 the region score and
    channel 1 the affinity score, ``feature`` the NCHW upconv4 output the link refiner consumes.
    """

    def __init__(self, width: float = 1.0) -> None:
        """Build the network with every channel count scaled by ``width`` (1.0 = official)."""
        super().__init__()
        self.width = float(width)
        self.basenet = VGG16BNBackbone(width)
        c = lambda base: channels(base, width)  # noqa: E731
        fc7, r53, r43, r32, r22 = self.basenet.out_channels
        self.upconv1 = DoubleConv(fc7 + r53, c(512), c(256))
        self.upconv2 = DoubleConv(c(256) + r43, c(256), c(128))
        self.upconv3 = DoubleConv(c(128) + r32, c(128), c(64))
        self.upconv4 = DoubleConv(c(64) + r22, c(64), c(32))
        self.feature_channels = c(32)
        self.conv_cls = nn.Sequential(
            nn.Conv2d(c(32), c(32), kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(c(32), c(32), kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(c(32), c(16), kernel_size=3, padding=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(c(16), c(16), kernel_size=1),
            nn.ReLU(inplace=True),
            nn.Conv2d(c(16), 2, kernel_size=1),
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(y, feature)``: NHWC scores ``(N, H/2, W/2, 2)`` and NCHW upconv4 features."""
        fc7, s5_3, s4_3, s3_2, s2_2 = self.basenet(x)
        y = self.upconv1(torch.cat([fc7, s5_3], dim=1))
        for up, skip in ((self.upconv2, s4_3), (self.upconv3, s3_2), (self.upconv4, s2_2)):
            y = F.interpolate(y, size=skip.shape[2:], mode="bilinear", align_corners=False)
            y = up(torch.cat([y, skip], dim=1))
        feature = y
        return self.conv_cls(feature).permute(0, 2, 3, 1), feature


# --------------------------------------------------------------------------------------------------
# Checkpoints


def strip_module_prefix(state_dict: Mapping[str, Any]) -> dict[str, Any]:
    """Drop the ``module.`` prefix that ``torch.nn.DataParallel`` checkpoints (the official ones) carry."""
    keys = list(state_dict)
    if keys and all(k.startswith("module.") for k in keys):
        return {k[len("module.") :]: v for k, v in state_dict.items()}
    return dict(state_dict)


def read_state_dict(path: str | Path) -> dict[str, torch.Tensor]:
    """Load a checkpoint file on CPU with ``weights_only=True`` and return its (prefix-free) state dict.

    Accepts a bare state dict or a dict wrapping one under ``"state_dict"`` or ``"model"``.
    Raises :class:`WeightsError` naming the file when it is missing or unreadable.
    """
    path = Path(path)
    if not path.is_file():
        raise WeightsError(f"weights file not found: {path}")
    try:
        obj = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # pickle errors, truncated zip, non-tensor objects refused by weights_only
        raise WeightsError(f"cannot read weights file {path}: {exc}") from exc
    if isinstance(obj, Mapping) and not any(isinstance(v, torch.Tensor) for v in obj.values()):
        for wrapper in ("state_dict", "model"):
            if isinstance(obj.get(wrapper), Mapping):
                obj = obj[wrapper]
                break
    if not isinstance(obj, Mapping) or not all(isinstance(v, torch.Tensor) for v in obj.values()):
        raise WeightsError(f"weights file {path} does not hold a state dict of tensors")
    return strip_module_prefix(obj)


def _first(keys: Iterable[str], n: int = 5) -> str:
    keys = list(keys)
    shown = ", ".join(keys[:n])
    return shown + (f", ... ({len(keys)} in all)" if len(keys) > n else "")


def load_state_dict_checked(module: nn.Module, state_dict: Mapping[str, torch.Tensor], source: str) -> None:
    """Copy ``state_dict`` into ``module`` after checking keys and shapes; cast tensors to the module's dtype.

    ``num_batches_tracked`` entries may be absent (eval mode never reads them). Any other missing or
    unexpected key, or a shape mismatch, raises :class:`WeightsError` naming ``source`` and the first
    offending keys.
    """
    state_dict = strip_module_prefix(state_dict)
    expected = module.state_dict()
    missing = [k for k in expected if k not in state_dict and not k.endswith("num_batches_tracked")]
    unexpected = [k for k in state_dict if k not in expected]
    problems = []
    if missing:
        problems.append(f"missing keys: {_first(missing)}")
    if unexpected:
        problems.append(f"unexpected keys: {_first(unexpected)}")
    wrong = [
        f"{k} {tuple(state_dict[k].shape)} (model expects {tuple(v.shape)})"
        for k, v in expected.items()
        if k in state_dict and tuple(state_dict[k].shape) != tuple(v.shape)
    ]
    if wrong:
        problems.append(f"shape mismatches: {_first(wrong, 3)}")
    if problems:
        raise WeightsError(f"weights {source} do not fit {type(module).__name__}: " + "; ".join(problems))
    converted = {k: v.to(dtype=expected[k].dtype) for k, v in state_dict.items()}
    module.load_state_dict(converted, strict=False)


def infer_width(state_dict: Mapping[str, torch.Tensor], key: str = "basenet.slice1.0.weight", base: int = 64) -> float:
    """The ``width`` multiplier a checkpoint was trained with, read from the first layer's channel count."""
    sd = strip_module_prefix(state_dict)
    if key not in sd:
        raise WeightsError(f"not a CRAFT checkpoint: key {key!r} is missing (first keys: {_first(sd)})")
    return sd[key].shape[0] / base


def load_checkpoint(path: str | Path) -> CRAFT:
    """Build a :class:`CRAFT` of the checkpoint's width and load the file into it, in eval mode."""
    sd = read_state_dict(path)
    net = CRAFT(width=infer_width(sd))
    load_state_dict_checked(net, sd, str(path))
    return net.eval()
