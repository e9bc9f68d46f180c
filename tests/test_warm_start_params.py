"""Parameters changed between warm-started fits are applied, or refused with a clear error.

``warm_start=True`` and ``partial_fit`` continue the fitted network. Each call
configures its training from the current parameters, as MLPClassifier uses a
new ``learning_rate_init``; a parameter that fixes the network's structure
cannot change without a new network, and a new value of it is refused.
"""

import pickle

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal
from sklearn.base import is_classifier

from snn_sklearn import (
    NonSpikingClassifier,
    NonSpikingRegressor,
    SpikingClassifier,
    SpikingRegressor,
)
from snn_sklearn.activity import record
from snn_sklearn.neurons import LIF
from snn_sklearn.persistence import dump, load

ESTIMATORS = [SpikingClassifier, SpikingRegressor, NonSpikingClassifier, NonSpikingRegressor]
all_estimators = pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda cls: cls.__name__)


@pytest.fixture(scope="module")
def data():
    X = np.random.RandomState(0).normal(size=(60, 4))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int), X @ [1.0, -2.0, 0.5, 0.0]


def fitted(tiny, Estimator, data, **params):
    """A tiny model fitted once with ``warm_start=True`` and ``params``."""
    model = tiny(Estimator, warm_start=True, **params)
    return model.fit(*xy(model, data))


def xy(model, data):
    X, labels, values = data
    return X, labels if is_classifier(model) else values


def outputs(model, X):
    return model.predict_proba(X) if is_classifier(model) else model.predict(X)


def groups_by_decay(model):
    """The optimizer's parameter groups: those with L2 decay, those without."""
    module = model.net_.module_
    exempt = {id(p) for name, p in module.named_parameters() if name.endswith("bias")}
    groups = model.net_.optimizer_.param_groups
    decaying = [g for g in groups if not all(id(p) in exempt for p in g["params"])]
    return decaying, [g for g in groups if g not in decaying]


# ------------------------------------------------------------------ applied


@all_estimators
def test_a_new_learning_rate_init_is_what_the_optimizer_holds(tiny, Estimator, data):
    model = fitted(tiny, Estimator, data, learning_rate="constant")
    model.set_params(learning_rate_init=0.05).fit(*xy(model, data))
    assert {group["lr"] for group in model.net_.optimizer_.param_groups} == {0.05}


@all_estimators
def test_a_fit_continued_with_a_new_learning_rate_differs_from_one_without(tiny, Estimator, data):
    same, changed = (fitted(tiny, Estimator, data) for _ in range(2))
    same.fit(*xy(same, data))
    changed.set_params(learning_rate_init=0.05).fit(*xy(changed, data))
    assert not np.array_equal(outputs(same, data[0]), outputs(changed, data[0]))


def test_partial_fit_takes_a_new_learning_rate_init(tiny, data):
    X, labels, _ = data
    model = tiny(SpikingClassifier, learning_rate="constant").partial_fit(X, labels, [0, 1])
    model.set_params(learning_rate_init=0.05).partial_fit(X, labels)
    assert {group["lr"] for group in model.net_.optimizer_.param_groups} == {0.05}


def test_a_new_learning_rate_init_keeps_the_adam_moments(tiny, data):
    model = fitted(tiny, SpikingClassifier, data, max_iter=1)
    before = {id(p): state["step"].item() for p, state in model.net_.optimizer_.state.items()}
    model.set_params(learning_rate_init=0.05).fit(*xy(model, data))
    after = {id(p): state["step"].item() for p, state in model.net_.optimizer_.state.items()}
    assert before.keys() == after.keys()
    batches = len(model.history_[-1]["batches"])
    assert all(after[key] == before[key] + batches for key in before)


@all_estimators
def test_a_new_alpha_is_the_weight_decay_of_the_decaying_groups_only(tiny, Estimator, data):
    model = fitted(tiny, Estimator, data)
    model.set_params(alpha=0.25).fit(*xy(model, data))
    decaying, exempt = groups_by_decay(model)
    assert decaying and exempt
    assert {group["weight_decay"] for group in decaying} == {0.25}
    assert {group["weight_decay"] for group in exempt} == {0.0}


# A tol no epoch can beat stops a run at its third epoch, after n_iter_no_change=2 misses.
STALLING = {"tol": 1e9, "n_iter_no_change": 2, "learning_rate": "constant", "max_iter": 50}


def epochs_of_next_fit(model, data, **params):
    before = model.n_iter_
    model.set_params(**params).fit(*xy(model, data))
    return model.n_iter_ - before


def test_a_new_tol_stops_the_continued_fit(tiny, data):
    model = fitted(tiny, NonSpikingClassifier, data, **{**STALLING, "tol": 0.0, "max_iter": 2})
    assert epochs_of_next_fit(model, data, tol=1e9, max_iter=50) == 3


def test_a_new_n_iter_no_change_stops_the_continued_fit(tiny, data):
    settings = {**STALLING, "n_iter_no_change": 40, "max_iter": 2}
    model = fitted(tiny, SpikingClassifier, data, **settings)
    assert epochs_of_next_fit(model, data, n_iter_no_change=2, max_iter=50) == 3


def test_a_new_adaptive_learning_rate_decays_before_stopping(tiny, data):
    model = fitted(tiny, SpikingClassifier, data, **STALLING)
    # The first stall divides the rate by 5, the second stops.
    assert epochs_of_next_fit(model, data, learning_rate="adaptive") == 5
    lr = model.learning_rate_init / 5
    assert {group["lr"] for group in model.net_.optimizer_.param_groups} == {lr}


def test_a_new_max_iter_is_the_length_of_the_continued_fit(tiny, data):
    model = fitted(tiny, NonSpikingClassifier, data, tol=0.0)
    assert epochs_of_next_fit(model, data, max_iter=3) == 3


def test_turning_shuffle_off_stops_drawing_batch_orders(tiny, data):
    # The dense network draws nothing else from the generator on the CPU.
    model = fitted(tiny, NonSpikingClassifier, data, shuffle=True)
    state = model._generator.get_state()
    model.set_params(shuffle=False).fit(*xy(model, data))
    assert torch.equal(model._generator.get_state(), state)


@all_estimators
def test_a_new_batch_size_sets_the_batches_of_the_continued_fit(tiny, Estimator, data):
    model = fitted(tiny, Estimator, data, batch_size=60)
    model.set_params(batch_size=16).fit(*xy(model, data))
    assert [len(epoch["batches"]) for epoch in model.history_] == [1, 1, 4, 4]


def test_turning_early_stopping_on_holds_out_a_validation_split(tiny, data):
    model = fitted(tiny, SpikingClassifier, data, early_stopping=False)
    assert model.validation_scores_ is None
    model.set_params(early_stopping=True).fit(*xy(model, data))
    assert len(model.validation_scores_) == 2


def test_a_new_validation_fraction_is_the_size_of_the_split(tiny, data):
    model = fitted(tiny, SpikingClassifier, data, early_stopping=True)
    with pytest.raises(ValueError, match="validation_fraction=0.01 of the 60 samples"):
        model.set_params(validation_fraction=0.01).fit(*xy(model, data))


def test_a_new_random_state_reseeds_the_continued_fit(tiny, data):
    runs = []
    for random_state in (0, 1, 1):
        model = fitted(tiny, SpikingClassifier, data, encoder="rate")
        model.set_params(random_state=random_state).fit(*xy(model, data))
        runs.append(outputs(model, data[0]))
    assert not np.array_equal(runs[0], runs[1])
    assert_array_equal(runs[1], runs[2])


@pytest.mark.parametrize("Estimator", [SpikingClassifier, SpikingRegressor])
def test_a_new_spike_penalty_enters_the_continued_training_loss(tiny, Estimator, data):
    model = fitted(tiny, Estimator, data, spike_penalty=0.0)
    assert not any("penalty" in batch for epoch in model.history_ for batch in epoch["batches"])
    model.set_params(spike_penalty=0.5).fit(*xy(model, data))
    assert all("penalty" in batch for batch in model.history_[-1]["batches"])


@pytest.mark.parametrize("readout", ["mean", "spike_count"])
def test_a_new_beta_is_the_decay_of_every_neuron(tiny, data, readout):
    model = fitted(tiny, SpikingClassifier, data, readout=readout)
    model.set_params(beta=0.5).fit(*xy(model, data))
    module = model.net_.module_
    betas = [neurons.beta for neurons in module.modules() if isinstance(neurons, LIF)]
    assert len(betas) == (2 if readout == "spike_count" else 1)
    assert all(bool((beta == 0.5).all()) for beta in betas)
    if readout == "mean":
        assert module.readout.beta == 0.5


def test_a_new_threshold_is_the_threshold_of_every_neuron(tiny, data):
    model = fitted(tiny, SpikingClassifier, data, readout="spike_count")
    model.set_params(threshold=0.25).fit(*xy(model, data))
    thresholds = [n.threshold for n in model.net_.module_.modules() if isinstance(n, LIF)]
    assert all(bool((threshold == 0.25).all()) for threshold in thresholds)


@pytest.mark.parametrize("name, value", [("beta", 0.5), ("threshold", 0.25), ("n_steps", 3)])
def test_a_new_time_constant_changes_the_continued_fit(tiny, data, name, value):
    same, changed = (fitted(tiny, SpikingClassifier, data) for _ in range(2))
    same.fit(*xy(same, data))
    changed.set_params(**{name: value}).fit(*xy(changed, data))
    assert not np.array_equal(outputs(same, data[0]), outputs(changed, data[0]))


def test_a_new_n_steps_is_how_long_the_network_runs(tiny, data):
    model = fitted(tiny, SpikingRegressor, data)
    model.set_params(n_steps=5).fit(*xy(model, data))
    assert model.net_.module_.n_steps == 5
    assert record(model, data[0][:3])[0]["membrane"].shape == (3, 5, 4)


def test_predict_uses_the_fitted_n_steps_until_the_next_fit(tiny, data):
    model = fitted(tiny, SpikingRegressor, data)
    before = model.predict(data[0])
    model.set_params(n_steps=5)
    assert_array_equal(model.predict(data[0]), before)


@all_estimators
def test_setting_every_parameter_to_its_value_changes_nothing(tiny, Estimator, data):
    untouched, reset = (fitted(tiny, Estimator, data) for _ in range(2))
    reset.set_params(**reset.get_params())
    for model in (untouched, reset):
        model.fit(*xy(model, data))
    assert_array_equal(outputs(reset, data[0]), outputs(untouched, data[0]))


def test_hidden_layer_sizes_given_as_an_int_is_the_same_structure(tiny, data):
    model = fitted(tiny, SpikingClassifier, data)
    before = model.n_iter_
    model.set_params(hidden_layer_sizes=4).fit(*xy(model, data))
    assert model.n_iter_ == before + 2


@pytest.mark.parametrize("format", ["pickle", "skops"])
def test_a_model_saved_after_applying_new_settings_continues_exactly(tiny, data, format, tmp_path):
    new = {"n_steps": 3, "beta": 0.6, "threshold": 0.8, "learning_rate_init": 0.01, "alpha": 0.1}
    model = fitted(tiny, SpikingClassifier, data).set_params(**new)
    model.fit(*xy(model, data))
    loaded = load(dump(model, tmp_path / f"model.{format}", format=format), allow_pickle=True)
    assert_array_equal(outputs(loaded, data[0]), outputs(model, data[0]))
    for continued in (model, loaded):
        continued.fit(*xy(continued, data))
    assert_array_equal(outputs(loaded, data[0]), outputs(model, data[0]))


def test_a_warm_fit_that_fails_leaves_the_fitted_settings(tiny, data):
    model = fitted(tiny, SpikingClassifier, data, early_stopping=True)
    before = outputs(model, data[0])
    model.set_params(n_steps=3, learning_rate_init=0.05, validation_fraction=0.01)
    with pytest.raises(ValueError, match="validation_fraction"):
        model.fit(*xy(model, data))
    assert model.net_.module_.n_steps == 2
    assert {group["lr"] for group in model.net_.optimizer_.param_groups} == {2e-3}
    assert_array_equal(outputs(model, data[0]), before)
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(outputs(restored, data[0]), before)


# ----------------------------------------------------------------- refused

STRUCTURAL = [
    (SpikingClassifier, "hidden_layer_sizes", (4,), (5,)),
    (NonSpikingRegressor, "hidden_layer_sizes", (4,), (4, 4)),
    (SpikingClassifier, "input_bins", 16, 8),
    (NonSpikingClassifier, "input_bins", 16, 0),
    (SpikingRegressor, "dtype", "float64", "float32"),
    (NonSpikingClassifier, "dtype", "float64", "float32"),
    (SpikingClassifier, "encoder", "direct", "rate"),
    (SpikingClassifier, "readout", "mean", "max"),
    (SpikingRegressor, "reset", "subtract", "zero"),
    (SpikingClassifier, "surrogate", "fast_sigmoid", "atan"),
    (SpikingClassifier, "surrogate_slope", 25.0, 5.0),
    (SpikingClassifier, "learn_beta", False, True),
    (SpikingRegressor, "learn_threshold", False, True),
]


@pytest.mark.parametrize(
    "Estimator, name, fitted_value, new_value",
    STRUCTURAL,
    ids=[f"{cls.__name__}-{name}" for cls, name, *_ in STRUCTURAL],
)
@pytest.mark.parametrize("call", ["fit", "partial_fit"])
def test_a_structural_change_is_refused_naming_both_values(
    tiny, data, Estimator, name, fitted_value, new_value, call
):
    model = fitted(tiny, Estimator, data, **{name: fitted_value})
    before = outputs(model, data[0])
    model.set_params(**{name: new_value})
    message = (
        rf"{name} was {fitted_value!r} when {Estimator.__name__} was fitted and is now "
        rf"{new_value!r}.*Set warm_start=False and call fit"
    )
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        getattr(model, call)(*xy(model, data))
    assert_array_equal(outputs(model, data[0]), before)
    model.set_params(warm_start=False).fit(*xy(model, data))


@pytest.mark.parametrize("name, value", [("beta", 0.5), ("threshold", 0.5)])
def test_a_new_initial_value_of_a_learned_constant_is_refused(tiny, data, name, value):
    model = fitted(tiny, SpikingClassifier, data, **{f"learn_{name}": True})
    with pytest.raises(ValueError, match=f"{name} was .* and is now {value}"):
        model.set_params(**{name: value}).fit(*xy(model, data))


def test_a_new_number_of_features_is_refused(tiny, data):
    model = fitted(tiny, SpikingClassifier, data)
    with pytest.raises(ValueError, match="features"):
        model.fit(data[0][:, :3], data[1])
