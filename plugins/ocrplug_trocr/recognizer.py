"""The ``trocr`` recognizer: TrOCR on rectified crops, batched, on torch or ONNX Runtime.

TrOCR's image processor resizes every crop to the same square, so batching does not save padding
pixels; it is the *decoder* that wastes work when a batch mixes a one-word crop with a long line (the
batch runs until its longest output ends). Crops are therefore sorted by width (a proxy for text length)
before batching, and results are put back in the regions' order.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ocrplug.api import ConfigError, Crop, CropRecognizer, Region, require

from .loading import load_model, load_processor, resolve_device
from .options import TrOCRRecognizerOptions

__all__ = ["TrOCRRecognizer"]


class TrOCRRecognizer(CropRecognizer):
    """Reads crops with a TrOCR ``VisionEncoderDecoderModel`` (or its ONNX export)."""

    def __init__(self, options: TrOCRRecognizerOptions) -> None:
        """Load the processor and the model (torch) or the ONNX sessions."""
        self.options = options
        self.crop_options = options.crop_options()
        if options.onnx:
            from .onnx_export import OnnxTrOCR

            if options.num_beams != 1:
                raise ConfigError("trocr option 'num_beams': the ONNX path decodes greedily; use num_beams: 1")
            self.onnx: Any = OnnxTrOCR(options.onnx, threads=options.threads, device=options.device)
            self.processor = load_processor(options.onnx)
            self.model = None
            return
        torch = require("torch", "trocr", "trocr")
        self.onnx = None
        if options.threads:
            torch.set_num_threads(options.threads)
        from ocrplug.api import safe_torch_threads

        safe_torch_threads()  # OMP_THREAD_LIMIT below torch's threads gives wrong results
        self.device = resolve_device(options.device)
        dtype = getattr(torch, options.dtype)
        if dtype == torch.float16 and self.device == "cpu":
            raise ConfigError("trocr option 'dtype': float16 needs device cuda; use float32 or bfloat16 on cpu")
        self.dtype = dtype
        self.processor = load_processor(options.model)
        self.model = load_model(options.model, dtype=dtype).to(self.device)

    # ------------------------------------------------------------------ reading
    def _pixels(self, images: Sequence[np.ndarray]) -> Any:
        return self.processor(images=list(images), return_tensors="np" if self.onnx else "pt").pixel_values

    def _generate(self, images: Sequence[np.ndarray]) -> tuple[list[str], list[float]]:
        """Texts and confidences (mean probability of the generated tokens) of one batch."""
        if self.onnx is not None:
            ids, probs = self.onnx.generate(np.asarray(self._pixels(images)), max_length=self.options.max_length)
            eos = self.onnx.settings["eos_token_id"]
            confs = [_mean_prob(p, seq[1:], eos) for p, seq in zip(probs, ids, strict=True)]
            return self.processor.batch_decode(ids, skip_special_tokens=True), confs
        import torch

        pixel_values = self._pixels(images).to(self.device, self.dtype)
        with torch.inference_mode():
            out = self.model.generate(
                pixel_values,
                num_beams=self.options.num_beams,
                max_length=self.options.max_length,
                do_sample=False,
                output_scores=True,
                return_dict_in_generate=True,
            )
            scores = self.model.compute_transition_scores(
                out.sequences, out.scores, getattr(out, "beam_indices", None), normalize_logits=True
            )
        probs = scores.float().exp().cpu().numpy()
        eos = self.model.generation_config.eos_token_id
        eos = eos[0] if isinstance(eos, list) else eos
        seqs = out.sequences.cpu().numpy()
        confs = []
        for row, p in zip(seqs, probs, strict=True):
            gen = row[1 : 1 + p.shape[0]]
            confs.append(_mean_prob(p.tolist(), gen.tolist(), eos))
        return self.processor.batch_decode(out.sequences, skip_special_tokens=True), confs

    def read(self, images: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        """Text and confidence of each RGB crop, in order; batched by similar width."""
        order = sorted(range(len(images)), key=lambda i: images[i].shape[1] / max(images[i].shape[0], 1))
        results: list[tuple[str, float]] = [("", 0.0)] * len(images)
        bs = self.options.batch_size
        for start in range(0, len(order), bs):
            idx = order[start : start + bs]
            texts, confs = self._generate([images[i] for i in idx])
            for i, text, conf in zip(idx, texts, confs, strict=True):
                results[i] = (text.strip(), conf if text.strip() else 0.0)
        return results

    def score(self, images: Sequence[np.ndarray]) -> list[float]:
        """Confidence of the model's reading of each crop (the orientation scorer)."""
        return [conf for _, conf in self.read(images)]

    def scorer(self, regions: Sequence[Region]) -> Callable[[Sequence[np.ndarray]], list[float]]:
        """The model's confidence picks the sense of vertical crops."""
        return self.score

    def read_crops(self, crops: Sequence[Crop], regions: Sequence[Region]) -> list[Region]:
        """Text and confidence (clipped to [0, 1]) of ``regions``, read from their crops."""
        reads = self.read([c.image for c in crops])
        return [
            region.with_(text=text, confidence=float(min(max(conf, 0.0), 1.0)))
            for region, (text, conf) in zip(regions, reads, strict=True)
        ]


def _mean_prob(probs: Sequence[float], tokens: Sequence[int], eos: int) -> float:
    """Mean probability of the tokens up to and including the end token."""
    kept = []
    for p, t in zip(probs, tokens, strict=False):
        kept.append(p)
        if t == eos:
            break
    return float(np.mean(kept)) if kept else 0.0
