"""The fused LIF recurrence computes and differentiates exactly like the plain loop."""

import pytest
import torch
from lif_reference import lif_reference

from snn_sklearn.neurons import LIF
from snn_sklearn.surrogates import SURROGATES


def _layer(reset, surrogate, learn, size=5):
    layer = LIF(size, 0.8, 0.7, reset, SURROGATES[surrogate](5.0), learn, learn)
    return layer.double()


def _inputs(static, seed=0):
    generator = torch.Generator().manual_seed(seed)
    shape = (3, 5) if static else (6, 3, 5)
    return torch.randn(shape, generator=generator, dtype=torch.float64).requires_grad_()


@pytest.mark.parametrize("reset", ["subtract", "zero"])
@pytest.mark.parametrize("static", [True, False])
def test_fused_forward_matches_plain_loop(reset, static):
    layer = _layer(reset, "fast_sigmoid", learn=False)
    current = _inputs(static)
    fused, _ = layer(current, 6)
    plain = lif_reference(
        current, layer.beta, layer.threshold, 6, reset == "subtract", layer.surrogate
    )
    torch.testing.assert_close(fused, plain)


@pytest.mark.parametrize("learn", [True, False])
@pytest.mark.parametrize("surrogate", sorted(SURROGATES))
@pytest.mark.parametrize("reset", ["subtract", "zero"])
@pytest.mark.parametrize("static", [True, False])
def test_fused_gradients_match_autograd_through_plain_loop(surrogate, reset, static, learn):
    layer = _layer(reset, surrogate, learn=learn)
    current = _inputs(static, seed=1)
    weights = torch.randn(6, 3, 5, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    inputs = [current, layer.beta, layer.threshold] if learn else [current]

    def gradients(run):
        spikes = run()
        return torch.autograd.grad((spikes * weights).sum(), inputs)

    fused = gradients(lambda: layer(current, 6)[0])
    plain = gradients(
        lambda: lif_reference(
            current, layer.beta, layer.threshold, 6, reset == "subtract", layer.surrogate
        )
    )
    for got, expected in zip(fused, plain, strict=True):
        torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-12)


def test_membrane_potential_follows_the_lif_equation_by_hand():
    layer = LIF(1, 0.5, 1.0, "subtract", SURROGATES["fast_sigmoid"](25.0), False, False).double()
    spikes, potentials = layer(torch.tensor([[0.6]], dtype=torch.float64), 4)
    # u0 = 0.6; u1 = 0.3 + 0.6 = 0.9; u2 = 0.45 + 0.6 = 1.05 -> spike, v2 = 0.05;
    # u3 = 0.025 + 0.6 = 0.625
    torch.testing.assert_close(
        potentials.flatten(), torch.tensor([0.6, 0.9, 1.05, 0.625], dtype=torch.float64)
    )
    torch.testing.assert_close(
        spikes.flatten(), torch.tensor([0.0, 0.0, 1.0, 0.0], dtype=torch.float64)
    )


def test_zero_reset_clears_the_membrane_after_a_spike():
    layer = LIF(1, 1.0, 1.0, "zero", SURROGATES["fast_sigmoid"](25.0), False, False).double()
    _, potentials = layer(torch.tensor([[0.6]], dtype=torch.float64), 3)
    torch.testing.assert_close(
        potentials.flatten(), torch.tensor([0.6, 1.2, 0.6], dtype=torch.float64)
    )
