"""Reading a training curve: how many epochs a run took to reach a level."""

import math

from kzoo import checks


def epochs_to(history, key, level, *, mode="max"):
    """The first epoch (1-based) at which ``history[key]`` reaches ``level``.

    Args:
        history: dict of per-epoch lists (``keras.callbacks.History.history``).
        key: str. E.g. ``"val_accuracy"``.
        level: float.
        mode: ``"max"`` (reach means ``>= level``) or ``"min"`` (``<= level``).

    Returns:
        float: the epoch, or ``inf`` when it never gets there, so that a run that does
        not reach the level counts as the slowest in a comparison.
    """
    checks.one_of("mode", mode, ("max", "min"))
    if key not in history:
        raise ValueError(f"key must be one of {sorted(history)}; received {key!r}")
    for epoch, value in enumerate(history[key], start=1):
        if (value >= level) if mode == "max" else (value <= level):
            return float(epoch)
    return math.inf
