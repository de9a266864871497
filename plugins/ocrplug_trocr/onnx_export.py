"""Export TrOCR to ONNX (encoder + decoder without cache) and run it with a greedy loop on ONNX Runtime.

The decoder graph takes the whole prefix each step (no key/value cache): simpler graphs that any
ONNX Runtime build runs, at the price of recomputing the prefix; TrOCR outputs are short lines.
The greedy loop reproduces ``generate(num_beams=1)``, including ``no_repeat_ngram_size``, so both paths
give the same token ids.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ocrplug.components import require
from ocrplug.errors import ConfigError, WeightsError
from ocrplug.io.atomic import write_text_atomic

log = logging.getLogger(__name__)

__all__ = ["MANIFEST", "OnnxTrOCR", "banned_ngram_tokens", "export_onnx"]

MANIFEST = "ocrplug_trocr_onnx.json"


def _generation_settings(model: Any) -> dict[str, Any]:
    gen = model.generation_config
    cfg = model.config
    start = gen.decoder_start_token_id if gen.decoder_start_token_id is not None else cfg.decoder_start_token_id
    eos = gen.eos_token_id if gen.eos_token_id is not None else cfg.decoder.eos_token_id
    pad = gen.pad_token_id if gen.pad_token_id is not None else cfg.pad_token_id
    if isinstance(eos, list):
        eos = eos[0]
    if start is None or eos is None:
        raise WeightsError("the TrOCR model config has no decoder_start_token_id / eos_token_id")
    return {
        "decoder_start_token_id": int(start),
        "eos_token_id": int(eos),
        "pad_token_id": int(pad if pad is not None else eos),
        "no_repeat_ngram_size": int(gen.no_repeat_ngram_size or 0),
    }


def export_onnx(model_name: str, out_dir: str | Path, opset: int = 17, check: bool = True) -> Path:
    """Write ``encoder.onnx``, ``decoder.onnx``, the processor and a manifest to ``out_dir``.

    With ``check``, a blank and a noise image are decoded with torch and with ONNX Runtime and the token
    ids must match (raises :class:`WeightsError` otherwise).
    """
    torch = require("torch", "trocr", "trocr")
    from .loading import load_model, load_processor

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    model = load_model(model_name)
    processor = load_processor(model_name)
    size = processor.image_processor.size
    h, w = (size["height"], size["width"]) if "height" in size else (size["shortest_edge"],) * 2
    channels = model.config.encoder.num_channels

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = model.encoder
            self.proj = getattr(model, "enc_to_dec_proj", None)

        def forward(self, pixel_values: Any) -> Any:
            hidden = self.encoder(pixel_values=pixel_values).last_hidden_state
            return self.proj(hidden) if self.proj is not None else hidden

    class Decoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.decoder = model.decoder

        def forward(self, input_ids: Any, encoder_hidden_states: Any) -> Any:
            return self.decoder(
                input_ids=input_ids, encoder_hidden_states=encoder_hidden_states, use_cache=False
            ).logits

    pixels = torch.zeros(2, channels, h, w)
    ids = torch.full((2, 3), 2, dtype=torch.long)
    # no_grad, not inference_mode: the exporter traces again and cannot reuse inference tensors.
    # The TorchScript-based exporter needs no extra packages (the dynamo one needs onnxscript).
    with torch.no_grad():
        hidden = Encoder()(pixels)
        torch.onnx.export(
            Encoder().eval(),
            (pixels,),
            str(out / "encoder.onnx"),
            input_names=["pixel_values"],
            output_names=["encoder_hidden_states"],
            dynamic_axes={"pixel_values": {0: "batch"}, "encoder_hidden_states": {0: "batch", 1: "sequence"}},
            opset_version=opset,
            dynamo=False,
        )
        torch.onnx.export(
            Decoder().eval(),
            (ids, hidden),
            str(out / "decoder.onnx"),
            input_names=["input_ids", "encoder_hidden_states"],
            output_names=["logits"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "encoder_hidden_states": {0: "batch", 1: "sequence"},
                "logits": {0: "batch", 1: "tokens"},
            },
            opset_version=opset,
            dynamo=False,
        )
    processor.save_pretrained(str(out))
    manifest = {"source": model_name, "opset": opset, **_generation_settings(model)}
    write_text_atomic(out / MANIFEST, json.dumps(manifest, indent=2))
    if check:
        rng = np.random.default_rng(0)
        images = [np.full((32, 128, 3), 255, np.uint8), rng.integers(0, 255, (32, 96, 3), dtype=np.uint8)]
        pixel_values = processor(images=images, return_tensors="pt").pixel_values
        with torch.inference_mode():
            ref = model.generate(pixel_values, num_beams=1, do_sample=False, max_length=20)
        got, _ = OnnxTrOCR(out).generate(pixel_values.numpy(), max_length=20)
        ref_ids = [_strip(r.tolist(), manifest["pad_token_id"], manifest["eos_token_id"]) for r in ref]
        got_ids = [_strip(g, manifest["pad_token_id"], manifest["eos_token_id"]) for g in got]
        if ref_ids != got_ids:
            raise WeightsError(f"ONNX export of {model_name} decodes differently from torch: {got_ids} != {ref_ids}")
    return out


def _strip(ids: Sequence[int], pad: int, eos: int) -> list[int]:
    out = []
    for k, t in enumerate(ids):
        out.append(int(t))
        if k > 0 and t == eos:
            break
    return out


def banned_ngram_tokens(prefix: Sequence[int], n: int) -> set[int]:
    """Tokens that would repeat an n-gram already in ``prefix`` (``no_repeat_ngram_size`` = n)."""
    if n <= 0 or len(prefix) + 1 < n:
        return set()
    tail = tuple(prefix[len(prefix) - n + 1 :]) if n > 1 else ()
    banned = set()
    for i in range(len(prefix) - n + 1):
        if tuple(prefix[i : i + n - 1]) == tail:
            banned.add(int(prefix[i + n - 1]))
    return banned


class OnnxTrOCR:
    """ONNX Runtime TrOCR: encoder once per batch, then greedy decoding of the whole batch."""

    def __init__(self, directory: str | Path, threads: int = 0, device: str = "cpu") -> None:
        """Open ``encoder.onnx`` / ``decoder.onnx`` and the manifest written by :func:`export_onnx`."""
        ort = require("onnxruntime", "trocr", "onnx")
        self.directory = Path(directory)
        manifest = self.directory / MANIFEST
        if not manifest.is_file():
            raise ConfigError(
                f"trocr option 'onnx': {self.directory} has no {MANIFEST}; create it with "
                "`ocrplug trocr export-onnx MODEL DIR`"
            )
        self.settings = json.loads(manifest.read_text(encoding="utf-8"))
        so = ort.SessionOptions()
        if threads:
            so.intra_op_num_threads = threads
            so.inter_op_num_threads = 1
        providers = ["CPUExecutionProvider"]
        if device in ("cuda", "auto") and "CUDAExecutionProvider" in ort.get_available_providers():
            providers.insert(0, "CUDAExecutionProvider")
        self.encoder = ort.InferenceSession(str(self.directory / "encoder.onnx"), so, providers=providers)
        self.decoder = ort.InferenceSession(str(self.directory / "decoder.onnx"), so, providers=providers)

    def generate(self, pixel_values: np.ndarray, max_length: int = 64) -> tuple[list[list[int]], list[list[float]]]:
        """Greedy token ids (start token first) and the probability of each generated token, per image."""
        s = self.settings
        hidden = self.encoder.run(None, {"pixel_values": pixel_values.astype(np.float32)})[0]
        batch = hidden.shape[0]
        ids = np.full((batch, 1), s["decoder_start_token_id"], dtype=np.int64)
        probs: list[list[float]] = [[] for _ in range(batch)]
        done = np.zeros(batch, dtype=bool)
        n = s["no_repeat_ngram_size"]
        for _ in range(max_length - 1):
            logits = self.decoder.run(None, {"input_ids": ids, "encoder_hidden_states": hidden})[0][:, -1, :]
            logits = logits.astype(np.float64)
            if n:
                for b in range(batch):
                    for t in banned_ngram_tokens(ids[b].tolist(), n):
                        logits[b, t] = -np.inf
            logits -= logits.max(axis=1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(axis=1, keepdims=True)
            nxt = p.argmax(axis=1)
            nxt = np.where(done, s["pad_token_id"], nxt)
            for b in np.flatnonzero(~done):
                probs[b].append(float(p[b, nxt[b]]))
            ids = np.concatenate([ids, nxt[:, None].astype(np.int64)], axis=1)
            done |= nxt == s["eos_token_id"]
            if done.all():
                break
        return ids.tolist(), probs
