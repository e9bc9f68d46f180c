"""The firing-rate regulariser ``spike_penalty`` of the spiking estimators."""

import functools
import math
import pickle
import warnings

import numpy as np
import pytest
import torch
from lif_reference import lif_reference
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from snn_sklearn import SpikingClassifier, SpikingRegressor, networks
from snn_sklearn.activity import activity_report
from snn_sklearn.networks import SpikingNetwork, hidden_firing_rate

ESTIMATORS = [SpikingClassifier, SpikingRegressor]


def _data(n_samples=60):
    X, y = make_classification(
        n_samples=n_samples, n_features=4, n_informative=3, n_redundant=0, random_state=0
    )
    return X, y


@pytest.fixture(scope="module")
def tiny(tiny):
    """Models of two hidden layers of 16, 8 time steps, 30 epochs: enough spikes to penalise."""
    return functools.partial(tiny, hidden_layer_sizes=(16, 16), n_steps=8, max_iter=30)


def _hidden_rate(estimator, X):
    """Mean firing rate of all hidden neurons, as activity_report measures it."""
    report = activity_report(estimator, X)
    hidden = report.iloc[:-1]
    return float((hidden["output_firing_rate"] * hidden["fan_out"]).sum() / hidden["fan_out"].sum())


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_large_penalty_lowers_the_hidden_firing_rate(cls, tiny):
    X, y = _data()
    # A larger step than the default, so that 30 epochs of one batch show the effect.
    free = _hidden_rate(tiny(cls, learning_rate_init=1e-2).fit(X, y), X)
    penalised = _hidden_rate(tiny(cls, learning_rate_init=1e-2, spike_penalty=3.0).fit(X, y), X)
    assert free > 0.05
    assert penalised < 0.5 * free


@pytest.mark.parametrize("value", [-0.1, math.nan, math.inf, "0.1", None])
@pytest.mark.parametrize("cls", ESTIMATORS)
def test_invalid_spike_penalty_raises_value_error_naming_it(cls, value, tiny):
    X, y = _data(20)
    with pytest.raises(ValueError, match="spike_penalty"):
        tiny(cls, spike_penalty=value).fit(X, y)


@pytest.mark.parametrize("cls", ESTIMATORS)
def test_zero_penalty_never_computes_the_firing_rate(cls, monkeypatch, tiny):
    def fail(hidden_spikes):
        raise AssertionError("the firing rate was computed")

    monkeypatch.setattr(networks, "hidden_firing_rate", fail)
    X, y = _data(20)
    tiny(cls, max_iter=2, spike_penalty=0.0).fit(X, y)
    with pytest.raises(AssertionError, match="firing rate was computed"):
        tiny(cls, max_iter=2, spike_penalty=0.1).fit(X, y)


@pytest.mark.parametrize("cls, default", [(SpikingClassifier, 0.1), (SpikingRegressor, 0.01)])
def test_the_default_penalty_is_on_and_recorded(cls, default):
    X, y = _data(20)
    model = cls((4,), n_steps=2, max_iter=1, random_state=0)
    if cls is SpikingRegressor:
        y = X[:, 0]
    history = model.fit(X, y).history_
    assert model.spike_penalty == default
    assert all("penalty" in batch for batch in history[-1]["batches"])


def test_zero_penalty_records_no_penalty_in_the_history(tiny):
    X, y = _data(20)
    history = tiny(SpikingClassifier, max_iter=1, spike_penalty=0.0).fit(X, y).history_
    assert not [batch for batch in history[-1]["batches"] if "penalty" in batch]


@pytest.mark.parametrize("training", [True, False])
def test_training_loss_adds_the_weighted_mean_penalty(training, tiny):
    X, y = _data(20)
    penalty = 0.7
    estimator = tiny(SpikingClassifier, max_iter=3, spike_penalty=penalty).fit(X, y)
    net = estimator.net_
    x = torch.as_tensor(X)
    target = torch.as_tensor(y)
    weight = torch.linspace(0.5, 2.0, len(X), dtype=torch.float64)
    batch = (x, (target, weight))
    loss = (net.train_step_single if training else net.validation_step)(batch)["loss"]

    with torch.no_grad():
        logits = net.module_(x)
        cross_entropy = torch.nn.functional.cross_entropy(logits, target, reduction="none")
        spikes = [spikes for spikes, _ in net.module_.record(x)[:-1]]
        rates = hidden_firing_rate(spikes)
    expected = (weight * (cross_entropy + (penalty * rates if training else 0.0))).sum()
    torch.testing.assert_close(loss.detach(), expected / weight.sum())
    assert rates.mean() > 0


@pytest.mark.parametrize("reset", ["subtract", "zero"])
def test_penalty_gradient_matches_autograd_through_plain_loop(reset):
    torch.manual_seed(0)
    module = SpikingNetwork(
        3,
        (6, 5),
        2,
        n_steps=7,
        encoder="direct",
        beta=0.8,
        threshold=0.5,
        reset=reset,
        surrogate="fast_sigmoid",
        surrogate_slope=5.0,
        learn_beta=False,
        learn_threshold=False,
        readout="mean",
    ).double()
    module.train()
    x = torch.randn(4, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    sample_weight = torch.tensor([0.5, 1.0, 2.0, 1.5], dtype=torch.float64)
    parameters = [p for linear in module.linears for p in linear.parameters()]

    _, rate = module(x, return_rate=True)
    fused = torch.autograd.grad((0.3 * rate * sample_weight).sum(), parameters)

    signal = module.encoder(x, module.n_steps)
    spikes = []
    for linear, neurons in zip(module.linears, module.neurons, strict=True):
        signal = lif_reference(
            linear(signal),
            neurons.beta,
            neurons.threshold,
            module.n_steps,
            reset == "subtract",
            neurons.surrogate,
        )
        spikes.append(signal)
    plain_penalty = 0.3 * hidden_firing_rate(spikes)
    plain = torch.autograd.grad((plain_penalty * sample_weight).sum(), parameters)

    for got, expected in zip(fused, plain, strict=True):
        torch.testing.assert_close(got, expected)
    assert all(gradient.abs().sum() > 0 for gradient in fused)


def test_integer_sample_weight_acts_as_repeating_samples_under_the_penalty(tiny):
    X, y = _data(30)
    weight = np.ones(len(X))
    weight[:5] = 2.0
    X_repeated = np.concatenate([X, X[:5]])
    y_repeated = np.concatenate([y, y[:5]])
    settings = {"max_iter": 5, "spike_penalty": 0.5, "shuffle": False}
    weighted = tiny(SpikingClassifier, **settings).fit(X, y, sample_weight=weight)
    repeated = tiny(SpikingClassifier, **settings).fit(X_repeated, y_repeated)
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-9)
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-7)


def test_fitted_penalised_model_pickles_and_predicts_the_same(tiny):
    X, y = _data(20)
    estimator = tiny(SpikingClassifier, max_iter=2, spike_penalty=0.5).fit(X, y)
    restored = pickle.loads(pickle.dumps(estimator))
    np.testing.assert_array_equal(restored.predict_proba(X), estimator.predict_proba(X))


def test_a_penalty_that_silences_the_network_warns(tiny):
    X, y = _data()
    with pytest.warns(ConvergenceWarning, match="spike_penalty=30 silenced the network"):
        tiny(SpikingClassifier, learning_rate_init=1e-2, spike_penalty=30.0).fit(X, y)


def test_a_penalty_that_leaves_spikes_does_not_warn_of_silence(tiny):
    X, y = _data()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        tiny(SpikingClassifier, learning_rate_init=1e-2, spike_penalty=0.01).fit(X, y)
    assert not [w for w in caught if "silenced" in str(w.message)]
