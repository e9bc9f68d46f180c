"""
======================================================
Binary classification: spiking and non-spiking models
======================================================

The first two pynmsnn demos trained a spiking classifier and its non-spiking twin on
``make_classification(10000)`` and showed a classification report, a confusion matrix,
ROC and precision-recall curves and the loss per epoch. Here is the same with
:class:`~snn_sklearn.SpikingClassifier` and :class:`~snn_sklearn.NonSpikingClassifier`,
evaluated with scikit-learn's metrics and displays.

To build quickly, the example trains small networks (two layers of 64) for 20 epochs on
2,000 of the 10,000 rows and tests on 2,000 others; ``benchmarks/accuracy.py`` reports the
default estimators on the full table (0.986 for the spiking classifier, against 0.97
published for pynmsnn).
"""

# %%
# The data
# --------
# The seed's synthetic table: 20 features, two balanced classes.
import warnings

from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

X, y = make_classification(10_000, weights=[1, 1], random_state=1)
X_train, X_test, y_train, y_test = train_test_split(
    X, y, train_size=2_000, test_size=2_000, stratify=y, random_state=0
)

# %%
# Training
# --------
# Both models see standardised features: every encoder assumes inputs of order one.
# Stopping after 20 epochs is deliberate here, so the convergence warning is silenced.
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from snn_sklearn import NonSpikingClassifier, SpikingClassifier

warnings.filterwarnings("ignore", category=ConvergenceWarning)

models = {
    "spiking": make_pipeline(
        StandardScaler(), SpikingClassifier((64, 64), max_iter=20, random_state=0)
    ),
    "non-spiking": make_pipeline(
        StandardScaler(), NonSpikingClassifier((64, 64), max_iter=20, random_state=0)
    ),
}
for name, model in models.items():
    model.fit(X_train, y_train)
    print(f"{name:>12}: test accuracy {model.score(X_test, y_test):.3f}")

# %%
# Classification report of the spiking model
# ------------------------------------------
from sklearn.metrics import classification_report

print(classification_report(y_test, models["spiking"].predict(X_test), digits=3))

# %%
# Confusion matrices, ROC and precision-recall curves
# ---------------------------------------------------
# Both classifiers have ``predict_proba``, so scikit-learn's displays take them as they
# take any other classifier.
import matplotlib.pyplot as plt
from sklearn.metrics import ConfusionMatrixDisplay, PrecisionRecallDisplay, RocCurveDisplay

fig, axes = plt.subplots(2, 2, figsize=(9, 8), layout="constrained")
for ax, (name, model) in zip(axes[0], models.items(), strict=True):
    ConfusionMatrixDisplay.from_estimator(model, X_test, y_test, ax=ax, colorbar=False)
    ax.set_title(f"{name} classifier")
for name, model in models.items():
    RocCurveDisplay.from_estimator(model, X_test, y_test, ax=axes[1, 0], name=name)
    PrecisionRecallDisplay.from_estimator(model, X_test, y_test, ax=axes[1, 1], name=name)
axes[1, 0].set_title("ROC curve")
axes[1, 1].set_title("Precision-recall curve")
plt.show()

# %%
# Loss per epoch
# --------------
# ``loss_curve_`` holds the training loss of every epoch, as in
# :class:`~sklearn.neural_network.MLPClassifier`, and ``history_`` is skorch's full record;
# :func:`~snn_sklearn.plotting.plot_loss_curve` draws the first.
from snn_sklearn.plotting import plot_loss_curve

fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained", sharey=True)
for ax, (name, model) in zip(axes, models.items(), strict=True):
    plot_loss_curve(model, ax=ax)
    ax.set_title(f"{name} classifier")
plt.show()
