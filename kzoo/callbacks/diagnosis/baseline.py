"""The trivial predictor: the loss and score a model gets without looking at its inputs.

A classifier that always predicts the class frequencies has a cross-entropy
equal to their entropy (``ln K`` for K balanced classes, the binary entropy of
the base rate for two); a regressor that always predicts the mean has a mean
squared error equal to the targets' variance. A loss far above that level means
training made the model worse than guessing (divergence); a loss that stays
there means it learned nothing (stuck). Its accuracy is the majority class's
share; its R² is 0.

The task is read from the model (its loss and output units) unless given, and
the class frequencies or target variance from labels (the doctor's validation
data) when there are any. Written by hand: Keras and scikit-learn have no
"trivial loss of this compiled model" helper (``sklearn.dummy`` fits the
predictor but does not map a Keras loss to its value).
"""

import dataclasses
import math

import numpy as np

TASKS = ("binary", "multiclass", "regression")

_MULTICLASS_LOSSES = ("sparse_categorical_crossentropy", "categorical_crossentropy")
_BINARY_LOSSES = ("binary_crossentropy",)
_REGRESSION_LOSSES = ("mean_squared_error", "mse")


@dataclasses.dataclass(frozen=True)
class Baseline:
    """What the trivial predictor scores on this task.

    Attributes:
        task: str or None. ``"binary"``, ``"multiclass"``, ``"regression"`` or
            None when the task could not be told (then the trivial-predictor
            checks are off).
        num_classes: int or None. Number of classes of a classifier.
        trivial_loss: float or None. Loss of the trivial predictor.
        chance_score: float or None. Accuracy of always predicting the majority
            class (R² 0 for regression); None when no labels were given.
        source: str. Where the numbers came from, for the evidence.
    """

    task: str = None
    num_classes: int = None
    trivial_loss: float = None
    chance_score: float = None
    source: str = "unknown"


def _loss_name(loss):
    if loss is None:
        return ""
    if isinstance(loss, str):
        return loss.lower()
    for attr in ("name", "__name__"):
        name = getattr(loss, attr, None)
        if isinstance(name, str):
            name = name.lower()
            if name.startswith(("sparse_categorical", "categorical", "binary", "mean_squared",
                                "mse")):
                return name
    # Loss objects named by the user: fall back to the class name, snake-cased.
    cls = type(loss).__name__
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in cls).lstrip("_")


def infer_task(model):
    """Reads ``(task, num_classes)`` from a compiled model's loss and output units.

    Returns ``(None, None)`` for losses other than cross-entropy and MSE (focal,
    Huber, custom...) or models with several outputs.
    """
    if model is None:
        return None, None
    try:
        shape = model.output_shape
    except Exception:
        return None, None
    if not isinstance(shape, tuple) or not shape or isinstance(shape[0], (tuple, list)):
        return None, None
    units = shape[-1]
    name = _loss_name(getattr(model, "loss", None))
    if name in _MULTICLASS_LOSSES and isinstance(units, int) and units >= 2:
        return "multiclass", units
    if name in _BINARY_LOSSES and units == 1:
        return "binary", 2
    if name in _REGRESSION_LOSSES:
        return "regression", None
    return None, None


def _entropy(p):
    p = np.asarray(p, dtype="float64")
    p = p[p > 0]
    return float(-(p * np.log(p)).sum())


def trivial_baseline(task, num_classes=None, y=None):
    """The trivial predictor's loss and score for a task, from labels when given.

    Args:
        task: str or None. One of ``TASKS``.
        num_classes: int or None. Classes of a classifier.
        y: array-like or None. Labels (integers or one-hot) or regression targets.

    Returns:
        A :class:`Baseline`.
    """
    if task is None:
        return Baseline()
    if task == "regression":
        if y is None:
            return Baseline(task, None, None, 0.0, "task (no targets: variance unknown)")
        y = np.asarray(y, dtype="float64").reshape(len(y), -1)
        return Baseline(task, None, float(np.mean(np.var(y, axis=0))), 0.0,
                        "variance of the validation targets")
    k = num_classes or 2
    if y is None:
        return Baseline(task, k, math.log(k), None, f"ln {k} (no labels: balanced classes "
                        "assumed)")
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == k and k > 1:   # one-hot
        freq = y.astype("float64").mean(axis=0)
    else:
        labels = y.reshape(len(y), -1)[:, 0].astype("int64")
        freq = np.bincount(labels, minlength=k) / len(labels)
    return Baseline(task, k, _entropy(freq), float(freq.max()),
                    "class frequencies of the validation labels")
