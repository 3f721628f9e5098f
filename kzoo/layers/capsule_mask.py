"""``CapsuleMask``: keeps one capsule per example (for the reconstruction decoder)."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kzoo")
class CapsuleMask(keras.layers.Layer):
    """Zeroes every capsule but one and flattens: ``(batch, n, dim) -> (batch, n * dim)``.

    With ``labels`` the true class's capsule is kept (training, as in the
    paper); without, the longest capsule (the prediction). The result feeds a
    decoder that reconstructs the input from that single capsule
    (Sabour et al. 2017, section 4.1).

    Args:
        **kwargs: Base ``keras.layers.Layer`` arguments.

    Example:
        >>> flat = kzoo.layers.CapsuleMask()(capsules)            # longest capsule
        >>> flat = kzoo.layers.CapsuleMask()(capsules, labels=y)  # true class
    """

    def call(self, inputs, labels=None):
        num_capsules = inputs.shape[1]
        if labels is None:
            labels = ops.argmax(ops.sum(ops.square(inputs), axis=-1), axis=-1)
        labels = ops.reshape(ops.cast(labels, "int32"), (-1,))
        mask = ops.one_hot(labels, num_capsules, dtype=inputs.dtype)
        masked = inputs * ops.expand_dims(mask, -1)
        return ops.reshape(masked, (-1, num_capsules * inputs.shape[2]))

    def compute_output_shape(self, input_shape, labels_shape=None):
        return (input_shape[0], input_shape[1] * input_shape[2])
