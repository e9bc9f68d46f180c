"""Surrogate gradients for the Heaviside spike function.

A spiking neuron emits ``s = H(u - threshold)``, whose derivative is zero almost
everywhere. Training by back-propagation through time replaces that derivative by
a smooth *surrogate* ``sigma'(u - threshold)`` in the backward pass, while the
forward pass keeps the exact step.

Each surrogate is a small module-level class (never a closure), so a network that
holds one pickles and survives ``torch.save`` and ``sklearn.base.clone``. Its
``chain_(x, grad)`` works in place on a temporary the caller owns: it turns
``x = u - threshold`` into ``grad`` times the surrogate derivative there, the
gradient that reaches ``u`` through its spike.
"""

import math

import torch


class FastSigmoid:
    r"""Derivative of the fast sigmoid (Zenke & Ganguli, 2018).

    .. math:: \sigma'(x) = \frac{1}{(1 + k\,|x|)^2}

    Parameters
    ----------
    slope : float
        Steepness ``k``; larger values approach the true (zero) derivative.
    """

    name = "fast_sigmoid"

    def __init__(self, slope):
        self.slope = slope

    def chain_(self, x, grad):
        """Overwrite ``x = u - threshold`` with ``grad`` times the surrogate derivative there.

        Parameters
        ----------
        x : torch.Tensor
            Distance of the membrane potential to the threshold; overwritten.
        grad : torch.Tensor
            Gradient with respect to the spikes, shaped like ``x``.

        Returns
        -------
        x : torch.Tensor
        """
        x.abs_().mul_(self.slope).add_(1.0).square_()
        return torch.div(grad, x, out=x)


class ATan:
    r"""Derivative of the arc-tangent surrogate (Fang et al., 2021).

    .. math:: \sigma'(x) = \frac{k / 2}{1 + (\frac{\pi}{2} k x)^2}

    Parameters
    ----------
    slope : float
        Steepness ``k``.
    """

    name = "atan"

    def __init__(self, slope):
        self.slope = slope

    def chain_(self, x, grad):
        """Overwrite ``x = u - threshold`` with ``grad`` times the surrogate derivative there.

        See :meth:`FastSigmoid.chain_`.
        """
        x.mul_(math.pi / 2 * self.slope).square_().add_(1.0).mul_(2.0 / self.slope)
        return torch.div(grad, x, out=x)


class Sigmoid:
    r"""Derivative of the logistic sigmoid.

    .. math:: \sigma'(x) = k\,\mathrm{sig}(k x)\,(1 - \mathrm{sig}(k x))

    Parameters
    ----------
    slope : float
        Steepness ``k``.
    """

    name = "sigmoid"

    def __init__(self, slope):
        self.slope = slope

    def chain_(self, x, grad):
        """Overwrite ``x = u - threshold`` with ``grad`` times the surrogate derivative there.

        See :meth:`FastSigmoid.chain_`.
        """
        sig = x.mul_(self.slope).sigmoid_()
        sig.sub_(sig.square()).mul_(self.slope)
        return sig.mul_(grad)


SURROGATES = {cls.name: cls for cls in (FastSigmoid, ATan, Sigmoid)}


def make_surrogate(name, slope):
    """Build the surrogate called ``name`` with steepness ``slope``.

    Parameters
    ----------
    name : {"fast_sigmoid", "atan", "sigmoid"}
        Which surrogate derivative to use.
    slope : float
        Its steepness.

    Returns
    -------
    surrogate : FastSigmoid, ATan or Sigmoid
    """
    return SURROGATES[name](slope)
