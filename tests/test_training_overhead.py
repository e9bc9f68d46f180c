"""What the training loop skips per batch, and that skipping it changes nothing."""

import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification
from skorch.callbacks import PrintLog

from snn_sklearn import SpikingClassifier
from snn_sklearn.readouts import MembraneReadout, decay_matrix, mean_coefficients


@pytest.fixture(scope="module")
def fitted():
    X, y = make_classification(200, 6, random_state=0)
    return SpikingClassifier((16,), n_steps=4, max_iter=3, random_state=0).fit(X, y), X, y


def test_no_skorch_print_log_is_built(fitted):
    model, _, _ = fitted
    assert not any(isinstance(callback, PrintLog) for _, callback in model.net_.callbacks_)


@pytest.mark.parametrize("start, wanted", [("eval", True), ("train", False)])
def test_set_training_reaches_every_submodule(fitted, start, wanted):
    model, _, _ = fitted
    module = model.net_.module_
    getattr(module, start)()
    model.net_._set_training(wanted)
    assert all(submodule.training is wanted for submodule in module.modules())


def test_a_partial_fit_after_predict_trains_in_training_mode(fitted):
    X, y = make_classification(200, 6, random_state=1)
    model = SpikingClassifier((16,), n_steps=4, encoder="rate", max_iter=2, random_state=0)
    model.fit(X, y).predict(X)
    modes = []
    hook = model.net_.module_.register_forward_pre_hook(
        lambda module, args: modes.append(module.training)
    )
    model.partial_fit(X, y)
    hook.remove()
    assert modes and all(modes)


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 1.0])
def test_mean_coefficients_are_the_decay_matrix_column_means(beta):
    like = torch.empty(0, dtype=torch.float64)
    expected = decay_matrix(beta, 6, like).mean(0)
    torch.testing.assert_close(
        mean_coefficients(beta, 6, torch.float64, torch.device("cpu")), expected
    )


def test_coefficients_first_made_in_inference_mode_can_be_trained_through():
    mean_coefficients.cache_clear()
    readout = MembraneReadout(5, 2, beta=0.8, reduction="mean")
    spikes = (torch.rand(3, 4, 5, generator=torch.Generator().manual_seed(0)) > 0.5).float()
    with torch.inference_mode():
        inferred = readout(spikes)
    trained = readout(spikes)
    trained.sum().backward()
    assert readout.linear.weight.grad is not None
    np.testing.assert_allclose(trained.detach().numpy(), inferred.numpy())
