"""Datasets that ship with scikit-learn, so every recipe runs offline.

Each loader returns ``(x, y)`` as float32 features and int32 labels (float32
targets for regression). scikit-learn is imported inside the functions to keep
``import kzoo`` light.
"""

import numpy as np


def load_digits(*, as_images=False):
    """The 1,797 8x8 handwritten digits (10 classes).

    Args:
        as_images: bool. Return ``(n, 8, 8, 1)`` images instead of ``(n, 64)``
            vectors. Pixel values stay in 0..16; scale them with
            ``kzoo.data.standardize`` or divide by 16.

    Returns:
        ``(x, y)`` with ``x`` float32 and ``y`` int32 in 0..9.
    """
    from sklearn import datasets

    bunch = datasets.load_digits()
    x = bunch.images if as_images else bunch.data
    x = np.asarray(x, dtype="float32")
    if as_images:
        x = x[..., None]
    return x, bunch.target.astype("int32")


def load_breast_cancer():
    """The Wisconsin breast-cancer table: 569 samples, 30 features, 2 classes.

    Returns:
        ``(x, y)`` with ``x`` float32 of shape ``(569, 30)`` and ``y`` int32 in {0, 1}.
    """
    from sklearn import datasets

    bunch = datasets.load_breast_cancer()
    return bunch.data.astype("float32"), bunch.target.astype("int32")


def load_diabetes():
    """The diabetes progression table: 442 samples, 10 features, one target.

    Returns:
        ``(x, y)`` with ``x`` float32 of shape ``(442, 10)`` and ``y`` float32 of
        shape ``(442, 1)``.
    """
    from sklearn import datasets

    bunch = datasets.load_diabetes()
    return bunch.data.astype("float32"), bunch.target.astype("float32")[:, None]
