"""One training run of a claim experiment, measured the same way in every walkthrough."""

import math
import time

import numpy as np

from kzoo import checks, defaults


def fit_and_score(model, splits, *, epochs, batch_size=defaults.BATCH_SIZE, callbacks=None,
                  metric=None, **fit_kwargs):
    """Trains ``model`` on ``splits.train`` (validating on ``splits.val``) and scores it.

    Args:
        model: a compiled ``keras.Model``.
        splits: :class:`kzoo.data.Splits`.
        epochs: int. The most epochs to train (callbacks may stop earlier).
        batch_size: int. Defaults to the guide's 32.
        callbacks: list of ``keras.callbacks.Callback``, optional.
        metric: str, optional. The compiled metric to report (``"accuracy"``, ``"mae"``);
            defaults to the model's first compiled metric.
        **fit_kwargs: passed to ``model.fit`` (``class_weight``, ``shuffle``...).

    Returns:
        dict: ``train``, ``val`` and ``test`` (the metric on each split, test omitted
        when the split is empty), ``loss`` (the lowest validation loss), ``epochs``
        (epochs run), ``seconds`` (wall time of ``fit``) and ``history`` (the per-epoch
        logs), ready for :func:`kzoo.experiments.repeat`'s dict results once
        ``history`` is dropped.
    """
    checks.positive_int("epochs", epochs)
    names = compiled_metric_names(model)
    if metric is None:
        if not names:
            raise ValueError("the model compiles no metric; pass metric= or compile one")
        metric = names[0]
    elif metric not in names:
        raise ValueError(f"metric must be one of the model's metrics {names}; received "
                         f"metric={metric!r}")
    start = time.perf_counter()
    history = model.fit(*splits.train, validation_data=splits.val, epochs=epochs,
                        batch_size=batch_size, callbacks=callbacks or [], verbose=0,
                        **fit_kwargs)
    seconds = time.perf_counter() - start
    result = {}
    for split_name in ("train", "val", "test"):
        x, y = getattr(splits, split_name)
        if len(x):
            scores = model.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
            result[split_name] = float(scores[metric])
    result.update(loss=float(np.nanmin(history.history["val_loss"])),
                  epochs=len(history.history["loss"]), seconds=seconds,
                  history=history.history)
    return result


def compiled_metric_names(model):
    """The names of the metrics ``model`` was compiled with (``["accuracy", "auc"]``)."""
    if not getattr(model, "compiled", False):
        raise ValueError("model must be compiled (kzoo factories compile by default)")
    metrics = (model.get_compile_config() or {}).get("metrics") or []
    metrics = metrics if isinstance(metrics, (list, tuple)) else [metrics]
    return [m if isinstance(m, str) else m.get("config", {}).get("name", "") for m in metrics]


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
