"""GridSearchCV with n_jobs=2 against n_jobs=1 on two cores, locally and on dask.

A grid of 4 candidates x 3 folds of a small SpikingClassifier on the digits data,
timed in one process for each way of running the 12 fits:

- ``n_jobs=1``: one fit at a time, torch using both cores (the reference), and
  with one thread;
- joblib's default (loky) worker processes, ``n_jobs=2``;
- joblib's threading backend, ``n_jobs=2``;
- joblib's dask backend on a ``LocalCluster`` of 2 single-threaded worker
  processes on 127.0.0.1;
- loky ``n_jobs=2`` with ``n_threads=2``: every fit asks for both cores, the
  oversubscription that the default ``n_threads=None`` avoids.

Each parallel backend first runs a warm-up search so worker start-up (importing
torch) is not timed. The process pins itself to ``--cores`` CPUs first; its
workers inherit that. Run ``python benchmarks/parallel_search.py``; the dask row
needs ``pip install "snn-sklearn[dask]"``.
"""

import argparse
import os
import time
import warnings
from contextlib import ExitStack
from functools import partial

import joblib
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

from snn_sklearn import SpikingClassifier

GRID = {"beta": [0.8, 0.95], "learning_rate_init": [3e-3, 1e-2]}


def search(n_jobs, n_threads=None, max_iter=10):
    """The benchmarked search: 4 candidates x 3 folds, no refit."""
    model = SpikingClassifier(
        (64,), n_steps=8, max_iter=max_iter, random_state=0, n_threads=n_threads
    )
    return GridSearchCV(model, GRID, cv=3, n_jobs=n_jobs, refit=False)


def timed(make_search, X, y, backend, **backend_options):
    """Seconds of one search under ``backend``, after an untimed warm-up search."""
    with joblib.parallel_config(backend=backend, **backend_options):
        make_search(max_iter=1).fit(X, y)
        start = time.perf_counter()
        result = make_search().fit(X, y)
        seconds = time.perf_counter() - start
    return seconds, result.cv_results_["mean_test_score"].max()


def dask_cluster(stack):
    """A 2-worker LocalCluster on 127.0.0.1 entered on ``stack``, or None without dask."""
    try:
        import distributed
    except ImportError:
        return None
    cluster = stack.enter_context(
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
    )
    return stack.enter_context(distributed.Client(cluster))


def main(argv=None):
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args(argv)
    os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.cores])
    torch.set_num_threads(args.cores)
    warnings.simplefilter("ignore")
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X).astype("float32")
    rows = []
    reference, best = timed(partial(search, 1), X, y, "loky")
    rows.append(("n_jobs=1 (in process)", args.cores, reference, best))
    seconds, best = timed(partial(search, 1, 1), X, y, "loky")
    rows.append(("n_jobs=1 (in process)", 1, seconds, best))
    for name, backend, threads in [
        ("loky, n_jobs=2", "loky", None),
        ("threading, n_jobs=2", "threading", None),
    ]:
        seconds, best = timed(partial(search, 2, threads), X, y, backend)
        rows.append((name, "default", seconds, best))
    with ExitStack() as stack:
        if dask_cluster(stack) is None:
            print("(dask row skipped: pip install 'snn-sklearn[dask]')")
        else:
            seconds, best = timed(partial(search, -1), X, y, "dask")
            rows.append(("dask, 2 workers x 1 thread", "default", seconds, best))
    seconds, best = timed(partial(search, 2, 2), X, y, "loky")
    rows.append(("loky, n_jobs=2, n_threads=2", 2, seconds, best))

    print(f"GridSearchCV, 4 candidates x 3 folds, digits, {joblib.cpu_count()} cores")
    print("speed-up: n_jobs=1 on all cores / this; scores differ in the last digits because")
    print("float32 sums depend on the thread count")
    header = f"{'how':<30}{'n_threads':>10}{'seconds':>9}{'speed-up':>10}{'best score':>12}"
    print(header)
    print("-" * len(header))
    for name, threads, seconds, best in rows:
        print(f"{name:<30}{threads!s:>10}{seconds:>9.1f}{reference / seconds:>9.2f}x{best:>12.3f}")


if __name__ == "__main__":
    main()
