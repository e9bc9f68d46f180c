"""What importing the package and starting the command line import: nothing they do not need.

Each check runs in a fresh interpreter, as ``sys.modules`` of the test session
already holds everything. Only behaviour is asserted; the times are measured by
``benchmarks/startup.py``.
"""

import json
import subprocess
import sys

import pytest

import snn_sklearn

OPTIONAL = ["pandas", "matplotlib", "dask", "skops", "nir"]
ESTIMATORS = "SpikingClassifier, SpikingRegressor, NonSpikingClassifier, NonSpikingRegressor"
# What the package needs in any case: its required dependencies, as it imports them.
REQUIRED = "import torch, skorch, sklearn.base, sklearn.model_selection, sklearn.metrics"


def _loaded_after(code, modules):
    """Which of ``modules`` a fresh interpreter has imported after running ``code``."""
    report = f"import json, sys; print(json.dumps([m for m in {modules!r} if m in sys.modules]))"
    result = subprocess.run(
        [sys.executable, "-c", f"{code}\n{report}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.splitlines()[-1])


def test_import_imports_no_optional_dependency_nor_torch():
    assert _loaded_after("import snn_sklearn", [*OPTIONAL, "torch", "sklearn"]) == []


def test_estimators_import_no_optional_dependency_of_their_own():
    """Only what torch, skorch and scikit-learn import themselves.

    scikit-learn imports pandas whenever it is installed (``sklearn.utils.fixes``),
    so pandas may be there; the package must not add any optional module.
    """
    by_dependencies = _loaded_after(REQUIRED, OPTIONAL)
    by_estimators = _loaded_after(f"from snn_sklearn import {ESTIMATORS}", OPTIONAL)
    assert set(by_estimators) <= set(by_dependencies)


def test_lazy_names_are_listed_and_imported_on_first_use():
    assert set(snn_sklearn.__all__) <= set(dir(snn_sklearn))
    for name in snn_sklearn.__all__:
        assert getattr(snn_sklearn, name) is not None
    assert snn_sklearn.SpikingClassifier.__module__ == "snn_sklearn.spiking"


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'SpikingTransformer'"):
        snn_sklearn.SpikingTransformer  # noqa: B018


def _command_line(argv):
    """Run ``python -m snn_sklearn.cli argv``; its output and which heavy modules it imported."""
    code = (
        "import json, sys\n"
        "from snn_sklearn.cli import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps([m for m in ('torch', 'sklearn', *sys.argv[1:]) if m in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *OPTIONAL], capture_output=True, text=True, check=True
    )
    *output, loaded = result.stdout.splitlines()
    return "\n".join(output), json.loads(loaded)


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["--version"], f"snn-sklearn {snn_sklearn.__version__}"),
        (["--help"], "usage: snn-sklearn"),
        (["demo", "--help"], "usage: snn-sklearn demo"),
        (["fit", "--help"], "usage: snn-sklearn fit"),
        (["predict", "--help"], "usage: snn-sklearn predict"),
    ],
)
def test_help_and_version_import_neither_torch_nor_scikit_learn(argv, expected):
    output, loaded = _command_line(argv)
    assert expected in output
    assert loaded == []


def test_module_runs_as_the_command_line():
    result = subprocess.run(
        [sys.executable, "-m", "snn_sklearn.cli", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == f"snn-sklearn {snn_sklearn.__version__}"
