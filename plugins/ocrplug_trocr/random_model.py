"""Build randomly initialised TrOCR-architecture models offline (tests and speed benchmarks).

Speed does not depend on the weights, and tests must not download anything, so both build the model
from configs and a small tokenizer made on the spot, then ``save_pretrained`` it like a real checkpoint.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["save_random_trocr"]


def save_random_trocr(
    out_dir: str | Path,
    encoder: dict[str, Any],
    decoder: dict[str, Any],
    image_size: int,
    vocab_size: int,
    seed: int = 0,
    encoder_type: str = "vit",
    generation: dict[str, Any] | None = None,
    eos_scale: float = 1.0,
) -> Path:
    """Save a random ``VisionEncoderDecoderModel`` + ``TrOCRProcessor`` to ``out_dir``.

    ``encoder`` / ``decoder``: keyword arguments of ``ViTConfig``/``DeiTConfig`` and ``TrOCRConfig``.
    ``eos_scale`` multiplies the end token's output weights: a random model tends to stop at once, and
    0 makes it write until ``max_length`` (a fixed amount of work per crop, for benchmarks and tests).
    The tokenizer is a word-level one: ids 0-3 are ``<s> <pad> </s> <unk>`` and every other id is a
    one-character token from a fixed alphabet (repeated with suffixes to fill ``vocab_size``).
    """
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import (
        DeiTConfig,
        PreTrainedTokenizerFast,
        TrOCRConfig,
        TrOCRForCausalLM,
        TrOCRProcessor,
        VisionEncoderDecoderConfig,
        VisionEncoderDecoderModel,
        ViTConfig,
    )
    from transformers.models.vit.image_processing_pil_vit import ViTImageProcessorPil

    torch.manual_seed(seed)
    out = Path(out_dir)
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,-"
    vocab: dict[str, int] = {t: i for i, t in enumerate(specials)}
    k = 0
    while len(vocab) < vocab_size:
        token = alphabet[k % len(alphabet)] + ("" if k < len(alphabet) else str(k // len(alphabet)))
        vocab[token] = len(vocab)
        k += 1
    tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", pad_token="<pad>", eos_token="</s>", unk_token="<unk>"
    )
    enc_cls = DeiTConfig if encoder_type == "deit" else ViTConfig
    enc_cfg = enc_cls(image_size=image_size, **encoder)
    dec_cfg = TrOCRConfig(
        vocab_size=vocab_size, pad_token_id=1, bos_token_id=0, eos_token_id=2, decoder_start_token_id=2, **decoder
    )
    config = VisionEncoderDecoderConfig.from_encoder_decoder_configs(enc_cfg, dec_cfg)
    config.decoder_start_token_id = 2
    config.pad_token_id = 1
    config.eos_token_id = 2
    from transformers import AutoModel

    model = VisionEncoderDecoderModel(
        config=config, encoder=AutoModel.from_config(enc_cfg), decoder=TrOCRForCausalLM(dec_cfg)
    )
    with torch.no_grad():
        model.decoder.output_projection.weight[2] *= eos_scale
    model.generation_config.decoder_start_token_id = 2
    model.generation_config.pad_token_id = 1
    model.generation_config.eos_token_id = 2
    for key, value in (generation or {}).items():
        setattr(model.generation_config, key, value)
    model.eval()
    model.save_pretrained(out)
    image_processor = ViTImageProcessorPil(size={"height": image_size, "width": image_size})
    TrOCRProcessor(image_processor=image_processor, tokenizer=tokenizer).save_pretrained(out)
    return out
