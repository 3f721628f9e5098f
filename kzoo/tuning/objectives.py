"""Search objectives with an explicit direction.

KerasTuner guesses the direction of a string objective from Keras' metric
registry and *minimises* every name it does not recognise: ``"val_f1_score"``
or ``"val_r2"`` would then select the worst model. kzoo never lets it guess:
every objective handed to a tuner is a ``keras_tuner.Objective(name,
direction)``, with the direction taken from the table below or given by the
user, and an unknown name without a direction is refused.

Default objective per task (``default_objective``):

| task                          | objective      | direction |
|-------------------------------|----------------|-----------|
| binary classification         | ``val_auc``    | max       |
| multiclass classification     | ``val_accuracy`` | max     |
| regression and every other task | ``val_loss`` | min       |

AUC for binary tasks because it does not depend on the 0.5 threshold and
stays informative on imbalanced classes (guide: Evaluation Metrics); the
validation loss for regression because it is the quantity the model is
trained on and the guide's early-stopping monitor.
"""

import re

# Base metric names (without the ``val_`` prefix) that are better when larger.
MAXIMIZE = (
    "accuracy", "acc", "binary_accuracy", "categorical_accuracy",
    "sparse_categorical_accuracy", "top_k_categorical_accuracy",
    "sparse_top_k_categorical_accuracy", "auc", "prc", "pr_auc", "roc_auc",
    "precision", "recall", "f1", "f1_score", "fbeta", "fbeta_score", "r2", "r2_score",
    "iou", "mean_iou", "one_hot_iou", "one_hot_mean_iou", "binary_iou", "dice",
    "specificity", "sensitivity", "true_positives", "true_negatives",
    "precision_at_recall", "recall_at_precision", "sensitivity_at_specificity",
    "specificity_at_sensitivity", "cosine_similarity", "psnr", "ssim", "bleu",
    "silhouette", "explained_variance",
)
# Base metric names that are better when smaller.
MINIMIZE = (
    "loss", "mae", "mse", "rmse", "msle", "mape", "mean_absolute_error",
    "mean_squared_error", "root_mean_squared_error", "mean_squared_logarithmic_error",
    "mean_absolute_percentage_error", "crossentropy", "ce", "binary_crossentropy",
    "categorical_crossentropy", "sparse_categorical_crossentropy", "kl_divergence",
    "kld", "hinge", "squared_hinge", "categorical_hinge", "poisson", "log_cosh",
    "logcosh", "huber", "focal", "false_positives", "false_negatives", "perplexity",
    "reconstruction_loss", "kl_loss", "error", "error_rate",
)
DIRECTIONS = ("min", "max")


def base_name(name: str) -> str:
    """The metric name without ``val_``/``weighted_`` prefixes and ``_N`` suffixes.

    ``clear_session()`` between trials can rename unnamed metrics
    (``val_auc_3``); kzoo's own metrics are explicitly named, but user models
    may not be, so the numeric suffix is ignored when looking up a direction.
    """
    for prefix in ("val_", "weighted_"):
        if name.startswith(prefix):
            name = name[len(prefix):]
    return re.sub(r"_\d+$", "", name)


def infer_direction(name: str):
    """``"max"``, ``"min"`` or None when the metric name is not recognised.

    Args:
        name: str. A metric name as it appears in the ``fit`` logs, such as
            ``"val_auc"`` or ``"val_f1_score"``.

    Returns:
        ``"max"``, ``"min"`` or ``None``.

    Example:
        >>> kzoo.tuning.infer_direction("val_f1_score")
        'max'
    """
    base = base_name(name)
    if base in MAXIMIZE or base.endswith(("_accuracy", "_auc", "_precision", "_recall",
                                          "_f1", "_f1_score", "_r2", "_iou")):
        return "max"
    if base in MINIMIZE or base.endswith(("_loss", "_error", "_crossentropy")):
        return "min"
    return None


def resolve(objective):
    """Turns ``objective`` into ``(name, direction)``, refusing to guess.

    Args:
        objective: str, ``(name, direction)`` tuple, or
            ``keras_tuner.Objective``. A string's direction comes from
            :func:`infer_direction`.

    Returns:
        ``(name, direction)`` with direction ``"min"`` or ``"max"``.

    Raises:
        ValueError: for an unknown name without a direction, a bad direction
            or a multi-objective.
    """
    if isinstance(objective, str):
        if not objective:
            raise ValueError("objective must be a metric name such as 'val_accuracy'. "
                             "Received: objective=''")
        direction = infer_direction(objective)
        if direction is None:
            raise ValueError(
                f"objective {objective!r} is not a metric kzoo knows the direction of, and "
                "KerasTuner would silently minimise it. Pass the direction explicitly: "
                f"objective=({objective!r}, 'max') or ({objective!r}, 'min'). "
                f"Received: objective={objective!r}")
        return objective, direction
    if isinstance(objective, (tuple, list)) and len(objective) == 2 and all(
            isinstance(part, str) for part in objective):
        name, direction = objective
        if direction not in DIRECTIONS:
            raise ValueError(f"The direction of objective must be 'min' or 'max'. "
                             f"Received: objective={tuple(objective)!r}")
        return name, direction
    name = getattr(objective, "name", None)
    direction = getattr(objective, "direction", None)
    if hasattr(objective, "name_to_direction") or isinstance(objective, (list, tuple)):
        raise ValueError("kzoo.tune takes one objective; combine several metrics into one "
                         "logged metric instead. Received: "
                         f"objective={objective!r}")
    if isinstance(name, str) and direction in DIRECTIONS:
        return name, direction
    raise ValueError("objective must be a metric name, a (name, 'min'|'max') tuple or a "
                     f"keras_tuner.Objective. Received: objective={objective!r}")


def default_objective(task: str, reported, *, validation: bool = True):
    """The objective kzoo uses when none is given (see the module table).

    Args:
        task: str. The registry task (``"classification"``, ``"regression"``...)
            or ``None`` for a user's build function.
        reported: iterable of str. Metric names the compiled model reports
            (``loss``, ``accuracy``, ...), without the ``val_`` prefix.
        validation: bool. Whether ``fit`` gets validation data.

    Returns:
        ``(name, direction)``.
    """
    reported = set(reported)
    prefix = "val_" if validation else ""
    if task == "classification":
        for metric in ("auc", "accuracy"):
            if metric in reported:
                return prefix + metric, "max"
    return prefix + "loss", "min"


def make_objective(name: str, direction: str):
    """A ``keras_tuner.Objective`` (imports KerasTuner)."""
    import keras_tuner

    return keras_tuner.Objective(name, direction=direction)
