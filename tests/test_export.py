"""Specifications of snn_sklearn.export: NIR graphs that compute what the estimator computes."""

import contextlib
import copy
import functools
import io
import json
import sys

import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import snn_sklearn
from snn_sklearn import (
    NonSpikingClassifier,
    NonSpikingRegressor,
    SpikingClassifier,
    SpikingRegressor,
)
from snn_sklearn._inference import network_outputs
from snn_sklearn.activity import record
from snn_sklearn.export import DEFAULT_DT, NIRExportWarning, graph_input, to_nir, write_nir
from snn_sklearn.quantization import quantize

nir = pytest.importorskip("nir")

HIDDEN = (12, 8)
N_STEPS = 8


def split(dtype=np.float64):
    """Standardised 3-class data, as (X_train, X_test, y_train, y_test)."""
    X, y = make_classification(160, 5, n_informative=4, n_redundant=0, n_classes=3, random_state=0)
    X = StandardScaler().fit_transform(X).astype(dtype)
    return train_test_split(X, y, test_size=0.5, random_state=0)


@functools.cache
def fitted(task="classification", dtype=np.float64, **params):
    """A small spiking estimator fitted on :func:`split`, active enough to spike."""
    X_train, _, y_train, _ = split(dtype)
    params = {
        "dtype": np.dtype(dtype).name,
        "n_steps": N_STEPS,
        "reset": "zero",
        "threshold": 0.5,
        "max_iter": 15,
        "random_state": 0,
        **params,
    }
    if task == "classification":
        return SpikingClassifier(HIDDEN, **params).fit(X_train, y_train)
    return SpikingRegressor(HIDDEN, **params).fit(X_train, X_train[:, :2] @ [1.0, -2.0] + 3.0)


def simulate_nir(graph, inputs):
    """Run a chain-shaped NIR graph by forward-Euler steps of ``metadata["dt"]``.

    A reference reading of the NIR equations, independent of snn_sklearn:
    ``tau dv/dt = (v_leak - v) + R I`` (LI, LIF), ``dv/dt = R I`` (I, IF); a
    spiking node emits ``v > v_threshold`` and then sets ``v = v_reset``.
    Returns the output trace, ``(n_samples, n_steps, n_outputs)``.
    """
    dt = float(graph.metadata["dt"])
    order = ["input"]
    following = dict(graph.edges)
    while order[-1] in following:
        order.append(following[order[-1]])
    states = {}
    trace = []
    for t in range(inputs.shape[1]):
        signal = inputs[:, t].astype(np.float64)
        for name in order:
            node = graph.nodes[name]
            if isinstance(node, nir.Affine):
                signal = signal @ node.weight.T + node.bias
            elif isinstance(node, nir.LIF | nir.LI):
                v = states.get(name, 0.0)
                v = v + dt / node.tau * (node.v_leak - v + node.r * signal)
                signal = v
            elif isinstance(node, nir.IF | nir.I):
                v = states.get(name, 0.0) + dt * node.r * signal
                signal = v
            if isinstance(node, nir.LIF | nir.IF):
                spikes = (v > node.v_threshold).astype(np.float64)
                v = np.where(spikes > 0, node.v_reset, v)
                signal = spikes
            if isinstance(node, nir.LIF | nir.LI | nir.IF | nir.I):
                states[name] = v
        trace.append(signal)
    return np.stack(trace, axis=1)


def reduce_over_time(graph, trace):
    """The network outputs: the output trace reduced as ``graph.metadata`` says."""
    reduce = {"mean": np.mean, "max": np.max, "sum": np.sum}[graph.metadata["output_reduction"]]
    return reduce(trace, axis=1)


def decode(graph, trace):
    """Turn an output trace into predictions as ``graph.metadata`` says."""
    metadata = graph.metadata
    outputs = reduce_over_time(graph, trace)
    if "classes" in metadata:
        return np.asarray(json.loads(metadata["classes"]))[outputs.argmax(1)]
    values = outputs * metadata["target_scale"] + metadata["target_mean"]
    return values.ravel() if values.shape[1] == 1 else values


# ------------------------------------------------------------- graph structure


def test_graph_chains_affine_and_lif_nodes_into_the_readout():
    graph = to_nir(fitted())
    names = ["input", "affine_1", "lif_1", "affine_2", "lif_2", "affine_out", "li_out", "output"]
    assert list(graph.nodes) == names
    assert graph.edges == list(zip(names[:-1], names[1:], strict=True))


def test_affine_nodes_hold_the_fitted_weights_and_biases():
    estimator = fitted()
    module = estimator.net_.module_
    graph = to_nir(estimator)
    linears = {"affine_1": module.linears[0], "affine_2": module.linears[1]}
    linears["affine_out"] = module.readout.linear
    for name, linear in linears.items():
        np.testing.assert_array_equal(graph.nodes[name].weight, linear.weight.detach().numpy())
        np.testing.assert_array_equal(graph.nodes[name].bias, linear.bias.detach().numpy())


def test_lif_time_constants_reproduce_each_neurons_learned_beta_and_threshold():
    estimator = fitted(learn_beta=True, learn_threshold=True)
    neurons = estimator.net_.module_.neurons[0]
    node = to_nir(estimator, dt=DEFAULT_DT).nodes["lif_1"]
    beta = neurons.beta.detach().clamp(0, 1).numpy()
    assert np.unique(beta).size > 1
    np.testing.assert_allclose(1.0 - DEFAULT_DT / node.tau, beta, rtol=1e-12)
    np.testing.assert_allclose(node.r * DEFAULT_DT / node.tau, 1.0, rtol=1e-12)
    np.testing.assert_array_equal(node.v_threshold, neurons.threshold.detach().numpy())
    np.testing.assert_array_equal(node.v_leak, 0.0)
    np.testing.assert_array_equal(node.v_reset, 0.0)


def test_dt_scales_the_time_constants_and_keeps_beta():
    estimator = fitted()
    slow, fast = to_nir(estimator, dt=1.0), to_nir(estimator, dt=1e-3)
    np.testing.assert_allclose(slow.nodes["lif_1"].tau, 1000 * fast.nodes["lif_1"].tau)
    np.testing.assert_allclose(1.0 - 1.0 / slow.nodes["lif_1"].tau, estimator.beta)


def test_membrane_readout_is_a_leaky_integrator_with_the_readout_beta():
    node = to_nir(fitted()).nodes["li_out"]
    assert isinstance(node, nir.LI)
    np.testing.assert_allclose(1.0 - DEFAULT_DT / node.tau, [0.9, 0.9, 0.9])
    np.testing.assert_allclose(node.r * DEFAULT_DT / node.tau, 1.0)


def test_spike_count_readout_is_a_lif_output_layer():
    graph = to_nir(fitted(readout="spike_count"))
    assert "li_out" not in graph.nodes
    assert isinstance(graph.nodes["lif_out"], nir.LIF)
    assert graph.nodes["lif_out"].v_threshold.shape == (3,)


def test_neurons_without_leak_export_as_if_and_integrator_nodes():
    graph = to_nir(fitted(beta=1.0))
    assert isinstance(graph.nodes["lif_1"], nir.IF)
    assert isinstance(graph.nodes["li_out"], nir.I)
    np.testing.assert_allclose(graph.nodes["lif_1"].r * DEFAULT_DT, 1.0)


def test_metadata_records_what_the_graph_does_not_contain():
    metadata = to_nir(fitted(), dt=1e-3).metadata
    assert metadata == {
        "producer": "snn_sklearn",
        "snn_sklearn_version": snn_sklearn.__version__,
        "estimator": "SpikingClassifier",
        "dt": 1e-3,
        "n_steps": N_STEPS,
        "encoder": "direct",
        "reset": "zero",
        "readout": "mean",
        "output_reduction": "mean",
        "classes": "[0, 1, 2]",
    }


def test_regressor_metadata_holds_the_target_scaling():
    estimator = fitted("regression")
    metadata = to_nir(estimator).metadata
    np.testing.assert_array_equal(metadata["target_mean"], estimator._y_mean)
    np.testing.assert_array_equal(metadata["target_scale"], estimator._y_scale)
    assert "classes" not in metadata


def test_write_nir_round_trips_through_nir_read(tmp_path):
    estimator = fitted()
    write_nir(estimator, tmp_path / "model.nir")
    graph, loaded = to_nir(estimator), nir.read(tmp_path / "model.nir")
    assert set(loaded.nodes) == set(graph.nodes)
    assert sorted(loaded.edges) == sorted(graph.edges)
    np.testing.assert_array_equal(loaded.nodes["affine_2"].weight, graph.nodes["affine_2"].weight)
    np.testing.assert_array_equal(loaded.nodes["lif_2"].tau, graph.nodes["lif_2"].tau)
    assert loaded.metadata == graph.metadata


# ---------------------------------------------------------------- exactness


@pytest.mark.parametrize(
    ("task", "params"),
    [
        ("classification", {"readout": "mean"}),
        ("classification", {"readout": "max"}),
        ("classification", {"readout": "spike_count"}),
        ("classification", {"encoder": "population"}),
        ("classification", {"encoder": "latency"}),
        ("classification", {"learn_beta": True, "learn_threshold": True}),
        ("classification", {"beta": 1.0}),
        ("regression", {"readout": "mean"}),
        ("regression", {"readout": "max"}),
    ],
)
def test_the_nir_equations_of_the_graph_reproduce_held_out_predictions(task, params):
    estimator = fitted(task, **params)
    X_test = split()[1]
    graph = to_nir(estimator)
    trace = simulate_nir(graph, graph_input(estimator, X_test))
    outputs = reduce_over_time(graph, trace)
    np.testing.assert_allclose(outputs, network_outputs(estimator, X_test), rtol=1e-9, atol=1e-12)
    predicted = decode(graph, trace)
    if task == "classification":
        np.testing.assert_array_equal(predicted, estimator.predict(X_test))
    else:
        np.testing.assert_allclose(predicted, estimator.predict(X_test), rtol=1e-9)


def test_graph_input_draws_what_predict_draws_for_a_stochastic_encoder():
    estimator = fitted(encoder="rate")
    X_test = split()[1]
    with pytest.warns(NIRExportWarning):
        graph = to_nir(estimator)
    predicted = decode(graph, simulate_nir(graph, graph_input(estimator, X_test)))
    np.testing.assert_array_equal(predicted, estimator.predict(X_test))


@pytest.mark.parametrize("params", [{}, {"learn_beta": True}])
def test_snntorch_import_reproduces_held_out_spike_count_predictions(params):
    pytest.importorskip("nirtorch")
    import_nir = pytest.importorskip("snntorch.import_nir")
    # snntorch simulates in float32: fit in float32 so both compute the same numbers.
    estimator = fitted(dtype=np.float32, readout="spike_count", **params)
    X_test = split(np.float32)[1]
    with contextlib.redirect_stdout(io.StringIO()):  # snntorch prints progress
        network = import_nir.import_from_nir(to_nir(estimator))
    inputs = torch.from_numpy(graph_input(estimator, X_test))
    counts = torch.zeros(len(X_test), len(estimator.classes_))
    state = None
    with torch.no_grad():
        for t in range(N_STEPS):
            spikes, state = network(inputs[:, t], state)
            counts += spikes
    assert counts.sum() > 0
    np.testing.assert_array_equal(counts.numpy(), network_outputs(estimator, X_test))
    np.testing.assert_array_equal(
        estimator.classes_[counts.numpy().argmax(1)], estimator.predict(X_test)
    )


# ------------------------------------------------------------------ refusals


def test_subtract_reset_is_refused_because_nir_resets_to_a_value():
    with pytest.raises(ValueError, match="reset='zero'"):
        to_nir(fitted(reset="subtract"))


def test_the_fitted_reset_counts_not_a_parameter_changed_after_fit():
    estimator = copy.deepcopy(fitted(reset="subtract")).set_params(reset="zero")
    with pytest.raises(ValueError, match="cannot export reset='subtract'"):
        to_nir(estimator)


def test_metadata_describes_the_fitted_network_not_parameters_changed_after_fit():
    estimator = copy.deepcopy(fitted(readout="max")).set_params(n_steps=3, readout="mean")
    metadata = to_nir(estimator).metadata
    assert (metadata["n_steps"], metadata["readout"]) == (N_STEPS, "max")


@pytest.mark.parametrize("encoder", ["rate", "noisy"])
def test_stochastic_encoders_export_with_a_warning(encoder):
    with pytest.warns(NIRExportWarning, match="graph_input"):
        to_nir(fitted(encoder=encoder))


def test_a_layer_mixing_leaky_and_non_leaky_neurons_is_refused():
    estimator = copy.deepcopy(fitted(learn_beta=True))
    with torch.no_grad():
        estimator.net_.module_.neurons[1].beta[0] = 1.0
    with pytest.raises(ValueError, match="hidden layer 2 mixes neurons with beta=1"):
        to_nir(estimator)


def test_an_unfitted_estimator_raises_not_fitted_error():
    with pytest.raises(NotFittedError):
        to_nir(SpikingClassifier(reset="zero"))


def test_a_pipeline_is_refused_with_a_hint_to_export_its_final_step():
    X_train, _, y_train, _ = split()
    pipeline = make_pipeline(StandardScaler(), SpikingClassifier((4,), reset="zero", max_iter=1))
    with pytest.raises(TypeError, match=r"to_nir\(pipeline\[-1\]\).*pipeline\[:-1\]"):
        to_nir(pipeline.fit(X_train, y_train))


@pytest.mark.parametrize("estimator_class", [NonSpikingClassifier, NonSpikingRegressor])
def test_non_spiking_estimators_are_refused(estimator_class):
    with pytest.raises(TypeError, match="no ReLU primitive"):
        to_nir(estimator_class())


@pytest.mark.parametrize("dt", [0, -1e-4, float("nan"), float("inf"), "1e-4", True])
def test_dt_must_be_a_positive_finite_number(dt):
    with pytest.raises(ValueError, match="dt must be a positive finite number"):
        to_nir(fitted(), dt=dt)


def test_missing_nir_raises_an_import_error_naming_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "nir", None)
    with pytest.raises(ImportError, match=r'pip install "snn-sklearn\[nir\]"'):
        to_nir(fitted())


# --------------------------------------------------------------- graph_input


def test_graph_input_repeats_direct_features_at_every_step():
    X_test = split()[1]
    inputs = graph_input(fitted(input_bins=0), X_test)
    assert inputs.shape == (len(X_test), N_STEPS, X_test.shape[1])
    np.testing.assert_array_equal(inputs, np.repeat(X_test[:, None], N_STEPS, axis=1))


def test_graph_input_has_eight_channels_per_feature_for_population_coding():
    X_test = split()[1]
    estimator = fitted(encoder="population", input_bins=0)
    assert graph_input(estimator, X_test).shape[2] == 8 * X_test.shape[1]


def test_graph_input_is_the_numeric_embedding_of_the_features():
    X_test = split()[1]
    estimator = fitted()
    embedding = estimator.net_.module_.embedding
    expected = embedding(torch.as_tensor(X_test)).numpy()
    inputs = graph_input(estimator, X_test)
    assert inputs.shape == (len(X_test), N_STEPS, embedding.n_outputs)
    np.testing.assert_array_equal(inputs, np.repeat(expected[:, None], N_STEPS, axis=1))


# -------------------------------------------------------------- quantization


def affine_layers(graph):
    """The ``Affine`` nodes of a graph with the spiking node each one drives, in order."""
    names = list(graph.nodes)
    return [
        (graph.nodes[name], graph.nodes[names[i + 1]])
        for i, name in enumerate(names)
        if name.startswith("affine_")
    ]


@pytest.mark.parametrize("weight_bits", [4, 8, 16])
def test_quantized_weights_take_at_most_two_to_the_bits_values_per_layer(weight_bits):
    graph = to_nir(fitted(), weight_bits=weight_bits)
    for affine, _ in affine_layers(graph):
        assert np.unique(affine.weight).size <= 2**weight_bits
    assert graph.metadata["weight_bits"] == weight_bits


@pytest.mark.parametrize("weight_bits", [4, 8, 16])
def test_quantized_weights_biases_and_thresholds_are_integer_multiples_of_the_scale(weight_bits):
    graph = to_nir(fitted(readout="spike_count"), weight_bits=weight_bits)
    largest = 2 ** (weight_bits - 1) - 1
    for affine, neurons in affine_layers(graph):
        scale = affine.metadata["weight_scale"]
        steps = affine.weight / scale
        np.testing.assert_allclose(steps, np.round(steps), atol=1e-6)
        assert np.abs(np.round(steps)).max() == largest
        np.testing.assert_allclose(affine.bias / scale, np.round(affine.bias / scale), atol=1e-6)
        thresholds = neurons.v_threshold / scale
        np.testing.assert_allclose(thresholds, np.round(thresholds), atol=1e-6)


def test_four_bits_change_the_weights_by_at_most_half_a_step():
    estimator = fitted()
    graph = to_nir(estimator, weight_bits=4)
    original = estimator.net_.module_.linears[0].weight.detach().numpy()
    affine = graph.nodes["affine_1"]
    assert np.abs(affine.weight - original).max() <= affine.metadata["weight_scale"] / 2 + 1e-12
    assert not np.array_equal(affine.weight, original)


def _rows_without_ties(estimator, X, margin=1e-12):
    """Rows where no spiking neuron's potential lies within ``margin`` of its threshold.

    Weights, biases and thresholds on one grid make a potential equal its
    threshold now and then; which way it falls then depends on the order of the
    sums, which differs between torch and the NIR simulation.
    """
    module = estimator.net_.module_
    neurons = list(module.neurons)
    if hasattr(module.readout, "neurons"):
        neurons.append(module.readout.neurons)
    recorded = record(estimator, X)
    tied = np.zeros(len(X), dtype=bool)
    for layer, lif in zip(recorded, neurons, strict=False):
        threshold = lif.effective_parameters()[1].detach().numpy()
        tied |= (np.abs(np.asarray(layer["membrane"]) - threshold) < margin).any(axis=(1, 2))
    return ~tied


@pytest.mark.parametrize("params", [{}, {"readout": "spike_count"}, {"learn_threshold": True}])
def test_the_quantized_graph_computes_what_the_quantized_estimator_predicts(params):
    estimator = fitted(**params)
    X_test = split()[1]
    quantized = quantize(estimator, 4)
    graph = to_nir(estimator, weight_bits=4)
    trace = simulate_nir(graph, graph_input(quantized, X_test))
    rows = _rows_without_ties(quantized, X_test)
    assert rows.mean() > 0.5
    np.testing.assert_allclose(
        reduce_over_time(graph, trace)[rows],
        network_outputs(quantized, X_test)[rows],
        rtol=1e-9,
        atol=1e-12,
    )
    np.testing.assert_array_equal(decode(graph, trace)[rows], quantized.predict(X_test)[rows])


def test_sixteen_bit_quantization_leaves_the_predictions_unchanged():
    estimator = fitted()
    X_test = split()[1]
    quantized = quantize(estimator, 16)
    np.testing.assert_array_equal(quantized.predict(X_test), estimator.predict(X_test))
    np.testing.assert_allclose(
        quantized.predict_proba(X_test), estimator.predict_proba(X_test), atol=1e-3
    )


def test_quantize_leaves_the_estimator_itself_unchanged():
    estimator = fitted()
    weight = estimator.net_.module_.linears[0].weight.detach().clone()
    quantize(estimator, 4)
    to_nir(estimator, weight_bits=4)
    torch.testing.assert_close(estimator.net_.module_.linears[0].weight.detach(), weight)


def test_quantize_copies_a_pipeline_with_its_final_step_quantized():
    X_train, X_test, y_train, _ = split()
    pipeline = make_pipeline(StandardScaler(), SpikingClassifier((6,), max_iter=3, random_state=0))
    quantized = quantize(pipeline.fit(X_train, y_train), 4)
    assert quantized is not pipeline
    assert quantized[-1].net_.module_.linears[0].weight.unique().numel() <= 2**4
    np.testing.assert_array_equal(
        quantized.predict(X_test), quantized[-1].predict(quantized[:-1].transform(X_test))
    )


def test_the_quantized_file_keeps_the_scales(tmp_path):
    write_nir(fitted(), tmp_path / "model.nir", weight_bits=8)
    loaded = nir.read(tmp_path / "model.nir")
    assert loaded.metadata["weight_bits"] == 8
    scale = loaded.nodes["affine_2"].metadata["weight_scale"]
    steps = loaded.nodes["affine_2"].weight / scale
    np.testing.assert_allclose(steps, np.round(steps), atol=1e-6)


@pytest.mark.parametrize("weight_bits", [0, 2, 7, 32, 8.0, True, "8"])
def test_bad_weight_bits_raise_a_value_error_naming_the_accepted_widths(weight_bits):
    with pytest.raises(ValueError, match=r"weight_bits must be one of 4, 8, 16 or None"):
        to_nir(fitted(), weight_bits=weight_bits)
    with pytest.raises(ValueError, match=r"weight_bits must be one of 4, 8, 16, got"):
        quantize(fitted(), weight_bits)


def test_quantize_refuses_a_non_spiking_estimator():
    with pytest.raises(TypeError, match="quantize needs a fitted SpikingClassifier"):
        quantize(NonSpikingClassifier(), 8)
