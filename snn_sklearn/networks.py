"""The torch networks behind the estimators: spiking and non-spiking."""

import math
from itertools import pairwise

import torch
from torch import nn

from ._embedding_lookup import embedded_linear
from .embeddings import PiecewiseLinearEmbedding
from .encoders import make_encoder
from .neurons import LIF
from .readouts import (
    SPIKE_COUNT_SURROGATE_SLOPE,
    MembraneReadout,
    SpikeCountReadout,
    mean_coefficients,
)
from .surrogates import make_surrogate

#: A hidden layer whose neurons spike less often than this at initialisation
#: (fraction per neuron and step, on the training rows) is woken up.
MIN_INITIAL_FIRING_RATE = 0.01
#: A silent layer's weights are doubled at most this many times.
MAX_WAKE_DOUBLINGS = 10


class SpikingNetwork(nn.Module):
    r"""Encoder, fully connected LIF layers, and a readout over time.

    Each hidden layer is ``Linear`` followed by :class:`~snn_sklearn.neurons.LIF`.
    Its ``Linear`` runs once over all time steps (one ``(n_steps * batch, size)``
    matmul), or once in total when its input is static (direct encoding).

    Parameters
    ----------
    n_features : int
        Number of input features.
    hidden_layer_sizes : tuple of int
        Width of each hidden LIF layer.
    n_outputs : int
        Number of outputs (classes or regression targets).
    n_steps : int
        Number of simulated time steps.
    encoder : str
        Name of the input encoder, see :mod:`snn_sklearn.encoders`.
    beta, threshold : float
        Initial membrane decay and firing threshold of every LIF neuron.
    reset : {"subtract", "zero"}
        Reset after a spike.
    surrogate : str
        Name of the surrogate gradient, see :mod:`snn_sklearn.surrogates`.
    surrogate_slope : float
        Its steepness; the spike-count readout's output neurons use at most
        :data:`~snn_sklearn.readouts.SPIKE_COUNT_SURROGATE_SLOPE`.
    learn_beta, learn_threshold : bool
        Learn decay / threshold per neuron.
    readout : {"mean", "max", "spike_count"}
        How output potentials or spikes are reduced over time.
    embedding : PiecewiseLinearEmbedding or None, default=None
        Static numeric embedding applied to the features before the encoder,
        see :mod:`snn_sklearn.embeddings`; ``None`` feeds the features as they are.
    """

    def __init__(
        self,
        n_features,
        hidden_layer_sizes,
        n_outputs,
        *,
        n_steps,
        encoder,
        beta,
        threshold,
        reset,
        surrogate,
        surrogate_slope,
        learn_beta,
        learn_threshold,
        readout,
        embedding=None,
    ):
        super().__init__()
        self.n_steps = n_steps
        self.embedding = embedding
        self.encoder = make_encoder(encoder)
        spike_function = make_surrogate(surrogate, surrogate_slope)

        def lif(size, spike_function=spike_function):
            return LIF(size, beta, threshold, reset, spike_function, learn_beta, learn_threshold)

        n_channels = n_features if embedding is None else embedding.n_outputs
        sizes = [self.encoder.n_inputs(n_channels), *hidden_layer_sizes]
        self.linears = nn.ModuleList(nn.Linear(a, b) for a, b in pairwise(sizes))
        self.neurons = nn.ModuleList(lif(size) for size in hidden_layer_sizes)
        if readout == "spike_count":
            output_slope = min(surrogate_slope, SPIKE_COUNT_SURROGATE_SLOPE)
            output_neurons = lif(n_outputs, make_surrogate(surrogate, output_slope))
            self.readout = SpikeCountReadout(sizes[-1], n_outputs, output_neurons)
        else:
            self.readout = MembraneReadout(sizes[-1], n_outputs, beta, readout)

    def forward(self, x, generator=None, return_rate=False):
        """Map features ``(batch, n_features)`` to outputs ``(batch, n_outputs)``.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, n_features)
        generator : torch.Generator or None, default=None
            What a stochastic encoder draws from in training, see :meth:`encode`.
        return_rate : bool, default=False
            Also return each sample's :func:`hidden_firing_rate`, ``(batch,)``,
            for a firing-rate penalty; otherwise it is never computed.

        Notes
        -----
        Without autograd and with the mean readout, the outputs come from
        :meth:`_pooled_forward`, which computes the same outputs with less
        memory traffic.
        """
        if not return_rate and not torch.is_grad_enabled() and self._reads_out_the_mean():
            return self._pooled_forward(x, generator)
        layers = self._hidden_layers(self.encode(x, generator), keep_potentials=False)
        if return_rate:
            hidden_spikes = [spikes for spikes, _ in layers]
            return self.readout(hidden_spikes[-1]), hidden_firing_rate(hidden_spikes)
        *_, (spikes, _) = layers
        return self.readout(spikes)

    def encode(self, x, generator=None):
        """The encoder's output for features ``(batch, n_features)``: the first layer's input.

        It is ``(batch, n_features)`` for a static code, ``(n_steps, batch, n_inputs)``
        otherwise; stochastic encoders draw from ``generator`` in training, and
        from a hash of the input in eval mode.
        """
        if self.embedding is not None:
            x = self.embedding(x)
        return self.encoder(x, self.n_steps, generator if self.training else None)

    def record(self, x, signal=None):
        """Spikes and membrane potentials of every layer, for one batch.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, n_features)
        signal : torch.Tensor, default=None
            ``encode(x)``, if the caller has it already.

        Returns
        -------
        layers : list of (spikes, potentials)
            One pair of ``(n_steps, batch, size)`` tensors per hidden layer;
            the last pair is the readout's ``(None, membrane)``, or its spikes
            and membrane for the spike-count readout.
        """
        signal = self.encode(x) if signal is None else signal
        layers = list(self._hidden_layers(signal, keep_potentials=True))
        return [*layers, self.readout.record(layers[-1][0])]

    def wake_silent_layers(self, x):
        """Scale up the weights of hidden layers that would start (almost) silent.

        The default initialisation assumes dense inputs of unit variance. Sparse
        spike codes (the ``"latency"`` encoder fires once per channel) or a
        quiet layer below drive a layer with a fraction of that current; its
        neurons then never reach threshold, the surrogate gradient vanishes
        and the network learns nothing (breast cancer at chance with latency
        coding). Layer by layer, on ``x``, each layer's weights are doubled
        until at least :data:`MIN_INITIAL_FIRING_RATE` of its neurons spike
        per step, at most :data:`MAX_WAKE_DOUBLINGS` times; a layer that
        already fires that often is left exactly as it was. The encoder runs
        deterministically (as at prediction), so no random state is drawn.

        Parameters
        ----------
        x : torch.Tensor of shape (batch, n_features)
            Training features.
        """
        training = self.training
        self.eval()
        with torch.no_grad():
            signal = self.encode(x)
            for linear, neurons in zip(self.linears, self.neurons, strict=True):
                for doublings in range(MAX_WAKE_DOUBLINGS + 1):
                    spikes, _ = neurons(linear(signal), self.n_steps, keep_potentials=False)
                    if spikes.mean() >= MIN_INITIAL_FIRING_RATE or doublings == MAX_WAKE_DOUBLINGS:
                        break
                    linear.weight.mul_(2.0)
                signal = spikes
        self.train(training)

    @property
    def inference_kept_steps(self):
        """Time steps of activity that :meth:`forward` keeps at once without autograd.

        1 where the only hidden layer, driven by a static encoder's current, is
        pooled as it runs (see :meth:`_pooled_forward`), else ``n_steps``: a
        temporal encoder's output and the current it drives have a row per step.
        """
        pooled_alone = len(self.neurons) == 1 and self._reads_out_the_mean()
        return 1 if pooled_alone and self.encoder.static else self.n_steps

    def _reads_out_the_mean(self):
        return isinstance(self.readout, MembraneReadout) and self.readout.reduction == "mean"

    def _pooled_forward(self, x, generator):
        """The outputs, without autograd, for the mean readout.

        The first layer reads the numeric embedding by table lookups
        (:func:`~snn_sklearn._embedding_lookup.embedded_linear`) where the
        encoder passes it on unchanged, and the last hidden layer's spikes
        are pooled over time as they are made
        (:meth:`~snn_sklearn.neurons.LIF.pooled`), never stored.
        """
        if self.embedding is not None and self.encoder.name == "direct":
            current = embedded_linear(self.embedding, self.linears[0], x)
        else:
            current = self.linears[0](self.encode(x, generator))
        for linear, neurons in zip(self.linears[1:], self.neurons[:-1], strict=True):
            spikes, _ = neurons(current, self.n_steps, keep_potentials=False)
            current = linear(spikes)
        coefficients = mean_coefficients(
            self.readout.beta, self.n_steps, current.dtype, current.device
        )
        pooled = self.neurons[-1].pooled(current, coefficients.tolist())
        return self.readout.mean_from_pooled(pooled, coefficients)

    def _hidden_layers(self, signal, keep_potentials):
        for linear, neurons in zip(self.linears, self.neurons, strict=True):
            spikes, potentials = neurons(linear(signal), self.n_steps, keep_potentials)
            yield spikes, potentials
            signal = spikes


def hidden_firing_rate(hidden_spikes):
    r"""Fraction of hidden neurons that spike per step, for each sample.

    .. math:: r_i = \frac{1}{T N} \sum_{t=1}^{T} \sum_{j=1}^{N} s_{tij}

    over the :math:`T` steps and the :math:`N` neurons of all hidden layers
    together. It is differentiable through the surrogate gradient of the spikes.

    Parameters
    ----------
    hidden_spikes : list of torch.Tensor of shape (n_steps, batch, size)
        The spikes of each hidden layer.

    Returns
    -------
    rate : torch.Tensor of shape (batch,)
    """
    n_steps = hidden_spikes[0].shape[0]
    n_neurons = sum(spikes.shape[-1] for spikes in hidden_spikes)
    counts = sum(spikes.sum((0, 2)) for spikes in hidden_spikes)
    return counts / (n_steps * n_neurons)


class DenseNetwork(nn.Module):
    """A plain multi-layer perceptron: ``Linear`` + ReLU hidden layers.

    The non-spiking twin of :class:`SpikingNetwork` with the same widths.

    Parameters
    ----------
    n_features : int
        Number of input features.
    hidden_layer_sizes : tuple of int
        Width of each hidden layer.
    n_outputs : int
        Number of outputs.
    embedding : PiecewiseLinearEmbedding or None, default=None
        Static numeric embedding applied to the features first, see
        :mod:`snn_sklearn.embeddings`; ``None`` feeds the features as they are.
    """

    def __init__(self, n_features, hidden_layer_sizes, n_outputs, embedding=None):
        super().__init__()
        sizes = [n_features if embedding is None else embedding.n_outputs, *hidden_layer_sizes]
        layers = [] if embedding is None else [embedding]
        for a, b in pairwise(sizes):
            layers += [nn.Linear(a, b), nn.ReLU()]
        layers.append(nn.Linear(sizes[-1], n_outputs))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        """Map features ``(batch, n_features)`` to outputs ``(batch, n_outputs)``.

        Without autograd, the first ``Linear`` reads the numeric embedding by
        table lookups, see :func:`~snn_sklearn._embedding_lookup.embedded_linear`.
        """
        if torch.is_grad_enabled() or not isinstance(self.layers[0], PiecewiseLinearEmbedding):
            return self.layers(x)
        embedding, linear = self.layers[:2]
        return self.layers[2:](embedded_linear(embedding, linear, x))


def initialize_weights(module, generator):
    """Draw every ``Linear`` layer's weights from ``generator``.

    Same distribution as PyTorch's default initialisation (uniform in
    :math:`\\pm 1/\\sqrt{fan\\_in}`), but reproducible without touching the global
    random state.

    Parameters
    ----------
    module : torch.nn.Module
        Network whose ``Linear`` layers are reset in place.
    generator : torch.Generator
        Source of randomness.
    """
    with torch.no_grad():
        for layer in module.modules():
            if isinstance(layer, nn.Linear):
                bound = 1.0 / math.sqrt(layer.in_features)
                layer.weight.uniform_(-bound, bound, generator=generator)
                layer.bias.uniform_(-bound, bound, generator=generator)
        for layer in module.modules():
            if isinstance(layer, SpikeCountReadout):
                layer.start_at_threshold()
