"""Saved models load back exactly, safely, across devices, and refuse damaged or foreign files."""

import functools
import pickle
import warnings

import numpy as np
import pytest
import skops.io
import torch
from numpy.testing import assert_array_equal
from sklearn.base import BaseEstimator, TransformerMixin, clone, is_classifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.validation import check_is_fitted
from skorch import NeuralNet
from skorch.history import History

import snn_sklearn
from snn_sklearn import (
    NonSpikingClassifier,
    NonSpikingRegressor,
    SpikingClassifier,
    SpikingRegressor,
)
from snn_sklearn.persistence import IncompatibleVersionError, dump, load, trusted_types

ESTIMATORS = [SpikingClassifier, SpikingRegressor, NonSpikingClassifier, NonSpikingRegressor]
all_estimators = pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda cls: cls.__name__)
both_formats = pytest.mark.parametrize("format", ["skops", "pickle"])


@pytest.fixture(scope="module")
def tiny(tiny):
    """Tiny models of one hidden layer of 8, 3 epochs in batches of 16, 3 steps, in float32."""
    return functools.partial(
        tiny, hidden_layer_sizes=(8,), max_iter=3, batch_size=16, n_steps=3, dtype="float32"
    )


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 3))
    return X, np.where(X[:, 0] + X[:, 1] > 0, "yes", "no"), X @ [1.0, -2.0, 0.5]


def fit(model, data):
    X, labels, values = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return model.fit(X, labels if is_classifier(model) else values)


def outputs(model, X):
    if hasattr(model, "predict_proba"):
        return model.predict(X), model.predict_proba(X)
    return (model.predict(X),)


def round_trip(model, tmp_path, format):
    path = dump(model, tmp_path / f"model.{format}", format=format)
    return load(path, allow_pickle=format == "pickle")


def assert_same_outputs(loaded, model, X):
    for got, expected in zip(outputs(loaded, X), outputs(model, X), strict=True):
        assert_array_equal(got, expected)


class Doubler(TransformerMixin, BaseEstimator):
    """A transformer that snn_sklearn does not know, so skops does not trust it."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return 2 * X


# ---------------------------------------------------------------- round trips


@both_formats
@all_estimators
def test_round_trip_predicts_exactly_as_before(Estimator, format, data, tmp_path, tiny):
    model = fit(tiny(Estimator), data)
    assert_same_outputs(round_trip(model, tmp_path, format), model, data[0])


@both_formats
def test_pipeline_round_trip_predicts_exactly_as_before(format, data, tmp_path, tiny):
    model = fit(make_pipeline(StandardScaler(), tiny(SpikingClassifier)), data)
    assert_same_outputs(round_trip(model, tmp_path, format), model, data[0])


@all_estimators
def test_skops_file_holds_only_trusted_types(Estimator, data, tmp_path, tiny):
    path = dump(fit(tiny(Estimator), data), tmp_path / "model.skops")
    assert set(skops.io.get_untrusted_types(file=path)) <= set(trusted_types())


def test_state_holds_no_torch_or_skorch_object(data, tiny):
    state = fit(tiny(SpikingClassifier), data).__getstate__()
    leaves = list(_leaves(state))
    assert not [
        leaf for leaf in leaves if type(leaf).__module__.split(".")[0] in ("torch", "skorch")
    ]


def _leaves(value):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


def test_trusted_types_are_the_four_estimators_and_numpy_dtype():
    estimators = sorted(f"{cls.__module__}.{cls.__name__}" for cls in ESTIMATORS)
    assert trusted_types() == [*estimators, "numpy.dtype"]


@both_formats
def test_loaded_model_exposes_its_net_and_history(format, data, tmp_path, tiny):
    model = fit(tiny(SpikingRegressor), data)
    loaded = round_trip(model, tmp_path, format)
    assert isinstance(loaded.net_, NeuralNet)
    assert isinstance(loaded.history_, History)
    assert loaded.history_[:, "train_loss"] == model.history_[:, "train_loss"]


def test_loaded_model_is_fitted_and_clones_to_the_same_parameters(data, tmp_path, tiny):
    model = fit(tiny(NonSpikingClassifier), data)
    loaded = round_trip(model, tmp_path, "skops")
    check_is_fitted(loaded)
    assert clone(loaded).get_params() == model.get_params()


def test_unfitted_model_round_trips_its_parameters(tmp_path, tiny):
    model = tiny(SpikingClassifier, encoder="rate")
    loaded = round_trip(model, tmp_path, "skops")
    assert loaded.get_params() == model.get_params()
    assert not hasattr(loaded, "net_")


def test_parameters_changed_after_fit_do_not_change_the_loaded_network(data, tmp_path, tiny):
    model = fit(tiny(SpikingClassifier), data).set_params(n_steps=7)
    assert_same_outputs(round_trip(model, tmp_path, "skops"), model, data[0])


# ---------------------------------------------------------- continued training


@both_formats
@pytest.mark.parametrize("Estimator", [SpikingClassifier, NonSpikingRegressor], ids=str)
def test_partial_fit_after_loading_continues_exactly(Estimator, format, data, tmp_path, tiny):
    X, labels, values = data
    y = labels if Estimator is SpikingClassifier else values
    params = {"encoder": "noisy"} if Estimator is SpikingClassifier else {}
    model = fit(tiny(Estimator, **params), data)
    loaded = round_trip(model, tmp_path, format)
    model.partial_fit(X, y)
    loaded.partial_fit(X, y)
    assert loaded.loss_curve_ == model.loss_curve_
    assert_same_outputs(loaded, model, X)


def test_warm_start_fit_after_loading_continues_exactly(data, tmp_path, tiny):
    X, labels, _ = data
    params = {"warm_start": True, "early_stopping": True, "validation_fraction": 0.25}
    model = fit(tiny(SpikingClassifier, **params), data)
    loaded = round_trip(model, tmp_path, "skops")
    fit(model, data)
    fit(loaded, data)
    assert loaded.validation_scores_ == model.validation_scores_
    assert_same_outputs(loaded, model, X)


# ---------------------------------------------------------------- GPU to CPU


def saved_on_cuda(model):
    """``model`` as it would be saved after fitting with device="cuda"."""
    state = model.__getstate__()
    state["device"] = state["device_"] = state["_fitted_params"]["device"] = "cuda"
    faked = type(model).__new__(type(model))
    faked.__setstate__(state)
    return faked


def test_model_saved_on_cuda_predicts_on_a_cpu_only_machine(data, tmp_path, monkeypatch, tiny):
    model = fit(tiny(SpikingClassifier), data)
    path = dump(saved_on_cuda(model), tmp_path / "model.skops")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    loaded = load(path)
    with pytest.warns(UserWarning, match="fitted on device='cuda'.*restored on the CPU"):
        proba = loaded.predict_proba(data[0])
    assert_array_equal(proba, model.predict_proba(data[0]))


def test_model_saved_on_cuda_trains_on_after_switching_to_cpu(data, tmp_path, monkeypatch, tiny):
    X, labels, _ = data
    model = fit(tiny(SpikingClassifier), data)
    path = dump(saved_on_cuda(model), tmp_path / "model.skops")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    loaded = load(path)
    with pytest.raises(ValueError, match="device='cuda' was requested"):
        loaded.partial_fit(X, labels)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded.set_params(device="cpu").partial_fit(X, labels)
    model.partial_fit(X, labels)
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


# ----------------------------------------------------------------- refusals


def test_pickle_file_is_refused_without_allow_pickle(data, tmp_path, tiny):
    path = dump(fit(tiny(NonSpikingRegressor), data), tmp_path / "model.joblib", format="pickle")
    with pytest.raises(ValueError, match="pickle file.*allow_pickle=True"):
        load(path)


def test_untrusted_type_is_refused_with_the_names_to_trust(data, tmp_path, tiny):
    model = fit(make_pipeline(Doubler(), tiny(SpikingClassifier)), data)
    with pytest.warns(UserWarning, match="test_persistence.Doubler"):
        path = dump(model, tmp_path / "model.skops")
    with pytest.raises(ValueError, match=r"not trusted: \['test_persistence.Doubler'\].*trusted="):
        load(path)


def test_type_passed_as_trusted_loads(data, tmp_path, tiny):
    model = fit(make_pipeline(Doubler(), tiny(SpikingClassifier)), data)
    with pytest.warns(UserWarning):
        path = dump(model, tmp_path / "model.skops")
    loaded = load(path, trusted=["test_persistence.Doubler"])
    assert_same_outputs(loaded, model, data[0])


def test_trusted_given_as_one_string_is_refused(tmp_path):
    with pytest.raises(TypeError, match="list of type names"):
        load(tmp_path / "model.skops", trusted="test_persistence.Doubler")


def test_unknown_format_is_refused(tmp_path, tiny):
    with pytest.raises(ValueError, match="format must be one of"):
        dump(tiny(SpikingClassifier), tmp_path / "model.bin", format="torch")


@both_formats
def test_truncated_file_is_not_a_valid_model_file(format, data, tmp_path, tiny):
    path = dump(fit(tiny(SpikingClassifier), data), tmp_path / "model", format=format)
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])
    with pytest.raises(ValueError, match="not a valid snn_sklearn model file"):
        load(path, allow_pickle=True)


@both_formats
def test_corrupted_file_is_not_a_valid_model_file(format, data, tmp_path, tiny):
    path = dump(fit(tiny(SpikingClassifier), data), tmp_path / "model", format=format)
    content = bytearray(path.read_bytes())
    middle = len(content) // 2
    content[middle : middle + 64] = bytes(64)
    path.write_bytes(bytes(content))
    with pytest.raises(ValueError, match="not a valid snn_sklearn model file"):
        load(path, allow_pickle=True)


def test_file_of_another_kind_is_not_a_valid_model_file(tmp_path):
    path = tmp_path / "model.skops"
    path.write_text("hidden_layer_sizes: 8\n")
    with pytest.raises(ValueError, match="not a valid snn_sklearn model file"):
        load(path)


@both_formats
def test_file_from_another_version_names_both_versions(format, data, tmp_path, monkeypatch, tiny):
    model = fit(tiny(NonSpikingClassifier), data)
    with monkeypatch.context() as patch:
        patch.setattr(snn_sklearn._version, "__version__", "0.0.1")
        path = dump(model, tmp_path / "model", format=format)
    message = (
        f"saved by snn_sklearn 0.0.1 and cannot be loaded by snn_sklearn {snn_sklearn.__version__}"
    )
    with pytest.raises(IncompatibleVersionError, match=message):
        load(path, allow_pickle=True)


def test_plain_pickle_of_another_version_is_refused(data, monkeypatch, tiny):
    model = fit(tiny(NonSpikingClassifier), data)
    with monkeypatch.context() as patch:
        patch.setattr(snn_sklearn._version, "__version__", "0.0.1")
        blob = pickle.dumps(model)
    with pytest.raises(IncompatibleVersionError, match="0.0.1"):
        pickle.loads(blob)
