"""
=====================================================
A spiking regressor in a pipeline with mixed columns
=====================================================

The estimators are ordinary scikit-learn estimators, so preprocessing belongs in a
:class:`~sklearn.pipeline.Pipeline` in front of them, where cross-validation refits it on
every training fold. This example prepares the house-price table column by column with a
:class:`~sklearn.compose.ColumnTransformer`: the distance to the metro is heavily skewed,
so it is log-transformed before scaling, and the age of the house is also given as a
categorical band, one-hot encoded.
"""

# %%
# A table with numeric and categorical columns
# --------------------------------------------
import pandas as pd

from snn_sklearn.datasets import load_house_prices

houses = load_house_prices(as_frame=True)
X, y = houses.data, houses.target
X["age_band"] = pd.cut(
    X["house_age"], bins=[-1, 10, 30, 100], labels=["new", "middle-aged", "old"]
).astype(str)
X.head()

# %%
# The pipeline
# ------------
# ``set_output(transform="pandas")`` hands the network a DataFrame, so the fitted
# regressor records the names of the columns it was trained on in ``feature_names_in_``.
import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler

from snn_sklearn import SpikingRegressor

distance = "distance_to_nearest_MRT station"
preprocess = ColumnTransformer(
    [
        (
            "log_distance",
            make_pipeline(
                FunctionTransformer(np.log1p, feature_names_out="one-to-one"), StandardScaler()
            ),
            [distance],
        ),
        ("scaled", StandardScaler(), ["house_age", "no_of_convenience_stores"]),
        ("age_band", OneHotEncoder(sparse_output=False), ["age_band"]),
    ]
).set_output(transform="pandas")
model = make_pipeline(preprocess, SpikingRegressor((64, 64), random_state=0))
model

# %%
# Cross-validation
# ----------------
# The same network after a plain :class:`~sklearn.preprocessing.StandardScaler` on the
# three numeric columns, for comparison; both are scored on the same three shuffled folds.
from sklearn.model_selection import KFold, cross_val_score

numeric = ["house_age", distance, "no_of_convenience_stores"]
plain = make_pipeline(
    ColumnTransformer([("scaled", StandardScaler(), numeric)]),
    SpikingRegressor((64, 64), random_state=0),
)
cv = KFold(3, shuffle=True, random_state=0)
scores = {
    "standard scaling": cross_val_score(plain, X, y, cv=cv, scoring="r2"),
    "column transformer": cross_val_score(model, X, y, cv=cv, scoring="r2"),
}
for name, fold_scores in scores.items():
    print(f"{name:>18}: R² {fold_scores.mean():.3f} ± {fold_scores.std():.3f}")

# %%
# What the network sees
# ---------------------
model.fit(X, y)
print(model[-1].feature_names_in_)

# %%
import matplotlib.pyplot as plt

fig, ax = plt.subplots(figsize=(6, 3), layout="constrained")
ax.boxplot(list(scores.values()), orientation="horizontal")
ax.set_yticks([1, 2], list(scores))
ax.set_xlabel("R² on held-out folds")
plt.show()
