"""GAN: two optimizers, fit(x) on every backend, and it learns a checkable distribution."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo.models.gan import GANOptimizers

MEAN = np.array([2.0, -1.0])
COV = np.array([[1.0, 0.6], [0.6, 0.5]])


def _moment_distance(samples):
    """|mean - mean*| + ||cov - cov*||_F for the target 2-D Gaussian."""
    return float(np.linalg.norm(samples.mean(0) - MEAN)
                 + np.linalg.norm(np.cov(samples.T) - COV))


def test_gan_learns_a_2d_gaussian(tmp_path):
    """Generated samples match a correlated 2-D Gaussian's mean and covariance.

    The generator is linear (``generator_units=()``): G(z) = Az + b can
    represent any Gaussian exactly, so what is measured is the adversarial
    training (two optimizers, alternating steps), not capacity; a linear
    generator also trains stably at a learning rate high enough for a
    128-step test. The discriminator has two hidden layers, enough to tell
    covariances apart.
    """
    rng = np.random.default_rng(0)
    x = rng.multivariate_normal(MEAN, COV, size=2048).astype("float32")
    model = kzoo.gan(input_shape=(2,), latent_dim=2, generator_units=(),
                     discriminator_units=(32, 32), output_activation="linear", seed=0,
                     learning_rate=2e-2)
    before = _moment_distance(model.generate(2000, seed=1))
    history = model.fit(x, epochs=8, batch_size=128, verbose=0).history
    assert set(history) == {"d_loss", "g_loss"}
    assert np.all(np.isfinite(history["d_loss"] + history["g_loss"]))
    samples = model.generate(2000, seed=1)
    after = _moment_distance(samples)
    assert after < before / 4 and after < 1.0, (before, after, samples.mean(0),
                                                 np.cov(samples.T))

    # Both optimizers took one step per batch, each on its own network.
    steps = 8 * 2048 // 128
    opt = model.optimizer
    assert int(opt.discriminator_optimizer.iterations) == steps
    assert int(opt.generator_optimizer.iterations) == steps

    # .keras reload: same generator (fixed latent input), same optimizer state.
    model.save(tmp_path / "gan.keras")
    reloaded = keras.saving.load_model(tmp_path / "gan.keras")
    assert isinstance(reloaded, type(model)) and reloaded.name == "gan"
    z = np.random.default_rng(5).normal(size=(64, 2)).astype("float32")
    np.testing.assert_allclose(reloaded.generate(z=z), model.generate(z=z), atol=1e-6)
    np.testing.assert_allclose(reloaded.generate(16, seed=7), model.generate(16, seed=7),
                               atol=1e-6)
    np.testing.assert_allclose(reloaded.predict(x[:32], verbose=0),
                               model.predict(x[:32], verbose=0), atol=1e-6)
    assert int(reloaded.optimizer.generator_optimizer.iterations) == steps
    reloaded.fit(x[:128], epochs=1, batch_size=64, verbose=0)  # and keeps training


def test_dcgan_for_images():
    x, _ = kzoo.data.load_digits(as_images=True)
    x = x[:128] / 16.0
    model = kzoo.gan(input_shape=(8, 8, 1), latent_dim=8, filters=(8, 16), seed=0)
    gen_kinds = [type(layer).__name__ for layer in model.generator.layers]
    disc_kinds = [type(layer).__name__ for layer in model.discriminator.layers]
    assert gen_kinds.count("Conv2DTranspose") == 2 and disc_kinds.count("Conv2D") == 2
    assert model.generator.get_layer("reshape").output.shape[1:] == (2, 2, 16)
    model.fit(x, epochs=1, batch_size=32, verbose=0)
    samples = model.generate(6)
    assert samples.shape == (6, 8, 8, 1)
    assert samples.min() >= 0.0 and samples.max() <= 1.0  # sigmoid output
    scores = model.predict(x[:10], verbose=0)  # discriminator's P(real)
    assert scores.shape == (10, 1) and np.all((scores >= 0) & (scores <= 1))


def test_generate_reproducible_with_a_seed_and_random_without():
    model = kzoo.gan(input_shape=(3,), latent_dim=2, generator_units=(8,),
                     discriminator_units=(8,))
    np.testing.assert_array_equal(model.generate(4, seed=1), model.generate(4, seed=1))
    assert np.abs(model.generate(4) - model.generate(4)).max() > 0


def test_optimizers_are_two_distinct_instances():
    model = kzoo.gan(input_shape=(2,), latent_dim=2, optimizer="rmsprop", learning_rate=1e-3)
    opt = model.optimizer
    assert isinstance(opt, GANOptimizers)
    assert type(opt.discriminator_optimizer).__name__ == "RMSprop"
    assert opt.discriminator_optimizer is not opt.generator_optimizer
    n_disc = len(model.discriminator.trainable_variables)
    n_gen = len(model.generator.trainable_variables)
    assert len(opt.variables) == len(opt.discriminator_optimizer.variables) + len(
        opt.generator_optimizer.variables)
    assert n_disc > 0 and n_gen > 0
    default = kzoo.gan(input_shape=(2,))
    adam = default.optimizer.generator_optimizer
    assert float(adam.beta_1) == pytest.approx(0.5)
    uncompiled = kzoo.gan(input_shape=(2,), compile=False)
    uncompiled.compile()   # the default pair: two DCGAN Adams
    assert float(uncompiled.optimizer.discriminator_optimizer.beta_1) == pytest.approx(0.5)
    assert (uncompiled.optimizer.discriminator_optimizer
            is not uncompiled.optimizer.generator_optimizer)
    assert float(adam.learning_rate) == pytest.approx(2e-4)
    with pytest.raises(ValueError, match="same object twice"):
        GANOptimizers(adam, adam)
    with pytest.raises(ValueError, match="optimizer must be a kzoo.models.gan.GANOptimizers"):
        default.compile(optimizer="adam")


@pytest.mark.parametrize("kwargs, match", [
    ({"input_shape": (10, 10, 1)},
     r"divisible by the generator's upsampling factor 2\*\*len\(filters\) = 4"),
    ({"input_shape": (28, 28, 1), "filters": (8, 16, 32)}, r"= 8"),
    ({"latent_dim": 0}, r"Received: latent_dim=0"),
    ({"input_shape": (4, 4)}, r"Received: input_shape=\(4, 4\)"),
    ({"output_activation": "relu"}, r"Received: output_activation='relu'"),
    ({"filters": ()}, r"Received: filters=\(\)"),
    ({"learning_rate": 0}, r"Received: learning_rate=0"),
])
def test_bad_arguments_raise_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kzoo.gan(**{"input_shape": (2,), **kwargs})
