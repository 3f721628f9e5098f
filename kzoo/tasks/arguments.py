"""The arguments every supervised factory shares, each defined and documented once.

A family's body never sees these: the task layer (:mod:`kzoo.tasks.factory`)
adds them to every factory's signature and docstring, validates them before
anything is built, turns ``l1``/``l2`` into the body's ``kernel_regularizer``
and uses the rest to compile.

| argument        | default   | meaning                                              |
|-----------------|-----------|------------------------------------------------------|
| ``l1``, ``l2``  | 0, 0      | elastic-net penalty on the kernels (body and head)   |
| ``optimizer``   | "adam"    | name or ``keras.optimizers.Optimizer`` instance      |
| ``learning_rate`` | 1e-3    | float or ``LearningRateSchedule``                    |
| ``clipnorm``, ``clipvalue`` | None | gradient clipping (guide: exploding gradients) |
| ``loss``        | None      | the task's loss; a name, a ``keras.losses.Loss``, "focal" |
| ``compile``     | True      | return the model compiled                            |
"""

import dataclasses
import difflib
from typing import Any

import keras

from kzoo import checks, defaults, docstrings, heads


@dataclasses.dataclass(frozen=True)
class Arg:
    """A shared factory argument: name, default and its docstring entry.

    ``doc`` may contain ``{default}``, filled with the default's ``repr``
    (a family that overrides the default gets a true docstring).
    """

    name: str
    default: Any
    doc: str

    def entry(self, default=None, doc=None) -> str:
        value = self.default if default is None else default
        return docstrings.arg(self.name, (doc or self.doc).format(default=repr(value)))


COMPILE_ARGS = (
    Arg("optimizer", defaults.OPTIMIZER,
        """str or ``keras.optimizers.Optimizer``. ``"adam"``, ``"adamw"``,
        ``"sgd"`` (momentum 0.9) or ``"rmsprop"``; an optimizer instance is used
        as it is. Defaults to {default} (guide: Quick Start)."""),
    Arg("learning_rate", defaults.LEARNING_RATE,
        """float or ``keras.optimizers.schedules.LearningRateSchedule``.
        Defaults to 1e-3 (guide: Quick Start)."""),
    Arg("clipnorm", None,
        """float. Clip each gradient to this L2 norm (guide: Gradient Problems,
        exploding gradients -> gradient clipping). Defaults to None (no clipping)."""),
    Arg("clipvalue", None,
        """float. Clip each gradient element to ``[-clipvalue, clipvalue]``.
        Defaults to None."""),
    Arg("compile", True,
        """bool. Return the model compiled with the task's loss and metrics;
        False returns it uncompiled. Defaults to True."""),
)

REGULARIZATION_ARGS = (
    Arg("l1", 0.0, """float. L1 penalty on the kernels; with ``l2`` an elastic net.
        Defaults to 0."""),
    Arg("l2", 0.0, """float. L2 penalty on the kernels (guide: 0.01 is moderate).
        Defaults to 0."""),
)


@dataclasses.dataclass(frozen=True)
class CompileArgs:
    """The validated compile arguments of one factory call."""

    optimizer: Any
    learning_rate: Any
    clipnorm: Any
    clipvalue: Any
    compile: bool

    def make_optimizer(self):
        """A fresh optimizer (``clipnorm``/``clipvalue`` applied to a named one)."""
        return heads.make_optimizer(self.optimizer, self.learning_rate,
                                    clipnorm=self.clipnorm, clipvalue=self.clipvalue)


def check_compile_args(values) -> CompileArgs:
    """Validates and removes the :data:`COMPILE_ARGS` from a dict of arguments."""
    args = CompileArgs(**{a.name: values.pop(a.name) for a in COMPILE_ARGS})
    heads.check_compile_args(args.optimizer, args.learning_rate)
    for name in ("clipnorm", "clipvalue"):
        value = getattr(args, name)
        if value is not None:
            checks.positive(name, value)
            if isinstance(args.optimizer, keras.optimizers.Optimizer):
                raise ValueError(
                    f"{name} applies to an optimizer given by name; set it on the optimizer "
                    f"instance instead. Received: {name}={value!r}, "
                    f"optimizer={type(args.optimizer).__name__}")
    if args.clipnorm is not None and args.clipvalue is not None:
        raise ValueError("Pass clipnorm or clipvalue, not both (Keras optimizers take one). "
                         f"Received: clipnorm={args.clipnorm!r}, clipvalue={args.clipvalue!r}")
    checks.boolean("compile", args.compile)
    return args


def check_loss(loss, *, also=()):
    """Resolves a loss name now, so a typo fails at build time and lists the valid names.

    ``None`` (the task's default), a ``keras.losses.Loss``, a callable and the
    names in ``also`` (e.g. ``"focal"``) pass unchanged.
    """
    if loss is None or loss in also or (callable(loss) and not isinstance(loss, str)):
        return loss
    if isinstance(loss, str):
        try:
            keras.losses.get(loss)
            return loss
        except (ValueError, TypeError):
            pass
    names = sorted({*also, *(n for n in dir(keras.losses) if n.islower() and not
                             n.startswith("_") and n not in ("get", "serialize", "deserialize"))})
    close = difflib.get_close_matches(str(loss), names, n=3)
    hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
    raise ValueError(f"loss must be None, a keras.losses.Loss, a callable or one of {names}."
                     f"{hint} Received: loss={loss!r}")


def regularizer(l1=0.0, l2=0.0):
    """``keras.regularizers.L1L2`` (elastic net) for validated ``l1``/``l2``, or None."""
    l1 = checks.non_negative("l1", l1)
    l2 = checks.non_negative("l2", l2)
    if l1 == 0.0 and l2 == 0.0:
        return None
    return keras.regularizers.L1L2(l1=l1, l2=l2)


def regularizer_from(values):
    """Removes ``l1``/``l2`` from a dict of arguments; returns :func:`regularizer`."""
    return regularizer(values.pop("l1"), values.pop("l2"))
