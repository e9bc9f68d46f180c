"""The bundled tables load like scikit-learn's own datasets."""

import sys

import numpy as np
import pytest

from snn_sklearn.datasets import load_house_prices, load_iris, load_soil_spectra

LOADERS = {
    # loader: (n_samples, n_features, target column)
    load_iris: (150, 4, "target"),
    load_house_prices: (414, 3, "house_price"),
    load_soil_spectra: (26, 105, "OM"),
}


@pytest.mark.parametrize("load", LOADERS)
def test_bunch_holds_data_target_names_and_description(load):
    n_samples, n_features, _ = LOADERS[load]
    bunch = load()
    assert bunch.data.shape == (n_samples, n_features)
    assert bunch.target.shape == (n_samples,)
    assert len(bunch.feature_names) == n_features
    assert bunch.frame is None
    assert isinstance(bunch.DESCR, str) and bunch.DESCR.strip()


@pytest.mark.parametrize("load", LOADERS)
def test_data_is_finite_float64(load):
    data = load().data
    assert data.dtype == np.float64
    assert np.isfinite(data).all()


@pytest.mark.parametrize("load", LOADERS)
def test_return_X_y_gives_the_bunch_arrays(load):
    bunch = load()
    X, y = load(return_X_y=True)
    np.testing.assert_array_equal(X, bunch.data)
    np.testing.assert_array_equal(y, bunch.target)


@pytest.mark.parametrize("load", LOADERS)
def test_as_frame_gives_named_columns_and_a_frame_with_the_target(load):
    pytest.importorskip("pandas")
    _, _, target_column = LOADERS[load]
    bunch = load(as_frame=True)
    assert list(bunch.data.columns) == bunch.feature_names
    assert bunch.target.name == target_column
    assert list(bunch.frame.columns) == [*bunch.feature_names, target_column]
    np.testing.assert_array_equal(bunch.frame.to_numpy()[:, :-1], load().data)


@pytest.mark.parametrize("load", LOADERS)
def test_as_frame_with_return_X_y_gives_a_dataframe_and_a_series(load):
    pd = pytest.importorskip("pandas")
    X, y = load(as_frame=True, return_X_y=True)
    assert isinstance(X, pd.DataFrame)
    assert isinstance(y, pd.Series)


@pytest.mark.parametrize("load", LOADERS)
def test_as_frame_without_pandas_names_the_extra_to_install(load, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r'pip install "snn-sklearn\[pandas\]"'):
        load(as_frame=True)


def test_iris_has_three_balanced_int64_classes():
    iris = load_iris()
    assert iris.target.dtype == np.int64
    np.testing.assert_array_equal(np.bincount(iris.target), [50, 50, 50])
    assert iris.target_names.tolist() == ["setosa", "versicolor", "virginica"]


def test_iris_matches_scikit_learns_copy():
    from sklearn.datasets import load_iris as sklearn_load_iris

    X, y = sklearn_load_iris(return_X_y=True)
    np.testing.assert_allclose(load_iris().data, X)
    np.testing.assert_array_equal(load_iris().target, y)


def test_house_prices_predict_the_price_from_age_distance_and_stores():
    houses = load_house_prices()
    assert houses.target_names == ["house_price"]
    assert houses.feature_names == [
        "house_age",
        "distance_to_nearest_MRT station",
        "no_of_convenience_stores",
    ]
    assert houses.target.dtype == np.float64
    assert houses.target[0] == pytest.approx(37.9)


def test_soil_spectra_predict_organic_matter_and_keep_file_id_out_of_the_features():
    soil = load_soil_spectra()
    assert soil.target_names == ["OM"]
    assert "FileID" not in soil.feature_names
    assert soil.feature_names[0] == "Mean 01" and soil.feature_names[-1] == "Median 35"
    assert soil.file_id.dtype == np.int64
    assert soil.file_id[0] == 205251
    assert soil.target[0] == pytest.approx(13.5)
