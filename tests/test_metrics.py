"""The regression metrics are right, and the scorer dictionaries work in scikit-learn's tools.

Values are checked against hand computations, :func:`scipy.stats.pearsonr` and repeated
samples (an integer weight must count like that many copies of a sample).
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import pearsonr
from sklearn.datasets import load_iris, make_classification
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, cross_validate, train_test_split

from snn_sklearn import SpikingClassifier, SpikingRegressor
from snn_sklearn.metrics import (
    classification_scorers,
    pearson_r,
    regression_scorers,
    root_mean_squared_relative_error,
)

REGRESSION_KEYS = {
    "pearson_r",
    "r2",
    "neg_mean_squared_error",
    "neg_root_mean_squared_error",
    "neg_root_mean_squared_relative_error",
    "neg_mean_absolute_error",
    "neg_mean_absolute_percentage_error",
}

Y_TRUE = np.array([1.0, 2.0, 4.0, 5.0, 8.0])
Y_PRED = np.array([1.5, 1.0, 4.5, 6.0, 7.0])
WEIGHTS = np.array([1, 3, 0, 2, 1])


# pearson_r


def test_pearson_r_equals_scipy_pearsonr():
    assert_allclose(pearson_r(Y_TRUE, Y_PRED), pearsonr(Y_TRUE, Y_PRED).statistic)


def test_pearson_r_matches_a_hand_computation():
    # y = [1, 2, 3], y_pred = [1, 3, 2]: deviations [-1, 0, 1] and [-1, 1, 0],
    # covariance 1, variances 2 and 2, so r = 1 / 2.
    assert_allclose(pearson_r([1, 2, 3], [1, 3, 2]), 0.5)


def test_pearson_r_of_a_reversed_order_is_minus_one():
    assert_allclose(pearson_r([1, 2, 3, 4], [8, 6, 4, 2]), -1.0)


def test_pearson_r_weighted_matches_a_hand_computation():
    # Weights [2, 1, 1] on y = [0, 1, 3], y_pred = [0, 2, 2]: means 1 and 1,
    # weighted covariance 2*1 + 0 + 2*1 = 4, variances 2 + 0 + 4 = 6 and 2 + 1 + 1 = 4.
    r = pearson_r([0, 1, 3], [0, 2, 2], sample_weight=[2, 1, 1])
    assert_allclose(r, 4 / np.sqrt(6 * 4))


def test_pearson_r_integer_weights_count_as_repeated_samples():
    repeated = np.repeat(np.arange(len(Y_TRUE)), WEIGHTS)
    assert_allclose(
        pearson_r(Y_TRUE, Y_PRED, sample_weight=WEIGHTS),
        pearsonr(Y_TRUE[repeated], Y_PRED[repeated]).statistic,
    )


def test_pearson_r_raw_values_gives_scipy_pearsonr_per_output():
    rng = np.random.default_rng(0)
    y_true, y_pred = rng.normal(size=(2, 20, 3))
    expected = [pearsonr(y_true[:, j], y_pred[:, j]).statistic for j in range(3)]
    assert_allclose(pearson_r(y_true, y_pred, multioutput="raw_values"), expected)


def test_pearson_r_averages_outputs_uniformly_or_with_the_given_weights():
    y_true = [[1, 4], [2, 3], [3, 1], [4, 2]]
    y_pred = [[1, 1], [2, 2], [3, 3], [5, 4]]
    per_output = pearson_r(y_true, y_pred, multioutput="raw_values")
    assert_allclose(pearson_r(y_true, y_pred), per_output.mean())
    assert_allclose(
        pearson_r(y_true, y_pred, multioutput=[3, 1]), (3 * per_output[0] + per_output[1]) / 4
    )


def test_pearson_r_of_constant_predictions_is_nan_with_a_warning():
    with pytest.warns(UndefinedMetricWarning, match="y_true or y_pred is constant"):
        r = pearson_r([1.0, 2.0, 3.0], [2.0, 2.0, 2.0])
    assert np.isnan(r)


def test_pearson_r_of_a_constant_target_is_nan_with_a_warning():
    with pytest.warns(UndefinedMetricWarning, match="constant"):
        r = pearson_r([5.0, 5.0, 5.0], [1.0, 2.0, 3.0])
    assert np.isnan(r)


def test_pearson_r_is_nan_only_in_the_constant_output():
    with pytest.warns(UndefinedMetricWarning, match=r"output\(s\) \[1\]"):
        r = pearson_r([[1, 1], [2, 1], [3, 1]], [[1, 0], [2, 1], [3, 2]], multioutput="raw_values")
    assert_allclose(r, [1.0, np.nan])


def test_pearson_r_ignores_samples_of_zero_weight_when_checking_constancy():
    # Only the first two samples count, and their predictions are equal.
    with pytest.warns(UndefinedMetricWarning):
        r = pearson_r([1.0, 2.0, 3.0], [4.0, 4.0, 9.0], sample_weight=[1, 1, 0])
    assert np.isnan(r)


# root_mean_squared_relative_error


def test_rmsre_matches_a_hand_computation():
    # Relative errors (y - y_pred) / y: 0.5, -0.5, 0 and 0.25; their squares average to
    # (0.25 + 0.25 + 0 + 0.0625) / 4 = 0.140625, whose root is 0.375.
    error = root_mean_squared_relative_error([2.0, -2.0, 3.0, 4.0], [1.0, -1.0, 3.0, 3.0])
    assert_allclose(error, 0.375)


def test_rmsre_of_perfect_predictions_is_zero():
    assert root_mean_squared_relative_error(Y_TRUE, Y_TRUE) == 0.0


def test_rmsre_does_not_depend_on_the_unit_of_the_target():
    assert_allclose(
        root_mean_squared_relative_error(1000 * Y_TRUE, 1000 * Y_PRED),
        root_mean_squared_relative_error(Y_TRUE, Y_PRED),
    )


def test_rmsre_integer_weights_count_as_repeated_samples():
    repeated = np.repeat(np.arange(len(Y_TRUE)), WEIGHTS)
    assert_allclose(
        root_mean_squared_relative_error(Y_TRUE, Y_PRED, sample_weight=WEIGHTS),
        root_mean_squared_relative_error(Y_TRUE[repeated], Y_PRED[repeated]),
    )


def test_rmsre_raw_values_gives_one_error_per_output():
    y_true = np.column_stack([Y_TRUE, 2 * Y_TRUE])
    y_pred = np.column_stack([Y_PRED, 2 * Y_TRUE])
    errors = root_mean_squared_relative_error(y_true, y_pred, multioutput="raw_values")
    assert_allclose(errors, [root_mean_squared_relative_error(Y_TRUE, Y_PRED), 0.0])
    assert_allclose(
        root_mean_squared_relative_error(y_true, y_pred, multioutput=[1, 3]), errors[0] / 4
    )


def test_rmsre_refuses_zero_targets():
    with pytest.raises(ValueError, match=r"undefined when y_true contains zeros \(found 1\)"):
        root_mean_squared_relative_error([1.0, 0.0, 2.0], [1.0, 0.1, 2.0])


# input checks shared by both metrics


@pytest.mark.parametrize("metric", [pearson_r, root_mean_squared_relative_error])
def test_metrics_refuse_inputs_of_different_lengths(metric):
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        metric([1.0, 2.0, 3.0], [1.0, 2.0])


@pytest.mark.parametrize("metric", [pearson_r, root_mean_squared_relative_error])
def test_metrics_refuse_an_unknown_multioutput_option(metric):
    with pytest.raises(ValueError, match="multioutput must be one of"):
        metric(Y_TRUE, Y_PRED, multioutput="variance_weighted")


@pytest.mark.parametrize("metric", [pearson_r, root_mean_squared_relative_error])
def test_metrics_refuse_multioutput_weights_of_the_wrong_length(metric):
    with pytest.raises(ValueError, match=r"must have shape \(1,\)"):
        metric(Y_TRUE, Y_PRED, multioutput=[0.5, 0.5])


@pytest.mark.parametrize("metric", [pearson_r, root_mean_squared_relative_error])
def test_metrics_refuse_negative_sample_weights(metric):
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        metric(Y_TRUE, Y_PRED, sample_weight=[1, 1, -1, 1, 1])


# regression_scorers


def test_regression_scorers_has_exactly_the_documented_keys():
    assert set(regression_scorers()) == REGRESSION_KEYS


def test_regression_scorers_give_the_metrics_values_with_errors_negated(regression_data):
    X, y = regression_data
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    model = LinearRegression().fit(X_train, y_train)
    scorers = regression_scorers()
    y_pred = model.predict(X_test)
    assert_allclose(scorers["pearson_r"](model, X_test, y_test), pearson_r(y_test, y_pred))
    assert_allclose(
        scorers["neg_root_mean_squared_relative_error"](model, X_test, y_test),
        -root_mean_squared_relative_error(y_test, y_pred),
    )


def test_regression_scorers_work_in_cross_validate(regression_data):
    X, y = regression_data
    result = cross_validate(LinearRegression(), X, y, cv=3, scoring=regression_scorers())
    for key in REGRESSION_KEYS:
        assert np.all(np.isfinite(result[f"test_{key}"])), key
    assert np.all(result["test_pearson_r"] > 0.9)


def test_regression_scorers_give_nan_only_for_the_relative_error_on_zero_targets(regression_data):
    X, y = regression_data
    y = y.copy()
    y[::5] = 0.0
    with pytest.warns(UserWarning, match="Scoring failed"):
        result = cross_validate(LinearRegression(), X, y, cv=3, scoring=regression_scorers())
    assert np.all(np.isnan(result["test_neg_root_mean_squared_relative_error"]))
    assert np.all(np.isfinite(result["test_r2"]))


def test_regression_scorers_work_in_grid_search_with_refit_on_one_of_them(regression_data):
    X, y = regression_data
    search = GridSearchCV(
        Ridge(),
        {"alpha": [0.1, 1000.0]},
        cv=3,
        scoring=regression_scorers(),
        refit="neg_root_mean_squared_relative_error",
    ).fit(X, y)
    assert search.best_params_ == {"alpha": 0.1}


def test_regression_scorers_work_with_a_spiking_regressor(regression_data):
    X, y = regression_data
    model = SpikingRegressor(hidden_layer_sizes=(16,), n_steps=4, max_iter=10, random_state=0)
    result = cross_validate(model, X, y, cv=2, scoring=regression_scorers(), error_score="raise")
    for key in REGRESSION_KEYS:
        assert result[f"test_{key}"].shape == (2,), key


# classification_scorers


def test_classification_scorers_by_default_have_keys_valid_for_any_number_of_classes():
    assert set(classification_scorers()) == {
        "accuracy",
        "balanced_accuracy",
        "f1_weighted",
        "roc_auc_ovr",
        "neg_log_loss",
    }


def test_classification_scorers_binary_uses_the_binary_f1_and_roc_auc():
    assert set(classification_scorers(binary=True)) == {
        "accuracy",
        "balanced_accuracy",
        "f1",
        "roc_auc",
        "neg_log_loss",
    }


def test_classification_scorers_refuse_a_non_boolean_binary():
    with pytest.raises(ValueError, match="binary must be True or False"):
        classification_scorers(binary="yes")


def test_classification_scorers_work_in_cross_validate_on_a_binary_problem():
    X, y = make_classification(n_samples=80, n_features=5, random_state=0)
    result = cross_validate(
        LogisticRegression(), X, y, cv=3, scoring=classification_scorers(), error_score="raise"
    )
    for key in classification_scorers():
        assert np.all(np.isfinite(result[f"test_{key}"])), key


def test_classification_scorers_roc_auc_ovr_equals_roc_auc_on_a_binary_problem():
    X, y = make_classification(n_samples=80, n_features=5, random_state=0)
    result = cross_validate(LogisticRegression(), X, y, cv=3, scoring=["roc_auc_ovr", "roc_auc"])
    assert_allclose(result["test_roc_auc_ovr"], result["test_roc_auc"])


def test_classification_scorers_work_on_binary_string_labels():
    X, y = make_classification(n_samples=80, n_features=5, random_state=0)
    labels = np.array(["no", "yes"])[y]
    result = cross_validate(
        LogisticRegression(), X, labels, cv=3, scoring=classification_scorers(), error_score="raise"
    )
    assert np.all(result["test_roc_auc_ovr"] > 0.5)


def test_classification_scorers_work_in_cross_validate_on_a_multiclass_problem():
    X, y = load_iris(return_X_y=True)
    result = cross_validate(
        LogisticRegression(max_iter=500),
        X,
        y,
        cv=3,
        scoring=classification_scorers(),
        error_score="raise",
    )
    for key in classification_scorers():
        assert np.all(np.isfinite(result[f"test_{key}"])), key
    assert np.all(result["test_roc_auc_ovr"] > 0.9)


def test_classification_scorers_binary_fail_on_a_multiclass_problem():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError):
        cross_validate(
            LogisticRegression(max_iter=500),
            X,
            y,
            cv=3,
            scoring=classification_scorers(binary=True),
            error_score="raise",
        )


def test_classification_scorers_work_with_a_spiking_classifier():
    X, y = load_iris(return_X_y=True)
    model = SpikingClassifier(hidden_layer_sizes=(16,), n_steps=4, max_iter=10, random_state=0)
    result = cross_validate(
        model, X, y, cv=2, scoring=classification_scorers(), error_score="raise"
    )
    for key in classification_scorers():
        assert np.all(np.isfinite(result[f"test_{key}"])), key
