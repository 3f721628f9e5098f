"""One experiment, several seeds: :func:`repeat` and the :class:`Samples` it returns."""

import dataclasses
import math

import numpy as np

from kzoo import checks

#: The guide's protocol: three seeds unless an experiment says otherwise.
DEFAULT_SEEDS = (0, 1, 2)


@dataclasses.dataclass(frozen=True)
class Samples:
    """The values one measurement took under each seed.

    Attributes:
        values: tuple of float, one per seed, in the order of ``seeds``.
        seeds: tuple of int.
    """

    values: tuple
    seeds: tuple

    def __post_init__(self):
        if len(self.values) != len(self.seeds) or not self.values:
            raise ValueError(f"values and seeds must have the same, non-zero length; received "
                             f"{len(self.values)} values and {len(self.seeds)} seeds")

    @classmethod
    def of(cls, values, seeds=None):
        """Samples from a list of values (seeds default to 0, 1, ...)."""
        values = tuple(float(v) for v in values)
        return cls(values, tuple(range(len(values))) if seeds is None else tuple(seeds))

    @property
    def mean(self):
        return float(np.mean(self.values))

    @property
    def std(self):
        """The sample standard deviation over seeds (0 for one seed)."""
        return float(np.std(self.values, ddof=1)) if len(self.values) > 1 else 0.0

    def __len__(self):
        return len(self.values)

    def __repr__(self):
        return f"{_fmt(self.mean)} ± {_fmt(self.std)} (n={len(self)})"

    def __str__(self):
        return f"{_fmt(self.mean)} ± {_fmt(self.std)}"


def _fmt(x):
    """Three significant digits, the way a table shows a measured number."""
    if x == 0 or not math.isfinite(x):
        return str(x)
    return f"{x:.3g}" if abs(x) < 1e4 else f"{x:.3e}"


def repeat(run, seeds=DEFAULT_SEEDS, *, clear_session=True):
    """Runs ``run(seed)`` once per seed, each after ``keras.utils.set_random_seed(seed)``.

    Args:
        run: callable. Takes the seed, returns a number or a dict of numbers (several
            measurements of the same run, e.g. train and validation accuracy).
        seeds: int or sequence of int. An int ``n`` means seeds ``0 .. n-1``. Defaults to
            the guide's three seeds.
        clear_session: bool. Whether to call ``keras.backend.clear_session()`` before each
            run, so that runs do not accumulate layers and memory. Defaults to True.

    Returns:
        :class:`Samples`, or a dict of them when ``run`` returns a dict (entries that are
        not numbers, e.g. a training history, become a tuple with one value per seed).
    """
    import keras

    if not callable(run):
        raise ValueError(f"run must be a callable taking the seed; received {run!r}")
    if isinstance(seeds, (int, np.integer)) and not isinstance(seeds, bool):
        seeds = tuple(range(checks.positive_int("seeds", seeds)))
    seeds = tuple(seeds) if isinstance(seeds, (list, tuple, range)) else ()
    if not seeds or not all(isinstance(s, (int, np.integer)) and not isinstance(s, bool)
                            for s in seeds):
        raise ValueError(f"seeds must be a positive int or a non-empty sequence of int; "
                         f"received {seeds!r}")
    results = []
    for seed in seeds:
        if clear_session:
            keras.backend.clear_session()
        keras.utils.set_random_seed(int(seed))
        results.append(run(int(seed)))
    if all(isinstance(r, dict) for r in results):
        keys = results[0].keys()
        if any(r.keys() != keys for r in results):
            raise ValueError("run returned dicts with different keys for different seeds")
        return {k: _collect([r[k] for r in results], seeds) for k in keys}
    return Samples.of([_number(r) for r in results], seeds)


def _collect(values, seeds):
    """Numbers become :class:`Samples`; anything else (a history) stays a tuple per seed."""
    if all(isinstance(v, (int, float, np.number)) and not isinstance(v, bool) for v in values):
        return Samples.of(values, seeds)
    return tuple(values)


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"run must return a number or a dict of numbers; received "
                         f"{value!r}") from None
