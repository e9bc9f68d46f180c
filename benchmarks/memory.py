"""Freed memory kept for reuse against glibc's own malloc thresholds, on the user's path.

Every ``fit``, ``partial_fit`` and prediction of snn_sklearn first calls
``snn_sklearn._memory.retain_freed_memory``, which fixes glibc's mmap and trim
thresholds at 32 and 64 MiB. This script measures what that buys on the path of
``benchmarks/user_path.py`` (``make_classification(rows, 20)`` standardized,
float64 input, default ``SpikingClassifier()``, default threads): each worker
is a fresh subprocess, with the setting (``retained``) or with it skipped, so
that glibc keeps its dynamic thresholds (``glibc``). The two run in
alternating order for ``--repeats`` rounds, and the script prints, for each,
the median fit wall time and CPU time, epochs, minor page faults per epoch,
``predict_proba`` time on 10,000 rows (median of 7 calls) and the faults per
call, then the medians of the per-round ratios ``retained / glibc``.

Run ``python benchmarks/memory.py [--repeats N] [--rows N]`` on Linux with
glibc; elsewhere there is nothing to compare.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import warnings

HERE = os.path.abspath(__file__)
PREDICT_ROWS = 10_000
PREDICT_CALLS = 7
SETTINGS = ("glibc", "retained")


def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def worker(setting, rows):
    import numpy as np

    sys.path.insert(0, os.path.dirname(HERE))
    from user_path import load_data

    from snn_sklearn import SpikingClassifier, _memory

    if setting == "glibc":
        _memory._state["retained"] = False
    X_train, X_test, y_train, y_test = load_data(rows)
    SpikingClassifier(max_iter=1).fit(X_train[:400], y_train[:400])  # warm-up
    estimator = SpikingClassifier(random_state=0)
    start, cpu, before = time.perf_counter(), time.process_time(), faults()
    estimator.fit(X_train, y_train)
    fit, cpu, fit_faults = time.perf_counter() - start, time.process_time() - cpu, faults() - before
    tiled = np.tile(X_test, (int(np.ceil(PREDICT_ROWS / len(X_test))), 1))[:PREDICT_ROWS]
    estimator.predict_proba(tiled)
    times, before = [], faults()
    for _ in range(PREDICT_CALLS):
        start = time.perf_counter()
        estimator.predict_proba(tiled)
        times.append(time.perf_counter() - start)
    return {
        "retained": _memory.retain_freed_memory(),
        "fit": fit,
        "cpu": cpu,
        "epochs": estimator.n_iter_,
        "fit_faults": fit_faults / estimator.n_iter_,
        "accuracy": float(estimator.score(X_test, y_test)),
        "predict": statistics.median(times),
        "predict_faults": (faults() - before) / PREDICT_CALLS,
    }


def run_worker(setting, rows):
    command = [sys.executable, HERE, "--worker", setting, "--rows", str(rows)]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(f"worker {setting} failed ({completed.returncode}):\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=4)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--worker", choices=SETTINGS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        warnings.simplefilter("ignore")
        print(json.dumps(worker(args.worker, args.rows)))
        return

    import torch

    started, load = time.perf_counter(), os.getloadavg()
    rounds = {setting: [] for setting in SETTINGS}
    for repeat in range(args.repeats):
        for setting in SETTINGS if repeat % 2 == 0 else SETTINGS[::-1]:
            rounds[setting].append(run_worker(setting, args.rows))
    if not rounds["retained"][0]["retained"]:
        sys.exit("this process's malloc is not glibc's (or is configured): nothing to compare")

    print(
        f"memory.py: torch {torch.__version__}, os.cpu_count() {os.cpu_count()}, "
        f"load average at start {load[0]:.2f}; {args.rows} rows, {args.repeats} rounds, "
        f"{time.perf_counter() - started:.0f} s"
    )
    print("\ndefault SpikingClassifier, float64 input, default threads (medians of rounds)")
    columns = [
        ("fit s", "fit", ".2f"),
        ("fit CPU s", "cpu", ".2f"),
        ("epochs", "epochs", ".0f"),
        ("faults/epoch", "fit_faults", ".0f"),
        ("accuracy", "accuracy", ".4f"),
        ("predict ms", "predict", ".2f"),
        ("faults/call", "predict_faults", ".0f"),
    ]
    print(f"  {'malloc':<10}" + "".join(f"{title:>14}" for title, _, _ in columns))
    for setting in SETTINGS:
        values = []
        for _, key, spec in columns:
            value = statistics.median(result[key] for result in rounds[setting])
            values.append(format(value * (1e3 if key == "predict" else 1), spec))
        print(f"  {setting:<10}" + "".join(f"{value:>14}" for value in values))
    print("\nretained / glibc, median of the per-round ratios")
    ratios_of = [("fit wall time", "fit"), ("fit CPU time", "cpu"), ("predict_proba", "predict")]
    for title, key in ratios_of:
        pairs = zip(rounds["retained"], rounds["glibc"], strict=True)
        ratios = [new[key] / old[key] for new, old in pairs]
        print(f"  {title:<16}{statistics.median(ratios):>8.2f}x")


if __name__ == "__main__":
    main()
