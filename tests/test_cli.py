"""The ``snn-sklearn`` command line: version, help, the demo and its errors."""

import contextlib
import io
import sys

import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

import snn_sklearn
from snn_sklearn import cli

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
        cli,
        "_classifiers",
        lambda: [
            snn_sklearn.SpikingClassifier(n_steps=2, **small),
            snn_sklearn.NonSpikingClassifier(**small),
            LogisticRegression(),
        ],
    )
    monkeypatch.setattr(
        cli,
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
    assert "pip install snn-sklearn[plot]" in stdout
    assert not list(tmp_path.glob("*.png"))


def test_demo_reports_progress_on_standard_error(tiny_demo, tmp_path):
    status, stdout, stderr = _run(["demo", "--out", str(tmp_path)])
    assert status == 0
    assert "[1/6] iris: fitting SpikingClassifier..." in stderr
    assert "[1/6]" not in stdout
