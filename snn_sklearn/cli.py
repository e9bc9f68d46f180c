"""The ``snn-sklearn`` command line.

``snn-sklearn demo`` trains the spiking and non-spiking estimators on the
bundled tables next to scikit-learn baselines, prints how they compare and
saves the table, the networks' loss curves, a chart of the scores and a spike
raster of the spiking classifier::

    snn-sklearn demo --out results --seed 1
    python -m snn_sklearn.cli demo

The command line only calls the package's public API.
"""

import argparse
import contextlib
import csv
import sys
import time
import warnings
from pathlib import Path

import torch
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from . import (
    NonSpikingClassifier,
    NonSpikingRegressor,
    SpikingClassifier,
    SpikingRegressor,
    __version__,
)
from .datasets import load_house_prices, load_iris
from .plotting import plot_loss_curve, plot_model_comparison, plot_spikes

PROG = "snn-sklearn"
DEFAULT_OUT = "snn_sklearn_demo"
# One hold-out split rather than 5-fold: five fits of each network would take
# most of the demo's one-minute budget on two cores (about 55 s measured).
TEST_SIZE = 0.25


def main(argv=None):
    """Run the ``snn-sklearn`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments after the program name; ``None`` reads ``sys.argv``.

    Returns
    -------
    status : int
        0 on success, 2 when the command failed (after a one-line message on
        standard error), 130 when interrupted. Bad arguments exit with status 2
        through argparse.
    """
    args = _parser().parse_args(argv)
    try:
        return args.command(args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    # The command line's contract: any failure is one line and status 2, never a traceback.
    except Exception as error:
        message = " ".join(str(error).split()) or type(error).__name__
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return 2


def _parser():
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Spiking neural networks for tabular data, as scikit-learn estimators.",
        epilog=f"Run '{PROG} demo' for a first comparison on the bundled data.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    demo = commands.add_parser(
        "demo",
        help="compare the spiking and non-spiking estimators with scikit-learn baselines",
        description=(
            "Train SpikingClassifier and NonSpikingClassifier on the bundled iris table, "
            "SpikingRegressor and NonSpikingRegressor on the bundled house-price table, and "
            "scikit-learn baselines (linear model, random forest, histogram gradient boosting) "
            "on both, each after a StandardScaler. Every model is fitted on 75% of the "
            "table (stratified by class for iris) and scored on the other 25% (accuracy, "
            "or R2 for house prices). Prints a comparison table and writes it into the "
            "output folder, with plots (when matplotlib is installed) of the networks' loss "
            "curves, of the scores, and of the spiking classifier's spikes for one flower. "
            "Needs no network; takes under a minute on two CPU cores."
        ),
    )
    demo.add_argument(
        "--out",
        type=Path,
        default=Path(DEFAULT_OUT),
        metavar="DIR",
        help=(
            "folder for results.csv, loss_curves.png, model_comparison.png and spikes.png "
            f"(default: ./{DEFAULT_OUT})"
        ),
    )
    demo.add_argument(
        "--seed",
        type=_seed,
        default=0,
        metavar="N",
        help="seed of the split and of every model, an integer >= 0 (default: 0)",
    )
    demo.set_defaults(command=_demo)
    return parser


def _seed(text):
    try:
        seed = int(text)
    except ValueError:
        seed = -1
    if not 0 <= seed < 2**32:
        raise argparse.ArgumentTypeError(f"must be an integer in [0, 2**32), got {text!r}")
    return seed


def _demo(args):
    args.out.mkdir(parents=True, exist_ok=True)
    tasks = [
        ("iris", load_iris, "accuracy", _classifiers()),
        ("house prices", load_house_prices, "r2", _regressors()),
    ]
    n_models = sum(len(models) for *_, models in tasks)
    rows = []
    for dataset, load, metric, models in tasks:
        X, y = load(return_X_y=True)
        stratify = y if metric == "accuracy" else None
        split = train_test_split(
            X, y, test_size=TEST_SIZE, random_state=args.seed, stratify=stratify
        )
        for model in models:
            name = type(model).__name__
            _progress(f"[{len(rows) + 1}/{n_models}] {dataset}: fitting {name}...", end="")
            with _one_thread():
                pipeline, score, fit_time = _fit_and_score(model, split, args.seed)
            _progress(f" {metric} {score:.3f} in {fit_time:.1f} s")
            rows.append(
                {
                    "dataset": dataset,
                    "model": name,
                    "kind": _kind(model),
                    "metric": metric,
                    "score": score,
                    "fit_time": fit_time,
                    "pipeline": pipeline,
                    "sample": split[1][:1],
                }
            )
    _print_table(rows)
    table = args.out / "results.csv"
    _write_table(rows, table)
    print(f"\nResults written to {table}")
    _save_plots(rows, args.out)
    return 0


def _classifiers():
    return [
        SpikingClassifier(),
        NonSpikingClassifier(),
        LogisticRegression(max_iter=1000),
        RandomForestClassifier(),
        HistGradientBoostingClassifier(),
    ]


def _regressors():
    return [
        SpikingRegressor(),
        NonSpikingRegressor(),
        LinearRegression(),
        RandomForestRegressor(),
        HistGradientBoostingRegressor(),
    ]


@contextlib.contextmanager
def _one_thread():
    """Run torch and the OpenMP and BLAS pools on one thread, then restore them.

    On tables this small one thread is faster than two, and it does not collapse
    when another process shares the cores (two shared cores, two threads: 155 s
    for the demo; one thread: 15 s).
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(limits=1):
            yield
    finally:
        torch.set_num_threads(threads)


def _progress(message, end="\n"):
    print(message, end=end, file=sys.stderr, flush=True)


def _fit_and_score(model, split, seed):
    """Fit ``model`` after a scaler on the training part.

    Returns the fitted pipeline, its score on the test part and its fit time.
    """
    X_train, X_test, y_train, y_test = split
    if "random_state" in model.get_params():
        model.set_params(random_state=seed)
    pipeline = make_pipeline(StandardScaler(), model)
    start = time.perf_counter()
    with warnings.catch_warnings():
        # The demo keeps default settings; stopping at max_iter is expected, not news.
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipeline.fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    return pipeline, pipeline.score(X_test, y_test), fit_time


def _kind(model):
    if isinstance(model, (SpikingClassifier, SpikingRegressor)):
        return "spiking"
    if isinstance(model, (NonSpikingClassifier, NonSpikingRegressor)):
        return "non-spiking"
    return "baseline"


def _print_table(rows):
    held_out = f"{TEST_SIZE:.0%}"
    print(f"\nScores on a {held_out} hold-out of each table; fit time on the rest.\n")
    header = f"{'dataset':<14}{'model':<32}{'kind':<13}{'metric':<10}{'score':>7}{'fit (s)':>10}"
    print(header)
    print("-" * len(header))
    for row in rows:
        print(
            f"{row['dataset']:<14}{row['model']:<32}{row['kind']:<13}{row['metric']:<10}"
            f"{row['score']:>7.3f}{row['fit_time']:>10.2f}"
        )


def _write_table(rows, path):
    fields = ["dataset", "model", "kind", "metric", "score", "fit_time"]
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _save_plots(rows, out):
    """Write the demo's figures into ``out`` and say where; only a hint without matplotlib."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print(f"Plots need matplotlib: pip install {PROG}[plot]")
        return
    _save(_loss_curves(rows), out / "loss_curves.png", "Loss curves")
    try:
        comparison = _model_comparison(rows)
    except ImportError:
        print(f"The model comparison plot needs pandas: pip install {PROG}[pandas]")
    else:
        _save(comparison, out / "model_comparison.png", "Model comparison")
    _save(_spike_raster(rows), out / "spikes.png", "Spike raster")


def _loss_curves(rows):
    from matplotlib.figure import Figure

    networks = [row for row in rows if row["kind"] != "baseline"]
    n_rows = -(-len(networks) // 2)
    figure = Figure(figsize=(10, 4 * n_rows), layout="constrained")
    axes = figure.subplots(n_rows, 2, squeeze=False).ravel()
    for ax, row in zip(axes, networks, strict=False):
        plot_loss_curve(row["pipeline"], ax=ax)
        ax.set_title(f"{row['model']} on {row['dataset']}")
    for ax in axes[len(networks) :]:
        ax.remove()
    return figure


def _model_comparison(rows):
    import pandas as pd
    from matplotlib.figure import Figure

    datasets = list(dict.fromkeys(row["dataset"] for row in rows))
    figure = Figure(figsize=(5 * len(datasets), 4.5), layout="constrained")
    for ax, dataset in zip(
        figure.subplots(1, len(datasets), squeeze=False)[0], datasets, strict=True
    ):
        scored = [row for row in rows if row["dataset"] == dataset]
        metric = scored[0]["metric"]
        # A single hold-out score per model: the table has means and no deviations.
        table = pd.DataFrame(
            {f"{metric}_mean": [row["score"] for row in scored]},
            index=[row["model"] for row in scored],
        )
        plot_model_comparison(table, ax=ax)
        ax.set_title(f"{dataset}: {metric} on the hold-out")
    return figure


def _spike_raster(rows):
    spiking = next(row for row in rows if row["kind"] == "spiking")
    figure = plot_spikes(spiking["pipeline"], spiking["sample"])
    figure.suptitle(f"{spiking['model']} on one {spiking['dataset']} test sample")
    return figure


def _save(figure, path, what):
    figure.savefig(path, dpi=100)
    print(f"{what} written to {path}")


if __name__ == "__main__":
    sys.exit(main())
