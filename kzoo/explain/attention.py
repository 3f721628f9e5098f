"""Attention maps: "who looks at whom" in the Transformer and the seq2seq model.

* :func:`transformer_attention`: the self-attention weights
  ``softmax(Q K^T / sqrt(d_k))`` of one ``kzoo.layers.TransformerEncoder``
  block of a model such as ``kzoo.transformer_classifier``, per head. The
  encoder layer returns only its output, so a probe model computes the
  block's input and its ``MultiHeadAttention`` sublayer is called again with
  ``return_attention_scores=True`` and the same padding mask (padded tokens
  receive no attention). Nothing is retrained and the layer is not modified.
* :func:`decoder_attention`: the Luong attention of ``kzoo.seq2seq_attention``,
  which :func:`kzoo.greedy_decode` already returns while decoding.

Both return NumPy arrays; :func:`kzoo.explain.plot_attention` draws them.
"""

import weakref

import keras
import numpy as np
from keras import ops

from kzoo import checks
from kzoo.adversarial.outputs import single
from kzoo.layers.transformer_encoder import TransformerEncoder

_PROBES = weakref.WeakKeyDictionary()


def encoder_layers(model):
    """The ``TransformerEncoder`` blocks of ``model``, in order."""
    return [layer for layer in model.layers if isinstance(layer, TransformerEncoder)]


def _resolve(model, layer):
    encoders = encoder_layers(model)
    if not encoders:
        raise ValueError("transformer_attention needs a model with kzoo.layers."
                         f"TransformerEncoder blocks. Received: model={model.name!r}")
    if layer is None:
        return encoders[-1]
    if isinstance(layer, int) and not isinstance(layer, bool):
        if not -len(encoders) <= layer < len(encoders):
            raise ValueError(f"layer index must be in [{-len(encoders)}, {len(encoders)}). "
                             f"Received: layer={layer}")
        return encoders[layer]
    names = [e.name for e in encoders]
    if layer not in names:
        raise ValueError(f"layer must be the name or index of a TransformerEncoder block "
                         f"({names}). Received: layer={layer!r}")
    return encoders[names.index(layer)]


def block_input(encoder):
    """The tensor a ``TransformerEncoder`` block reads (its node also lists the padding mask)."""
    tensors = encoder.input
    return tensors[0] if isinstance(tensors, (list, tuple)) else tensors


def _padding_mask(model, x):
    """``x != 0`` for token input into an ``Embedding(mask_zero=True)``, else None."""
    if not np.issubdtype(x.dtype, np.integer):
        return None
    masked = any(isinstance(layer, keras.layers.Embedding) and layer.mask_zero
                 for layer in model.layers)
    return (x != 0) if masked else None


def transformer_attention(model, x, *, layer=None, batch_size=256):
    """Self-attention weights of one Transformer encoder block, per head.

    Args:
        model: A model with ``kzoo.layers.TransformerEncoder`` blocks
            (``kzoo.transformer_classifier`` / ``transformer_regressor``).
        x: array. Token ids ``(n, steps)`` or numeric sequences
            ``(n, steps, features)``, as the model takes them.
        layer: str, int or None. The block's name (``"encoder_0"``) or index;
            None takes the last block. Defaults to None.
        batch_size: int. Defaults to 256.

    Returns:
        float32 NumPy array ``(n, num_heads, steps, steps)``: row ``i`` of
        head ``h`` is the distribution over key positions that query
        position ``i`` attends to (it sums to 1; padded keys get 0).

    Raises:
        ValueError: if the model has no such block.

    Example:
        >>> model = kzoo.transformer_classifier(num_classes=2, vocab_size=20,
        ...                                     sequence_length=16)
        >>> weights = kzoo.explain.transformer_attention(model, x[:4])
        >>> kzoo.explain.plot_attention(weights[0].mean(axis=0))   # heads averaged

    Reference:
        Guide: neural-networks-master, Explainable AI (Attention
        Visualization) and Transformer Networks; Vaswani et al. (2017).
    """
    checks.positive_int("batch_size", batch_size)
    encoder = _resolve(model, layer)
    x = np.asarray(x)
    probes = _PROBES.setdefault(model, {})
    if encoder.name not in probes:
        probes[encoder.name] = keras.Model(single(model.inputs), block_input(encoder),
                                           name=f"{encoder.name}_input")
    probe = probes[encoder.name]
    mask = _padding_mask(model, x)
    out = []
    for i in range(0, len(x), batch_size):
        h = ops.convert_to_numpy(probe(x[i:i + batch_size], training=False))
        attention_mask = None
        if mask is not None:
            keys = mask[i:i + batch_size, None, :]                   # (batch, 1, steps)
            attention_mask = np.broadcast_to(keys, (len(h), h.shape[1], h.shape[1]))
        _, scores = encoder.attention(ops.convert_to_tensor(h), ops.convert_to_tensor(h),
                                      attention_mask=attention_mask,
                                      return_attention_scores=True, training=False)
        out.append(ops.convert_to_numpy(scores))
    return np.concatenate(out).astype("float32")


def decoder_attention(model, encoder_tokens, *, max_length, **decode_kwargs):
    """Greedy decoding with ``kzoo.seq2seq_attention`` and its attention matrix.

    Args:
        model: A trained model from ``kzoo.seq2seq_attention``.
        encoder_tokens: int array ``(n, source_steps)``.
        max_length: int. Tokens to generate.
        **decode_kwargs: Passed to :func:`kzoo.greedy_decode`.

    Returns:
        ``(tokens, attention)``: int32 ``(n, max_length)`` and float32
        ``(n, max_length, source_steps)``; row ``t`` is where the decoder
        looked to emit token ``t``.

    Example:
        >>> tokens, attention = kzoo.explain.decoder_attention(model, enc[:1], max_length=7)
        >>> kzoo.explain.plot_attention(attention[0], x_label="source", y_label="output")
    """
    from kzoo.models.attention import greedy_decode

    return greedy_decode(model, encoder_tokens, max_length=max_length, **decode_kwargs)
