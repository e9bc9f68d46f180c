"""Spiking neural networks for tabular data, as scikit-learn estimators.

The estimators and :func:`compare_models` are imported on first use (PEP 562),
so that ``import snn_sklearn`` and the command line's ``--help`` and
``--version`` do not wait for torch and scikit-learn.
"""

import importlib

from ._version import __version__

# Each public name but the version, and the submodule that defines it.
_SUBMODULES = {
    "NonSpikingClassifier": "nonspiking",
    "NonSpikingRegressor": "nonspiking",
    "SpikingClassifier": "spiking",
    "SpikingRegressor": "spiking",
    "compare_models": "compare",
}

__all__ = [
    "NonSpikingClassifier",
    "NonSpikingRegressor",
    "SpikingClassifier",
    "SpikingRegressor",
    "__version__",
    "compare_models",
]


def __getattr__(name):
    """Import a public estimator or function of the package when first asked for.

    Parameters
    ----------
    name : str
        The attribute asked for, e.g. ``"SpikingClassifier"``.

    Returns
    -------
    value : object
        The class or function, also kept in the package's namespace, so that
        this runs once per name.

    Raises
    ------
    AttributeError
        If ``name`` is not one of the package's public names.
    """
    if name not in _SUBMODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_SUBMODULES[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    """The package's attributes, the public ones not imported yet among them.

    Returns
    -------
    names : list of str
        Sorted.
    """
    return sorted({*globals(), *__all__})
