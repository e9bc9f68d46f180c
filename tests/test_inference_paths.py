"""Inference without autograd takes shortcuts that compute what the training forward does."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose

from snn_sklearn import NonSpikingRegressor, SpikingClassifier, SpikingRegressor
from snn_sklearn._inference import predict_chunk_rows
from snn_sklearn.neurons import simulate, simulate_pooled
from snn_sklearn.readouts import mean_coefficients

X = np.random.RandomState(0).normal(size=(300, 6))
Y_CLASS = (X[:, 0] + X[:, 1] ** 2 > 1).astype(int)
Y_VALUE = X[:, 0] - np.abs(X[:, 2])


@pytest.mark.parametrize("subtract_reset", [True, False])
@pytest.mark.parametrize("static", [True, False])
def test_pooled_spikes_are_the_weighted_sum_of_the_simulated_ones(static, subtract_reset):
    generator = torch.Generator().manual_seed(0)
    shape = (50, 9) if static else (6, 50, 9)
    current = torch.rand(shape, generator=generator, dtype=torch.float64) * 1.5
    beta = torch.linspace(0.0, 1.0, 9, dtype=torch.float64)
    threshold = torch.linspace(0.2, 1.2, 9, dtype=torch.float64)
    weights = [0.5, -1.0, 2.0, 0.25, 3.0, 1.0]
    spikes, _ = simulate(current, beta, threshold, 6, subtract_reset, False)
    expected = torch.tensordot(torch.tensor(weights, dtype=torch.float64), spikes, dims=1)
    pooled = simulate_pooled(current, beta, threshold, subtract_reset, weights)
    assert_allclose(pooled.numpy(), expected.numpy(), rtol=0, atol=1e-12)


def _outputs(model, grad):
    module = model.net_.module_.eval()
    x = torch.as_tensor(X, dtype=torch.float32)
    with torch.set_grad_enabled(grad):
        return module(x).detach().numpy()


@pytest.mark.parametrize(
    ("model", "kept_steps"),
    [
        (SpikingClassifier(max_iter=3, random_state=0), 1),
        (SpikingClassifier(hidden_layer_sizes=(16, 8), max_iter=3, random_state=0), 8),
        (SpikingRegressor(encoder="rate", max_iter=3, random_state=0), 8),
        (SpikingClassifier(encoder="population", max_iter=3, random_state=0), 1),
        (SpikingClassifier(readout="max", max_iter=3, random_state=0), 8),
        (NonSpikingRegressor(max_iter=3, random_state=0), None),
    ],
    ids=["one layer", "two layers", "rate encoder", "population", "max readout", "non-spiking"],
)
def test_outputs_without_autograd_are_those_of_the_training_forward(model, kept_steps):
    y = Y_VALUE if "Regressor" in type(model).__name__ else Y_CLASS
    model.fit(X, y)
    assert getattr(model.net_.module_, "inference_kept_steps", None) == kept_steps
    # A spike decided by a potential within rounding of its threshold may differ:
    # a difference is then at least one spike's share, far above this tolerance.
    assert_allclose(_outputs(model, grad=False), _outputs(model, grad=True), rtol=0, atol=1e-5)


def test_the_one_layer_default_predicts_in_chunks_of_one_kept_step():
    model = SpikingClassifier(max_iter=1, random_state=0).fit(X, Y_CLASS)
    module = model.net_.module_
    assert predict_chunk_rows(module, module.inference_kept_steps) == 4096
    assert predict_chunk_rows(module) == 1024


def test_the_mean_readout_from_pooled_spikes_is_the_mean_potential():
    model = SpikingClassifier(max_iter=1, random_state=0).fit(X, Y_CLASS)
    readout = model.net_.module_.readout
    spikes = (torch.rand(8, 20, 128) > 0.7).float()
    coefficients = mean_coefficients(readout.beta, 8, torch.float32, torch.device("cpu"))
    pooled = torch.tensordot(coefficients, spikes, dims=1)
    with torch.no_grad():
        expected = readout.membrane(spikes).mean(0)
        assert_allclose(readout.mean_from_pooled(pooled, coefficients), expected, atol=1e-5)


def test_a_temporal_encoder_predicts_in_chunks_sized_by_its_steps():
    # Its (n_steps, rows, inputs) code and current are held at once, pooled or not:
    # chunks of 4,096 rows took 12.6 GB at 200 steps.
    model = SpikingClassifier(encoder="rate", n_steps=200, max_iter=1, random_state=0)
    module = model.fit(X, Y_CLASS).net_.module_
    assert module.inference_kept_steps == 200
    assert predict_chunk_rows(module, module.inference_kept_steps) == 64


@pytest.mark.parametrize("Estimator", [SpikingClassifier, SpikingRegressor])
def test_features_that_overflow_float32_are_refused_not_predicted(Estimator):
    # 1e39 is finite in float64 and inf in float32; a spiking layer never fires on
    # the NaN current it makes, so the output came out finite, and wrong.
    y = Y_VALUE if Estimator is SpikingRegressor else Y_CLASS
    model = Estimator(max_iter=1, random_state=0).fit(X, y)
    X_large = X.copy()
    X_large[3, 2] = 1e39
    with pytest.raises(ValueError, match="overflowed to inf or NaN for 1 of the 300 samples"):
        model.predict(X_large)
    assert np.isfinite(model.predict(X)).all()
