"""How long ``import snn_sklearn`` and the command line's ``--help`` take to start.

Each statement runs in a fresh interpreter, 5 times (``--repeats``), the
statements taking turns so that a change of load on a shared machine hits them
alike; the median wall time of each is printed, with the ratio of the package's
imports to that of its heavy dependencies, ``import torch, sklearn`` (the target
is at most 1.3x), and the command line's times (the target is under 1 s). The
command line runs as the ``snn-sklearn`` script does: ``snn_sklearn.cli.main``.
Run ``python benchmarks/startup.py`` from the repository root.
"""

import argparse
import statistics
import subprocess
import sys
import time

REFERENCE = "import torch, sklearn"
IMPORTS = [
    "pass",
    REFERENCE,
    "import snn_sklearn",
    "from snn_sklearn import SpikingClassifier",
]
COMMANDS = [["--help"], ["--version"], ["fit", "--help"]]


def script(argv):
    """What the ``snn-sklearn`` console script runs, with ``argv`` as its arguments."""
    return f"import sys; from snn_sklearn.cli import main; sys.exit(main({argv!r}))"


def wall_time(code):
    """Seconds for a fresh interpreter to run ``code`` and exit."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    return time.perf_counter() - start


def medians(codes, repeats):
    """The median wall time of each of ``codes``, run in turn ``repeats`` times."""
    times = {code: [] for code in codes}
    for _ in range(repeats):
        for code in codes:
            times[code].append(wall_time(code))
    return {code: statistics.median(seconds) for code, seconds in times.items()}


def main():
    """Print the median start-up times and the ratios to ``import torch, sklearn``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs of each (default: 5)")
    repeats = parser.parse_args().repeats
    codes = [*IMPORTS, *(script(argv) for argv in COMMANDS)]
    times = medians(codes, repeats)
    reference = times[REFERENCE]
    print(f"Median of {repeats} fresh interpreters each, Python {sys.version.split()[0]}.\n")
    print(f"{'statement':<45}{'seconds':>9}{'ratio':>8}")
    print("-" * 62)
    for code in IMPORTS:
        ratio = "" if code == "pass" else f"{times[code] / reference:.2f}x"
        print(f"{code:<45}{times[code]:>9.2f}{ratio:>8}")
    for argv in COMMANDS:
        command = " ".join(["snn-sklearn", *argv])
        print(f"{command:<45}{times[script(argv)]:>9.2f}")
    print(f"\nratio: seconds / seconds of '{REFERENCE}' (target <= 1.3x);")
    print("snn-sklearn rows: the console script's main (target < 1 s).")


if __name__ == "__main__":
    main()
