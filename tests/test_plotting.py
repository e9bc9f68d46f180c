"""Specifications of snn_sklearn.plotting: what each figure shows, and its errors."""

import importlib
import io
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_iris
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from snn_sklearn import (
    NonSpikingClassifier,
    NonSpikingRegressor,
    SpikingClassifier,
    SpikingRegressor,
    compare_models,
)
from snn_sklearn.activity import record
from snn_sklearn.plotting import (
    plot_loss_curve,
    plot_loss_curves,
    plot_membrane,
    plot_model_comparison,
    plot_spikes,
)

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.container import BarContainer  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

# The gallery's check for clipped labels (docs/_ext/figure_check.py), applied here to
# the figures the plotting functions make.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "docs" / "_ext"))
from figure_check import texts_outside  # noqa: E402

sys.path.pop(0)

SMALL = {"n_steps": 4, "max_iter": 3, "random_state": 0}
# A low threshold, so that the tiny networks spike after three epochs.
THRESHOLD = 0.3


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def spiking(iris):
    return SpikingClassifier((8, 4), threshold=THRESHOLD, **SMALL).fit(*iris)


@pytest.fixture(scope="module")
def pipeline():
    X, y = load_iris(return_X_y=True)
    model = SpikingClassifier((8,), threshold=THRESHOLD, **SMALL)
    return make_pipeline(StandardScaler(), model).fit(X, y), X


def fitted(estimator_class, iris, **params):
    X, y = iris
    if estimator_class in (SpikingRegressor, NonSpikingRegressor):
        y = X[:, 0]
    small = {key: value for key, value in SMALL.items() if key != "n_steps"}
    if estimator_class in (SpikingClassifier, SpikingRegressor):
        small["n_steps"] = SMALL["n_steps"]
    return estimator_class((8,), **small, **params).fit(X, y)


def png(figure):
    """Render ``figure`` to PNG bytes, as savefig writes them."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def bars(ax):
    (container,) = [c for c in ax.containers if isinstance(c, BarContainer)]
    return container


def spike_count(spikes):
    return int(np.asarray(spikes).sum())


# --------------------------------------------------------------- loss curve

ESTIMATORS = [SpikingClassifier, SpikingRegressor, NonSpikingClassifier, NonSpikingRegressor]


@pytest.mark.parametrize("estimator_class", ESTIMATORS)
def test_loss_curve_line_is_loss_curve_per_epoch(estimator_class, iris):
    estimator = fitted(estimator_class, iris)
    ax = plot_loss_curve(estimator)
    line = ax.lines[0]
    np.testing.assert_array_equal(line.get_xdata(), [1, 2, 3])
    np.testing.assert_allclose(line.get_ydata(), estimator.loss_curve_)
    assert png(ax.figure).startswith(b"\x89PNG")


def test_loss_curve_of_a_pipeline_is_its_final_steps(pipeline):
    ax = plot_loss_curve(pipeline[0])
    np.testing.assert_allclose(ax.lines[0].get_ydata(), pipeline[0][-1].loss_curve_)


def test_loss_curve_draws_validation_scores_on_a_second_y_axis(iris):
    estimator = fitted(SpikingClassifier, iris, early_stopping=True)
    ax = plot_loss_curve(estimator)
    np.testing.assert_allclose(ax.right_ax.lines[0].get_ydata(), estimator.validation_scores_)
    assert ax.right_ax.get_ylabel() == "validation accuracy"
    assert ax.right_ax.get_shared_x_axes().joined(ax, ax.right_ax)


def test_loss_curve_of_a_regressor_names_its_validation_score_r2(iris):
    ax = plot_loss_curve(fitted(NonSpikingRegressor, iris, early_stopping=True))
    assert ax.right_ax.get_ylabel() == "validation R²"


@pytest.mark.parametrize(
    "estimator_class, loss",
    [
        (SpikingClassifier, "cross-entropy"),
        (NonSpikingClassifier, "cross-entropy"),
        (SpikingRegressor, "squared error"),
        (NonSpikingRegressor, "squared error"),
    ],
)
def test_loss_curve_y_label_names_the_loss(estimator_class, iris, loss):
    params = {"spike_penalty": 0.0} if "spike_penalty" in estimator_class().get_params() else {}
    ax = plot_loss_curve(fitted(estimator_class, iris, **params))
    assert ax.get_ylabel() == f"training loss ({loss})"


@pytest.mark.parametrize("params", [{}, {"spike_penalty": 0.1}], ids=["default", "0.1"])
def test_loss_curve_y_label_counts_the_spike_penalty(iris, params):
    ax = plot_loss_curve(fitted(SpikingClassifier, iris, **params))
    assert ax.get_ylabel() == "training loss (cross-entropy + spike penalty)"


def test_loss_curve_axes_wear_their_curves_colours_and_no_legend_covers_them(iris):
    ax = plot_loss_curve(fitted(SpikingClassifier, iris, early_stopping=True))
    for axis in (ax, ax.right_ax):
        colour = to_rgba(axis.lines[0].get_color())
        assert to_rgba(axis.yaxis.label.get_color()) == colour
        assert to_rgba(axis.get_yticklabels()[0].get_color()) == colour
        assert axis.get_legend() is None
    assert to_rgba(ax.lines[0].get_color()) != to_rgba(ax.right_ax.lines[0].get_color())


def test_loss_curve_without_validation_scores_has_one_y_axis(iris):
    ax = plot_loss_curve(fitted(NonSpikingRegressor, iris))
    assert not hasattr(ax, "right_ax")
    assert len(ax.figure.axes) == 1


def test_loss_curve_draws_into_the_given_axes(iris):
    ax = Figure().add_subplot()
    assert plot_loss_curve(fitted(NonSpikingClassifier, iris), ax=ax) is ax
    assert len(ax.lines) == 1


@pytest.mark.parametrize(
    "estimator",
    [SpikingClassifier(), make_pipeline(StandardScaler(), NonSpikingRegressor())],
    ids=["estimator", "pipeline"],
)
def test_loss_curve_of_an_unfitted_estimator_raises_not_fitted(estimator):
    with pytest.raises(NotFittedError):
        plot_loss_curve(estimator)


def test_loss_curve_of_an_estimator_without_loss_curve_raises_type_error(iris):
    with pytest.raises(TypeError, match="loss_curve_"):
        plot_loss_curve(Ridge().fit(*iris))


def test_loss_curves_draw_one_titled_panel_per_estimator_in_rows(iris):
    models = [fitted(cls, iris) for cls in (SpikingClassifier, NonSpikingClassifier)] * 2
    titles = ["first", "second", "third", "fourth"]
    figure = plot_loss_curves(models, titles=titles, n_cols=3)
    panels = [ax for ax in figure.axes if ax.lines]
    assert [ax.get_title() for ax in panels] == titles
    assert [len(ax.lines[0].get_ydata()) for ax in panels] == [m.n_iter_ for m in models]
    rows = {ax.get_subplotspec().rowspan.start for ax in panels}
    assert rows == {0, 1}
    assert not texts_outside(figure)


def test_loss_curves_drop_the_empty_panels_of_the_last_row(iris):
    figure = plot_loss_curves([fitted(NonSpikingClassifier, iris)] * 3, n_cols=2)
    assert len(figure.axes) == 3


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"estimators": []}, "at least one"),
        ({"titles": ["only one"]}, "one title per estimator"),
        ({"n_cols": 0}, "n_cols must be an integer >= 1"),
        ({"n_cols": True}, "n_cols must be an integer >= 1"),
        ({"n_cols": 2.0}, "n_cols must be an integer >= 1"),
    ],
)
def test_loss_curves_refuse_what_they_cannot_lay_out(iris, arguments, message):
    models = [fitted(NonSpikingClassifier, iris)] * 2
    with pytest.raises(ValueError, match=message):
        plot_loss_curves(**{"estimators": models, **arguments})


def test_loss_curves_take_a_numpy_integer_n_cols(iris):
    figure = plot_loss_curves([fitted(NonSpikingClassifier, iris)] * 3, n_cols=np.int64(3))
    assert {ax.get_subplotspec().rowspan.start for ax in figure.axes} == {0}
    assert len(figure.axes) == 3


# ------------------------------------------------------------------- spikes


def test_spike_rasters_mark_every_recorded_spike_of_every_hidden_layer(spiking, iris):
    x = iris[0][0]
    fig = plot_spikes(spiking, x)
    hidden = record(spiking, x[None])[:-1]
    rasters = fig.axes[: len(hidden)]
    assert sum(spike_count(layer["spikes"]) for layer in hidden) > 0
    for raster, layer in zip(rasters, hidden, strict=True):
        marks = raster.collections[0].get_offsets()
        assert len(marks) == spike_count(layer["spikes"])
        np.testing.assert_array_equal(marks, np.argwhere(layer["spikes"][0]))
    assert png(fig).startswith(b"\x89PNG")


def test_spike_heat_maps_show_each_neurons_membrane_over_time(spiking, iris):
    x = iris[0][0]
    fig = plot_spikes(spiking, x)
    hidden = record(spiking, x[None])[:-1]
    heat_maps = fig.axes[len(hidden) : 2 * len(hidden)]
    for heat_map, layer in zip(heat_maps, hidden, strict=True):
        np.testing.assert_array_equal(heat_map.images[0].get_array(), layer["membrane"][0].T)
        assert heat_map.get_title() == f"{layer['name']} membrane"


def test_spikes_of_a_row_equal_spikes_of_the_flat_sample(spiking, iris):
    x = iris[0][3]
    flat = plot_spikes(spiking, x).axes[0].collections[0].get_offsets()
    row = plot_spikes(spiking, x.reshape(1, -1)).axes[0].collections[0].get_offsets()
    np.testing.assert_array_equal(flat, row)


def test_spikes_of_a_pipeline_record_the_transformed_sample(pipeline):
    fitted_pipeline, X = pipeline
    final = fitted_pipeline[-1]
    expected = record(final, fitted_pipeline[0].transform(X[:1]))[0]
    heat_map = plot_spikes(fitted_pipeline, X[0]).axes[1]
    np.testing.assert_array_equal(heat_map.images[0].get_array(), expected["membrane"][0].T)


@pytest.fixture(scope="module")
def table_pipeline():
    """A pipeline selecting a DataFrame's columns by name, and that DataFrame."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"age": rng.normal(40, 10, 60), "city": rng.choice(["oslo", "rome"], 60)})
    preprocess = ColumnTransformer(
        [("num", StandardScaler(), ["age"]), ("cat", OneHotEncoder(), ["city"])]
    )
    model = SpikingClassifier((8,), threshold=THRESHOLD, **SMALL)
    return make_pipeline(preprocess, model).fit(table, table["age"] > 40), table


def test_spikes_of_a_dataframe_row_record_it_by_column_name(table_pipeline):
    fitted_pipeline, table = table_pipeline
    expected = record(fitted_pipeline[-1], fitted_pipeline[0].transform(table.iloc[[0]]))[0]
    heat_map = plot_spikes(fitted_pipeline, table.iloc[0]).axes[1]
    np.testing.assert_array_equal(heat_map.images[0].get_array(), expected["membrane"][0].T)


def test_membrane_of_a_dataframe_row_records_it_by_column_name(table_pipeline):
    fitted_pipeline, table = table_pipeline
    expected = record(fitted_pipeline[-1], fitted_pipeline[0].transform(table.iloc[[0]]))[0]
    ax = plot_membrane(fitted_pipeline, table.iloc[0], layer=0, neuron=1)
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), expected["membrane"][0][:, 1])


@pytest.mark.parametrize("shape", [(2, 4), (1, 1, 4)])
def test_spikes_of_more_than_one_sample_raise_value_error(spiking, shape):
    with pytest.raises(ValueError, match="one sample"):
        plot_spikes(spiking, np.zeros(shape))


def test_spikes_of_a_non_spiking_estimator_raise_type_error(iris):
    with pytest.raises(TypeError, match="plot_spikes needs a SpikingClassifier"):
        plot_spikes(fitted(NonSpikingClassifier, iris), iris[0][0])


def test_spikes_of_an_unfitted_estimator_raise_not_fitted():
    with pytest.raises(NotFittedError):
        plot_spikes(SpikingRegressor(), np.zeros(4))


def test_spikes_draw_into_the_given_figure(spiking, iris):
    fig = Figure()
    subfigure = fig.subfigures(1, 2)[1]
    assert plot_spikes(spiking, iris[0][0], fig=subfigure) is subfigure
    assert len(subfigure.axes) == 2 + 2 + 2


def colour_bars(fig, n_layers):
    return fig.axes[2 * n_layers : 3 * n_layers]


def test_spike_marks_are_bold_coloured_bars(spiking, iris):
    raster = plot_spikes(spiking, iris[0][0]).axes[0]
    marks = raster.collections[0]
    assert marks.get_sizes().min() >= 9**2
    assert marks.get_linewidths().min() >= 2
    assert to_rgba(marks.get_facecolor()[0]) != to_rgba("black")


def test_spike_colour_bars_mark_the_threshold_with_a_labelled_tick(spiking, iris):
    fig = plot_spikes(spiking, iris[0][0])
    for colour_bar in colour_bars(fig, 2):
        ticks = colour_bar.get_yticks()
        labels = [label.get_text() for label in colour_bar.get_yticklabels()]
        (at_threshold,) = np.flatnonzero(np.isclose(ticks, THRESHOLD))
        assert labels[at_threshold] == f"threshold {THRESHOLD:g}"
        np.testing.assert_allclose(colour_bar.lines[0].get_ydata(), [THRESHOLD] * 2)


def test_spike_colour_scale_reaches_the_threshold(iris):
    # Below-threshold membranes only: a threshold far above every potential, even
    # after the first fit has doubled the silent layer's weights its 10 times (x1024).
    estimator = fitted(SpikingClassifier, iris, threshold=1e4)
    fig = plot_spikes(estimator, iris[0][0])
    low, high = fig.axes[1].images[0].get_clim()
    assert high == pytest.approx(1e4)
    assert low < high


def test_spike_colour_bar_marks_the_mean_of_learned_thresholds(iris):
    estimator = fitted(SpikingClassifier, iris, learn_threshold=True)
    with torch.no_grad():
        estimator.net_.module_.neurons[0].threshold[:] = torch.linspace(0.5, 1.5, 8)
    (colour_bar,) = colour_bars(plot_spikes(estimator, iris[0][0]), 1)
    labels = [label.get_text() for label in colour_bar.get_yticklabels()]
    assert "mean threshold 1" in labels


# ----------------------------------------------------------------- membrane


def test_membrane_trace_is_the_recorded_potential_of_the_neuron(spiking, iris):
    x = iris[0][0]
    ax = plot_membrane(spiking, x, layer=1, neuron=2)
    membrane = record(spiking, x[None])[1]["membrane"][0]
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), membrane[:, 2])
    np.testing.assert_array_equal(ax.lines[0].get_xdata(), np.arange(SMALL["n_steps"]))
    assert png(ax.figure).startswith(b"\x89PNG")


def test_membrane_threshold_line_sits_at_the_estimators_threshold(spiking, iris):
    ax = plot_membrane(spiking, iris[0][0], layer=0, neuron=0)
    threshold = ax.lines[1]
    np.testing.assert_allclose(threshold.get_ydata(), [spiking.threshold] * 2)
    assert threshold.get_label() == f"threshold {THRESHOLD:g}"


def test_membrane_threshold_line_sits_at_the_neurons_learned_threshold(iris):
    estimator = fitted(SpikingClassifier, iris, learn_threshold=True)
    with torch.no_grad():
        estimator.net_.module_.neurons[0].threshold[5] = 0.25
    ax = plot_membrane(estimator, iris[0][0], layer=0, neuron=5)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [0.25, 0.25])


def test_membrane_marks_the_steps_where_the_neuron_spikes(spiking, iris):
    x = iris[0][0]
    spikes = record(spiking, x[None])[0]["spikes"][0]
    neuron = int(spikes.sum(0).argmax())
    marks = plot_membrane(spiking, x, layer=0, neuron=neuron).lines[2]
    assert len(marks.get_xdata()) > 0
    np.testing.assert_array_equal(marks.get_xdata(), np.flatnonzero(spikes[:, neuron]))


def test_membrane_layer_by_name_is_the_layer_by_index(spiking, iris):
    x = iris[0][0]
    by_name = plot_membrane(spiking, x, layer="hidden_2", neuron=1).lines[0].get_ydata()
    by_index = plot_membrane(spiking, x, layer=1, neuron=1).lines[0].get_ydata()
    np.testing.assert_array_equal(by_name, by_index)


def test_membrane_of_a_mean_readout_has_no_threshold_line(spiking, iris):
    ax = plot_membrane(spiking, iris[0][0], layer="output", neuron=0)
    assert [line.get_label() for line in ax.lines] == ["membrane potential"]


def test_membrane_of_a_spike_count_readout_has_its_threshold(iris):
    estimator = fitted(SpikingClassifier, iris, readout="spike_count", threshold=0.5)
    ax = plot_membrane(estimator, iris[0][0], layer="output", neuron=0)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), [0.5, 0.5])


@pytest.mark.parametrize(
    "layer, neuron, message",
    [
        (3, 0, r"layer must be in \[0, 2\]"),
        (-1, 0, r"layer must be in \[0, 2\]"),
        ("hidden_9", 0, r"the layers are \['hidden_1', 'hidden_2', 'output'\]"),
        (0, 8, r"neuron must be in \[0, 7\]"),
        (1, -1, r"neuron must be in \[0, 3\]"),
    ],
)
def test_membrane_out_of_range_layer_or_neuron_raises_value_error(
    spiking, iris, layer, neuron, message
):
    with pytest.raises(ValueError, match=message):
        plot_membrane(spiking, iris[0][0], layer, neuron)


def test_membrane_legend_stands_beside_the_axes_off_the_trace(spiking, iris):
    ax = plot_membrane(spiking, iris[0][0], layer=0, neuron=0)
    ax.figure.draw_without_rendering()
    legend = ax.get_legend().get_window_extent()
    assert legend.x0 >= ax.get_window_extent().x1
    assert [text.get_text() for text in ax.get_legend().get_texts()][1] == "threshold 0.3"


def test_membrane_of_a_single_curve_has_no_legend(spiking, iris):
    ax = plot_membrane(spiking, iris[0][0], layer="output", neuron=0)
    assert ax.get_legend() is None


def test_membrane_draws_into_the_given_axes(spiking, iris):
    ax = Figure().add_subplot()
    assert plot_membrane(spiking, iris[0][0], 0, 0, ax=ax) is ax


# --------------------------------------------------------- model comparison


@pytest.fixture(scope="module")
def comparison():
    pytest.importorskip("pandas")
    X, y = load_iris(return_X_y=True)
    models = {"ridge": Ridge(), "knn": KNeighborsRegressor(n_neighbors=3)}
    return compare_models(models, X[:, 1:], X[:, 0], cv=3)


def test_comparison_bars_are_the_mean_scores_by_model(comparison):
    ax = plot_model_comparison(comparison, scoring="r2")
    np.testing.assert_allclose([bar.get_height() for bar in ax.patches], comparison["r2_mean"])
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["ridge", "knn"]
    assert png(ax.figure).startswith(b"\x89PNG")


def test_comparison_error_bars_are_the_score_deviations(comparison):
    ax = plot_model_comparison(comparison, scoring="r2")
    (segments,) = bars(ax).errorbar.lines[2]
    half_lengths = [(top[1] - bottom[1]) / 2 for bottom, top in segments.get_segments()]
    np.testing.assert_allclose(half_lengths, comparison["r2_std"])


def test_comparison_of_regressors_defaults_to_r2(comparison):
    ax = plot_model_comparison(comparison)
    assert ax.get_ylabel() == "R²"
    np.testing.assert_allclose([bar.get_height() for bar in ax.patches], comparison["r2_mean"])


def test_comparison_without_r2_defaults_to_the_first_metric():
    table = scores_table("accuracy", [0.9, 0.8], [0.01, 0.02], ["a", "b"])
    table["balanced_accuracy_mean"] = [0.5, 0.6]
    ax = plot_model_comparison(table)
    assert ax.get_ylabel() == "accuracy"


def scores_table(metric, means, stds, names):
    pd = pytest.importorskip("pandas")
    return pd.DataFrame({f"{metric}_mean": means, f"{metric}_std": stds}, index=names)


CLOSE = {"means": [0.947, 1.0, 0.96], "stds": [0.01, 0.0, 0.02]}
MODELS = ["spiking", "non-spiking", "logistic"]


def test_comparison_of_close_scores_zooms_onto_them():
    ax = plot_model_comparison(scores_table("accuracy", **CLOSE, names=MODELS))
    low, high = ax.get_ylim()
    assert 0 < low < 0.947 - 0.01
    assert high > 1.0
    # The smallest difference, 0.013, is more than a twentieth of the axis.
    assert (high - low) < 20 * 0.013


def test_comparison_of_close_negative_scores_zooms_onto_them():
    table = scores_table("neg_mean_absolute_error", [-10.2, -10.6], [0.1, 0.2], ["a", "b"])
    low, high = plot_model_comparison(table).get_ylim()
    assert low < -10.8 and -10.1 < high < 0


def test_comparison_of_spread_scores_starts_at_zero():
    table = scores_table("r2", [0.2, 0.7], [0.05, 0.1], ["a", "b"])
    low, high = plot_model_comparison(table).get_ylim()
    assert low == 0
    assert high > 0.8


def test_comparison_labels_each_bar_with_its_value():
    ax = plot_model_comparison(scores_table("accuracy", **CLOSE, names=MODELS))
    assert [text.get_text() for text in ax.texts] == ["0.947", "1.000", "0.960"]
    # Above the error bars.
    for text, mean, std in zip(ax.texts, CLOSE["means"], CLOSE["stds"], strict=True):
        assert text.xy[1] == pytest.approx(mean + std)


@pytest.mark.parametrize(
    "means", [[-1.06e-10, -5.06e-8], [2.5e-9, 2.6e-9, 1e-12], [0.5, 0.5 + 3e-9]]
)
def test_comparison_labels_tell_apart_values_closer_than_a_millionth(means):
    names = list("abc")[: len(means)]
    table = scores_table("neg_mean_squared_error", means, [0.0] * len(means), names)
    labels = [text.get_text() for text in plot_model_comparison(table).texts]
    assert len(set(labels)) == len(means)
    np.testing.assert_allclose([float(label) for label in labels], means, rtol=0.01)


def test_comparison_colours_bars_by_family_read_from_the_names():
    names = ["spiking (32)", "SNN large", "non-spiking", "logistic", "forest"]
    table = scores_table("r2", [0.5, 0.6, 0.55, 0.4, 0.7], [0.0] * 5, names)
    colours = [to_rgba(bar.get_facecolor()) for bar in plot_model_comparison(table).patches]
    assert colours[0] == colours[1]
    assert colours[3] == colours[4]
    assert len({colours[0], colours[2], colours[3]}) == 3


def test_comparison_colours_bars_by_the_family_of_the_given_estimators(comparison):
    estimators = {
        "ridge": make_pipeline(StandardScaler(), SpikingRegressor()),
        "knn": NonSpikingRegressor(),
    }
    ax = plot_model_comparison(comparison, estimators=estimators)
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["spiking", "non-spiking"]
    ridge, knn = (to_rgba(bar.get_facecolor()) for bar in ax.patches)
    assert ridge != knn


def test_comparison_reads_the_families_of_estimators_under_names_that_are_not_strings():
    table = scores_table("r2", [0.5, 0.6, 0.4], [0.0] * 3, [1, 2, 3])
    estimators = {1: SpikingRegressor(), 2: NonSpikingRegressor(), 3: Ridge()}
    ax = plot_model_comparison(table, estimators=estimators)
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["spiking", "non-spiking", "baseline"]
    assert [tick.get_text() for tick in ax.get_xticklabels()] == ["1", "2", "3"]


def test_comparison_legend_names_the_families_beside_the_axes():
    ax = plot_model_comparison(scores_table("accuracy", **CLOSE, names=MODELS))
    legend = ax.get_legend()
    assert [text.get_text() for text in legend.get_texts()] == MODELS[:2] + ["baseline"]
    ax.figure.draw_without_rendering()
    assert legend.get_window_extent().x0 >= ax.get_window_extent().x1


def test_comparison_without_std_column_draws_no_error_bars(comparison):
    ax = plot_model_comparison(comparison[["r2_mean"]])
    assert bars(ax).errorbar is None


def test_comparison_of_an_unknown_metric_lists_the_available_ones(comparison):
    with pytest.raises(
        ValueError, match=r"Unknown scoring 'auc'; available metrics: \['pearson_r', 'r2'"
    ):
        plot_model_comparison(comparison, scoring="auc")


def test_comparison_of_a_table_without_mean_columns_raises_value_error():
    with pytest.raises(ValueError, match="compare_models"):
        plot_model_comparison({"r2": [0.5]})


def test_comparison_draws_into_the_given_axes(comparison):
    ax = Figure().add_subplot()
    assert plot_model_comparison(comparison, ax=ax) is ax


# ---------------------------------------------------- nothing clipped, anywhere

FIGURES = {
    "loss_curve": lambda est, X: plot_loss_curve(est).figure,
    "loss_curve_with_validation": lambda est, X: (
        plot_loss_curve(fitted(SpikingRegressor, (X, None), early_stopping=True)).figure
    ),
    "spikes": lambda est, X: plot_spikes(est, X[0]),
    "membrane": lambda est, X: plot_membrane(est, X[0], layer=0, neuron=0).figure,
    "membrane_output": lambda est, X: plot_membrane(est, X[0], layer="output", neuron=0).figure,
    "model_comparison": lambda est, X: (
        plot_model_comparison(
            scores_table(
                "accuracy",
                **CLOSE,
                names=["spiking network", "non-spiking twin", "gradient boosting"],
            )
        ).figure
    ),
}


@pytest.mark.parametrize("figure", FIGURES.values(), ids=FIGURES.keys())
def test_every_text_of_a_figure_lies_inside_it(spiking, iris, figure):
    assert texts_outside(figure(spiking, iris[0])) == []


def test_a_label_past_the_edge_is_found_outside():
    ax = Figure(figsize=(3, 2)).add_subplot(xticks=[])
    ax.set_yticks([0, 1], ["input -> hidden_1", "hidden_1 -> hidden_2"])
    outside = texts_outside(ax.figure)
    assert len(outside) == 2
    assert outside[0].startswith("'input -> hidden_1' at")


# -------------------------------------------------------- without matplotlib


@pytest.mark.parametrize(
    "call",
    [
        lambda est, x: plot_loss_curve(est),
        lambda est, x: plot_spikes(est, x),
        lambda est, x: plot_membrane(est, x, 0, 0),
        lambda est, x: plot_model_comparison(None),
    ],
    ids=["loss_curve", "spikes", "membrane", "model_comparison"],
)
def test_without_matplotlib_a_call_says_how_to_install_it(monkeypatch, spiking, iris, call):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ImportError, match=r'pip install "snn-sklearn\[plot\]"'):
        call(spiking, iris[0][0])


def test_the_module_imports_without_matplotlib(monkeypatch):
    for name in [name for name in sys.modules if name.split(".")[0] == "matplotlib"]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "snn_sklearn.plotting")
    module = importlib.import_module("snn_sklearn.plotting")
    assert callable(module.plot_spikes)
