"""``MaskingNoise``: set a random fraction of the inputs to zero, in training only."""

import keras
from keras import ops

from kzoo import checks
from kzoo.serialization import Config


@keras.saving.register_keras_serializable(package="kzoo")
class MaskingNoise(Config, keras.layers.Layer):
    """Masking corruption for denoising autoencoders.

    Each input value is set to 0 with probability ``rate`` when
    ``training=True``; unlike ``Dropout`` the kept values are **not** rescaled,
    because the network must reconstruct the original values, not their
    expectation. At inference the layer is the identity.

    Args:
        rate: float. Fraction of values masked, in (0, 1).
        seed: int or None. Seed of the mask.

    Example:
        >>> layer = kzoo.layers.MaskingNoise(0.25, seed=0)
        >>> layer(x, training=True)   # about a quarter of x set to 0

    Reference:
        Vincent et al. (2008), "Extracting and composing robust features with
        denoising autoencoders" (masking noise).
    """

    CONFIG_ARGS = ("rate", "seed")

    def __init__(self, rate, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = checks.fraction("rate", rate, allow_zero=False)
        self.seed = checks.seed("seed", seed)
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.supports_masking = True

    def call(self, inputs, training=False):
        if not training:
            return inputs
        keep = keras.random.uniform(ops.shape(inputs), seed=self.seed_generator) >= self.rate
        return ops.where(keep, inputs, ops.zeros_like(inputs))

    def compute_output_shape(self, input_shape):
        return input_shape
