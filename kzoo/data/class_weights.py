"""Class weights for imbalanced labels (guide: Loss Functions > Focal Loss; Quick Diagnosis)."""

import numpy as np


def class_weights(y, *, num_classes=None):
    """Balanced class weights for ``model.fit(class_weight=...)``.

    ``weight[c] = n_samples / (n_classes * count[c])``, the same as
    scikit-learn's ``compute_class_weight("balanced", ...)``: every class
    contributes the same total weight to the loss.

    Args:
        y: array-like. Integer class labels, shape ``(n,)`` or ``(n, 1)``.
        num_classes: int or None. Number of classes; when given, labels must
            lie in ``0 .. num_classes - 1`` and every class must occur.
            Defaults to None (the classes present in ``y``).

    Returns:
        dict mapping each class (int) to its weight (float).

    Example:
        >>> weights = kzoo.data.class_weights(y_train)
        >>> model.fit(x_train, y_train, class_weight=weights)

    Reference:
        Guide: Quick Diagnosis ("All predictions = same class -> class weights").
    """
    from kzoo.data.checks import check_arrays

    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1:
        raise ValueError(f"y must be a vector of integer class labels. Received: y with "
                         f"shape {y.shape}")
    if len(y) == 0 or y.dtype.kind not in "biuf":
        raise ValueError("y must be a non-empty vector of integer class labels. Received: y "
                         f"with shape {y.shape} and dtype {y.dtype}")
    limit = num_classes if num_classes is not None else max(int(y.max()) + 1, 2)
    check_arrays(np.zeros((len(y), 1), "float32"), y, num_classes=limit)
    y = y.astype("int64")
    classes, counts = np.unique(y, return_counts=True)
    if num_classes is not None and len(classes) != num_classes:
        missing = sorted(set(range(num_classes)) - set(classes.tolist()))
        raise ValueError(f"y must contain every class for num_classes={num_classes}. "
                         f"Received: y without class(es) {missing}")
    weights = len(y) / (len(classes) * counts)
    return {int(c): float(w) for c, w in zip(classes, weights)}
