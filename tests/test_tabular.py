"""How the command line reads a CSV table: what each column holds, decided once, applied alike."""

import warnings
from pathlib import Path

import numpy as np
import pytest

from snn_sklearn._tabular import (
    MIN_ROWS,
    check_target,
    decide_columns,
    plain,
    prepare,
    read_csv,
)

pd = pytest.importorskip("pandas")

PATH = Path("table.csv")
N = 40


def _text(**columns):
    """A table as read_csv reads one: every cell text, or missing."""
    return pd.DataFrame(
        {
            name: pd.Series(values, dtype=object).map(lambda v: None if pd.isna(v) else str(v))
            for name, values in columns.items()
        }
    )


def _decide(X):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        columns = decide_columns(X, PATH)
    return columns, [str(warning.message) for warning in caught]


def _prepare(X, columns):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        prepared = prepare(X, columns, PATH)
    return prepared, [str(warning.message) for warning in caught]


def _kinds(columns):
    return {name: column["kind"] for name, column in columns.items()}


def _measurements(n=N, seed=0):
    return np.random.default_rng(seed).normal(50, 10, n).round(2)


def test_read_csv_reads_every_cell_as_text_and_blank_cells_as_missing(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("code,size\n01,1.5\n  ,2\n")
    frame = read_csv(path)
    assert frame["code"].tolist()[0] == "01"
    assert frame["code"].isna().tolist() == [False, True]
    assert frame["size"].tolist() == ["1.5", "2"]


def test_a_column_of_numbers_is_numeric():
    columns, messages = _decide(_text(size=_measurements()))
    assert _kinds(columns) == {"size": "numeric"}
    assert messages == []


def test_a_text_column_with_a_different_value_in_each_row_is_left_out_with_a_warning():
    columns, messages = _decide(_text(name=[f"person {i}" for i in range(N)], size=_measurements()))
    assert _kinds(columns) == {"name": "identifier", "size": "numeric"}
    assert len(messages) == 1 and "column 'name'" in messages[0] and "left out" in messages[0]
    assert list(_prepare(_text(name=["x"], size=["1"]), columns)[0].columns) == ["size"]


@pytest.mark.parametrize("name", ["id", "customer_id", "CustomerID", "userId", "order key"])
def test_distinct_integers_named_as_an_identifier_are_left_out(name):
    values = np.random.default_rng(0).permutation(np.arange(1000, 1000 + 7 * N, 7))
    columns, messages = _decide(_text(**{name: values}))
    assert _kinds(columns) == {name: "identifier"}
    assert f"column {name!r}" in messages[0]


@pytest.mark.parametrize("start", [0, 1])
def test_row_numbers_are_left_out(start):
    rows = np.random.default_rng(0).permutation(N) + start
    columns, _ = _decide(_text(row=rows, size=_measurements()))
    assert _kinds(columns)["row"] == "identifier"


def test_the_years_of_a_yearly_table_stay_numeric():
    columns, messages = _decide(_text(year=np.arange(1990, 1990 + N)))
    assert _kinds(columns) == {"year": "numeric"} and messages == []


def test_distinct_integer_measurements_stay_numeric():
    area = np.random.default_rng(0).choice(np.arange(500, 5000), N, replace=False)
    columns, messages = _decide(_text(area=area, grid=np.arange(N) * 2))
    assert _kinds(columns) == {"area": "numeric", "grid": "numeric"}
    assert messages == []


def test_distinct_float_measurements_stay_numeric():
    columns, _ = _decide(_text(size=np.random.default_rng(0).normal(size=N)))
    assert _kinds(columns) == {"size": "numeric"}


def test_a_table_shorter_than_min_rows_has_no_identifiers():
    columns, messages = _decide(_text(name=[f"p{i}" for i in range(MIN_ROWS - 1)]))
    assert _kinds(columns) == {"name": "category"}
    assert messages == []


def test_a_text_column_with_a_missing_value_is_no_identifier():
    names = [f"person {i}" for i in range(N)]
    names[3] = None
    columns, _ = _decide(_text(name=names))
    assert _kinds(columns) == {"name": "category"}


def test_iso_dates_become_year_month_day_and_day_of_week():
    X = _text(signup=["2021-03-04", "2022-12-31", None])
    columns, messages = _decide(X)
    assert columns["signup"]["parts"] == ["year", "month", "day", "day_of_week"]
    prepared, _ = _prepare(X, columns)
    assert prepared.columns.tolist() == [
        "signup_year",
        "signup_month",
        "signup_day",
        "signup_day_of_week",
    ]
    np.testing.assert_array_equal(prepared.iloc[0], [2021, 3, 4, 3])
    assert prepared.iloc[2].isna().all()
    assert messages == []


def test_dates_with_times_also_become_hours_and_minutes():
    X = _text(seen=["2021-03-04 10:30", "2021-03-05 00:00", "2021-03-06"])
    columns, _ = _decide(X)
    assert columns["seen"]["parts"][-2:] == ["hour", "minute"]
    prepared, _ = _prepare(X, columns)
    np.testing.assert_array_equal(prepared[["seen_hour", "seen_minute"]].iloc[0], [10, 30])


def test_seconds_are_a_part_only_when_some_cells_have_them():
    columns, _ = _decide(_text(seen=["2021-03-04T10:30:15", "2021-03-05T00:00:00"]))
    assert columns["seen"]["parts"][-3:] == ["hour", "minute", "second"]


def test_slashed_dates_read_month_first_unless_a_day_comes_first():
    us, _ = _decide(_text(day=["03/04/2021", "12/01/2020"]))
    european, _ = _decide(_text(day=["03/04/2021", "13/01/2020"]))
    assert us["day"]["format"] == "%m/%d/%Y"
    assert european["day"]["format"] == "%d/%m/%Y"
    assert _prepare(_text(day=["03/04/2021"]), european)[0]["day_month"].item() == 4


def test_a_date_part_named_as_another_column_is_an_error():
    X = _text(signup=["2021-03-04", "2022-12-31"], signup_month=["1", "2"])
    with pytest.raises(ValueError, match="already has a column 'signup_month'; rename or --drop"):
        decide_columns(X, PATH)


def test_a_date_column_says_what_it_became_in_a_note():
    from snn_sklearn._tabular import notes

    columns, _ = _decide(_text(signup=["2021-03-04", "2022-12-31"]))
    assert list(notes(columns)) == [
        "Column 'signup' holds dates (ISO 8601): read as the numbers signup_year, "
        "signup_month, signup_day, signup_day_of_week."
    ]


def _mostly_numbers(bad, n=N):
    values = _measurements(n).astype(str).astype(object)
    values[: len(bad)] = bad
    return values


def test_a_numeric_column_with_a_few_bad_cells_is_numeric_with_them_missing():
    X = _text(size=_mostly_numbers(["13,5", "?"]))
    columns, decided = _decide(X)
    assert _kinds(columns) == {"size": "numeric"} and decided == []
    prepared, messages = _prepare(X, columns)
    assert prepared["size"].isna().tolist()[:3] == [True, True, False]
    assert prepared["size"].notna().sum() == N - 2
    assert messages == [
        "column 'size' of table.csv holds numbers, but 2 of its 40 non-empty cell(s) do not: "
        "'13,5', '?'; they are read as missing"
    ]


def test_a_bad_cells_warning_quotes_three_examples_and_counts_them_all():
    X = _text(size=_mostly_numbers(["a", "b", "c", "d"], n=100))
    _, messages = _prepare(X, _decide(X)[0])
    assert "4 of its 100 non-empty cell(s) do not: 'a', 'b', 'c';" in messages[0]


def test_a_column_with_more_than_five_percent_bad_cells_is_a_category_with_a_warning():
    columns, messages = _decide(_text(size=_mostly_numbers(["13,5", "?", "x"])))
    assert _kinds(columns) == {"size": "category"}
    assert messages == [
        "column 'size' of table.csv holds numbers in 37 of its 40 non-empty cells, fewer than "
        "the 95% that make a numeric column: it is read as categories; fix its 3 other "
        "cell(s) ('13,5', '?', 'x') to have it read as numbers, or --drop it"
    ]


def test_a_column_of_text_and_a_few_numbers_is_a_category_without_a_warning():
    columns, messages = _decide(_text(size=["1", "2"] + ["a", "b", "c"] * 6))
    assert _kinds(columns) == {"size": "category"} and messages == []


def test_pandas_missing_markers_are_missing_not_bad_cells(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("size\n" + "1.5\n" * 30 + "n/a\nNA\n")
    X = read_csv(path)
    prepared, messages = _prepare(X, _decide(X)[0])
    assert prepared["size"].isna().sum() == 2 and messages == []


def test_a_column_numeric_in_fit_stays_numeric_in_a_new_table():
    columns, _ = _decide(_text(size=_measurements()))
    prepared, messages = _prepare(_text(size=["?", "2"]), columns)
    assert prepared["size"].isna().tolist() == [True, False]
    assert "column 'size' of table.csv holds numbers, but 1 of its 2" in messages[0]


def test_a_category_in_fit_stays_text_in_a_new_table():
    columns, _ = _decide(_text(code=["01", "x2"] * 20))
    prepared, _ = _prepare(_text(code=["01", "1"]), columns)
    assert prepared["code"].tolist() == ["01", "1"]


def test_a_long_new_column_that_holds_mostly_something_else_is_an_error():
    columns, _ = _decide(_text(rooms=np.arange(N) % 5))
    with pytest.raises(ValueError, match="column 'rooms' must hold numbers, as in fit, but holds"):
        prepare(_text(rooms=["many"] * MIN_ROWS), columns, PATH)


@pytest.mark.parametrize(
    "value, shown",
    [(np.float64(2.6), "2.6"), (np.int64(3), "3"), (np.str_("big"), "'big'"), (True, "True")],
)
def test_plain_shows_numpy_values_as_python_ones(value, shown):
    assert plain(value) == shown


def test_a_rare_float_class_is_named_plainly():
    y = pd.Series([2.6] + [1.5] * 20 + [3.5] * 19, name="rating")
    with pytest.raises(ValueError, match=r"^class 2\.6 of column 'rating' has 1 row\(s\)"):
        check_target(y, "classification", 2)


def test_a_single_numeric_target_value_is_named_plainly():
    with pytest.raises(ValueError, match="single value 2.5:"):
        check_target(pd.Series([2.5] * 4, name="rating"), "regression", 2)
