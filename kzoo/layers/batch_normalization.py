"""``BatchNormalization`` whose moving statistics are right after a few steps.

Keras' ``BatchNormalization`` keeps ``moving = momentum * moving + (1 - momentum)
* batch`` with ``momentum=0.99``: after ``t`` updates the initial values
(mean 0, variance 1) still weigh ``0.99 ** t``, 13% after 200 steps. On a small
data set (40 samples, batch 32: 2 steps per epoch) that is 100 epochs, so a
model that is right on every training batch predicts with stale statistics
in inference mode (one class for everything, a wrong ``val_loss``, early
stopping that restores epoch 1).

This layer warms the momentum up the way ``tf.train.ExponentialMovingAverage``
does with ``num_updates``: the update ``t`` (counted from 0 in a
non-trainable variable saved with the model) uses

    momentum_t = min(momentum, (1 + t) / (10 + t))

so the first updates are close to a cumulative average of the batches seen
(the initial values weigh 10% after one step, under 1% after ten) and the
momentum reaches Keras' ``momentum`` after ``(10 * momentum - 1) / (1 -
momentum)`` updates (890 for 0.99): on large data the layer is Keras' own
after the first epoch. Keras has no such option, hence this subclass; the
normalization itself is Keras' (``keras.ops.batch_normalization``).

Under a ``tf.distribute`` strategy with several replicas the batch statistics
are all-reduced over the replicas (``kzoo/backend/replicas.py``), so training
on two devices matches one device, as on JAX.
"""

import keras
from keras import ops

from kzoo import checks
from kzoo.backend.replicas import replicated
from kzoo.serialization import Config

#: ``(1 + t) / (WARMUP + t)``: the constant of ``tf.train.ExponentialMovingAverage``.
WARMUP = 10.0


def warmup_momentum(momentum, updates):
    """The momentum of update number ``updates`` (0-based): ``min(m, (1+t)/(10+t))``."""
    return ops.minimum(momentum, (1.0 + updates) / (WARMUP + updates))


@keras.saving.register_keras_serializable(package="kzoo")
class BatchNormalization(Config, keras.layers.BatchNormalization):
    """Keras' ``BatchNormalization`` with a warmed-up moving-average momentum.

    Identical to ``keras.layers.BatchNormalization`` (same arguments, same
    training-mode output, same inference-mode formula) except for the update
    of ``moving_mean`` / ``moving_variance``: update ``t`` uses the momentum
    ``min(momentum, (1 + t) / (10 + t))`` (see the module docstring), so the
    moving statistics are usable after a handful of steps instead of a few
    hundred. ``num_updates`` counts the updates (one count per channel, shaped
    like ``moving_mean``) and is saved with the model.

    Args:
        momentum: float. The long-run momentum of the moving averages, in
            [0, 1). Defaults to 0.99 (Keras' default).
        warmup: bool. Warm the momentum up; False is Keras' layer exactly.
            Defaults to True.
        **kwargs: Every other ``keras.layers.BatchNormalization`` argument
            (``axis``, ``epsilon``, ``center``, ``scale``...), except
            ``renorm=True``, whose statistics follow Keras' own update.

    Example:
        >>> x = keras.layers.Conv1D(64, 8, padding="same")(inputs)
        >>> x = kzoo.layers.BatchNormalization()(x)

    Reference:
        Ioffe & Szegedy (2015), "Batch Normalization"; the ``num_updates``
        warm-up of ``tf.train.ExponentialMovingAverage``.
    """

    CONFIG_ARGS = ("warmup",)

    def __init__(self, momentum=0.99, warmup=True, **kwargs):
        checks.fraction("momentum", momentum)
        checks.boolean("warmup", warmup)
        if kwargs.get("renorm"):
            raise ValueError("kzoo.layers.BatchNormalization does not warm up batch "
                             "renormalization; use keras.layers.BatchNormalization(renorm=True)."
                             f" Received: renorm={kwargs['renorm']!r}")
        super().__init__(momentum=momentum, **kwargs)
        self.warmup = warmup

    def build(self, input_shape):
        super().build(input_shape)
        # One count per channel, shaped like the moving statistics, so that tools
        # which slice a BN layer's weights by channel (kzoo.compression) keep working.
        self.num_updates = self.add_weight(shape=(input_shape[self.axis],), name="num_updates",
                                           initializer="zeros", trainable=False,
                                           dtype="float32", autocast=False)

    def _moments(self, inputs, mask):
        # Several tf.distribute replicas: the global batch's statistics (see
        # kzoo/backend/replicas.py), as on one device and as JAX computes them.
        if mask is None and not self.synchronized and replicated():
            return ops.moments(inputs, axes=self._reduction_axes, synchronized=True)
        return super()._moments(inputs, mask)

    def call(self, inputs, training=None, mask=None):
        if not (training and self.trainable and self.warmup):
            return super().call(inputs, training=training, mask=mask)
        if mask is not None and len(mask.shape) != len(inputs.shape) - 1:
            return super().call(inputs, training=training, mask=mask)  # Keras' error
        inputs = ops.cast(inputs, keras.backend.result_type(inputs.dtype, "float32"))
        mean, variance = self._moments(inputs, mask)
        momentum = ops.cast(warmup_momentum(self.momentum, self.num_updates), inputs.dtype)
        for moving, batch in ((self.moving_mean, mean), (self.moving_variance, variance)):
            old = ops.cast(moving, inputs.dtype)
            moving.assign(ops.cast(old * momentum + batch * (1.0 - momentum), moving.dtype))
        self.num_updates.assign_add(ops.ones(self.num_updates.shape, dtype="float32"))
        gamma = ops.cast(self.gamma, inputs.dtype) if self.scale else None
        beta = ops.cast(self.beta, inputs.dtype) if self.center else None
        outputs = ops.batch_normalization(inputs, mean=mean, variance=variance, axis=self.axis,
                                          offset=beta, scale=gamma, epsilon=self.epsilon)
        return ops.cast(outputs, self.compute_dtype)
