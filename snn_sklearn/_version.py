"""The version of snn_sklearn, in a module that imports nothing.

The command line reads it for ``--version`` without importing torch or
scikit-learn, and the package's modules read it without importing the package.
"""

__version__ = "0.1.0"
