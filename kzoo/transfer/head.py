"""Attach a new task head to a pre-trained body.

Guide: neural-networks-master, "Advanced Topics > Transfer Learning >
Feature Extraction: Freeze pre-trained layers, train only final layers". The
body is called with ``training=False`` so that its BatchNormalization layers
stay in inference mode (they keep normalizing with the moving statistics of
the pre-training data) and its Dropout layers stay off, whether the body is
frozen or later fine-tuned — the recipe of the Keras transfer-learning guide.
The output layer, loss and metrics come from :mod:`kzoo.heads`, as in every
kzoo factory.
"""

import keras

from kzoo import checks, defaults, heads
from kzoo.models import blocks
from kzoo.transfer.freeze import set_trainable

POOLINGS = ("avg", "max", "flatten")
_GLOBAL_POOLS = {
    ("avg", 3): keras.layers.GlobalAveragePooling1D, ("max", 3): keras.layers.GlobalMaxPooling1D,
    ("avg", 4): keras.layers.GlobalAveragePooling2D, ("max", 4): keras.layers.GlobalMaxPooling2D,
    ("avg", 5): keras.layers.GlobalAveragePooling3D, ("max", 5): keras.layers.GlobalMaxPooling3D,
}


def _check_task(num_classes, outputs):
    if (num_classes is None) == (outputs is None):
        raise ValueError("Pass exactly one of num_classes (classification) and outputs "
                         f"(regression). Received: num_classes={num_classes!r}, "
                         f"outputs={outputs!r}")
    if num_classes is not None:
        checks.num_classes(num_classes)
    else:
        checks.positive_int("outputs", outputs)


def _pool(x, pooling):
    rank = len(x.shape)
    if rank <= 2:
        return x
    if pooling == "flatten" or (pooling, rank) not in _GLOBAL_POOLS:
        return keras.layers.Flatten(name="transfer_flatten")(x)
    return _GLOBAL_POOLS[(pooling, rank)](name=f"transfer_{pooling}_pool")(x)


def attach_head(body, *, num_classes=None, outputs=None, hidden_units=(), dropout=0.0,
                pooling="avg", freeze_body=True, optimizer=defaults.OPTIMIZER,
                learning_rate=defaults.LEARNING_RATE, loss=None, compile=True, name=None):
    """Builds ``inputs -> body(training=False) -> [pool] -> [dense] -> new output``.

    Args:
        body: keras.Model. The feature extractor, e.g. ``split_model(model).body``
            or a ``keras.applications`` model with ``include_top=False``. It
            becomes one nested layer of the new model (named ``body.name``).
        num_classes: int or None. Classes of the new task (>= 2): the output and
            the compile defaults come from ``kzoo.heads.classification_output``
            and ``compile_classifier``. Pass this or ``outputs``.
        outputs: int or None. Values per sample of a new regression task
            (``kzoo.heads.regression_output`` / ``compile_regressor``).
        hidden_units: tuple of int. Dense layers of the new head before its
            output. Defaults to ``()``: a linear probe on the features.
        dropout: float. Dropout after each new dense layer. Defaults to 0.
        pooling: str. How features of rank > 2 (feature maps, sequences) become
            a vector: ``"avg"`` / ``"max"`` global pooling or ``"flatten"``.
            Defaults to ``"avg"`` (as ``keras.applications`` models do).
        freeze_body: bool. Freeze the body (feature extraction). Defaults to True.
        optimizer: str. Defaults to ``"adam"`` (guide: Quick Start).
        learning_rate: float. Defaults to 1e-3 (guide: Quick Start).
        loss: A loss (or ``"focal"``); defaults to the task's loss.
        compile: bool. Compile with the task's loss and metrics. Defaults to True.
        name: str or None. Name of the new model. Defaults to ``"<body>_transfer"``.

    Returns:
        A ``keras.Model`` (compiled unless ``compile=False``).

    Example:
        >>> source = kzoo.cnn_classifier(num_classes=5, input_shape=(8, 8, 1))
        >>> body = kzoo.transfer.split_model(source).body
        >>> model = kzoo.transfer.attach_head(body, num_classes=5)

    Reference:
        Guide: neural-networks-master, Advanced Topics > Transfer Learning;
        Keras guide "Transfer learning & fine-tuning" (training=False).
    """
    if not isinstance(body, keras.Model):
        raise ValueError(f"body must be a keras.Model. Received: body={body!r}")
    _check_task(num_classes, outputs)
    hidden_units = checks.int_tuple("hidden_units", hidden_units)
    checks.fraction("dropout", dropout)
    checks.one_of("pooling", pooling, POOLINGS)
    checks.one_of("freeze_body", freeze_body, (True, False))
    heads.check_compile_args(optimizer, learning_rate)

    if freeze_body:
        set_trainable(body, False)
    shape = body.input_shape
    if isinstance(shape, list):
        raise ValueError(f"body must have one input. Received: body with inputs {shape}")
    inputs = keras.Input(shape=shape[1:], name="inputs")
    x = body(inputs, training=False)  # BatchNorm in inference mode, Dropout off
    x = _pool(x, pooling)
    x = blocks.dense_stack(x, hidden_units, dropout=dropout, name="transfer_head")
    if num_classes is not None:
        out = heads.classification_output(x, num_classes)
    else:
        out = heads.regression_output(x, outputs)
    model = keras.Model(inputs, out, name=name or f"{body.name}_transfer")
    if compile:
        if num_classes is not None:
            heads.compile_classifier(model, num_classes, optimizer=optimizer,
                                     learning_rate=learning_rate, loss=loss)
        else:
            heads.compile_regressor(model, optimizer=optimizer, learning_rate=learning_rate,
                                    loss=loss)
    return model
