"""Searches and cross-validation run on a dask cluster through joblib's dask backend.

The cluster is two worker processes on 127.0.0.1, as a user's ``LocalCluster`` or a real
cluster would run them: the estimators travel pickled, and each worker imports torch itself.
"""

import os
import signal
import threading
import time

import joblib
import numpy as np
import pytest
import torch
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV, cross_validate

from snn_sklearn import SpikingClassifier

distributed = pytest.importorskip("distributed")

N_WORKERS = 2
# A search that outlives this has hung.
SEARCH_TIMEOUT_S = 60


class ThreadRecordingClassifier(SpikingClassifier):
    """Records the torch thread count its training ran with."""

    def _train(self, X, y, sample_weight, incremental):
        self.threads_in_fit_ = torch.get_num_threads()
        return super()._train(X, y, sample_weight, incremental)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=N_WORKERS,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    with cluster, distributed.Client(cluster) as client:
        yield client


@pytest.fixture
def data():
    return make_classification(
        n_samples=60, n_features=4, n_informative=3, n_redundant=0, random_state=0
    )


def tiny_search(estimator=None, n_jobs=-1):
    return GridSearchCV(
        estimator or SpikingClassifier((8,), n_steps=4, max_iter=5, random_state=0),
        {"learning_rate_init": [1e-2, 3e-2]},
        cv=2,
        n_jobs=n_jobs,
    )


def fit_on_dask(search, X, y):
    with joblib.parallel_config(backend="dask"):
        return search.fit(X, y)


def within_timeout(function):
    """Call ``function`` in a daemon thread; a hang fails the test instead of blocking CI."""
    outcome = {}

    def target():
        try:
            outcome["result"] = function()
        except BaseException as error:
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(SEARCH_TIMEOUT_S)
    if thread.is_alive():
        pytest.fail(f"the search gave neither a result nor an error in {SEARCH_TIMEOUT_S} s")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def comparable(cv_results):
    return {key: value for key, value in cv_results.items() if "time" not in key}


def assert_same_cv_results(results, expected):
    assert results.keys() == expected.keys()
    for key, value in expected.items():
        if key == "params":
            assert results[key] == value
        else:
            np.testing.assert_array_equal(results[key], value, err_msg=key)


def test_dask_search_gives_the_local_cv_results(client, data):
    X, y = data
    local = tiny_search(n_jobs=1).fit(X, y)
    on_dask = fit_on_dask(tiny_search(), X, y)
    assert_same_cv_results(comparable(on_dask.cv_results_), comparable(local.cv_results_))


def test_dask_search_fits_and_scores_in_the_worker_processes(client, data):
    X, y = data

    def pid_scorer(estimator, X, y):
        return os.getpid()

    search = fit_on_dask(tiny_search().set_params(scoring=pid_scorer), X, y)
    pids = {search.cv_results_[f"split{i}_test_score"][j] for i in range(2) for j in range(2)}
    assert pids <= set(client.run(os.getpid).values())
    assert os.getpid() not in pids


def test_each_dask_worker_trains_on_its_share_of_the_cores(client, data):
    X, y = data
    estimator = ThreadRecordingClassifier((8,), n_steps=4, max_iter=2, random_state=0)
    with joblib.parallel_config(backend="dask"):
        fitted = cross_validate(estimator, X, y, cv=4, n_jobs=-1, return_estimator=True)
    share = max(1, joblib.cpu_count() // N_WORKERS)
    assert {model.threads_in_fit_ for model in fitted["estimator"]} <= set(range(1, share + 1))


def test_each_loky_worker_trains_on_its_share_of_the_cores(data):
    X, y = data
    estimator = ThreadRecordingClassifier((8,), n_steps=4, max_iter=2, random_state=0)
    fitted = cross_validate(estimator, X, y, cv=4, n_jobs=2, return_estimator=True)
    share = max(1, joblib.cpu_count() // 2)
    assert {model.threads_in_fit_ for model in fitted["estimator"]} <= set(range(1, share + 1))


def search_while_killing_a_busy_worker(client, search, X, y, **dask_config):
    """Run ``search`` on dask and SIGKILL a worker once it runs a task.

    Returns the search and the killed worker's process id.
    """
    worker_pids = client.run(os.getpid)
    killed = []

    def kill():
        deadline = time.monotonic() + SEARCH_TIMEOUT_S
        while not killed and time.monotonic() < deadline:
            time.sleep(0.05)
            busy = [address for address, keys in client.processing().items() if keys]
            if busy:
                killed.append(worker_pids[busy[0]])
                os.kill(killed[0], signal.SIGKILL)

    def fit():
        with joblib.parallel_config(backend="dask", **dask_config):
            return search.fit(X, y)

    killer = threading.Thread(target=kill, daemon=True)
    killer.start()
    try:
        return within_timeout(fit), killed[0]
    finally:
        killer.join(SEARCH_TIMEOUT_S)
        client.wait_for_workers(N_WORKERS, timeout=SEARCH_TIMEOUT_S)


def test_a_worker_killed_mid_search_is_replaced_and_the_search_completes(client):
    # Under 1 kB each, so that joblib sends X and y inside every task: an argument
    # it does not find among the broadcast ones is scattered to a single worker,
    # and killing that worker lost it ("already forgotten", 1 run in 4).
    X, y = make_classification(
        n_samples=40, n_features=3, n_informative=3, n_redundant=0, random_state=0
    )
    assert X.nbytes < 1000 and y.nbytes < 1000
    slow = SpikingClassifier((8,), n_steps=4, max_iter=40, tol=0.0, random_state=0)
    expected = tiny_search(slow, n_jobs=1).fit(X, y).cv_results_
    # Broadcast data has a copy on every worker, so a dead worker's tasks can rerun.
    result, killed_pid = search_while_killing_a_busy_worker(
        client, tiny_search(slow), X, y, scatter=[X, y]
    )
    assert killed_pid not in client.run(os.getpid).values()
    assert_same_cv_results(comparable(result.cv_results_), comparable(expected))
