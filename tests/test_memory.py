"""Training keeps its freed memory for reuse instead of page-faulting it back every batch."""

import ctypes
import os
import subprocess
import sys
import textwrap

import pytest

from snn_sklearn import _memory

GLIBC = (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")

# Fresh processes, so that no earlier test has decided their malloc settings.
FIT_IN_A_FRESH_PROCESS = textwrap.dedent(
    """
    import warnings

    from sklearn.datasets import make_classification
    from snn_sklearn import SpikingClassifier, _memory

    warnings.simplefilter("ignore")
    X, y = make_classification(200, 5, random_state=0)
    SpikingClassifier(max_iter=1, n_threads=1, random_state=0).fit(X, y)
    print(_memory._state["retained"])
    """
)

# Minor page faults of an epoch of 4,000 rows, the fewest of three: 6,400-16,000
# with glibc's dynamic thresholds, 5-400 with the retained ones.
FAULTS_PER_EPOCH = textwrap.dedent(
    """
    import resource
    import warnings

    from sklearn.datasets import make_classification
    from snn_sklearn import SpikingClassifier

    warnings.simplefilter("ignore")
    X, y = make_classification(4000, 20, random_state=0)
    model = SpikingClassifier(max_iter=1, early_stopping=False, n_threads=1, random_state=0)
    model.fit(X, y)
    faults = []
    for _ in range(3):
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        model.partial_fit(X, y)
        faults.append(resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before)
    print(min(faults))
    """
)

STARTUP_ENVIRONMENT = _memory._startup_environment


def run_python(script, **environment):
    """``script``'s output in a fresh interpreter started without malloc settings but these."""
    clean = {
        name: value
        for name, value in os.environ.items()
        if name not in _memory.USER_SETTINGS and name != "GLIBC_TUNABLES"
    }
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**clean, **environment},
    )
    return result.stdout


class FakeMallopt:
    """Records the ``mallopt`` calls that would reach glibc."""

    def __init__(self):
        self.calls = []
        self.accepts = 1

    def __call__(self, param, value):
        self.calls.append((param, value))
        return self.accepts


@pytest.fixture
def fresh_process(monkeypatch):
    """A process that has not decided on its malloc settings yet, with a fake ``mallopt``."""
    monkeypatch.setattr(_memory, "_state", {"retained": None})
    monkeypatch.setattr(_memory, "_startup_environment", lambda: {})
    mallopt = FakeMallopt()
    monkeypatch.setattr(_memory, "_glibc_mallopt", lambda: mallopt)
    return mallopt


def test_both_thresholds_are_set_to_glibcs_largest_dynamic_values_once(fresh_process):
    assert _memory.retain_freed_memory()
    assert _memory.retain_freed_memory()
    assert fresh_process.calls == [
        (_memory.M_TRIM_THRESHOLD, 64 * 2**20),
        (_memory.M_MMAP_THRESHOLD, 32 * 2**20),
    ]


@pytest.mark.parametrize("name", _memory.USER_SETTINGS)
def test_a_users_own_malloc_setting_is_left_alone(fresh_process, monkeypatch, name):
    monkeypatch.setattr(_memory, "_startup_environment", lambda: {name: "131072"})
    assert not _memory.retain_freed_memory()
    assert fresh_process.calls == []


def test_a_users_glibc_malloc_tunable_is_left_alone(fresh_process, monkeypatch):
    tunables = {"GLIBC_TUNABLES": "glibc.malloc.trim_threshold=131072"}
    monkeypatch.setattr(_memory, "_startup_environment", lambda: tunables)
    assert not _memory.retain_freed_memory()
    assert fresh_process.calls == []


def test_a_setting_made_after_the_start_does_not_count(fresh_process, monkeypatch):
    # As dask's nanny leaks MALLOC_TRIM_THRESHOLD_ into the process that starts it.
    monkeypatch.setattr(_memory, "_startup_environment", STARTUP_ENVIRONMENT)
    if set(_memory.USER_SETTINGS) & set(STARTUP_ENVIRONMENT()):
        pytest.skip("this process started with a malloc setting")
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "65536")
    assert _memory.retain_freed_memory()


@pytest.mark.skipif(not os.path.exists("/proc/self/environ"), reason="needs Linux's /proc")
def test_the_startup_environment_leaves_out_what_was_set_since():
    script = (
        "import os; from snn_sklearn import _memory; os.environ['SET_SINCE'] = '1'; "
        "e = _memory._startup_environment(); print(e.get('SET_AT_START'), 'SET_SINCE' in e)"
    )
    result = run_python(script, SET_AT_START="yes")
    assert result.split() == ["yes", "False"]


def test_other_c_libraries_are_left_alone(fresh_process, monkeypatch):
    monkeypatch.setattr(_memory, "_glibc_mallopt", lambda: None)
    assert not _memory.retain_freed_memory()


def test_mallopt_is_only_looked_up_in_glibc(monkeypatch):
    def musl(name):
        raise ValueError("unrecognized configuration name")

    monkeypatch.setattr(os, "confstr", musl)
    assert _memory._glibc_mallopt() is None


@pytest.mark.skipif(not GLIBC, reason="needs glibc")
def test_glibcs_mallopt_is_found_on_glibc():
    assert _memory._glibc_mallopt().argtypes == (ctypes.c_int, ctypes.c_int)


def test_a_refused_setting_is_reported(fresh_process):
    fresh_process.accepts = 0
    assert not _memory.retain_freed_memory()


def test_fitting_decides_the_processs_malloc_settings(fresh_process):
    from sklearn.datasets import make_classification

    from snn_sklearn import NonSpikingClassifier

    X, y = make_classification(60, 4, random_state=0)
    NonSpikingClassifier(max_iter=2, random_state=0).fit(X, y)
    assert len(fresh_process.calls) == 2


@pytest.mark.skipif(not GLIBC, reason="needs glibc")
def test_glibc_accepts_the_thresholds_in_a_real_fit():
    # What the setting buys (page faults per epoch, fit and predict time) is
    # measured by benchmarks/memory.py.
    assert run_python(FIT_IN_A_FRESH_PROCESS).split() == ["True"]


@pytest.mark.skipif(not GLIBC, reason="needs glibc")
def test_a_training_epoch_does_not_page_fault_its_tensors_back_in():
    assert int(run_python(FAULTS_PER_EPOCH)) < 2000


@pytest.mark.skipif(not GLIBC, reason="needs glibc")
def test_a_dask_worker_keeps_its_trim_threshold():
    # 47,000 page faults per epoch of 4,000 rows there, against 5-400 retained.
    result = run_python(FIT_IN_A_FRESH_PROCESS, MALLOC_TRIM_THRESHOLD_="65536")
    assert result.split() == ["False"]
