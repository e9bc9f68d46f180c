"""A trained skorch net as plain numpy arrays and lists, and back.

A fitted estimator saves this instead of its skorch net, so that a saved model
holds no pickled torch or skorch object (skorch's own pickling embeds a
``torch.save`` blob) and loads on a machine without the device it was trained
on. The net itself is rebuilt from the estimator's parameters.
"""

import numpy as np
import torch
from skorch.history import History


def net_state(net):
    """The trained state of a skorch net, as numpy arrays and plain values.

    Parameters
    ----------
    net : skorch.NeuralNet
        An initialized net.

    Returns
    -------
    state : dict
        ``"module"``: the network's parameters and buffers, name -> array;
        ``"optimizer"``: the optimizer's ``state_dict`` with arrays for
        tensors; ``"history"``: the history as a list of dicts.
    """
    return {
        "module": to_numpy(dict(net.module_.state_dict())),
        "optimizer": to_numpy(net.optimizer_.state_dict()),
        "history": to_numpy(list(net.history)),
    }


def load_net_state(net, state):
    """Put a state from :func:`net_state` into an initialized net of the same shape.

    Parameters
    ----------
    net : skorch.NeuralNet
        An initialized net built with the parameters of the saved one.
    state : dict
        The output of :func:`net_state`; it is not modified.
    """
    net.module_.load_state_dict(to_torch(state["module"]))
    net.optimizer_.load_state_dict(to_torch(state["optimizer"]))
    net.history_ = History(to_numpy(state["history"]))


def to_numpy(value):
    """Copy ``value`` with every tensor as a CPU array and every numpy scalar as a Python one.

    Dicts, lists and tuples are copied recursively; other values are kept.
    """
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().numpy().copy()
    if isinstance(value, np.generic):
        return value.item()
    return _map_containers(value, to_numpy)


def to_torch(value):
    """Copy ``value`` with every numpy array as a tensor; the inverse of :func:`to_numpy`."""
    if isinstance(value, np.ndarray):
        return torch.tensor(value)
    return _map_containers(value, to_torch)


def _map_containers(value, convert):
    if isinstance(value, dict):
        return {key: convert(item) for key, item in value.items()}
    if isinstance(value, list):
        return [convert(item) for item in value]
    if isinstance(value, tuple):
        return tuple(convert(item) for item in value)
    return value
