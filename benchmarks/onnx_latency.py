"""ONNX inference latency: onnxruntime on the exported graph against ``predict_proba``.

Fits a default ``SpikingClassifier(random_state=0)`` on
``make_classification(rows, 20, random_state=0)`` (``--rows``, default 20000),
standardized with ``StandardScaler``, split 75/25, exports it with ``to_onnx``
and prints what the export costs (``to_onnx``'s time, the first call's included,
the model's size and node count, the ``InferenceSession``'s creation), then, on
the same float32 rows of the test set (tiled to 10,000 rows):

1. latency for one row and for 10,000 rows: onnxruntime's ``InferenceSession.run``
   against the estimator's ``predict_proba``, each at its default threads
   (``intra_op_num_threads=0``, the estimator's ``n_threads=None``) and both at one
   thread, and onnxruntime at its default threads with
   ``session.intra_op.allow_spinning`` off (its idle threads then sleep instead of
   spinning, which on a busy machine takes cores from the threads that work); the
   median of the calls (``--repeats``, 20 times as many for one row) after a
   warm-up call, and the ratio ``predict_proba / onnxruntime``;
2. agreement on the 10,000 rows: the largest probability difference and the number
   of rows whose predicted class differs.

Everything runs in one process, alternating the two sides call by call: both are
inference on an already fitted model, and neither's thread pool changes the
other's, so there is no first-fit state to isolate (``user_path.py`` fits in
subprocesses for that reason). The machine is shared and noisy: compare the ratios,
which are measured side by side, rather than the absolute times.

Run ``python benchmarks/onnx_latency.py [--repeats N] [--rows N] [--quick]``
(needs ``pip install "snn-sklearn[onnx]"``).
"""

import argparse
import copy
import os
import platform
import statistics
import time
import warnings

import numpy as np
import onnxruntime
import torch
from sklearn.datasets import make_classification
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from snn_sklearn import SpikingClassifier
from snn_sklearn.export import to_onnx

PREDICT_ROWS = 10_000


def load_data(rows):
    X, y = make_classification(rows, 20, random_state=0)
    X_train, X_test, y_train, _ = train_test_split(X, y, test_size=0.25, random_state=0)
    scaler = StandardScaler().fit(X_train)
    return scaler.transform(X_train), scaler.transform(X_test).astype(np.float32), y_train


def session(model, n_threads, spinning=True):
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = n_threads
    options.inter_op_num_threads = 1
    if not spinning:
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    return onnxruntime.InferenceSession(
        model.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )


def interleaved_medians(functions, repeats):
    """Median seconds of each function, calls alternating, after one warm-up call each."""
    for function in functions:
        function()
    times = [[] for _ in functions]
    for _ in range(repeats):
        for function, recorded in zip(functions, times, strict=True):
            start = time.perf_counter()
            function()
            recorded.append(time.perf_counter() - start)
    return [statistics.median(recorded) for recorded in times]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="max_iter=5, 5 repeats")
    args = parser.parse_args()
    repeats = 5 if args.quick else args.repeats
    started = time.perf_counter()
    print(
        f"onnx_latency.py: torch {torch.__version__}, onnxruntime {onnxruntime.__version__}, "
        f"{platform.machine()}, os.cpu_count() {os.cpu_count()}, load average at start "
        + " ".join(f"{load:.2f}" for load in os.getloadavg())
    )

    X_train, X_test, y_train = load_data(args.rows)
    params = {"max_iter": 5} if args.quick else {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = SpikingClassifier(random_state=0, **params).fit(X_train, y_train)
    rows = np.tile(X_test, (-(-PREDICT_ROWS // len(X_test)), 1))[:PREDICT_ROWS]
    one_row = rows[:1]

    start = time.perf_counter()
    model = to_onnx(clf)
    first_export_s = time.perf_counter() - start
    start = time.perf_counter()
    model = to_onnx(clf)
    export_s = time.perf_counter() - start
    start = time.perf_counter()
    default_session = session(model, 0)
    session_s = time.perf_counter() - start
    single_session = session(model, 1)
    resting_session = session(model, 0, spinning=False)
    single_clf = copy.deepcopy(clf).set_params(n_threads=1)

    print(
        f"\nmodel: default SpikingClassifier, hidden {clf.hidden_layer_sizes}, n_steps "
        f"{clf.n_steps}, input_bins {clf.input_bins}, {clf.n_iter_} epochs on "
        f"{len(X_train)} rows; float32 input"
    )
    print(
        f"to_onnx {export_s * 1e3:.0f} ms (first call, importing onnx: "
        f"{first_export_s * 1e3:.0f} ms), {model.ByteSize() / 1e6:.2f} MB, "
        f"{len(model.graph.node)} nodes; InferenceSession {session_s * 1e3:.0f} ms"
    )

    print(f"\n1. latency, median of {repeats} interleaved calls after a warm-up")
    print(
        f"  {'rows':>6}  {'threads (estimator / ort)':<25}  {'predict_proba':>14}  "
        f"{'onnxruntime':>12}  predict_proba / onnxruntime"
    )
    settings = [
        ("default: None / 0", clf, default_session),
        ("1 / 1", single_clf, single_session),
        ("None / 0, no spinning", clf, resting_session),
    ]
    for X, calls in ((one_row, repeats * 20), (rows, repeats)):
        for label, estimator, runner in settings:
            estimator_s, onnx_s = interleaved_medians(
                [
                    lambda e=estimator, X=X: e.predict_proba(X),
                    lambda r=runner, X=X: r.run(None, {"X": X}),
                ],
                calls,
            )
            print(
                f"  {len(X):>6}  {label:<25}  {estimator_s * 1e3:>11.3f} ms  "
                f"{onnx_s * 1e3:>9.3f} ms  {estimator_s / onnx_s:9.1f}x"
            )

    (probabilities,) = default_session.run(None, {"X": rows})
    expected = clf.predict_proba(rows)
    differing = int((probabilities.argmax(1) != expected.argmax(1)).sum())
    print(
        f"\n2. agreement on {len(rows)} rows: largest |probability difference| "
        f"{np.abs(probabilities - expected).max():.2e}, predicted class differs on "
        f"{differing} rows"
    )
    print(
        f"\nload average at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"{time.perf_counter() - started:.0f} s"
    )


if __name__ == "__main__":
    main()
