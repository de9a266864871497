"""The OHEM MSE loss on hand-computed cases."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

from ocrplug_craft.training.loss import craft_loss, ohem_mse  # noqa: E402


def test_ohem_keeps_positives_and_three_times_as_many_hardest_negatives() -> None:
    target = torch.zeros(1, 4, 4)
    target[0, 0, 0] = 1.0
    pred = torch.zeros(1, 4, 4)
    pred[0, 0, 0] = 0.5  # positive error 0.25
    negatives = [0.9, 0.8, 0.7, 0.1, 0.05]  # errors 0.81, 0.64, 0.49, 0.01, 0.0025
    for i, v in enumerate(negatives):
        pred[0, 1 + i // 4, i % 4] = v
    # 1 positive -> 3 hardest negatives: (0.25 + 0.81 + 0.64 + 0.49) / 4
    assert float(ohem_mse(pred, target)) == pytest.approx((0.25 + 0.81 + 0.64 + 0.49) / 4)
    assert float(ohem_mse(pred, target, neg_ratio=1.0)) == pytest.approx((0.25 + 0.81) / 2)


def test_no_positive_keeps_min_negatives_and_confidence_weights_pixels() -> None:
    target = torch.zeros(1, 2, 2)
    pred = torch.tensor([[[0.2, 0.4], [0.0, 0.0]]])
    assert float(ohem_mse(pred, target, min_negatives=2)) == pytest.approx((0.04 + 0.16) / 2)
    conf = torch.tensor([[[1.0, 0.0], [1.0, 1.0]]])  # the worst pixel is "don't care"
    assert float(ohem_mse(pred, target, conf, min_negatives=2)) == pytest.approx((0.04 + 0.0) / 2)


def test_batch_mean_perfect_prediction_and_gradients() -> None:
    target = torch.rand(3, 8, 8)
    assert float(ohem_mse(target.clone(), target)) == 0.0
    pred = torch.zeros(3, 8, 8, 2, requires_grad=True)
    loss = craft_loss(pred, target, target)
    loss.backward()
    assert loss.item() > 0 and pred.grad is not None and pred.grad.abs().sum() > 0
    with pytest.raises(ValueError):
        craft_loss(torch.zeros(1, 8, 8), target[:1], target[:1])
    with pytest.raises(ValueError):
        ohem_mse(torch.zeros(1, 4, 4), torch.zeros(1, 8, 8))
