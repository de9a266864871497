"""The CRAFT link refiner (official ``RefineNet``), keys ``last_conv.*`` and ``aspp1..4.*``.

It takes the CRAFT scores and upconv4 features and predicts a new affinity map in which whole text
lines link up (trained on CTW1500). Like the official module it returns NHWC ``(N, H/2, W/2, 1)`` with
no sigmoid; used as the link map of the post-processing.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import nn

from ocrplug_craft.net import channels, load_state_dict_checked, read_state_dict

__all__ = ["RefineNet", "load_refiner_checkpoint"]


def _conv_bn_relu(in_ch: int, out_ch: int, kernel: int, dilation: int = 1) -> list[nn.Module]:
    pad = dilation * (kernel // 2)
    return [
        nn.Conv2d(in_ch, out_ch, kernel, padding=pad, dilation=dilation),
        nn.BatchNorm2d(out_ch),
        nn.ReLU(inplace=True),
    ]


class RefineNet(nn.Module):
    """Three 3x3 conv blocks, then four ASPP branches (dilations 6, 12, 18, 24) summed."""

    def __init__(self, feature_channels: int = 32, width: float = 1.0) -> None:
        """``feature_channels``: channels of the CRAFT feature input (32 for the official model)."""
        super().__init__()
        c64, c128 = channels(64, width), channels(128, width)
        self.last_conv = nn.Sequential(
            *_conv_bn_relu(2 + feature_channels, c64, 3),
            *_conv_bn_relu(c64, c64, 3),
            *_conv_bn_relu(c64, c64, 3),
        )
        for n, dilation in enumerate((6, 12, 18, 24), start=1):
            branch = nn.Sequential(
                *_conv_bn_relu(c64, c128, 3, dilation),
                *_conv_bn_relu(c128, c128, 1),
                nn.Conv2d(c128, 1, kernel_size=1),
            )
            setattr(self, f"aspp{n}", branch)

    def forward(self, y: torch.Tensor, feature: torch.Tensor) -> torch.Tensor:
        """``y``: NHWC CRAFT scores, ``feature``: NCHW upconv4 output; returns NHWC ``(N, H, W, 1)``."""
        h = self.last_conv(torch.cat([y.permute(0, 3, 1, 2), feature], dim=1))
        out = self.aspp1(h) + self.aspp2(h) + self.aspp3(h) + self.aspp4(h)
        return out.permute(0, 2, 3, 1)


def load_refiner_checkpoint(path: str | Path) -> RefineNet:
    """Build a :class:`RefineNet` fitting the checkpoint and load the file into it, in eval mode."""
    sd = read_state_dict(path)
    first = sd.get("last_conv.0.weight")
    feature_channels = int(first.shape[1]) - 2 if first is not None else 32
    width = first.shape[0] / 64 if first is not None else 1.0
    net = RefineNet(feature_channels=feature_channels, width=width)
    load_state_dict_checked(net, sd, str(path))
    return net.eval()
