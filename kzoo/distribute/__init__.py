"""Data-parallel training of any kzoo model through Keras' own engines.

kzoo writes no distribution engine of its own: :func:`data_parallel` picks the
one the active backend ships and returns a :class:`DataParallelStrategy` whose
``scope()`` is used around building *and* fitting a model::

    strategy = kzoo.distribute.data_parallel()          # every local device
    with strategy.scope():
        model = kzoo.mlp_classifier(num_classes=10, input_shape=(64,))
        model.fit(x, y, batch_size=strategy.check_batch_size(64, len(x)))

* JAX: ``keras.distribution.DataParallel`` on a ``DeviceMesh``, set with
  ``keras.distribution.set_distribution`` inside the scope (restored after).
* TensorFlow: ``tf.distribute.MirroredStrategy`` on the chosen devices, or
  ``tf.distribute.MultiWorkerMirroredStrategy`` when ``TF_CONFIG`` names
  several workers.
* PyTorch: refused with a ``ValueError`` (see :mod:`kzoo.distribute.torch_engine`
  for the upstream reason and the ``torchrun`` route).

Modules: :mod:`~kzoo.distribute.devices` (choosing and checking devices),
:mod:`~kzoo.distribute.strategy` (the scope object), one engine module per
backend, :mod:`~kzoo.distribute.batch` (global batch and learning-rate scaling).
"""

from kzoo.distribute.batch import global_batch_size, scaled_learning_rate
from kzoo.distribute.strategy import DataParallelStrategy, data_parallel

__all__ = ["DataParallelStrategy", "data_parallel", "global_batch_size", "scaled_learning_rate"]
