"""``n_threads`` bounds torch's CPU threads inside fit and predict, then restores them."""

import threading

import joblib
import numpy as np
import pytest
import torch

from snn_sklearn import SpikingClassifier
from snn_sklearn._threads import torch_threads


@pytest.fixture
def data():
    X = np.random.RandomState(0).randn(60, 4)
    return X, (X[:, 0] > 0).astype(int)


@pytest.fixture
def thread_counts_seen_by_the_network(monkeypatch):
    seen = []
    forward = torch.nn.Linear.forward

    def recording_forward(self, x):
        seen.append(torch.get_num_threads())
        return forward(self, x)

    monkeypatch.setattr(torch.nn.Linear, "forward", recording_forward)
    return seen


def test_fit_and_predict_run_on_n_threads_and_restore_the_setting(
    data, thread_counts_seen_by_the_network
):
    X, y = data
    torch.set_num_threads(2)
    try:
        model = SpikingClassifier((8,), n_steps=2, max_iter=2, n_threads=1).fit(X, y)
        model.predict(X)
        assert set(thread_counts_seen_by_the_network) == {1}
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(1)


def test_default_leaves_torch_threads_alone(data, thread_counts_seen_by_the_network):
    X, y = data
    torch.set_num_threads(2)
    try:
        SpikingClassifier((8,), n_steps=2, max_iter=2).fit(X, y)
        assert set(thread_counts_seen_by_the_network) == {2}
    finally:
        torch.set_num_threads(1)


def test_more_threads_than_cpus_are_capped_instead_of_aborting_openmp(
    data, thread_counts_seen_by_the_network
):
    # A million OpenMP threads made libgomp abort the whole process.
    X, y = data
    model = SpikingClassifier((4,), n_steps=2, max_iter=2, random_state=0, n_threads=10**6)
    model.fit(X, y)
    assert np.isfinite(model.predict_proba(X)).all()
    assert max(thread_counts_seen_by_the_network) <= joblib.cpu_count()


def test_default_shares_the_threads_with_a_fit_running_in_another_thread(
    data, thread_counts_seen_by_the_network
):
    X, y = data
    inside, done = threading.Event(), threading.Event()

    def other_fit():
        with torch_threads(None):
            inside.set()
            done.wait(timeout=30)

    torch.set_num_threads(2)
    other = threading.Thread(target=other_fit)
    try:
        other.start()
        inside.wait(timeout=30)
        SpikingClassifier((8,), n_steps=2, max_iter=2).fit(X, y)
        assert set(thread_counts_seen_by_the_network) == {1}
    finally:
        done.set()
        other.join()
        torch.set_num_threads(1)


def test_threads_started_after_concurrent_fits_get_the_full_setting_back(data):
    X, y = data
    torch.set_num_threads(2)
    try:
        fits = [
            threading.Thread(target=SpikingClassifier((8,), n_steps=2, max_iter=3).fit, args=(X, y))
            for _ in range(2)
        ]
        for fit in fits:
            fit.start()
        for fit in fits:
            fit.join()
        seen = []
        fresh = threading.Thread(target=lambda: seen.append(torch.get_num_threads()))
        fresh.start()
        fresh.join()
        assert seen == [2]
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(1)
