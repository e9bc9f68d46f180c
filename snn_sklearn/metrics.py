"""Regression metrics scikit-learn lacks, and ready-made scorer dictionaries.

:func:`pearson_r` and :func:`root_mean_squared_relative_error` follow the
signature of scikit-learn's regression metrics, ``(y_true, y_pred, *,
sample_weight=None, multioutput=...)``. :func:`regression_scorers` and
:func:`classification_scorers` return dictionaries that can be passed as
``scoring=`` to :func:`~sklearn.model_selection.cross_validate`,
:class:`~sklearn.model_selection.GridSearchCV` and the other model-selection tools.
"""

import warnings

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import get_scorer, make_scorer
from sklearn.utils import check_array, check_consistent_length

from ._scaling import power_of_two_scaled

__all__ = [
    "classification_scorers",
    "pearson_r",
    "regression_scorers",
    "root_mean_squared_relative_error",
]

_MULTIOUTPUT_OPTIONS = ("raw_values", "uniform_average")


def _check_targets(y_true, y_pred, sample_weight, multioutput):
    """Validate the arguments shared by the regression metrics.

    Returns ``y_true`` and ``y_pred`` as 2-D float arrays of shape (n_samples,
    n_outputs), ``sample_weight`` as a 1-D float array (ones when None) and
    ``multioutput`` as a string or a 1-D float array of length n_outputs.
    """
    for name, value in (("y_true", y_true), ("y_pred", y_pred)):
        if value is None:
            raise TypeError(f"{name} must be array-like of shape (n_samples,), got None.")
    check_consistent_length(y_true, y_pred, sample_weight)
    y_true = check_array(y_true, ensure_2d=False, dtype=np.float64, input_name="y_true")
    y_pred = check_array(y_pred, ensure_2d=False, dtype=np.float64, input_name="y_pred")
    if y_true.ndim == 1:
        y_true = y_true.reshape(-1, 1)
    if y_pred.ndim == 1:
        y_pred = y_pred.reshape(-1, 1)
    if y_true.shape[1] != y_pred.shape[1]:
        raise ValueError(
            "y_true and y_pred have different numbers of outputs "
            f"({y_true.shape[1]} != {y_pred.shape[1]}); pass targets and predictions "
            "of the same shape."
        )
    n_outputs = y_true.shape[1]

    if sample_weight is None:
        sample_weight = np.ones(y_true.shape[0])
    else:
        sample_weight = check_array(
            sample_weight, ensure_2d=False, dtype=np.float64, input_name="sample_weight"
        )
        if sample_weight.ndim != 1:
            raise ValueError(
                f"sample_weight must be 1-D of shape (n_samples,), got shape {sample_weight.shape}."
            )
        if np.any(sample_weight < 0) or not np.any(sample_weight > 0):
            raise ValueError(
                "sample_weight must be non-negative with a positive sum, got "
                f"min={sample_weight.min()}, sum={sample_weight.sum()}."
            )
        # Both metrics are weighted means: the scale is free, and huge weights must not overflow.
        sample_weight = power_of_two_scaled(sample_weight)

    if multioutput is None or isinstance(multioutput, str):
        if multioutput not in _MULTIOUTPUT_OPTIONS:
            raise ValueError(
                f"multioutput must be one of {_MULTIOUTPUT_OPTIONS} or an array of "
                f"shape (n_outputs,), got {multioutput!r}."
            )
    else:
        if np.ndim(multioutput) != 1 or len(multioutput) != n_outputs:
            raise ValueError(
                f"multioutput weights must have shape ({n_outputs},) to match the "
                f"number of outputs, got shape {np.shape(multioutput)}."
            )
        multioutput = check_array(
            multioutput, ensure_2d=False, dtype=np.float64, input_name="multioutput"
        )
        if np.any(multioutput < 0) or not np.any(multioutput > 0):
            raise ValueError(
                "multioutput weights must be non-negative with a positive sum, got "
                f"{multioutput!r}."
            )
    return y_true, y_pred, sample_weight, multioutput


def _aggregate(output_values, multioutput):
    if isinstance(multioutput, str):
        if multioutput == "raw_values":
            return output_values
        multioutput = None
    return float(np.average(output_values, weights=multioutput))


def pearson_r(y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"):
    """Pearson correlation coefficient between targets and predictions.

    With weights :math:`w_i`, means :math:`\\bar y = \\sum_i w_i y_i / \\sum_i w_i`
    and :math:`\\bar{\\hat y}` likewise,

    .. math::

        r = \\frac{\\sum_i w_i (y_i - \\bar y)(\\hat y_i - \\bar{\\hat y})}
                 {\\sqrt{\\sum_i w_i (y_i - \\bar y)^2 \\,
                         \\sum_i w_i (\\hat y_i - \\bar{\\hat y})^2}}.

    Without weights this equals :func:`scipy.stats.pearsonr`. Greater is better;
    the best value is 1.0.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Ground truth target values.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Estimated target values.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights; None weighs every sample equally.
    multioutput : {"raw_values", "uniform_average"} or array-like of shape \
            (n_outputs,), default="uniform_average"
        How to aggregate the correlations of several outputs: return them all,
        average them, or average them with these non-negative weights.

    Returns
    -------
    r : float or ndarray of shape (n_outputs,)
        The correlation, or one per output if ``multioutput="raw_values"``.

    Warns
    -----
    UndefinedMetricWarning
        When ``y_true`` or ``y_pred`` is constant in an output (among the samples
        with positive weight, which includes having fewer than two of them). The
        correlation is undefined there and is returned as ``nan``, as
        :func:`scipy.stats.pearsonr` does; a model that predicts one value for every
        sample then ranks last in a search instead of stopping it.

    See Also
    --------
    sklearn.metrics.r2_score : Coefficient of determination.

    Examples
    --------
    >>> from snn_sklearn.metrics import pearson_r
    >>> round(pearson_r([1, 2, 3, 4], [1.1, 1.9, 3.2, 3.8]), 4)
    0.9908
    >>> pearson_r([[1, 4], [2, 3], [3, 1]], [[1, 1], [2, 2], [3, 3]], multioutput="raw_values")
    array([ 1.        , -0.98198051])
    """
    y_true, y_pred, sample_weight, multioutput = _check_targets(
        y_true, y_pred, sample_weight, multioutput
    )
    weighted = sample_weight > 0
    constant = np.all(y_true[weighted] == y_true[weighted][0], axis=0) | np.all(
        y_pred[weighted] == y_pred[weighted][0], axis=0
    )
    w = sample_weight[:, np.newaxis]
    # r does not depend on the scale of either side; scaling keeps the squares finite.
    y_true = power_of_two_scaled(y_true, axis=0)
    y_pred = power_of_two_scaled(y_pred, axis=0)
    true_dev = y_true - np.average(y_true, axis=0, weights=sample_weight)
    pred_dev = y_pred - np.average(y_pred, axis=0, weights=sample_weight)
    covariance = np.sum(w * true_dev * pred_dev, axis=0)
    scale = np.sqrt(np.sum(w * true_dev**2, axis=0) * np.sum(w * pred_dev**2, axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.clip(covariance / scale, -1.0, 1.0)
    if np.any(constant):
        r[constant] = np.nan
        warnings.warn(
            f"pearson_r is undefined for output(s) {np.flatnonzero(constant).tolist()}: "
            "y_true or y_pred is constant there; returning nan for them.",
            UndefinedMetricWarning,
            stacklevel=2,
        )
    return _aggregate(r, multioutput)


def root_mean_squared_relative_error(
    y_true, y_pred, *, sample_weight=None, multioutput="uniform_average"
):
    """Root mean squared relative error (RMSRE).

    .. math::

        \\text{RMSRE} = \\sqrt{\\frac{\\sum_i w_i \\left(\\frac{y_i - \\hat y_i}{y_i}
        \\right)^2}{\\sum_i w_i}}.

    Lower is better; the best value is 0.0. Unlike
    :func:`~sklearn.metrics.mean_absolute_percentage_error`, which divides by
    ``max(|y|, eps)`` and returns a huge number for zero targets, this metric
    refuses them.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Ground truth target values; none may be zero.
    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Estimated target values.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative sample weights; None weighs every sample equally.
    multioutput : {"raw_values", "uniform_average"} or array-like of shape \
            (n_outputs,), default="uniform_average"
        How to aggregate the errors of several outputs: return them all, average
        them, or average them with these non-negative weights.

    Returns
    -------
    error : float or ndarray of shape (n_outputs,)
        The error, or one per output if ``multioutput="raw_values"``.

    Raises
    ------
    ValueError
        If ``y_true`` contains a zero, where the relative error is undefined.

    See Also
    --------
    sklearn.metrics.mean_absolute_percentage_error : Mean absolute relative error.
    sklearn.metrics.root_mean_squared_error : The same error in absolute terms.

    Examples
    --------
    >>> from snn_sklearn.metrics import root_mean_squared_relative_error
    >>> round(root_mean_squared_relative_error([1.0, 2.0, 4.0], [1.1, 1.8, 4.0]), 4)
    0.0816
    >>> root_mean_squared_relative_error([1.0, 0.0], [1.0, 0.5])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: root_mean_squared_relative_error is undefined when y_true contains zeros ...
    """
    y_true, y_pred, sample_weight, multioutput = _check_targets(
        y_true, y_pred, sample_weight, multioutput
    )
    n_zeros = np.count_nonzero(y_true == 0)
    if n_zeros:
        raise ValueError(
            "root_mean_squared_relative_error is undefined when y_true contains zeros "
            f"(found {n_zeros}); drop those samples or use an absolute error such as "
            "root_mean_squared_error."
        )
    relative_error = (y_true - y_pred) / y_true
    errors = np.sqrt(np.average(relative_error**2, axis=0, weights=sample_weight))
    return _aggregate(errors, multioutput)


def regression_scorers():
    """Return scorers for regression, keyed as scikit-learn names them.

    Pass the result as ``scoring=`` to :func:`~sklearn.model_selection.cross_validate`
    or a search (with ``refit=`` set to one of the keys). Errors are negated so that
    greater is better for every scorer, as scikit-learn's ``neg_*`` scorers are.

    On targets containing zeros the relative error is undefined:
    :func:`root_mean_squared_relative_error` raises, so with ``cross_validate``'s
    default ``error_score=nan`` that one scorer gives ``nan`` with a warning while
    the others are still computed.

    Returns
    -------
    scorers : dict of str to callable
        ``"pearson_r"`` (:func:`pearson_r`), ``"r2"``, ``"neg_mean_squared_error"``,
        ``"neg_root_mean_squared_error"``, ``"neg_root_mean_squared_relative_error"``
        (:func:`root_mean_squared_relative_error`), ``"neg_mean_absolute_error"``
        and ``"neg_mean_absolute_percentage_error"``.

    See Also
    --------
    classification_scorers : The same for classification.

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.model_selection import cross_validate
    >>> from snn_sklearn.metrics import regression_scorers
    >>> X, y = make_regression(n_samples=60, n_features=3, noise=1.0, random_state=0)
    >>> y = y + 500  # keep targets away from zero for the relative error
    >>> result = cross_validate(LinearRegression(), X, y, scoring=regression_scorers())
    >>> sorted(key for key in result if key.startswith("test_"))  # doctest: +NORMALIZE_WHITESPACE
    ['test_neg_mean_absolute_error', 'test_neg_mean_absolute_percentage_error',
     'test_neg_mean_squared_error', 'test_neg_root_mean_squared_error',
     'test_neg_root_mean_squared_relative_error', 'test_pearson_r', 'test_r2']
    """
    return {
        "pearson_r": make_scorer(pearson_r),
        "r2": get_scorer("r2"),
        "neg_mean_squared_error": get_scorer("neg_mean_squared_error"),
        "neg_root_mean_squared_error": get_scorer("neg_root_mean_squared_error"),
        "neg_root_mean_squared_relative_error": make_scorer(
            root_mean_squared_relative_error, greater_is_better=False
        ),
        "neg_mean_absolute_error": get_scorer("neg_mean_absolute_error"),
        "neg_mean_absolute_percentage_error": get_scorer("neg_mean_absolute_percentage_error"),
    }


def classification_scorers(*, binary=False):
    """Return scorers for classification, keyed as scikit-learn names them.

    Pass the result as ``scoring=`` to :func:`~sklearn.model_selection.cross_validate`
    or a search (with ``refit=`` set to one of the keys). Each value is the
    scikit-learn scorer of that name, so the key says exactly what is measured.

    By default every scorer works for binary and multiclass targets alike:
    ``"f1_weighted"`` is the support-weighted mean of the per-class F1 scores, and
    ``"roc_auc_ovr"`` is the one-vs-rest ROC AUC, which on a binary target equals the
    ordinary ROC AUC of the positive class (the larger label). The ROC AUC and log
    loss scorers need an estimator with ``predict_proba``.

    Parameters
    ----------
    binary : bool, default=False
        Use the binary-only scorers ``"f1"`` (F1 of the positive class, which must
        be labelled 1, as in :func:`~sklearn.metrics.f1_score`) and ``"roc_auc"`` in
        place of ``"f1_weighted"`` and ``"roc_auc_ovr"``. They fail on multiclass
        targets.

    Returns
    -------
    scorers : dict of str to callable
        ``"accuracy"``, ``"balanced_accuracy"``, ``"f1_weighted"`` (or ``"f1"``),
        ``"roc_auc_ovr"`` (or ``"roc_auc"``) and ``"neg_log_loss"``.

    See Also
    --------
    regression_scorers : The same for regression.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import cross_validate
    >>> from snn_sklearn.metrics import classification_scorers
    >>> X, y = load_iris(return_X_y=True)
    >>> result = cross_validate(
    ...     LogisticRegression(max_iter=500), X, y, scoring=classification_scorers()
    ... )
    >>> sorted(key for key in result if key.startswith("test_"))  # doctest: +NORMALIZE_WHITESPACE
    ['test_accuracy', 'test_balanced_accuracy', 'test_f1_weighted', 'test_neg_log_loss',
     'test_roc_auc_ovr']
    >>> sorted(classification_scorers(binary=True))
    ['accuracy', 'balanced_accuracy', 'f1', 'neg_log_loss', 'roc_auc']
    """
    if not isinstance(binary, bool | np.bool_):
        raise ValueError(f"binary must be True or False, got {binary!r}.")
    f1, roc_auc = ("f1", "roc_auc") if binary else ("f1_weighted", "roc_auc_ovr")
    names = ("accuracy", "balanced_accuracy", f1, roc_auc, "neg_log_loss")
    return {name: get_scorer(name) for name in names}
