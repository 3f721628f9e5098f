"""Capsule network (CapsNet): primary capsules, dynamic routing, margin loss.

Guide: neural-networks-master, Advanced Topics > Capsule Networks ("output
vectors instead of scalars; vector length = probability of entity existence;
dynamic routing"). Architecture and numbers from Sabour, Frosst & Hinton (2017),
"Dynamic Routing Between Capsules".

    image -> Conv2D(ReLU) -> PrimaryCapsules (conv -> vectors -> squash)
          -> RoutingCapsules (one capsule per class, 3 routing iterations)
          -> CapsuleLength = class scores in [0, 1)

Training minimises the margin loss on the lengths plus, optionally, a
reconstruction regulariser: a dense decoder rebuilds the input from the true
class's capsule (all others masked), and its summed squared error, weighted
by 0.0005, is added to the loss. Both are written once with ``keras.ops`` by
overriding ``compute_loss``; no backend-specific code.
"""

import math

import keras
from keras import ops

from kzoo import checks, defaults
from kzoo.backend.portable_compile import PortableCompile
from kzoo.data import examples
from kzoo.layers.capsule_length import CapsuleLength
from kzoo.layers.capsule_mask import CapsuleMask
from kzoo.layers.capsule_primary import PrimaryCapsules
from kzoo.layers.capsule_routing import RoutingCapsules
from kzoo.registry import Example, register_model
from kzoo.search_space import Choice, Float, Int, SearchSpace, training_space
from kzoo.serialization import Config
from kzoo.tasks import arguments
from kzoo.tasks.data_checks import CheckedInputs


@keras.saving.register_keras_serializable(package="kzoo")
class MarginLoss(Config, keras.losses.Loss):
    """The capsule margin loss for integer labels and capsule lengths.

    ``L = sum_k T_k max(0, m+ - ||v_k||)² + λ (1 - T_k) max(0, ||v_k|| - m-)²``
    with ``T_k = 1`` for the true class (Sabour et al. 2017, eq. 4).

    Args:
        m_plus: float. Target length for the true class. Defaults to 0.9 (paper).
        m_minus: float. Ceiling for the other classes. Defaults to 0.1 (paper).
        down_weight: float. λ, the weight of absent classes. Defaults to 0.5 (paper).
        name: str. Defaults to ``"margin_loss"``.
        **kwargs: Base ``keras.losses.Loss`` arguments.

    Example:
        >>> loss = kzoo.models.capsule.MarginLoss()
        >>> loss(np.array([1]), np.array([[0.1, 0.95]]))   # 0: both margins met
    """

    CONFIG_ARGS = ("m_plus", "m_minus", "down_weight")

    def __init__(self, m_plus=0.9, m_minus=0.1, down_weight=0.5, name="margin_loss",
                 **kwargs):
        super().__init__(name=name, **kwargs)
        self.m_plus = checks.number_in_range("m_plus", m_plus, 0.0, 1.0)
        self.m_minus = checks.number_in_range("m_minus", m_minus, 0.0, 1.0)
        if self.m_minus >= self.m_plus:
            raise ValueError(f"m_minus must be < m_plus={m_plus}. Received: m_minus={m_minus}")
        self.down_weight = checks.non_negative("down_weight", down_weight)

    def call(self, y_true, y_pred):
        labels = ops.reshape(ops.cast(y_true, "int32"), (-1,))
        present = ops.one_hot(labels, y_pred.shape[-1], dtype=y_pred.dtype)
        loss = (present * ops.square(ops.relu(self.m_plus - y_pred))
                + self.down_weight * (1.0 - present) * ops.square(ops.relu(y_pred - self.m_minus)))
        return ops.sum(loss, axis=-1)

def _conv_out(size, kernel, stride):
    return (size - kernel) // stride + 1


@keras.saving.register_keras_serializable(package="kzoo")
class CapsuleNetwork(CheckedInputs, PortableCompile, Config, keras.Model):
    """A CapsNet: ``predict`` returns the length of each class capsule.

    Built by :func:`kzoo.capsule_network`, which documents the arguments.
    Extra methods: ``capsules(x)`` (the class capsule vectors) and
    ``reconstruct(x, y=None)`` (the decoder's image from the true class's
    capsule, or the predicted one's when ``y`` is None).
    """

    CONFIG_ARGS = ("num_classes", "input_shape", "conv_filters", "conv_kernel_size",
                   "primary_capsules", "primary_dim", "primary_kernel_size", "primary_strides",
                   "capsule_dim", "routings", "reconstruction_weight", "decoder_units",
                   "decoder_activation")
    TUPLE_ARGS = ("input_shape", "decoder_units")
    CONFIG_ATTRIBUTES = {"input_shape": "image_shape"}

    def __init__(self, num_classes, input_shape, conv_filters=256, conv_kernel_size=9,
                 primary_capsules=32, primary_dim=8, primary_kernel_size=9,
                 primary_strides=2, capsule_dim=16, routings=3, reconstruction_weight=0.0005,
                 decoder_units=(512, 1024), decoder_activation="sigmoid", **kwargs):
        kwargs.setdefault("name", "capsule_network")
        super().__init__(**kwargs)
        checks.num_classes(num_classes)
        input_shape = checks.shape("input_shape", input_shape, rank=3)
        checks.positive_int("conv_filters", conv_filters)
        checks.positive_int("conv_kernel_size", conv_kernel_size)
        checks.positive_int("primary_capsules", primary_capsules)
        checks.positive_int("primary_dim", primary_dim)
        checks.positive_int("primary_kernel_size", primary_kernel_size)
        checks.positive_int("primary_strides", primary_strides)
        checks.positive_int("capsule_dim", capsule_dim)
        checks.positive_int("routings", routings)
        checks.non_negative("reconstruction_weight", reconstruction_weight)
        decoder_units = checks.int_tuple("decoder_units", decoder_units)
        checks.one_of("decoder_activation", decoder_activation, ("sigmoid", "linear"))
        height, width = input_shape[:2]
        after_conv = [_conv_out(d, conv_kernel_size, 1) for d in (height, width)]
        after_primary = [_conv_out(d, primary_kernel_size, primary_strides) for d in after_conv]
        if min(after_conv) < 1 or min(after_primary) < 1:
            raise ValueError(
                f"input_shape is too small for conv_kernel_size={conv_kernel_size} and "
                f"primary_kernel_size={primary_kernel_size} (stride {primary_strides}): "
                f"the feature map would be {after_conv} then {after_primary}. "
                f"Received: input_shape={input_shape}")
        self.num_classes = num_classes
        self.image_shape = input_shape
        self.conv_filters = conv_filters
        self.conv_kernel_size = conv_kernel_size
        self.primary_capsules = primary_capsules
        self.primary_dim = primary_dim
        self.primary_kernel_size = primary_kernel_size
        self.primary_strides = primary_strides
        self.capsule_dim = capsule_dim
        self.routings = routings
        self.reconstruction_weight = float(reconstruction_weight)
        self.decoder_units = decoder_units
        self.decoder_activation = decoder_activation

        self.conv = keras.layers.Conv2D(conv_filters, conv_kernel_size, activation="relu",
                                        name="conv")
        self.primary = PrimaryCapsules(primary_capsules, primary_dim,
                                       kernel_size=primary_kernel_size,
                                       strides=primary_strides, name="primary_capsules")
        self.class_capsules = RoutingCapsules(num_classes, capsule_dim, routings=routings,
                                              name="class_capsules")
        self.length = CapsuleLength(name="length")
        self.mask = CapsuleMask(name="mask")
        self.decoder = None
        if self.reconstruction_weight > 0:
            self.decoder = keras.Sequential(
                [keras.layers.Dense(u, activation="relu", name=f"decoder_{i}")
                 for i, u in enumerate(decoder_units)]
                + [keras.layers.Dense(math.prod(input_shape), activation=decoder_activation,
                                      name="decoder_output"),
                   keras.layers.Reshape(input_shape, name="decoder_reshape")],
                name="decoder")
        self.build((None, *input_shape))

    def build(self, input_shape):
        shape = tuple(input_shape)
        self.conv.build(shape)
        shape = self.conv.compute_output_shape(shape)
        self.primary.build(shape)
        shape = self.primary.compute_output_shape(shape)
        self.class_capsules.build(shape)
        if self.decoder is not None:
            self.decoder.build((None, self.num_classes * self.capsule_dim))
        self.built = True

    def capsules(self, x):
        """The class capsules ``(batch, num_classes, capsule_dim)`` for images ``x``."""
        return self.class_capsules(self.primary(self.conv(x)))

    def call(self, inputs):
        return self.length(self.capsules(inputs))

    @property
    def output_shape(self):
        return (None, self.num_classes)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.num_classes)

    def reconstruction_loss(self, x, y):
        """Summed squared error of the decoder's reconstruction from the true capsule."""
        recon = self.decoder(self.mask(self.capsules(x), labels=y))
        err = ops.square(ops.reshape(recon, (-1, math.prod(self.image_shape)))
                         - ops.reshape(ops.cast(x, recon.dtype), (-1, math.prod(self.image_shape))))
        return ops.mean(ops.sum(err, axis=-1))

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        loss = super().compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                    training=training)
        if self.decoder is not None and y is not None:
            loss = loss + self.reconstruction_weight * self.reconstruction_loss(x, y)
        return loss

    def reconstruct(self, x, y=None):
        """Decodes images from the capsule of class ``y`` (or the predicted class).

        Args:
            x: array ``(n, *input_shape)``.
            y: optional int array ``(n,)``; ``None`` uses the longest capsule.

        Returns:
            A NumPy array shaped like ``x``.
        """
        if self.decoder is None:
            raise ValueError("reconstruct needs the decoder, which exists only when "
                             "reconstruction_weight > 0. Received: reconstruction_weight=0")
        x = ops.convert_to_tensor(x, dtype="float32")
        labels = None if y is None else ops.convert_to_tensor(y)
        return ops.convert_to_numpy(self.decoder(self.mask(self.capsules(x), labels=labels)))

_CAPSULE_SPACE = SearchSpace((
    Int("routings", 1, 5),
    Choice("capsule_dim", (8, 16, 32)),
    Choice("primary_dim", (4, 8, 16)),
    Float("reconstruction_weight", 0.0, 0.005),
)) + training_space()


@register_model(
    family="capsule",
    task="classification",
    guide="neural-networks-master: Advanced Topics > Capsule Networks",
    search_space=_CAPSULE_SPACE,
    example=Example({"num_classes": 3, "input_shape": (8, 8, 1), "conv_filters": 8,
                     "conv_kernel_size": 3, "primary_capsules": 4, "primary_dim": 4,
                     "primary_kernel_size": 3, "primary_strides": 1, "capsule_dim": 4,
                     "decoder_units": (16,)},
                    examples.with_kwargs(examples.uniform_images, classes=3), {"batch_size": 16}),
)
def capsule_network(*, num_classes, input_shape, conv_filters=256, conv_kernel_size=9,
                    primary_capsules=32, primary_dim=8, primary_kernel_size=9,
                    primary_strides=2, capsule_dim=16, routings=3,
                    reconstruction_weight=0.0005, decoder_units=(512, 1024),
                    decoder_activation="sigmoid", m_plus=0.9, m_minus=0.1, down_weight=0.5,
                    optimizer=defaults.OPTIMIZER, learning_rate=defaults.LEARNING_RATE,
                    clipnorm=None, clipvalue=None, compile=True):
    """A capsule network: primary capsules, dynamic routing, margin loss.

    ``predict`` returns one score per class, the length of that class's
    capsule (in [0, 1)); ``argmax`` is the predicted class. Labels are
    integers. The defaults are the paper's MNIST (28x28) network; small images
    need smaller kernels (see the example).

    Args:
        num_classes: int. Number of classes (>= 2): one output capsule each.
        input_shape: tuple. ``(height, width, channels)`` of one image. With the
            default sigmoid decoder, scale pixels to [0, 1].
        conv_filters: int. Filters of the first (ReLU) convolution.
            Defaults to 256 (paper).
        conv_kernel_size: int. Its kernel size. Defaults to 9 (paper).
        primary_capsules: int. Primary capsule types per position.
            Defaults to 32 (paper).
        primary_dim: int. Length of a primary capsule. Defaults to 8 (paper).
        primary_kernel_size: int. Kernel of the primary-capsule convolution.
            Defaults to 9 (paper).
        primary_strides: int. Its stride. Defaults to 2 (paper).
        capsule_dim: int. Length of a class capsule. Defaults to 16 (paper).
        routings: int. Dynamic-routing iterations (>= 1). Defaults to 3 (paper).
        reconstruction_weight: float. Weight of the reconstruction
            regulariser; 0 removes the decoder. Defaults to 0.0005 (paper).
        decoder_units: tuple of int. Hidden ReLU layers of the decoder.
            Defaults to ``(512, 1024)`` (paper).
        decoder_activation: str. ``"sigmoid"`` (pixels in [0, 1], paper) or
            ``"linear"`` (standardized inputs). Defaults to ``"sigmoid"``.
        m_plus: float. Margin-loss target for the true class. Defaults to 0.9 (paper).
        m_minus: float. Margin-loss ceiling for other classes. Defaults to 0.1 (paper).
        down_weight: float. Margin-loss λ for absent classes. Defaults to 0.5 (paper).
        optimizer: str. Defaults to ``"adam"`` (guide: Quick Start; paper: Adam).
        learning_rate: float. Defaults to 1e-3 (guide: Quick Start).
        clipnorm: float. Clip each gradient to this L2 norm (guide: Gradient
            Problems, exploding gradients). Defaults to None (no clipping).
        clipvalue: float. Clip each gradient element to ``[-clipvalue,
            clipvalue]``. Defaults to None.
        compile: bool. Compile with the margin loss and accuracy. Defaults to True.

    Returns:
        A ``CapsuleNetwork`` (a ``keras.Model``) named ``"capsule_network"``.

    Example:
        >>> x, y = kzoo.data.load_digits(as_images=True)
        >>> model = kzoo.capsule_network(
        ...     num_classes=10, input_shape=(8, 8, 1), conv_filters=64,
        ...     conv_kernel_size=3, primary_kernel_size=3, primary_strides=1,
        ...     primary_capsules=16)
        >>> model.fit(x / 16.0, y, epochs=10, batch_size=32)

    Reference:
        Sabour, Frosst & Hinton (2017), "Dynamic Routing Between Capsules".
    """
    compile_args = arguments.check_compile_args(
        {"optimizer": optimizer, "learning_rate": learning_rate, "clipnorm": clipnorm,
         "clipvalue": clipvalue, "compile": compile})
    loss = MarginLoss(m_plus=m_plus, m_minus=m_minus, down_weight=down_weight)
    model = CapsuleNetwork(
        num_classes, input_shape, conv_filters=conv_filters, conv_kernel_size=conv_kernel_size,
        primary_capsules=primary_capsules, primary_dim=primary_dim,
        primary_kernel_size=primary_kernel_size, primary_strides=primary_strides,
        capsule_dim=capsule_dim, routings=routings,
        reconstruction_weight=reconstruction_weight, decoder_units=decoder_units,
        decoder_activation=decoder_activation, name="capsule_network")
    if compile_args.compile:
        model.compile(optimizer=compile_args.make_optimizer(), loss=loss,
                      metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
    return model
