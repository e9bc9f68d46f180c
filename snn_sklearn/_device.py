"""Where a network computes: the ``device`` parameter turned into a torch device."""

import torch

#: The ``device`` parameter's values.
DEVICES = ("cpu", "cuda", "auto")


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


def usable_device(fitted_device):
    """The device a fitted network was trained on, or the CPU where CUDA is gone.

    Parameters
    ----------
    fitted_device : str
        The estimator's ``device_``.

    Returns
    -------
    device : str
        ``fitted_device``, or ``"cpu"`` for a model loaded on a machine without CUDA.
    """
    return fitted_device if fitted_device == "cpu" or torch.cuda.is_available() else "cpu"
