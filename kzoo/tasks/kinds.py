"""The supervised tasks a body can be put to: classification and regression.

Each :class:`TaskKind` owns what differs between them and nothing else: its
head arguments (``num_classes`` / ``outputs``), the output layer, the loss's
docstring entry and how the model is compiled. The output layers, losses and
metrics themselves are :mod:`kzoo.heads`'.
"""

import dataclasses
import inspect
from collections.abc import Callable

from kzoo import checks, heads
from kzoo.tasks.arguments import Arg

REQUIRED = inspect.Parameter.empty


@dataclasses.dataclass(frozen=True)
class TaskKind:
    """One supervised task.

    Attributes:
        name: str. The registry task (``"classification"``, ``"regression"``).
        head_args: tuple of :class:`~kzoo.tasks.arguments.Arg`. Arguments of
            the head, first in every factory's signature.
        loss: :class:`~kzoo.tasks.arguments.Arg`. The ``loss`` argument, with
            this task's docstring entry.
        returns: str. The ``Returns:`` text; ``{name}`` is the model name.
        check_head: ``fn(values) -> dict``. Validates and removes the head
            arguments from ``values``.
        output: ``fn(features, head, kernel_regularizer) -> tensor``.
        compile: ``fn(model, head, loss, compile_args)``.
        loss_names: tuple of str. kzoo's own loss names beyond Keras' (``"focal"``).
    """

    name: str
    head_args: tuple
    loss: Arg
    returns: str
    check_head: Callable
    output: Callable
    compile: Callable
    loss_names: tuple = ()


def _check_classes(values):
    return {"num_classes": checks.num_classes(values.pop("num_classes"))}


def _compile_classifier(model, head, loss, args):
    heads.compile_classifier(model, head["num_classes"], optimizer=args.make_optimizer(),
                             loss=loss)


def _check_outputs(values):
    return {"outputs": checks.positive_int("outputs", values.pop("outputs"))}


def _compile_regressor(model, head, loss, args):
    heads.compile_regressor(model, optimizer=args.make_optimizer(), loss=loss)


CLASSIFICATION = TaskKind(
    name="classification",
    head_args=(Arg("num_classes", REQUIRED,
                   """int. Number of classes (>= 2); 2 gives one sigmoid unit and binary
                   cross-entropy, more a softmax and sparse categorical cross-entropy.
                   Labels are integers ``0 .. num_classes - 1``."""),),
    loss=Arg("loss", None, """A loss name, a ``keras.losses.Loss`` or ``"focal"`` (guide: Focal
             Loss - For Imbalanced Classes). Defaults to None: cross-entropy for the
             task."""),
    returns="""A ``keras.Model`` named ``"{name}"``: class probabilities out (one sigmoid
        unit for 2 classes, a softmax over ``num_classes`` otherwise).""",
    check_head=_check_classes,
    output=lambda x, head, reg: heads.classification_output(x, head["num_classes"],
                                                             kernel_regularizer=reg),
    compile=_compile_classifier,
    loss_names=("focal",),
)

REGRESSION = TaskKind(
    name="regression",
    head_args=(Arg("outputs", 1, """int. Values predicted per sample (for a forecaster, the
                   horizon). Defaults to 1."""),),
    loss=Arg("loss", None, """A loss such as ``"huber"`` or ``"mae"`` (guide: Loss Functions for
             Regression). Defaults to None: mean squared error."""),
    returns="""A ``keras.Model`` named ``"{name}"`` with a linear float32 output of
        ``outputs`` units, compiled with MSE and MAE / RMSE / R² metrics.""",
    check_head=_check_outputs,
    output=lambda x, head, reg: heads.regression_output(x, head["outputs"],
                                                         kernel_regularizer=reg),
    compile=_compile_regressor,
)
