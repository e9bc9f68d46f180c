"""Specifications of snn_sklearn.activity: recorded activity, operation counts, energy."""

import math
import sys

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge

from snn_sklearn import NonSpikingRegressor, SpikingClassifier, SpikingRegressor, _inference
from snn_sklearn.activity import E_AC, E_MAC, activity_report, record

N_SAMPLES, N_FEATURES, HIDDEN = 6, 3, (4, 2)


def data(value=None):
    """Positive features (never zero), or all equal to ``value``."""
    X = np.random.default_rng(0).uniform(0.5, 1.5, size=(N_SAMPLES, N_FEATURES))
    if value is not None:
        X[:] = value
    return X, X.sum(1)


def fitted(estimator_class=SpikingRegressor, X=None, **params):
    # The hand counts below are of the raw features, in float64.
    params = {
        "n_steps": 5,
        "max_iter": 1,
        "random_state": 0,
        "input_bins": 0,
        "dtype": "float64",
        **params,
    }
    if X is None:
        X, y = data()
    else:
        y = X.sum(1)
    if estimator_class is SpikingClassifier:
        y = np.arange(len(X)) % 2
    return estimator_class(HIDDEN, **params).fit(X, y)


def force_firing(estimator, fire):
    """Make every neuron spike at every step (``fire``), or never, on positive input.

    Weights of 0.5 and a bias of +10 put every current far above the threshold of
    1; a bias of -10 keeps every membrane below 0 for features in [0.5, 1.5].
    """
    module = estimator.net_.module_
    with torch.no_grad():
        for linear in [*module.linears, module.readout.linear]:
            linear.weight.fill_(0.5)
            linear.bias.fill_(10.0 if fire else -10.0)
    return estimator


def dense_twin_macs():
    sizes = [N_FEATURES, *HIDDEN, 1]
    return sum(a * b for a, b in zip(sizes, sizes[1:], strict=False))


# ------------------------------------------------------------------- record


def test_record_returns_one_entry_per_layer_with_samples_steps_size_arrays():
    layers = record(fitted(), data()[0])
    assert [layer["name"] for layer in layers] == ["hidden_1", "hidden_2", "output"]
    for layer, size in zip(layers, [*HIDDEN, 1], strict=True):
        assert layer["membrane"].shape == (N_SAMPLES, 5, size)
    assert layers[0]["spikes"].shape == (N_SAMPLES, 5, HIDDEN[0])
    assert layers[1]["spikes"].shape == (N_SAMPLES, 5, HIDDEN[1])


def test_record_gives_no_output_spikes_for_a_membrane_readout():
    assert record(fitted(), data()[0])[-1]["spikes"] is None


def test_record_gives_output_spikes_for_the_spike_count_readout():
    output = record(fitted(SpikingClassifier, readout="spike_count"), data()[0])[-1]
    assert output["spikes"].shape == output["membrane"].shape == (N_SAMPLES, 5, 2)


def test_recorded_output_spikes_are_the_ones_the_spike_count_readout_counts():
    """A learned output threshold below MIN_THRESHOLD fires at the clamped value, as counted."""
    X = data()[0]
    estimator = fitted(SpikingClassifier, readout="spike_count", learn_threshold=True)
    module = estimator.net_.module_
    with torch.no_grad():
        module.readout.neurons.threshold.fill_(-5.0)
        counts = module(torch.as_tensor(X)).numpy()
    recorded = record(estimator, X)[-1]["spikes"].sum(1)
    assert counts.sum() > 0
    np.testing.assert_array_equal(recorded, counts)


def test_recorded_spikes_are_binary():
    X = np.random.default_rng(1).normal(size=(N_SAMPLES, N_FEATURES)) * 3
    est = fitted(SpikingClassifier, X=X, encoder="rate", threshold=0.3, readout="spike_count")
    for layer in record(est, X):
        assert np.isin(layer["spikes"], [0.0, 1.0]).all()


def test_recorded_output_membrane_reduces_to_the_network_output():
    X = data()[0]
    est = fitted(readout="max")
    expected = est.net_.module_(torch.as_tensor(X)).detach().numpy()
    np.testing.assert_allclose(record(est, X)[-1]["membrane"].max(1), expected)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_record_keeps_the_fitted_dtype_whatever_the_input(dtype):
    X = data()[0]
    layers = record(fitted(X=X, dtype=dtype), X.astype(np.float32))
    assert {layer["membrane"].dtype for layer in layers} == {np.dtype(dtype)}


def test_record_and_report_do_not_depend_on_the_chunk_size(monkeypatch):
    est, X = fitted(encoder="rate"), data()[0]
    whole, whole_report = record(est, X), activity_report(est, X)
    monkeypatch.setattr(_inference, "PREDICT_CHUNK_ROWS", 4)
    for a, b in zip(whole, record(est, X), strict=True):
        np.testing.assert_array_equal(a["membrane"], b["membrane"])
    assert whole_report.equals(activity_report(est, X))


# ----------------------------------------------------------- operation counts


def test_counts_of_a_network_firing_at_every_step_match_hand_counts():
    report = activity_report(force_firing(fitted(), fire=True), data()[0]).set_index("layer")
    # Direct input: 3 nonzero features x 4 synapses, evaluated once; then every
    # hidden neuron spikes at each of the 5 steps into its fan-out.
    first, second, last = report.index
    assert report.loc[first, ["dense_ops", "effective_macs", "effective_acs"]].tolist() == [
        12,
        12,
        0,
    ]
    assert report.loc[second, ["dense_ops", "effective_macs", "effective_acs"]].tolist() == [
        4 * 2 * 5,
        0,
        4 * 2 * 5,
    ]
    assert report.loc[last, ["dense_ops", "effective_macs", "effective_acs"]].tolist() == [
        2 * 1 * 5,
        0,
        2 * 1 * 5,
    ]
    assert report["input_firing_rate"].tolist() == [1.0, 1.0, 1.0]
    assert report["output_firing_rate"].iloc[:2].tolist() == [1.0, 1.0]
    assert report["spikes_per_sample"].iloc[:2].tolist() == [4 * 5, 2 * 5]
    assert report["ann_macs"].tolist() == [12, 8, 2]


def test_silent_network_costs_only_its_first_layer():
    report = activity_report(force_firing(fitted(), fire=False), data()[0])
    assert report["effective_acs"].tolist() == [0, 0, 0]
    assert report["effective_macs"].tolist() == [12, 0, 0]
    assert report["spikes_per_sample"].iloc[:2].tolist() == [0, 0]
    assert report["input_firing_rate"].tolist()[1:] == [0.0, 0.0]


def test_zero_features_cost_no_effective_macs():
    X = data()[0]
    X[:, 0] = 0.0
    report = activity_report(force_firing(fitted(), fire=True), X)
    assert report["effective_macs"].iloc[0] == 2 * 4
    assert report["input_firing_rate"].iloc[0] == pytest.approx(2 / 3)
    assert report["dense_ops"].iloc[0] == 3 * 4


def test_zero_weights_cost_no_effective_macs():
    # NeuroBench's rule: a nonzero input costs one operation per nonzero weight it drives.
    estimator = force_firing(fitted(), fire=True)
    with torch.no_grad():
        estimator.net_.module_.linears[0].weight[:, 0] = 0.0
    first = activity_report(estimator, data()[0]).iloc[0]
    # Feature 0 still arrives but drives none of its HIDDEN[0] synapses, so each sample
    # makes (N_FEATURES - 1) * HIDDEN[0] = 2 * 4 MACs of the dense N_FEATURES * HIDDEN[0] = 12.
    assert first["effective_macs"] == (N_FEATURES - 1) * HIDDEN[0] == 8
    assert first["dense_ops"] == N_FEATURES * HIDDEN[0] == 12
    assert first["input_firing_rate"] == 1.0


def test_membrane_readout_has_no_output_firing_rate():
    report = activity_report(fitted(), data()[0])
    assert math.isnan(report["output_firing_rate"].iloc[-1])
    assert math.isnan(report["spikes_per_sample"].iloc[-1])


def test_spike_count_readout_reports_output_spikes():
    est = force_firing(fitted(SpikingClassifier, readout="spike_count"), fire=True)
    report = activity_report(est, data()[0])
    assert report["output_firing_rate"].iloc[-1] == 1.0
    assert report["spikes_per_sample"].iloc[-1] == 2 * 5


def test_static_direct_input_layer_is_counted_once():
    report = activity_report(fitted(encoder="direct"), data()[0])
    assert report["evaluations"].iloc[0] == 1
    assert report["dense_ops"].iloc[0] == N_FEATURES * HIDDEN[0]
    assert not report["input_is_spikes"].iloc[0]


def test_rate_encoded_input_layer_is_counted_every_step_as_acs():
    # sigmoid(20) rounds the spike probability to 1: every feature spikes every step.
    X = data(value=20.0)[0]
    report = activity_report(fitted(X=X, encoder="rate"), X)
    assert report["evaluations"].iloc[0] == 5
    assert report["dense_ops"].iloc[0] == N_FEATURES * HIDDEN[0] * 5
    assert report["input_is_spikes"].iloc[0]
    assert report["effective_acs"].iloc[0] == N_FEATURES * HIDDEN[0] * 5
    assert report["effective_macs"].iloc[0] == 0


def test_latency_input_costs_one_ac_per_feature_and_synapse():
    report = activity_report(fitted(encoder="latency"), data()[0])
    assert report["effective_acs"].iloc[0] == N_FEATURES * HIDDEN[0]
    assert report["input_firing_rate"].iloc[0] == pytest.approx(1 / 5)


def test_noisy_input_layer_is_counted_every_step_as_macs():
    report = activity_report(fitted(encoder="noisy"), data()[0])
    assert not report["input_is_spikes"].iloc[0]
    assert report["effective_macs"].iloc[0] == N_FEATURES * HIDDEN[0] * 5


def test_population_input_widens_the_snn_but_not_the_twin():
    report = activity_report(fitted(encoder="population"), data()[0])
    assert report["fan_in"].iloc[0] == N_FEATURES * 8
    assert report["ann_macs"].iloc[0] == N_FEATURES * HIDDEN[0]


# -------------------------------------------------------------------- energy


def test_energy_is_macs_times_e_mac_plus_acs_times_e_ac():
    est = force_firing(fitted(), fire=True)
    report = activity_report(est, data()[0], e_mac=2.0, e_ac=0.5)
    np.testing.assert_allclose(report["energy_snn_j"], [12 * 2.0, 40 * 0.5, 10 * 0.5])
    np.testing.assert_allclose(report["energy_ann_j"], [12 * 2.0, 8 * 2.0, 2 * 2.0])
    assert report.attrs["energy_snn_j"] == 12 * 2.0 + 50 * 0.5
    assert report.attrs["energy_ann_j"] == dense_twin_macs() * 2.0
    assert report.attrs["energy_ratio"] == pytest.approx(report.attrs["energy_ann_j"] / 49.0)


def test_default_energies_are_horowitz_45nm_fp32():
    report = activity_report(force_firing(fitted(), fire=True), data()[0])
    assert (E_MAC, E_AC) == (4.6e-12, 0.9e-12)
    assert report.attrs["energy_snn_j"] == pytest.approx(12 * E_MAC + 50 * E_AC)
    assert report.attrs["energy_ann_j"] == pytest.approx(dense_twin_macs() * E_MAC)


@pytest.mark.parametrize("n_steps, costs_more", [(5, False), (6, True)])
def test_snn_costs_more_once_rate_times_steps_exceeds_e_mac_over_e_ac(n_steps, costs_more):
    # Firing rate 1: rate x steps crosses 4.6 / 0.9 = 5.1 between 5 and 6 steps.
    est = force_firing(fitted(n_steps=n_steps), fire=True)
    attrs = activity_report(est, data()[0]).attrs
    assert attrs["snn_costs_more"] is costs_more
    assert (attrs["energy_snn_j"] > attrs["energy_ann_j"]) is costs_more


def test_report_attrs_hold_the_totals_and_settings():
    report = activity_report(fitted(), data()[0], e_mac=1.0, e_ac=0.25)
    attrs = report.attrs
    assert attrs["dense_ops"] == report["dense_ops"].sum()
    assert attrs["effective_acs"] == report["effective_acs"].sum()
    assert (attrs["e_mac"], attrs["e_ac"], attrs["n_steps"]) == (1.0, 0.25, 5)
    assert (attrs["encoder"], attrs["n_samples"]) == ("direct", N_SAMPLES)


# -------------------------------------------------------------------- errors


@pytest.mark.parametrize("function", [record, activity_report])
@pytest.mark.parametrize("estimator", [NonSpikingRegressor(), Ridge()])
def test_non_spiking_estimators_are_refused_with_a_type_error(function, estimator):
    with pytest.raises(TypeError, match="SpikingClassifier or SpikingRegressor"):
        function(estimator, data()[0])


@pytest.mark.parametrize("function", [record, activity_report])
def test_unfitted_estimator_raises_not_fitted_error(function):
    with pytest.raises(NotFittedError):
        function(SpikingRegressor(), data()[0])


@pytest.mark.parametrize("bad", [-1e-12, math.inf, math.nan, "4.6e-12", True])
def test_invalid_energy_per_operation_is_a_value_error(bad):
    with pytest.raises(ValueError, match="e_ac must be a finite number"):
        activity_report(fitted(), data()[0], e_ac=bad)


def test_missing_pandas_names_the_extra_to_install(monkeypatch):
    est, X = fitted(), data()[0]
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r'pip install "snn-sklearn\[pandas\]"'):
        activity_report(est, X)


def test_report_describes_the_fitted_network_not_parameters_set_after_fit():
    estimator = fitted(encoder="rate")
    before = activity_report(estimator, data()[0])
    estimator.set_params(encoder="direct", n_steps=2)
    after = activity_report(estimator, data()[0])
    assert (after.attrs["encoder"], after.attrs["n_steps"]) == ("rate", before.attrs["n_steps"])
    assert after["input_is_spikes"].iloc[0]
