"""Tables from CSV files, for the command line's ``fit`` and ``predict``.

Reading a CSV file with clear errors, telling classification from regression,
checking the target, and the preprocessing that turns a table with numeric and
categorical columns and missing values into the numbers a network takes.
"""

import difflib

import numpy as np

from ._optional import import_optional

# scikit-learn is imported in the functions that use it: the command line's
# parser reads TASKS and MAX_AUTO_CLASSES before it may import anything heavy.

TASKS = ("classification", "regression")
# task="auto": an integer target with at most this many distinct values is a
# class label (a rating, a count of a few values), any other number a quantity.
MAX_AUTO_CLASSES = 10
PREPROCESS = "preprocess"
CATEGORICAL = "categorical"


def import_pandas():
    """Return the pandas module, or raise an ImportError naming the extra."""
    return import_optional("pandas", "pandas", "reading CSV files")


def read_csv(path, categorical=()):
    """Read a comma-separated file with a header line into a DataFrame.

    Parameters
    ----------
    path : pathlib.Path
        The file.
    categorical : sequence of str, default=()
        Columns to read as text whatever their values look like, so that a
        category reads the same in every file.

    Returns
    -------
    frame : pandas.DataFrame
        At least one row and one column.

    Raises
    ------
    ValueError
        If the file is missing, empty, not text or not valid CSV.
    """
    pd = import_pandas()
    if not path.is_file():
        reason = "is a folder, not a CSV file" if path.is_dir() else "does not exist"
        raise ValueError(f"{path} {reason}")
    try:
        frame = pd.read_csv(path, dtype=dict.fromkeys(categorical, str))
    except pd.errors.EmptyDataError as error:
        raise ValueError(f"{path} is empty: expected a header line and rows of data") from error
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not a CSV text file (it is not UTF-8 text)") from error
    except pd.errors.ParserError as error:
        raise ValueError(f"{path} is not a valid CSV file: {error}") from error
    if frame.empty:
        raise ValueError(f"{path} has a header line but no rows of data")
    return frame


def split_target(frame, target, path):
    """Separate the feature columns from the target column.

    Rows without a target value are dropped.

    Returns
    -------
    X : pandas.DataFrame
    y : pandas.Series
    n_dropped : int
        The number of rows dropped for a missing target.
    """
    if target not in frame.columns:
        names = [str(column) for column in frame.columns]
        if frame.shape[1] == 1:
            hint = f"its one column is {names[0]!r}: is the file comma-separated?"
        else:
            close = difflib.get_close_matches(str(target), names, n=3, cutoff=0.5)
            close += [n for n in names if n.lower() == str(target).lower() and n not in close]
            hint = (
                "did you mean " + " or ".join(map(repr, close)) + "?"
                if close
                else f"it has {len(names)} columns, from {names[0]!r} to {names[-1]!r}"
            )
        raise ValueError(f"{path} has no column {target!r} to use as --target; {hint}")
    if frame.shape[1] == 1:
        raise ValueError(f"{path} has no feature columns besides the target {target!r}")
    known = frame[target].notna()
    if not known.any():
        raise ValueError(f"the target column {target!r} of {path} has no values")
    return frame.loc[known].drop(columns=target), frame.loc[known, target], int((~known).sum())


def check_finite(X, path):
    """Raise a ValueError naming the first numeric column of ``X`` that holds an infinity.

    Infinities are not missing values: no imputer replaces them, and no network
    trains on them.
    """
    for column in X.columns:
        if _is_number(X[column]) and np.isinf(X[column]).any():
            raise ValueError(
                f"column {column!r} of {path} holds an infinite value; drop or fix that row, "
                "or leave the value empty to have it imputed"
            )


def categorical_columns(X):
    """Names of the columns that are not numbers (text, booleans), in order."""
    return [column for column in X.columns if not _is_number(X[column])]


def infer_task(y):
    """``"classification"`` or ``"regression"`` for the target ``y``.

    Classification when ``y`` is not numeric (text, booleans) or holds only
    integers, with at most :data:`MAX_AUTO_CLASSES` distinct values; regression
    otherwise.
    """
    if not _is_number(y):
        return "classification"
    if _is_integral(y) and y.nunique() <= MAX_AUTO_CLASSES:
        return "classification"
    return "regression"


def check_target(y, task, n_folds):
    """Check that ``y`` can be learnt as ``task`` with ``n_folds``-fold cross-validation.

    Returns
    -------
    y : pandas.Series
        The target; a classification target of integral floats (a column with
        missing values) as integers, so that class labels print as ``1``, not ``1.0``.

    Raises
    ------
    ValueError
        If the target has a single value, if a regression target is not numeric,
        if a class has fewer rows than folds or if there are fewer rows than folds.
    """
    name = y.name
    if y.nunique() < 2:
        value = y.tolist()[0]
        raise ValueError(
            f"the target column {name!r} has the single value {value!r}: there is nothing to learn"
        )
    if len(y) < n_folds:
        raise ValueError(
            f"{n_folds}-fold cross-validation needs at least {n_folds} rows with a target, "
            f"got {len(y)}; lower --cv"
        )
    if task == "regression":
        if not _is_number(y):
            raise ValueError(
                f"regression needs a numeric target, but column {name!r} holds values such "
                f"as {(non_numbers(y) or y.tolist())[0]!r}; use --task classification for class "
                "labels"
            )
        return y.astype(np.float64)
    if _is_number(y) and _is_integral(y):
        y = y.astype(np.int64)
    counts = y.value_counts()
    if counts.iloc[-1] < n_folds:
        raise ValueError(
            f"class {counts.index[-1]!r} of column {name!r} has {counts.iloc[-1]} row(s), "
            f"fewer than the {n_folds} cross-validation folds (each fold needs every class); "
            "lower --cv, drop that class's rows, or use --task regression for a quantity"
        )
    return y


def non_numbers(column):
    """The values of ``column`` that are neither numbers nor missing, as a list."""
    pd = import_pandas()
    values = column.dropna()
    return values[pd.to_numeric(values, errors="coerce").isna()].tolist()


def make_model_pipeline(estimator, X):
    """The estimator after the preprocessing of ``X``'s columns.

    Numeric columns: missing values replaced by the column's median, then
    standardised. Other columns: missing values made a category of their own
    (``"missing"``), then one-hot encoded; a category not seen in ``fit`` encodes
    as all zeros.

    Returns
    -------
    pipeline : sklearn.pipeline.Pipeline
        Steps ``"preprocess"`` (a ``ColumnTransformer``) and ``"model"``.
    """
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    categorical = categorical_columns(X)
    numeric = [column for column in X.columns if column not in categorical]
    preprocess = ColumnTransformer(
        [
            ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            (
                CATEGORICAL,
                make_pipeline(
                    SimpleImputer(strategy="constant", fill_value="missing"),
                    OneHotEncoder(sparse_output=False, handle_unknown="ignore"),
                ),
                categorical,
            ),
        ]
    )
    return Pipeline([(PREPROCESS, preprocess), ("model", estimator)])


def encoded_as_categories(model):
    """The columns that ``model``, made by :func:`make_model_pipeline`, one-hot encodes.

    Empty for any other model.
    """
    from sklearn.compose import ColumnTransformer

    steps = getattr(model, "named_steps", {})
    preprocess = steps.get(PREPROCESS)
    if not isinstance(preprocess, ColumnTransformer):
        return []
    return [
        column
        for name, _, columns in getattr(preprocess, "transformers_", [])
        if name == CATEGORICAL
        for column in columns
    ]


def _is_number(y):
    pd = import_pandas()
    return pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)


def _is_integral(y):
    values = y.to_numpy(dtype=np.float64)
    return bool(np.all(values == np.round(values)))
