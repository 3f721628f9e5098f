"""Checks on arrays before any training starts.

``check_arrays`` catches what otherwise surfaces as a NaN loss or a cryptic
backend error halfway through ``fit``: non-finite values, ``x``/``y`` length
mismatches and labels outside ``0 .. num_classes - 1``.
"""

import numpy as np


def _as_array(name, value):
    try:
        return np.asarray(value)
    except Exception as e:  # ragged lists and the like
        hint = ""
        if isinstance(value, (list, tuple)) and len({np.shape(v) for v in value}) > 1:
            hint = ("; its items have different shapes: pad sequences of different lengths "
                    "with kzoo.data.pad_series and pass the same mask_value= to the model")
        raise ValueError(f"{name} must be array-like. Received: {name} of type "
                         f"{type(value).__name__} ({e}){hint}") from None


def check_arrays(x, y=None, *, num_classes=None, name_x="x", name_y="y"):
    """Validates features and targets; returns them as NumPy arrays.

    Args:
        x: array-like. Features; must be numeric and finite.
        y: array-like or None. Targets; same length as ``x``.
        num_classes: int or None. When given, ``y`` must hold integer labels in
            ``0 .. num_classes - 1``.

    Raises:
        ValueError: naming the argument and what was wrong with it.
    """
    x = _as_array(name_x, x)
    if x.ndim == 0 or len(x) == 0:
        raise ValueError(f"{name_x} must hold at least one sample. Received: {name_x} with "
                         f"shape {x.shape}")
    if x.dtype.kind in "fc" and not np.isfinite(x).all():
        bad = int((~np.isfinite(x)).sum())
        raise ValueError(f"{name_x} must be finite. Received: {name_x} with {bad} NaN/inf "
                         "value(s); impute or drop them first (guide: Phase 1, Cleaning)")
    if x.dtype.kind not in "biuf":
        raise ValueError(f"{name_x} must be numeric. Received: {name_x} with dtype {x.dtype}")
    if y is None:
        return x, None
    y = _as_array(name_y, y)
    if y.ndim == 0 or len(y) != len(x):
        raise ValueError(f"{name_x} and {name_y} must have the same number of samples. "
                         f"Received: len({name_x})={len(x)}, {name_y} with shape {y.shape}")
    if y.dtype.kind in "fc" and not np.isfinite(y).all():
        raise ValueError(f"{name_y} must be finite. Received: {name_y} with "
                         f"{int((~np.isfinite(y)).sum())} NaN/inf value(s)")
    if num_classes is not None:
        if y.ndim > 2 or (y.ndim == 2 and y.shape[1] != 1):
            raise ValueError(f"{name_y} must hold one integer label per sample (0 .. "
                             f"{num_classes - 1}), not one-hot vectors. Received: {name_y} with "
                             f"shape {y.shape}")
        if y.dtype.kind == "f" and not np.all(np.equal(np.mod(y, 1), 0)):
            raise ValueError(f"{name_y} must hold integer class labels. Received: "
                             f"{name_y} with non-integer values such as "
                             f"{y[np.mod(y, 1) != 0].flat[0]!r}")
        if y.dtype.kind not in "biuf":
            raise ValueError(f"{name_y} must hold integer class labels. Received: {name_y} "
                             f"with dtype {y.dtype}")
        low, high = y.min(), y.max()
        if low < 0 or high >= num_classes:
            raise ValueError(f"{name_y} labels must be in 0..{num_classes - 1} for "
                             f"num_classes={num_classes}. Received: {name_y} with labels in "
                             f"{int(low)}..{int(high)}")
    return x, y
