"""Docstring fragments shared by the four estimators' numpydoc docstrings."""

SPIKING_HIDDEN_LAYER_SIZES_PARAMETER = """\
    hidden_layer_sizes : int or tuple of int, default=(128,)
        Width of each hidden LIF layer. One layer by default: on the 20 real
        tables of ``benchmarks/realworld.py`` (3 seeds each) it scored as two
        layers of 128 do (paired mean difference -0.0005 +- 0.0027 on the
        tuning half, +0.0001 +- 0.0023 on the held-out half) in half the fit
        time or less (median 2.9x HistGradientBoosting's against 5.7x), and it
        predicts about four times faster. With one layer the spikes drive only
        the readout, and the energy estimate is mostly the first layer's
        (0.41 and 0.32 of the non-spiking twin's on digits and breast cancer);
        ``(128, 128)`` takes it to 0.36 and 0.29 (see
        :func:`~snn_sklearn.activity.activity_report` and ``docs/energy.md``).
"""

NONSPIKING_HIDDEN_LAYER_SIZES_PARAMETER = """\
    hidden_layer_sizes : int or tuple of int, default=(128, 128)
        Width of each hidden ReLU layer. Two layers by default, unlike the
        spiking estimators' one: on the tuning half of
        ``benchmarks/realworld.py`` one layer of 128 scored a little lower
        (paired mean difference -0.0021 +- 0.0017 over 30 fits).
"""

INPUT_BINS_PARAMETER = """\
    input_bins : int, default=16
        Numeric embedding of the input: each feature enters the network as
        its value softly clipped to about [-3, 3], plus a piecewise-linear
        encoding over up to ``input_bins`` bins at its quantiles in the first
        training data (fewer for features with fewer distinct values, one for
        a one-hot column). ``0`` feeds the features unchanged. See
        :mod:`snn_sklearn.embeddings`.
"""

SPIKING_PARAMETERS = """\
    n_steps : int, default=8
        Number of simulated time steps per sample, at least 2: in a single
        step no membrane can integrate towards its threshold, and such a
        network stayed silent.

    encoder : {"direct", "rate", "noisy", "latency", "population"}, default="direct"
        How features become input to the first layer: ``"direct"`` injects the
        features as a constant current (computed once, not once per step);
        ``"rate"`` emits Bernoulli spikes with probability ``sigmoid(x)``;
        ``"noisy"`` multiplies the features by fresh ``U(0, 1)`` noise at every
        step (the pynmsnn encoding); ``"latency"`` fires one spike per feature,
        earlier for larger values; ``"population"`` expands each feature into 8
        Gaussian receptive fields. See :mod:`snn_sklearn.encoders`.

    beta : float, default=0.9
        Membrane decay per step, in [0, 1]; ``1`` is a perfect integrator.

    threshold : float, default=1.0
        Firing threshold of the membrane potential, from 0.001 to float32's
        largest value (about 3.4e38).

    reset : {"subtract", "zero"}, default="subtract"
        After a spike, subtract the threshold from the membrane or set it to 0.

    surrogate : {"fast_sigmoid", "atan", "sigmoid"}, default="fast_sigmoid"
        Surrogate derivative of the spike function used in the backward pass.

    surrogate_slope : float, default=25.0
        Steepness of the surrogate derivative, > 0. The output neurons of the
        classifier's ``readout="spike_count"`` use at most 2
        (:data:`~snn_sklearn.readouts.SPIKE_COUNT_SURROGATE_SLOPE`), which keeps
        them learning while they are silent.

    learn_beta : bool, default=False
        Learn one membrane decay per neuron.

    learn_threshold : bool, default=False
        Learn one firing threshold per neuron.
"""


def spike_penalty_parameter(default):
    """The ``spike_penalty`` entry of a Parameters section, with its ``default``."""
    # Raw: the equation's backslashes are LaTeX.
    return rf"""    spike_penalty : float, default={default:g}
        Strength :math:`\lambda \ge 0` of a firing-rate regulariser, which
        trades accuracy for sparser spiking and so for less energy per
        prediction (see :func:`snn_sklearn.activity.activity_report`). The
        training loss becomes

        .. math::

            \frac{{\sum_i w_i\,(\ell_i + \lambda\, r_i)}}{{\sum_i w_i}}, \qquad
            r_i = \frac{{1}}{{T N}} \sum_{{t=1}}^{{T}} \sum_{{j=1}}^{{N}} s_{{tij}},

        where :math:`\ell_i` is the loss of sample :math:`i`, :math:`w_i` its
        weight and :math:`r_i` the fraction of the :math:`N` hidden neurons
        (all hidden layers) that spike per step over the :math:`T` =
        ``n_steps`` steps; its gradient flows through the surrogate.
        ``loss_curve_`` includes the penalty; validation losses do not.
        ``0`` turns it off (the rate is not even computed). On
        ``benchmarks/energy_tradeoff.py`` (a classifier on digits and breast
        cancer), ``0.1`` cut the hidden spikes of the default network by
        32-43 % against ``0`` at the same accuracy, but its estimated energy
        by 1 % at most: with one hidden layer the spikes drive only the
        readout. With ``hidden_layer_sizes=(128, 128)`` it cut the spikes by
        42-54 % and the estimate by 8-14 %, and from ``1.0`` on that network
        could fall silent (chance accuracy); a fit that ends with no hidden
        spike warns.
        Useful values lie around 0.01 to 0.3.
"""


def alpha_parameter(default):
    """The ``alpha`` entry of a Parameters section, with its ``default``."""
    return f"""\
    alpha : float, default={default:g}
        Strength of the L2 penalty on the connection weights (``weight_decay``
        of Adam; biases, decays and thresholds are not penalised). The default
        was chosen on the tuning half of ``benchmarks/realworld.py``.
"""


_FIT_PARAMETERS = """\

    batch_size : int or "auto", default="auto"
        Samples per gradient step. ``"auto"`` is MLP's ``min(200, n_samples)``
        up to 5,000 samples, then ``n_samples // 25`` up to 512: fewer, larger
        steps per epoch, which a second CPU core speeds up.

    learning_rate : {"adaptive", "constant"}, default="adaptive"
        Schedule of Adam's learning rate. ``"constant"`` keeps
        ``learning_rate_init`` until training stops. ``"adaptive"`` divides it
        by 5 when ``n_iter_no_change`` epochs in a row make no progress, once,
        and stops at the next such stall (after
        :class:`~sklearn.neural_network.MLPClassifier`'s ``"adaptive"`` for SGD,
        which divides by 5 at every stall until the rate is below 1e-6).

    learning_rate_init : float, default=2e-3
        Learning rate of the Adam optimiser at the start of each ``fit``.

    max_iter : int, default=200
        Maximum number of epochs.

"""


def tol_parameter(default):
    """The ``tol`` entry of a Parameters section, with its ``default``."""
    return f"""\
    tol : float, default={default:g}
        Minimum improvement of the training loss (or, with early stopping, of
        the validation loss for a classifier and the validation R² for a
        regressor) over its best value so far that counts as progress, as in
        :class:`~sklearn.neural_network.MLPClassifier`.

"""


_STOPPING_PARAMETERS = """\
    n_iter_no_change : int, default=10
        Stop after this many epochs in a row without progress.

    early_stopping : bool or "auto", default="auto"
        Hold out ``validation_fraction`` of the training data (stratified for
        classifiers), stop when it stops improving, and keep the weights of
        the best epoch. A classifier watches the validation loss (log-loss),
        not MLP's validation accuracy, which on a few dozen samples ties from
        early on; a regressor watches the validation R², as MLP does.
        ``"auto"`` does so in ``fit`` when it gets at least 300 samples of
        positive weight (never in ``partial_fit``) and a stratified split can
        be made; on smaller tables the validation split is too small to choose
        an epoch by. Each part of the split needs samples of positive weight.
        ``partial_fit`` refuses ``True``, as MLP does.

    validation_fraction : float, default=0.1
        Fraction of training data held out for early stopping, in (0, 1); it
        must hold at least 2 samples (and one per class for a classifier).

    shuffle : bool, default=True
        Shuffle the samples at every epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, the validation split and
        stochastic encoders through a private ``torch.Generator``; the global
        torch and numpy seeds are never touched. An int makes ``fit``
        reproducible on a fixed number of threads (see ``n_threads``).

    verbose : int, default=0
        ``0`` is silent; ``1`` shows a progress bar over the epochs, with the
        last training loss, on standard error when that is a terminal (in a
        log, as ``2``); ``2`` or more prints a line per epoch on standard
        output: its training loss, its validation score (with
        ``early_stopping``) and its duration. From ``1`` on, a last line on
        standard output says why training stopped.

    warm_start : bool, default=False
        Reuse the fitted network and optimiser state in the next ``fit``.
        Each ``fit`` and ``partial_fit`` trains with the parameters it is
        called with: a warm start gives the optimiser a new
        ``learning_rate_init`` and ``alpha`` (keeping Adam's moment estimates),
        as :class:`~sklearn.neural_network.MLPClassifier` does, takes every
        other training setting as it is now, reseeds its random streams when
        ``random_state`` changed, and gives a spiking network a new
        ``n_steps``, ``beta`` or ``threshold`` (when not learned). The
        parameters that shape the network (``hidden_layer_sizes``,
        ``input_bins``, ``dtype``; for a spiking network ``encoder``,
        ``readout``, ``reset``, ``surrogate``, ``surrogate_slope``,
        ``learn_beta``, ``learn_threshold``, and ``beta`` or ``threshold``
        when learned) cannot change: a warm start with a new value raises
        ``ValueError``; set ``warm_start=False`` to fit a new network.
        Predictions use the settings of the last fit.

    device : {"cpu", "cuda", "auto"}, default="cpu"
        Where to train. ``"auto"`` uses CUDA when available; ``"cuda"`` raises
        ``ValueError`` where none is available. A model fitted on a GPU predicts
        on a CPU-only machine.

    n_threads : int or None, default=None
        CPU threads torch may use inside ``fit``, ``partial_fit`` and the
        prediction methods, at most the number of CPUs; the previous setting is
        restored afterwards.
        ``None`` takes at most what the environment allows: torch's setting,
        which honours ``OMP_NUM_THREADS`` (joblib's worker processes set it to
        ``cores // n_jobs``, dask's nanny workers to 1),
        shared equally among the fits and predictions running at the same time
        in other threads of the process (joblib's threading backend, dask
        workers with ``processes=False``); within that share, one thread per
        7.5e7 multiply-accumulates of a batch (a batch of 200 rows of the
        two-layer spiking network, 1e8, ran no faster on two threads, and one
        of 512 rows of the one-layer default, 1.8e8, 1.3x faster) and no more
        threads than the cores other processes leave free
        (``benchmarks/results/threads.txt``), decided again at every epoch
        of a fit, so that it follows the machine's load. On these small networks, more
        threads than free cores slow training down: two fits of two threads
        each on two cores ran at 0.49x the speed of one fit at a time on a
        quiet machine (``benchmarks/results/parallel_search.txt``), and worse
        on a busy one; see ``docs/scaling.md``.

    dtype : {"float32", "float64"}, default="float32"
        Precision of the network's weights and arithmetic, whatever the
        precision of ``X``: float64 input is converted once per fit (a
        copy of half its size) and chunk by chunk at prediction.
        ``"float32"`` is what torch libraries use; float64 arithmetic took
        1.95 times as long per epoch
        (``benchmarks/results/user_path.txt``). ``"float64"`` makes a
        sample weight of *k* exactly equivalent to repeating the sample *k*
        times and predictions bit-independent of how rows are batched, to the
        precision scikit-learn's own checks demand; in float32 both hold only
        to float32's rounding. Predictions come back in the dtype of ``X``
        (float32 for float32 input, float64 otherwise), as
        :class:`~sklearn.neural_network.MLPClassifier`'s do.
"""


def training_parameters(tol):
    """The training entries of a Parameters section, with the ``tol`` default."""
    return _FIT_PARAMETERS + tol_parameter(tol) + _STOPPING_PARAMETERS


FITTED_ATTRIBUTES = """\
    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` had string column names.

    n_outputs_ : int
        Number of network outputs (classes, or regression targets).

    n_iter_ : int
        Number of epochs run.

    loss_curve_ : list of float
        Training loss at each epoch.

    loss_ : float or None
        Training loss of the last epoch.

    coefs_ : list of ndarray of shape (fan_in, fan_out)
        Weight matrix of each layer, input to output (synaptic weights, for a
        spiking network, then the readout's); computed from ``net_`` on access.

    intercepts_ : list of ndarray of shape (fan_out,)
        Bias vector of each layer, as ``coefs_``.

    n_layers_ : int
        Number of layers, input and output included, as in MLP.

    out_activation_ : str
        ``"softmax"`` for the classifiers (also for two classes), ``"logistic"``
        for a multilabel classifier, ``"identity"`` for the regressors.

    best_loss_ : float or None
        Lowest training loss; ``None`` with early stopping.

    validation_scores_ : list of float or None
        Validation score (accuracy or R²) at each epoch with early stopping.

    best_validation_score_ : float or None
        With early stopping, the validation score of the epoch whose weights
        were kept: the best score for a regressor, the score at the lowest
        validation loss for a classifier.

    history_ : skorch.History
        skorch's record of training, one row per epoch (losses, scores, times).

    net_ : skorch.NeuralNet
        The trained skorch net; ``net_.module_`` is the torch network.
"""
