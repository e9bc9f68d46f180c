"""A new spiking network starts with every hidden layer firing, whatever its input code."""

import warnings

import pytest
import torch
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from snn_sklearn import SpikingClassifier
from snn_sklearn.networks import (
    MAX_WAKE_DOUBLINGS,
    MIN_INITIAL_FIRING_RATE,
    SpikingNetwork,
    initialize_weights,
)


def _network(encoder, seed=0):
    network = SpikingNetwork(
        30,
        (32, 32),
        2,
        n_steps=8,
        encoder=encoder,
        beta=0.9,
        threshold=1.0,
        reset="subtract",
        surrogate="fast_sigmoid",
        surrogate_slope=25.0,
        learn_beta=False,
        learn_threshold=False,
        readout="mean",
    )
    initialize_weights(network, torch.Generator().manual_seed(seed))
    return network


def _hidden_rates(network, x):
    network.eval()
    with torch.no_grad():
        return [spikes.mean().item() for spikes, _ in network.record(x)[:-1]]


@pytest.fixture
def features():
    return torch.randn(256, 30, generator=torch.Generator().manual_seed(1))


def test_latency_coded_layers_start_silent_and_are_woken(features):
    network = _network("latency")
    assert min(_hidden_rates(network, features)) < MIN_INITIAL_FIRING_RATE
    before = [linear.weight.clone() for linear in network.linears]
    network.wake_silent_layers(features)
    assert min(_hidden_rates(network, features)) >= MIN_INITIAL_FIRING_RATE
    for linear, weight in zip(network.linears, before, strict=True):
        scale = (linear.weight / weight).unique()
        assert len(scale) == 1 and scale.item() >= 1 and scale.log2().item().is_integer()


def test_layers_that_already_fire_are_left_exactly_as_they_were(features):
    network = _network("direct")
    assert min(_hidden_rates(network, features)) >= MIN_INITIAL_FIRING_RATE
    before = {name: value.clone() for name, value in network.state_dict().items()}
    network.wake_silent_layers(features)
    for name, value in network.state_dict().items():
        assert torch.equal(value, before[name]), name


def test_a_layer_that_cannot_wake_is_doubled_a_bounded_number_of_times():
    # Zero features and negative biases: no weight scale makes the first layer fire.
    network = _network("direct")
    with torch.no_grad():
        network.linears[0].bias.fill_(-1.0)
    before = network.linears[0].weight.clone()
    network.wake_silent_layers(torch.zeros(16, 30))
    assert torch.equal(network.linears[0].weight, before * 2.0**MAX_WAKE_DOUBLINGS)


def test_waking_keeps_the_training_mode_and_draws_no_random_numbers(features):
    network = _network("rate").train()
    torch.manual_seed(0)
    expected = torch.rand(1)
    torch.manual_seed(0)
    network.wake_silent_layers(features)
    assert network.training
    assert torch.equal(torch.rand(1), expected)


def test_latency_coding_learns_breast_cancer():
    # Before waking, the latency-coded network stayed silent and predicted the
    # majority class (0.63).
    X, y = load_breast_cancer(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=0
    )
    model = make_pipeline(
        StandardScaler(), SpikingClassifier(encoder="latency", random_state=0, n_threads=1)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    assert model.score(X_test, y_test) > 0.9
