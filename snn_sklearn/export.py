r"""Export a fitted spiking estimator to the Neuromorphic Intermediate Representation (NIR).

`NIR <https://neuroir.org>`_ describes a spiking network as a graph of
continuous-time primitives; simulators and neuromorphic chips read it. A
fitted :class:`~snn_sklearn.SpikingClassifier` or
:class:`~snn_sklearn.SpikingRegressor` becomes the chain

.. code-block:: text

    input -> affine_1 -> lif_1 -> ... -> affine_k -> lif_k -> affine_out -> li_out -> output

with the fitted weights and biases in the ``Affine`` nodes, one ``LIF`` node per
hidden layer, and the readout as a leaky integrator ``LI`` (``readout="mean"``
or ``"max"``) or as spiking ``LIF`` output neurons (``readout="spike_count"``).

Time step convention. A NIR neuron obeys :math:`\tau \dot v = (v_{leak} - v) + R I`;
one forward-Euler step of length :math:`\Delta t` gives
:math:`v_t = (1 - \Delta t/\tau)\, v_{t-1} + (\Delta t/\tau) R\, I_t`. With

.. math:: \tau = \frac{\Delta t}{1 - \beta}, \qquad R = \frac{\tau}{\Delta t}, \qquad v_{leak} = 0

this is exactly the estimator's :math:`u_t = \beta v_{t-1} + I_t`. The default
:math:`\Delta t = 10^{-4}` s is snntorch's convention, the one its
``import_from_nir`` assumes. Neurons with :math:`\beta = 1` (no leak) have an
infinite time constant and become ``IF`` (hidden) or ``I`` (readout) nodes
with :math:`R = 1/\Delta t`.

What the graph does not contain is recorded in ``graph.metadata``: ``dt``,
``n_steps``, the ``encoder`` that turns features into the graph's input (see
:func:`graph_input`), the ``reset``, the ``readout`` and how its output trace is
reduced over the ``n_steps`` steps (``output_reduction``: ``"mean"``, ``"max"``
or ``"sum"``), and how the reduced output becomes a prediction (``classes`` for a
classifier, ``target_mean`` and ``target_scale`` for a regressor).

The export refuses what the graph would compute differently: NIR's ``LIF``
resets to ``v_reset``, so only ``reset="zero"`` exports; a subtract reset raises
a :class:`ValueError`. The stochastic encoders (``"rate"``, ``"noisy"``) export
with a :class:`NIRExportWarning`: the graph is exact for the input
:func:`graph_input` draws, but another noise source gives other predictions.
"""

import copy
import json
import math
import warnings
from numbers import Real

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._inference import forward_chunks, validate_for_predict
from ._onnx import ONNX_OPSET, register_skl2onnx, to_onnx, write_onnx
from ._optional import import_optional
from ._state import to_numpy
from ._version import __version__
from .nonspiking import NonSpikingClassifier, NonSpikingRegressor
from .quantization import check_weight_bits, quantize_network
from .readouts import SpikeCountReadout
from .spiking import SpikingClassifier, SpikingRegressor
from .targets import TARGETS, TargetReport, graph_checks

__all__ = [
    "DEFAULT_DT",
    "ONNX_OPSET",
    "NIRExportWarning",
    "TargetReport",
    "check_target",
    "graph_input",
    "register_skl2onnx",
    "to_nir",
    "to_onnx",
    "write_nir",
    "write_onnx",
]

#: Default time step in seconds: snntorch's convention, assumed by its ``import_from_nir``.
DEFAULT_DT = 1e-4

_OUTPUT_REDUCTIONS = {"mean": "mean", "max": "max", "spike_count": "sum"}


class NIRExportWarning(UserWarning):
    """The exported graph is exact only for the input :func:`graph_input` produces."""


def to_nir(estimator, *, dt=DEFAULT_DT, weight_bits=None):
    """Export a fitted spiking estimator as a NIR graph.

    Parameters
    ----------
    estimator : SpikingClassifier or SpikingRegressor
        A fitted spiking estimator with ``reset="zero"``.
    dt : float, default=1e-4
        Time step in seconds that the time constants refer to:
        ``tau = dt / (1 - beta)``. The default is snntorch's convention; use
        the one the reading library assumes (e.g. ``dt=1`` for a library that
        counts in steps).
    weight_bits : {None, 4, 8, 16}, default=None
        Quantize the weights to this many bits, as
        :func:`snn_sklearn.quantization.quantize` does: per layer one symmetric
        scale ``s``, the weights integer multiples ``q * s`` with
        ``|q| <= 2**(weight_bits - 1) - 1``, the biases and the thresholds of the
        neurons the layer drives integer multiples of ``s`` too. The ``Affine``
        nodes hold the products ``q * s`` as floats, so the graph stays an
        ordinary NIR graph that every reader loads and that computes what
        ``quantize(estimator, weight_bits)`` predicts; each ``Affine`` node's
        ``metadata["weight_scale"]`` holds ``s``, so an integer toolchain
        recovers ``q = weight / s``, and ``graph.metadata["weight_bits"]`` the
        width. ``None`` exports the fitted float weights.

    Returns
    -------
    graph : nir.NIRGraph
        Nodes ``input``, ``affine_1``, ``lif_1``, ..., ``affine_out``, ``li_out``
        (membrane readouts) or ``lif_out`` (``readout="spike_count"``), and
        ``output``, chained in that order; the settings it needs to reproduce
        the estimator are in ``graph.metadata`` (see :mod:`snn_sklearn.export`).

    Raises
    ------
    ImportError
        If the optional dependency ``nir`` is not installed.
    TypeError
        If ``estimator`` is not a spiking estimator (a pipeline, a non-spiking
        estimator).
    ValueError
        If the graph could not compute what the estimator computes:
        ``reset="subtract"``, or a layer that mixes neurons with ``beta=1`` and
        ``beta<1`` (possible with ``learn_beta=True``); if ``dt`` is not a
        positive finite number; or if ``weight_bits`` is not None, 4, 8 or 16.
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.

    Warns
    -----
    NIRExportWarning
        For the stochastic encoders ``"rate"`` and ``"noisy"``.

    See Also
    --------
    write_nir : Export to a NIR file.
    graph_input : The input the graph expects, per sample and time step.

    Examples
    --------
    >>> import numpy as np
    >>> from snn_sklearn import SpikingClassifier
    >>> from snn_sklearn.export import to_nir
    >>> X = np.random.default_rng(0).normal(size=(40, 3))
    >>> clf = SpikingClassifier((8,), reset="zero", max_iter=5, random_state=0)
    >>> graph = to_nir(clf.fit(X, X[:, 0] > 0))
    >>> list(graph.nodes)
    ['input', 'affine_1', 'lif_1', 'affine_out', 'li_out', 'output']
    >>> graph.metadata["output_reduction"]
    'mean'
    """
    nir = _import_nir()
    _check_exportable(estimator, "to_nir")
    if not isinstance(dt, Real) or isinstance(dt, bool) or not (math.isfinite(dt) and dt > 0):
        raise ValueError(f"dt must be a positive finite number of seconds, got {dt!r}.")
    check_weight_bits(weight_bits, allow_none=True)
    scales = None
    if weight_bits is not None:
        estimator = copy.deepcopy(estimator)
        scales = quantize_network(estimator.net_.module_, weight_bits)
    module = estimator.net_.module_
    # The fitted network, not the parameters, which set_params may have changed since fit.
    settings = _fitted_settings(module)
    if settings["reset"] != "zero":
        raise ValueError(
            f"to_nir cannot export reset={settings['reset']!r}: NIR's LIF neuron resets its "
            "membrane to v_reset after a spike and has no subtract reset, so the graph "
            "would compute something else than the estimator. Refit with reset='zero'."
        )
    if module.encoder.stochastic:
        warnings.warn(
            f"encoder={settings['encoder']!r} draws random input: the exported graph "
            "reproduces the estimator's predictions only for the draws graph_input() "
            "returns; another noise source gives the same distribution but other "
            "predictions.",
            NIRExportWarning,
            stacklevel=2,
        )
    n_inputs = module.linears[0].in_features
    nodes = {"input": nir.Input(input_type={"input": np.array([n_inputs])})}
    for index, (linear, neurons) in enumerate(
        zip(module.linears, module.neurons, strict=True), start=1
    ):
        nodes[f"affine_{index}"] = _affine(nir, linear)
        nodes[f"lif_{index}"] = _spiking_node(nir, neurons, dt, f"hidden layer {index}")
    readout = module.readout
    nodes["affine_out"] = _affine(nir, readout.linear)
    if isinstance(readout, SpikeCountReadout):
        nodes["lif_out"] = _spiking_node(nir, readout.neurons, dt, "the output layer")
    else:
        nodes["li_out"] = _integrator_node(nir, readout.beta, readout.linear.out_features, dt)
    nodes["output"] = nir.Output(output_type={"output": np.array([readout.linear.out_features])})
    metadata = _metadata(estimator, settings, dt)
    if scales is not None:
        metadata["weight_bits"] = int(weight_bits)
        affines = [name for name in nodes if name.startswith("affine_")]
        for name, scale in zip(affines, scales, strict=True):
            nodes[name].metadata["weight_scale"] = float(scale)
    names = list(nodes)
    return nir.NIRGraph(
        nodes=nodes,
        edges=list(zip(names[:-1], names[1:], strict=True)),
        metadata=metadata,
    )


def write_nir(estimator, path, *, dt=DEFAULT_DT, weight_bits=None):
    """Export a fitted spiking estimator to a NIR file (HDF5).

    Parameters
    ----------
    estimator : SpikingClassifier or SpikingRegressor
        A fitted spiking estimator with ``reset="zero"``.
    path : str or path-like
        File to write; ``nir.read(path)`` loads the graph back.
    dt : float, default=1e-4
        Time step in seconds, see :func:`to_nir`.
    weight_bits : {None, 4, 8, 16}, default=None
        Quantize the weights to this many bits, see :func:`to_nir`.

    Raises
    ------
    ImportError, TypeError, ValueError, sklearn.exceptions.NotFittedError
        As :func:`to_nir`.

    See Also
    --------
    to_nir : The graph that is written.

    Examples
    --------
    >>> import tempfile, os
    >>> import nir
    >>> import numpy as np
    >>> from snn_sklearn import SpikingRegressor
    >>> from snn_sklearn.export import write_nir
    >>> X = np.random.default_rng(0).normal(size=(40, 3))
    >>> reg = SpikingRegressor((8,), reset="zero", max_iter=5, random_state=0).fit(X, X.sum(1))
    >>> path = os.path.join(tempfile.mkdtemp(), "model.nir")
    >>> write_nir(reg, path)
    >>> nir.read(path).metadata["readout"]
    'mean'
    """
    nir = _import_nir()
    nir.write(path, to_nir(estimator, dt=dt, weight_bits=weight_bits))


def check_target(estimator_or_graph, target):
    """Check whether a model fits a neuromorphic chip, limit by limit, before its toolchain runs.

    An estimator is checked as ``to_nir(estimator, weight_bits=8)`` exports it,
    since the three targets store 8-bit weights; a graph as it is. Each limit
    is taken from the target's own toolchain (see :mod:`snn_sklearn.targets`
    for the files):

    - ``"xylo"`` (SynSense Xylo Audio 2, rockpool 3.1.0's
      ``devices/xylo/syns61201/xylo_mapper.py``, ``xylo_sim.py`` and
      ``nn/modules/torch/lif_bitshift_torch.py``): at most 16 input channels,
      1000 hidden neurons and 8 output neurons, at least 2 neuron layers, int8
      weights and biases, int16 thresholds, bit-shift decays
      ``beta = 1 - 2**-dash``, integer event input.
    - ``"speck"`` (SynSense Speck, sinabs 3.1.3's ``backend/dynapcnn``): at
      most 9 layers, each on its own core within the core's kernel, neuron and
      bias memory, 8-bit weights and biases, 16-bit thresholds,
      integrate-and-fire neurons without leak, spike input.
    - ``"spinnaker2"`` (py-spinnaker2's ``spinnaker2/s2_nir.py`` and NIR's
      ``docs/source/examples/spinnaker2/supported_primitives.md``): node types
      ``Affine``, ``LIF``, ``IF`` (no ``LI``, so ``readout="spike_count"``),
      weights in [-127, 127], spike input. No neurons-per-core limit was found
      in either source, so none is checked.

    Parameters
    ----------
    estimator_or_graph : SpikingClassifier, SpikingRegressor or nir.NIRGraph
        A fitted spiking estimator with ``reset="zero"``, or a graph written by
        :func:`to_nir`.
    target : {"xylo", "speck", "spinnaker2"}
        The chip.

    Returns
    -------
    report : TargetReport
        ``report.fits`` is True if every limit is met; ``report.checks`` holds
        each limit, the model's value and whether it fits, ``report.failures``
        the ones exceeded; ``str(report)`` says it in words, with the sources.

    Raises
    ------
    ValueError
        If ``target`` is not one of the known targets; if a graph's edges are
        not one chain from its ``"input"`` to its ``"output"`` node through
        every node, as :func:`to_nir` writes them; or as :func:`to_nir` raises
        for an estimator it cannot export.
    ImportError, TypeError, sklearn.exceptions.NotFittedError
        As :func:`to_nir`.

    See Also
    --------
    to_nir : The graph that is checked.

    Examples
    --------
    >>> import numpy as np
    >>> from snn_sklearn import SpikingClassifier
    >>> from snn_sklearn.export import check_target
    >>> X = np.random.default_rng(0).normal(size=(40, 3))
    >>> clf = SpikingClassifier((8,), input_bins=0, reset="zero", max_iter=5, random_state=0)
    >>> report = check_target(clf.fit(X, X[:, 0] > 0), "xylo")
    >>> [check.limit for check in report.failures]
    ['membrane decays', 'input']
    """
    nir = _import_nir()
    if target not in TARGETS:
        raise ValueError(f"target must be one of {', '.join(map(repr, TARGETS))}, got {target!r}.")
    graph = estimator_or_graph
    if not isinstance(graph, nir.NIRGraph):
        graph = to_nir(estimator_or_graph, weight_bits=TARGETS[target])
    return graph_checks(nir, graph, target)


def graph_input(estimator, X):
    """The input an exported graph receives, per sample and time step.

    The numeric embedding (``input_bins``) and the encoder are not part of the
    graph: this is the input the estimator's first layer sees, the embedded
    features for ``encoder="direct"`` (repeated at every step), or the raw
    features with ``input_bins=0``. Drive the graph with
    ``graph_input(estimator, X)[:, t]`` at step ``t``. Stochastic encoders draw
    exactly what ``predict`` draws.

    Parameters
    ----------
    estimator : SpikingClassifier or SpikingRegressor
        A fitted spiking estimator.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Input data, validated as ``predict`` validates it; sparse input is
        densified chunk by chunk.

    Returns
    -------
    inputs : ndarray of shape (n_samples, n_steps, n_inputs)
        ``n_inputs`` is the width of the numeric embedding (``n_features``
        with ``input_bins=0``), times 8 for the ``"population"`` encoder; the
        dtype the estimator was fitted in.

    Raises
    ------
    TypeError
        If ``estimator`` is not a spiking estimator.
    sklearn.exceptions.NotFittedError
        If it is not fitted.

    Examples
    --------
    >>> import numpy as np
    >>> from snn_sklearn import SpikingRegressor
    >>> from snn_sklearn.export import graph_input
    >>> X = np.random.default_rng(0).normal(size=(40, 3))
    >>> reg = SpikingRegressor((8,), n_steps=10, input_bins=0, max_iter=5, random_state=0)
    >>> graph_input(reg.fit(X, X.sum(1)), X[:2]).shape
    (2, 10, 3)
    >>> reg.set_params(input_bins=4).fit(X, X.sum(1)).net_.module_.embedding.n_outputs
    15
    >>> graph_input(reg, X[:2]).shape
    (2, 10, 15)
    """
    _check_exportable(estimator, "graph_input")

    def encode_chunk(module, x):
        signal = module.encode(x)
        if signal.dim() == 2:
            signal = signal.expand(module.n_steps, *signal.shape)
        return signal.transpose(0, 1).cpu().numpy()

    return np.concatenate(
        forward_chunks(estimator, validate_for_predict(estimator, X), encode_chunk)
    )


def _import_nir():
    return import_optional("nir", "nir", "Exporting to NIR")


def _check_exportable(estimator, caller):
    if isinstance(estimator, Pipeline):
        raise TypeError(
            f"{caller} exports a single spiking estimator, got a Pipeline. Export its final "
            f"step, {caller}(pipeline[-1]), and apply the preceding steps outside the graph: "
            "pipeline[:-1].transform(X) is the input the exported estimator expects."
        )
    if isinstance(estimator, NonSpikingClassifier | NonSpikingRegressor):
        raise TypeError(
            f"{caller} exports spiking networks only, got {type(estimator).__name__}: NIR "
            "has no ReLU primitive, so a ReLU perceptron has no NIR graph."
        )
    if not isinstance(estimator, SpikingClassifier | SpikingRegressor):
        raise TypeError(
            f"{caller} needs a fitted SpikingClassifier or SpikingRegressor, got "
            f"{type(estimator).__name__}."
        )
    check_is_fitted(estimator)


def _affine(nir, linear):
    return nir.Affine(weight=to_numpy(linear.weight), bias=to_numpy(linear.bias))


def _spiking_node(nir, neurons, dt, layer):
    """``LIF`` node of a layer, or ``IF`` if no neuron leaks; as :class:`LIF` clamps them."""
    beta, threshold = (
        to_numpy(value).astype(np.float64) for value in neurons.effective_parameters()
    )
    zeros = np.zeros_like(beta)
    if (beta == 1.0).all():
        return nir.IF(r=np.full_like(beta, 1.0 / dt), v_threshold=threshold, v_reset=zeros)
    if (beta == 1.0).any():
        raise ValueError(
            f"{layer} mixes neurons with beta=1 (no leak: an infinite time constant, a "
            "NIR IF neuron) and leaky ones (NIR LIF neurons); one NIR node cannot hold "
            "both. Refit with learn_beta=False or beta < 1."
        )
    tau = dt / (1.0 - beta)
    return nir.LIF(tau=tau, r=tau / dt, v_leak=zeros, v_threshold=threshold, v_reset=zeros)


def _integrator_node(nir, beta, size, dt):
    """``LI`` node of the membrane readout, or ``I`` if it does not leak."""
    if beta == 1.0:
        return nir.I(r=np.full(size, 1.0 / dt))
    tau = np.full(size, dt / (1.0 - beta))
    return nir.LI(tau=tau, r=tau / dt, v_leak=np.zeros(size))


def _fitted_settings(module):
    """``n_steps``, ``encoder``, ``reset`` and ``readout`` of a fitted network."""
    readout = module.readout
    return {
        "n_steps": int(module.n_steps),
        "encoder": module.encoder.name,
        "reset": module.neurons[0].reset,
        "readout": "spike_count" if isinstance(readout, SpikeCountReadout) else readout.reduction,
    }


def _metadata(estimator, settings, dt):
    metadata = {
        "producer": "snn_sklearn",
        "snn_sklearn_version": __version__,
        "estimator": type(estimator).__name__,
        "dt": float(dt),
        **settings,
        "output_reduction": _OUTPUT_REDUCTIONS[settings["readout"]],
    }
    if isinstance(estimator, SpikingClassifier):
        metadata["classes"] = json.dumps(estimator.classes_.tolist(), default=str)
    else:
        metadata["target_mean"] = np.asarray(estimator._y_mean, dtype=np.float64)
        metadata["target_scale"] = np.asarray(estimator._y_scale, dtype=np.float64)
    return metadata
