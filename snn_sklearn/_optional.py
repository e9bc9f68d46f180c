"""Optional dependencies, imported when first needed, with an error naming the extra."""

import importlib


def import_optional(name, extra, needed_by):
    """Import module ``name``, or raise an ImportError saying how to install it.

    Parameters
    ----------
    name : str
        Module to import, e.g. ``"pandas"`` or ``"skops.io"``.
    extra : str
        The snn-sklearn extra that installs it, e.g. ``"plot"``.
    needed_by : str
        What needs it, the start of the error message, e.g. ``"compare_models"``.

    Returns
    -------
    module : module
        The imported module.

    Raises
    ------
    ImportError
        ``"<needed_by> needs <package>, which is not installed; install it with
        pip install "snn-sklearn[<extra>]"``, with the original error chained.
    """
    try:
        return importlib.import_module(name)
    except ImportError as error:
        package = name.partition(".")[0]
        raise ImportError(
            f"{needed_by} needs {package}, which is not installed; install it with "
            f'pip install "snn-sklearn[{extra}]"'
        ) from error
