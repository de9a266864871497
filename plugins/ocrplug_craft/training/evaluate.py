"""Validation during training: word boxes from score maps and a word-level IoU H-mean.

This is a light stand-in for the detector's own post-processing, good enough to follow training
progress on held-out synthetic pages (the figures of the model card come from the real detector and
``ocrplug eval``). Word boxes: connected components of ``region > low_text or affinity > link``,
kept when their peak region score reaches ``text_threshold``, each grown by a dilation proportional to
its size like the official code, then boxed by a rotated minimum-area rectangle.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

__all__ = ["DetectionScore", "boxes_from_maps", "match_boxes"]


@dataclass(frozen=True)
class DetectionScore:
    """Counts of one or more images; precision/recall/H-mean derived from them."""

    matched: int
    detections: int
    ground_truth: int

    @property
    def precision(self) -> float:
        """Matched detections / detections (1.0 when there are none)."""
        return self.matched / self.detections if self.detections else 1.0

    @property
    def recall(self) -> float:
        """Matched ground-truth boxes / ground-truth boxes (1.0 when there are none)."""
        return self.matched / self.ground_truth if self.ground_truth else 1.0

    @property
    def hmean(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: DetectionScore) -> DetectionScore:
        """Pool the counts of two scores (micro-average, as the ICDAR protocol does)."""
        return DetectionScore(
            self.matched + other.matched, self.detections + other.detections, self.ground_truth + other.ground_truth
        )


def boxes_from_maps(
    region: np.ndarray,
    affinity: np.ndarray,
    *,
    text_threshold: float = 0.7,
    link_threshold: float = 0.4,
    low_text: float = 0.4,
    min_area: int = 10,
) -> np.ndarray:
    """Word quads (K, 4, 2) in score-map pixels (multiply by 2 for CRAFT input pixels)."""
    height, width = region.shape
    text = region > low_text
    link = affinity > link_threshold
    combined = (text | link).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(combined, connectivity=4)
    if n <= 1:
        return np.zeros((0, 4, 2), np.float32)
    # Peak region score per component in one pass instead of one masked max per component.
    peak = np.zeros(n, np.float32)
    np.maximum.at(peak, labels.ravel(), region.ravel())
    quads = []
    for k in range(1, n):
        x, y, w, h, area = stats[k]
        if area < min_area or peak[k] < text_threshold:
            continue
        # As in the official code, link-only pixels join characters into one component but are not
        # part of the word's shape: the dilation below re-covers the gaps between characters.
        window = (labels[y : y + h, x : x + w] == k) & ~(link[y : y + h, x : x + w] & ~text[y : y + h, x : x + w])
        grow = int(np.sqrt(area * min(w, h) / (w * h)) * 2)
        pad = grow + 1
        x0, y0 = max(x - pad, 0), max(y - pad, 0)
        x1, y1 = min(x + w + pad, width), min(y + h + pad, height)
        seg = np.zeros((y1 - y0, x1 - x0), np.uint8)
        seg[y - y0 : y - y0 + h, x - x0 : x - x0 + w] = window
        if grow > 0:
            seg = cv2.dilate(seg, cv2.getStructuringElement(cv2.MORPH_RECT, (1 + grow, 1 + grow)))
        pts = np.argwhere(seg)[:, ::-1].astype(np.float32) + np.float32([x0, y0])
        box = cv2.boxPoints(cv2.minAreaRect(pts))
        quads.append(_clockwise_from_top_left(box))
    return np.asarray(quads, np.float32).reshape(-1, 4, 2)


def _clockwise_from_top_left(box: np.ndarray) -> np.ndarray:
    start = int(np.argmin(box.sum(axis=1)))
    box = np.roll(box, -start, axis=0)
    # Ensure clockwise on screen (y down): positive signed area with this orientation.
    area = np.sum(box[:, 0] * np.roll(box[:, 1], -1) - np.roll(box[:, 0], -1) * box[:, 1])
    if area < 0:
        box = np.concatenate([box[:1], box[1:][::-1]])
    return box


def match_boxes(
    detections: Sequence[np.ndarray] | np.ndarray,
    ground_truth: Sequence[np.ndarray] | np.ndarray,
    iou_threshold: float = 0.5,
) -> DetectionScore:
    """One-to-one matching of detection and ground-truth quads at IoU > ``iou_threshold``, best first."""
    from shapely.geometry import Polygon

    dets = [Polygon(q).buffer(0) for q in np.asarray(detections, np.float64).reshape(-1, 4, 2)]
    gts = [Polygon(q).buffer(0) for q in np.asarray(ground_truth, np.float64).reshape(-1, 4, 2)]
    pairs = []
    for i, d in enumerate(dets):
        for j, g in enumerate(gts):
            if not d.intersects(g):
                continue
            inter = d.intersection(g).area
            union = d.area + g.area - inter
            if union > 0 and inter / union > iou_threshold:
                pairs.append((inter / union, i, j))
    pairs.sort(reverse=True)
    used_d: set[int] = set()
    used_g: set[int] = set()
    for _, i, j in pairs:
        if i not in used_d and j not in used_g:
            used_d.add(i)
            used_g.add(j)
    return DetectionScore(len(used_d), len(dets), len(gts))
