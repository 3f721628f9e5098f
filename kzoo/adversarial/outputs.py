"""What a kzoo classifier outputs, seen from an attack or an explanation.

kzoo classifiers end in a probability layer: one sigmoid unit for two
classes, a softmax over ``num_classes`` units above (``kzoo.heads``). Taking
gradients through those probabilities is unreliable: a confident float32
sigmoid rounds to exactly 1.0 and its gradient to exactly 0 (and Keras'
cross-entropy clips probabilities to ``[1e-7, 1 - 1e-7]``, which zeroes the
gradient of every confidently right example). An attack computed that way
does nothing on exactly the examples it should test ("gradient masking").

So, when the model's last layer is a ``Dense`` (or ``Activation``) with a
sigmoid / softmax activation, :class:`ClassifierView` computes the logits
(the pre-activation scores) with the same layers and weights, and attacks
and explanations differentiate those. Any other model falls back to
``log(max(p, 1e-30))`` of its probabilities.

Written here rather than taken from a library: the attack libraries
(Foolbox, ART, CleverHans) and the attribution ones (SHAP, Captum,
tf-keras-vis) each support one or two frameworks, none all three Keras 3
backends, and none is a kzoo dependency.
"""

import weakref

import keras
import numpy as np
from keras import ops

from kzoo.backend import gradients

_VIEWS = weakref.WeakKeyDictionary()
_TINY = 1e-30
SCORES = ("logit", "probability")


class ClassifierView:
    """Logits, class scores and per-example losses of a probability classifier.

    The model is seen as ``x -> T -> logits``: ``T`` is the input of the
    output layer when that layer is a ``Dense`` / ``Activation`` with a
    sigmoid or softmax (then ``logits = T @ kernel + bias``, or ``T``
    itself), else the probabilities (then ``logits = log p``, or the
    log-odds for a single sigmoid unit).

    Args:
        model: A ``keras.Model`` with one output of shape ``(batch, 1)``
            (sigmoid, binary) or ``(batch, num_classes)`` (softmax).

    Attributes:
        num_classes: int. 2 for a single sigmoid unit, else the output width.
        binary: bool. True for a single sigmoid unit.
        has_logits: bool. True when the pre-activation scores are available.
        body_output: KerasTensor. ``T`` in ``model``'s graph.
    """

    def __init__(self, model):
        if not isinstance(model, keras.Model):
            raise ValueError(f"model must be a keras.Model. Received: model={model!r}")
        if len(model.outputs) != 1 or len(model.outputs[0].shape) != 2:
            raise ValueError(
                "model must be a classifier with one (batch, classes) probability output. "
                f"Received: model={model.name!r} with outputs "
                f"{[tuple(o.shape) for o in model.outputs]}")
        last = model.layers[-1] if model.layers else None
        activation = getattr(last, "activation", None)
        if (isinstance(last, (keras.layers.Dense, keras.layers.Activation))
                and activation not in (keras.activations.softmax, keras.activations.sigmoid)):
            raise ValueError(
                "model must be a classifier ending in a sigmoid or softmax (probability) "
                f"output. Received: model={model.name!r} whose output layer {last.name!r} "
                f"has activation {getattr(activation, '__name__', activation)!r}")
        width = model.outputs[0].shape[-1]
        self.model = model
        self.binary = width == 1
        self.num_classes = 2 if self.binary else int(width)
        self._gradients = {}
        self._layer, self.body_output = _logit_layer(model)
        self.has_logits = self._layer is not None
        if self.has_logits:
            self.body = keras.Model(single(model.inputs), self.body_output,
                                    name=f"{model.name}_logit_body")
        else:
            self.body, self.body_output = model, model.outputs[0]

    # -- from the body output T ---------------------------------------------------
    def logits_from_body(self, t):
        """Logits from ``T`` (see the class docstring)."""
        layer = self._layer
        if layer is None:
            if self.binary:
                p = ops.clip(t, _TINY, 1.0 - 1e-7)
                return ops.log(p) - ops.log(1.0 - p)
            return ops.log(ops.maximum(t, _TINY))
        if isinstance(layer, keras.layers.Activation):
            return t
        z = ops.matmul(ops.cast(t, layer.kernel.dtype), layer.kernel)
        return z + layer.bias if layer.use_bias else z

    def probabilities_from_body(self, t):
        """Probabilities from ``T``."""
        if self._layer is None:
            return t
        z = self.logits_from_body(t)
        return ops.sigmoid(z) if self.binary else ops.softmax(z, axis=-1)

    def scores_from_body(self, t, target, score="logit"):
        """Score of class ``target`` (int ``(batch,)``) per example, from ``T``.

        ``score="logit"`` gives the pre-softmax class score (Simonyan et al.;
        Selvaraju et al.); for a sigmoid unit the score of class 1 is the
        logit ``z`` and that of class 0 is ``-z``. ``score="probability"``
        gives the predicted probability of the class.
        """
        target = ops.reshape(ops.cast(target, "int32"), (-1,))
        if score == "probability":
            values = self.probabilities_from_body(t)
            if self.binary:
                values = ops.reshape(values, (-1,))
                return ops.where(target == 1, values, 1.0 - values)
        else:
            values = self.logits_from_body(t)
            if self.binary:
                values = ops.reshape(values, (-1,))
                return ops.where(target == 1, values, -values)
        return ops.take_along_axis(values, target[:, None], axis=1)[:, 0]

    # -- from the inputs ------------------------------------------------------------
    def logits(self, x, training=False):
        """Pre-activation scores (``(batch, 1)`` for binary), or log-probabilities."""
        return self.logits_from_body(self.body(x, training=training))

    def losses(self, x, y, training=False):
        """Per-example cross-entropy of integer labels ``y``, shape ``(batch,)``."""
        z = self.logits(x, training=training)
        if self.binary:
            y = ops.reshape(ops.cast(y, z.dtype), (-1, 1))
            return ops.reshape(keras.losses.binary_crossentropy(y, z, from_logits=True), (-1,))
        y = ops.reshape(ops.cast(y, "int32"), (-1,))
        return keras.losses.sparse_categorical_crossentropy(y, z, from_logits=True)

    def scores(self, x, target, score="logit", training=False):
        """Score of class ``target`` per example (see :meth:`scores_from_body`)."""
        return self.scores_from_body(self.body(x, training=training), target, score)

    def loss_gradient(self, x, y):
        """``d sum(losses(x, y)) / dx``, compiled once per view on JAX (eager use)."""
        if "loss" not in self._gradients:
            self._gradients["loss"] = gradients.compiled_input_gradient(
                self.model, lambda z, labels: ops.sum(self.losses(z, labels)))
        return self._gradients["loss"](x, y)

    def score_gradient(self, x, target, score="logit"):
        """``d sum(scores(x, target)) / dx``, compiled once per score kind on JAX."""
        key = f"score_{score}"
        if key not in self._gradients:
            self._gradients[key] = gradients.compiled_input_gradient(
                self.model, lambda z, t: ops.sum(self.scores(z, t, score)))
        return self._gradients[key](x, target)

    def predict_classes(self, x, batch_size=256):
        """Predicted integer classes (NumPy) for ``x``."""
        x = np.asarray(x)
        if not len(x):
            return np.zeros(0, "int32")
        p = batched(self.model.predict_on_batch, [x], batch_size)
        return ((p[:, 0] > 0.5) if self.binary else p.argmax(-1)).astype("int32")


def view(model):
    """The (cached) :class:`ClassifierView` of ``model``."""
    if model not in _VIEWS:
        _VIEWS[model] = ClassifierView(model)
    return _VIEWS[model]


def _logit_layer(model):
    """``(output layer, its input tensor)`` when the logits are computable, else Nones."""
    try:
        layer = model.layers[-1]
        features = layer.input
        is_output = layer.output is model.outputs[0]
    except (AttributeError, IndexError, ValueError):
        return None, None
    activation = getattr(layer, "activation", None)
    if (not isinstance(layer, (keras.layers.Dense, keras.layers.Activation))
            or activation not in (keras.activations.softmax, keras.activations.sigmoid)
            or not is_output or isinstance(features, (list, tuple)) or not model.inputs):
        return None, None
    return layer, features


def batched(fn, arrays, batch_size):
    """Applies ``fn`` to equal-sized batches of ``arrays`` and concatenates the results (NumPy).

    Every batch has the same size: the last one is shifted back to end at the
    last row (it overlaps the one before, whose rows are not repeated in the
    result). One batch shape means one compiled function on JAX, where a
    remainder batch would cost a second compilation.
    """
    n = len(arrays[0])
    size = min(batch_size, n)
    out, done = [], 0
    while done < n:
        start = min(done, n - size)
        result = fn(*(a[start:start + size] for a in arrays))
        out.append(np.asarray(ops.convert_to_numpy(result))[done - start:])
        done = start + size
    return np.concatenate(out) if out else None


def single(inputs):
    """``inputs[0]`` for a one-input model (so calling it with a tensor matches its
    structure and Keras does not warn), else the list."""
    return inputs[0] if len(inputs) == 1 else inputs


def check_labels(y, n, num_classes):
    """Integer labels ``(n,)`` in ``[0, num_classes)`` as int32, else ValueError."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.shape != (n,) or not (np.issubdtype(y.dtype, np.integer)
                               or (np.issubdtype(y.dtype, np.floating)
                                   and np.all(y == np.round(y)))):
        raise ValueError(f"y must be {n} integer class labels. Received: y with shape "
                         f"{y.shape} and dtype {y.dtype}")
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(f"y must hold labels in [0, {num_classes}). Received: labels from "
                         f"{y.min()} to {y.max()}")
    return y.astype("int32")


def check_inputs(x):
    """Float inputs as a float32 NumPy array, else ValueError (token ids have no gradient)."""
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        raise ValueError("x must hold float inputs (integer token ids have no input "
                         f"gradient). Received: x with dtype {x.dtype}")
    return x.astype("float32", copy=False)
