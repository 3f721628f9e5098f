"""Convolutional family: a plain CNN and a small residual network (ResNet).

Guide: neural-networks-master "Convolutional Neural Networks (CNN)" (conv
layers extract features with shared kernels, pooling downsamples, dense layers
classify) and "Residual Networks (ResNet)" (``y = F(x) + x``: skip
connections against vanishing gradients). Built from Keras layers only
(``Conv2D``, ``MaxPooling2D``, ``Add``...) and kzoo's serializable
``BatchNormalization`` (moving statistics right on small data), so the models
save and reload on every backend.
"""

import keras

from kzoo import checks, defaults, tasks
from kzoo.data import examples
from kzoo.layers.batch_normalization import BatchNormalization
from kzoo.models import blocks
from kzoo.registry import Example
from kzoo.search_space import Float, Int, SearchSpace, dropout_space, training_space

_POOLS = {"max": keras.layers.MaxPooling2D, "avg": keras.layers.AveragePooling2D}


def _image_shape(input_shape):
    input_shape = checks.shape("input_shape", input_shape, rank=3)
    if None in input_shape:
        raise ValueError("input_shape must be (height, width, channels) with known sizes. "
                         f"Received: input_shape={input_shape!r}")
    return input_shape


def _doubling(base, count):
    """Widths that double per block: ``_doubling(32, 3) == (32, 64, 128)``."""
    return tuple(base * 2**i for i in range(count))


def _cnn_space():
    lo_units, hi_units = defaults.UNITS_RANGE

    def to_kwargs(values):
        base, count = values.pop("base_filters"), values.pop("conv_blocks")
        out = {"filters": _doubling(base, count)}
        if "dense_width" in values:
            out["dense_units"] = (values.pop("dense_width"),)
        return {**out, **values}

    def defaults_from(factory_defaults):
        filters = tuple(factory_defaults.get("filters") or ())
        dense = tuple(factory_defaults.get("dense_units") or ())
        out = {"base_filters": filters[0], "conv_blocks": len(filters)} if filters else {}
        if dense:
            out["dense_width"] = dense[0]
        return out

    return (SearchSpace((Int("base_filters", 8, 128, sampling="log"),
                         Int("conv_blocks", 1, 3),
                         Int("dense_width", lo_units, hi_units, sampling="log")),
                        to_kwargs, defaults_from)
            + dropout_space() + training_space())


def _resnet_space():
    def to_kwargs(values):
        base, count = values.pop("base_filters"), values.pop("num_stages")
        return {"stage_filters": _doubling(base, count), **values}

    def defaults_from(factory_defaults):
        filters = tuple(factory_defaults.get("stage_filters") or ())
        return {"base_filters": filters[0], "num_stages": len(filters)} if filters else {}

    return (SearchSpace((Int("base_filters", 8, 64, sampling="log"),
                         Int("num_stages", 1, 3)), to_kwargs, defaults_from)
            + SearchSpace((Int("blocks_per_stage", 1, 3),
                           Float("dropout", 0.0, defaults.DROPOUT_RANGE[1])))
            + training_space())


def _check_image_size(input_shape, count, what, *, halvings_per_count=0):
    """Refuses an image too small for ``count`` blocks that each halve it.

    ``halvings_per_count=-1`` is for stages whose first one keeps the size.
    """
    need, smallest = 2 ** (count + halvings_per_count), min(input_shape[:2])
    if smallest < need:
        most = smallest.bit_length() - 1 - halvings_per_count
        raise ValueError(
            f"input_shape {input_shape} is too small for {count} {what}: each 2x "
            f"downsampling halves the image, so it needs height and width >= {need}. Use "
            f"fewer (at most {most} for this input). Received: input_shape={input_shape!r}")


def cnn_body(*, input_shape, filters=(32, 64), kernel_size=3, pool="max", dense_units=(128,),
             dropout=defaults.DROPOUT, batch_norm=True,
             batch_norm_momentum=blocks.BATCH_NORM_MOMENTUM, activation=defaults.ACTIVATION,
             kernel_regularizer=None):
    """[conv -> batch norm -> ReLU -> pool] blocks, flattened into a dense stack.

    Each entry of ``filters`` adds one block: a ``kernel_size`` convolution
    ("same" padding, He initialization), batch normalization, ReLU (or
    ``activation``) and a 2x2
    pooling that halves height and width. The feature maps are then flattened
    into a dense head (Dense -> ReLU -> Dropout per entry of ``dense_units``)
    and the output layer. Works for 8x8x1 digits as for 28x28x1 MNIST or
    32x32x3 CIFAR-10 images; scale pixels first (e.g. divide by 255).

    Args:
        input_shape: tuple. ``(height, width, channels)``, e.g. ``(8, 8, 1)``.
            Both sides must be >= ``2 ** len(filters)`` so that no pooling
            shrinks the maps below 1x1.
        filters: tuple of int. Filters of each block; doubling per block is
            the usual VGG-style pattern. Defaults to ``(32, 64)``: two blocks,
            enough for 8x8 to 32x32 images and fast on a CPU.
        kernel_size: int. Side of the square convolution kernels. Defaults to
            3 (the 3x3 kernels of VGG and ResNet).
        pool: str. ``"max"`` or ``"avg"`` pooling after each block. Defaults to
            ``"max"`` (guide: pooling layers downsample spatial dimensions).
        dense_units: tuple of int. Widths of the dense head. Defaults to
            ``(128,)`` (guide: Quick Start, 128-256 neurons).
        dropout: float. Dropout after each dense layer of the head. Defaults
            to 0.3 (guide: Quick Start, "Dropout 0.3-0.5").
        batch_norm: bool. Batch normalization between each convolution and
            its ReLU. Defaults to True (guide: Batch Normalization, "allows
            higher learning rates").
        batch_norm_momentum: {momentum}
        activation: str. Activation of the conv blocks and the dense head:
            relu, leaky_relu, elu, gelu, swish, tanh or sigmoid; the kernels'
            initialization follows it (He for the ReLU family, Glorot for
            tanh / sigmoid). Defaults to ``"relu"`` (guide: Activation
            Functions, "Default choice for hidden layers"; Swish is the guide's
            suggestion for image recognition).
    """
    input_shape = _image_shape(input_shape)
    blocks.check_activation(activation)
    filters = checks.int_tuple("filters", filters, allow_empty=False)
    checks.positive_int("kernel_size", kernel_size)
    checks.one_of("pool", pool, tuple(_POOLS))
    dense_units = checks.int_tuple("dense_units", dense_units)
    checks.fraction("dropout", dropout)
    checks.boolean("batch_norm", batch_norm)
    checks.fraction("batch_norm_momentum", batch_norm_momentum)
    _check_image_size(input_shape, len(filters), "conv blocks")
    inputs = keras.Input(shape=input_shape, name="images")
    x = inputs
    for i, width in enumerate(filters):
        x = keras.layers.Conv2D(width, kernel_size, padding="same", use_bias=not batch_norm,
                                kernel_initializer=blocks.initializer_for(activation),
                                kernel_regularizer=kernel_regularizer, name=f"block{i}_conv")(x)
        if batch_norm:
            x = BatchNormalization(momentum=batch_norm_momentum, name=f"block{i}_bn")(x)
        x = keras.layers.Activation(activation, name=f"block{i}_{activation}")(x)
        x = _POOLS[pool](2, name=f"block{i}_{pool}pool")(x)
    x = keras.layers.Flatten(name="flatten")(x)
    x = blocks.dense_stack(x, dense_units, activation=activation, dropout=dropout,
                           kernel_regularizer=kernel_regularizer, name="head")
    return inputs, x


def _conv_bn(x, width, kernel_size, strides, reg, name, momentum):
    x = keras.layers.Conv2D(width, kernel_size, strides=strides, padding="same",
                            use_bias=False, kernel_initializer="he_normal",
                            kernel_regularizer=reg, name=f"{name}_conv")(x)
    return BatchNormalization(momentum=momentum, name=f"{name}_bn")(x)


def _residual_block(x, width, kernel_size, strides, reg, name, momentum, shortcut=True):
    """The basic block: y = ReLU(F(x) + shortcut(x)), F = conv-BN-ReLU-conv-BN.

    The shortcut is the identity when shapes match, else a 1x1 convolution
    (with the block's stride) and batch norm: the projection shortcut.
    ``shortcut=False`` gives the plain block y = ReLU(F(x)).
    """
    skip = x   # built first, as before the switch, so seeded weights are unchanged
    if shortcut and (strides != 1 or x.shape[-1] != width):
        skip = _conv_bn(x, width, 1, strides, reg, f"{name}_projection", momentum)
    y = _conv_bn(x, width, kernel_size, strides, reg, f"{name}_a", momentum)
    y = keras.layers.Activation("relu", name=f"{name}_a_relu")(y)
    y = _conv_bn(y, width, kernel_size, 1, reg, f"{name}_b", momentum)
    if shortcut:
        y = keras.layers.Add(name=f"{name}_add")([y, skip])
    return keras.layers.Activation("relu", name=f"{name}_relu")(y)


def resnet_body(*, input_shape, stage_filters=(16, 32, 64), blocks_per_stage=2, kernel_size=3,
                dropout=0.0, batch_norm_momentum=blocks.BATCH_NORM_MOMENTUM, shortcut=True,
                kernel_regularizer=None):
    """A small residual network: stem, stages of residual blocks, global pooling.

    A 3x3 convolution stem (conv -> BN -> ReLU) is followed by one stage per
    entry of ``stage_filters``. Each stage stacks ``blocks_per_stage`` basic
    residual blocks ``y = ReLU(F(x) + x)`` with ``F`` = conv-BN-ReLU-conv-BN;
    every stage after the first halves height and width with a stride-2 first
    block, whose shortcut becomes a 1x1 projection (conv + BN) because the
    shape changes. Global average pooling and the output layer close the
    network. The default (3 stages x 2 blocks, 16-32-64 filters, 14 weight
    layers, ~0.18M parameters) is the CIFAR-style ResNet-14 of He et al. and
    trains on a CPU.

    Args:
        input_shape: tuple. ``(height, width, channels)``; both sides must be
            >= ``2 ** (len(stage_filters) - 1)``.
        stage_filters: tuple of int. Width of each stage (its length is the
            number of stages). Defaults to ``(16, 32, 64)`` (He et al. 2016,
            CIFAR ResNets).
        blocks_per_stage: int. Residual blocks per stage: the depth is
            ``2 * blocks_per_stage * len(stage_filters) + 2`` weight layers.
            Defaults to 2.
        kernel_size: int. Side of the square kernels. Defaults to 3.
        dropout: float. Dropout before the output layer. Defaults to 0.0: the
            ResNet relies on batch normalization for regularization (guide:
            Batch Normalization; He et al. 2016).
        batch_norm_momentum: {momentum}
        shortcut: bool. Add each block's shortcut (identity or projection).
            False gives the same stack without skip connections, a plain
            network of the same depth (an ablation, guide: Residual Networks).
            Defaults to True.
    """
    shortcut = checks.boolean("shortcut", shortcut)
    input_shape = _image_shape(input_shape)
    stage_filters = checks.int_tuple("stage_filters", stage_filters, allow_empty=False)
    checks.positive_int("blocks_per_stage", blocks_per_stage)
    checks.positive_int("kernel_size", kernel_size)
    checks.fraction("dropout", dropout)
    checks.fraction("batch_norm_momentum", batch_norm_momentum)
    _check_image_size(input_shape, len(stage_filters), "stages", halvings_per_count=-1)
    reg = kernel_regularizer
    inputs = keras.Input(shape=input_shape, name="images")
    x = _conv_bn(inputs, stage_filters[0], kernel_size, 1, reg, "stem", batch_norm_momentum)
    x = keras.layers.Activation("relu", name="stem_relu")(x)
    for s, width in enumerate(stage_filters):
        for b in range(blocks_per_stage):
            strides = 2 if s > 0 and b == 0 else 1
            x = _residual_block(x, width, kernel_size, strides, reg, f"stage{s}_block{b}",
                                batch_norm_momentum, shortcut)
    x = keras.layers.GlobalAveragePooling2D(name="global_pool")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    return inputs, x


for _body in (cnn_body, resnet_body):
    _body.__doc__ = _body.__doc__.replace("{momentum}", blocks.BATCH_NORM_MOMENTUM_DOC)
del _body

cnn_classifier = tasks.classifier(
    cnn_body, name="cnn_classifier", family="conv",
    guide="neural-networks-master: Convolutional Neural Networks (CNN)",
    summary="A convolutional classifier: [conv -> batch norm -> ReLU -> pool] blocks + dense "
            "head.",
    search_space=_cnn_space(),
    example=Example({"num_classes": 3, "input_shape": (8, 8, 1), "filters": (4, 8),
                     "dense_units": (16,)}, examples.quadrant_images),
    example_doc="""
        >>> x, y = kzoo.data.load_digits(as_images=True)
        >>> model = kzoo.cnn_classifier(num_classes=10, input_shape=(8, 8, 1))
        >>> model.fit(x / 16.0, y, validation_split=0.15, epochs=30)""",
    reference="""neural-networks-master: Convolutional Neural Networks (CNN);
        Simonyan & Zisserman (2015), VGG.""",
)

resnet_classifier = tasks.classifier(
    resnet_body, name="resnet_classifier", family="conv",
    guide="neural-networks-master: Residual Networks (ResNet)",
    summary="A small residual network: stem, stages of residual blocks, global pooling head.",
    search_space=_resnet_space(),
    example=Example({"num_classes": 3, "input_shape": (8, 8, 1), "stage_filters": (4, 8),
                     "blocks_per_stage": 1}, examples.quadrant_images),
    example_doc="""
        >>> model = kzoo.resnet_classifier(num_classes=10, input_shape=(32, 32, 3))
        >>> deeper = kzoo.resnet_classifier(num_classes=10, input_shape=(32, 32, 3),
        ...                                 blocks_per_stage=3)   # ResNet-20""",
    reference="""neural-networks-master: Residual Networks (ResNet), ``y = F(x) + x``;
        He et al. (2016), "Deep Residual Learning for Image Recognition".""",
)
