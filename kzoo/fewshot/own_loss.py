"""The compile step of the few-shot models, which compute their own loss."""

import keras


class OwnLoss:
    """Mixin for a ``keras.Model`` whose ``compute_loss`` is the method's own loss.

    ``compile`` takes the optimizer (and metrics...) but refuses ``loss=``, and
    ``compile_from_config`` routes a ``.keras`` file's compile state through
    it (Keras skips ``compile_from_config`` for models that override
    ``compile``).
    """

    def compile(self, optimizer="adam", **kwargs):
        """Compiles with ``optimizer``; the loss is the model's own (no ``loss=``)."""
        if kwargs.get("loss") is not None:
            raise ValueError(f"{type(self).__name__} computes its own loss; do not pass "
                             f"loss=. Received: loss={kwargs['loss']!r}")
        kwargs.pop("loss", None)
        super().compile(optimizer=optimizer, **kwargs)

    def compile_from_config(self, config):
        self.compile(**keras.saving.deserialize_keras_object(config))
