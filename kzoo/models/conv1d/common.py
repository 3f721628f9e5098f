"""What the 1-D convolutional bodies share: series input, conv + batch norm, search space."""

import keras

from kzoo import checks
from kzoo.layers.batch_normalization import BatchNormalization
from kzoo.models.blocks import BATCH_NORM_MOMENTUM
from kzoo.models.blocks import BATCH_NORM_MOMENTUM_DOC as MOMENTUM_DOC
from kzoo.search_space import Float, SearchSpace

__all__ = ["BATCH_NORM_MOMENTUM", "MOMENTUM_DOC", "conv_bn", "pooled_features",
           "series_inputs"]


def series_inputs(input_shape):
    """A validated ``Input`` for series of shape ``(timesteps, channels)``.

    ``timesteps`` may be None (any length: the networks end in global pooling);
    ``channels`` must be known.
    """
    input_shape = checks.shape("input_shape", input_shape, rank=2)
    if input_shape[1] is None:
        raise ValueError("input_shape must be (timesteps, channels) with a known number of "
                         f"channels. Received: input_shape={input_shape!r}")
    return keras.Input(shape=input_shape, name="series")


def check_common(dropout, batch_norm_momentum):
    checks.fraction("dropout", dropout)
    checks.fraction("batch_norm_momentum", batch_norm_momentum)


def conv_bn(x, filters, kernel_size, *, momentum, reg, name, activation="relu"):
    """Conv1D ("same" padding, no bias: batch norm has one) -> batch norm -> [activation].

    Glorot-uniform kernels (Keras' default), as in the published Keras code.
    """
    x = keras.layers.Conv1D(filters, kernel_size, padding="same", use_bias=False,
                            kernel_regularizer=reg, name=f"{name}_conv")(x)
    x = BatchNormalization(momentum=momentum, name=f"{name}_bn")(x)
    if activation:
        x = keras.layers.Activation(activation, name=f"{name}_{activation}")(x)
    return x


def pooled_features(x, dropout):
    """Global average pooling over time (any length), then optional dropout."""
    x = keras.layers.GlobalAveragePooling1D(name="global_pool")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    return x


def dropout_space():
    """Dropout before the head, 0 (the papers) to 0.5."""
    return SearchSpace((Float("dropout", 0.0, 0.5),))
