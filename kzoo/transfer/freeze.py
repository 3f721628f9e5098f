"""Freeze and unfreeze layers or blocks of a body for fine-tuning.

Guide: neural-networks-master, "Advanced Topics > Transfer Learning >
Fine-tuning: Unfreeze some layers and train with small learning rate". The
top of a pre-trained network holds the most task-specific features, so it is
the part to unfreeze first; BatchNormalization layers stay frozen (the Keras
transfer-learning guide's advice: updating their statistics on a small new
data set destroys what the body learned). Keras' ``layer.trainable`` does the
freezing; this module decides which layers and checks the counts.
"""

import re

import keras

from kzoo import checks
from kzoo.transfer.split import get_layer

UNITS = ("layers", "blocks")


def set_trainable(model, value):
    """Sets ``trainable`` on ``model`` and on every layer inside it, one by one.

    ``model.trainable = True`` alone is not enough on the TensorFlow backend
    (Keras 3.15): TF's attribute tracking skips an assignment whose value is
    already there, so a model that is still ``trainable=True`` does not pass
    ``True`` on to the layers frozen inside it (JAX and PyTorch do).

    Args:
        model: keras.Layer. A model or layer.
        value: bool.

    Returns:
        ``model``.
    """
    for layer in model._flatten_layers(include_self=True):
        layer.trainable = value
    return model


def is_batch_norm(layer):
    """True for Keras' batch (and synchronized batch) normalization layers."""
    return isinstance(layer, keras.layers.BatchNormalization)


def tunable_layers(model):
    """The layers of ``model`` that own weights, BatchNormalization excluded, in order.

    These are what ``unfreeze_top(model, n)`` counts: a Conv / Dense / Embedding /
    recurrent / attention layer (or a nested model) counts once.

    Args:
        model: keras.Model.

    Returns:
        A list of layers.
    """
    return [layer for layer in model.layers if layer.weights and not is_batch_norm(layer)]


_BLOCK = re.compile(r"^(.*?\d+[a-z]?)(?:_|$)")


def block_of(name):
    """The block a layer belongs to, read from its name.

    The name up to its first token with a digit: ``"block1_conv"`` ->
    ``"block1"`` (kzoo CNN), ``"hidden_1_dense"`` -> ``"hidden_1"`` (kzoo
    MLP), ``"block_16_expand"`` -> ``"block_16"`` (MobileNetV2),
    ``"block7a_se_squeeze"`` -> ``"block7a"`` (EfficientNet),
    ``"conv5_block3_out"`` -> ``"conv5"`` (ResNet stage). A name without a
    digit is its own block.

    Args:
        name: str. A layer name.

    Returns:
        str.
    """
    match = _BLOCK.match(name)
    return match.group(1) if match else name


def tunable_blocks(model, block_key=None):
    """The blocks of ``model`` that own weights, in order, as ``[(key, [layers])]``.

    Args:
        model: keras.Model.
        block_key: callable or None. Maps a layer name to its block; defaults
            to :func:`block_of`.

    Returns:
        A list of ``(block, layers)`` pairs; a block is listed where its last
        layer with weights sits.
    """
    key = block_key or block_of
    members = {}
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer):
            continue
        members.setdefault(key(layer.name), []).append(layer)
    order = []
    for layer in tunable_layers(model):
        block = key(layer.name)
        if block in order:
            order.remove(block)
        order.append(block)
    return [(block, members[block]) for block in order]


def freeze(model, up_to=None):
    """Freezes ``model`` entirely, or its layers up to and including ``up_to``.

    Args:
        model: keras.Model.
        up_to: str or None. Name of the last layer to freeze. Defaults to None
            (freeze everything).

    Returns:
        ``model``, frozen in place.

    Raises:
        ValueError: when ``up_to`` is not a layer of ``model``.

    Example:
        >>> kzoo.transfer.freeze(body, up_to="block0_relu")
    """
    if up_to is None:
        return set_trainable(model, False)
    last = get_layer(model, up_to, "up_to")
    set_trainable(model, True)
    for layer in model.layers:
        set_trainable(layer, False)
        if layer is last:
            break
    for layer in model.layers:
        if is_batch_norm(layer):
            layer.trainable = False
    return model


def unfreeze_top(model, n, *, unit="layers", block_key=None, keep_batch_norm_frozen=True):
    """Unfreezes the top ``n`` layers (or blocks) of ``model``; the rest stays frozen.

    Args:
        model: keras.Model. Usually the body of a transfer model.
        n: int. How many layers with weights (``unit="layers"``) or blocks
            (``unit="blocks"``) to unfreeze, counted from the top;
            BatchNormalization layers are not counted.
        unit: str. ``"layers"`` or ``"blocks"`` (see :func:`block_of`).
        block_key: callable or None. Maps a layer name to its block.
        keep_batch_norm_frozen: bool. Keep every BatchNormalization layer
            frozen. Defaults to True (Keras transfer-learning guide).

    Returns:
        The names of the unfrozen layers that own weights.

    Raises:
        ValueError: when ``n`` is not a positive int or exceeds what ``model`` has.

    Example:
        >>> kzoo.transfer.unfreeze_top(body, 2, unit="blocks")

    Reference:
        Guide: neural-networks-master, Transfer Learning > Fine-tuning.
    """
    checks.one_of("unit", unit, UNITS)
    checks.positive_int(unit, n)
    if unit == "layers":
        candidates = [[layer] for layer in tunable_layers(model)]
    else:
        candidates = [layers for _, layers in tunable_blocks(model, block_key)]
    if n > len(candidates):
        raise ValueError(f"{unit} must be <= {len(candidates)}, the number of {unit} with "
                         f"weights in model '{model.name}'. Received: {unit}={n}")
    top = {id(layer) for group in candidates[-n:] for layer in group}
    set_trainable(model, True)  # every sub-layer; then freeze what is not on top
    for layer in model.layers:
        if id(layer) not in top or (keep_batch_norm_frozen and is_batch_norm(layer)):
            set_trainable(layer, False)
    return [layer.name for layer in model.layers if layer.trainable and layer.weights]
