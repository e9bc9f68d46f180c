"""Accuracy against energy per prediction as ``spike_penalty`` grows.

For each data set and penalty, ``make_pipeline(StandardScaler(),
SpikingClassifier(spike_penalty=...))`` (defaults otherwise) is fitted on a
stratified 75/25 split per seed; :func:`snn_sklearn.activity.activity_report`
then measures, on the test set, the mean firing rate of the hidden neurons, the
hidden spikes per sample and the energy of one prediction relative to the
non-spiking twin (E_SNN / E_ANN, arithmetic only, 45 nm float32 costs). Every
column is the median over the seeds. The table is printed and written to
``benchmarks/results/energy_tradeoff.txt``; with matplotlib installed, the curve
is also saved as ``benchmarks/results/energy_tradeoff.png``.

Run ``python benchmarks/energy_tradeoff.py`` (3 seeds, a few minutes on 2
free cores) or ``--seeds 2`` / ``--penalties 0 0.1 1`` for less.
``--hidden-layer-sizes 128 128`` sweeps another network than the default; its
files are then named after it (``energy_tradeoff_128x128.txt``).
"""

import argparse
import statistics
import warnings
from pathlib import Path

from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from snn_sklearn import SpikingClassifier
from snn_sklearn.activity import activity_report

DATASETS = {"digits": load_digits, "breast cancer": load_breast_cancer}
PENALTIES = (0.0, 0.01, 0.1, 1.0, 10.0)
RESULTS = Path(__file__).parent / "results"
COLUMNS = (
    ("accuracy", "{:.4f}"),
    ("delta_pt", "{:+.1f}"),
    ("hidden_rate", "{:.4f}"),
    ("spikes_per_sample", "{:.0f}"),
    ("energy_vs_ann", "{:.3f}"),
    ("energy_change_pct", "{:+.0f}%"),
    ("epochs", "{:.0f}"),
)


def measure(X_train, X_test, y_train, y_test, penalty, seed, params):
    """Test accuracy and activity of one fitted pipeline."""
    model = make_pipeline(
        StandardScaler(), SpikingClassifier(spike_penalty=penalty, random_state=seed, **params)
    )
    model.fit(X_train, y_train)
    scaler, estimator = model
    report = activity_report(estimator, scaler.transform(X_test))
    hidden = report.iloc[:-1]
    return {
        "accuracy": model.score(X_test, y_test),
        # Pooled over all hidden neurons, as spike_penalty defines the rate.
        "hidden_rate": float(
            (hidden["output_firing_rate"] * hidden["fan_out"]).sum() / hidden["fan_out"].sum()
        ),
        "spikes_per_sample": float(hidden["spikes_per_sample"].sum()),
        "energy_vs_ann": report.attrs["energy_snn_j"] / report.attrs["energy_ann_j"],
        "epochs": estimator.n_iter_,
    }


def sweep(load, penalties, seeds, params):
    """Median of each measure over the seeds, per penalty."""
    X, y = load(return_X_y=True)
    runs = {penalty: [] for penalty in penalties}
    for seed in seeds:
        split = train_test_split(X, y, test_size=0.25, random_state=seed, stratify=y)
        for penalty in penalties:
            runs[penalty].append(measure(*split, penalty, seed, params))
    rows = {
        penalty: {key: statistics.median(run[key] for run in results) for key in results[0]}
        for penalty, results in runs.items()
    }
    baseline = rows[penalties[0]]
    for row in rows.values():
        row["delta_pt"] = 100 * (row["accuracy"] - baseline["accuracy"])
        row["energy_change_pct"] = 100 * (row["energy_vs_ann"] / baseline["energy_vs_ann"] - 1)
    return rows


def format_table(results, seeds, params):
    """The results as a Markdown table."""
    header = ["data set", "spike_penalty", *(name for name, _ in COLUMNS)]
    settings = ", ".join(f"{name}={value!r}" for name, value in params.items())
    lines = [
        f"Median over seeds {list(seeds)}; SpikingClassifier({settings}), StandardScaler, "
        "75/25 stratified split; activity on the test set.",
        "delta_pt: accuracy change in points and energy_change_pct: change of E_SNN, "
        "both against the first penalty.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for dataset, rows in results.items():
        for penalty, row in rows.items():
            cells = [dataset, f"{penalty:g}", *(fmt.format(row[name]) for name, fmt in COLUMNS)]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(results, path):
    """Save accuracy against E_SNN / E_ANN, one curve per data set, if matplotlib is there."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot as plt
    except ImportError:
        print("matplotlib is not installed: no plot (pip install snn-sklearn[plot]).")
        return
    figure, axes = plt.subplots(figsize=(6, 4))
    for dataset, rows in results.items():
        energy = [row["energy_vs_ann"] for row in rows.values()]
        accuracy = [row["accuracy"] for row in rows.values()]
        axes.plot(energy, accuracy, marker="o", label=dataset)
        for penalty, x, y in zip(rows, energy, accuracy, strict=True):
            axes.annotate(f"{penalty:g}", (x, y), textcoords="offset points", xytext=(4, 4))
    axes.set_xlabel("energy per prediction, E_SNN / E_ANN")
    axes.set_ylabel("test accuracy (median)")
    axes.set_title("spike_penalty: accuracy against energy")
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="number of seeds (default 3)")
    parser.add_argument("--penalties", type=float, nargs="+", default=PENALTIES)
    parser.add_argument("--datasets", nargs="+", choices=sorted(DATASETS), default=list(DATASETS))
    parser.add_argument(
        "--hidden-layer-sizes", type=int, nargs="+", help="the network's (default: its default)"
    )
    args = parser.parse_args()
    seeds = range(args.seeds)
    params, stem = {}, "energy_tradeoff"
    if args.hidden_layer_sizes:
        params["hidden_layer_sizes"] = tuple(args.hidden_layer_sizes)
        stem += "_" + "x".join(map(str, args.hidden_layer_sizes))
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    results = {}
    for dataset in args.datasets:
        results[dataset] = sweep(DATASETS[dataset], args.penalties, seeds, params)
        print(f"{dataset}: done", flush=True)
    table = format_table(results, seeds, params)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{stem}.txt").write_text(table + "\n")
    plot(results, RESULTS / f"{stem}.png")


if __name__ == "__main__":
    main()
