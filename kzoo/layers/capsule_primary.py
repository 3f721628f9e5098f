"""``PrimaryCapsules``: convolution -> capsule vectors -> squash.

The first capsule layer of a CapsNet is a convolution with
``num_capsules * capsule_dim`` filters whose output, at every position, is cut
into ``num_capsules`` vectors of ``capsule_dim`` numbers and squashed
(guide: Advanced Topics > Capsule Networks; Sabour et al. 2017, section 4).
"""

import keras
from keras import ops

from kzoo import checks
from kzoo.layers.capsule import check_capsule_dims, squash
from kzoo.serialization import Config


@keras.saving.register_keras_serializable(package="kzoo")
class PrimaryCapsules(Config, keras.layers.Layer):
    """Primary capsules: ``Conv2D`` whose output is reshaped into squashed vectors.

    Input ``(batch, height, width, channels)``; output
    ``(batch, out_height * out_width * num_capsules, capsule_dim)``.

    Args:
        num_capsules: int. Capsule types per position (the paper's 32).
        capsule_dim: int. Length of each capsule vector (the paper's 8).
        kernel_size: int. Convolution kernel size. Defaults to 9 (paper).
        strides: int. Convolution stride. Defaults to 2 (paper).
        padding: str. ``"valid"`` or ``"same"``. Defaults to ``"valid"``.
        **kwargs: Base ``keras.layers.Layer`` arguments.

    Example:
        >>> caps = kzoo.layers.PrimaryCapsules(8, 8, kernel_size=3, strides=1)
        >>> caps(keras.ops.ones((2, 6, 6, 16))).shape   # (2, 4 * 4 * 8, 8)
    """

    CONFIG_ARGS = ("num_capsules", "capsule_dim", "kernel_size", "strides", "padding")

    def __init__(self, num_capsules, capsule_dim, kernel_size=9, strides=2,
                 padding="valid", **kwargs):
        super().__init__(**kwargs)
        check_capsule_dims(num_capsules, capsule_dim)
        checks.positive_int("kernel_size", kernel_size)
        checks.positive_int("strides", strides)
        checks.one_of("padding", padding, ("valid", "same"))
        self.num_capsules = num_capsules
        self.capsule_dim = capsule_dim
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = padding
        self.conv = keras.layers.Conv2D(num_capsules * capsule_dim, kernel_size,
                                        strides=strides, padding=padding, name="conv")

    def build(self, input_shape):
        if len(input_shape) != 4:
            raise ValueError("PrimaryCapsules expects (batch, height, width, channels) "
                             f"inputs. Received: input_shape={tuple(input_shape)}")
        out = self.conv.compute_output_shape(input_shape)
        if any(d is not None and d < 1 for d in out[1:3]):
            raise ValueError(
                f"kernel_size={self.kernel_size} and strides={self.strides} leave no "
                f"output positions. Received: input_shape={tuple(input_shape)}")
        self.conv.build(input_shape)

    def call(self, inputs):
        x = self.conv(inputs)
        x = ops.reshape(x, (-1, x.shape[1] * x.shape[2] * self.num_capsules,
                            self.capsule_dim))
        return squash(x)

    def compute_output_shape(self, input_shape):
        out = self.conv.compute_output_shape(input_shape)
        return (input_shape[0], out[1] * out[2] * self.num_capsules, self.capsule_dim)
