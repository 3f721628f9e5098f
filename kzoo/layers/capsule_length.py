"""``CapsuleLength``: the length of each capsule vector, i.e. the class score."""

import keras
from keras import ops

from kzoo.serialization import Config


@keras.saving.register_keras_serializable(package="kzoo")
class CapsuleLength(Config, keras.layers.Layer):
    """Returns ``||v_j||`` for each capsule: ``(batch, n, dim) -> (batch, n)``.

    A squashed capsule's length lies in [0, 1) and is read as the probability
    that its entity (its class, for digit capsules) is present
    (guide: Advanced Topics > Capsule Networks, "Vector length = probability
    of entity existence").

    Args:
        epsilon: float. Added under the square root so the gradient stays
            finite at zero length. Defaults to 1e-7.
        **kwargs: Base ``keras.layers.Layer`` arguments.

    Example:
        >>> kzoo.layers.CapsuleLength()(keras.ops.ones((2, 10, 16)))  # (2, 10)
    """

    CONFIG_ARGS = ("epsilon",)

    def __init__(self, epsilon=1e-7, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon

    def call(self, inputs):
        return ops.sqrt(ops.sum(ops.square(inputs), axis=-1) + self.epsilon)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1])
