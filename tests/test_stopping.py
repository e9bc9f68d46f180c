"""Training stops as MLPClassifier's does: no progress of ``tol`` over the best loss."""

import pytest
import torch
from skorch.history import History

from snn_sklearn._adam import Adam
from snn_sklearn.training import StopWhenStalled, cloned


class FakeNet:
    """The parts of a skorch net the stopping callback reads."""

    def __init__(self):
        self.history = History()
        self.module_ = torch.nn.Linear(1, 1)
        self.verbose = 0
        self.lr = 1.0
        self.optimizer_ = torch.optim.Adam(self.module_.parameters(), lr=self.lr)


def run(
    losses, tol, patience, monitor="train_loss", lower_is_better=True, load_best=False, **decay
):
    """Feed ``losses`` epoch by epoch; return the callback and the epochs run."""
    net = FakeNet()
    stall = StopWhenStalled(
        **decay,
        monitor=monitor,
        lower_is_better=lower_is_better,
        patience=patience,
        threshold=tol,
        threshold_mode="abs",
        load_best=load_best,
    )
    stall.on_train_begin(net)
    for epoch, loss in enumerate(losses, start=1):
        net.history.new_epoch()
        net.history.record("epoch", epoch)
        net.history.record(monitor, loss)
        try:
            stall.on_epoch_end(net)
        except KeyboardInterrupt:
            return stall, epoch
    return stall, len(losses)


def test_records_smaller_than_tol_do_not_count_as_progress():
    # Each epoch beats the previous one by 0.4 * tol: skorch's EarlyStopping would
    # reset its count every third epoch and never stop.
    losses = [1.0 - 0.4e-3 * i for i in range(20)]
    stall, epochs = run(losses, tol=1e-3, patience=3)
    assert epochs == 4
    assert stall.stopped


def test_a_loss_better_than_the_best_by_tol_resets_the_count():
    losses = [1.0, 0.99, 0.98, 0.5, 0.49, 0.48, 0.47, 0.46]
    stall, epochs = run(losses, tol=0.1, patience=3)
    assert epochs == 7


def test_a_stalled_validation_score_stops_and_keeps_the_best_epochs_weights():
    scores = [0.5, 0.9, 0.905, 0.8, 0.85]
    stall, epochs = run(
        scores, tol=0.01, patience=3, monitor="valid_score", lower_is_better=False, load_best=True
    )
    assert epochs == 5
    assert stall.best_epoch_ == 3
    assert stall.best_model_weights_ is not None


def test_epochs_without_the_monitor_are_not_counted():
    net = FakeNet()
    stall = StopWhenStalled(monitor="valid_score", lower_is_better=False, patience=1)
    stall.on_train_begin(net)
    net.history.new_epoch()
    net.history.record("train_loss", 1.0)
    stall.on_epoch_end(net)
    assert stall.misses_ == 0


@pytest.mark.parametrize("tol", [0.0, 1e-4])
def test_an_unchanged_loss_is_no_progress(tol):
    stall, epochs = run([1.0] * 10, tol=tol, patience=2)
    assert epochs == 3


def test_each_stall_divides_the_learning_rate_before_the_last_one_stops():
    stall, epochs = run([1.0] * 30, tol=1e-3, patience=3, lr_decays=2, lr_factor=5.0)
    # Epoch 1 sets the best; three stalls of three epochs each, the third stops.
    assert epochs == 1 + 3 * 3
    assert stall.stopped
    assert stall.decays_ == 2


def test_the_learning_rate_falls_by_the_factor_at_each_stall():
    net = FakeNet()
    stall = StopWhenStalled(
        monitor="train_loss", patience=2, threshold=1e-3, threshold_mode="abs", lr_decays=2
    )
    stall.on_train_begin(net)
    rates = []
    for epoch in range(1, 6):
        net.history.new_epoch()
        net.history.record("epoch", epoch)
        net.history.record("train_loss", 1.0)
        stall.on_epoch_end(net)
        rates.append(net.optimizer_.param_groups[0]["lr"])
    assert rates == [1.0, 1.0, 0.2, 0.2, 0.2 / 5]


def test_a_new_run_starts_from_the_initial_learning_rate():
    net = FakeNet()
    stall = StopWhenStalled(
        monitor="train_loss", patience=1, threshold=1e-3, threshold_mode="abs", lr_decays=1
    )
    stall.on_train_begin(net)
    for epoch in (1, 2):
        net.history.new_epoch()
        net.history.record("epoch", epoch)
        net.history.record("train_loss", 1.0)
        stall.on_epoch_end(net)
    assert net.optimizer_.param_groups[0]["lr"] == pytest.approx(0.2)
    stall.on_train_begin(net)
    assert net.optimizer_.param_groups[0]["lr"] == 1.0


def test_snapshots_are_independent_copies_of_the_state():
    module = torch.nn.Sequential(torch.nn.Linear(3, 2))
    optimizer = Adam(module.parameters())
    module(torch.ones(1, 3)).sum().backward()
    optimizer.step()
    for state in (module.state_dict(), optimizer.state_dict()):
        snapshot = cloned(state)
        assert repr(snapshot) == repr(state)
    snapshot = cloned(module.state_dict())
    assert snapshot._metadata == module.state_dict()._metadata
    with torch.no_grad():
        module[0].weight += 1
    assert not torch.equal(snapshot["0.weight"], module[0].weight)
    module.load_state_dict(snapshot)
    assert torch.equal(snapshot["0.weight"], module[0].weight)
