"""FCN: the fully convolutional network for time series of Wang et al. (2017).

Three blocks of convolution -> batch normalization -> ReLU (128, 256 and 128
filters, kernels of 8, 5 and 3 steps, no pooling, no striding), global average
pooling over time and the output layer: the strongest of the simple baselines
in Fawaz et al. (2019).
"""

from kzoo import checks, tasks
from kzoo.data import examples
from kzoo.models.conv1d import common
from kzoo.registry import Example
from kzoo.search_space import Int, SearchSpace, training_space

GUIDE = "neural-networks-master: Convolutional Neural Networks (CNN)"
FILTERS = (128, 256, 128)
KERNEL_SIZES = (8, 5, 3)
REFERENCE = """Wang, Yan & Oates (2017), "Time series classification from scratch with deep
        neural networks: a strong baseline" (IJCNN); Fawaz et al. (2019), "Deep learning for
        time series classification: a review" (trained with Adam, lr 1e-3, batch 16,
        ReduceLROnPlateau factor 0.5 / patience 50 on the training loss); guide:
        neural-networks-master, Convolutional Neural Networks (CNN)."""


def check_kernels(filters, kernel_sizes):
    filters = checks.int_tuple("filters", filters, allow_empty=False)
    kernel_sizes = checks.int_tuple("kernel_sizes", kernel_sizes, allow_empty=False)
    if len(kernel_sizes) != len(filters):
        raise ValueError(f"kernel_sizes must give one kernel size per entry of filters "
                         f"({len(filters)}). Received: kernel_sizes={kernel_sizes!r}")
    return filters, kernel_sizes


def fcn_body(*, input_shape, filters=FILTERS, kernel_sizes=KERNEL_SIZES, dropout=0.0,
             batch_norm_momentum=common.BATCH_NORM_MOMENTUM, kernel_regularizer=None):
    """[Conv1D -> batch norm -> ReLU] blocks, global average pooling over time.

    The convolutions use "same" padding, so every block keeps the series'
    length, and the global average pooling makes the network independent of
    it: ``input_shape=(None, channels)`` takes series of any length (pad a
    batch of unequal ones to a common length, or feed one length per batch).
    Standardize each series or channel first (``kzoo.data``'s normalizers).

    Args:
        input_shape: tuple. ``(timesteps, channels)`` of one series, e.g.
            ``(150, 1)``; ``timesteps`` may be None for any length.
        filters: tuple of int. Filters of each conv block. Defaults to
            ``(128, 256, 128)`` (Wang et al. 2017).
        kernel_sizes: tuple of int. Kernel length (in time steps) of each
            block, one per entry of ``filters``. Defaults to ``(8, 5, 3)``
            (Wang et al. 2017).
        dropout: float. Dropout before the output layer. Defaults to 0.0 (the
            paper has none; batch normalization regularizes).
        batch_norm_momentum: {momentum}
    """
    filters, kernel_sizes = check_kernels(filters, kernel_sizes)
    common.check_common(dropout, batch_norm_momentum)
    inputs = common.series_inputs(input_shape)
    x = inputs
    for i, (width, kernel) in enumerate(zip(filters, kernel_sizes)):
        x = common.conv_bn(x, width, kernel, momentum=batch_norm_momentum,
                           reg=kernel_regularizer, name=f"block{i}")
    return inputs, common.pooled_features(x, dropout)


fcn_body.__doc__ = fcn_body.__doc__.replace("{momentum}", common.MOMENTUM_DOC)


def _space():
    def to_kwargs(values):
        base = values.pop("base_filters")
        return {"filters": (base, 2 * base, base), **values}

    def defaults_from(factory_defaults):
        filters = tuple(factory_defaults.get("filters") or ())
        return {"base_filters": filters[0]} if len(filters) == 3 else {}

    return (SearchSpace((Int("base_filters", 16, 128, sampling="log"),), to_kwargs,
                        defaults_from)
            + common.dropout_space() + training_space())


_SMALL = {"filters": (8, 16, 8)}

fcn_classifier = tasks.classifier(
    fcn_body, name="fcn_classifier", family="conv1d", guide=GUIDE,
    summary="FCN time-series classifier (Wang et al. 2017): three conv blocks + global "
            "average pooling.",
    search_space=_space(),
    example=Example({"num_classes": 3, "input_shape": (24, 1), **_SMALL},
                    examples.series_shapes),
    example_doc="""
        >>> model = kzoo.fcn_classifier(num_classes=6, input_shape=(427, 1))   # OSULeaf
        >>> model.fit(x, y, batch_size=16, validation_split=0.1, epochs=500,
        ...           callbacks=kzoo.callbacks.recommended())
        >>> model = kzoo.fcn_classifier(num_classes=4, input_shape=(None, 6))   # any length""",
    reference=REFERENCE,
)

fcn_regressor = tasks.regressor(
    fcn_body, name="fcn_regressor", family="conv1d", guide=GUIDE,
    summary="FCN time-series regressor: three conv blocks + global average pooling -> "
            "``outputs`` values.",
    search_space=_space(),
    example=Example({"input_shape": (10, 3), "outputs": 2, **_SMALL},
                    examples.sequence_summaries),
    example_doc=">>> model = kzoo.fcn_regressor(input_shape=(128, 3), outputs=1)",
    reference=REFERENCE,
)
