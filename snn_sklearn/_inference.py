"""Running a fitted network on new rows: the one chunked forward loop.

``predict``, ``predict_proba``, :mod:`snn_sklearn.activity` and
:mod:`snn_sklearn.export` all run the fitted network through
:func:`forward_chunks`. Every setting of the computation (time steps, encoder,
time constants, dtype) is read from the fitted network, never from the
estimator's current parameters, which ``set_params`` may have changed since
the last fit.
"""

import warnings

import numpy as np
import torch
from scipy import sparse
from sklearn.utils.validation import check_is_fitted, validate_data

from ._device import usable_device
from ._threads import batch_work, torch_threads

# Input precisions validate_data keeps as they are: fit converts them to the
# network's dtype once, prediction chunk by chunk.
FLOAT_DTYPES = (np.float64, np.float32)
# Sparse X is kept in CSR format, whose row slices are cheap: each training
# batch and prediction chunk densifies its own rows, never the whole matrix.
ACCEPT_SPARSE = "csr"
PREDICT_CHUNK_ROWS = 4096
# Prediction runs in chunks whose activity, (kept steps, rows, widest hidden
# layer), holds about this many numbers (4 MiB in float32): on one thread the
# two-layer spiking network, which keeps all 8 steps of its first layer,
# predicted 10,000 rows in 59 ms in chunks of 1,024 rows against 119 ms in
# chunks of 4,096, whose 16 MiB spike tensors left the CPU caches. The
# one-layer default keeps one step (its spikes are pooled as they are made)
# and predicts in chunks of 4,096: 10.4 ms on two threads against 13.0 ms in
# chunks of 1,024 (ad hoc timing; benchmarks/results/user_path.txt has the
# resulting predict_proba against its matmul floor).
PREDICT_CHUNK_ELEMENTS = 2**20
TORCH_DTYPES = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64}


def predict_chunk_rows(module, kept_steps=None):
    """Rows per prediction chunk: about :data:`PREDICT_CHUNK_ELEMENTS` numbers of activity.

    Parameters
    ----------
    module : torch.nn.Module
        The fitted network: its widest ``Linear`` output, times ``kept_steps``,
        is one row's activity.
    kept_steps : int or None, default=None
        Time steps of activity the computation keeps at once; by default the
        module's ``n_steps`` (1 when it has none).

    Returns
    -------
    rows : int
        Between 64 and :data:`PREDICT_CHUNK_ROWS` (fewer only if that is smaller).
    """
    widest = max(m.out_features for m in module.modules() if isinstance(m, torch.nn.Linear))
    if kept_steps is None:
        kept_steps = getattr(module, "n_steps", 1)
    rows = PREDICT_CHUNK_ELEMENTS // (kept_steps * widest)
    return int(min(PREDICT_CHUNK_ROWS, max(64, rows)))


def to_tensor(array, device, dtype):
    """A dense or sparse array as a dense tensor of ``dtype`` on ``device``.

    Parameters
    ----------
    array : ndarray or scipy sparse matrix
    device : str or torch.device
    dtype : torch.dtype

    Returns
    -------
    tensor : torch.Tensor
    """
    if sparse.issparse(array):
        array = array.toarray()
    with warnings.catch_warnings():
        # Read-only input (e.g. a memory map) is shared, not copied: the tensors
        # built here are only ever read, so torch's warning does not apply.
        warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
        tensor = torch.as_tensor(np.ascontiguousarray(array))
    return tensor.to(device=device, dtype=dtype)


def validate_for_predict(estimator, X):
    """``X`` validated for a fitted estimator, float32 or float64 as given.

    Parameters
    ----------
    estimator : BaseNetworkEstimator
        A fitted estimator.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)

    Returns
    -------
    X : ndarray or CSR matrix
        Sparse ``X`` comes back in CSR format, to be densified chunk by chunk.
    """
    check_is_fitted(estimator)
    return validate_data(estimator, X, reset=False, accept_sparse=ACCEPT_SPARSE, dtype=FLOAT_DTYPES)


def forward_chunks(estimator, X, forward, kept_steps=None):
    """Run the fitted network on ``X`` chunk by chunk of rows.

    The network runs in eval mode, without autograd, on the device it was
    fitted on (the CPU where that CUDA device is gone), in the precision it
    was fitted in, on the threads ``n_threads`` allows. Each chunk of
    :func:`predict_chunk_rows` rows is densified on its own.

    Parameters
    ----------
    estimator : BaseNetworkEstimator
        A fitted estimator.
    X : ndarray or CSR matrix of shape (n_samples, n_features)
        Validated input, see :func:`validate_for_predict`.
    forward : callable
        ``forward(module, x)`` computes what is wanted of one chunk ``x``, a
        ``(rows, n_features)`` tensor; ``module`` is the fitted network.
    kept_steps : int or None, default=None
        Time steps of activity ``forward`` keeps at once, which sizes the
        chunks (see :func:`predict_chunk_rows`); by default the network's
        ``n_steps``, as when every layer is recorded.

    Returns
    -------
    results : list
        ``forward``'s value for each chunk, in row order.
    """
    device = usable_device(estimator.device_)
    module = estimator.net_.module_.to(device=device)
    module.eval()
    dtype = TORCH_DTYPES[estimator._dtype]
    n_samples = X.shape[0]
    chunk_rows = predict_chunk_rows(module, kept_steps)
    work = batch_work(module, min(n_samples, chunk_rows), getattr(module, "n_steps", 1))
    with torch.no_grad(), torch_threads(estimator.n_threads, work):
        return [
            forward(module, to_tensor(X[start : start + chunk_rows], device, dtype))
            for start in range(0, n_samples, chunk_rows)
        ]


def network_outputs(estimator, X):
    """The fitted network's outputs for validated ``X``, in float64.

    Parameters
    ----------
    estimator : BaseNetworkEstimator
        A fitted estimator.
    X : ndarray or CSR matrix of shape (n_samples, n_features)
        Validated input, see :func:`validate_for_predict`.

    Returns
    -------
    outputs : ndarray of shape (n_samples, n_outputs)

    Raises
    ------
    ValueError
        If an output overflowed to inf or NaN.
    """
    kept_steps = getattr(estimator.net_.module_, "inference_kept_steps", None)
    chunks = forward_chunks(estimator, X, _outputs_of_finite_rows, kept_steps)
    outputs = torch.cat(chunks).numpy().astype(np.float64)
    if not np.isfinite(outputs).all():
        overflowed = ~np.isfinite(outputs).all(axis=1)
        raise ValueError(
            f"The network's output overflowed to inf or NaN for {overflowed.sum()} of the "
            f"{X.shape[0]} samples of X, whose largest absolute value is {abs_max(X):.3g}: "
            f"X is too large for {type(estimator).__name__} fitted in {estimator._dtype}. "
            "Scale the features, e.g. with StandardScaler."
        )
    return outputs


def _outputs_of_finite_rows(module, x):
    """``module(x)`` on the CPU, NaN in the rows of ``x`` that overflowed to inf in its dtype.

    A spiking layer never fires on the NaN current of such a row, so its
    output would otherwise come out finite, and wrong.
    """
    outputs = module(x).cpu()
    overflowed = ~torch.isfinite(x).all(dim=1).cpu()
    if overflowed.any():
        outputs[overflowed] = torch.nan
    return outputs


def abs_max(X):
    """Largest absolute value of dense or sparse ``X`` (an implicit zero counts)."""
    if sparse.issparse(X):
        return float(abs(X).max())
    # Without np.abs, which would copy X.
    return float(max(X.max(), -X.min()))
