"""Building blocks shared by the factories: activations, initializers, dense stacks.

These are thin helpers over Keras built-ins (
``HeNormal``/``GlorotUniform``, ``Dense``/``Dropout``, and kzoo's
``BatchNormalization``, whose moving statistics are right on small data)
so every family applies the guide's choices the same way.
"""

import keras

from kzoo import checks, defaults
from kzoo.layers.batch_normalization import BatchNormalization

#: Keras' BatchNormalization momentum: the long-run value of kzoo's warmed-up one.
BATCH_NORM_MOMENTUM = 0.99
BATCH_NORM_MOMENTUM_DOC = """float. Long-run momentum of the batch-norm moving
            statistics (:class:`kzoo.layers.BatchNormalization`: warmed up
            from a cumulative average, so the statistics are right after a
            few steps on small data). Defaults to 0.99 (Keras' default)."""

# Activation Functions > Weight init: He for the ReLU family, Glorot (Xavier)
# for tanh / sigmoid.
_HE_FAMILY = ("relu", "leaky_relu", "elu", "gelu", "swish", "silu", "selu")


def check_activation(activation, *, allow_linear=False):
    """Validates a hidden-layer activation name (one of ``defaults.HIDDEN_ACTIVATIONS``).

    ``allow_linear=True`` also accepts ``"linear"`` (no activation, Glorot
    initialization): the dense family's switch for the guide's "without activation,
    the network is linear" experiment. Search spaces never sample it.
    """
    accepted = defaults.HIDDEN_ACTIVATIONS
    if allow_linear:
        accepted = (*accepted, defaults.LINEAR_ACTIVATION)
    return checks.one_of("activation", activation, accepted)


def initializer_for(activation, kernel_initializer=None):
    """``kernel_initializer`` if given, else He normal for the ReLU family and
    Glorot uniform for tanh / sigmoid (guide: Hyperparameters, Weight init)."""
    if kernel_initializer is not None:
        try:
            return keras.initializers.get(kernel_initializer)
        except (ValueError, TypeError) as error:
            raise ValueError(f"kernel_initializer must be a Keras initializer or its name "
                             f"({error}). Received: kernel_initializer={kernel_initializer!r}"
                             ) from None
    return "he_normal" if activation in _HE_FAMILY else "glorot_uniform"


def flat_inputs(input_shape):
    """An ``Input`` for ``input_shape`` (validated) and its flattened tensor."""
    input_shape = checks.shape("input_shape", input_shape)
    inputs = keras.Input(shape=input_shape, name="inputs")
    x = keras.layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
    return inputs, x


def embedding(vocab_size, dim, *, mask_zero=True, name="embedding"):
    """``keras.layers.Embedding``, refused up front when its table cannot fit in memory."""
    checks.fits_in_memory(f"An Embedding of {vocab_size} ids x {dim} dimensions",
                          vocab_size * dim)
    return keras.layers.Embedding(vocab_size, dim, mask_zero=mask_zero, name=name)


def dense_stack(x, hidden_units, *, activation=defaults.ACTIVATION, dropout=0.0,
                batch_norm=False, batch_norm_momentum=BATCH_NORM_MOMENTUM,
                kernel_regularizer=None, kernel_initializer=None, name="hidden"):
    """Dense -> [BatchNorm] -> activation -> [Dropout], once per entry of ``hidden_units``.

    Batch normalization sits between the linear part and the activation, as in
    the original paper; dropout follows the activation (guide: Dropout). The
    batch norm is :class:`kzoo.layers.BatchNormalization` (warmed-up momentum).
    """
    init = initializer_for(activation, kernel_initializer)
    width = x.shape[-1]
    for units in hidden_units:
        checks.fits_in_memory(f"A Dense layer of {units} units on {width} inputs",
                              (width or 1) * units)
        width = units
    for i, units in enumerate(hidden_units):
        x = keras.layers.Dense(units, use_bias=not batch_norm, kernel_initializer=init,
                               kernel_regularizer=kernel_regularizer,
                               name=f"{name}_{i}_dense")(x)
        if batch_norm:
            x = BatchNormalization(momentum=batch_norm_momentum, name=f"{name}_{i}_bn")(x)
        x = keras.layers.Activation(activation, name=f"{name}_{i}_{activation}")(x)
        if dropout:
            x = keras.layers.Dropout(dropout, name=f"{name}_{i}_dropout")(x)
    return x
