"""compare_models tabulates cross-validated scores of several models, one row each."""

import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.datasets import load_iris
from sklearn.exceptions import FitFailedWarning
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import KFold, cross_validate
from sklearn.tree import DecisionTreeClassifier

from snn_sklearn import SpikingRegressor
from snn_sklearn.compare import compare_models
from snn_sklearn.metrics import classification_scorers, regression_scorers

TIMINGS = ["fit_time_mean", "fit_time_std", "score_time_mean", "score_time_std"]


def _columns(scorer_names):
    return [f"{name}_{stat}" for name in scorer_names for stat in ("mean", "std")] + TIMINGS


class _FailingRegressor(RegressorMixin, BaseEstimator):
    """A regressor whose every fit fails."""

    def fit(self, X, y):
        raise RuntimeError("this model cannot fit")


def _regressors():
    return {"linear": LinearRegression(), "ridge": Ridge(alpha=10.0)}


def test_compare_models_gives_one_row_per_model_in_the_given_order(regression_data):
    X, y = regression_data
    spiking = SpikingRegressor(hidden_layer_sizes=(16,), n_steps=4, max_iter=10, random_state=0)
    results = compare_models({**_regressors(), "spiking": spiking}, X, y, cv=2)
    assert results.index.tolist() == ["linear", "ridge", "spiking"]
    assert results.index.name == "model"


def test_compare_models_of_regressors_has_the_regression_scorer_and_timing_columns(regression_data):
    X, y = regression_data
    results = compare_models(_regressors(), X, y, cv=3)
    assert results.columns.tolist() == _columns(regression_scorers())


def test_compare_models_of_classifiers_has_the_classification_scorer_columns():
    X, y = load_iris(return_X_y=True)
    models = {"logistic": LogisticRegression(max_iter=500), "tree": DecisionTreeClassifier()}
    results = compare_models(models, X, y, cv=3)
    assert results.columns.tolist() == _columns(classification_scorers())
    assert np.all(np.isfinite(results.to_numpy()))


def test_compare_models_takes_scorer_names(regression_data):
    X, y = regression_data
    results = compare_models(_regressors(), X, y, cv=3, scoring=["r2", "neg_mean_absolute_error"])
    assert results.columns.tolist() == _columns(["r2", "neg_mean_absolute_error"])


def test_compare_models_names_a_single_scorer_score(regression_data):
    X, y = regression_data
    results = compare_models(_regressors(), X, y, cv=3, scoring="r2")
    assert results.columns.tolist() == _columns(["score"])


def test_compare_models_reports_the_mean_and_std_of_cross_validate(regression_data):
    X, y = regression_data
    results = compare_models(_regressors(), X, y, cv=3, scoring=["r2"])
    r2 = cross_validate(Ridge(alpha=10.0), X, y, cv=3, scoring="r2")["test_score"]
    assert_allclose(results.loc["ridge", ["r2_mean", "r2_std"]], [r2.mean(), r2.std()])


def test_compare_models_tests_every_model_on_the_same_shuffled_folds(regression_data):
    X, y = regression_data
    models = {"first": LinearRegression(), "second": LinearRegression()}
    results = compare_models(models, X, y, cv=KFold(3, shuffle=True), scoring=["r2"])
    assert_allclose(
        results.loc["first", ["r2_mean", "r2_std"]],
        results.loc["second", ["r2_mean", "r2_std"]],
        rtol=0,
        atol=0,
    )


def test_compare_models_in_parallel_gives_the_same_scores_as_serially(regression_data):
    X, y = regression_data
    serial = compare_models(_regressors(), X, y, cv=3, n_jobs=1).drop(columns=TIMINGS)
    parallel = compare_models(_regressors(), X, y, cv=3, n_jobs=2).drop(columns=TIMINGS)
    assert_allclose(parallel.to_numpy(), serial.to_numpy())


def test_compare_models_refuses_a_mix_of_classifiers_and_regressors():
    X, y = load_iris(return_X_y=True)
    models = {"logistic": LogisticRegression(), "linear": LinearRegression()}
    with pytest.raises(ValueError, match="all classifiers or all regressors"):
        compare_models(models, X, y)


def test_compare_models_refuses_an_empty_dict(regression_data):
    X, y = regression_data
    with pytest.raises(ValueError, match="non-empty dict"):
        compare_models({}, X, y)


def test_compare_models_without_pandas_says_how_to_install_it(monkeypatch, regression_data):
    monkeypatch.setitem(sys.modules, "pandas", None)
    X, y = regression_data
    with pytest.raises(ImportError, match=r'pip install "snn-sklearn\[pandas\]"'):
        compare_models(_regressors(), X, y)


def test_compare_models_gives_nan_for_a_model_whose_every_fit_fails(regression_data):
    X, y = regression_data
    models = {"failing": _FailingRegressor(), **_regressors()}
    with pytest.warns(FitFailedWarning, match=r"'failing' failed(?s:.*)this model cannot fit"):
        results = compare_models(models, X, y, cv=3, scoring=["r2"])
    assert results.index.tolist() == ["failing", "linear", "ridge"]
    assert results.columns.tolist() == _columns(["r2"])
    assert results.loc["failing"].isna().all()
    r2 = cross_validate(Ridge(alpha=10.0), X, y, cv=3, scoring="r2")["test_score"]
    assert results.loc["ridge", "r2_mean"] == pytest.approx(r2.mean())


@pytest.mark.parametrize(
    ("scoring", "names"),
    [
        ("r2", ["score"]),
        (["r2", "neg_mean_absolute_error"], ["r2", "neg_mean_absolute_error"]),
        ({"fit": "r2"}, ["fit"]),
    ],
)
def test_compare_models_of_models_that_all_fail_gives_a_table_of_nan(
    regression_data, scoring, names
):
    X, y = regression_data
    models = {"first": _FailingRegressor(), "second": _FailingRegressor()}
    with pytest.warns(FitFailedWarning, match="Every fit of") as caught:
        results = compare_models(models, X, y, cv=2, scoring=scoring)
    assert all(f"'{name}'" in str(w.message) for name, w in zip(models, caught, strict=True))
    assert results.index.tolist() == ["first", "second"]
    assert results.columns.tolist() == _columns(names)
    assert results.isna().all(axis=None)


def test_compare_models_still_raises_an_error_that_is_not_a_failed_fit(regression_data):
    X, y = regression_data
    with pytest.raises(ValueError, match="not_a_scorer"):
        compare_models(_regressors(), X, y, cv=2, scoring="not_a_scorer")
