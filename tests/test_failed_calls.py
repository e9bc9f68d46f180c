"""A fitted model predicts exactly as before after a call that failed."""

import numpy as np
import pytest

from snn_sklearn import NonSpikingRegressor, SpikingClassifier


@pytest.fixture(scope="module")
def fitted_classifier():
    X = np.random.RandomState(0).randn(60, 3)
    y = np.where(X[:, 0] > 0, "yes", "no")
    return SpikingClassifier((8,), n_steps=4, max_iter=5, random_state=0).fit(X, y), X


@pytest.mark.parametrize(
    "bad_fit",
    [
        pytest.param(
            lambda m, X: m.fit(np.c_[X, X], np.arange(60) % 2, sample_weight=-np.ones(60)),
            id="negative sample_weight with new features",
        ),
        pytest.param(lambda m, X: m.fit(X, np.full(60, "maybe")), id="one class"),
        pytest.param(lambda m, X: m.fit(np.where(X > 1, np.nan, X), np.arange(60) % 2), id="NaN"),
        pytest.param(
            lambda m, X: m.set_params(n_steps=0).fit(X, np.arange(60) % 2), id="bad parameter"
        ),
    ],
)
def test_failed_fit_leaves_the_fitted_classifier_unchanged(fitted_classifier, bad_fit):
    model, X = fitted_classifier
    before = model.predict_proba(X)
    classes = model.classes_.copy()
    with pytest.raises(ValueError):
        bad_fit(model, X)
    model.set_params(n_steps=4)
    np.testing.assert_array_equal(model.classes_, classes)
    np.testing.assert_array_equal(model.predict_proba(X), before)


def test_failed_partial_fit_leaves_the_target_scaling_unchanged():
    X = np.random.RandomState(1).randn(50, 2)
    model = NonSpikingRegressor((8,), max_iter=5, random_state=0).fit(X, X[:, 0] * 100)
    before = model.predict(X)
    with pytest.raises(ValueError):
        model.partial_fit(X, np.c_[X, X])
    np.testing.assert_array_equal(model.predict(X), before)
