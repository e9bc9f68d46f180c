"""Task logic: what classification and regression add to the shared base."""

import numpy as np
import torch
from scipy import sparse
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    type_of_target,
)
from sklearn.utils.validation import column_or_1d
from torch import nn

from ._base import BaseNetworkEstimator
from ._inference import network_outputs, validate_for_predict
from .training import logit_accuracy, logit_subset_accuracy, weighted_r2


class NetworkClassifier(ClassifierMixin, BaseNetworkEstimator):
    """Classification on top of :class:`BaseNetworkEstimator`.

    The network has one output per class; training minimises the
    sample-weighted cross-entropy of their softmax, binary and multiclass alike.
    A multilabel indicator matrix ``y`` gets one output per label instead, each
    an independent sigmoid trained by binary cross-entropy, as in
    :class:`~sklearn.neural_network.MLPClassifier`.
    """

    _is_classification = True
    # early_stopping="auto" holds out a validation split from this many training
    # samples on, as for the regressors, and the epoch kept is the one of the
    # lowest validation loss. Stopping on the validation accuracy would not do on
    # small tables: over a few dozen samples it ties from early on, and the first
    # epoch of the tie is kept (breast cancer's 426 training rows fell from 0.972
    # to 0.937 so). The loss does not tie (docs/benchmarks.md, "Real tables").
    _auto_early_stopping_min_samples = 300
    _validation_monitor = "valid_loss"

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Target class labels, or a multilabel indicator matrix.
        classes : array-like of shape (n_classes,), default=None
            All the classes that can appear in any call; required on the first
            call, ignored afterwards (and for a multilabel ``y``, whose labels
            are its columns).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.

        Returns
        -------
        self : object
            The updated estimator.
        """
        self._check_partial_fit_allowed()
        if _check_partial_fit_first_call(self, classes) and len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes, got 1 class in "
                f"classes={_labels(self.classes_)}."
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def predict_proba(self, X):
        """Probability of each class.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities, in the order of ``classes_``; for a multilabel
            model, each label's own probability (rows need not sum to 1).
        """
        X = validate_for_predict(self, X)
        return np.exp(self._log_proba(X)).astype(X.dtype, copy=False)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            In float64, the log-softmax of the network's outputs; for float32
            ``X``, the logarithm of the float32 :meth:`predict_proba`, as
            :class:`~sklearn.neural_network.MLPClassifier` computes it, so the
            two agree where a probability rounds to 1 (or to 0: ``-inf``).
        """
        X = validate_for_predict(self, X)
        log_proba = self._log_proba(X)
        if X.dtype == np.float64:
            return log_proba
        with np.errstate(divide="ignore"):
            return np.log(np.exp(log_proba).astype(X.dtype))

    def _log_proba(self, X):
        """Float64 log-probabilities of validated ``X``: log-softmax, or per-label log-sigmoid."""
        logits = network_outputs(self, X)
        if self._multilabel:
            return -np.logaddexp(0.0, -logits)
        # torch's float64 log-softmax is numpy's arithmetic (shift by the row's
        # maximum), in one vectorized pass: 0.1 ms instead of 0.5 ms on 10,000 rows.
        return torch.log_softmax(torch.from_numpy(logits), dim=1).numpy()

    def _output_activation(self):
        # A softmax over the classes, for two classes as for more.
        return "logistic" if self._multilabel else "softmax"

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The most probable class of each sample; for a multilabel model, the
            indicator matrix of the labels whose probability exceeds 0.5.
        """
        X = validate_for_predict(self, X)
        if self._multilabel:
            return (network_outputs(self, X) > 0).astype(np.int64)
        return self.classes_[network_outputs(self, X).argmax(1)]

    def _encode_targets(self, y, sample_weight, first_pass, classes):
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        multilabel = type_of_target(y) == "multilabel-indicator"
        if first_pass:
            self._multilabel = multilabel
        elif multilabel != self._multilabel:
            kinds = {True: "a multilabel indicator matrix", False: "class labels"}
            raise ValueError(
                f"{type(self).__name__} was fitted on {kinds[self._multilabel]} and cannot "
                f"continue on {kinds[multilabel]}; refit without warm_start."
            )
        if multilabel:
            return self._encode_labels(y, sample_weight, first_pass)
        if y.ndim != 1:
            raise ValueError(
                f"y must be a 1d array of class labels or a multilabel indicator matrix of "
                f"0s and 1s; got an array of shape {y.shape} of type {type_of_target(y)!r}."
            )
        if first_pass and classes is None:
            self.classes_ = np.unique(y)
        present = np.unique(y[sample_weight > 0])
        if len(self.classes_) < 2 or (first_pass and classes is None and len(present) < 2):
            raise ValueError(
                f"{type(self).__name__} needs samples of at least 2 classes with "
                f"positive weight, got {len(present)} class: {_labels(present)}."
            )
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise ValueError(
                f"y contains labels {_labels(unknown)} that are not among the classes "
                f"{_labels(self.classes_)} seen in the first fit; refit without warm_start, "
                "or pass every class to the first partial_fit."
            )
        self.n_outputs_ = len(self.classes_)
        return np.searchsorted(self.classes_, y).astype(np.int64)

    def _encode_labels(self, y, sample_weight, first_pass):
        """A multilabel indicator matrix, dense or sparse, as a float array of 0s and 1s."""
        if first_pass:
            self.classes_ = np.arange(y.shape[1])
        elif y.shape[1] != len(self.classes_):
            raise ValueError(
                f"y has {y.shape[1]} labels, but {type(self).__name__} was fitted on "
                f"{len(self.classes_)}."
            )
        self.n_outputs_ = y.shape[1]
        if sparse.issparse(y):
            y = y.toarray()
        return np.asarray(y, dtype=sample_weight.dtype)

    def _criterion(self):
        if self._multilabel:
            return nn.BCEWithLogitsLoss(reduction="none")
        return nn.CrossEntropyLoss(reduction="none")

    def _validation_score(self):
        return logit_subset_accuracy if self._multilabel else logit_accuracy

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class NetworkRegressor(RegressorMixin, BaseNetworkEstimator):
    """Regression on top of :class:`BaseNetworkEstimator`.

    Targets are standardised with their sample-weighted mean and standard
    deviation before training, and predictions mapped back; the loss is the
    sample-weighted mean squared error, averaged over outputs.
    """

    _is_classification = False
    # The validation R², as MLPRegressor stops on; with one output it ranks the
    # epochs as the validation loss does.
    _validation_monitor = "valid_score"
    # Regressors overfit small noisy tables without it: the validation split and
    # its best epoch took the median R² (3 seeds) of diabetes (331 training rows)
    # from 0.05 to 0.40, of the seed's house prices from 0.50 to 0.64, and of
    # fair (4,774) from -0.53 to 0.07; below 300 samples the split is too small.
    _auto_early_stopping_min_samples = 300

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def _output_activation(self):
        return "identity"

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Target standardisation is fixed by the first call.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.

        Returns
        -------
        self : object
            The updated estimator.
        """
        self._check_partial_fit_allowed()
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predict targets.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predicted values; one-dimensional when there is a single output.
        """
        X = validate_for_predict(self, X)
        with np.errstate(over="ignore", invalid="ignore"):
            y = network_outputs(self, X) * self._y_scale + self._y_mean
        overflowed = ~np.isfinite(y).all(axis=1)
        if overflowed.any():
            raise ValueError(
                f"The predictions of {overflowed.sum()} of the {X.shape[0]} samples overflow the "
                f"float64 range: the targets were fitted at a scale of {self._y_scale.max():.3g}. "
                "Scale the targets, e.g. with TransformedTargetRegressor."
            )
        y = y.astype(X.dtype, copy=False)
        return y.ravel() if self.n_outputs_ == 1 else y

    def _encode_targets(self, y, sample_weight, first_pass, classes):
        y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        if first_pass:
            weight = sample_weight[:, None] / sample_weight.sum()
            self.n_outputs_ = y.shape[1]
            self._y_mean = (weight * y).sum(0)
            # Dividing by the largest deviation first keeps the squares finite for
            # targets near the float range.
            peak = np.abs(y - self._y_mean).max(0)
            peak = np.where(peak > 0, peak, 1.0)
            scale = peak * np.sqrt((weight * ((y - self._y_mean) / peak) ** 2).sum(0))
            self._y_scale = np.where(scale > 0, scale, 1.0)
        elif y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {y.shape[1]} outputs but {type(self).__name__} was first "
                f"fitted with {self.n_outputs_}."
            )
        return (y - self._y_mean) / self._y_scale

    def _criterion(self):
        return nn.MSELoss(reduction="none")

    def _validation_score(self):
        return weighted_r2


def _labels(values):
    """Class labels as a plain list for a message: ``[2.5, 3.0]``, not ``array([2.5, 3.])``."""
    return repr(np.asarray(values).tolist())
