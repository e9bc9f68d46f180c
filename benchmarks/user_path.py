"""The user's path: float64 input, default parameters, default threads.

What a user gets from ``StandardScaler()`` (or pandas) is a float64 array, and
what they fit is the estimator as it comes. This script times that path on
``make_classification(rows, 20, random_state=0)`` standardized with
``StandardScaler``, split 75/25 (``--rows``, default 20000), against
scikit-learn's defaults, and prints one table of ratios:

1. fit time of default ``SpikingClassifier()`` and ``NonSpikingClassifier()``
   over default ``MLPClassifier()`` and ``HistGradientBoostingClassifier()``
   (``random_state=0`` each), with each model's test accuracy. Each library
   fits in its own subprocess (a torch fit slows later OpenMP fits in the same
   process): the script runs itself as a worker, ``--worker NAME``, which
   prints JSON. Workers run one at a time, in interleaved rounds of
   ``[mlp, hgb, spiking, nonspiking]``, and medians over rounds are reported.
   Each worker first fits once on 400 rows so that no timing includes torch's
   or scikit-learn's first-call set-up.
2. ``predict_proba`` on 10,000 float64 rows (the test set tiled), median of
   several calls after a warm-up, over MLP's ``predict_proba`` on the same
   rows, and over the *matmul floor*: the dense matrix products of the same
   fitted network alone, on random tensors of the exact shapes, in the dtype
   the estimator computes in, at the thread count the estimator used (read
   inside its call). For the spiking network the first layer runs once on the
   static ``(rows, in_features)`` input (``in_features`` is the numeric
   embedding's width), the later hidden layers on ``(n_steps * rows, width)``
   spike matrices, and the ``"mean"`` readout on the ``(rows, width)`` pooled
   spikes; for the non-spiking network each ``nn.Linear`` of ``module.layers``
   on ``(rows, in_features)``.
3. float64 over float32 *input*: default ``SpikingClassifier()`` on the same
   X as float64 and as float32, seconds per epoch (fit time / ``n_iter_``);
   and ``dtype="float64"`` over the default float32 compute, per epoch. These
   fits stop at ``max_iter=EPOCHS`` so that they cost the same number of
   epochs; the three settings are interleaved, medians of the repeats.
4. default threads (``n_threads=None``) over ``n_threads=1``, fit time of
   ``SpikingClassifier(max_iter=EPOCHS)``, quiet (the machine as it is) and
   busy (another process burning one core, started before and killed after).
   The two settings run back to back in ``--thread-repeats`` pairs (default
   7), alternating which goes first; the ratio printed is the median of the
   pairs' ratios, and the thread counts the default policy chose are printed.

Targets (issue "The cost of a spike"): fit <= 1x MLP at accuracy >= MLP's;
``predict_proba`` <= 10x MLP's and <= 2x the floor; float64 input <= 1.2x
float32 per epoch; default threads never slower than ``n_threads=1``.

Run ``python benchmarks/user_path.py [--repeats N] [--thread-repeats N] [--rows N] [--quick]``.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import warnings

HERE = os.path.abspath(__file__)
PREDICT_ROWS = 10_000
PREDICT_CALLS = 7
EPOCHS = 10
WORKERS = ("mlp", "hgb", "spiking", "nonspiking")
F64_COMPUTE = 'dtype="float64"'
BURN = "import time\nt = time.time()\nwhile time.time() - t < 600:\n    pass\n"


# ------------------------------------------------------------------ worker side


def load_data(rows):
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X, y = make_classification(rows, 20, random_state=0)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test), y_train, y_test


def make_estimator(name, **params):
    if name == "mlp":
        from sklearn.neural_network import MLPClassifier

        return MLPClassifier(random_state=0, **params)
    if name == "hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier

        return HistGradientBoostingClassifier(random_state=0, **params)
    import snn_sklearn

    Estimator = (
        snn_sklearn.SpikingClassifier if name == "spiking" else snn_sklearn.NonSpikingClassifier
    )
    return Estimator(random_state=0, **params)


def record_threads():
    """Wrap snn_sklearn's thread policy so that its choices are recorded."""
    from snn_sklearn import _threads

    chosen = []
    policy = _threads.default_threads

    def recording(work, budget=None):
        n_threads = policy(work, budget)
        chosen.append(n_threads)
        return n_threads

    _threads.default_threads = recording
    return chosen


def median_time(function, calls):
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def floor_function(estimator, rows, n_threads):
    """The network's dense matmuls on ``rows`` rows alone, on random tensors."""
    import torch
    from torch.nn import functional as F

    module = estimator.net_.module_
    dtype = next(module.parameters()).dtype
    if hasattr(module, "linears"):  # SpikingNetwork
        n_steps = module.n_steps
        first, *later = list(module.linears)
        shapes = [(rows, first)]
        shapes += [(n_steps * rows, linear) for linear in later]
        if module.readout.__class__.__name__ == "MembraneReadout" and (
            module.readout.reduction == "mean"
        ):
            shapes.append((rows, module.readout.linear))
        else:
            shapes.append((n_steps * rows, module.readout.linear))
    else:
        shapes = [(rows, m) for m in module.layers if isinstance(m, torch.nn.Linear)]
    operands = [
        (torch.randn(n, linear.in_features, dtype=dtype), linear.weight.detach(), linear.bias)
        for n, linear in shapes
    ]

    def run():
        previous = torch.get_num_threads()
        torch.set_num_threads(n_threads)
        with torch.no_grad():
            for x, weight, bias in operands:
                F.linear(x, weight, bias)
        torch.set_num_threads(previous)

    return run, [[n, linear.in_features, linear.out_features] for n, linear in shapes], str(dtype)


def predict_timings(estimator, name, X_test):
    """Median ``predict_proba`` time on PREDICT_ROWS rows, and the floor's for ours."""
    import numpy as np

    tiled = np.tile(X_test, (int(np.ceil(PREDICT_ROWS / len(X_test))), 1))[:PREDICT_ROWS]
    assert tiled.dtype == np.float64
    result = {}
    if name in ("spiking", "nonspiking"):
        import torch

        inside = []
        hook = estimator.net_.module_.register_forward_pre_hook(
            lambda *_: inside.append(torch.get_num_threads())
        )
        estimator.predict_proba(tiled)  # warm-up, and the thread count it runs at
        hook.remove()
        floor, shapes, dtype = floor_function(estimator, PREDICT_ROWS, inside[0])
        floor()
        predict, floor_times = [], []
        for _ in range(PREDICT_CALLS):  # interleaved
            predict.append(median_time(lambda: estimator.predict_proba(tiled), 1))
            floor_times.append(median_time(floor, 1))
        result.update(
            predict=statistics.median(predict),
            floor=statistics.median(floor_times),
            predict_threads=inside[0],
            floor_shapes=shapes,
            compute_dtype=dtype,
        )
    else:
        estimator.predict_proba(tiled)
        result["predict"] = median_time(lambda: estimator.predict_proba(tiled), PREDICT_CALLS)
    return result


def worker_fit(name, rows):
    X_train, X_test, y_train, y_test = load_data(rows)
    chosen = record_threads() if name in ("spiking", "nonspiking") else []
    params = {"max_iter": 1} if name in ("spiking", "nonspiking", "mlp") else {"max_iter": 2}
    make_estimator(name, **params).fit(X_train[:400], y_train[:400])  # warm-up
    del chosen[:]
    estimator = make_estimator(name)
    start = time.perf_counter()
    estimator.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    result = {
        "fit": seconds,
        "accuracy": float(estimator.score(X_test, y_test)),
        "n_iter": int(estimator.n_iter_),
        "fit_threads": sorted(set(chosen)),
    }
    result.update(predict_timings(estimator, name, X_test))
    return result


def worker_dtype(rows, repeats):
    import numpy as np

    X_train, _, y_train, _ = load_data(rows)
    X32 = X_train.astype(np.float32)
    make_estimator("spiking", max_iter=1).fit(X_train[:400], y_train[:400])
    cases = {
        "float64 input": (X_train, {}),
        "float32 input": (X32, {}),
        F64_COMPUTE: (X_train, {"dtype": "float64"}),
    }
    per_epoch = {key: [] for key in cases}
    keys = list(cases)
    for repeat in range(repeats):
        for key in keys[repeat % 3 :] + keys[: repeat % 3]:
            X, params = cases[key]
            estimator = make_estimator("spiking", max_iter=EPOCHS, **params)
            start = time.perf_counter()
            estimator.fit(X, y_train)
            per_epoch[key].append((time.perf_counter() - start) / estimator.n_iter_)
    return {key: statistics.median(values) for key, values in per_epoch.items()}


def worker_threads(rows, repeats):
    X_train, _, y_train, _ = load_data(rows)
    chosen = record_threads()
    make_estimator("spiking", max_iter=1).fit(X_train[:400], y_train[:400])
    del chosen[:]
    times = {"None": [], "1": []}
    for repeat in range(repeats):
        keys = ["None", "1"] if repeat % 2 == 0 else ["1", "None"]
        for key in keys:
            n_threads = None if key == "None" else 1
            estimator = make_estimator("spiking", max_iter=EPOCHS, n_threads=n_threads)
            start = time.perf_counter()
            estimator.fit(X_train, y_train)
            times[key].append(time.perf_counter() - start)
    result = {key: statistics.median(values) for key, values in times.items()}
    # Each repeat's two fits ran back to back: their ratio cancels the drift of
    # the machine's speed between repeats, which the ratio of medians does not.
    result["paired"] = statistics.median(
        a / b for a, b in zip(times["None"], times["1"], strict=True)
    )
    result["chosen"] = sorted(set(chosen))
    return result


def worker(args):
    warnings.simplefilter("ignore")
    if args.worker == "dtype":
        result = worker_dtype(args.rows, args.repeats)
    elif args.worker == "threads":
        result = worker_threads(args.rows, args.repeats)
    else:
        result = worker_fit(args.worker, args.rows)
    print(json.dumps(result))


# ------------------------------------------------------------------ parent side


def run_worker(name, rows, repeats=1):
    command = [sys.executable, HERE, "--worker", name, "--rows", str(rows)]
    command += ["--repeats", str(repeats)]
    completed = subprocess.run(command, capture_output=True, text=True)
    if completed.returncode != 0:
        sys.exit(f"worker {name} failed with exit code {completed.returncode}:\n{completed.stderr}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def busy(function):
    """Run ``function()`` while another process burns one core."""
    burner = subprocess.Popen([sys.executable, "-c", BURN])
    try:
        time.sleep(2.0)
        return function()
    finally:
        burner.kill()
        burner.wait()


def row(label, value, target=""):
    print(f"  {label:<58}{value:>12}  {target}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--thread-repeats", type=int, default=7, help="repeats of section 4's fit pairs"
    )
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--quick", action="store_true", help="3000 rows, 1 repeat")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args)
    if args.quick:
        args.rows, args.repeats, args.thread_repeats = 3000, 1, 1

    import torch

    load_start = os.getloadavg()
    started = time.perf_counter()
    rounds = {name: [] for name in WORKERS}
    for _ in range(args.repeats):
        for name in WORKERS:
            rounds[name].append(run_worker(name, args.rows))
    dtype = run_worker("dtype", args.rows, args.repeats)
    quiet = run_worker("threads", args.rows, args.thread_repeats)
    loaded = busy(lambda: run_worker("threads", args.rows, args.thread_repeats))
    load_end = os.getloadavg()

    def med(name, key):
        return statistics.median(result[key] for result in rounds[name])

    print(
        f"user_path.py: torch {torch.__version__}, os.cpu_count() {os.cpu_count()}, "
        f"load average at start {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}, "
        f"at end {load_end[0]:.2f} {load_end[1]:.2f} {load_end[2]:.2f}; "
        f"{args.rows} rows, {args.repeats} repeats, {time.perf_counter() - started:.0f} s"
    )
    print(
        f"\n1. fit, defaults, float64 input, {args.rows * 3 // 4} training rows "
        "(one subprocess per fit, median of rounds)"
    )
    print(
        f"  {'model':<16}{'fit s':>9}{'epochs':>8}{'threads':>9}{'accuracy':>10}"
        f"{'fit / MLP':>11}{'fit / HGB':>11}"
    )
    mlp_fit, hgb_fit = med("mlp", "fit"), med("hgb", "fit")
    labels = {
        "mlp": "MLPClassifier",
        "hgb": "HistGB",
        "spiking": "Spiking",
        "nonspiking": "NonSpiking",
    }
    for name in WORKERS:
        fit = med(name, "fit")
        threads = sorted({t for result in rounds[name] for t in result["fit_threads"]})
        threads = ",".join(map(str, threads)) or "-"
        print(
            f"  {labels[name]:<16}{fit:>9.2f}{med(name, 'n_iter'):>8.0f}{threads:>9}"
            f"{med(name, 'accuracy'):>10.4f}{fit / mlp_fit:>10.2f}x{fit / hgb_fit:>10.2f}x"
        )
    print("  target: fit <= 1x MLP at accuracy >= MLP's")

    print(f"\n2. predict_proba on {PREDICT_ROWS} float64 rows (median of {PREDICT_CALLS} calls)")
    print(
        f"  {'model':<16}{'ms':>9}{'threads':>9}{'floor ms':>10}{'compute':>15}"
        f"{'/ MLP':>9}{'/ floor':>9}"
    )
    mlp_predict = med("mlp", "predict")
    for name in WORKERS:
        predict = med(name, "predict")
        if "floor" in rounds[name][0]:
            floor = med(name, "floor")
            threads = str(rounds[name][-1]["predict_threads"])
            compute = rounds[name][-1]["compute_dtype"].replace("torch.", "")
            extra = f"{threads:>9}{floor * 1e3:>10.2f}{compute:>15}"
            ratio_floor = f"{predict / floor:>8.2f}x"
        else:
            extra, ratio_floor = f"{'-':>9}{'-':>10}{'-':>15}", f"{'-':>9}"
        print(
            f"  {labels[name]:<16}{predict * 1e3:>9.2f}{extra}"
            f"{predict / mlp_predict:>8.2f}x{ratio_floor}"
        )
    for name in ("spiking", "nonspiking"):
        shapes = " + ".join(f"({n}x{a})@({a}x{b})" for n, a, b in rounds[name][-1]["floor_shapes"])
        print(f"  floor of {labels[name]}: {shapes}")
    print("  target: predict_proba <= 10x MLP and <= 2x the floor")

    print(
        f"\n3. SpikingClassifier seconds per epoch (max_iter={EPOCHS}, interleaved, "
        f"median of {args.repeats})"
    )
    for key in dtype:
        print(f"  {key:<58}{dtype[key] * 1e3:>9.1f} ms")
    row(
        "float64 input / float32 input (default float32 compute)",
        f"{dtype['float64 input'] / dtype['float32 input']:.2f}x",
        "target <= 1.2x",
    )
    row(
        'dtype="float64" / default float32 compute (float64 input)',
        f"{dtype[F64_COMPUTE] / dtype['float64 input']:.2f}x",
        "(what float64 compute costs)",
    )

    print(
        f"\n4. SpikingClassifier fit (max_iter={EPOCHS}), n_threads=None / n_threads=1 "
        f"(interleaved pairs, median of {args.thread_repeats} paired ratios)"
    )
    for label, result in [("quiet (machine as it is)", quiet), ("busy (one core burnt)", loaded)]:
        chosen = ",".join(map(str, result["chosen"]))
        row(
            f"{label}: {result['None']:.2f} s / {result['1']:.2f} s, default chose {chosen}",
            f"{result['paired']:.2f}x",
            "target <= 1x",
        )


if __name__ == "__main__":
    main()
