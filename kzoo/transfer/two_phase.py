"""The two-phase transfer recipe in one call: train a new head, then fine-tune.

Guide: neural-networks-master, "Advanced Topics > Transfer Learning": first
*feature extraction* (freeze the pre-trained layers, train only the new final
layers), then *fine-tuning* (unfreeze some layers and train with a small
learning rate). Training the head first matters: a randomly initialized head
sends large gradients into the body and wrecks its features if both train
from the start (Keras transfer-learning guide).
"""

from typing import NamedTuple

import keras

from kzoo import checks, defaults
from kzoo.transfer.fine_tune import LR_FACTOR, fine_tune
from kzoo.transfer.freeze import tunable_blocks, tunable_layers
from kzoo.transfer.head import attach_head
from kzoo.transfer.pretrained import copy_model, load_pretrained
from kzoo.transfer.split import split_model


class TransferResult(NamedTuple):
    """What :func:`transfer` returns."""

    model: keras.Model
    head_history: keras.callbacks.History
    fine_tune_history: keras.callbacks.History | None


def transfer(source, x, y, *, num_classes=None, outputs=None, at=None, head_epochs=20,
             fine_tune_epochs=10, fine_tune_layers=None, fine_tune_blocks=None,
             learning_rate=defaults.LEARNING_RATE, lr_factor=LR_FACTOR, hidden_units=(),
             dropout=0.0, pooling="avg", copy=True, **fit_kwargs):
    """Reuses ``source`` for a new task: new head on the frozen body, then fine-tuning.

    Phase 1 fits the new head for ``head_epochs`` with the body frozen (its
    BatchNormalization in inference mode). Phase 2 unfreezes the body's top
    ``fine_tune_layers`` layers (or ``fine_tune_blocks`` blocks), recompiles at
    ``learning_rate * lr_factor`` and fits ``fine_tune_epochs`` more. With
    neither given, phase 2 is skipped (feature extraction only).

    Args:
        source: keras.Model or str. A trained functional model, or a path that
            ``kzoo.transfer.load_pretrained`` reads (``.keras``).
        x: Training inputs of the new task.
        y: Training targets of the new task.
        num_classes: int or None. Classes of the new task (classification).
        outputs: int or None. Outputs of the new task (regression).
        at: str or None. Name of the body's last layer; defaults to the layer
            before ``source``'s output layer.
        head_epochs: int. Phase 1 epochs. Defaults to 20.
        fine_tune_epochs: int. Phase 2 epochs. Defaults to 10.
        fine_tune_layers: int or None. Top body layers with weights to unfreeze.
        fine_tune_blocks: int or None. Top body blocks to unfreeze instead.
        learning_rate: float. Phase 1 rate. Defaults to 1e-3 (guide: Quick Start).
        lr_factor: float. Phase 2 rate = ``learning_rate * lr_factor``.
            Defaults to 0.1 (guide: "small learning rate").
        hidden_units: tuple of int. Dense layers of the new head. Defaults to ``()``.
        dropout: float. Dropout in the new head. Defaults to 0.
        pooling: str. ``"avg"``, ``"max"`` or ``"flatten"`` for feature maps.
        copy: bool. Work on a copy of a ``source`` model (left untouched).
            Defaults to True; False shares (and fine-tunes) ``source``'s layers.
            A file is loaded afresh either way.
        **fit_kwargs: Passed to both ``fit`` calls (``validation_data``,
            ``batch_size``, ``callbacks``, ``verbose``...).

    Returns:
        ``TransferResult(model, head_history, fine_tune_history)``;
        ``fine_tune_history`` is None when phase 2 is skipped.

    Raises:
        ValueError: on bad arguments, before any training.

    Example:
        >>> result = kzoo.transfer.transfer(pretrained, x_new, y_new, num_classes=5,
        ...                                 fine_tune_layers=2, verbose=0)
        >>> result.model.evaluate(x_test, y_test)

    Reference:
        Guide: neural-networks-master, Advanced Topics > Transfer Learning.
    """
    checks.positive_int("head_epochs", head_epochs)
    checks.positive_int("fine_tune_epochs", fine_tune_epochs)
    checks.positive("learning_rate", learning_rate)
    checks.positive("lr_factor", lr_factor)
    if fine_tune_layers is not None and fine_tune_blocks is not None:
        raise ValueError("Pass at most one of fine_tune_layers and fine_tune_blocks. Received: "
                         f"fine_tune_layers={fine_tune_layers!r}, "
                         f"fine_tune_blocks={fine_tune_blocks!r}")
    if isinstance(source, keras.Model):
        if copy:
            source = copy_model(source, compile=False)
    else:  # a file: the loaded model is a fresh one already
        source = load_pretrained(source)
    body = split_model(source, at).body
    model = attach_head(body, num_classes=num_classes, outputs=outputs,
                        hidden_units=hidden_units, dropout=dropout, pooling=pooling,
                        learning_rate=learning_rate)
    # Check the phase 2 counts now, not after phase 1 has trained.
    _check_count(body, fine_tune_layers, fine_tune_blocks)
    head_history = model.fit(x, y, epochs=head_epochs, **fit_kwargs)
    if fine_tune_layers is None and fine_tune_blocks is None:
        return TransferResult(model, head_history, None)
    history = fine_tune(model, x, y, layers=fine_tune_layers, blocks=fine_tune_blocks,
                        body=body.name, learning_rate=learning_rate * lr_factor,
                        epochs=fine_tune_epochs, **fit_kwargs)
    return TransferResult(model, head_history, history)


def _check_count(body, layers, blocks):
    for unit, n, available in (("fine_tune_layers", layers, lambda: len(tunable_layers(body))),
                               ("fine_tune_blocks", blocks, lambda: len(tunable_blocks(body)))):
        if n is None:
            continue
        checks.positive_int(unit, n)
        if n > available():
            raise ValueError(f"{unit} must be <= {available()}, the number of "
                             f"{unit.split('_')[-1]} with weights in the body "
                             f"'{body.name}'. Received: {unit}={n}")
