"""Loading TrOCR models and processors through the normal transformers cache, with clear errors."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ocrplug.components import require
from ocrplug.errors import WeightsError

__all__ = ["load_model", "load_processor", "resolve_device"]

OFFLINE_HINT = (
    "download it once with network access (it is cached under ~/.cache/huggingface), or point the "
    "option 'model' at a local copy made with save_pretrained; set HF_HUB_OFFLINE=1 to never try the network"
)


def _where(model: str) -> str:
    return "local directory" if Path(model).expanduser().is_dir() else "hub id"


def load_processor(model: str) -> Any:
    """The TrOCR processor (image processor + tokenizer) of ``model``."""
    transformers = require("transformers", "trocr", "trocr")
    try:
        return transformers.AutoProcessor.from_pretrained(_path(model))
    except (OSError, ValueError) as exc:
        raise WeightsError(
            f"cannot load the TrOCR processor of {_where(model)} {model!r}: {exc}; {OFFLINE_HINT}"
        ) from exc


def load_model(model: str, dtype: Any = None) -> Any:
    """The ``VisionEncoderDecoderModel`` of ``model``, on CPU, in eval mode."""
    transformers = require("transformers", "trocr", "trocr")
    try:
        net = transformers.VisionEncoderDecoderModel.from_pretrained(_path(model), dtype=dtype)
    except (OSError, ValueError) as exc:
        raise WeightsError(f"cannot load the TrOCR model {_where(model)} {model!r}: {exc}; {OFFLINE_HINT}") from exc
    _fix_sinusoidal_positions(net)
    return net.eval()


def _fix_sinusoidal_positions(net: Any) -> None:
    """Rebuild a sinusoidal position table that from_pretrained left on the meta device.

    transformers 5 builds models on the meta device and only loads parameters and buffers; TrOCR's
    sinusoidal table is a plain attribute, so it would stay without data and generation would fail.
    The table is a fixed function of its size, so recomputing it is exact.
    """
    emb = getattr(
        getattr(getattr(getattr(net, "decoder", None), "model", None), "decoder", None), "embed_positions", None
    )
    weights = getattr(emb, "weights", None)
    if weights is not None and getattr(weights, "is_meta", False):
        emb.weights = emb.get_embedding(weights.shape[0], emb.embedding_dim, emb.padding_idx)


def _path(model: str) -> str:
    local = Path(model).expanduser()
    return str(local) if local.is_dir() else model


def resolve_device(device: str) -> str:
    """``cpu``/``cuda`` from the option (``auto``: cuda when torch sees one); see
    :func:`ocrplug.runtime.select_torch_device`."""
    from ocrplug.runtime import select_torch_device

    return select_torch_device(device, "trocr option 'device'")


def hub_offline() -> bool:
    """Whether the Hugging Face hub is switched off (HF_HUB_OFFLINE=1)."""
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes")
