"""The limits of neuromorphic chips, checked against an exported NIR graph.

Each target's limits are read from its own toolchain, cited per limit:

- **Xylo** (SynSense Xylo Audio 2, SYNS61201), from rockpool 3.1.0:
  ``rockpool/devices/xylo/syns61201/xylo_mapper.py`` (the design-rule checks
  ``le_16_input_channels``, ``le_8_output_channels``,
  ``at_least_two_neuron_layers_needed``; ``mapper(max_hidden_neurons=1000,
  max_output_neurons=8)`` and its dtypes: int8 weights and biases, int16
  thresholds), ``rockpool/nn/modules/torch/lif_bitshift_torch.py`` (bit-shift
  decays: ``dash = round(log2(tau / dt))``, so ``beta = 1 - 2**-dash``) and
  ``rockpool/devices/xylo/syns61201/xylo_sim.py`` (``evolve`` casts its input
  raster to integer event counts).
- **Speck** (SynSense Speck / DYNAP-CNN), from sinabs 3.1.3:
  ``sinabs/backend/dynapcnn/chips/dynapcnn.py`` (``get_constraints``: 9 cores,
  their kernel, neuron and bias memories), ``sinabs/backend/dynapcnn/dynapcnn_layer.py``
  (``memory_summary``: a layer's memory use), ``sinabs/backend/dynapcnn/discretize.py``
  (8-bit weights and biases, 16-bit thresholds), ``sinabs/backend/dynapcnn/exceptions.py``
  (each layer is a weight layer and an ``IAFSqueeze`` spiking layer: no leak),
  ``sinabs/backend/dynapcnn/dynapcnn_network.py`` (the chip reads samna events).
- **SpiNNaker2**, from py-spinnaker2's NIR importer ``spinnaker2/s2_nir.py``
  (``ConversionConfig.scale_weights``: weights scaled to [-127, 127]; neuron
  nodes ``LIF``, ``IF``, ``CubaLIF`` only; the input is a ``spike_list``
  population) and NIR's ``docs/source/examples/spinnaker2/supported_primitives.md``.
  No neurons-per-core limit was found in either, so none is checked.
"""

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["TARGETS", "Check", "TargetReport", "graph_checks"]

#: The chips :func:`graph_checks` knows, with the weight width each one stores.
TARGETS = {"xylo": 8, "speck": 8, "spinnaker2": 8}

_XYLO = "rockpool 3.1.0, rockpool/devices/xylo/syns61201/xylo_mapper.py"
_XYLO_DECAY = "rockpool 3.1.0, rockpool/nn/modules/torch/lif_bitshift_torch.py"
_XYLO_INPUT = "rockpool 3.1.0, rockpool/devices/xylo/syns61201/xylo_sim.py (XyloSim.evolve)"
_SPECK_CORES = "sinabs 3.1.3, sinabs/backend/dynapcnn/chips/dynapcnn.py (get_constraints)"
_SPECK_MEMORY = "sinabs 3.1.3, sinabs/backend/dynapcnn/dynapcnn_layer.py (memory_summary)"
_SPECK_BITS = "sinabs 3.1.3, sinabs/backend/dynapcnn/discretize.py"
_SPECK_IAF = "sinabs 3.1.3, sinabs/backend/dynapcnn/exceptions.py"
_SPECK_INPUT = "sinabs 3.1.3, sinabs/backend/dynapcnn/dynapcnn_network.py (input as samna events)"
_S2 = "py-spinnaker2, spinnaker2/s2_nir.py"
_S2_PRIMITIVES = "NIR, docs/source/examples/spinnaker2/supported_primitives.md"

# sinabs' get_constraints: kernel, neuron and bias memory of each of the 9 cores.
_SPECK_KERNEL_MEMORY = [16, 16, 16, 32, 32, 64, 64, 16, 16]
_SPECK_NEURON_MEMORY = [64, 64, 64, 32, 32, 16, 16, 16, 16]
_SPECK_BIAS_MEMORY = 1024
_SPIKING_ENCODERS = ("rate", "latency")


@dataclass(frozen=True)
class Check:
    """One limit of a target, and how the model compares with it.

    Parameters
    ----------
    limit : str
        What is limited, e.g. ``"input channels"``.
    allowed : str
        The limit, in words, e.g. ``"at most 16"``.
    value : str
        The model's value, e.g. ``"30"``.
    fits : bool
        Whether the model's value is within the limit.
    source : str
        Where the limit is taken from: project and file.
    """

    limit: str
    allowed: str
    value: str
    fits: bool
    source: str

    def __str__(self):
        mark = "fits" if self.fits else "DOES NOT FIT"
        return f"[{mark}] {self.limit}: {self.value} (allowed: {self.allowed}; {self.source})"


@dataclass(frozen=True)
class TargetReport:
    """What of a model fits a neuromorphic target, limit by limit.

    Parameters
    ----------
    target : str
        The target checked, e.g. ``"xylo"``.
    checks : tuple of Check
        One entry per limit.
    """

    target: str
    checks: tuple

    @property
    def fits(self):
        """bool: Whether every limit is met."""
        return all(check.fits for check in self.checks)

    @property
    def failures(self):
        """list of Check: The limits that are not met."""
        return [check for check in self.checks if not check.fits]

    def __str__(self):
        verdict = (
            "fits"
            if self.fits
            else f"does not fit: {len(self.failures)} of {len(self.checks)} limits exceeded"
        )
        return "\n".join([f"{self.target}: {verdict}", *(f"  {c}" for c in self.checks)])


def graph_checks(nir, graph, target):
    """Check a NIR graph written by ``to_nir`` against a target's limits.

    Parameters
    ----------
    nir : module
        The imported ``nir`` package.
    graph : nir.NIRGraph
        A chain-shaped graph as :func:`snn_sklearn.export.to_nir` writes it.
    target : {"xylo", "speck", "spinnaker2"}
        The chip.

    Returns
    -------
    report : TargetReport

    Raises
    ------
    ValueError
        If ``graph.edges`` do not form a single chain from the ``"input"`` node
        to the ``"output"`` node through every node.
    """
    layers = _layers(nir, _chain(graph))
    checks = {"xylo": _xylo, "speck": _speck, "spinnaker2": _spinnaker2}[target]
    return TargetReport(target, tuple(checks(nir, graph, layers)))


def _chain(graph):
    """The graph's nodes in the order its edges lead from ``"input"`` to ``"output"``.

    The order of ``graph.nodes`` is not used: ``nir.read`` returns the nodes of a
    file in another order than :func:`snn_sklearn.export.to_nir` wrote them.
    """
    successors = {}
    for source, target in graph.edges:
        successors.setdefault(source, []).append(target)
    names = ["input"]
    while names[-1] in successors and len(names) <= len(graph.nodes):
        following = successors[names[-1]]
        if len(following) != 1:
            raise ValueError(
                f"The graph is not a chain: node {names[-1]!r} has edges to {following}."
            )
        names.append(following[0])
    if (
        names[-1] != "output"
        or sorted(names) != sorted(graph.nodes)
        or len(graph.edges) != len(names) - 1
    ):
        raise ValueError(
            "The graph is not a single chain from 'input' to 'output' through every node, "
            f"as to_nir writes it: its edges lead {' -> '.join(names)}; its nodes are "
            f"{sorted(graph.nodes)}."
        )
    return [graph.nodes[name] for name in names]


def _layers(nir, nodes):
    """``(affine, neurons, scale)`` of each layer, in order; ``scale`` is None if unquantized."""
    return [
        (node, following, node.metadata.get("weight_scale"))
        for node, following in zip(nodes[:-1], nodes[1:], strict=True)
        if isinstance(node, nir.Affine)
    ]


def _at_most(limit, value, largest, source):
    return Check(limit, f"at most {largest}", str(value), value <= largest, source)


def _weight_bits(graph, bits, source):
    width = graph.metadata.get("weight_bits")
    value = "float (not quantized)" if width is None else f"{int(width)}-bit integers"
    return Check(
        "weights", f"{bits}-bit integers", value, width is not None and width <= bits, source
    )


def _integer_range(limit, layers, attribute, bits, source):
    """Largest ``|value / scale|`` of a bias or threshold against a signed ``bits`` range."""
    largest = 2 ** (bits - 1) - 1
    allowed = f"{bits}-bit integers at the weights' scale (|q| <= {largest})"
    if any(scale is None for _, _, scale in layers):
        return Check(limit, allowed, "float (not quantized)", False, source)
    steps = []
    for affine, neurons, scale in layers:
        node = affine if attribute == "bias" else neurons
        if hasattr(node, attribute):  # an LI readout has no threshold
            steps.append(np.abs(np.asarray(getattr(node, attribute), np.float64) / scale).max())
    value = int(round(max(steps))) if steps else 0
    return Check(limit, allowed, f"|q| up to {value}", value <= largest, source)


def _spiking_input(graph, source):
    encoder = graph.metadata.get("encoder", "unknown")
    spikes = encoder in _SPIKING_ENCODERS
    value = f"encoder={encoder!r}: " + ("spikes" if spikes else "real-valued currents")
    return Check("input", "spike events", value, spikes, source)


def _spike_count_readout(nir, graph, layers, source):
    output = layers[-1][1]
    spiking = isinstance(output, nir.LIF | nir.IF)
    value = f"{type(output).__name__} node (readout={graph.metadata.get('readout')!r})"
    return Check("output layer", "spiking neurons (readout='spike_count')", value, spiking, source)


def _xylo(nir, graph, layers):
    hidden = [neurons for _, neurons, _ in layers[:-1]]
    betas = [
        1.0 - graph.metadata["dt"] / np.asarray(node.tau, dtype=np.float64)
        if isinstance(node, nir.LIF | nir.LI)
        else np.ones(1)  # IF and I nodes do not leak
        for _, node, _ in layers
    ]
    return [
        _at_most("input channels", layers[0][0].weight.shape[1], 16, _XYLO),
        _at_most("hidden neurons", sum(len(n.v_threshold) for n in hidden), 1000, _XYLO),
        _at_most("output neurons", layers[-1][0].weight.shape[0], 8, _XYLO),
        Check(
            "neuron layers",
            "at least 2 (hidden and output)",
            str(len(layers)),
            len(layers) >= 2,
            _XYLO,
        ),
        _weight_bits(graph, TARGETS["xylo"], _XYLO),
        _integer_range("biases", layers, "bias", 8, _XYLO),
        _integer_range("thresholds", layers, "v_threshold", 16, _XYLO),
        _bitshift_decays(np.concatenate(betas)),
        _spiking_input(graph, _XYLO_INPUT),
    ]


def _bitshift_decays(betas):
    distinct = np.unique(np.round(betas, 9))
    leak = 1.0 - distinct
    dashes = np.log2(1.0 / leak, where=leak > 0, out=np.full_like(leak, np.inf))
    exact = bool(np.all(np.isfinite(dashes) & np.isclose(dashes, np.round(dashes))))
    shown = ", ".join(f"{beta:g}" for beta in distinct[:4]) + (" ..." if distinct.size > 4 else "")
    nearest = ""
    if not exact and np.isfinite(dashes).any():
        dash = max(1, int(round(float(np.median(dashes[np.isfinite(dashes)])))))
        nearest = f"; nearest bit-shift decay: beta={1 - 2.0**-dash:g} (dash={dash})"
    return Check(
        "membrane decays",
        "bit-shift decays, beta = 1 - 2**-dash for an integer dash >= 1",
        f"beta = {shown}{nearest}",
        exact,
        _XYLO_DECAY,
    )


def _speck(nir, graph, layers):
    memories = [_speck_memory(affine) for affine, _, _ in layers]
    cores = _assign_cores(memories)
    other = [type(node).__name__ for _, node, _ in layers if not isinstance(node, nir.IF)]
    worst = max(memories, key=lambda memory: memory[0])
    return [
        _at_most("layers (one core each)", len(layers), len(_SPECK_KERNEL_MEMORY), _SPECK_CORES),
        Check(
            "core memory",
            "each layer on its own core: kernel memory <= 16-64 Ki entries, neuron memory "
            f"<= 16-64 Ki, bias memory <= {_SPECK_BIAS_MEMORY}",
            f"largest layer needs kernel {worst[0]}, neurons {worst[1]}, biases {worst[2]}; "
            + ("a core for every layer" if cores else "no assignment of layers to cores"),
            cores,
            f"{_SPECK_CORES}; {_SPECK_MEMORY}",
        ),
        _weight_bits(graph, TARGETS["speck"], _SPECK_BITS),
        _integer_range("biases", layers, "bias", 8, _SPECK_BITS),
        _integer_range("thresholds", layers, "v_threshold", 16, _SPECK_BITS),
        Check(
            "neuron model",
            "integrate-and-fire without leak (IF nodes, beta=1)",
            "IF nodes" if not other else f"{', '.join(sorted(set(other)))} nodes",
            not other,
            _SPECK_IAF,
        ),
        _spiking_input(graph, _SPECK_INPUT),
    ]


def _speck_memory(affine):
    """Kernel, neuron and bias memory of a dense layer, as a 1x1 convolution on a core."""
    n_out, n_in = affine.weight.shape
    return n_in * 2 ** math.ceil(math.log2(n_out)), n_out, n_out


def _assign_cores(memories):
    """Whether every layer gets its own core with room for it (bipartite matching)."""
    fits = [
        [
            core
            for core, (kernel, neurons) in enumerate(
                zip(_SPECK_KERNEL_MEMORY, _SPECK_NEURON_MEMORY, strict=True)
            )
            if need[0] <= kernel * 1024
            and need[1] <= neurons * 1024
            and need[2] <= _SPECK_BIAS_MEMORY
        ]
        for need in memories
    ]
    owner = {}

    def place(layer, seen):
        for core in fits[layer]:
            if core not in seen:
                seen.add(core)
                if core not in owner or place(owner[core], seen):
                    owner[core] = layer
                    return True
        return False

    return all(place(layer, set()) for layer in range(len(memories)))


def _spinnaker2(nir, graph, layers):
    unsupported = sorted(
        {
            type(node).__name__
            for node in graph.nodes.values()
            if not isinstance(node, nir.Input | nir.Output | nir.Affine | nir.LIF | nir.IF)
        }
    )
    return [
        Check(
            "node types",
            "Affine, Linear, LIF, IF, CubaLIF (and convolution, pooling, flatten)",
            "all supported" if not unsupported else f"{', '.join(unsupported)} not supported",
            not unsupported,
            f"{_S2}; {_S2_PRIMITIVES}",
        ),
        _spike_count_readout(nir, graph, layers, _S2_PRIMITIVES),
        _weight_bits(
            graph, TARGETS["spinnaker2"], f"{_S2} (ConversionConfig.scale_weights: [-127, 127])"
        ),
        _spiking_input(graph, f"{_S2} (the input is a spike_list population)"),
    ]
