"""Training samples as tensors: synthetic documents and real word-annotated pages with pseudo char boxes.

Every sample is a pure function of ``(seed, index)``, so a run resumed at step ``s`` sees exactly the
samples it would have seen without the interruption, whatever the number of loader workers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np

from ocrplug_craft.training.gt import score_maps
from ocrplug_craft.training.scene import generate_scene
from ocrplug_craft.training.synth import FontFace, SynthSample, available_fonts, generate_page, sample_seed

if TYPE_CHECKING:
    import torch

__all__ = [
    "IMAGENET_MEAN",
    "IMAGENET_STD",
    "MixedDataset",
    "RealPage",
    "SynthDataset",
    "WeakDataset",
    "normalize",
    "to_tensors",
]

# The official CRAFT normalisation (ImageNet statistics on 0-255 RGB).
IMAGENET_MEAN = np.float32([0.485, 0.456, 0.406]) * 255.0
IMAGENET_STD = np.float32([0.229, 0.224, 0.225]) * 255.0
# Extra entropy word of the random stream that decides page vs scene (independent of the sample's own).
_SCENE_STREAM = 0x5CE4E


def normalize(image: np.ndarray) -> np.ndarray:
    """RGB uint8 (H, W, 3) -> float32 (3, H, W) normalised like the official pre-processing."""
    return np.ascontiguousarray(((image.astype(np.float32) - IMAGENET_MEAN) / IMAGENET_STD).transpose(2, 0, 1))


def to_tensors(
    image: np.ndarray, region: np.ndarray, affinity: np.ndarray, confidence: np.ndarray
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Numpy sample -> (image (3, H, W), region, affinity, confidence (H/2, W/2)) float32 tensors."""
    import torch

    return (
        torch.from_numpy(normalize(image)),
        torch.from_numpy(region),
        torch.from_numpy(affinity),
        torch.from_numpy(confidence),
    )


class SynthDataset:
    """Map-style dataset of synthetic crops: item ``i`` is generated from ``sample_seed(seed, i)``.

    ``size``: crop side in pixels (a multiple of 32 keeps the network's skip connections aligned).
    ``size_range``: font sizes in pixels. ``length`` only bounds ``len()`` for samplers.
    ``scene_fraction``: share of items drawn as scene-like images (signs over procedural clutter, see
    :mod:`ocrplug_craft.training.scene`) instead of document pages. The choice comes from its own random
    stream, so with 0 every item is exactly the document page it always was.
    """

    def __init__(
        self,
        seed: int,
        size: int = 384,
        length: int = 10**9,
        size_range: tuple[float, float] = (8.0, 44.0),
        fonts: Sequence[FontFace] | None = None,
        scene_fraction: float = 0.0,
    ) -> None:
        """Set up the generator; fonts default to every usable installed Latin font."""
        if not 0.0 <= scene_fraction <= 1.0:
            raise ValueError(f"scene_fraction must be within [0, 1], got {scene_fraction}")
        self.seed = seed
        self.scene_fraction = scene_fraction
        self.size = size
        self.length = length
        self.size_range = size_range
        self.fonts = list(fonts) if fonts is not None else available_fonts()

    def __len__(self) -> int:
        """Nominal length (samples are generated on demand)."""
        return self.length

    def sample(self, index: int) -> SynthSample:
        """The synthetic image of item ``index`` (image and character/word quads)."""
        rng = np.random.default_rng(sample_seed(self.seed, index))
        if self.scene_fraction > 0.0 and self.is_scene(index):
            return generate_scene(rng, self.size, self.size, self.fonts, size_range=self.size_range)
        return generate_page(rng, self.size, self.size, self.fonts, size_range=self.size_range)

    def is_scene(self, index: int) -> bool:
        """Whether item ``index`` is a scene-like image rather than a document page."""
        choice = np.random.default_rng(np.random.SeedSequence([self.seed, index, _SCENE_STREAM]))
        return bool(choice.random() < self.scene_fraction)

    def __getitem__(self, index: int) -> tuple[torch.Tensor, ...]:
        """(image, region, affinity, confidence) tensors of item ``index``."""
        s = self.sample(index)
        region, affinity = score_maps(s.image.shape[:2], s.char_quads, s.char_word)
        confidence = np.ones_like(region)
        return to_tensors(s.image, region, affinity, confidence)


@dataclass(frozen=True)
class RealPage:
    """A real page with weak (pseudo) labels: image, char quads, char->word index, per-word confidence.

    ``ignore_quads``: regions trained as "don't care" (confidence 0), e.g. words without text.
    """

    image: np.ndarray
    char_quads: np.ndarray
    char_word: np.ndarray
    word_quads: np.ndarray
    word_confidence: np.ndarray
    ignore_quads: np.ndarray


def _confidence_map(shape: tuple[int, int], word_quads: np.ndarray, word_conf: np.ndarray, ignore: np.ndarray) -> np.ndarray:
    conf = np.ones(shape, np.float32)
    for quad, c in zip(word_quads, word_conf, strict=True):
        cv2.fillPoly(conf, [np.round(quad).astype(np.int32)], float(c))
    for quad in ignore:
        cv2.fillPoly(conf, [np.round(quad).astype(np.int32)], 0.0)
    return conf


class WeakDataset:
    """Random crops of real pages with pseudo character boxes (the paper's weak supervision).

    Each item picks a page and a random scale/crop from ``(seed, index)``; the region/affinity maps come
    from the pseudo char boxes, and pixels inside each word are weighted by its pseudo-label confidence.
    """

    def __init__(self, pages: Sequence[RealPage], seed: int, size: int = 384, scale_range: tuple[float, float] = (1.0, 2.0)) -> None:
        """``scale_range``: page resize factors (FUNSD is ~100 dpi; the detector upsamples by 1.5)."""
        if not pages:
            raise ValueError("WeakDataset needs at least one page")
        self.pages = list(pages)
        self.seed = seed
        self.size = size
        self.scale_range = scale_range

    def __len__(self) -> int:
        """Nominal length: crops are drawn on demand."""
        return 10**9

    def crop(self, index: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(image, region, affinity, confidence) numpy arrays of item ``index``."""
        rng = np.random.default_rng(sample_seed(self.seed + 7919, index))
        page = self.pages[int(rng.integers(len(self.pages)))]
        scale = float(rng.uniform(*self.scale_range))
        h, w = page.image.shape[:2]
        sh, sw = max(self.size, round(h * scale)), max(self.size, round(w * scale))
        sx, sy = sw / w, sh / h
        image = cv2.resize(page.image, (sw, sh), interpolation=cv2.INTER_LINEAR)
        x0 = int(rng.integers(0, sw - self.size + 1))
        y0 = int(rng.integers(0, sh - self.size + 1))
        image = image[y0 : y0 + self.size, x0 : x0 + self.size]
        shift = np.float32([x0, y0])
        factor = np.float32([sx, sy])
        chars = page.char_quads * factor - shift
        words = page.word_quads * factor - shift
        ignore = page.ignore_quads * factor - shift if len(page.ignore_quads) else page.ignore_quads
        region, affinity = score_maps(image.shape[:2], chars, page.char_word)
        conf = _confidence_map(region.shape, words * 0.5, page.word_confidence, ignore * 0.5 if len(ignore) else ignore)
        return np.ascontiguousarray(image), region, affinity, conf

    def __getitem__(self, index: int) -> tuple[torch.Tensor, ...]:
        """(image, region, affinity, confidence) tensors of item ``index``."""
        return to_tensors(*self.crop(index))


class MixedDataset:
    """Item ``i`` comes from ``b`` when ``(seed, i)`` draws below ``b_fraction``, else from ``a``.

    The paper fine-tunes on real and synthetic data at a fixed ratio (1:5); the same item index goes to
    both datasets so each stays deterministic.
    """

    def __init__(self, a: SynthDataset | WeakDataset, b: SynthDataset | WeakDataset, b_fraction: float, seed: int) -> None:
        """Mix ``a`` and ``b``; ``b_fraction`` in [0, 1]."""
        self.a, self.b, self.b_fraction, self.seed = a, b, b_fraction, seed

    def __len__(self) -> int:
        """Nominal length."""
        return 10**9

    def __getitem__(self, index: int) -> tuple[torch.Tensor, ...]:
        """The item from whichever dataset index ``index`` maps to."""
        pick = np.random.default_rng(sample_seed(self.seed + 104729, index)).random()
        return (self.b if pick < self.b_fraction else self.a)[index]

