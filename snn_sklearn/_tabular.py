"""Tables from CSV files, for the command line's ``fit`` and ``predict``.

Reading a CSV file with clear errors, deciding what each column holds
(numbers, dates, categories or row identifiers), telling classification from
regression, checking the target, and the preprocessing that turns the table
into the numbers a network takes.

``fit`` decides how to read each column with :func:`decide_columns`; the
decisions are saved with the model (see :func:`table_columns`), and
:func:`prepare` applies them, the same way, to the training table and to every
table given to ``predict``.
"""

import difflib
import re
import warnings

import numpy as np

from ._cli_common import MAX_AUTO_CLASSES
from ._optional import import_optional

# scikit-learn is imported in the functions that use it.

PREPROCESS = "preprocess"
CATEGORICAL = "categorical"
# How a column is read; what decide_columns stores for each column.
NUMERIC, DATE, CATEGORY, IDENTIFIER = "numeric", "date", "category", "identifier"
# A column is read as numbers (or dates) when at least this share of its
# non-empty cells are: a few typing errors ("13,5", "?") are read as missing
# rather than turning a measurement into categories.
MIN_SHARE = 0.95
# A column with at least this share of numbers, but fewer than MIN_SHARE, is
# read as categories with a warning: its other cells may be worth fixing.
MIXED_SHARE = 0.5
# Below this many rows a column is too short to judge: distinct values in
# every row are likely by chance, and a few bad cells are many in proportion.
MIN_ROWS = 20
# Words in a column's name that make a column of distinct integers an identifier.
IDENTIFIER_WORDS = {"id", "key", "index", "uuid", "guid"}
# The formats a date column may have. The one that reads the most cells of a
# column wins, the first of those that tie: 03/04/2021 is March 4, unless a
# day above 12 comes first in some cell.
DATE_FORMATS = (
    "ISO8601",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d.%m.%Y",
    "%Y/%m/%d",
)
DATE_PARTS = ("year", "month", "day", "day_of_week")
# How many bad cells a message quotes.
N_EXAMPLES = 3


def import_pandas():
    """Return the pandas module, or raise an ImportError naming the extra."""
    return import_optional("pandas", "pandas", "reading CSV files")


def read_csv(path):
    """Read a comma-separated file with a header line into a DataFrame of text.

    Every cell is read as text, so that what a column holds is decided once
    (:func:`decide_columns`) and applied the same way to every file
    (:func:`prepare`): a category ``"01"`` stays ``"01"``. Empty and blank
    cells, and pandas' missing-value markers (``NA``, ``n/a``, ``null``...),
    are missing.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    frame : pandas.DataFrame
        At least one row and one column, of text or missing values.

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
        frame = pd.read_csv(path, dtype=str)
    except pd.errors.EmptyDataError as error:
        raise ValueError(f"{path} is empty: expected a header line and rows of data") from error
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is not a CSV text file (it is not UTF-8 text)") from error
    except pd.errors.ParserError as error:
        raise ValueError(f"{path} is not a valid CSV file: {error}") from error
    if frame.empty:
        raise ValueError(f"{path} has a header line but no rows of data")
    return frame.replace(r"^\s*$", np.nan, regex=True)


def no_column(path, name, columns, use):
    """The error for a ``name`` that is not among ``columns``, suggesting close names.

    ``use`` says what the column was for, e.g. ``"to use as --target"``.
    """
    names = [str(column) for column in columns]
    if len(names) == 1:
        hint = f"its one column is {names[0]!r}: is the file comma-separated?"
    else:
        close = difflib.get_close_matches(str(name), names, n=3, cutoff=0.5)
        close += [n for n in names if n.lower() == str(name).lower() and n not in close]
        hint = (
            "did you mean " + " or ".join(map(repr, close)) + "?"
            if close
            else f"it has {len(names)} columns, from {names[0]!r} to {names[-1]!r}"
        )
    return ValueError(f"{path} has no column {name!r} {use}; {hint}")


def split_target(frame, target, path):
    """Separate the feature columns from the target column.

    Rows without a target value are dropped. The target is read as numbers
    when at least :data:`MIN_SHARE` of its values are numbers (from
    :data:`MIN_ROWS` values on; all of them below), as a feature column is: the
    rows of its other values are then dropped too, with a warning naming them.
    Otherwise it is read as text.

    Returns
    -------
    X : pandas.DataFrame
    y : pandas.Series
    n_dropped : int
        The number of rows dropped for a missing target.
    """
    pd = import_pandas()
    if target not in frame.columns:
        raise no_column(path, target, frame.columns, "to use as --target")
    if frame.shape[1] == 1:
        raise ValueError(f"{path} has no feature columns besides the target {target!r}")
    known = frame[target].notna()
    if not known.any():
        raise ValueError(f"the target column {target!r} of {path} has no values")
    y = frame.loc[known, target]
    numbers = pd.to_numeric(y, errors="coerce")
    read = numbers.notna()
    if read.all() or (len(y) >= MIN_ROWS and read.mean() >= MIN_SHARE):
        if not read.all():
            bad = y[~read]
            examples = ", ".join(plain(value) for value in bad.unique()[:N_EXAMPLES])
            warnings.warn(
                f"the target column {target!r} of {path} holds numbers, but {len(bad)} of its "
                f"{len(y)} non-empty cell(s) do not: {examples}; their rows are dropped",
                UserWarning,
                stacklevel=2,
            )
            known[known] = read.to_numpy()
        y = numbers[read]
    return frame.loc[known].drop(columns=target), y, int((~known).sum())


def decide_columns(X, path):
    """Decide how to read each column of ``X``, a table read by :func:`read_csv`.

    In this order, a column is

    - ``numeric`` when at least :data:`MIN_SHARE` of its non-empty cells are
      numbers (the others are read as missing, with a warning, by :func:`prepare`);
    - an ``identifier``, left out with a warning, when it has at least
      :data:`MIN_ROWS` rows, a value in each and a different one in every row,
      and is integers that number the rows (from 0 or 1) or are named so
      (``id``, ``customer_id``...), or text: a value seen once tells nothing about
      another row;
    - a ``category``, with a warning, when at least :data:`MIXED_SHARE` but
      fewer than :data:`MIN_SHARE` of its non-empty cells are numbers: too many
      to be typing errors, they may be something to fix;
    - a ``date`` when at least :data:`MIN_SHARE` of its non-empty cells are
      dates in one of :data:`DATE_FORMATS`; it becomes its year, month, day and
      day of the week, and its hour, minute and second when some cells have them;
    - an ``identifier`` as above if it is text with a different value in each row;
    - a ``category`` otherwise.

    Returns
    -------
    columns : dict of str to dict
        For each column, in order, ``{"kind": kind}``, with ``"format"`` and
        ``"parts"`` for a date. Plain values, which every model format saves.
    """
    columns = {}
    for name in X.columns:
        columns[name] = _decide_column(X[name], path)
        if columns[name]["kind"] == DATE:
            _check_part_names(name, columns[name]["parts"], X.columns, path)
        if columns[name]["kind"] == IDENTIFIER:
            warnings.warn(
                f"column {name!r} of {path} looks like an identifier (a different value in "
                f"each of its {len(X)} rows, such as {plain(X[name].iloc[0])}): it is left out "
                "of the features",
                UserWarning,
                stacklevel=2,
            )
    return columns


def _decide_column(column, path):
    pd = import_pandas()
    values = column.dropna()
    numbers = pd.to_numeric(values, errors="coerce")
    share = _share(numbers, values)
    if share >= MIN_SHARE:
        return {
            "kind": IDENTIFIER if _is_identifier(column.name, numbers, len(column)) else NUMERIC
        }
    if share >= MIXED_SHARE:
        bad = values[numbers.isna()]
        examples = ", ".join(plain(value) for value in bad.unique()[:N_EXAMPLES])
        warnings.warn(
            f"column {column.name!r} of {path} holds numbers in {len(values) - len(bad)} of its "
            f"{len(values)} non-empty cells, fewer than the {MIN_SHARE:.0%} that make a numeric "
            f"column: it is read as categories; fix its {len(bad)} other cell(s) ({examples}) "
            "to have it read as numbers, or --drop it",
            UserWarning,
            stacklevel=3,
        )
        return {"kind": CATEGORY}
    if (date := _date_format(values)) is not None:
        return date
    if _distinct_per_row(values, len(column)):
        return {"kind": IDENTIFIER}
    return {"kind": CATEGORY}


def _check_part_names(name, parts, names, path):
    """Raise a ValueError if a part of the date column ``name`` is named as another column."""
    for part in parts:
        if (feature := f"{name}_{part}") in names:
            raise ValueError(
                f"column {name!r} of {path} holds dates, read as {name}_year, {name}_month..., "
                f"but the table already has a column {feature!r}; rename or --drop one of them"
            )


def notes(columns):
    """A line for each date column of ``columns``, saying which features it became."""
    for name, column in columns.items():
        if column["kind"] == DATE:
            parts = ", ".join(f"{name}_{part}" for part in column["parts"])
            format = _format_name(column["format"])
            yield f"Column {name!r} holds dates ({format}): read as the numbers {parts}."


def prepare(X, columns, path):
    """The table ``X`` read by :func:`read_csv`, its columns read as ``columns`` say.

    Numeric columns become numbers and date columns their parts, both with a
    cell that cannot be read as missing and a warning naming the column and the
    cells; categories stay text; identifiers are left out.

    Parameters
    ----------
    X : pandas.DataFrame
        The table, with every column of ``columns``.
    columns : dict of str to dict
        As :func:`decide_columns` returns it.
    path : pathlib.Path
        The file, for the messages.

    Returns
    -------
    X : pandas.DataFrame
        The features, in the order of ``columns``.

    Raises
    ------
    ValueError
        If fewer than :data:`MIN_SHARE` of a numeric or date column's non-empty
        cells can be read so, and there are at least :data:`MIN_ROWS` of them:
        the column holds something else (in ``fit``, that column would not
        have been read so).
    """
    pd = import_pandas()
    features = {}
    for name, column in columns.items():
        values = X[name]
        if column["kind"] == NUMERIC:
            features[name] = _read_cells(values, pd.to_numeric(values, errors="coerce"), path)
        elif column["kind"] == DATE:
            dates = _read_cells(values, _dates(values, column["format"]), path, column["format"])
            for part in column["parts"]:
                features[f"{name}_{part}"] = _date_part(dates, part)
        elif column["kind"] == CATEGORY:
            features[name] = values
    return pd.DataFrame(features, index=X.index)


def table_columns(model, X):
    """How ``model`` reads a table's columns: what ``fit`` saved with it, or a guess.

    A model saved by ``snn-sklearn fit`` carries its :func:`decide_columns` in
    ``table_columns_``. For another model, the columns it was fitted on
    (``feature_names_in_``, or else every column of ``X``) are read as numbers,
    but for those its :func:`make_model_pipeline` preprocessing one-hot encodes.
    """
    saved = getattr(model, "table_columns_", None)
    if saved is not None:
        return saved
    categorical = set(encoded_as_categories(model))
    features = getattr(model, "feature_names_in_", X.columns)
    return {name: {"kind": CATEGORY if name in categorical else NUMERIC} for name in list(features)}


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
        missing values) as integers, so that class labels print as ``1``, not
        ``1.0``, and of other numbers as text (``"2.5"``).

    Raises
    ------
    ValueError
        If the target has a single value, if a regression target is not numeric,
        if a class has fewer rows than folds or if there are fewer rows than folds.
    """
    name = y.name
    if y.nunique() < 2:
        raise ValueError(
            f"the target column {name!r} has the single value {plain(y.iloc[0])}: there is "
            "nothing to learn"
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
                f"as {plain((non_numbers(y) or y.tolist())[0])}; use --task classification for "
                "class labels"
            )
        return y.astype(np.float64)
    if _is_number(y) and _is_integral(y):
        y = y.astype(np.int64)
    counts = y.value_counts()
    if counts.iloc[-1] < n_folds:
        raise ValueError(
            f"class {plain(counts.index[-1])} of column {name!r} has {counts.iloc[-1]} row(s), "
            f"fewer than the {n_folds} cross-validation folds (each fold needs every class); "
            "lower --cv, drop that class's rows, or use --task regression for a quantity"
        )
    if _is_number(y) and y.dtype != np.int64:
        # scikit-learn takes fractional labels for a quantity: as text, 2.5 is a class.
        y = y.map(plain)
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


def plain(value):
    """``value`` as a message shows it: ``2.6`` or ``'big'``, never ``np.float64(2.6)``."""
    if isinstance(value, np.generic):
        value = value.item()
    return repr(value)


def _share(read, values):
    """The share of ``values``, the non-empty cells of a column, that ``read`` could read."""
    return read.notna().mean() if len(values) else 1.0


def _is_identifier(name, numbers, n_rows):
    """Whether a numeric column is an identifier: distinct integers, named so or row numbers.

    Row numbers run from 0 or 1 to the number of rows, in any order; other
    consecutive integers (years of a yearly table) are measurements.
    """
    if not _distinct_per_row(numbers, n_rows) or not _is_integral(numbers):
        return False
    words = re.split(r"[^a-z0-9]+", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name)).lower())
    start = numbers.min()
    row_numbers = start in (0, 1) and numbers.max() == start + n_rows - 1
    return bool(row_numbers or IDENTIFIER_WORDS & set(words) or str(name).startswith("Unnamed:"))


def _distinct_per_row(values, n_rows):
    return n_rows >= MIN_ROWS and len(values) == n_rows and values.is_unique


def _date_format(values):
    """The date column of ``values`` (non-empty text cells), or None if they are not dates."""
    if values.empty:
        return None
    shares = {format: _share(_dates(values, format), values) for format in DATE_FORMATS}
    format = max(shares, key=shares.get)
    if shares[format] < MIN_SHARE:
        return None
    dates = _dates(values, format).dropna()
    parts = list(DATE_PARTS)
    seconds = dates.dt.second != 0
    if ((dates.dt.hour != 0) | (dates.dt.minute != 0) | seconds).any():
        parts += ["hour", "minute"]
    if seconds.any():
        parts.append("second")
    return {"kind": DATE, "format": format, "parts": parts}


def _dates(values, format):
    pd = import_pandas()
    # In UTC: a column whose cells have different time zones still reads as one.
    return pd.to_datetime(values, format=format, errors="coerce", utc=True)


def _date_part(dates, part):
    return getattr(dates.dt, part).astype(np.float64)


def _format_name(format):
    return "ISO 8601" if format == "ISO8601" else format


def _read_cells(values, read, path, date_format=None):
    """``read``, the column ``values`` read, after checking the cells that could not be.

    Warns naming them, or raises if they are more than ``1 - MIN_SHARE`` of at
    least :data:`MIN_ROWS` non-empty cells.
    """
    bad = values[values.notna() & read.isna()]
    if bad.empty:
        return read
    n_cells = int(values.notna().sum())
    what = "numbers" if date_format is None else f"dates ({_format_name(date_format)})"
    examples = ", ".join(plain(value) for value in bad.unique()[:N_EXAMPLES])
    counted = f"{len(bad)} of its {n_cells} non-empty cell(s) do not"
    if n_cells >= MIN_ROWS and len(bad) > (1 - MIN_SHARE) * n_cells:
        raise ValueError(
            f"column {values.name!r} must hold {what}, as in fit, but holds "
            f"{plain(bad.iloc[0])} in {path}: {counted} (at most {1 - MIN_SHARE:.0%} may not, "
            "which are read as missing)"
        )
    warnings.warn(
        f"column {values.name!r} of {path} holds {what}, but {counted}: {examples}; "
        "they are read as missing",
        UserWarning,
        stacklevel=3,
    )
    return read


def _is_number(y):
    pd = import_pandas()
    return pd.api.types.is_numeric_dtype(y) and not pd.api.types.is_bool_dtype(y)


def _is_integral(y):
    values = y.to_numpy(dtype=np.float64)
    return bool(np.all(values == np.round(values)))
