"""Multilabel classification: an indicator matrix ``y``, one sigmoid output per label, as MLP."""

import functools

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import sparse
from sklearn.datasets import make_multilabel_classification
from sklearn.exceptions import DataConversionWarning
from sklearn.model_selection import cross_val_score

from snn_sklearn import NonSpikingClassifier, SpikingClassifier, persistence

CLASSIFIERS = pytest.mark.parametrize("Classifier", [SpikingClassifier, NonSpikingClassifier])


def _labels(n_samples=300):
    return make_multilabel_classification(n_samples, 6, n_classes=3, random_state=0)


@pytest.fixture(scope="module")
def tiny(tiny):
    """Models of one hidden layer of 32, 60 epochs, 4 time steps: enough to learn the labels."""
    return functools.partial(
        tiny, hidden_layer_sizes=(32,), max_iter=60, n_steps=4, dtype="float32"
    )


@CLASSIFIERS
def test_predicts_an_indicator_matrix_and_one_probability_per_label(Classifier, tiny):
    X, Y = _labels()
    model = tiny(Classifier).fit(X, Y)
    proba = model.predict_proba(X)
    assert proba.shape == Y.shape and ((proba >= 0) & (proba <= 1)).all()
    assert not np.allclose(proba.sum(1), 1.0)
    assert_array_equal(model.predict(X), (proba > 0.5).astype(np.int64))
    assert_allclose(np.exp(model.predict_log_proba(X)), proba, rtol=1e-5)
    assert_array_equal(model.classes_, [0, 1, 2])
    assert (model.n_outputs_, model.out_activation_) == (3, "logistic")


@CLASSIFIERS
def test_a_sparse_indicator_matrix_trains_as_its_dense_copy(Classifier, tiny):
    # As MLPClassifier, y may be a scipy sparse matrix; it once raised ValueError.
    X, Y = _labels()
    dense = tiny(Classifier).fit(X, Y)
    from_sparse = tiny(Classifier).fit(X, sparse.csr_matrix(Y))
    assert_array_equal(from_sparse.predict(X), dense.predict(X))
    assert_allclose(from_sparse.predict_proba(X), dense.predict_proba(X))


@CLASSIFIERS
def test_learns_the_labels_better_than_the_most_frequent_value_of_each(Classifier, tiny):
    X, Y = _labels(400)
    scores = cross_val_score(tiny(Classifier), X, Y, cv=2)
    most_frequent = (Y == (Y.mean(0) > 0.5)).all(1).mean()
    assert scores.mean() > most_frequent + 0.15


@CLASSIFIERS
def test_early_stopping_scores_exact_matches_on_an_unstratified_split(Classifier, tiny):
    X, Y = _labels()
    model = tiny(Classifier, early_stopping=True).fit(X, Y)
    assert model.validation_scores_ and all(0 <= s <= 1 for s in model.validation_scores_)


@CLASSIFIERS
def test_partial_fit_goes_on_with_the_same_labels(Classifier, tiny):
    X, Y = _labels()
    model = tiny(Classifier).partial_fit(X, Y, classes=[0, 1])
    model.partial_fit(X, Y)
    assert model.n_iter_ == 2
    assert_array_equal(model.classes_, [0, 1, 2])


@CLASSIFIERS
def test_a_warm_start_on_other_targets_is_refused(Classifier, tiny):
    X, Y = _labels()
    model = tiny(Classifier, max_iter=2, warm_start=True).fit(X, Y)
    with pytest.raises(ValueError, match="fitted on a multilabel indicator matrix"):
        model.fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="y has 2 labels"):
        model.fit(X, Y[:, :2])
    labels = tiny(Classifier, max_iter=2, warm_start=True).fit(X, Y[:, 0])
    with pytest.raises(ValueError, match="fitted on class labels"):
        labels.fit(X, Y)


@CLASSIFIERS
def test_a_column_vector_of_labels_warns_and_fits_as_labels(Classifier, tiny):
    X, Y = _labels()
    with pytest.warns(DataConversionWarning):
        model = tiny(Classifier, max_iter=2).fit(X, Y[:, :1])
    assert model.predict(X).shape == (len(X),)


@CLASSIFIERS
def test_multiclass_multioutput_targets_are_refused(Classifier, tiny):
    X, Y = _labels()
    with pytest.raises(ValueError, match="multilabel indicator matrix"):
        tiny(Classifier).fit(X, Y * 2 + Y[:, ::-1])


@pytest.mark.parametrize("format", ["skops", "pickle"])
def test_a_saved_multilabel_model_predicts_the_same_after_loading(tmp_path, format, tiny):
    X, Y = _labels()
    model = tiny(SpikingClassifier, max_iter=5).fit(X, Y)
    path = persistence.dump(model, tmp_path / f"model.{format}", format=format)
    loaded = persistence.load(path, allow_pickle=True)
    assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    loaded.set_params(warm_start=True).fit(X, Y)
