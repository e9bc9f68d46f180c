"""The validation scores of early stopping take scikit-learn's argument order and agree with it."""

import numpy as np
import torch
from sklearn.metrics import accuracy_score, r2_score
from skorch.history import History

from snn_sklearn.training import (
    ValidationScore,
    logit_accuracy,
    logit_subset_accuracy,
    weighted_r2,
)

RNG = np.random.default_rng(0)
WEIGHT = RNG.uniform(0.1, 2.0, size=50)


def test_logit_accuracy_is_scikit_learns_accuracy_of_the_argmax():
    y_true = RNG.integers(0, 3, size=50)
    logits = RNG.normal(size=(50, 3))
    got = logit_accuracy(torch.tensor(y_true), torch.tensor(logits), torch.tensor(WEIGHT))
    expected = accuracy_score(y_true, logits.argmax(1), sample_weight=WEIGHT)
    np.testing.assert_allclose(float(got), expected)


def test_logit_subset_accuracy_is_scikit_learns_accuracy_of_the_positive_logits():
    y_true = RNG.integers(0, 2, size=(50, 2))
    logits = RNG.normal(size=(50, 2))
    got = logit_subset_accuracy(
        torch.tensor(y_true, dtype=torch.float64), torch.tensor(logits), torch.tensor(WEIGHT)
    )
    expected = accuracy_score(y_true, (logits > 0).astype(int), sample_weight=WEIGHT)
    np.testing.assert_allclose(float(got), expected)


def test_weighted_r2_is_scikit_learns_r2_in_the_same_argument_order():
    # R² is not symmetric: swapped arguments give another number.
    y_true = RNG.normal(size=(50, 2))
    y_pred = y_true + RNG.normal(scale=0.5, size=(50, 2))
    got = weighted_r2(torch.tensor(y_true), torch.tensor(y_pred), torch.tensor(WEIGHT))
    np.testing.assert_allclose(float(got), r2_score(y_true, y_pred, sample_weight=WEIGHT))
    assert not np.isclose(float(got), r2_score(y_pred, y_true, sample_weight=WEIGHT))


class _Net:
    def __init__(self):
        self.history = History()


def test_validation_score_passes_the_targets_first():
    seen = []
    callback = ValidationScore(lambda *args: seen.append(args) or 0.0)
    net = _Net()
    net.history.new_epoch()
    y_true, y_pred, weight = torch.zeros(4), torch.ones(4), torch.full((4,), 2.0)
    callback.on_epoch_begin(net)
    callback.on_batch_end(net, batch=(None, (y_true, weight)), training=False, y_pred=y_pred)
    callback.on_epoch_end(net)
    (args,) = seen
    for got, expected in zip(args, (y_true, y_pred, weight), strict=True):
        assert torch.equal(got, expected)
