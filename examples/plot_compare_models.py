"""
============================================================
Comparing spiking networks with scikit-learn baselines
============================================================

:func:`~snn_sklearn.compare_models` cross-validates several estimators on the same folds
and returns one row per model, with the mean and standard deviation of every score and of
the fit and score times. By default regressors are scored with
:func:`~snn_sklearn.metrics.regression_scorers`: Pearson's r, R², the squared, relative,
absolute and percentage errors (negated, so that greater is better for every column).
"""

# %%
# Cross-validated comparison
# --------------------------
from sklearn.ensemble import HistGradientBoostingRegressor, RandomForestRegressor
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from snn_sklearn import NonSpikingRegressor, SpikingRegressor, compare_models
from snn_sklearn.datasets import load_house_prices

X, y = load_house_prices(return_X_y=True)
models = {
    "spiking": make_pipeline(StandardScaler(), SpikingRegressor((64, 64), random_state=0)),
    "non-spiking": make_pipeline(StandardScaler(), NonSpikingRegressor(random_state=0)),
    "linear": make_pipeline(StandardScaler(), LinearRegression()),
    "random forest": RandomForestRegressor(n_estimators=50, random_state=0),
    "gradient boosting": HistGradientBoostingRegressor(random_state=0),
}
results = compare_models(models, X, y, cv=KFold(4, shuffle=True, random_state=0))
results[["r2_mean", "r2_std", "pearson_r_mean", "neg_root_mean_squared_error_mean"]].round(3)

# %%
# Accuracy against training time
# ------------------------------
# The spiking network simulates ``n_steps`` time steps per sample, so it trains more
# slowly than its non-spiking twin; the timing columns make that cost visible.
import matplotlib.pyplot as plt

from snn_sklearn.plotting import plot_model_comparison

# :func:`~snn_sklearn.plotting.plot_model_comparison` colours each bar by the model's
# family (given ``estimators``, it reads it from the models themselves) and labels it with
# its value; R² is its default metric for regressors.
fig, axes = plt.subplots(1, 2, figsize=(12, 4), layout="constrained")
plot_model_comparison(results, ax=axes[0], estimators=models)
plot_model_comparison(results, scoring="fit_time", ax=axes[1], estimators=models)
axes[0].set(ylabel="R² (mean ± std over 4 folds)")
axes[1].set(ylabel="fit time per fold (s)", yscale="log")
axes[1].get_legend().remove()
plt.show()

# %%
# Choosing the scorers
# --------------------
# ``scoring`` takes anything :func:`~sklearn.model_selection.cross_validate` takes; a single
# scorer gives the columns ``score_mean`` and ``score_std``.
quick = {name: models[name] for name in ["non-spiking", "linear"]}
compare_models(quick, X, y, cv=3, scoring="neg_mean_absolute_error").round(3)
