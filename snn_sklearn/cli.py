"""The ``snn-sklearn`` command line.

``snn-sklearn demo`` trains the spiking and non-spiking estimators on the
bundled tables next to scikit-learn baselines, prints how they compare and
saves the table, the networks' loss curves, a chart of the scores and a spike
raster of the spiking classifier. ``snn-sklearn fit`` cross-validates the
networks on a CSV table and saves them fitted, with their loss curves and a
chart of the scores; ``snn-sklearn predict`` applies a saved model to another
CSV table::

    snn-sklearn demo --out results --seed 1
    snn-sklearn fit houses.csv --target price --out models
    snn-sklearn predict models/spiking.skops new_houses.csv --out predictions.csv
    python -m snn_sklearn.cli demo

This module only parses the arguments: ``--help``, ``--version`` and bad
arguments answer at once, without importing torch or scikit-learn. What the
commands do is in :mod:`snn_sklearn._commands`, imported once a command is
parsed, which calls only the package's public API; reading CSV tables is in
:mod:`snn_sklearn._tabular`, and what the three share in
:mod:`snn_sklearn._cli_common`.
"""

import argparse
import contextlib
import os
import sys
from pathlib import Path

# Only what parsing needs: the commands' modules, and torch and scikit-learn with
# them, are imported once the arguments are parsed (see main).
from ._cli_common import MAX_AUTO_CLASSES, MODEL_SUFFIXES, PROG, TASKS, one_line
from ._version import __version__

DEFAULT_OUT = "snn_sklearn_demo"
DEFAULT_MODELS_OUT = "snn_sklearn_models"
NETWORKS = ("spiking", "nonspiking")
# The estimators' defaults, for fit's help; tests/test_cli.py checks that they agree.
DEFAULT_HIDDEN_LAYER_SIZES = {"spiking": (128,), "nonspiking": (128, 128)}
DEFAULT_MAX_ITER = 200


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
        standard error), 130 when interrupted, 141 when the reader of standard
        output went away (``snn-sklearn predict ... | head``), silently. Bad
        arguments exit with status 2 through argparse.
    """
    args = _parser().parse_args(argv)
    try:
        # Inside the try: a dependency failing to import is also a one-line error.
        from . import _commands

        return getattr(_commands, args.command)(args)
    except BrokenPipeError:
        # As a shell tool killed by SIGPIPE; later output (Python's flush at
        # exit) goes nowhere instead of failing again.
        with contextlib.suppress(AttributeError, OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    # The command line's contract: any failure is one line and status 2, never a traceback.
    except Exception as error:
        print(f"{PROG}: error: {one_line(error)}", file=sys.stderr)
        return 2


def _parser():
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Spiking neural networks for tabular data, as scikit-learn estimators.",
        epilog=(
            f"Run '{PROG} demo' for a first comparison on the bundled data, and\n"
            f"'{PROG} COMMAND --help' for a command's options.\n\n"
            "examples:\n"
            f"  {PROG} demo\n"
            f"  {PROG} fit houses.csv --target price --out models\n"
            f"  {PROG} predict models/spiking.skops new_houses.csv --out predictions.csv"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        epilog=f"Example: {PROG} demo --out results --seed 1",
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
    demo.set_defaults(command="demo")
    _add_fit_parser(commands)
    _add_predict_parser(commands)
    return parser


def _add_fit_parser(commands):
    default_hidden = ", ".join(
        f"{','.join(map(str, sizes))} for the {network} network"
        for network, sizes in DEFAULT_HIDDEN_LAYER_SIZES.items()
    )
    fit = commands.add_parser(
        "fit",
        help="cross-validate the networks on a CSV table, then fit and save them",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=f"""\
Cross-validate the spiking and non-spiking networks on a CSV table, print how
they compare, then fit them on the whole table and save them.

DATA.csv needs a header line. The --target column is predicted from all the
other columns but those named by --drop. Each column is read as:
  numbers  when at least 95% of its non-empty cells are numbers; the others
           ('13,5', '?') are read as missing, with a warning naming them;
  dates    when at least 95% of its non-empty cells are dates of one format
           (2021-03-04, 2021-03-04 10:00, 03/04/2021 as month/day...): its
           year, month, day and day of the week, and hour, minute and second
           when the cells have them, become numeric columns;
  an identifier, left out with a warning, when it has 20 rows or more and a
           different value in every row, and is text, or integers that number
           the rows or under a name such as 'id' or 'customer_id';
  categories otherwise (text, booleans).
Numeric columns have their missing values replaced by the column's median,
then are standardised; categories are one-hot encoded, a missing value
counting as a category of its own. Rows without a target value are dropped.
The saved models read the columns of the tables given to '{PROG} predict'
the same way.

Every model is scored on the same shuffled k folds (stratified by class for
classification) with the scorers of snn_sklearn.metrics: accuracy, balanced
accuracy, weighted F1, one-vs-rest ROC AUC and log loss for classification;
Pearson r, R2, (root) mean squared error, root mean squared relative error,
mean absolute error and mean absolute percentage error for regression (errors
negated: greater is better); with --baselines, scikit-learn's histogram
gradient boosting too, for reference. The table is written to
DIR/comparison.csv, and each network, with its preprocessing, how it reads
each column, the target's name and the task, to
DIR/spiking{MODEL_SUFFIXES["skops"]} and DIR/nonspiking{MODEL_SUFFIXES["skops"]} \
(or {MODEL_SUFFIXES["pickle"]} with --format pickle),
for '{PROG} predict'.""",
        epilog=f"""\
examples:
  {PROG} fit houses.csv --target price
  {PROG} fit iris.csv --target species --model spiking --cv 10 --out models
  {PROG} fit survey.csv --target rating --task regression --max-iter 50
  {PROG} fit customers.csv --target churned --drop name,email --baselines""",
    )
    fit.add_argument("data", type=Path, metavar="DATA.csv", help="the table, with a header line")
    fit.add_argument(
        "--target", required=True, metavar="COLUMN", help="the name of the column to predict"
    )
    fit.add_argument(
        "--drop",
        action="append",
        default=[],
        metavar="COLUMN",
        help="a column not to learn from; repeat the option or separate names with commas "
        "to leave out several",
    )
    fit.add_argument(
        "--task",
        choices=("auto", *TASKS),
        default="auto",
        help="predict class labels or a quantity; auto: classification when the target is "
        f"not numeric or holds only integers with at most {MAX_AUTO_CLASSES} distinct values, "
        "regression otherwise (default: auto)",
    )
    fit.add_argument(
        "--model",
        choices=(*NETWORKS, "all"),
        default="all",
        help="the networks to train: spiking (SpikingClassifier or SpikingRegressor), "
        "nonspiking (their non-spiking twins) or all, both (default: all)",
    )
    fit.add_argument(
        "--cv",
        type=_at_least(2),
        default=5,
        metavar="K",
        help="number of cross-validation folds, an integer >= 2 (default: 5)",
    )
    fit.add_argument(
        "--out",
        type=Path,
        default=Path(DEFAULT_MODELS_OUT),
        metavar="DIR",
        help=f"folder for the models and comparison.csv (default: ./{DEFAULT_MODELS_OUT})",
    )
    fit.add_argument(
        "--seed",
        type=_seed,
        default=0,
        metavar="N",
        help="seed of the folds and of every model, an integer >= 0 (default: 0)",
    )
    fit.add_argument(
        "--format",
        choices=tuple(MODEL_SUFFIXES),
        default="skops",
        help="how to save the models: skops, which loads without running code from the "
        "file (needs the skops package), or pickle (joblib), which should only be loaded "
        "from a trusted source (default: skops)",
    )
    fit.add_argument(
        "--hidden",
        type=_layer_sizes,
        metavar="SIZES",
        help="neurons per hidden layer, comma-separated, e.g. 64 or 64,32 "
        f"(default: {default_hidden})",
    )
    fit.add_argument(
        "--max-iter",
        type=_at_least(1),
        metavar="N",
        help="the most training epochs of each fit; fewer trains faster but less well "
        f"(default: {DEFAULT_MAX_ITER})",
    )
    fit.add_argument(
        "--baselines",
        action="store_true",
        help="also score scikit-learn's HistGradientBoostingClassifier (or Regressor) "
        "on the same folds, for reference; it is not saved",
    )
    fit.set_defaults(command="fit")


def _add_predict_parser(commands):
    predict = commands.add_parser(
        "predict",
        help="predict with a saved model for every row of a CSV table",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description=f"""\
Predict with a model saved by '{PROG} fit' (or by
snn_sklearn.persistence.dump) for every row of a CSV table.

DATA.csv needs a header line and the columns the model was fitted on; other
columns are ignored, the target column among them if present. Missing values
and categories not seen in fit are handled by the model's preprocessing. The
output is a CSV table with one row per row of DATA.csv, in the same order: the
--id column first if given, a column 'prediction' ('prediction_0',
'prediction_1', ... for a model of several outputs or labels) and, with
--proba, a column 'proba_<class>' per class (per label). The columns are read
as they were in fit: a numeric column's cells that are not numbers, or a date
column's that are not dates, are read as missing with a warning; more than 5%
of 20 or more non-empty cells are an error (the column holds something else).""",
        epilog=f"""\
examples:
  {PROG} predict models/spiking.skops new_houses.csv --out predictions.csv
  {PROG} predict models/nonspiking.skops iris.csv --proba
  {PROG} predict models/spiking.skops customers.csv --id customer_id
  {PROG} predict models/spiking.joblib new_houses.csv --allow-pickle""",
    )
    predict.add_argument("model", type=Path, metavar="MODEL", help="the saved model file")
    predict.add_argument(
        "data", type=Path, metavar="DATA.csv", help="the table, with a header line"
    )
    predict.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="the CSV file to write (default: standard output)",
    )
    predict.add_argument(
        "--id",
        metavar="COLUMN",
        help="a column of DATA.csv to copy into the output as its first column, "
        "to tell which row each prediction is for",
    )
    predict.add_argument(
        "--proba",
        action="store_true",
        help="add each class's probability (classifiers only)",
    )
    predict.add_argument(
        "--allow-pickle",
        action="store_true",
        help="load a model saved with --format pickle; loading a pickle can run any code, "
        "so only for files from a trusted source",
    )
    predict.set_defaults(command="predict")


def _seed(text):
    try:
        seed = int(text)
    except ValueError:
        seed = -1
    if not 0 <= seed < 2**32:
        raise argparse.ArgumentTypeError(f"must be an integer in [0, 2**32), got {text!r}")
    return seed


def _at_least(minimum):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be an integer >= {minimum}, got {text!r}")
        return value

    return parse


def _layer_sizes(text):
    try:
        sizes = tuple(int(size) for size in text.split(","))
    except ValueError:
        sizes = ()
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(
            f"must be positive integers separated by commas, e.g. 64,32, got {text!r}"
        )
    return sizes


if __name__ == "__main__":
    sys.exit(main())
