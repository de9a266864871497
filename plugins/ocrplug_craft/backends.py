"""Inference backends for CRAFT: torch (CPU/CUDA) and ONNX Runtime, behind one small interface.

A backend takes a normalised NCHW float32 batch (height and width multiples of 32) and returns the
score maps as numpy arrays ``(N, H/2, W/2)``: region score, affinity score and, when the link refiner
is loaded, the refined affinity. Heavy imports happen in the constructors.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ocrplug.api import ConfigError

__all__ = ["Backend", "Maps", "OnnxBackend", "TorchBackend", "export_onnx", "fuse_conv_bn"]


@dataclass(frozen=True)
class Maps:
    """Score maps of a batch, float32 ``(N, h, w)``; ``refined_link`` is None without the refiner."""

    score_text: np.ndarray
    score_link: np.ndarray
    refined_link: np.ndarray | None


class Backend(Protocol):
    """What the detector needs from an inference backend."""

    has_refiner: bool

    def run(self, batch: np.ndarray) -> Maps:
        """Score maps for a normalised NCHW float32 batch."""
        ...


def fuse_conv_bn(net: Any) -> Any:
    """A copy of ``net`` in eval mode with every ``Conv2d`` directly followed by a ``BatchNorm2d`` fused."""
    import copy

    from torch import nn
    from torch.nn.utils.fusion import fuse_conv_bn_eval

    net = copy.deepcopy(net).eval()
    for module in net.modules():
        if not isinstance(module, nn.Sequential):
            continue
        names = list(module._modules)
        for a, b in itertools.pairwise(names):
            conv, bn = module._modules[a], module._modules[b]
            if isinstance(conv, nn.Conv2d) and isinstance(bn, nn.BatchNorm2d):
                module._modules[a] = fuse_conv_bn_eval(conv, bn)
                module._modules[b] = nn.Identity()
    return net


class TorchBackend:
    """torch inference: eval mode, ``torch.inference_mode``, channels-last, fp16 on CUDA when asked."""

    def __init__(
        self,
        craft: Any,
        refiner: Any | None = None,
        device: str = "cpu",
        precision: str = "auto",
        channels_last: bool = True,
        fuse: bool = True,
    ) -> None:
        """Move the networks to ``device`` in the floating-point ``precision``.

        ``precision``: ``fp32``; ``fp16`` (CUDA only); ``bf16`` (bfloat16 weights and activations; on CPU
        through oneDNN, fast where the CPU has AVX512-BF16 or AMX); ``auto`` is fp16 on CUDA and fp32 on
        CPU (the detector's ``auto`` decides further, see :func:`ocrplug_craft.detector.build_detector`).
        Raises :class:`ConfigError` for fp16 on CPU or an unknown precision.

        ``fuse`` folds each eval-mode BatchNorm into the convolution before it (a copy; the given modules
        are not changed): the same function with one pass less over every feature map.
        """
        import torch

        from ocrplug.api import safe_torch_threads

        safe_torch_threads()  # OMP_THREAD_LIMIT below torch's threads gives wrong maps
        self.device = torch.device(device)
        if precision == "auto":
            precision = "fp16" if self.device.type == "cuda" else "fp32"
        dtypes = {"fp32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}
        if precision not in dtypes:
            raise ConfigError(f"precision: {precision!r} is not a torch precision (fp32, fp16, bf16)")
        if precision == "fp16" and self.device.type != "cuda":
            raise ConfigError("precision: 'fp16' is only supported on CUDA devices (on CPU use 'bf16' or 'int8')")
        self.precision = precision
        self.dtype = dtypes[precision]
        self.memory_format = torch.channels_last if channels_last else torch.contiguous_format

        def prepare(net: Any) -> Any:
            net = fuse_conv_bn(net) if fuse else net.eval()
            return net.to(self.device, self.dtype, memory_format=self.memory_format)

        self.craft = prepare(craft)
        self.refiner = None if refiner is None else prepare(refiner)
        self.has_refiner = self.refiner is not None

    def run(self, batch: np.ndarray) -> Maps:
        """Forward pass of CRAFT (and the refiner) on a batch."""
        import torch

        with torch.inference_mode():
            x = torch.from_numpy(batch).to(self.device, self.dtype).contiguous(memory_format=self.memory_format)
            y, feature = self.craft(x)
            refined = self.refiner(y, feature)[..., 0].float().cpu().numpy() if self.refiner is not None else None
            y = y.float().cpu().numpy()
        return Maps(np.ascontiguousarray(y[..., 0]), np.ascontiguousarray(y[..., 1]), refined)


class _ExportModule:
    """Builds the torch module exported to ONNX: NCHW input -> NCHW maps (refiner included when given)."""

    @staticmethod
    def build(craft: Any, refiner: Any | None) -> Any:
        from torch import nn

        class CraftExport(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.craft = craft
                self.refiner = refiner

            def forward(self, x: Any) -> Any:
                y, feature = self.craft(x)
                scores = y.permute(0, 3, 1, 2)
                if self.refiner is None:
                    return scores
                return scores, self.refiner(y, feature).permute(0, 3, 1, 2)

        return CraftExport().eval()


def export_onnx(craft: Any, refiner: Any | None, path: str | Path, opset: int = 17) -> Path:
    """Export CRAFT (with the refiner when given) to ONNX with dynamic batch, height and width.

    Outputs: ``scores`` (N, 2, H/2, W/2) and, with the refiner, ``refined`` (N, 1, H/2, W/2). The file is
    written atomically.
    """
    import torch

    from ocrplug.api import atomic_path

    module = _ExportModule.build(craft.float().eval(), None if refiner is None else refiner.float().eval())
    outputs = ["scores"] if refiner is None else ["scores", "refined"]
    axes = {"input": {0: "batch", 2: "height", 3: "width"}}
    axes.update({name: {0: "batch", 2: "height_2", 3: "width_2"} for name in outputs})
    path = Path(path)
    with atomic_path(path) as tmp, torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        # The TorchScript exporter: it needs no onnxscript and handles the dynamic bilinear resizes.
        torch.onnx.export(
            module,
            (torch.zeros(1, 3, 64, 64),),
            str(tmp),
            input_names=["input"],
            output_names=outputs,
            dynamic_axes=axes,
            opset_version=opset,
            dynamo=False,
        )
    return path


class OnnxBackend:
    """ONNX Runtime inference of an exported CRAFT model (CPU, or CUDA when its provider is installed)."""

    def __init__(
        self,
        path: str | Path,
        device: str = "cpu",
        threads: int | None = None,
        what: str = "onnx_model (create it with `ocrplug craft export-onnx`)",
    ) -> None:
        """Open the model; ``device`` 'cuda' uses the CUDA provider, falling back to CPU only if asked 'auto'.

        ``what`` names the model in the :class:`~ocrplug.errors.WeightsError` raised when it cannot be
        loaded. The model is read whole: the file may be removed afterwards.
        """
        from ocrplug.api import onnx_session

        self.session = onnx_session(path, device=device, threads=threads, what=what)
        self.outputs = [o.name for o in self.session.get_outputs()]
        self.has_refiner = "refined" in self.outputs

    def run(self, batch: np.ndarray) -> Maps:
        """Run the session on a batch."""
        results = dict(zip(self.outputs, self.session.run(None, {"input": batch}), strict=True))
        scores = results["scores"]
        refined = results.get("refined")
        return Maps(scores[:, 0], scores[:, 1], None if refined is None else refined[:, 0])
