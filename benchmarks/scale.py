"""Fit time and peak memory of SpikingClassifier as the number of rows grows.

Each size runs in a fresh process (so peak RSS is its own): float32 data with 50
features and a linear binary target, one epoch of the default network
(128-128 LIF, 16 steps, batch 200). Fit time should grow linearly with the rows
and memory stay bounded by the batch, not the data: the data is wrapped as a
tensor without a copy and fed in slices.

Run ``python benchmarks/scale.py`` (``--rows 10000 100000 1000000``).
"""

import argparse
import json
import resource
import subprocess
import sys

CHILD = """
import json, resource, sys, time, warnings
import numpy as np
warnings.simplefilter("ignore")
from snn_sklearn import SpikingClassifier
n_rows = int(sys.argv[1])
rng = np.random.default_rng(0)
X = rng.standard_normal((n_rows, 50), dtype=np.float32)
y = (X @ rng.standard_normal(50, dtype=np.float32) > 0).astype(np.int64)
SpikingClassifier(max_iter=1, random_state=0).fit(X[:1000], y[:1000])
data_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
model = SpikingClassifier(max_iter=1, random_state=0).fit(X, y)
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak_mb, "before_fit_mb": data_mb,
                  "train_accuracy": model.score(X[:20000], y[:20000])}))
"""


def measure(n_rows):
    """Run one size in a child process and return its measurements."""
    output = subprocess.run(
        [sys.executable, "-c", CHILD, str(n_rows)], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main(argv=None):
    """Run the benchmark and print its table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    args = parser.parse_args(argv)
    header = (
        f"{'rows':>10}{'s / epoch':>11}{'us / row':>10}{'RSS before fit':>16}"
        f"{'peak RSS':>10}{'train acc':>11}"
    )
    print(header)
    print("-" * len(header))
    for n_rows in args.rows:
        result = measure(n_rows)
        print(
            f"{n_rows:>10}{result['seconds']:>11.2f}{result['seconds'] / n_rows * 1e6:>10.1f}"
            f"{result['before_fit_mb']:>13.0f} MB{result['peak_mb']:>7.0f} MB"
            f"{result['train_accuracy']:>11.3f}"
        )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(this parent process: {own:.0f} MB)")


if __name__ == "__main__":
    main()
