"""Each surrogate is the derivative of its named smooth step, and pickles."""

import math
import pickle

import pytest
import torch

from snn_sklearn.surrogates import SURROGATES, make_surrogate

SMOOTH_STEPS = {
    "fast_sigmoid": lambda x, k: x / (1 + k * x.abs()),
    "atan": lambda x, k: torch.atan(math.pi / 2 * k * x) / math.pi,
    "sigmoid": lambda x, k: torch.sigmoid(k * x),
}


@pytest.mark.parametrize("name", sorted(SURROGATES))
def test_surrogate_chains_the_derivative_of_its_smooth_step(name):
    x = torch.linspace(-2, 2, 41, dtype=torch.float64, requires_grad=True)
    grad = torch.randn(41, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    (expected,) = torch.autograd.grad(SMOOTH_STEPS[name](x, 5.0), x, grad)
    got = make_surrogate(name, 5.0).chain_(x.detach().clone(), grad)
    torch.testing.assert_close(got, expected)


@pytest.mark.parametrize("name", sorted(SURROGATES))
def test_surrogate_survives_pickling(name):
    surrogate = pickle.loads(pickle.dumps(make_surrogate(name, 3.0)))
    assert surrogate.slope == 3.0
    assert surrogate.name == name
