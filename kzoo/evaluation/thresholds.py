"""Precision, recall and F1 of a binary classifier at each decision threshold.

The guide's "Precision vs Recall Dilemma" (Evaluation Metrics): a conservative model
(high threshold) has high precision and low recall, a liberal one (low threshold) the
reverse. :func:`threshold_table` measures both over a grid of thresholds and
:func:`best_threshold` picks the one that maximises a metric (pick it on the validation
split, then report the test split at it). Counts come from
``sklearn.metrics.confusion_matrix``; the loop over thresholds is written here because
scikit-learn's ``precision_recall_curve`` only gives the thresholds the scores happen to
take, not a fixed grid.
"""

import numpy as np

from kzoo import checks

#: The default grid: 0.05, 0.10, ..., 0.95.
DEFAULT_THRESHOLDS = tuple(round(0.05 * k, 2) for k in range(1, 20))

_METRICS = ("precision", "recall", "f1")


def _binary_scores(y_true, scores):
    y_true = np.asarray(y_true).reshape(-1)
    scores = np.asarray(scores, dtype="float64")
    if scores.ndim == 2 and scores.shape[1] == 2:
        scores = scores[:, 1]
    scores = scores.reshape(-1) if scores.ndim == 2 and scores.shape[1] == 1 else scores
    if scores.ndim != 1:
        raise ValueError("scores must be the positive class's probabilities, shape (n,), (n, 1) "
                         f"or (n, 2). Received: scores with shape {np.shape(scores)}")
    if len(scores) != len(y_true) or not len(y_true):
        raise ValueError(f"y_true and scores must have the same, non-zero number of samples. "
                         f"Received: {len(y_true)} labels and {len(scores)} scores")
    if not np.all(np.isfinite(scores)):
        raise ValueError("scores must be finite. Received: scores with NaN or inf")
    if not np.isin(y_true, (0, 1)).all():
        raise ValueError(f"y_true must hold binary labels 0 and 1. Received: labels "
                         f"{np.unique(y_true)[:10]}")
    return y_true.astype("int64"), scores


def threshold_table(y_true, scores, thresholds=DEFAULT_THRESHOLDS):
    """Precision, recall and F1 of the positive class (label 1) at each threshold.

    A sample is predicted positive when its score is ``>= threshold`` (as in
    :func:`kzoo.evaluation.labels_from_probabilities`).

    Args:
        y_true: array-like ``(n,)``. Labels 0 and 1.
        scores: array-like ``(n,)``, ``(n, 1)`` or ``(n, 2)``. Probabilities of class 1
            (a sigmoid output, or the second column of a two-column softmax).
        thresholds: sequence of float in (0, 1). Defaults to 0.05, 0.10, ..., 0.95.

    Returns:
        dict of numpy arrays, one entry per threshold: ``threshold``, ``precision``
        (NaN where nothing is predicted positive: precision is undefined there),
        ``recall``, ``f1`` (``2 TP / (2 TP + FP + FN)``, so 0 when nothing is found) and
        ``predicted_positive`` (the fraction of samples predicted positive).

    Example:
        >>> table = kzoo.evaluation.threshold_table(y_test, model.predict(x_test))
        >>> table["precision"][-1], table["recall"][-1]   # at threshold 0.95

    Reference:
        Guide: Evaluation Metrics > The Precision vs Recall Dilemma.
    """
    from sklearn.metrics import confusion_matrix

    y_true, scores = _binary_scores(y_true, scores)
    thresholds = np.asarray(thresholds, dtype="float64").reshape(-1)
    if not len(thresholds):
        raise ValueError("thresholds must be a non-empty sequence. Received: thresholds=[]")
    for t in thresholds:
        checks.number_in_range("threshold", float(t), 0.0, 1.0, low_inclusive=False,
                               high_inclusive=False)
    rows = {name: [] for name in ("precision", "recall", "f1", "predicted_positive")}
    for t in thresholds:
        predicted = (scores >= t).astype("int64")
        (_, fp), (fn, tp) = confusion_matrix(y_true, predicted, labels=[0, 1])
        precision = tp / (tp + fp) if tp + fp else np.nan
        recall = tp / (tp + fn) if tp + fn else np.nan
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else np.nan
        for name, value in zip(rows, (precision, recall, f1, predicted.mean())):
            rows[name].append(float(value))
    return {"threshold": thresholds, **{k: np.array(v) for k, v in rows.items()}}


def best_threshold(y_true, scores, *, metric="f1", thresholds=DEFAULT_THRESHOLDS):
    """The threshold of ``thresholds`` with the highest ``metric`` (the lowest on ties).

    Args:
        y_true, scores, thresholds: as in :func:`threshold_table`.
        metric: ``"f1"``, ``"precision"`` or ``"recall"``. Defaults to ``"f1"``.

    Returns:
        float: the threshold. Choose it on validation data and apply it to the test
        data (``kzoo.evaluate(..., threshold=t)``), or the test score is optimistic.
    """
    checks.one_of("metric", metric, _METRICS)
    table = threshold_table(y_true, scores, thresholds)
    values = np.nan_to_num(table[metric], nan=-1.0)
    return float(table["threshold"][int(np.argmax(values))])
