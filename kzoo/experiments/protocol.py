"""The small datasets every claim experiment uses, split and scaled the same way.

The guide's claims protocol (``notebooks/claims.md``) names a handful of datasets so
that experiments in different walkthroughs are comparable. :func:`dataset` returns each
as a :class:`kzoo.data.Splits`, split 70/15/15 (stratified for labels) with the
project's fixed split seed, features scaled with statistics of the training split only:

==================== ==========================================================
name                 what
==================== ==========================================================
``"digits"``         the 1,797 8x8 digits as 64 standardised features (D)
``"digit_images"``   the same digits as ``(8, 8, 1)`` images divided by 16 (DI)
``"noisy_digits"``   150 training digits with 20% of the labels flipped, and the
                     clean validation and test splits of ``"digits"`` (N150)
``"breast_cancer"``  569 x 30, two classes, standardised (BC)
``"diabetes"``       442 x 10 regression, features and target standardised (DB)
``"moons"``          scikit-learn's two moons, 1,000 points, noise 0.2
``"xor"``            four Gaussian clusters in XOR layout, 1,000 points
==================== ==========================================================

Bundled or generated: nothing is downloaded.
"""

import numpy as np

from kzoo import checks, defaults
from kzoo.data.bundled import load_breast_cancer, load_diabetes, load_digits
from kzoo.data.scaling import standardize
from kzoo.data.splits import Splits, split

DATASETS = ("digits", "digit_images", "noisy_digits", "breast_cancer", "diabetes", "moons",
            "xor")

#: N150: the size and label noise of the overfitting experiments (notebook 04's set).
NOISY_TRAIN_SIZE = 150
NOISY_LABEL_FRACTION = 0.2


def dataset(name, *, seed=defaults.SEED):
    """One of the protocol's datasets (see the module docstring), as :class:`Splits`.

    Args:
        name: str. One of :data:`DATASETS`.
        seed: int. Seed of the split (and of the generated data and label noise).
            Defaults to the project's split seed, so every walkthrough sees the same
            split; experiments vary their training seed, not this one.
    """
    checks.one_of("name", name, DATASETS)
    seed = checks.seed("seed", seed)
    if name == "digit_images":
        x, y = load_digits(as_images=True)
        return split(x / 16.0, y, seed=seed)
    if name in ("digits", "noisy_digits"):
        splits, _ = standardize(split(*load_digits(), seed=seed))
        return _noisy(splits, seed) if name == "noisy_digits" else splits
    if name == "breast_cancer":
        return standardize(split(*load_breast_cancer(), seed=seed))[0]
    if name == "diabetes":
        splits, _ = standardize(split(*load_diabetes(), seed=seed))
        mean, std = splits.y_train.mean(), splits.y_train.std()
        scale = lambda y: ((y - mean) / std).astype("float32")  # noqa: E731
        return Splits(splits.x_train, scale(splits.y_train), splits.x_val, scale(splits.y_val),
                      splits.x_test, scale(splits.y_test))
    x, y = _moons(seed) if name == "moons" else _xor(seed)
    return standardize(split(x, y, seed=seed))[0]


def _noisy(splits, seed):
    rng = np.random.default_rng(seed)
    keep = rng.choice(len(splits.x_train), NOISY_TRAIN_SIZE, replace=False)
    x, y = splits.x_train[keep], splits.y_train[keep].copy()
    flip = rng.random(len(y)) < NOISY_LABEL_FRACTION
    y[flip] = rng.integers(0, 10, flip.sum())
    return Splits(x, y, splits.x_val, splits.y_val, splits.x_test, splits.y_test)


def _moons(seed, n=1000):
    from sklearn.datasets import make_moons

    x, y = make_moons(n, noise=0.2, random_state=seed)
    return x.astype("float32"), y.astype("int32")


def _xor(seed, n=1000):
    rng = np.random.default_rng(seed)
    corner = rng.integers(0, 2, size=(n, 2))
    x = (2 * corner - 1) + rng.normal(0, 0.35, size=(n, 2))
    return x.astype("float32"), (corner[:, 0] ^ corner[:, 1]).astype("int32")
