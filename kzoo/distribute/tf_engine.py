"""The TensorFlow engine: ``tf.distribute.MirroredStrategy``, multi-worker from ``TF_CONFIG``.

One host: ``MirroredStrategy`` mirrors the variables on the chosen devices and
all-reduces the gradients of Keras' own ``train_step`` (which divides each
replica's loss by the number of replicas). Several hosts: when ``TF_CONFIG``
describes a cluster of more than one task, ``MultiWorkerMirroredStrategy``
(collective ops over gRPC) is used instead; it takes no device list (each
worker uses its local GPUs, else its CPU). Both must be created before the
model, and the model built inside ``strategy.scope()``. Measured with two
workers on 127.0.0.1: the cluster forms, but Keras 3.15.1's ``fit`` then
fails with "Attempt to convert a value (PerReplica...) to a Tensor" (NumPy
or ``tf.data`` input alike; keras-team/keras#20585, open), so a warning says so.
"""

import json
import os
import warnings


def cluster_size():
    """Tasks in ``TF_CONFIG``'s cluster (chief + workers); 0 when it is not set."""
    raw = os.environ.get("TF_CONFIG")
    if not raw:
        return 0
    try:
        cluster = json.loads(raw).get("cluster", {})
        return sum(len(cluster.get(job, ())) for job in ("chief", "worker"))
    except (ValueError, AttributeError, TypeError) as error:
        raise ValueError(f"TF_CONFIG must be a JSON object with a 'cluster' and a 'task' "
                         f"({error}). Received: TF_CONFIG={raw!r}") from error


def make_multi_worker(devices=None):
    """``MultiWorkerMirroredStrategy`` from ``TF_CONFIG``; call it before TF lists devices."""
    import tensorflow as tf

    if devices is not None:
        raise ValueError(
            "devices cannot be chosen with a multi-worker TF_CONFIG: "
            "tf.distribute.MultiWorkerMirroredStrategy uses every local GPU (else the "
            f"CPU) of each worker. Received: devices={devices!r}")
    warnings.warn(
        "Keras 3.15.1's model.fit fails under tf.distribute.MultiWorkerMirroredStrategy "
        "(\"Attempt to convert a value (PerReplica...) to a Tensor\", keras-team/keras#20585, "
        "reproduced by kzoo with two workers on 127.0.0.1); for several hosts use "
        "KERAS_BACKEND=jax with keras.distribution.initialize().", stacklevel=3)
    return tf.distribute.MultiWorkerMirroredStrategy()


def make(names):
    """``MirroredStrategy`` over the local device names ``["gpu:0", ...]``."""
    import tensorflow as tf

    # CPU devices have no NCCL; TF would use collective ops, whose instance keys
    # clash between two strategies in one process ("Shape mismatch in the
    # collective instance"). Reducing on one device avoids them.
    cpu_only = all(name.startswith("cpu:") for name in names)
    return tf.distribute.MirroredStrategy(
        devices=[f"/{name}" for name in names],
        cross_device_ops=tf.distribute.ReductionToOneDevice() if cpu_only else None)


def num_replicas(engine):
    return int(engine.num_replicas_in_sync)


def scope(engine):
    return engine.scope()
