"""Sphinx extension: render math as MathML when the site is built.

Sphinx's default renderer, MathJax, leaves the LaTeX in the page and typesets it in the
browser with a script from a CDN, so a reader offline sees raw ``\\(\\lambda \\ge 0\\)``.
Here every ``:math:`` role and ``math`` directive (and MyST's ``$...$``) is converted to
MathML by the pure-Python ``latex2mathml`` package; browsers draw MathML themselves, so
the pages need no script and no network. A formula that cannot be converted is a warning,
which ``sphinx -W`` turns into a failed build.
"""

import re

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.locale import _
from sphinx.util import logging
from sphinx.util.math import get_node_equation_number

logger = logging.getLogger(__name__)

# latex2mathml copies what it does not know into the output: a command it lacks as
# ``<mi>\foo</mi>``, an ``&`` outside an environment as ``<mi>&</mi>``.
_UNCONVERTED = re.compile(r"\\[A-Za-z]+|&(?!#?\w+;)")


def to_mathml(latex, *, display):
    """The MathML of one LaTeX formula, ``display`` "inline" or "block".

    Lines separated by ``\\\\`` (and aligned with ``&``) are a ``split`` environment,
    as in Sphinx's MathJax output; without it ``&`` would reach the page as text.
    """
    if r"\\" in latex and r"\begin{" not in latex:
        latex = r"\begin{split}" + latex + r"\end{split}"
    mathml = convert(latex, display=display)
    leftover = _UNCONVERTED.search(mathml)
    if leftover:
        raise ValueError(f"{leftover.group()!r} is left unconverted")
    return mathml


def _converted(translator, node, latex, display):
    try:
        return to_mathml(latex, display=display)
    except Exception as error:  # latex2mathml raises many types, all meaning "cannot parse".
        logger.warning(
            "cannot convert math to MathML: %s (%s: %s); write it in the LaTeX subset that "
            "latex2mathml supports.",
            latex,
            type(error).__name__,
            error,
            location=node,
        )
        return translator.encode(latex)


def visit_math(translator, node):
    translator.body.append(translator.starttag(node, "span", "", CLASS="math notranslate"))
    translator.body.append(_converted(translator, node, node.astext(), "inline"))
    translator.body.append("</span>")
    raise nodes.SkipNode


def visit_displaymath(translator, node):
    translator.body.append(translator.starttag(node, "div", CLASS="math notranslate"))
    if node["number"]:
        number = get_node_equation_number(translator, node)
        translator.body.append(f'<span class="eqno">({number})')
        translator.add_permalink_ref(node, _("Link to this equation"))
        translator.body.append("</span>")
    # A blank line separates equations, as for Sphinx's MathJax renderer: one block each.
    for part in node.astext().split("\n\n"):
        if part.strip():
            translator.body.append(_converted(translator, node, part, "block"))
    translator.body.append("</div>\n")
    raise nodes.SkipNode


def setup(app):
    app.add_html_math_renderer(
        "mathml", inline_renderers=(visit_math, None), block_renderers=(visit_displaymath, None)
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
