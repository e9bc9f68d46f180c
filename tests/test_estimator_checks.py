"""scikit-learn's own estimator checks, on each estimator's default parameters."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from snn_sklearn import (
    NonSpikingClassifier,
    NonSpikingRegressor,
    SpikingClassifier,
    SpikingRegressor,
)

ESTIMATORS = [
    SpikingClassifier(),
    SpikingRegressor(),
    NonSpikingClassifier(),
    NonSpikingRegressor(),
]


@parametrize_with_checks(ESTIMATORS)
def test_passes_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
