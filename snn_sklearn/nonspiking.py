"""The non-spiking twins: :class:`NonSpikingClassifier` and :class:`NonSpikingRegressor`."""

from . import _docs
from ._configuration import hidden_layer_sizes
from ._tasks import NetworkClassifier, NetworkRegressor
from .networks import DenseNetwork

# L2 strengths chosen with the spiking estimators' on the tuning half of
# benchmarks/realworld.py (see spiking.py).
CLASSIFIER_ALPHA = 1e-3
REGRESSOR_ALPHA = 1e-3
TOL = 1e-4


class _DenseNetworkMixin:
    """Builds a :class:`~snn_sklearn.networks.DenseNetwork` from the parameters."""

    def _build_module(self, params, n_features, n_outputs, embedding):
        sizes = hidden_layer_sizes(params["hidden_layer_sizes"])
        return DenseNetwork(n_features, sizes, n_outputs, embedding)


class NonSpikingClassifier(_DenseNetworkMixin, NetworkClassifier):
    __doc__ = f"""Non-spiking twin of :class:`SpikingClassifier`: a ReLU perceptron.

    The same training (skorch, Adam, sample weights, early stopping) and the
    same widths as the spiking classifier, with ``Linear`` + ReLU layers, so
    swapping the class compares spiking against non-spiking.

    Parameters
    ----------
{_docs.NONSPIKING_HIDDEN_LAYER_SIZES_PARAMETER}
{_docs.INPUT_BINS_PARAMETER}
{_docs.alpha_parameter(CLASSIFIER_ALPHA)}{_docs.training_parameters(TOL)}
    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

{_docs.FITTED_ATTRIBUTES}
    See Also
    --------
    SpikingClassifier : The spiking counterpart.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from snn_sklearn import NonSpikingClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> NonSpikingClassifier(random_state=0).fit(X, y).score(X, y) > 0.9
    True
    """

    def __init__(
        self,
        hidden_layer_sizes=(128, 128),
        *,
        input_bins=16,
        alpha=CLASSIFIER_ALPHA,
        batch_size="auto",
        learning_rate="adaptive",
        learning_rate_init=2e-3,
        max_iter=200,
        tol=TOL,
        n_iter_no_change=10,
        early_stopping="auto",
        validation_fraction=0.1,
        shuffle=True,
        random_state=None,
        verbose=0,
        warm_start=False,
        device="cpu",
        n_threads=None,
        dtype="float32",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.input_bins = input_bins
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.shuffle = shuffle
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.device = device
        self.n_threads = n_threads
        self.dtype = dtype


class NonSpikingRegressor(_DenseNetworkMixin, NetworkRegressor):
    __doc__ = f"""Non-spiking twin of :class:`SpikingRegressor`: a ReLU perceptron.

    The same training and widths as the spiking regressor, with ``Linear`` +
    ReLU layers.

    Parameters
    ----------
{_docs.NONSPIKING_HIDDEN_LAYER_SIZES_PARAMETER}
{_docs.INPUT_BINS_PARAMETER}
{_docs.alpha_parameter(REGRESSOR_ALPHA)}{_docs.training_parameters(TOL)}
    Attributes
    ----------
{_docs.FITTED_ATTRIBUTES}
    See Also
    --------
    SpikingRegressor : The spiking counterpart.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from snn_sklearn import NonSpikingRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), NonSpikingRegressor(random_state=0))
    >>> model.fit(X, y).score(X, y) > 0.4
    True
    """

    def __init__(
        self,
        hidden_layer_sizes=(128, 128),
        *,
        input_bins=16,
        alpha=REGRESSOR_ALPHA,
        batch_size="auto",
        learning_rate="adaptive",
        learning_rate_init=2e-3,
        max_iter=200,
        tol=TOL,
        n_iter_no_change=10,
        early_stopping="auto",
        validation_fraction=0.1,
        shuffle=True,
        random_state=None,
        verbose=0,
        warm_start=False,
        device="cpu",
        n_threads=None,
        dtype="float32",
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.input_bins = input_bins
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.shuffle = shuffle
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.device = device
        self.n_threads = n_threads
        self.dtype = dtype
