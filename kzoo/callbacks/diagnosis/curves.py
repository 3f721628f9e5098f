"""Noise-aware summaries of a training curve (one value per epoch).

Real curves are noisy: small data, small batches and dropout make the loss
wander from epoch to epoch. Every test here compares a change with the curve's
own variation or with medians over a few epochs, never a single step with a
fixed relative threshold (a rise from 0.039 to 0.077 is +95% but nothing at a
loss 20 times below the trivial predictor's). Written by hand: these are a few
lines of ``statistics`` each, and no library packages them for training curves.
"""

import math
import statistics


def med3(xs, i):
    """Median of ``xs[i-2..i]`` (clipped at the start): one value, robust to a spike."""
    return statistics.median(xs[max(0, i - 2):i + 1])


def median(xs, lo, hi):
    """Median of ``xs[lo..hi]`` (inclusive, clipped at the start)."""
    return statistics.median(xs[max(0, lo):hi + 1])


def drop(xs, i, span=5):
    """How much the 3-epoch median fell over the last ``span`` epochs (> 0: falling)."""
    return med3(xs, i - span) - med3(xs, i)


def step_noise(xs, i, window=10):
    """The curve's own epoch-to-epoch variation: median ``|x_j - x_(j-1)|`` over the
    last ``window`` epochs up to ``i``."""
    steps = [abs(xs[j] - xs[j - 1]) for j in range(max(1, i - window + 1), i + 1)]
    return statistics.median(steps) if steps else 0.0


def rise_is_a_trend(rise, noise, epochs):
    """True when a rise over ``epochs`` epochs is larger than a random walk with the
    curve's own step (``noise``) would wander: ``rise >= 2 * noise * sqrt(epochs)``."""
    return rise >= 2.0 * noise * math.sqrt(max(epochs, 1))


def swings(xs, relative, absolute):
    """Counts the moves of ``xs`` larger than ``relative`` times the previous value and
    than ``absolute``: returns ``(rises, falls, largest_rise)``."""
    rises = falls = 0
    largest = 0.0
    for a, b in zip(xs, xs[1:]):
        move = b - a
        if abs(move) > relative * abs(a) and abs(move) > absolute:
            if move > 0:
                rises += 1
                largest = max(largest, move)
            else:
                falls += 1
    return rises, falls, largest


def early_stopping_epoch(values, patience, min_delta=0.0):
    """Where ``keras.callbacks.EarlyStopping(patience=...)`` on ``values`` would stop.

    Returns ``(best_epoch, stop_epoch)``, both 1-based; ``stop_epoch`` is None while
    the run has not yet gone ``patience`` epochs without improving.
    """
    best, best_epoch, wait = math.inf, 0, 0
    for epoch, value in enumerate(values, start=1):
        if value < best - min_delta:
            best, best_epoch, wait = value, epoch, 0
        else:
            wait += 1
            if wait >= patience:
                return best_epoch, epoch
    return best_epoch, None
