"""``MaskedGlobalMaxPooling1D``: max over time that ignores padded steps."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kzoo")
class MaskedGlobalMaxPooling1D(keras.layers.Layer):
    """Maximum over the time axis, skipping masked (padded) steps.

    Keras' ``GlobalMaxPooling1D`` ignores masks, so a padded step can win the
    max; ``GlobalAveragePooling1D`` already honours them. A sequence whose
    steps are all masked pools to zeros.

    Args:
        **kwargs: Base layer arguments.

    Input shape:
        ``(batch, steps, features)``, with an optional ``(batch, steps)`` mask.

    Output shape:
        ``(batch, features)``.

    Example:
        >>> pooled = kzoo.layers.MaskedGlobalMaxPooling1D()(encoded)
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.max(inputs, axis=1)
        keep = ops.cast(mask, "bool")[:, :, None]
        pooled = ops.max(ops.where(keep, inputs, ops.full_like(inputs, float("-inf"))), axis=1)
        any_kept = ops.any(keep, axis=1)
        return ops.where(any_kept, pooled, ops.zeros_like(pooled))

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[-1])
