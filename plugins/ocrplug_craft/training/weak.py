"""Weak supervision (the paper's second stage): pseudo character boxes inside real word boxes.

For each annotated word the interim model's region score is warped into an upright word rectangle,
split into characters by watershed, and the boxes are mapped back onto the page. The pseudo-label's
confidence compares the number of characters found, ``l_c``, with the transcription length ``l``::

    conf = (l - min(l, |l - l_c|)) / l

Below 0.5 the estimate is discarded: the word box is split into ``l`` equal-width characters and the
confidence is set to 0.5, as in the paper. Training pixels inside the word are weighted by ``conf``.

Deviation from the paper, for CPU budgets: the interim model runs once per page (at the detector's
magnification) instead of once per word crop; the word's region map is cut out of the page's map.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from ocrplug.api import InputError

__all__ = [
    "CharEstimate",
    "estimate_word_chars",
    "even_split",
    "pseudo_label_dataset",
    "pseudo_label_page",
    "pseudo_label_word",
    "word_confidence",
]


@dataclass(frozen=True)
class CharEstimate:
    """Pseudo character quads (page pixels, reading order) of one word and their confidence."""

    quads: np.ndarray
    confidence: float
    found: int


def word_confidence(length: int, found: int) -> float:
    """The paper's pseudo-label confidence ``(l - min(l, |l - l_c|)) / l`` (0 for an empty word)."""
    if length <= 0:
        return 0.0
    return (length - min(length, abs(length - found))) / length


def even_split(quad: np.ndarray, count: int) -> np.ndarray:
    """Split a word quad (4, 2; clockwise from top-left) into ``count`` equal-width quads along its baseline."""
    quad = np.asarray(quad, np.float32).reshape(4, 2)
    count = max(1, int(count))
    t = np.linspace(0.0, 1.0, count + 1, dtype=np.float32)[:, None]
    top = quad[0] + t * (quad[1] - quad[0])
    bottom = quad[3] + t * (quad[2] - quad[3])
    return np.stack([top[:-1], top[1:], bottom[1:], bottom[:-1]], axis=1).astype(np.float32)


def estimate_word_chars(
    region: np.ndarray, *, low: float = 0.3, high: float = 0.6, min_area: int = 2
) -> np.ndarray:
    """Character boxes (K, 4) as ``x0, y0, x1, y1`` in an upright word crop of a region score map.

    Seeds are connected components of ``region >= high``; watershed grows them over ``region >= low``
    so touching characters are split along the valley between their peaks. Sorted left to right.
    """
    r = np.asarray(region, np.float32)
    if r.size == 0:
        return np.zeros((0, 4), np.float32)
    n, seeds = cv2.connectedComponents((r >= high).astype(np.uint8), connectivity=4)
    if n <= 1:
        return np.zeros((0, 4), np.float32)
    markers = seeds.astype(np.int32) + 1  # 1 = sure background, seeds 2..n
    unknown = (r >= low) & (seeds == 0)
    markers[unknown] = 0
    img = np.clip(r * 255.0, 0, 255).astype(np.uint8)
    # Watershed floods from the seeds along the inverted score, so borders land on the score valleys.
    markers = cv2.watershed(cv2.cvtColor(255 - img, cv2.COLOR_GRAY2BGR), markers)
    boxes = []
    for label in range(2, n + 1):
        ys, xs = np.nonzero(markers == label)
        if len(xs) < min_area:
            continue
        boxes.append((xs.min(), ys.min(), xs.max() + 1, ys.max() + 1))
    if not boxes:
        return np.zeros((0, 4), np.float32)
    b = np.asarray(boxes, np.float32)
    return b[np.argsort(b[:, 0], kind="stable")]


def _word_frame(quad: np.ndarray) -> tuple[int, int]:
    w = 0.5 * (np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3]))
    h = 0.5 * (np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1]))
    return max(2, int(np.ceil(w))), max(2, int(np.ceil(h)))


def pseudo_label_word(region_map: np.ndarray, quad: np.ndarray, text: str, map_scale: float) -> CharEstimate:
    """Pseudo char quads of one word from a page-level region map.

    ``region_map``: the model's region score for the page, ``map_scale`` map pixels per page pixel.
    ``quad``: the word's quad in page pixels (clockwise from top-left); ``text``: its transcription.
    """
    quad = np.asarray(quad, np.float32).reshape(4, 2)
    length = len("".join(text.split()))
    mq = quad * map_scale
    w, h = _word_frame(mq)
    rect = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(mq, rect)
    crop = cv2.warpPerspective(region_map.astype(np.float32), m, (w, h), flags=cv2.INTER_LINEAR)
    boxes = estimate_word_chars(crop)
    conf = word_confidence(length, len(boxes))
    if conf < 0.5 or len(boxes) == 0:
        return CharEstimate(even_split(quad, length), 0.5 if length else 0.0, len(boxes))
    # Character boxes span the word's height: the region score of small glyphs (".", "-") is short,
    # but the affinity between neighbours must still sit on the text line.
    corners = np.stack(
        [
            np.stack([boxes[:, 0], np.zeros(len(boxes))], 1),
            np.stack([boxes[:, 2], np.zeros(len(boxes))], 1),
            np.stack([boxes[:, 2], np.full(len(boxes), h)], 1),
            np.stack([boxes[:, 0], np.full(len(boxes), h)], 1),
        ],
        axis=1,
    ).astype(np.float64)
    back = cv2.perspectiveTransform(corners.reshape(-1, 1, 2), np.linalg.inv(m)).reshape(-1, 4, 2) / map_scale
    return CharEstimate(back.astype(np.float32), conf, len(boxes))


def pseudo_label_page(region_map: np.ndarray, words: Sequence[tuple[np.ndarray, str]], map_scale: float) -> list[CharEstimate]:
    """:func:`pseudo_label_word` for every ``(quad, text)`` of a page."""
    return [pseudo_label_word(region_map, q, t, map_scale) for q, t in words]


def _load_page(annotation: Path, images: Path) -> tuple[np.ndarray, list[tuple[np.ndarray, str]], list[np.ndarray]]:
    data = json.loads(annotation.read_text(encoding="utf-8"))
    path = images / data["image"]
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise InputError(f"cannot read image {path} (named by {annotation})")
    words, ignore = [], []
    for w in data.get("words") or []:
        if w.get("quad") is None:
            continue
        q = np.asarray(w["quad"], np.float32).reshape(4, 2)
        text = (w.get("text") or "").strip()
        if w.get("ignore") or not text or text == "###":
            ignore.append(q)
        else:
            words.append((q, text))
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), words, ignore


def _page_region_map(net: Any, image: np.ndarray, mag: float, max_side: int) -> tuple[np.ndarray, float]:
    import torch

    from ocrplug_craft.training.dataset import normalize

    h, w = image.shape[:2]
    scale = min(mag, max_side / max(h, w))
    nh, nw = round(h * scale), round(w * scale)
    resized = cv2.resize(image, (nw, nh), interpolation=cv2.INTER_LINEAR)
    ph, pw = -(-nh // 32) * 32, -(-nw // 32) * 32
    canvas = np.zeros((ph, pw, 3), np.uint8)
    canvas[:nh, :nw] = resized
    was_training = net.training
    net.eval()
    with torch.inference_mode():
        y, _ = net(torch.from_numpy(normalize(canvas))[None])
    net.train(was_training)
    return y[0, ..., 0].float().numpy(), scale / 2.0


def pseudo_label_dataset(net: Any, folder: str | Path, *, max_pages: int | None = None, mag: float = 1.5, max_side: int = 1600) -> list:
    """Pseudo-labelled :class:`~ocrplug_craft.training.dataset.RealPage` list of a ``shared/eval``-format folder.

    Words without text or marked ``ignore`` become "don't care" regions. Raises :class:`InputError`
    when the folder has no annotations.
    """
    from ocrplug_craft.training.dataset import RealPage

    folder = Path(folder)
    annotations = sorted((folder / "annotations").glob("*.json"))
    if not annotations:
        raise InputError(f"no annotations/*.json under {folder} (expected the shared/eval layout)")
    pages = []
    for ann in annotations[: max_pages or None]:
        image, words, ignore = _load_page(ann, folder / "images")
        region, map_scale = _page_region_map(net, image, mag, max_side)
        estimates = pseudo_label_page(region, words, map_scale)
        char_quads, char_word, confs = [], [], []
        for i, est in enumerate(estimates):
            char_quads.append(est.quads)
            char_word.extend([i] * len(est.quads))
            confs.append(est.confidence)
        pages.append(
            RealPage(
                image=image,
                char_quads=np.concatenate(char_quads).astype(np.float32) if char_quads else np.zeros((0, 4, 2), np.float32),
                char_word=np.asarray(char_word, np.int32),
                word_quads=np.asarray([q for q, _ in words], np.float32).reshape(-1, 4, 2),
                word_confidence=np.asarray(confs, np.float32),
                ignore_quads=np.asarray(ignore, np.float32).reshape(-1, 4, 2),
            )
        )
    return pages
