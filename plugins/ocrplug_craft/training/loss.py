"""The CRAFT training loss: per-pixel MSE on the region and affinity maps with online hard negative mining.

For each image and each map, positive pixels are those whose ground truth exceeds ``pos_threshold``; all
of them count, plus the ``neg_ratio`` (3) times as many negative pixels with the largest error. An image
without positives keeps its ``min_negatives`` hardest negatives, so empty crops still teach "no text".
A per-pixel confidence map (weak supervision: the word's pseudo-label confidence; 0 = don't care)
multiplies the squared error before mining.
"""

from __future__ import annotations

import torch

__all__ = ["craft_loss", "ohem_mse"]


def ohem_mse(
    pred: torch.Tensor,
    target: torch.Tensor,
    confidence: torch.Tensor | None = None,
    *,
    neg_ratio: float = 3.0,
    pos_threshold: float = 0.1,
    min_negatives: int = 500,
) -> torch.Tensor:
    """Mean over the batch of the OHEM-selected MSE of ``pred`` vs ``target`` (both (N, H, W)).

    Per image: ``(sum of positive errors + sum of the k hardest negative errors) / (n_pos + k)`` with
    ``k = min(neg_ratio * n_pos, n_neg)``, or ``k = min(min_negatives, n_neg)`` when ``n_pos`` is 0.
    """
    if pred.shape != target.shape:
        raise ValueError(f"prediction shape {tuple(pred.shape)} differs from target shape {tuple(target.shape)}")
    err = (pred - target) ** 2
    if confidence is not None:
        err = err * confidence
    n = pred.shape[0]
    err = err.reshape(n, -1)
    pos = target.reshape(n, -1) > pos_threshold
    losses = []
    for i in range(n):
        p = pos[i]
        n_pos = int(p.sum())
        n_neg = p.numel() - n_pos
        pos_sum = err[i][p].sum()
        k = min(int(neg_ratio * n_pos), n_neg) if n_pos > 0 else min(min_negatives, n_neg)
        # topk on the negatives only; positives are masked out with -1 (errors are >= 0).
        neg_sum = torch.topk(err[i].masked_fill(p, -1.0), k).values.sum() if k > 0 else err.new_zeros(())
        losses.append((pos_sum + neg_sum) / max(n_pos + k, 1))
    return torch.stack(losses).mean()


def craft_loss(
    pred: torch.Tensor,
    region: torch.Tensor,
    affinity: torch.Tensor,
    confidence: torch.Tensor | None = None,
    *,
    neg_ratio: float = 3.0,
) -> torch.Tensor:
    """Loss of a CRAFT output ``pred`` (N, H, W, 2) against region and affinity targets (N, H, W).

    The two maps' OHEM MSE are summed, as in the paper.
    """
    if pred.dim() != 4 or pred.shape[-1] != 2:
        raise ValueError(f"expected a CRAFT output of shape (N, H, W, 2), got {tuple(pred.shape)}")
    return ohem_mse(pred[..., 0], region, confidence, neg_ratio=neg_ratio) + ohem_mse(
        pred[..., 1], affinity, confidence, neg_ratio=neg_ratio
    )
