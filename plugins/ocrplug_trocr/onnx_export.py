"""Export TrOCR to ONNX (encoder + one-token decoder step with a key/value cache) and run it greedily.

Two graphs: ``encoder.onnx`` maps pixels to the encoder states *and* every decoder layer's
cross-attention keys/values (computed once per image, not once per token); ``decoder.onnx`` reads one
token given the self-attention cache of the previous tokens and returns the next-token logits and the
grown cache. The step decoder is written here from the model's own weights (the TrOCR decoder layer:
post-norm self-attention, cross-attention, feed-forward) because transformers' cache objects do not
trace. The greedy loop reproduces ``generate(num_beams=1)``, including ``no_repeat_ngram_size``, so both
paths give the same token ids (checked after export).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ocrplug.api import ConfigError, WeightsError, require, write_text_atomic

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

    encoder, decoder = _step_modules(torch, model)
    pixels = torch.zeros(2, channels, h, w)
    # no_grad, not inference_mode: the exporter traces again and cannot reuse inference tensors.
    # The TorchScript-based exporter needs no extra packages (the dynamo one needs onnxscript).
    with torch.no_grad():
        _, cross_k, cross_v = encoder(pixels)
        layers, _, heads, _, head_dim = cross_k.shape
        past = torch.zeros(layers, 2, heads, 3, head_dim)
        torch.onnx.export(
            encoder,
            (pixels,),
            str(out / "encoder.onnx"),
            input_names=["pixel_values"],
            output_names=["encoder_hidden_states", "cross_keys", "cross_values"],
            dynamic_axes={
                "pixel_values": {0: "batch"},
                "encoder_hidden_states": {0: "batch", 1: "sequence"},
                "cross_keys": {1: "batch", 3: "sequence"},
                "cross_values": {1: "batch", 3: "sequence"},
            },
            opset_version=opset,
            dynamo=False,
        )
        torch.onnx.export(
            decoder,
            (torch.full((2, 1), 2, dtype=torch.long), torch.tensor([3]), past, past, cross_k, cross_v),
            str(out / "decoder.onnx"),
            input_names=["input_ids", "position", "past_keys", "past_values", "cross_keys", "cross_values"],
            output_names=["logits", "keys", "values"],
            dynamic_axes={
                "input_ids": {0: "batch"},
                "past_keys": {1: "batch", 3: "past"},
                "past_values": {1: "batch", 3: "past"},
                "cross_keys": {1: "batch", 3: "sequence"},
                "cross_values": {1: "batch", 3: "sequence"},
                "logits": {0: "batch"},
                "keys": {1: "batch", 3: "total"},
                "values": {1: "batch", 3: "total"},
            },
            opset_version=opset,
            dynamo=False,
        )
    processor.save_pretrained(str(out))
    manifest = {
        "source": model_name,
        "opset": opset,
        "layers": int(layers),
        "heads": int(heads),
        "head_dim": int(head_dim),
        **_generation_settings(model),
    }
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


def _step_modules(torch: Any, model: Any) -> tuple[Any, Any]:
    """Torch modules for the two graphs, sharing the model's weights."""
    nn = torch.nn
    dec = model.decoder.model.decoder  # TrOCRForCausalLM -> wrapper -> TrOCRDecoder
    out_proj = model.decoder.output_projection
    learned = bool(model.config.decoder.use_learned_position_embeddings)
    pad = dec.padding_idx if dec.padding_idx is not None else 1

    def heads_of(x: Any, attn: Any) -> Any:  # (B, T, D) -> (B, H, T, d)
        b, t, _ = x.shape
        return x.view(b, t, attn.num_heads, attn.head_dim).transpose(1, 2)

    class Encoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = model.encoder
            self.proj = getattr(model, "enc_to_dec_proj", None)
            self.layers = dec.layers

        def forward(self, pixel_values: Any) -> Any:
            hidden = self.encoder(pixel_values=pixel_values).last_hidden_state
            if self.proj is not None:
                hidden = self.proj(hidden)
            keys = [heads_of(layer.encoder_attn.k_proj(hidden), layer.encoder_attn) for layer in self.layers]
            values = [heads_of(layer.encoder_attn.v_proj(hidden), layer.encoder_attn) for layer in self.layers]
            return hidden, torch.stack(keys), torch.stack(values)

    class Step(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.dec = dec
            self.out_proj = out_proj
            if not learned:
                # The sinusoidal table is a plain attribute that from_pretrained may leave on the meta
                # device; rebuild it (it is a fixed function of the sizes) as a buffer of this module.
                emb = dec.embed_positions
                rows = model.config.decoder.max_position_embeddings + pad + 1
                self.register_buffer("sinusoid", emb.get_embedding(rows, emb.embedding_dim, pad), persistent=False)

        def forward(self, input_ids: Any, position: Any, past_k: Any, past_v: Any, cross_k: Any, cross_v: Any) -> Any:
            x = self.dec.embed_tokens(input_ids)  # scaled by sqrt(d_model) when the config says so
            if learned:
                pos = self.dec.embed_positions.weight[position + 2]
            else:
                pos = self.sinusoid[position + pad + 1]
            x = x + pos.unsqueeze(0)
            if self.dec.layernorm_embedding is not None:
                x = self.dec.layernorm_embedding(x)
            keys, values = [], []
            for i, layer in enumerate(self.dec.layers):
                sa, ca = layer.self_attn, layer.encoder_attn
                q = heads_of(sa.q_proj(x) * sa.scaling, sa)
                k = torch.cat([past_k[i], heads_of(sa.k_proj(x), sa)], dim=2)
                v = torch.cat([past_v[i], heads_of(sa.v_proj(x), sa)], dim=2)
                keys.append(k)
                values.append(v)
                # One query attends to every earlier token: no causal mask is needed.
                a = torch.softmax(q @ k.transpose(-1, -2), dim=-1) @ v
                x = layer.self_attn_layer_norm(x + sa.out_proj(a.transpose(1, 2).reshape(x.shape)))
                q = heads_of(ca.q_proj(x) * ca.scaling, ca)
                a = torch.softmax(q @ cross_k[i].transpose(-1, -2), dim=-1) @ cross_v[i]
                x = layer.encoder_attn_layer_norm(x + ca.out_proj(a.transpose(1, 2).reshape(x.shape)))
                x = layer.final_layer_norm(x + layer.fc2(layer.activation_fn(layer.fc1(x))))
            return self.out_proj(x)[:, 0], torch.stack(keys), torch.stack(values)

    return Encoder().eval(), Step().eval()


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
        require("onnxruntime", "trocr", "onnx")
        self.directory = Path(directory)
        manifest = self.directory / MANIFEST
        if not manifest.is_file():
            raise ConfigError(
                f"trocr option 'onnx': {self.directory} has no {MANIFEST}; create it with "
                "`ocrplug trocr export-onnx MODEL DIR`"
            )
        self.settings = json.loads(manifest.read_text(encoding="utf-8"))
        from ocrplug.api import onnx_session

        def session(part: str) -> Any:
            path = self.directory / f"{part}.onnx"
            return onnx_session(path, device=device, threads=threads or None, what=f"trocr ONNX {part}")

        self.encoder = session("encoder")
        self.decoder = session("decoder")

    def generate(self, pixel_values: np.ndarray, max_length: int = 64) -> tuple[list[list[int]], list[list[float]]]:
        """Greedy token ids (start token first) and the probability of each generated token, per image."""
        s = self.settings
        _, cross_k, cross_v = self.encoder.run(None, {"pixel_values": pixel_values.astype(np.float32)})
        batch = cross_k.shape[1]
        cache_shape = (s["layers"], batch, s["heads"], 0, s["head_dim"])
        past_k = np.zeros(cache_shape, dtype=cross_k.dtype)
        past_v = np.zeros(cache_shape, dtype=cross_k.dtype)
        ids = np.full((batch, 1), s["decoder_start_token_id"], dtype=np.int64)
        probs: list[list[float]] = [[] for _ in range(batch)]
        done = np.zeros(batch, dtype=bool)
        n = s["no_repeat_ngram_size"]
        for step in range(max_length - 1):
            feed = {
                "input_ids": ids[:, -1:],
                "position": np.array([step], dtype=np.int64),
                "past_keys": past_k,
                "past_values": past_v,
                "cross_keys": cross_k,
                "cross_values": cross_v,
            }
            logits, past_k, past_v = self.decoder.run(None, feed)
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
