"""``partial_fit`` over chunks of a memory-mapped file learns as well as ``fit`` in memory."""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from snn_sklearn import SpikingClassifier

N_ROWS, CHUNK_ROWS, N_PASSES = 600, 150, 10
NETWORK = {"hidden_layer_sizes": (16,), "n_steps": 4, "learning_rate_init": 1e-2}
# One seed's pair of fits can part by 5 points on 400 test rows (seed 0 does after
# a change of rounding in the backward pass); the medians over three seeds hold.
SEEDS = (0, 1, 2)


@pytest.fixture
def data_on_disk(tmp_path):
    X, y = make_classification(
        n_samples=N_ROWS + 400, n_features=6, n_informative=4, random_state=0
    )
    X = X.astype(np.float32)
    np.save(tmp_path / "X.npy", X[:N_ROWS])
    np.save(tmp_path / "y.npy", y[:N_ROWS])
    X_disk = np.load(tmp_path / "X.npy", mmap_mode="r")
    y_disk = np.load(tmp_path / "y.npy", mmap_mode="r")
    return X_disk, y_disk, X[N_ROWS:], y[N_ROWS:]


def test_partial_fit_over_memory_mapped_chunks_matches_an_in_memory_fit(data_on_disk):
    X_disk, y_disk, X_test, y_test = data_on_disk
    out_of_core_scores, in_memory_scores = [], []
    for seed in SEEDS:
        out_of_core = SpikingClassifier(**NETWORK, random_state=seed)
        starts = np.arange(0, N_ROWS, CHUNK_ROWS)
        rng = np.random.default_rng(seed)
        for _ in range(N_PASSES):
            for start in rng.permutation(starts):
                rows = slice(start, start + CHUNK_ROWS)
                out_of_core.partial_fit(X_disk[rows], y_disk[rows], classes=[0, 1])
        in_memory = SpikingClassifier(**NETWORK, random_state=seed, max_iter=N_PASSES, tol=0.0)
        in_memory.fit(np.asarray(X_disk), np.asarray(y_disk))
        out_of_core_scores.append(out_of_core.score(X_test, y_test))
        in_memory_scores.append(in_memory.score(X_test, y_test))
    assert np.median(out_of_core_scores) >= np.median(in_memory_scores) - 0.03
