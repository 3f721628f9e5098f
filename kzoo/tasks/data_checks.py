"""What a kzoo model checks about the data it is given, before the first step.

Keras trains silently on what it cannot use on some backends: on JAX, labels
out of range give a NaN loss (or a CNN reporting loss 0.0), token ids past
the vocabulary read garbage embeddings, NaN inputs train on. kzoo models
(:class:`kzoo.tasks.model.TaskModel`) run :func:`check_data` at the start of
``fit``, ``evaluate``, ``predict`` and the ``*_on_batch`` methods, so every
backend refuses the same data with the same ``ValueError``.

Everything is read from the model's graph, so a reloaded model checks the same:

* inputs: numeric, finite, each sample shaped like the model's input (known
  dimensions), token ids integers in ``0 .. vocab_size - 1`` when the input
  feeds an ``Embedding``;
* classifier targets (a 1-unit sigmoid or a softmax output): integer labels
  in ``0 .. K - 1``, one per sample (not one-hot);
* regressor targets (a linear output): finite, ``outputs`` values per sample.

Arrays (NumPy, lists, backend tensors) are checked in one vectorised pass
(about 1 ms per 100k values); a ``tf.data.Dataset`` or ``keras.utils.PyDataset``
by its first batch; other generators are not inspected.
"""

import weakref

import keras
import numpy as np

from kzoo.data.checks import check_arrays

_SPECS = weakref.WeakKeyDictionary()


def _spec(model):
    """``(inputs, head)``: per input ``(shape, vocab_size)``; head ``(kind, size, label_shape)``."""
    if model in _SPECS:
        return _SPECS[model]
    vocab = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.Embedding):
            for i, tensor in enumerate(model.inputs):
                if layer.input is tensor:
                    vocab[i] = layer.input_dim
    inputs = [(tuple(t.shape[1:]), vocab.get(i)) for i, t in enumerate(model.inputs)]
    output = model.layers[-1]
    while isinstance(output, keras.Model) and output.layers:  # a wrapped model's own head
        output = output.layers[-1]
    activation = getattr(getattr(output, "activation", None), "__name__", "")
    units = getattr(output, "units", None)
    label_shape = tuple(model.outputs[0].shape[1:-1])  # one label per output position
    if activation == "sigmoid" and units == 1:
        head = ("classification", 2, label_shape)
    elif activation == "softmax":
        head = ("classification", units, label_shape)
    else:
        head = ("regression", units, label_shape)
    _SPECS[model] = (inputs, head)
    return inputs, head


def _matches(shape, expected):
    return len(shape) == len(expected) and all(e is None or e == s
                                               for s, e in zip(shape, expected))


def _first_batch(data):
    """A sample batch of a dataset, or None when ``data`` cannot be peeked at."""
    if isinstance(data, keras.utils.PyDataset):
        return data[0] if len(data) else None
    if type(data).__module__.startswith("tensorflow") and hasattr(data, "take"):
        return next(iter(data.take(1).as_numpy_iterator()), None)
    return None


def _is_arrays(value):
    return value is not None and not isinstance(value, (dict, keras.utils.PyDataset)) and (
        hasattr(value, "shape") or isinstance(value, (list, tuple)))


def check_inputs(model, x, name="x"):
    """Checks model inputs (one array, or a list for a multi-input model)."""
    inputs, _ = _spec(model)
    arrays = list(x) if len(inputs) > 1 and isinstance(x, (list, tuple)) else [x]
    if len(arrays) != len(inputs):
        raise ValueError(f"{model.name} takes {len(inputs)} inputs. Received: {name} with "
                         f"{len(arrays)}")
    for i, (value, (shape, vocab)) in enumerate(zip(arrays, inputs)):
        label = name if len(inputs) == 1 else f"{name}[{i}]"
        value, _ = check_arrays(value, name_x=label)
        sample = value.shape[1:]
        if len(sample) != len(shape) or any(d is not None and d != s
                                            for d, s in zip(shape, sample)):
            raise ValueError(f"{label} must have samples of shape {shape} for {model.name} "
                             f"(None = any). Received: {label} with shape {value.shape}")
        if vocab is not None:
            _check_token_ids(value, vocab, label)


def _check_token_ids(value, vocab, label):
    integral = value.dtype.kind in "iub" or np.all(np.mod(value, 1) == 0)
    if not integral or value.min() < 0 or value.max() >= vocab:
        raise ValueError(f"{label} must hold integer token ids in 0..{vocab - 1} (vocab_size="
                         f"{vocab}). Received: {label} with ids in {value.min()}..{value.max()}")


def check_targets(model, y, n, name="y"):
    """Checks targets against the model's head; ``n`` is the number of samples."""
    _, (kind, size, label_shape) = _spec(model)
    y = np.asarray(check_arrays(np.zeros((n, 1)), y, name_y=name)[1])
    if kind == "classification":
        if not (_matches(y.shape[1:], label_shape)
                or _matches(y.shape[1:], (*label_shape, 1))):
            want = f"(n, {', '.join(map(str, label_shape))})" if label_shape else "(n,)"
            raise ValueError(f"{name} must hold integer labels of shape {want} for "
                             f"{model.name}, not one-hot vectors. Received: {name} with shape "
                             f"{y.shape}")
        flat = y.reshape(-1)
        check_arrays(flat, flat, num_classes=size, name_y=name)
    elif size is not None and y.reshape(n, -1).shape[1] != size * max(
            1, int(np.prod([d or 1 for d in label_shape]))):
        raise ValueError(f"{name} must have {size} value(s) per sample for {model.name}. "
                         f"Received: {name} with shape {y.shape}")


def check_data(model, x, y=None, *, names=("x", "y")):
    """Checks ``x`` (and ``y`` when given) for ``model``; datasets by their first batch."""
    batch = _first_batch(x)
    if batch is not None:
        x, y = (batch[0], batch[1] if len(batch) > 1 else None) if isinstance(
            batch, tuple) else (batch, None)
    if not _is_arrays(x):
        return
    check_inputs(model, x, names[0])
    if y is not None and _is_arrays(y):
        first = x[0] if len(_spec(model)[0]) > 1 and isinstance(x, (list, tuple)) else x
        check_targets(model, y, len(first), names[1])


def check_validation(model, validation_data):
    """Checks ``validation_data=(x_val, y_val[, weights])`` like the training data."""
    if isinstance(validation_data, (tuple, list)) and len(validation_data) in (2, 3):
        check_data(model, validation_data[0], validation_data[1],
                   names=("validation_data[0]", "validation_data[1]"))
    elif validation_data is not None:
        check_data(model, validation_data, names=("validation_data", "validation_data"))


class CheckedInputs:
    """Mixin for kzoo's subclassed models (autoencoders, VAE, GAN, SOM, CapsNet).

    ``fit``, ``evaluate`` and ``predict`` check that the inputs are numeric,
    finite and shaped like ``input_shape`` (read through the model's
    ``kzoo.serialization.Config`` declaration) and, for a model with
    ``num_classes``, that the labels are in range.
    """

    def _check_inputs(self, x, y=None):
        if not _is_arrays(x):
            return
        shape = tuple(getattr(self, self.CONFIG_ATTRIBUTES.get("input_shape", "input_shape")))
        x, _ = check_arrays(x)
        if tuple(x.shape[1:]) != shape:
            raise ValueError(f"x must have samples of shape {shape} for {self.name}. "
                             f"Received: x with shape {x.shape}")
        if y is not None and _is_arrays(y):
            check_arrays(x, y, num_classes=getattr(self, "num_classes", None))

    def fit(self, x=None, y=None, *args, **kwargs):
        self._check_inputs(x, y)
        return super().fit(x, y, *args, **kwargs)

    def evaluate(self, x=None, y=None, *args, **kwargs):
        self._check_inputs(x, y)
        return super().evaluate(x, y, *args, **kwargs)

    def predict(self, x, *args, **kwargs):
        self._check_inputs(x)
        return super().predict(x, *args, **kwargs)
