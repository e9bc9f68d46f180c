"""What each fit takes from the parameters, and what a warm start may change.

Every ``fit`` and ``partial_fit`` configures the network's training from the
estimator's current parameters (:func:`configure_training`), so that a
parameter changed by ``set_params`` between two warm-started fits is used by
the second, as :class:`~sklearn.neural_network.MLPClassifier` uses a new
``learning_rate_init``. A parameter that fixes the shape of the fitted network
(its widths, encoder, readout, dtype, ...) cannot change without a new
network: a warm start with a new value is refused by :func:`check_structure`.
"""

from fnmatch import fnmatch

import numpy as np

from .training import NO_DECAY_PATTERNS

# learning_rate="adaptive": how often and by how much a stall lowers the rate.
# Once: a second decay cost every fit on a validation split n_iter_no_change
# more epochs and almost never found a better epoch. On the real-table tuning
# half and probe set (27 tables, 3 seeds, benchmarks/realworld.py) one decay
# scored the same as two on 22 tables and higher on 5 (+0.0008 +- 0.0005 over
# the 81 fits), with a quarter fewer epochs (credit_data 40 to 30); on the
# suite's 20 tables it scored the same on 17, CPS1988 -0.0014 R² (3 seeds).
ADAPTIVE_LR_DECAYS = 1
ADAPTIVE_LR_FACTOR = 5.0


def hidden_layer_sizes(value):
    """The ``hidden_layer_sizes`` parameter as a tuple of ints.

    Parameters
    ----------
    value : int or sequence of int

    Returns
    -------
    sizes : tuple of int

    Raises
    ------
    ValueError
        If ``value`` is not a positive integer or a non-empty sequence of them.
    """
    sizes = np.atleast_1d(np.asarray(value))
    integers = np.issubdtype(sizes.dtype, np.integer)
    if sizes.ndim != 1 or sizes.size == 0 or not integers or (sizes < 1).any():
        raise ValueError(
            "hidden_layer_sizes must be a positive integer or a non-empty sequence "
            f"of positive integers, got {value!r}."
        )
    return tuple(int(s) for s in sizes)


def check_structure(estimator, fitted_params, incremental):
    """Refuse a warm start whose parameters would need a different network.

    Parameters
    ----------
    estimator : BaseNetworkEstimator
        The fitted estimator, with its current parameters.
    fitted_params : dict
        The parameters of its last fit.
    incremental : bool
        Whether the call is ``partial_fit``.

    Raises
    ------
    ValueError
        Naming the first structural parameter whose value changed, with its
        fitted and its new value.
    """
    fitted = estimator._structure(fitted_params)
    current = estimator._structure(estimator.get_params(deep=False))
    for name, value in current.items():
        if value != fitted[name]:
            call = "partial_fit" if incremental else "fit with warm_start=True"
            raise ValueError(
                f"{name} was {fitted[name]!r} when {type(estimator).__name__} was fitted and "
                f"is now {value!r}, which needs a new network: {call} continues training the "
                f"fitted one. Set warm_start=False and call fit to train a new network from "
                "scratch, or set it back."
            )


def configure_training(net, params, early_stopping, monitor):
    """Configure a skorch net for the next training call from ``params``.

    What changes here takes effect at once and keeps the trained state: the
    optimizer's learning rate and L2 strength are set in its parameter groups
    (Adam's moment estimates are kept), the stopping callback gets the
    current ``tol``, ``n_iter_no_change``, ``learning_rate`` and what it
    monitors, the batches are shuffled or not, and the firing-rate penalty is
    ``spike_penalty``.

    Parameters
    ----------
    net : WeightedNet
        The initialized net.
    params : dict
        The estimator's parameters, ``get_params(deep=False)``.
    early_stopping : bool
        Whether this call holds out a validation split to stop on.
    monitor : {"valid_loss", "valid_score"}
        What the validation split is stopped on: its loss (lower is better) or
        its score (higher is better). Without early stopping the training
        loss is.
    """
    net.lr = params["learning_rate_init"]
    exempt = {
        id(param)
        for name, param in net.module_.named_parameters()
        if any(fnmatch(name, pattern) for pattern in NO_DECAY_PATTERNS)
    }
    for group in net.optimizer_.param_groups:
        group["lr"] = params["learning_rate_init"]
        decays = not all(id(param) in exempt for param in group["params"])
        group["weight_decay"] = params["alpha"] if decays else 0.0
    stopping = {
        "monitor": monitor if early_stopping else "train_loss",
        "lower_is_better": not early_stopping or monitor.endswith("_loss"),
        "patience": params["n_iter_no_change"],
        "threshold": params["tol"],
        "load_best": early_stopping,
        "lr_decays": ADAPTIVE_LR_DECAYS if params["learning_rate"] == "adaptive" else 0,
    }
    # As attributes: the callback reads them at each run's start and epoch end, and
    # its set_params knows only the arguments its own __init__ names.
    stall = dict(net.callbacks_)["stall"]
    for name, value in stopping.items():
        setattr(stall, name, value)
    net.iterator_train__shuffle = params["shuffle"]
    net.spike_penalty = params.get("spike_penalty", 0.0)
