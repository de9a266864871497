"""Loading TrOCR models and processors through the normal transformers cache, with clear errors.

Where a model comes from, decided once per load: a local directory is read as is; a hub id already in
the Hugging Face cache is read from the cache without touching the network; a hub id not cached needs
the hub, which is probed once per process with a short timeout (:data:`HUB_PROBE_TIMEOUT_S`). When the
hub is unreachable the load fails at once with one :class:`WeightsError`, instead of the minutes of
retries (each logged twice) that ``from_pretrained`` spends before its own error.
"""

from __future__ import annotations

import functools
import os
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from ocrplug.api import WeightsError, require

__all__ = ["load_model", "load_processor", "resolve_device"]

OFFLINE_HINT = (
    "download it once with network access (it is cached under ~/.cache/huggingface), or point the "
    "option 'model' at a local copy made with save_pretrained; set HF_HUB_OFFLINE=1 to never try the network"
)


def _where(model: str) -> str:
    return "local directory" if Path(model).expanduser().is_dir() else "hub id"


# Seconds to wait for the hub to answer before calling it unreachable (a reachable hub answers in
# well under a second; a blocked network otherwise hangs until the TCP timeout).
HUB_PROBE_TIMEOUT_S = 4.0


def _endpoint() -> str:
    endpoint = os.environ.get("HF_ENDPOINT")
    if not endpoint:
        try:
            from huggingface_hub import constants

            endpoint = constants.ENDPOINT
        except ImportError:
            endpoint = "https://huggingface.co"
    return endpoint.rstrip("/")


@functools.lru_cache(maxsize=4)
def _hub_problem(endpoint: str, timeout: float) -> str | None:
    """Why ``endpoint`` cannot be reached (None when it answers); honours HTTPS_PROXY like the hub client."""
    try:
        with urllib.request.urlopen(urllib.request.Request(endpoint, method="HEAD"), timeout=timeout):
            return None
    except urllib.error.HTTPError:
        return None  # it answered, even if with an error status
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"{type(reason).__name__}: {reason}" if not isinstance(reason, str) else reason


def _is_cached(model: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache

        return isinstance(try_to_load_from_cache(model, "config.json"), str)
    except Exception:  # a malformed id or an old huggingface_hub: let from_pretrained decide
        return False


def _source(model: str, what: str) -> tuple[str, dict[str, Any]]:
    """(path or hub id, extra from_pretrained arguments) for ``model``; WeightsError when unreachable."""
    local = Path(model).expanduser()
    if local.is_dir():
        return str(local), {}
    if hub_offline():
        return model, {}
    if _is_cached(model):
        return model, {"local_files_only": True}
    endpoint = _endpoint()
    problem = _hub_problem(endpoint, HUB_PROBE_TIMEOUT_S)
    if problem is not None:
        raise WeightsError(
            f"cannot load the TrOCR {what} {model!r}: it is not in the Hugging Face cache and the hub "
            f"({endpoint}) is unreachable ({problem}); {OFFLINE_HINT}"
        )
    return model, {}


def load_processor(model: str) -> Any:
    """The TrOCR processor (image processor + tokenizer) of ``model``.

    Raises :class:`WeightsError` when it cannot be loaded, at once when the hub is needed but unreachable.
    """
    transformers = require("transformers", "trocr", "trocr")
    where, kwargs = _source(model, "processor")
    try:
        return transformers.AutoProcessor.from_pretrained(where, **kwargs)
    except (OSError, ValueError) as exc:
        raise WeightsError(
            f"cannot load the TrOCR processor of {_where(model)} {model!r}: {exc}; {OFFLINE_HINT}"
        ) from exc


def load_model(model: str, dtype: Any = None) -> Any:
    """The ``VisionEncoderDecoderModel`` of ``model``, on CPU, in eval mode.

    Raises :class:`WeightsError` when it cannot be loaded, at once when the hub is needed but unreachable.
    """
    transformers = require("transformers", "trocr", "trocr")
    where, kwargs = _source(model, "model")
    try:
        net = transformers.VisionEncoderDecoderModel.from_pretrained(where, dtype=dtype, **kwargs)
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


def resolve_device(device: str) -> str:
    """``cpu``/``cuda`` from the option (``auto``: cuda when torch sees one); see
    :func:`ocrplug.runtime.select_torch_device`."""
    from ocrplug.api import select_torch_device

    return select_torch_device(device, "trocr option 'device'")


def hub_offline() -> bool:
    """Whether the Hugging Face hub is switched off (HF_HUB_OFFLINE=1)."""
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes")
