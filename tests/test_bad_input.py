"""Bad input gets a clear error, never a torch error, a hang or a silent NaN.

Every estimator method and public function is fed broken data and every parameter is
set at and past its limits. A refusal is a ``ValueError`` or ``TypeError`` whose
message names the problem (asserted by a fragment of it); a fitted model predicts
exactly as before after any call that failed. Input that is extreme but valid (huge
values, constant features, one sample for a regressor) gives finite predictions.

Complements tests/test_sklearn_integration.py (hand-picked bad parameters, NaN
features), tests/test_failed_calls.py and tests/test_divergence.py.
"""

import copy
import math
import warnings
from numbers import Integral

import numpy as np
import pytest
import scipy.sparse as sp
import torch
from sklearn.base import ClassifierMixin
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.utils._param_validation import Interval, StrOptions, make_constraint

from snn_sklearn import (
    NonSpikingClassifier,
    NonSpikingRegressor,
    SpikingClassifier,
    SpikingRegressor,
    compare_models,
    datasets,
)
from snn_sklearn.activity import activity_report, record
from snn_sklearn.cli import main
from snn_sklearn.metrics import pearson_r, root_mean_squared_relative_error

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ESTIMATORS = (SpikingClassifier, SpikingRegressor, NonSpikingClassifier, NonSpikingRegressor)
SPIKING = (SpikingClassifier, SpikingRegressor)
N_SAMPLES, N_FEATURES = 20, 3
FLOAT32_MAX = float(np.finfo(np.float32).max)


def is_classifier(estimator):
    """Whether an estimator or estimator class is a classifier."""
    cls = estimator if isinstance(estimator, type) else type(estimator)
    return issubclass(cls, ClassifierMixin)


def _name(value):
    return getattr(value, "__name__", None)


all_estimators = pytest.mark.parametrize("Estimator", ESTIMATORS, ids=_name)


def data(Estimator):
    X = np.random.RandomState(0).randn(N_SAMPLES, N_FEATURES)
    y = np.arange(N_SAMPLES) % 2 if is_classifier(Estimator) else X[:, 0] + X[:, 1]
    return X, y


def outputs(model, X):
    return model.predict_proba(X) if is_classifier(model) else model.predict(X)


_FITTED = {}


@pytest.fixture
def fitted(request, tiny):
    """A fitted tiny model of the test's ``Estimator``, its data and its predictions.

    Fitted once per estimator class; each test gets its own copy to break.
    """
    Estimator = request.getfixturevalue("Estimator")
    if Estimator not in _FITTED:
        X, y = data(Estimator)
        _FITTED[Estimator] = tiny(Estimator).fit(X, y)
    model = copy.deepcopy(_FITTED[Estimator])
    X, y = data(Estimator)
    return model, X, y, outputs(model, X)


def assert_unchanged(model, X, before):
    np.testing.assert_array_equal(outputs(model, X), before)


# --------------------------------------------------------------- bad training data


def _with(X, row=0, column=0, value=np.nan):
    X = np.array(X, dtype=np.float64)
    X[row, column] = value
    return X


# (id, make(X, y) -> (X, y, fit keyword arguments), exception, message fragment)
BAD_FIT_DATA = [
    ("NaN in X", lambda X, y: (_with(X), y, {}), ValueError, "Input X contains NaN"),
    ("inf in X", lambda X, y: (_with(X, value=np.inf), y, {}), ValueError, "X contains infinity"),
    ("NaN in y", lambda X, y: (X, _with(y[:, None])[:, 0], {}), ValueError, "y contains NaN"),
    (
        "inf in y",
        lambda X, y: (X, _with(y[:, None], value=-np.inf)[:, 0], {}),
        ValueError,
        "y contains infinity",
    ),
    ("empty X", lambda X, y: (X[:0], y[:0], {}), ValueError, "0 sample"),
    ("no features", lambda X, y: (X[:, :0], y, {}), ValueError, "0 feature"),
    ("X and y lengths differ", lambda X, y: (X, y[:-3], {}), ValueError, "inconsistent numbers"),
    ("1-D X", lambda X, y: (X[:, 0], y, {}), ValueError, "Expected 2D array"),
    ("3-D X", lambda X, y: (X[:, :, None], y, {}), ValueError, "dim 3"),
    ("complex X", lambda X, y: (X + 1j, y, {}), ValueError, "Complex data not supported"),
    (
        "string column",
        lambda X, y: (np.c_[X.astype(object), np.full(len(X), "red", dtype=object)], y, {}),
        ValueError,
        "could not convert string to float",
    ),
    # Sparse X is accepted (tests/test_sparse.py) and validated as dense X is.
    (
        "NaN in sparse X",
        lambda X, y: (sp.csr_matrix(_with(X)), y, {}),
        ValueError,
        "Input X contains NaN",
    ),
    ("y is None", lambda X, y: (X, None, {}), ValueError, "requires y to be passed"),
    ("complex y", lambda X, y: (X, y + 1j, {}), ValueError, "Complex data not supported"),
    ("3-D y", lambda X, y: (X, y[:, None, None], {}), ValueError, "dim 3"),
    (
        "sample_weight of the wrong length",
        lambda X, y: (X, y, {"sample_weight": np.ones(len(y) - 1)}),
        ValueError,
        "sample_weight",
    ),
    (
        "NaN sample_weight",
        lambda X, y: (X, y, {"sample_weight": _with(np.ones((len(y), 1)))[:, 0]}),
        ValueError,
        "sample_weight contains NaN",
    ),
    (
        "all sample_weight zero",
        lambda X, y: (X, y, {"sample_weight": np.zeros(len(y))}),
        ValueError,
        "non-zero",
    ),
]
BAD_CLASSIFIER_DATA = [
    ("one class", lambda X, y: (X, np.zeros(len(y)), {}), ValueError, "at least 2 classes"),
    ("continuous y", lambda X, y: (X, X[:, 0], {}), ValueError, "Unknown label type: continuous"),
    (
        "mixed label types",
        lambda X, y: (X, np.array([0, "a"] * (len(y) // 2), dtype=object), {}),
        ValueError,
        "Unknown label type",
    ),
]
BAD_REGRESSOR_DATA = [
    (
        "string y",
        lambda X, y: (X, np.array(["a", "b"] * (len(y) // 2)), {}),
        ValueError,
        "could not convert string to float",
    ),
]


def _bad_data_cases(method):
    cases = []
    for Estimator in ESTIMATORS:
        extra = BAD_CLASSIFIER_DATA if is_classifier(Estimator) else BAD_REGRESSOR_DATA
        for case_id, make, error, match in BAD_FIT_DATA + extra:
            if method == "partial_fit" and case_id == "one class" and is_classifier(Estimator):
                continue  # an incremental call may hold one class of those fitted
            cases.append(
                pytest.param(Estimator, make, error, match, id=f"{Estimator.__name__}-{case_id}")
            )
    return cases


@pytest.mark.parametrize("Estimator, make, error, match", _bad_data_cases("fit"))
def test_bad_training_data_is_refused_by_fit_and_the_model_kept(
    Estimator, fitted, make, error, match
):
    model, X, y, before = fitted
    X_bad, y_bad, kwargs = make(X, y)
    with pytest.raises(error, match=match):
        model.fit(X_bad, y_bad, **kwargs)
    assert_unchanged(model, X, before)


@pytest.mark.parametrize("Estimator, make, error, match", _bad_data_cases("partial_fit"))
def test_bad_training_data_is_refused_by_partial_fit_and_the_model_kept(
    Estimator, fitted, make, error, match
):
    model, X, y, before = fitted
    X_bad, y_bad, kwargs = make(X, y)
    with pytest.raises(error, match=match):
        model.partial_fit(X_bad, y_bad, **kwargs)
    assert_unchanged(model, X, before)


@all_estimators
def test_partial_fit_with_a_different_number_of_features_is_refused(Estimator, fitted):
    model, X, y, before = fitted
    with pytest.raises(ValueError, match="X has 2 features, but .* is expecting 3"):
        model.partial_fit(X[:, :2], y)
    assert_unchanged(model, X, before)


@pytest.mark.parametrize("Estimator", [SpikingClassifier, NonSpikingClassifier], ids=_name)
def test_partial_fit_with_an_unseen_label_is_refused(Estimator, fitted):
    model, X, y, before = fitted
    with pytest.raises(ValueError, match="not among the classes"):
        model.partial_fit(X, y + 5)
    assert_unchanged(model, X, before)


# ---------------------------------------------------------------- bad predict data

PREDICT_METHODS = ("predict", "predict_proba", "predict_log_proba", "score")
BAD_PREDICT_DATA = [
    ("NaN in X", lambda X: _with(X), ValueError, "Input X contains NaN"),
    ("inf in X", lambda X: _with(X, value=-np.inf), ValueError, "X contains infinity"),
    ("empty X", lambda X: X[:0], ValueError, "0 sample"),
    ("1-D X", lambda X: X[0], ValueError, "Expected 2D array"),
    ("3-D X", lambda X: X[:, :, None], ValueError, "dim 3"),
    ("complex X", lambda X: X + 1j, ValueError, "Complex data not supported"),
    ("string X", lambda X: X.astype(str).astype(object) + "cm", ValueError, "could not convert"),
    ("NaN in sparse X", lambda X: sp.csr_matrix(_with(X)), ValueError, "Input X contains NaN"),
    ("too few features", lambda X: X[:, :2], ValueError, "X has 2 features"),
    ("too many features", lambda X: np.c_[X, X], ValueError, "X has 6 features"),
    ("X is None", lambda X: None, ValueError, "Expected 2D array"),
]


def _predict_cases():
    cases = []
    for Estimator in ESTIMATORS:
        methods = PREDICT_METHODS if is_classifier(Estimator) else ("predict", "score")
        for method in methods:
            for case_id, make, error, match in BAD_PREDICT_DATA:
                cases.append(
                    pytest.param(
                        Estimator,
                        method,
                        make,
                        error,
                        match,
                        id=f"{Estimator.__name__}-{method}-{case_id}",
                    )
                )
    return cases


@pytest.mark.parametrize("Estimator, method, make, error, match", _predict_cases())
def test_bad_predict_data_is_refused_and_the_model_kept(
    Estimator, fitted, method, make, error, match
):
    model, X, y, before = fitted
    args = (make(X), y) if method == "score" else (make(X),)
    with pytest.raises(error, match=match):
        getattr(model, method)(*args)
    assert_unchanged(model, X, before)


def _unfitted_cases():
    return [
        pytest.param(Estimator, method, id=f"{Estimator.__name__}-{method}")
        for Estimator in ESTIMATORS
        for method in (PREDICT_METHODS if is_classifier(Estimator) else ("predict", "score"))
    ]


@pytest.mark.parametrize("Estimator, method", _unfitted_cases())
def test_predicting_before_fit_raises_not_fitted_error(Estimator, method, tiny):
    X, y = data(Estimator)
    args = (X, y) if method == "score" else (X,)
    # NotFittedError is a ValueError, as scikit-learn's estimators raise it.
    with pytest.raises(NotFittedError, match="not fitted yet"):
        getattr(tiny(Estimator), method)(*args)


# ------------------------------------------------------ extreme but valid data


@all_estimators
def test_features_of_1e30_train_and_predict_finite_values(Estimator, tiny):
    X, y = data(Estimator)
    model = tiny(Estimator).fit(X * 1e30, y)
    assert np.isfinite(outputs(model, X * 1e30)).all()


@pytest.mark.parametrize("dtype, magnitude", [(np.float64, 1.7e308), (np.float32, 3.4e38)])
@all_estimators
def test_features_near_the_float_range_predict_finite_values_or_say_they_overflow(
    Estimator, fitted, dtype, magnitude
):
    model, X, y, before = fitted
    extreme = (np.sign(X) * magnitude).astype(dtype)
    try:
        prediction = outputs(model, extreme)
    except ValueError as error:
        assert "overflowed" in str(error)
    else:
        assert np.isfinite(prediction).all()
    assert_unchanged(model, X, before)


@pytest.mark.parametrize("Estimator", [NonSpikingClassifier, NonSpikingRegressor], ids=_name)
def test_relu_output_overflowing_at_predict_is_refused_not_nan(Estimator, tiny):
    X, y = data(Estimator)
    # The numeric embedding clips every feature to 3 (tested below); without it,
    # features of 1e308 reach the ReLU units as they are.
    model = tiny(Estimator, input_bins=0).fit(X, y)
    with torch.no_grad():
        for parameter in model.net_.module_.parameters():
            parameter.fill_(1.0)  # every unit sums its inputs: three of 1e308 overflow
    before = outputs(model, X)
    with pytest.raises(ValueError, match="overflowed .* Scale the features"):
        outputs(model, np.full_like(X, 1e308))
    assert_unchanged(model, X, before)


@all_estimators
def test_the_numeric_embedding_keeps_features_of_1e308_finite(Estimator, fitted):
    model, X, y, _ = fitted
    assert np.isfinite(outputs(model, np.full_like(X, 1e308))).all()
    assert np.isfinite(outputs(model, np.full_like(X, -1e308))).all()


@pytest.mark.parametrize("Estimator", [SpikingRegressor, NonSpikingRegressor], ids=_name)
def test_targets_of_1e30_give_finite_predictions(Estimator, tiny):
    X, y = data(Estimator)
    assert np.isfinite(tiny(Estimator).fit(X, y * 1e30).predict(X)).all()


@all_estimators
def test_object_array_of_numbers_is_read_as_floats_as_scikit_learn_does(Estimator, fitted):
    model, X, y, before = fitted
    np.testing.assert_array_equal(outputs(model, X.astype(object)), before)


@pytest.mark.parametrize("Estimator", [SpikingRegressor, NonSpikingRegressor], ids=_name)
def test_predictions_beyond_the_float_range_are_refused_not_inf(Estimator, tiny):
    X, y = data(Estimator)
    model = tiny(Estimator).fit(X, y / np.abs(y).max() * 1.7e308)
    output_layer = [m for m in model.net_.module_.modules() if isinstance(m, torch.nn.Linear)][-1]
    with torch.no_grad():
        output_layer.bias.fill_(100.0)  # 100 target scales: far past 1.8e308
    with pytest.raises(ValueError, match="overflow the float64 range.* Scale the targets"):
        model.predict(X)


@all_estimators
def test_constant_features_train_and_predict_finite_values(Estimator, tiny):
    X, y = data(Estimator)
    X_const = np.c_[X, np.full(len(X), 7.0)]
    assert np.isfinite(outputs(tiny(Estimator).fit(X_const, y), X_const)).all()


@all_estimators
def test_all_features_constant_train_and_predict_finite_values(Estimator, tiny):
    X, y = data(Estimator)
    model = tiny(Estimator).fit(np.ones_like(X), y)
    assert np.isfinite(outputs(model, X)).all()


@pytest.mark.parametrize("Estimator", [SpikingClassifier, NonSpikingClassifier], ids=_name)
def test_one_sample_is_one_class_for_a_classifier(Estimator, tiny):
    X, y = data(Estimator)
    with pytest.raises(ValueError, match="at least 2 classes"):
        tiny(Estimator).fit(X[:1], y[:1])


@pytest.mark.parametrize("Estimator", [SpikingRegressor, NonSpikingRegressor], ids=_name)
def test_one_sample_fits_a_regressor_as_mlp_regressor_does(Estimator, tiny):
    X, y = data(Estimator)
    assert np.isfinite(tiny(Estimator).fit(X[:1], y[:1]).predict(X)).all()


@pytest.mark.parametrize("n_samples", [1, 2, 20])
@pytest.mark.parametrize("Estimator", [SpikingRegressor, NonSpikingRegressor], ids=_name)
def test_early_stopping_refuses_a_validation_set_under_2_samples(Estimator, n_samples, tiny):
    X, y = data(Estimator)
    model = tiny(Estimator, early_stopping=True, validation_fraction=0.05)
    with pytest.raises(ValueError, match="early_stopping needs .*validation"):
        model.fit(X[:n_samples], y[:n_samples])


@pytest.mark.parametrize("scale", [1e-20, 1e300])
@all_estimators
def test_multiplying_every_sample_weight_by_a_constant_changes_nothing(
    Estimator, fitted, scale, tiny
):
    model, X, y, before = fitted
    weighted = tiny(type(model)).fit(X, y, sample_weight=np.full(len(y), scale))
    np.testing.assert_allclose(outputs(weighted, X), before, rtol=1e-12, atol=1e-12)


@all_estimators
def test_float32_features_accept_sample_weights_beyond_the_float32_range(Estimator, tiny):
    X, y = data(Estimator)
    X32 = X.astype(np.float32)
    model = tiny(Estimator).fit(X32, y, sample_weight=np.full(len(y), 1e300))
    reference = tiny(Estimator).fit(X32, y)
    np.testing.assert_allclose(outputs(model, X32), outputs(reference, X32), rtol=1e-6)


# ---------------------------------------------------------------- parameters


def _past(value, direction, integral):
    """The nearest value beyond ``value`` in ``direction`` (+1 or -1)."""
    if integral:
        return value + direction
    return float(np.nextafter(value, direction * math.inf))


def _interval_limits(interval):
    """(values at the limits, values past them) of a scikit-learn ``Interval``."""
    integral = interval.type is Integral
    inside, outside = [], []
    for end, direction, closed in (
        (interval.left, -1, interval.closed in ("left", "both")),
        (interval.right, +1, interval.closed in ("right", "both")),
    ):
        if end is None:
            continue
        if closed:
            inside.append(end)
            outside.append(_past(end, direction, integral))
        else:
            inside.append(_past(end, -direction, integral))
            outside.append(end)
    outside += [1.5] if integral else [math.nan, math.inf]
    return inside, outside


def _parameter_cases(at_limit):
    """Every parameter of every estimator at each limit of its constraints, or past it."""
    cases = []
    for Estimator in ESTIMATORS:
        for name, constraints in Estimator._parameter_constraints.items():
            inside, outside = [], ["not a valid value"]
            for constraint in constraints:
                if isinstance(constraint, Interval):
                    values = _interval_limits(constraint)
                    inside += values[0]
                    outside += values[1]
                elif isinstance(constraint, StrOptions):
                    inside += sorted(constraint.options)
                elif constraint == "boolean":
                    inside += [True, False]
                    outside += [1, "yes"]
            checks = [make_constraint(c) for c in constraints]
            outside = [v for v in outside if not any(c.is_satisfied_by(v) for c in checks)]
            for value in inside if at_limit else outside:
                cases.append(
                    pytest.param(
                        Estimator, name, value, id=f"{Estimator.__name__}-{name}={value!r}"
                    )
                )
    return cases


@pytest.mark.parametrize("Estimator, name, value", _parameter_cases(at_limit=False))
def test_parameter_past_its_limit_is_refused_naming_it(Estimator, fitted, name, value):
    model, X, y, before = fitted
    original = model.get_params()[name]
    with pytest.raises(ValueError, match=f"'{name}' parameter"):
        model.set_params(**{name: value}).fit(X, y)
    model.set_params(**{name: original})
    assert_unchanged(model, X, before)


@pytest.mark.parametrize("Estimator, name, value", _parameter_cases(at_limit=True))
def test_parameter_at_its_limit_trains_and_predicts_finite_values(Estimator, name, value, tiny):
    if name == "device" and value == "cuda":
        pytest.skip("needs a CUDA device; refusal without one is tested elsewhere")
    X, y = data(Estimator)
    model = tiny(Estimator, **{name: value}).fit(X, y)
    assert np.isfinite(outputs(model, X)).all()


@pytest.mark.parametrize("fraction", [5e-324, 0.9999999999999999])
@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=_name)
def test_validation_fraction_at_its_limits_is_refused_with_advice(Estimator, fitted, fraction):
    model, X, y, before = fitted
    with pytest.raises(ValueError, match="Increase validation_fraction, add samples"):
        model.set_params(early_stopping=True, validation_fraction=fraction).fit(X, y)
    model.set_params(early_stopping=False, validation_fraction=0.1)
    assert_unchanged(model, X, before)


@pytest.mark.parametrize(
    "threshold",
    [
        pytest.param(1e-4, id="below the 1e-3 the neurons clamp to"),
        pytest.param(1e300, id="past float32"),
    ],
)
@pytest.mark.parametrize("Estimator", SPIKING, ids=_name)
def test_threshold_the_neurons_cannot_honour_is_refused_naming_it(Estimator, fitted, threshold):
    model, X, y, before = fitted
    with pytest.raises(ValueError, match="'threshold' parameter"):
        model.set_params(threshold=threshold).fit(X, y)
    model.set_params(threshold=1.0)
    assert_unchanged(model, X, before)


@pytest.mark.parametrize("Estimator", SPIKING, ids=_name)
def test_one_time_step_is_refused_naming_the_parameter(Estimator, tiny):
    X, y = data(Estimator)
    for n_steps in (1, True):
        with pytest.raises(ValueError, match=r"'n_steps' parameter .* range \[2, inf\)"):
            tiny(Estimator, n_steps=n_steps).fit(X, y)


@pytest.mark.parametrize(
    "name, value",
    [("hidden_layer_sizes", (10**14,)), ("n_steps", 10**14)],
    ids=["hidden_layer_sizes", "n_steps"],
)
@pytest.mark.parametrize("Estimator", [SpikingClassifier], ids=_name)
def test_a_network_too_large_for_memory_raises_memory_error_and_keeps_the_model(
    Estimator, fitted, name, value
):
    model, X, y, before = fitted
    original = model.get_params()[name]
    with pytest.raises(MemoryError, match="ran out of memory .* Use smaller hidden_layer_sizes"):
        model.set_params(**{name: value}).fit(X, y)
    model.set_params(**{name: original})
    assert_unchanged(model, X, before)


# ---------------------------------------------------------------- metrics

METRICS = pytest.mark.parametrize(
    "metric", [pearson_r, root_mean_squared_relative_error], ids=_name
)
Y = np.arange(1.0, 6.0)
BAD_METRIC_ARGS = [
    ("NaN in y_true", (_with(Y[:, None])[:, 0], Y), {}, ValueError, "y_true contains NaN"),
    ("inf in y_pred", (Y, _with(Y[:, None], value=np.inf)[:, 0]), {}, ValueError, "infinity"),
    ("empty", ([], []), {}, ValueError, "0 sample"),
    ("3-D", (Y[:, None, None], Y[:, None, None]), {}, ValueError, "dim 3"),
    ("complex", (Y + 1j, Y), {}, ValueError, "Complex data not supported"),
    ("strings", (["a"] * 5, Y), {}, ValueError, "could not convert string to float"),
    ("sparse", (sp.csr_matrix(Y[:, None]), Y), {}, TypeError, "Sparse data"),
    ("y_true is None", (None, Y), {}, TypeError, "y_true must be array-like"),
    ("y_pred is None", (Y, None), {}, TypeError, "y_pred must be array-like"),
    ("outputs differ", (np.c_[Y, Y], Y), {}, ValueError, "different numbers of outputs"),
    (
        "2-D sample_weight",
        (Y, Y),
        {"sample_weight": np.ones((5, 1))},
        ValueError,
        "sample_weight must be 1-D",
    ),
    (
        "NaN sample_weight",
        (Y, Y),
        {"sample_weight": _with(np.ones((5, 1)))[:, 0]},
        ValueError,
        "sample_weight contains NaN",
    ),
    ("multioutput None", (Y, Y), {"multioutput": None}, ValueError, "multioutput must be one of"),
    ("scalar multioutput", (Y, Y), {"multioutput": 2.0}, ValueError, r"must have shape \(1,\)"),
    ("negative multioutput", (Y, Y), {"multioutput": [-1.0]}, ValueError, "non-negative"),
    (
        "multioutput summing to zero",
        (np.c_[Y, Y], np.c_[Y, Y[::-1]]),
        {"multioutput": [0.0, 0.0]},
        ValueError,
        "positive sum",
    ),
]


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [pytest.param(*case[1:], id=case[0]) for case in BAD_METRIC_ARGS],
)
@METRICS
def test_metrics_refuse_bad_arguments_naming_the_problem(metric, args, kwargs, error, match):
    with pytest.raises(error, match=match):
        metric(*args, **kwargs)


@pytest.mark.parametrize("magnitude", [1e-300, 1e200, 1e300])
def test_pearson_r_of_values_near_the_float_range_is_exact(magnitude):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert pearson_r(Y * magnitude, Y * magnitude * 3) == pytest.approx(1.0)
        assert pearson_r(Y * magnitude, Y[::-1] * magnitude) == pytest.approx(-1.0)


@METRICS
def test_metrics_do_not_depend_on_a_huge_common_sample_weight(metric):
    y_pred = Y + np.array([0.3, -0.2, 0.1, 0.5, -0.4])
    huge = metric(Y, y_pred, sample_weight=np.full(5, 1e308))
    assert huge == pytest.approx(metric(Y, y_pred))


# ---------------------------------------------------------------- compare_models


@pytest.mark.parametrize("bad", [None, "ridge", LinearRegression], ids=repr)
def test_compare_models_refuses_a_value_that_is_not_an_estimator(bad):
    X, y = data(SpikingRegressor)
    with pytest.raises(TypeError, match=r"estimators\['bad'\] must be a scikit-learn estimator"):
        compare_models({"good": LinearRegression(), "bad": bad}, X, y)


@pytest.mark.parametrize(
    "cv, match", [(1, "n_splits=2 or more"), (N_SAMPLES + 1, "greater than the number of samples")]
)
def test_compare_models_refuses_impossible_folds(cv, match):
    X, y = data(SpikingRegressor)
    with pytest.raises(ValueError, match=match):
        compare_models({"linear": LinearRegression()}, X, y, cv=cv)


def test_compare_models_refuses_x_and_y_of_different_lengths():
    X, y = data(SpikingRegressor)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        compare_models({"linear": LinearRegression()}, X, y[:-1])


# ---------------------------------------------------------------- activity


@pytest.mark.parametrize("value", [-1.0, math.nan, math.inf, True, "1", None, 1j], ids=repr)
def test_activity_report_refuses_a_bad_e_mac(value, tiny):
    model = tiny(SpikingRegressor).fit(*data(SpikingRegressor))
    with pytest.raises(ValueError, match="e_mac must be a finite number of joules >= 0"):
        activity_report(model, data(SpikingRegressor)[0], e_mac=value)


@pytest.mark.parametrize("function", [record, activity_report], ids=_name)
@pytest.mark.parametrize(
    "make, error, match",
    [pytest.param(*case[1:], id=case[0]) for case in BAD_PREDICT_DATA],
)
@pytest.mark.parametrize("Estimator", SPIKING, ids=_name)
def test_activity_refuses_bad_x_as_predict_does_and_keeps_the_model(
    Estimator, fitted, function, make, error, match
):
    model, X, y, before = fitted
    with pytest.raises(error, match=match):
        function(model, make(X))
    assert_unchanged(model, X, before)


# ---------------------------------------------------------------- datasets

LOADERS = pytest.mark.parametrize(
    "load", [datasets.load_iris, datasets.load_house_prices, datasets.load_soil_spectra], ids=_name
)


@pytest.mark.parametrize("name", ["as_frame", "return_X_y"])
@pytest.mark.parametrize("value", ["yes", 1, None], ids=repr)
@LOADERS
def test_loaders_refuse_a_flag_that_is_not_a_boolean(load, name, value):
    with pytest.raises(ValueError, match=f"'{name}' parameter of {load.__name__} must be"):
        load(**{name: value})


@LOADERS
def test_loaders_refuse_an_unknown_keyword(load):
    with pytest.raises(TypeError, match="unexpected keyword argument 'n_samples'"):
        load(n_samples=10)


# ---------------------------------------------------------------- command line


@pytest.mark.parametrize(
    "argv, match",
    [
        (["demo", "--seed", "abc"], "--seed: must be an integer"),
        (["demo", "--seed", "1e3"], "--seed: must be an integer"),
        (["demo", "--seed", str(2**32)], "--seed: must be an integer"),
        (["demo", "--seed", ""], "--seed: must be an integer"),
        (["demo", "--out"], "--out: expected one argument"),
        (["demo", "--epochs", "3"], "unrecognized arguments: --epochs"),
        (["demo", "--seed"], "--seed: expected one argument"),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_command_line_refuses_bad_arguments_with_status_2_and_names_them(argv, match, capsys):
    with pytest.raises(SystemExit) as exit:
        main(argv)
    assert exit.value.code == 2
    assert match in capsys.readouterr().err


@all_estimators
def test_features_beyond_float32_are_refused_in_float32_and_fit_in_float64(Estimator, tiny):
    X, y = data(Estimator)
    X = X * 1e300
    with pytest.raises(ValueError, match="beyond the range of float32.*dtype='float64'"):
        tiny(Estimator, dtype="float32").fit(X, y)
    assert np.isfinite(outputs(tiny(Estimator, dtype="float64").fit(X, y), X)).all()


@all_estimators
def test_features_below_float32s_smallest_normal_give_finite_bins(Estimator, tiny):
    X = np.array([[1.4e-46], [0.0], [1.4e-46], [0.0]])
    y = np.array([0, 1, 0, 1])
    model = tiny(Estimator, dtype="float32").fit(X, y)
    assert np.isfinite(model.net_.module_(torch.as_tensor(X, dtype=torch.float32)).detach()).all()
    assert np.isfinite(outputs(model, X)).all()


def test_label_messages_show_plain_values_not_numpy_reprs(tiny):
    X = np.zeros((6, 2))
    y = np.array(["2.5", "2.5", "3.5", "3.5", "2.5", "3.5"])
    model = tiny(SpikingClassifier).fit(X, y)
    with pytest.raises(ValueError) as unknown:
        model.partial_fit(X, np.full(6, "4.5"))
    assert "['4.5']" in str(unknown.value) and "['2.5', '3.5']" in str(unknown.value)
    with pytest.raises(ValueError) as one_class:
        tiny(SpikingClassifier).fit(X, np.full(6, 7))
    assert "class: [7]" in str(one_class.value)
    assert "array(" not in str(one_class.value) and "np.float64" not in str(one_class.value)
