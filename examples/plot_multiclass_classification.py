"""
==========================================================
Multiclass classification: spiking and non-spiking on iris
==========================================================

The pynmsnn multiclass demos trained a spiking classifier and its non-spiking twin on the
iris table (0.93 accuracy published for the spiking one). The same table ships with
snn_sklearn as :func:`snn_sklearn.datasets.load_iris`; here both models are trained with
their default settings on three quarters of it and tested on the rest.
"""

# %%
# The data
# --------
from sklearn.model_selection import train_test_split

from snn_sklearn.datasets import load_iris

iris = load_iris()
X_train, X_test, y_train, y_test = train_test_split(
    iris.data, iris.target, test_size=0.25, stratify=iris.target, random_state=0
)

# %%
# Training
# --------
# One output per class; the loss is the cross-entropy of their softmax, as for binary
# targets. On a table this easy the non-spiking twin's training loss is still creeping
# down after its 200 epochs; its convergence warning is silenced.
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from snn_sklearn import NonSpikingClassifier, SpikingClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)

models = {
    "spiking": make_pipeline(StandardScaler(), SpikingClassifier(random_state=0)),
    "non-spiking": make_pipeline(StandardScaler(), NonSpikingClassifier(random_state=0)),
}
for name, model in models.items():
    model.fit(X_train, y_train)
    print(f"{name:>12}: test accuracy {model.score(X_test, y_test):.3f}")

# %%
# Classification report and class probabilities
# ---------------------------------------------
from sklearn.metrics import classification_report

spiking = models["spiking"]
print(
    classification_report(y_test, spiking.predict(X_test), target_names=iris.target_names, digits=3)
)
print("Class probabilities of the first three test flowers:")
print(spiking.predict_proba(X_test[:3]).round(3))

# %%
# Confusion matrices
# ------------------
import matplotlib.pyplot as plt
from sklearn.metrics import ConfusionMatrixDisplay

fig, axes = plt.subplots(1, 2, figsize=(9, 4), layout="constrained")
for ax, (name, model) in zip(axes, models.items(), strict=True):
    ConfusionMatrixDisplay.from_estimator(
        model, X_test, y_test, display_labels=iris.target_names, ax=ax, colorbar=False
    )
    ax.set_title(f"{name} classifier")
plt.show()

# %%
# Loss per epoch
# --------------
# Training stops when the loss has improved by less than ``tol`` for ``n_iter_no_change``
# epochs, or after ``max_iter`` epochs.
from snn_sklearn.plotting import plot_loss_curve

fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
for ax, (name, model) in zip(axes, models.items(), strict=True):
    plot_loss_curve(model, ax=ax)
    ax.set(title=f"{name} classifier ({model[-1].n_iter_} epochs)", yscale="log")
plt.show()
