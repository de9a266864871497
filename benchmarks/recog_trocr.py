"""TrOCR speed on CPU: crops/s one by one vs batched vs ONNX Runtime, with the trocr-small-printed architecture.

Usage: python benchmarks/recog_trocr.py [--crops 24] [--batch-size 8] [--tokens 20] [--threads 1]

Speed does not depend on the weights, so the model is randomly initialised from the published
``microsoft/trocr-small-printed`` configuration, written out below (DeiT-small encoder at 384x384,
6-layer 256-wide TrOCR decoder, 64044-token vocabulary). The end token is disabled so every crop
decodes exactly ``--tokens`` tokens on every path: equal work, and the ONNX path must give the same ids.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

# microsoft/trocr-small-printed config.json (encoder: DeiT, decoder: TrOCR).
ENCODER = dict(
    hidden_size=384,
    num_hidden_layers=12,
    num_attention_heads=6,
    intermediate_size=1536,
    hidden_act="gelu",
    patch_size=16,
    num_channels=3,
    qkv_bias=True,
    layer_norm_eps=1e-12,
)
DECODER = dict(
    d_model=256,
    decoder_layers=6,
    decoder_attention_heads=8,
    decoder_ffn_dim=1024,
    activation_function="relu",
    max_position_embeddings=512,
    layernorm_embedding=True,
    scale_embedding=True,
    use_learned_position_embeddings=True,
    dropout=0.1,
)
IMAGE_SIZE = 384
VOCAB = 64044


def main() -> None:
    """Build the model, export it, and time the three paths on the same crops."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crops", type=int, default=24)
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--tokens", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    from ocrplug_trocr.onnx_export import export_onnx
    from ocrplug_trocr.options import TrOCRRecognizerOptions
    from ocrplug_trocr.random_model import save_random_trocr
    from ocrplug_trocr.recognizer import TrOCRRecognizer

    rng = np.random.default_rng(0)
    crops = [rng.integers(0, 255, (40, int(w), 3), dtype=np.uint8) for w in rng.integers(80, 600, args.crops)]
    max_length = args.tokens + 1
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = save_random_trocr(
            Path(tmp) / "model", ENCODER, DECODER, IMAGE_SIZE, VOCAB, encoder_type="deit", eos_scale=0.0
        )
        t0 = time.perf_counter()
        onnx_dir = export_onnx(str(model_dir), Path(tmp) / "onnx", check=False)
        t_export = time.perf_counter() - t0
        common = dict(device="cpu", threads=args.threads, max_length=max_length)
        runs = {
            "torch, one by one": TrOCRRecognizer(TrOCRRecognizerOptions(model=str(model_dir), batch_size=1, **common)),
            f"torch, batched ({args.batch_size})": TrOCRRecognizer(
                TrOCRRecognizerOptions(model=str(model_dir), batch_size=args.batch_size, **common)
            ),
            f"onnxruntime, batched ({args.batch_size})": TrOCRRecognizer(
                TrOCRRecognizerOptions(onnx=str(onnx_dir), batch_size=args.batch_size, **common)
            ),
        }
        rates, texts = {}, {}
        for name, rec in runs.items():
            rec.read(crops[:1])  # warm-up
            t0 = time.perf_counter()
            texts[name] = [t for t, _ in rec.read(crops)]
            rates[name] = len(crops) / (time.perf_counter() - t0)
    base = next(iter(rates.values()))
    print(
        f"trocr-small-printed architecture, random weights; {args.crops} crops, {args.tokens} tokens each, "
        f"{args.threads} thread(s); ONNX export took {t_export:.1f} s"
    )
    for name, rate in rates.items():
        print(f"{name:28s} {rate:7.2f} crops/s   x{rate / base:.2f} vs one by one")
    names = list(texts)
    print("same text on all paths:", all(texts[n] == texts[names[0]] for n in names))


if __name__ == "__main__":
    main()
