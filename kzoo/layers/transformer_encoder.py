"""``TransformerEncoder``: one encoder block of the Transformer."""

import keras
from keras import ops

from kzoo.serialization import Config


def _check_positive_int(name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an integer >= 1. Received: {name}={value!r}")


@keras.saving.register_keras_serializable(package="kzoo")
class TransformerEncoder(Config, keras.layers.Layer):
    """Multi-head self-attention and a feed-forward network, each with a
    residual connection and layer normalization.

    ``x = LayerNorm(x + Dropout(MultiHeadAttention(x, x)))`` then
    ``x = LayerNorm(x + Dropout(Dense(Dense(x, ff_dim, gelu))))``: the
    post-norm block of Vaswani et al. (2017). Attention is Keras'
    ``MultiHeadAttention`` (``softmax(QKᵀ/√d_k)V`` per head, guide:
    neural-networks-master, Transformer Networks); the feed-forward uses GELU
    (guide: Activation Functions > GELU, "for Transformers"). Padded steps
    (a mask from ``Embedding(mask_zero=True)``) are never attended to, and
    the mask is passed on.

    Args:
        num_heads: int. Attention heads; must divide the input width.
        ff_dim: int. Width of the feed-forward hidden layer.
        dropout: float. Dropout after attention and feed-forward, in
            ``[0, 1)``. Defaults to 0.1.
        activation: str. Feed-forward activation. Defaults to ``"gelu"``.
        epsilon: float. Layer-normalization epsilon. Defaults to 1e-6.
        kernel_regularizer: Regularizer for the feed-forward kernels.
            Defaults to None.
        seed: int. Seed of the dropout masks. Defaults to None.
        **kwargs: Base layer arguments.

    Input shape:
        ``(batch, steps, embed_dim)``.

    Output shape:
        Same as the input.

    Example:
        >>> x = kzoo.layers.TransformerEncoder(num_heads=4, ff_dim=128)(x)
    """

    CONFIG_ARGS = ("num_heads", "ff_dim", "dropout", "activation", "epsilon", "kernel_regularizer",
                   "seed")

    def __init__(self, num_heads, ff_dim, dropout=0.1, activation="gelu", epsilon=1e-6,
                 kernel_regularizer=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        _check_positive_int("num_heads", num_heads)
        _check_positive_int("ff_dim", ff_dim)
        if (isinstance(dropout, bool) or not isinstance(dropout, (int, float))
                or not 0 <= dropout < 1):
            raise ValueError(f"dropout must be a number in [0, 1). Received: dropout={dropout!r}")
        self.num_heads = num_heads
        self.ff_dim = ff_dim
        self.dropout = float(dropout)
        self.activation = activation
        self.epsilon = epsilon
        self.kernel_regularizer = keras.regularizers.get(kernel_regularizer)
        self.seed = seed
        self.supports_masking = True

    def build(self, input_shape):
        embed_dim = input_shape[-1]
        if embed_dim % self.num_heads:
            raise ValueError(
                "The input width (embed_dim) must be divisible by num_heads. "
                f"Received: embed_dim={embed_dim}, num_heads={self.num_heads}")
        self.attention = keras.layers.MultiHeadAttention(
            num_heads=self.num_heads, key_dim=embed_dim // self.num_heads,
            dropout=self.dropout, seed=self.seed, name="attention", dtype=self.dtype_policy)
        self.attention.build(input_shape, input_shape)
        self.ff_hidden = keras.layers.Dense(
            self.ff_dim, activation=self.activation, kernel_regularizer=self.kernel_regularizer,
            name="ff_hidden", dtype=self.dtype_policy)
        self.ff_hidden.build(input_shape)
        self.ff_output = keras.layers.Dense(
            embed_dim, kernel_regularizer=self.kernel_regularizer, name="ff_output",
            dtype=self.dtype_policy)
        self.ff_output.build((*input_shape[:-1], self.ff_dim))
        self.norm_attention = keras.layers.LayerNormalization(
            epsilon=self.epsilon, name="norm_attention", dtype=self.dtype_policy)
        self.norm_attention.build(input_shape)
        self.norm_ff = keras.layers.LayerNormalization(
            epsilon=self.epsilon, name="norm_ff", dtype=self.dtype_policy)
        self.norm_ff.build(input_shape)
        self.dropout_attention = keras.layers.Dropout(self.dropout, seed=self.seed)
        self.dropout_ff = keras.layers.Dropout(
            self.dropout, seed=None if self.seed is None else self.seed + 1)

    def call(self, inputs, training=None, mask=None):
        attention_mask = None
        if mask is not None:
            keys = ops.cast(mask, "bool")[:, None, :]           # (batch, 1, steps)
            queries = ops.ones_like(ops.cast(mask, "bool"))[:, :, None]
            attention_mask = ops.logical_and(queries, keys)     # (batch, steps, steps)
        attended = self.attention(inputs, inputs, attention_mask=attention_mask,
                                  training=training)
        x = self.norm_attention(inputs + self.dropout_attention(attended, training=training))
        ff = self.ff_output(self.ff_hidden(x))
        return self.norm_ff(x + self.dropout_ff(ff, training=training))

    def compute_output_shape(self, input_shape):
        return input_shape
