"""Specifications of snn_sklearn.export.check_target: chip limits, in words."""

import copy
import functools

import numpy as np
import pytest
from sklearn.datasets import make_classification

from snn_sklearn import SpikingClassifier
from snn_sklearn.export import check_target, to_nir, write_nir
from snn_sklearn.targets import TARGETS

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


# A small model as SpikingClassifier's defaults make it (an LI readout), and an
# integrate-and-fire one with a spike-count readout, both with two hidden layers.
_CONFIGURATIONS = {
    "default": {"readout": "mean", "encoder": "rate", "beta": 0.875},
    "IF, spike_count": {"readout": "spike_count", "encoder": "rate", "beta": 1.0},
}


def reordered(graph):
    """The same graph with its nodes dict in reverse order."""
    return nir.NIRGraph(
        nodes=dict(reversed(list(graph.nodes.items()))),
        edges=list(graph.edges),
        metadata=graph.metadata,
    )


@pytest.mark.parametrize("configuration", _CONFIGURATIONS)
def test_a_graph_read_back_from_a_file_or_reordered_gets_the_in_memory_graphs_report(
    configuration, tmp_path
):
    estimator = fitted(hidden=(16, 16), **_CONFIGURATIONS[configuration])
    path = tmp_path / "model.nir"
    write_nir(estimator, path, weight_bits=8)
    in_memory = to_nir(estimator, weight_bits=8)
    read_back = nir.read(path)
    assert list(read_back.nodes) != list(in_memory.nodes)  # what makes the case
    for target in TARGETS:
        expected = check_target(in_memory, target)
        for graph in (read_back, reordered(in_memory)):
            report = check_target(graph, target)
            assert report.fits == expected.fits, (target, str(report))
            assert failing(report) == failing(expected), target
            assert report.checks == expected.checks, target


def test_spinnaker2_refuses_the_membrane_readout_of_a_graph_read_back(tmp_path):
    path = tmp_path / "model.nir"
    write_nir(fitted(hidden=(16, 16), **_CONFIGURATIONS["default"]), path, weight_bits=8)
    report = check_target(nir.read(path), "spinnaker2")
    assert {"node types", "output layer"} <= set(failing(report))


def test_speck_fits_an_integrate_and_fire_graph_read_back(tmp_path):
    path = tmp_path / "model.nir"
    write_nir(fitted(hidden=(16, 16), **_CONFIGURATIONS["IF, spike_count"]), path, weight_bits=8)
    assert "neuron model" not in failing(check_target(nir.read(path), "speck"))


@pytest.mark.parametrize("change", ["a missing edge", "a branch", "a cycle", "no input node"])
def test_a_graph_that_is_not_a_chain_from_input_to_output_raises_a_value_error(change):
    graph = to_nir(fitted(hidden=(16, 16)), weight_bits=8)
    nodes, edges = dict(graph.nodes), list(graph.edges)
    if change == "a missing edge":
        edges.remove(("affine_1", "lif_1"))
    elif change == "a branch":
        edges.append(("lif_1", "affine_out"))
    elif change == "a cycle":
        edges[edges.index(("lif_2", "affine_out"))] = ("lif_2", "affine_2")
    else:
        nodes["source"] = nodes.pop("input")
        edges = [("source" if a == "input" else a, b) for a, b in edges]
    broken = nir.NIRGraph(nodes=nodes, edges=edges, metadata=graph.metadata)
    with pytest.raises(ValueError, match="not a (single )?chain"):
        check_target(broken, "xylo")
