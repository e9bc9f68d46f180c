r"""Export a fitted estimator to ONNX, for inference without torch.

`ONNX <https://onnx.ai>`_ runtimes (onnxruntime, and the runtimes of browsers, phones
and inference servers) run a graph of tensor operators. :func:`to_onnx` writes the
fitted network of any of the four estimators as such a graph, from the raw feature
matrix to what :meth:`predict_proba` (classifiers) or :meth:`predict` (regressors)
returns:

.. code-block:: text

    X -> [numeric embedding] -> encoder -> hidden layers -> readout -> softmax / sigmoid
                                                                    -> target scaling

A spiking network's time loop is unrolled: each of the ``n_steps`` steps of each LIF
layer is a handful of element-wise operators,

.. math::

    u_t = \beta\, v_{t-1} + I_t, \qquad s_t = [u_t > \theta], \qquad
    v_t = u_t - \theta s_t \;\; \text{or} \;\; v_t = u_t (1 - s_t),

with the effective (clamped) :math:`\beta` and :math:`\theta` of every neuron. The
graph uses standard operators only (opset 13 or later) and computes in float32.

Only deterministic encoders export (``"direct"``, ``"population"``, ``"latency"``):
the stochastic ones (``"rate"``, ``"noisy"``) draw their noise from an integer hash
of the bits of each row's float32 values, and no ONNX operator reads a float's bits,
so exporting them raises a :class:`ValueError`.

:func:`register_skl2onnx` makes the estimators known to `skl2onnx
<https://onnx.ai/sklearn-onnx/>`_, so that a whole pipeline (a ``StandardScaler``
followed by the estimator, say) converts with ``skl2onnx.to_onnx``.
"""

import numpy as np
import torch
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._optional import import_optional
from ._tasks import NetworkClassifier, NetworkRegressor
from ._version import __version__
from .embeddings import PiecewiseLinearEmbedding
from .networks import DenseNetwork, SpikingNetwork
from .readouts import SpikeCountReadout, mean_coefficients

__all__ = ["ONNX_OPSET", "register_skl2onnx", "to_onnx", "write_onnx"]

#: Opset of the graphs :func:`to_onnx` writes; every operator they use is unchanged since 13.
ONNX_OPSET = 17
_MIN_OPSET = 13
_SKL2ONNX_ALIAS = "SnnSklearn{}"


def to_onnx(estimator):
    """Export a fitted estimator as an ONNX model that computes its predictions.

    The model has one input, ``X``: the raw feature matrix, float32, of shape
    ``(n_samples, n_features_in_)`` with a dynamic number of samples, and one output:

    - classifiers, ``probabilities``: what :meth:`predict_proba` returns, of shape
      ``(n_samples, n_classes)`` (a softmax), or for a multilabel model
      ``(n_samples, n_labels)`` (each label's sigmoid);
    - regressors, ``predictions``: what :meth:`predict` returns, target scaling
      included, of shape ``(n_samples,)`` for a single target and
      ``(n_samples, n_outputs)`` otherwise.

    The graph computes in float32, as the estimators do by default
    (``dtype="float32"``); a model fitted with ``dtype="float64"`` exports with its
    weights rounded to float32.

    Parameters
    ----------
    estimator : SpikingClassifier, SpikingRegressor, NonSpikingClassifier or \
NonSpikingRegressor
        A fitted estimator. A spiking one must use a deterministic encoder
        (``"direct"``, ``"population"`` or ``"latency"``).

    Returns
    -------
    model : onnx.ModelProto
        A checked model of opset :data:`ONNX_OPSET`.

    Raises
    ------
    sklearn.exceptions.NotFittedError
        If the estimator is not fitted.
    TypeError
        If it is not one of the four estimators (a ``Pipeline`` converts through
        skl2onnx, see :func:`register_skl2onnx`).
    ValueError
        If it uses a stochastic encoder (``"rate"``, ``"noisy"``).
    ImportError
        If onnx is not installed (``pip install "snn-sklearn[onnx]"``).

    See Also
    --------
    write_onnx : The same model, written to a file.
    register_skl2onnx : Convert pipelines that contain the estimators with skl2onnx.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime
    >>> from sklearn.datasets import load_iris
    >>> from snn_sklearn import SpikingClassifier
    >>> from snn_sklearn.export import to_onnx
    >>> X, y = load_iris(return_X_y=True)
    >>> X = X.astype(np.float32)
    >>> clf = SpikingClassifier((16,), max_iter=5, random_state=0).fit(X, y)
    >>> session = onnxruntime.InferenceSession(to_onnx(clf).SerializeToString())
    >>> (probabilities,) = session.run(None, {"X": X})
    >>> bool(np.allclose(probabilities, clf.predict_proba(X), atol=1e-5))
    True
    """
    onnx = import_optional("onnx", "onnx", "to_onnx")
    if isinstance(estimator, Pipeline):
        raise TypeError(
            "to_onnx exports a single estimator, got a Pipeline. Convert a pipeline with "
            "skl2onnx: call snn_sklearn.export.register_skl2onnx() once, then "
            "skl2onnx.to_onnx(pipeline, X[:1].astype(np.float32))."
        )
    module = _fitted_module(estimator)
    builder = _GraphBuilder(onnx, _counter())
    x = "X"
    if isinstance(estimator, NetworkClassifier):
        output = _probabilities(builder, estimator, _logits(builder, module, x))
        output_name, width = "probabilities", [estimator.n_outputs_]
    else:
        output = _predictions(builder, estimator, _logits(builder, module, x))
        output_name = "predictions"
        width = [] if estimator.n_outputs_ == 1 else [estimator.n_outputs_]
        if estimator.n_outputs_ == 1:
            output = builder.op("Reshape", output, builder.constant(np.array([-1])))
    builder.op("Identity", output, out=output_name)
    helper = onnx.helper
    graph = helper.make_graph(
        builder.nodes,
        type(estimator).__name__,
        [_float_input(helper, onnx, x, estimator.n_features_in_)],
        [helper.make_tensor_value_info(output_name, onnx.TensorProto.FLOAT, ["N", *width])],
        builder.initializers,
    )
    opset = [helper.make_opsetid("", ONNX_OPSET)]
    model = helper.make_model(
        graph,
        opset_imports=opset,
        ir_version=helper.find_min_ir_version_for(opset),
        producer_name="snn_sklearn",
        producer_version=__version__,
        doc_string=f"{type(estimator).__name__} exported by snn_sklearn {__version__}",
    )
    onnx.checker.check_model(model, full_check=True)
    return model


def write_onnx(estimator, path):
    """Write :func:`to_onnx`'s model of a fitted estimator to a file.

    Parameters
    ----------
    estimator : SpikingClassifier, SpikingRegressor, NonSpikingClassifier or \
NonSpikingRegressor
        A fitted estimator, as for :func:`to_onnx`.
    path : str or path-like
        Where to write the model, conventionally ending in ``.onnx``.

    Returns
    -------
    model : onnx.ModelProto
        The model written; ``onnx.load(path)`` reads it back.

    See Also
    --------
    to_onnx : The model itself, and what it computes.

    Examples
    --------
    >>> import os, tempfile
    >>> import onnx
    >>> from sklearn.datasets import load_diabetes
    >>> from snn_sklearn import NonSpikingRegressor
    >>> from snn_sklearn.export import write_onnx
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = NonSpikingRegressor((8,), max_iter=5, random_state=0).fit(X, y)
    >>> path = os.path.join(tempfile.mkdtemp(), "diabetes.onnx")
    >>> model = write_onnx(reg, path)
    >>> [output.name for output in onnx.load(path).graph.output]
    ['predictions']
    """
    onnx = import_optional("onnx", "onnx", "write_onnx")
    model = to_onnx(estimator)
    onnx.save_model(model, path)
    return model


def register_skl2onnx():
    """Register the four estimators with skl2onnx, so that pipelines holding them convert.

    After this call, ``skl2onnx.to_onnx(pipeline, X[:1].astype(np.float32))``
    converts a pipeline whose steps include a fitted ``SpikingClassifier``,
    ``SpikingRegressor``, ``NonSpikingClassifier`` or ``NonSpikingRegressor``, with
    the estimator's graph (that of :func:`to_onnx`) inlined. As for skl2onnx's own
    models:

    - a classifier has two outputs, ``label`` (int64 for integer or boolean
      classes, string for string classes; for a multilabel model the
      ``(n_samples, n_labels)`` int64 indicator matrix of :meth:`predict`) and
      ``probabilities``, which skl2onnx turns into a list of dictionaries unless
      ``options={"zipmap": False}`` is passed (or ``"columns"``, one output per class);
      ``options={"nocl": True}`` makes the labels class indices;
    - a regressor has one output, ``variable``, of shape ``(n_samples, n_outputs)``,
      also for a single target.

    Calling it again does nothing new.

    Raises
    ------
    ImportError
        If skl2onnx is not installed (``pip install "snn-sklearn[onnx]"``).

    See Also
    --------
    to_onnx : The estimator's graph on its own.

    Examples
    --------
    >>> import numpy as np
    >>> import skl2onnx
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from snn_sklearn import SpikingClassifier
    >>> from snn_sklearn.export import register_skl2onnx
    >>> register_skl2onnx()
    >>> X, y = load_iris(return_X_y=True)
    >>> model = make_pipeline(StandardScaler(), SpikingClassifier((16,), max_iter=5))
    >>> model = model.fit(X, y)
    >>> onx = skl2onnx.to_onnx(model, X[:1].astype(np.float32), options={"zipmap": False})
    >>> [output.name for output in onx.graph.output]
    ['label', 'probabilities']
    """
    skl2onnx = import_optional("skl2onnx", "onnx", "register_skl2onnx")
    from .nonspiking import NonSpikingClassifier, NonSpikingRegressor
    from .spiking import SpikingClassifier, SpikingRegressor

    for estimator in (SpikingClassifier, NonSpikingClassifier):
        skl2onnx.update_registered_converter(
            estimator,
            _SKL2ONNX_ALIAS.format(estimator.__name__),
            _classifier_shapes,
            _convert,
            options={"zipmap": [True, False, "columns"], "nocl": [False, True]},
        )
    for estimator in (SpikingRegressor, NonSpikingRegressor):
        skl2onnx.update_registered_converter(
            estimator, _SKL2ONNX_ALIAS.format(estimator.__name__), _regressor_shapes, _convert
        )


# --------------------------------------------------------------------- the graph


class _GraphBuilder:
    """Collects the nodes and initializers of a graph under names from ``unique``."""

    def __init__(self, onnx, unique):
        self.onnx = onnx
        self.nodes = []
        self.initializers = []
        self._unique = unique
        self._scalars = {}

    def constant(self, value, name="const"):
        """The name of an initializer holding ``value``; floats become float32."""
        array = np.asarray(value)
        if array.dtype.kind == "f":
            array = array.astype(np.float32)
        key = (array.dtype.str, array.shape, array.tobytes())
        if array.size == 1 and key in self._scalars:
            return self._scalars[key]
        tensor = self.onnx.numpy_helper.from_array(array, self._unique(name))
        self.initializers.append(tensor)
        if array.size == 1:
            self._scalars[key] = tensor.name
        return tensor.name

    def op(self, op_type, *inputs, out=None, **attributes):
        """Add a node of one output; return the output's name."""
        out = out or self._unique(op_type.lower())
        node = self.onnx.helper.make_node(
            op_type, list(inputs), [out], name=self._unique(f"{op_type}_node"), **attributes
        )
        self.nodes.append(node)
        return out


def _counter():
    used = {}

    def unique(name):
        used[name] = used.get(name, 0) + 1
        return f"{name}_{used[name]}"

    return unique


def _float_input(helper, onnx, name, n_features):
    return helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, ["N", n_features])


def _fitted_module(estimator):
    """The fitted torch network of ``estimator``, checked to be exportable."""
    if not isinstance(estimator, (NetworkClassifier, NetworkRegressor)):
        raise TypeError(
            "to_onnx exports a SpikingClassifier, SpikingRegressor, NonSpikingClassifier or "
            f"NonSpikingRegressor, got {type(estimator).__name__}."
        )
    check_is_fitted(estimator)
    module = estimator.net_.module_
    if isinstance(module, SpikingNetwork) and module.encoder.stochastic:
        raise ValueError(
            f"encoder={module.encoder.name!r} is stochastic and cannot be exported to ONNX: "
            "its noise is a hash of the bits of each row's values, which no ONNX operator "
            "reads. "
            "Refit with a deterministic encoder: 'direct', 'population' or 'latency'."
        )
    if not isinstance(module, (SpikingNetwork, DenseNetwork)):
        raise TypeError(
            f"to_onnx exports a SpikingNetwork or a DenseNetwork, got {type(module).__name__}."
        )
    return module


def _array(tensor):
    return tensor.detach().cpu().to(torch.float64).numpy()


def _logits(g, module, x):
    """The network's raw outputs ``(N, n_outputs)`` for features ``x``."""
    if isinstance(module, DenseNetwork):
        for layer in module.layers:
            if isinstance(layer, PiecewiseLinearEmbedding):
                x = _embed(g, layer, x)
            elif isinstance(layer, torch.nn.Linear):
                x = _linear(g, layer, x)
            else:
                x = g.op("Relu", x)
        return x
    if module.embedding is not None:
        x = _embed(g, module.embedding, x)
    signal = _encode(g, module.encoder, x, module.n_steps)
    for linear, neurons in zip(module.linears, module.neurons, strict=True):
        signal = _lif(g, neurons, _linear(g, linear, signal), module.n_steps)
    return _readout(g, module.readout, signal, module.n_steps)


def _embed(g, embedding, x):
    """:class:`~snn_sklearn.embeddings.PiecewiseLinearEmbedding`: soft clip, then the bins."""
    # hypot(x, 3) without overflow: max * sqrt(1 + (min / max)^2) of |x| and 3.
    three = g.constant(3.0)
    magnitude = g.op("Abs", x)
    larger = g.op("Max", magnitude, three)
    ratio = g.op("Div", g.op("Min", magnitude, three), larger)
    root = g.op("Sqrt", g.op("Add", g.op("Mul", ratio, ratio), g.constant(1.0)))
    hypot = g.op("Mul", larger, root)
    clipped = g.op("Div", x, g.op("Div", hypot, three))
    if embedding.feature.numel() == 0:
        return clipped
    # The bins are computed feature-major, (n_bins, N): onnxruntime gathers whole rows
    # about four times faster than it gathers columns.
    columns = g.op("Transpose", x, perm=[1, 0])
    picked = g.op("Gather", columns, g.constant(embedding.feature.cpu().numpy()), axis=0)
    # The bins' anchors and signed widths, as the embedding computes them.
    anchor, scale = (
        _array(buffer[embedding.n_features :])[:, None]
        for buffer in (embedding.anchor, embedding.scale)
    )
    scaled = g.op("Div", g.op("Sub", picked, g.constant(anchor)), g.constant(scale))
    bins = g.op("Clip", scaled, g.constant(0.0), g.constant(1.0))
    return g.op("Concat", clipped, g.op("Transpose", bins, perm=[1, 0]), axis=1)


def _encode(g, encoder, x, n_steps):
    """The encoder's output: one static ``(N, n_inputs)`` name, or a list of ``n_steps``."""
    if encoder.name == "direct":
        return x
    if encoder.name == "population":
        width = 5.0 / (encoder.n_fields - 1)
        fields = g.op("Reshape", x, g.constant(np.array([0, -1, 1])))
        distance = g.op(
            "Div", g.op("Sub", fields, g.constant(_array(encoder.centres))), g.constant(width)
        )
        exponent = g.op("Mul", g.op("Mul", distance, distance), g.constant(-0.5))
        return g.op("Reshape", g.op("Exp", exponent), g.constant(np.array([0, -1])))
    if encoder.name == "latency":
        late = g.op("Sub", g.constant(1.0), g.op("Sigmoid", x))
        fire_step = g.op("Round", g.op("Mul", late, g.constant(float(n_steps - 1))))
        return [
            _to_float(g, g.op("Equal", fire_step, g.constant(float(t)))) for t in range(n_steps)
        ]
    raise ValueError(f"encoder={encoder.name!r} has no ONNX export.")


def _to_float(g, boolean):
    return g.op("Cast", boolean, to=g.onnx.TensorProto.FLOAT)


def _linear(g, linear, signal):
    """``x W^T + b`` of a static input, or of every step of a list."""
    weight, bias = g.constant(_array(linear.weight)), g.constant(_array(linear.bias))
    if isinstance(signal, list):
        return [g.op("Gemm", step, weight, bias, transB=1) for step in signal]
    return g.op("Gemm", signal, weight, bias, transB=1)


def _lif(g, neurons, current, n_steps):
    """The spikes of a :class:`~snn_sklearn.neurons.LIF` layer, a list of ``(N, size)``."""
    beta, threshold = (g.constant(_array(value)) for value in neurons.effective_parameters())
    currents = current if isinstance(current, list) else [current] * n_steps
    spikes, state = [], None
    for t, step_current in enumerate(currents):
        potential = (
            step_current if state is None else g.op("Add", step_current, g.op("Mul", beta, state))
        )
        fired = g.op("Greater", potential, threshold)
        spike = _to_float(g, fired)
        spikes.append(spike)
        if t == n_steps - 1:
            break
        if neurons.reset == "subtract":
            state = g.op("Sub", potential, g.op("Mul", spike, threshold))
        else:
            state = g.op("Where", fired, g.constant(0.0), potential)
    return spikes


def _readout(g, readout, spikes, n_steps):
    """The readout's ``(N, n_outputs)`` from the last hidden layer's spikes."""
    if isinstance(readout, SpikeCountReadout):
        out_spikes = _lif(g, readout.neurons, _linear(g, readout.linear, spikes), n_steps)
        return g.op("Sum", *out_spikes)
    like = readout.linear.weight
    if readout.reduction == "max":
        beta = g.constant(_array(torch.tensor(readout.beta, dtype=like.dtype)))
        membrane = []
        for current in _linear(g, readout.linear, spikes):
            membrane.append(
                current if not membrane else g.op("Add", g.op("Mul", membrane[-1], beta), current)
            )
        return g.op("Max", *membrane)
    # The closed form the readout computes: W (sum_k c_k s_k) + (sum_k c_k) b.
    with torch.no_grad():
        coefficients = mean_coefficients(readout.beta, n_steps, like.dtype, like.device)
        bias = coefficients.sum() * readout.linear.bias
    pooled = g.op(
        "Sum",
        *(g.op("Mul", s, g.constant(c)) for s, c in zip(spikes, _array(coefficients), strict=True)),
    )
    weight = g.constant(_array(readout.linear.weight))
    return g.op("Gemm", pooled, weight, g.constant(_array(bias)), transB=1)


def _probabilities(g, estimator, logits):
    if estimator.out_activation_ == "logistic":
        return g.op("Sigmoid", logits)
    return g.op("Softmax", logits, axis=1)


def _predictions(g, estimator, outputs):
    scaled = g.op("Mul", outputs, g.constant(estimator._y_scale))
    return g.op("Add", scaled, g.constant(estimator._y_mean))


# ------------------------------------------------------------------ skl2onnx glue


def _classifier_shapes(operator):
    from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, StringTensorType

    _check_one_input(operator)
    estimator = operator.raw_operator
    n_samples = operator.inputs[0].get_first_dimension()
    if estimator.out_activation_ == "logistic":
        operator.outputs[0].type = Int64TensorType([n_samples, estimator.n_outputs_])
    elif _string_classes(estimator) and not _no_class_labels(operator):
        operator.outputs[0].type = StringTensorType([n_samples])
    else:
        operator.outputs[0].type = Int64TensorType([n_samples])
    operator.outputs[1].type = FloatTensorType([n_samples, estimator.n_outputs_])


def _regressor_shapes(operator):
    from skl2onnx.common.data_types import FloatTensorType

    _check_one_input(operator)
    n_samples = operator.inputs[0].get_first_dimension()
    n_outputs = operator.raw_operator.n_outputs_
    operator.outputs[0].type = FloatTensorType([n_samples, n_outputs])


def _check_one_input(operator):
    from skl2onnx.common.data_types import FloatTensorType

    if len(operator.inputs) != 1 or not isinstance(operator.inputs[0].type, FloatTensorType):
        raise TypeError(
            f"{type(operator.raw_operator).__name__} converts from one float32 tensor input, "
            f"got {[type(variable.type).__name__ for variable in operator.inputs]}; pass "
            "X.astype(np.float32) (or FloatTensorType) as the initial type."
        )


def _string_classes(estimator):
    return estimator.classes_.dtype.kind in "OUS"


def _no_class_labels(operator):
    return operator.scope_inst.get_options(operator.raw_operator, {"nocl": False})["nocl"]


def _convert(scope, operator, container):
    """skl2onnx converter: inline :func:`to_onnx`'s graph into the container."""
    import onnx

    opset = container.target_opset
    if opset is not None and opset < _MIN_OPSET:
        raise ValueError(
            f"The snn_sklearn estimators convert to ONNX opset {_MIN_OPSET} or later, got "
            f"target_opset={opset}."
        )
    estimator = operator.raw_operator
    module = _fitted_module(estimator)
    builder = _GraphBuilder(onnx, scope.get_unique_variable_name)
    logits = _logits(builder, module, operator.inputs[0].full_name)
    if isinstance(estimator, NetworkClassifier):
        label, probabilities = (variable.full_name for variable in operator.outputs)
        builder.op("Identity", _probabilities(builder, estimator, logits), out=probabilities)
        _labels(builder, estimator, logits, label, _no_class_labels(operator))
    else:
        builder.op(
            "Identity", _predictions(builder, estimator, logits), out=operator.outputs[0].full_name
        )
    for tensor in builder.initializers:
        # The container copies a tensor's raw_data only, which string tensors do not use.
        content = tensor
        if tensor.data_type == onnx.TensorProto.STRING:
            content = onnx.numpy_helper.to_array(tensor).ravel().tolist()
        container.add_initializer(tensor.name, tensor.data_type, list(tensor.dims), content)
    for node in builder.nodes:
        attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        container.add_node(
            node.op_type, list(node.input), list(node.output), name=node.name, **attributes
        )


def _labels(g, estimator, logits, out, no_class_labels):
    """What :meth:`predict` returns: the class of the largest logit, or the positive labels."""
    if estimator.out_activation_ == "logistic":
        positive = g.op("Greater", logits, g.constant(0.0))
        g.op("Cast", positive, to=g.onnx.TensorProto.INT64, out=out)
        return
    index = g.op("ArgMax", logits, axis=1, keepdims=0)
    if no_class_labels:
        g.op("Identity", index, out=out)
        return
    classes = estimator.classes_
    if _string_classes(estimator):
        table = np.array([str(c) for c in classes], dtype=object)
    elif classes.dtype.kind == "f" and not np.array_equal(classes, np.round(classes)):
        raise ValueError(
            f"skl2onnx labels are integers or strings; the classes {classes!r} are neither. "
            "Convert with options={'nocl': True} for class indices, or refit on integer labels."
        )
    else:
        table = classes.astype(np.int64)
    g.op("Gather", g.constant(table, name="classes"), index, axis=0, out=out)
