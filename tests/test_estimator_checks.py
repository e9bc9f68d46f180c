"""scikit-learn's own estimator checks, on small instances and at each estimator's defaults."""

import pytest
from sklearn.utils.estimator_checks import (
    check_methods_subset_invariance,
    check_sample_weight_equivalence_on_dense_data,
    check_sample_weight_equivalence_on_sparse_data,
    parametrize_with_checks,
)

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
# As scikit-learn checks its MLP: small networks trained briefly, which reach
# other corners (few epochs, one narrow layer, four time steps) than the defaults.
_SMALL = {"hidden_layer_sizes": (16,), "max_iter": 50}
SMALL_ESTIMATORS = [
    SpikingClassifier(n_steps=4, **_SMALL),
    SpikingRegressor(n_steps=4, **_SMALL),
    NonSpikingClassifier(**_SMALL),
    NonSpikingRegressor(**_SMALL),
]

# The three checks compare results at float64's precision (rtol 1e-7, atol 1e-7).
# In the default dtype="float32", summing k copies of a sample's loss and
# weighting it by k round differently, and torch picks other matmul kernels for
# one row than for twenty: results agree only to float32's rounding, and a
# rounding difference can flip a spike. With dtype="float64" they pass
# (test_float64_is_exact_in_the_checks_float32_rounds), except where float64's
# own rounding (1e-16) flips a spike: see FLOAT64_CHAOS.
FLOAT32_ROUNDING = {
    "check_sample_weight_equivalence_on_dense_data": (
        "float32 sums of repeated and of weighted samples round differently"
    ),
    "check_sample_weight_equivalence_on_sparse_data": (
        "float32 sums of repeated and of weighted samples round differently"
    ),
    "check_methods_subset_invariance": (
        "float32 matmul kernels for one row and for a batch round differently"
    ),
}


def expected_failed_checks(estimator):
    return FLOAT32_ROUNDING if estimator.dtype == "float32" else {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_passes_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


@parametrize_with_checks(SMALL_ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_small_instances_pass_scikit_learn_estimator_checks(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize(
    "check",
    [
        check_sample_weight_equivalence_on_dense_data,
        check_sample_weight_equivalence_on_sparse_data,
        check_methods_subset_invariance,
    ],
)
def test_float64_is_exact_in_the_checks_float32_rounds(estimator, check, request):
    name = type(estimator).__name__
    if (name, check.__name__) in FLOAT64_CHAOS:
        request.applymarker(pytest.mark.xfail(reason=FLOAT64_CHAOS_REASON, strict=False))
    estimator = estimator.set_params(dtype="float64")
    check(name, estimator)


# SpikingRegressor's default run of 200 epochs on the checks' data: float64
# sums over 30 weighted rows and over their 60 repeats differ by 1e-16, which
# flips a spike after about 50 epochs, and the two fits then part (max_iter=5
# passes; the spiking classifier and both twins pass at defaults).
FLOAT64_CHAOS = {
    ("SpikingRegressor", "check_sample_weight_equivalence_on_dense_data"),
    ("SpikingRegressor", "check_sample_weight_equivalence_on_sparse_data"),
}
FLOAT64_CHAOS_REASON = "float64 rounding flips a spike after ~50 epochs on the check's data"
