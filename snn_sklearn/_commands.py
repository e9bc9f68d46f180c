"""What the ``snn-sklearn`` commands do, once :mod:`snn_sklearn.cli` has parsed them.

:func:`demo`, :func:`fit` and :func:`predict` each take the parsed arguments and
return the exit status. They live apart from the argument parser so that
``snn-sklearn --help``, ``--version`` and bad arguments answer without importing
torch, scikit-learn and the estimators, which only a command needs.
"""

import contextlib
import csv
import sys
import tempfile
import time
import warnings

import numpy as np
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from . import persistence
from ._cli_common import MODEL_SUFFIXES, PROG, one_line
from ._optional import import_optional
from ._tabular import (
    IDENTIFIER,
    check_finite,
    check_target,
    decide_columns,
    import_pandas,
    infer_task,
    make_model_pipeline,
    no_column,
    notes,
    prepare,
    read_csv,
    split_target,
    table_columns,
)
from ._threads import torch_threads
from .compare import compare_models
from .datasets import load_house_prices, load_iris
from .metrics import classification_scorers, regression_scorers
from .nonspiking import NonSpikingClassifier, NonSpikingRegressor
from .plotting import plot_loss_curves, plot_model_comparison, plot_spikes
from .spiking import SpikingClassifier, SpikingRegressor

# The estimators of each --model choice, by task.
ESTIMATORS = {
    "spiking": {"classification": SpikingClassifier, "regression": SpikingRegressor},
    "nonspiking": {"classification": NonSpikingClassifier, "regression": NonSpikingRegressor},
}
# fit --baselines, by task.
BASELINES = {
    "classification": HistGradientBoostingClassifier,
    "regression": HistGradientBoostingRegressor,
}
# The score the comparison chart shows, by task: the one users know.
CHART_SCORES = {"classification": "accuracy", "regression": "r2"}
# One hold-out split rather than 5-fold: five fits of each network would take
# most of the demo's one-minute budget on two cores (about 55 s measured).
TEST_SIZE = 0.25


def _output_folder(path):
    """Create the folder ``path`` if needed and check that files can be written in it.

    Called before any training, so that a folder the results cannot go to
    fails at once, not after the fits.

    Raises
    ------
    OSError
        Naming the folder, if it cannot be created or written in.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise OSError(f"cannot write in the output folder {path}: {error.strerror}") from error


def demo(args):
    _output_folder(args.out)
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
    """Run torch, OpenMP and BLAS on one thread, then restore them.

    On tables this small one thread is faster than two, and it does not collapse
    when another process shares the cores (two shared cores, two threads: 155 s
    for the demo; one thread: 15 s).
    """
    with torch_threads(1), threadpool_limits(limits=1):
        yield


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
    if not _has_matplotlib():
        return
    networks = [row for row in rows if row["kind"] != "baseline"]
    curves = plot_loss_curves(
        [row["pipeline"] for row in networks],
        titles=[f"{row['model']} on {row['dataset']}" for row in networks],
    )
    _save(curves, out / "loss_curves.png", "Loss curves")
    try:
        comparison = _model_comparison(rows)
    except ImportError:
        print(f'The model comparison plot needs pandas: pip install "{PROG}[pandas]"')
    else:
        _save(comparison, out / "model_comparison.png", "Model comparison")
    _save(_spike_raster(rows), out / "spikes.png", "Spike raster")


def _has_matplotlib():
    """Whether matplotlib is installed; without it, say how to get the plots."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        print(f'Plots need matplotlib and pandas: pip install "{PROG}[plot,pandas]"')
        return False
    return True


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


def fit(args):
    pd = import_pandas()
    if args.format == "skops":
        # Before any training, not after it: the models are saved in this format.
        import_optional("skops.io", "skops", "The skops format")
    with _quiet_warnings():
        X, y, task, columns = _training_table(args)
    params = {"random_state": args.seed}
    if args.hidden is not None:
        params["hidden_layer_sizes"] = args.hidden
    if args.max_iter is not None:
        params["max_iter"] = args.max_iter
    kinds = list(ESTIMATORS) if args.model == "all" else [args.model]
    models = {kind: make_model_pipeline(ESTIMATORS[kind][task](**params), X) for kind in kinds}
    scored = list(models.values())
    if args.baselines:
        scored.append(make_model_pipeline(BASELINES[task](random_state=args.seed), X))
    folds = _folds(task, args.cv, args.seed)
    scoring = _scoring(task, y)
    _output_folder(args.out)

    _progress(f"{task.capitalize()} of {args.target!r} from {X.shape[1]} column(s), {len(y)} rows.")
    n_steps = len(scored) + len(models)
    with _one_thread(), _quiet_warnings():
        tables = [
            _timed(
                f"[{step}/{n_steps}] cross-validating {_name(model)} on {args.cv} folds",
                compare_models,
                {_name(model): model},
                X,
                y,
                cv=folds,
                scoring=scoring,
            )
            for step, model in enumerate(scored, start=1)
        ]
        for step, model in enumerate(models.values(), start=len(scored) + 1):
            _timed(
                f"[{step}/{n_steps}] fitting {_name(model)} on all {len(y)} rows", model.fit, X, y
            )
    results = pd.concat(tables)
    _print_comparison(results, args.cv)
    table = args.out / "comparison.csv"
    results.to_csv(table)
    print(f"\nComparison written to {table}")
    saved = _save_models(models, args, task, columns)
    for path in saved:
        print(f"Model written to {path}")
    for plot in _save_fit_plots(results, models, args.out, CHART_SCORES[task]):
        print(f"Plot written to {plot}")
    print(f"Predict with: {PROG} predict {saved[0]} DATA.csv")
    return 0


def _name(model):
    return type(model[-1]).__name__


def _timed(doing, work, *args, **kwargs):
    """Return ``work(*args, **kwargs)``, saying what it does and how long it took."""
    _progress(f"{doing}...", end="")
    start = time.perf_counter()
    result = work(*args, **kwargs)
    _progress(f" {time.perf_counter() - start:.1f} s")
    return result


def _training_table(args):
    """``fit``'s table: its features, checked target, task and how each column is read."""
    frame = read_csv(args.data)
    frame = frame.drop(columns=_dropped_columns(args, frame.columns))
    X, y, n_dropped = split_target(frame, args.target, args.data)
    columns = decide_columns(X, args.data)
    for note in notes(columns):
        _progress(note)
    if all(column["kind"] == IDENTIFIER for column in columns.values()):
        raise ValueError(f"{args.data} has no feature columns left to learn {args.target!r} from")
    X = prepare(X, columns, args.data)
    check_finite(X, args.data)
    check_finite(y.to_frame(), args.data)
    task = infer_task(y) if args.task == "auto" else args.task
    y = check_target(y, task, args.cv)
    if n_dropped:
        _progress(f"Dropped {n_dropped} row(s) without a value of {args.target!r}.")
    return X, y, task, columns


def _dropped_columns(args, names):
    """The columns named by ``--drop``, each option a name or names separated by commas."""
    dropped = []
    for option in args.drop:
        # A name with a comma in it is a name, not a list.
        dropped += [option] if option in names else [name.strip() for name in option.split(",")]
    for name in dropped:
        if name == args.target:
            raise ValueError(f"--drop names the --target column {name!r}; it cannot be both")
        if name not in names:
            raise no_column(args.data, name, names, "to --drop")
    return list(dict.fromkeys(dropped))


def _save_models(models, args, task, columns):
    """Save each fitted model into ``args.out``; return the paths written."""
    paths = []
    for kind, model in models.items():
        # Plain attributes, which every persistence format keeps: predict reads them.
        model.target_name_ = args.target
        model.task_ = task
        model.table_columns_ = columns
        with _quiet_warnings():
            path = args.out / f"{kind}{MODEL_SUFFIXES[args.format]}"
            paths.append(persistence.dump(model, path, format=args.format))
    return paths


def _folds(task, n_folds, seed):
    """``n_folds`` shuffled folds; seeded, so every model gets the same ones."""
    folds = StratifiedKFold if task == "classification" else KFold
    return folds(n_folds, shuffle=True, random_state=seed)


def _scoring(task, y):
    if task == "classification":
        return classification_scorers()
    scoring = regression_scorers()
    if (y == 0).any():
        del scoring["neg_root_mean_squared_relative_error"]
        _progress("The target has zeros: the relative error (RMSRE) is left out.")
    return scoring


@contextlib.contextmanager
def _quiet_warnings():
    """Show warnings as one line each, and none for stopping at ``max_iter``."""

    def show(message, category, filename, lineno, file=None, line=None):
        print(f"{PROG}: warning: {one_line(message)}", file=sys.stderr, flush=True)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.showwarning = show
        yield


def _print_comparison(results, n_folds):
    names = [name.removesuffix("_mean") for name in results.columns if name.endswith("_mean")]
    width = max(max(map(len, results.index)), 18) + 2
    print(f"\nMean ± standard deviation over {n_folds} cross-validation folds.\n")
    header = f"{'score':<38}" + "".join(f"{model:>{width}}" for model in results.index)
    print(header)
    print("-" * len(header))
    for name in names:
        label = f"{name} (s)" if name.endswith("_time") else name
        cells = (
            f"{row[name + '_mean']:.4g} ± {row[name + '_std']:.2g}" for _, row in results.iterrows()
        )
        print(f"{label:<38}" + "".join(f"{cell:>{width}}" for cell in cells))


def _save_fit_plots(results, models, out, score):
    """Save the plots of a ``fit`` run into ``out``; return the paths written.

    Parameters
    ----------
    results : pandas.DataFrame
        The cross-validation table, as :func:`~snn_sklearn.compare_models` returns it.
    models : dict of str to Pipeline
        The models fitted on the whole table, by ``--model`` name.
    out : pathlib.Path
        The output folder.
    score : str
        The score the comparison chart shows, by its name in ``results``.

    Returns
    -------
    paths : list of pathlib.Path
        ``loss_curves.png`` and ``model_comparison.png``; none without matplotlib,
        after a hint naming the extra.
    """
    if not _has_matplotlib():
        return []
    from matplotlib.figure import Figure

    curves = plot_loss_curves(
        list(models.values()),
        titles=[f"{_name(model)} ({kind})" for kind, model in models.items()],
        n_cols=len(models),
    )
    comparison = Figure(figsize=(6, 4.5), layout="constrained")
    plot_model_comparison(results, scoring=score, ax=comparison.subplots())
    paths = [out / "loss_curves.png", out / "model_comparison.png"]
    for figure, path in zip((curves, comparison), paths, strict=True):
        figure.savefig(path, dpi=100)
    return paths


def predict(args):
    # Before loading the model: without pandas nothing can be read.
    import_pandas()
    model = _load_model(args)
    if args.proba and not hasattr(model, "predict_proba"):
        raise ValueError(f"--proba needs a classifier, but {args.model} predicts a quantity")
    with _quiet_warnings():
        frame = read_csv(args.data)
        if args.id is not None and args.id not in frame.columns:
            raise no_column(args.data, args.id, frame.columns, "to copy as --id")
        X = _prediction_table(model, frame, args.data)
    # The --id column as it reads in the file ("007" stays "007"), even if named "prediction".
    predictions = frame[[] if args.id is None else [args.id]].copy()
    with _one_thread(), _quiet_warnings():
        predicted = np.asarray(model.predict(X))
        columns = (
            {"prediction": predicted}
            if predicted.ndim == 1
            else {f"prediction_{k}": predicted[:, k] for k in range(predicted.shape[1])}
        )
        for name, values in columns.items():
            predictions.insert(predictions.shape[1], name, values, allow_duplicates=True)
        if args.proba:
            proba = model.predict_proba(X)
            for column, cls in enumerate(model.classes_):
                predictions[f"proba_{cls}"] = proba[:, column]
    if args.out is None:
        predictions.to_csv(sys.stdout, index=False)
    else:
        predictions.to_csv(args.out, index=False)
        print(f"{len(predictions)} predictions written to {args.out}")
    return 0


def _load_model(args):
    if not args.model.is_file():
        raise ValueError(f"the model file {args.model} does not exist")
    try:
        return persistence.load(args.model, allow_pickle=args.allow_pickle)
    except ValueError as error:
        # persistence speaks to Python callers; say its remedy as an option.
        raise ValueError(str(error).replace("allow_pickle=True", "--allow-pickle")) from error


def _prediction_table(model, frame, path):
    """The features of ``frame``, read from ``path``, as ``model`` was fitted on them.

    Only the columns the model reads, read as they were in fit: the target and
    any other column are ignored.
    """
    columns = table_columns(model, frame)
    needed = [name for name, column in columns.items() if column["kind"] != IDENTIFIER]
    missing = [name for name in needed if name not in frame.columns]
    if missing:
        raise ValueError(f"{path} lacks column(s) the model was fitted on: {', '.join(missing)}")
    X = prepare(frame, {name: columns[name] for name in needed}, path)
    check_finite(X, path)
    return X
