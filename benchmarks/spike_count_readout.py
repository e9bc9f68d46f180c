"""The spike-count readout's output surrogate: the hidden layers' slope against the cap.

``SpikingClassifier(readout="spike_count")`` gives its output neurons a
surrogate no steeper than ``snn_sklearn.readouts.SPIKE_COUNT_SURROGATE_SLOPE``
(2), while the hidden layers keep ``surrogate_slope`` (25). This script fits
``make_pipeline(StandardScaler(), SpikingClassifier(encoder=...,
readout="spike_count", random_state=seed))`` (defaults otherwise) on a
stratified 75/25 split per seed of iris, wine, breast cancer and digits, for
every encoder, once with the cap and once with the output neurons at the
hidden layers' slope (the cap patched to 25), and prints each fit's test
accuracy, the mean per data set, and how many fits ended at or below the
majority class's share of the test set (a network whose outputs all fell
silent predicts one class). Fits run two at a time, one thread each.

Run ``python benchmarks/spike_count_readout.py [--seeds N]`` (4 seeds, about
10 minutes on 2 free cores).
"""

import argparse
import warnings

import numpy as np
from joblib import Parallel, delayed
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

DATASETS = {
    "iris": load_iris,
    "wine": load_wine,
    "breast cancer": load_breast_cancer,
    "digits": load_digits,
}
SLOPES = {"capped at 2": None, "hidden slope 25": 25.0}


def fit_and_score(encoder, dataset, seed, output_slope):
    """Test accuracy and the majority share of one fit; ``output_slope`` None keeps the cap."""
    from snn_sklearn import SpikingClassifier, networks, readouts

    warnings.simplefilter("ignore")
    # Worker processes are reused: set the cap for every fit, patched or not.
    networks.SPIKE_COUNT_SURROGATE_SLOPE = (
        readouts.SPIKE_COUNT_SURROGATE_SLOPE if output_slope is None else output_slope
    )
    X, y = DATASETS[dataset](return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=y
    )
    model = SpikingClassifier(
        encoder=encoder, readout="spike_count", random_state=seed, n_threads=1
    )
    pipeline = make_pipeline(StandardScaler(), model).fit(X_train, y_train)
    majority = np.bincount(y_test).max() / len(y_test)
    return pipeline.score(X_test, y_test), majority


def main(argv=None):
    from snn_sklearn.encoders import ENCODERS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=4)
    args = parser.parse_args(argv)
    jobs = [
        (slope, encoder, dataset, seed)
        for slope in SLOPES
        for encoder in ENCODERS
        for dataset in DATASETS
        for seed in range(args.seeds)
    ]
    results = Parallel(n_jobs=2)(
        delayed(fit_and_score)(encoder, dataset, seed, SLOPES[slope])
        for slope, encoder, dataset, seed in jobs
    )
    scores = dict(zip(jobs, results, strict=True))
    print(
        f"SpikingClassifier(readout='spike_count'), test accuracy of {args.seeds} seeds "
        "(mean); 'silent' counts fits at or below the majority class's share"
    )
    header = "".join(f"{name:>30}" for name in DATASETS)
    print(f"\n{'encoder':<12}{'output slope':<17}{header}{'silent':>8}")
    for encoder in ENCODERS:
        for slope in SLOPES:
            cells, silent = [], 0
            for dataset in DATASETS:
                runs = [scores[slope, encoder, dataset, seed] for seed in range(args.seeds)]
                accuracies = [accuracy for accuracy, _ in runs]
                silent += sum(accuracy <= majority + 1e-9 for accuracy, majority in runs)
                text = " ".join(f"{a:.2f}" for a in accuracies) + f" ({np.mean(accuracies):.3f})"
                cells.append(f"{text:>30}")
            total = len(DATASETS) * args.seeds
            print(f"{encoder:<12}{slope:<17}{''.join(cells)}{silent:>5}/{total}")


if __name__ == "__main__":
    main()
