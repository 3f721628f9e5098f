"""``kzoo.tune(..., distribution=strategy)``: the checks, and trials inside the scope.

:func:`in_scope` wraps the search's HyperModel so that every trial builds and
fits its model inside ``strategy.scope()``. The scope is entered per call,
not around the whole search, because KerasTuner calls
``keras.backend.clear_session()`` before each build, which drops both a JAX
distribution and TensorFlow's strategy stack. :func:`check_search` refuses,
before the first trial, a batch size the search may try that the replicas
cannot share equally (training and validation samples alike) and a model the
engine would not train as on one device; a mistake would otherwise fail each
trial in turn.
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


def in_scope(hypermodel, distribution):
    """``hypermodel`` with ``build`` and ``fit`` run inside ``distribution.scope()``."""
    if distribution is None:
        return hypermodel
    import keras_tuner

    class DistributedHyperModel(keras_tuner.HyperModel):
        """Delegates to the search's HyperModel, inside the strategy's scope."""

        def __init__(self):
            super().__init__(name=hypermodel.name, tunable=hypermodel.tunable)
            self.inner, self.distribution = hypermodel, distribution

        def declare_hyperparameters(self, hp):
            return self.inner.declare_hyperparameters(hp)

        def build(self, hp):
            with self.distribution.scope():
                return self.inner.build(hp)

        def fit(self, hp, model, *args, **kwargs):
            with self.distribution.scope():
                return self.inner.fit(hp, model, *args, **kwargs)

        def __getattr__(self, name):  # plan, jit_compile, ... of the inner HyperModel
            if name == "inner":
                raise AttributeError(name)
            return getattr(self.inner, name)

    return DistributedHyperModel()
