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
# :func:`~snn_sklearn.activity.record` returns, for each layer, its spikes and membrane
# potentials over time, shaped (samples, time steps, neurons); the output layer is a
# leaky integrator that does not spike. It takes the estimator itself, so the input is
# scaled first.
from snn_sklearn.activity import record

flower = X[100]  # a virginica, class 2
for layer in record(snn, scaler.transform([flower])):
    spikes = "no spikes" if layer["spikes"] is None else f"{int(layer['spikes'].sum())} spikes"
    print(f"{layer['name']:>8}: membrane {layer['membrane'].shape}, {spikes}")

# %%
# :func:`~snn_sklearn.plotting.plot_spikes` draws them for every hidden layer, as the
# pynmsnn demos did: the spike raster on top, the membrane potentials as a heat map below.
# It accepts the pipeline and scales the sample itself.
import matplotlib.pyplot as plt

from snn_sklearn.plotting import plot_membrane, plot_spikes

fig = plt.figure(figsize=(10, 6), layout="constrained")
plot_spikes(model, flower, fig=fig)
plt.show()

# %%
# :func:`~snn_sklearn.plotting.plot_membrane` follows one neuron: a hidden neuron that
# fires now and then (the one whose spike count is nearest a third of the steps), losing
# one threshold of potential at each spike (``reset="subtract"``), and the output
# integrator of the predicted class, whose mean over time is that class's logit
# (``readout="mean"``).
import numpy as np

counts = record(snn, scaler.transform([flower]))[0]["spikes"][0].sum(axis=0)
neuron = int(np.argmin(np.abs(counts - snn.n_steps / 3)))
predicted = int(model.predict([flower])[0])
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5), layout="constrained")
plot_membrane(model, flower, layer="hidden_1", neuron=neuron, ax=axes[0])
plot_membrane(model, flower, layer="output", neuron=predicted, ax=axes[1])
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
# Energy per prediction by layer, for the spiking network and its non-spiking twin
# (``layout="constrained"`` makes room for the layers' names; the legend stands beside
# the bars, not over them):
fig, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
positions = range(len(report))
ax.barh([p - 0.2 for p in positions], report["energy_snn_j"] * 1e12, height=0.4, label="SNN")
ax.barh([p + 0.2 for p in positions], report["energy_ann_j"] * 1e12, height=0.4, label="ANN twin")
ax.set_yticks(list(positions), report["layer"])
ax.invert_yaxis()
ax.set_xlabel("energy per prediction (pJ)")
ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0, frameon=False)
plt.show()
