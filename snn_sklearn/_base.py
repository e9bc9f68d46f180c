"""The shared fit logic of the four estimators.

An estimator stores only its constructor arguments until ``fit``; ``fit``
validates them against ``_parameter_constraints``, validates the data, builds a
torch network and a skorch :class:`~snn_sklearn.training.WeightedNet` around it
(or, on a warm start, continues the fitted one), configures its training from
the current parameters (:mod:`snn_sklearn._configuration`) and trains it.
Prediction is in :mod:`snn_sklearn._inference`, pickling in
:mod:`snn_sklearn._pickling`.
"""

import math
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import torch
from scipy import sparse
from sklearn.base import BaseEstimator, _fit_context
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ._adam import Adam
from ._configuration import (
    ADAPTIVE_LR_FACTOR,
    check_structure,
    configure_training,
    hidden_layer_sizes,
)
from ._device import DEVICES, resolve_device
from ._inference import ACCEPT_SPARSE, FLOAT_DTYPES, TORCH_DTYPES, abs_max, to_tensor
from ._pickling import SavedNetworkMixin
from ._scaling import power_of_two_scaled
from ._threads import batch_work, torch_threads
from .embeddings import PiecewiseLinearEmbedding, quantile_bin_edges
from .networks import initialize_weights
from .training import (
    NO_DECAY_PATTERNS,
    FollowFreeCores,
    SparseRows,
    StopOnNonFiniteLoss,
    StopWhenStalled,
    TensorBatches,
    TensorTable,
    TrainingProgress,
    ValidationScore,
    WeightedNet,
)

#: Learning-rate schedules, the ``learning_rate`` parameter's values.
LEARNING_RATES = ("constant", "adaptive")
#: Precisions the network can compute in, the ``dtype`` parameter's values.
COMPUTE_DTYPES = ("float32", "float64")
# batch_size="auto": MLP's 200 rows, or a 25th of the training rows where that
# is more, up to 512. On make_classification(20000, 20), 2 seeds, batches of
# 512 and of 200 reached the same mean test accuracy (0.887 / 0.888) in 42 and 47
# epochs, and only the larger batches let a second core pay
# (benchmarks/results/user_path.txt); tables under 5,000 rows keep 200.
AUTO_BATCH_ROWS = 200
AUTO_BATCH_FRACTION = 25
AUTO_BATCH_MAX_ROWS = 512


class BaseNetworkEstimator(SavedNetworkMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class for the spiking and non-spiking estimators.

    Subclasses define the network (:meth:`_build_module`, :meth:`_structure`,
    :meth:`_configure_module`), the task (:meth:`_encode_targets`,
    :meth:`_criterion`, :meth:`_validation_score`, :meth:`_output_activation`,
    and the class attributes ``_validation_monitor``, what early stopping
    watches, and ``_auto_early_stopping_min_samples``) and their public
    ``__init__``. ``_embedding_counts_down`` says whether the numeric
    embedding's lower bins count down (see :mod:`snn_sklearn.embeddings`).

    On a warm start (``warm_start=True`` or ``partial_fit``) every parameter
    is applied to the fitted network except those that fix its structure,
    which :meth:`_structure` names: a new value of one of those raises a
    ``ValueError``.
    """

    _embedding_counts_down = False
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
    def _build_module(self, params, n_features, n_outputs, embedding):
        """Return the untrained torch network for the parameters ``params``.

        ``embedding`` is the fitted numeric embedding, or None.
        """

    def _structure(self, params):
        """The parameters in ``params`` that fix the network's shape, normalised.

        A warm start with any of them changed is refused: the fitted network
        cannot take them. Subclasses add their own.
        """
        return {
            "hidden_layer_sizes": hidden_layer_sizes(params["hidden_layer_sizes"]),
            "input_bins": params["input_bins"],
            "dtype": params["dtype"],
        }

    def _configure_module(self, module, params):
        """Give the fitted network the settings of ``params`` it can take.

        The dense networks have none; the spiking ones take their time constants.
        """

    def _forward_params(self, generator):
        """Keyword arguments of the network's forward pass in training."""
        return {}

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

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and targets y.

        With ``warm_start=True`` a fitted model continues training its network
        with the current parameters; changing one that fixes the network's
        structure raises a ``ValueError``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values: class labels (strings, integers or booleans) or
            a multilabel indicator matrix of 0s and 1s in classification, real
            numbers in regression.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample in the loss; ``None`` weighs all
            samples equally. An integer weight acts as repeating the sample.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

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
            if "net_" in state:
                # The net may have been configured for the failed call already.
                self._configure(self._fitted_params)
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
        params = self.get_params(deep=False)
        if first_pass:
            sizes = hidden_layer_sizes(self.hidden_layer_sizes)
        else:
            check_structure(self, self._fitted_params, incremental)
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
        _check_representable(X, np.dtype(self.dtype))
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
        self._early_stopping = self._resolve_early_stopping(y, sample_weight, incremental)
        if first_pass:
            self._dtype = np.dtype(self.dtype)
            self._generator = torch.Generator().manual_seed(self._seed(self.random_state))
            self._input_edges = (
                quantile_bin_edges(X, sample_weight, self.input_bins, self._dtype)
                if self.input_bins
                else None
            )
            self.net_ = self._build_net(params, X.shape[1], device)
            self.n_layers_ = len(sizes) + 2
            self.out_activation_ = self._output_activation()
        else:
            if not _same_random_state(self.random_state, self._fitted_params["random_state"]):
                # In place: the net's batch iterator holds this generator.
                self._generator.manual_seed(self._seed(self.random_state))
            self._configure(params)
        # What the net is configured with, and what a loaded model rebuilds it from.
        self._fitted_params = params
        self.device_ = device
        rows = self._batch_size(X.shape[0], warn=False)
        module = self.net_.module_
        with torch_threads(self.n_threads, batch_work(module, rows, getattr(module, "n_steps", 1))):
            if first_pass:
                self._prepare_initial_network(X)
            self._train(X, y, sample_weight, incremental)
        return self

    def _seed(self, random_state):
        """Start the validation splits' random stream; return the seed of the torch generator.

        The torch generator draws the first weights, the batch orders and the
        encoders' noise.
        """
        self._random = check_random_state(random_state)
        return int(self._random.randint(np.iinfo(np.int32).max))

    def _configure(self, params):
        """Configure the fitted net's training and network from ``params``."""
        configure_training(self.net_, params, self._early_stopping, self._validation_monitor)
        self._configure_module(self.net_.module_, params)

    def _resolve_early_stopping(self, y, sample_weight, incremental):
        """Whether this fit holds out a validation split.

        ``"auto"`` does so in ``fit`` from the task's
        ``_auto_early_stopping_min_samples`` samples of positive weight on,
        where the split can be made: not where a class has a single sample, or
        more classes than either part of a stratified split would hold
        (``early_stopping=True`` raises there).
        """
        if self.early_stopping != "auto":
            return self.early_stopping
        return (
            not incremental
            and np.count_nonzero(sample_weight) >= self._auto_early_stopping_min_samples
            and self._can_split_for_validation(y)
        )

    def _can_split_for_validation(self, y):
        """Whether :meth:`_validation_split` can split ``y`` (as ``train_test_split`` rules)."""
        n_valid = math.ceil(self.validation_fraction * len(y))
        n_train = len(y) - n_valid
        if n_valid < 2 or n_train < 1:
            return False
        if self._stratification(y) is None:
            return True
        counts = np.unique(y, return_counts=True)[1]
        return counts.min() >= 2 and min(n_valid, n_train) >= len(counts)

    def _stratification(self, y):
        """Labels the validation split is stratified by: a single class target, else None."""
        return y if self._is_classification and y.ndim == 1 else None

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

    def _build_net(self, params, n_features, device):
        """The initialized skorch net of a new network for ``params``, configured by them.

        A loaded model rebuilds its net here from the parameters of its last fit.
        """
        embedding = (
            None
            if self._input_edges is None
            else PiecewiseLinearEmbedding(self._input_edges, self._embedding_counts_down)
        )
        # torch's layers draw their first weights from the global generator, and
        # initialize_weights redraws them from the private one: the global state is
        # put back as it was.
        with torch.random.fork_rng(devices=[]):
            module = self._build_module(params, n_features, self.n_outputs_, embedding)
        module = module.to(TORCH_DTYPES[self._dtype])
        initialize_weights(module, self._generator)
        net = WeightedNet(
            module=module,
            criterion=self._criterion(),
            # torch's fused Adam kernel, without torch.optim's import of torch._dynamo.
            optimizer=Adam,
            lr=params["learning_rate_init"],
            optimizer__param_groups=[(p, {"weight_decay": 0.0}) for p in NO_DECAY_PATTERNS],
            iterator_train=TensorBatches,
            iterator_train__generator=self._generator,
            iterator_valid=TensorBatches,
            train_split=None,
            callbacks=[
                ("threads", FollowFreeCores()),
                ("valid_score", ValidationScore(self._validation_score())),
                # Before "stall", whose early stop skips the callbacks after it.
                ("progress", TrainingProgress()),
                ("stall", StopWhenStalled(threshold_mode="abs", lr_factor=ADAPTIVE_LR_FACTOR)),
                ("non_finite", StopOnNonFiniteLoss()),
            ],
            # TrainingProgress reports; skorch's table would be built each epoch, unseen.
            callbacks__print_log=None,
            device=device,
            verbose=0,
        ).initialize()
        configure_training(net, params, self._early_stopping, self._validation_monitor)
        self._configure_module(net.module_, params)
        return net

    def _train(self, X, y, sample_weight, incremental):
        validate = self._early_stopping and not incremental
        net = self.net_
        device = self.device_
        net.set_params(device=device)
        net.module_.to(device)
        dtype = TORCH_DTYPES[self._dtype]
        target_dtype = torch.int64 if y.dtype.kind == "i" else dtype

        def table(rows):
            # Whole arrays are wrapped without a copy; only a split is indexed.
            if sparse.issparse(X):
                # Stays sparse on the host; each batch densifies its own rows.
                features = X if isinstance(rows, slice) else X[rows]
                features = SparseRows(features, device, dtype)
            else:
                features = to_tensor(X[rows], device, dtype)
            return TensorTable(
                features,
                to_tensor(y[rows], device, target_dtype),
                to_tensor(sample_weight[rows], device, dtype),
            )

        net.train_split = None
        if validate:
            train_idx, valid_idx = self._validation_split(y, sample_weight)
            net.train_split = _PredefinedSplit(table(valid_idx))
            train = table(train_idx)
        else:
            train = table(slice(None))
        net.batch_size = self._batch_size(len(train))
        epochs = 1 if incremental else self.max_iter
        progress = dict(net.callbacks_)["progress"]
        progress.verbose, progress.epochs = int(self.verbose), epochs
        net.training_inputs = self._forward_params(self._noise_generator(device))
        finished_before = _finished_epochs(net.history)
        try:
            net.partial_fit(train, None, epochs=epochs)
        finally:
            net.train_split = None
            net.training_inputs = {}
        self._record_history(incremental, _finished_epochs(net.history) - finished_before)

    def _noise_generator(self, device):
        if device == "cpu":
            return self._generator
        seed = int(torch.randint(np.iinfo(np.int32).max, (1,), generator=self._generator))
        return torch.Generator(device=device).manual_seed(seed)

    def _validation_split(self, y, sample_weight):
        stratify = self._stratification(y)
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
        # Samples of zero weight count for nothing: a split short of weighted
        # samples has no loss or score to stop on, only NaNs.
        n_weighted_valid = np.count_nonzero(sample_weight[valid_idx])
        n_weighted_train = np.count_nonzero(sample_weight[train_idx])
        if n_weighted_valid < 2 or not n_weighted_train:
            raise ValueError(
                "early_stopping needs samples of positive sample_weight on both sides of its "
                f"validation split (at least 2 held out): of the {len(valid_idx)} held-out "
                f"samples {n_weighted_valid} have one, of the other {len(train_idx)} "
                f"{n_weighted_train}. Set early_stopping=False, change validation_fraction, "
                "or give more samples a positive weight."
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
            self.best_validation_score_ = _kept_score(finished, scores, stall)
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
            watched = "Training loss"
            if self._early_stopping:
                watched = f"Validation {self._validation_monitor.removeprefix('valid_')}"
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


def _same_random_state(a, b):
    """Whether two ``random_state`` values are the same: seeds by value, generators by identity."""
    if isinstance(a, np.random.RandomState) or isinstance(b, np.random.RandomState):
        return a is b
    return a == b


def _check_representable(X, dtype):
    """Refuse training features that the compute ``dtype`` would turn into inf."""
    if X.dtype.itemsize <= dtype.itemsize:
        # validate_data already refused inf; a finite X fits a dtype as wide as its own.
        return
    largest = abs_max(X)
    if largest > np.finfo(dtype).max:
        raise ValueError(
            f"X holds values up to {largest:.3g} in absolute value, beyond the range of "
            f"{dtype.name} ({np.finfo(dtype).max:.3g}) that the network computes in. Scale the "
            "features (e.g. with StandardScaler) or set dtype='float64'."
        )


def _silenced(finished):
    """Whether the last epoch's firing-rate penalty was zero (no spike) in every batch."""
    batches = finished[-1]["batches"] if finished else []
    penalties = [batch["penalty"] for batch in batches if "penalty" in batch]
    return bool(penalties) and not any(penalties)


def _finished_epochs(history):
    # A Ctrl-C or a divergence can leave an unfinished epoch without a loss.
    return sum("train_loss" in row for row in history)


def _is_out_of_memory(error):
    """Whether ``error`` is torch failing to allocate memory, on a GPU or the CPU."""
    return isinstance(error, torch.cuda.OutOfMemoryError) or (
        isinstance(error, RuntimeError) and "can't allocate memory" in str(error)
    )


def _kept_score(finished, scores, stall):
    """The validation score of the epoch whose weights early stopping kept.

    That is the best score where the score is what is watched; where the
    validation loss is, it is the score at its lowest. Without a best epoch in
    this run (it diverged in its first epoch, keeping the weights it started
    from), the best score recorded.
    """
    kept = [row["valid_score"] for row in finished if row["epoch"] == stall.best_epoch_]
    return kept[0] if kept else max(scores)


class _PredefinedSplit:
    """skorch ``train_split`` that keeps the whole training set and a fixed validation set."""

    def __init__(self, valid_dataset):
        self.valid_dataset = valid_dataset

    def __call__(self, dataset, y=None, **fit_params):
        return dataset, self.valid_dataset
