"""Training that diverges stops with a warning and keeps usable weights."""

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from snn_sklearn import NonSpikingRegressor


def test_non_finite_loss_warns_and_keeps_the_last_finite_weights():
    X = np.random.RandomState(0).randn(100, 3)
    y = X[:, 0]
    model = NonSpikingRegressor(learning_rate_init=1e9, max_iter=20, random_state=0)
    with pytest.warns(ConvergenceWarning, match="diverged"):
        model.fit(X * 1e300, y)
    assert np.isfinite(model.predict(X)).all()
    assert all(np.isfinite(model.loss_curve_))
