"""``LastValueOffset``: a forecaster works relative to the last observed value, inside the model.

Forecasting windows are easier to learn relative to their last value (the
naive forecast becomes 0), but a saved model should take raw windows. Two
instances of this layer put that transform inside the model::

    raw = keras.Input(shape=(lookback, 1))
    forecast = model(LastValueOffset("subtract")(raw))        # model trained on relative windows
    deployed = keras.Model(raw, LastValueOffset("add")([forecast, raw]))

No built-in Keras layer subtracts a per-sample slice of its input, hence this one.
"""

import keras

from kzoo import checks
from kzoo.serialization import Config

MODES = ("subtract", "add")


@keras.saving.register_keras_serializable(package="kzoo")
class LastValueOffset(Config, keras.layers.Layer):
    """Subtracts the last value of a window, or adds it back to a forecast.

    Args:
        mode: str. ``"subtract"``: ``window -> window - window[:, -1:, channel]``.
            ``"add"``: ``[forecast, window] -> forecast + window[:, -1, channel]``.
        channel: int. The feature whose last value is the offset. Defaults to 0.

    Example:
        >>> relative = kzoo.layers.LastValueOffset("subtract")(raw_windows)
    """

    CONFIG_ARGS = ("mode", "channel")

    def __init__(self, mode, channel=0, **kwargs):
        super().__init__(**kwargs)
        self.mode = checks.one_of("mode", mode, MODES)
        self.channel = checks.positive_int("channel", channel, minimum=0)

    def call(self, inputs):
        c = self.channel
        if self.mode == "subtract":
            return inputs - inputs[:, -1:, c:c + 1]
        forecast, window = inputs
        return forecast + window[:, -1, c:c + 1]

    def compute_output_shape(self, input_shape):
        return input_shape if self.mode == "subtract" else input_shape[0]
