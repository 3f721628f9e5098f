"""Class labels from a classifier's probabilities, binary and multiclass alike.

kzoo classifiers end in one sigmoid unit for 2 classes (``(n, 1)``
probabilities of class 1) and a softmax for more (``(n, K)``): the argmax of
the first is always 0. :func:`predict_labels` turns either into labels.
"""

import numpy as np


def labels_from_probabilities(probabilities, *, threshold=0.5):
    """Integer labels from ``(n, 1)`` sigmoid or ``(n, K)`` softmax outputs.

    Args:
        probabilities: array ``(n,)``, ``(n, 1)`` (probability of class 1) or ``(n, K)``.
        threshold: float. Decision threshold of the binary case. Defaults to 0.5.

    Returns:
        An int64 array ``(n,)``.
    """
    from kzoo import checks

    checks.number_in_range("threshold", threshold, 0.0, 1.0, low_inclusive=False,
                           high_inclusive=False)
    p = np.asarray(probabilities)
    if p.ndim == 1 or (p.ndim == 2 and p.shape[1] == 1):
        return (p.reshape(-1) >= threshold).astype("int64")
    if p.ndim == 2:
        return np.argmax(p, axis=1).astype("int64")
    raise ValueError("probabilities must have shape (n,), (n, 1) or (n, classes). Received: "
                     f"probabilities with shape {p.shape}")


def predict_labels(model, x, encoder=None, *, threshold=0.5, batch_size=None):
    """Predicted class labels of a classifier, binary ``(n, 1)`` or multiclass ``(n, K)``.

    Args:
        model: keras.Model. A classifier ending in a sigmoid (one unit) or softmax.
        x: array-like. Inputs.
        encoder: ``sklearn.preprocessing.LabelEncoder`` or None. When given
            (e.g. ``kzoo.data.load_ucr(...).encoder``), labels are mapped back
            to the original ones with ``encoder.inverse_transform``. Defaults
            to None (integer labels 0..K-1).
        threshold: float. Decision threshold for a one-unit sigmoid. Defaults to 0.5.
        batch_size: int or None. Passed to ``model.predict``. Defaults to None.

    Returns:
        A numpy array ``(n,)`` of labels.

    Example:
        >>> data = kzoo.data.load_ucr("GunPoint")
        >>> model.fit(data.x_train, data.y_train)
        >>> kzoo.evaluation.predict_labels(model, data.x_test, data.encoder)[:3]
        array([1, 2, 2])
    """
    import keras

    if not isinstance(model, keras.Model):
        raise ValueError(f"model must be a keras.Model. Received: model={model!r}")
    if encoder is not None and not hasattr(encoder, "inverse_transform"):
        raise ValueError("encoder must be a fitted sklearn LabelEncoder (with inverse_transform)"
                         f" or None. Received: encoder={encoder!r}")
    labels = labels_from_probabilities(model.predict(x, batch_size=batch_size, verbose=0),
                                       threshold=threshold)
    if encoder is None:
        return labels
    classes = getattr(encoder, "classes_", None)
    if classes is None or labels.max(initial=0) >= len(classes):
        raise ValueError(f"encoder must know the model's {int(labels.max()) + 1}+ classes. "
                         f"Received: encoder with classes {classes}")
    return encoder.inverse_transform(labels)
