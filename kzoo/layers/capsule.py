"""``squash``: the capsule non-linearity, and the ``Squash`` layer that applies it.

A capsule outputs a vector whose length is the probability that its entity is
present and whose direction encodes the entity's properties (guide: Advanced
Topics > Capsule Networks). ``squash`` shrinks short vectors to almost zero and
long ones to just below length 1, keeping the direction:

    v = ||s||² / (1 + ||s||²) · s / ||s||

Reference:
    Sabour, Frosst & Hinton (2017), "Dynamic Routing Between Capsules", eq. 1.
"""

import keras
from keras import ops

from kzoo import checks
from kzoo.serialization import Config


def squash(s, axis=-1, epsilon=1e-7):
    """Squashes vectors along ``axis`` to lengths in [0, 1).

    Args:
        s: tensor. Capsule pre-activations.
        axis: int. The capsule-vector axis. Defaults to -1.
        epsilon: float. Keeps the gradient finite at ``s = 0``. Defaults to 1e-7.

    Returns:
        A tensor shaped like ``s`` whose vectors have length
        ``||s||² / (1 + ||s||²)``.
    """
    squared_norm = ops.sum(ops.square(s), axis=axis, keepdims=True)
    scale = squared_norm / (1.0 + squared_norm) / ops.sqrt(squared_norm + epsilon)
    return scale * s


@keras.saving.register_keras_serializable(package="kzoo")
class Squash(Config, keras.layers.Layer):
    """Applies :func:`squash` to the last axis (a capsule layer's activation).

    Args:
        axis: int. The capsule-vector axis. Defaults to -1.
        **kwargs: Base ``keras.layers.Layer`` arguments (``name``, ``dtype``).

    Example:
        >>> v = kzoo.layers.Squash()(keras.ops.ones((2, 5, 8)))   # lengths < 1
    """

    CONFIG_ARGS = ("axis",)

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"axis must be an integer. Received: axis={axis!r}")
        self.axis = axis

    def call(self, inputs):
        return squash(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        return input_shape

def check_capsule_dims(num_capsules, capsule_dim):
    """Validates a capsule layer's sizes (shared by the capsule layers)."""
    checks.positive_int("num_capsules", num_capsules)
    checks.positive_int("capsule_dim", capsule_dim)
