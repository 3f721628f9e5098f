"""``PositionalEmbedding``: adds a learned position vector to every time step."""

import keras
from keras import ops

from kzoo.serialization import Config


@keras.saving.register_keras_serializable(package="kzoo")
class PositionalEmbedding(Config, keras.layers.Layer):
    """Adds a learned embedding of each position to a sequence of vectors.

    Self-attention is blind to order ("it looks at the whole sentence at
    once"), so the Transformer adds position information to every step
    (guide: neural-networks-master, Transformer Networks > Positional
    Encoding). This is the learned variant (BERT, GPT): a trainable table of
    ``sequence_length`` vectors, position ``t`` adding row ``t``. Inputs
    shorter than ``sequence_length`` use the first rows. A mask coming in
    (e.g. from ``Embedding(mask_zero=True)``) is passed on unchanged.

    Args:
        sequence_length: int. Longest sequence the table covers.
        initializer: Initializer of the table. Defaults to
            ``"glorot_uniform"``.
        **kwargs: Base layer arguments (``name``, ``dtype``, ...).

    Input shape:
        ``(batch, steps, features)`` with ``steps <= sequence_length``.

    Output shape:
        Same as the input.

    Example:
        >>> x = keras.layers.Embedding(1000, 64, mask_zero=True)(tokens)
        >>> x = kzoo.layers.PositionalEmbedding(sequence_length=128)(x)
    """

    CONFIG_ARGS = ("sequence_length", "initializer")

    def __init__(self, sequence_length, initializer="glorot_uniform", **kwargs):
        super().__init__(**kwargs)
        if (isinstance(sequence_length, bool) or not isinstance(sequence_length, int)
                or sequence_length < 1):
            raise ValueError("sequence_length must be an integer >= 1. "
                             f"Received: sequence_length={sequence_length!r}")
        self.sequence_length = sequence_length
        self.initializer = keras.initializers.get(initializer)
        self.supports_masking = True

    def build(self, input_shape):
        steps, features = input_shape[-2], input_shape[-1]
        if steps is not None and steps > self.sequence_length:
            raise ValueError(
                f"Input has {steps} steps but sequence_length={self.sequence_length}. "
                "Increase sequence_length.")
        self.position_embeddings = self.add_weight(
            name="position_embeddings", shape=(self.sequence_length, features),
            initializer=self.initializer, trainable=True)

    def call(self, inputs):
        steps = ops.shape(inputs)[-2]
        positions = ops.cast(self.position_embeddings[:steps], inputs.dtype)
        return inputs + positions

    def compute_output_shape(self, input_shape):
        return input_shape
