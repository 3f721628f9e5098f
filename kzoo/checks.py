"""Argument checks shared by every factory and helper.

Each check raises ``ValueError`` naming the argument and the value received,
in the Keras style: ``"num_classes must be >= 2. Received: num_classes=1"``.
They run before anything is built or trained.
"""

import math
import numbers
import os
from collections.abc import Iterable, Sequence

#: Largest seed the backends' generators take (uint32).
MAX_SEED = 2**32 - 1


def _fail(name, value, requirement):
    raise ValueError(f"{name} must be {requirement}. Received: {name}={value!r}")


def _is_bool(value):
    return type(value).__name__ in ("bool", "bool_")


def _is_int(value):
    """Python and NumPy integers, never booleans."""
    return isinstance(value, numbers.Integral) and not _is_bool(value)


def _is_real(value):
    return isinstance(value, numbers.Real) and not _is_bool(value)


def boolean(name, value):
    """Checks that ``value`` is a bool (NumPy's ``bool_`` too) and returns it as ``bool``."""
    if not _is_bool(value):
        _fail(name, value, "True or False")
    return bool(value)


def positive_int(name, value, minimum=1):
    """Checks that ``value`` is an int >= ``minimum`` and returns it."""
    if not _is_int(value) or value < minimum:
        _fail(name, value, f"an integer >= {minimum}")
    return int(value)


def seed(name, value):
    """Checks a random seed: None or an integer in ``0 .. 2**32 - 1``."""
    if value is not None and (not _is_int(value) or not 0 <= value <= MAX_SEED):
        _fail(name, value, f"None or an integer in 0..{MAX_SEED}")
    return None if value is None else int(value)


def path_in_existing_folder(name, value):
    """Checks a file path whose folder exists (the file itself may not)."""
    if not isinstance(value, (str, os.PathLike)) or not os.fspath(value):
        _fail(name, value, "a file path")
    folder = os.path.dirname(os.path.abspath(os.fspath(value)))
    if not os.path.isdir(folder):
        raise ValueError(f"{name} must be in an existing folder; {folder} does not exist. "
                         f"Received: {name}={value!r}")
    return os.fspath(value)


def fits_in_memory(what, values, *, bytes_per_value=4):
    """Refuses a weight tensor of ``values`` numbers larger than the machine's memory."""
    try:
        memory = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not on this platform
        return
    size = values * bytes_per_value
    if size > memory:
        raise ValueError(f"{what} would hold {values:,} weights ({size / 2**30:,.1f} GiB), more "
                         f"than this machine's {memory / 2**30:,.1f} GiB of memory. Use "
                         "smaller sizes.")


def number_in_range(name, value, low=None, high=None, *, low_inclusive=True,
                    high_inclusive=True):
    """Checks that ``value`` is a finite real number inside the given bounds."""
    ok = _is_real(value) and math.isfinite(value)
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
    try:
        ok = any(value == c and _is_bool(value) == _is_bool(c) for c in choices)
    except (TypeError, ValueError):  # e.g. an array compared with a string
        ok = False
    if not ok:
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
    if _is_int(value):
        value = (value,)
    if not isinstance(value, Sequence) or isinstance(value, str):
        _fail(name, value, "a tuple of positive integers")
    dims = tuple(None if d is None else int(d) if _is_int(d) else d for d in value)
    bad = [d for d in dims if d is not None and (not _is_int(d) or d < 1)]
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
    if _is_int(value):
        value = (value,)
    if not isinstance(value, Sequence) or isinstance(value, str):
        _fail(name, value, "a sequence of positive integers")
    units = tuple(int(u) if _is_int(u) else u for u in value)
    if (not allow_empty and not units) or any(not _is_int(u) or u < 1 for u in units):
        _fail(name, value, "a sequence of positive integers" + ("" if allow_empty else
                                                                 " (at least one)"))
    return units
