"""VAE: both loss terms are optimised, the latent space is meaningful, sampling works."""

import keras
import numpy as np
import pytest

import kzoo
from kzoo import data
from kzoo.testing.harness import assert_same_predictions


@pytest.fixture(scope="module")
def digits():
    x, y = data.load_digits()
    return x / 16.0, y


def _knn_accuracy(z, labels, k=5):
    """Leave-one-out k-nearest-neighbour accuracy of ``labels`` from codes ``z``."""
    distances = np.sum((z[:, None, :] - z[None, :, :]) ** 2, axis=-1)
    np.fill_diagonal(distances, np.inf)
    neighbours = labels[np.argsort(distances, axis=1)[:, :k]]
    votes = np.array([np.bincount(row, minlength=labels.max() + 1).argmax()
                      for row in neighbours])
    return float(np.mean(votes == labels))


def test_reconstruction_and_kl_both_decrease(digits):
    """Both terms of the loss reach the gradients.

    At the default initialisation the posterior equals the prior (KL ~ 0) and
    KL can only grow as the code starts to carry information; starting from a
    wide posterior (log-variance 3, KL ~ 8 per latent dimension) gives both
    terms room to fall, which they only do if both are in the optimised loss.
    """
    x, _ = digits
    model = kzoo.vae(input_shape=(64,), latent_dim=2, hidden_units=(64, 32), seed=0,
                     learning_rate=3e-3)
    model.encoder.get_layer("z_log_var").bias.assign(np.full((2,), 3.0, "float32"))
    history = model.fit(x, epochs=6, batch_size=64, verbose=0).history
    assert set(history) == {"loss", "reconstruction_loss", "kl_loss"}
    kl, rec = history["kl_loss"], history["reconstruction_loss"]
    assert kl[0] > 2.0 and kl[-1] < 0.6 * kl[0], kl
    assert rec[-1] < 0.9 * rec[0], rec
    np.testing.assert_allclose(np.array(history["loss"]), np.array(rec) + np.array(kl),
                               rtol=1e-4)


def test_latent_means_separate_classes_and_reload_is_identical(digits, tmp_path):
    x, y = digits
    model = kzoo.vae(input_shape=(64,), latent_dim=4, hidden_units=(64, 32), seed=0,
                     learning_rate=3e-3)
    model.fit(x, epochs=10, batch_size=64, verbose=0)
    z_mean, z_log_var = model.encode(x)
    assert z_mean.shape == z_log_var.shape == (len(x), 4)
    # The VAE never saw a label, yet its latent means cluster by digit: 0s and
    # 1s are told apart by their neighbours, and all ten classes are far above
    # chance (0.1).
    pair = (y == 0) | (y == 1)
    assert _knn_accuracy(z_mean[pair], y[pair]) > 0.95
    assert _knn_accuracy(z_mean, y) > 0.6

    samples = model.sample(16, seed=3)
    assert samples.shape == (16, 64) and np.all(np.isfinite(samples))
    assert samples.min() >= 0.0 and samples.max() <= 1.0
    np.testing.assert_allclose(samples, model.sample(16, seed=3), atol=1e-6)

    model.save(tmp_path / "vae.keras")
    reloaded = keras.saving.load_model(tmp_path / "vae.keras")
    assert reloaded.name == "vae" and reloaded.latent_dim == 4
    grid = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    assert_same_predictions(model.decode(grid), reloaded.decode(grid), what="decode")
    assert_same_predictions(model.encode(x[:8]), reloaded.encode(x[:8]), what="encode")
    assert_same_predictions(samples, reloaded.sample(16, seed=3), what="sample")


def test_inference_uses_the_mean_training_samples():
    x = np.random.default_rng(0).uniform(size=(8, 12)).astype("float32")
    model = kzoo.vae(input_shape=(12,), hidden_units=(8,), seed=0)
    z_mean, _ = model.encode(x)
    np.testing.assert_allclose(model.predict(x, verbose=0), model.decode(z_mean), atol=1e-6)
    a = keras.ops.convert_to_numpy(model(x, training=True))
    b = keras.ops.convert_to_numpy(model(x, training=True))
    assert np.abs(a - b).max() > 1e-5  # reparameterized sampling in training


def test_convolutional_vae_samples_images():
    x = np.random.default_rng(0).uniform(size=(32, 8, 8, 1)).astype("float32")
    model = kzoo.vae(input_shape=(8, 8, 1), latent_dim=3, filters=(4, 8), seed=0)
    kinds = [type(layer).__name__ for layer in model.decoder.layers]
    assert "Conv2DTranspose" in kinds
    history = model.fit(x, x, epochs=1, batch_size=16, verbose=0).history
    assert np.isfinite(history["loss"][0])
    samples = model.sample(5)
    assert samples.shape == (5, 8, 8, 1) and np.all(np.isfinite(samples))


def test_linear_output_uses_squared_error():
    model = kzoo.vae(input_shape=(3,), hidden_units=(4,), output_activation="linear")
    target = keras.ops.convert_to_tensor(np.zeros((2, 3), "float32"))
    pred = keras.ops.convert_to_tensor(np.ones((2, 3), "float32"))
    assert float(keras.ops.convert_to_numpy(model.reconstruction_loss(target, pred))) == 3.0


@pytest.mark.parametrize("kwargs, match", [
    ({"latent_dim": 0}, r"latent_dim must be an integer >= 1. Received: latent_dim=0"),
    ({"beta": -1.0}, r"Received: beta=-1.0"),
    ({"input_shape": (10, 10, 1)}, r"divisible by 2\*\*len\(filters\)"),
    ({"output_activation": "softmax"}, r"Received: output_activation='softmax'"),
    ({"optimizer": "adamax"}, r"Received: optimizer='adamax'"),
])
def test_bad_arguments_raise_value_error(kwargs, match):
    with pytest.raises(ValueError, match=match):
        kzoo.vae(**{"input_shape": (8,), **kwargs})
