"""Clipped labels: the texts of a matplotlib figure that do not lie inside it.

A label past the figure's edge is cut off in the saved image (the gallery saves
figures as they are, without ``bbox_inches="tight"``). :func:`matplotlib_scraper`
checks every figure of the gallery before sphinx-gallery saves it, and
``tests/test_plotting.py`` checks the figures of :mod:`snn_sklearn.plotting`.
"""

import numpy as np


def texts_outside(figure, tolerance=1.0):
    """Describe each text drawn wholly or partly outside ``figure``.

    Parameters
    ----------
    figure : matplotlib.figure.Figure or SubFigure
        The figure, drawn here (with its layout engine) by the Agg renderer.
    tolerance : float, default=1.0
        Pixels a text may cross the edge by (anti-aliasing, rounding).

    Returns
    -------
    outside : list of str
        One ``"'text' at [[x0, y0], [x1, y1]] (figure [[...]])"`` per text outside.
    """
    from matplotlib.text import Text

    root = figure.figure if figure.figure is not None else figure
    root.draw_without_rendering()
    bounds = root.bbox
    outside = []
    for text in _drawn(root.findobj(Text), root):
        extent = text.get_window_extent()
        if not np.all(np.isfinite(extent.get_points())):
            continue
        if (
            extent.x0 < bounds.x0 - tolerance
            or extent.y0 < bounds.y0 - tolerance
            or extent.x1 > bounds.x1 + tolerance
            or extent.y1 > bounds.y1 + tolerance
        ):
            outside.append(
                f"{text.get_text()!r} at {np.round(extent.get_points(), 1).tolist()} "
                f"(figure {np.round(bounds.get_points(), 1).tolist()})"
            )
    return outside


def _drawn(texts, figure):
    """The texts that a draw shows: visible, not empty, and no tick label off its axis."""
    hidden = set()
    for ax in figure.get_axes():
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not (axis.get_visible() and low <= tick.get_loc() <= high):
                    hidden.update({id(tick.label1), id(tick.label2)})
    for text in texts:
        if id(text) in hidden or not text.get_visible() or not text.get_text().strip():
            continue
        if text.axes is not None and not text.axes.get_visible():
            continue
        yield text


def matplotlib_scraper(block, block_vars, gallery_conf, **kwargs):
    """sphinx-gallery's matplotlib scraper, refusing a figure whose labels are clipped."""
    import matplotlib.pyplot as plt
    from sphinx_gallery.scrapers import matplotlib_scraper as save_figures

    for number in plt.get_fignums():
        outside = texts_outside(plt.figure(number))
        if outside:
            raise ValueError(
                f"{block_vars['src_file']}: figure {number} has text outside it, which the "
                f"saved image would cut off: {'; '.join(outside)}. Lay the figure out with "
                "layout='constrained' and keep legends inside it."
            )
    return save_figures(block, block_vars, gallery_conf, **kwargs)
