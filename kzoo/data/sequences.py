"""Synthetic sequence data: a long-memory task, a seasonal series and windows over it.

* :func:`adding_problem` is the classic test of long-range memory
  (Hochreiter & Schmidhuber, 1997): the guide's claim that a plain RNN
  "forgets on long sequences" while an LSTM or GRU remembers, made measurable.
* :func:`seasonal_series`, :func:`make_windows` and :func:`naive_forecast`
  turn a noisy seasonal signal into a supervised forecasting problem with the
  baseline every forecaster must beat (guide: Sequence Models > Types of data,
  time series; Training Methodology > Phase 2, Baseline Model).

Everything is NumPy and seeded, so tests, recipes and notebooks are reproducible.
"""

import numpy as np

from kzoo import checks, defaults


def _check_seed(seed):
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
        raise ValueError(f"seed must be an integer or None. Received: seed={seed!r}")
    return seed


def adding_problem(n, length, *, seed=defaults.SEED):
    """The adding problem: remember two marked numbers over ``length`` steps.

    Every sequence holds ``length`` steps of two features: a value drawn
    uniformly from [0, 1) and a marker that is 1 at exactly two steps (one in
    the first half of the sequence, one in the second half) and 0 elsewhere.
    The target is the sum of the two marked values. A model that cannot carry
    information across the sequence does no better than always predicting the
    mean, 1.0, whose mean squared error is ``2 / 12 ~= 0.167`` (the variance of
    the sum of two uniform values).

    Args:
        n: int. Number of sequences.
        length: int. Time steps per sequence (>= 2). The first marker falls in
            steps ``0 .. length // 2 - 1``, so the model must remember it for
            at least ``length / 2`` steps on average.
        seed: int or None. Seed of the random generator. Defaults to
            ``kzoo.defaults.SEED``.

    Returns:
        ``(x, y)``: ``x`` float32 of shape ``(n, length, 2)`` (value, marker)
        and ``y`` float32 of shape ``(n, 1)``.

    Example:
        >>> x, y = kzoo.data.adding_problem(2000, 50)
        >>> model = kzoo.lstm_regressor(input_shape=(50, 2))

    Reference:
        Hochreiter & Schmidhuber (1997), "Long Short-Term Memory", experiment 4.
    """
    checks.positive_int("n", n)
    checks.positive_int("length", length, minimum=2)
    rng = np.random.default_rng(_check_seed(seed))
    values = rng.uniform(0.0, 1.0, size=(n, length)).astype("float32")
    half = length // 2
    first = rng.integers(0, half, size=n)
    second = rng.integers(half, length, size=n)
    markers = np.zeros((n, length), dtype="float32")
    rows = np.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = np.stack([values, markers], axis=-1)
    y = (values[rows, first] + values[rows, second])[:, None].astype("float32")
    return x, y


def seasonal_series(n_steps, *, period=24, trend=0.002, noise=0.1, seed=defaults.SEED):
    """A noisy seasonal series: trend + two harmonics of ``period`` + Gaussian noise.

    ``s[t] = trend * t + sin(2 pi t / period) + 0.5 sin(4 pi t / period + 1) + e[t]``
    with ``e[t] ~ N(0, noise^2)``. With hourly steps and ``period=24`` it reads
    as a daily cycle on a slow drift, the shape of the guide's temperature and
    sales examples.

    Args:
        n_steps: int. Length of the series (>= 2).
        period: int. Steps per seasonal cycle (>= 2). Defaults to 24.
        trend: float. Linear drift per step. Defaults to 0.002.
        noise: float. Standard deviation of the noise (>= 0). Defaults to 0.1.
        seed: int or None. Seed of the noise. Defaults to ``kzoo.defaults.SEED``.

    Returns:
        A float32 array of shape ``(n_steps,)``.

    Example:
        >>> series = kzoo.data.seasonal_series(2000)
        >>> x, y = kzoo.data.make_windows(series, lookback=48, horizon=6)
    """
    checks.positive_int("n_steps", n_steps, minimum=2)
    checks.positive_int("period", period, minimum=2)
    trend = checks.number_in_range("trend", trend)
    noise = checks.non_negative("noise", noise)
    rng = np.random.default_rng(_check_seed(seed))
    t = np.arange(n_steps, dtype="float64")
    phase = 2.0 * np.pi * t / period
    series = trend * t + np.sin(phase) + 0.5 * np.sin(2.0 * phase + 1.0)
    series = series + rng.normal(0.0, noise, size=n_steps) if noise else series
    return series.astype("float32")


def make_windows(series, lookback, horizon=1, *, stride=1):
    """Sliding windows over a series: ``lookback`` steps in, ``horizon`` steps out.

    Window ``i`` starts at step ``s = i * stride``; its input is
    ``series[s : s + lookback]`` (all features) and its target is the
    **first feature** of the ``horizon`` following steps,
    ``series[s + lookback : s + lookback + horizon, 0]``. Put the variable to
    forecast in column 0 of a multivariate series.

    Args:
        series: array-like of shape ``(T,)`` or ``(T, F)``. Must be finite.
        lookback: int. Steps the model sees (>= 1).
        horizon: int. Steps to forecast (>= 1). Defaults to 1.
        stride: int. Steps between the starts of two windows. Defaults to 1.

    Returns:
        ``(x, y)``: ``x`` float32 of shape ``(n, lookback, F)`` (``F = 1`` for
        a 1-D series) and ``y`` float32 of shape ``(n, horizon)``, with
        ``n = (T - lookback - horizon) // stride + 1``.

    Raises:
        ValueError: when ``lookback + horizon`` is longer than the series.

    Example:
        >>> x, y = kzoo.data.make_windows(np.arange(10.0), lookback=3, horizon=2)
        >>> x.shape, y.shape
        ((6, 3, 1), (6, 2))
    """
    checks.positive_int("lookback", lookback)
    checks.positive_int("horizon", horizon)
    checks.positive_int("stride", stride)
    try:
        values = np.asarray(series, dtype="float32")
    except (TypeError, ValueError) as e:
        raise ValueError(f"series must be a numeric array. Received: series of type "
                         f"{type(series).__name__} ({e})") from None
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise ValueError(f"series must have shape (T,) or (T, F). Received: series with "
                         f"shape {values.shape}")
    if not np.isfinite(values).all():
        raise ValueError("series must be finite. Received: series with "
                         f"{int((~np.isfinite(values)).sum())} NaN/inf value(s)")
    steps = len(values)
    if lookback + horizon > steps:
        raise ValueError(f"lookback + horizon must be <= the series length ({steps}). "
                         f"Received: lookback={lookback}, horizon={horizon}")
    starts = np.arange(0, steps - lookback - horizon + 1, stride)
    x_index = starts[:, None] + np.arange(lookback)[None, :]
    y_index = starts[:, None] + lookback + np.arange(horizon)[None, :]
    return values[x_index], values[y_index, 0]


def naive_forecast(x, horizon=1):
    """The naive forecast: the last observed value, repeated ``horizon`` times.

    The baseline a forecaster has to beat (guide: Phase 2, Baseline Model).
    For windows from :func:`make_windows` it uses the first feature, the one
    the targets are taken from.

    Args:
        x: array-like of shape ``(n, lookback)`` or ``(n, lookback, F)``.
        horizon: int. Number of steps forecast. Defaults to 1.

    Returns:
        A float32 array of shape ``(n, horizon)``.

    Example:
        >>> baseline = kzoo.data.naive_forecast(x_val, horizon=6)
        >>> naive_mse = np.mean((baseline - y_val) ** 2)
    """
    checks.positive_int("horizon", horizon)
    x = np.asarray(x, dtype="float32")
    if x.ndim not in (2, 3) or x.shape[1] == 0:
        raise ValueError(f"x must have shape (n, lookback) or (n, lookback, F). "
                         f"Received: x with shape {x.shape}")
    last = x[:, -1] if x.ndim == 2 else x[:, -1, 0]
    return np.repeat(last[:, None], horizon, axis=1)
