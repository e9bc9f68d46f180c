"""Encoders: how a static feature vector becomes input to a spiking network.

Every encoder maps a batch ``x`` of shape ``(batch, n_features)`` either to a
*static* tensor ``(batch, n_inputs)``, injected unchanged at every step (so the
first layer's current is computed once), or to a *temporal* tensor
``(n_steps, batch, n_inputs)``.

Each encoder class says what it is through class attributes: ``name`` (its
name in :data:`ENCODERS`), ``stochastic`` (whether it draws random numbers),
``static`` (whether its output is one static tensor for all steps) and
``emits_spikes`` (whether its output is binary spikes rather than real-valued
currents, which decides how :mod:`snn_sklearn.activity` counts the first layer's
operations).

Stochastic encoders draw from the ``generator`` they are given while training.
At inference they draw from a hash of each row's values and the time step, so a
prediction is reproducible and does not depend on the other rows of the batch or
their order.
"""

import torch
from torch import nn


class DirectEncoder(nn.Module):
    """Direct current injection: the features themselves, at every step."""

    stochastic = False
    name = "direct"
    static = True
    emits_spikes = False

    def n_inputs(self, n_features):
        """Number of input channels for ``n_features`` features."""
        return n_features

    def forward(self, x, n_steps, generator=None):
        """Return ``x`` as a static input."""
        return x


class RateEncoder(nn.Module):
    r"""Bernoulli rate coding.

    Each feature spikes at every step with probability
    :math:`p = \mathrm{sigmoid}(x)`, so any real (e.g. standardised) feature is
    encodable and a feature at 0 fires half of the time.
    """

    stochastic = True
    name = "rate"
    static = False
    emits_spikes = True

    def n_inputs(self, n_features):
        """Number of input channels for ``n_features`` features."""
        return n_features

    def forward(self, x, n_steps, generator=None):
        """Return spikes of shape ``(n_steps, batch, n_features)``."""
        noise = _uniform_noise(x, n_steps, generator)
        return (noise < torch.sigmoid(x)).to(x.dtype)


class NoisyEncoder(nn.Module):
    r"""The seed library's encoding: features times fresh uniform noise.

    :math:`I_t = x \cdot \xi_t` with :math:`\xi_t \sim U(0, 1)` drawn anew at
    every step.
    """

    stochastic = True
    name = "noisy"
    static = False
    emits_spikes = False

    def n_inputs(self, n_features):
        """Number of input channels for ``n_features`` features."""
        return n_features

    def forward(self, x, n_steps, generator=None):
        """Return currents of shape ``(n_steps, batch, n_features)``."""
        return x * _uniform_noise(x, n_steps, generator)


class LatencyEncoder(nn.Module):
    r"""Latency (time-to-first-spike) coding.

    Each feature emits exactly one spike, at step
    :math:`t = \mathrm{round}((1 - \mathrm{sigmoid}(x))\,(T - 1))`: the larger
    the feature, the earlier it fires.
    """

    stochastic = False
    name = "latency"
    static = False
    emits_spikes = True

    def n_inputs(self, n_features):
        """Number of input channels for ``n_features`` features."""
        return n_features

    def forward(self, x, n_steps, generator=None):
        """Return one-hot spike trains of shape ``(n_steps, batch, n_features)``."""
        fire_step = torch.round((1.0 - torch.sigmoid(x)) * (n_steps - 1))
        steps = torch.arange(n_steps, device=x.device, dtype=x.dtype)
        return (steps.view(-1, 1, 1) == fire_step).to(x.dtype)


class PopulationEncoder(nn.Module):
    r"""Population coding with Gaussian receptive fields.

    Each feature drives ``n_fields`` input channels whose centres :math:`c_j`
    are spread evenly over [-2.5, 2.5] (standardised units), with
    :math:`I_j = \exp(-(x - c_j)^2 / (2 w^2))` for the spacing :math:`w`
    between centres, injected as a static current.

    Parameters
    ----------
    n_fields : int, default=8
        Receptive fields per feature.
    """

    stochastic = False
    name = "population"
    static = True
    emits_spikes = False

    def __init__(self, n_fields=8):
        super().__init__()
        self.n_fields = n_fields
        self.register_buffer("centres", torch.linspace(-2.5, 2.5, n_fields))

    def n_inputs(self, n_features):
        """Number of input channels for ``n_features`` features."""
        return n_features * self.n_fields

    def forward(self, x, n_steps, generator=None):
        """Return static currents of shape ``(batch, n_features * n_fields)``."""
        width = 5.0 / (self.n_fields - 1)
        centres = self.centres.to(x.dtype)
        response = torch.exp(-0.5 * ((x.unsqueeze(-1) - centres) / width) ** 2)
        # Far from a centre, exp's vectorised and scalar paths disagree: one gives
        # a subnormal, the other 0, so whether a channel counted as active depended
        # on where it fell in the batch. Below the smallest normal float it is 0.
        tiny = torch.finfo(response.dtype).tiny
        return response.masked_fill(response < tiny, 0.0).flatten(1)


_ENCODER_CLASSES = {
    cls.name: cls
    for cls in (DirectEncoder, RateEncoder, NoisyEncoder, LatencyEncoder, PopulationEncoder)
}
ENCODERS = tuple(_ENCODER_CLASSES)


def make_encoder(name):
    """Build the encoder called ``name`` (one of :data:`ENCODERS`).

    Parameters
    ----------
    name : str
        Encoder name.

    Returns
    -------
    encoder : torch.nn.Module
    """
    return _ENCODER_CLASSES[name]()


def _uniform_noise(x, n_steps, generator):
    shape = (n_steps, *x.shape)
    if generator is not None:
        return torch.rand(shape, generator=generator, device=x.device, dtype=x.dtype)
    return _hashed_uniform(x, n_steps)


_MASK32 = 0xFFFFFFFF


def _mix32(h):
    # "lowbias32" integer hash; int64 arithmetic wraps, the mask keeps 32 bits.
    h = h ^ (h >> 16)
    h = (h * 0x7FEB352D) & _MASK32
    h = h ^ (h >> 15)
    h = (h * 0x846CA68B) & _MASK32
    return h ^ (h >> 16)


def _hashed_uniform(x, n_steps):
    """Uniform numbers in [0, 1) that depend only on each row's values."""
    bits = x.detach().to(torch.float32).contiguous().view(torch.int32).to(torch.int64)
    n_features = x.shape[1]
    positions = torch.arange(n_features, device=x.device, dtype=torch.int64)
    row_hash = _mix32((_mix32(bits & _MASK32) * (2 * positions + 1)).sum(1) & _MASK32)
    steps = torch.arange(n_steps, device=x.device, dtype=torch.int64)
    counter = (
        row_hash.view(1, -1, 1) * 0x9E3779B1
        + steps.view(-1, 1, 1) * 0x85EBCA77
        + positions.view(1, 1, -1) * 0xC2B2AE3D
    ) & _MASK32
    return (_mix32(_mix32(counter)) >> 8).to(x.dtype) / float(1 << 24)
