"""
Training on data larger than memory with ``partial_fit``
========================================================

A dataset that does not fit in memory can still train a spiking network: keep it on
disk as a memory-mapped ``.npy`` file, and feed it to
:meth:`~snn_sklearn.SpikingClassifier.partial_fit` one chunk at a time. Each call is one
epoch over its chunk, in mini-batches of ``batch_size``, so one pass over all the
chunks takes as many gradient steps as one epoch of ``fit`` on the whole array.
Only one chunk is ever in memory.

This example writes a synthetic dataset to disk, trains out of core for a few
passes, and compares the accuracy with the same network fitted in memory.
"""

# %%
# Write the dataset to a memory-mapped file
# -----------------------------------------
# :func:`numpy.lib.format.open_memmap` creates a ``.npy`` file on disk and fills it
# without holding it in memory; here we fill it in blocks from a generator, as a
# pipeline producing more rows than fit in RAM would.

import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler

from snn_sklearn import SpikingClassifier

N_ROWS, N_FEATURES, CHUNK_ROWS = 12_000, 20, 2_000
X_all, y_all = make_classification(
    n_samples=N_ROWS + 3_000, n_features=N_FEATURES, n_informative=10, random_state=0
)
X_test, y_test = X_all[N_ROWS:].astype(np.float32), y_all[N_ROWS:]

folder = Path(tempfile.mkdtemp())
X_disk = np.lib.format.open_memmap(
    folder / "X.npy", mode="w+", dtype=np.float32, shape=(N_ROWS, N_FEATURES)
)
y_disk = np.lib.format.open_memmap(folder / "y.npy", mode="w+", dtype=np.int64, shape=(N_ROWS,))
for start in range(0, N_ROWS, CHUNK_ROWS):
    X_disk[start : start + CHUNK_ROWS] = X_all[start : start + CHUNK_ROWS]
    y_disk[start : start + CHUNK_ROWS] = y_all[start : start + CHUNK_ROWS]
X_disk.flush()
y_disk.flush()
del X_disk, y_disk

# %%
# Read it back in chunks
# ----------------------
# ``np.load(..., mmap_mode="r")`` maps the file without reading it; slicing a chunk
# reads only those rows. A CSV file works the same way with
# ``pandas.read_csv(path, chunksize=CHUNK_ROWS)``.

X_disk = np.load(folder / "X.npy", mmap_mode="r")
y_disk = np.load(folder / "y.npy", mmap_mode="r")
starts = np.arange(0, N_ROWS, CHUNK_ROWS)


def chunks(order):
    """Yield the ``(X, y)`` chunks starting at the rows in ``order``."""
    for start in order:
        yield X_disk[start : start + CHUNK_ROWS], y_disk[start : start + CHUNK_ROWS]


# %%
# The scaler learns out of core too: :meth:`~sklearn.preprocessing.StandardScaler.partial_fit`
# accumulates the mean and variance chunk by chunk.

scaler = StandardScaler()
for X_chunk, _ in chunks(starts):
    scaler.partial_fit(X_chunk)

# %%
# Train with ``partial_fit``
# --------------------------
# Every pass visits the chunks in a new random order; ``partial_fit`` shuffles the
# rows inside each chunk. The first call names all the classes.

N_PASSES = 8
network = {"hidden_layer_sizes": (64,), "n_steps": 8, "random_state": 0}
out_of_core = SpikingClassifier(**network)
rng = np.random.default_rng(0)
began = time.perf_counter()
for _ in range(N_PASSES):
    for X_chunk, y_chunk in chunks(rng.permutation(starts)):
        out_of_core.partial_fit(scaler.transform(X_chunk), y_chunk, classes=[0, 1])
out_of_core_seconds = time.perf_counter() - began

# %%
# Compare with a fit in memory
# ----------------------------
# The same network and the same number of epochs, on the whole array at once.

X_memory = np.asarray(X_disk)
in_memory = SpikingClassifier(**network, max_iter=N_PASSES, tol=0.0)
began = time.perf_counter()
in_memory.fit(scaler.transform(X_memory), y_disk)
in_memory_seconds = time.perf_counter() - began

X_test_scaled = scaler.transform(X_test)
print(f"{'':12}{'test accuracy':>15}{'seconds':>10}")
for name, model, seconds in [
    ("out of core", out_of_core, out_of_core_seconds),
    ("in memory", in_memory, in_memory_seconds),
]:
    print(f"{name:12}{model.score(X_test_scaled, y_test):>15.3f}{seconds:>10.1f}")

# %%
# Both reach the same accuracy: the chunks only change the order in which the
# mini-batches are seen. Memory use is set by ``CHUNK_ROWS``, not by the file size.
