"""InceptionTime (Fawaz et al. 2020): Inception modules with residual connections.

Each module: a 1x1 bottleneck convolution (when the input has more than one
channel), three convolutions of 40, 20 and 10 steps on it and a 1x1
convolution on a max-pooled copy of the input, concatenated (4 x 32 = 128
channels) -> BN -> ReLU. Six modules; every third one's output is added to a
shortcut (1x1 convolution + BN) from the previous shortcut's output, then
ReLU. Global average pooling and the output layer close the network.
"""

import keras

from kzoo import checks, tasks
from kzoo.data import examples
from kzoo.layers.batch_normalization import BatchNormalization
from kzoo.models.conv1d import common
from kzoo.registry import Example
from kzoo.search_space import Boolean, Int, SearchSpace, training_space

GUIDE = "neural-networks-master: Convolutional Neural Networks (CNN)"
KERNEL_SIZES = (40, 20, 10)
REFERENCE = """Ismail Fawaz et al. (2020), "InceptionTime: Finding AlexNet for time series
        classification", Data Mining and Knowledge Discovery 34 (one network of the paper's
        ensemble of five; Adam, lr 1e-3, batch 64, ReduceLROnPlateau factor 0.5 / patience 50
        on the training loss); Szegedy et al. (2015), "Going deeper with convolutions"."""


def _conv(x, filters, kernel_size, reg, name):
    return keras.layers.Conv1D(filters, kernel_size, padding="same", use_bias=False,
                               kernel_regularizer=reg, name=name)(x)


def inception_module(x, *, filters, kernel_sizes, bottleneck, momentum, reg, name):
    """Parallel convolutions of several lengths + a max-pool branch, concatenated."""
    branch_input = x
    if bottleneck and x.shape[-1] > 1:
        branch_input = _conv(x, bottleneck, 1, reg, f"{name}_bottleneck")
    branches = [_conv(branch_input, filters, k, reg, f"{name}_conv{k}") for k in kernel_sizes]
    pooled = keras.layers.MaxPooling1D(3, strides=1, padding="same", name=f"{name}_maxpool")(x)
    branches.append(_conv(pooled, filters, 1, reg, f"{name}_pool_conv"))
    y = keras.layers.Concatenate(axis=-1, name=f"{name}_concat")(branches)
    y = BatchNormalization(momentum=momentum, name=f"{name}_bn")(y)
    return keras.layers.Activation("relu", name=f"{name}_relu")(y)


def _shortcut(residual, x, *, momentum, reg, name):
    s = common.conv_bn(residual, x.shape[-1], 1, momentum=momentum, reg=reg, name=name,
                       activation=None)
    y = keras.layers.Add(name=f"{name}_add")([s, x])
    return keras.layers.Activation("relu", name=f"{name}_relu")(y)


def inception_time_body(*, input_shape, depth=6, filters=32, kernel_sizes=KERNEL_SIZES,
                        bottleneck=32, residual=True, dropout=0.0,
                        batch_norm_momentum=common.BATCH_NORM_MOMENTUM,
                        kernel_regularizer=None):
    """Inception modules, a residual shortcut every third, global average pooling.

    "Same" padding keeps the length and the global average pooling makes the
    network independent of it (``input_shape=(None, channels)``). The paper
    averages the predictions of five such networks trained from different
    initializations (InceptionTime); this is one of them (the paper's
    "Inception" network): ensemble several with different seeds for the
    paper's accuracy.

    Args:
        input_shape: tuple. ``(timesteps, channels)`` of one series;
            ``timesteps`` may be None for any length.
        depth: int. Number of Inception modules. Defaults to 6 (Fawaz et al.
            2020).
        filters: int. Filters of each branch; a module outputs
            ``filters * (len(kernel_sizes) + 1)`` channels. Defaults to 32.
        kernel_sizes: tuple of int. Lengths of the parallel convolutions.
            Defaults to ``(40, 20, 10)`` (the paper's receptive field 40,
            halved twice).
        bottleneck: int. Filters of the 1x1 bottleneck before the long
            convolutions (skipped for a 1-channel input); 0 disables it.
            Defaults to 32.
        residual: bool. Add a shortcut (1x1 conv + BN) every third module.
            Defaults to True.
        dropout: float. Dropout before the output layer. Defaults to 0.0 (the
            paper has none).
        batch_norm_momentum: {momentum}
    """
    checks.positive_int("depth", depth)
    checks.positive_int("filters", filters)
    kernel_sizes = checks.int_tuple("kernel_sizes", kernel_sizes, allow_empty=False)
    checks.positive_int("bottleneck", bottleneck, minimum=0)
    checks.boolean("residual", residual)
    common.check_common(dropout, batch_norm_momentum)
    inputs = common.series_inputs(input_shape)
    x = shortcut = inputs
    for d in range(depth):
        x = inception_module(x, filters=filters, kernel_sizes=kernel_sizes,
                             bottleneck=bottleneck, momentum=batch_norm_momentum,
                             reg=kernel_regularizer, name=f"module{d}")
        if residual and d % 3 == 2:
            x = shortcut = _shortcut(shortcut, x, momentum=batch_norm_momentum,
                                     reg=kernel_regularizer, name=f"shortcut{d // 3}")
    return inputs, common.pooled_features(x, dropout)


inception_time_body.__doc__ = inception_time_body.__doc__.replace("{momentum}",
                                                                  common.MOMENTUM_DOC)


def _space():
    def to_kwargs(values):
        k = values.pop("kernel_size")
        return {"kernel_sizes": (k, max(k // 2, 1), max(k // 4, 1)), **values}

    def defaults_from(factory_defaults):
        kernels = tuple(factory_defaults.get("kernel_sizes") or ())
        return {"kernel_size": kernels[0]} if kernels else {}

    return (SearchSpace((Int("kernel_size", 8, 64, sampling="log"),), to_kwargs, defaults_from)
            + SearchSpace((Int("depth", 3, 9, step=3), Int("filters", 16, 64, sampling="log"),
                           Boolean("residual")))
            + common.dropout_space() + training_space())


_SMALL = {"depth": 3, "filters": 4, "kernel_sizes": (6, 3), "bottleneck": 4}

inception_time_classifier = tasks.classifier(
    inception_time_body, name="inception_time_classifier", family="conv1d", guide=GUIDE,
    summary="InceptionTime classifier (Fawaz et al. 2020): Inception modules with residual "
            "shortcuts.",
    search_space=_space(),
    example=Example({"num_classes": 3, "input_shape": (24, 1), **_SMALL},
                    examples.series_shapes),
    example_doc="""
        >>> model = kzoo.inception_time_classifier(num_classes=2, input_shape=(150, 1))
        >>> model.fit(x, y, batch_size=64, validation_split=0.1, epochs=500,
        ...           callbacks=kzoo.callbacks.recommended())""",
    reference=REFERENCE,
)

inception_time_regressor = tasks.regressor(
    inception_time_body, name="inception_time_regressor", family="conv1d", guide=GUIDE,
    summary="InceptionTime regressor: Inception modules with residual shortcuts -> "
            "``outputs`` values.",
    search_space=_space(),
    example=Example({"input_shape": (10, 3), "outputs": 2, **_SMALL},
                    examples.sequence_summaries),
    example_doc=">>> model = kzoo.inception_time_regressor(input_shape=(None, 3), outputs=1)",
    reference=REFERENCE,
)
