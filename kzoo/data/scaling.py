"""Standardization fitted on the training split only (guide: Phase 1, Preprocessing).

Fitting the scaler on all the data leaks the validation and test statistics
into training; ``standardize`` fits on ``x_train`` and applies the same
transform to the other splits.

The same standardization as a Keras layer, so that a saved ``.keras`` model
predicts from raw inputs: :func:`normalization_layer` is Keras'
``keras.layers.Normalization`` adapted on the training split (as
``Standardizer``, constant features keep std 1), and :func:`with_preprocessing`
puts it in front of a model (and, for regression targets standardized with
``normalization_layer(y_train, invert=True)``, the inverse behind it).
"""

import dataclasses

import keras
import numpy as np

from kzoo.data.splits import Splits


class Standardizer:
    """Per-feature ``(x - mean) / std`` for arrays of any rank.

    Wraps ``sklearn.preprocessing.StandardScaler`` over the flattened features,
    so images and sequences keep their shape. Constant features keep std 1.
    """

    def __init__(self):
        from sklearn.preprocessing import StandardScaler

        self._scaler = StandardScaler()
        self._shape = None

    def fit(self, x):
        from kzoo.data.checks import check_arrays

        x = np.asarray(check_arrays(x)[0], dtype="float32")  # numeric and finite
        self._shape = x.shape[1:]
        self._scaler.fit(x.reshape(len(x), -1))
        return self

    def transform(self, x):
        if self._shape is None:
            raise ValueError("Standardizer.transform called before fit.")
        from kzoo.data.checks import check_arrays

        x = np.asarray(check_arrays(x)[0], dtype="float32")
        if x.shape[1:] != self._shape:
            raise ValueError(f"x must have per-sample shape {self._shape} as in fit. "
                             f"Received: x with shape {x.shape}")
        return self._scaler.transform(x.reshape(len(x), -1)).reshape(x.shape).astype("float32")

    def fit_transform(self, x):
        return self.fit(x).transform(x)

    def inverse_transform(self, x):
        x = np.asarray(x, dtype="float32")
        flat = self._scaler.inverse_transform(x.reshape(len(x), -1))
        return flat.reshape(x.shape).astype("float32")

    @property
    def mean(self):
        return self._scaler.mean_.reshape(self._shape)

    @property
    def std(self):
        return self._scaler.scale_.reshape(self._shape)


def standardize(splits: Splits):
    """Standardizes the features of every split with statistics of the training split.

    Returns:
        ``(scaled_splits, standardizer)``; keep the standardizer to transform
        new data the same way at prediction time.

    Example:
        >>> splits, scaler = kzoo.data.standardize(kzoo.data.split(x, y))
    """
    if not isinstance(splits, Splits):
        raise ValueError(f"splits must be a kzoo.data.Splits (from kzoo.data.split). "
                         f"Received: splits of type {type(splits).__name__}")
    scaler = Standardizer().fit(splits.x_train)
    scaled = dataclasses.replace(splits, x_train=scaler.transform(splits.x_train),
                                 x_val=scaler.transform(splits.x_val),
                                 x_test=scaler.transform(splits.x_test))
    return scaled, scaler


def normalization_layer(x_train, *, invert=False, name=None):
    """``keras.layers.Normalization`` adapted on the training split.

    Per-feature statistics over every axis but the batch one (one mean and
    std per pixel of an image, per step and channel of a sequence), exactly
    as :class:`Standardizer`: features constant in ``x_train`` get std 1 (the
    bare layer would divide them by ``epsilon``). Saved and reloaded with the
    model like any Keras layer.

    Args:
        x_train: array-like. Training inputs only (fitting on validation or test
            data leaks their statistics), numeric and finite.
        invert: bool. Build the inverse, ``x * std + mean``: with ``y_train``
            it turns a regressor's standardized outputs back into target units.
            Defaults to False.
        name: str or None. The layer's name. Defaults to None (Keras' naming).

    Returns:
        The adapted ``keras.layers.Normalization``.

    Example:
        >>> layer = kzoo.data.scaling.normalization_layer(splits.x_train)
        >>> model = kzoo.data.scaling.with_preprocessing(
        ...     kzoo.mlp_classifier(num_classes=10, input_shape=(64,)), layer)
        >>> model.fit(splits.x_train, splits.y_train)   # raw inputs from here on

    Reference:
        Guide: Phase 1, Preprocessing (standardize with training statistics).
    """
    from kzoo import checks
    from kzoo.data.checks import check_arrays

    checks.boolean("invert", invert)
    x_train, _ = check_arrays(x_train, name_x="x_train")
    x_train = x_train.astype("float32")
    if x_train.ndim == 1:
        x_train = x_train[:, None]
    axis = tuple(range(1, x_train.ndim))
    layer = keras.layers.Normalization(axis=axis if len(axis) > 1 else -1, invert=invert,
                                       name=name)
    layer.adapt(x_train)
    variance = np.asarray(keras.ops.convert_to_numpy(layer.adapt_variance))
    layer.adapt_variance.assign(np.where(variance > 0.0, variance, 1.0).astype("float32"))
    layer.finalize_state()
    return layer


def with_preprocessing(model, preprocessing, *, postprocessing=None, name=None):
    """A functional model: raw input -> ``preprocessing`` -> ``model`` [-> ``postprocessing``].

    The result is compiled like ``model`` (same loss and metrics, a fresh
    optimizer of the same configuration) when ``model`` is compiled, trains
    on raw inputs, and its ``.keras`` file reloads with the preprocessing
    inside.

    Args:
        model: keras.Model. A model taking the preprocessed input.
        preprocessing: keras.layers.Layer. For example
            :func:`normalization_layer` ``(x_train)``.
        postprocessing: keras.layers.Layer or None. Applied to the outputs,
            e.g. ``normalization_layer(y_train, invert=True)``. Defaults to None.
        name: str or None. Name of the new model. Defaults to ``model.name``.

    Returns:
        A ``keras.Model`` with the same inputs' shape and outputs as ``model``.
    """
    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model. Received: model={model!r}")
    for arg, layer in (("preprocessing", preprocessing), ("postprocessing", postprocessing)):
        if layer is not None and not isinstance(layer, keras.layers.Layer):
            raise ValueError(f"{arg} must be a keras layer. Received: {arg}={layer!r}")
    if preprocessing is None:
        raise ValueError("preprocessing must be a keras layer. Received: preprocessing=None")
    inputs = keras.Input(shape=model.input_shape[1:], name="raw_input")
    outputs = model(preprocessing(inputs))
    if postprocessing is not None:
        outputs = postprocessing(outputs)
    from kzoo.tasks.model import TaskModel  # checks its data, portable compile config

    wrapped = TaskModel(inputs, outputs, name=name or model.name)
    config = model.get_compile_config() if model.compiled else None
    if config:
        wrapped.compile_from_config(config)
    return wrapped
