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

from numbers import Integral

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._optional import import_optional
from .activity import _check_spiking, record

__all__ = ["plot_loss_curve", "plot_membrane", "plot_model_comparison", "plot_spikes"]

# Columns of compare_models' result that are not suffixed scores.
_MEAN, _STD = "_mean", "_std"


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
        The axes of the loss curve. When the estimator recorded
        ``validation_scores_`` (``early_stopping=True``), they are drawn on a
        second y axis, ``ax.right_ax``.

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
    (loss_line,) = ax.plot(epochs, final.loss_curve_, color="C0", label="training loss")
    ax.set(xlabel="epoch", ylabel="training loss", title=f"{type(final).__name__} training")
    _integer_ticks(ax)
    lines = [loss_line]
    scores = getattr(final, "validation_scores_", None)
    if scores is not None:
        ax.right_ax = ax.twinx()
        (score_line,) = ax.right_ax.plot(
            np.arange(1, len(scores) + 1), scores, color="C1", label="validation score"
        )
        ax.right_ax.set_ylabel("validation score")
        lines.append(score_line)
    # The twin axes is drawn over ``ax``: a legend on ``ax`` would sit under its line.
    legend_ax = ax.right_ax if scores is not None else ax
    legend_ax.legend(lines, [line.get_label() for line in lines], loc="best")
    return ax


def plot_spikes(estimator, x, *, fig=None, cmap="viridis"):
    """Plot each hidden layer's spike raster and membrane potentials for one sample.

    For every hidden layer, the top panel marks each spike at its neuron and
    time step, and the bottom panel shows the membrane potential of every
    neuron over time as a heat map (before any reset), as recorded by
    :func:`snn_sklearn.activity.record`.

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
        colour bars.

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
    hidden = [
        layer for layer in _record_one(estimator, x, "plot_spikes") if layer["name"] != "output"
    ]
    if fig is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(4 * len(hidden), 6), layout="constrained")
    axes = fig.subplots(2, len(hidden), squeeze=False, sharex="col")
    for column, layer in enumerate(hidden):
        spikes, membrane = layer["spikes"][0], layer["membrane"][0]
        n_steps, size = membrane.shape
        raster, heat = axes[:, column]
        steps, neurons = np.nonzero(spikes)
        # About one neuron's height per mark, on a panel some 180 points tall.
        mark_height = np.clip(180 / size, 2, 9)
        raster.scatter(steps, neurons, marker="|", s=mark_height**2, color="black")
        raster.set(
            title=f"{layer['name']} spikes",
            ylabel="neuron",
            xlim=(-0.5, n_steps - 0.5),
            ylim=(-0.5, size - 0.5),
        )
        image = heat.imshow(
            membrane.T,
            aspect="auto",
            origin="lower",
            interpolation="nearest",
            cmap=cmap,
            extent=(-0.5, n_steps - 0.5, -0.5, size - 0.5),
        )
        heat.set(title=f"{layer['name']} membrane", xlabel="time step", ylabel="neuron")
        fig.colorbar(image, ax=heat, label="membrane potential")
    return fig


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
        horizontal line, and the steps where the neuron spikes are marked.

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
    threshold = _threshold(_unwrap(estimator)[0], index, neuron)
    if threshold is not None:
        ax.axhline(threshold, color="C3", linestyle="--", label=f"threshold {threshold:g}")
    if recorded["spikes"] is not None:
        fired = np.flatnonzero(recorded["spikes"][0][:, neuron])
        ax.plot(fired, trace[fired], "v", color="C3", markersize=9, linestyle="", label="spike")
    ax.set(
        title=f"{recorded['name']}, neuron {neuron}",
        xlabel="time step",
        ylabel="membrane potential",
    )
    _integer_ticks(ax)
    ax.legend(loc="best")
    return ax


def plot_model_comparison(result, *, scoring=None, ax=None):
    """Bar chart of one metric from :func:`snn_sklearn.compare_models`, with std error bars.

    Parameters
    ----------
    result : pandas.DataFrame
        The table returned by :func:`~snn_sklearn.compare_models`: one row per
        model, a ``<name>_mean`` column per metric and, optionally, its
        ``<name>_std``.
    scoring : str, default=None
        The metric, by the name before ``_mean`` (e.g. ``"r2"``,
        ``"accuracy"``, ``"fit_time"``). None picks the first metric column.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; None makes a new figure.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes; ``ax.patches`` holds one bar per model, in the table's order,
        its height the metric's mean, with the standard deviation as error bar
        when the table has a ``<name>_std`` column.

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
    >>> ax = plot_model_comparison(result, scoring="r2")
    >>> [tick.get_text() for tick in ax.get_xticklabels()]
    ['ridge', 'knn']
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
        scoring = metrics[0]
    if scoring not in metrics:
        raise ValueError(f"Unknown scoring {scoring!r}; available metrics: {metrics}.")
    means = np.asarray(result[scoring + _MEAN], dtype=float)
    std_column = scoring + _STD
    errors = np.asarray(result[std_column], dtype=float) if std_column in columns else None
    names = [str(name) for name in result.index]
    ax = _new_axes(ax)
    positions = np.arange(len(names))
    ax.bar(positions, means, yerr=errors, capsize=4, color=[f"C{i % 10}" for i in positions])
    ax.set_xticks(positions, names, rotation=30, ha="right")
    ax.set(ylabel=scoring, title=f"{scoring} by model")
    return ax


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
    if getattr(x, "ndim", None) != 2:
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


def _threshold(estimator, index, neuron):
    """The firing threshold the neuron used, or None for a non-spiking readout."""
    module = estimator.net_.module_
    neurons = list(module.neurons)
    if index < len(neurons):
        lif = neurons[index]
    else:
        lif = getattr(module.readout, "neurons", None)
        if lif is None:
            return None
    _, threshold = lif.effective_parameters()
    return float(threshold.detach()[neuron])
