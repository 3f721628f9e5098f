"""Tiny example data for the registry: one small learnable task per input kind.

Every registered model's ``Example`` draws its batch from one of these
generators, ``fn(rng: np.random.Generator) -> (x, y)`` (``y`` is None for
unsupervised models), so the families share them instead of each writing its
own. They are also handy for a quick smoke test::

    x, y = kzoo.data.examples.blobs(np.random.default_rng(0))
"""

import functools

import numpy as np

from kzoo.data import tokens as token_data


def blobs(rng, n=96, features=8, classes=3, spread=1.0):
    """Gaussian clusters, one per class: ``(n, features)`` floats, int labels."""
    y = rng.integers(0, classes, size=n)
    centers = rng.normal(0, 3, size=(classes, features))
    x = centers[y] + rng.normal(0, spread, size=(n, features))
    return x.astype("float32"), y.astype("int32")


def linear_target(rng, n=96, features=8):
    """A noisy linear function of Gaussian inputs: ``(n, features)`` -> ``(n, 1)``."""
    x = rng.normal(size=(n, features)).astype("float32")
    y = x @ rng.normal(size=(features, 1)) + 0.1 * rng.normal(size=(n, 1))
    return x, y.astype("float32")


def quadrant_images(rng, n=48, size=8, channels=1, classes=3):
    """Bright blobs in one of ``classes`` image quadrants: a learnable image label."""
    y = rng.integers(0, classes, size=n)
    x = rng.normal(0, 0.3, size=(n, size, size, channels))
    half = size // 2
    for i, label in enumerate(y):
        r, c = divmod(int(label), 2)
        x[i, r * half:(r + 1) * half, c * half:(c + 1) * half] += 1.0
    return x.astype("float32"), y.astype("int32")


def uniform_images(rng, n=32, size=8, classes=None):
    """Uniform noise images in [0, 1] (with random labels when ``classes`` is set)."""
    x = rng.uniform(0, 1, size=(n, size, size, 1)).astype("float32")
    y = None if classes is None else rng.integers(0, classes, size=n).astype("int32")
    return x, y


def low_rank_vectors(rng, n=64, features=12, rank=3, scale=0.5):
    """Points near a ``rank``-dimensional subspace, squashed into (0, 1); no labels."""
    basis = rng.normal(size=(rank, features))
    x = 1 / (1 + np.exp(-scale * (rng.normal(size=(n, rank)) @ basis)))
    return x.astype("float32"), None


def sequence_classes(rng, n=64, steps=12, features=3):
    """Sign of the sum of the first feature over time: a learnable sequence label."""
    x = rng.normal(size=(n, steps, features)).astype("float32")
    return x, (x[:, :, 0].sum(axis=1) > 0).astype("int32")


def series_shapes(rng, n=64, steps=24, channels=1, classes=3, offset=0.0):
    """Noisy series holding one shape at a random place: a bump, a step pulse or a dip.

    The class is the kind of shape (``classes`` <= 3), not where it is, so a
    convolution + global pooling network learns it. ``offset`` shifts every
    value (activations far from the mean 0 / variance 1 batch norm starts from).
    """
    y = rng.integers(0, classes, size=n)
    t = np.arange(steps)
    x = rng.normal(0, 0.3, size=(n, steps, channels))
    width = max(steps // 6, 2)
    for i, label in enumerate(y):
        start = int(rng.integers(0, steps - 2 * width))
        window = (t >= start) & (t < start + 2 * width)
        bump = np.exp(-0.5 * ((t - start - width) / (width / 2)) ** 2)
        x[i, :, :] += [bump, 1.5 * window, -1.5 * bump][int(label)][:, None]
    return (x + offset).astype("float32"), y.astype("int32")


def token_classes(rng, n=64, steps=12, vocab=30):
    """Pre-padded token sequences; label: does token 1 appear?"""
    x = rng.integers(2, vocab, size=(n, steps))
    lengths = rng.integers(3, steps + 1, size=n)
    for i, length in enumerate(lengths):
        x[i, :steps - length] = 0
    y = rng.integers(0, 2, size=n)
    for i in range(n):
        if y[i]:
            x[i, rng.integers(steps - lengths[i], steps)] = 1
    return x.astype("int32"), y.astype("int32")


def sequence_targets(rng, n=64, steps=12, features=2, outputs=3):
    """Targets read from the start and the end of Gaussian sequences."""
    x = rng.normal(size=(n, steps, features)).astype("float32")
    y = x[:, -outputs:, 0] + 0.5 * x[:, :outputs, 1]
    return x, y.astype("float32")


def sequence_summaries(rng, n=64, steps=10, features=3):
    """Two targets per sequence: a first-minus-last difference and a mean over time."""
    x = rng.normal(size=(n, steps, features)).astype("float32")
    y = np.stack([x[:, 0, 0] - x[:, -1, 1], x[:, :, 2].mean(axis=1)], axis=1)
    return x, y.astype("float32")


def token_order(rng, n=64, length=12, vocab=20):
    """``kzoo.data.token_order``: which of two marker tokens comes first."""
    return token_data.token_order(n, length=length, vocab_size=vocab, min_length=6,
                                  seed=int(rng.integers(1 << 30)))


def digit_reversal(rng, n=64, length=5):
    """``kzoo.data.digit_seq2seq`` as ``([encoder, decoder_in], decoder_out)``."""
    enc, dec_in, dec_out = token_data.digit_seq2seq(n, length=length, num_digits=6,
                                                    seed=int(rng.integers(1 << 30)))
    return [enc, dec_in], dec_out


def rings(rng, n=96):
    """Two concentric rings (radius 0.5 -> class 0, 1.5 -> class 1)."""
    radius = rng.choice([0.5, 1.5], size=n)
    angle = rng.uniform(0, 2 * np.pi, size=n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    x = x + rng.normal(0, 0.1, size=(n, 2))
    return x.astype("float32"), (radius > 1).astype("int32")


def moons(rng, n=96):
    """Two interleaving half circles (scikit-learn's two moons, with NumPy)."""
    y = rng.integers(0, 2, size=n)
    angle = rng.uniform(0, np.pi, size=n)
    x = np.where(y[:, None] == 0,
                 np.stack([np.cos(angle), np.sin(angle)], axis=1),
                 np.stack([1 - np.cos(angle), 0.5 - np.sin(angle)], axis=1))
    x = x + rng.normal(0, 0.1, size=(n, 2))
    return x.astype("float32"), y.astype("int32")


def sine(rng, n=96):
    """``sin(x)`` plus a little noise on [-3, 3]: a 1-D function to approximate."""
    x = rng.uniform(-3, 3, size=(n, 1)).astype("float32")
    return x, (np.sin(x) + rng.normal(0, 0.05, size=(n, 1))).astype("float32")


def gaussian_2d(rng, n=64):
    """A shifted, stretched 2-D Gaussian (a distribution for a generator to learn)."""
    x = rng.normal(size=(n, 2)) * [0.5, 1.5] + [2.0, -1.0]
    return x.astype("float32"), None


def unlabelled(fn, **kwargs):
    """``fn`` with its labels dropped: ``(x, None)``."""
    @functools.wraps(fn)
    def data(rng):
        return fn(rng, **kwargs)[0], None
    return data


def reconstruction(fn, **kwargs):
    """``fn`` with the inputs as targets: ``(x, x)`` for autoencoders."""
    @functools.wraps(fn)
    def data(rng):
        x = fn(rng, **kwargs)[0]
        return x, x
    return data


def with_kwargs(fn, **kwargs):
    """``fn`` with some of its size arguments fixed."""
    return functools.partial(fn, **kwargs)
