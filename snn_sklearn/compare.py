"""Cross-validated comparison of several estimators in one table."""

import warnings

import numpy as np
from sklearn.base import is_classifier
from sklearn.exceptions import FitFailedWarning
from sklearn.model_selection import check_cv, cross_validate

from ._optional import import_optional
from .metrics import classification_scorers, regression_scorers

__all__ = ["compare_models"]


def compare_models(estimators, X, y, *, cv=5, scoring=None, n_jobs=None):
    """Cross-validate several estimators on the same folds and tabulate their scores.

    Each estimator is evaluated with :func:`~sklearn.model_selection.cross_validate`;
    the folds are drawn once, so every model is trained and tested on the same
    splits even when ``cv`` shuffles. A fit or score that fails gives ``nan`` in
    that fold, with scikit-learn's warning, instead of stopping the comparison; a
    model whose every fit fails gets ``nan`` throughout its row, with a
    :class:`~sklearn.exceptions.FitFailedWarning` naming it and its error.

    Parameters
    ----------
    estimators : dict of str to estimator
        The models to compare, by name, in the order of the rows. All must be
        classifiers or all regressors.
    X : array-like of shape (n_samples, n_features)
        Input data.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Targets.
    cv : int, cross-validation generator or iterable, default=5
        Cross-validation strategy, as in
        :func:`~sklearn.model_selection.cross_validate`; an integer means
        (stratified, for classifiers) k-fold.
    scoring : str, callable, list or dict, default=None
        Scorers, as in :func:`~sklearn.model_selection.cross_validate`. None means
        :func:`~snn_sklearn.metrics.classification_scorers` for classifiers and
        :func:`~snn_sklearn.metrics.regression_scorers` for regressors. A single
        scorer gives the columns ``score_mean`` and ``score_std``.
    n_jobs : int, default=None
        Number of jobs fitting folds in parallel (through joblib), for each model
        in turn. None means 1 unless in a :func:`joblib.parallel_backend` context;
        -1 means all processors.

    Returns
    -------
    results : pandas.DataFrame
        One row per model, indexed by its name (index name ``"model"``). For each
        scorer ``name`` the columns ``name_mean`` and ``name_std``, the mean and
        standard deviation (``ddof=0``, as in ``GridSearchCV.cv_results_``) over the
        folds, then ``fit_time_mean``, ``fit_time_std``, ``score_time_mean`` and
        ``score_time_std`` in seconds. Every scorer is greater-is-better.

    Raises
    ------
    ImportError
        If pandas is not installed.
    TypeError
        If a value of ``estimators`` is not an estimator.
    ValueError
        If ``estimators`` is empty, not a dict, or mixes classifiers and regressors.

    See Also
    --------
    sklearn.model_selection.cross_validate : Evaluation of one model.
    snn_sklearn.metrics.regression_scorers : The default regression scorers.
    snn_sklearn.metrics.classification_scorers : The default classification scorers.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.neighbors import KNeighborsRegressor
    >>> from snn_sklearn.compare import compare_models
    >>> X, y = load_diabetes(return_X_y=True)
    >>> results = compare_models({"ridge": Ridge(), "knn": KNeighborsRegressor()}, X, y)
    >>> results.index.tolist()
    ['ridge', 'knn']
    >>> results[["r2_mean", "pearson_r_mean"]].round(2)  # doctest: +NORMALIZE_WHITESPACE
           r2_mean  pearson_r_mean
    model
    ridge     0.41            0.68
    knn       0.38            0.62
    """
    pd = import_optional("pandas", "pandas", "compare_models (it returns a DataFrame)")

    if not isinstance(estimators, dict) or not estimators:
        raise ValueError(
            "estimators must be a non-empty dict mapping a name to an estimator, got "
            f"{estimators!r}."
        )
    for name, estimator in estimators.items():
        if isinstance(estimator, type) or not hasattr(estimator, "fit"):
            raise TypeError(
                f"estimators[{name!r}] must be a scikit-learn estimator instance (an object "
                f"with fit), got {estimator!r}."
            )
    kinds = {name: is_classifier(estimator) for name, estimator in estimators.items()}
    classifier = next(iter(kinds.values()))
    if len(set(kinds.values())) > 1:
        classifiers = [name for name, is_clf in kinds.items() if is_clf]
        raise ValueError(
            "estimators must be all classifiers or all regressors; classifiers: "
            f"{classifiers}, regressors: {[name for name in kinds if name not in classifiers]}."
        )
    if scoring is None:
        scoring = classification_scorers() if classifier else regression_scorers()
    splits = list(check_cv(cv, y, classifier=classifier).split(X, y))

    rows = {}
    for name, estimator in estimators.items():
        try:
            result = cross_validate(estimator, X, y, cv=splits, scoring=scoring, n_jobs=n_jobs)
        except ValueError as error:
            # cross_validate raises, rather than warns, when every fit fails.
            if "fits failed" not in str(error):
                raise
            warnings.warn(
                f"Every fit of {name!r} failed, so its scores are nan.{error}",
                FitFailedWarning,
                stacklevel=2,
            )
            rows[name] = {}
            continue
        scores = {key.removeprefix("test_"): value for key, value in result.items()}
        # Scorers first, in the order given, then the timings.
        order = [key for key in scores if key not in ("fit_time", "score_time")]
        row = {}
        for key in [*order, "fit_time", "score_time"]:
            row[f"{key}_mean"] = np.mean(scores[key])
            row[f"{key}_std"] = np.std(scores[key])
        rows[name] = row
    results = pd.DataFrame.from_dict(rows, orient="index")
    if results.columns.empty:
        names = [*_scorer_names(scoring), "fit_time", "score_time"]
        columns = [f"{key}{stat}" for key in names for stat in ("_mean", "_std")]
        results = pd.DataFrame(np.nan, index=results.index, columns=columns)
    results.index.name = "model"
    return results


def _scorer_names(scoring):
    """The scorers' names in ``cross_validate``'s result: ``"score"`` for a single one."""
    if isinstance(scoring, str) or callable(scoring):
        return ["score"]
    return list(scoring)
