"""The JAX engine: ``keras.distribution.DataParallel`` on a one-axis ``DeviceMesh``.

Keras shards every batch along the mesh's ``"batch"`` axis and replicates the
variables; XLA (GSPMD) inserts the gradient all-reduce, so a custom
``train_step`` written as a pure JAX function (kzoo's GAN and SOM steps) is
distributed as it is. The distribution is global state in Keras: the scope
sets it with ``keras.distribution.set_distribution`` and restores the
previous one on exit. Several hosts: call ``keras.distribution.initialize()``
(a wrapper of ``jax.distributed.initialize``) first in every process; the
device list is then global.
"""

import contextlib


def make(names):
    """A ``keras.distribution.DataParallel`` over the device names ``["cpu:0", ...]``."""
    import keras

    return keras.distribution.DataParallel(devices=list(names))


def num_replicas(engine):
    return int(engine.device_mesh.shape[0])


@contextlib.contextmanager
def scope(engine):
    """Sets ``engine`` as Keras' distribution for the block; restores the previous one."""
    import keras

    previous = keras.distribution.distribution()
    keras.distribution.set_distribution(engine)
    try:
        yield engine
    finally:
        keras.distribution.set_distribution(previous)
