"""Settings for the doctests of the package's docstrings (``--doctest-modules``).

The test extra does not install every optional dependency, so the examples of a
module that needs a missing one are skipped, saying what to install, rather
than failing.
"""

import importlib.util

import pytest

# Module whose docstring examples need an optional dependency: (import name, how to install).
DOCTEST_REQUIREMENTS = {
    "snn_sklearn/export.py": ("nir", 'pip install "snn-sklearn[nir]"'),
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        path = item.path.relative_to(config.rootpath).as_posix()
        if path in DOCTEST_REQUIREMENTS:
            module, install = DOCTEST_REQUIREMENTS[path]
            if importlib.util.find_spec(module) is None:
                item.add_marker(pytest.mark.skip(reason=f"needs {module}: {install}"))
