"""Padding numeric variable-length series to one array, and finding their lengths back.

Keras' ``keras.utils.pad_sequences`` pads integer token lists; numeric series
of shape ``(timesteps_i, channels)`` need float padding and a value for the
padded steps that the models can mask (``mask_value=`` of the recurrent and
attention factories inserts ``keras.layers.Masking(mask_value)`` at their
input). Padding goes at the end ("post"): the recurrent layers' fused kernels
need right-padded masks. A step is padding when every channel equals
``mask_value``, so choose a value the data cannot take at a whole step (the
default 0.0 is safe after z-normalization of real-valued data, not for raw
counts that can be all zero).
"""

import numpy as np

MASK_VALUE = 0.0


def _as_series(i, s):
    s = np.asarray(s, dtype="float32")
    if s.ndim == 1:
        s = s[:, None]
    if s.ndim != 2 or len(s) == 0:
        raise ValueError(f"sequences must be arrays of shape (timesteps, channels) with at "
                         f"least one step. Received: sequences[{i}] with shape {s.shape}")
    return s


def pad_series(sequences, *, maxlen=None, mask_value=MASK_VALUE, truncating="post"):
    """Pads float series ``(timesteps_i, channels)`` at the end into ``(n, T, channels)``.

    Args:
        sequences: list of array-like, each ``(timesteps_i, channels)`` (or
            ``(timesteps_i,)`` for one channel), all with the same channels.
        maxlen: int or None. Length ``T`` of the result; longer series are
            cut. Defaults to None (the longest series).
        mask_value: float. Value of the padded steps (every channel). Pass
            the same value as ``mask_value=`` to the model. Defaults to 0.0.
        truncating: str. ``"post"`` keeps the first ``maxlen`` steps of a
            longer series, ``"pre"`` the last. Defaults to ``"post"``.

    Returns:
        A float32 array ``(n, T, channels)``.

    Example:
        >>> x = kzoo.data.pad_series([np.ones((3, 2)), np.ones((5, 2))])
        >>> x.shape
        (2, 5, 2)
        >>> model = kzoo.lstm_classifier(num_classes=2, input_shape=(None, 2),
        ...                              mask_value=0.0)
    """
    from kzoo import checks

    if isinstance(sequences, np.ndarray) and sequences.ndim == 3:
        sequences = list(sequences)
    if not isinstance(sequences, (list, tuple)) or not sequences:
        raise ValueError("sequences must be a non-empty list of (timesteps, channels) arrays. "
                         f"Received: sequences of type {type(sequences).__name__}")
    series = [_as_series(i, s) for i, s in enumerate(sequences)]
    channels = {s.shape[1] for s in series}
    if len(channels) != 1:
        raise ValueError("sequences must all have the same number of channels. Received: "
                         f"channels {sorted(channels)}")
    if maxlen is not None:
        checks.positive_int("maxlen", maxlen)
    checks.one_of("truncating", truncating, ("pre", "post"))
    if not np.isfinite(mask_value):
        raise ValueError(f"mask_value must be a finite number. Received: mask_value={mask_value}")
    length = maxlen or max(len(s) for s in series)
    out = np.full((len(series), length, channels.pop()), mask_value, dtype="float32")
    for i, s in enumerate(series):
        s = s[:length] if truncating == "post" else s[-length:]
        out[i, :len(s)] = s
    return out


def series_lengths(x, *, mask_value=MASK_VALUE):
    """Length of each padded series: steps up to the last one that is not all ``mask_value``.

    Args:
        x: array ``(n, T, channels)`` padded at the end (e.g. by :func:`pad_series`).
        mask_value: float. The padding value. Defaults to 0.0.

    Returns:
        An int64 array ``(n,)``.

    Example:
        >>> kzoo.data.series_lengths(kzoo.data.pad_series([np.ones(3), np.ones(5)]))
        array([3, 5])
    """
    x = np.asarray(x, dtype="float32")
    if x.ndim != 3:
        raise ValueError("x must be padded series of shape (n, timesteps, channels). "
                         f"Received: x with shape {x.shape}")
    real = np.any(x != mask_value, axis=2)                       # (n, T)
    last = x.shape[1] - np.argmax(real[:, ::-1], axis=1)
    return np.where(real.any(axis=1), last, 0).astype("int64")
