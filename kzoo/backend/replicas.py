"""Whether a layer runs on several replicas of a ``tf.distribute`` strategy.

Under ``tf.distribute.MirroredStrategy`` each replica normalizes with its own
slice of the batch; ``kzoo.layers.BatchNormalization`` then asks Keras for
batch statistics all-reduced over the replicas (``ops.moments(...,
synchronized=True)``, TensorFlow only), so a model trains on two devices as on
one, like JAX's data parallelism does by construction. Keras' own
``synchronized=True`` argument is refused by the other backends and would make
a ``.keras`` file TensorFlow-only; deciding at call time keeps the file
portable.
"""

import keras


def replicated():
    """True inside a TensorFlow replica context with more than one replica."""
    if keras.backend.backend() != "tensorflow":
        return False
    import tensorflow as tf

    context = tf.distribute.get_replica_context()
    return context is not None and context.num_replicas_in_sync > 1
