"""Figures of training, spiking activity and model comparisons.

Every function draws with matplotlib (the optional extra ``plot``), imported
only when a function is called, and returns the matplotlib objects it drew on;
none calls ``plt.show()``. Pass an existing ``ax`` (or ``fig`` for the
multi-panel :func:`plot_spikes`) to draw into your own figure.

A :class:`~sklearn.pipeline.Pipeline` whose last step is one of the package's
estimators is accepted wherever an estimator is: its fitted attributes are read
from the last step, and the sample ``x`` is transformed by the steps before it.

For confusion matrices, ROC, precision-recall and prediction-error plots use
scikit-learn's own ``Display`` classes, which work with these estimators
unchanged (see ``docs/plotting.md``).
"""

import sys
from numbers import Integral

import numpy as np
from sklearn.base import is_classifier
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._optional import import_optional
from .activity import _check_spiking, record
from .nonspiking import NonSpikingClassifier, NonSpikingRegressor
from .spiking import SpikingClassifier, SpikingRegressor

__all__ = [
    "plot_loss_curve",
    "plot_loss_curves",
    "plot_membrane",
    "plot_model_comparison",
    "plot_spikes",
]

# Columns of compare_models' result that are not suffixed scores.
_MEAN, _STD = "_mean", "_std"

_LOSS_COLOUR, _SCORE_COLOUR = "C0", "C1"
_SPIKE_COLOUR, _THRESHOLD_COLOUR = "#1a1a8c", "C3"
# plot_model_comparison's bar colours, by family of model.
_FAMILY_COLOURS = {"spiking": "C0", "non-spiking": "C1", "baseline": "0.6"}
# Beyond these decimals, bar labels switch to scientific notation.
_MAX_DECIMALS = 6
_METRIC_LABELS = {"r2": "R²", "fit_time": "fit time (s)", "score_time": "score time (s)"}
# The loss each output activation is trained with (``out_activation_``, as in MLP).
_LOSS_NAMES = {"softmax": "cross-entropy", "logistic": "cross-entropy", "identity": "squared error"}


def plot_loss_curve(estimator, *, ax=None):
    """Plot the training loss per epoch, and the validation score when recorded.

    Parameters
    ----------
    estimator : estimator or Pipeline
        A fitted estimator with a ``loss_curve_`` (any of the package's four
        estimators, or scikit-learn's MLPs), or a Pipeline ending in one.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw the loss on; None makes a new figure.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes of the loss curve, ``ax.lines[0]``; its y label names the loss
        ("training loss (cross-entropy)" for a classifier, "(squared error)" for
        a regressor). When the estimator recorded ``validation_scores_``
        (``early_stopping=True``), they are drawn on a second y axis,
        ``ax.right_ax``, labelled "validation accuracy" or "validation R²". Each
        y axis is coloured as its curve, so no legend covers the curves.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.
    TypeError
        If it has no ``loss_curve_``.
    ImportError
        If matplotlib is not installed.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from snn_sklearn import SpikingClassifier
    >>> from snn_sklearn.plotting import plot_loss_curve
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = SpikingClassifier((8,), n_steps=4, max_iter=3, random_state=0).fit(X, y)
    >>> ax = plot_loss_curve(clf)
    >>> len(ax.lines[0].get_ydata())
    3
    >>> ax.get_ylabel()
    'training loss (cross-entropy + spike penalty)'
    """
    _matplotlib("plot_loss_curve")
    final, _ = _unwrap(estimator)
    check_is_fitted(final)
    if not hasattr(final, "loss_curve_"):
        raise TypeError(
            f"plot_loss_curve needs an estimator with a loss_curve_ attribute, got "
            f"{type(final).__name__}, which records no loss per epoch."
        )
    ax = _new_axes(ax)
    epochs = np.arange(1, len(final.loss_curve_) + 1)
    ax.plot(epochs, final.loss_curve_, color=_LOSS_COLOUR, label="training loss")
    ax.set(xlabel="epoch", ylabel=_loss_label(final), title=f"{type(final).__name__} training")
    _integer_ticks(ax)
    scores = getattr(final, "validation_scores_", None)
    if scores is not None:
        name = "validation accuracy" if is_classifier(final) else "validation R²"
        ax.right_ax = ax.twinx()
        ax.right_ax.plot(np.arange(1, len(scores) + 1), scores, color=_SCORE_COLOUR, label=name)
        ax.right_ax.set_ylabel(name)
        # Two curves on two scales: each axis wears its curve's colour, in place of a
        # legend, which would cover one of them wherever it went.
        for axis, colour in [(ax, _LOSS_COLOUR), (ax.right_ax, _SCORE_COLOUR)]:
            axis.yaxis.label.set_color(colour)
            axis.tick_params(axis="y", colors=colour)
    return ax


def plot_loss_curves(estimators, *, titles=None, n_cols=2):
    """Plot the loss curves of several estimators side by side, one panel each.

    Parameters
    ----------
    estimators : sequence of estimator or Pipeline
        Fitted estimators, as :func:`plot_loss_curve` takes them.
    titles : sequence of str, default=None
        One panel title per estimator; None keeps :func:`plot_loss_curve`'s.
    n_cols : int, default=2
        Panels per row.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure, with one axes per estimator, in order, as
        :func:`plot_loss_curve` draws them (plus their ``right_ax``).

    Raises
    ------
    ValueError
        If there is no estimator, ``n_cols`` < 1, or ``titles`` does not give one
        title per estimator.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from snn_sklearn import NonSpikingClassifier, SpikingClassifier
    >>> from snn_sklearn.plotting import plot_loss_curves
    >>> X, y = load_iris(return_X_y=True)
    >>> models = [
    ...     Model((8,), max_iter=3, random_state=0).fit(X, y)
    ...     for Model in (SpikingClassifier, NonSpikingClassifier)
    ... ]
    >>> fig = plot_loss_curves(models, titles=["spiking", "non-spiking"])
    >>> [ax.get_title() for ax in fig.axes]
    ['spiking', 'non-spiking']
    """
    _matplotlib("plot_loss_curves")
    estimators = list(estimators)
    if not estimators:
        raise ValueError("plot_loss_curves needs at least one fitted estimator, got none.")
    if titles is not None and len(titles) != len(estimators):
        raise ValueError(
            f"plot_loss_curves got {len(titles)} titles for {len(estimators)} estimators; "
            "give one title per estimator, or titles=None."
        )
    if isinstance(n_cols, bool) or not isinstance(n_cols, Integral) or n_cols < 1:
        raise ValueError(f"n_cols must be an integer >= 1, got {n_cols!r}.")
    from matplotlib.figure import Figure

    n_cols = min(int(n_cols), len(estimators))
    n_rows = -(-len(estimators) // n_cols)
    figure = Figure(figsize=(5 * n_cols, 4 * n_rows), layout="constrained")
    axes = figure.subplots(n_rows, n_cols, squeeze=False).ravel()
    for index, (ax, estimator) in enumerate(zip(axes, estimators, strict=False)):
        plot_loss_curve(estimator, ax=ax)
        if titles is not None:
            ax.set_title(titles[index])
    for ax in axes[len(estimators) :]:
        ax.remove()
    return figure


def _loss_label(estimator):
    """The y label "training loss (<loss>)", the loss read from the output activation."""
    loss = _LOSS_NAMES.get(getattr(estimator, "out_activation_", None))
    if loss is None:
        return "training loss"
    if getattr(estimator, "spike_penalty", 0):
        loss += " + spike penalty"
    return f"training loss ({loss})"


def plot_spikes(estimator, x, *, fig=None, cmap="viridis"):
    """Plot each hidden layer's spike raster and membrane potentials for one sample.

    For every hidden layer, the top panel marks each spike at its neuron and
    time step, and the bottom panel shows the membrane potential of every
    neuron over time as a heat map (before any reset), as recorded by
    :func:`snn_sklearn.activity.record`. The heat map's colour bar marks the
    layer's firing threshold with a line and a tick; its colour scale always
    reaches the threshold, so that a neuron's colour shows how near it came.

    Parameters
    ----------
    estimator : SpikingClassifier, SpikingRegressor or Pipeline
        A fitted spiking estimator, or a Pipeline ending in one.
    x : array-like of shape (n_features,) or (1, n_features)
        One sample, as the estimator (or the pipeline's first step) takes it.
    fig : matplotlib.figure.Figure or SubFigure, default=None
        Figure to draw into; None makes a new one.
    cmap : str or matplotlib.colors.Colormap, default="viridis"
        Colour map of the membrane heat maps.

    Returns
    -------
    fig : matplotlib.figure.Figure or SubFigure
        The figure, one column per hidden layer. ``fig.axes`` holds the hidden
        layers' rasters in order, then their heat maps, then the heat maps'
        colour bars, whose last tick is the threshold (the mean threshold when
        ``learn_threshold=True`` made the neurons' thresholds differ).

    Raises
    ------
    TypeError
        If the estimator is not a spiking one.
    sklearn.exceptions.NotFittedError
        If it is not fitted.
    ValueError
        If ``x`` is not one sample.
    ImportError
        If matplotlib is not installed.

    See Also
    --------
    plot_membrane : One neuron's membrane trace.
    snn_sklearn.activity.record : The recorded spikes and potentials.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from snn_sklearn import SpikingClassifier
    >>> from snn_sklearn.plotting import plot_spikes
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = SpikingClassifier((8, 4), n_steps=4, max_iter=3, random_state=0).fit(X, y)
    >>> fig = plot_spikes(clf, X[0])
    >>> [ax.get_title() for ax in fig.axes[:4]]
    ['hidden_1 spikes', 'hidden_2 spikes', 'hidden_1 membrane', 'hidden_2 membrane']
    """
    _matplotlib("plot_spikes")
    from matplotlib.colors import Normalize

    final, _ = _unwrap(estimator)
    layers = _record_one(estimator, x, "plot_spikes")
    hidden = [(index, layer) for index, layer in enumerate(layers) if layer["name"] != "output"]
    if fig is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(4 * len(hidden), 6), layout="constrained")
    axes = fig.subplots(2, len(hidden), squeeze=False, sharex="col")
    # A panel's size in points, near enough to size the marks before the layout is done.
    width, height = fig.bbox.width * 72 / fig.dpi, fig.bbox.height * 72 / fig.dpi
    panel_width, panel_height = 0.7 * width / len(hidden), 0.35 * height
    colourbars = []
    for column, (index, layer) in enumerate(hidden):
        spikes, membrane = layer["spikes"][0], layer["membrane"][0]
        n_steps, size = membrane.shape
        raster, heat = axes[:, column]
        steps, neurons = np.nonzero(spikes)
        # A bar most of a neuron's row tall and a third of a step wide.
        mark_height = np.clip(0.8 * panel_height / size, 3, 16)
        mark_width = np.clip(0.35 * panel_width / n_steps, 1, 4)
        raster.scatter(
            steps,
            neurons,
            marker="|",
            s=mark_height**2,
            linewidths=mark_width,
            color=_SPIKE_COLOUR,
        )
        raster.set(
            title=f"{layer['name']} spikes",
            ylabel="neuron",
            xlim=(-0.5, n_steps - 0.5),
            ylim=(-0.5, size - 0.5),
        )
        raster.grid(axis="y", color="0.92", linewidth=0.8)
        raster.set_axisbelow(True)
        thresholds = _thresholds(final, index)
        # The colour scale reaches the threshold, so that the colour bar can show it.
        norm = Normalize(
            min(membrane.min(), thresholds.min()), max(membrane.max(), thresholds.max())
        )
        image = heat.imshow(
            membrane.T,
            aspect="auto",
            origin="lower",
            interpolation="nearest",
            cmap=cmap,
            norm=norm,
            extent=(-0.5, n_steps - 0.5, -0.5, size - 0.5),
        )
        heat.set(title=f"{layer['name']} membrane", xlabel="time step", ylabel="neuron")
        colourbars.append((fig.colorbar(image, ax=heat, label="membrane potential"), thresholds))
    for colourbar, thresholds in colourbars:
        _mark_threshold(colourbar, thresholds)
    return fig


def _mark_threshold(colourbar, thresholds):
    """A line across the colour bar at the layer's threshold, with a labelled tick.

    Learned thresholds differ between neurons: the line is at their mean, and the
    band behind it spans them.
    """
    threshold = float(np.mean(thresholds))
    low, high = colourbar.norm.vmin, colourbar.norm.vmax
    if np.ptp(thresholds) > 0:
        colourbar.ax.axhspan(thresholds.min(), thresholds.max(), color="white", alpha=0.5)
    colourbar.ax.axhline(threshold, color=_THRESHOLD_COLOUR, linewidth=2)
    # The numbered ticks that would crowd the threshold's label give way to it.
    ticks = [
        tick
        for tick in colourbar.get_ticks()
        if low <= tick <= high and abs(tick - threshold) > 0.08 * (high - low)
    ]
    labels = colourbar.ax.yaxis.get_major_formatter().format_ticks(ticks)
    name = f"{'mean threshold' if np.ptp(thresholds) > 0 else 'threshold'} {threshold:g}"
    colourbar.set_ticks([*ticks, threshold], labels=[*labels, name])
    for label in colourbar.ax.get_yticklabels():
        if label.get_text() == name:
            label.set_color(_THRESHOLD_COLOUR)


def plot_membrane(estimator, x, layer, neuron, *, ax=None):
    """Plot one neuron's membrane potential over time, its threshold and its spikes.

    Parameters
    ----------
    estimator : SpikingClassifier, SpikingRegressor or Pipeline
        A fitted spiking estimator, or a Pipeline ending in one.
    x : array-like of shape (n_features,) or (1, n_features)
        One sample, as the estimator (or the pipeline's first step) takes it.
    layer : int or str
        The layer, by position in :func:`snn_sklearn.activity.record`'s list (0
        for the first hidden layer, the last for the output layer) or by name
        (``"hidden_1"``, ..., ``"output"``).
    neuron : int
        The neuron's index in that layer, from 0.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; None makes a new figure.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes. The membrane trace is ``ax.lines[0]``; the threshold, when the
        layer has one (every layer but a ``"mean"``/``"max"`` readout), is a
        horizontal line, and the steps where the neuron spikes are marked. Their
        legend stands to the right of the axes, off the trace.

    Raises
    ------
    TypeError
        If the estimator is not a spiking one.
    sklearn.exceptions.NotFittedError
        If it is not fitted.
    ValueError
        If ``x`` is not one sample, or ``layer`` or ``neuron`` is out of range.
    ImportError
        If matplotlib is not installed.

    See Also
    --------
    plot_spikes : Every neuron of every hidden layer at once.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from snn_sklearn import SpikingClassifier
    >>> from snn_sklearn.plotting import plot_membrane
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = SpikingClassifier((8,), n_steps=4, max_iter=3, random_state=0).fit(X, y)
    >>> ax = plot_membrane(clf, X[0], layer=0, neuron=3)
    >>> ax.get_title()
    'hidden_1, neuron 3'
    """
    _matplotlib("plot_membrane")
    layers = _record_one(estimator, x, "plot_membrane")
    index = _layer_index(layer, [entry["name"] for entry in layers])
    recorded = layers[index]
    membrane = recorded["membrane"][0]
    n_steps, size = membrane.shape
    if isinstance(neuron, bool) or not isinstance(neuron, Integral):
        raise ValueError(f"neuron must be an integer in [0, {size - 1}], got {neuron!r}.")
    if not 0 <= neuron < size:
        raise ValueError(
            f"neuron must be in [0, {size - 1}] for layer {recorded['name']!r} of {size} "
            f"neurons, got {neuron}."
        )
    ax = _new_axes(ax)
    steps = np.arange(n_steps)
    trace = membrane[:, neuron]
    ax.plot(steps, trace, color="C0", marker=".", label="membrane potential")
    thresholds = _thresholds(_unwrap(estimator)[0], index)
    if thresholds is not None:
        threshold = float(thresholds[neuron])
        ax.axhline(
            threshold, color=_THRESHOLD_COLOUR, linestyle="--", label=f"threshold {threshold:g}"
        )
    if recorded["spikes"] is not None:
        fired = np.flatnonzero(recorded["spikes"][0][:, neuron])
        ax.plot(
            fired,
            trace[fired],
            "v",
            color=_THRESHOLD_COLOUR,
            markersize=9,
            linestyle="",
            label="spike",
        )
    ax.set(
        title=f"{recorded['name']}, neuron {neuron}",
        xlabel="time step",
        ylabel="membrane potential",
    )
    _integer_ticks(ax)
    if len(ax.lines) > 1:
        # Beside the axes, not in them: a trace that rises to its threshold fills any corner.
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1), borderaxespad=0, frameon=False)
    return ax


def plot_model_comparison(result, *, scoring=None, ax=None, estimators=None):
    """Bar chart of one metric from :func:`snn_sklearn.compare_models`, with std error bars.

    Each bar is labelled with its value and coloured by the model's family:
    spiking, non-spiking, or baseline (any other model), with a legend beside
    the axes. When the scores are close together and far from zero (0.947
    against 1.000), the y axis is zoomed onto them, error bars included, instead
    of starting at zero, where the bars would look alike.

    Parameters
    ----------
    result : pandas.DataFrame
        The table returned by :func:`~snn_sklearn.compare_models`: one row per
        model, a ``<name>_mean`` column per metric and, optionally, its
        ``<name>_std``.
    scoring : str, default=None
        The metric, by the name before ``_mean`` (e.g. ``"r2"``,
        ``"accuracy"``, ``"fit_time"``). None picks ``"r2"`` when the table has
        it (the regression default), else the first metric column (``"accuracy"``
        for the default classification scorers).
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; None makes a new figure.
    estimators : dict of name to estimator, default=None
        The models given to ``compare_models``, keyed as the rows of ``result``
        (strings or not): each row's family is that of its estimator (or of a
        Pipeline's last step): spiking for :class:`~snn_sklearn.SpikingClassifier`
        and :class:`~snn_sklearn.SpikingRegressor`, non-spiking for their twins,
        baseline otherwise. None reads the family from the row's name: one
        containing "spiking" or "snn" is spiking, unless it says "non-spiking"
        (or "nonspiking"); any other is a baseline.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes; ``ax.patches`` holds one bar per model, in the table's order,
        its height the metric's mean, with the standard deviation as error bar
        when the table has a ``<name>_std`` column. ``ax.texts`` holds the bars'
        value labels, in the same order (none for a ``nan`` mean).

    Raises
    ------
    ValueError
        If ``scoring`` is not a metric of ``result``, or ``result`` has none.
    ImportError
        If matplotlib is not installed.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.neighbors import KNeighborsRegressor
    >>> from snn_sklearn import compare_models
    >>> from snn_sklearn.plotting import plot_model_comparison
    >>> X, y = load_diabetes(return_X_y=True)
    >>> result = compare_models({"ridge": Ridge(), "knn": KNeighborsRegressor()}, X, y, cv=3)
    >>> ax = plot_model_comparison(result)
    >>> [tick.get_text() for tick in ax.get_xticklabels()]
    ['ridge', 'knn']
    >>> ax.get_ylabel(), [text.get_text() for text in ax.texts]
    ('R²', ['0.409', '0.389'])
    """
    _matplotlib("plot_model_comparison")
    columns = [str(column) for column in getattr(result, "columns", [])]
    metrics = [column.removesuffix(_MEAN) for column in columns if column.endswith(_MEAN)]
    if not metrics:
        raise ValueError(
            "result must be the DataFrame returned by snn_sklearn.compare_models, with "
            f"'<metric>_mean' columns; got {type(result).__name__} with columns {columns}."
        )
    if scoring is None:
        scoring = "r2" if "r2" in metrics else metrics[0]
    if scoring not in metrics:
        raise ValueError(f"Unknown scoring {scoring!r}; available metrics: {metrics}.")
    means = np.asarray(result[scoring + _MEAN], dtype=float)
    std_column = scoring + _STD
    errors = np.asarray(result[std_column], dtype=float) if std_column in columns else None
    names = [str(name) for name in result.index]
    families = [_family(str(name), (estimators or {}).get(name)) for name in result.index]
    ax = _new_axes(ax)
    positions = np.arange(len(names))
    ax.bar(
        positions,
        means,
        yerr=errors,
        capsize=4,
        color=[_FAMILY_COLOURS[family] for family in families],
    )
    ax.set_xticks(positions, names, rotation=30, ha="right")
    label = _METRIC_LABELS.get(scoring, scoring)
    ax.set(ylabel=label, title=f"{label} by model")
    spread = np.zeros_like(means) if errors is None else np.nan_to_num(errors)
    _label_bars(ax, positions, means, spread)
    _zoom_to_bars(ax, means - spread, means + spread)
    from matplotlib.patches import Patch

    shown = [family for family in _FAMILY_COLOURS if family in families]
    ax.legend(
        handles=[Patch(color=_FAMILY_COLOURS[family], label=family) for family in shown],
        loc="upper left",
        bbox_to_anchor=(1.02, 1),
        borderaxespad=0,
        frameon=False,
    )
    return ax


def _family(name, estimator):
    if estimator is not None:
        final, _ = _unwrap(estimator)
        if isinstance(final, SpikingClassifier | SpikingRegressor):
            return "spiking"
        if isinstance(final, NonSpikingClassifier | NonSpikingRegressor):
            return "non-spiking"
        return "baseline"
    name = name.lower()
    if "non-spiking" in name or "nonspiking" in name:
        return "non-spiking"
    if "spiking" in name or "snn" in name:
        return "spiking"
    return "baseline"


def _label_bars(ax, positions, means, spread):
    """Write each bar's value past the end of its error bar."""
    spec = _value_format(means)
    for position, mean, extra in zip(positions, means, spread, strict=True):
        if np.isnan(mean):
            continue
        up = mean >= 0
        ax.annotate(
            f"{mean:{spec}}",
            (position, mean + extra if up else mean - extra),
            xytext=(0, 3 if up else -3),
            textcoords="offset points",
            ha="center",
            va="bottom" if up else "top",
            fontsize="small",
        )


def _value_format(values):
    """The format spec of the bars' labels, telling apart the closest two values.

    Fixed-point, with the decimals that show three significant digits of the
    largest value (three for scores up to 1) and at least one of the smallest
    difference between two. When that takes more than six decimals, scientific
    notation instead, with the mantissa digits that show the same.
    """
    values = values[np.isfinite(values)]
    if not values.size or not np.any(values):
        return ".3f"
    magnitude = np.log10(np.max(np.abs(values)))
    decimals = 3 - int(np.ceil(magnitude))
    mantissa_decimals = 2
    gaps = np.diff(np.unique(values))
    if gaps.size:
        gap = int(np.floor(np.log10(np.min(gaps))))
        decimals = max(decimals, -gap)
        mantissa_decimals = max(mantissa_decimals, int(np.floor(magnitude)) - gap)
    if decimals <= _MAX_DECIMALS:
        return f".{max(decimals, 0)}f"
    return f".{mantissa_decimals}e"


def _zoom_to_bars(ax, lows, highs):
    """Zoom the y axis onto the bars' ends when zero is far below (or above) them all.

    A bar chart starting at zero spends most of its height on what all bars share
    when they lie close together far from zero, and their differences vanish.
    """
    lows, highs = lows[np.isfinite(lows)], highs[np.isfinite(highs)]
    if not lows.size:
        return
    low, high = lows.min(), highs.max()
    span = high - low
    # The margins leave room for the value labels beyond the bars' ends.
    if low > span:
        pad = span or 0.1 * low
        ax.set_ylim(low - 0.1 * pad, high + 0.25 * pad)
    elif -high > span:
        pad = span or -0.1 * high
        ax.set_ylim(low - 0.25 * pad, high + 0.1 * pad)
    else:
        ax.margins(y=0.15)


def _matplotlib(caller):
    import_optional("matplotlib", "plot", caller)


def _new_axes(ax):
    if ax is not None:
        return ax
    from matplotlib.figure import Figure

    return Figure(layout="constrained").add_subplot()


def _integer_ticks(ax):
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _unwrap(estimator):
    """The final estimator, and the steps that transform its input (None if none)."""
    if isinstance(estimator, Pipeline):
        head = estimator[:-1] if len(estimator.steps) > 1 else None
        return estimator.steps[-1][1], head
    return estimator, None


def _record_one(estimator, x, caller):
    """``record`` of one sample, after the pipeline's preceding steps."""
    final, head = _unwrap(estimator)
    _check_spiking(final, caller)
    if _is_series(x):
        # A one-row DataFrame, keeping the column names a ColumnTransformer selects by.
        x = x.to_frame().T.infer_objects()
    elif getattr(x, "ndim", None) != 2:
        x = np.asarray(x)
        if x.ndim == 1:
            x = x.reshape(1, -1)
    if x.ndim != 2 or x.shape[0] != 1:
        raise ValueError(
            f"{caller} plots one sample: x must have shape (n_features,) or (1, n_features), "
            f"got shape {x.shape}. Pass a single row, e.g. X[0]."
        )
    if head is not None:
        x = head.transform(x)
    return record(final, x)


def _is_series(x):
    """Whether ``x`` is a pandas Series, without importing pandas when it is not loaded."""
    pandas = sys.modules.get("pandas")
    return pandas is not None and isinstance(x, pandas.Series)


def _layer_index(layer, names):
    if isinstance(layer, str):
        if layer not in names:
            raise ValueError(f"Unknown layer {layer!r}; the layers are {names}.")
        return names.index(layer)
    if isinstance(layer, bool) or not isinstance(layer, Integral):
        raise ValueError(
            f"layer must be an integer in [0, {len(names) - 1}] or one of {names}, got {layer!r}."
        )
    if not 0 <= layer < len(names):
        raise ValueError(
            f"layer must be in [0, {len(names) - 1}] (the layers {names}), got {layer}."
        )
    return int(layer)


def _thresholds(estimator, index):
    """The firing threshold of each neuron of a layer, or None for a non-spiking readout."""
    module = estimator.net_.module_
    neurons = list(module.neurons)
    if index < len(neurons):
        lif = neurons[index]
    else:
        lif = getattr(module.readout, "neurons", None)
        if lif is None:
            return None
    _, threshold = lif.effective_parameters()
    return threshold.detach().cpu().numpy().astype(float)
