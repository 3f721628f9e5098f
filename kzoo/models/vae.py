"""Variational autoencoder (VAE): a probabilistic generative autoencoder.

Guide: neural-networks-master, "Autoencoders > Variational Autoencoder (VAE):
probabilistic generative model". The encoder outputs the mean and log-variance
of a Gaussian over the latent code, :class:`kzoo.layers.Sampling` draws a code
with the reparameterization trick, and the decoder maps it back. The loss is
reconstruction + beta * KL, written once in ``compute_loss`` with ``keras.ops``
so that the standard ``model.fit`` trains it on TensorFlow, JAX and PyTorch
(no backend-specific ``train_step``).
"""

import keras
from keras import ops

from kzoo import checks, defaults
from kzoo.backend.portable_compile import PortableCompile
from kzoo.data import examples
from kzoo.layers.sampling import Sampling
from kzoo.models.autoencoders import (
    CONV_FILTERS,
    _CodecMixin,
    architecture_space,
    build_decoder,
    check_architecture,
    encoder_trunk,
)
from kzoo.registry import Example, register_model
from kzoo.search_space import Float, SearchSpace
from kzoo.serialization import Config
from kzoo.tasks import arguments
from kzoo.tasks.data_checks import CheckedInputs

# The Keras VAE example's latent size: a 2-D latent space can be plotted as is.
LATENT_DIM = 2


@keras.saving.register_keras_serializable(package="kzoo")
class VariationalAutoencoder(CheckedInputs, PortableCompile, Config, _CodecMixin, keras.Model):
    """A functional VAE ``x -> encoder -> (mean, log_var) -> Sampling -> decoder``.

    ``model(x)`` / ``model.predict(x)`` return the reconstruction of the
    latent **mean** (deterministic); in training the code is sampled. The loss
    (``compute_loss``) is the reconstruction negative log-likelihood summed
    over the input's features (binary cross-entropy for a sigmoid output,
    squared error for a linear one) plus ``beta`` times the KL divergence the
    ``Sampling`` layer adds, both averaged over the batch. ``fit`` logs
    ``loss``, ``reconstruction_loss`` and ``kl_loss``. Fit with ``fit(x)`` (the
    input is the target) or ``fit(x, x)``.

    Args:
        input_shape: tuple. ``(features,)`` (dense) or ``(h, w, c)`` (convolutional).
        latent_dim: int. Size of the latent code.
        hidden_units: tuple of int. Dense encoder widths (the decoder mirrors them).
        filters: tuple of int. Conv encoder filters, one stride-2 block each.
        activation: str. Hidden activation.
        output_activation: str. ``"sigmoid"`` (Bernoulli decoder, inputs in
            [0, 1]) or ``"linear"`` (Gaussian decoder).
        beta: float. Weight of the KL term (beta-VAE; 1 is the ELBO).
        seed: int or None. Seed of the sampling noise.
        name: str. Model name.
    """

    CONFIG_ARGS = ("input_shape", "latent_dim", "hidden_units", "filters", "activation",
                   "output_activation", "beta", "seed")
    CONFIG_ATTRIBUTES = {"input_shape": "sample_shape"}
    TUPLE_ARGS = ("input_shape", "hidden_units", "filters")

    def __init__(self, input_shape, latent_dim=LATENT_DIM, hidden_units=defaults.HIDDEN_UNITS,
                 filters=CONV_FILTERS, activation=defaults.ACTIVATION,
                 output_activation="sigmoid", beta=1.0, seed=None, name="vae", **kwargs):
        seed = checks.seed("seed", seed)
        input_shape, hidden_units, filters = check_architecture(
            input_shape=input_shape, latent_dim=latent_dim, hidden_units=hidden_units,
            filters=filters, activation=activation, output_activation=output_activation)
        beta = checks.non_negative("beta", beta)

        encoder_in = keras.Input(shape=input_shape, name="x")
        trunk = encoder_trunk(encoder_in, input_shape=input_shape, hidden_units=hidden_units,
                              filters=filters, activation=activation)
        z_mean = keras.layers.Dense(latent_dim, name="z_mean")(trunk)
        z_log_var = keras.layers.Dense(latent_dim, kernel_initializer="zeros",
                                       name="z_log_var")(trunk)
        encoder = keras.Model(encoder_in, [z_mean, z_log_var], name="encoder")
        decoder = build_decoder(latent_dim=latent_dim, input_shape=input_shape,
                                hidden_units=hidden_units, filters=filters,
                                activation=activation, output_activation=output_activation)

        inputs = keras.Input(shape=input_shape, name="inputs")
        mean, log_var = encoder(inputs)
        z = Sampling(seed=seed, name="sampling")([mean, log_var])
        super().__init__(inputs, decoder(z), name=name, **kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")
        self.prior_seed_generator = keras.random.SeedGenerator(seed)
        self.store_config(locals())

    def reconstruction_loss(self, target, reconstruction):
        """Per-batch mean of the per-sample reconstruction loss (summed over features)."""
        target = ops.cast(target, reconstruction.dtype)
        if self.output_activation == "sigmoid":
            p = ops.clip(reconstruction, 1e-7, 1.0 - 1e-7)
            per_value = -(target * ops.log(p) + (1.0 - target) * ops.log(1.0 - p))
        else:
            per_value = ops.square(target - reconstruction)
        per_sample = ops.sum(ops.reshape(per_value, (ops.shape(per_value)[0], -1)), axis=-1)
        return ops.mean(per_sample)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        target = x if y is None else y
        reconstruction = self.reconstruction_loss(target, y_pred)
        losses = self.losses  # the Sampling layer's KL divergence
        kl = ops.sum(ops.stack(losses)) if losses else ops.zeros(())
        total = reconstruction + self.beta * kl
        batch = ops.cast(ops.shape(y_pred)[0], "float32")  # weighted like Keras' "loss"
        self.reconstruction_loss_tracker.update_state(reconstruction, sample_weight=batch)
        self.kl_loss_tracker.update_state(kl, sample_weight=batch)
        return total

    def sample(self, n, seed=None, batch_size=256):
        """Generates ``n`` new samples: decodes codes drawn from the prior N(0, I).

        Args:
            n: int. Number of samples.
            seed: int or None. Seed of the latent draws; ``None`` advances the
                model's own seed generator.
            batch_size: int. Decoder batch size. Defaults to 256.

        Returns:
            NumPy array of shape ``(n, *input_shape)``.
        """
        checks.positive_int("n", n)
        z = keras.random.normal((n, self.latent_dim),
                                seed=self.prior_seed_generator if seed is None else seed)
        return self.decode(ops.convert_to_numpy(z), batch_size=batch_size)


@register_model(
    family="autoencoder",
    task="generation",
    guide="neural-networks-master: Autoencoders (Variational Autoencoder)",
    search_space=architecture_space() + SearchSpace((Float("beta", 0.1, 4.0, sampling="log"),)),
    example=Example({"input_shape": (12,), "hidden_units": (16, 8), "seed": 0},
                    examples.with_kwargs(examples.low_rank_vectors, rank=2, scale=1.0),
                    {"batch_size": 16}),
)
def vae(*, input_shape, latent_dim=LATENT_DIM, hidden_units=defaults.HIDDEN_UNITS,
        filters=CONV_FILTERS, activation=defaults.ACTIVATION, output_activation="sigmoid",
        beta=1.0, seed=None, optimizer=defaults.OPTIMIZER,
        learning_rate=defaults.LEARNING_RATE, clipnorm=None, clipvalue=None, compile=True):
    """A variational autoencoder: reconstruction + KL loss, ``encode``, ``decode``, ``sample(n)``.

    Dense for vector inputs, convolutional for images (chosen by the rank of
    ``input_shape``). ``model.fit(x)`` maximises the evidence lower bound;
    ``model.encode(x)`` returns ``[z_mean, z_log_var]``, ``model.decode(z)``
    maps codes to outputs and ``model.sample(n)`` draws new data from the prior.

    Args:
        input_shape: tuple. ``(features,)`` for vectors or ``(height, width,
            channels)`` for images (height and width divisible by
            ``2**len(filters)``).
        latent_dim: int. Size of the latent code (>= 1). Defaults to 2 (the
            Keras VAE example's choice: the latent space can be plotted as is).
        hidden_units: tuple of int. Dense encoder widths; the decoder mirrors
            them. Defaults to ``(256, 128)`` (guide: Quick Start). Vectors only.
        filters: tuple of int. Stride-2 conv encoder filters. Defaults to
            ``(32, 64)``. Images only.
        activation: str. Hidden activation. Defaults to ``"relu"`` (guide:
            Quick Start).
        output_activation: str. ``"sigmoid"``: Bernoulli decoder with
            binary cross-entropy, for inputs in [0, 1] (e.g. digits / 16);
            ``"linear"``: Gaussian decoder with squared error. Defaults to
            ``"sigmoid"``.
        beta: float. Weight of the KL term; 1 is the standard VAE, > 1 a
            beta-VAE. Defaults to 1.0.
        seed: int. Seed of the sampling noise. Defaults to None.
        optimizer: str. Defaults to ``"adam"`` (guide: Quick Start).
        learning_rate: float. Defaults to 1e-3 (guide: Quick Start).
        clipnorm: float. Clip each gradient to this L2 norm (guide: Gradient
            Problems, exploding gradients). Defaults to None (no clipping).
        clipvalue: float. Clip each gradient element to ``[-clipvalue,
            clipvalue]``. Defaults to None.
        compile: bool. Compile with the optimizer (the loss is the model's
            own). Defaults to True.

    Returns:
        A :class:`kzoo.models.vae.VariationalAutoencoder` named ``"vae"``.

    Example:
        >>> x, y = kzoo.data.load_digits()
        >>> model = kzoo.vae(input_shape=(64,), latent_dim=2)
        >>> model.fit(x / 16, epochs=30, batch_size=64)
        >>> z_mean, z_log_var = model.encode(x / 16)
        >>> new_digits = model.sample(16)

    Reference:
        Kingma & Welling (2014), "Auto-Encoding Variational Bayes";
        neural-networks-master: Autoencoders.
    """
    compile_args = arguments.check_compile_args(
        {"optimizer": optimizer, "learning_rate": learning_rate, "clipnorm": clipnorm,
         "clipvalue": clipvalue, "compile": compile})
    model = VariationalAutoencoder(input_shape, latent_dim=latent_dim, hidden_units=hidden_units,
                                   filters=filters, activation=activation,
                                   output_activation=output_activation, beta=beta, seed=seed,
                                   name="vae")
    if compile_args.compile:
        model.compile(optimizer=compile_args.make_optimizer())
    return model
