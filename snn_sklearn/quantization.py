r"""Post-training quantization of a fitted spiking estimator's weights.

Integer neuromorphic chips store each synaptic weight in a few bits. With
``weight_bits`` bits, each layer gets one symmetric scale

.. math:: s = \frac{\max_{ij} |W_{ij}|}{2^{\text{weight\_bits} - 1} - 1},

and its weights become integers :math:`q_{ij} = \mathrm{round}(W_{ij} / s)` in
:math:`[-(2^{b-1} - 1),\ 2^{b-1} - 1]`: at most :math:`2^b - 1` distinct values.
The layer's biases and the firing thresholds of the neurons it drives are
rounded to integer multiples of the same scale, unclipped (chips hold them in
wider registers). Divided by :math:`s`, the layer then computes in integer units
of :math:`s`: integer weights, integer biases, integer thresholds, which is what
an integer chip computes for spiking (0/1) inputs. The decays ``beta`` are not
quantized.

The quantized values are stored as the integers times the scale, so the
quantized estimator predicts with the float arithmetic it always uses, and its
NIR export (``to_nir(estimator, weight_bits=...)``) is an ordinary float-valued
graph that every NIR reader loads.
"""

import copy
import math
from numbers import Integral

import torch
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from .neurons import MIN_THRESHOLD
from .readouts import SpikeCountReadout
from .spiking import SpikingClassifier, SpikingRegressor

__all__ = ["WEIGHT_BITS", "quantize"]

#: The weight widths :func:`quantize` and ``to_nir`` accept.
WEIGHT_BITS = (4, 8, 16)


def quantize(estimator, weight_bits):
    """A copy of a fitted spiking estimator whose weights are quantized to ``weight_bits`` bits.

    Per layer, the weights become integer multiples of one symmetric scale
    ``max|W| / (2**(weight_bits - 1) - 1)``, and the biases and the thresholds of
    the neurons the layer drives become integer multiples of the same scale (see
    :mod:`snn_sklearn.quantization`). The copy's ``predict`` computes with the
    quantized values, so its score is the accuracy after quantization.

    Parameters
    ----------
    estimator : SpikingClassifier, SpikingRegressor, or Pipeline ending in one
        A fitted estimator; a pipeline is copied with its final step quantized.
    weight_bits : {4, 8, 16}
        Bits per weight, sign included.

    Returns
    -------
    quantized : same type as ``estimator``
        A deep copy; ``estimator`` itself is left as it is.

    Raises
    ------
    ValueError
        If ``weight_bits`` is not 4, 8 or 16.
    TypeError
        If the (final) estimator is not a spiking estimator.
    sklearn.exceptions.NotFittedError
        If it is not fitted.

    See Also
    --------
    snn_sklearn.export.to_nir : Exports the quantized network with ``weight_bits``.

    Examples
    --------
    >>> import numpy as np
    >>> from snn_sklearn import SpikingClassifier
    >>> from snn_sklearn.quantization import quantize
    >>> X = np.random.default_rng(0).normal(size=(40, 3))
    >>> clf = SpikingClassifier((8,), max_iter=5, random_state=0).fit(X, X[:, 0] > 0)
    >>> weights = quantize(clf, 4).net_.module_.linears[0].weight
    >>> len(weights.unique()) <= 2**4
    True
    """
    check_weight_bits(weight_bits)
    final = _final_step(estimator)
    if not isinstance(final, SpikingClassifier | SpikingRegressor):
        raise TypeError(
            "quantize needs a fitted SpikingClassifier or SpikingRegressor (or a Pipeline "
            f"ending in one), got {type(final).__name__}."
        )
    check_is_fitted(final)
    quantized = copy.deepcopy(estimator)
    quantize_network(_final_step(quantized).net_.module_, weight_bits)
    return quantized


def _final_step(estimator):
    """The estimator itself, or a pipeline's last step."""
    return estimator[-1] if isinstance(estimator, Pipeline) else estimator


def check_weight_bits(weight_bits, allow_none=False):
    """Raise a ValueError unless ``weight_bits`` is one of :data:`WEIGHT_BITS`.

    Parameters
    ----------
    weight_bits : object
        The value to check.
    allow_none : bool, default=False
        Also accept ``None`` (no quantization).

    Raises
    ------
    ValueError
        ``weight_bits must be one of 4, 8, 16, got ...``.
    """
    if allow_none and weight_bits is None:
        return
    if (
        not isinstance(weight_bits, Integral)
        or isinstance(weight_bits, bool)
        or weight_bits not in WEIGHT_BITS
    ):
        accepted = ", ".join(map(str, WEIGHT_BITS))
        if allow_none:
            accepted += " or None (no quantization)"
        raise ValueError(f"weight_bits must be one of {accepted}, got {weight_bits!r}.")


@torch.no_grad()
def quantize_network(module, weight_bits):
    """Quantize a spiking network's layers in place.

    Parameters
    ----------
    module : snn_sklearn.networks.SpikingNetwork
        The fitted network.
    weight_bits : int
        Bits per weight, one of :data:`WEIGHT_BITS`.

    Returns
    -------
    scales : list of float
        The scale of each layer: the hidden layers in order, then the readout.
    """
    readout = module.readout
    layers = list(zip(module.linears, module.neurons, strict=True))
    layers.append(
        (readout.linear, readout.neurons if isinstance(readout, SpikeCountReadout) else None)
    )
    return [_quantize_layer(linear, neurons, weight_bits) for linear, neurons in layers]


def _quantize_layer(linear, neurons, weight_bits):
    largest = 2 ** (weight_bits - 1) - 1
    magnitude = float(linear.weight.abs().max())
    # An all-zero layer stays zero whatever the scale; 1 keeps the division defined.
    scale = magnitude / largest if magnitude > 0 else 1.0
    linear.weight.copy_(torch.round(linear.weight / scale).clamp(-largest, largest) * scale)
    linear.bias.copy_(torch.round(linear.bias / scale) * scale)
    if neurons is not None:
        _, threshold = neurons.effective_parameters()
        # The layer clamps thresholds to MIN_THRESHOLD: stay on the grid at or above it.
        steps = torch.round(threshold / scale).clamp_min(math.ceil(MIN_THRESHOLD / scale))
        neurons.threshold.copy_(steps * scale)
    return scale
