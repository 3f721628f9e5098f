"""Autoencoder family: plain, denoising and sparse autoencoders, plus anomaly scores.

Guide: neural-networks-master, "Autoencoders": an encoder compresses the input
to a low-dimensional latent code (the bottleneck), a decoder reconstructs the
input from it. Types: vanilla (reconstruction), denoising (learns to remove
noise), sparse (enforces sparsity in the hidden code); applications include
dimensionality reduction, feature learning, anomaly detection and image
denoising.

Each factory returns an :class:`Autoencoder`: a functional ``keras.Model``
``x -> [noise] -> encoder -> decoder -> x_hat`` with the ``encoder`` and
``decoder`` sub-models as attributes and ``encode(x)`` / ``decode(z)`` methods.
Vector inputs (``input_shape=(d,)``) get dense stacks; image inputs
(``input_shape=(h, w, c)``) get strided ``Conv2D`` / ``Conv2DTranspose``
stacks. Train with ``model.fit(x, x)``.
"""

import keras
import numpy as np

from kzoo import checks, defaults, docstrings, heads
from kzoo.backend.portable_compile import PortableCompile
from kzoo.data import examples
from kzoo.layers.masking_noise import MaskingNoise
from kzoo.models import blocks
from kzoo.registry import Example, register_model
from kzoo.search_space import Choice, Float, Int, SearchSpace, training_space
from kzoo.serialization import Config
from kzoo.tasks import arguments
from kzoo.tasks.data_checks import CheckedInputs

# Defaults for the family. The guide gives no numbers for autoencoders, so
# these are the common textbook choices, stated once.
LATENT_DIM = 32
CONV_FILTERS = (32, 64)  # two stride-2 blocks: 28x28 -> 7x7, 8x8 -> 2x2
OUTPUT_ACTIVATIONS = ("sigmoid", "linear")
NOISE_TYPES = ("gaussian", "masking")


def _is_image(input_shape):
    return len(input_shape) == 3


def check_architecture(*, input_shape, latent_dim, hidden_units, filters, activation,
                       output_activation):
    """Validates the arguments every encoder/decoder pair takes.

    Returns:
        ``(input_shape, hidden_units, filters)`` as tuples.
    """
    input_shape = checks.shape("input_shape", input_shape)
    if len(input_shape) not in (1, 3):
        raise ValueError(
            "input_shape must be (features,) for vectors or (height, width, channels) "
            f"for images. Received: input_shape={input_shape!r}")
    checks.positive_int("latent_dim", latent_dim)
    hidden_units = checks.int_tuple("hidden_units", hidden_units)
    filters = checks.int_tuple("filters", filters)
    blocks.check_activation(activation)
    checks.one_of("output_activation", output_activation, OUTPUT_ACTIVATIONS)
    if _is_image(input_shape):
        factor = 2 ** len(filters)
        height, width = input_shape[:2]
        if height % factor or width % factor:
            raise ValueError(
                f"input_shape height and width must be divisible by 2**len(filters) = "
                f"{factor} (one stride-2 convolution per entry of filters). "
                f"Received: input_shape={input_shape!r}, filters={filters!r}")
    return input_shape, hidden_units, filters


def encoder_trunk(inputs, *, input_shape, hidden_units, filters, activation):
    """The encoder body up to (not including) the code layer."""
    init = blocks.initializer_for(activation)
    if _is_image(input_shape):
        x = inputs
        for i, f in enumerate(filters):
            x = keras.layers.Conv2D(f, 3, strides=2, padding="same", activation=activation,
                                    kernel_initializer=init, name=f"conv_{i}")(x)
        return keras.layers.Flatten(name="flatten")(x)
    return blocks.dense_stack(inputs, hidden_units, activation=activation, name="hidden")


def build_decoder(*, latent_dim, input_shape, hidden_units, filters, activation,
                  output_activation, name="decoder"):
    """The decoder: a mirror image of the encoder, ``z -> x_hat``."""
    init = blocks.initializer_for(activation)
    z = keras.Input(shape=(latent_dim,), name="z")
    if _is_image(input_shape):
        factor = 2 ** len(filters)
        height, width, channels = input_shape
        h, w = height // factor, width // factor
        top = filters[-1] if filters else channels
        x = keras.layers.Dense(h * w * top, activation=activation, kernel_initializer=init,
                               name="project")(z)
        x = keras.layers.Reshape((h, w, top), name="reshape")(x)
        for i, f in enumerate(reversed(filters)):
            x = keras.layers.Conv2DTranspose(f, 3, strides=2, padding="same",
                                             activation=activation, kernel_initializer=init,
                                             name=f"deconv_{i}")(x)
        outputs = keras.layers.Conv2D(channels, 3, padding="same",
                                      activation=output_activation, dtype="float32",
                                      name="reconstruction")(x)
    else:
        x = blocks.dense_stack(z, tuple(reversed(hidden_units)), activation=activation,
                               name="hidden")
        outputs = keras.layers.Dense(input_shape[0], activation=output_activation,
                                     dtype="float32", name="reconstruction")(x)
    return keras.Model(z, outputs, name=name)


class _CodecMixin:
    """``encode`` / ``decode`` through the ``encoder`` and ``decoder`` sub-models."""

    def encode(self, x, batch_size=256):
        """Encodes ``x`` (NumPy in, NumPy out; no noise, inference mode).

        Args:
            x: array of shape ``(n, *input_shape)``.
            batch_size: int. Batch size for the encoder. Defaults to 256.

        Returns:
            The codes as NumPy array(s).
        """
        return self.encoder.predict(np.asarray(x, dtype="float32"), batch_size=batch_size,
                                    verbose=0)

    def decode(self, z, batch_size=256):
        """Decodes latent codes ``z`` of shape ``(n, latent_dim)`` to NumPy outputs."""
        return self.decoder.predict(np.asarray(z, dtype="float32"), batch_size=batch_size,
                                    verbose=0)


@keras.saving.register_keras_serializable(package="kzoo")
class Autoencoder(CheckedInputs, PortableCompile, Config, _CodecMixin, keras.Model):
    """A functional autoencoder ``x -> [noise] -> encoder -> decoder -> x_hat``.

    The graph is rebuilt from the constructor arguments, so ``get_config`` /
    ``from_config`` and ``.keras`` files need no custom objects. ``model(x)`` and
    ``model.predict(x)`` return the reconstruction; noise is applied only when
    ``training=True``.

    Args:
        input_shape: tuple. ``(features,)`` (dense) or ``(h, w, c)`` (convolutional).
        latent_dim: int. Size of the code.
        hidden_units: tuple of int. Dense encoder widths (the decoder mirrors them).
        filters: tuple of int. Conv encoder filters, one stride-2 block each.
        activation: str. Hidden activation.
        output_activation: str. ``"sigmoid"`` or ``"linear"``.
        code_activation: str or None. Activation of the code layer.
        noise: str or None. ``"gaussian"`` or ``"masking"`` input corruption
            during training; ``None`` for none.
        noise_level: float. Gaussian standard deviation or masking fraction.
        sparsity: float. L1 activity penalty on the code (0 disables it).
        seed: int or None. Seed of the masking noise.
        name: str. Model name.
    """

    CONFIG_ARGS = ("input_shape", "latent_dim", "hidden_units", "filters", "activation",
                   "output_activation", "code_activation", "noise", "noise_level", "sparsity",
                   "seed")
    CONFIG_ATTRIBUTES = {"input_shape": "sample_shape"}
    TUPLE_ARGS = ("input_shape", "hidden_units", "filters")

    def __init__(self, input_shape, latent_dim=LATENT_DIM, hidden_units=defaults.HIDDEN_UNITS,
                 filters=CONV_FILTERS, activation=defaults.ACTIVATION,
                 output_activation="sigmoid", code_activation=None, noise=None,
                 noise_level=0.0, sparsity=0.0, seed=None, name="autoencoder", **kwargs):
        seed = checks.seed("seed", seed)
        input_shape, hidden_units, filters = check_architecture(
            input_shape=input_shape, latent_dim=latent_dim, hidden_units=hidden_units,
            filters=filters, activation=activation, output_activation=output_activation)
        if noise is not None:
            checks.one_of("noise", noise, NOISE_TYPES)
            if noise == "gaussian":
                # Keras' GaussianNoise takes stddev in [0, 1].
                checks.number_in_range("noise_level", noise_level, 0.0, 1.0,
                                       low_inclusive=False)
            else:
                checks.fraction("noise_level", noise_level, allow_zero=False)
        sparsity = checks.non_negative("sparsity", sparsity)
        if code_activation is not None:
            checks.one_of("code_activation", code_activation,
                          ("linear", "relu", "sigmoid", "tanh", "softplus"))

        encoder_in = keras.Input(shape=input_shape, name="x")
        trunk = encoder_trunk(encoder_in, input_shape=input_shape, hidden_units=hidden_units,
                              filters=filters, activation=activation)
        code = keras.layers.Dense(
            latent_dim, activation=code_activation, name="code",
            activity_regularizer=keras.regularizers.L1(sparsity) if sparsity else None)(trunk)
        encoder = keras.Model(encoder_in, code, name="encoder")
        decoder = build_decoder(latent_dim=latent_dim, input_shape=input_shape,
                                hidden_units=hidden_units, filters=filters,
                                activation=activation, output_activation=output_activation)

        inputs = keras.Input(shape=input_shape, name="inputs")
        x = inputs
        if noise == "gaussian":
            x = keras.layers.GaussianNoise(noise_level, seed=seed, name="noise")(x)
        elif noise == "masking":
            x = MaskingNoise(noise_level, seed=seed, name="noise")(x)
        outputs = decoder(encoder(x))
        super().__init__(inputs, outputs, name=name, **kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.store_config(locals())


def anomaly_scores(model, x, batch_size=256):
    """Per-sample reconstruction error: the mean squared error over features.

    Large scores flag inputs unlike the training data (guide: Autoencoders >
    Applications, anomaly detection). Works for any model whose ``predict``
    returns a reconstruction of its input (every kzoo autoencoder and the VAE).

    Args:
        model: a trained autoencoder.
        x: array of shape ``(n, *input_shape)``.
        batch_size: int. Prediction batch size. Defaults to 256.

    Returns:
        NumPy float array of shape ``(n,)``.

    Example:
        >>> model = kzoo.autoencoder(input_shape=(30,), output_activation="linear")
        >>> model.fit(x_normal, x_normal, epochs=50)
        >>> scores = kzoo.anomaly_scores(model, x_new)   # threshold e.g. at a quantile
    """
    x = np.asarray(x, dtype="float32")
    x_hat = np.asarray(model.predict(x, batch_size=batch_size, verbose=0), dtype="float32")
    if x_hat.shape != x.shape:
        raise ValueError(
            "model must reconstruct its input: predictions have shape "
            f"{x_hat.shape}, inputs {x.shape}. Received: model={model.name!r}")
    return np.mean((x_hat - x).reshape(len(x), -1) ** 2, axis=1)


def compile_autoencoder(model, *, optimizer, learning_rate=defaults.LEARNING_RATE):
    """MSE reconstruction loss and MAE, with the guide's optimizer defaults."""
    model.compile(optimizer=heads.make_optimizer(optimizer, learning_rate),
                  loss=keras.losses.MeanSquaredError(name="mse"),
                  metrics=[keras.metrics.MeanAbsoluteError(name="mae")])
    return model


def architecture_space() -> SearchSpace:
    """Latent size (2..128, log), dense width and conv filters, learning rate.

    ``units`` is the first dense width (the second is half of it, a funnel);
    ``base_filters`` the first conv block's filters (the second doubles it).
    With the factory defaults, ``defaults_from`` gives ``units=256`` and
    ``base_filters=32``, so the first trial reproduces the default model.
    """
    def to_kwargs(values):
        values = dict(values)
        out = {}
        if "units" in values:
            units = values.pop("units")
            out["hidden_units"] = (units, max(units // 2, 8))
        if "base_filters" in values:
            base = values.pop("base_filters")
            out["filters"] = (base, 2 * base)
        return {**out, **values}

    def defaults_from(factory_defaults):
        out = {}
        if factory_defaults.get("hidden_units"):
            out["units"] = tuple(factory_defaults["hidden_units"])[0]
        if factory_defaults.get("filters"):
            out["base_filters"] = tuple(factory_defaults["filters"])[0]
        return out

    return SearchSpace(
        (Int("latent_dim", 2, 128, sampling="log"),
         Int("units", defaults.UNITS_RANGE[0], 512, sampling="log"),
         Choice("base_filters", (16, 32, 64))),
        to_kwargs,
        defaults_from,
    ) + training_space()


_EXAMPLE_FIT = {"batch_size": 16}
_COMMON_DOC = """
        input_shape: tuple. ``(features,)`` for vectors (dense encoder/decoder)
            or ``(height, width, channels)`` for images (convolutional; height
            and width divisible by ``2**len(filters)``).
        latent_dim: int. Size of the code (the bottleneck). Defaults to 32 (the
            guide gives no number: "low-dimensional latent space").
        hidden_units: tuple of int. Dense encoder widths; the decoder mirrors
            them. Defaults to ``(256, 128)`` (guide: Quick Start, funnel shaped).
            Used for vector inputs only.
        filters: tuple of int. Filters of the stride-2 ``Conv2D`` encoder
            blocks; the decoder mirrors them with ``Conv2DTranspose``. Defaults
            to ``(32, 64)``. Used for image inputs only.
        activation: str. Hidden activation. Defaults to ``"relu"`` (guide:
            Quick Start).
        output_activation: str. ``"sigmoid"`` for inputs scaled to [0, 1]
            (e.g. digits / 16) or ``"linear"`` for standardized data. Defaults
            to ``"sigmoid"``."""
_COMPILE_DOC = """
        optimizer: str. Defaults to ``"adam"`` (guide: Quick Start).
        learning_rate: float. Defaults to 1e-3 (guide: Quick Start).
        clipnorm: float. Clip each gradient to this L2 norm (guide: Gradient
            Problems, exploding gradients). Defaults to None (no clipping).
        clipvalue: float. Clip each gradient element to ``[-clipvalue,
            clipvalue]``. Defaults to None.
        compile: bool. Compile with MSE reconstruction loss and MAE. Defaults
            to True."""


def _make(name, *, input_shape, latent_dim, hidden_units, filters, activation,
          output_activation, optimizer, learning_rate, clipnorm, clipvalue, compile, **extra):
    compile_args = arguments.check_compile_args(
        {"optimizer": optimizer, "learning_rate": learning_rate, "clipnorm": clipnorm,
         "clipvalue": clipvalue, "compile": compile})
    model = Autoencoder(input_shape, latent_dim=latent_dim, hidden_units=hidden_units,
                        filters=filters, activation=activation,
                        output_activation=output_activation, name=name, **extra)
    if compile_args.compile:
        compile_autoencoder(model, optimizer=compile_args.make_optimizer())
    return model


@register_model(
    family="autoencoder",
    task="reconstruction",
    guide="neural-networks-master: Autoencoders (Vanilla Autoencoder)",
    search_space=architecture_space(),
    example=Example({"input_shape": (12,), "latent_dim": 3, "hidden_units": (16, 8)},
                    examples.reconstruction(examples.low_rank_vectors), _EXAMPLE_FIT),
)
@docstrings.template("""An autoencoder: encoder -> bottleneck code -> decoder, trained to reconstruct x.

    Dense for vector inputs, convolutional for images (chosen by the rank of
    ``input_shape``). Train with ``model.fit(x, x)``; ``model.encode(x)`` gives
    the codes (dimensionality reduction, feature learning), ``model.decode(z)``
    maps codes back and ``kzoo.anomaly_scores(model, x)`` gives per-sample
    reconstruction errors.

    Args:
{common}
{compile}

    Returns:
        A :class:`kzoo.models.autoencoders.Autoencoder` named ``"autoencoder"``
        (a functional ``keras.Model`` with ``encoder`` and ``decoder``).

    Example:
        >>> x, _ = kzoo.data.load_digits()
        >>> model = kzoo.autoencoder(input_shape=(64,), latent_dim=8)
        >>> model.fit(x / 16, x / 16, epochs=20)
        >>> codes = model.encode(x / 16)

    Reference:
        neural-networks-master: Autoencoders; Hinton & Salakhutdinov (2006).
    """, common=_COMMON_DOC, compile=_COMPILE_DOC)
def autoencoder(*, input_shape, latent_dim=LATENT_DIM, hidden_units=defaults.HIDDEN_UNITS,
                filters=CONV_FILTERS, activation=defaults.ACTIVATION,
                output_activation="sigmoid", optimizer=defaults.OPTIMIZER,
                learning_rate=defaults.LEARNING_RATE, clipnorm=None, clipvalue=None,
                compile=True):
    return _make("autoencoder", input_shape=input_shape, latent_dim=latent_dim,
                 hidden_units=hidden_units, filters=filters, activation=activation,
                 output_activation=output_activation, optimizer=optimizer,
                 learning_rate=learning_rate, clipnorm=clipnorm, clipvalue=clipvalue,
                 compile=compile)


@register_model(
    family="autoencoder",
    task="reconstruction",
    guide="neural-networks-master: Autoencoders (Denoising Autoencoder)",
    search_space=architecture_space() + SearchSpace(
        (Float("noise_level", 0.05, 0.5),)),
    example=Example({"input_shape": (8, 8, 1), "latent_dim": 4, "filters": (4, 8)},
                    examples.reconstruction(examples.uniform_images), _EXAMPLE_FIT),
)
@docstrings.template("""A denoising autoencoder: corrupts its input in training, reconstructs the clean x.

    The corruption (Gaussian noise or masking) is a layer active only when
    ``training=True``: ``predict`` and ``evaluate`` see the clean input, so
    inference is deterministic and equals ``decode(encode(x))``. Train with
    ``model.fit(x, x)`` on clean data; to clean noisy inputs call
    ``model.predict(x_noisy)``.

    Args:
{common}
        noise: str. ``"gaussian"`` (additive, standard deviation
            ``noise_level``) or ``"masking"`` (each input value set to 0 with
            probability ``noise_level``). Defaults to ``"gaussian"``.
        noise_level: float. Defaults to 0.2 (for inputs scaled to [0, 1]).
        seed: int. Seed of the noise. Defaults to None.
{compile}

    Returns:
        An :class:`kzoo.models.autoencoders.Autoencoder` named
        ``"denoising_autoencoder"``.

    Example:
        >>> model = kzoo.denoising_autoencoder(input_shape=(8, 8, 1), noise_level=0.3)
        >>> model.fit(x_clean, x_clean, epochs=20)
        >>> cleaned = model.predict(x_noisy)

    Reference:
        Vincent et al. (2008), "Extracting and composing robust features with
        denoising autoencoders"; neural-networks-master: Autoencoders.
    """, common=_COMMON_DOC, compile=_COMPILE_DOC)
def denoising_autoencoder(*, input_shape, latent_dim=LATENT_DIM,
                          hidden_units=defaults.HIDDEN_UNITS, filters=CONV_FILTERS,
                          activation=defaults.ACTIVATION, output_activation="sigmoid",
                          noise="gaussian", noise_level=0.2, seed=None,
                          optimizer=defaults.OPTIMIZER, learning_rate=defaults.LEARNING_RATE,
                          clipnorm=None, clipvalue=None, compile=True):
    checks.one_of("noise", noise, NOISE_TYPES)
    return _make("denoising_autoencoder", input_shape=input_shape, latent_dim=latent_dim,
                 hidden_units=hidden_units, filters=filters, activation=activation,
                 output_activation=output_activation, optimizer=optimizer,
                 learning_rate=learning_rate, clipnorm=clipnorm, clipvalue=clipvalue,
                 compile=compile, noise=noise,
                 noise_level=noise_level, seed=seed)


@register_model(
    family="autoencoder",
    task="reconstruction",
    guide="neural-networks-master: Autoencoders (Sparse Autoencoder)",
    search_space=architecture_space() + SearchSpace(
        (Float("sparsity", 1e-5, 1e-1, sampling="log"),)),
    example=Example({"input_shape": (12,), "latent_dim": 6, "hidden_units": (16,)},
                    examples.reconstruction(examples.low_rank_vectors), _EXAMPLE_FIT),
)
@docstrings.template("""A sparse autoencoder: an L1 penalty on a ReLU code keeps most code units at 0.

    The penalty ``sparsity * sum(|z|)`` per sample (an L1 activity
    regularizer on the code layer) is added to the reconstruction loss, so each
    input is explained by a few active code units; the code may then be wider
    than the input (overcomplete) and still learn useful features.

    Args:
{common}
        sparsity: float. Weight of the L1 activity penalty on the code.
            Defaults to 1e-3.
        code_activation: str. Activation of the code layer; ``"relu"`` makes
            inactive units exactly 0. Defaults to ``"relu"``.
{compile}

    Returns:
        An :class:`kzoo.models.autoencoders.Autoencoder` named ``"sparse_autoencoder"``.

    Example:
        >>> model = kzoo.sparse_autoencoder(input_shape=(64,), latent_dim=64)
        >>> model.fit(x / 16, x / 16, epochs=20)
        >>> (model.encode(x / 16) > 0).mean()   # fraction of active code units

    Reference:
        Ng (2011), "Sparse autoencoder" (CS294A notes); neural-networks-master:
        Autoencoders.
    """, common=_COMMON_DOC, compile=_COMPILE_DOC)
def sparse_autoencoder(*, input_shape, latent_dim=LATENT_DIM,
                       hidden_units=defaults.HIDDEN_UNITS, filters=CONV_FILTERS,
                       activation=defaults.ACTIVATION, output_activation="sigmoid",
                       sparsity=1e-3, code_activation="relu", optimizer=defaults.OPTIMIZER,
                       learning_rate=defaults.LEARNING_RATE, clipnorm=None, clipvalue=None,
                       compile=True):
    return _make("sparse_autoencoder", input_shape=input_shape, latent_dim=latent_dim,
                 hidden_units=hidden_units, filters=filters, activation=activation,
                 output_activation=output_activation, optimizer=optimizer,
                 learning_rate=learning_rate, clipnorm=clipnorm, clipvalue=clipvalue,
                 compile=compile, sparsity=sparsity,
                 code_activation=code_activation)
