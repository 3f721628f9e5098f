"""Tunable hyperparameters as plain data.

A model's search space is declared next to its factory with the specs below and
read by ``kzoo.tuning`` to build a KerasTuner ``HyperModel``. This module does
not import keras_tuner, so declaring a search space costs nothing at import time.

Each spec names a hyperparameter. By default a hyperparameter with the same
name as a factory argument is passed straight to it; a ``SearchSpace`` with a
``to_kwargs`` function can instead map sampled values onto factory arguments
(for example ``num_layers`` and ``units`` onto a ``hidden_units`` tuple).
``default=None`` means "the factory's own default", so the first trial of a
search reproduces the model a user gets with no arguments.
"""

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

from kzoo import defaults


@dataclasses.dataclass(frozen=True)
class Float:
    """A real-valued hyperparameter, sampled linearly or on a log scale."""

    name: str
    min_value: float
    max_value: float
    sampling: str = "linear"
    default: float | None = None


@dataclasses.dataclass(frozen=True)
class Int:
    """An integer hyperparameter."""

    name: str
    min_value: int
    max_value: int
    step: int | None = None
    sampling: str = "linear"
    default: int | None = None


@dataclasses.dataclass(frozen=True)
class Choice:
    """One value out of a fixed list."""

    name: str
    values: tuple
    default: Any = None


@dataclasses.dataclass(frozen=True)
class Boolean:
    """A true/false switch such as ``batch_norm``."""

    name: str
    default: bool | None = None


Spec = Float | Int | Choice | Boolean


@dataclasses.dataclass(frozen=True)
class SearchSpace:
    """A model's tunable hyperparameters.

    Attributes:
        params: The hyperparameter specs.
        to_kwargs: Optional ``fn(values: dict) -> dict`` turning sampled values
            into factory keyword arguments. Without it, values are passed as is.
        defaults_from: Optional ``fn(factory_defaults: dict) -> dict`` giving the
            hyperparameter values that reproduce the factory's defaults, for
            hyperparameters that are not factory arguments themselves.
    """

    params: tuple = ()
    to_kwargs: Callable[[Mapping], dict] | None = None
    defaults_from: Callable[[Mapping], dict] | None = None

    @property
    def names(self):
        return tuple(p.name for p in self.params)

    def kwargs_for(self, values: Mapping) -> dict:
        """Maps sampled hyperparameter values onto factory keyword arguments."""
        values = dict(values)
        return dict(self.to_kwargs(values)) if self.to_kwargs else values

    def __add__(self, other: "SearchSpace") -> "SearchSpace":
        """Concatenates two spaces; ``to_kwargs`` hooks are applied in turn."""
        mine, theirs = set(self.names), set(other.names)
        if mine & theirs:
            raise ValueError(f"Search spaces overlap on {sorted(mine & theirs)}")

        def to_kwargs(values):
            a = {k: v for k, v in values.items() if k in mine}
            b = {k: v for k, v in values.items() if k not in mine}
            return {**self.kwargs_for(a), **other.kwargs_for(b)}

        def defaults_from(factory_defaults):
            out = {}
            for space in (self, other):
                if space.defaults_from:
                    out.update(space.defaults_from(factory_defaults))
            return out

        return SearchSpace(self.params + other.params, to_kwargs, defaults_from)


def training_space() -> SearchSpace:
    """Learning rate and optimizer: the guide's first knobs to turn (Phase 5)."""
    lo, hi = defaults.LEARNING_RATE_RANGE
    return SearchSpace((
        Float("learning_rate", lo, hi, sampling="log"),
        Choice("optimizer", defaults.OPTIMIZER_CHOICES),
    ))


def dropout_space() -> SearchSpace:
    """Dropout in the guide's 0.1..0.5 range."""
    lo, hi = defaults.DROPOUT_RANGE
    return SearchSpace((Float("dropout", lo, hi, default=None),))


def funnel_space(arg="hidden_units") -> SearchSpace:
    """``num_layers`` (1..3) x ``units`` (16..1024, log) as a funnel.

    The guide's recommended "funnel architecture" halves the width at every
    layer (512 -> 256 -> 128); ``units`` is the width of the first layer.
    """
    lo_layers, hi_layers = defaults.LAYERS_RANGE
    lo_units, hi_units = defaults.UNITS_RANGE

    def to_kwargs(values):
        units, layers = values.pop("units"), values.pop("num_layers")
        return {arg: funnel(units, layers), **values}

    def defaults_from(factory_defaults):
        hidden = tuple(factory_defaults.get(arg) or ())
        if not hidden:
            return {}
        return {"units": hidden[0], "num_layers": len(hidden)}

    return SearchSpace(
        (Int("num_layers", lo_layers, hi_layers),
         Int("units", lo_units, hi_units, sampling="log")),
        to_kwargs,
        defaults_from,
    )


def funnel(units: int, num_layers: int, minimum: int = 8) -> tuple:
    """Layer widths that halve at every layer: ``funnel(256, 2) == (256, 128)``."""
    return tuple(max(units // 2**i, minimum) for i in range(num_layers))
