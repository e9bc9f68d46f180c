"""``activity_report``'s operation counts against NeuroBench's own counters.

:func:`snn_sklearn.activity.activity_report` follows NeuroBench's definitions
of synaptic operations (Yik et al., *Nature Communications* 16, 1545, 2025).
This script checks that claim against the reference implementation: for the
same fitted network and the same rows, it runs NeuroBench 2.3's
``SynapticOperations`` (effective MACs, effective ACs, dense operations) and
``ActivationSparsity`` metrics through their own hooks, and prints them next to
the report's numbers, per sample.

NeuroBench counts what each ``Linear`` layer receives in a forward call. The
network is therefore run layer by layer, each ``Linear`` called on its true
input: the static current of the first layer once, the hidden and output layers
on the spikes of every time step. (The estimator's ``"mean"`` readout pools the
spikes over time before its matmul, a shortcut of the GPU that neither count
follows.) NeuroBench tells spikes from real values by looking at them: an
input made only of 0, 1 and -1 counts as accumulates; the report decides by the
encoder, which agrees on every configuration below.

Install NeuroBench without its declared dependencies: they include torchaudio
and tonic, which pull in another torch build, and the metrics need only torch
and snntorch (in the ``benchmarks`` extra)::

    pip install --no-deps "neurobench==2.3.0"
    python benchmarks/neurobench_counts.py --out benchmarks/results/neurobench_counts.txt

Counts do not depend on the machine or its load; the fits are small (a few
seconds each).
"""

import argparse
import warnings
from pathlib import Path

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

from snn_sklearn import SpikingClassifier, SpikingRegressor
from snn_sklearn.activity import activity_report

CASES = [
    ("breast cancer", load_breast_cancer, SpikingClassifier, {}),
    ("digits", load_digits, SpikingClassifier, {}),
    ("diabetes", load_diabetes, SpikingRegressor, {}),
    (
        "breast cancer",
        load_breast_cancer,
        SpikingClassifier,
        {"encoder": "latency", "readout": "spike_count", "reset": "zero"},
    ),
    ("digits", load_digits, SpikingClassifier, {"encoder": "population", "input_bins": 0}),
]


class _Spikes(nn.Module):
    """A LIF layer that returns its spikes only, as NeuroBench's activation hooks expect."""

    def __init__(self, neurons):
        super().__init__()
        self.neurons = neurons

    def forward(self, current, n_steps):
        return self.neurons(current, n_steps, keep_potentials=False)[0]


class _LayerByLayer(nn.Module):
    """The fitted network with each ``Linear`` called on its true input.

    The same layers as the estimator's network, run as on neuromorphic
    hardware: the output ``Linear`` takes the last hidden spikes of every step.
    """

    def __init__(self, network):
        super().__init__()
        self.network = network
        self.spiking = nn.ModuleList(_Spikes(neurons) for neurons in network.neurons)
        readout_neurons = getattr(network.readout, "neurons", None)
        self.output_spikes = None if readout_neurons is None else _Spikes(readout_neurons)

    def forward(self, x):
        network = self.network
        signal = network.encode(x)
        for linear, spiking in zip(network.linears, self.spiking, strict=True):
            signal = spiking(linear(signal), network.n_steps)
        current = network.readout.linear(signal)
        if self.output_spikes is None:
            return current
        return self.output_spikes(current, network.n_steps)


def neurobench_counts(estimator, X):
    """NeuroBench's synaptic operations and activation sparsity, per sample.

    Parameters
    ----------
    estimator : SpikingClassifier or SpikingRegressor
        A fitted spiking estimator.
    X : ndarray of shape (n_samples, n_features)
        Rows to run, in the estimator's compute dtype.

    Returns
    -------
    counts : dict
        ``Effective_MACs``, ``Effective_ACs``, ``Dense`` and ``sparsity``.
    """
    from neurobench.metrics.workload import ActivationSparsity, SynapticOperations
    from neurobench.models import TorchModel

    model = TorchModel(_LayerByLayer(estimator.net_.module_))
    model.add_activation_module(_Spikes)
    model.register_hooks()
    batch = torch.as_tensor(X)
    data = (batch, torch.zeros(len(batch)))
    # The estimators compute with subnormal floats flushed to zero (see
    # snn_sklearn._threads); so does this pass, or a population code's far
    # tails (exp of -100 and less) would count as nonzero inputs here only.
    torch.set_flush_denormal(True)
    with torch.no_grad():
        predictions = model(batch)
    torch.set_flush_denormal(False)
    counts = SynapticOperations()(model, predictions, data)
    counts["sparsity"] = ActivationSparsity()(model, predictions, data)
    model.cleanup_hooks()
    return counts


def report_counts(estimator, X):
    """The same numbers from :func:`~snn_sklearn.activity.activity_report`, per sample."""
    layers = activity_report(estimator, X)
    spikes = np.nansum(layers["spikes_per_sample"])
    sizes = layers["fan_out"][layers["spikes_per_sample"].notna()]
    neuron_steps = sizes.sum() * estimator.n_steps
    return {
        "Effective_MACs": float(layers["effective_macs"].sum()),
        "Effective_ACs": float(layers["effective_acs"].sum()),
        "Dense": float(layers["dense_ops"].sum()),
        "sparsity": 1.0 - spikes / neuron_steps,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the printed table to this file")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    torch.set_num_threads(1)
    header = (
        f"{'data set':14s} {'configuration':52s} {'counter':15s}"
        f"{'NeuroBench':>15s}{'activity_report':>17s}{'ratio':>10s}"
    )
    lines = [header, "-" * len(header)]
    worst = 0.0
    for name, load, Estimator, params in CASES:
        X, y = load(return_X_y=True)
        X_train, X_test, y_train, _ = train_test_split(X, y, test_size=0.25, random_state=0)
        scaler = StandardScaler().fit(X_train)
        model = Estimator(random_state=0, **params).fit(scaler.transform(X_train), y_train)
        X_test = scaler.transform(X_test).astype(np.float32)
        reference = neurobench_counts(model, X_test)
        ours = report_counts(model, X_test)
        configuration = ", ".join(f"{k}={v!r}" for k, v in params.items()) or "defaults"
        for counter in ("Effective_MACs", "Effective_ACs", "Dense", "sparsity"):
            expected, got = float(reference[counter]), ours[counter]
            ratio = got / expected if expected else float(got == 0)
            worst = max(worst, abs(ratio - 1.0))
            lines.append(
                f"{name:14s} {configuration:52s} {counter:15s}"
                f"{expected:15.6g}{got:17.6g}{ratio:10.6f}"
            )
    lines += ["", f"largest relative difference: {worst:.2e}"]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
