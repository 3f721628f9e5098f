"""Standardization fitted on the training split only (guide: Phase 1, Preprocessing).

Fitting the scaler on all the data leaks the validation and test statistics
into training; ``standardize`` fits on ``x_train`` and applies the same
transform to the other splits.
"""

import dataclasses

import numpy as np

from kzoo.data.splits import Splits


class Standardizer:
    """Per-feature ``(x - mean) / std`` for arrays of any rank.

    Wraps ``sklearn.preprocessing.StandardScaler`` over the flattened features,
    so images and sequences keep their shape. Constant features keep std 1.
    """

    def __init__(self):
        from sklearn.preprocessing import StandardScaler

        self._scaler = StandardScaler()
        self._shape = None

    def fit(self, x):
        x = np.asarray(x, dtype="float32")
        self._shape = x.shape[1:]
        self._scaler.fit(x.reshape(len(x), -1))
        return self

    def transform(self, x):
        if self._shape is None:
            raise ValueError("Standardizer.transform called before fit.")
        x = np.asarray(x, dtype="float32")
        if x.shape[1:] != self._shape:
            raise ValueError(f"x must have per-sample shape {self._shape} as in fit. "
                             f"Received: x with shape {x.shape}")
        return self._scaler.transform(x.reshape(len(x), -1)).reshape(x.shape).astype("float32")

    def fit_transform(self, x):
        return self.fit(x).transform(x)

    def inverse_transform(self, x):
        x = np.asarray(x, dtype="float32")
        flat = self._scaler.inverse_transform(x.reshape(len(x), -1))
        return flat.reshape(x.shape).astype("float32")

    @property
    def mean(self):
        return self._scaler.mean_.reshape(self._shape)

    @property
    def std(self):
        return self._scaler.scale_.reshape(self._shape)


def standardize(splits: Splits):
    """Standardizes the features of every split with statistics of the training split.

    Returns:
        ``(scaled_splits, standardizer)``; keep the standardizer to transform
        new data the same way at prediction time.

    Example:
        >>> splits, scaler = kzoo.data.standardize(kzoo.data.split(x, y))
    """
    if not isinstance(splits, Splits):
        raise ValueError(f"splits must be a kzoo.data.Splits (from kzoo.data.split). "
                         f"Received: splits of type {type(splits).__name__}")
    scaler = Standardizer().fit(splits.x_train)
    scaled = dataclasses.replace(splits, x_train=scaler.transform(splits.x_train),
                                 x_val=scaler.transform(splits.x_val),
                                 x_test=scaler.transform(splits.x_test))
    return scaled, scaler
