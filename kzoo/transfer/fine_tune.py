"""Fine-tuning: unfreeze the top of the body and train on with a smaller learning rate.

Guide: neural-networks-master, "Advanced Topics > Transfer Learning >
Fine-tuning: Unfreeze some layers and train with small learning rate". The
rate drops 10x by default (the Keras transfer-learning guide uses 1e-5 after
1e-3 for the head). Keras needs a ``compile`` after ``trainable`` changes;
:func:`recompile` does it with the model's own loss and metrics and a new
optimizer of the same kind.
"""

import keras
from keras import ops

from kzoo import checks
from kzoo.transfer.freeze import unfreeze_top
from kzoo.transfer.split import get_layer

LR_FACTOR = 0.1  # "train with small learning rate": 10x lower than the head's


def find_body(model, body=None):
    """The nested body model of a transfer model (see ``attach_head``).

    Args:
        model: keras.Model. A model built by ``kzoo.transfer.attach_head`` (or
            any model with exactly one nested ``keras.Model`` layer).
        body: str or None. Name of the body layer; defaults to the only nested
            model of ``model``, or ``model`` itself when it has none.

    Returns:
        The body ``keras.Model``.
    """
    if body is not None:
        return get_layer(model, body, "body")
    nested = [layer for layer in model.layers if isinstance(layer, keras.Model)]
    if len(nested) > 1:
        raise ValueError(f"model '{model.name}' has {len(nested)} nested models "
                         f"{[m.name for m in nested]}; name the one to fine-tune. "
                         "Received: body=None")
    return nested[0] if nested else model


def current_learning_rate(model):
    """The float learning rate of ``model``'s optimizer now (a schedule's current value)."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        raise ValueError(f"model '{model.name}' must be compiled before fine-tuning, or "
                         "pass learning_rate. Received: an uncompiled model")
    return float(ops.convert_to_numpy(optimizer.learning_rate))


def recompile(model, learning_rate):
    """Recompiles ``model`` with its loss and metrics and a fresh optimizer of its kind.

    Args:
        model: keras.Model. A compiled model.
        learning_rate: float. The new optimizer's learning rate.

    Returns:
        ``model``, recompiled in place (the optimizer state starts afresh).
    """
    checks.positive("learning_rate", learning_rate)
    if getattr(model, "optimizer", None) is None:
        raise ValueError(f"model '{model.name}' must be compiled first. "
                         "Received: an uncompiled model")
    config = keras.saving.deserialize_keras_object(model.get_compile_config())
    optimizer_config = {**model.optimizer.get_config(), "learning_rate": float(learning_rate)}
    config["optimizer"] = type(model.optimizer).from_config(optimizer_config)
    model.compile(**config)
    return model


def fine_tune(model, x, y=None, *, layers=None, blocks=None, body=None, learning_rate=None,
              lr_factor=LR_FACTOR, epochs=10, block_key=None, **fit_kwargs):
    """Unfreezes the top ``layers`` (or ``blocks``) of the body, recompiles, and fits.

    BatchNormalization layers stay frozen and in inference mode (the body was
    called with ``training=False`` by ``attach_head``).

    Args:
        model: keras.Model. A compiled transfer model (``attach_head``).
        x: Training inputs (anything ``fit`` takes).
        y: Training targets.
        layers: int or None. Unfreeze this many of the body's top layers with
            weights. Pass this or ``blocks``.
        blocks: int or None. Unfreeze this many of the body's top blocks
            (``kzoo.transfer.block_of``).
        body: str or None. Name of the body layer; found automatically.
        learning_rate: float or None. The fine-tuning rate; defaults to the
            current rate times ``lr_factor``.
        lr_factor: float. Defaults to 0.1 (guide: "small learning rate").
        epochs: int. Defaults to 10.
        block_key: callable or None. Maps a layer name to its block.
        **fit_kwargs: Passed to ``model.fit`` (``validation_data``,
            ``batch_size``, ``callbacks``, ``verbose``...).

    Returns:
        The ``History`` of the fine-tuning ``fit``.

    Raises:
        ValueError: on a bad count or rate, before any training.

    Example:
        >>> history = kzoo.transfer.fine_tune(model, x, y, layers=2, epochs=10)

    Reference:
        Guide: neural-networks-master, Transfer Learning > Fine-tuning.
    """
    if (layers is None) == (blocks is None):
        raise ValueError("Pass exactly one of layers and blocks. "
                         f"Received: layers={layers!r}, blocks={blocks!r}")
    checks.positive("lr_factor", lr_factor)
    checks.positive_int("epochs", epochs)
    if learning_rate is None:
        learning_rate = current_learning_rate(model) * lr_factor
    checks.positive("learning_rate", learning_rate)
    target = find_body(model, body)
    if layers is not None:
        unfreeze_top(target, layers, unit="layers")
    else:
        unfreeze_top(target, blocks, unit="blocks", block_key=block_key)
    recompile(model, learning_rate)
    return model.fit(x, y, epochs=epochs, **fit_kwargs)
