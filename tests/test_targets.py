"""Specifications of snn_sklearn.export.check_target: chip limits, in words."""

import copy
import functools

import numpy as np
import pytest
from sklearn.datasets import make_classification

from snn_sklearn import SpikingClassifier
from snn_sklearn.export import check_target, to_nir

nir = pytest.importorskip("nir")


@functools.cache
def fitted(hidden=(16,), **params):
    """A small spiking classifier on 3 features, fitted for a few epochs."""
    X, y = make_classification(120, 3, n_informative=3, n_redundant=0, random_state=0)
    params = {
        "input_bins": 0,
        "reset": "zero",
        "encoder": "latency",
        "readout": "spike_count",
        "beta": 0.875,
        "max_iter": 5,
        "random_state": 0,
        **params,
    }
    return SpikingClassifier(hidden, **params).fit(X, y)


def failing(report):
    return [check.limit for check in report.failures]


def test_a_small_spiking_model_with_a_bit_shift_decay_fits_xylo_but_for_its_biases():
    report = check_target(fitted(), "xylo")
    assert set(failing(report)) <= {"biases"}
    limits = [check.limit for check in report.checks]
    assert {"input channels", "hidden neurons", "output neurons", "weights"} <= set(limits)


def test_a_model_fits_xylo_when_its_biases_fit_int8():
    estimator = copy.deepcopy(fitted())
    for linear in [*estimator.net_.module_.linears, estimator.net_.module_.readout.linear]:
        linear.bias.data.zero_()
    report = check_target(estimator, "xylo")
    assert report.fits, str(report)
    assert str(report).startswith("xylo: fits")


def test_a_too_wide_model_does_not_fit_xylo_and_the_report_names_the_limit():
    report = check_target(fitted(hidden=(600, 600)), "xylo")
    assert not report.fits
    assert "hidden neurons" in failing(report)
    (hidden,) = [check for check in report.checks if check.limit == "hidden neurons"]
    assert (hidden.value, hidden.allowed) == ("1200", "at most 1000")
    assert "[DOES NOT FIT] hidden neurons: 1200" in str(report)
    assert "xylo_mapper.py" in str(report)


def test_more_than_sixteen_inputs_do_not_fit_xylo():
    X = np.random.default_rng(0).normal(size=(60, 20))
    estimator = SpikingClassifier((8,), input_bins=0, reset="zero", max_iter=2, random_state=0)
    assert "input channels" in failing(check_target(estimator.fit(X, X[:, 0] > 0), "xylo"))


def test_a_decay_that_is_not_a_bit_shift_does_not_fit_xylo():
    report = check_target(fitted(beta=0.9), "xylo")
    (decay,) = [check for check in report.failures if check.limit == "membrane decays"]
    assert "beta=0.875 (dash=3)" in decay.value


def test_real_valued_input_does_not_fit_any_chip():
    estimator = fitted(encoder="direct")
    for target in ("xylo", "speck", "spinnaker2"):
        assert "input" in failing(check_target(estimator, target))


def test_an_unquantized_graph_fails_the_weight_limit():
    report = check_target(to_nir(fitted()), "spinnaker2")
    assert failing(report) == ["weights"]
    assert check_target(to_nir(fitted(), weight_bits=8), "spinnaker2").fits


def test_speck_needs_non_leaky_neurons_and_a_spiking_readout_fits():
    assert "neuron model" in failing(check_target(fitted(), "speck"))
    report = check_target(fitted(beta=1.0), "speck")
    assert "neuron model" not in failing(report)
    assert "core memory" not in failing(report)


def test_a_layer_too_large_for_every_speck_core_does_not_fit():
    report = check_target(fitted(hidden=(512, 512), beta=1.0), "speck")
    assert "core memory" in failing(report)


def test_spinnaker2_refuses_a_membrane_readout():
    report = check_target(fitted(readout="mean"), "spinnaker2")
    assert {"node types", "output layer"} <= set(failing(report))


def test_an_unknown_target_raises_a_value_error_listing_the_known_ones():
    with pytest.raises(ValueError, match="'xylo', 'speck', 'spinnaker2', got 'loihi'"):
        check_target(fitted(), "loihi")
