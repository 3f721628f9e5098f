"""Normalizing time series: per series (z-normalization) or per channel (fitted on train).

Two different choices, and the choice matters:

* :func:`znormalize` rescales *every series on its own* to mean 0 and std 1
  over time, channel by channel. It is the UCR archive's convention for
  univariate problems (most UCR files are already z-normalized) and the
  right choice when the *shape* is the signal and offset/amplitude vary for
  irrelevant reasons (sensor gain, recording level). It needs no fitting,
  so it cannot leak test statistics. But it erases each series' level and
  amplitude: when those are the signal (BasicMotions: resting vs running is
  mostly the size of the accelerations; power-demand levels; any set where
  one class is "flat"), it destroys information, and a flat series becomes
  all zeros.
* :class:`ChannelStandardizer` keeps the differences between series: one
  mean and one std per channel, computed over every series and step of the
  *training* split, applied to all splits (sklearn-style ``fit`` /
  ``transform``). Use it for multivariate sets whose channels have
  different units or scales, and whenever amplitude carries the class.
  (``kzoo.data.Standardizer`` standardizes each (step, channel) position
  separately, which suits aligned windows, not series of varying length.)

Both skip the padding of variable-length series (trailing steps equal to
``mask_value`` in every channel, see :mod:`kzoo.data.padding`) and keep it
as padding. Written with numpy: scikit-learn's scalers work per column and
know neither the time axis nor padding.
"""

import numpy as np


def _series(x, name="x"):
    from kzoo.data.checks import check_arrays

    if isinstance(x, (list, tuple)) and len({np.shape(s)[:1] for s in x}) > 1:
        raise ValueError(f"{name} holds series of different lengths "
                         f"{sorted({len(s) for s in x})[:5]}...: pad them into one array "
                         f"first with kzoo.data.pad_series(...) and pass its mask_value=. "
                         f"Received: {name} of type {type(x).__name__}")
    x = np.asarray(check_arrays(x, name_x=name)[0], dtype="float32")
    if x.ndim == 2:
        x = x[..., None]
    if x.ndim != 3:
        raise ValueError(f"{name} must be series of shape (n, timesteps, channels). "
                         f"Received: {name} with shape {x.shape}")
    return x


def _valid(x, mask_value):
    """Boolean ``(n, T, 1)``: True on real steps, False on the trailing padding."""
    from kzoo.data.padding import series_lengths

    if mask_value is None:
        return np.ones(x.shape[:2] + (1,), dtype=bool)
    lengths = series_lengths(x, mask_value=mask_value)
    return (np.arange(x.shape[1])[None, :] < lengths[:, None])[..., None]


def znormalize(x, *, mask_value=None, epsilon=1e-8):
    """Per-series z-normalization: each series and channel to mean 0, std 1 over time.

    Args:
        x: array ``(n, timesteps, channels)`` (or ``(n, timesteps)``), finite.
        mask_value: float or None. Padding value of variable-length series
            (:func:`kzoo.data.pad_series`): trailing padded steps are left
            out of the statistics and stay ``mask_value``. Defaults to None
            (no padding).
        epsilon: float. A series whose std is below it (flat) becomes zeros.
            Defaults to 1e-8.

    Returns:
        A float32 array of ``x``'s shape (``(n, timesteps, 1)`` for 2-D input).

    Example:
        >>> x_train = kzoo.data.znormalize(x_train)   # no fit: per series
        >>> x_test = kzoo.data.znormalize(x_test)

    Reference:
        Dau et al., "The UCR Time Series Archive" (2019), on z-normalization.
    """
    x = _series(x)
    valid = _valid(x, mask_value)
    count = np.maximum(valid.sum(axis=1, keepdims=True), 1)
    mean = np.where(valid, x, 0.0).sum(axis=1, keepdims=True) / count
    var = np.where(valid, (x - mean) ** 2, 0.0).sum(axis=1, keepdims=True) / count
    std = np.sqrt(var)
    out = np.where(std > epsilon, (x - mean) / np.where(std > epsilon, std, 1.0), 0.0)
    return np.where(valid, out, x).astype("float32")


class ChannelStandardizer:
    """Per-channel ``(x - mean) / std`` with statistics of the training series.

    One mean and std per channel over every series and step of ``fit``'s
    data (padding excluded with ``mask_value``); constant channels keep std 1.

    Args:
        mask_value: float or None. Padding value of variable-length series;
            padded steps are ignored by ``fit`` and left unchanged by
            ``transform``. Defaults to None.

    Example:
        >>> scaler = kzoo.data.ChannelStandardizer().fit(x_train)
        >>> x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
    """

    def __init__(self, mask_value=None):
        if mask_value is not None and not np.isfinite(mask_value):
            raise ValueError(f"mask_value must be a finite number or None. Received: "
                             f"mask_value={mask_value}")
        self.mask_value = mask_value
        self.mean_ = None
        self.scale_ = None

    def fit(self, x):
        x = _series(x)
        valid = _valid(x, self.mask_value)
        steps = x[np.broadcast_to(valid, x.shape)].reshape(-1, x.shape[2])
        self.mean_ = steps.mean(axis=0)
        std = steps.std(axis=0)
        self.scale_ = np.where(std > 0.0, std, 1.0).astype("float32")
        return self

    def transform(self, x):
        if self.mean_ is None:
            raise ValueError("ChannelStandardizer.transform called before fit.")
        x = _series(x)
        if x.shape[2] != len(self.mean_):
            raise ValueError(f"x must have {len(self.mean_)} channels as in fit. Received: "
                             f"x with shape {x.shape}")
        out = (x - self.mean_) / self.scale_
        return np.where(_valid(x, self.mask_value), out, x).astype("float32")

    def fit_transform(self, x):
        return self.fit(x).transform(x)

    def inverse_transform(self, x):
        x = _series(x)
        out = x * self.scale_ + self.mean_
        return np.where(_valid(x, self.mask_value), out, x).astype("float32")
