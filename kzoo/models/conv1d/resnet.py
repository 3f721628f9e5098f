"""ResNet for time series (Wang et al. 2017): three residual blocks of three convolutions.

Each block is conv(8) -> BN -> ReLU -> conv(5) -> BN -> ReLU -> conv(3) -> BN,
added to a shortcut (a 1x1 convolution + BN when the width changes, BN alone
when it does not), then ReLU; 64, 128 and 128 filters; global average pooling
and the output layer. The best single network of Fawaz et al. (2019).
"""

import keras

from kzoo import checks, tasks
from kzoo.data import examples
from kzoo.layers.batch_normalization import BatchNormalization
from kzoo.models.conv1d import common, fcn
from kzoo.registry import Example
from kzoo.search_space import Int, SearchSpace, training_space

BLOCK_FILTERS = (64, 128, 128)
REFERENCE = """Wang, Yan & Oates (2017), "Time series classification from scratch with deep
        neural networks: a strong baseline" (IJCNN); Fawaz et al. (2019), "Deep learning for
        time series classification: a review" (Adam, lr 1e-3, batch 16, ReduceLROnPlateau
        factor 0.5 / patience 50 on the training loss); He et al. (2016); guide:
        neural-networks-master, Residual Networks (ResNet)."""


def residual_block(x, width, kernel_sizes, *, momentum, reg, name):
    """``ReLU(F(x) + shortcut(x))``, ``F`` = the convolutions of ``kernel_sizes``."""
    if x.shape[-1] == width:
        shortcut = BatchNormalization(momentum=momentum, name=f"{name}_shortcut_bn")(x)
    else:
        shortcut = common.conv_bn(x, width, 1, momentum=momentum, reg=reg,
                                  name=f"{name}_shortcut", activation=None)
    y = x
    for i, kernel in enumerate(kernel_sizes):
        last = i == len(kernel_sizes) - 1
        y = common.conv_bn(y, width, kernel, momentum=momentum, reg=reg,
                           name=f"{name}_conv{i}", activation=None if last else "relu")
    y = keras.layers.Add(name=f"{name}_add")([y, shortcut])
    return keras.layers.Activation("relu", name=f"{name}_relu")(y)


def resnet1d_body(*, input_shape, block_filters=BLOCK_FILTERS, kernel_sizes=fcn.KERNEL_SIZES,
                  dropout=0.0, batch_norm_momentum=common.BATCH_NORM_MOMENTUM,
                  kernel_regularizer=None):
    """Residual blocks of 1-D convolutions, global average pooling over time.

    "Same" padding throughout keeps the length; global average pooling makes
    the network independent of it (``input_shape=(None, channels)``).

    Args:
        input_shape: tuple. ``(timesteps, channels)`` of one series;
            ``timesteps`` may be None for any length.
        block_filters: tuple of int. Width of each residual block (its length
            is the number of blocks). Defaults to ``(64, 128, 128)`` (Wang et
            al. 2017).
        kernel_sizes: tuple of int. Kernel lengths of the convolutions inside
            every block. Defaults to ``(8, 5, 3)`` (Wang et al. 2017).
        dropout: float. Dropout before the output layer. Defaults to 0.0 (the
            paper has none).
        batch_norm_momentum: {momentum}
    """
    block_filters = checks.int_tuple("block_filters", block_filters, allow_empty=False)
    kernel_sizes = checks.int_tuple("kernel_sizes", kernel_sizes, allow_empty=False)
    common.check_common(dropout, batch_norm_momentum)
    inputs = common.series_inputs(input_shape)
    x = inputs
    for b, width in enumerate(block_filters):
        x = residual_block(x, width, kernel_sizes, momentum=batch_norm_momentum,
                           reg=kernel_regularizer, name=f"block{b}")
    return inputs, common.pooled_features(x, dropout)


resnet1d_body.__doc__ = resnet1d_body.__doc__.replace("{momentum}", common.MOMENTUM_DOC)


def _space():
    def to_kwargs(values):
        base, count = values.pop("base_filters"), values.pop("num_blocks")
        return {"block_filters": tuple(base * min(2, 1 + b) for b in range(count)), **values}

    def defaults_from(factory_defaults):
        filters = tuple(factory_defaults.get("block_filters") or ())
        return {"base_filters": filters[0], "num_blocks": len(filters)} if filters else {}

    return (SearchSpace((Int("base_filters", 16, 128, sampling="log"),
                         Int("num_blocks", 1, 4)), to_kwargs, defaults_from)
            + common.dropout_space() + training_space())


_SMALL = {"block_filters": (4, 8, 8)}

resnet1d_classifier = tasks.classifier(
    resnet1d_body, name="resnet1d_classifier", family="conv1d",
    guide="neural-networks-master: Residual Networks (ResNet)",
    summary="ResNet time-series classifier (Wang et al. 2017): three residual blocks of 1-D "
            "convolutions.",
    search_space=_space(),
    example=Example({"num_classes": 3, "input_shape": (24, 1), **_SMALL},
                    examples.series_shapes),
    example_doc="""
        >>> model = kzoo.resnet1d_classifier(num_classes=3, input_shape=(251, 1))   # ArrowHead
        >>> model.fit(x, y, batch_size=16, validation_split=0.1, epochs=500,
        ...           callbacks=kzoo.callbacks.recommended())""",
    reference=REFERENCE,
)

resnet1d_regressor = tasks.regressor(
    resnet1d_body, name="resnet1d_regressor", family="conv1d",
    guide="neural-networks-master: Residual Networks (ResNet)",
    summary="ResNet time-series regressor: residual blocks of 1-D convolutions -> "
            "``outputs`` values.",
    search_space=_space(),
    example=Example({"input_shape": (10, 3), "outputs": 2, **_SMALL},
                    examples.sequence_summaries),
    example_doc=">>> model = kzoo.resnet1d_regressor(input_shape=(None, 3), outputs=1)",
    reference=REFERENCE,
)
