"""Task heads and compile defaults.

One place decides, per task, the output layer, the loss and the metrics:

| task         | output                      | loss                            | metrics                            |
|--------------|-----------------------------|---------------------------------|------------------------------------|
| binary       | 1 unit, sigmoid             | binary cross-entropy            | accuracy, auc, precision, recall   |
| multiclass   | ``num_classes`` units, softmax | sparse categorical cross-entropy | accuracy                         |
| regression   | ``outputs`` units, linear   | mean squared error              | mae, rmse, r2                      |

Labels for classifiers are integers (``0 .. num_classes - 1``). Metrics have
explicit names so that logs read ``val_auc`` rather than ``val_auc_3`` after
``keras.backend.clear_session()`` (Loss Functions / Evaluation Metrics).
"""

import keras

from kzoo import checks, defaults
from kzoo.serialization import Config

OPTIMIZERS = defaults.OPTIMIZER_CHOICES


def classification_kind(num_classes: int) -> str:
    """``"binary"`` for 2 classes, ``"multiclass"`` above."""
    checks.num_classes(num_classes)
    return "binary" if num_classes == 2 else "multiclass"


def classification_output(x, num_classes: int, name: str = "output", **dense_kwargs):
    """The guide's output layer for classification: sigmoid or softmax.

    ``dense_kwargs`` go to the ``Dense`` layer (e.g. ``kernel_regularizer``).
    The output is float32 even under a mixed-precision policy.
    """
    if classification_kind(num_classes) == "binary":
        units, activation = 1, "sigmoid"
    else:
        units, activation = num_classes, "softmax"
    checks.fits_in_memory(f"The output layer ({x.shape[-1]} inputs x {units} units)",
                          (x.shape[-1] or 1) * units)
    return keras.layers.Dense(units, activation=activation, name=name, dtype="float32",
                              **dense_kwargs)(x)


def regression_output(x, outputs: int = 1, name: str = "output", **dense_kwargs):
    """A linear float32 output layer with ``outputs`` units."""
    checks.positive_int("outputs", outputs)
    return keras.layers.Dense(outputs, name=name, dtype="float32", **dense_kwargs)(x)


def classification_loss(num_classes: int, loss=None):
    """The loss for integer labels; ``loss`` overrides it when given.

    ``loss="focal"`` picks Keras' focal loss (guide: Focal Loss - For
    Imbalanced Classes); for more than two classes the integer labels are
    one-hot encoded inside the loss.
    """
    kind = classification_kind(num_classes)
    if loss is None:
        if kind == "binary":
            return keras.losses.BinaryCrossentropy(name="binary_crossentropy")
        return keras.losses.SparseCategoricalCrossentropy(name="sparse_categorical_crossentropy")
    if loss == "focal":
        if kind == "binary":
            return keras.losses.BinaryFocalCrossentropy(name="focal")
        return SparseCategoricalFocalCrossentropy(num_classes=num_classes, name="focal")
    return loss


@keras.saving.register_keras_serializable(package="kzoo")
class SparseCategoricalFocalCrossentropy(Config, keras.losses.Loss):
    """Keras' categorical focal loss for integer labels.

    Keras ships focal losses for one-hot targets only; this one-hot encodes
    integer labels and delegates to ``keras.losses.categorical_focal_crossentropy``.
    """

    CONFIG_ARGS = ("num_classes", "alpha", "gamma")

    def __init__(self, num_classes, alpha=0.25, gamma=2.0, name="focal", **kwargs):
        super().__init__(name=name, **kwargs)
        self.num_classes = num_classes
        self.alpha = alpha
        self.gamma = gamma

    def call(self, y_true, y_pred):
        y_true = keras.ops.reshape(keras.ops.cast(y_true, "int32"), (-1,))
        one_hot = keras.ops.one_hot(y_true, self.num_classes, dtype=y_pred.dtype)
        return keras.losses.categorical_focal_crossentropy(
            one_hot, y_pred, alpha=self.alpha, gamma=self.gamma)

def classification_metrics(num_classes: int) -> list:
    """Accuracy (+ AUC, precision and recall for binary tasks), explicitly named."""
    if classification_kind(num_classes) == "binary":
        return [
            keras.metrics.BinaryAccuracy(name="accuracy"),
            keras.metrics.AUC(name="auc"),
            keras.metrics.Precision(name="precision"),
            keras.metrics.Recall(name="recall"),
        ]
    return [keras.metrics.SparseCategoricalAccuracy(name="accuracy")]


def regression_metrics() -> list:
    """MAE, RMSE and R², explicitly named."""
    return [
        keras.metrics.MeanAbsoluteError(name="mae"),
        keras.metrics.RootMeanSquaredError(name="rmse"),
        keras.metrics.R2Score(name="r2"),
    ]


def make_optimizer(optimizer=defaults.OPTIMIZER, learning_rate=defaults.LEARNING_RATE, *,
                   clipnorm=None, clipvalue=None):
    """Builds an optimizer by name with the given learning rate.

    Args:
        optimizer: str or ``keras.optimizers.Optimizer``. One of
            ``"adam"``, ``"adamw"``, ``"sgd"`` (with the guide's momentum 0.9)
            or ``"rmsprop"``; an optimizer instance is returned unchanged.
        learning_rate: float or ``keras.optimizers.schedules.LearningRateSchedule``.
        clipnorm: float. Gradient clipping by norm. Defaults to None.
        clipvalue: float. Gradient clipping by value. Defaults to None.
    """
    if isinstance(optimizer, keras.optimizers.Optimizer):
        return optimizer
    check_compile_args(optimizer, learning_rate)
    clip = {k: v for k, v in (("clipnorm", clipnorm), ("clipvalue", clipvalue))
            if v is not None}
    if optimizer == "adam":
        return keras.optimizers.Adam(learning_rate, **clip)
    if optimizer == "adamw":
        return keras.optimizers.AdamW(learning_rate, **clip)
    if optimizer == "sgd":
        return keras.optimizers.SGD(learning_rate, momentum=defaults.SGD_MOMENTUM, **clip)
    return keras.optimizers.RMSprop(learning_rate, **clip)


def check_compile_args(optimizer, learning_rate):
    """Validates the compile arguments every factory takes, before building."""
    if not isinstance(optimizer, keras.optimizers.Optimizer):
        checks.one_of("optimizer", optimizer, OPTIMIZERS)
    if not isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule):
        checks.positive("learning_rate", learning_rate)


def compile_classifier(model, num_classes, *, optimizer=defaults.OPTIMIZER,
                       learning_rate=defaults.LEARNING_RATE, loss=None, metrics=None,
                       **compile_kwargs):
    """Compiles a classifier with the guide's loss and metrics for its task."""
    model.compile(
        optimizer=make_optimizer(optimizer, learning_rate),
        loss=classification_loss(num_classes, loss),
        metrics=classification_metrics(num_classes) if metrics is None else metrics,
        **compile_kwargs,
    )
    return model


def compile_regressor(model, *, optimizer=defaults.OPTIMIZER,
                      learning_rate=defaults.LEARNING_RATE, loss=None, metrics=None,
                      **compile_kwargs):
    """Compiles a regressor with MSE (or ``loss``, e.g. ``"huber"``) and MAE/RMSE/R²."""
    model.compile(
        optimizer=make_optimizer(optimizer, learning_rate),
        loss=keras.losses.MeanSquaredError(name="mse") if loss is None else loss,
        metrics=regression_metrics() if metrics is None else metrics,
        **compile_kwargs,
    )
    return model
