"""The LIF recurrence written the plain way, one differentiable step at a time.

The package's :class:`~snn_sklearn.neurons.LIF` runs the recurrence inside one
autograd function with a hand-written backward; the tests check it, forward and
backward, against this version, which autograd differentiates on its own.
"""

import torch


def lif_reference(current, beta, threshold, n_steps, subtract_reset, surrogate):
    """Plain per-step autograd version of the fused recurrence.

    It computes exactly what :class:`~snn_sklearn.neurons.LIF` computes, one
    differentiable step at a time.

    Parameters
    ----------
    current : torch.Tensor of shape (batch, size) or (n_steps, batch, size)
        Input current, constant over time when 2-D.
    beta, threshold : torch.Tensor of shape (size,)
        Membrane decay and firing threshold per neuron.
    n_steps : int
        Number of time steps.
    subtract_reset : bool
        Reset by subtraction if True, to zero otherwise.
    surrogate : object with a ``chain_`` method
        Surrogate gradient of the spike function.

    Returns
    -------
    spikes : torch.Tensor of shape (n_steps, batch, size)
    """
    static = current.dim() == 2
    state = torch.zeros_like(current if static else current[0])
    spikes = []
    for t in range(n_steps):
        potential = beta * state + (current if static else current[t])
        spike = _SurrogateSpike.apply(potential - threshold, surrogate)
        reset = spike.detach()
        state = potential - reset * threshold if subtract_reset else potential * (1 - reset)
        spikes.append(spike)
    return torch.stack(spikes)


class _SurrogateSpike(torch.autograd.Function):
    @staticmethod
    def forward(ctx, shifted, surrogate):
        ctx.save_for_backward(shifted)
        ctx.surrogate = surrogate
        return (shifted > 0).to(shifted.dtype)

    @staticmethod
    def backward(ctx, grad):
        (shifted,) = ctx.saved_tensors
        return ctx.surrogate.chain_(shifted.clone(), grad), None
