"""How a network is trained: the skorch net, its data feeding and callbacks.

The estimators build one :class:`WeightedNet` per fit. Everything here is a
module-level class, so a fitted estimator pickles.
"""

import sys

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import Callback, EarlyStopping
from skorch.dataset import unpack_data

from ._threads import follow_free_cores

NO_DECAY_PATTERNS = ("*bias", "*beta", "*threshold")


def cloned(state):
    """A copy of a ``state_dict``: its tensors cloned, its dicts, lists and tuples copied.

    What ``copy.deepcopy`` gives for these states, several times faster: a
    snapshot is taken every epoch, which cost a tenth of a small table's fit.

    Parameters
    ----------
    state : dict, list, tuple, torch.Tensor or other value
        The state; values that are neither containers nor tensors are shared.

    Returns
    -------
    copy : same type as ``state``
    """
    if isinstance(state, torch.Tensor):
        return state.detach().clone()
    if isinstance(state, dict):
        copy = type(state)((key, cloned(value)) for key, value in state.items())
        if hasattr(state, "_metadata"):
            # A module's state_dict carries its modules' versions for load_state_dict.
            copy._metadata = state._metadata
        return copy
    if isinstance(state, list | tuple):
        return type(state)(cloned(value) for value in state)
    return state


class TensorTable(torch.utils.data.Dataset):
    """Features, targets and sample weights held as whole tensors.

    Parameters
    ----------
    X : torch.Tensor or SparseRows of shape (n_samples, n_features)
    y : torch.Tensor of shape (n_samples,) or (n_samples, n_outputs)
    sample_weight : torch.Tensor of shape (n_samples,)
    """

    def __init__(self, X, y, sample_weight):
        self.X = X
        self.y = y
        self.sample_weight = sample_weight

    def __len__(self):
        return len(self.X)

    def __getitem__(self, index):
        return self.X[index], (self.y[index], self.sample_weight[index])


class SparseRows:
    """Rows of a scipy sparse matrix, densified into a tensor only when indexed.

    Stands in for the features tensor of a :class:`TensorTable` when ``X`` is
    sparse: the matrix stays on the host in CSR format and each batch
    densifies just its own rows, so the whole matrix is never dense at once.

    Parameters
    ----------
    matrix : scipy.sparse matrix or array of shape (n_samples, n_features)
        The features, in CSR format.
    device : str or torch.device
        Where the dense rows go.
    dtype : torch.dtype
        The dense rows' dtype.
    """

    #: Batch row orders are drawn on the CPU and index the host-side matrix.
    device = torch.device("cpu")

    def __init__(self, matrix, device, dtype):
        self.matrix = matrix
        self.target_device = device
        self.dtype = dtype

    def __len__(self):
        return self.matrix.shape[0]

    def __getitem__(self, rows):
        if isinstance(rows, torch.Tensor):
            rows = rows.numpy()
        single = isinstance(rows, int | np.integer)
        dense = torch.from_numpy(self.matrix[[rows] if single else rows].toarray())
        dense = dense.to(device=self.target_device, dtype=self.dtype)
        return dense[0] if single else dense


class TensorBatches:
    """Iterate over a :class:`TensorTable` in batches of whole tensor slices.

    Replaces skorch's per-sample ``DataLoader``: one indexing operation per batch
    instead of one ``__getitem__`` per sample plus a collate.

    Parameters
    ----------
    dataset : TensorTable
        The data.
    batch_size : int
        Rows per batch; the last batch may be smaller.
    shuffle : bool, default=False
        Draw a fresh permutation of the rows at every pass.
    generator : torch.Generator or None, default=None
        Source of the permutations, for reproducible shuffling.
    """

    def __init__(self, dataset, batch_size, shuffle=False, generator=None):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = generator

    def __len__(self):
        return -(-len(self.dataset) // self.batch_size)

    def __iter__(self):
        data = self.dataset
        n_samples = len(data)
        order = None
        if self.shuffle:
            order = torch.randperm(n_samples, generator=self.generator)
            order = order.to(data.X.device)
        for start in range(0, n_samples, self.batch_size):
            rows = slice(start, start + self.batch_size)
            if order is not None:
                rows = order[rows]
            yield data.X[rows], (data.y[rows], data.sample_weight[rows])


class WeightedNet(NeuralNet):
    r"""A skorch ``NeuralNet`` whose loss is the sample-weighted mean.

    Targets arrive as ``(y, sample_weight)`` pairs; the criterion must return
    one loss per sample (``reduction="none"``). The batch loss is
    ``sum(w * loss) / sum(w)``, so an integer weight acts exactly as repeating a
    sample and a zero weight as removing it.

    Parameters
    ----------
    *args, **kwargs
        Passed to :class:`skorch.NeuralNet`.
    spike_penalty : float, default=0.0
        Weight :math:`\lambda` of a firing-rate penalty. When it is > 0, each
        training step runs the module as ``module(X, return_rate=True)``, which
        returns the outputs and a ``(batch,)`` firing rate :math:`r_i` (see
        :class:`~snn_sklearn.networks.SpikingNetwork`), and adds
        :math:`\lambda r_i` to the per-sample losses, so it is weighted like
        them. Validation losses leave it out. The batch's largest penalty is
        recorded in the history as ``penalty``. At 0 the rate is never asked for.

    Attributes
    ----------
    training_inputs : dict
        Keyword arguments of the module's forward pass in training steps (a
        stochastic encoder's ``generator``), set by the estimator around each
        fit. They are not skorch's ``fit_params``: with scikit-learn's metadata
        routing enabled, skorch refuses every fit parameter nobody requested.
    """

    def __init__(self, *args, spike_penalty=0.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.spike_penalty = spike_penalty
        self.training_inputs = {}

    def _set_training(self, training=True):
        """Put the module and criterion in training or evaluation mode.

        skorch calls this before every batch. ``Module.train`` walks every
        submodule, so a module already in the wanted mode is left alone: the
        estimators only ever switch whole modules.
        """
        for name in self._modules + self._criteria:
            module = getattr(self, name + "_")
            if isinstance(module, torch.nn.Module) and module.training != training:
                module.train(training)

    def train_step_single(self, batch, **fit_params):
        """One training forward and backward pass, with the firing-rate penalty if any."""
        self._set_training(True)
        Xi, yi = unpack_data(batch)
        inputs = {**self.training_inputs, **fit_params}
        penalty = None
        if self.spike_penalty > 0:
            y_pred, rate = self.infer(Xi, return_rate=True, **inputs)
            penalty = self.spike_penalty * rate
            self.history.record_batch("penalty", float(penalty.detach().max()))
        else:
            y_pred = self.infer(Xi, **inputs)
        loss = self.get_loss(y_pred, yi, X=Xi, training=True, sample_penalty=penalty)
        loss.backward()
        return {"loss": loss, "y_pred": y_pred}

    def get_loss(self, y_pred, y_true, X=None, training=False, sample_penalty=None):
        """Sample-weighted mean of the criterion, plus ``sample_penalty`` per sample if given."""
        target, weight = y_true
        losses = self.criterion_(y_pred, target)
        if losses.dim() > 1:
            losses = losses.mean(1)
        if sample_penalty is not None:
            losses = losses + sample_penalty
        return (losses * weight).sum() / weight.sum().clamp_min(1e-12)


class ValidationScore(Callback):
    """Record a score of the validation predictions as ``valid_score``.

    Reuses the predictions skorch makes for ``valid_loss``, so the validation
    set is run once per epoch.

    Parameters
    ----------
    score : callable
        ``score(y_true, y_pred, sample_weight) -> float`` on tensors, in the
        argument order of scikit-learn's metrics.
    """

    def __init__(self, score):
        self.score = score

    def on_epoch_begin(self, net, **kwargs):
        """Forget the previous epoch's predictions."""
        self.batches_ = []

    def on_batch_end(self, net, batch=None, training=False, **kwargs):
        """Keep the predictions of a validation batch."""
        if not training:
            self.batches_.append((kwargs["y_pred"].detach(), *batch[1]))

    def on_epoch_end(self, net, **kwargs):
        """Score the epoch's validation predictions."""
        if not self.batches_:
            return
        y_pred, y_true, weight = (torch.cat(parts) for parts in zip(*self.batches_, strict=True))
        net.history.record("valid_score", float(self.score(y_true, y_pred, weight)))
        self.batches_ = []


class StopWhenStalled(EarlyStopping):
    """Stop when the monitor has not beaten its best value by ``threshold`` for a while.

    The rule of :class:`~sklearn.neural_network.MLPClassifier`: an epoch makes
    progress when its value beats the best value seen so far by at least
    ``threshold``; training stops after ``patience`` epochs in a row without
    progress. skorch's ``EarlyStopping`` instead compares with the last value
    that made progress, so a slow creep of records smaller than ``threshold``
    (the noise of a minibatch epoch loss) keeps resetting its count. With
    ``load_best``, the weights of the best epoch are kept, as in MLP.

    While the monitor is absent from the history (``partial_fit`` records no
    ``valid_loss`` or ``valid_score``), epochs are not counted.

    With ``lr_decays`` > 0, a stall first divides the optimizer's learning
    rate by ``lr_factor`` and counts again from zero, up to ``lr_decays``
    times; only a stall at the smallest rate stops training (MLP's
    ``learning_rate="adaptive"``, with its patience). A new run starts again
    from the learning rate the net was built with.

    Parameters
    ----------
    lr_decays : int, default=0
        How many times a stall divides the learning rate before one stops.
    lr_factor : float, default=5.0
        Divisor of the learning rate at each decay.
    **kwargs
        Passed to skorch's :class:`~skorch.callbacks.EarlyStopping`.
    """

    def __init__(self, lr_decays=0, lr_factor=5.0, **kwargs):
        super().__init__(**kwargs)
        self.lr_decays = lr_decays
        self.lr_factor = lr_factor

    def on_train_begin(self, net, **kwargs):
        """Forget the previous run's best value, count and learning-rate decays."""
        super().on_train_begin(net, **kwargs)
        self.best_score_ = self.dynamic_threshold_
        self.decays_ = 0
        self._set_lr(net, net.lr)

    def on_epoch_end(self, net, **kwargs):
        """Count a miss or a progress; keep the best value (and weights); stop if stalled."""
        if self.monitor not in net.history[-1]:
            return
        score = net.history[-1, self.monitor]
        self.misses_ = 0 if self._is_score_improved(score) else self.misses_ + 1
        if score < self.best_score_ if self.lower_is_better else score > self.best_score_:
            self.best_score_ = score
            self.dynamic_threshold_ = self._calc_new_threshold(score)
            self.best_epoch_ = net.history[-1, "epoch"]
            if self.load_best:
                self.best_model_weights_ = cloned(net.module_.state_dict())
        if self.misses_ == self.patience and self.decays_ < self.lr_decays:
            self.decays_ += 1
            self.misses_ = 0
            self._set_lr(net, net.lr / self.lr_factor**self.decays_)
        if self.misses_ == self.patience:
            self._sink(
                f"Stopping since {self.monitor} has not improved in the last "
                f"{self.patience} epochs.",
                verbose=net.verbose,
            )
            raise KeyboardInterrupt

    @staticmethod
    def _set_lr(net, lr):
        for group in net.optimizer_.param_groups:
            group["lr"] = lr

    @property
    def stopped(self):
        """Whether the last run stopped because the monitor stalled."""
        return getattr(self, "misses_", 0) >= self.patience


class FollowFreeCores(Callback):
    """Decide torch's thread count again at each epoch's start (``n_threads=None``).

    See :func:`~snn_sklearn._threads.follow_free_cores`.
    """

    def on_epoch_begin(self, net, **kwargs):
        """Give the coming epoch the threads the policy gives it now."""
        follow_free_cores()


class StopOnNonFiniteLoss(Callback):
    """Stop training when a batch loss is NaN or infinite, keeping the last good weights.

    The weights and optimizer state at the start of each epoch are kept; a
    non-finite loss restores them, drops the unfinished epoch from the history
    and ends training, so a later warm start or ``partial_fit`` continues from
    finite moments.
    """

    def on_train_begin(self, net, **kwargs):
        """Forget an earlier divergence."""
        self.diverged_ = False

    def on_epoch_begin(self, net, **kwargs):
        """Remember the weights and optimizer state this epoch starts from."""
        self.snapshot_ = cloned(net.module_.state_dict())
        self.optimizer_snapshot_ = cloned(net.optimizer_.state_dict())

    def on_batch_end(self, net, batch=None, training=False, **kwargs):
        """Restore the epoch's starting weights if the loss is not finite."""
        if training and not torch.isfinite(kwargs["loss"]).item():
            net.module_.load_state_dict(self.snapshot_)
            net.optimizer_.load_state_dict(self.optimizer_snapshot_)
            net.history.pop()
            self.diverged_ = True
            raise KeyboardInterrupt


class TrainingProgress(Callback):
    """Report the progress of a training run, as the estimators' ``verbose`` asks.

    ``verbose=0`` is silent; ``1`` draws a progress bar over the run's epochs on
    standard error, with the last training loss (and validation score), when
    standard error is a terminal, and otherwise (a log file, a notebook's
    captured output) does what ``2`` does; ``2`` or more prints one line per
    epoch on standard output, as ``MLPClassifier`` does.
    The estimator sets both attributes before each run, so a changed ``verbose``
    applies to a warm-started fit.

    Parameters
    ----------
    verbose : int, default=0
        How much to report.
    epochs : int, default=1
        Length of the coming run, the progress bar's total.
    """

    def __init__(self, verbose=0, epochs=1):
        self.verbose = verbose
        self.epochs = epochs

    def on_train_begin(self, net, **kwargs):
        """Open the progress bar."""
        self._close()
        if self.verbose == 1 and _is_terminal(sys.stderr):
            # tqdm comes with skorch, which draws its own progress bars with it.
            from tqdm import tqdm

            self.bar_ = tqdm(total=self.epochs, unit="epoch", file=sys.stderr)

    def on_epoch_end(self, net, **kwargs):
        """Advance the bar, or print the epoch's line."""
        row = net.history[-1]
        scores = {
            key: row[key] for key in ("train_loss", "valid_loss", "valid_score") if key in row
        }
        if self.bar_ is not None:
            self.bar_.set_postfix({key: f"{value:.4g}" for key, value in scores.items()})
            self.bar_.update()
        elif self.verbose >= 1:
            values = ", ".join(f"{key}={value:.6f}" for key, value in scores.items())
            print(f"Epoch {row['epoch']}: {values} ({row['dur']:.2f} s)", flush=True)

    def on_train_end(self, net, **kwargs):
        """Close the progress bar."""
        self._close()

    def _close(self):
        if getattr(self, "bar_", None) is not None:
            self.bar_.close()
        self.bar_ = None


def _is_terminal(stream):
    """Whether ``stream`` is an interactive terminal, where a progress bar can redraw itself."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def logit_accuracy(y_true, logits, sample_weight):
    """Sample-weighted accuracy of ``logits`` against class indices ``y_true``.

    Arguments in the order of :func:`sklearn.metrics.accuracy_score`, as tensors.
    """
    correct = (logits.argmax(1) == y_true).to(sample_weight.dtype)
    return (correct * sample_weight).sum() / sample_weight.sum()


def logit_subset_accuracy(y_true, logits, sample_weight):
    """Sample-weighted share of samples whose every label in ``y_true`` the ``logits`` get right.

    Arguments in the order of :func:`sklearn.metrics.accuracy_score`, as tensors.
    """
    correct = ((logits > 0) == (y_true > 0.5)).all(1).to(sample_weight.dtype)
    return (correct * sample_weight).sum() / sample_weight.sum()


def weighted_r2(y_true, y_pred, sample_weight):
    """Sample-weighted coefficient of determination, averaged over outputs.

    Arguments in the order of :func:`sklearn.metrics.r2_score`, as tensors.
    """
    weight = sample_weight.view(-1, 1) / sample_weight.sum()
    y_true = y_true.view(len(y_true), -1)
    y_pred = y_pred.view(len(y_pred), -1)
    mean = (weight * y_true).sum(0)
    residual = (weight * (y_true - y_pred) ** 2).sum(0)
    total = (weight * (y_true - mean) ** 2).sum(0).clamp_min(1e-12)
    return (1.0 - residual / total).mean()
