"""The first layer on the numeric embedding by table lookups equals the matrix product."""

import pickle

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose

from snn_sklearn import _embedding_lookup
from snn_sklearn._embedding_lookup import embedded_linear
from snn_sklearn.embeddings import PiecewiseLinearEmbedding, quantile_bin_edges

RNG = np.random.RandomState(0)
# Continuous, heavy-tailed, one-hot, constant and four-valued columns: 16, 16, 1, 0 and 3 bins.
TRAIN = np.c_[
    RNG.normal(size=400),
    RNG.exponential(size=400) ** 3,
    RNG.randint(0, 2, 400),
    np.full(400, 5.0),
    RNG.randint(0, 4, 400),
]
TOLERANCE = {torch.float32: 1e-5, torch.float64: 1e-12}


def _layer(dtype, count_down, seed=0):
    edges = quantile_bin_edges(TRAIN, np.ones(len(TRAIN)), 16)
    embedding = PiecewiseLinearEmbedding(edges, count_down=count_down).to(dtype)
    torch.manual_seed(seed)
    return embedding, torch.nn.Linear(embedding.n_outputs, 7).to(dtype), edges


def _rows(edges, dtype):
    """Training rows, rows far outside the data, and rows exactly on every edge."""
    on_edges = np.array([[e[min(i, len(e) - 1)] for e in edges] for i in range(17)])
    rows = np.r_[
        TRAIN, RNG.normal(size=(100, 5)) * 50, on_edges, np.full((2, 5), [[1e30], [-1e30]])
    ]
    return torch.tensor(rows, dtype=dtype)


@pytest.mark.parametrize("count_down", [False, True])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_the_lookup_equals_the_linear_layer_on_the_embedding(dtype, count_down):
    embedding, linear, edges = _layer(dtype, count_down)
    x = _rows(edges, dtype)
    with torch.no_grad():
        expected = linear(embedding(x))
        looked_up = embedded_linear(embedding, linear, x)
    assert looked_up.dtype == dtype
    assert linear in _embedding_lookup._TABLES
    scale = expected.abs().max().item()
    assert_allclose(looked_up.numpy(), expected.numpy(), rtol=0, atol=TOLERANCE[dtype] * scale)


def test_a_changed_weight_is_looked_up_not_the_one_seen_before():
    embedding, linear, edges = _layer(torch.float32, True)
    x = _rows(edges, torch.float32)
    with torch.no_grad():
        embedded_linear(embedding, linear, x)
        linear.weight.mul_(-2.0)
        linear.bias.add_(1.0)
        assert_allclose(embedded_linear(embedding, linear, x), linear(embedding(x)), atol=1e-4)
        _, other, _ = _layer(torch.float32, True, seed=1)
        linear.load_state_dict(other.state_dict())
        assert_allclose(embedded_linear(embedding, linear, x), other(embedding(x)), atol=1e-4)


def test_an_embedding_loaded_from_another_state_embeds_with_its_edges():
    embedding = PiecewiseLinearEmbedding([np.arange(5.0), np.array([0.0, 1.0])], count_down=True)
    other = PiecewiseLinearEmbedding(
        [np.arange(5.0) * 3 - 1, np.array([0.0, 2.0])], count_down=True
    )
    embedding.load_state_dict(other.state_dict())
    x = torch.tensor([[-2.0, 0.5], [0.3, 1.5], [4.0, 0.0], [12.0, 3.0]])
    assert torch.equal(embedding(x), other(x))
    assert torch.equal(pickle.loads(pickle.dumps(embedding))(x), other(x))


def test_an_infinite_value_gives_nan_as_the_product_does_not_an_index_error():
    embedding, linear, edges = _layer(torch.float32, True)
    x = _rows(edges, torch.float32)[:3].clone()
    x[0, 0], x[1, 4] = torch.inf, -torch.inf
    with torch.no_grad():
        expected = linear(embedding(x))
        looked_up = embedded_linear(embedding, linear, x)
    assert torch.isnan(expected[:2]).all() and torch.isnan(looked_up[:2]).all()
    assert_allclose(looked_up[2], expected[2], atol=1e-5)


def test_one_hot_columns_alone_keep_the_matrix_product():
    # One bin per feature: three table rows per feature would cost more than two columns.
    embedding = PiecewiseLinearEmbedding([np.array([0.0, 1.0])] * 6, count_down=True)
    linear = torch.nn.Linear(embedding.n_outputs, 5)
    x = torch.tensor(RNG.randint(0, 2, (20, 6)), dtype=torch.float32)
    with torch.no_grad():
        assert torch.equal(embedded_linear(embedding, linear, x), linear(embedding(x)))
    assert linear not in _embedding_lookup._TABLES
