"""
=========================================
Choosing n_steps and beta by grid search
=========================================

``n_steps`` (how many time steps each sample is simulated for) and ``beta`` (how much
membrane potential a neuron keeps from one step to the next) are hyper-parameters like any
other, so :class:`~sklearn.model_selection.GridSearchCV` tunes them. Longer simulations
cost proportionally more time (and, on neuromorphic hardware, more energy), so the search
also records what each setting costs to fit.

To build quickly the example searches a small grid with small networks on the house-price
table; in practice widen the grid and use ``n_jobs`` to fit in parallel.
"""

# %%
# The search
# ----------
import warnings

from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from snn_sklearn import SpikingRegressor
from snn_sklearn.datasets import load_house_prices

warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_house_prices(return_X_y=True)
pipeline = Pipeline(
    [("scale", StandardScaler()), ("snn", SpikingRegressor((32, 32), max_iter=30, random_state=0))]
)
search = GridSearchCV(
    pipeline,
    {"snn__n_steps": [4, 16], "snn__beta": [0.5, 0.9, 0.99]},
    cv=KFold(3, shuffle=True, random_state=0),
    scoring="r2",
)
search.fit(X, y)
print("best parameters:", search.best_params_)
print(f"best cross-validated R²: {search.best_score_:.3f}")

# %%
# A neuron under a constant current ``I`` settles at ``I / (1 - beta)``, so it fires only
# if ``I > threshold * (1 - beta)``: at ``beta=0.5`` it needs five times the current it
# needs at ``0.9``, and a network with few spikes has little to learn from.

# %%
# Scores and fit times
# --------------------
import pandas as pd

results = pd.DataFrame(search.cv_results_)
scores = results.pivot(
    index="param_snn__beta", columns="param_snn__n_steps", values="mean_test_score"
)
times = results.pivot(index="param_snn__beta", columns="param_snn__n_steps", values="mean_fit_time")
scores.round(3)

# %%
import matplotlib.pyplot as plt

fig, axes = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
for ax, table, title, fmt in [
    (axes[0], scores, "mean R² on held-out folds", "{:.3f}"),
    (axes[1], times, "mean fit time (s)", "{:.2f}"),
]:
    image = ax.imshow(table.to_numpy(), cmap="viridis", aspect="auto")
    ax.set_xticks(range(table.shape[1]), table.columns)
    ax.set_yticks(range(table.shape[0]), table.index)
    ax.set(xlabel="n_steps", ylabel="beta", title=title)
    middle = (table.to_numpy().min() + table.to_numpy().max()) / 2
    for (row, col), value in pd.DataFrame(table.to_numpy()).stack().items():
        color = "black" if value > middle else "white"
        ax.text(col, row, fmt.format(value), ha="center", va="center", color=color)
    fig.colorbar(image, ax=ax)
plt.show()
