"""The task layer under kzoo's supervised factories.

A family module defines a *body* (inputs -> features, with its own
arguments) and turns it into factories with :func:`classifier` and
:func:`regressor`; the head, the shared arguments (``l1``, ``l2``,
``optimizer``, ``learning_rate``, ``clipnorm``, ``clipvalue``, ``loss``,
``compile``), their checks and docstring lines, the model's name and the
registration come from here. See :mod:`kzoo.tasks.factory`.
"""

from kzoo.tasks.arguments import COMPILE_ARGS, REGULARIZATION_ARGS, Arg
from kzoo.tasks.factory import classifier, regressor, supervised
from kzoo.tasks.kinds import CLASSIFICATION, REGRESSION, TaskKind

__all__ = ["Arg", "CLASSIFICATION", "COMPILE_ARGS", "REGRESSION", "REGULARIZATION_ARGS",
           "TaskKind", "classifier", "regressor", "supervised"]
