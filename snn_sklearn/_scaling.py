"""Exact rescaling of values that may sit near either end of the float range."""

import numpy as np


def power_of_two_scaled(values, axis=None):
    """``values`` times the power of two that brings their largest magnitude into [0.5, 1).

    The scaling is exact in floating point; it keeps sums and squares of values near
    either end of the float range finite and nonzero.

    Parameters
    ----------
    values : ndarray
        Values with a nonzero largest magnitude (along ``axis``).
    axis : int or None, default=None
        Scale each slice along ``axis`` by its own power of two, or all at once.

    Returns
    -------
    scaled : ndarray
        Same shape and dtype as ``values``.
    """
    peak = np.abs(values).max(axis=axis)
    return np.ldexp(values, -np.frexp(peak)[1])
