"""What ``verbose`` prints while the estimators train."""

import functools
import pickle
import re

import numpy as np
import pytest

from snn_sklearn import NonSpikingClassifier, NonSpikingRegressor, SpikingClassifier, training

X = np.random.default_rng(0).normal(size=(30, 3))
Y = (X[:, 0] > 0).astype(int)
EPOCHS = 3


@pytest.fixture(scope="module")
def tiny(tiny):
    """Tiny models in float32 that run EPOCHS epochs: tol=0 never stops them."""
    return functools.partial(tiny, hidden_layer_sizes=4, max_iter=EPOCHS, tol=0.0, dtype="float32")


@pytest.mark.parametrize("cls", [SpikingClassifier, NonSpikingClassifier, NonSpikingRegressor])
def test_verbose_0_prints_nothing(cls, capfd, tiny):
    tiny(cls, verbose=0).fit(X, Y)
    assert capfd.readouterr() == ("", "")


@pytest.fixture
def terminal(monkeypatch):
    """Standard error seen as an interactive terminal, as in a shell."""
    monkeypatch.setattr(training, "_is_terminal", lambda stream: True)


def test_verbose_2_prints_one_line_per_epoch_with_the_training_loss(capfd, tiny):
    model = tiny(SpikingClassifier, verbose=2).fit(X, Y)
    out, err = capfd.readouterr()
    *lines, last = out.splitlines()
    assert len(lines) == EPOCHS
    for epoch, (line, loss) in enumerate(zip(lines, model.loss_curve_, strict=True), start=1):
        assert line.startswith(f"Epoch {epoch}: train_loss={loss:.6f}")
    assert last == f"SpikingClassifier: stopped at max_iter={EPOCHS} epochs, before converging."
    assert err == ""


def test_verbose_says_when_training_stopped_on_tol(capfd, tiny):
    model = tiny(NonSpikingClassifier, verbose=2, tol=10.0, n_iter_no_change=2, max_iter=50)
    model.fit(X, Y)
    last = capfd.readouterr().out.splitlines()[-1]
    assert last == (
        f"NonSpikingClassifier: stopped after {model.n_iter_} epochs. Training loss did not "
        "improve more than tol=10 for 2 consecutive epochs at the smallest learning rate."
    )


@pytest.mark.parametrize(
    "cls, watched",
    [(NonSpikingClassifier, "Validation loss"), (NonSpikingRegressor, "Validation score")],
)
def test_verbose_names_what_early_stopping_watched(cls, watched, capfd, tiny):
    model = tiny(cls, verbose=2, early_stopping=True, validation_fraction=0.3, tol=10.0)
    model.set_params(n_iter_no_change=2, max_iter=50, learning_rate="constant").fit(X, Y)
    last = capfd.readouterr().out.splitlines()[-1]
    assert last == (
        f"{cls.__name__}: stopped after {model.n_iter_} epochs. {watched} did not "
        "improve more than tol=10 for 2 consecutive epochs."
    )


def test_verbose_1_in_a_log_prints_lines_instead_of_a_bar(capfd, tiny):
    tiny(SpikingClassifier, verbose=1).fit(X, Y)
    out, err = capfd.readouterr()
    assert err == ""
    assert len(out.splitlines()) == EPOCHS + 1
    assert out.startswith("Epoch 1: train_loss=")


def test_verbose_2_prints_the_validation_score_with_early_stopping(capfd, tiny):
    model = tiny(SpikingClassifier, verbose=2, early_stopping=True, validation_fraction=0.3)
    model.fit(X, Y)
    *lines, _ = capfd.readouterr().out.splitlines()
    assert len(lines) == model.n_iter_
    valid_loss = model.history_[-1, "valid_loss"]
    assert (
        f"valid_loss={valid_loss:.6f}, valid_score={model.validation_scores_[-1]:.6f}" in lines[-1]
    )


def test_verbose_1_draws_a_progress_bar_over_the_epochs_on_a_terminal(capfd, terminal, tiny):
    tiny(SpikingClassifier, verbose=1).fit(X, Y)
    out, err = capfd.readouterr()
    assert out.splitlines() == [
        f"SpikingClassifier: stopped at max_iter={EPOCHS} epochs, before converging."
    ]
    assert re.search(rf"100%.*{EPOCHS}/{EPOCHS} \[.*epoch/s, train_loss=", err)


def test_verbose_1_bar_counts_one_epoch_per_partial_fit(capfd, terminal, tiny):
    tiny(SpikingClassifier, verbose=1).partial_fit(X, Y, classes=[0, 1])
    assert "1/1 [" in capfd.readouterr().err


def test_verbose_set_before_a_warm_start_applies_to_that_fit(capfd, tiny):
    model = tiny(SpikingClassifier, warm_start=True).fit(X, Y)
    capfd.readouterr()
    model.set_params(verbose=2).fit(X, Y)
    assert len(capfd.readouterr().out.splitlines()) == EPOCHS + 1


def test_a_verbose_model_pickles(capfd, tiny):
    model = tiny(SpikingClassifier, verbose=1).fit(X, Y)
    restored = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(restored.predict(X), model.predict(X))
