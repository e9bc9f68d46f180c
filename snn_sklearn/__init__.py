"""Spiking neural networks for tabular data, as scikit-learn estimators."""

from .compare import compare_models
from .nonspiking import NonSpikingClassifier, NonSpikingRegressor
from .spiking import SpikingClassifier, SpikingRegressor

__version__ = "0.1.0"

__all__ = [
    "NonSpikingClassifier",
    "NonSpikingRegressor",
    "SpikingClassifier",
    "SpikingRegressor",
    "__version__",
    "compare_models",
]
