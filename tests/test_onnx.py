"""Specifications of the ONNX export: onnxruntime gives what the estimator gives."""

import copy
import functools
import pickle
import sys

import numpy as np
import onnx
import onnxruntime
import pytest
import skl2onnx
import torch
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from snn_sklearn import (
    NonSpikingClassifier,
    NonSpikingRegressor,
    SpikingClassifier,
    SpikingRegressor,
)
from snn_sklearn.export import ONNX_OPSET, register_skl2onnx, to_onnx, write_onnx

HIDDEN = (12, 8)
N_STEPS = 8
DETERMINISTIC_ENCODERS = ["direct", "population", "latency"]
READOUTS = ["mean", "max", "spike_count"]


@functools.cache
def split(n_classes=3):
    """Standardised float32 data, as (X_train, X_test, y_train, y_test)."""
    X, y = make_classification(
        240, 5, n_informative=4, n_redundant=0, n_classes=n_classes, random_state=0
    )
    X = StandardScaler().fit_transform(X).astype(np.float32)
    return train_test_split(X, y, test_size=0.5, random_state=0)


def regression_targets(X, n_outputs=1):
    """Targets far from zero (so relative errors mean something), one column per output."""
    y = np.stack([X[:, 0] - 2.0 * X[:, 1] + 300.0, X[:, 2] * X[:, 3] - 50.0][:n_outputs], 1)
    return y[:, 0] if n_outputs == 1 else y


def small(Estimator, **params):
    """A small float32 estimator, not fitted, active enough to spike."""
    defaults = {"dtype": "float32", "max_iter": 10, "random_state": 0, "input_bins": 4}
    if Estimator in (SpikingClassifier, SpikingRegressor):
        defaults |= {"n_steps": N_STEPS, "threshold": 0.5}
    return Estimator(HIDDEN, **(defaults | params))


@functools.cache
def fitted(Estimator, target="classes", **params):
    """:func:`small` fitted on :func:`split`; shared by the tests, so never changed."""
    X_train, _, y_train, _ = split()
    if target == "binary":
        y_train = y_train == 1
    elif target == "multilabel":
        y_train = np.stack([y_train == 0, y_train == 1, X_train[:, 0] > 0], 1).astype(int)
    elif target in ("single", "multi"):
        y_train = regression_targets(X_train, 1 if target == "single" else 2)
    return small(Estimator, **params).fit(X_train, y_train)


def run_onnx(model, X):
    """The outputs of onnxruntime on ``X``, from ``model`` serialised and read back."""
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    names = [variable.name for variable in session.get_inputs()]
    return session.run(None, {names[0]: X})


def assert_same_probabilities(estimator, X):
    (probabilities,) = run_onnx(to_onnx(estimator), X)
    expected = estimator.predict_proba(X)
    assert probabilities.dtype == np.float32
    assert probabilities.shape == expected.shape
    np.testing.assert_allclose(probabilities, expected, rtol=0, atol=1e-5)
    if estimator.out_activation_ == "softmax":
        np.testing.assert_array_equal(
            estimator.classes_[probabilities.argmax(1)], estimator.predict(X)
        )


def assert_same_predictions(estimator, X):
    (predictions,) = run_onnx(to_onnx(estimator), X)
    expected = estimator.predict(X)
    assert predictions.dtype == np.float32
    assert predictions.shape == expected.shape
    np.testing.assert_allclose(predictions, expected, rtol=1e-5, atol=0)


def hidden_firing_rates(estimator, X):
    """The fraction of (step, sample, neuron) spikes of each hidden layer on ``X``."""
    module = estimator.net_.module_
    with torch.no_grad():
        layers = module.record(torch.from_numpy(X))[:-1]
    return [float(spikes.mean()) for spikes, _ in layers]


@pytest.mark.parametrize("input_bins", [0, 4])
@pytest.mark.parametrize("reset", ["subtract", "zero"])
@pytest.mark.parametrize("readout", READOUTS)
@pytest.mark.parametrize("encoder", DETERMINISTIC_ENCODERS)
def test_spiking_classifier_probabilities_match_on_held_out_data(
    encoder, readout, reset, input_bins
):
    clf = fitted(
        SpikingClassifier, encoder=encoder, readout=readout, reset=reset, input_bins=input_bins
    )
    assert_same_probabilities(clf, split()[1])


@pytest.mark.parametrize(
    ("encoder", "readout", "reset", "input_bins"),
    [
        ("direct", "mean", "subtract", 4),
        ("direct", "max", "zero", 0),
        ("population", "max", "subtract", 4),
        ("population", "mean", "zero", 0),
        ("latency", "mean", "zero", 4),
        ("latency", "max", "subtract", 0),
    ],
)
def test_spiking_regressor_predictions_match_on_held_out_data(encoder, readout, reset, input_bins):
    reg = fitted(
        SpikingRegressor,
        "single",
        encoder=encoder,
        readout=readout,
        reset=reset,
        input_bins=input_bins,
    )
    assert_same_predictions(reg, split()[1])


@pytest.mark.parametrize("encoder", DETERMINISTIC_ENCODERS)
def test_the_compared_networks_spike_neither_never_nor_always(encoder):
    # Without the default firing-rate penalty: the comparison needs busy layers.
    model = fitted(SpikingClassifier, encoder=encoder, spike_penalty=0.0)
    rates = hidden_firing_rates(model, split()[1])
    assert all(0.02 < rate < 0.98 for rate in rates), rates


@pytest.mark.parametrize("Estimator", [SpikingClassifier, NonSpikingClassifier])
def test_binary_probabilities_match(Estimator):
    assert_same_probabilities(fitted(Estimator, "binary"), split()[1])


@pytest.mark.parametrize("Estimator", [SpikingClassifier, NonSpikingClassifier])
def test_multilabel_probabilities_are_each_labels_sigmoid(Estimator):
    clf = fitted(Estimator, "multilabel")
    assert clf.out_activation_ == "logistic"
    assert_same_probabilities(clf, split()[1])


@pytest.mark.parametrize("input_bins", [0, 4])
def test_non_spiking_classifier_probabilities_match(input_bins):
    assert_same_probabilities(fitted(NonSpikingClassifier, input_bins=input_bins), split()[1])


@pytest.mark.parametrize("input_bins", [0, 4])
@pytest.mark.parametrize("Estimator", [SpikingRegressor, NonSpikingRegressor])
def test_multi_output_regression_matches_with_target_scaling(Estimator, input_bins):
    reg = fitted(Estimator, "multi", input_bins=input_bins)
    assert reg.n_outputs_ == 2
    assert_same_predictions(reg, split()[1])


@pytest.mark.parametrize("Estimator", [SpikingRegressor, NonSpikingRegressor])
def test_single_output_regression_is_one_dimensional(Estimator):
    (predictions,) = run_onnx(to_onnx(fitted(Estimator, "single")), split()[1])
    assert predictions.shape == (len(split()[1]),)


@pytest.mark.parametrize("n_steps", [2, 64])
def test_the_time_loop_unrolls_for_few_and_many_steps(n_steps):
    assert_same_probabilities(fitted(SpikingClassifier, n_steps=n_steps), split()[1])


def test_export_uses_the_clamped_decay_and_threshold():
    X_train, X_test, y_train, _ = split()
    clf = small(SpikingClassifier, learn_beta=True, learn_threshold=True).fit(X_train, y_train)
    neurons = clf.net_.module_.neurons[0]
    with torch.no_grad():
        neurons.beta[:4] = torch.tensor([1.5, -0.5, 0.3, 2.0])
        neurons.threshold[:2] = torch.tensor([-1.0, 1e-5])
    assert_same_probabilities(clf, X_test)


def test_features_with_few_distinct_values_export_their_fewer_bins():
    X_train, X_test, y_train, _ = split()
    few = np.c_[X_train[:, :3], np.zeros(len(X_train)), X_train[:, 3] > 0].astype(np.float32)
    clf = small(SpikingClassifier).fit(few, y_train)
    assert len(clf.net_.module_.embedding.feature) < 4 * few.shape[1]
    few_test = np.c_[X_test[:, :3], np.zeros(len(X_test)), X_test[:, 3] > 0].astype(np.float32)
    assert_same_probabilities(clf, few_test)


def test_a_loaded_model_exports():
    clf = pickle.loads(pickle.dumps(fitted(SpikingClassifier)))
    assert_same_probabilities(clf, split()[1])


def test_the_export_follows_the_fitted_network_not_later_parameters():
    clf = copy.deepcopy(fitted(SpikingClassifier))
    clf.set_params(encoder="rate", readout="max", n_steps=3)
    assert_same_probabilities(clf, split()[1])


def test_the_batch_dimension_is_dynamic():
    clf = fitted(SpikingClassifier)
    X_test = split()[1]
    model = to_onnx(clf)
    for rows in (X_test[:1], X_test[:7], np.tile(X_test, (20, 1))):
        (probabilities,) = run_onnx(model, rows)
        np.testing.assert_allclose(probabilities, clf.predict_proba(rows), rtol=0, atol=1e-5)


def test_the_model_takes_float32_features_and_names_its_output():
    model = to_onnx(fitted(SpikingClassifier))
    (x,) = model.graph.input
    (output,) = model.graph.output
    assert x.name == "X"
    assert x.type.tensor_type.elem_type == onnx.TensorProto.FLOAT
    assert x.type.tensor_type.shape.dim[1].dim_value == 5
    assert x.type.tensor_type.shape.dim[0].dim_param
    assert output.name == "probabilities"
    assert [opset.version for opset in model.opset_import] == [ONNX_OPSET]
    reg_model = to_onnx(fitted(SpikingRegressor, "single"))
    assert [output.name for output in reg_model.graph.output] == ["predictions"]


def test_write_onnx_writes_the_model_to_a_file(tmp_path):
    clf = fitted(SpikingClassifier)
    path = tmp_path / "model.onnx"
    model = write_onnx(clf, path)
    assert onnx.load(path) == model
    (probabilities,) = run_onnx(onnx.load(path), split()[1])
    np.testing.assert_allclose(probabilities, clf.predict_proba(split()[1]), rtol=0, atol=1e-5)


@pytest.mark.parametrize("encoder", ["rate", "noisy"])
def test_stochastic_encoders_are_refused(encoder):
    clf = fitted(SpikingClassifier, encoder=encoder, max_iter=1)
    with pytest.raises(ValueError, match=f"encoder='{encoder}' is stochastic"):
        to_onnx(clf)


@pytest.mark.parametrize("Estimator", [SpikingClassifier, NonSpikingRegressor])
def test_an_unfitted_estimator_is_refused(Estimator):
    with pytest.raises(NotFittedError):
        to_onnx(Estimator())


def test_a_pipeline_is_refused_with_a_pointer_to_skl2onnx():
    X_train, _, y_train, _ = split()
    pipeline = make_pipeline(StandardScaler(), small(SpikingClassifier)).fit(X_train, y_train)
    with pytest.raises(TypeError, match="register_skl2onnx"):
        to_onnx(pipeline)


def test_other_estimators_are_refused():
    with pytest.raises(TypeError, match="got StandardScaler"):
        to_onnx(StandardScaler().fit(split()[0]))


def test_a_missing_onnx_names_the_extra(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r"snn-sklearn\[onnx\]"):
        to_onnx(fitted(SpikingClassifier))


def test_a_float64_model_exports_in_float32():
    X_train, X_test, y_train, _ = split()
    clf = small(SpikingClassifier, dtype="float64").fit(X_train.astype(np.float64), y_train)
    (probabilities,) = run_onnx(to_onnx(clf), X_test)
    assert probabilities.dtype == np.float32
    np.testing.assert_allclose(probabilities, clf.predict_proba(X_test), rtol=0, atol=1e-4)


# ---------------------------------------------------------------- skl2onnx


def skl2onnx_model(pipeline, X, **options):
    register_skl2onnx()
    return skl2onnx.to_onnx(pipeline, X[:1], **options)


def raw_split():
    """:func:`split`'s data before standardisation: far from zero mean and unit scale."""
    X_train, X_test, y_train, y_test = split()
    return X_train * 10.0 + 3.0, X_test * 10.0 + 3.0, y_train, y_test


@pytest.mark.parametrize("Estimator", [SpikingClassifier, NonSpikingClassifier])
def test_a_scaled_classifier_pipeline_converts_with_skl2onnx(Estimator):
    X_train, X_test, y_train, _ = raw_split()
    pipeline = make_pipeline(StandardScaler(), small(Estimator)).fit(X_train, y_train)
    model = skl2onnx_model(pipeline, X_train, options={"zipmap": False})
    labels, probabilities = run_onnx(model, X_test)
    np.testing.assert_array_equal(labels, pipeline.predict(X_test))
    np.testing.assert_allclose(probabilities, pipeline.predict_proba(X_test), rtol=0, atol=1e-5)


def test_skl2onnx_labels_are_the_string_classes():
    X_train, X_test, y_train, _ = raw_split()
    names = np.array(["setosa", "versicolor", "virginica"])
    pipeline = make_pipeline(StandardScaler(), small(SpikingClassifier, max_iter=3))
    pipeline.fit(X_train, names[y_train])
    labels, _ = run_onnx(skl2onnx_model(pipeline, X_train, options={"zipmap": False}), X_test)
    np.testing.assert_array_equal(labels, pipeline.predict(X_test))


def test_skl2onnx_nocl_labels_are_class_indices():
    X_train, X_test, y_train, _ = raw_split()
    names = np.array(["setosa", "versicolor", "virginica"])
    pipeline = make_pipeline(StandardScaler(), small(SpikingClassifier, max_iter=3))
    pipeline.fit(X_train, names[y_train])
    options = {"zipmap": False, "nocl": True}
    labels, _ = run_onnx(skl2onnx_model(pipeline, X_train, options=options), X_test)
    np.testing.assert_array_equal(names[labels], pipeline.predict(X_test))


def test_skl2onnx_zipmap_gives_a_dictionary_per_sample():
    X_train, X_test, y_train, _ = raw_split()
    pipeline = make_pipeline(StandardScaler(), small(SpikingClassifier)).fit(X_train, y_train)
    labels, dictionaries = run_onnx(skl2onnx_model(pipeline, X_train), X_test)
    expected = pipeline.predict_proba(X_test)
    np.testing.assert_array_equal(labels, pipeline.predict(X_test))
    zipped = np.array([[row[c] for c in pipeline.classes_] for row in dictionaries])
    np.testing.assert_allclose(zipped, expected, rtol=0, atol=1e-5)


def test_skl2onnx_multilabel_labels_are_the_indicator_matrix():
    X_train, X_test, _, _ = raw_split()
    pipeline = make_pipeline(StandardScaler(), small(SpikingClassifier))
    pipeline.fit(X_train, (split()[0][:, :3] > 0).astype(int))
    labels, probabilities = run_onnx(
        skl2onnx_model(pipeline, X_train, options={"zipmap": False}), X_test
    )
    np.testing.assert_array_equal(labels, pipeline.predict(X_test))
    np.testing.assert_allclose(probabilities, pipeline.predict_proba(X_test), rtol=0, atol=1e-5)


@pytest.mark.parametrize("n_outputs", [1, 2])
@pytest.mark.parametrize("Estimator", [SpikingRegressor, NonSpikingRegressor])
def test_a_scaled_regressor_pipeline_converts_with_skl2onnx(Estimator, n_outputs):
    X_train, X_test, _, _ = raw_split()
    y_train = regression_targets(split()[0], n_outputs)
    pipeline = make_pipeline(StandardScaler(), small(Estimator)).fit(X_train, y_train)
    (predictions,) = run_onnx(skl2onnx_model(pipeline, X_train), X_test)
    assert predictions.shape == (len(X_test), n_outputs)
    expected = pipeline.predict(X_test).reshape(len(X_test), n_outputs)
    np.testing.assert_allclose(predictions, expected, rtol=1e-5, atol=0)


def test_skl2onnx_refuses_opsets_before_13():
    X_train, _, y_train, _ = raw_split()
    pipeline = make_pipeline(StandardScaler(), small(SpikingClassifier)).fit(X_train, y_train)
    with pytest.raises(ValueError, match="opset 13 or later"):
        skl2onnx_model(pipeline, X_train, target_opset=12)
