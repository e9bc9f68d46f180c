"""Leaky integrate-and-fire neurons, fused over all time steps.

The whole membrane recurrence of a layer runs inside one
:class:`torch.autograd.Function` with a hand-written backward loop, so autograd
records one node per layer instead of several per time step.
"""

import itertools

import torch
from torch import nn

RESETS = ("subtract", "zero")
#: Smallest firing threshold: a learned threshold is clamped to it, to stay positive.
MIN_THRESHOLD = 1e-3


class _LIFRecurrence(torch.autograd.Function):
    """Membrane recurrence of a LIF layer; see :class:`LIF` for the equations."""

    @staticmethod
    def forward(ctx, current, beta, threshold, n_steps, subtract_reset, surrogate):
        spikes, potentials = simulate(current, beta, threshold, n_steps, subtract_reset, True)
        ctx.save_for_backward(potentials, beta, threshold)
        ctx.static = current.dim() == 2
        ctx.subtract_reset = subtract_reset
        ctx.surrogate = surrogate
        ctx.mark_non_differentiable(potentials)
        # The potentials are not differentiable, so backward only runs for a spike
        # gradient; without this autograd would also fill a zero tensor the size of
        # the potentials for every backward pass.
        ctx.set_materialize_grads(False)
        return spikes, potentials

    @staticmethod
    def backward(ctx, grad_spikes, _grad_potentials):
        potentials, beta, threshold = ctx.saved_tensors
        learn_beta, learn_threshold = ctx.needs_input_grad[1:3]
        spikes = None
        if not ctx.subtract_reset or learn_beta or learn_threshold:
            spikes = (potentials > threshold).to(potentials.dtype)
        direct, grad_potentials, grad_current = _adjoint(
            potentials, threshold, beta, spikes, grad_spikes, ctx, learn_beta or learn_threshold
        )
        grad_beta = grad_threshold = None
        if learn_beta:
            states = _post_reset_states(potentials, spikes, threshold, ctx.subtract_reset)
            previous = torch.cat([torch.zeros_like(states[:1]), states[:-1]])
            grad_beta = (grad_potentials * previous).sum((0, 1))
        if learn_threshold:
            grad_threshold = -direct.sum((0, 1))
            if ctx.subtract_reset:
                into_state = torch.cat([grad_potentials[1:], torch.zeros_like(grad_potentials[:1])])
                grad_threshold -= (beta * into_state * spikes).sum((0, 1))
        return grad_current, grad_beta, grad_threshold, None, None, None


def _adjoint(potentials, threshold, beta, spikes, grad_spikes, ctx, keep_all):
    """Back-propagate through the membrane recurrence, last step first.

    ``g_t = direct_t + beta * keep_t * g_{t+1}``, where ``direct_t`` is the
    gradient reaching the pre-reset potential through its own spike (the
    surrogate derivative times the spike's gradient) and ``keep_t`` is 1 for the
    subtract reset and ``1 - s_t`` for the zero reset.

    Each step works on one ``(batch, size)`` slice while it is in cache: on
    a ``(8, 512, 128)`` layer this is about three times faster than whole-tensor
    passes. A static current's gradient is the sum of the ``g_t``, accumulated
    step by step without storing them, unless ``keep_all`` asks for every
    ``direct_t`` and ``g_t`` (the gradients of learned decays and thresholds).

    Returns
    -------
    direct, grad_potentials : torch.Tensor of shape (n_steps, batch, size) or None
        Only when ``keep_all`` (``grad_potentials`` also for a time-varying current).
    grad_current : torch.Tensor
        Gradient of the input current, shaped like it.
    """
    step_shape = potentials.shape[1:]
    direct = torch.empty_like(potentials) if keep_all else None
    grad_potentials = torch.empty_like(potentials) if keep_all or not ctx.static else None
    carried = potentials.new_zeros(step_shape)
    scratch = potentials.new_empty(step_shape)
    total = potentials.new_zeros(step_shape) if ctx.static else None
    for t in range(len(potentials) - 1, -1, -1):
        step_direct = scratch if direct is None else direct[t]
        torch.sub(potentials[t], threshold, out=step_direct)
        ctx.surrogate.chain_(step_direct, grad_spikes[t])
        decay = beta if ctx.subtract_reset else torch.addcmul(beta, spikes[t], beta, value=-1.0)
        into = carried if grad_potentials is None else grad_potentials[t]
        carried = torch.addcmul(step_direct, decay, carried, out=into)
        if total is not None:
            total.add_(carried)
    return direct, grad_potentials, total if ctx.static else grad_potentials


def simulate(current, beta, threshold, n_steps, subtract_reset, keep_potentials):
    """Run the LIF recurrence forward, without autograd.

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
    keep_potentials : bool
        Return every step's pre-reset potential; otherwise only the running
        state is kept, which saves memory traffic at inference.

    Returns
    -------
    spikes : torch.Tensor of shape (n_steps, batch, size)
    potentials : torch.Tensor of shape (n_steps, batch, size) or None
    """
    batch_shape, currents = _step_currents(current, n_steps)
    spikes = current.new_empty((n_steps, *batch_shape))
    potentials = current.new_empty((n_steps, *batch_shape)) if keep_potentials else None
    state = current.new_zeros(batch_shape)
    for t, (step_current, spike) in enumerate(zip(currents, spikes.unbind(0), strict=False)):
        potential = state if potentials is None else potentials[t]
        state = _step(step_current, beta, threshold, subtract_reset, state, potential, spike)
    return spikes, potentials


def simulate_pooled(current, beta, threshold, subtract_reset, weights):
    r"""The weighted sum of a layer's spikes over time, :math:`\sum_t w_t s_t`, without autograd.

    The recurrence of :func:`simulate`, step for step, but each step's spikes
    are added into the sum as they are made and never stored: at inference
    the mean readout needs only this sum of the last hidden layer's spikes,
    and the ``(n_steps, batch, size)`` spike tensor, written once and read
    back once, is most of the layer's memory traffic.

    Parameters
    ----------
    current : torch.Tensor of shape (batch, size) or (n_steps, batch, size)
        Input current, constant over time when 2-D.
    beta, threshold : torch.Tensor of shape (size,)
        Membrane decay and firing threshold per neuron.
    subtract_reset : bool
        Reset by subtraction if True, to zero otherwise.
    weights : sequence of float
        One weight :math:`w_t` per time step; its length is the number of steps.

    Returns
    -------
    pooled : torch.Tensor of shape (batch, size)
    """
    batch_shape, currents = _step_currents(current, len(weights))
    state = current.new_zeros(batch_shape)
    spike = current.new_empty(batch_shape)
    pooled = current.new_zeros(batch_shape)
    for step_current, weight in zip(currents, weights, strict=True):
        state = _step(step_current, beta, threshold, subtract_reset, state, state, spike)
        pooled.add_(spike, alpha=weight)
    return pooled


def _step_currents(current, n_steps):
    """One neuron state's shape ``(batch, size)``, and the current of each of ``n_steps`` steps.

    A 2-D current is the same at every step; a 3-D one has a slice per step.
    """
    if current.dim() == 2:
        return current.shape, itertools.repeat(current, n_steps)
    return current.shape[1:], current.unbind(0)


def _step(current, beta, threshold, subtract_reset, state, potential, spike):
    """One step of the recurrence, in place; returns the new state.

    Fills ``potential`` and ``spike``; ``potential`` may be ``state`` itself,
    when the potentials are not kept.
    """
    torch.addcmul(current, beta, state, out=potential)
    torch.gt(potential, threshold, out=spike)
    if subtract_reset:
        return torch.addcmul(potential, spike, threshold, value=-1.0, out=state)
    return torch.mul(potential, spike.logical_not(), out=state)


def _post_reset_states(potentials, spikes, threshold, subtract_reset):
    if subtract_reset:
        return potentials - spikes * threshold
    return potentials * (1.0 - spikes)


class LIF(nn.Module):
    r"""A layer of leaky integrate-and-fire neurons.

    At each time step :math:`t` the membrane potential :math:`u_t` integrates the
    input current :math:`I_t` and the decayed state :math:`v_{t-1}` left by the
    previous step; the neuron spikes when it crosses the threshold
    :math:`\theta`, and is then reset:

    .. math::

        u_t &= \beta\, v_{t-1} + I_t, \qquad v_{-1} = 0 \\
        s_t &= \Theta(u_t - \theta) \\
        v_t &= u_t - \theta\, s_t \quad \text{(reset="subtract")}
        \qquad\text{or}\qquad v_t = u_t\,(1 - s_t) \quad \text{(reset="zero")}

    In the backward pass the Heaviside :math:`\Theta` has the surrogate
    derivative of ``surrogate``; the reset is treated as a constant (as snntorch
    does), so gradients flow through the leak but not through the reset.

    Parameters
    ----------
    size : int
        Number of neurons.
    beta : float
        Membrane decay per step, in [0, 1].
    threshold : float
        Firing threshold, >= ``MIN_THRESHOLD`` (0.001); a smaller one acts as it.
    reset : {"subtract", "zero"}
        What a spike does to the membrane.
    surrogate : object with a ``chain_`` method
        Surrogate gradient, see :mod:`snn_sklearn.surrogates`.
    learn_beta, learn_threshold : bool
        Learn one decay / threshold per neuron if True.
    """

    def __init__(self, size, beta, threshold, reset, surrogate, learn_beta, learn_threshold):
        super().__init__()
        self.reset = reset
        self.surrogate = surrogate
        _register(self, "beta", torch.full((size,), float(beta)), learn_beta)
        _register(self, "threshold", torch.full((size,), float(threshold)), learn_threshold)

    def effective_parameters(self):
        """``beta`` clamped to [0, 1] and ``threshold`` to at least ``MIN_THRESHOLD``, as used.

        Learned values can leave these ranges; the layer computes with the clamped ones.

        Returns
        -------
        beta, threshold : torch.Tensor of shape (size,)
        """
        return self.beta.clamp(0.0, 1.0), self.threshold.clamp_min(MIN_THRESHOLD)

    def forward(self, current, n_steps, keep_potentials=True):
        """Run the layer over ``n_steps`` steps.

        Parameters
        ----------
        current : torch.Tensor of shape (batch, size) or (n_steps, batch, size)
            Input current; a 2-D current is held constant over time.
        n_steps : int
            Number of time steps.
        keep_potentials : bool, default=True
            Return the membrane potentials. Only honoured outside autograd:
            training always keeps them for the backward pass.

        Returns
        -------
        spikes : torch.Tensor of shape (n_steps, batch, size)
            Binary spikes, with surrogate gradients.
        potentials : torch.Tensor of shape (n_steps, batch, size) or None
            Membrane potentials before reset (not differentiable).
        """
        beta, threshold = self.effective_parameters()
        subtract_reset = self.reset == "subtract"
        if not torch.is_grad_enabled() or not (
            current.requires_grad or beta.requires_grad or threshold.requires_grad
        ):
            return simulate(current, beta, threshold, n_steps, subtract_reset, keep_potentials)
        return _LIFRecurrence.apply(
            current,
            beta,
            threshold,
            n_steps,
            subtract_reset,
            self.surrogate,
        )

    def pooled(self, current, weights):
        """The weighted sum over time of the spikes :meth:`forward` makes, never storing them.

        For inference, without autograd; see :func:`simulate_pooled`.

        Parameters
        ----------
        current : torch.Tensor of shape (batch, size) or (n_steps, batch, size)
            Input current; a 2-D current is held constant over time.
        weights : sequence of float
            One weight per time step; its length is the number of steps.

        Returns
        -------
        pooled : torch.Tensor of shape (batch, size)
        """
        beta, threshold = self.effective_parameters()
        return simulate_pooled(current, beta, threshold, self.reset == "subtract", weights)


def _register(module, name, value, learnable):
    if learnable:
        module.register_parameter(name, nn.Parameter(value))
    else:
        module.register_buffer(name, value)
