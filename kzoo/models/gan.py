"""Generative adversarial network (GAN): a generator and a discriminator, two optimizers.

Guide: neural-networks-master, "Generative Adversarial Networks (GAN)": the
generator G creates synthetic data from random noise, the discriminator D
classifies real vs fake, and the two play the min-max game
``min_G max_D E[log D(x)] + E[log(1 - D(G(z)))]``. kzoo trains G with the
non-saturating loss ``-log D(G(z))`` (Goodfellow et al., 2014, section 3).

Dense networks for vector data; DCGAN-style networks (strided ``Conv2D`` in D,
``Conv2DTranspose`` upsampling in G, LeakyReLU, no pooling; Radford et al.,
2016) for images. ``model.fit(x)`` runs one discriminator and one generator
update per batch on TensorFlow, JAX or PyTorch; the backend-specific gradient
code lives in :mod:`kzoo.backend.gan`, everything else (networks, losses,
metrics) is written once here.
"""

import keras
import numpy as np
from keras import ops

from kzoo import checks, defaults
from kzoo.backend.portable_compile import PortableCompile
from kzoo.data import examples
from kzoo.models import blocks
from kzoo.registry import Example, register_model
from kzoo.search_space import Choice, Int, SearchSpace, training_space
from kzoo.serialization import Config
from kzoo.tasks import arguments
from kzoo.tasks.data_checks import CheckedInputs

# DCGAN (Radford et al., 2016): z in R^100, Adam with learning rate 2e-4 and
# beta_1 = 0.5, LeakyReLU slope 0.2.
LATENT_DIM = 100
LEARNING_RATE = 2e-4
ADAM_BETA_1 = 0.5
GENERATOR_UNITS = (128, 256)
DISCRIMINATOR_UNITS = defaults.HIDDEN_UNITS
FILTERS = (64, 128)
OUTPUT_ACTIVATIONS = ("sigmoid", "tanh", "linear")


@keras.saving.register_keras_serializable(package="kzoo")
class GANOptimizers(keras.optimizers.Optimizer):
    """Two optimizers, one for the discriminator and one for the generator.

    A Keras model has a single ``optimizer``; this wrapper is it. Its
    ``variables`` are the discriminator optimizer's followed by the
    generator optimizer's, so ``fit`` (including JAX's stateless training
    state) and ``.keras`` files carry both. It never applies gradients itself:
    the GAN's train step calls ``discriminator_optimizer`` and
    ``generator_optimizer``.

    Args:
        discriminator_optimizer: A ``keras.optimizers.Optimizer`` (or its name
            or config).
        generator_optimizer: A ``keras.optimizers.Optimizer`` (or its name or
            config).
    """

    def __init__(self, discriminator_optimizer="adam", generator_optimizer="adam",
                 name="gan_optimizers", **kwargs):
        kwargs.pop("learning_rate", None)
        super().__init__(learning_rate=0.0, name=name, **kwargs)
        self.discriminator_optimizer = keras.optimizers.get(discriminator_optimizer)
        self.generator_optimizer = keras.optimizers.get(generator_optimizer)
        if self.discriminator_optimizer is self.generator_optimizer:
            raise ValueError("discriminator_optimizer and generator_optimizer must be two "
                             "different optimizer instances. Received the same object twice.")

    @property
    def variables(self):
        return [*self.discriminator_optimizer.variables, *self.generator_optimizer.variables]

    def build(self, var_list):
        """No-op: the GAN builds each optimizer on its own network (``build_pair``)."""

    def build_pair(self, discriminator_variables, generator_variables):
        """Builds both optimizers on their networks' trainable variables."""
        if not self.discriminator_optimizer.built:
            self.discriminator_optimizer.build(discriminator_variables)
        if not self.generator_optimizer.built:
            self.generator_optimizer.build(generator_variables)
        self.built = True

    def get_config(self):
        return {
            "name": self.name,
            "discriminator_optimizer": keras.optimizers.serialize(self.discriminator_optimizer),
            "generator_optimizer": keras.optimizers.serialize(self.generator_optimizer),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        for key in ("discriminator_optimizer", "generator_optimizer"):
            config[key] = keras.optimizers.deserialize(config[key],
                                                       custom_objects=custom_objects)
        return cls(**config)


def _dense_networks(input_shape, latent_dim, generator_units, discriminator_units,
                    output_activation):
    z = keras.Input(shape=(latent_dim,), name="z")
    h = blocks.dense_stack(z, generator_units, activation="leaky_relu", name="hidden")
    fake = keras.layers.Dense(input_shape[0], activation=output_activation, dtype="float32",
                              name="sample")(h)
    generator = keras.Model(z, fake, name="generator")
    x = keras.Input(shape=input_shape, name="x")
    h = blocks.dense_stack(x, discriminator_units, activation="leaky_relu", name="hidden")
    logit = keras.layers.Dense(1, dtype="float32", name="logit")(h)
    return generator, keras.Model(x, logit, name="discriminator")


def _conv_networks(input_shape, latent_dim, filters, output_activation):
    height, width, channels = input_shape
    factor = 2 ** len(filters)
    h0, w0 = height // factor, width // factor
    init = keras.initializers.RandomNormal(stddev=0.02)  # DCGAN
    z = keras.Input(shape=(latent_dim,), name="z")
    h = keras.layers.Dense(h0 * w0 * filters[-1], kernel_initializer=init, name="project")(z)
    h = keras.layers.LeakyReLU(0.2, name="project_leaky_relu")(h)
    h = keras.layers.Reshape((h0, w0, filters[-1]), name="reshape")(h)
    for i, f in enumerate(reversed(filters)):
        h = keras.layers.Conv2DTranspose(f, 4, strides=2, padding="same",
                                         kernel_initializer=init, name=f"deconv_{i}")(h)
        h = keras.layers.LeakyReLU(0.2, name=f"deconv_{i}_leaky_relu")(h)
    fake = keras.layers.Conv2D(channels, 3, padding="same", activation=output_activation,
                               kernel_initializer=init, dtype="float32", name="sample")(h)
    generator = keras.Model(z, fake, name="generator")
    x = keras.Input(shape=input_shape, name="x")
    h = x
    for i, f in enumerate(filters):
        h = keras.layers.Conv2D(f, 4, strides=2, padding="same", kernel_initializer=init,
                                name=f"conv_{i}")(h)
        h = keras.layers.LeakyReLU(0.2, name=f"conv_{i}_leaky_relu")(h)
    h = keras.layers.Flatten(name="flatten")(h)
    logit = keras.layers.Dense(1, kernel_initializer=init, dtype="float32", name="logit")(h)
    return generator, keras.Model(x, logit, name="discriminator")


@keras.saving.register_keras_serializable(package="kzoo")
class GAN(CheckedInputs, PortableCompile, Config, keras.Model):
    """A GAN as a functional ``keras.Model``: ``model(x)`` = D's probability that x is real.

    The graph ``x -> discriminator -> sigmoid`` makes ``predict(x)`` return
    the discriminator's scores, shape ``(n, 1)``; the generator is the
    ``generator`` attribute and :meth:`generate` samples from it. ``fit(x)``
    alternates one discriminator step (real -> 1, fake -> 0) and one generator
    step (non-saturating loss) per batch with the two optimizers of
    :class:`GANOptimizers`, logging ``d_loss`` and ``g_loss``.

    Args:
        input_shape: tuple. ``(features,)`` (dense) or ``(h, w, c)`` (DCGAN).
        latent_dim: int. Size of the noise vector z.
        generator_units: tuple of int. Dense generator widths.
        discriminator_units: tuple of int. Dense discriminator widths.
        filters: tuple of int. DCGAN discriminator filters (the generator
            mirrors them); one stride-2 block each.
        output_activation: str. Generator output: sigmoid, tanh or linear.
        seed: int or None. Seed of the latent noise used in training.
        name: str. Model name.
    """

    CONFIG_ARGS = ("input_shape", "latent_dim", "generator_units", "discriminator_units",
                   "filters", "output_activation", "seed")
    CONFIG_ATTRIBUTES = {"input_shape": "sample_shape"}
    TUPLE_ARGS = ("input_shape", "generator_units", "discriminator_units", "filters")

    def __init__(self, input_shape, latent_dim=LATENT_DIM, generator_units=GENERATOR_UNITS,
                 discriminator_units=DISCRIMINATOR_UNITS, filters=FILTERS,
                 output_activation="sigmoid", seed=None, name="gan", **kwargs):
        seed = checks.seed("seed", seed)
        input_shape = checks.shape("input_shape", input_shape)
        checks.positive_int("latent_dim", latent_dim)
        generator_units = checks.int_tuple("generator_units", generator_units)
        discriminator_units = checks.int_tuple("discriminator_units", discriminator_units)
        filters = checks.int_tuple("filters", filters, allow_empty=False)
        checks.one_of("output_activation", output_activation, OUTPUT_ACTIVATIONS)
        if len(input_shape) == 1:
            generator, discriminator = _dense_networks(
                input_shape, latent_dim, generator_units, discriminator_units,
                output_activation)
        elif len(input_shape) == 3:
            factor = 2 ** len(filters)
            if input_shape[0] % factor or input_shape[1] % factor:
                raise ValueError(
                    "input_shape height and width must be divisible by the generator's "
                    f"upsampling factor 2**len(filters) = {factor}. "
                    f"Received: input_shape={input_shape!r}, filters={filters!r}")
            generator, discriminator = _conv_networks(input_shape, latent_dim, filters,
                                                      output_activation)
        else:
            raise ValueError(
                "input_shape must be (features,) or (height, width, channels). "
                f"Received: input_shape={input_shape!r}")
        inputs = keras.Input(shape=input_shape, name="inputs")
        score = keras.layers.Activation("sigmoid", dtype="float32",
                                        name="real_probability")(discriminator(inputs))
        super().__init__(inputs, score, name=name, **kwargs)
        self.generator = generator
        self.discriminator = discriminator
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.store_config(locals())

    # -- training ---------------------------------------------------------------------
    def compile(self, optimizer=None, **kwargs):
        """Compiles with a :class:`GANOptimizers` (default: two DCGAN Adams).

        Args:
            optimizer: ``GANOptimizers``. Defaults to Adam(2e-4, beta_1=0.5)
                for each network.
            **kwargs: Passed to ``keras.Model.compile`` (e.g. ``jit_compile``).
        """
        if optimizer is None:
            optimizer = GANOptimizers(_dcgan_adam(LEARNING_RATE), _dcgan_adam(LEARNING_RATE))
        if not isinstance(optimizer, GANOptimizers):
            raise ValueError(
                "optimizer must be a kzoo.models.gan.GANOptimizers holding the "
                f"discriminator's and the generator's optimizers. Received: optimizer={optimizer!r}")
        super().compile(optimizer=optimizer, **kwargs)
        optimizer.build_pair(self.discriminator.trainable_variables,
                             self.generator.trainable_variables)

    def compile_from_config(self, config):
        self.compile(**keras.saving.deserialize_keras_object(config))

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def latent_noise(self, n):
        """``n`` latent vectors z ~ N(0, I) drawn with the model's seed generator."""
        return keras.random.normal((n, self.latent_dim), seed=self.seed_generator)

    def discriminator_loss(self, real_logits, fake_logits):
        """Binary cross-entropy: real samples labelled 1, generated ones 0."""
        real = keras.losses.binary_crossentropy(ops.ones_like(real_logits), real_logits,
                                                from_logits=True)
        fake = keras.losses.binary_crossentropy(ops.zeros_like(fake_logits), fake_logits,
                                                from_logits=True)
        return ops.mean(real) + ops.mean(fake)

    def generator_loss(self, fake_logits):
        """The non-saturating generator loss ``-log D(G(z))``."""
        return ops.mean(keras.losses.binary_crossentropy(ops.ones_like(fake_logits),
                                                         fake_logits, from_logits=True))

    def train_step(self, *args):
        # JAX passes (state, data), TensorFlow and PyTorch (data,).
        from kzoo.backend import gan as gan_backend

        return gan_backend.train_step(self, *args)

    def test_step(self, *args):
        raise NotImplementedError(
            "A GAN has no single validation loss: evaluate it on its samples "
            "(model.generate(n)) or its discriminator scores (model.predict(x)).")

    # -- sampling ---------------------------------------------------------------------
    def generate(self, n=None, seed=None, z=None, batch_size=256):
        """Generates samples from the generator.

        Args:
            n: int. Number of samples (ignored when ``z`` is given).
            seed: int or None. Seed of the latent draws; ``None`` advances the
                model's own seed generator. A fixed seed gives a fixed ``z``.
            z: array of shape ``(n, latent_dim)``. Latent vectors to decode
                instead of random ones.
            batch_size: int. Generator batch size. Defaults to 256.

        Returns:
            NumPy array of shape ``(n, *input_shape)``.
        """
        if z is None:
            checks.positive_int("n", n)
            z = keras.random.normal((n, self.latent_dim),
                                    seed=self.seed_generator if seed is None else seed)
        z = np.asarray(ops.convert_to_numpy(z), dtype="float32")
        if z.ndim != 2 or z.shape[1] != self.latent_dim:
            raise ValueError(f"z must have shape (n, latent_dim={self.latent_dim}). Received: "
                             f"z with shape {z.shape}")
        if n is not None and n != len(z):
            raise ValueError(f"n must equal len(z)={len(z)} when z is given (or be None). "
                             f"Received: n={n!r}")
        return self.generator.predict(z, batch_size=batch_size, verbose=0)


def _dcgan_adam(learning_rate, *, clipnorm=None, clipvalue=None):
    return keras.optimizers.Adam(learning_rate, beta_1=ADAM_BETA_1, clipnorm=clipnorm,
                                 clipvalue=clipvalue)


def make_optimizers(optimizer, learning_rate, *, clipnorm=None, clipvalue=None):
    """Two independent optimizers (Adam gets DCGAN's beta_1 = 0.5), clipped alike."""
    if isinstance(optimizer, keras.optimizers.Optimizer):
        raise ValueError("optimizer must be a name here (two instances are built from it). "
                         f"Received: optimizer={optimizer!r}")
    args = arguments.check_compile_args(
        {"optimizer": optimizer, "learning_rate": learning_rate, "clipnorm": clipnorm,
         "clipvalue": clipvalue, "compile": True})
    if optimizer == "adam":
        return GANOptimizers(*(_dcgan_adam(learning_rate, clipnorm=clipnorm, clipvalue=clipvalue)
                               for _ in range(2)))
    return GANOptimizers(args.make_optimizer(), args.make_optimizer())


def _space():
    def to_kwargs(values):
        values = dict(values)
        out = {}
        if "units" in values:
            units = values.pop("units")
            out["generator_units"] = (max(units // 2, 8), units)
            out["discriminator_units"] = (units, max(units // 2, 8))
        if "base_filters" in values:
            base = values.pop("base_filters")
            out["filters"] = (base, 2 * base)
        return {**out, **values}

    def defaults_from(d):
        out = {}
        if d.get("discriminator_units"):
            out["units"] = tuple(d["discriminator_units"])[0]
        if d.get("filters"):
            out["base_filters"] = tuple(d["filters"])[0]
        return out

    return SearchSpace(
        (Int("latent_dim", 2, 128, sampling="log"),
         Int("units", defaults.UNITS_RANGE[0], 512, sampling="log"),
         Choice("base_filters", (16, 32, 64))),
        to_kwargs, defaults_from) + training_space()


@register_model(
    family="gan",
    task="generation",
    guide="neural-networks-master: Generative Adversarial Networks (GAN)",
    search_space=_space(),
    example=Example({"input_shape": (2,), "latent_dim": 4, "generator_units": (16,),
                     "discriminator_units": (16,), "output_activation": "linear",
                     "seed": 0}, examples.gaussian_2d, {"batch_size": 16}),
)
def gan(*, input_shape, latent_dim=LATENT_DIM, generator_units=GENERATOR_UNITS,
        discriminator_units=DISCRIMINATOR_UNITS, filters=FILTERS, output_activation="sigmoid",
        seed=None, optimizer=defaults.OPTIMIZER, learning_rate=LEARNING_RATE, clipnorm=None,
        clipvalue=None, compile=True):
    """A GAN: generator vs discriminator, two optimizers, ``fit(x)`` and ``generate(n)``.

    Dense networks for vector data (``input_shape=(features,)``), DCGAN-style
    convolutional networks for images (``(height, width, channels)``; the
    generator upsamples a ``(h / 2**k, w / 2**k)`` map ``k = len(filters)``
    times with stride-2 ``Conv2DTranspose``). ``model.predict(x)`` returns the
    discriminator's probability that ``x`` is real; ``model.generate(n)`` draws
    new samples.

    Args:
        input_shape: tuple. Shape of one real sample.
        latent_dim: int. Size of the noise vector z. Defaults to 100 (DCGAN).
        generator_units: tuple of int. Dense generator widths (LeakyReLU 0.2).
            Defaults to ``(128, 256)`` (the guide's funnel, mirrored). Vectors only.
        discriminator_units: tuple of int. Dense discriminator widths.
            Defaults to ``(256, 128)`` (guide: Quick Start). Vectors only.
        filters: tuple of int. Filters of the discriminator's stride-2 conv
            blocks; the generator mirrors them. Defaults to ``(64, 128)``
            (Keras DCGAN example). Images only; height and width must be
            divisible by ``2**len(filters)``.
        output_activation: str. Generator output: ``"sigmoid"`` for data in
            [0, 1] (e.g. digits / 16), ``"tanh"`` for [-1, 1], ``"linear"`` for
            unbounded data. Defaults to ``"sigmoid"``.
        seed: int. Seed of the training noise. Defaults to None.
        optimizer: str. Name of both optimizers; ``"adam"`` uses DCGAN's
            beta_1 = 0.5. Defaults to ``"adam"`` (guide: Quick Start).
        learning_rate: float. Learning rate of both optimizers. Defaults to
            2e-4 (DCGAN; the guide's 1e-3 is too fast for adversarial training).
        clipnorm: float. Clip each gradient of both networks to this L2 norm
            (guide: Gradient Problems). Defaults to None (no clipping).
        clipvalue: float. Clip each gradient element to ``[-clipvalue,
            clipvalue]``. Defaults to None.
        compile: bool. Compile with two optimizers. Defaults to True.

    Returns:
        A :class:`kzoo.models.gan.GAN` named ``"gan"``.

    Example:
        >>> model = kzoo.gan(input_shape=(2,), output_activation="linear")
        >>> model.fit(x, epochs=100, batch_size=64)
        >>> samples = model.generate(1000)

    Reference:
        Goodfellow et al. (2014), "Generative Adversarial Nets"; Radford et
        al. (2016), "Unsupervised Representation Learning with Deep
        Convolutional GANs"; neural-networks-master: GAN.
    """
    checks.boolean("compile", compile)
    optimizers = make_optimizers(optimizer, learning_rate, clipnorm=clipnorm,
                                 clipvalue=clipvalue)
    model = GAN(input_shape, latent_dim=latent_dim, generator_units=generator_units,
                discriminator_units=discriminator_units, filters=filters,
                output_activation=output_activation, seed=seed, name="gan")
    if compile:
        model.compile(optimizer=optimizers)
    return model
