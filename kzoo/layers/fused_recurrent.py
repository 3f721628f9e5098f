"""``kzoo.layers.LSTM`` / ``kzoo.layers.GRU``: Keras' layers with a fused PyTorch path.

Drop-in subclasses of ``keras.layers.LSTM`` and ``keras.layers.GRU``: the
same arguments, the same weights (names, shapes, gate order) and the same
``.keras`` files. On the torch backend, when
:func:`kzoo.backend.fused_rnn.supported` allows it (no ``recurrent_dropout``,
tanh/sigmoid, a mask of contiguous kept steps or none), the recurrence runs
on PyTorch's fused ``torch.lstm`` / ``torch.gru`` kernels instead of Keras'
step-by-step Python loop; everywhere else (JAX, TensorFlow, other
configurations) it is exactly Keras' layer. Input ``dropout`` is applied the
way Keras' own fused (cuDNN) path applies it: one mask per sequence.

Reference: guide "Sequence Models - Architecture and Usage" (LSTM, GRU);
Hochreiter & Schmidhuber 1997; Cho et al. 2014.
"""

import keras

from kzoo.backend import fused_rnn
from kzoo.serialization import Config


def _fused_inner_loop(layer, sequences, initial_state, mask, training):
    """Keras' cuDNN-path input dropout, then the fused kernel."""
    if training and layer.dropout:
        dp_mask = layer.cell.get_dropout_mask(sequences[:, 0, :])
        sequences = sequences * keras.ops.expand_dims(dp_mask, axis=1)
    return fused_rnn.run(layer, sequences, initial_state, mask=mask)


@keras.saving.register_keras_serializable(package="kzoo")
class LSTM(Config, keras.layers.LSTM):
    """``keras.layers.LSTM`` that runs on PyTorch's fused kernel on the torch backend.

    Args:
        units: int. Dimensionality of the output space.
        **kwargs: every other ``keras.layers.LSTM`` argument.

    Example:
        >>> import numpy as np
        >>> layer = kzoo.layers.LSTM(8)
        >>> layer(np.zeros((2, 5, 3), "float32")).shape
        (2, 8)

    Reference:
        Guide: Sequence Models > 2. LSTM (Long Short-Term Memory).
    """

    def inner_loop(self, sequences, initial_state, mask, training=False):
        state = list(initial_state) if isinstance(initial_state, (list, tuple)) else [
            initial_state]
        first_mask = mask[0] if isinstance(mask, (list, tuple)) else mask
        if fused_rnn.supported(self, first_mask):
            return _fused_inner_loop(self, sequences, state, first_mask, training)
        return super().inner_loop(sequences, initial_state, mask=mask, training=training)


@keras.saving.register_keras_serializable(package="kzoo")
class GRU(Config, keras.layers.GRU):
    """``keras.layers.GRU`` that runs on PyTorch's fused kernel on the torch backend.

    Args:
        units: int. Dimensionality of the output space.
        **kwargs: every other ``keras.layers.GRU`` argument (the fused path
            needs the default ``reset_after=True``).

    Example:
        >>> import numpy as np
        >>> layer = kzoo.layers.GRU(8, return_sequences=True)
        >>> layer(np.zeros((2, 5, 3), "float32")).shape
        (2, 5, 8)

    Reference:
        Guide: Sequence Models > 3. GRU (Gated Recurrent Unit).
    """

    def inner_loop(self, sequences, initial_state, mask, training=False):
        state = initial_state
        while isinstance(state, (list, tuple)):
            state = state[0]
        first_mask = mask[0] if isinstance(mask, (list, tuple)) else mask
        if fused_rnn.supported(self, first_mask):
            return _fused_inner_loop(self, sequences, [state], first_mask, training)
        return super().inner_loop(sequences, initial_state, mask=mask, training=training)
