r"""Readouts: how the last hidden layer's spikes over time become an output.

Each readout owns the output weights :math:`W, b`. The membrane readouts feed
them to a non-spiking leaky integrator (no threshold, no reset),

.. math:: m_t = \beta\, m_{t-1} + W s_t + b, \qquad m_{-1} = 0,

and reduce its potential over the time steps; the spike-count readout makes
the output neurons spike and counts their spikes.
"""

from functools import lru_cache

import torch
from torch import nn
from torch.nn import functional as F

READOUTS = ("mean", "max", "spike_count")
#: Steepest surrogate slope of the spike-count readout's output neurons. With
#: the hidden layers' default 25, an output neuron far below threshold gets
#: almost no gradient, and all of them could fall silent for good: on iris,
#: wine, breast cancer and digits (4 seeds each, benchmarks/spike_count_readout.py)
#: the rate, latency and population encoders ended at or below the majority
#: class's share on 8, 4 and 4 of the 16 fits; capped at 2, on none, and the
#: direct and noisy encoders' mean accuracies moved by at most 0.9 points.
SPIKE_COUNT_SURROGATE_SLOPE = 2.0


def decay_matrix(beta, n_steps, like):
    r"""Matrix :math:`P` with :math:`P_{tk} = \beta^{t-k}` for :math:`t \ge k`, else 0.

    ``P @ z`` over the time axis runs the leaky integration :math:`m_t = \beta
    m_{t-1} + z_t` of inputs ``z``.

    Parameters
    ----------
    beta : float
        Decay per step.
    n_steps : int
        Number of time steps.
    like : torch.Tensor
        Tensor whose dtype and device the matrix takes.

    Returns
    -------
    P : torch.Tensor of shape (n_steps, n_steps)
    """
    steps = torch.arange(n_steps, device=like.device, dtype=like.dtype)
    lags = steps.view(-1, 1) - steps.view(1, -1)
    powers = torch.pow(torch.tensor(beta, dtype=like.dtype, device=like.device), lags.clamp_min(0))
    return torch.where(lags >= 0, powers, torch.zeros_like(powers))


@lru_cache(maxsize=32)
def mean_coefficients(beta, n_steps, dtype, device):
    r"""Weights :math:`c_k = \frac1T \sum_{t \ge k} \beta^{t-k}` of the mean potential.

    Computed once per setting: every training batch would otherwise rebuild
    the decay matrix.

    Parameters
    ----------
    beta : float
        Decay per step.
    n_steps : int
        Number of time steps :math:`T`.
    dtype : torch.dtype
        Dtype of the coefficients.
    device : torch.device
        Device of the coefficients.

    Returns
    -------
    coefficients : torch.Tensor of shape (n_steps,)
    """
    # A normal tensor even when first asked for under inference mode, so
    # that training can save it for its backward pass.
    with torch.inference_mode(False):
        like = torch.empty(0, dtype=dtype, device=device)
        return decay_matrix(beta, n_steps, like).mean(0)


class MembraneReadout(nn.Module):
    """Leaky-integrator readout reduced over time by its mean or its maximum.

    The mean is computed in closed form: since the integrator is linear,
    :math:`\\frac1T\\sum_t m_t = W \\sum_k c_k s_k + b \\sum_k c_k` with
    :math:`c_k = \\frac1T \\sum_{t \\ge k} \\beta^{t-k}`, one small matmul
    instead of one per step.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of the last hidden layer and of the output.
    beta : float
        Decay of the integrator, in [0, 1].
    reduction : {"mean", "max"}
        How the potential is reduced over time.
    """

    def __init__(self, in_features, out_features, beta, reduction):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)
        self.beta = float(beta)
        self.reduction = reduction

    def forward(self, spikes):
        """Map spikes ``(n_steps, batch, in)`` to outputs ``(batch, out)``."""
        if self.reduction == "max":
            return self.membrane(spikes).amax(0)
        coefficients = mean_coefficients(self.beta, spikes.shape[0], spikes.dtype, spikes.device)
        return self.mean_from_pooled(torch.tensordot(coefficients, spikes, dims=1), coefficients)

    def mean_from_pooled(self, pooled, coefficients):
        """The mean potential from the spikes pooled over time with its coefficients.

        Parameters
        ----------
        pooled : torch.Tensor of shape (batch, in_features)
            :math:`\\sum_k c_k s_k`.
        coefficients : torch.Tensor of shape (n_steps,)
            The :math:`c_k` of :func:`mean_coefficients`.

        Returns
        -------
        outputs : torch.Tensor of shape (batch, out_features)
        """
        return F.linear(pooled, self.linear.weight) + coefficients.sum() * self.linear.bias

    def membrane(self, spikes):
        """Membrane potential of the integrator, ``(n_steps, batch, out)``."""
        currents = self.linear(spikes)
        decay = decay_matrix(self.beta, spikes.shape[0], spikes)
        return torch.tensordot(decay, currents, dims=1)

    def record(self, spikes):
        """``(None, membrane)``: the integrator does not spike."""
        return None, self.membrane(spikes)


class SpikeCountReadout(nn.Module):
    """Output neurons that spike; the output is their spike count.

    The output layer is a :class:`~snn_sklearn.neurons.LIF` layer driven by
    :math:`W s_t + b`; the count over the ``n_steps`` steps serves as logits.
    :class:`~snn_sklearn.networks.SpikingNetwork` gives its neurons a surrogate
    no steeper than :data:`SPIKE_COUNT_SURROGATE_SLOPE`.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of the last hidden layer and of the output.
    neurons : snn_sklearn.neurons.LIF
        The spiking output layer, of size ``out_features``.
    """

    def __init__(self, in_features, out_features, neurons):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)
        self.neurons = neurons

    def start_at_threshold(self):
        """Shift the output biases so that a silent input holds the neurons at threshold.

        A constant current :math:`\\theta (1 - \\beta)` settles the membrane at
        :math:`\\theta`: the output neurons start at the edge of firing, where the
        surrogate gradient is largest, instead of silent with a vanishing gradient
        (sparse input codes such as latency coding otherwise leave them dead).
        """
        with torch.no_grad():
            self.linear.bias += self.neurons.threshold * (1.0 - self.neurons.beta)

    def forward(self, spikes):
        """Map spikes ``(n_steps, batch, in)`` to counts ``(batch, out)``."""
        out_spikes, _ = self.neurons(self.linear(spikes), spikes.shape[0])
        return out_spikes.sum(0)

    def record(self, spikes):
        """Spikes and membrane potentials of the output neurons, each ``(n_steps, batch, out)``."""
        return self.neurons(self.linear(spikes), spikes.shape[0])
