"""Sphinx configuration: numpydoc API pages, a sphinx-gallery of examples, Markdown pages."""

import os
import re
import sys
from pathlib import Path

import matplotlib

# Examples and docstrings must run on a machine with no display.
matplotlib.use("Agg")
# Tiny networks: more threads than cores only slow the gallery down on a shared machine.
os.environ.setdefault("OMP_NUM_THREADS", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# The site's own extensions (mathml: math as MathML, so that the pages work offline).
sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

import snn_sklearn  # noqa: E402

project = "snn_sklearn"
author = "snn_sklearn developers"
copyright = "2026, snn_sklearn developers"
release = snn_sklearn.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "mathml",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "myst_parser",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
default_role = "literal"
templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "**/*.ipynb"]
# The pages of index.rst's toctree that are not named explicitly (plotting.md, export.md,
# persistence.md, scaling.md, ...) are picked up by its ``*`` glob, which may match nothing.
suppress_warnings = ["toc.empty_glob"]

html_theme = "pydata_sphinx_theme"
html_title = f"snn_sklearn {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_prev_next": False,
}
html_static_path = ["_static"]
html_css_files = ["mathml.css"]
# MathML drawn by the browser, not MathJax loaded from a CDN: see _ext/mathml.py.
html_math_renderer = "mathml"

# API pages: one generated page per public class and function.
autosummary_generate = True
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# Checked on every public docstring rendered in the API reference; a failure is a warning,
# so ``sphinx -W`` fails on it. GL08: a docstring is missing; PR01/PR02: a parameter is
# undocumented or documented but absent; RT01: no Returns section; SS05: the summary is
# not in the imperative mood ("Returns" for "Return").
numpydoc_validation_checks = {"GL08", "PR01", "PR02", "RT01", "SS05"}
# The torch building blocks document their equations in the class docstrings; their
# ``forward`` methods follow torch's conventions, not numpydoc's.
numpydoc_validation_exclude = {r"^snn_sklearn\.(encoders|networks|neurons|readouts|surrogates)\."}

myst_enable_extensions = ["dollarmath"]
# No MathJax on the site (see _ext/mathml.py), so no MathJax classes on the MyST pages.
myst_update_mathjax = False
myst_heading_anchors = 3


def _unlink_sklearn_references(app, what, name, obj, options, lines):
    """Show ``:ref:`` links of docstrings inherited from scikit-learn as plain text.

    Methods such as ``score`` come with scikit-learn's docstrings, whose ``:ref:`` labels
    exist only in scikit-learn's documentation; the build runs offline, without intersphinx.
    """
    if getattr(obj, "__module__", "").startswith("sklearn."):
        lines[:] = [_SKLEARN_REF.sub(r"``\1``", line) for line in lines]


_SKLEARN_REF = re.compile(r":ref:`([^`<]+?)(?:\s*<[^>]+>)?`")


def setup(app):
    app.connect("autodoc-process-docstring", _unlink_sklearn_references)


sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    # Only plot_*.py scripts are executed; other scripts are rendered with their code.
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("snn_sklearn",),
    "backreferences_dir": "generated/backreferences",
    "remove_config_comments": True,
    "write_computation_times": False,
    "min_reported_time": 1,
    "show_memory": False,
    # matplotlib's scraper, after a check that no figure's text is cut off at its edge.
    "image_scrapers": ("figure_check.matplotlib_scraper",),
}
