"""How much an average of independent fits would gain over one fit, on real tables.

The direction "a cheap ensemble" of the issue "Real tables" is worth building
only if averaging several networks beats one of them by more than the noise.
This script measures that ceiling before any ensemble exists: on each table and
split of ``benchmarks/realworld.py`` (same tables, same 75/25 split by
``random_state=seed``, same user-style preprocessing), it fits ``--members``
default estimators that differ only in ``random_state`` (the first is ``seed``
itself, as in ``realworld.py``), and compares

- the mean test score of the single fits (R², or accuracy) with
- the score of their averaged predictions (the mean prediction for a
  regressor, the mean ``predict_proba`` for a classifier), over all members
  and over the first two.

It prints one row per (table, seed) and, per task, the mean gain of each
average over the single fits with its standard error, and on how many splits
it was positive. Scores only, so all fits run in this one process; a fit's
time does not enter. Fitting ``k`` members costs ``k`` fits.

Run ``python benchmarks/ensemble_gain.py --tables Boston,concrete --seeds 2``
(``--model nonspiking`` for the twin, ``--members`` for another count).
"""

import argparse
import statistics
import warnings

import numpy as np
from realworld import TABLES, TABLES_BY_NAME, load_table, make_preprocess
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import train_test_split

ESTIMATORS = {
    "spiking": ("SpikingClassifier", "SpikingRegressor"),
    "nonspiking": ("NonSpikingClassifier", "NonSpikingRegressor"),
}


def member_seed(seed, member):
    """``random_state`` of member ``member`` on the split of ``seed``: the first is ``seed``."""
    return seed if member == 0 else 1000 + 17 * seed + member


def member_predictions(table, seed, model, n_members):
    """Test targets and each member's test predictions (or probabilities)."""
    import snn_sklearn

    X, y = load_table(table)
    stratify = None if table.task == "regression" else y
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=stratify
    )
    preprocess = make_preprocess(X).fit(X_train)
    train, test = preprocess.transform(X_train), preprocess.transform(X_test)
    classifier, regressor = ESTIMATORS[model]
    name = regressor if table.task == "regression" else classifier
    predictions, classes = [], None
    for member in range(n_members):
        estimator = getattr(snn_sklearn, name)(random_state=member_seed(seed, member))
        estimator.fit(train, y_train)
        if table.task == "regression":
            predictions.append(estimator.predict(test))
        else:
            predictions.append(estimator.predict_proba(test))
            classes = estimator.classes_
    return y_test, predictions, classes


def score(task, y_true, prediction, classes):
    """R² of a prediction, or accuracy of the class of highest mean probability."""
    if task == "regression":
        return r2_score(y_true, prediction)
    return accuracy_score(y_true, classes[np.argmax(prediction, axis=1)])


def gains(table, seed, model, n_members):
    """Single-fit mean score and the gains of averaging two and all members."""
    y_true, predictions, classes = member_predictions(table, seed, model, n_members)
    singles = [score(table.task, y_true, p, classes) for p in predictions]
    pair = score(table.task, y_true, np.mean(predictions[:2], axis=0), classes)
    whole = score(table.task, y_true, np.mean(predictions, axis=0), classes)
    single = statistics.fmean(singles)
    return single, pair - statistics.fmean(singles[:2]), whole - single


def summary_line(label, values):
    mean = statistics.fmean(values)
    error = statistics.stdev(values) / len(values) ** 0.5 if len(values) > 1 else float("nan")
    positive = sum(v > 0 for v in values)
    return f"{label:<34} {mean:+.4f} +- {error:.4f}, positive on {positive}/{len(values)} splits"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", required=True, help="comma-separated realworld.py tables")
    parser.add_argument("--seeds", type=int, default=2, help="splits 0 .. N-1 (default 2)")
    parser.add_argument("--members", type=int, default=4, help="fits averaged (default 4)")
    parser.add_argument("--model", choices=sorted(ESTIMATORS), default="spiking")
    args = parser.parse_args(argv)
    if args.members < 2:
        parser.error("--members must be at least 2")
    names = args.tables.split(",")
    unknown = set(names) - set(TABLES_BY_NAME)
    if unknown:
        parser.error(f"unknown tables {sorted(unknown)}; choose from {list(TABLES_BY_NAME)}")
    tables = [t for t in TABLES if t.name in names]
    warnings.simplefilter("ignore")

    print(f"{args.model} defaults; members differ in random_state only; {args.members} members")
    print(f"{'table':<16} {'task':<11} seed  single fit  gain of 2  gain of {args.members}")
    by_task = {}
    for table in tables:
        for seed in range(args.seeds):
            single, pair, whole = gains(table, seed, args.model, args.members)
            print(
                f"{table.name:<16} {table.task:<11} {seed:>4}  "
                f"{single:10.4f}  {pair:+9.4f}  {whole:+9.4f}"
            )
            kind = "regression" if table.task == "regression" else "classification"
            by_task.setdefault(kind, []).append((pair, whole))
    for kind, rows in by_task.items():
        print(summary_line(f"{kind}, average of 2", [pair for pair, _ in rows]))
        print(summary_line(f"{kind}, average of {args.members}", [whole for _, whole in rows]))


if __name__ == "__main__":
    main()
