"""Properties that hold for any table shape, feature dtype and value magnitude (hypothesis).

Each example fits a tiny network (one hidden layer of 4, 2 time steps, 2 epochs) on a
random table of 2 to 30 samples and 1 to 6 features, of dtype float32, float64, int or
bool, with finite values scaled by a random power of ten.
"""

import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from sklearn.exceptions import ConvergenceWarning

from snn_sklearn import (
    NonSpikingClassifier,
    NonSpikingRegressor,
    SpikingClassifier,
    SpikingRegressor,
)

CLASSIFIERS = (SpikingClassifier, NonSpikingClassifier)
REGRESSORS = (SpikingRegressor, NonSpikingRegressor)
FEATURE_DTYPES = (np.float32, np.float64, np.int64, np.bool_)
LABEL_SETS = (
    np.array([3, -1, 7]),
    np.array(["b", "a", "c"]),
    np.array([1.0, -2.0, 4.0]),
    np.array([True, False]),
)

few_examples = settings(max_examples=15, deadline=None)


def _name(estimator_class):
    return estimator_class.__name__


def fit(model, X, y):
    with warnings.catch_warnings():
        # Two epochs never converge, and huge features may diverge: both warn, as they should.
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


@st.composite
def features(draw):
    """A finite table of any supported dtype, its values scaled by a power of ten."""
    n_samples = draw(st.integers(2, 30))
    n_features = draw(st.integers(1, 6))
    dtype = draw(st.sampled_from(FEATURE_DTYPES))
    shape = (n_samples, n_features)
    if dtype is np.bool_:
        return draw(hnp.arrays(np.bool_, shape))
    if dtype is np.int64:
        return draw(hnp.arrays(np.int64, shape, elements=st.integers(-(10**6), 10**6)))
    unit = draw(hnp.arrays(dtype, shape, elements=st.floats(-1, 1, width=32)))
    return unit * dtype(10.0 ** draw(st.integers(-20, 20)))


@st.composite
def classification(draw):
    """Features and labels of 2 or 3 classes, every class present."""
    X = draw(features())
    labels = draw(st.sampled_from(LABEL_SETS))[: draw(st.integers(2, 3))]
    codes = draw(hnp.arrays(np.int64, len(X), elements=st.integers(0, len(labels) - 1)))
    codes[: len(labels)] = np.arange(len(labels))[: len(X)]
    return X, labels[codes]


@st.composite
def regression(draw):
    """Features and finite targets, one or two outputs, scaled by a power of ten."""
    X = draw(features())
    n_outputs = draw(st.sampled_from([None, 1, 2]))
    shape = len(X) if n_outputs is None else (len(X), n_outputs)
    y = draw(hnp.arrays(np.float64, shape, elements=st.floats(-1, 1)))
    return X, y * 10.0 ** draw(st.integers(-20, 20))


@pytest.mark.parametrize("Estimator", CLASSIFIERS, ids=_name)
@few_examples
@given(table=classification())
def test_classifier_predicts_known_labels_of_the_classes_dtype(Estimator, table, tiny):
    X, y = table
    model = fit(tiny(Estimator), X, y)
    prediction = model.predict(X)
    assert prediction.shape == (len(X),)
    assert prediction.dtype == model.classes_.dtype
    assert set(prediction) <= set(model.classes_)
    np.testing.assert_array_equal(model.classes_, np.unique(y))


@pytest.mark.parametrize("Estimator", CLASSIFIERS, ids=_name)
@few_examples
@given(table=classification())
def test_classifier_probabilities_are_finite_rows_summing_to_one(Estimator, table, tiny):
    X, y = table
    model = fit(tiny(Estimator), X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (len(X), len(model.classes_))
    assert np.isfinite(proba).all() and (proba >= 0).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(model.classes_[proba.argmax(axis=1)], model.predict(X))


@pytest.mark.parametrize("Estimator", REGRESSORS, ids=_name)
@few_examples
@given(table=regression())
def test_regressor_predicts_finite_floats_of_the_target_shape(Estimator, table, tiny):
    X, y = table
    model = fit(tiny(Estimator), X, y)
    prediction = model.predict(X)
    single_output = y.ndim == 1 or y.shape[1] == 1
    assert prediction.shape == ((len(X),) if single_output else y.shape)
    assert prediction.dtype == (np.float32 if X.dtype == np.float32 else np.float64)
    assert np.isfinite(prediction).all()


@pytest.mark.parametrize("Estimator", CLASSIFIERS + REGRESSORS, ids=_name)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@few_examples
@given(X=features())
def test_the_network_computes_in_the_dtype_parameter_whatever_the_input(Estimator, dtype, X, tiny):
    y = np.arange(len(X)) % 2
    model = fit(tiny(Estimator, dtype=dtype), X, y)
    expected = getattr(torch, dtype)
    assert {parameter.dtype for parameter in model.net_.module_.parameters()} == {expected}


@pytest.mark.parametrize("Estimator", CLASSIFIERS + REGRESSORS, ids=_name)
@few_examples
@given(X=features())
def test_predictions_come_back_in_the_input_dtype(Estimator, X, tiny):
    y = np.arange(len(X)) % 2
    model = fit(tiny(Estimator, dtype="float32"), X, y)
    method = model.predict_proba if Estimator in CLASSIFIERS else model.predict
    assert method(X).dtype == (np.float32 if X.dtype == np.float32 else np.float64)


@pytest.mark.parametrize("Estimator", CLASSIFIERS + REGRESSORS, ids=_name)
@few_examples
@given(X=features(), seed=st.integers(0, 2**32 - 1))
def test_same_random_state_gives_identical_predictions(Estimator, X, seed, tiny):
    y = np.arange(len(X)) % 2
    first = fit(tiny(Estimator, random_state=seed), X, y)
    second = fit(tiny(Estimator, random_state=seed), X, y)
    if Estimator in CLASSIFIERS:
        np.testing.assert_array_equal(first.predict_proba(X), second.predict_proba(X))
    else:
        np.testing.assert_array_equal(first.predict(X), second.predict(X))
