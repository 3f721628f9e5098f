"""Argument checks shared by every factory and helper.

Each check raises ``ValueError`` naming the argument and the value received,
in the Keras style: ``"num_classes must be >= 2. Received: num_classes=1"``.
They run before anything is built or trained.
"""

import math
from collections.abc import Iterable, Sequence


def _fail(name, value, requirement):
    raise ValueError(f"{name} must be {requirement}. Received: {name}={value!r}")


def boolean(name, value):
    """Checks that ``value`` is a bool (NumPy's ``bool_`` too) and returns it as ``bool``."""
    if type(value).__name__ not in ("bool", "bool_"):
        _fail(name, value, "True or False")
    return bool(value)


def positive_int(name, value, minimum=1):
    """Checks that ``value`` is an int >= ``minimum`` and returns it."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        _fail(name, value, f"an integer >= {minimum}")
    return value


def number_in_range(name, value, low=None, high=None, *, low_inclusive=True,
                    high_inclusive=True):
    """Checks that ``value`` is a finite real number inside the given bounds."""
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    ok = ok and math.isfinite(value)
    if ok and low is not None:
        ok = value >= low if low_inclusive else value > low
    if ok and high is not None:
        ok = value <= high if high_inclusive else value < high
    if not ok:
        left = "[" if low_inclusive else "("
        right = "]" if high_inclusive else ")"
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        _fail(name, value, f"a finite number in {left}{lo}, {hi}{right}")
    return float(value)


def fraction(name, value, *, allow_zero=True, allow_one=False):
    """Checks a rate such as dropout: a number in [0, 1)."""
    return number_in_range(name, value, 0.0, 1.0, low_inclusive=allow_zero,
                           high_inclusive=allow_one)


def non_negative(name, value):
    """Checks a penalty such as ``l2``: a finite number >= 0."""
    return number_in_range(name, value, 0.0, None)


def positive(name, value):
    """Checks a strictly positive finite number such as a learning rate."""
    return number_in_range(name, value, 0.0, None, low_inclusive=False)


def one_of(name, value, choices: Iterable):
    """Checks that ``value`` is one of ``choices``."""
    choices = tuple(choices)
    if value not in choices:
        _fail(name, value, f"one of {list(choices)}")
    return value


def num_classes(value):
    """Checks ``num_classes`` (an int >= 2)."""
    return positive_int("num_classes", value, minimum=2)


def shape(name, value, *, rank=None, min_rank=1, max_rank=None):
    """Checks an input shape (without the batch axis) and returns it as a tuple.

    Every dimension must be a positive int; ``None`` is allowed only for a
    variable-length time axis (the first one) when ``rank`` allows it.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, Sequence) or isinstance(value, str):
        _fail(name, value, "a tuple of positive integers")
    dims = tuple(value)
    bad = [d for d in dims if d is not None and (isinstance(d, bool) or not isinstance(d, int)
                                                 or d < 1)]
    if bad or not dims:
        _fail(name, value, "a tuple of positive integers")
    if rank is not None and len(dims) != rank:
        _fail(name, value, f"a tuple of {rank} dimension(s)")
    if len(dims) < min_rank or (max_rank is not None and len(dims) > max_rank):
        need = f"{min_rank}..{max_rank}" if max_rank is not None else f">= {min_rank}"
        _fail(name, value, f"a tuple with {need} dimensions")
    return dims


def int_tuple(name, value, *, allow_empty=True):
    """Checks a list of layer sizes such as ``hidden_units`` and returns a tuple."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, Sequence) or isinstance(value, str):
        _fail(name, value, "a sequence of positive integers")
    units = tuple(value)
    if (not allow_empty and not units) or any(
        isinstance(u, bool) or not isinstance(u, int) or u < 1 for u in units
    ):
        _fail(name, value, "a sequence of positive integers" + ("" if allow_empty else
                                                                 " (at least one)"))
    return units
