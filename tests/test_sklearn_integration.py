"""The four estimators work inside scikit-learn's tools and honour its input contract.

Networks here are deliberately tiny (one hidden layer of 16, 4 time steps, a few
epochs) so that the module runs in seconds; tests whose point is accuracy say so.
"""

import functools
import pickle
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import sklearn
import torch
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import loguniform, uniform
from sklearn.base import ClassifierMixin, clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.datasets import load_iris, load_wine, make_classification, make_regression
from sklearn.ensemble import (
    BaggingClassifier,
    StackingClassifier,
    StackingRegressor,
    VotingClassifier,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import (
    GridSearchCV,
    HalvingGridSearchCV,
    HalvingRandomSearchCV,
    RandomizedSearchCV,
    cross_val_predict,
    cross_validate,
    learning_curve,
    train_test_split,
)
from sklearn.multiclass import OneVsRestClassifier
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from skorch.history import History

from snn_sklearn import (
    NonSpikingClassifier,
    NonSpikingRegressor,
    SpikingClassifier,
    SpikingRegressor,
)
from snn_sklearn.readouts import SPIKE_COUNT_SURROGATE_SLOPE

SPIKING = (SpikingClassifier, SpikingRegressor)
ENCODERS = ("direct", "rate", "noisy", "latency", "population")


def _name(estimator_class):
    return estimator_class.__name__


both_classifiers = pytest.mark.parametrize(
    "Classifier", [SpikingClassifier, NonSpikingClassifier], ids=_name
)
both_regressors = pytest.mark.parametrize(
    "Regressor", [SpikingRegressor, NonSpikingRegressor], ids=_name
)
all_estimators = pytest.mark.parametrize(
    "Estimator",
    [SpikingClassifier, SpikingRegressor, NonSpikingClassifier, NonSpikingRegressor],
    ids=_name,
)


@pytest.fixture(scope="module")
def tiny(tiny):
    """Tiny models that still learn the test data: 16 units, 20 epochs at rate 0.01, 4 steps."""
    return functools.partial(
        tiny,
        hidden_layer_sizes=(16,),
        max_iter=20,
        batch_size=32,
        learning_rate_init=0.01,
        n_steps=4,
    )


def data_for(Estimator, iris, regression):
    return iris if issubclass(Estimator, ClassifierMixin) else regression


def outputs(model, X):
    """What a fitted model predicts: probabilities for a classifier, values for a regressor."""
    return model.predict_proba(X) if hasattr(model, "predict_proba") else model.predict(X)


# ---------------------------------------------------------------------------- data


@pytest.fixture(scope="module")
def iris():
    """Iris, standardised, rows shuffled (its file is sorted by class)."""
    X, y = load_iris(return_X_y=True)
    order = np.random.RandomState(0).permutation(len(y))
    return StandardScaler().fit_transform(X[order]), y[order]


@pytest.fixture(scope="module")
def binary():
    """Binary task decided by the first two of six standard normal features."""
    X = np.random.RandomState(0).normal(size=(120, 6))
    return X, (X[:, 0] + X[:, 1] > 0).astype(int)


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=120, n_features=5, n_informative=3, noise=5, random_state=0)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def multi_regression():
    X, y = make_regression(
        n_samples=120, n_features=5, n_informative=3, n_targets=2, noise=5, random_state=0
    )
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def mixed_frame():
    """A DataFrame with numeric columns and one informative categorical column."""
    X, y = make_classification(
        n_samples=150, n_features=3, n_informative=2, n_redundant=0, random_state=0
    )
    rng = np.random.RandomState(0)
    colour = np.where(y == 1, "red", "blue").astype(object)
    flipped = rng.rand(len(y)) < 0.2
    colour[flipped] = rng.choice(["red", "blue", "green"], flipped.sum())
    frame = pd.DataFrame({"a": X[:, 0] * 10 + 50, "b": X[:, 1], "c": X[:, 2], "colour": colour})
    return frame, y


# ------------------------------------------------------------ scikit-learn tools


@both_classifiers
def test_pipeline_scales_then_classifies_raw_features(Classifier, tiny):
    X, y = load_iris(return_X_y=True)
    model = make_pipeline(StandardScaler(), tiny(Classifier)).fit(X, y)
    proba = model.predict_proba(X)
    assert proba.shape == (len(y), 3)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert model.score(X, y) > 0.85


@both_regressors
def test_pipeline_scales_then_regresses_raw_features(Regressor, regression, tiny):
    X, y = regression
    model = make_pipeline(StandardScaler(), tiny(Regressor)).fit(X * 100 + 7, y)
    assert model.score(X * 100 + 7, y) > 0.8


def _column_transformer():
    return ColumnTransformer(
        [
            ("numeric", StandardScaler(), ["a", "b", "c"]),
            ("categorical", OneHotEncoder(sparse_output=False), ["colour"]),
        ]
    )


@both_classifiers
def test_column_transformer_one_hot_encodes_a_dataframe_for_the_network(
    Classifier, mixed_frame, tiny
):
    frame, y = mixed_frame
    model = make_pipeline(_column_transformer(), tiny(Classifier)).fit(frame, y)
    assert model[-1].n_features_in_ == 3 + 3
    assert model.score(frame, y) > 0.8


def test_column_transformer_pandas_output_names_the_network_features(mixed_frame, tiny):
    frame, y = mixed_frame
    transformer = _column_transformer().set_output(transform="pandas")
    model = make_pipeline(transformer, tiny(SpikingClassifier)).fit(frame, y)
    assert_array_equal(model[-1].feature_names_in_, model[0].get_feature_names_out())


def test_grid_search_runs_spiking_regressor_in_parallel_and_refits_the_best(regression, tiny):
    X, y = regression
    grid = {"n_steps": [2, 4], "beta": [0.8, 0.95]}
    search = GridSearchCV(tiny(SpikingRegressor), grid, cv=3, n_jobs=2).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_.get_params()
    assert {key: best[key] for key in grid} == search.best_params_
    assert search.score(X, y) > 0.5


def test_grid_search_runs_non_spiking_classifier_in_parallel_and_refits_the_best(iris, tiny):
    X, y = iris
    grid = {"hidden_layer_sizes": [(8,), (16,)], "alpha": [1e-4, 1e-2]}
    search = GridSearchCV(tiny(NonSpikingClassifier), grid, cv=3, n_jobs=2).fit(X, y)
    assert len(search.cv_results_["params"]) == 4
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_estimator_.hidden_layer_sizes == search.best_params_["hidden_layer_sizes"]
    assert search.best_score_ > 0.8


@both_classifiers
def test_randomized_search_samples_parameters_from_distributions(Classifier, iris, tiny):
    X, y = iris
    distributions = {"learning_rate_init": loguniform(1e-3, 1e-1), "alpha": loguniform(1e-6, 1e-2)}
    if Classifier in SPIKING:
        distributions["beta"] = uniform(0.5, 0.49)
    search = RandomizedSearchCV(
        tiny(Classifier), distributions, n_iter=3, cv=3, random_state=0
    ).fit(X, y)
    sampled = search.cv_results_["params"]
    assert len(sampled) == 3
    assert all(1e-3 <= params["learning_rate_init"] <= 1e-1 for params in sampled)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert search.best_score_ > 0.5


@both_classifiers
def test_halving_grid_search_spends_epochs_as_its_resource(Classifier, iris, tiny):
    X, y = iris
    grid = (
        {"n_steps": [2, 4, 8]}
        if Classifier in SPIKING
        else {"hidden_layer_sizes": [(4,), (8,), (16,)]}
    )
    search = HalvingGridSearchCV(
        tiny(Classifier),
        grid,
        resource="max_iter",
        min_resources=5,
        max_resources=20,
        factor=2,
        cv=3,
    ).fit(X, y)
    assert search.n_resources_ == [5, 10]
    assert search.n_candidates_ == [3, 2]
    assert search.best_estimator_.max_iter == search.best_params_["max_iter"] == 10


@both_classifiers
def test_halving_random_search_trains_candidates_on_growing_sample_subsets(Classifier, iris, tiny):
    X, y = iris
    distributions = {"learning_rate_init": loguniform(1e-3, 1e-1), "alpha": loguniform(1e-6, 1e-2)}
    search = HalvingRandomSearchCV(
        tiny(Classifier),
        distributions,
        n_candidates=4,
        min_resources=60,
        factor=2,
        cv=3,
        random_state=0,
    ).fit(X, y)
    assert search.n_resources_ == [60, 120]
    assert search.n_candidates_ == [4, 2]
    assert search.best_estimator_.learning_rate_init == search.best_params_["learning_rate_init"]


def test_cross_validate_scores_a_multiclass_spiking_classifier_with_many_scorers(iris, tiny):
    X, y = iris
    scorers = [
        "accuracy",
        "balanced_accuracy",
        "f1_macro",
        "precision_macro",
        "recall_macro",
        "roc_auc_ovr",
        "roc_auc_ovo",
        "neg_log_loss",
    ]
    results = cross_validate(tiny(SpikingClassifier), X, y, cv=3, scoring=scorers)
    for scorer in scorers:
        assert np.isfinite(results[f"test_{scorer}"]).all(), scorer
    assert results["test_roc_auc_ovr"].mean() > 0.9
    assert results["test_neg_log_loss"].mean() > -np.log(3)


@both_classifiers
def test_cross_validate_scores_a_binary_classifier_with_probability_scorers(
    Classifier, binary, tiny
):
    X, y = binary
    scorers = ["roc_auc", "average_precision", "neg_brier_score", "neg_log_loss", "f1"]
    results = cross_validate(tiny(Classifier), X, y, cv=3, scoring=scorers)
    for scorer in scorers:
        assert np.isfinite(results[f"test_{scorer}"]).all(), scorer
    assert results["test_roc_auc"].mean() > 0.8


@both_regressors
def test_cross_validate_scores_a_regressor_with_many_scorers(Regressor, regression, tiny):
    X, y = regression
    scorers = [
        "r2",
        "explained_variance",
        "neg_mean_squared_error",
        "neg_root_mean_squared_error",
        "neg_mean_absolute_error",
        "neg_median_absolute_error",
    ]
    results = cross_validate(tiny(Regressor), X, y, cv=3, scoring=scorers)
    for scorer in scorers:
        assert np.isfinite(results[f"test_{scorer}"]).all(), scorer
    assert results["test_r2"].mean() > 0.5


@both_classifiers
def test_cross_val_predict_returns_out_of_fold_probabilities(Classifier, iris, tiny):
    X, y = iris
    proba = cross_val_predict(tiny(Classifier), X, y, cv=3, method="predict_proba")
    assert proba.shape == (len(y), 3)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert accuracy_score(y, proba.argmax(axis=1)) > 0.8


@both_classifiers
def test_calibrated_classifier_cv_calibrates_the_network(Classifier, binary, tiny):
    X, y = binary
    calibrated = CalibratedClassifierCV(tiny(Classifier), method="sigmoid", cv=3).fit(X, y)
    assert len(calibrated.calibrated_classifiers_) == 3
    proba = calibrated.predict_proba(X)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert calibrated.score(X, y) > 0.8


def test_stacking_classifier_stacks_the_class_probabilities_of_both_networks(iris, tiny):
    X, y = iris
    stack = StackingClassifier(
        [("spiking", tiny(SpikingClassifier)), ("dense", tiny(NonSpikingClassifier))],
        final_estimator=LogisticRegression(),
        cv=3,
    ).fit(X, y)
    assert stack.transform(X).shape == (len(y), 2 * 3)
    assert stack.score(X, y) > 0.85


def test_stacking_regressor_stacks_the_predictions_of_both_networks(regression, tiny):
    X, y = regression
    stack = StackingRegressor(
        [("spiking", tiny(SpikingRegressor)), ("dense", tiny(NonSpikingRegressor))],
        final_estimator=RidgeCV(),
        cv=3,
    ).fit(X, y)
    assert stack.transform(X).shape == (len(y), 2)
    assert stack.score(X, y) > 0.8


def test_soft_voting_averages_the_probabilities_of_both_networks(iris, tiny):
    X, y = iris
    voting = VotingClassifier(
        [("spiking", tiny(SpikingClassifier)), ("dense", tiny(NonSpikingClassifier))],
        voting="soft",
    ).fit(X, y)
    members = [member.predict_proba(X) for member in voting.estimators_]
    assert_allclose(voting.predict_proba(X), np.mean(members, axis=0))
    assert voting.score(X, y) > 0.85


@both_classifiers
def test_bagging_fits_networks_on_bootstrap_samples_and_feature_subsets(Classifier, iris, tiny):
    X, y = iris
    bagging = BaggingClassifier(
        tiny(Classifier), n_estimators=3, max_features=0.75, random_state=0
    ).fit(X, y)
    assert len(bagging.estimators_) == 3
    assert all(member.n_features_in_ == 3 for member in bagging.estimators_)
    assert_allclose(bagging.predict_proba(X).sum(axis=1), 1.0)
    assert bagging.score(X, y) > 0.8


@both_classifiers
def test_one_vs_rest_fits_one_binary_network_per_class(Classifier, iris, tiny):
    X, y = iris
    ovr = OneVsRestClassifier(tiny(Classifier)).fit(X, y)
    assert len(ovr.estimators_) == 3
    assert all(list(member.classes_) == [0, 1] for member in ovr.estimators_)
    assert ovr.predict_proba(X).shape == (len(y), 3)
    assert ovr.score(X, y) > 0.8


@both_regressors
def test_multi_output_regressor_fits_one_network_per_target(Regressor, multi_regression, tiny):
    X, y = multi_regression
    model = MultiOutputRegressor(tiny(Regressor)).fit(X, y)
    assert len(model.estimators_) == 2
    assert model.predict(X).shape == y.shape
    assert model.score(X, y) > 0.8


@both_regressors
def test_transformed_target_regressor_maps_predictions_back(Regressor, regression, tiny):
    X, y = regression
    y_positive = np.exp(y / y.std())
    model = TransformedTargetRegressor(tiny(Regressor), func=np.log, inverse_func=np.exp)
    model.fit(X, y_positive)
    assert_allclose(model.predict(X), np.exp(model.regressor_.predict(X)))
    assert r2_score(np.log(y_positive), np.log(model.predict(X))) > 0.8


@both_classifiers
def test_permutation_importance_ranks_informative_features_first(Classifier, binary, tiny):
    X, y = binary
    model = tiny(Classifier).fit(X, y)
    importances = permutation_importance(model, X, y, n_repeats=5, random_state=0)
    informative, noise = importances.importances_mean[:2], importances.importances_mean[2:]
    assert informative.min() > noise.max()


@both_classifiers
def test_learning_curve_scores_every_training_size(Classifier, iris, tiny):
    X, y = iris
    sizes, train_scores, test_scores = learning_curve(
        tiny(Classifier), X, y, train_sizes=[0.4, 0.7, 1.0], cv=3
    )
    assert_array_equal(sizes, [40, 70, 100])
    assert test_scores.shape == (3, 3)
    assert np.isfinite(train_scores).all() and np.isfinite(test_scores).all()
    assert test_scores[-1].mean() > 0.8


# ------------------------------------------------------------------ input contract


@all_estimators
def test_pandas_input_keeps_feature_names(Estimator, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    columns = [f"feature_{i}" for i in range(X.shape[1])]
    model = tiny(Estimator, max_iter=2).fit(pd.DataFrame(X, columns=columns), pd.Series(y))
    assert_array_equal(model.feature_names_in_, columns)


@all_estimators
def test_predicting_with_renamed_columns_raises_value_error(Estimator, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    columns = [f"feature_{i}" for i in range(X.shape[1])]
    model = tiny(Estimator, max_iter=2).fit(pd.DataFrame(X, columns=columns), y)
    with pytest.raises(ValueError, match="feature names"):
        model.predict(pd.DataFrame(X, columns=columns[::-1]))


@both_classifiers
@pytest.mark.parametrize(
    "labels",
    [
        np.array(["no", "yes"]),
        np.array(["no", "yes"], dtype=object),
        np.array([-3, 7]),
        np.array([False, True]),
    ],
    ids=["str", "object", "int", "bool"],
)
def test_class_labels_round_trip_through_predict(Classifier, labels, binary, tiny):
    X, y = binary
    y_labels = labels[y]
    model = tiny(Classifier).fit(X, y_labels)
    predicted = model.predict(X)
    assert_array_equal(model.classes_, labels)
    assert predicted.dtype == y_labels.dtype
    assert set(predicted) <= set(labels)
    assert accuracy_score(y_labels, predicted) > 0.8


def test_string_class_labels_round_trip_in_multiclass(iris, tiny):
    X, y = iris
    names = load_iris().target_names
    model = tiny(SpikingClassifier).fit(X, names[y])
    assert_array_equal(model.classes_, names)
    assert accuracy_score(names[y], model.predict(X)) > 0.85


def _cast(X, dtype):
    if dtype is bool:
        return X > 0
    if np.issubdtype(dtype, np.integer):
        return np.round(X * 3).astype(dtype)
    return X.astype(dtype)


@all_estimators
@pytest.mark.parametrize(
    "dtype", [np.int32, np.int64, np.float32, np.float64, bool], ids=lambda d: d.__name__
)
def test_numeric_feature_dtypes_are_accepted(Estimator, dtype, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    X_cast = _cast(X, dtype)
    model = tiny(Estimator).fit(X_cast, y)
    predicted = outputs(model, X_cast)
    assert len(predicted) == len(y)
    assert np.isfinite(predicted).all()
    assert model.score(X_cast, y) > 0.5


def _with_ignored_rows(X, y, n_ignored=30, seed=1):
    """Append rows with scrambled, extreme targets, and weights that ignore them."""
    rng = np.random.RandomState(seed)
    rows = rng.choice(len(y), n_ignored)
    X_extra = rng.normal(size=(n_ignored, X.shape[1])) * 3
    y_extra = rng.permutation(y[rows]) if y.dtype.kind == "i" else y[rows] * -10 + 1000
    weight = np.r_[np.ones(len(y)), np.zeros(n_ignored)]
    return np.vstack([X, X_extra]), np.r_[y, y_extra], weight


@all_estimators
def test_samples_with_zero_weight_have_no_effect(Estimator, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    X, y = X[:100], y[:100]
    X_all, y_all, weight = _with_ignored_rows(X, y)
    # batch_size="auto" takes all of fewer than 200 rows as one batch, so both
    # fits see the same batches of positively weighted samples.
    weighted = tiny(Estimator, batch_size="auto").fit(X_all, y_all, sample_weight=weight)
    without = tiny(Estimator, batch_size="auto").fit(X, y)
    assert_allclose(outputs(weighted, X), outputs(without, X), rtol=1e-6, atol=1e-6)


@all_estimators
def test_metadata_routing_routes_sample_weight_and_changes_no_fit(
    Estimator, iris, regression, tiny
):
    # The spiking estimators once passed their encoder's random generator to skorch
    # as a fit parameter, which skorch refuses under routing: no fit could run.
    X, y = data_for(Estimator, iris, regression)
    weight = np.random.RandomState(0).rand(len(y))
    params = {"encoder": "noisy"} if Estimator in SPIKING else {}
    plain = tiny(Estimator, **params).fit(X, y, sample_weight=weight)
    with sklearn.config_context(enable_metadata_routing=True):
        routed = tiny(Estimator, **params).set_fit_request(sample_weight=True)
        routed.set_score_request(sample_weight=False)
        search = GridSearchCV(routed, {"alpha": [1e-4, 1e-3]}, cv=2).fit(X, y, sample_weight=weight)
        routed.fit(X, y, sample_weight=weight)
        partial = tiny(Estimator, **params)
        classifier = issubclass(Estimator, ClassifierMixin)
        partial.partial_fit(X, y, **({"classes": np.unique(y)} if classifier else {}))
    assert_allclose(outputs(routed, X), outputs(plain, X))
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert partial.n_iter_ == 1


@pytest.mark.parametrize(
    ("n_samples", "expected"), [(150, 150), (4000, 200), (10_000, 400), (20_000, 512)]
)
def test_auto_batch_size_is_mlps_for_small_tables_and_grows_to_512(n_samples, expected, tiny):
    X, y = make_classification(n_samples, 4, random_state=0)
    model = tiny(SpikingClassifier, batch_size="auto", max_iter=1, early_stopping=False)
    model.fit(X, y)
    assert model.net_.batch_size == expected


@both_classifiers
def test_partial_fit_requires_classes_on_the_first_call(Classifier, iris, tiny):
    X, y = iris
    with pytest.raises(ValueError, match="classes"):
        tiny(Classifier).partial_fit(X, y)


@both_classifiers
def test_partial_fit_over_chunks_learns(Classifier, iris, tiny):
    X, y = iris
    model = tiny(Classifier)
    chunks = np.array_split(np.arange(len(y)), 3)
    model.partial_fit(X[chunks[0]], y[chunks[0]], classes=np.unique(y))
    first_score = model.score(X, y)
    for _ in range(10):
        for chunk in chunks:
            model.partial_fit(X[chunk], y[chunk])
    assert model.score(X, y) > max(first_score, 0.85)


@both_classifiers
def test_partial_fit_counts_one_iteration_per_call(Classifier, iris, tiny):
    X, y = iris
    model = tiny(Classifier)
    for _ in range(3):
        model.partial_fit(X, y, classes=np.unique(y))
    assert model.n_iter_ == 3
    assert len(model.loss_curve_) == 3


@both_classifiers
def test_partial_fit_accepts_a_class_absent_from_the_first_chunk(Classifier, iris, tiny):
    X, y = iris
    model = tiny(Classifier)
    without_2, with_2 = y != 2, y == 2
    model.partial_fit(X[without_2], y[without_2], classes=[0, 1, 2])
    model.partial_fit(X[with_2], y[with_2])
    assert_array_equal(model.classes_, [0, 1, 2])
    assert model.predict_proba(X).shape == (len(y), 3)


@both_regressors
def test_partial_fit_over_chunks_learns_a_regression(Regressor, regression, tiny):
    X, y = regression
    model = tiny(Regressor)
    chunks = np.array_split(np.arange(len(y)), 3)
    model.partial_fit(X[chunks[0]], y[chunks[0]])
    first_score = model.score(X, y)
    for _ in range(15):
        for chunk in chunks:
            model.partial_fit(X[chunk], y[chunk])
    assert model.score(X, y) > max(first_score, 0.8)


@all_estimators
def test_warm_start_continues_training_from_the_previous_fit(Estimator, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    model = tiny(Estimator, warm_start=True, max_iter=5).fit(X, y)
    first_curve = list(model.loss_curve_)
    model.fit(X, y)
    assert model.n_iter_ == 10
    assert model.loss_curve_[:5] == first_curve
    assert model.loss_curve_[5] < first_curve[0]


@all_estimators
def test_refit_without_warm_start_starts_over(Estimator, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    model = tiny(Estimator, max_iter=5).fit(X, y)
    first_curve = list(model.loss_curve_)
    model.fit(X, y)
    assert model.n_iter_ == 5
    assert_allclose(model.loss_curve_, first_curve)


# ------------------------------------------------------- determinism, persistence

REPRODUCIBLE = [
    (SpikingClassifier, {}),
    (SpikingClassifier, {"encoder": "noisy"}),
    (SpikingClassifier, {"encoder": "rate", "early_stopping": True}),
    (SpikingRegressor, {"encoder": "noisy"}),
    (NonSpikingClassifier, {}),
    (NonSpikingRegressor, {"early_stopping": True}),
]
reproducible = pytest.mark.parametrize(
    "Estimator, params",
    REPRODUCIBLE,
    ids=[_name(cls) + "".join(f"-{k}={v}" for k, v in p.items()) for cls, p in REPRODUCIBLE],
)


@reproducible
def test_same_random_state_gives_the_same_predictions(Estimator, params, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    first = tiny(Estimator, random_state=3, **params).fit(X, y)
    second = tiny(Estimator, random_state=3, **params).fit(X, y)
    assert_allclose(outputs(first, X), outputs(second, X), rtol=1e-6, atol=1e-6)


@reproducible
def test_different_random_state_gives_different_predictions(
    Estimator, params, iris, regression, tiny
):
    X, y = data_for(Estimator, iris, regression)
    first = tiny(Estimator, random_state=3, **params).fit(X, y)
    second = tiny(Estimator, random_state=4, **params).fit(X, y)
    assert np.abs(outputs(first, X) - outputs(second, X)).max() > 1e-4


@reproducible
def test_clone_refits_to_the_same_predictions(Estimator, params, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    fitted = tiny(Estimator, **params).fit(X, y)
    refitted = clone(fitted).fit(X, y)
    assert_allclose(outputs(refitted, X), outputs(fitted, X), rtol=1e-6, atol=1e-6)


@reproducible
def test_pickle_round_trip_keeps_predictions(Estimator, params, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    fitted = tiny(Estimator, **params).fit(X, y)
    loaded = pickle.loads(pickle.dumps(fitted))
    assert_array_equal(outputs(loaded, X), outputs(fitted, X))


@reproducible
def test_joblib_round_trip_keeps_predictions(Estimator, params, iris, regression, tmp_path, tiny):
    X, y = data_for(Estimator, iris, regression)
    fitted = tiny(Estimator, **params).fit(X, y)
    joblib.dump(fitted, tmp_path / "model.joblib")
    loaded = joblib.load(tmp_path / "model.joblib")
    assert_array_equal(outputs(loaded, X), outputs(fitted, X))


# ------------------------------------------------------------- fitted attributes


@both_classifiers
def test_fitted_classifier_exposes_mlp_attributes(Classifier, iris, tiny):
    X, y = iris
    model = tiny(Classifier, max_iter=7, tol=0.0).fit(X, y)
    assert_array_equal(model.classes_, [0, 1, 2])
    assert model.n_features_in_ == 4
    assert model.n_outputs_ == 3
    assert model.n_iter_ == 7
    assert len(model.loss_curve_) == 7
    assert model.best_loss_ == min(model.loss_curve_)
    assert model.validation_scores_ is None
    assert model.best_validation_score_ is None


@both_regressors
def test_fitted_regressor_exposes_mlp_attributes(Regressor, regression, tiny):
    X, y = regression
    model = tiny(Regressor, max_iter=7, tol=0.0).fit(X, y)
    assert model.n_features_in_ == 5
    assert model.n_outputs_ == 1
    assert model.n_iter_ == len(model.loss_curve_) == 7
    assert model.best_loss_ == min(model.loss_curve_)


@all_estimators
def test_history_is_the_skorch_record_of_every_epoch(Estimator, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    model = tiny(Estimator, max_iter=4, tol=0.0).fit(X, y)
    assert isinstance(model.history_, History)
    assert len(model.history_) == model.n_iter_
    assert_allclose(model.history_[:, "train_loss"], model.loss_curve_)


@all_estimators
def test_early_stopping_records_validation_scores(Estimator, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    model = tiny(Estimator, early_stopping=True, validation_fraction=0.2).fit(X, y)
    assert len(model.validation_scores_) == model.n_iter_
    assert model.best_validation_score_ in model.validation_scores_
    assert model.best_loss_ is None


@both_classifiers
def test_classifier_early_stopping_keeps_the_epoch_of_lowest_validation_loss(Classifier, tiny):
    # Few validation rows: their accuracy ties over many epochs, their loss does not.
    X, y = make_classification(400, 6, n_informative=3, flip_y=0.2, random_state=2)
    model = tiny(
        Classifier,
        hidden_layer_sizes=(32,),
        early_stopping=True,
        learning_rate="constant",
        n_iter_no_change=5,
        tol=0.0,
        max_iter=200,
    ).fit(X, y)
    best = int(np.argmin(model.history_[:, "valid_loss"]))
    # On this split the two disagree: the first epoch of the best accuracy is another one.
    assert best != np.argmax(model.validation_scores_)
    # Training stopped on the loss's stall, five epochs after its lowest value.
    assert model.n_iter_ == best + 1 + 5
    assert model.best_validation_score_ == model.validation_scores_[best]
    # Its weights are those of that epoch: the same fit, stopped there, predicts alike.
    with pytest.warns(ConvergenceWarning):
        stopped_there = clone(model).set_params(max_iter=best + 1).fit(X, y)
    assert_allclose(model.predict_proba(X), stopped_there.predict_proba(X))


@both_regressors
def test_regressor_early_stopping_keeps_the_epoch_of_best_validation_r2(
    Regressor, regression, tiny
):
    X, y = regression
    model = tiny(Regressor, early_stopping=True, validation_fraction=0.2, max_iter=30)
    model.fit(X, y)
    assert model.best_validation_score_ == max(model.validation_scores_)


@both_classifiers
@pytest.mark.parametrize(
    "n_samples, classes, fraction",
    [(1200, "a singleton class", 0.1), (1000, 120, 0.1), (1000, 120, 0.9)],
    ids=["singleton-class", "more-classes-than-validation-rows", "more-classes-than-training-rows"],
)
def test_auto_early_stopping_fits_without_a_split_that_cannot_be_stratified(
    Classifier, n_samples, classes, fraction, tiny
):
    X = np.random.RandomState(0).normal(size=(n_samples, 3))
    if classes == "a singleton class":
        y = np.arange(n_samples) % 3
        y[0] = 3
    else:
        y = np.arange(n_samples) % classes
    model = tiny(Classifier, max_iter=2, validation_fraction=fraction).fit(X, y)
    assert model.validation_scores_ is None
    assert model.predict(X).shape == (n_samples,)
    explicit = tiny(Classifier, max_iter=2, validation_fraction=fraction, early_stopping=True)
    with pytest.raises(ValueError, match="early_stopping needs a validation split"):
        explicit.fit(X, y)


@all_estimators
def test_auto_early_stopping_splits_a_table_that_can_be_stratified(Estimator, tiny):
    X, y = make_classification(1000, 4, n_informative=3, n_redundant=0, random_state=0)
    model = tiny(Estimator, max_iter=2).fit(X, y)
    assert len(model.validation_scores_) == model.n_iter_


@all_estimators
def test_auto_early_stopping_holds_out_a_split_from_300_samples(Estimator, tiny):
    X, y = make_classification(300, 4, n_informative=3, n_redundant=0, random_state=0)
    assert tiny(Estimator, max_iter=2).fit(X, y).validation_scores_ is not None
    assert tiny(Estimator, max_iter=2).fit(X[:299], y[:299]).validation_scores_ is None


@all_estimators
def test_auto_early_stopping_counts_only_samples_of_positive_weight(Estimator, tiny):
    X, y = make_classification(400, 4, n_informative=3, n_redundant=0, random_state=0)
    weight = (np.arange(400) < 299).astype(float)
    assert tiny(Estimator, max_iter=2).fit(X, y, sample_weight=weight).validation_scores_ is None
    weight[299] = 1.0
    assert tiny(Estimator, max_iter=2).fit(X, y, sample_weight=weight).validation_scores_


@all_estimators
def test_early_stopping_refuses_a_validation_split_of_zero_weight(Estimator, tiny):
    # Its loss and score were NaN: the fit stopped early on the first epoch's weights.
    X, y = make_classification(400, 4, n_informative=3, n_redundant=0, random_state=0)
    weight = np.zeros(400)
    weight[[np.flatnonzero(y == 0)[0], np.flatnonzero(y == 1)[0]]] = 1.0
    model = tiny(Estimator, early_stopping=True, max_iter=2)
    with pytest.raises(ValueError, match="positive sample_weight on both sides"):
        model.fit(X, y, sample_weight=weight)


@both_regressors
def test_multi_output_regression_predicts_one_column_per_target(Regressor, multi_regression, tiny):
    X, y = multi_regression
    model = tiny(Regressor).fit(X, y)
    assert model.n_outputs_ == 2
    assert model.predict(X).shape == (len(y), 2)
    assert model.score(X, y) > 0.8


@both_regressors
def test_single_output_regression_predicts_a_vector(Regressor, regression, tiny):
    X, y = regression
    model = tiny(Regressor, max_iter=2).fit(X, y[:, None])
    assert model.predict(X).shape == (len(y),)


# ----------------------------------------------------------- parameter validation

COMMON_BAD_PARAMS = [
    ("batch_size", -1),
    ("batch_size", 0),
    ("device", "tpu"),
    ("hidden_layer_sizes", (0,)),
    ("hidden_layer_sizes", ()),
    ("hidden_layer_sizes", (16, -2)),
    ("hidden_layer_sizes", (16.5,)),
    ("alpha", -1.0),
    ("learning_rate_init", 0.0),
    ("max_iter", 0),
    ("tol", -1.0),
    ("n_iter_no_change", 0),
    ("validation_fraction", 1.0),
    ("early_stopping", "yes"),
]
SPIKING_BAD_PARAMS = [
    ("n_steps", 0),
    ("n_steps", 2.5),
    ("beta", 1.5),
    ("beta", -0.1),
    ("threshold", 0),
    ("encoder", "nope"),
    ("reset", "nope"),
    ("surrogate", "nope"),
    ("surrogate_slope", 0),
    ("readout", "nope"),
]


def _bad_param_cases():
    cases = []
    for Estimator in (SpikingClassifier, SpikingRegressor, NonSpikingClassifier):
        bad = COMMON_BAD_PARAMS + (SPIKING_BAD_PARAMS if Estimator in SPIKING else [])
        for name, value in bad:
            cases.append(
                pytest.param(Estimator, name, value, id=f"{_name(Estimator)}-{name}={value!r}")
            )
    cases.append(
        pytest.param(SpikingRegressor, "readout", "spike_count", id="SpikingRegressor-spike_count")
    )
    return cases


@pytest.mark.parametrize("Estimator, name, value", _bad_param_cases())
def test_bad_parameter_raises_value_error_naming_it(Estimator, name, value, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    with pytest.raises(ValueError, match=name):
        tiny(Estimator, **{"max_iter": 1, name: value}).fit(X, y)


@pytest.mark.parametrize("Estimator", [SpikingClassifier, SpikingRegressor], ids=_name)
def test_bad_parameter_raises_value_error_in_partial_fit(Estimator, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    classes = {"classes": np.unique(y)} if issubclass(Estimator, ClassifierMixin) else {}
    with pytest.raises(ValueError, match="n_steps"):
        tiny(Estimator, n_steps=0).partial_fit(X, y, **classes)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA device")
@all_estimators
def test_cuda_without_a_gpu_raises_value_error(Estimator, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    with pytest.raises(ValueError, match="cuda"):
        tiny(Estimator, device="cuda").fit(X, y)


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA device")
def test_auto_device_falls_back_to_the_cpu(iris, tiny):
    X, y = iris
    model = tiny(SpikingClassifier, device="auto", max_iter=2).fit(X, y)
    assert model.device_ == "cpu"


@both_classifiers
def test_negative_sample_weight_raises_value_error_naming_it(Classifier, iris, tiny):
    X, y = iris
    weight = np.ones(len(y))
    weight[0] = -1
    with pytest.raises(ValueError, match="sample_weight"):
        tiny(Classifier).fit(X, y, sample_weight=weight)


@both_classifiers
def test_nan_features_raise_value_error(Classifier, iris, tiny):
    X, y = iris
    X = X.copy()
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        tiny(Classifier).fit(X, y)


# ------------------------------------------------------------ encoders, readouts


@pytest.fixture(scope="module")
def iris_split(iris):
    X, y = iris
    return train_test_split(X, y, test_size=0.3, stratify=y, random_state=0)


@pytest.fixture(scope="module")
def fitted_by_encoding(iris_split, tiny):
    """Iris classifiers, fitted once per (encoder, readout, other parameters) and shared."""
    X_train, _, y_train, _ = iris_split
    cache = {}

    def fit(encoder, readout="mean", **params):
        key = (encoder, readout, *sorted(params.items()))
        if key not in cache:
            model = tiny(
                SpikingClassifier,
                hidden_layer_sizes=(32,),
                n_steps=8,
                max_iter=30,
                encoder=encoder,
                readout=readout,
                **params,
            )
            cache[key] = model.fit(X_train, y_train)
        return cache[key]

    return fit


def test_the_spike_count_readouts_output_neurons_get_the_gentler_surrogate(fitted_by_encoding):
    network = fitted_by_encoding("rate", "spike_count").net_.module_
    assert network.readout.neurons.surrogate.slope == SPIKE_COUNT_SURROGATE_SLOPE == 2.0
    assert [neurons.surrogate.slope for neurons in network.neurons] == [25.0]


def test_a_surrogate_gentler_than_the_cap_reaches_the_output_neurons(fitted_by_encoding):
    network = fitted_by_encoding("rate", "spike_count", surrogate_slope=1.0).net_.module_
    assert network.readout.neurons.surrogate.slope == 1.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_rate_coding_with_the_spike_count_readout_learns_wine(seed):
    # With the hidden layers' slope of 25 on the output neurons too, all three
    # seeds ended at chance (0.33-0.36): the outputs fell silent for good.
    X, y = load_wine(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=y
    )
    model = make_pipeline(
        StandardScaler(),
        SpikingClassifier(encoder="rate", readout="spike_count", random_state=seed, n_threads=1),
    )
    assert model.fit(X_train, y_train).score(X_test, y_test) > 0.8


@pytest.mark.parametrize(
    ("encoder", "readout"),
    [(encoder, readout) for encoder in ENCODERS for readout in ("mean", "max", "spike_count")],
)
def test_every_encoder_and_readout_learns_iris_above_chance(
    encoder, readout, fitted_by_encoding, iris_split
):
    _, X_test, _, y_test = iris_split
    model = fitted_by_encoding(encoder, readout)
    assert model.score(X_test, y_test) > 0.5


@pytest.mark.parametrize("readout", ["mean", "max"])
@pytest.mark.parametrize("encoder", ENCODERS)
def test_every_encoder_and_readout_regresses_better_than_the_mean(
    encoder, readout, regression, tiny
):
    X, y = regression
    # The default alpha suits small noisy tables; a sparse latency code needs less
    # decay. The encoders code the raw features here (no numeric embedding).
    model = tiny(
        SpikingRegressor, n_steps=8, encoder=encoder, readout=readout, alpha=1e-4, input_bins=0
    )
    assert model.fit(X, y).score(X, y) > 0.25


@pytest.mark.parametrize("encoder", ENCODERS)
def test_predictions_are_reproducible_call_to_call(encoder, fitted_by_encoding, iris_split):
    _, X_test, _, _ = iris_split
    model = fitted_by_encoding(encoder)
    assert_array_equal(model.predict_proba(X_test), model.predict_proba(X_test))


@pytest.mark.parametrize("encoder", ENCODERS)
def test_predictions_do_not_depend_on_row_order(encoder, fitted_by_encoding, iris_split):
    _, X_test, _, _ = iris_split
    model = fitted_by_encoding(encoder)
    order = np.random.RandomState(0).permutation(len(X_test))
    assert_allclose(model.predict_proba(X_test[order]), model.predict_proba(X_test)[order])


@pytest.mark.parametrize("encoder", ENCODERS)
def test_predictions_do_not_depend_on_the_other_rows(encoder, fitted_by_encoding, iris_split):
    _, X_test, _, _ = iris_split
    model = fitted_by_encoding(encoder)
    whole = model.predict_proba(X_test)
    one_by_one = np.vstack([model.predict_proba(row[None]) for row in X_test[:10]])
    assert_allclose(model.predict_proba(X_test[5:15]), whole[5:15])
    assert_allclose(one_by_one, whole[:10])


def test_read_only_input_trains_without_a_torch_warning(iris_split, tiny):
    X_train, _, y_train, _ = iris_split
    X_read_only = np.array(X_train)
    X_read_only.setflags(write=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = tiny(SpikingClassifier).fit(X_read_only, y_train)
    assert model.predict(X_read_only).shape == y_train.shape


@pytest.mark.parametrize("magnitude", [1e-200, 1e200])
def test_regressor_predicts_finite_values_for_targets_near_the_float_range(magnitude, tiny):
    X = np.random.RandomState(0).randn(60, 3)
    y = X[:, 0] * magnitude
    model = tiny(NonSpikingRegressor, max_iter=50).fit(X, y)
    prediction = model.predict(X)
    assert np.isfinite(prediction).all()
    # scikit-learn's r2_score itself overflows at 1e200; score in units of the magnitude.
    assert r2_score(y / magnitude, prediction / magnitude) > 0.5


@all_estimators
def test_fit_and_predict_leave_the_global_random_states_as_they_were(
    Estimator, iris, regression, tiny
):
    X, y = data_for(Estimator, iris, regression)
    torch_state = torch.get_rng_state()
    numpy_state = np.random.get_state()  # noqa: NPY002
    model = tiny(Estimator, max_iter=2)
    model.fit(X, y)
    outputs(model, X)
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert_array_equal(np.random.get_state()[1], numpy_state[1])  # noqa: NPY002


@all_estimators
def test_partial_fit_refuses_early_stopping_as_mlp_does(Estimator, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    model = tiny(Estimator, early_stopping=True)
    extra = {"classes": np.unique(y)} if issubclass(Estimator, ClassifierMixin) else {}
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):
        model.partial_fit(X, y, **extra)
    assert not hasattr(model, "n_features_in_") and not hasattr(model, "classes_")
    model.set_params(early_stopping=np.False_).partial_fit(X, y, **extra)
    assert model.n_iter_ == 1


@all_estimators
def test_mlps_fitted_attributes_describe_the_network(Estimator, iris, regression, tiny):
    X, y = data_for(Estimator, iris, regression)
    model = tiny(Estimator, hidden_layer_sizes=(16, 8), input_bins=0, max_iter=3)
    model.fit(X, y)
    assert [c.shape for c in model.coefs_] == [(X.shape[1], 16), (16, 8), (8, model.n_outputs_)]
    assert [b.shape for b in model.intercepts_] == [(16,), (8,), (model.n_outputs_,)]
    first = model.net_.module_.modules()
    first = next(m for m in first if isinstance(m, torch.nn.Linear))
    assert_array_equal(model.coefs_[0], first.weight.detach().numpy().T)
    assert model.n_layers_ == 4
    assert model.loss_ == model.loss_curve_[-1]
    classifier = issubclass(Estimator, ClassifierMixin)
    assert model.out_activation_ == ("softmax" if classifier else "identity")
    assert not hasattr(tiny(Estimator), "coefs_")
