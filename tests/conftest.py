"""Settings and fixtures shared by the whole test suite."""

import pytest
import torch
from sklearn.datasets import make_regression

from snn_sklearn import SpikingClassifier, SpikingRegressor

# The networks under test are tiny: torch's intra-op threads only contend for the
# cores, and on a loaded two-core machine they slow a fit down about tenfold.
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def regression_data():
    """60 samples of 4 features, targets shifted far from zero for the relative errors.

    Shared by the session, so read-only: a test that changes them works on a copy.
    """
    X, y = make_regression(n_samples=60, n_features=4, noise=5.0, random_state=0)
    y = y + 300
    X.setflags(write=False)
    y.setflags(write=False)
    return X, y


def _tiny(Estimator, *, n_steps=2, **params):
    """An instance of ``Estimator`` small enough to fit in a few milliseconds.

    One hidden layer of 4, 2 epochs, ``random_state=0``, float64 arithmetic (in
    which the tests' exact comparisons hold) and ``n_steps`` time steps, for the
    spiking estimators only, so that a test over all four can set it; ``params``
    override any of these or set others. A test module that needs larger
    models overrides the ``tiny`` fixture with its own settings.
    """
    defaults = {"hidden_layer_sizes": (4,), "max_iter": 2, "random_state": 0, "dtype": "float64"}
    if Estimator in (SpikingClassifier, SpikingRegressor):
        defaults["n_steps"] = n_steps
    return Estimator(**{**defaults, **params})


@pytest.fixture(scope="session")
def tiny():
    """The factory of tiny models; session-scoped, so hypothesis's ``@given`` tests can use it."""
    return _tiny
