"""Turn a pruned model into a plain one, and remove pruned units for real.

Weights pruned to zero still take four bytes each in a ``.keras`` file.
:func:`shrink` deletes the units (Dense) and filters (Conv) whose output is
exactly zero - what ``MagnitudePruning(granularity="units")`` produces - and
the matching input rows of the next layer, so the model has fewer
parameters, a smaller file and fewer multiply-adds, with the same
predictions. It handles chains of layers (kzoo's MLPs and CNNs, Sequential
models): Dense / Conv1D-3D, BatchNormalization, Flatten, activations,
dropout and pooling layers; a layer that mixes channels in another way
(Add, Concatenate, Reshape, depthwise convolutions...) stops it with a
``ValueError`` naming the layer. Written by hand: no Keras 3 library does
structured pruning.
"""

import keras
import numpy as np

from kzoo.compression.pruning import PRUNABLE
from kzoo.transfer.pretrained import copy_model

# Activations with f(0) == 0: a unit whose pre-activation is 0 outputs 0.
ZERO_PRESERVING = {None, "linear", "relu", "relu6", "leaky_relu", "elu", "selu", "gelu",
                   "swish", "silu", "tanh", "softsign", "mish", "hard_swish", "hard_silu"}
_CHANNELWISE = (keras.layers.Activation, keras.layers.ReLU, keras.layers.LeakyReLU,
                keras.layers.ELU, keras.layers.PReLU,
                keras.layers.Dropout, keras.layers.SpatialDropout1D,
                keras.layers.SpatialDropout2D, keras.layers.SpatialDropout3D,
                keras.layers.GaussianNoise, keras.layers.GaussianDropout,
                keras.layers.AlphaDropout, keras.layers.ActivityRegularization,
                keras.layers.Identity,
                keras.layers.MaxPooling1D, keras.layers.MaxPooling2D, keras.layers.MaxPooling3D,
                keras.layers.AveragePooling1D, keras.layers.AveragePooling2D,
                keras.layers.AveragePooling3D, keras.layers.GlobalAveragePooling1D,
                keras.layers.GlobalAveragePooling2D, keras.layers.GlobalAveragePooling3D,
                keras.layers.GlobalMaxPooling1D, keras.layers.GlobalMaxPooling2D,
                keras.layers.GlobalMaxPooling3D)
_ZERO_SAFE_LAYERS = (keras.layers.Dropout, keras.layers.SpatialDropout1D,
                     keras.layers.SpatialDropout2D, keras.layers.SpatialDropout3D,
                     keras.layers.GaussianDropout, keras.layers.AlphaDropout,
                     keras.layers.ActivityRegularization, keras.layers.Identity,
                     keras.layers.MaxPooling1D, keras.layers.MaxPooling2D,
                     keras.layers.MaxPooling3D, keras.layers.AveragePooling1D,
                     keras.layers.AveragePooling2D, keras.layers.AveragePooling3D,
                     keras.layers.GlobalAveragePooling1D, keras.layers.GlobalAveragePooling2D,
                     keras.layers.GlobalAveragePooling3D, keras.layers.GlobalMaxPooling1D,
                     keras.layers.GlobalMaxPooling2D, keras.layers.GlobalMaxPooling3D,
                     keras.layers.ReLU, keras.layers.LeakyReLU, keras.layers.ELU,
                     keras.layers.PReLU)


def strip(model):
    """The pruned model as a plain, independent Keras model.

    ``MagnitudePruning`` keeps its masks in the callback and writes them into
    the weights, so the model never holds wrapper layers (unlike
    TensorFlow Model Optimization's ``strip_pruning``): stripping is a copy
    with the zeros in place. Use :func:`shrink` to also drop pruned units.

    Args:
        model: keras.Model. A model trained with ``MagnitudePruning``.

    Returns:
        An independent copy (same architecture, compiled like ``model``).
    """
    return copy_model(model)


def _activation_name(activation):
    if activation is None:
        return None
    name = getattr(activation, "__name__", None) or str(activation)
    return name


def _chain(model):
    """``model``'s layers in order, checking that each reads the one before."""
    if not isinstance(model, keras.Model) or not hasattr(model, "_nodes_by_depth"):
        raise ValueError(f"model must be a functional or Sequential keras.Model. "
                         f"Received: model={model!r}")
    if len(model.inputs) != 1 or len(model.outputs) != 1:
        raise ValueError(f"shrink supports models with one input and one output. Received: "
                         f"model '{model.name}' with {len(model.inputs)} inputs and "
                         f"{len(model.outputs)} outputs")
    layers = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    previous = model.inputs[0]._keras_history.operation
    for layer in layers:
        nodes = [node for node in layer._inbound_nodes
                 if any(t._keras_history.operation is previous for t in node.input_tensors)]
        if len(layer._inbound_nodes) != 1 or len(nodes) != 1 or len(
                nodes[0].input_tensors) != 1:
            raise ValueError(f"shrink supports chains of layers (each reading the previous "
                             f"one). Received: layer '{layer.name}' "
                             f"({type(layer).__name__}) of model '{model.name}'")
        previous = layer
    return layers


def _next_weighted(layers, i):
    """Indices of the layers after ``layers[i]`` up to the next weighted (prunable) one."""
    out = []
    for j in range(i + 1, len(layers)):
        if isinstance(layers[j], PRUNABLE) or isinstance(layers[j], keras.Model):
            break
        out.append(j)
    return out


def dead_units(model):
    """The units / filters of each hidden Dense / Conv layer whose output is exactly 0.

    A unit is dead when its pre-activation is identically zero (kernel column
    and bias all 0, or gamma and beta of the BatchNormalization that follows
    both 0) and every activation up to the next Dense / Conv layer maps 0 to 0.

    Args:
        model: keras.Model. A chain of layers.

    Returns:
        ``{layer name: sorted array of dead unit indices}`` (empty arrays omitted).
    """
    layers = _chain(model)
    output_layer = layers[-1]
    dead = {}
    for i, layer in enumerate(layers):
        if not isinstance(layer, PRUNABLE) or layer is output_layer:
            continue
        if getattr(layer, "groups", 1) != 1:
            continue
        kernel = keras.ops.convert_to_numpy(layer.kernel.value)
        zero = np.all(kernel.reshape(-1, kernel.shape[-1]) == 0, axis=0)
        if layer.use_bias:
            zero &= keras.ops.convert_to_numpy(layer.bias.value) == 0
        safe = _activation_name(layer.activation) in ZERO_PRESERVING
        for j in _next_weighted(layers, i):
            follower = layers[j]
            if isinstance(follower, keras.layers.BatchNormalization):
                gamma = (keras.ops.convert_to_numpy(follower.gamma.value)
                         if follower.gamma is not None else np.ones_like(zero, dtype=float))
                beta = (keras.ops.convert_to_numpy(follower.beta.value)
                        if follower.beta is not None else np.zeros_like(zero, dtype=float))
                zero = (gamma == 0) & (beta == 0)
            elif isinstance(follower, keras.layers.Activation):
                safe &= _activation_name(follower.activation) in ZERO_PRESERVING
            elif not isinstance(follower, _ZERO_SAFE_LAYERS + (keras.layers.Flatten,)):
                safe = False
        if safe and zero.any() and not zero.all():
            dead[layer.name] = np.flatnonzero(zero)
    return dead


def _slice_kernel(kernel, rows, cols):
    if rows is not None:
        kernel = np.take(kernel, rows, axis=-2)
    if cols is not None:
        kernel = np.take(kernel, cols, axis=-1)
    return kernel


def shrink(model):
    """Builds a physically smaller copy of ``model`` without its dead units.

    Removes every unit / filter listed by :func:`dead_units` from its layer
    and the matching inputs of the next Dense / Conv layer (through any
    BatchNormalization, Flatten, activation, dropout or pooling between).
    Predictions stay the same up to float rounding; the new model is
    compiled like ``model``.

    Args:
        model: keras.Model. A chain of layers, e.g. a kzoo MLP or CNN trained
            with ``MagnitudePruning(granularity="units")``.

    Returns:
        A new, smaller ``keras.Model`` (a copy when nothing is dead).

    Raises:
        ValueError: when a layer between a shrunk layer and the next Dense /
            Conv layer is not channel-wise (e.g. ``Reshape``, ``Add``).

    Example:
        >>> pruning = kzoo.compression.MagnitudePruning(0.5, granularity="units")
        >>> model.fit(x, y, epochs=10, callbacks=[pruning])
        >>> small = kzoo.compression.shrink(model)
        >>> small.count_params() < model.count_params()
        True
    """
    layers = _chain(model)
    dead = dead_units(model)
    inputs = keras.Input(shape=model.inputs[0].shape[1:], dtype=model.inputs[0].dtype,
                         name=model.inputs[0]._keras_history.operation.name)
    x = inputs
    incoming = None  # kept indices along the channel axis, None = all
    for layer in layers:
        config = layer.get_config()
        weights = [keras.ops.convert_to_numpy(w) for w in layer.get_weights()]
        if isinstance(layer, PRUNABLE):
            units = layer.kernel.shape[-1]
            keep = (np.setdiff1d(np.arange(units), dead[layer.name])
                    if layer.name in dead else None)
            weights[0] = _slice_kernel(weights[0], incoming, keep)
            if layer.use_bias and keep is not None:
                weights[1] = weights[1][keep]
            if keep is not None:
                config["units" if isinstance(layer, keras.layers.Dense) else "filters"] = len(keep)
            incoming = keep
        elif incoming is not None and isinstance(layer, keras.layers.BatchNormalization):
            if layer.axis not in (-1, len(layer.input.shape) - 1):
                raise ValueError(f"shrink needs channels-last BatchNormalization. Received: "
                                 f"layer '{layer.name}' with axis={layer.axis}")
            weights = [w[incoming] for w in weights]
        elif incoming is not None and isinstance(layer, keras.layers.Flatten):
            shape = tuple(layer.input.shape[1:])
            index = np.arange(int(np.prod(shape))).reshape(shape)
            incoming = np.take(index, incoming, axis=-1).reshape(-1)
        elif incoming is not None and isinstance(layer, keras.layers.PReLU):
            weights = [w[..., incoming] for w in weights]
        elif incoming is not None and not isinstance(layer, _CHANNELWISE):
            raise ValueError(f"shrink cannot carry removed units through layer '{layer.name}' "
                             f"({type(layer).__name__}); it handles Dense/Conv, "
                             "BatchNormalization, Flatten, activation, dropout and pooling "
                             "layers.")
        new_layer = type(layer).from_config(config)
        x = new_layer(x)
        if weights:
            new_layer.set_weights(weights)
    small = keras.Model(inputs, x, name=model.name)
    if getattr(model, "optimizer", None) is not None:
        # compile_from_config also builds the optimizer, so a saved copy reloads quietly
        small.compile_from_config(model.get_compile_config())
    return small
