"""The ``snn-sklearn`` command line: version, help, demo, fit, predict and their errors."""

import contextlib
import errno
import io
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LinearRegression, LogisticRegression

import snn_sklearn
from snn_sklearn import _commands, cli

pd = pytest.importorskip("pandas")

DEMO_MODELS = {
    "iris": [
        "SpikingClassifier",
        "NonSpikingClassifier",
        "LogisticRegression",
        "RandomForestClassifier",
        "HistGradientBoostingClassifier",
    ],
    "house prices": [
        "SpikingRegressor",
        "NonSpikingRegressor",
        "LinearRegression",
        "RandomForestRegressor",
        "HistGradientBoostingRegressor",
    ],
}
DEMO_ROWS = [(dataset, model) for dataset, models in DEMO_MODELS.items() for model in models]


def _run(argv):
    """Run the command line; return its status, standard output and standard error."""
    stdout, stderr = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
        try:
            status = cli.main(argv)
        except SystemExit as exit:
            status = exit.code
    return status, stdout.getvalue(), stderr.getvalue()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The real demo, run once for the tests that read its output."""
    out = tmp_path_factory.mktemp("demo")
    status, stdout, stderr = _run(["demo", "--out", str(out)])
    return status, stdout, stderr, out


@pytest.fixture
def tiny_demo(monkeypatch):
    """Shrink the demo's models so that a test can run it again in a second."""
    small = {"hidden_layer_sizes": 4, "max_iter": 2}
    monkeypatch.setattr(
        _commands,
        "_classifiers",
        lambda: [
            snn_sklearn.SpikingClassifier(n_steps=2, **small),
            snn_sklearn.NonSpikingClassifier(**small),
            LogisticRegression(),
        ],
    )
    monkeypatch.setattr(
        _commands,
        "_regressors",
        lambda: [
            snn_sklearn.SpikingRegressor(n_steps=2, **small),
            snn_sklearn.NonSpikingRegressor(**small),
            LinearRegression(),
        ],
    )


def test_version_prints_the_package_version():
    status, stdout, _ = _run(["--version"])
    assert status == 0
    assert stdout.strip() == f"snn-sklearn {snn_sklearn.__version__}"


def test_help_lists_the_demo_command():
    status, stdout, _ = _run(["--help"])
    assert status == 0
    assert "demo" in stdout


def test_demo_help_describes_its_options():
    status, stdout, _ = _run(["demo", "--help"])
    assert status == 0
    assert "--out DIR" in stdout and "--seed N" in stdout


@pytest.mark.parametrize("argv", [["bogus"], [], ["demo", "--seed", "-1"]])
def test_bad_arguments_exit_with_status_2(argv):
    status, _, stderr = _run(argv)
    assert status == 2
    assert "error:" in stderr


def test_failure_ends_with_one_line_and_status_2(tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    status, _, stderr = _run(["demo", "--out", str(not_a_folder)])
    assert status == 2
    assert stderr.startswith("snn-sklearn: error: ")
    assert stderr.count("\n") == 1
    assert "Traceback" not in stderr


@pytest.mark.slow
def test_demo_finishes_with_status_0(demo):
    status, *_ = demo
    assert status == 0


@pytest.mark.slow
@pytest.mark.parametrize("dataset, model", DEMO_ROWS)
def test_demo_prints_a_table_row_for_every_model(demo, dataset, model):
    _, stdout, _, _ = demo
    assert any(line.startswith(dataset) and f" {model} " in line for line in stdout.splitlines())


@pytest.mark.slow
def test_demo_writes_the_results_table(demo):
    *_, out = demo
    lines = (out / "results.csv").read_text().splitlines()
    assert lines[0] == "dataset,model,kind,metric,score,fit_time"
    assert len(lines) == 1 + len(DEMO_ROWS)


PLOTS = ["loss_curves.png", "model_comparison.png", "spikes.png"]


@pytest.mark.slow
@pytest.mark.parametrize("name", PLOTS)
def test_demo_writes_each_png_when_matplotlib_is_installed(demo, name):
    pytest.importorskip("matplotlib")
    _, stdout, _, out = demo
    png = out / name
    assert png.read_bytes().startswith(b"\x89PNG")
    assert str(png) in stdout


def test_tiny_demo_writes_every_png_when_matplotlib_is_installed(tiny_demo, tmp_path):
    pytest.importorskip("matplotlib")
    pytest.importorskip("pandas")
    status, stdout, _ = _run(["demo", "--out", str(tmp_path)])
    assert status == 0
    for name in PLOTS:
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")
        assert str(tmp_path / name) in stdout


def test_demo_without_matplotlib_says_how_to_get_plots(tiny_demo, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    status, stdout, _ = _run(["demo", "--out", str(tmp_path)])
    assert status == 0
    assert 'pip install "snn-sklearn[plot,pandas]"' in stdout
    assert not list(tmp_path.glob("*.png"))


def test_demo_reports_progress_on_standard_error(tiny_demo, tmp_path):
    status, stdout, stderr = _run(["demo", "--out", str(tmp_path)])
    assert status == 0
    assert "[1/6] iris: fitting SpikingClassifier..." in stderr
    assert "[1/6]" not in stdout


# ------------------------------------------------------------------ fit and predict

N_ROWS = 40
# Small networks and two folds keep a fit run to about a second.
QUICK = ["--cv", "2", "--max-iter", "3", "--hidden", "4"]
CLASSIFICATION_SCORERS = [
    "accuracy",
    "balanced_accuracy",
    "f1_weighted",
    "roc_auc_ovr",
    "neg_log_loss",
]


def _table(n_rows=N_ROWS, seed=0):
    """Numeric and text columns with missing values, a class label and a price."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "size": rng.normal(100, 20, n_rows),
            "rooms": rng.integers(1, 6, n_rows).astype(float),
            "colour": rng.choice(["red", "green", "blue"], n_rows),
            "code": rng.choice(["01", "x2"], n_rows),
        }
    )
    frame.loc[::5, "size"] = np.nan
    frame.loc[2::7, "colour"] = np.nan
    frame["label"] = np.where(frame["rooms"] > 3, "big", "small")
    frame["price"] = 2 * frame["rooms"] + rng.normal(0, 0.1, n_rows) + 5
    return frame


def _write(frame, path):
    frame.to_csv(path, index=False)
    return path


def _fit_run(factory, name, target):
    """Run fit on the table's ``target`` in a new folder ``name``.

    Returns its status, standard output, standard error and the models folder it wrote.
    """
    folder = factory.mktemp(name)
    data = _write(_table(), folder / "table.csv")
    out = folder / "models"
    result = _run(["fit", str(data), "--target", target, "--out", str(out), *QUICK])
    return (*result, out)


@pytest.fixture(scope="module")
def classification(tmp_path_factory):
    """A fit run on the class label, and the folder it wrote."""
    return _fit_run(tmp_path_factory, "classification", "label")


@pytest.fixture(scope="module")
def regression(tmp_path_factory):
    """A fit run on the price, and the folder it wrote."""
    return _fit_run(tmp_path_factory, "regression", "price")


def test_fit_without_skops_fails_before_training(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "skops", None)
    monkeypatch.setitem(sys.modules, "skops.io", None)
    data = _write(_table(), tmp_path / "table.csv")
    argv = ["fit", str(data), "--target", "label", "--out", str(tmp_path / "out"), *QUICK]
    status, stdout, stderr = _run(argv)
    assert status == 2
    assert (
        'needs skops, which is not installed; install it with pip install "snn-sklearn[skops]"'
        in stderr
    )
    assert "cross-validating" not in stderr + stdout
    assert not (tmp_path / "out").exists()


def test_fit_into_a_folder_it_cannot_write_fails_before_training(tmp_path, monkeypatch):
    # A read-only folder used to take every fit before the first write failed.
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(_commands.tempfile, "TemporaryFile", read_only)
    data = _write(_table(), tmp_path / "table.csv")
    argv = ["fit", str(data), "--target", "label", "--out", str(tmp_path / "out"), *QUICK]
    status, stdout, stderr = _run(argv)
    assert status == 2
    assert "cannot write in the output folder" in stderr and "Read-only file system" in stderr
    assert "cross-validating" not in stderr + stdout


@pytest.mark.parametrize("Estimator", [snn_sklearn.SpikingRegressor, snn_sklearn.SpikingClassifier])
def test_predict_writes_a_column_per_output_of_a_multi_output_model(Estimator, tmp_path):
    # Such a model, saved by persistence.dump, used to fail with pandas' message.
    from snn_sklearn.persistence import dump

    frame = _table()[["size", "rooms"]].fillna(0.0)
    targets = np.c_[frame["size"] > 100, frame["rooms"] > 2].astype(int)
    model = Estimator(hidden_layer_sizes=(4,), max_iter=2, random_state=0).fit(frame, targets)
    dump(model, tmp_path / "model.skops")
    options = ["--proba"] if hasattr(model, "predict_proba") else []
    predictions = _predict(tmp_path / "model.skops", frame, tmp_path, *options)
    expected = ["prediction_0", "prediction_1"] + (["proba_0", "proba_1"] if options else [])
    assert list(predictions.columns) == expected
    assert_allclose(predictions[expected[:2]].to_numpy(), model.predict(frame), rtol=1e-6)


def _predict(model, frame, tmp_path, *options):
    """Run predict on ``frame``; return its status and the predictions table."""
    data = _write(frame, tmp_path / "new.csv")
    out = tmp_path / "predictions.csv"
    status, _, stderr = _run(["predict", str(model), str(data), "--out", str(out), *options])
    assert status == 0, stderr
    return pd.read_csv(out)


def test_help_lists_every_command():
    _, stdout, _ = _run(["--help"])
    assert all(command in stdout for command in ("demo", "fit", "predict"))


@pytest.mark.parametrize(
    "command, options",
    [
        (
            "fit",
            [
                "DATA.csv",
                "--target COLUMN",
                "--task {auto,classification,regression}",
                "--model {spiking,nonspiking,all}",
                "--cv K",
                "--out DIR",
                "--seed N",
                "--format {skops,pickle}",
                "--hidden SIZES",
                "--max-iter N",
                "--drop COLUMN",
                "--baselines",
            ],
        ),
        (
            "predict",
            ["MODEL", "DATA.csv", "--out FILE", "--id COLUMN", "--proba", "--allow-pickle"],
        ),
    ],
)
def test_command_help_explains_every_option_with_examples(command, options):
    status, stdout, _ = _run([command, "--help"])
    assert status == 0
    for option in options:
        assert option in stdout
    assert f"examples:\n  snn-sklearn {command} " in stdout


@pytest.mark.parametrize(
    ("network", "Estimator"),
    [
        ("spiking", snn_sklearn.SpikingClassifier),
        ("spiking", snn_sklearn.SpikingRegressor),
        ("nonspiking", snn_sklearn.NonSpikingClassifier),
        ("nonspiking", snn_sklearn.NonSpikingRegressor),
    ],
)
def test_fit_help_defaults_are_the_estimators(network, Estimator):
    """The parser states the defaults without importing the estimators: they must agree."""
    params = Estimator().get_params()
    assert params["hidden_layer_sizes"] == cli.DEFAULT_HIDDEN_LAYER_SIZES[network]
    assert params["max_iter"] == cli.DEFAULT_MAX_ITER


def test_every_model_choice_has_its_estimators():
    assert tuple(_commands.ESTIMATORS) == cli.NETWORKS


def test_fit_finishes_with_status_0(classification):
    status, _, stderr, _ = classification
    assert status == 0, stderr


def test_fit_prints_a_row_per_scorer_and_a_column_per_model(classification):
    _, stdout, _, _ = classification
    header = next(line for line in stdout.splitlines() if line.startswith("score "))
    assert header.split() == ["score", "SpikingClassifier", "NonSpikingClassifier"]
    rows = [line.split()[0] for line in stdout.splitlines() if line.strip()]
    assert all(scorer in rows for scorer in CLASSIFICATION_SCORERS)


def test_fit_writes_the_comparison_table(classification):
    *_, out = classification
    table = pd.read_csv(out / "comparison.csv", index_col="model")
    assert table.index.tolist() == ["SpikingClassifier", "NonSpikingClassifier"]
    assert [f"{scorer}_mean" for scorer in CLASSIFICATION_SCORERS] == [
        column for column in table.columns if column.endswith("_mean")
    ][: len(CLASSIFICATION_SCORERS)]


@pytest.mark.parametrize("name", ["loss_curves.png", "model_comparison.png"])
def test_fit_writes_its_plots_when_matplotlib_is_installed(classification, name):
    pytest.importorskip("matplotlib")
    _, stdout, _, out = classification
    assert (out / name).read_bytes().startswith(b"\x89PNG")
    assert f"Plot written to {out / name}" in stdout


def test_fit_saves_each_model_with_its_target_and_task(classification):
    from snn_sklearn.persistence import load

    *_, out = classification
    for kind, estimator in [("spiking", "SpikingClassifier"), ("nonspiking", "NonSpiking")]:
        model = load(out / f"{kind}.skops")
        assert type(model[-1]).__name__.startswith(estimator)
        assert (model.target_name_, model.task_) == ("label", "classification")


def test_fit_infers_regression_for_a_numeric_target(regression):
    status, stdout, stderr, out = regression
    assert status == 0, stderr
    assert "Regression of 'price'" in stderr
    table = pd.read_csv(out / "comparison.csv", index_col="model")
    assert table.index.tolist() == ["SpikingRegressor", "NonSpikingRegressor"]
    assert "r2_mean" in table.columns


def test_fit_prints_no_warning(classification):
    """Stopping at --max-iter is expected, and the saved models load without further trust."""
    _, _, stderr, _ = classification
    assert "warning" not in stderr.lower()


def test_fit_reports_progress_on_standard_error(classification):
    _, stdout, stderr, _ = classification
    assert "[1/4] cross-validating SpikingClassifier on 2 folds..." in stderr
    assert "[4/4] fitting NonSpikingClassifier on all 40 rows..." in stderr
    assert "[1/4]" not in stdout


def test_fit_trains_only_the_chosen_network(tmp_path):
    data = _write(_table(), tmp_path / "table.csv")
    out = tmp_path / "models"
    argv = ["fit", str(data), "--target", "label", "--model", "nonspiking", "--out", str(out)]
    status, _, _ = _run([*argv, *QUICK])
    assert status == 0
    written = sorted(path.name for path in out.iterdir() if path.suffix != ".png")
    assert written == ["comparison.csv", "nonspiking.skops"]


def test_fit_scores_are_reproducible_with_the_same_seed(tmp_path):
    data = _write(_table(), tmp_path / "table.csv")
    tables = []
    for run in ("first", "second"):
        argv = ["fit", str(data), "--target", "price", "--model", "nonspiking"]
        assert _run([*argv, "--out", str(tmp_path / run), "--seed", "3", *QUICK])[0] == 0
        table = pd.read_csv(tmp_path / run / "comparison.csv", index_col="model")
        tables.append(table.filter(regex="^(?!.*_time_)"))
    pd.testing.assert_frame_equal(*tables)


def test_fit_reads_a_numeric_target_with_a_bad_cell_as_numbers_dropping_its_row(tmp_path):
    # The whole target was read as class labels, and --task regression refused it.
    frame = _table()
    frame["price"] = frame["price"].round(1).astype(object)
    frame.loc[3, "price"] = "?"
    data = _write(frame, tmp_path / "table.csv")
    status, _, stderr = _run(
        ["fit", str(data), "--target", "price", "--out", str(tmp_path), *QUICK]
    )
    assert status == 0, stderr
    assert "1 of its" in stderr and "'?'; their rows are dropped" in stderr
    assert "Regression of 'price'" in stderr
    assert f"on all {N_ROWS - 1} rows" in stderr


def test_fit_drops_rows_without_a_target_and_says_so(tmp_path):
    frame = _table()
    frame.loc[[0, 1], "label"] = np.nan
    data = _write(frame, tmp_path / "table.csv")
    status, _, stderr = _run(
        ["fit", str(data), "--target", "label", "--out", str(tmp_path), *QUICK]
    )
    assert status == 0
    assert "Dropped 2 row(s) without a value of 'label'." in stderr
    assert f"on all {N_ROWS - 2} rows" in stderr


def test_fit_leaves_out_the_relative_error_when_the_target_has_zeros(tmp_path):
    frame = _table()
    frame.loc[0, "price"] = 0.0
    data = _write(frame, tmp_path / "table.csv")
    argv = ["fit", str(data), "--target", "price", "--model", "nonspiking", "--out", str(tmp_path)]
    status, stdout, stderr = _run([*argv, *QUICK])
    assert status == 0
    assert "relative error (RMSRE) is left out" in stderr
    assert "neg_root_mean_squared_relative_error" not in stdout


def test_predict_writes_one_prediction_per_row_in_order(classification, tmp_path):
    *_, out = classification
    frame = _table(seed=1)
    predictions = _predict(out / "spiking.skops", frame, tmp_path)
    assert predictions.columns.tolist() == ["prediction"]
    assert len(predictions) == len(frame)
    assert set(predictions["prediction"]) <= {"big", "small"}


def test_predict_gives_the_saved_models_predictions(regression, tmp_path):
    from snn_sklearn.persistence import load

    *_, out = regression
    model = load(out / "spiking.skops")
    frame = _table(seed=1)
    predictions = _predict(out / "spiking.skops", frame, tmp_path)
    expected = model.predict(pd.read_csv(tmp_path / "new.csv", dtype={"colour": str, "code": str}))
    np.testing.assert_allclose(predictions["prediction"], expected)


def test_predict_ignores_the_target_column_or_its_absence(regression, tmp_path):
    *_, out = regression
    frame = _table(seed=1)
    with_target = _predict(out / "nonspiking.skops", frame, tmp_path)
    without = _predict(out / "nonspiking.skops", frame.drop(columns="price"), tmp_path)
    pd.testing.assert_frame_equal(with_target, without)


def test_predict_ignores_columns_the_model_does_not_read(regression, tmp_path):
    *_, out = regression
    frame = _table(seed=1)
    plain = _predict(out / "nonspiking.skops", frame, tmp_path)
    extra = _predict(out / "nonspiking.skops", frame.assign(notes="x", sensor=np.inf), tmp_path)
    pd.testing.assert_frame_equal(plain, extra)


def test_predict_with_proba_adds_a_probability_per_class(classification, tmp_path):
    *_, out = classification
    predictions = _predict(out / "nonspiking.skops", _table(seed=1), tmp_path, "--proba")
    assert predictions.columns.tolist() == ["prediction", "proba_big", "proba_small"]
    np.testing.assert_allclose(predictions[["proba_big", "proba_small"]].sum(axis=1), 1.0)


def test_predict_handles_unseen_categories_and_missing_values(classification, tmp_path):
    *_, out = classification
    frame = _table(n_rows=3, seed=1)
    frame.loc[0, "colour"] = "purple"
    frame.loc[1, ["size", "rooms", "code"]] = np.nan
    predictions = _predict(out / "spiking.skops", frame, tmp_path)
    assert len(predictions) == 3


def test_predict_reads_categories_as_text_as_fit_did(classification, tmp_path):
    """A category "01" must not become the number 1 in a file where it looks numeric."""
    *_, out = classification
    frame = _table(seed=1)
    frame["code"] = "01"
    frame["colour"] = "red"
    reference = _predict(out / "nonspiking.skops", frame, tmp_path, "--proba")
    frame["code"] = "unseen"
    unseen = _predict(out / "nonspiking.skops", frame, tmp_path, "--proba")
    assert not np.allclose(reference["proba_big"], unseen["proba_big"])


def test_predict_writes_to_standard_output_without_out(classification, tmp_path):
    *_, out = classification
    data = _write(_table(n_rows=3, seed=1), tmp_path / "new.csv")
    status, stdout, _ = _run(["predict", str(out / "spiking.skops"), str(data)])
    assert status == 0
    assert stdout.splitlines()[0] == "prediction"
    assert len(stdout.splitlines()) == 4


class _ClosedPipe(io.StringIO):
    """Standard output whose reader has gone away, as in ``snn-sklearn predict ... | head``."""

    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")


def test_predict_into_a_closed_pipe_exits_141_without_a_message(
    classification, tmp_path, monkeypatch, capsys
):
    *_, out = classification
    data = _write(_table(n_rows=3, seed=1), tmp_path / "new.csv")
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    status = cli.main(["predict", str(out / "spiking.skops"), str(data)])
    assert status == 141
    assert capsys.readouterr().err == ""


def test_fit_suggests_predicting_with_the_first_saved_model(classification):
    _, stdout, _, out = classification
    assert f"Predict with: snn-sklearn predict {out / 'spiking.skops'} DATA.csv" in stdout


def test_a_pickled_model_predicts_only_with_allow_pickle(tmp_path):
    data = _write(_table(), tmp_path / "table.csv")
    out = tmp_path / "models"
    argv = ["fit", str(data), "--target", "label", "--model", "nonspiking", "--out", str(out)]
    assert _run([*argv, "--format", "pickle", *QUICK])[0] == 0
    model = out / "nonspiking.joblib"
    refused, _, stderr = _run(["predict", str(model), str(data)])
    assert refused == 2
    assert "--allow-pickle" in stderr
    assert len(_predict(model, _table(seed=1), tmp_path, "--allow-pickle")) == N_ROWS


@pytest.mark.parametrize(
    "values, task",
    [
        (["a", "b", "a"], "classification"),
        ([True, False, True], "classification"),
        ([1, 2, 3, 1], "classification"),
        ([1.0, 0.0, 1.0], "classification"),
        (list(range(11)), "regression"),
        ([1.5, 2.0, 3.0], "regression"),
    ],
)
def test_auto_task_is_classification_for_text_or_few_integers(values, task):
    from snn_sklearn._tabular import infer_task

    assert infer_task(pd.Series(values)) == task


def _bad_csv(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    return path


def _table_with(column, values):
    frame = _table()
    frame[column] = values
    return frame


@pytest.mark.parametrize(
    "make_data, options, message",
    [
        (lambda tmp: tmp / "absent.csv", [], "does not exist"),
        (lambda tmp: tmp, [], "is a folder"),
        (lambda tmp: _bad_csv(tmp, "empty.csv", ""), [], "is empty"),
        (lambda tmp: _bad_csv(tmp, "header.csv", "a,label\n"), [], "no rows of data"),
        (lambda tmp: _bad_csv(tmp, "bin.csv", b"\x89PNG\xff\xfe\x00"), [], "not UTF-8"),
        (lambda tmp: _bad_csv(tmp, "bad.csv", 'a,label\n1,"x\n'), [], "not a valid CSV"),
        (lambda tmp: _write(_table().drop(columns="label"), tmp / "t.csv"), [], "no column"),
        (
            lambda tmp: _bad_csv(tmp, "semi.csv", "a;label\n1;x\n"),
            [],
            "is the file comma-separated?",
        ),
        (
            lambda tmp: _write(_table(), tmp / "t.csv"),
            ["--task", "regression"],
            "regression needs a numeric target",
        ),
        (
            lambda tmp: _write(_table_with("label", "same"), tmp / "t.csv"),
            [],
            "single value 'same'",
        ),
        (
            lambda tmp: _write(_table_with("label", ["rare"] + ["common"] * 39), tmp / "t.csv"),
            [],
            "class 'rare'",
        ),
        (
            lambda tmp: _write(_table_with("size", np.inf), tmp / "t.csv"),
            [],
            "column 'size' of",
        ),
        (
            lambda tmp: _write(_table_with("price", [np.inf] + [1.0] * 39), tmp / "t.csv"),
            ["--target", "price"],
            "column 'price' of",
        ),
        (
            lambda tmp: _write(_table(), tmp / "t.csv"),
            ["--target", "Labels"],
            "no column 'Labels' to use as --target; did you mean 'label'?",
        ),
        (
            lambda tmp: _write(_table(), tmp / "t.csv"),
            ["--drop", "colour,sise"],
            "no column 'sise' to --drop; did you mean 'size'?",
        ),
        (
            lambda tmp: _write(_table(), tmp / "t.csv"),
            ["--drop", "label"],
            "--drop names the --target column 'label'",
        ),
        (
            lambda tmp: _write(_table_with("rating", [2.6] + [1.5] * 39), tmp / "t.csv"),
            ["--target", "rating", "--task", "classification"],
            "class 2.6 of column 'rating' has 1 row(s)",
        ),
    ],
    ids=[
        "missing",
        "folder",
        "empty",
        "header-only",
        "binary",
        "malformed",
        "no-target-column",
        "semicolons",
        "regression-on-text",
        "single-class",
        "class-smaller-than-folds",
        "infinite-feature",
        "infinite-target",
        "misspelt-target",
        "misspelt-drop",
        "drop-the-target",
        "rare-float-class",
    ],
)
def test_fit_error_is_one_line_and_status_2(tmp_path, make_data, options, message):
    argv = ["fit", str(make_data(tmp_path)), "--target", "label", "--out", str(tmp_path / "o")]
    status, _, stderr = _run([*argv, "--max-iter", "1", *options])
    assert status == 2
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert stderr.startswith("snn-sklearn: error:")
    assert message in stderr
    assert "np." not in stderr


@pytest.mark.parametrize(
    "option, value", [("--cv", "1"), ("--hidden", "4,0"), ("--max-iter", "0"), ("--seed", "x")]
)
def test_fit_bad_option_value_exits_with_status_2_naming_the_option(tmp_path, option, value):
    data = _write(_table(), tmp_path / "t.csv")
    status, _, stderr = _run(["fit", str(data), "--target", "label", option, value])
    assert status == 2
    assert stderr.splitlines()[-1].startswith(f"snn-sklearn fit: error: argument {option}: ")


@pytest.mark.parametrize(
    "model, make_data, options, message",
    [
        ("absent.skops", lambda frame: frame, [], "does not exist"),
        ("spiking.skops", lambda frame: frame.drop(columns=["size", "code"]), [], "size, code"),
        ("spiking.skops", lambda frame: frame.iloc[:0], [], "no rows of data"),
        (
            "spiking.skops",
            lambda frame: frame.assign(rooms="many"),
            [],
            "column 'rooms' must hold numbers, as in fit, but holds 'many'",
        ),
    ],
    ids=["missing-model", "missing-columns", "no-rows", "text-in-numeric-column"],
)
def test_predict_error_is_one_line_and_status_2(
    regression, tmp_path, model, make_data, options, message
):
    *_, out = regression
    data = _write(make_data(_table()), tmp_path / "new.csv")
    status, _, stderr = _run(["predict", str(out / model), str(data), *options])
    assert status == 2
    assert stderr.count("\n") == 1 and "Traceback" not in stderr
    assert message in stderr


def test_predict_proba_of_a_regressor_is_an_error(regression, tmp_path):
    *_, out = regression
    data = _write(_table(), tmp_path / "new.csv")
    status, _, stderr = _run(["predict", str(out / "spiking.skops"), str(data), "--proba"])
    assert status == 2
    assert "--proba needs a classifier" in stderr


def test_fit_without_pandas_names_the_extra(tmp_path, monkeypatch):
    data = _write(_table(), tmp_path / "t.csv")
    monkeypatch.setitem(sys.modules, "pandas", None)
    status, _, stderr = _run(["fit", str(data), "--target", "label"])
    assert status == 2
    assert 'pip install "snn-sklearn[pandas]"' in stderr


# ------------------------------------------------------------------ real-world tables


def _customers(n_rows=N_ROWS, seed=0):
    """A table as exported from a spreadsheet: identifiers, dates and a few typing errors."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "customer_id": [f"C{1000 + 7 * i}" for i in rng.permutation(n_rows)],
            "signup": pd.date_range("2021-01-01", periods=n_rows, freq="3D").strftime("%Y-%m-%d"),
            "amount": rng.normal(50, 10, n_rows).round(1).astype(str),
            "plan": rng.choice(["basic", "pro"], n_rows),
        }
    )
    frame.loc[n_rows - 1, "amount"] = "13,5"
    frame["churned"] = np.where(frame["plan"] == "pro", "yes", "no")
    return frame


@pytest.fixture(scope="module")
def customers(tmp_path_factory):
    """A fit run on the customers table, and the folder it wrote."""
    folder = tmp_path_factory.mktemp("customers")
    data = _write(_customers(), folder / "customers.csv")
    out = folder / "models"
    argv = ["fit", str(data), "--target", "churned", "--out", str(out), "--model", "nonspiking"]
    return (*_run([*argv, *QUICK]), data, out)


def test_fit_leaves_out_an_identifier_column_with_a_warning_naming_it(customers):
    status, _, stderr, data, out = customers
    assert status == 0, stderr
    assert (
        f"snn-sklearn: warning: column 'customer_id' of {data} looks like an identifier" in stderr
    )
    from snn_sklearn.persistence import load

    model = load(out / "nonspiking.skops")
    assert model.table_columns_["customer_id"] == {"kind": "identifier"}
    assert not any(name.startswith("customer_id") for name in model.feature_names_in_)


def test_fit_reads_a_date_column_as_its_parts_with_a_note(customers):
    _, _, stderr, _, out = customers
    assert "Column 'signup' holds dates (ISO 8601): read as the numbers signup_year," in stderr
    from snn_sklearn.persistence import load

    features = list(load(out / "nonspiking.skops").feature_names_in_)
    assert features == [
        "signup_year",
        "signup_month",
        "signup_day",
        "signup_day_of_week",
        "amount",
        "plan",
    ]
    assert "from 6 column(s)" in stderr


def test_fit_reads_a_mostly_numeric_column_as_numbers_warning_of_the_bad_cells(customers):
    _, _, stderr, data, out = customers
    assert (
        f"snn-sklearn: warning: column 'amount' of {data} holds numbers, but 1 of its 40 "
        "non-empty cell(s) do not: '13,5'; they are read as missing" in stderr
    )
    from snn_sklearn._tabular import encoded_as_categories
    from snn_sklearn.persistence import load

    assert encoded_as_categories(load(out / "nonspiking.skops")) == ["plan"]


def test_fit_of_a_table_of_identifiers_only_is_an_error(tmp_path):
    data = _write(_table()[["label"]].assign(id=range(N_ROWS)), tmp_path / "t.csv")
    status, _, stderr = _run(["fit", str(data), "--target", "label", *QUICK])
    assert status == 2
    assert stderr.splitlines()[-1] == (
        f"snn-sklearn: error: {data} has no feature columns left to learn 'label' from"
    )


def test_predict_reads_the_columns_as_fit_did(customers, tmp_path):
    *_, out = customers
    frame = _customers(n_rows=5, seed=1).drop(columns="churned")
    frame.loc[0, "amount"] = "?"
    frame.loc[1, "signup"] = "2023-02-30"
    data = _write(frame, tmp_path / "new.csv")
    status, stdout, stderr = _run(["predict", str(out / "nonspiking.skops"), str(data)])
    assert status == 0, stderr
    assert len(stdout.splitlines()) == 6
    assert f"column 'amount' of {data} holds numbers, but 2 of its 5" in stderr
    assert f"column 'signup' of {data} holds dates (ISO 8601), but 1 of its 5" in stderr


def test_predict_needs_no_identifier_column(customers, tmp_path):
    *_, out = customers
    frame = _customers(n_rows=3, seed=1)
    with_ids = _predict(out / "nonspiking.skops", frame, tmp_path)
    without = _predict(out / "nonspiking.skops", frame.drop(columns="customer_id"), tmp_path)
    pd.testing.assert_frame_equal(with_ids, without)


def test_predict_with_id_writes_that_column_first_as_in_the_file(customers, tmp_path):
    *_, out = customers
    frame = _customers(n_rows=3, seed=1)
    frame["customer_id"] = ["007", "", "C1"]
    predictions = _predict(
        out / "nonspiking.skops", frame, tmp_path, "--id", "customer_id", "--proba"
    )
    raw = pd.read_csv(tmp_path / "predictions.csv", dtype=str, keep_default_na=False)
    assert predictions.columns.tolist() == ["customer_id", "prediction", "proba_no", "proba_yes"]
    assert raw["customer_id"].tolist() == ["007", "", "C1"]


def test_predict_id_of_an_unknown_column_suggests_close_names(customers, tmp_path):
    *_, out = customers
    data = _write(_customers(n_rows=3), tmp_path / "new.csv")
    argv = ["predict", str(out / "nonspiking.skops"), str(data), "--id", "customer"]
    status, _, stderr = _run(argv)
    assert status == 2
    assert "no column 'customer' to copy as --id; did you mean 'customer_id'?" in stderr


@pytest.mark.parametrize(
    "drop", [["--drop", "colour", "--drop", "code"], ["--drop", "colour,code"]]
)
def test_fit_learns_from_every_column_but_those_dropped(tmp_path, drop):
    data = _write(_table(), tmp_path / "table.csv")
    out = tmp_path / "models"
    argv = ["fit", str(data), "--target", "label", "--model", "nonspiking", "--out", str(out)]
    status, _, stderr = _run([*argv, *drop, *QUICK])
    assert status == 0, stderr
    assert "from 3 column(s)" in stderr
    from snn_sklearn.persistence import load

    model = load(out / "nonspiking.skops")
    assert list(model.table_columns_) == ["size", "rooms", "price"]
    frame = _table(n_rows=3, seed=1).drop(columns=["colour", "code"])
    assert len(_predict(out / "nonspiking.skops", frame, tmp_path)) == 3


def test_fit_with_baselines_scores_hist_gradient_boosting_without_saving_it(tmp_path):
    data = _write(_table(), tmp_path / "table.csv")
    out = tmp_path / "models"
    argv = ["fit", str(data), "--target", "price", "--model", "nonspiking", "--out", str(out)]
    status, stdout, stderr = _run([*argv, "--baselines", *QUICK])
    assert status == 0, stderr
    table = pd.read_csv(out / "comparison.csv", index_col="model")
    assert table.index.tolist() == ["NonSpikingRegressor", "HistGradientBoostingRegressor"]
    assert "HistGradientBoostingRegressor" in stdout.splitlines()[3]
    assert "[2/3] cross-validating HistGradientBoostingRegressor on 2 folds" in stderr
    assert sorted(path.name for path in out.glob("*.skops")) == ["nonspiking.skops"]


@pytest.mark.parametrize("target, score", [("price", "r2"), ("label", "accuracy")])
def test_fit_comparison_chart_shows_the_score_users_know(tmp_path, monkeypatch, target, score):
    pytest.importorskip("matplotlib")
    drawn = []
    draw = _commands.plot_model_comparison

    def plot_model_comparison(results, **kwargs):
        drawn.append(kwargs.get("scoring"))
        return draw(results, **kwargs)

    monkeypatch.setattr(_commands, "plot_model_comparison", plot_model_comparison)
    data = _write(_table(), tmp_path / "table.csv")
    argv = ["fit", str(data), "--target", target, "--model", "nonspiking", "--out", str(tmp_path)]
    assert _run([*argv, *QUICK])[0] == 0
    assert drawn == [score]


def test_fit_and_predict_show_float_class_labels_plainly(tmp_path):
    frame = _table_with("rating", np.where(np.arange(N_ROWS) % 2, 2.5, 1.5))
    data = _write(frame, tmp_path / "t.csv")
    argv = ["fit", str(data), "--target", "rating", "--task", "classification"]
    status, stdout, stderr = _run([*argv, "--out", str(tmp_path / "o"), *QUICK])
    assert status == 0, stderr
    predictions = _predict(tmp_path / "o" / "spiking.skops", frame, tmp_path, "--proba")
    assert predictions.columns.tolist() == ["prediction", "proba_1.5", "proba_2.5"]
    assert "np." not in stdout + stderr


@pytest.mark.parametrize("module", ["_commands", "_tabular", "_cli_common"])
def test_the_commands_modules_do_not_import_the_command_line_entry(module):
    """Dependencies point inward: cli.py parses and calls _commands, never the reverse."""
    import ast
    from pathlib import Path

    tree = ast.parse(Path(snn_sklearn.__file__).with_name(f"{module}.py").read_text())
    imported = [
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module is not None
    ]
    assert "cli" not in imported and "snn_sklearn.cli" not in imported


def test_predict_reads_the_columns_of_a_model_saved_from_python_as_numbers(tmp_path):
    """A model that fit did not save knows no column kinds: the columns it was fitted on."""
    from snn_sklearn.persistence import dump

    frame = _table()
    model = LinearRegression().fit(frame[["rooms"]], frame["price"])
    path = dump(model, tmp_path / "linear.skops")
    predictions = _predict(path, frame.assign(rooms=frame["rooms"].astype(str)), tmp_path)
    np.testing.assert_allclose(predictions["prediction"], model.predict(frame[["rooms"]]))
