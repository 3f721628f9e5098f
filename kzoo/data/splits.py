"""Train / validation / test splits (guide: Training Methodology > Splitting)."""

import dataclasses

import numpy as np

from kzoo import checks, defaults
from kzoo.data.checks import check_arrays


@dataclasses.dataclass
class Splits:
    """Three splits of one dataset. Unpacks as
    ``(x_train, y_train), (x_val, y_val), (x_test, y_test)``."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def train(self):
        return self.x_train, self.y_train

    @property
    def val(self):
        return self.x_val, self.y_val

    @property
    def test(self):
        return self.x_test, self.y_test

    def __iter__(self):
        return iter((self.train, self.val, self.test))

    def __repr__(self):
        return (f"Splits(train={len(self.x_train)}, val={len(self.x_val)}, "
                f"test={len(self.x_test)})")


def _is_classification(y):
    y = np.asarray(y)
    return y.dtype.kind in "biu" and y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1
                                                      and y.dtype.kind in "biu")


def split(x, y, *, val=defaults.SPLIT_FRACTIONS[1], test=defaults.SPLIT_FRACTIONS[2],
          stratify="auto", seed=defaults.SEED):
    """Splits ``(x, y)`` into train / validation / test, 70 / 15 / 15 by default.

    Args:
        x: array-like. Features.
        y: array-like. Targets (integer labels for classification).
        val: float. Fraction for validation. Defaults to 0.15 (guide: 10-15%).
        test: float. Fraction for the final test. Defaults to 0.15 (guide: 10-15%).
            ``test=0`` makes no test split (``x_test`` / ``y_test`` are empty,
            with ``x``'s per-sample shape): for data that comes with an
            official test set, e.g. ``kzoo.data.load_ucr``, carve only a
            validation split from its training set.
        stratify: ``"auto"``, True or False. Keep class proportions in every split;
            ``"auto"`` stratifies when ``y`` holds integer labels.
        seed: int. Shuffling seed, so the split is reproducible.

    Returns:
        A :class:`Splits`.

    Example:
        >>> (x_tr, y_tr), (x_val, y_val), (x_te, y_te) = kzoo.data.split(x, y)
        >>> (x_tr, y_tr), (x_val, y_val), _ = kzoo.data.split(x_train, y_train, val=0.2,
        ...                                                   test=0)
    """
    from sklearn.model_selection import train_test_split

    if y is None:
        raise ValueError("y must be the targets to split with x (use split(x, y)). "
                         "Received: y=None")
    x, y = check_arrays(x, y)
    val = checks.fraction("val", val, allow_zero=False)
    test = checks.fraction("test", test)
    if val + test >= 1.0:
        raise ValueError(f"val + test must be < 1 to leave a training split. Received: "
                         f"val={val}, test={test}")
    checks.one_of("stratify", stratify, ("auto", True, False))
    do_stratify = _is_classification(y) if stratify == "auto" else stratify
    labels = np.asarray(y).reshape(len(y), -1)[:, 0] if do_stratify else None
    if test == 0:
        x_train, x_val, y_train, y_val = train_test_split(
            x, y, test_size=val, random_state=seed, stratify=labels)
        return Splits(x_train, y_train, x_val, y_val, x[:0], y[:0])
    x_rest, x_test, y_rest, y_test, l_rest, _ = train_test_split(
        x, y, labels if labels is not None else np.zeros(len(y)), test_size=test,
        random_state=seed, stratify=labels)
    x_train, x_val, y_train, y_val = train_test_split(
        x_rest, y_rest, test_size=val / (1.0 - test), random_state=seed,
        stratify=l_rest if do_stratify else None)
    return Splits(x_train, y_train, x_val, y_val, x_test, y_test)
