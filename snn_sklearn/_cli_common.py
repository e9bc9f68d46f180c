"""What the command line's parser and its commands share, importing nothing heavy.

:mod:`snn_sklearn.cli` reads these names before it parses the arguments, and
:mod:`snn_sklearn._commands` and :mod:`snn_sklearn._tabular` once a command runs.
"""

PROG = "snn-sklearn"
TASKS = ("classification", "regression")
# task="auto": an integer target with at most this many distinct values is a
# class label (a rating, a count of a few values), any other number a quantity.
MAX_AUTO_CLASSES = 10
MODEL_SUFFIXES = {"skops": ".skops", "pickle": ".joblib"}


def one_line(error):
    """An error or warning message on one line, without a traceback quoted in it.

    scikit-learn quotes the traceback of a failed fit in its message; its last
    line says what went wrong.
    """
    text = str(error)
    if "Traceback (most recent call last)" in text:
        lines = [line for line in text.splitlines() if line.strip()]
        text = f"{lines[0]} {lines[-1]}"
    return " ".join(text.split()) or type(error).__name__
