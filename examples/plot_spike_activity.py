"""
=============================================
Spikes, membrane potentials and energy
=============================================

A spiking network is only as frugal as its spikes are sparse. This example fits a
:class:`~snn_sklearn.SpikingClassifier` on iris, records what every layer does while it
classifies one flower (:func:`snn_sklearn.activity.record`: the spike raster and membrane
potential of each layer over time, as the pynmsnn demos plotted them), and then counts the
synaptic operations and estimates the energy of a prediction with
:func:`snn_sklearn.activity.activity_report`, against the non-spiking twin of the same
widths.
"""

# %%
# A fitted spiking classifier
# ---------------------------
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from snn_sklearn import SpikingClassifier
from snn_sklearn.datasets import load_iris

X, y = load_iris(return_X_y=True)
model = make_pipeline(StandardScaler(), SpikingClassifier((32, 16), n_steps=25, random_state=0))
model.fit(X, y)
scaler, snn = model[0], model[-1]
print(f"training accuracy {model.score(X, y):.3f}")

# %%
# Spikes and membrane potentials of one sample
# --------------------------------------------
# :func:`~snn_sklearn.activity.record` takes the estimator itself, so the input is scaled
# first. Each layer's membrane potential is a heat map (neurons by time steps) with its
# spikes marked; the output layer is a leaky integrator that does not spike.
import matplotlib.pyplot as plt

from snn_sklearn.activity import record

layers = record(snn, scaler.transform(X[100:101]))
fig, axes = plt.subplots(1, len(layers), figsize=(12, 4), layout="constrained")
for ax, layer in zip(axes, layers, strict=True):
    membrane = layer["membrane"][0].T
    image = ax.imshow(membrane, aspect="auto", cmap="coolwarm", interpolation="nearest")
    if layer["spikes"] is not None:
        neurons, steps = layer["spikes"][0].T.nonzero()
        ax.scatter(steps, neurons, marker="|", color="black", s=30, label="spike")
    ax.set(title=layer["name"], xlabel="time step", ylabel="neuron")
    fig.colorbar(image, ax=ax, label="membrane potential")
plt.show()

# %%
# The output layer's three membrane traces: their mean over time is the logit of each
# class (``readout="mean"``), and this flower is a virginica (class 2).
fig, ax = plt.subplots(figsize=(6, 3.5))
for index, trace in enumerate(layers[-1]["membrane"][0].T):
    ax.plot(trace, label=f"class {index}")
ax.set(xlabel="time step", ylabel="output membrane potential")
ax.legend()
plt.show()

# %%
# Operations and energy per prediction
# ------------------------------------
# One row per synaptic layer. With the default ``"direct"`` encoder the first layer reads
# real-valued features once (multiply-accumulates, as in the non-spiking twin); every
# later layer is driven by spikes and costs one accumulate per spike per outgoing synapse.
from snn_sklearn.activity import activity_report

report = activity_report(snn, scaler.transform(X))
columns = ["layer", "input_firing_rate", "dense_ops", "effective_macs", "effective_acs", "ann_macs"]
report[columns].round(3)

# %%
# The totals are in ``report.attrs``. The spiking network saves energy only while its
# firing rate times ``n_steps`` stays below the ratio of a MAC's energy to an AC's (about
# 5.1 with the defaults); ``snn_costs_more`` says which side of that line it is on.
attrs = report.attrs
print(f"energy per prediction, SNN: {attrs['energy_snn_j']:.3g} J")
print(f"energy per prediction, ANN twin: {attrs['energy_ann_j']:.3g} J")
print(f"ANN / SNN energy ratio: {attrs['energy_ratio']:.2f}")
print(f"the SNN costs more than its twin: {attrs['snn_costs_more']}")

# %%
# Energy per prediction by layer, for the spiking network and its non-spiking twin:
fig, ax = plt.subplots(figsize=(7, 3.5))
positions = range(len(report))
ax.barh([p - 0.2 for p in positions], report["energy_snn_j"] * 1e12, height=0.4, label="SNN")
ax.barh([p + 0.2 for p in positions], report["energy_ann_j"] * 1e12, height=0.4, label="ANN twin")
ax.set_yticks(list(positions), report["layer"])
ax.invert_yaxis()
ax.set_xlabel("energy per prediction (pJ)")
ax.legend()
plt.show()
