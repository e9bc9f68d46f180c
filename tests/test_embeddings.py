"""The numeric embedding: a soft clip of each feature and its bins, counting up and down."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_allclose

from snn_sklearn import NonSpikingClassifier, SpikingClassifier, SpikingRegressor
from snn_sklearn.embeddings import PiecewiseLinearEmbedding

# A feature of four bins, one of one bin (a one-hot column) and a constant one (no bin).
EDGES = [np.array([0.0, 1.0, 2.0, 3.0, 4.0]), np.array([0.0, 1.0]), np.array([5.0])]


def _bins(values):
    """The bin channels of rows ``values`` (one value per feature of EDGES)."""
    embedding = PiecewiseLinearEmbedding(EDGES, count_down=True).double()
    x = torch.tensor(values, dtype=torch.float64)
    return embedding(x)[:, len(EDGES) :].numpy()


def _rising(x, lower, upper):
    return np.clip((x - lower) / (upper - lower), 0.0, 1.0)


@pytest.mark.parametrize("x", [-1.0, 0.0, 0.5, 1.7, 2.0, 2.5, 3.9, 9.0])
def test_the_lower_half_of_a_features_bins_counts_down_and_the_upper_half_up(x):
    bins = _bins([[x, 0.5, 5.0]])[0]
    rising = [_rising(x, lower, lower + 1.0) for lower in (0.0, 1.0, 2.0, 3.0)]
    assert_allclose(bins[:4], [1.0 - rising[0], 1.0 - rising[1], rising[2], rising[3]])
    # A single bin, as of a one-hot column, counts up: 0 stays 0, 1 stays 1.
    assert_allclose(bins[4], 0.5)
    assert len(bins) == 5


def test_a_value_near_the_median_sets_fewer_channels_than_one_past_every_bin():
    # Counting up only, 2.5 would set three bins; counting down below the median, one.
    bins = _bins([[2.5, 0.0, 5.0], [9.0, 1.0, 5.0], [-9.0, 0.0, 5.0]])
    assert np.count_nonzero(bins, axis=1).tolist() == [1, 3, 2]


def test_one_hot_columns_stay_zero_where_they_are_zero():
    assert _bins([[2.0, 0.0, 5.0]])[0, 4] == 0.0


def test_which_bins_count_down_is_derived_not_saved():
    # A network saved before the bins counted down has the same buffers.
    embedding = PiecewiseLinearEmbedding(EDGES, count_down=True)
    assert set(embedding.state_dict()) == {"feature", "lower", "width"}


def test_without_count_down_every_bin_counts_up():
    embedding = PiecewiseLinearEmbedding(EDGES).double()
    bins = embedding(torch.tensor([[2.5, 0.5, 5.0]], dtype=torch.float64))[0, 3:]
    assert_allclose(bins.numpy(), [1.0, 1.0, 0.5, 0.0, 0.5])


@pytest.mark.parametrize(
    ("Estimator", "counts_down"),
    [(SpikingClassifier, True), (SpikingRegressor, True), (NonSpikingClassifier, False)],
)
def test_spiking_estimators_embed_with_bins_counting_down(Estimator, counts_down):
    X = np.random.RandomState(0).normal(size=(60, 3))
    y = (X[:, 0] > 0).astype(int)
    model = Estimator(hidden_layer_sizes=(4,), max_iter=1, random_state=0).fit(X, y)
    (embedding,) = [
        layer
        for layer in model.net_.module_.modules()
        if isinstance(layer, PiecewiseLinearEmbedding)
    ]
    assert embedding.count_down is counts_down
