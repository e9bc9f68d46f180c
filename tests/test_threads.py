"""``n_threads`` bounds torch's CPU threads inside fit and predict, then restores them."""

import json
import os
import subprocess
import sys
import textwrap
import threading

import joblib
import numpy as np
import pytest
import torch

from snn_sklearn import SpikingClassifier, _threads
from snn_sklearn._threads import batch_work, default_threads, torch_threads


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


def test_default_runs_a_small_network_on_one_thread(data, thread_counts_seen_by_the_network):
    # Two threads were slower than one on such batches, quiet or busy (benchmarks/threads.py).
    X, y = data
    torch.set_num_threads(2)
    try:
        SpikingClassifier((8,), n_steps=2, max_iter=2).fit(X, y)
        assert set(thread_counts_seen_by_the_network) == {1}
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(1)


def test_default_gives_a_large_batch_the_free_cores_within_torch_setting(monkeypatch):
    monkeypatch.setattr(_threads, "free_cpus", lambda: 2)
    large = 4 * _threads.WORK_PER_THREAD
    assert default_threads(large, budget=2) == 2
    assert default_threads(large, budget=1) == 1
    assert default_threads(_threads.WORK_PER_THREAD / 2, budget=2) == 1
    assert default_threads(None, budget=2) == 2
    monkeypatch.setattr(_threads, "free_cpus", lambda: 1)
    assert default_threads(large, budget=2) == 1


def test_free_cpus_is_between_one_and_the_cpus():
    assert 1 <= _threads.free_cpus() <= os.cpu_count()


@pytest.mark.skipif(
    not os.path.exists("/proc/loadavg") or len(os.sched_getaffinity(0)) < 2,
    reason="needs Linux's /proc/loadavg and two CPUs",
)
def test_free_cpus_sees_a_process_that_started_a_moment_ago():
    # The one-minute load average takes most of a minute to show a new process;
    # the count of runnable threads shows it at once.
    spin = "print('spinning', flush=True)\nwhile True: pass"
    burner = subprocess.Popen([sys.executable, "-c", spin], stdout=subprocess.PIPE, text=True)
    try:
        # Once it prints, its start-up (reading modules, when it may sleep) is over.
        assert burner.stdout.readline() == "spinning\n"
        assert _threads.free_cpus() <= len(os.sched_getaffinity(0)) - 1
    finally:
        burner.kill()
        burner.wait()


def test_default_decides_the_threads_again_at_every_epoch(
    data, monkeypatch, thread_counts_seen_by_the_network
):
    # One reading at the fit's start used to fix the whole fit's thread count:
    # a process runnable at that instant held a quiet machine's fit to one thread.
    X, y = data
    readings = iter([1, 2, 1, 2])  # the fit's start, then epochs 1, 2 and 3
    monkeypatch.setattr(_threads, "free_cpus", lambda: next(readings))
    monkeypatch.setattr(_threads, "WORK_PER_THREAD", 1)  # every batch wants two threads
    torch.set_num_threads(2)
    try:
        SpikingClassifier((8,), n_steps=2, max_iter=3, early_stopping=False).fit(X, y)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(1)
    runs = [n for i, n in enumerate(thread_counts_seen_by_the_network)
            if i == 0 or n != thread_counts_seen_by_the_network[i - 1]]  # fmt: skip
    assert runs == [1, 2, 1, 2]
    assert next(readings, None) is None


def test_following_free_cores_leaves_an_explicit_count_and_the_outside_alone(monkeypatch):
    monkeypatch.setattr(_threads, "free_cpus", lambda: 2)
    monkeypatch.setattr(_threads, "WORK_PER_THREAD", 1)
    torch.set_num_threads(2)
    try:
        _threads.follow_free_cores()
        assert torch.get_num_threads() == 2
        with torch_threads(1, work=10):
            _threads.follow_free_cores()
            assert torch.get_num_threads() == 1
        with torch_threads(None, work=10):
            torch.set_num_threads(1)
            _threads.follow_free_cores()
            assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(1)


def test_batch_work_counts_the_linear_layers_over_rows_and_steps():
    module = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2))
    assert batch_work(module, rows=10, n_steps=3) == 10 * 3 * (4 * 8 + 8 * 2)


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


# In a fresh interpreter: the test process has pinned torch to one thread (conftest).
OPENMP_AROUND_A_FIT = """
import json, warnings
warnings.simplefilter("ignore")
import numpy as np
import torch  # first: scikit-learn's OpenMP modules loaded after it run on torch's libgomp
import snn_sklearn
from sklearn.utils._openmp_helpers import _openmp_effective_n_threads
from threadpoolctl import threadpool_info

def openmp():
    pools = [p["num_threads"] for p in threadpool_info() if p["user_api"] == "openmp"]
    return [_openmp_effective_n_threads(), sorted(pools), torch.get_num_threads()]

X = np.random.RandomState(0).randn(300, 8)
y = (X[:, 0] > 0).astype(int)
before = openmp()
model = snn_sklearn.SpikingClassifier((16,), n_steps=4, max_iter=2, random_state=0).fit(X, y)
model.predict(X)
print(json.dumps({"before": before, "after": openmp()}))
"""


def run_fresh(script, timeout=240):
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=timeout
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_a_fit_leaves_scikit_learns_openmp_thread_count_as_it_found_it():
    seen = run_fresh(OPENMP_AROUND_A_FIT)
    assert seen["after"] == seen["before"]


HGB_AROUND_A_FIT = """
import json, statistics, time, warnings
warnings.simplefilter("ignore")
import snn_sklearn
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier

X, y = make_classification(20000, 20, random_state=0)

def hgb():
    start = time.perf_counter()
    HistGradientBoostingClassifier(max_iter=50, early_stopping=False, random_state=0).fit(X, y)
    return time.perf_counter() - start

before = statistics.median(hgb() for _ in range(5))
snn_sklearn.SpikingClassifier(max_iter=3, random_state=0).fit(X[:1000], y[:1000])
after = statistics.median(hgb() for _ in range(5))
print(json.dumps({"before": before, "after": after}))
"""


@pytest.mark.slow
def test_histgradientboosting_is_as_fast_after_a_fit_as_before():
    seen = run_fresh(textwrap.dedent(HGB_AROUND_A_FIT), timeout=600)
    assert seen["after"] <= 1.5 * seen["before"], seen


def _subnormal_survives():
    """Whether float32 arithmetic in this thread keeps a subnormal number."""
    tiny = torch.finfo(torch.float32).tiny
    return bool((torch.tensor([tiny / 4], dtype=torch.float32) * 1.0).item() != 0.0)


def test_fit_and_predict_flush_subnormals_and_stop_flushing_after(data, monkeypatch):
    X, y = data
    seen = []
    forward = torch.nn.Linear.forward

    def recording_forward(self, x):
        seen.append(_subnormal_survives())
        return forward(self, x)

    monkeypatch.setattr(torch.nn.Linear, "forward", recording_forward)
    model = SpikingClassifier((8,), n_steps=2, max_iter=2).fit(X, y)
    model.predict(X)
    assert seen and not any(seen)
    assert _subnormal_survives()
