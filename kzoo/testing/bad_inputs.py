"""Bad arguments and bad data for any registered model, generated from its record.

``bad_argument_cases(name)`` reads the factory's signature and the registry's
``Example`` and derives, for every argument, values a hostile user would pass:
the wrong type (a string for a number, ``1`` for a boolean, ``True`` for an
integer), an out-of-range number (negative, NaN) and a bad name for a
choice. ``bad_data_cases(name)`` derives NaN inputs, a wrong feature count and
out-of-range labels from the example's data. Every case must be refused with
a ``ValueError`` (or ``TypeError``) naming the argument, before training: the
registry-wide test (``tests/test_bad_inputs.py``) runs them for every model,
so a new model is covered without writing its cases by hand.
"""

import dataclasses
import inspect
import math
from typing import Any

import numpy as np

from kzoo.registry import model_info

#: Arguments whose every value is legitimate for some use (data, not settings).
SKIPPED = frozenset({"x_init", "input_shape", "vocab_size", "sequence_length",
                     "source_length", "target_length", "sigma", "decay_steps"})


@dataclasses.dataclass(frozen=True)
class Case:
    """One bad call: the factory's arguments and the argument that is wrong."""

    kwargs: dict
    argument: str
    value: Any

    def __str__(self):
        return f"{self.argument}={self.value!r}"


def _bad_values(default):
    if isinstance(default, bool):
        return ["no", 1, None]
    if isinstance(default, int):
        return ["3", True, -1, 2.5]
    if isinstance(default, float):
        return ["0.1", True, -1.0, math.nan]
    if isinstance(default, tuple):
        return ["16", (0,), (2.5,)]
    if isinstance(default, str):
        return ["no_such_choice", 3]
    return []


_NONE_DEFAULTS = {"loss": ["bogus_loss", 3], "seed": [-1, "0", 2.5], "clipnorm": [-1.0, "1"],
                  "clipvalue": [0.0, "1"], "kernel_initializer": ["no_such_initializer"],
                  "code_activation": ["no_such_activation"]}


def bad_argument_cases(name) -> list:
    """Every bad-argument :class:`Case` for the registered model ``name``."""
    info = model_info(name)
    base = dict(info.example.kwargs)
    cases = []
    for param in inspect.signature(info.factory).parameters.values():
        if param.name in SKIPPED:
            continue
        default = base.get(param.name, param.default)
        values = _NONE_DEFAULTS.get(param.name, []) if default is None else _bad_values(default)
        cases += [Case({**base, param.name: v}, param.name, v) for v in values]
    return cases


def bad_data_cases(name, seed=0) -> list:
    """``(description, x, y)`` triples of data the model must refuse before training."""
    info = model_info(name)
    x, y = info.example.make_data(seed)
    if isinstance(x, list):  # several inputs: corrupt the first
        return [("token ids past the vocabulary", [np.full_like(x[0], 10**6), *x[1:]], y)]
    cases = []
    if x.dtype.kind == "f":
        nan = x.copy()
        nan.flat[0] = np.nan
        cases.append(("NaN in x", nan, y))
        wider = np.concatenate([x, x[..., :1]], axis=-1)
        cases.append(("one feature too many", wider, wider if y is x else y))
    else:
        cases.append(("token ids past the vocabulary", np.full_like(x, 10**6), y))
    if info.task == "classification" and y is not None:
        num_classes = int(info.example.kwargs.get("num_classes", info.defaults.get(
            "num_classes") or 2))
        cases.append(("a label past num_classes", x, np.full_like(y, num_classes)))
        cases.append(("a negative label", x, np.full_like(y, -1)))
        cases.append(("one-hot labels", x, np.eye(num_classes, dtype="float32")[y]))
    return cases
