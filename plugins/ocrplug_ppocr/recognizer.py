"""The ``ppocr`` recognizer: PaddleOCR's CTC recognition model on ONNX Runtime, batched by crop width.

The model and its character list ship inside the ``rapidocr`` wheel (``rapidocr/models/*rec*.onnx``;
rapidocr 3.10 ships ``PP-OCRv6_rec_small.onnx``, a multilingual model whose ~18.7k characters are stored
in the ONNX metadata under ``character``). We only use those files: preprocessing, batching and CTC
decoding are done here.
"""

from __future__ import annotations

import importlib.util
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ocrplug.components import Recognizer, require
from ocrplug.crops import Crop, CropOptions, crop_regions, with_rotation
from ocrplug.errors import ConfigError, WeightsError
from ocrplug.model import PageImage, Region

from .options import PPOCRRecognizerOptions

log = logging.getLogger(__name__)

__all__ = ["CTCResult", "PPOCRRecognizer", "ctc_greedy", "default_model_path", "load_characters"]


_MIN_RATIO = 320 / 48


def default_model_path() -> Path:
    """The recognition model shipped in the installed rapidocr wheel."""
    spec = importlib.util.find_spec("rapidocr")
    if spec is None or not spec.submodule_search_locations:
        raise WeightsError(
            "recognizer 'ppocr' needs the PP-OCR model shipped with rapidocr: pip install 'ocrplug[ppocr]' "
            "or give the option 'model' (a PP-OCR recognition .onnx file)"
        )
    models = Path(next(iter(spec.submodule_search_locations))) / "models"
    found = sorted(models.glob("*rec*.onnx"))
    if not found:
        raise WeightsError(f"no recognition model (*rec*.onnx) in {models}; give the option 'model'")
    # Prefer the newest PP-OCR version when several ship.
    return found[-1]


def load_characters(session_meta: dict[str, str], dict_path: str | None, classes: int | None) -> list[str]:
    """CTC classes: blank, the dictionary's characters, then a space (PaddleOCR's convention)."""
    if dict_path:
        path = Path(dict_path)
        if not path.is_file():
            raise ConfigError(f"ppocr option 'dict_path': {path} does not exist")
        chars = path.read_text(encoding="utf-8").splitlines()
    elif "character" in session_meta:
        chars = session_meta["character"].splitlines()
    else:
        raise WeightsError("the ppocr model has no 'character' metadata; give the option 'dict_path'")
    table = ["", *chars, " "]
    if classes is not None and classes != len(table):
        raise WeightsError(
            f"ppocr dictionary has {len(chars)} characters ({len(table)} classes with blank and space) "
            f"but the model outputs {classes} classes"
        )
    return table


@dataclass(frozen=True)
class CTCResult:
    """Decoded text of one crop, the confidence of each kept character and its time step."""

    text: str
    probs: tuple[float, ...]
    steps: tuple[int, ...]

    @property
    def confidence(self) -> float:
        """Mean probability of the emitted characters (0 when nothing was read)."""
        return float(np.mean(self.probs)) if self.probs else 0.0


def ctc_greedy(probs: np.ndarray, table: Sequence[str], lengths: Sequence[int] | None = None) -> list[CTCResult]:
    """Best-path CTC decoding of ``(batch, time, classes)`` probabilities (class 0 = blank).

    ``lengths`` limits each row to its real (unpadded) number of time steps.
    """
    best = probs.argmax(axis=2)
    best_p = probs.max(axis=2)
    out = []
    for b in range(best.shape[0]):
        n = best.shape[1] if lengths is None else int(lengths[b])
        idx, p = best[b, :n], best_p[b, :n]
        keep = idx != 0
        keep[1:] &= idx[1:] != idx[:-1]  # collapse repeats
        steps = np.flatnonzero(keep)
        text = "".join(table[i] for i in idx[steps])
        out.append(CTCResult(text, tuple(float(v) for v in p[steps]), tuple(int(s) for s in steps)))
    return out


class PPOCRRecognizer(Recognizer):
    """PP-OCR recognition: crops resized to the model height, sorted by width, batched, CTC-decoded."""

    def __init__(self, options: PPOCRRecognizerOptions) -> None:
        """Load the ONNX model and its character table."""
        require("onnxruntime", "ppocr", "ppocr")
        self.options = options
        path = Path(options.model).expanduser() if options.model else default_model_path()
        if not path.is_file():
            raise ConfigError(f"ppocr option 'model': {path} does not exist")
        from ocrplug.runtime import onnx_session

        # threads None: a share of the cores inside a --jobs worker (see ocrplug.runtime.onnx_session).
        self.session = onnx_session(
            path, device=options.device, threads=options.threads, what="ppocr model", option="ppocr option 'device'"
        )
        self.model_path = path
        inp = self.session.get_inputs()[0]
        self.input_name = inp.name
        height = inp.shape[2]
        self.height = int(height) if isinstance(height, int) else 48
        out_classes = self.session.get_outputs()[0].shape[-1]
        self.table = load_characters(
            self.session.get_modelmeta().custom_metadata_map,
            options.dict_path,
            out_classes if isinstance(out_classes, int) else None,
        )
        self.crop_options = CropOptions(margin=options.margin, orientation=options.orientation)

    # ------------------------------------------------------------------ model
    def _resize(self, image: np.ndarray) -> np.ndarray:
        h, w = image.shape[:2]
        ratio = min(w / max(h, 1), self.options.max_ratio)
        new_w = max(math.ceil(self.height * ratio), 8)
        return cv2.resize(image, (new_w, self.height), interpolation=cv2.INTER_LINEAR)

    def read(self, images: Sequence[np.ndarray]) -> list[tuple[CTCResult, float]]:
        """Read RGB crops; each result comes with the crop-pixels-per-time-step factor (for word boxes)."""
        results: list[tuple[CTCResult, float] | None] = [None] * len(images)
        if not images:
            return []
        resized = [self._resize(img) for img in images]
        # Sorting by width keeps crops of similar width together, so little of each batch is padding.
        order = sorted(range(len(images)), key=lambda i: resized[i].shape[1])
        bs = self.options.batch_size
        for start in range(0, len(order), bs):
            idx = order[start : start + bs]
            # Pad to at least PaddleOCR's 48x320 training shape: short crops read the way the model learned.
            width = max(max(resized[i].shape[1] for i in idx), round(self.height * _MIN_RATIO))
            batch = np.zeros((len(idx), 3, self.height, width), dtype=np.float32)
            for k, i in enumerate(idx):
                # PaddleOCR models are trained on BGR images scaled to [-1, 1].
                img = resized[i][:, :, ::-1].astype(np.float32) * (2.0 / 255.0) - 1.0
                batch[k, :, :, : img.shape[1]] = img.transpose(2, 0, 1)
            probs = self.session.run(None, {self.input_name: batch})[0]
            steps_per_px = probs.shape[1] / width
            lengths = [max(1, round(resized[i].shape[1] * steps_per_px)) for i in idx]
            for i, res in zip(idx, ctc_greedy(probs, self.table, lengths), strict=True):
                px_per_step = (images[i].shape[1] / resized[i].shape[1]) / steps_per_px
                results[i] = (res, px_per_step)
        return [r for r in results if r is not None]

    def score(self, images: Sequence[np.ndarray]) -> list[float]:
        """Confidence of the model's reading of each crop (the orientation scorer)."""
        return [res.confidence * min(1.0, len(res.text) / 2) for res, _ in self.read(images)]

    def recognize(self, page: PageImage, regions: Sequence[Region]) -> list[Region]:
        """Fill text and confidence; line regions get word children from the CTC time steps."""
        if not regions:
            return []
        try:
            crops = crop_regions(page, regions, self.crop_options, scorer=self.score)
            reads = self.read([c.image for c in crops])
        except Exception as exc:  # one bad page must not lose the others; setup errors surface in __init__
            log.warning("ppocr failed on %s: %s", page.source, exc)
            return [r.with_(text="", confidence=0.0) for r in regions]
        return [
            with_rotation(_fill(region, crop, res, px), crop)
            for region, crop, (res, px) in zip(regions, crops, reads, strict=True)
        ]


def _fill(region: Region, crop: Crop, res: CTCResult, px_per_step: float) -> Region:
    text = res.text.strip()
    if not text:
        return region.with_(text="", confidence=0.0, children=())
    if region.level != "line":
        return region.with_(text=text, confidence=res.confidence, children=())
    words: list[Region] = []
    current: list[int] = []
    chars = res.text

    def flush() -> None:
        if not current:
            return
        s0, s1 = res.steps[current[0]], res.steps[current[-1]]
        # A character spans about one time step either side of where CTC emitted it.
        x0, x1 = max(0.0, (s0 - 0.5) * px_per_step), min(crop.width, (s1 + 1.5) * px_per_step)
        words.append(
            Region(
                quad=crop.map_box(x0, 0, x1, crop.height),
                level="word",
                text="".join(chars[k] for k in current),
                confidence=float(np.mean([res.probs[k] for k in current])),
                order=len(words),
            )
        )

    for k, ch in enumerate(chars):
        if ch.isspace():
            flush()
            current = []
        else:
            current.append(k)
    flush()
    return region.with_(text=" ".join(w.text or "" for w in words), confidence=res.confidence, children=tuple(words))
