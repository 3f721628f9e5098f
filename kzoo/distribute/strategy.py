"""``kzoo.distribute.data_parallel``: one argument from one device to several.

:func:`data_parallel` checks the devices, creates the backend's own engine
(see the package docstring) and returns a :class:`DataParallelStrategy`. Its
``scope()`` wraps building and fitting; :meth:`~DataParallelStrategy.check_fit`
refuses, before training, a batch the replicas cannot share equally (JAX
cannot shard it at all; TensorFlow would split it unevenly, which changes the
loss average).
"""

import contextlib
import math

from kzoo import checks
from kzoo.distribute import devices as devices_module

_BACKENDS = ("jax", "tensorflow", "torch")


def _engine_module(backend):
    if backend == "jax":
        from kzoo.distribute import jax_engine as module
    elif backend == "tensorflow":
        from kzoo.distribute import tf_engine as module
    elif backend == "torch":
        from kzoo.distribute import torch_engine as module
    else:
        raise ValueError(f"kzoo.distribute supports the jax and tensorflow backends. "
                         f"Received: backend={backend!r}")
    return module


class DataParallelStrategy:
    """Data parallelism through the backend's engine (see :func:`data_parallel`).

    Attributes:
        backend: str. ``"jax"`` or ``"tensorflow"``.
        devices: list of str. The device names, ``"type:index"``.
        engine: The Keras / TensorFlow object: ``keras.distribution.DataParallel``,
            ``tf.distribute.MirroredStrategy`` or ``MultiWorkerMirroredStrategy``.
        num_replicas: int. Replicas in sync (all hosts).
    """

    def __init__(self, backend, devices, engine):
        self.backend, self.devices, self.engine = backend, list(devices), engine
        self._module = _engine_module(backend)
        self.num_replicas = self._module.num_replicas(engine)

    @contextlib.contextmanager
    def scope(self):
        """Context manager: build *and* fit the model inside it."""
        import keras

        if keras.backend.backend() != self.backend:
            raise ValueError(f"This strategy was made for the {self.backend} backend; the "
                             f"active one is {keras.backend.backend()!r}.")
        with self._module.scope(self.engine):
            yield self

    def check_model(self, model):
        """Raises ``ValueError`` if ``model`` cannot train as on one device here.

        See :mod:`kzoo.distribute.compat`: on TensorFlow, models that override
        ``train_step`` or ``compute_loss`` (GAN, SOM, VAE, capsule network)
        are refused with more than one replica. Returns ``model``.
        """
        from kzoo.distribute import compat

        return compat.check_model(model, self.backend, self.num_replicas)

    def fit(self, model, x, y=None, *, batch_size=32, validation_data=None,
            validation_split=None, **kwargs):
        """``model.fit`` inside the scope, after :meth:`check_model` and :meth:`check_fit`.

        Takes ``model.fit``'s arguments (arrays for ``x``); returns its ``History``.
        """
        self.check_model(model)
        val = None if validation_data is None else len(validation_data[0])
        samples = len(x[0]) if isinstance(x, (list, tuple)) else len(x)
        self.check_fit(batch_size, samples, validation_split=validation_split,
                       validation_samples=val)
        if validation_split is not None:
            kwargs["validation_split"] = validation_split
        with self.scope():
            return model.fit(x, y, batch_size=batch_size, validation_data=validation_data,
                             **kwargs)

    def check_batch_size(self, batch_size, samples=None, name="batch_size"):
        """Checks that every batch of ``samples`` splits equally over the replicas.

        Args:
            batch_size: int. The global batch given to ``model.fit``.
            samples: int. Samples per epoch; the last, partial batch is checked too.
            name: str. Argument name for the error message.

        Returns:
            int. ``batch_size``.

        Raises:
            ValueError: ``batch_size`` (or the last batch) is not a multiple of
                ``num_replicas``.
        """
        checks.positive_int(name, batch_size)
        r = self.num_replicas
        if batch_size % r:
            raise ValueError(
                f"{name} must be divisible by the {r} replicas (global batch = per-replica "
                f"batch x replicas: kzoo.distribute.global_batch_size). "
                f"Received: {name}={batch_size}")
        last = samples % batch_size if samples else 0
        if last % r:
            raise ValueError(
                f"The last batch of {samples} samples in batches of {batch_size} holds {last} "
                f"samples, which the {r} replicas cannot share equally; use "
                f"{samples - last % r} samples or another batch size. "
                f"Received: {name}={batch_size}, samples={samples}")
        return batch_size

    def check_fit(self, batch_size, samples, *, validation_split=None,
                  validation_samples=None):
        """:meth:`check_batch_size` for the training and validation batches of a ``fit``.

        ``validation_split`` is split off the way Keras does it (the last
        ``samples - ceil(samples * (1 - split))`` samples).
        """
        train = samples
        if validation_split:
            train = int(math.ceil(samples * (1 - validation_split)))
            self.check_batch_size(batch_size, samples - train)
        if validation_samples:
            self.check_batch_size(batch_size, validation_samples)
        return self.check_batch_size(batch_size, train)

    def __repr__(self):
        return (f"DataParallelStrategy(backend={self.backend!r}, devices={self.devices}, "
                f"engine={type(self.engine).__name__}, num_replicas={self.num_replicas})")


def data_parallel(devices=None):
    """Data-parallel training with the active backend's own distribution engine.

    JAX: ``keras.distribution.DataParallel``; TensorFlow:
    ``tf.distribute.MirroredStrategy`` (``MultiWorkerMirroredStrategy`` when
    ``TF_CONFIG`` names several workers); PyTorch: refused (Keras' torch
    trainer has no data-parallel ``fit``; see :mod:`kzoo.distribute.torch_engine`).
    Every replica computes the gradient of its share of each global batch and
    the gradients are averaged, so the same seed and global batch give the
    same training as on one device, up to float rounding. Scale the learning
    rate with the global batch: :func:`kzoo.distribute.scaled_learning_rate`.

    Args:
        devices: None, int or list of str. ``None`` takes every accelerator (else
            every CPU device); ``n`` the first ``n``; names like ``"gpu:0"``.
            Defaults to None.

    Returns:
        A :class:`DataParallelStrategy`: ``with strategy.scope():`` build and fit.

    Raises:
        ValueError: on the torch backend, for ``devices=0``, too many devices,
            unknown or repeated device names.

    Example:
        >>> strategy = kzoo.distribute.data_parallel()
        >>> with strategy.scope():
        ...     model = kzoo.mlp_classifier(num_classes=3, input_shape=(8,))
        ...     model.fit(x, y, batch_size=strategy.check_fit(64, len(x)), epochs=5)

    Reference:
        Keras guide "Distributed training with Keras 3" (keras.distribution);
        TensorFlow guide "Distributed training with Keras" (tf.distribute).
    """
    import keras

    backend = keras.backend.backend()
    checks.one_of("backend", backend, _BACKENDS)
    module = _engine_module(backend)
    if backend == "torch":
        module.make(devices)
    if backend == "tensorflow" and module.cluster_size() > 1:
        # Before anything lists devices: collective ops are configured at start-up.
        engine = module.make_multi_worker(devices)
        chosen = [devices_module.canonical(d) for d in engine.extended.worker_devices]
        return DataParallelStrategy(backend, chosen, engine)
    chosen = devices_module.resolve(devices, devices_module.available(backend))
    engine = module.make(chosen)
    return DataParallelStrategy(backend, chosen, engine)
