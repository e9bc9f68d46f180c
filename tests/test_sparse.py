"""Sparse input: scipy sparse X is accepted everywhere and densified batch by batch.

A sparse matrix stays sparse (in CSR format) on the host; each training batch
and each prediction chunk densifies only its own rows. Fitting on sparse X and
on its dense copy gives the same model.
"""

import functools

import numpy as np
import pytest
import scipy.sparse as sp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import ClassifierMixin, is_classifier
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

import snn_sklearn._inference
from snn_sklearn import (
    NonSpikingClassifier,
    NonSpikingRegressor,
    SpikingClassifier,
    SpikingRegressor,
)
from snn_sklearn.activity import activity_report, record
from snn_sklearn.embeddings import quantile_bin_edges
from snn_sklearn.export import graph_input

ESTIMATORS = [SpikingClassifier, SpikingRegressor, NonSpikingClassifier, NonSpikingRegressor]
SPIKING = (SpikingClassifier, SpikingRegressor)
# Every sparse container scipy has that scikit-learn's validation converts to CSR.
CONTAINERS = [
    sp.csr_matrix,
    sp.csr_array,
    sp.csc_matrix,
    sp.csc_array,
    sp.coo_matrix,
    sp.coo_array,
]


def _name(value):
    return getattr(value, "__name__", str(value))


def _data(n_samples=120, n_features=6, seed=0):
    """Mostly-zero features (about 70 % zeros), class labels and real targets."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, n_features))
    X[rng.random(X.shape) < 0.7] = 0.0
    y_class = (X[:, 0] + X[:, 1] > 0).astype(int)
    y_real = X @ rng.normal(size=n_features)
    return X, y_class, y_real


@pytest.fixture(scope="module")
def tiny(tiny):
    """Tiny models of one hidden layer of 16, 5 epochs, 4 time steps."""
    return functools.partial(tiny, hidden_layer_sizes=(16,), max_iter=5, n_steps=4)


def _target(Estimator, y_class, y_real):
    return y_class if issubclass(Estimator, ClassifierMixin) else y_real


def _outputs(model, X):
    """Every prediction of ``model`` on ``X``, for comparisons."""
    if is_classifier(model):
        return model.predict_proba(X)
    return model.predict(X)


@pytest.mark.parametrize("container", CONTAINERS, ids=_name)
@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=_name)
def test_fitting_on_sparse_x_is_fitting_on_its_dense_copy(Estimator, container, tiny):
    X, y_class, y_real = _data()
    y = _target(Estimator, y_class, y_real)
    dense = tiny(Estimator).fit(X, y)
    sparse = tiny(Estimator).fit(container(X), y)
    assert_allclose(_outputs(sparse, X), _outputs(dense, X), rtol=1e-12, atol=1e-12)
    assert sparse.loss_curve_ == pytest.approx(dense.loss_curve_, rel=1e-12)


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=_name)
def test_every_predict_method_gives_the_same_on_sparse_and_dense_x(Estimator, tiny):
    X, y_class, y_real = _data()
    y = _target(Estimator, y_class, y_real)
    model = tiny(Estimator).fit(X, y)
    methods = ["predict", "predict_proba", "predict_log_proba"]
    for method in methods if is_classifier(model) else ["predict"]:
        on_dense = getattr(model, method)(X)
        for container in CONTAINERS:
            assert_array_equal(getattr(model, method)(container(X)), on_dense)
    assert model.score(sp.csr_matrix(X), y) == model.score(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=_name)
def test_float32_sparse_x_fits_and_predicts_in_float32(Estimator, tiny):
    X, y_class, y_real = _data()
    y = _target(Estimator, y_class, y_real)
    X32 = sp.csr_array(X.astype(np.float32))
    dense = tiny(Estimator, dtype="float32").fit(X.astype(np.float32), y)
    sparse = tiny(Estimator, dtype="float32").fit(X32, y)
    assert _outputs(sparse, X32).dtype == np.float32
    assert_array_equal(_outputs(sparse, X32), _outputs(dense, X32.toarray()))


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=_name)
def test_partial_fit_on_sparse_chunks_is_partial_fit_on_dense_chunks(Estimator, tiny):
    X, y_class, y_real = _data()
    y = _target(Estimator, y_class, y_real)
    extra = {"classes": np.unique(y_class)} if issubclass(Estimator, ClassifierMixin) else {}
    dense, sparse = tiny(Estimator), tiny(Estimator)
    for rows in np.array_split(np.arange(len(X)), 3):
        dense.partial_fit(X[rows], y[rows], **extra)
        sparse.partial_fit(sp.csr_matrix(X[rows]), y[rows], **extra)
    assert sparse.n_iter_ == dense.n_iter_ == 3
    assert_allclose(_outputs(sparse, X), _outputs(dense, X), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=_name)
def test_early_stopping_splits_sparse_x_as_dense_x(Estimator, tiny):
    X, y_class, y_real = _data()
    y = _target(Estimator, y_class, y_real)
    params = {"early_stopping": True, "validation_fraction": 0.2}
    dense = tiny(Estimator, **params).fit(X, y)
    sparse = tiny(Estimator, **params).fit(sp.csr_array(X), y)
    assert sparse.validation_scores_ == pytest.approx(dense.validation_scores_, rel=1e-12)
    assert_allclose(_outputs(sparse, X), _outputs(dense, X), rtol=1e-12, atol=1e-12)


def test_sample_weight_with_sparse_x_is_sample_weight_with_dense_x(tiny):
    X, y, _ = _data()
    weight = np.random.default_rng(1).integers(0, 3, size=len(X))
    dense = tiny(SpikingClassifier).fit(X, y, sample_weight=weight)
    sparse = tiny(SpikingClassifier).fit(sp.csc_matrix(X), y, sample_weight=weight)
    assert_allclose(sparse.predict_proba(X), dense.predict_proba(X), rtol=1e-12, atol=1e-12)


def test_quantile_bin_edges_of_sparse_x_count_the_implicit_zeros():
    X, _, _ = _data(n_samples=50)
    weight = np.random.default_rng(2).integers(0, 3, size=len(X)).astype(float)
    weight[0] = 1.0
    # An explicit zero and a duplicate entry, both of which CSC canonicalises.
    coo = sp.coo_matrix(X)
    coo = sp.coo_matrix(
        (np.r_[coo.data, 0.0, 1.5, -1.5], (np.r_[coo.row, 3, 4, 4], np.r_[coo.col, 0, 2, 2])),
        shape=X.shape,
    )
    expected = quantile_bin_edges(coo.toarray(), weight, 8)
    for matrix in (coo, coo.tocsr(), sp.csr_array(coo)):
        edges = quantile_bin_edges(matrix, weight, 8)
        assert len(edges) == len(expected)
        for got, want in zip(edges, expected, strict=True):
            assert_array_equal(got, want)


@pytest.fixture
def densified(monkeypatch):
    """The number of rows of every sparse matrix densified by ``toarray``, in order."""
    calls = []
    for container in CONTAINERS:
        original = container.toarray

        def spy(self, *args, _original=original, **kwargs):
            calls.append(self.shape[0])
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(container, "toarray", spy)
    return calls


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=_name)
def test_the_whole_matrix_is_never_densified(Estimator, densified, monkeypatch, tiny):
    X, y_class, y_real = _data(n_samples=300)
    y = _target(Estimator, y_class, y_real)
    X_sparse = sp.csr_matrix(X)
    batch, chunk = 40, 64
    monkeypatch.setattr(snn_sklearn._inference, "PREDICT_CHUNK_ROWS", chunk)

    model = tiny(Estimator, batch_size=batch, max_iter=2).fit(X_sparse, y)
    assert densified, "the spy saw no densification"
    assert max(densified) <= batch
    # One toarray per training batch, and for a spiking network one batch of rows
    # on which its initial firing is checked: nothing else is densified.
    checks = isinstance(model, SpikingClassifier | SpikingRegressor)
    assert len(densified) == model.n_iter_ * -(-len(X) // batch) + checks

    densified.clear()
    model.predict(X_sparse)
    assert densified == [chunk] * (len(X) // chunk) + [len(X) % chunk]

    densified.clear()
    model.score(sp.coo_array(X), y)
    assert max(densified) <= chunk

    densified.clear()
    model.set_params(early_stopping=True, validation_fraction=0.2).fit(X_sparse, y)
    assert max(densified) <= batch


def test_a_one_hot_encoded_table_trains_end_to_end():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    n_samples = 150
    colour = rng.choice(["red", "green", "blue", "cyan", "mauve"], size=n_samples)
    size = rng.normal(size=n_samples)
    table = pd.DataFrame(
        {"colour": colour, "size": size, "weight": rng.normal(size=n_samples) * 10}
    )
    y = np.where((colour == "red") | (size > 0.5), "yes", "no")
    features = ColumnTransformer(
        [
            ("categorical", OneHotEncoder(), ["colour"]),
            ("numeric", StandardScaler(), ["size", "weight"]),
        ],
        # Keep the output sparse whatever its density, as a wide one-hot table is.
        sparse_threshold=1.0,
    )
    assert sp.issparse(features.fit_transform(table))
    model = make_pipeline(
        features,
        SpikingClassifier(hidden_layer_sizes=(16,), n_steps=4, max_iter=30, random_state=0),
    )
    model.fit(table, y)
    assert set(model.predict(table)) <= {"no", "yes"}
    assert model.predict_proba(table).shape == (n_samples, 2)
    assert model.score(table, y) > 0.6


@pytest.mark.parametrize("Estimator", SPIKING, ids=_name)
def test_activity_and_graph_input_take_sparse_x(Estimator, densified, monkeypatch, tiny):
    pytest.importorskip("pandas")
    X, y_class, y_real = _data()
    y = _target(Estimator, y_class, y_real)
    model = tiny(Estimator).fit(X, y)
    X_sparse = sp.csr_array(X)

    for got, want in zip(record(model, X_sparse), record(model, X), strict=True):
        assert got["name"] == want["name"]
        assert_array_equal(got["membrane"], want["membrane"])
        if want["spikes"] is not None:
            assert_array_equal(got["spikes"], want["spikes"])

    assert activity_report(model, X_sparse).equals(activity_report(model, X))

    assert_array_equal(graph_input(model, X_sparse), graph_input(model, X))

    chunk = 32
    monkeypatch.setattr(snn_sklearn._inference, "PREDICT_CHUNK_ROWS", chunk)
    densified.clear()
    record(model, X_sparse)
    graph_input(model, X_sparse)
    assert max(densified) <= chunk
    assert_array_equal(graph_input(model, X_sparse), graph_input(model, X))
