"""Accuracy after post-training weight quantization, 16, 8 and 4 bits.

For each data set (scikit-learn's breast cancer, digits and wine) and seed,
fits ``make_pipeline(StandardScaler(), SpikingClassifier(random_state=seed,
reset=...))`` with the other parameters at their defaults on a stratified 75/25
split (``random_state=seed``), then scores on the held-out quarter the fitted
pipeline and ``snn_sklearn.quantization.quantize(pipeline, bits)`` for 16, 8 and
4 bits: the network that ``to_nir(..., weight_bits=bits)`` exports. Prints, per
data set and reset, the median accuracy over the seeds and the change in
points (accuracy after minus before quantization, per seed): its mean over the
seeds and its worst seed. One test row is worth 100 / (test rows) points.

``reset="zero"`` is the reset NIR can export; ``"subtract"`` is the
estimators' default and is shown for comparison.

Run ``python benchmarks/quantization.py [--seeds N] [--resets zero subtract]``;
the table is also written to ``benchmarks/results/quantization.txt``.
"""

import argparse
import pathlib
import platform
import statistics
import time
import warnings

import torch
from sklearn.datasets import load_breast_cancer, load_digits, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from snn_sklearn import SpikingClassifier
from snn_sklearn.quantization import quantize

DATASETS = {"breast_cancer": load_breast_cancer, "digits": load_digits, "wine": load_wine}
BITS = (16, 8, 4)
RESULTS = pathlib.Path(__file__).parent / "results" / "quantization.txt"


def scores(load, seed, reset):
    """Held-out accuracy of the fitted pipeline and of each quantized copy."""
    X, y = load(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, stratify=y, random_state=seed
    )
    pipeline = make_pipeline(
        StandardScaler(), SpikingClassifier(reset=reset, random_state=seed)
    ).fit(X_train, y_train)
    row = {"float": pipeline.score(X_test, y_test)}
    for bits in BITS:
        row[bits] = quantize(pipeline, bits).score(X_test, y_test)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--resets", nargs="+", default=["zero", "subtract"])
    args = parser.parse_args()
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    start = time.perf_counter()
    lines = [
        f"torch {torch.__version__}, {platform.machine()}, {args.seeds} seeds; accuracy: median "
        "over the seeds; change: accuracy after minus before, in points, mean over the seeds "
        "(worst seed)",
        "",
        "| data set | test rows | reset | float | 16 bits | 8 bits | 4 bits | change 16 bits "
        "| change 8 bits | change 4 bits |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, load in DATASETS.items():
        n_test = len(train_test_split(load().target, test_size=0.25)[1])
        for reset in args.resets:
            rows = [scores(load, seed, reset) for seed in range(args.seeds)]
            accuracy = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
            changes = []
            for bits in BITS:
                points = [100 * (row[bits] - row["float"]) for row in rows]
                changes.append(f"{statistics.mean(points):+.2f} ({min(points):+.2f})")
            lines.append(
                f"| {name} | {n_test} | {reset} | {accuracy['float']:.3f} | "
                + " | ".join(f"{accuracy[bits]:.3f}" for bits in BITS)
                + " | "
                + " | ".join(changes)
                + " |"
            )
            print(lines[-1], flush=True)
    lines += ["", f"{time.perf_counter() - start:.0f} s in all"]
    table = "\n".join(lines)
    print(table)
    RESULTS.write_text(table + "\n")


if __name__ == "__main__":
    main()
