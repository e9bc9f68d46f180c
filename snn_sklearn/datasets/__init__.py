"""The three small tables of the pynmsnn demos, shipped inside the package.

Each loader returns a :class:`~sklearn.utils.Bunch` shaped like scikit-learn's
own loaders (``data``, ``target``, ``feature_names``, ``target_names``,
``frame``, ``DESCR``) and accepts ``return_X_y`` and ``as_frame``. The files are
read from the installed package; nothing is downloaded.
"""

import csv
import io
from importlib import resources

import numpy as np
from sklearn.utils import Bunch
from sklearn.utils._param_validation import validate_params

from .._optional import import_optional

__all__ = ["load_house_prices", "load_iris", "load_soil_spectra"]

# As scikit-learn's loaders: ``as_frame="yes"`` is an error, not a truthy value.
_validate_flags = validate_params(
    {"return_X_y": ["boolean"], "as_frame": ["boolean"]}, prefer_skip_nested_validation=True
)

IRIS_DESCR = """\
Iris plants dataset
-------------------

Fisher's (1936) iris table, as shipped with the pynmsnn multiclass demos.

- Samples: 150, 50 per class
- Features: 4 numeric, in cm (sepal_length, sepal_width, petal_length,
  petal_width)
- Target: class 0 (setosa), 1 (versicolor) or 2 (virginica)
- Task: multiclass classification

The same data as :func:`sklearn.datasets.load_iris`, with the column names of
the pynmsnn file.
"""

HOUSE_PRICES_DESCR = """\
House prices dataset
--------------------

The 414 real-estate transactions of Sindian District, New Taipei City
(2012-2013), from the UCI "Real estate valuation" data set (Yeh and Hsu, 2018),
reduced to the three features that the pynmsnn regression demo used.

- Samples: 414
- Features: 3 numeric
    - house_age: age of the house, in years
    - distance_to_nearest_MRT station: distance to the nearest metro station,
      in metres
    - no_of_convenience_stores: number of convenience stores within walking
      distance
- Target: house_price, price per unit area (10,000 New Taiwan dollars per
  ping, 1 ping = 3.3 m^2), from 7.6 to 117.5
- Task: regression

pynmsnn reported R^2 = 0.57 for its spiking regressor and 0.43 for its
non-spiking twin on a hold-out split of this table.
"""

SOIL_SPECTRA_DESCR = """\
Soil spectra dataset
--------------------

Spectral summaries of soil samples with their organic-matter content, as
shipped with pynmsnn. The source does not document the instrument, the 35
spectral bands or the unit of the organic matter.

- Samples: 26
- Features: 105 numeric, the mean, standard deviation and median of each of
  35 spectral bands ("Mean 01" ... "Mean 35", "StdDev 01" ... "StdDev 35",
  "Median 01" ... "Median 35")
- Target: OM, organic-matter content, from 2.4 to 15.9
- Task: regression, with far more features than samples

``file_id`` (the file's FileID column) identifies each spectrum and is not a
feature. Three soils were measured three times (IDs 205251-205253,
206531-206533 and 244701-244703, each trio sharing one OM value); keep such
replicates in the same fold, e.g. with :class:`~sklearn.model_selection.GroupKFold`,
or cross-validation scores will be optimistic.
"""


@_validate_flags
def load_iris(*, return_X_y=False, as_frame=False):
    """Load the iris table (multiclass classification).

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``data`` as a pandas DataFrame, ``target`` as a Series and
        fill ``frame`` with both. Needs pandas.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        data : ndarray of shape (150, 4) or DataFrame
            Sepal and petal lengths and widths, in cm.
        target : ndarray of shape (150,) or Series
            Class index, int64, in {0, 1, 2}.
        feature_names : list of str
            The four column names.
        target_names : ndarray of shape (3,)
            ``["setosa", "versicolor", "virginica"]``.
        frame : DataFrame of shape (150, 5) or None
            Features and ``target``, when ``as_frame=True``.
        DESCR : str
            Description of the table.
    (data, target) : tuple
        When ``return_X_y=True``.

    See Also
    --------
    load_house_prices : The regression table of the pynmsnn demos.

    Examples
    --------
    >>> from snn_sklearn.datasets import load_iris
    >>> iris = load_iris()
    >>> iris.data.shape, iris.target.dtype
    ((150, 4), dtype('int64'))
    >>> iris.target_names.tolist()
    ['setosa', 'versicolor', 'virginica']
    """
    columns, values = _read_table("iris_data.csv")
    return _bunch(
        values[:, :-1],
        values[:, -1].astype(np.int64),
        columns[:-1],
        columns[-1],
        IRIS_DESCR,
        return_X_y=return_X_y,
        as_frame=as_frame,
        loader="load_iris",
        target_names=np.array(["setosa", "versicolor", "virginica"]),
    )


@_validate_flags
def load_house_prices(*, return_X_y=False, as_frame=False):
    """Load the house-price table (regression).

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``data`` as a pandas DataFrame, ``target`` as a Series and
        fill ``frame`` with both. Needs pandas.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        data : ndarray of shape (414, 3) or DataFrame
            House age, distance to the nearest metro station and number of
            convenience stores nearby.
        target : ndarray of shape (414,) or Series
            Price per unit area, float64.
        feature_names : list of str
            The three feature column names.
        target_names : list of str
            ``["house_price"]``.
        frame : DataFrame of shape (414, 4) or None
            Features and ``house_price``, when ``as_frame=True``.
        DESCR : str
            Description of the table, with its units and source.
    (data, target) : tuple
        When ``return_X_y=True``.

    See Also
    --------
    load_soil_spectra : A small, wide regression table.

    Examples
    --------
    >>> from snn_sklearn.datasets import load_house_prices
    >>> X, y = load_house_prices(return_X_y=True)
    >>> X.shape, y.shape
    ((414, 3), (414,))
    """
    columns, values = _read_table("house_price_data.csv")
    return _bunch(
        values[:, 1:],
        values[:, 0],
        columns[1:],
        columns[0],
        HOUSE_PRICES_DESCR,
        return_X_y=return_X_y,
        as_frame=as_frame,
        loader="load_house_prices",
        target_names=[columns[0]],
    )


@_validate_flags
def load_soil_spectra(*, return_X_y=False, as_frame=False):
    """Load the soil-spectra table (regression of organic matter).

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.
    as_frame : bool, default=False
        Return ``data`` as a pandas DataFrame, ``target`` as a Series and
        fill ``frame`` with both. Needs pandas.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        data : ndarray of shape (26, 105) or DataFrame
            Mean, standard deviation and median of 35 spectral bands.
        target : ndarray of shape (26,) or Series
            Organic-matter content ``OM``, float64.
        feature_names : list of str
            The 105 feature column names.
        target_names : list of str
            ``["OM"]``.
        file_id : ndarray of shape (26,)
            Identifier of each spectrum, int64; not a feature. Replicate
            measurements of one soil share a value of ``target`` (see
            ``DESCR``).
        frame : DataFrame of shape (26, 106) or None
            Features and ``OM``, when ``as_frame=True``.
        DESCR : str
            Description of the table.
    (data, target) : tuple
        When ``return_X_y=True``.

    See Also
    --------
    load_house_prices : The regression table of the pynmsnn demos.

    Examples
    --------
    >>> from snn_sklearn.datasets import load_soil_spectra
    >>> soil = load_soil_spectra()
    >>> soil.data.shape, soil.target_names
    ((26, 105), ['OM'])
    >>> soil.feature_names[:2]
    ['Mean 01', 'Mean 02']
    """
    columns, values = _read_table("soil_spectral_data.csv")
    return _bunch(
        values[:, 2:],
        values[:, 1],
        columns[2:],
        columns[1],
        SOIL_SPECTRA_DESCR,
        return_X_y=return_X_y,
        as_frame=as_frame,
        loader="load_soil_spectra",
        target_names=[columns[1]],
        file_id=values[:, 0].astype(np.int64),
    )


def _read_table(filename):
    """Return the header and the float64 values of a bundled CSV file."""
    text = resources.files(__name__).joinpath("data", filename).read_text(encoding="utf-8")
    header = next(csv.reader(io.StringIO(text)))
    values = np.loadtxt(io.StringIO(text), delimiter=",", skiprows=1, dtype=np.float64)
    return header, values


def _bunch(
    data, target, feature_names, target_column, descr, *, return_X_y, as_frame, loader, **extra
):
    """Assemble the loader's result as scikit-learn's loaders do."""
    frame = None
    if as_frame:
        pd = _import_pandas(loader)
        data = pd.DataFrame(data, columns=feature_names)
        target = pd.Series(target, name=target_column)
        frame = pd.concat([data, target], axis=1)
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        feature_names=list(feature_names),
        frame=frame,
        DESCR=descr,
        **extra,
    )


def _import_pandas(loader):
    return import_optional("pandas", "pandas", f"{loader}(as_frame=True)")
