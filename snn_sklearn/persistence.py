"""Save and load fitted models: safely with skops, or as a pickle.

A fitted snn_sklearn estimator keeps its network, optimizer, history and
random generators as numpy arrays and plain lists when it is saved (see
``BaseNetworkEstimator.__getstate__``), so a file holds no pickled torch or
skorch object. That makes the default format, `skops <https://skops.readthedocs.io>`_,
work: it loads only types it trusts, and never runs code from the file.
"""

import warnings
import zipfile
from pathlib import Path

import joblib

from ._optional import import_optional
from ._pickling import IncompatibleVersionError
from .nonspiking import NonSpikingClassifier, NonSpikingRegressor
from .spiking import SpikingClassifier, SpikingRegressor

__all__ = ["IncompatibleVersionError", "dump", "load", "trusted_types"]

FORMATS = ("skops", "pickle")
_ESTIMATORS = (SpikingClassifier, SpikingRegressor, NonSpikingClassifier, NonSpikingRegressor)
# Every pickle protocol from 2 on starts with the PROTO opcode; joblib writes protocol 5.
_PICKLE_MAGIC = b"\x80"


def trusted_types():
    """The types that :func:`load` trusts in a skops file, besides skops' defaults.

    skops trusts by default Python's builtins, numpy arrays and random states,
    and scikit-learn's estimators (so a ``Pipeline`` with a ``StandardScaler``
    needs nothing more). snn_sklearn adds its four estimators: their saved
    state is only parameters, numpy arrays and plain lists, and loading one
    runs no code from the file. It also trusts ``numpy.dtype``, which
    scikit-learn's ``SimpleImputer`` stores and skops rebuilds from its name.

    Returns
    -------
    names : list of str
        Fully qualified type names, as :func:`skops.io.get_untrusted_types`
        reports them.

    Examples
    --------
    >>> from snn_sklearn.persistence import trusted_types
    >>> trusted_types()[0]
    'snn_sklearn.nonspiking.NonSpikingClassifier'
    """
    return sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in _ESTIMATORS) + ["numpy.dtype"]


def dump(model, path, *, format="skops"):
    """Save a fitted or unfitted model to a file.

    Parameters
    ----------
    model : estimator
        An snn_sklearn estimator, or a ``Pipeline`` or meta-estimator holding some.
    path : str or path-like
        The file to write; it is overwritten if it exists. By convention
        ``.skops`` for skops files and ``.joblib`` for pickles.
    format : {"skops", "pickle"}, default="skops"
        ``"skops"`` writes a skops file (a zip of JSON and ``.npy`` arrays) that
        :func:`load` reads without running code from it; it needs
        ``pip install "snn-sklearn[skops]"``. ``"pickle"`` writes a pickle with
        :func:`joblib.dump`, which can only be loaded from a trusted source.

    Returns
    -------
    path : pathlib.Path
        The file written.

    Raises
    ------
    ValueError
        If ``format`` is not one of the above.

    Warns
    -----
    UserWarning
        If the skops file holds types that :func:`load` does not trust by
        default (for example a custom transformer): loading it will need
        ``trusted=``.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from snn_sklearn import NonSpikingClassifier
    >>> from snn_sklearn.persistence import dump, load
    >>> X, y = load_iris(return_X_y=True)
    >>> model = NonSpikingClassifier(8, max_iter=5, random_state=0).fit(X, y)
    >>> import tempfile
    >>> from pathlib import Path
    >>> path = dump(model, Path(tempfile.mkdtemp()) / "iris.skops")
    >>> bool((load(path).predict(X) == model.predict(X)).all())
    True
    """
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, got {format!r}.")
    path = Path(path)
    if format == "pickle":
        joblib.dump(model, path)
        return path
    skops_io = _import_skops()
    skops_io.dump(model, path)
    untrusted = _untrusted(skops_io.get_untrusted_types(file=path), trusted=[])
    if untrusted:
        warnings.warn(
            f"{path} holds types that load() does not trust by default: {untrusted}. "
            f"Loading it will need load({str(path)!r}, trusted={untrusted}).",
            UserWarning,
            stacklevel=2,
        )
    return path


def load(path, *, trusted=None, allow_pickle=False):
    """Load a model saved by :func:`dump`.

    The format is read from the file. A skops file is loaded only if every
    type in it is trusted: skops' defaults, :func:`trusted_types` and the
    names in ``trusted``. A pickle file can run arbitrary code when loaded,
    so it is refused unless ``allow_pickle=True``.

    A model fitted on a GPU loads on a machine without one: its state is
    stored as CPU arrays, and it predicts on the CPU (with a warning) when
    the device it was fitted on is not available.

    Parameters
    ----------
    path : str or path-like
        The file to read.
    trusted : list of str, default=None
        Further type names to trust in a skops file, as listed by the error
        for an untrusted file or by :func:`skops.io.get_untrusted_types`.
        Only name types whose source you trust.
    allow_pickle : bool, default=False
        Load a pickle file. Only for files from a source you trust.

    Returns
    -------
    model : estimator
        The saved model, fitted if it was fitted when saved.

    Raises
    ------
    ValueError
        If the file is not a valid model file (not skops nor pickle,
        truncated or corrupted), if a skops file holds untrusted types, or if
        it is a pickle and ``allow_pickle`` is False.
    IncompatibleVersionError
        If the model was saved by another version of snn_sklearn (a
        ``ValueError`` too).

    Examples
    --------
    >>> from snn_sklearn.persistence import load
    >>> model = load("model.skops")  # doctest: +SKIP
    >>> model = load("model.skops", trusted=["mypackage.MyTransformer"])  # doctest: +SKIP
    >>> model = load("model.joblib", allow_pickle=True)  # doctest: +SKIP
    """
    if isinstance(trusted, str):
        raise TypeError(f"trusted must be a list of type names, got the string {trusted!r}.")
    path = Path(path)
    if zipfile.is_zipfile(path):
        return _load_skops(path, list(trusted or []))
    with open(path, "rb") as file:
        is_pickle = file.read(1) == _PICKLE_MAGIC
    if not is_pickle:
        raise ValueError(
            f"{path} is not a valid snn_sklearn model file: it is neither a skops file nor "
            "a pickle, or it is truncated. Save models with snn_sklearn.persistence.dump."
        )
    if not allow_pickle:
        raise ValueError(
            f"{path} is a pickle file, and loading a pickle can run arbitrary code. Pass "
            "allow_pickle=True only if you trust its source; or load it once that way and "
            "save it again with dump(model, path, format='skops')."
        )
    return _read(path, joblib.load)


def _load_skops(path, trusted):
    skops_io = _import_skops()
    from skops.io.exceptions import UntrustedTypesFoundException

    try:
        # skops audits the types before it builds anything, so the file is read once.
        return _read(
            path,
            lambda p: skops_io.load(p, trusted=trusted_types() + trusted),
            passthrough=(UntrustedTypesFoundException,),
        )
    except UntrustedTypesFoundException:
        untrusted = _untrusted(skops_io.get_untrusted_types(file=path), trusted)
    raise ValueError(
        f"{path} holds types that are not trusted: {untrusted}. Loading them could run "
        "their code. If you trust the file's source, pass them: "
        f"load({str(path)!r}, trusted={untrusted})."
    ) from None


def _untrusted(found, trusted):
    return sorted(set(found) - set(trusted_types()) - set(trusted))


def _read(path, reader, passthrough=()):
    """Run ``reader(path)``, reporting any damage to the file as one clear error."""
    try:
        return reader(path)
    # A missing package (a pipeline step's) is not damage; neither is another version,
    # nor what the caller names in ``passthrough``.
    except (ImportError, IncompatibleVersionError, *passthrough):
        raise
    # A damaged file fails anywhere in zip, JSON, numpy or pickle decoding, with
    # any exception type; the original stays chained for debugging.
    except Exception as error:
        raise ValueError(
            f"{path} is not a valid snn_sklearn model file: it is truncated or corrupted "
            f"({type(error).__name__}: {error})."
        ) from error


def _import_skops():
    return import_optional("skops.io", "skops", "The skops format")
