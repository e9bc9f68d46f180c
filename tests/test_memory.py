"""Training keeps its freed memory for reuse instead of page-faulting it back every batch."""

import ctypes
import os
import subprocess
import sys
import textwrap

import pytest

from snn_sklearn import _memory

GLIBC = (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")

# Minor page faults of an epoch of 4,000 rows, the fewest of three: one epoch
# took 8,000-16,000 with glibc's dynamic thresholds, 7-400 with the retained
# ones. The fewest, because the kernel reclaiming memory for other processes
# can fault any epoch's pages back in (46,000 once, during the whole suite).
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
    monkeypatch.setattr(_memory, "_state", {"decided": False, "retained": False})
    for name in _memory.USER_SETTINGS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("GLIBC_TUNABLES", raising=False)
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
    monkeypatch.setenv(name, "131072")
    assert not _memory.retain_freed_memory()
    assert fresh_process.calls == []


def test_a_users_glibc_malloc_tunable_is_left_alone(fresh_process, monkeypatch):
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=131072")
    assert not _memory.retain_freed_memory()
    assert fresh_process.calls == []


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


@pytest.mark.skipif(not GLIBC, reason="the page faults come from glibc's malloc")
def test_a_training_epoch_does_not_page_fault_its_tensors_back_in():
    result = subprocess.run(
        [sys.executable, "-c", FAULTS_PER_EPOCH], capture_output=True, text=True, check=True
    )
    assert int(result.stdout) < 2000
