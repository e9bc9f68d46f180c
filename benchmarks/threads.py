"""Torch threads: the default policy against one and two threads, quiet and busy.

Prints, for each case, the fit time of ``n_threads=None`` (the default policy),
``n_threads=1`` and ``n_threads=2``, as seconds and as ratios to one thread,
with the machine quiet and with another process burning one core; then the
same for fits during which that other process starts or stops, halfway through;
then the time of ``HistGradientBoostingClassifier.fit`` after a
``SpikingClassifier`` fit over its time before it, in the same process.

Each case runs in its own subprocess, its three thread settings interleaved
over the repeats, and medians are reported: the machines are shared and noisy.
The load average at the start of each case is printed, since a "quiet" run on
a shared machine may not be.

Run ``python benchmarks/threads.py [--repeats N]``.
"""

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CASE = r"""
import json, statistics, sys, time, warnings
warnings.simplefilter("ignore")
import numpy as np
import snn_sklearn
from sklearn.datasets import make_classification, make_regression
from sklearn.preprocessing import StandardScaler

name, data, dtype, max_iter, repeats = sys.argv[1:6]
Estimator = getattr(snn_sklearn, name)
if data == "small":
    X, y = make_regression(1000, 8, noise=10.0, random_state=0)
else:
    X, y = make_classification(20000, 20, random_state=0)
X = StandardScaler().fit_transform(X).astype(dtype)
times = {"None": [], "1": [], "2": []}
Estimator(max_iter=1, random_state=0).fit(X[:400], y[:400])  # warm-up: torch's lazy set-up
for repeat in range(int(repeats)):
    keys = list(times)
    for key in keys[repeat % 3 :] + keys[: repeat % 3]:
        n_threads = None if key == "None" else int(key)
        model = Estimator(max_iter=int(max_iter), random_state=0, n_threads=n_threads)
        start = time.perf_counter()
        model.fit(X, y)
        times[key].append(time.perf_counter() - start)
print(json.dumps({key: statistics.median(values) for key, values in times.items()}))
"""

LOAD_CHANGE = r"""
import json, statistics, subprocess, sys, threading, time, warnings
warnings.simplefilter("ignore")
import snn_sklearn
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler

order, max_iter, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
X, y = make_classification(20000, 20, random_state=0)
X = StandardScaler().fit_transform(X)

def fit(n_threads):
    model = snn_sklearn.SpikingClassifier(max_iter=max_iter, random_state=0, n_threads=n_threads)
    start = time.perf_counter()
    model.fit(X, y)
    return time.perf_counter() - start

fit(1)  # warm-up
switch = fit(1) / 2  # halfway through a quiet one-thread fit
times = {"None": [], "1": [], "2": []}
for repeat in range(repeats):
    keys = list(times)
    for key in keys[repeat % 3 :] + keys[: repeat % 3]:
        burner = []
        def start_burner():
            burner.append(subprocess.Popen([sys.executable, "-c", "while True: pass"]))
        if order == "busy-quiet":
            start_burner()
            time.sleep(1)
            timer = threading.Timer(switch, lambda: burner[0].kill())
        else:
            timer = threading.Timer(switch, start_burner)
        timer.start()
        times[key].append(fit(None if key == "None" else int(key)))
        timer.cancel()
        for process in burner:
            process.kill()
            process.wait()
        time.sleep(1)
print(json.dumps({key: statistics.median(values) for key, values in times.items()}))
"""

HGB = r"""
import json, statistics, sys, time, warnings
warnings.simplefilter("ignore")
first = sys.argv[1]
if first == "torch":
    import snn_sklearn
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
import snn_sklearn

X, y = make_classification(20000, 20, random_state=0)

def hgb():
    start = time.perf_counter()
    HistGradientBoostingClassifier(max_iter=50, early_stopping=False, random_state=0).fit(X, y)
    return time.perf_counter() - start

repeats = int(sys.argv[2])
before = statistics.median(hgb() for _ in range(repeats))
snn_sklearn.SpikingClassifier(max_iter=5, random_state=0).fit(X[:1000], y[:1000])
after = statistics.median(hgb() for _ in range(repeats))
print(json.dumps({"before": before, "after": after}))
"""

CASES = [
    # estimator, data, max_iter (bounded so that the whole table takes minutes)
    ("SpikingRegressor", "small", 10),
    ("NonSpikingRegressor", "small", 50),
    ("SpikingClassifier", "medium", 1),
    ("NonSpikingClassifier", "medium", 5),
]

#: Epochs of the fits whose load changes halfway: enough for the default
#: policy, which decides at every epoch, to see the change.
LOAD_CHANGE_EPOCHS = 8


def run(script, *args, timeout=900):
    env = {**os.environ, "PYTHONPATH": ROOT + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


class Burner:
    """Another process holding one core, killed on exit."""

    def __init__(self, busy):
        self.busy = busy
        self.process = None

    def __enter__(self):
        if self.busy:
            self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
            time.sleep(1)
        return self

    def __exit__(self, *exc):
        if self.process is not None:
            self.process.kill()
            self.process.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"{os.cpu_count()} CPUs; medians of {args.repeats} fits; seconds, and / n_threads=1")
    header = (
        f"{'load':5} {'estimator':21} {'data':6} {'dtype':7} {'loadavg':>7} "
        f"{'default':>8} {'1':>7} {'2':>7} {'def/1':>6} {'2/1':>6}"
    )
    print(header)
    for busy in (False, True):
        with Burner(busy):
            for name, data, max_iter in CASES:
                for dtype in ("float64", "float32"):
                    load = os.getloadavg()[0]
                    t = run(CASE, name, data, dtype, max_iter, args.repeats)
                    print(
                        f"{'busy' if busy else 'quiet':5} {name:21} {data:6} {dtype:7} {load:7.2f} "
                        f"{t['None']:8.2f} {t['1']:7.2f} {t['2']:7.2f} "
                        f"{t['None'] / t['1']:6.2f} {t['2'] / t['1']:6.2f}",
                        flush=True,
                    )
    print()
    print("Load that changes halfway through a SpikingClassifier fit (medium, float64,")
    print(f"{LOAD_CHANGE_EPOCHS} epochs): another process burning one core for the first or the")
    print(f"second half; medians of {args.repeats} fits")
    print(f"{'load':11} {'default':>8} {'1':>7} {'2':>7} {'def/1':>6} {'def/2':>6}")
    for order in ("busy-quiet", "quiet-busy"):
        t = run(LOAD_CHANGE, order, LOAD_CHANGE_EPOCHS, args.repeats)
        print(
            f"{order:11} {t['None']:8.2f} {t['1']:7.2f} {t['2']:7.2f} "
            f"{t['None'] / t['1']:6.2f} {t['None'] / t['2']:6.2f}",
            flush=True,
        )
    print()
    print("HistGradientBoostingClassifier.fit (20000 x 20, 50 iterations) after / before a")
    print("SpikingClassifier fit in the same process, median of", args.repeats)
    for first in ("torch", "sklearn"):
        t = run(HGB, first, args.repeats)
        print(
            f"  {first} imported first: before {t['before']:.2f} s, after {t['after']:.2f} s, "
            f"ratio {t['after'] / t['before']:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
