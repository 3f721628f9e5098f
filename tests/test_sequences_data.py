"""kzoo.data.sequences: the adding problem, seasonal series, windows and the naive forecast."""

import numpy as np
import pytest

from kzoo import data


def test_adding_problem_shapes_markers_and_targets():
    x, y = data.adding_problem(200, 30, seed=3)
    assert x.shape == (200, 30, 2) and x.dtype == np.float32
    assert y.shape == (200, 1) and y.dtype == np.float32
    markers = x[:, :, 1]
    assert np.all(markers.sum(axis=1) == 2)
    first = markers.argmax(axis=1)
    second = 29 - markers[:, ::-1].argmax(axis=1)
    assert np.all(first < 15) and np.all(second >= 15)
    np.testing.assert_allclose(y[:, 0], (x[:, :, 0] * markers).sum(axis=1), rtol=1e-6)
    assert 0.0 <= x[:, :, 0].min() and x[:, :, 0].max() < 1.0


def test_adding_problem_baseline_is_one_sixth_and_seeded():
    _, y = data.adding_problem(20_000, 10, seed=0)
    # Predicting the mean (1.0) scores the variance of a sum of two U(0, 1).
    assert np.mean((y - 1.0) ** 2) == pytest.approx(2 / 12, abs=0.01)
    a, _ = data.adding_problem(5, 10, seed=1)
    b, _ = data.adding_problem(5, 10, seed=1)
    c, _ = data.adding_problem(5, 10, seed=2)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_seasonal_series_is_periodic_with_trend_and_noise():
    clean = data.seasonal_series(240, period=24, trend=0.0, noise=0.0)
    assert clean.shape == (240,) and clean.dtype == np.float32
    np.testing.assert_allclose(clean[:-24], clean[24:], atol=1e-5)  # one period later
    trend = data.seasonal_series(240, period=24, trend=0.01, noise=0.0)
    np.testing.assert_allclose(trend - clean, 0.01 * np.arange(240), atol=1e-4)
    noisy = data.seasonal_series(240, period=24, trend=0.0, noise=0.1, seed=0)
    assert np.std(noisy - clean) == pytest.approx(0.1, rel=0.2)
    np.testing.assert_array_equal(noisy, data.seasonal_series(240, trend=0.0, seed=0))


def test_make_windows_univariate():
    x, y = data.make_windows(np.arange(10.0), lookback=3, horizon=2)
    assert x.shape == (6, 3, 1) and y.shape == (6, 2)
    np.testing.assert_array_equal(x[0, :, 0], [0, 1, 2])
    np.testing.assert_array_equal(y[0], [3, 4])
    np.testing.assert_array_equal(x[-1, :, 0], [5, 6, 7])
    np.testing.assert_array_equal(y[-1], [8, 9])
    x, y = data.make_windows(np.arange(10.0), lookback=3, stride=3)
    np.testing.assert_array_equal(x[:, 0, 0], [0, 3, 6])
    np.testing.assert_array_equal(y[:, 0], [3, 6, 9])


def test_make_windows_multivariate_targets_first_feature():
    series = np.stack([np.arange(8.0), 100 + np.arange(8.0)], axis=1)
    x, y = data.make_windows(series, lookback=4, horizon=1)
    assert x.shape == (4, 4, 2) and y.shape == (4, 1)
    np.testing.assert_array_equal(x[1, :, 1], [101, 102, 103, 104])
    np.testing.assert_array_equal(y[:, 0], [4, 5, 6, 7])


def test_naive_forecast_repeats_the_last_value():
    x, y = data.make_windows(np.arange(10.0), lookback=3, horizon=2)
    naive = data.naive_forecast(x, horizon=2)
    assert naive.shape == (6, 2)
    np.testing.assert_array_equal(naive[:, 0], x[:, -1, 0])
    np.testing.assert_array_equal(naive[:, 1], x[:, -1, 0])
    np.testing.assert_array_equal(data.naive_forecast(x[:, :, 0], 1)[:, 0], [2, 3, 4, 5, 6, 7])


@pytest.mark.parametrize("call, match", [
    (lambda: data.make_windows(np.arange(5.0), lookback=4, horizon=2),
     r"lookback \+ horizon must be <= the series length \(5\). Received: lookback=4, "
     r"horizon=2"),
    (lambda: data.make_windows(np.arange(5.0), lookback=0), r"Received: lookback=0"),
    (lambda: data.make_windows(np.arange(5.0), lookback=2, horizon=0), r"Received: horizon=0"),
    (lambda: data.make_windows(np.arange(5.0), lookback=2, stride=0), r"Received: stride=0"),
    (lambda: data.make_windows(np.zeros((4, 2, 2)), lookback=1), r"shape \(4, 2, 2\)"),
    (lambda: data.make_windows([0.0, np.nan, 1.0], lookback=1), r"series must be finite"),
    (lambda: data.adding_problem(0, 10), r"Received: n=0"),
    (lambda: data.adding_problem(10, 1), r"Received: length=1"),
    (lambda: data.adding_problem(10, 5, seed=1.5), r"Received: seed=1.5"),
    (lambda: data.seasonal_series(100, period=1), r"Received: period=1"),
    (lambda: data.seasonal_series(100, noise=-1.0), r"Received: noise=-1.0"),
    (lambda: data.naive_forecast(np.zeros(4)), r"Received: x with shape \(4,\)"),
    (lambda: data.naive_forecast(np.zeros((4, 3)), horizon=0), r"Received: horizon=0"),
])
def test_bad_arguments_raise_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()
