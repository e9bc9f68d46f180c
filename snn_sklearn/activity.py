r"""Spike activity, operation counts and energy estimates of a fitted spiking estimator.

:func:`record` returns what every layer did for each sample: its spikes and
membrane potentials over time. :func:`activity_report` turns that activity into
the synaptic operation counts defined by NeuroBench (Yik et al., *Nature
Communications* 16, 1545, 2025; ``neurobench/metrics/workload/synaptic_operations.py``)
and into an energy estimate per prediction, for the spiking network and for its
non-spiking twin of the same widths.

Counting conventions, per synaptic layer (a ``Linear`` map from one layer to the
next) and per sample:

- A layer is *evaluated* once when its input is static (the ``"direct"`` and
  ``"population"`` encoders inject a constant current, computed once), otherwise
  once per time step.
- ``dense_ops`` counts every weight at every evaluation, zeros included:
  ``fan_in * fan_out * evaluations``.
- Effective operations skip zero inputs (no spike, or a zero feature) and zero
  weights, as NeuroBench does: each nonzero input element costs one operation
  per nonzero weight leaving it (``fan_out`` for a dense layer). They are
  *effective ACs* when the input is binary spikes (an accumulate, no multiply),
  and *effective MACs* when it is real-valued.
- Biases are not counted, nor are the neuron updates (leak, threshold, reset).
- The output layer is counted as the network runs on neuromorphic hardware: the
  last hidden layer's spikes drive it at every step. (The ``"mean"`` readout
  collapses this into one matmul on a GPU; that shortcut is not what is counted.)

The firing rate enters the counts exactly once, through the number of spikes
actually emitted; multiplying those counts by a firing rate again would count it
twice.
"""

import math
from numbers import Real

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._inference import forward_chunks, validate_for_predict
from ._optional import import_optional
from .spiking import SpikingClassifier, SpikingRegressor

__all__ = ["E_AC", "E_MAC", "activity_report", "record"]

#: Energy of one 32-bit floating-point multiply-accumulate at 45 nm, in joules
#: (Horowitz, "Computing's energy problem", ISSCC 2014: 3.7 pJ mult + 0.9 pJ add).
E_MAC = 4.6e-12
#: Energy of one 32-bit floating-point accumulate (add) at 45 nm, in joules (ibid.).
E_AC = 0.9e-12


def record(estimator, X):
    """Record the spikes and membrane potentials of every layer of a fitted SNN.

    Parameters
    ----------
    estimator : SpikingClassifier or SpikingRegressor
        A fitted spiking estimator.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Input data, validated as ``predict`` validates it; sparse input is
        densified chunk by chunk.

    Returns
    -------
    layers : list of dict
        One dict per layer, the hidden layers in order and then the output
        layer, with the keys

        - ``"name"``: ``"hidden_1"``, ``"hidden_2"``, ..., ``"output"``;
        - ``"spikes"``: ndarray of shape (n_samples, n_steps, size) of 0.0 / 1.0,
          or None for the output layer of a membrane (``"mean"``/``"max"``) readout,
          which does not spike;
        - ``"membrane"``: ndarray of shape (n_samples, n_steps, size), the
          membrane potential at each step, before any reset.

        Arrays have the dtype the estimator was fitted in.

    Raises
    ------
    TypeError
        If ``estimator`` is not a spiking estimator.
    sklearn.exceptions.NotFittedError
        If it is not fitted.

    See Also
    --------
    activity_report : Firing rates, operation counts and energy from this activity.

    Examples
    --------
    >>> import numpy as np
    >>> from snn_sklearn import SpikingRegressor
    >>> from snn_sklearn.activity import record
    >>> X = np.random.default_rng(0).normal(size=(20, 3))
    >>> est = SpikingRegressor((8, 4), n_steps=10, max_iter=5, random_state=0)
    >>> est = est.fit(X, X.sum(1))
    >>> [(layer["name"], layer["membrane"].shape) for layer in record(est, X[:2])]
    [('hidden_1', (2, 10, 8)), ('hidden_2', (2, 10, 4)), ('output', (2, 10, 1))]
    """
    _check_spiking(estimator, "record")
    names = _layer_names(estimator.net_.module_)

    def record_chunk(module, x):
        return [
            (None if spikes is None else _samples_first(spikes), _samples_first(membrane))
            for spikes, membrane in module.record(x)
        ]

    chunks = forward_chunks(estimator, validate_for_predict(estimator, X), record_chunk)
    return [
        {
            "name": name,
            "spikes": _joined([chunk[index][0] for chunk in chunks]),
            "membrane": _joined([chunk[index][1] for chunk in chunks]),
        }
        for index, name in enumerate(names)
    ]


def activity_report(estimator, X, *, e_mac=E_MAC, e_ac=E_AC):
    r"""Firing rates, synaptic operations and energy per prediction, layer by layer.

    Runs the fitted spiking network on ``X`` and counts, per sample, the
    synaptic operations of each layer as NeuroBench defines them (see
    :mod:`snn_sklearn.activity` for the conventions), then estimates the
    energy of one prediction for the spiking network and for its non-spiking
    twin (a ReLU MLP with the same hidden widths, evaluated once):

    .. math::

        E_\mathrm{SNN} = e_\mathrm{MAC}\,\mathrm{MACs}_\mathrm{eff}
                       + e_\mathrm{AC}\,\mathrm{ACs}_\mathrm{eff}, \qquad
        E_\mathrm{ANN} = e_\mathrm{MAC} \sum_\ell \mathrm{fan\_in}_\ell\,\mathrm{fan\_out}_\ell.

    With direct encoding the first layer costs MACs in both networks (in the
    SNN only for its nonzero inputs); every later layer costs
    :math:`e_\mathrm{AC}\, r\, T` per synapse in the SNN (firing rate
    :math:`r`, :math:`T` steps) against :math:`e_\mathrm{MAC}` in the twin.
    **The SNN therefore costs more than its twin when**
    :math:`r \times T > e_\mathrm{MAC} / e_\mathrm{AC}` (about 5.1 with the
    defaults), e.g. at a 10 % firing rate over more than 51 steps. The report
    says so in ``attrs["snn_costs_more"]``.

    These are estimates of arithmetic energy only: memory access, which often
    dominates on real hardware, and neuron updates are not included.

    Parameters
    ----------
    estimator : SpikingClassifier or SpikingRegressor
        A fitted spiking estimator.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Input data; the counts are averages over its samples.
    e_mac : float, default=4.6e-12
        Energy of one multiply-accumulate, in joules. The default is a 32-bit
        floating-point MAC at 45 nm (Horowitz, ISSCC 2014).
    e_ac : float, default=0.9e-12
        Energy of one accumulate, in joules; default a 32-bit floating-point add
        at 45 nm (ibid.).

    Returns
    -------
    report : pandas.DataFrame
        One row per synaptic layer (``input -> hidden_1``, ...,
        ``hidden_k -> output``), with the columns

        - ``layer``: the connection's name;
        - ``fan_in``, ``fan_out``: its input and output widths in the SNN;
        - ``input_is_spikes``: whether its input is binary spikes (hidden layers,
          ``"rate"`` and ``"latency"`` encoders) or real-valued currents
          (``"direct"``, ``"noisy"``, ``"population"``);
        - ``evaluations``: how often it is evaluated per sample, 1 for a static
          input, ``n_steps`` otherwise;
        - ``input_firing_rate``: mean fraction of input elements that are
          nonzero per step (for real-valued input, the density of nonzeros);
        - ``output_firing_rate``: mean fraction of its neurons that spike per
          step; NaN for a membrane readout, which does not spike;
        - ``spikes_per_sample``: spikes its neurons emit per sample, summed over
          steps and neurons (NaN for a membrane readout);
        - ``dense_ops``: ``fan_in * fan_out * evaluations``;
        - ``effective_macs``, ``effective_acs``: effective operations per sample;
        - ``ann_macs``: MACs of the same connection in the non-spiking twin, whose
          first layer reads what the SNN's encoder reads: the numeric embedding's
          outputs, or the ``n_features_in_`` features with ``input_bins=0`` (the
          ``"population"`` encoder widens only the SNN's);
        - ``energy_snn_j``, ``energy_ann_j``: per-sample energy of the
          connection in each network, in joules.

        Totals are in ``report.attrs`` (pandas drops ``attrs`` in some
        operations, so read them first): ``energy_snn_j``, ``energy_ann_j``,
        ``energy_ratio`` (ANN / SNN; > 1 means the SNN is cheaper),
        ``snn_costs_more`` (bool), ``dense_ops``, ``effective_macs``,
        ``effective_acs``, ``ann_macs``, and the settings ``e_mac``, ``e_ac``,
        ``n_steps``, ``encoder`` and ``n_samples``.

    Raises
    ------
    TypeError
        If ``estimator`` is not a spiking estimator.
    sklearn.exceptions.NotFittedError
        If it is not fitted.
    ValueError
        If ``e_mac`` or ``e_ac`` is not a finite number >= 0.
    ImportError
        If pandas is not installed.

    See Also
    --------
    record : The spikes and membrane potentials the report is computed from.

    Examples
    --------
    >>> import numpy as np
    >>> from snn_sklearn import SpikingRegressor
    >>> from snn_sklearn.activity import activity_report
    >>> X = np.random.default_rng(0).normal(size=(20, 3))
    >>> est = SpikingRegressor((8, 4), n_steps=10, max_iter=5, random_state=0)
    >>> report = activity_report(est.fit(X, X.sum(1)), X)
    >>> report["layer"].tolist()
    ['input -> hidden_1', 'hidden_1 -> hidden_2', 'hidden_2 -> output']
    >>> report[["dense_ops", "ann_macs"]].sum().tolist()
    [768, 444]
    """
    pd = import_optional("pandas", "pandas", "activity_report (it returns a DataFrame)")

    for name, value in (("e_mac", e_mac), ("e_ac", e_ac)):
        if isinstance(value, bool) or not isinstance(value, Real) or not 0 <= value < math.inf:
            raise ValueError(f"{name} must be a finite number of joules >= 0, got {value!r}.")
    _check_spiking(estimator, "activity_report")

    module = estimator.net_.module_
    names = ["input", *_layer_names(module)]
    weights = [linear.weight for linear in module.linears] + [module.readout.linear.weight]
    tallies = [_Tally() for _ in weights]

    def tally_chunk(module, x):
        signal = module.encode(x)
        layers = module.record(x, signal)
        inputs = [signal, *(spikes for spikes, _ in layers[:-1])]
        for tally, layer_input, weight, (spikes, _) in zip(
            tallies, inputs, weights, layers, strict=True
        ):
            tally.add(layer_input, weight, spikes)
        return x.shape[0]

    n_samples = sum(forward_chunks(estimator, validate_for_predict(estimator, X), tally_chunk))

    n_steps = module.n_steps
    static_input = tallies[0].static
    embedding = module.embedding
    twin_inputs = estimator.n_features_in_ if embedding is None else embedding.n_outputs
    rows = []
    for index, (tally, weight) in enumerate(zip(tallies, weights, strict=True)):
        fan_out, fan_in = weight.shape
        input_is_spikes = index > 0 or module.encoder.emits_spikes
        evaluations = 1 if index == 0 and static_input else n_steps
        effective = tally.effective_ops / n_samples
        # The twin has the same numeric embedding but no spiking encoder.
        ann_fan_in = twin_inputs if index == 0 else fan_in
        spiking_output = tally.output_elements > 0
        rows.append(
            {
                "layer": f"{names[index]} -> {names[index + 1]}",
                "fan_in": fan_in,
                "fan_out": fan_out,
                "input_is_spikes": input_is_spikes,
                "evaluations": evaluations,
                "input_firing_rate": tally.nonzero_inputs / tally.input_elements,
                "output_firing_rate": (
                    tally.output_spikes / tally.output_elements if spiking_output else math.nan
                ),
                "spikes_per_sample": (
                    tally.output_spikes / n_samples if spiking_output else math.nan
                ),
                "dense_ops": fan_in * fan_out * evaluations,
                "effective_macs": 0.0 if input_is_spikes else effective,
                "effective_acs": effective if input_is_spikes else 0.0,
                "ann_macs": ann_fan_in * fan_out,
            }
        )
    report = pd.DataFrame(rows)
    report["energy_snn_j"] = e_mac * report["effective_macs"] + e_ac * report["effective_acs"]
    report["energy_ann_j"] = e_mac * report["ann_macs"]

    energy_snn = float(report["energy_snn_j"].sum())
    energy_ann = float(report["energy_ann_j"].sum())
    report.attrs.update(
        energy_snn_j=energy_snn,
        energy_ann_j=energy_ann,
        energy_ratio=energy_ann / energy_snn if energy_snn > 0 else math.inf,
        snn_costs_more=bool(energy_snn > energy_ann),
        dense_ops=int(report["dense_ops"].sum()),
        effective_macs=float(report["effective_macs"].sum()),
        effective_acs=float(report["effective_acs"].sum()),
        ann_macs=int(report["ann_macs"].sum()),
        e_mac=float(e_mac),
        e_ac=float(e_ac),
        n_steps=n_steps,
        encoder=module.encoder.name,
        n_samples=n_samples,
    )
    return report


class _Tally:
    """Running sums of one synaptic layer's activity over batches."""

    def __init__(self):
        self.static = False
        self.nonzero_inputs = 0
        self.input_elements = 0
        self.effective_ops = 0
        self.output_spikes = 0
        self.output_elements = 0

    def add(self, layer_input, weight, output_spikes):
        self.static = layer_input.dim() == 2
        active = layer_input != 0
        # Nonzero input elements of each channel, over steps and samples; each
        # costs one operation per nonzero weight it drives (NeuroBench's rule).
        active_per_channel = active.flatten(0, -2).sum(0)
        synapses_per_channel = (weight != 0).sum(0)
        self.effective_ops += int((active_per_channel * synapses_per_channel).sum())
        self.nonzero_inputs += int(active.sum())
        self.input_elements += active.numel()
        if output_spikes is not None:
            self.output_spikes += int(output_spikes.sum())
            self.output_elements += output_spikes.numel()


def _check_spiking(estimator, caller):
    if not isinstance(estimator, SpikingClassifier | SpikingRegressor):
        raise TypeError(
            f"{caller} needs a SpikingClassifier or SpikingRegressor, got "
            f"{type(estimator).__name__}: only spiking networks have spikes and membrane "
            "potentials to record."
        )
    check_is_fitted(estimator)


def _layer_names(module):
    return [f"hidden_{index}" for index in range(1, len(module.neurons) + 1)] + ["output"]


def _joined(chunks):
    """One layer's arrays of all chunks as one, or None for a layer that does not spike."""
    return None if chunks[0] is None else np.concatenate(chunks)


def _samples_first(tensor):
    return tensor.transpose(0, 1).cpu().numpy()
