"""The checks ``kzoo.tune(..., distribution=strategy)`` runs before its first trial.

Every trial of a data-parallel search builds and fits its model inside
``strategy.scope()`` (see :func:`kzoo.tuning.tune.run_search`), so every
batch size the search may try must split equally over the replicas, for the
training and the validation samples alike; a mistake would otherwise fail
each trial in turn.
"""

from kzoo import defaults


def _length(data):
    if isinstance(data, dict):
        data = next(iter(data.values()), None)
    if isinstance(data, (list, tuple)) and data and hasattr(data[0], "shape"):
        data = data[0]
    return len(data) if hasattr(data, "__len__") and hasattr(data, "shape") else None


def check_search(distribution, hypermodel, *, plan, fixed, x, validation_data,
                 validation_split):
    """Raises ``ValueError`` unless ``distribution`` can run every trial of the search.

    Args:
        distribution: None or a :class:`kzoo.distribute.DataParallelStrategy`.
        hypermodel: The search's ``keras_tuner.HyperModel``; its default model is
            built once for :meth:`~kzoo.distribute.DataParallelStrategy.check_model`.
        plan: The search plan (None for a build function).
        fixed: dict. The fixed arguments (``batch_size`` for a build function).
        x: The training inputs (arrays are counted; datasets are not checked).
        validation_data: tuple or None. ``(x_val, y_val)``.
        validation_split: float or None. Fraction held out of ``x``.
    """
    if distribution is None:
        return
    from kzoo.distribute.strategy import DataParallelStrategy

    if not isinstance(distribution, DataParallelStrategy):
        raise ValueError("distribution must be a strategy from "
                         "kzoo.distribute.data_parallel(). Received: "
                         f"distribution={distribution!r}")
    if plan is None:
        sizes = [fixed.get("batch_size", defaults.BATCH_SIZE)]
    else:
        sizes = [plan.batch_size] if plan.batch_size else list(defaults.BATCH_SIZE_CHOICES)
    samples = _length(x)
    val_samples = None if validation_data is None else _length(validation_data[0])
    import keras_tuner

    distribution.check_model(hypermodel.build(keras_tuner.HyperParameters()))
    for size in sizes:
        if samples is None:
            distribution.check_batch_size(size)
        else:
            distribution.check_fit(size, samples, validation_split=validation_split,
                                   validation_samples=val_samples)
