"""Shared fit / predict logic of the four estimators.

An estimator stores only its constructor arguments until ``fit``; ``fit``
validates them against ``_parameter_constraints``, validates the data, builds a
torch network and a skorch :class:`~snn_sklearn.training.WeightedNet` around it,
and trains it.
"""

import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import torch
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ._adam import Adam
from ._scaling import power_of_two_scaled
from ._state import load_net_state, net_state, to_numpy
from ._threads import batch_work, torch_threads
from .embeddings import PiecewiseLinearEmbedding, quantile_bin_edges
from .networks import initialize_weights
from .training import (
    NO_DECAY_PATTERNS,
    SparseRows,
    StopOnNonFiniteLoss,
    StopWhenStalled,
    TensorBatches,
    TensorTable,
    TrainingProgress,
    ValidationScore,
    WeightedNet,
)

DEVICES = ("cpu", "cuda", "auto")
#: Learning-rate schedules, the ``learning_rate`` parameter's values.
LEARNING_RATES = ("constant", "adaptive")
# How often and by how much learning_rate="adaptive" lowers the rate at a stall.
ADAPTIVE_LR_DECAYS = 2
ADAPTIVE_LR_FACTOR = 5.0
#: Precisions the network can compute in, the ``dtype`` parameter's values.
COMPUTE_DTYPES = ("float32", "float64")
# Input precisions validate_data keeps as they are: fit converts them to the
# network's dtype once, prediction chunk by chunk.
FLOAT_DTYPES = (np.float64, np.float32)
# Sparse X is kept in CSR format, whose row slices are cheap: each training
# batch and prediction chunk densifies its own rows, never the whole matrix.
ACCEPT_SPARSE = "csr"
PREDICT_CHUNK_ROWS = 4096
# Prediction runs in chunks whose per-step activity, (n_steps, rows, widest
# hidden layer), holds about this many numbers (4 MiB in float32): on one
# thread the default spiking network predicted 10,000 rows in 59 ms in chunks
# of 1,024 rows against 119 ms in chunks of 4,096, whose 16 MiB spike tensors
# left the CPU caches (ad hoc timing; benchmarks/results/user_path.txt has
# the resulting predict_proba against its matmul floor).
PREDICT_CHUNK_ELEMENTS = 2**20
# batch_size="auto": MLP's 200 rows, or a 25th of the training rows where that
# is more, up to 512. On make_classification(20000, 20), 2 seeds, batches of
# 512 and of 200 reached the same mean test accuracy (0.887 / 0.888) in 42 and 47
# epochs, and only the larger batches let a second core pay
# (benchmarks/results/user_path.txt); tables under 5,000 rows keep 200.
AUTO_BATCH_ROWS = 200
AUTO_BATCH_FRACTION = 25
AUTO_BATCH_MAX_ROWS = 512
# Fitted attributes that a loaded model rebuilds from its saved state on first use.
LAZY_ATTRIBUTES = ("net_", "history_", "_generator")


def resolve_device(device):
    """Turn the ``device`` parameter into a torch device name.

    Parameters
    ----------
    device : {"cpu", "cuda", "auto"}
        ``"auto"`` picks CUDA when available, else the CPU.

    Returns
    -------
    device : str

    Raises
    ------
    ValueError
        If ``device="cuda"`` and no CUDA device is available.
    """
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            "device='cuda' was requested but no CUDA device is available "
            "(torch.cuda.is_available() is False); use device='cpu' or device='auto'."
        )
    return device


def predict_chunk_rows(module):
    """Rows per prediction chunk: about :data:`PREDICT_CHUNK_ELEMENTS` numbers of activity.

    Parameters
    ----------
    module : torch.nn.Module
        The fitted network: its widest ``Linear`` output, times its ``n_steps``
        (1 when it has none), is one row's activity.

    Returns
    -------
    rows : int
        Between 64 and :data:`PREDICT_CHUNK_ROWS`.
    """
    widest = max(m.out_features for m in module.modules() if isinstance(m, torch.nn.Linear))
    rows = PREDICT_CHUNK_ELEMENTS // (getattr(module, "n_steps", 1) * widest)
    return int(min(PREDICT_CHUNK_ROWS, max(64, rows)))


class BaseNetworkEstimator(BaseEstimator, metaclass=ABCMeta):
    """Base class for the spiking and non-spiking estimators.

    Subclasses define the network (:meth:`_build_module`), the task
    (:meth:`_encode_targets`, :meth:`_criterion`, :meth:`_validation_score`)
    and their public ``__init__``.
    """

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "input_bins": [Interval(Integral, 0, None, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions(set(LEARNING_RATES))],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean", StrOptions({"auto"})],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "device": [StrOptions(set(DEVICES))],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
        "dtype": [StrOptions(set(COMPUTE_DTYPES))],
    }

    @abstractmethod
    def _build_module(self, n_features, n_outputs):
        """Return the untrained torch network."""

    @abstractmethod
    def _encode_targets(self, y, sample_weight, first_pass, classes):
        """Validate ``y`` and return it as a tensor-ready numpy array.

        On the ``first_pass`` the target encoding (classes, scaling) is fitted.
        """

    @abstractmethod
    def _criterion(self):
        """Return the per-sample loss module (``reduction="none"``)."""

    @abstractmethod
    def _validation_score(self):
        """Return the function scoring validation predictions."""

    @abstractmethod
    def _output_activation(self):
        """Return the name of the output activation, MLP's ``out_activation_``."""

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # ----------------------------------------------------------------- fitting

    def _check_partial_fit_allowed(self):
        """Refuse ``partial_fit`` with ``early_stopping=True``, as MLP does."""
        if not isinstance(self.early_stopping, str) and self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: one epoch at a time "
                "has no validation split to stop on. Set early_stopping=False or 'auto' "
                "(which never holds out data in partial_fit)."
            )

    def _fit(self, X, y, sample_weight, incremental, classes=None):
        # A call that fails must leave a fitted model as it was: validation sets
        # n_features_in_, classes_ and the target scaling before it can fail.
        state = dict(self.__dict__)
        try:
            return self._fit_unguarded(X, y, sample_weight, incremental, classes)
        except Exception as error:
            self.__dict__.clear()
            self.__dict__.update(state)
            if _is_out_of_memory(error):
                raise MemoryError(
                    f"{type(self).__name__} ran out of memory while fitting ({error}). Use "
                    "smaller hidden_layer_sizes, n_steps or batch_size."
                ) from error
            raise

    def _fit_unguarded(self, X, y, sample_weight, incremental, classes):
        # The device first: a loaded model rebuilds its net on the hasattr.
        device = resolve_device(self.device)
        first_pass = not hasattr(self, "net_") or not (self.warm_start or incremental)
        self._check_hidden_layer_sizes()
        X, y = validate_data(
            self,
            X,
            y,
            reset=first_pass,
            accept_sparse=ACCEPT_SPARSE,
            dtype=FLOAT_DTYPES,
            # A classifier takes a multilabel indicator matrix; _encode_targets checks y.
            multi_output=True,
            y_numeric=not self._is_classification,
        )
        _check_representable(X, np.dtype(self.dtype) if first_pass else self._dtype)
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, ensure_non_negative=True
        )
        if not sample_weight.max() > 0:
            raise ValueError(
                "sample_weight sums to zero: at least one sample needs a positive weight."
            )
        # Only relative weights matter (every use is a weighted mean). Scaling by a
        # power of two, exact in floating point, brings the largest into [0.5, 1):
        # sums can neither overflow nor vanish, and float32 holds any weight given.
        sample_weight = power_of_two_scaled(sample_weight).astype(X.dtype)
        y = self._encode_targets(y, sample_weight, first_pass, classes)
        if first_pass:
            self._dtype = np.dtype(self.dtype)
            self._random = check_random_state(self.random_state)
            seed = int(self._random.randint(np.iinfo(np.int32).max))
            self._generator = torch.Generator().manual_seed(seed)
            self._early_stopping = self._resolve_early_stopping(X.shape[0], incremental)
            self._input_edges = (
                quantile_bin_edges(X, sample_weight, self.input_bins, self._dtype)
                if self.input_bins
                else None
            )
            self.net_ = self._build_net(X.shape[1], device)
            self.n_layers_ = len(self._hidden_sizes) + 2
            self.out_activation_ = self._output_activation()
            # The net keeps these even if set_params changes them later; a loaded
            # model rebuilds its net from them.
            self._net_params = self.get_params(deep=False)
        self.device_ = device
        rows = self._batch_size(X.shape[0], warn=False)
        work = batch_work(self.net_.module_, rows, getattr(self, "n_steps", 1))
        with torch_threads(self.n_threads, work):
            if first_pass:
                self._prepare_initial_network(X)
            self._train(X, y, sample_weight, incremental)
        return self

    def _check_hidden_layer_sizes(self):
        sizes = np.atleast_1d(np.asarray(self.hidden_layer_sizes))
        integers = np.issubdtype(sizes.dtype, np.integer)
        if sizes.ndim != 1 or sizes.size == 0 or not integers or (sizes < 1).any():
            raise ValueError(
                "hidden_layer_sizes must be a positive integer or a non-empty sequence "
                f"of positive integers, got {self.hidden_layer_sizes!r}."
            )
        self._hidden_sizes = tuple(int(s) for s in sizes)

    def _resolve_early_stopping(self, n_samples, incremental):
        """Whether this fit holds out a validation split: ``"auto"`` decides by size."""
        if self.early_stopping != "auto":
            return self.early_stopping
        return not incremental and n_samples >= self._auto_early_stopping_min_samples

    def _embedding(self):
        """The fitted numeric embedding, or None when ``input_bins=0``."""
        if self._input_edges is None:
            return None
        return PiecewiseLinearEmbedding(self._input_edges)

    def _batch_size(self, n_samples, warn=True):
        if self.batch_size == "auto":
            larger = min(AUTO_BATCH_MAX_ROWS, n_samples // AUTO_BATCH_FRACTION)
            return min(n_samples, max(AUTO_BATCH_ROWS, larger))
        if warn and self.batch_size > n_samples:
            warnings.warn(
                f"Got batch_size={self.batch_size} larger than the {n_samples} training "
                "samples; it is clipped to the number of samples.",
                UserWarning,
                stacklevel=3,
            )
        return min(self.batch_size, n_samples)

    def _prepare_initial_network(self, X):
        """Adjust the freshly initialised network to the training features ``X``.

        Nothing to do for a plain network; the spiking estimators wake layers
        that would start silent.
        """

    def _build_net(self, n_features, device):
        # torch's layers draw their first weights from the global generator, and
        # initialize_weights redraws them from the private one: the global state is
        # put back as it was.
        with torch.random.fork_rng(devices=[]):
            module = self._build_module(n_features, self.n_outputs_)
        module = module.to(_TORCH_DTYPES[self._dtype])
        initialize_weights(module, self._generator)
        stall = StopWhenStalled(
            monitor="valid_score" if self._early_stopping else "train_loss",
            lower_is_better=not self._early_stopping,
            patience=self.n_iter_no_change,
            threshold=self.tol,
            threshold_mode="abs",
            load_best=self._early_stopping,
            lr_decays=ADAPTIVE_LR_DECAYS if self.learning_rate == "adaptive" else 0,
            lr_factor=ADAPTIVE_LR_FACTOR,
        )
        net = WeightedNet(
            module=module,
            criterion=self._criterion(),
            # torch's fused Adam kernel, without torch.optim's import of torch._dynamo.
            optimizer=Adam,
            lr=self.learning_rate_init,
            optimizer__weight_decay=self.alpha,
            optimizer__param_groups=[(p, {"weight_decay": 0.0}) for p in NO_DECAY_PATTERNS],
            iterator_train=TensorBatches,
            iterator_train__shuffle=self.shuffle,
            iterator_train__generator=self._generator,
            iterator_valid=TensorBatches,
            train_split=None,
            callbacks=[
                ("valid_score", ValidationScore(self._validation_score())),
                # Before "stall", whose early stop skips the callbacks after it.
                ("progress", TrainingProgress()),
                ("stall", stall),
                ("non_finite", StopOnNonFiniteLoss()),
            ],
            device=device,
            verbose=0,
        )
        return net.initialize()

    def _tensor(self, array, device, dtype=None):
        dtype = dtype or _TORCH_DTYPES[self._dtype]
        if sparse.issparse(array):
            array = array.toarray()
        with warnings.catch_warnings():
            # Read-only input (e.g. a memory map) is shared, not copied: the tensors
            # built here are only ever read, so torch's warning does not apply.
            warnings.filterwarnings("ignore", message="The given NumPy array is not writable")
            tensor = torch.as_tensor(np.ascontiguousarray(array))
        return tensor.to(device=device, dtype=dtype)

    def _train(self, X, y, sample_weight, incremental):
        validate = self._early_stopping and not incremental
        net = self.net_
        device = self.device_
        net.set_params(device=device)
        net.module_.to(device)
        target_dtype = torch.int64 if y.dtype.kind == "i" else None

        def table(rows):
            # Whole arrays are wrapped without a copy; only a split is indexed.
            if sparse.issparse(X):
                # Stays sparse on the host; each batch densifies its own rows.
                features = X if isinstance(rows, slice) else X[rows]
                features = SparseRows(features, device, _TORCH_DTYPES[self._dtype])
            else:
                features = self._tensor(X[rows], device)
            return TensorTable(
                features,
                self._tensor(y[rows], device, target_dtype),
                self._tensor(sample_weight[rows], device),
            )

        net.train_split = None
        if validate:
            train_idx, valid_idx = self._validation_split(y)
            net.train_split = _PredefinedSplit(table(valid_idx))
            train = table(train_idx)
        else:
            train = table(slice(None))
        net.batch_size = self._batch_size(len(train))
        epochs = 1 if incremental else self.max_iter
        progress = dict(net.callbacks_)["progress"]
        progress.verbose, progress.epochs = int(self.verbose), epochs
        module = net.module_
        module.noise_generator = self._noise_generator(device)
        finished_before = _finished_epochs(net.history)
        try:
            net.partial_fit(train, None, epochs=epochs)
        finally:
            module.noise_generator = None
            net.train_split = None
        self._record_history(incremental, _finished_epochs(net.history) - finished_before)

    def _noise_generator(self, device):
        if device == "cpu":
            return self._generator
        seed = int(torch.randint(np.iinfo(np.int32).max, (1,), generator=self._generator))
        return torch.Generator(device=device).manual_seed(seed)

    def _validation_split(self, y):
        stratify = y if self._is_classification and y.ndim == 1 else None
        indices = np.arange(len(y))
        try:
            train_idx, valid_idx = train_test_split(
                indices,
                test_size=self.validation_fraction,
                random_state=self._random,
                stratify=stratify,
            )
        except ValueError as error:
            raise ValueError(
                f"early_stopping needs a validation split of validation_fraction="
                f"{self.validation_fraction} of the {len(y)} samples, which failed: {error} "
                "Increase validation_fraction, add samples, or set early_stopping=False."
            ) from error
        # As MLPClassifier: a score of one sample (R2 above all) says nothing.
        if len(valid_idx) < 2:
            raise ValueError(
                f"early_stopping needs at least 2 validation samples, but validation_fraction="
                f"{self.validation_fraction} of the {len(y)} samples gives {len(valid_idx)}. "
                "Increase validation_fraction, add samples, or set early_stopping=False."
            )
        return train_idx, valid_idx

    def _record_history(self, incremental, finished_now):
        history = self.net_.history
        callbacks = dict(self.net_.callbacks_)
        stall = callbacks["stall"]
        stalled = stall.stopped
        diverged = callbacks["non_finite"].diverged_
        # skorch ends training quietly on Ctrl-C, leaving the run short of its epochs.
        interrupted = (
            not diverged and not stalled and finished_now < (1 if incremental else self.max_iter)
        )
        finished = [row for row in history if "train_loss" in row]
        self.history_ = history
        self.n_iter_ = len(finished)
        self.loss_curve_ = [float(row["train_loss"]) for row in finished]
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else None
        scores = [row["valid_score"] for row in finished if "valid_score" in row]
        if self._early_stopping and scores:
            self.validation_scores_ = scores
            self.best_validation_score_ = max(scores)
            self.best_loss_ = None
        else:
            self.validation_scores_ = None
            self.best_validation_score_ = None
            self.best_loss_ = min(self.loss_curve_, default=None)
        if self.verbose:
            reason = self._stop_reason(incremental, finished_now, stall, diverged, interrupted)
            print(reason, flush=True)
        if _silenced(finished):
            warnings.warn(
                f"{type(self).__name__}: no hidden neuron spiked on any training sample in the "
                f"last epoch, so the output no longer depends on X: spike_penalty="
                f"{self.spike_penalty:g} silenced the network. Lower spike_penalty (0.1 moved "
                "accuracy on digits and breast cancer by about a point, 1 silenced both; "
                "benchmarks/results/energy_tradeoff.txt).",
                ConvergenceWarning,
                stacklevel=3,
            )
        if diverged:
            warnings.warn(
                f"{type(self).__name__}: training diverged (non-finite loss) in epoch "
                f"{self.n_iter_ + 1}; kept the weights from before that epoch. Lower "
                "learning_rate_init or scale the features (e.g. StandardScaler).",
                ConvergenceWarning,
                stacklevel=3,
            )
        elif interrupted:
            # Raised again, so that a search or a script stops too, with this model
            # fitted as far as it got.
            raise KeyboardInterrupt(
                f"{type(self).__name__}: training was interrupted after {finished_now} "
                "complete epochs of this call; the model keeps the weights it had then."
            )
        elif not stalled and not incremental:
            warnings.warn(
                f"{type(self).__name__}: maximum iterations ({self.max_iter}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=3,
            )

    def _stop_reason(self, incremental, finished_now, stall, diverged, interrupted):
        """The line ``verbose`` ends a training call with: why it stopped."""
        name = type(self).__name__
        if diverged:
            return f"{name}: stopped, the training loss was not finite in epoch {self.n_iter_ + 1}."
        if stall.stopped:
            watched = "Validation score" if self._early_stopping else "Training loss"
            return (
                f"{name}: stopped after {self.n_iter_} epochs. {watched} did not improve "
                f"more than tol={self.tol:g} for {self.n_iter_no_change} consecutive epochs"
                + (" at the smallest learning rate." if stall.lr_decays else ".")
            )
        if interrupted:
            return f"{name}: interrupted after {finished_now} complete epochs."
        if incremental:
            return f"{name}: partial_fit ran one epoch ({self.n_iter_} in all)."
        return f"{name}: stopped at max_iter={self.max_iter} epochs, before converging."

    @property
    def coefs_(self):
        """Weight matrices of the network's ``Linear`` layers, input to output, as MLP's.

        ``coefs_[i]`` has shape ``(fan_in, fan_out)``: for a spiking network,
        the synaptic weights of each hidden layer and then of the readout.
        With ``input_bins`` > 0 the first layer's inputs are the numeric
        embedding's channels, not the raw features.
        """
        return [layer.weight.detach().cpu().numpy().T for layer in self._linear_layers()]

    @property
    def intercepts_(self):
        """Bias vectors of the network's ``Linear`` layers, as MLP's ``intercepts_``."""
        return [layer.bias.detach().cpu().numpy() for layer in self._linear_layers()]

    def _linear_layers(self):
        check_is_fitted(self)
        return [m for m in self.net_.module_.modules() if isinstance(m, torch.nn.Linear)]

    # -------------------------------------------------------------- inference

    def _usable_device(self):
        """The fitted device, or the CPU where CUDA is gone (a model loaded elsewhere)."""
        return self.device_ if self.device_ == "cpu" or torch.cuda.is_available() else "cpu"

    def _inference_module(self):
        """The network in eval mode, on the fitted device or the CPU if CUDA is gone."""
        device = self._usable_device()
        module = self.net_.module_.to(device=device)
        module.eval()
        return module, device

    def _forward(self, X):
        """Raw network outputs for validated ``X``, as a numpy array."""
        module, device = self._inference_module()
        outputs = []
        n_samples = X.shape[0]
        chunk_rows = predict_chunk_rows(module)
        work = batch_work(module, min(n_samples, chunk_rows), getattr(module, "n_steps", 1))
        with torch.no_grad(), torch_threads(self.n_threads, work):
            for start in range(0, n_samples, chunk_rows):
                chunk = self._tensor(X[start : start + chunk_rows], device)
                outputs.append(module(chunk).cpu())
        outputs = torch.cat(outputs).numpy().astype(np.float64)
        overflowed = ~np.isfinite(outputs).all(axis=1)
        if overflowed.any():
            raise ValueError(
                f"The network's output overflowed to inf or NaN for {overflowed.sum()} of the "
                f"{n_samples} samples of X, whose largest absolute value is {_abs_max(X):.3g}: "
                f"X is too large for {type(self).__name__} fitted in {self._dtype}. Scale the "
                "features, e.g. with StandardScaler."
            )
        return outputs

    def _validate_for_predict(self, X):
        """Validated ``X``, float32 or float64 as given: chunks are converted on the way in.

        Sparse ``X`` comes back in CSR format, to be densified chunk by chunk.
        """
        check_is_fitted(self)
        return validate_data(self, X, reset=False, accept_sparse=ACCEPT_SPARSE, dtype=FLOAT_DTYPES)

    # ------------------------------------------------------------ persistence

    def __getstate__(self):
        """Parameters and fitted state as plain Python values and numpy arrays.

        The skorch net, its torch network, optimizer and history and the torch
        generator are replaced by numpy arrays and lists, so a saved model
        holds no pickled torch or skorch object; see :mod:`snn_sklearn.persistence`.
        """
        state = dict(super().__getstate__())
        state["_snn_sklearn_version"] = _package_version()
        if "_dtype" in state:
            # By name: skops does not trust numpy dtype objects by default.
            state["_dtype"] = state["_dtype"].name
        if "net_" in state:
            saved = net_state(state.pop("net_"))
            saved["generator"] = to_numpy(state.pop("_generator").get_state())
            del state["history_"]
            state["_net_state"] = saved
        return state

    def __setstate__(self, state):
        state = dict(state)
        saved_by = state.pop("_snn_sklearn_version", None)
        current = _package_version()
        if saved_by != current:
            advice = (
                f'Load it with that version (pip install "snn-sklearn=={saved_by}"), refit it '
                "with this one and save it again."
                if saved_by
                else "Refit it with this version and save it again."
            )
            raise IncompatibleVersionError(
                f"This {type(self).__name__} was saved by snn_sklearn "
                f"{saved_by or 'before 0.1.0'} and cannot be loaded by snn_sklearn {current}: "
                f"a saved model is read only by the version that wrote it. {advice}"
            )
        if "_dtype" in state:
            state["_dtype"] = np.dtype(state["_dtype"])
        super().__setstate__(state)

    def __getattr__(self, name):
        # Reached only when normal lookup fails: a loaded model rebuilds its net on first use.
        if name in LAZY_ATTRIBUTES and "_net_state" in vars(self):
            self._restore_net()
            return vars(self)[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _restore_net(self):
        """Rebuild ``net_``, ``history_`` and the generator from the saved state."""
        saved = vars(self)["_net_state"]
        device = self._usable_device()
        if device != self.device_ and self.device != "cpu":
            warnings.warn(
                f"This {type(self).__name__} was fitted on device={self.device_!r}, which is "
                "not available here; its network is restored on the CPU. Predictions work; "
                "set device='cpu' to train it further.",
                UserWarning,
                stacklevel=3,
            )
        self._generator = torch.Generator()
        current = {name: getattr(self, name) for name in self._net_params}
        vars(self).update(self._net_params)
        try:
            net = self._build_net(self.n_features_in_, device)
        finally:
            vars(self).update(current)
        load_net_state(net, saved)
        self._generator.set_state(torch.tensor(saved["generator"]))
        self.net_ = net
        self.history_ = net.history
        del vars(self)["_net_state"]


_TORCH_DTYPES = {np.dtype(np.float32): torch.float32, np.dtype(np.float64): torch.float64}


def _check_representable(X, dtype):
    """Refuse training features that the compute ``dtype`` would turn into inf."""
    if X.dtype.itemsize <= dtype.itemsize:
        # validate_data already refused inf; a finite X fits a dtype as wide as its own.
        return
    largest = _abs_max(X)
    if largest > np.finfo(dtype).max:
        raise ValueError(
            f"X holds values up to {largest:.3g} in absolute value, beyond the range of "
            f"{dtype.name} ({np.finfo(dtype).max:.3g}) that the network computes in. Scale the "
            "features (e.g. with StandardScaler) or set dtype='float64'."
        )


def _abs_max(X):
    """Largest absolute value of dense or sparse ``X`` (an implicit zero counts)."""
    if sparse.issparse(X):
        return float(abs(X).max())
    # Without np.abs, which would copy X.
    return float(max(X.max(), -X.min()))


def _silenced(finished):
    """Whether the last epoch's firing-rate penalty was zero (no spike) in every batch."""
    batches = finished[-1]["batches"] if finished else []
    penalties = [batch["penalty"] for batch in batches if "penalty" in batch]
    return bool(penalties) and not any(penalties)


def _finished_epochs(history):
    # A Ctrl-C or a divergence can leave an unfinished epoch without a loss.
    return sum("train_loss" in row for row in history)


class IncompatibleVersionError(ValueError):
    """A saved model was written by another version of snn_sklearn."""


def _package_version():
    # Read on each call, not once: a test poses as another version by patching _version.
    from ._version import __version__

    return __version__


def _is_out_of_memory(error):
    """Whether ``error`` is torch failing to allocate memory, on a GPU or the CPU."""
    return isinstance(error, torch.cuda.OutOfMemoryError) or (
        isinstance(error, RuntimeError) and "can't allocate memory" in str(error)
    )


class _PredefinedSplit:
    """skorch ``train_split`` that keeps the whole training set and a fixed validation set."""

    def __init__(self, valid_dataset):
        self.valid_dataset = valid_dataset

    def __call__(self, dataset, y=None, **fit_params):
        return dataset, self.valid_dataset
