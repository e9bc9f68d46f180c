"""Training that diverges stops with a warning and keeps usable weights."""

import copy

import numpy as np
import pytest
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from snn_sklearn import NonSpikingRegressor, SpikingClassifier
from snn_sklearn.training import WeightedNet


def test_non_finite_loss_warns_and_keeps_the_last_finite_weights():
    X = np.random.RandomState(0).randn(100, 3)
    y = X[:, 0]
    # float64: features at 1e300 are beyond float32's range; no embedding, which
    # would clip them to 3.
    model = NonSpikingRegressor(
        learning_rate_init=1e9, max_iter=20, random_state=0, dtype="float64", input_bins=0
    )
    with pytest.warns(ConvergenceWarning, match="diverged"):
        model.fit(X * 1e300, y)
    assert np.isfinite(model.predict(X)).all()
    assert all(np.isfinite(model.loss_curve_))


def test_divergence_in_a_warm_start_keeps_the_optimizer_state_it_started_from():
    X = np.random.RandomState(0).randn(100, 3)
    y = X[:, 0]
    # float64 and no embedding: features of 1e300 must reach the network as they are.
    model = NonSpikingRegressor(
        max_iter=3, warm_start=True, random_state=0, dtype="float64", input_bins=0
    )
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        model.fit(X, y)
    before = copy.deepcopy(model.net_.optimizer_.state_dict()["state"])
    model.set_params(learning_rate_init=1e9)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        model.fit(X * 1e300, y)
    after = model.net_.optimizer_.state_dict()["state"]
    assert before.keys() == after.keys() and before
    for key, moments in before.items():
        for name, value in moments.items():
            torch.testing.assert_close(after[key][name], value, rtol=0, atol=0)


def _interrupt_at_step(monkeypatch, step):
    """Make the ``step``-th training step from now raise KeyboardInterrupt, as Ctrl-C would."""
    steps = {"count": 0}
    train_step = WeightedNet.train_step

    def interrupted_step(self, *args, **kwargs):
        steps["count"] += 1
        if steps["count"] == step:
            raise KeyboardInterrupt
        return train_step(self, *args, **kwargs)

    monkeypatch.setattr(WeightedNet, "train_step", interrupted_step)


def _interrupt_data():
    X = np.random.RandomState(0).randn(60, 3)
    return X, (X[:, 0] > 0).astype(int)


@pytest.mark.parametrize("Estimator", [SpikingClassifier, NonSpikingRegressor])
def test_keyboard_interrupt_in_fit_propagates_and_keeps_a_usable_model(Estimator, monkeypatch):
    """skorch ends training quietly on Ctrl-C; the estimator raises it again, keeping the epochs."""
    X, y = _interrupt_data()
    _interrupt_at_step(monkeypatch, 4)
    model = Estimator(batch_size=20, max_iter=50, random_state=0)
    with pytest.raises(KeyboardInterrupt, match="interrupted"):
        model.fit(X, y)
    assert model.n_iter_ == 1
    assert len(model.loss_curve_) == 1
    assert np.isfinite(model.predict(X)).all()


def test_keyboard_interrupt_in_a_warm_started_fit_propagates(monkeypatch):
    X, y = _interrupt_data()
    model = SpikingClassifier(batch_size=20, max_iter=3, warm_start=True, random_state=0)
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        model.fit(X, y)
    _interrupt_at_step(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt, match="interrupted after 0 complete epochs"):
        model.fit(X, y)
    assert model.n_iter_ == 3
    assert np.isfinite(model.predict(X)).all()


def test_keyboard_interrupt_in_partial_fit_propagates(monkeypatch):
    X, y = _interrupt_data()
    model = SpikingClassifier(batch_size=20, random_state=0).partial_fit(X, y, classes=[0, 1])
    _interrupt_at_step(monkeypatch, 2)
    with pytest.raises(KeyboardInterrupt, match="interrupted after 0 complete epochs"):
        model.partial_fit(X, y)
    assert model.n_iter_ == 1


def test_keyboard_interrupt_stops_a_grid_search_instead_of_scoring_a_truncated_fit(monkeypatch):
    X, y = _interrupt_data()
    _interrupt_at_step(monkeypatch, 10)
    search = GridSearchCV(
        SpikingClassifier(batch_size=20, max_iter=5, random_state=0),
        {"alpha": [1e-4, 1e-3]},
        cv=2,
    )
    with pytest.raises(KeyboardInterrupt):
        search.fit(X, y)
    assert not hasattr(search, "cv_results_")
