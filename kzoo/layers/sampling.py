"""``Sampling``: the VAE's reparameterization trick, with its KL divergence as a loss."""

import keras
from keras import ops

from kzoo import checks
from kzoo.serialization import Config


@keras.saving.register_keras_serializable(package="kzoo")
class Sampling(Config, keras.layers.Layer):
    """Draws ``z = mean + exp(log_var / 2) * eps`` with ``eps ~ N(0, I)``.

    Sampling through a deterministic function of ``(mean, log_var)`` and an
    independent ``eps`` (the reparameterization trick) lets gradients flow to
    the encoder. In training the layer samples; at inference it returns
    ``mean``, so predictions are deterministic.

    With ``add_kl_loss=True`` the layer also adds the KL divergence of
    ``N(mean, exp(log_var))`` from ``N(0, I)``, summed over the latent
    dimensions and averaged over the batch, as a layer loss (``layer.losses``):
    ``KL = -0.5 * sum(1 + log_var - mean**2 - exp(log_var))``.

    Args:
        add_kl_loss: bool. Add the KL divergence as a loss. Defaults to True.
        seed: int or None. Seed of ``eps``.

    Example:
        >>> z = kzoo.layers.Sampling(seed=0)([z_mean, z_log_var])

    Reference:
        Kingma & Welling (2014), "Auto-Encoding Variational Bayes".
    """

    CONFIG_ARGS = ("add_kl_loss", "seed")

    def __init__(self, add_kl_loss=True, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.add_kl_loss = checks.boolean("add_kl_loss", add_kl_loss)
        self.seed = checks.seed("seed", seed)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        mean, log_var = inputs
        if self.add_kl_loss:
            kl = -0.5 * ops.sum(1.0 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1)
            self.add_loss(ops.mean(kl))
        if not training:
            return mean
        eps = keras.random.normal(ops.shape(mean), dtype=mean.dtype, seed=self.seed_generator)
        return mean + ops.exp(0.5 * log_var) * eps

    def compute_output_shape(self, input_shape):
        return input_shape[0]
