"""Specifications of the documentation site: its pages work offline.

The math of the API pages is MathML written at build time (docs/_ext/mathml.py), so a
page loads no script from the network and shows no LaTeX source. A small site is built
here with the real ``docs/conf.py`` from pages that hold the package's formulas, so that
pytest checks it before ``.ci/run`` builds the whole site. When that whole site has been
built (``docs/_build/html``, since ``docs/conf.py`` last changed), its pages are checked too,
and, where Debian's ``chromium`` is installed, the index, an API page and a gallery page are
rendered headless and must not come out blank.
"""

import io
import runpy
import shutil
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytest.importorskip("sphinx")
pytest.importorskip("latex2mathml")

DOCS = Path(__file__).resolve().parents[1] / "docs"
BUILT_SITE = DOCS / "_build" / "html"

INDEX = """\
Math
====

.. toctree::

   page

.. currentmodule:: snn_sklearn

.. autosummary::
   :toctree: generated/
   :template: class.rst

   SpikingClassifier

.. autosummary::
   :toctree: generated/
   :template: function.rst

   metrics.pearson_r
   activity.activity_report

.. autosummary::
   :toctree: generated/
   :template: module.rst

   neurons
"""

PAGE = r"""# A Markdown page

Inline $\lambda \ge 0$ and a display:

$$
r_i = \frac{1}{T N} \sum_{t=1}^{T} \sum_{j=1}^{N} s_{tij}
$$
"""


class _PageText(HTMLParser):
    """The text of a page outside code, the addresses of its scripts and styles, its images."""

    _CODE = {"pre", "code", "script", "style"}

    def __init__(self):
        super().__init__()
        self.text, self.external, self.images, self.math_elements = [], [], [], 0
        self._in_code = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        address = attrs.get("src") if tag == "script" else None
        if tag == "link" and attrs.get("rel") in {"stylesheet", "preload"}:
            address = attrs.get("href")
        if address and "://" in address:
            self.external.append(address)
        if tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])
        self.math_elements += tag == "math"
        self._in_code += tag in self._CODE

    def handle_endtag(self, tag):
        self._in_code -= tag in self._CODE

    def handle_data(self, data):
        if not self._in_code:
            self.text.append(data)


def read_page(path):
    parser = _PageText()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def raw_latex(text):
    """The LaTeX delimiters and commands left in a page's text."""
    return [mark for mark in (r"\(", r"\[", r"\frac", r"\sum", "$$") if mark in text]


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    from sphinx.application import Sphinx

    root = tmp_path_factory.mktemp("site")
    source, examples = root / "source", root / "examples"
    source.mkdir()
    examples.mkdir()
    (source / "index.rst").write_text(INDEX, encoding="utf-8")
    (source / "page.md").write_text(PAGE, encoding="utf-8")
    (examples / "README.txt").write_text("Examples\n========\n", encoding="utf-8")
    # autosummary looks for its templates under the source directory, not the conf's.
    shutil.copytree(DOCS / "_templates", source / "_templates")
    path = list(sys.path)
    try:
        conf = runpy.run_path(str(DOCS / "conf.py"))
        gallery = {**conf["sphinx_gallery_conf"], "examples_dirs": [str(examples)]}
        warnings = io.StringIO()
        app = Sphinx(
            srcdir=source,
            confdir=DOCS,
            outdir=root / "html",
            doctreedir=root / "doctrees",
            buildername="html",
            confoverrides={"sphinx_gallery_conf": gallery},
            status=None,
            warning=warnings,
        )
        app.build()
    finally:
        sys.path[:] = path
    return root / "html", warnings.getvalue()


def test_the_site_builds_without_warnings(small_site):
    _, warnings = small_site
    assert warnings == ""


@pytest.mark.parametrize(
    "page",
    [
        "generated/snn_sklearn.SpikingClassifier.html",
        "generated/snn_sklearn.metrics.pearson_r.html",
        "generated/snn_sklearn.activity.activity_report.html",
        "generated/snn_sklearn.neurons.html",
        "page.html",
    ],
)
def test_math_is_mathml_and_no_script_comes_from_the_network(small_site, page):
    html, _ = small_site
    parsed = read_page(html / page)
    assert parsed.external == []
    assert parsed.math_elements > 0
    assert raw_latex("".join(parsed.text)) == []


def test_no_page_loads_mathjax(small_site):
    html, _ = small_site
    pages = list(html.rglob("*.html"))
    assert pages
    for page in pages:
        assert "mathjax" not in page.read_text(encoding="utf-8").lower(), page


@pytest.fixture(scope="module")
def to_mathml():
    sys.path.insert(0, str(DOCS / "_ext"))
    try:
        from mathml import to_mathml
    finally:
        sys.path.remove(str(DOCS / "_ext"))
    return to_mathml


def test_a_formula_latex2mathml_cannot_convert_is_an_error(to_mathml):
    with pytest.raises(ValueError, match="unconverted"):
        to_mathml(r"\unknowncommand x", display="inline")


def test_aligned_lines_become_a_table_of_rows(to_mathml):
    mathml = to_mathml(r"u &= v \\ s &= t", display="block")
    assert mathml.count("<mtr>") == 2
    assert "&=" not in mathml


def built_pages():
    """The pages of docs/_build/html, if built since the site's configuration last changed.

    A build older than ``docs/conf.py`` or the math extension (one left from before a
    checkout) says nothing about the current configuration.
    """
    index = BUILT_SITE / "index.html"
    sources = [DOCS / "conf.py", DOCS / "_ext" / "mathml.py"]
    if not index.is_file() or index.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        return []
    return sorted(BUILT_SITE.rglob("*.html"))


BUILT_PAGES = built_pages()


@pytest.mark.skipif(
    not BUILT_PAGES, reason="docs/_build/html is not built, or older than docs/conf.py"
)
def test_every_page_of_the_built_site_works_offline():
    failures = {}
    for page in BUILT_PAGES:
        parsed = read_page(page)
        broken = [
            f"broken image {source}"
            for source in parsed.images
            if not source.startswith("data:")
            and not (page.parent / source.split("#")[0].split("?")[0]).is_file()
        ]
        found = parsed.external + raw_latex("".join(parsed.text)) + broken
        if found:
            failures[str(page.relative_to(BUILT_SITE))] = found
    assert failures == {}


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOT_PAGES = [
    "index.html",
    "generated/snn_sklearn.SpikingClassifier.html",
    "auto_examples/plot_binary_classification.html",
]


@pytest.mark.skipif(
    not BUILT_PAGES or CHROMIUM is None,
    reason="needs the built site and a chromium binary (Debian's chromium package)",
)
@pytest.mark.parametrize("page", SCREENSHOT_PAGES)
def test_the_built_site_renders_in_headless_chromium(page, tmp_path):
    import subprocess

    from matplotlib.image import imread

    shot = tmp_path / "page.png"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--screenshot={shot}",
            "--window-size=1280,1600",
            (BUILT_SITE / page).as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    pixels = imread(shot)[..., :3]
    # A page that rendered: mostly white background with dark text, not one flat colour.
    assert pixels.std() > 0.05
    assert (pixels.mean(axis=2) < 0.3).mean() > 0.005
