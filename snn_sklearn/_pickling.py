"""A fitted estimator as plain values, and its network rebuilt from them on first use.

A saved model holds no pickled torch or skorch object: ``__getstate__``
replaces the skorch net, its history and the torch generator by numpy arrays
and lists (see :mod:`snn_sklearn._state`), and a loaded model rebuilds them,
from the parameters of its last fit, the first time one of them is used.
"""

import warnings

import numpy as np
import torch

from ._device import usable_device
from ._state import load_net_state, net_state, to_numpy

# Fitted attributes that a loaded model rebuilds from its saved state on first use.
LAZY_ATTRIBUTES = ("net_", "history_", "_generator")


class IncompatibleVersionError(ValueError):
    """A saved model was written by another version of snn_sklearn."""


class SavedNetworkMixin:
    """Pickling of an estimator whose fitted state holds a skorch net.

    The estimator provides ``_build_net(params, n_features, device)`` and
    ``_fitted_params``, the parameters its network was last configured with.
    """

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
        device = usable_device(self.device_)
        if device != self.device_ and self.device != "cpu":
            warnings.warn(
                f"This {type(self).__name__} was fitted on device={self.device_!r}, which is "
                "not available here; its network is restored on the CPU. Predictions work; "
                "set device='cpu' to train it further.",
                UserWarning,
                stacklevel=3,
            )
        self._generator = torch.Generator()
        net = self._build_net(self._fitted_params, self.n_features_in_, device)
        load_net_state(net, saved)
        self._generator.set_state(torch.tensor(saved["generator"]))
        self.net_ = net
        self.history_ = net.history
        del vars(self)["_net_state"]


def _package_version():
    # Read on each call, not once: a test poses as another version by patching _version.
    from ._version import __version__

    return __version__
